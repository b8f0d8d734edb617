"""Role checklists in Chromium: ticks that stay put, progress, export/import, reset, print, no JavaScript."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from browsing import ARTIFACTS, watch_errors

pytestmark = pytest.mark.slow

ROLE = "roles/marketing/"
STORAGE_KEY = "cemkit.checklist.v2"
OLD_STORAGE_KEY = "cemkit.checklist.v1"
"""Where the site kept ticks until they were kept per checklist (keyed by "<playbook>/<item>" only)."""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.errors = watch_errors(page)  # type: ignore[attr-defined]
    yield page
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()


def open_checklist(page: Page, shipped_site_url: str) -> None:
    page.goto(shipped_site_url + ROLE)
    expect(page.locator(".cem-tools")).to_be_visible()


def checked_keys(page: Page) -> list[str]:
    return page.eval_on_selector_all("input.cem-check:checked", "boxes => boxes.map(b => b.dataset.key)")


def total(page: Page) -> str:
    return page.locator(".cem-progress-total").inner_text()


def test_ticks_survive_reload_and_navigation(page: Page, shipped_site_url: str) -> None:
    """Ticks and progress survive a reload, instant navigation away and back, and show on the stage page too."""
    open_checklist(page, shipped_site_url)
    boxes = page.locator("input.cem-check")
    count = boxes.count()
    assert count >= 10
    assert total(page) == f"0 of {count} done"
    boxes.nth(0).check()
    boxes.nth(3).check()
    assert total(page) == f"2 of {count} done"
    first_stage = page.locator(".cem-progress").first.inner_text()
    assert first_stage.startswith("2 of ")
    ticked = checked_keys(page)

    page.reload()
    expect(page.locator(".cem-tools")).to_be_visible()
    assert checked_keys(page) == ticked
    assert total(page) == f"2 of {count} done"

    page.locator(".md-header__button.md-logo").click()
    page.wait_for_url(shipped_site_url)
    page.go_back()
    page.wait_for_url(shipped_site_url + ROLE)
    expect(page.locator(".cem-progress-total")).to_have_text(f"2 of {count} done")
    assert checked_keys(page) == ticked

    playbook, item = ticked[0].split("/")
    page.goto(f"{shipped_site_url}stages/{playbook}/")  # the stage page's checklist is the team's, not this role's
    expect(page.locator(f'input.cem-check[data-key="{playbook}/{item}"]').first).not_to_be_checked()


def test_export_reset_import_round_trip(page: Page, shipped_site_url: str, tmp_path: Path) -> None:
    """Export writes a named JSON file; reset (confirmed) clears; import brings the same ticks back."""
    open_checklist(page, shipped_site_url)
    boxes = page.locator("input.cem-check")
    for index in (1, 2, 5):
        boxes.nth(index).check()
    ticked = checked_keys(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export progress").click()
    download = download_info.value
    assert download.suggested_filename.startswith("cem-checklist-marketing-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == "cemkit-checklist"
    assert sorted(key for key, done in data["items"].items() if done) == sorted(ticked)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset").click()
    assert checked_keys(page) == []
    assert total(page).startswith("0 of ")

    page.locator('input[type="file"][data-cem-action="import"]').set_input_files(str(saved))
    expect(page.locator(".cem-message")).to_have_text(
        "Progress imported: 3 ticks added, 0 removed, 0 kept that the file had unticked."
    )
    assert sorted(checked_keys(page)) == sorted(ticked)
    page.reload()
    assert sorted(checked_keys(page)) == sorted(ticked)


def test_import_merges_and_asks_before_unticking(page: Page, shipped_site_url: str, tmp_path: Path) -> None:
    """An export from another page adds its ticks and keeps ours; unticking needs the reader's consent."""
    open_checklist(page, shipped_site_url)
    keys = page.eval_on_selector_all("input.cem-check", "boxes => boxes.map(b => b.dataset.key)")
    page.locator("input.cem-check").nth(0).check()
    page.locator("input.cem-check").nth(1).check()
    foreign = "some-other-stage/an-item-elsewhere"
    export = {"format": "cemkit-checklist", "version": 1, "checklist": "finance", "exported": "2026-12-01"}
    made_elsewhere = tmp_path / "elsewhere.json"
    made_elsewhere.write_text(json.dumps({**export, "items": {keys[1]: False, keys[2]: True, foreign: True}}))
    questions: list[str] = []

    def answer(dialog: Dialog, *, agree: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if agree else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, agree=False))
    page.locator('input[type="file"][data-cem-action="import"]').set_input_files(str(made_elsewhere))
    expect(page.locator(".cem-message")).to_have_text(
        "Progress imported: 2 ticks added, 0 removed, 1 kept that the file had unticked."
    )
    assert questions and "1 items unticked" in questions[0]
    assert sorted(checked_keys(page)) == sorted(keys[:3])
    stored = json.loads(page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')"))["items"]
    assert stored == {f"marketing/{key}": True for key in (keys[0], keys[1], keys[2], foreign)}

    page.once("dialog", lambda dialog: answer(dialog, agree=True))
    page.locator('input[type="file"][data-cem-action="import"]').set_input_files(str(made_elsewhere))
    expect(page.locator(".cem-message")).to_contain_text("0 ticks added, 1 removed")
    assert sorted(checked_keys(page)) == sorted([keys[0], keys[2]])
    page.reload()
    assert sorted(checked_keys(page)) == sorted([keys[0], keys[2]])


def test_reset_needs_confirmation(page: Page, shipped_site_url: str) -> None:
    """Dismissing the confirmation keeps every tick."""
    open_checklist(page, shipped_site_url)
    page.locator("input.cem-check").nth(0).check()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Reset").click()
    assert len(checked_keys(page)) == 1


@pytest.mark.parametrize(
    "content",
    [
        "not json at all",
        '{"format": "something-else", "version": 1, "items": {}}',
        '{"format": "cemkit-checklist", "version": 1, "items": {"x/y": "yes"}}',
        '{"format": "cemkit-checklist", "version": 2, "items": {}}',
        "[]",
    ],
)
def test_bad_import_changes_nothing(page: Page, shipped_site_url: str, tmp_path: Path, content: str) -> None:
    """An invalid file is refused with a clear message and the ticks stay as they were."""
    open_checklist(page, shipped_site_url)
    page.locator("input.cem-check").nth(2).check()
    before = checked_keys(page)
    stored = page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')")
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    page.locator('input[type="file"][data-cem-action="import"]').set_input_files(str(bad))
    expect(page.locator(".cem-message")).to_contain_text("nothing was changed")
    assert checked_keys(page) == before
    assert page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')") == stored


@pytest.mark.parametrize(
    "stored",
    [
        "{not json",
        '"a string"',
        '{"version": 2, "items": ["a", "b"]}',
        '{"version": 2, "items": {"bad key": true}}',
        '{"version": 2, "items": {"marketing/a/b": "yes"}, "migrated": 5}',
        '{"version": 9, "items": {}}',
    ],
)
def test_corrupted_storage_never_breaks_the_page(page: Page, shipped_site_url: str, stored: str) -> None:
    """Corrupted or foreign storage is ignored: the page works and the next tick saves cleanly."""
    open_checklist(page, shipped_site_url)
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORAGE_KEY, stored])
    page.reload()
    expect(page.locator(".cem-tools")).to_be_visible()
    assert checked_keys(page) == []
    page.locator("input.cem-check").nth(0).check()
    saved = json.loads(page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')"))
    assert saved["version"] == 2
    assert list(saved["items"]) == [f"marketing/{key}" for key in checked_keys(page)]


def test_ticks_of_removed_items_are_dropped_quietly(page: Page, shipped_site_url: str) -> None:
    """A saved tick whose item no longer exists is ignored; the others still show."""
    open_checklist(page, shipped_site_url)
    real = page.locator("input.cem-check").nth(4).get_attribute("data-key")
    value = json.dumps({"version": 2, "items": {"marketing/gone-stage/gone-item": True, f"marketing/{real}": True}})
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORAGE_KEY, value])
    page.reload()
    expect(page.locator(".cem-tools")).to_be_visible()
    assert checked_keys(page) == [real]
    assert total(page).startswith("1 of ")


