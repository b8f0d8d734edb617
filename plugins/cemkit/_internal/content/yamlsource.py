"""A hardened YAML reader that remembers where every value came from.

It reads one YAML document into a small tree of nodes, each carrying its 1-based line and
column, and refuses the parts of YAML that content files never need and attackers like:
anchors and aliases (no alias bombs), merge keys, explicit tags, several documents, nesting
deeper than 32 levels, duplicate and non-text keys, oversized files, invalid UTF-8, control and
bidirectional-control characters (overrides, isolates and the LRM, RLM and ALM marks: the site is
written left to right, and these make text read differently from how it is stored). Plain scalars
follow a strict subset of the YAML 1.2 core schema, so `no`, `on`, `2024-03-01`, `0755` and `1:30`
stay text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import yaml

from cemkit._internal.content.diagnostics import Diagnostic

MAX_FILE_BYTES = 256 * 1024
"""Largest content file accepted, in bytes."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences accepted."""
MAX_DIAGNOSTICS_PER_FILE = 50
"""Further problems in one file are summarised in a single line."""

Scalar: TypeAlias = str | int | float | bool | None

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+|\.[0-9]+[eE][-+]?[0-9]+)")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_KEYWORDS = _NULLS | _TRUE | _FALSE
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ESCAPE_WIDTHS = {"x": 4, "u": 6, "U": 10}
"""Length in the file of the escapes of double-quoted YAML that are longer than two characters."""
_BIDI_CHARS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(eq=False, slots=True)
class Node:
    """A value read from YAML, with the position where it starts."""

    path: str
    line: int
    col: int


@dataclass(eq=False, slots=True)
class ScalarNode(Node):
    """A single value: text, number, boolean or null."""

    value: Scalar = None
    text: str = ""
    """The scalar's value as written, without quotes or indentation."""
    style: str | None = None
    """`None` for plain scalars, else the quote or block indicator (`'`, `"`, `|`, `>`)."""
    source: str | None = None
    """The scalar as it stands in the file, from its first character, when that differs from `text`
    (several lines, escapes, quotes): used to place positions inside it."""

    def position_at(self, offset: int) -> tuple[int, int]:
        """Line and column in the file of the character at `offset` inside this scalar's value.

        The value is walked alongside its source: characters that match advance both, and what only
        the source has (indentation, line breaks folded into spaces, quotes, escapes) is skipped.
        Linear in the length of the scalar.
        """
        if self.source is None:
            return self.line, self.col + offset + (1 if self.style in ("'", '"') else 0)
        source, value = self.source, self.text
        line, col, j = self.line, self.col, 0
        if self.style in ("|", ">"):
            j = source.find("\n") + 1  # the header line (`>-`, `|2` ...) is not part of the value
            line, col = line + 1, 1
        elif self.style in ("'", '"'):
            j, col = 1, col + 1
        i = 0
        while j < len(source) and i < offset:
            char = source[j]
            if self.style == '"' and char == "\\" and source[j + 1 : j + 2] not in ("", "\n"):
                width = _ESCAPE_WIDTHS.get(source[j + 1], 2)  # one character of the value, however written
                i, j, col = i + 1, j + width, col + width
                continue
            if value[i] == char:
                i += 1
            elif value[i].isspace() and not char.isspace():
                i += 1  # whitespace the source writes another way (an escape such as `\\n`)
                continue
            j += 1
            line, col = (line + 1, 1) if char == "\n" else (line, col + 1)
        while j < len(source) and i < len(value) and source[j] != value[i]:  # indentation before the character
            if self.style == '"' and source[j] == "\\" and source[j + 1 : j + 2] not in ("", "\n"):
                break  # the character is written as an escape, which starts here
            line, col = (line + 1, 1) if source[j] == "\n" else (line, col + 1)
            j += 1
        return line, col


@dataclass(eq=False, slots=True)
class MappingNode(Node):
    """A mapping of text keys to nodes, in file order."""

    entries: dict[str, tuple[ScalarNode, Node]] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class SequenceNode(Node):
    """A list of nodes."""

    items: list[Node] = field(default_factory=list)


@dataclass
class ParsedFile:
    """The result of reading one file: its root node, if any, and every problem found."""

    path: str
    root: Node | None
    diagnostics: list[Diagnostic]


def read_yaml_file(path: str, display: str | None = None) -> ParsedFile:
    """Read and parse the YAML file at `path`; `display` is the name used in messages."""
    name = display or path
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return ParsedFile(name, None, [Diagnostic(name, 1, 1, "io", f"cannot read file: {exc.strerror}")])
    return parse_yaml(data, name)


