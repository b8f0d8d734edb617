"""The search index: names, filters and Korean nouns go in; glossary terms are results of their own; input is escaped."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from cemkit import load_project
from cemkit._internal.build.pagefind import _complete, shared_files
from cemkit._internal.build.search_index import records
from cemkit._internal.cli import main
from cemkit._internal.site.search_data import KoreanAnalyzer, SearchFacts, search_facts

from conftest import REPO
from sitecheck import indexed, run_mkdocs


@pytest.fixture(scope="module")
def analyzer() -> KoreanAnalyzer:
    return KoreanAnalyzer(["웨스틴 호텔", "나이키 파크"])


def test_particles_come_off_and_compounds_split(analyzer: KoreanAnalyzer) -> None:
    """A proper name from the dictionary stays whole; a compound yields each run of its nouns."""
    expanded = analyzer.expand(["웨스틴의", "고객경험관리에서"])
    assert expanded["웨스틴의"] == ("웨스틴",)
    assert {"고객", "경험", "관리", "경험관리", "고객경험관리"} <= set(expanded["고객경험관리에서"])
    assert "에서" not in " ".join(expanded["고객경험관리에서"])


def test_facts_hold_names_in_both_languages_and_filters_in_the_site_language(mini: Path) -> None:
    """A case carries its names (both languages, also without spaces) and Korean filter values on the Korean site."""
    knowledge = load_project(mini).knowledge
    assert knowledge is not None
    facts = search_facts(knowledge, "ko")
    case = facts["cases/corner-bakery/"]
    assert {"Corner Bakery & Sons", "모퉁이 제과점", "모퉁이제과점"} <= set(case.keywords)
    assert case.filters["kind"] == ("사례",)
    assert case.filters["industry"] and case.filters["stage"]
    assert facts["worksheets/"].keywords == ("Worksheets", "워크시트")  # a section index is found by its name
    assert search_facts(knowledge, "en")["cases/corner-bakery/"].filters["kind"] == ("Case",)


PAGE = """<html><body><nav>menu</nav><article class="md-content__inner md-typeset">
<h1 id="glossary">용어집</h1><p>소개</p>
<h2 id="term-a">고객경험관리<a class="headerlink" href="#term-a">¶</a></h2><p>고객경험관리에서 배운 것</p>
<h2 id="term-b">접점</h2><p>고객 접점</p>
</article></body></html>"""


def test_a_page_and_each_glossary_term_are_records_of_their_own(analyzer: KoreanAnalyzer) -> None:
    """The glossary page is cut at each term; each term gets its facts, title and the nouns of its words."""
    facts = {
        "glossary/": SearchFacts(("Glossary",), {"kind": ("안내",)}),
        "glossary/#term-a": SearchFacts(('CEM "<script>"',), {"kind": ("용어",)}),
        "glossary/#term-b": SearchFacts(("touchpoint",), {"kind": ("용어",)}),
    }
    sections = {"glossary/": ["term-b", "term-a"]}
    nouns = analyzer.expand(["고객경험관리", "고객경험관리에서", "배운", "것", "용어집", "소개", "접점", "고객"])
    found = list(records("glossary/", PAGE, lang="ko", facts=facts, sections=sections, nouns=nouns))
    assert [record.url for record in found] == ["/glossary/", "/glossary/#term-a", "/glossary/#term-b"]
    assert "고객" not in found[1].html and unicodedata.normalize("NFD", "고객") in found[1].html  # Korean as letters
    assert 'data-value="용어"' in found[2].html  # but filter values as written: the search box shows them
    page, term_a, term_b = (unicodedata.normalize("NFC", record.html) for record in found)
    assert "menu" not in page and "고객경험관리에서" not in page and "소개" in page
    assert 'data-pagefind-meta="title"' in term_a and "고객경험관리에서" in term_a and "접점" not in term_a
    assert 'data-value="CEM &quot;&lt;script&gt;&quot;"' in term_a  # names from content files are escaped
    assert "<script>" not in term_a
    nouns_a = term_a.split('data-pagefind-meta="nouns[data-value]" data-value="')[1].split('"')[0].split()
    assert "경험관리" in nouns_a and "관리" in nouns_a
    assert "고객" not in nouns_a and "경험" not in nouns_a  # a search finds these from the words themselves
    assert 'data-pagefind-filter="kind[data-value]" data-value="용어"' in term_b


def test_a_page_without_an_article_is_not_indexed() -> None:
    assert (
        list(records("404.html", "<html><body>Not found</body></html>", lang="en", facts={}, sections={}, nouns={}))
        == []
    )


def test_built_sites_have_their_own_bundles(mini: Path) -> None:
    """Each language site has a Pagefind bundle of its pages; Korean records carry nouns, English ones none."""
    assert run_mkdocs("build", "--strict", cwd=mini).returncode == 0
    korean, english = indexed(mini / "site" / "ko"), indexed(mini / "site")
    assert "/cases/corner-bakery/" in korean and "/cases/corner-bakery/" in english
    assert not any(url.startswith("/ko/") for url in english)  # the Korean site is not in the English index
    assert any("nouns" in record["meta"] for record in korean.values())  # type: ignore[operator]
    assert not any("nouns" in record["meta"] for record in english.values())  # type: ignore[operator]
    assert "모퉁이 제과점" in english["/cases/corner-bakery/"]["meta"]["keywords"]  # type: ignore[index]
    assert not (mini / "site" / "pagefind" / "pagefind-ui.js").exists()  # Pagefind's own interface is not shipped
    entry = json.loads((mini / "site" / "ko" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["ko"]


def test_cemkit_index_indexes_a_site_another_engine_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cemkit index` makes the bundles of an exported site from the project's knowledge; a missing site is an error."""
    out = tmp_path / "export"
    assert main(["--root", str(REPO), "export", str(out)]) == 0
    for config_file in ("mkdocs.yml", "mkdocs.ko.yml"):
        assert run_mkdocs("build", "-q", "-f", config_file, cwd=out).returncode == 0
    assert main(["--root", str(REPO), "index", str(out / "site")]) == 0
    assert "/cases/westin/" in indexed(out / "site" / "ko")
    assert "/glossary/#term-touchpoint" in indexed(out / "site")
    capsys.readouterr()
    assert main(["--root", str(REPO), "index", str(tmp_path / "nothing")]) == 1
    assert "no built site here" in capsys.readouterr().err


def test_the_themes_own_search_is_reported(mini: Path) -> None:
    """A site that still lists MkDocs' or Material's `search` plugin gets a warning, so `--strict` fails."""
    config = mini / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - search\n"), "utf-8")
    result = run_mkdocs("build", "--strict", cwd=mini)
    assert result.returncode == 1
    assert "remove the 'search' plugin" in result.stderr


def test_a_bundle_file_cut_short_is_found(tmp_path: Path) -> None:
    """A compressed file or entry Pagefind left short is told apart from a whole one (the bundle is then remade)."""
    whole = gzip.compress(b'pagefind_dcd{"url": "/"}')
    (tmp_path / "a.pf_fragment").write_bytes(whole)
    (tmp_path / "b.pf_index").write_bytes(whole[:-6])
    (tmp_path / "pagefind-entry.json").write_text('{"version": "1.5.2", "languages"', encoding="utf-8")
    assert _complete(tmp_path / "a.pf_fragment")
    assert not _complete(tmp_path / "b.pf_index")
    assert not _complete(tmp_path / "pagefind-entry.json")
    assert set(shared_files("en")) == {"pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind", "wasm.en.pagefind"}
