"""Checks that a reader can verify what the content claims: figures are cited where they stand, sources are named.

A figure is a number with a percent sign, a currency or a count of people, or a change year on year,
in a case's running text. It is supported when its sentence carries a citation (`[^source-id]`,
before or right after the sentence's full stop) or when it sits in an outcome that names its source.
A source is incomplete when its author or title is a placeholder ("not recorded", "unknown" ...).
Every pattern here is applied once per text or anchored at a number, so the checks take time linear
in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING

from cemkit._internal.content.diagnostics import MAX_REPORTS_PER_TEXT, Diagnostic, Severity
from cemkit._internal.content.models import LANGUAGES, CaseStudy, LocalizedText, Source
from cemkit._internal.content.richtext import CITATION, find_refs
from cemkit._internal.content.yamlsource import ScalarNode, locate

if TYPE_CHECKING:
    from cemkit._internal.content.loader import ContentDocument

_NUMBER = re.compile(r"\d[\d,.]*+")
_CURRENCY_BEFORE = re.compile(r"[$€£¥₩]\s?$")
_UNIT_AFTER = re.compile(
    r"""\s?(?:
        %|percent\b|per\ cent\b|percentage\ points?\b|퍼센트|프로\b
      | (?:(?:thousand|million|billion)\s)?(?:dollars|euros|pounds|yen|won)\b
      | (?:천|만|억)?\s?(?:원|달러|유로|파운드|엔)
      | (?:(?:thousand|million|billion)\s)?(?:[a-z]+-)?
        (?:people|persons|customers|guests|visitors|children|kids|employees|staff|workers|members|users
          |subscribers|passengers|fans|students|participants|respondents|shoppers|travell?ers|households|families
          |consumers|buyers|owners|commuters|diners|patients|viewers|readers|listeners|tourists|residents)\b
      | (?:천|만|억)?\s?명
    )""",
    re.IGNORECASE | re.VERBOSE,
)
"""What makes a number a figure: a percent sign, a currency, or a count of people, right after it."""
_UNIT_WINDOW = 40
"""Characters after a number in which its unit is looked for."""
_CHANGE = re.compile(
    r"\b(?:year[- ](?:on|over)[- ]year|doubled|tripled|quadrupled|halved)\b|전년\s?대비|전년보다|(?:두|세|네)\s?배로",
    re.IGNORECASE,
)
_CHANGE_WORDS = ("year", "doubled", "tripled", "quadrupled", "halved", "전년", "배로")
"""Words one of which a text must hold for `_CHANGE` to be tried (a plain search is much cheaper)."""
_SENTENCE_END = re.compile(r"[.!?。](?=\s|$)|\n\s*\n")
_CITATION_AFTER_END = 2
"""A citation may follow its sentence's full stop, with at most one space between."""
_PLACEHOLDER = re.compile(
    r"not recorded|unknown|untitled|\bn/a\b|\btbd\b|\btodo\b|미상|기록되지 않|알 수 없", re.IGNORECASE
)
_NOT_RUNNING_TEXT = frozenset({"title", "company", "country", "sources", "figures"})


def evidence_warnings(document: ContentDocument) -> Iterator[Diagnostic]:
    """Uncited figures and incomplete sources of a document (figures: cases only)."""
    model = document.model
    for index, source in enumerate(getattr(model, "sources", [])):
        yield from _source_problems(document, index, source)
    if not isinstance(model, CaseStudy):
        return
    if model.how_we_know is None:
        message = "case has no `how_we_know`: say which parts come from the sources and which are the project's reading"
        yield _warning(document, ("sources",), "no-how-we-know", message, key=True)
    sourced = {("outcomes", i, "text") for i, outcome in enumerate(model.outcomes) if outcome.source}
    for loc, text in document.texts:
        if loc[0] in _NOT_RUNNING_TEXT or tuple(loc) in sourced:
            continue
        yield from _uncited_figures(document, tuple(loc), text)


def figure_offsets(text: str) -> list[int]:
    """Where the figures of `text` start."""
    found = []
    lowered = text.lower()
    if any(word in lowered for word in _CHANGE_WORDS):
        found = [match.start() for match in _CHANGE.finditer(text)]
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if _CURRENCY_BEFORE.search(text, max(0, start - 2), start) or _UNIT_AFTER.match(text, end, end + _UNIT_WINDOW):
            found.append(start)
    return sorted(found)


def uncited(text: str) -> list[int]:
    """The offset of the first figure of each sentence of `text` that has figures and no citation."""
    figures = figure_offsets(text)
    if not figures:
        return []
    citations = sorted(ref.offset for ref in find_refs(text) if ref.kind == CITATION)
    ends = [match.start() for match in _SENTENCE_END.finditer(text)]
    missing: list[int] = []
    for offset in figures:
        at = bisect_right(ends, offset)
        if missing and bisect_right(ends, missing[-1]) == at:
            continue  # one report per sentence: one citation there supports all its figures
        start = ends[at - 1] + 1 if at else 0
        end = ends[at] if at < len(ends) else len(text)
        first = bisect_left(citations, start)
        if first == len(citations) or citations[first] > end + _CITATION_AFTER_END:
            missing.append(offset)
    return missing


def _uncited_figures(
    document: ContentDocument, loc: tuple[str | int, ...], text: LocalizedText
) -> Iterator[Diagnostic]:
    for lang in LANGUAGES:
        value = getattr(text, lang)
        if value is None or (lang != LANGUAGES[0] and value == text.en):
            continue
        missing = uncited(value)[:MAX_REPORTS_PER_TEXT]
        if not missing:
            continue
        node = locate(document.tree, (*loc, lang))
        for offset in missing:
            line, col = node.position_at(offset) if isinstance(node, ScalarNode) else (node.line, node.col)
            figure = value[offset : offset + 30].split("\n")[0]
            message = (
                f"figure '{figure.strip()}' has no source where it stands: cite one in its sentence with "
                "[^source-id], or move it into an outcome that names its source"
            )
            yield Diagnostic(document.path, line, col, "uncited-figure", message, severity=Severity.WARNING)


def _source_problems(document: ContentDocument, index: int, source: Source) -> Iterator[Diagnostic]:
    for name in ("author", "title"):
        if _PLACEHOLDER.search(getattr(source, name)):
            message = (
                f"source '{source.id}': its {name} is a placeholder; give the {name} as published, or name what is "
                "known (e.g. the blog) and say in `note` what the material does not record"
            )
            yield _warning(document, ("sources", index, name), "incomplete-source", message)


def _warning(
    document: ContentDocument, loc: tuple[str | int, ...], code: str, message: str, *, key: bool = False
) -> Diagnostic:
    line, col = document.position(loc, key=key)
    return Diagnostic(document.path, line, col, code, message, severity=Severity.WARNING)
