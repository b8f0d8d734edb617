"""The site's real search, in Chromium: the query set, filters, bad queries, and nothing fetched before it is opened."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect

from cemkit._internal.cli import main

from browsing import ARTIFACTS, serve, watch_errors
from conftest import REPO
from sitecheck import BIN, run_mkdocs

pytestmark = pytest.mark.slow

QUERIES: list[dict[str, object]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "search_queries.yaml").read_text(encoding="utf-8")
)
TARGET = 0.95
"""Share of queries whose page must be in the top five, per language."""
DEVELOPER = {"en": "For developers", "ko": "개발자용"}


@pytest.fixture(scope="module")
def zensical_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository exported (`cemkit export`), built by Zensical, indexed by `cemkit index`, and served."""
    out = tmp_path_factory.mktemp("zensical") / "export"
    assert main(["--root", str(REPO), "export", str(out)]) == 0
    for config_file in ("mkdocs.yml", "mkdocs.ko.yml"):
        result = subprocess.run(
            [str(BIN / "zensical"), "build", "-f", config_file], cwd=out, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert main(["--root", str(REPO), "index", str(out / "site")]) == 0
    with serve(out / "site") as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    yield page
    page.close()


def site_root(site_url: str, lang: str) -> str:
    return site_url + ("" if lang == "en" else f"{lang}/")


def open_search(page: Page, root: str) -> None:
    """Open a page of the site, then the search with the keyboard shortcut."""
    page.goto(root)
    page.keyboard.press("/")
    expect(page.locator(".cemkit-search__input")).to_be_focused()


def search(page: Page, query: str) -> None:
    """Type `query` and wait until its results are shown."""
    box = page.locator(".cemkit-search__input")
    box.fill(query)
    page.wait_for_function("box => box.closest('dialog').dataset.done === box.value", arg=box.element_handle())


def top_results(page: Page, root: str, query: str, count: int = 5) -> list[list[str]]:
    """The links (relative to `root`) of each of the first `count` results of `query`."""
    search(page, query)
    items = page.locator(".cemkit-search__result")
    root_path = urlsplit(root).path
    return [
        [_relative(href, root_path) for href in items.nth(index).locator("a").evaluate_all("a => a.map(l => l.href)")]
        for index in range(min(count, items.count()))
    ]


def _relative(href: str, root_path: str) -> str:
    parts = urlsplit(href)
    path = parts.path.removeprefix(root_path)
    return f"{path}#{parts.fragment}" if parts.fragment else path


def found(expected: list[str], results: list[list[str]]) -> bool:
    """Whether a result (its page, or with an anchor, that very section) is one of the expected pages."""
    links = [link for item in results for link in item]
    return any(link == want or ("#" not in want and link.split("#")[0] == want) for want in expected for link in links)


def kinds(page: Page) -> list[str]:
    return page.locator(".cemkit-search__kind").all_text_contents()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_query_set_finds_its_pages(page: Page, shipped_site_url: str, lang: str) -> None:
    """At least 95% of the language's queries have an expected page in the first five; developer pages come last."""
    check_query_set(page, site_root(shipped_site_url, lang), lang, "mkdocs")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_zensical_build_of_the_export_finds_the_same(
    page: Page, browser: Browser, shipped_site_url: str, zensical_site_url: str, lang: str
) -> None:
    """Zensical's build of the export, indexed by `cemkit index`, passes the query set with the same first results."""
    firsts = check_query_set(page, site_root(zensical_site_url, lang), lang, "zensical")
    other = browser.new_page(viewport={"width": 390, "height": 844})
    root = site_root(shipped_site_url, lang)
    open_search(other, root)
    different = [
        query for query, first in firsts.items() if first != (top_results(other, root, query, count=1) or [[""]])[0][0]
    ]
    other.close()
    assert different == []


def check_query_set(page: Page, root: str, lang: str, engine: str) -> dict[str, str]:
    """Run the language's queries on the site at `root`; check the share found and the order; return first results."""
    errors = watch_errors(page)
    open_search(page, root)
    queries = [q for q in QUERIES if q["lang"] == lang]
    assert len(queries) >= 20
    misses, outranked, firsts = [], [], {}
    for item in queries:
        query, expected = str(item["query"]), [str(e) for e in item["expect"]]  # type: ignore[attr-defined]
        results = top_results(page, root, query)
        firsts[query] = results[0][0] if results else ""
        if not found(expected, results):
            misses.append(f"{query!r} ({item['kind']}): expected {expected}, got {[r[0] for r in results]}")
        shown = kinds(page)
        if DEVELOPER[lang] in shown and any(kind != DEVELOPER[lang] for kind in shown[shown.index(DEVELOPER[lang]) :]):
            outranked.append(query)
    share = 1 - len(misses) / len(queries)
    ARTIFACTS.mkdir(exist_ok=True)
    report = f"{lang}: {len(queries) - len(misses)}/{len(queries)} = {share:.0%} in the top 5\n" + "".join(
        f"  miss: {miss}\n" for miss in misses
    )
    (ARTIFACTS / f"search-{engine}-{lang}.txt").write_text(report, encoding="utf-8")
    print(report)
    assert share >= TARGET, report
    assert outranked == []
    assert errors == []
    return firsts


def test_a_page_view_fetches_no_search_data(page: Page, shipped_site_url: str) -> None:
    """Pagefind's files are fetched only once the reader opens the search."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(shipped_site_url + "ko/cases/westin/")
    page.wait_for_load_state("networkidle")
    assert [url for url in fetched if "pagefind" in url] == []
    page.locator(".cemkit-search-button").click()
    search(page, "웨스틴의")
    assert any(url.endswith("/ko/pagefind/pagefind.js") for url in fetched)
    assert page.locator(".cemkit-search__title").first.inner_text().startswith("웨스틴 호텔")


def test_korean_particle_and_compound_are_found(page: Page, shipped_site_url: str) -> None:
    """`웨스틴의` lists the Westin case first, and `경험관리` finds pages that only say `고객경험관리`."""
    root = site_root(shipped_site_url, "ko")
    open_search(page, root)
    assert top_results(page, root, "웨스틴의")[0][0] == "cases/westin/"
    assert top_results(page, root, "경험관리"), "no result for a word inside a compound"
    expect(page.locator(".cemkit-search__excerpt mark").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "search-ko-phone.png"))


@pytest.mark.parametrize(("lang", "kind"), [("en", "Case"), ("ko", "사례")])
def test_filters_narrow_the_results(page: Page, shipped_site_url: str, lang: str, kind: str) -> None:
    """Choosing a kind keeps only results of that kind; a filter alone lists its pages."""
    errors = watch_errors(page)
    open_search(page, site_root(shipped_site_url, lang))
    page.locator(".cemkit-search__filters summary").click()
    select = page.locator('.cemkit-search__filters select[name="kind"]')
    expect(select.locator("option")).not_to_have_count(1)
    option = select.locator("option", has_text=kind).first
    select.select_option(option.get_attribute("value"))
    search(page, "experience" if lang == "en" else "경험")
    shown = kinds(page)
    assert shown and set(shown) == {kind}
    stages = page.locator('.cemkit-search__filters select[name="stage"] option')
    assert stages.count() > 5
    page.screenshot(path=str(ARTIFACTS / f"search-filters-{lang}.png"))
    assert errors == []


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "<img src=x onerror=window.__hacked=1>",
        "<script>window.__hacked=1</script>westin",
        '"><svg onload=window.__hacked=1>',
        "의 을 를 에서",
        "?!.,;()[]{}",
        "    ",
    ],
    ids=["long", "img", "script", "attribute", "particles", "punctuation", "blank"],
)
def test_bad_queries_break_nothing(page: Page, shipped_site_url: str, query: str) -> None:
    """Long, hostile or empty queries run nothing, add no markup and log no error."""
    errors = watch_errors(page)
    open_search(page, site_root(shipped_site_url, "en"))
    search(page, query)
    assert page.evaluate("window.__hacked") is None
    assert page.locator(".cemkit-search img, .cemkit-search svg, .cemkit-search script").count() == 0
    assert page.locator(".cemkit-search__status").inner_text() != ""
    assert errors == []


def test_without_an_index_search_says_it_is_unavailable(page: Page, shipped_site_url: str) -> None:
    """When the bundle cannot be fetched (offline, not indexed), the box says so and the page still works."""
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    def offline(route: Route) -> None:
        route.abort("internetdisconnected")

    page.route("**/pagefind/**", offline)
    open_search(page, site_root(shipped_site_url, "ko"))
    search(page, "웨스틴")
    expect(page.locator(".cemkit-search__status")).to_contain_text("검색을 쓸 수 없습니다")
    page.keyboard.press("Escape")
    expect(page.locator(".cemkit-search")).not_to_be_visible()
    page.locator(".md-header__button[for='__drawer']").click()  # the page's own menu still works
    assert page_errors == []


def test_a_site_without_cases_searches_without_error(page: Page, mini: Path) -> None:
    """With no case at all, the index holds the other pages: a search finds nothing, the filters offer no case."""
    for case in (mini / "cases").glob("*.yaml"):
        case.unlink()
    assert run_mkdocs("build", "--strict", cwd=mini).returncode == 0
    errors = watch_errors(page)
    with serve(mini / "site") as url:
        open_search(page, site_root(url, "ko"))
        search(page, "웨스틴")
        expect(page.locator(".cemkit-search__status")).to_have_text(
            "찾은 결과가 없습니다. 낱말을 줄이거나 더 짧게 써 보세요."
        )
        page.locator(".cemkit-search__filters summary").click()
        kinds = page.locator('.cemkit-search__filters select[name="kind"] option')
        expect(kinds).not_to_have_count(1)
        assert "사례" not in " ".join(kinds.all_text_contents())
        search(page, "경험")
        assert page.locator(".cemkit-search__result").count() > 0
    assert errors == []


def test_a_hostile_title_shows_as_text(page: Page, mini: Path) -> None:
    """A case titled with markup (the mini project's) is listed with its title as text; nothing runs."""
    assert run_mkdocs("build", "--strict", cwd=mini).returncode == 0
    errors = watch_errors(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve(mini / "site") as url:
        open_search(page, site_root(url, "en"))
        search(page, "corner bakery")
        expect(page.locator(".cemkit-search__title").first).to_have_text("Corner Bakery <script>alert(1)</script>")
        assert page.locator(".cemkit-search script").count() == 0
    assert dialogs == []
    assert errors == []


def test_keyboard_only(page: Page, shipped_site_url: str) -> None:
    """Ctrl+K opens the search, arrows move through the results, Enter opens one, Escape closes."""
    root = site_root(shipped_site_url, "en")
    page.goto(root)
    page.keyboard.press("Control+K")
    expect(page.locator(".cemkit-search__input")).to_be_focused()
    search(page, "westin")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".cemkit-search__link").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator(".cemkit-search__input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".cemkit-search")).not_to_be_visible()
    page.keyboard.press("/")
    search(page, "westin")
    page.keyboard.press("Enter")
    page.wait_for_url(root + "cases/westin/")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_search_dialog_is_accessible(page: Page, shipped_site_url: str, lang: str) -> None:
    """axe finds no serious or critical problem in the open dialog with results, in either language."""
    open_search(page, site_root(shipped_site_url, lang))
    search(page, "westin" if lang == "en" else "웨스틴")
    results = Axe().run(page, context=".cemkit-search")
    problems = [
        f"{violation['id']} ({violation['impact']})"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert problems == []


def test_queries_are_read_the_way_people_type(page: Page, shipped_site_url: str) -> None:
    """Particles, question words and punctuation; compounds split and word beginnings as guesses."""
    page.goto(site_root(shipped_site_url, "ko"))

    def plan(query: str) -> list[str]:
        return [text for text, _ in page.evaluate("q => window.cemkitSearchPlan(q)", query)]

    assert plan("웨스틴의")[:2] == ["웨스틴의", "웨스틴"]
    assert plan("What does marketing do in stage 2?")[0] == "marketing stage 2"
    assert "현장 직원" in plan("현장직원")
    assert "carne" in plan("carnegy")
    assert plan("?!") == []
