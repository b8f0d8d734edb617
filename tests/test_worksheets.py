"""Per-stage worksheets in Chromium: pages with room to write, worked examples, and CSV/Markdown downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from cemkit import load_project
from cemkit._internal.site.worksheets import csv_columns

from browsing import ARTIFACTS, watch_errors
from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    assert errors == []
    context.close()


def playbooks() -> list[tuple[str, int, list[str], list[str]]]:
    kb = load_project(REPO).knowledge
    assert kb is not None
    return [
        (p.id, p.order, [f.id for f in p.worksheet.fields], [f.label.get("en") for f in p.worksheet.fields])
        for p in kb.playbooks.values()
        if p.worksheet is not None
    ]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_worksheet_downloads_as_csv_and_markdown(page: Page, shipped_site_url: str, lang: str) -> None:
    """Each stage's worksheet downloads as a named CSV with the right fields and a Markdown file with every field."""
    prefix = "" if lang == "en" else "ko/"
    sheets = playbooks()
    assert len(sheets) == 7
    for playbook_id, order, field_ids, labels in sheets:
        # A fresh load per worksheet: Chromium blocks a page that starts many downloads in a row.
        page.goto(f"{shipped_site_url}{prefix}worksheets/")
        with page.expect_download() as info:
            page.locator(f'a[download="cem-worksheet-{order}-{playbook_id}-{lang}.csv"]').click()
        download = info.value
        assert download.suggested_filename == f"cem-worksheet-{order}-{playbook_id}-{lang}.csv"
        text = download.path().read_bytes().decode("utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(text)))
        assert tuple(header) == csv_columns(lang)
        if lang == "ko":
            assert not re.search("[A-Za-z]", "".join(header))  # the Korean file's header is Korean
        assert [row[0] for row in rows] == field_ids
        assert all(row[2] and row[3] and not row[4] for row in rows)

        with page.expect_download() as info:
            page.locator(f'a[download="cem-worksheet-{order}-{playbook_id}-{lang}.md"]').click()
        markdown = info.value
        assert markdown.suggested_filename.endswith(".md")
        content = markdown.path().read_text(encoding="utf-8")
        assert content.startswith("# ")
        assert content.count("\n## ") == len(field_ids)
        if lang == "en":
            for label in labels:
                assert f"\n## {label}\n" in content


def test_worksheet_page_has_prompts_examples_and_room_to_write(page: Page, shipped_site_url: str) -> None:
    """The stage 1 worksheet shows each field with a writing box and Westin's worked example."""
    page.goto(shipped_site_url + "worksheets/analyse-experiential-world/")
    boxes = page.locator(".cem-answer")
    assert boxes.count() == 6
    assert page.locator("a", has_text="Westin").count() >= 1
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    height = boxes.first.evaluate("box => box.getBoundingClientRect().height")
    assert height > 150
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "worksheet-print.png"), full_page=False)


def test_stage_page_links_to_its_worksheet(page: Page, shipped_site_url: str) -> None:
    """From a stage's worksheet section one click opens the printable worksheet."""
    page.goto(shipped_site_url + "stages/build-experiential-platform/")
    page.get_by_role("link", name="Open the printable worksheet and its downloads").click()
    page.wait_for_url("**/worksheets/build-experiential-platform/")
    expect(page.locator("h1")).to_contain_text("")
