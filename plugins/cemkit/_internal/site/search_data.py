"""What the search index knows about each page besides its text, in Korean and English.

The search (Pagefind, over the built HTML; see `cemkit._internal.build.search_index`) gets, for each
page or glossary term:

- **keywords**: the names it is about (company, glossary term with its synonyms, stage, role) in
  both languages, also without the spaces readers leave out (`나이키파크`); searchable metadata,
  weighted like the title;
- **filters**: what it is (case, stage, role, term, worksheet) and, for cases, the stages, industry,
  interface types and journey stages it is filed under, in the site's language;
- on the Korean site, **the nouns inside its Korean words** (`고객경험관리에서` gives `고객`, `경험`,
  `관리`, `경험관리` ...), so particles and compounds are found; nouns inside the title's words weigh
  like the title.

Korean words are analysed with Kiwi (kiwipiepy) one distinct word at a time, with the knowledge
base's proper names as a user dictionary.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from cemkit._internal.content.knowledge import KnowledgeBase
from cemkit._internal.content.models import LANGUAGES, LocalizedText
from cemkit._internal.site.labels import LABELS
from cemkit._internal.site.urls import anchor, page_src, page_url

SECTION_TITLES = {
    "case": "case_studies",
    "stage": "stages",
    "role": "roles",
    "term": "glossary",
    "worksheet": "worksheets",
}
"""Kind of page -> the label naming its section."""
DEVELOPER_PAGES = ("reference/", "benchmarks/", "platforms/", "search/")
"""URL prefixes of the pages about the project itself rather than about CEM."""

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


@dataclass(frozen=True)
class SearchFacts:
    """What the index knows about one page or glossary term besides its text."""

    keywords: tuple[str, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)


def search_facts(knowledge: KnowledgeBase, lang: str, *, directory_urls: bool = True) -> dict[str, SearchFacts]:
    """Search location (page URL, or URL#anchor for a glossary term) -> what the index knows about it."""

    def url(kind: str, item_id: str | None) -> str:
        return page_url(page_src(kind, item_id), directory_urls=directory_urls)

    def every(*texts: LocalizedText | None) -> list[str]:
        return [text.get(code) for text in texts if text is not None for code in LANGUAGES]

    def stage_name(stage_id: str) -> str:
        playbook = knowledge.playbooks[stage_id]
        return (playbook.short_title or playbook.title).get(lang)

    def reference(kind: str, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(_unique(knowledge.reference_item(kind, item_id).name.get(lang) for item_id in ids))

    def facts(kind: str, words: list[str], **filters: tuple[str, ...]) -> SearchFacts:
        filed = {"kind": (kind_label(kind, lang),), **{name: values for name, values in filters.items() if values}}
        return SearchFacts(tuple(_unique(_with_unspaced(words))), filed)

    found: dict[str, SearchFacts] = {}
    for kind, title in SECTION_TITLES.items():  # a section's index is found by the section's name
        found[url(kind, None)] = facts("page", [LABELS[code][title] for code in LANGUAGES])
    for case in knowledge.cases.values():
        found[url("case", case.id)] = facts(
            "case",
            every(case.title, case.company),
            stage=tuple(_unique(stage_name(note.stage) for note in case.stages)),
            industry=reference("industries", [case.industry]),
            interface=reference("interface-types", sorted({t.interface_type for t in case.touchpoints})),
            journey=reference("journey-stages", sorted({t.journey_stage for t in case.touchpoints})),
        )
    for playbook in knowledge.playbooks.values():
        words = every(playbook.title, playbook.short_title)
        if playbook.type == "stage":
            words += [f"stage {playbook.order}", f"{playbook.order}단계"]
        found[url("stage", playbook.id)] = facts("stage", words, stage=(stage_name(playbook.id),))
        if playbook.worksheet is not None:
            words = every(playbook.worksheet.title, playbook.title)
            found[url("worksheet", playbook.id)] = facts("worksheet", words, stage=(stage_name(playbook.id),))
    for role in knowledge.roles.values():
        found[url("role", role.id)] = facts("role", every(role.name))
    for term in knowledge.terms.values():
        words = every(term.term) + ([term.abbreviation] if term.abbreviation else [])
        if term.synonyms is not None:
            words += [*term.synonyms.en, *term.synonyms.ko]
        found[f"{url('term', term.id)}#{anchor('term', term.id)}"] = facts("term", words)
    return found


def page_facts(location: str, known: Mapping[str, SearchFacts], lang: str) -> SearchFacts:
    """What the index knows about a page: from the knowledge base, or a guide or developer page by its URL."""
    if location in known:
        return known[location]
    kind = "developer" if location.startswith(DEVELOPER_PAGES) else "page"
    return SearchFacts(filters={"kind": (kind_label(kind, lang),)})


def kind_label(kind: str, lang: str) -> str:
    """The name of a kind of page, as the search filter shows it."""
    return LABELS[lang][f"kind_{kind}"]


def korean_words(texts: Iterable[str]) -> set[str]:
    """The distinct Korean words of some texts (Markdown or HTML): what `KoreanAnalyzer.expand` needs."""
    return {word for text in texts for word in HANGUL_WORD.findall(text)}


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