def test_print_layout_has_boxes_and_no_navigation(page: Page, shipped_site_url: str) -> None:
    """In print the navigation and tools disappear and each item gets a box; look at the screenshot."""
    open_checklist(page, shipped_site_url)
    page.locator("input.cem-check").nth(0).check()
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".cem-tools"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator(".cem-box").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "checklist-print.png"), full_page=False)
    ticked = page.locator(".cem-check:checked + .cem-box").first
    assert ticked.evaluate("box => getComputedStyle(box, '::after').content") == '"✓"'
    page.evaluate("document.documentElement.classList.add('cem-print-blank')")
    assert ticked.evaluate("box => getComputedStyle(box, '::after').content") in ('""', "none")


def test_without_javascript_the_checklist_is_a_readable_list(browser: Browser, shipped_site_url: str) -> None:
    """With JavaScript off, the items are listed (boxes disabled) and the tools stay hidden."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(shipped_site_url + ROLE)
    items = page.locator(".cem-checklist li")
    assert items.count() >= 10
    assert items.first.inner_text().strip()
    assert page.locator("input.cem-check:disabled").count() == page.locator("input.cem-check").count()
    assert not page.locator(".cem-tools").is_visible()
    context.close()


def test_role_stage_matrix_links_to_steps(page: Page, shipped_site_url: str) -> None:
    """The matrix on the roles page links each role's part to the step that explains it."""
    page.goto(shipped_site_url + "roles/")
    link = page.locator("table a[href*='#step-']", has_text="R 1").first
    href = link.get_attribute("href")
    assert href is not None and "#step-" in href
    link.click()
    anchor = href.split("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_be_visible()


def test_korean_checklist_labels(page: Page, shipped_site_url: str) -> None:
    """The Korean page shows Korean tool labels and progress."""
    page.goto(shipped_site_url + "ko/" + ROLE)
    expect(page.locator(".cem-tools")).to_be_visible()
    assert page.get_by_role("button", name="진행 상황 내보내기").is_visible()
    assert "개 중 0개 완료" in total(page)
    page.screenshot(path=str(ARTIFACTS / "checklist-ko.png"), full_page=False)


def test_roles_keep_their_own_ticks(page: Page, shipped_site_url: str) -> None:
    """A tick on one role's checklist is not a tick on another's, and Reset on one leaves the other alone."""
    open_checklist(page, shipped_site_url)
    marketing = page.locator("input.cem-check").first.get_attribute("data-key")
    page.goto(shipped_site_url + "roles/cem-lead/")
    expect(page.locator(".cem-tools")).to_be_visible()
    shared = page.locator(f'input.cem-check[data-key="{marketing}"]')
    expect(shared.first).to_be_visible()  # the CEM lead has the same item
    page.locator("input.cem-check").nth(2).check()
    lead_ticks = checked_keys(page)
    open_checklist(page, shipped_site_url)
    page.locator(f'input.cem-check[data-key="{marketing}"]').first.check()
    assert total(page).startswith("1 of ")
    page.goto(shipped_site_url + "roles/cem-lead/")
    expect(page.locator(".cem-progress-total")).to_have_text(re.compile(r"^1 of \d+ done$"))
    assert checked_keys(page) == lead_ticks
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset").click()
    open_checklist(page, shipped_site_url)
    assert checked_keys(page) == [marketing]


def test_ticks_saved_by_the_earlier_site_are_kept(page: Page, shipped_site_url: str) -> None:
    """Storage as the site kept it before ticks were per role (a snapshot of 2026-12-05): every tick comes back."""
    open_checklist(page, shipped_site_url)
    keys = page.eval_on_selector_all("input.cem-check", "boxes => boxes.map(b => b.dataset.key)")
    snapshot = {"version": 1, "items": {keys[0]: True, keys[4]: True, "retired-stage/retired-item": True}}
    page.evaluate(
        "([key, value]) => { localStorage.clear(); localStorage.setItem(key, value); }",
        [OLD_STORAGE_KEY, json.dumps(snapshot)],
    )
    page.reload()
    expect(page.locator(".cem-tools")).to_be_visible()
    assert checked_keys(page) == [keys[0], keys[4]]
    page.locator("input.cem-check").nth(0).uncheck()  # from now on the role's own ticks count
    page.reload()
    assert checked_keys(page) == [keys[4]]
    assert json.loads(page.evaluate(f"localStorage.getItem('{OLD_STORAGE_KEY}')")) == snapshot  # left as it was


def test_progress_stays_in_view_and_done_items_can_be_hidden(page: Page, shipped_site_url: str) -> None:
    """At phone width the progress bar stays under the header while scrolling; hide done and one stage work."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_checklist(page, shipped_site_url)
    boxes = page.locator("input.cem-check")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.mouse.wheel(0, 6000)
    page.wait_for_timeout(300)
    bar = page.locator(".cem-bar")
    box = bar.bounding_box()
    assert box is not None and 0 <= box["y"] < 150, box
    expect(page.locator("progress.cem-progress-meter")).to_have_attribute("value", re.compile(r"^0\.0\d+"))
    page.screenshot(path=str(ARTIFACTS / "checklist-bar-phone.png"))
    page.get_by_label("Hide done items").check()
    expect(boxes.nth(0)).to_be_hidden()
    expect(boxes.nth(2)).to_be_visible()
    page.get_by_label("Hide done items").uncheck()
    stage = page.locator(".cem-bar select option").nth(2).get_attribute("value")
    page.locator(".cem-bar select").select_option(stage)
    expect(page.locator(f"h3#stage-{stage}")).to_be_visible()
    visible = page.eval_on_selector_all(
        "input.cem-check", "bs => bs.filter(b => b.offsetParent).map(b => b.dataset.key)"
    )
    assert visible and all(key.startswith(f"{stage}/") for key in visible)


def test_printed_checklist_says_who_when_and_how_far(page: Page, shipped_site_url: str) -> None:
    """Printing with ticks heads the page with the name, the date and the total; blank printing leaves them empty."""
    open_checklist(page, shipped_site_url)
    page.locator("input.cem-check").nth(0).check()
    page.get_by_label("Name (printed on the checklist)").fill("Kim Trainee")
    page.get_by_label("Name (printed on the checklist)").press("Tab")
    page.evaluate("window.print = () => window.dispatchEvent(new Event('beforeprint'))")
    page.get_by_role("button", name="Print with ticks").click()
    header = page.locator(".cem-print-header")
    expect(header).to_contain_text("Name: Kim Trainee")
    expect(header).to_contain_text(re.compile(r"Date: \d{4}-\d{2}-\d{2}"))
    expect(header).to_contain_text(re.compile(r"1 of \d+ done"))
    page.emulate_media(media="print")
    expect(header).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "checklist-print-header.png"))
    page.locator('[data-cem-action="print-blank"]').evaluate("button => button.click()")
    expect(header).not_to_contain_text("Kim Trainee")
    expect(header).not_to_contain_text("done")
    assert not page.locator(".cem-progress").first.is_visible()


@pytest.mark.parametrize("lang", ["", "ko/"])
@pytest.mark.parametrize(("width", "media"), [(1366, "screen"), (1280, "screen"), (680, "print")])
def test_role_matrix_shows_every_stage_column(
    browser: Browser, shipped_site_url: str, lang: str, width: int, media: str
) -> None:
    """Every stage column of the matrix fits beside the role names on a laptop and on A4 paper (680 px of print)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.emulate_media(media=media)  # type: ignore[arg-type]
    page.goto(shipped_site_url + lang + "roles/")
    table = page.locator("h2#matrix ~ * table").first
    header = table.locator("tr").first.locator("th")
    assert header.count() == 8  # the roles, five stages and the two topics across them
    article = page.locator("article").bounding_box()
    last = header.last.bounding_box()
    assert article is not None and last is not None
    assert last["x"] + last["width"] <= article["x"] + article["width"] + 1
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    page.close()
