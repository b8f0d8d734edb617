"""Content checks beyond the schema, reported as warnings (which `mkdocs build --strict` turns into errors)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cemkit.errors import Diagnostic, Severity
from cemkit.loader import ContentDocument
from cemkit.models import LANGUAGES, iter_texts


def lint_documents(documents: Iterable[ContentDocument]) -> list[Diagnostic]:
    """Every warning about the given valid documents."""
    return [warning for document in documents for warning in _missing_languages(document)]


def _missing_languages(document: ContentDocument) -> Iterator[Diagnostic]:
    for loc, text in iter_texts(document.model):
        missing = text.missing_languages()
        if missing:
            present = next(lang for lang in LANGUAGES if lang not in missing)
            message = f"text has no {', '.join(missing)} version; readers of that language see the {present} text"
            yield document.diagnostic(loc, "missing-language", message, severity=Severity.WARNING)
