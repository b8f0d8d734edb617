"""Reading on a phone (issue #17): Korean text breaks between words, never inside one; code can be copied."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}

SPLIT_WORDS = """
() => {
  const split = [];
  for (const paragraph of document.querySelectorAll("article p, article li")) {
    const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (const match of text.matchAll(/[\\uac00-\\ud7a3]+/g)) {  // a run of Hangul syllables: one word or part
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}
"""


@pytest.mark.parametrize("path", ["ko/", "ko/cases/westin/", "ko/stages/analyse-experiential-world/"])
def test_korean_words_are_not_broken_across_lines(browser: Browser, shipped_site_url: str, path: str) -> None:
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(shipped_site_url + path)
        split = page.evaluate(SPLIT_WORDS)
    finally:
        page.close()
    assert split == [], f"{len(split)} Korean words broken across lines, e.g. {split[:5]}"


@pytest.mark.parametrize("path", ["contributing/", "ko/contributing/"])
def test_code_blocks_have_a_copy_button(browser: Browser, shipped_site_url: str, path: str) -> None:
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(shipped_site_url + path)
        blocks = page.locator("article pre").count()
        buttons = page.locator('article pre button[data-md-type="copy"]').count()
    finally:
        page.close()
    assert blocks > 0
    assert buttons == blocks


@pytest.mark.parametrize("path", ["roles/", "ko/roles/"])
def test_responsibility_codes_never_split_across_lines(browser: Browser, shipped_site_url: str, path: str) -> None:
    """'A 3' in the responsibility matrix stays on one line (it read 'A' then '3')."""
    for viewport in (PHONE, {"width": 1366, "height": 900}):
        page = browser.new_page(viewport=viewport)
        try:
            page.goto(shipped_site_url + path)
            split = page.evaluate(
                """() => [...document.querySelectorAll("article table a[href*='#step-']")]
                    .filter(a => new Set([...a.getClientRects()].map(r => Math.round(r.top))).size > 1)
                    .map(a => a.textContent)"""
            )
            count = page.locator("article table a[href*='#step-']").count()
        finally:
            page.close()
        assert count > 50
        assert split == [], f"{len(split)} codes split at {viewport['width']} px, e.g. {split[:5]}"


WHERE = {
    "cases/westin/": ("Guide", "Case studies", "Build performance"),
    "ko/roles/marketing/": ("안내", "역할", "빌드 성능"),
    "reference/build/": ("Developer reference", None, "Case studies"),
}
"""Page -> its tab, a section its breadcrumbs pass through (none one level down), and a menu entry of another tab."""


@pytest.mark.parametrize("path", WHERE)
def test_you_are_here(browser: Browser, shipped_site_url: str, path: str) -> None:
    """A generated page shows its tab as active and breadcrumbs through its section; the menu keeps to the tab."""
    tab, section, hidden = WHERE[path]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        page.goto(shipped_site_url + path)
        expect(page.locator(".md-tabs__item--active")).to_have_text(tab)
        if section is not None:
            expect(page.locator(".md-path")).to_contain_text(section)
        sidebar = page.locator(".md-sidebar--primary")
        assert (
            sidebar.get_by_text(hidden, exact=True).count() == 0 or not sidebar.get_by_text(hidden).first.is_visible()
        )
        page.set_viewport_size(PHONE)
        page.locator(".md-header__button[for='__drawer']").click()
        opened = page.locator(".md-nav--primary").get_by_text(section or tab, exact=True).first
        expect(opened).to_be_visible()  # the menu opens on the page's section, not on the list of tabs
    finally:
        page.close()