def parse_yaml(data: bytes, path: str) -> ParsedFile:
    """Parse YAML `data` (bytes of one file) named `path` in messages."""
    if len(data) > MAX_FILE_BYTES:
        message = f"file is larger than {MAX_FILE_BYTES // 1024} KB; split it or shorten it"
        return ParsedFile(path, None, [Diagnostic(path, 1, 1, "file-too-large", message)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(
            data[: exc.start].decode("utf-8", "replace"), len(data[: exc.start].decode("utf-8", "replace"))
        )
        return ParsedFile(
            path, None, [Diagnostic(path, line, col, "encoding", "file is not valid UTF-8; save it as UTF-8")]
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = _forbidden_characters(text, path)
    if bad:
        return ParsedFile(path, None, bad)
    composer = _Composer(path)
    composer.compose(text)
    return ParsedFile(path, composer.root, composer.diagnostics)


def to_data(node: Node | None) -> object:
    """Turn a node tree into plain Python data (dicts, lists, scalars)."""
    if isinstance(node, MappingNode):
        return {key: to_data(value) for key, (_, value) in node.entries.items()}
    if isinstance(node, SequenceNode):
        return [to_data(item) for item in node.items]
    if isinstance(node, ScalarNode):
        return node.value
    return None


def locate(node: Node, loc: tuple[str | int, ...], *, key: bool = False) -> Node:
    """The deepest node along `loc` (a pydantic error location); with `key`, a final mapping key itself.

    Steps that do not name a child (such as a union member's name) are skipped.
    """
    current = node
    last = len(loc) - 1
    for index, step in enumerate(loc):
        if isinstance(current, MappingNode) and isinstance(step, str) and step in current.entries:
            key_node, value = current.entries[step]
            if key and index == last:
                return key_node
            current = value
        elif isinstance(current, SequenceNode) and isinstance(step, int) and 0 <= step < len(current.items):
            current = current.items[step]
    return current


def resolve_plain(text: str) -> Scalar:
    """Type of an unquoted scalar: a strict subset of the YAML 1.2 core schema."""
    first = text[:1]
    if first.isalpha() and text not in _KEYWORDS:
        return text  # most values are words: no number, null or boolean starts with a letter but these
    if text in _NULLS:
        return None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def _forbidden_characters(text: str, path: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for offset, message in _forbidden_in(text):
        line, col = _line_col(text, offset)
        found.append(Diagnostic(path, line, col, "forbidden-character", message))
        if len(found) >= MAX_DIAGNOSTICS_PER_FILE:
            break
    return found


def _forbidden_in(text: str) -> Iterator[tuple[int, str]]:
    """Offset and description of each forbidden character of `text`."""
    for match in _FORBIDDEN_CHARS.finditer(text):
        char = match.group()
        kind = "bidirectional-control" if char in _BIDI_CHARS else "control"
        yield match.start(), f"{kind} character U+{ord(char):04X} is not allowed; delete it"


class _Composer:
    """Builds the node tree from the parser's events, reporting what content files must not use."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._text = ""
        self._lines: list[str] = []
        self.root: Node | None = None
        self.diagnostics: list[Diagnostic] = []
        self._truncated = 0

    def compose(self, text: str) -> None:
        self._text = text
        self._lines = text.split("\n")
        parser = _Parser(text)
        try:
            self._compose_stream(iter(parser.get_event, None))  # `yaml.parse` without its generator's cost
        except yaml.MarkedYAMLError as exc:
            self._report_syntax(exc)
        except yaml.YAMLError as exc:  # pragma: no cover - libyaml always gives marks
            self._error(1, 1, "yaml-syntax", f"invalid YAML: {exc}")
        finally:
            parser.dispose()
        if self._truncated:
            self._error(10**9, 1, "too-many-problems", f"{self._truncated} more problems in this file not shown")

    def _compose_stream(self, events: object) -> None:
        documents = 0
        for event in events:  # type: ignore[attr-defined]
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _mark(event)
                    self._error(line, col, "multiple-documents", "only one YAML document per file is allowed")
                    return
            elif isinstance(event, yaml.NodeEvent | yaml.CollectionStartEvent):
                node = self._compose_node(event, events, depth=1)
                if documents == 1:
                    self.root = node

    def _compose_node(self, event: yaml.Event, events: object, depth: int) -> Node:
        mark = event.start_mark
        if type(event) is yaml.ScalarEvent and event.anchor is None and event.tag is None and mark is not None:
            return self._scalar(event, mark.line + 1, mark.column + 1)  # the common case, kept fast
        line, col = _mark(event)
        if isinstance(event, yaml.AliasEvent):
            self._error(line, col, "yaml-alias", f"aliases (*{event.anchor}) are not allowed; write the value out")
            return ScalarNode(self.path, line, col)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._error(line, col, "yaml-anchor", f"anchors (&{anchor}) are not allowed; write each value out")
        if _has_explicit_tag(event):
            tag = getattr(event, "tag", "")
            self._error(line, col, "yaml-tag", f"explicit tags ({tag}) are not allowed")
        if depth > MAX_DEPTH and not isinstance(event, yaml.ScalarEvent):
            self._error(line, col, "too-deep", f"nesting deeper than {MAX_DEPTH} levels is not allowed")
            self._skip_collection(events)
            return ScalarNode(self.path, line, col)
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event, line, col)
        if isinstance(event, yaml.SequenceStartEvent):
            sequence = SequenceNode(self.path, line, col)
            for child in events:  # type: ignore[attr-defined]
                if isinstance(child, yaml.SequenceEndEvent):
                    break
                sequence.items.append(self._compose_node(child, events, depth + 1))
            return sequence
        return self._mapping(line, col, events, depth)

    def _mapping(self, line: int, col: int, events: object, depth: int) -> MappingNode:
        mapping = MappingNode(self.path, line, col)
        for key_event in events:  # type: ignore[attr-defined]
            if isinstance(key_event, yaml.MappingEndEvent):
                break
            key_node = self._compose_node(key_event, events, depth + 1)
            value_node = self._compose_node(next(events), events, depth + 1)  # type: ignore[call-overload]
            key = self._key_text(key_node)
            if key is None:
                continue
            if key in mapping.entries:
                first = mapping.entries[key][0]
                message = f"duplicate key '{key}' (first defined at line {first.line}); keep one"
                self._error(key_node.line, key_node.col, "duplicate-key", message)
                continue
            assert isinstance(key_node, ScalarNode)
            mapping.entries[key] = (key_node, value_node)
        return mapping

    def _key_text(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            self._error(node.line, node.col, "non-text-key", "mapping keys must be plain text")
            return None
        if node.style is None and node.text == "<<":
            self._error(node.line, node.col, "yaml-merge-key", "merge keys (<<) are not allowed; write the keys out")
            return None
        if not isinstance(node.value, str) or not node.value:
            self._error(node.line, node.col, "non-text-key", f"key {node.text!r} must be text; quote it or rename it")
            return None
        return node.value

    def _scalar(self, event: yaml.ScalarEvent, line: int, col: int) -> ScalarNode:
        style = event.style or None
        raw = event.value
        node = ScalarNode(self.path, line, col, raw if style else resolve_plain(raw), raw, style)
        end = event.end_mark
        if end is not None and (end.line + 1 != line or (style is not None and end.column - col + 1 != len(raw) + 2)):
            node.source = self._slice(line, col, end.line + 1, end.column + 1)
        if style == '"' and "\\" in (node.source or ""):
            self._check_escaped_characters(node)
        return node

    def _check_escaped_characters(self, node: ScalarNode) -> None:
        """Refuse forbidden characters written as escapes in a double-quoted value, which the file check misses."""
        for offset, message in _forbidden_in(node.text):
            line, col = node.position_at(offset)
            self._error(line, col, "forbidden-character", f"{message} (written as an escape)")

    def _slice(self, line: int, col: int, end_line: int, end_col: int) -> str:
        """The file's text from (line, col) to just before (end_line, end_col), 1-based."""
        if line == end_line:
            return self._lines[line - 1][col - 1 : end_col - 1]
        middle = self._lines[line : end_line - 1]
        return "\n".join([self._lines[line - 1][col - 1 :], *middle, self._lines[end_line - 1][: end_col - 1]])

    def _skip_collection(self, events: object) -> None:
        level = 1
        for event in events:  # type: ignore[attr-defined]
            if isinstance(event, yaml.CollectionStartEvent):
                level += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                level -= 1
                if level == 0:
                    return

    def _report_syntax(self, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if mark is not None and self._char_at(mark.line, mark.column) == "\t":
            message = "tab characters cannot indent YAML; use spaces"
            code = "yaml-tab"
        else:
            context = f" ({exc.context})" if exc.context else ""
            message = f"invalid YAML: {problem}{context}"
            code = "yaml-syntax"
        self._error(line, col, code, message)

    def _char_at(self, line: int, column: int) -> str:
        return self._lines[line][column : column + 1] if line < len(self._lines) else ""

    def _error(self, line: int, col: int, code: str, message: str) -> None:
        if len(self.diagnostics) >= MAX_DIAGNOSTICS_PER_FILE and code != "too-many-problems":
            self._truncated += 1
            return
        self.diagnostics.append(Diagnostic(self.path, line, col, code, message))


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _has_explicit_tag(event: yaml.Event) -> bool:
    tag = getattr(event, "tag", None)
    if tag is None:
        return False
    if isinstance(event, yaml.ScalarEvent):
        return tag != "!" or not event.implicit[1]
    return not getattr(event, "implicit", False)
