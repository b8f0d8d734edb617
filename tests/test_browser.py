"""The built site in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from conftest import FIXTURES
from sitecheck import run_mkdocs

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The mini fixture project built and served on localhost."""
    project = tmp_path_factory.mktemp("browser") / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    result = run_mkdocs("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_QuietHandler, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is required: apt-get install chromium (scripts/test.sh does it)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


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
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(site_url + "cases/corner-bakery/")
    page.screenshot(path=str(SCREENSHOTS / "case-en.png"), full_page=True)
    assert dialogs == []
    assert errors == []
    page.close()


def test_korean_case_page(browser: Browser, site_url: str) -> None:
    """The Korean page shows the Korean text and Korean labels."""
    page = browser.new_page()
    page.goto(site_url + "ko/cases/corner-bakery/")
    assert page.locator("article h1").inner_text() == "모퉁이 제과점"
    assert page.locator("article h2", has_text="고객접점").count() == 1
    rows = page.locator("article table").first.locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().startswith("구매 전")
    page.screenshot(path=str(SCREENSHOTS / "case-ko.png"), full_page=True)
    page.close()
