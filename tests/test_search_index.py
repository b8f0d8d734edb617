"""The search index gets names and Korean morphemes, so particles and compounds are findable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cemkit import load_project
from cemkit._internal.site.search_data import KoreanAnalyzer, enrich_entries, korean_words, page_keywords

from sitecheck import run_mkdocs


@pytest.fixture(scope="module")
def analyzer() -> KoreanAnalyzer:
    return KoreanAnalyzer(["웨스틴 호텔", "나이키 파크"])


def test_particles_come_off_and_compounds_split(analyzer: KoreanAnalyzer) -> None:
    """A proper name from the dictionary stays whole; a compound yields each run of its nouns."""
    expanded = analyzer.expand(["웨스틴의", "고객경험관리에서"])
    assert expanded["웨스틴의"] == ("웨스틴",)
    assert {"고객", "경험", "관리", "경험관리", "고객경험관리"} <= set(expanded["고객경험관리에서"])
    assert "에서" not in " ".join(expanded["고객경험관리에서"])


def test_entries_get_keywords_facets_and_morphemes(mini: Path, analyzer: KoreanAnalyzer) -> None:
    """A case's entry carries its names (both languages) and what it is filed under; Korean text its nouns."""
    knowledge = load_project(mini).knowledge
    assert knowledge is not None
    fields = page_keywords(knowledge, "ko")
    entries = [
        {"location": "cases/corner-bakery/", "title": "모퉁이 제과점", "text": "<p>고객경험관리에서 배운 것</p>"},
        {"location": "cases/corner-bakery/#sources", "title": "출처", "text": ""},
    ]
    enrich_entries(entries, fields, analyzer.expand(korean_words(e["title"] + e["text"] for e in entries)))
    page, section = entries
    assert "Corner Bakery" in page["keywords"] and "모퉁이 제과점" in page["keywords"]
    assert "모퉁이제과점" in page["keywords"]  # the name without its space, as readers type it
    assert "제과점" in page["facets"]
    assert "경험관리" in page["morphemes"].split()
    assert "keywords" not in section


def test_built_korean_index_has_the_fields(mini: Path) -> None:
    """The Korean site's index declares the boosted fields and holds morphemes; the English one has no morphemes."""
    assert run_mkdocs("build", "--strict", cwd=mini).returncode == 0
    korean = json.loads((mini / "site" / "ko" / "search" / "search_index.json").read_text(encoding="utf-8"))
    english = json.loads((mini / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert korean["config"]["fields"]["keywords"]["boost"] > korean["config"]["fields"]["text"]["boost"]
    assert korean["config"]["pipeline"] == []
    assert any("morphemes" in doc for doc in korean["docs"])
    assert not any("morphemes" in doc for doc in english["docs"])
    assert any("모퉁이 제과점" in doc.get("keywords", "") for doc in english["docs"])
