"""Content checks beyond the schema, reported as warnings (which `--strict` turns into errors).

The checks of one file on its own (figures and sources, `content.evidence`) run while the file loads;
these are the ones that look across files or depend on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from cemkit._internal.content.diagnostics import Diagnostic, Severity
from cemkit._internal.content.loader import ContentDocument
from cemkit._internal.content.models import LANGUAGES, CaseStudy, GlossaryFile, RichLocalizedText
from cemkit._internal.content.richtext import find_refs

DEFAULT_MAX_REVIEW_AGE_DAYS = 730
"""A case not reviewed for longer than this (in days) is flagged."""


@dataclass(frozen=True)
class LintOptions:
    """Settings of the content checks."""

    max_review_age_days: int = DEFAULT_MAX_REVIEW_AGE_DAYS
    today: dt.date = field(default_factory=dt.date.today)


def lint_documents(documents: Iterable[ContentDocument], options: LintOptions | None = None) -> list[Diagnostic]:
    """Every warning about the given valid documents."""
    options = options or LintOptions()
    documents = list(documents)
    warnings: list[Diagnostic] = []
    for document in documents:
        warnings += _missing_languages(document)
        if isinstance(document.model, CaseStudy):
            warnings += _case_warnings(document, document.model, options)
    warnings += _unused_terms(documents)
    return warnings


def _warning(document: ContentDocument, loc: tuple[str | int, ...], code: str, message: str) -> Diagnostic:
    return document.diagnostic(loc, code, message, severity=Severity.WARNING)


def _missing_languages(document: ContentDocument) -> Iterator[Diagnostic]:
    for loc, text in document.texts:
        missing = text.missing_languages()
        if missing:
            present = next(lang for lang in LANGUAGES if lang not in missing)
            message = f"text has no {', '.join(missing)} version; readers of that language see the {present} text"
            yield _warning(document, loc, "missing-language", message)


def _case_warnings(document: ContentDocument, case: CaseStudy, options: LintOptions) -> Iterator[Diagnostic]:
    age = (options.today - dt.date.fromisoformat(case.reviewed)).days
    if age > options.max_review_age_days:
        message = (
            f"case last reviewed {age} days ago (more than {options.max_review_age_days}); "
            "check it against its sources and update `reviewed`"
        )
        yield _warning(document, ("reviewed",), "review-overdue", message)
    if not case.stages:
        yield _warning(document, ("stages",), "no-stage", "case illustrates no stage; add at least one to `stages`")
    for index, outcome in enumerate(case.outcomes):
        if outcome.source is None:
            message = "outcome names no source; add `source:` with the id of the publication that reports it"
            yield _warning(document, ("outcomes", index), "unsourced-outcome", message)


def _unused_terms(documents: list[ContentDocument]) -> Iterator[Diagnostic]:
    used: set[str] = set()
    for document in documents:
        for _, text in document.texts:
            if isinstance(text, RichLocalizedText):
                for lang in LANGUAGES:
                    used |= {ref.target for ref in find_refs(getattr(text, lang) or "") if ref.kind == "term"}
        if isinstance(document.model, GlossaryFile):
            used |= {other for term in document.model.terms for other in term.see_also}
    for document in documents:
        if isinstance(document.model, GlossaryFile):
            for index, term in enumerate(document.model.terms):
                if term.id not in used:
                    message = f"glossary term '{term.id}' is never used; link it with [[{term.id}]] or remove it"
                    yield _warning(document, ("terms", index, "id"), "unused-term", message)
