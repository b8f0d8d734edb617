"""What `mkdocs serve` keeps of loaded files between rebuilds, so an edit re-reads only that file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cemkit._internal.content.diagnostics import Diagnostic
    from cemkit._internal.content.loader import ContentDocument


@dataclass
class CachedFile:
    """The outcome of loading one file, valid while the file's size and modification time stay the same."""

    stamp: tuple[int, int]
    document: ContentDocument | None
    problems: list[Diagnostic]
    invalid_ids: set[tuple[str, str]]
    unreadable: bool
    warnings: list[Diagnostic] = field(default_factory=list)
    """What the file's own checks warn about (see `content.evidence`), found while its node tree is at hand."""


@dataclass
class FileCache:
    """Loaded files by absolute path, kept from one load to the next by a long-lived `Project`."""

    files: dict[str, CachedFile] = field(default_factory=dict)
