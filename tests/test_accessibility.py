"""Accessibility: axe-core in Chromium finds no serious or critical problem in the content our templates produce."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from browsing import watch_errors

pytestmark = pytest.mark.slow

PAGES = [
    "",
    "ko/",
    "cases/",
    "cases/westin/",
    "ko/cases/westin/",
    "stages/",
    "stages/analyse-experiential-world/",
    "roles/",
    "roles/marketing/",
    "ko/roles/marketing/",
    "worksheets/analyse-experiential-world/",
    "glossary/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_problem(browser: Browser, shipped_site_url: str, path: str) -> None:
    """The page content (everything inside the article, where our templates render) passes axe-core."""
    page = browser.new_page()
    watch_errors(page)
    page.goto(shipped_site_url + path)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page, context="article")
    problems = [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert problems == []
    page.close()
