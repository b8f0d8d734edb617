"""The site's real search, in Chromium: the query set finds its pages in the top five, in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from browsing import ARTIFACTS, watch_errors

pytestmark = pytest.mark.slow

QUERIES: list[dict[str, object]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "search_queries.yaml").read_text(encoding="utf-8")
)
TARGET = 0.9
"""Share of queries whose page must be in the top five, per language."""
PLACEHOLDER = {"en": "Type to start searching", "ko": "검색어를 입력하세요"}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page()
    yield page
    page.close()


def site_root(shipped_site_url: str, lang: str) -> str:
    return shipped_site_url + ("" if lang == "en" else f"{lang}/")


def top_results(page: Page, root: str, query: str, lang: str) -> list[list[str]]:
    """Type `query` into the search box; return the links of the first five results, relative to `root`.

    Hangul typed key by key arrives as composition, which Material's box ignores: fill, then press a key.
    """
    box = page.locator(".md-search__input")
    box.fill("")
    box.press("End")
    expect(page.locator(".md-search-result__meta")).to_have_text(PLACEHOLDER[lang])
    box.fill(query)
    box.press("End")
    expect(page.locator(".md-search-result__meta")).not_to_have_text(PLACEHOLDER[lang])
    items = page.locator(".md-search-result__list > .md-search-result__item")
    results = []
    root_path = urlsplit(root).path
    for index in range(min(5, items.count())):
        hrefs = items.nth(index).locator("a.md-search-result__link").evaluate_all("links => links.map(a => a.href)")
        results.append([_relative(href, root_path) for href in hrefs])
    return results


def _relative(href: str, root_path: str) -> str:
    parts = urlsplit(href)
    path = parts.path.removeprefix(root_path)
    return f"{path}#{parts.fragment}" if parts.fragment else path


def found(expected: list[str], results: list[list[str]]) -> bool:
    """Whether a result (its page, or with an anchor, that very section) is one of the expected pages."""
    links = [link for item in results for link in item]
    return any(link == want or ("#" not in want and link.split("#")[0] == want) for want in expected for link in links)


def open_search(page: Page, root: str) -> None:
    page.goto(root)
    page.locator(".md-search__input").click()
    expect(page.locator(".md-search__input")).to_be_focused()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_query_set_finds_its_pages(page: Page, shipped_site_url: str, lang: str) -> None:
    """At least 90% of the language's queries have an expected page in the first five results."""
    errors = watch_errors(page)
    root = site_root(shipped_site_url, lang)
    open_search(page, root)
    queries = [q for q in QUERIES if q["lang"] == lang]
    assert len(queries) >= 20
    misses = []
    for item in queries:
        query, expected = str(item["query"]), [str(e) for e in item["expect"]]  # type: ignore[attr-defined]
        results = top_results(page, root, query, lang)
        if not found(expected, results):
            misses.append(f"{query!r} ({item['kind']}): expected {expected}, got {[r[0] for r in results]}")
    share = 1 - len(misses) / len(queries)
    ARTIFACTS.mkdir(exist_ok=True)
    report = f"{lang}: {len(queries) - len(misses)}/{len(queries)} = {share:.0%} in the top 5\n" + "".join(
        f"  miss: {miss}\n" for miss in misses
    )
    (ARTIFACTS / f"search-{lang}.txt").write_text(report, encoding="utf-8")
    print(report)
    assert share >= TARGET, report
    assert errors == []


def test_korean_particle_and_compound_are_found_in_the_page(page: Page, shipped_site_url: str) -> None:
    """`웨스틴의` lists the Westin case first, and `경험관리` finds pages that only say `고객경험관리`."""
    root = site_root(shipped_site_url, "ko")
    open_search(page, root)
    assert top_results(page, root, "웨스틴의", "ko")[0][0] == "cases/westin/"
    results = top_results(page, root, "경험관리", "ko")
    assert results, "no result for a word inside a compound"
    page.screenshot(path=str(ARTIFACTS / "search-ko.png"))


def test_queries_are_expanded_before_the_search_runs(page: Page, shipped_site_url: str) -> None:
    """Particles, plurals, question words and numbers are handled; lunr syntax is left alone."""
    page.goto(site_root(shipped_site_url, "ko"))

    def expand(query: str) -> list[str]:
        return str(page.evaluate("query => window.cemkitExpandQuery(query)", query)).split()

    assert expand("웨스틴의")[:2] == ["웨스틴의*^10", "웨스틴*^5"]
    assert "touchpoint*^5" in expand("touchpoints")
    question = expand("What does marketing do in stage 2?")
    assert question[:3] == ["marketing*^10", "stage*^10", "2^10"]
    assert not any(term.startswith(("what", "does", "do*")) for term in question)
    assert {"현장*^3", "직원*^3"} <= set(expand("현장직원"))
    assert expand("+westin -hilton") == ["+westin", "-hilton"]
