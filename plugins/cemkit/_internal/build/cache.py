"""What one `mkdocs serve` session keeps between builds, so that saving one file redoes little work.

Files are re-read only when their size or modification time changes; a case page is re-rendered
only when the case, its related cases or anything it shows from other files changed.
"""

from __future__ import annotations

import hashlib
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


@dataclass
class BuildCache:
    """Loaded files, rendered rich text and rendered pages, kept from one build to the next."""

    files: dict[str, CachedFile] = field(default_factory=dict)
    """Absolute path -> what loading it gave."""
    rich: dict[tuple[str, str, bool], str] = field(default_factory=dict)
    """(text, page, directory URLs) -> sanitised HTML; cleared when anything it may link to changes."""
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Page path -> (fingerprint of its inputs, Markdown)."""
    model_hashes: dict[int, tuple[object, str]] = field(default_factory=dict)
    """id(model) -> (model, hash of its JSON); models of unchanged files are the same objects."""
    signature: str = ""
    """Hash of everything a case page shows from other files."""

    def model_hash(self, model: object) -> str:
        """A hash of a model's content, computed once per model object."""
        known = self.model_hashes.get(id(model))
        if known is not None and known[0] is model:
            return known[1]
        dump = getattr(model, "model_dump_json")()  # noqa: B009 - any pydantic model
        digest = hashlib.sha256(dump.encode("utf-8")).hexdigest()
        self.model_hashes[id(model)] = (model, digest)
        return digest

    def forget_unused_models(self, alive: set[int]) -> None:
        """Drop hashes of models that are no longer loaded."""
        for key in [key for key in self.model_hashes if key not in alive]:
            del self.model_hashes[key]
