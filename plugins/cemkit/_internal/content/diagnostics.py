"""Diagnostics and exceptions: every problem is a `path:line:col: message` a person can act on."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

MAX_REPORTS_PER_TEXT = 10
"""Problems of one kind reported per text value: placing each walks the text, so the count is bounded."""


class Severity(StrEnum):
    """How bad a diagnostic is: errors stop a build, warnings fail only `--strict` builds."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in the content, anchored at a position in a source file."""

    path: str
    """File the problem is in, relative to the project root when possible (POSIX separators)."""
    line: int
    """1-based line number."""
    col: int
    """1-based column number."""
    code: str
    """Short stable identifier of the kind of problem, e.g. `yaml-syntax` or `unknown-ref`."""
    message: str
    """What is wrong and, where possible, what to change."""
    severity: Severity = Severity.ERROR
    """Errors stop a build; warnings fail only strict builds."""

    def __str__(self) -> str:
        label = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}:{self.col}: {label}{self.message} [{self.code}]"

    def github_annotation(self) -> str:
        """Format as a GitHub Actions workflow command, which marks the line in a pull request."""
        kind = "error" if self.severity is Severity.ERROR else "warning"
        message = _escape_workflow_data(str(self))
        path = _escape_workflow_property(self.path)
        return f"::{kind} file={path},line={self.line},col={self.col}::{message}"


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by file, line and column, dropping exact repeats."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.col, d.code, d.message))


def display_path(path: str | os.PathLike[str], root: str | os.PathLike[str] | None) -> str:
    """Show `path` relative to `root` when it lies inside it, with forward slashes."""
    text = os.fspath(path)
    if root is not None:
        try:
            rel = os.path.relpath(text, os.fspath(root))
        except ValueError:
            rel = text
        if not rel.startswith(".."):
            text = rel
    return text.replace(os.sep, "/")


def _escape_workflow_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_workflow_property(text: str) -> str:
    return _escape_workflow_data(text).replace(":", "%3A").replace(",", "%2C")


class CemkitError(Exception):
    """Base class of every error cemkit raises."""


class ContentInvalid(CemkitError):
    """The content has errors; `diagnostics` lists every one of them, sorted by file and line."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sort_diagnostics(diagnostics)
        count = len([d for d in self.diagnostics if d.severity is Severity.ERROR])
        lines = "\n".join(str(d) for d in self.diagnostics)
        super().__init__(f"{count} content error{'s' if count != 1 else ''}:\n{lines}")
