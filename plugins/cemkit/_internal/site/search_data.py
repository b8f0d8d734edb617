"""Make the site's search find what readers type, in Korean and English.

Material's search (lunr) matches whole words and their prefixes. Four fields are added to its index:

- `title_parts`: the nouns inside the Korean words of a page's or section's title, weighed like
  the title itself (`고객경험관리` in a title makes `경험관리` count as a title match);
- `keywords`: what each page or section is about: its own names (company, glossary term with its
  synonyms, stage, role) in both languages; boosted;
- `facets`: what a case is filed under (industry, country, stages, roles), weighted lower, so that
  a stage's own page still comes before the cases that illustrate it;
- `morphemes`: for every Korean word of the text, the nouns inside it without particles and every
  run of them, so `웨스틴의` is found as `웨스틴` and `고객경험관리` as `경험관리` or `관리`.

Korean words are analysed with Kiwi (kiwipiepy) one distinct word at a time, with the knowledge
base's proper names as a user dictionary. The words of the pages are analysed before MkDocs
renders them (under `mkdocs build`, by the background worker of `cemkit.background`), the
analyser is let go (its model takes about 340 MB), and the table of results is used when the
search index is written.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any, Protocol

from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.models import LANGUAGES, LocalizedText
from cemkit._internal.site.urls import anchor, page_src, page_url

KEYWORDS_FIELD = "keywords"
TITLE_PARTS_FIELD = "title_parts"
FACETS_FIELD = "facets"
MORPHEMES_FIELD = "morphemes"
SEARCH_FIELDS: dict[str, dict[str, float]] = {
    TITLE_PARTS_FIELD: {"boost": 1000.0},
    KEYWORDS_FIELD: {"boost": 50.0},
    FACETS_FIELD: {"boost": 5.0},
    MORPHEMES_FIELD: {"boost": 0.5},
}
"""The fields cemkit adds to the search index, with their weight (Material: title 1000, text 1)."""

HANGUL_WORD = re.compile(r"[가-힣]+")
_CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SN", "XR"})
"""Kiwi tags of the parts of a word worth finding: nouns, numbers, roots and foreign words."""
_MAX_RUN = 6


class _Token(Protocol):
    tag: str
    start: int
    len: int


class KoreanAnalyzer:
    """Splits Korean words into the nouns inside them, with a user dictionary of proper names."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        from kiwipiepy import Kiwi  # noqa: PLC0415  (the model takes a second to load: only when needed)

        # Without its typo and multi-word dictionaries the model loads in a third of the time and
        # 180 MB less memory; the site's text is spelled as written, and its names come below.
        self._kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
        for name in sorted(set(names)):
            for word in HANGUL_WORD.findall(name):
                if len(word) >= 2:
                    self._kiwi.add_user_word(word, "NNP", 0.0)
        self._known: dict[str, tuple[str, ...]] = {}

    def expand(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The nouns and runs of nouns inside each Korean word (not the word itself)."""
        words = list(words)
        wanted = sorted({word for word in words if word not in self._known})
        for word, tokens in zip(wanted, self._kiwi.tokenize(wanted), strict=True):
            self._known[word] = tuple(_noun_runs(word, tokens))
        return {word: self._known[word] for word in words}


def _noun_runs(word: str, tokens: Iterable[_Token]) -> Iterator[str]:
    """Every run of consecutive content morphemes in `word`, as written, two letters or longer."""
    runs: list[list[_Token]] = [[]]
    for token in tokens:
        if token.tag in _CONTENT_TAGS:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    seen = {word}
    for run in runs:
        for first in range(len(run)):
            for last in range(first, min(len(run), first + _MAX_RUN)):
                part = word[run[first].start : run[last].start + run[last].len]
                if len(part) >= 2 and part not in seen:
                    seen.add(part)
                    yield part


def proper_names(knowledge: KnowledgeBase) -> list[str]:
    """Names Kiwi must keep whole, in every language: companies, countries, and case names.

    A case's name is what opens its title (`웨스틴 호텔` in `웨스틴 호텔: 여행자의 잠을 ...`).
    Only names: a common word in the dictionary (`고객경험`) would stop compounds from splitting.
    """
    names: list[str] = []
    for case in knowledge.cases.values():
        for lang in LANGUAGES:
            names += [case.company.get(lang), case.country.get(lang)]
            title = case.title.get(lang)
            if ":" in title:
                names.append(title.split(":", 1)[0])
    return names


def page_keywords(
    knowledge: KnowledgeBase, lang: str, *, directory_urls: bool = True
) -> dict[str, dict[str, list[str]]]:
    """Search location (page URL, or URL#anchor for a glossary term) -> field -> the names for that field."""

    def url(kind: str, item_id: str | None) -> str:
        return page_url(page_src(kind, item_id), directory_urls=directory_urls)

    def every(*texts: LocalizedText | None) -> list[str]:
        return [text.get(code) for text in texts if text is not None for code in LANGUAGES]

    keywords: dict[str, list[str]] = {}
    facets: dict[str, list[str]] = {}
    for case in knowledge.cases.values():
        industry = knowledge.reference_item("industries", case.industry).name
        keywords[url("case", case.id)] = every(case.title, case.company)
        filed = every(industry, case.country)
        filed += [knowledge.playbooks[note.stage].title.get(lang) for note in case.stages]
        filed += [knowledge.roles[role].name.get(lang) for role in case.roles]
        facets[url("case", case.id)] = filed
    for playbook in knowledge.playbooks.values():
        words = every(playbook.title, playbook.short_title)
        if playbook.type == "stage":
            words += [f"stage {playbook.order}", f"{playbook.order}단계"]
        keywords[url("stage", playbook.id)] = words
        if playbook.worksheet is not None:
            keywords[url("worksheet", playbook.id)] = every(playbook.worksheet.title, playbook.title)
    for role in knowledge.roles.values():
        keywords[url("role", role.id)] = every(role.name)
    for term in knowledge.terms.values():
        words = every(term.term)
        words += [term.abbreviation] if term.abbreviation else []
        if term.synonyms is not None:
            words += [*term.synonyms.en, *term.synonyms.ko]
        keywords[f"{url('term', term.id)}#{anchor('term', term.id)}"] = words
    fields: dict[str, dict[str, list[str]]] = {}
    for field, names in ((KEYWORDS_FIELD, keywords), (FACETS_FIELD, facets)):
        for location, words in names.items():
            fields.setdefault(location, {})[field] = _unique(_with_unspaced(words))
    return fields


def korean_words(texts: Iterable[str]) -> set[str]:
    """The distinct Korean words of some texts (Markdown or HTML): what `KoreanAnalyzer.expand` needs."""
    return {word for text in texts for word in HANGUL_WORD.findall(text)}


def enrich_entries(
    entries: list[MutableMapping[str, Any]],
    fields: Mapping[str, Mapping[str, list[str]]],
    expansions: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """Add the `keywords` and `facets` fields, and with Korean `expansions` `title_parts` and `morphemes`, in place.

    `expansions` maps a Korean word to the nouns inside it (see `KoreanAnalyzer.expand`); a word it
    does not know adds nothing.
    """
    for entry in entries:
        for field, names in fields.get(str(entry.get("location", "")), {}).items():
            if names:
                entry[field] = " ".join(names)
        if not expansions:
            continue
        if title_parts := _parts(entry.get("title", ""), expansions):
            entry[TITLE_PARTS_FIELD] = " ".join(title_parts)
        if text_parts := _parts(entry.get("text", ""), expansions):
            entry[MORPHEMES_FIELD] = " ".join(text_parts)


def _parts(text: object, expansions: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The nouns inside the Korean words of `text`, each once."""
    none: tuple[str, ...] = ()
    words = dict.fromkeys(HANGUL_WORD.findall(str(text)))
    return _unique(itertools.chain.from_iterable([expansions.get(word, none) for word in words]))


def _with_unspaced(names: list[str]) -> Iterator[str]:
    """Each name, plus each pair of neighbouring Korean words in it written as one (`나이키 파크` -> `나이키파크`).

    Readers often leave out the space inside a Korean name; the search matches word prefixes only.
    """
    for name in names:
        yield name
        for segment in re.split(r"[^가-힣 ]+", name):
            words = segment.split()
            yield from (first + second for first, second in itertools.pairwise(words))


def _unique(items: Iterable[str]) -> list[str]:
    """Each non-empty item once, in order of first appearance."""
    unique = dict.fromkeys(items)
    unique.pop("", None)
    return list(unique)


def merge_entries(
    previous: list[MutableMapping[str, Any]], current: list[MutableMapping[str, Any]]
) -> list[MutableMapping[str, Any]]:
    """The index of a `--dirty` build: the earlier index's entries of the pages not rebuilt, then those rebuilt."""
    rebuilt = {_page_of(entry) for entry in current}
    return [entry for entry in previous if _page_of(entry) not in rebuilt] + current


def _page_of(entry: Mapping[str, Any]) -> str:
    return str(entry.get("location", "")).split("#", 1)[0]
