"""The built site in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from cemkit import load_project

from browsing import ARTIFACTS, serve, watch_errors
from conftest import FIXTURES, REPO
from sitecheck import run_mkdocs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The mini fixture project built and served on localhost."""
    project = tmp_path_factory.mktemp("browser") / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    result = run_mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    with serve(project / "site") as url:
        yield url


def test_case_page_shows_hostile_text_as_text(browser: Browser, site_url: str) -> None:
    """A case title holding a <script> tag is displayed literally and never runs; no console errors."""
    page = browser.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site_url + "cases/corner-bakery/")
    heading = page.locator("article h1")
    assert heading.inner_text() == "Corner Bakery <script>alert(1)</script>"
    assert page.locator("article script").count() == 0
    link = page.locator(".cem-rich a", has_text="Touchpoint")
    link.click()
    page.wait_for_url("**/glossary/#term-touchpoint")
    assert page.locator("#term-touchpoint").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(site_url + "cases/corner-bakery/")
    page.screenshot(path=str(ARTIFACTS / "case-en.png"), full_page=True)
    assert dialogs == []
    assert errors == []
    page.close()


def test_korean_case_page(browser: Browser, site_url: str) -> None:
    """The Korean page shows the Korean text and Korean labels."""
    page = browser.new_page()
    page.goto(site_url + "ko/cases/corner-bakery/")
    assert page.locator("article h1").inner_text() == "모퉁이 제과점"
    assert page.locator("article h2", has_text="고객접점").count() == 1
    rows = page.locator("article table:not(.cem-map)").first.locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().startswith("구매 전")
    page.screenshot(path=str(ARTIFACTS / "case-ko.png"), full_page=True)
    page.close()


def test_language_menu_lands_on_the_same_page(browser: Browser, shipped_site_url: str) -> None:
    """Switching language from a case page opens the same case in the other language, and back."""
    page = browser.new_page()
    errors = watch_errors(page)
    page.goto(shipped_site_url + "cases/westin/")
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang=ko]").click()
    page.wait_for_url(shipped_site_url + "ko/cases/westin/")
    assert "웨스틴" in page.locator("article h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator(".cemkit-search-button").get_attribute("aria-label") == "검색"
    assert page.locator(".md-nav--primary").get_by_text("사례 연구").count() >= 1
    assert page.locator(".md-nav--primary").get_by_text("Case studies").count() == 0
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang=en]").click()
    page.wait_for_url(shipped_site_url + "cases/westin/")
    assert page.locator(".cemkit-search-button").get_attribute("aria-label") == "Search"
    page.goto(shipped_site_url + "reference/content/")
    page.locator(".md-header__option .md-select").hover()
    page.locator(".md-select__link[hreflang=ko]").click()
    page.wait_for_url(shipped_site_url + "ko/")
    assert errors == []
    page.close()


def test_case_journey_map_places_every_touchpoint(browser: Browser, shipped_site_url: str) -> None:
    """Each touchpoint of a case appears once in the map, in its journey-stage column, on desktop, phone and paper."""
    kb = load_project(REPO).knowledge
    assert kb is not None
    case = kb.cases["westin"]
    stages = [item.id for item in kb.reference_items("journey-stages")]
    types = [item.id for item in kb.reference_items("interface-types")]
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        page = browser.new_page(viewport=viewport)
        errors = watch_errors(page)
        page.goto(shipped_site_url + "cases/westin/")
        chips = page.locator(".cem-journey-map .cem-tp")
        assert chips.count() == len(case.touchpoints)
        for touchpoint in case.touchpoints:
            row = types.index(touchpoint.interface_type) + 1
            column = stages.index(touchpoint.journey_stage) + 2
            cell = page.locator(f".cem-journey-map tbody tr:nth-child({row}) td:nth-child({column})")
            assert touchpoint.name.get("en") in cell.inner_text()
        page.emulate_media(media="print")
        assert page.locator(".cem-journey-map").is_visible()
        page.locator(".cem-journey-map").screenshot(path=str(ARTIFACTS / f"journey-map-{viewport['width']}.png"))
        assert errors == []
        page.close()


def test_stage_diagram_is_clickable(browser: Browser, shipped_site_url: str) -> None:
    """The diagram on the stages page links each of the five stages and the two topics to its playbook."""
    for prefix in ("", "ko/"):
        page = browser.new_page()
        errors = watch_errors(page)
        page.goto(f"{shipped_site_url}{prefix}stages/")
        links = page.locator(".cem-diagram a")
        assert links.count() == 7
        page.locator(".cem-diagram-stages li").nth(2).locator("a").click()
        page.wait_for_url(f"{shipped_site_url}{prefix}stages/design-brand-experience/")
        assert errors == []
        page.close()
