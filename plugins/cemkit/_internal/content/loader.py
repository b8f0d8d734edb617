"""Find the content files of a project, read them safely and validate them into models.

Every problem becomes a `Diagnostic` at the line and column of the value at fault; nothing is
raised for bad content, so one run reports everything at once.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from cemkit._internal.content.diagnostics import Diagnostic, Severity, display_path
from cemkit._internal.content.evidence import evidence_warnings
from cemkit._internal.content.filecache import CachedFile, FileCache
from cemkit._internal.content.images import RASTER_SUFFIXES, image_file_problem
from cemkit._internal.content.models import CaseStudy, ContentFile, LocalizedText, iter_texts
from cemkit._internal.content.yamlsource import (
    MappingNode,
    Node,
    ParsedFile,
    ScalarNode,
    SequenceNode,
    locate,
    read_yaml_file,
    to_data,
)

CONTENT_DIRS: tuple[str, ...] = ("cases", "playbooks")
"""Folders of a project that hold content, relative to its root."""
YAML_SUFFIXES = (".yaml", ".yml")
"""Extensions of content files, compared without case (`Foo.YAML` counts too)."""

_ADAPTER: TypeAdapter[Any] = TypeAdapter(ContentFile)
_OTHER_PROJECT_FILES = frozenset({*RASTER_SUFFIXES, ".svg", ".md"})
"""Files that may sit among content files without being content: figures (SVG is refused where used) and notes."""
_PLACEHOLDER = re.compile(r"todo\b", re.IGNORECASE)


@dataclass
class ContentDocument:
    """One valid content file: its model and the node tree that locates its values."""

    path: str
    """Path shown in messages: relative to the project root, with forward slashes."""
    model: BaseModel
    root: Node | None
    """The node tree that locates the values, or `None` once released (see `release_tree`)."""
    source: Path | None = None
    """The file on disk, from which a released tree is read again."""

    @property
    def tree(self) -> Node:
        """The node tree, read again from `source` if it was released (only problems need positions)."""
        if self.root is None:
            parsed = read_yaml_file(str(self.source), self.path) if self.source is not None else None
            self.root = parsed.root if parsed is not None and parsed.root is not None else MappingNode(self.path, 1, 1)
        return self.root

    def release_tree(self) -> None:
        """Let go of the node tree, the bulk of a loaded file's memory; positions then cost a second read."""
        if self.source is not None:
            self.root = None

    @cached_property
    def texts(self) -> list[tuple[tuple[str | int, ...], LocalizedText]]:
        """Every localised text of the document with its location, collected once."""
        return list(iter_texts(self.model))

    def position(self, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `loc` (a tuple of keys and indexes)."""
        node = locate(self.tree, tuple(loc), key=key)
        return node.line, node.col

    def diagnostic(self, loc: Sequence[str | int], code: str, message: str, **kwargs: Any) -> Diagnostic:
        """A diagnostic about the value at `loc` in this file."""
        line, col = self.position(loc)
        return Diagnostic(self.path, line, col, code, message, **kwargs)


@dataclass
class LoadResult:
    """The valid documents of a project and every problem found while loading."""

    documents: list[ContentDocument] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    invalid_ids: set[tuple[str, str]] = field(default_factory=set)
    """(kind, id) pairs defined by files that parsed but did not validate, so references to them are not blamed."""
    unreadable: bool = False
    """Whether some file could not even be parsed, so the ids it defines are unknown."""


def find_content_files(root: Path, dirs: Iterable[str] = CONTENT_DIRS) -> tuple[list[Path], list[Diagnostic]]:
    """Every YAML file under the content folders of `root`, sorted; symlinks are refused."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for name in dirs:
        top = root / name
        if top.is_symlink():
            problems.append(_symlink_problem(top, root))
            continue
        if not top.is_dir():
            continue
        for folder, subdirs, filenames in os.walk(top):
            base = Path(folder)
            for sub in list(subdirs):
                if (base / sub).is_symlink():
                    problems.append(_symlink_problem(base / sub, root))
                    subdirs.remove(sub)
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for filename in sorted(filenames):
                path = base / filename
                if filename.startswith(".") or filename.endswith("~"):
                    continue
                if not filename.lower().endswith(YAML_SUFFIXES):
                    if path.suffix.lower() not in _OTHER_PROJECT_FILES:
                        problems.append(_not_content_warning(path, root))
                    continue
                if path.is_symlink():
                    problems.append(_symlink_problem(path, root))
                    continue
                files.append(path)
    return sorted(files), problems


MapFunction = Callable[[Callable[[Path], CachedFile], Sequence[Path]], list[CachedFile]]
"""`map` over files, e.g. `Workers.map`, which shares them among the cores."""


def load_files(
    paths: Iterable[Path], root: Path, *, cache: FileCache | None = None, map_files: MapFunction | None = None
) -> LoadResult:
    """Read and validate the given content files; `root` is the project root used in messages.

    With a `cache`, a file whose size and modification time are unchanged is not read again; with
    `map_files`, the files are read through it (e.g. on several cores).
    """
    result = LoadResult()
    seen: set[str] = set()
    wanted: list[tuple[Path, str, CachedFile | None]] = []
    for path in paths:
        if _passes_through_symlink(path, root):
            result.diagnostics.append(_symlink_problem(path, root))
            continue
        key = str(path.absolute())
        seen.add(key)
        wanted.append((path, key, _cached(cache, key, path)))
    to_read = [path for path, _, known in wanted if known is None]
    read = partial(_load_entry_under, root)
    fresh = iter(map_files(read, to_read) if map_files is not None else [read(path) for path in to_read])
    for path, key, known in wanted:
        entry = known
        if entry is None:
            entry = next(fresh)
            if cache is not None and not any(problem.code == "image-path" for problem in entry.problems):
                cache.files[key] = entry
        elif (
            entry.document is not None and isinstance(entry.document.model, CaseStudy) and entry.document.model.figures
        ):
            entry.problems = _check_figures(entry.document, path.parent, root)
        result.diagnostics.extend(entry.problems)
        if entry.document is not None and not entry.problems:
            result.documents.append(entry.document)
            result.diagnostics.extend(entry.warnings)
        result.invalid_ids |= entry.invalid_ids
        result.unreadable = result.unreadable or entry.unreadable
    if cache is not None:
        for key in [key for key in cache.files if key not in seen]:
            del cache.files[key]
    return result


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _cached(cache: FileCache | None, key: str, path: Path) -> CachedFile | None:
    if cache is None:
        return None
    entry = cache.files.get(key)
    return entry if entry is not None and entry.stamp == _stamp(path) else None


def _load_entry_under(root: Path, path: Path) -> CachedFile:
    return _load_entry(path, display_path(path, root), root)


def _load_entry(path: Path, shown: str, root: Path) -> CachedFile:
    stamp = _stamp(path) or (0, 0)
    parsed = read_yaml_file(str(path), shown)
    document, problems = validate_document(parsed, path, root)
    warnings: list[Diagnostic] = []
    if document is not None:
        warnings = list(evidence_warnings(document))
        document.release_tree()
    partial = LoadResult()
    if document is None and problems:
        _note_invalid(parsed, partial)
    return CachedFile(stamp, document, problems, partial.invalid_ids, partial.unreadable, warnings)


def load_document(path: Path, shown: str, root: Path) -> tuple[ContentDocument | None, list[Diagnostic]]:
    """Read one file; return its document if it is valid, and its problems."""
    return validate_document(read_yaml_file(str(path), shown), path, root)


def validate_document(parsed: ParsedFile, path: Path, root: Path) -> tuple[ContentDocument | None, list[Diagnostic]]:
    """Validate a parsed file against the models; return its document if it is valid, and its problems."""
    shown = parsed.path
    if parsed.diagnostics:
        return None, parsed.diagnostics
    node = parsed.root
    if not isinstance(node, MappingNode):
        line, col = (node.line, node.col) if node is not None else (1, 1)
        message = "the file must be a mapping of fields (`kind: ...`, `id: ...`), not a list or a single value"
        return None, [Diagnostic(shown, line, col, "not-a-mapping", message)]
    placeholders = list(_placeholders(node, shown))
    try:
        model = _ADAPTER.validate_python(to_data(node))
    except ValidationError as exc:
        return None, placeholders + [_schema_problem(error, node, shown) for error in exc.errors(include_url=False)]
    if placeholders:
        return None, placeholders
    document = ContentDocument(shown, model, node, source=path.absolute())
    problems = _check_figures(document, path.parent, root) if isinstance(model, CaseStudy) else []
    return (None if problems else document), problems


def _note_invalid(parsed: ParsedFile, result: LoadResult) -> None:
    """Remember the ids a file that failed validation defines, or that it could not be read at all."""
    data = to_data(parsed.root) if not parsed.diagnostics else None
    if not isinstance(data, dict):
        result.unreadable = True
        return
    kind = data.get("kind")
    lists = {"roles": ("role", "roles"), "glossary": ("term", "terms")}
    if kind in ("case", "playbook") and isinstance(data.get("id"), str):
        result.invalid_ids.add(("case" if kind == "case" else "stage", data["id"]))
    elif isinstance(kind, str):
        ref_kind, key = lists.get(kind, (kind, "items"))
        items = data.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                result.invalid_ids.add((ref_kind, item["id"]))


def _placeholders(node: Node, path: str) -> Iterator[Diagnostic]:
    if isinstance(node, ScalarNode):
        if isinstance(node.value, str) and _PLACEHOLDER.match(node.value):
            yield Diagnostic(
                path, node.line, node.col, "placeholder", "fill in this TODO placeholder (or delete the field)"
            )
    elif isinstance(node, MappingNode):
        for _, value in node.entries.values():
            yield from _placeholders(value, path)
    elif isinstance(node, SequenceNode):
        for item in node.items:
            yield from _placeholders(item, path)


def _schema_problem(error: Any, root: Node, path: str) -> Diagnostic:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    kind: str = error["type"]
    context: dict[str, Any] = error.get("ctx") or {}
    if kind == "extra_forbidden":
        node = locate(root, loc, key=True)
        name = str(loc[-1])
        message = f"unknown field '{name}'{_suggestion(name)}"
    elif kind == "missing":
        node = locate(root, loc)
        message = f"missing required field '{loc[-1]}'"
    elif kind == "rich_text":
        node = locate(root, (*loc, context.get("lang", "")))
        message = error["msg"]
        if isinstance(node, ScalarNode) and isinstance(context.get("offset"), int):
            line, col = node.position_at(context["offset"])
            return Diagnostic(path, line, col, "rich-text", message)
    elif kind == "string_too_long":
        node = locate(root, loc)
        node_text = node.value if isinstance(node, ScalarNode) else None
        length = f" ({len(node_text)} characters)" if isinstance(node_text, str) else ""
        message = (
            f"plain text may have at most {context.get('max_length')} characters{length}; "
            "shorten it, or move the detail into a Markdown field"
        )
    elif kind == "union_tag_invalid":
        node = locate(root, ("kind",))
        message = f"unknown kind {context.get('tag')!r}; expected one of {context.get('expected_tags')}"
    elif kind == "union_tag_not_found":
        node = root
        message = "missing required field 'kind' (case, playbook, roles, glossary or a reference list)"
    else:
        node = locate(root, loc)
        message = _field_message(loc, error["msg"])
    return Diagnostic(path, node.line, node.col, kind.replace("_", "-"), message)


def _field_message(loc: tuple[str | int, ...], message: str) -> str:
    message = message.removeprefix("Value error, ")
    names = [str(step) for step in loc if isinstance(step, str) and step in _field_names()]
    where = f"'{names[-1]}': " if names else ""
    return f"{where}{message[:1].lower()}{message[1:]}"


def _suggestion(name: str) -> str:
    close = difflib.get_close_matches(name, sorted(_field_names()), n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


@cache
def _field_names() -> frozenset[str]:
    names: set[str] = set()
    schema = _ADAPTER.json_schema()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        names.update(definition.get("properties", {}))
    return frozenset(names)


def _check_figures(document: ContentDocument, folder: Path, root: Path) -> list[Diagnostic]:
    assert isinstance(document.model, CaseStudy)
    problems: list[Diagnostic] = []
    for index, figure in enumerate(document.model.figures):
        reason = image_path_problem(figure.src, folder, root)
        if reason:
            problems.append(document.diagnostic(("figures", index, "src"), "image-path", reason))
    return problems


def image_path_problem(src: str, folder: Path, root: Path) -> str | None:
    """Why the image path `src` (relative to `folder`) may not be published, or `None` if it may."""
    checks: tuple[tuple[Callable[[], bool], str], ...] = (
        (lambda: "\\" in src, "use forward slashes in image paths"),
        (lambda: ":" in src.split("/", 1)[0] or src.startswith("//"), "images must be files in the project, not URLs"),
        (lambda: src.startswith("/"), "image paths must be relative to the YAML file, not absolute"),
        (lambda: ".." in src.split("/"), "image paths must not leave the project ('..')"),
        (lambda: not (folder / src).is_file(), f"image file '{src}' not found next to this file"),
        (
            lambda: _passes_through_symlink(folder / src, root),
            "image paths must not be or pass through a symbolic link",
        ),
    )
    path_problem = next((message for failed, message in checks if failed()), None)
    return path_problem or image_file_problem(folder / src, src)


def _passes_through_symlink(path: Path, root: Path) -> bool:
    try:
        relative = path.absolute().relative_to(root.absolute())
    except ValueError:
        return path.is_symlink()
    current = root.absolute()
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def _not_content_warning(path: Path, root: Path) -> Diagnostic:
    message = "this file is not read: content files end in .yaml or .yml (figures: PNG, JPEG, WebP, AVIF or GIF)"
    return Diagnostic(display_path(path, root), 1, 1, "not-content", message, Severity.WARNING)


def _symlink_problem(path: Path, root: Path) -> Diagnostic:
    message = "symbolic links are not published; replace the link with the file itself"
    return Diagnostic(display_path(path, root), 1, 1, "symlink", message)
