"""Restricted Markdown for rich text fields: checked at load time, rendered and sanitised at build time.

Rich fields accept CommonMark with GitHub's tables and strikethrough (what an editor's pull request
previews on GitHub): paragraphs, emphasis, lists, tables, code, links. No raw HTML, no images (cases
use `figures` for those), and only `http`, `https` and `mailto` links or in-page anchors.
Cross-references use double brackets: `[[term-id]]` for a glossary term, `[[case:id]]`,
`[[stage:id]]` or `[[role:id]]` for other pages, optionally with `|shown text`. A citation,
`[^source-id]`, names one of the document's own `sources` where a claim is made; it is rendered as
a numbered note that links to the source list.

The check and the renderer use the same parser (pulldown-cmark, through `pyromark`), so what the
check sees is what the renderer renders: a link hidden in a quote or a list item is checked like any
other. Every step here takes time linear in the length of the text: pulldown-cmark parses in linear
time, and the one pattern of our own (`_REF`) scans each character a bounded number of times.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import accumulate

import nh3
import pyromark
from pydantic_core import PydanticCustomError
from pyromark.event import Range

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "em", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
        "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "del",
    }
)  # fmt: skip
"""HTML tags that may appear in rendered rich text."""
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
"""Attributes allowed per tag; everything else is removed."""
URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""URL schemes allowed in links."""
REF_KINDS = ("term", "case", "stage", "role")
"""Kinds of `[[kind:id]]` cross-references; a bare `[[id]]` is a glossary term."""
CITATION = "source"
"""The kind of a `[^source-id]` citation, found and resolved like a cross-reference."""

MAX_NESTING = 16
"""Deepest nesting of Markdown elements (quotes, lists, emphasis, links, tables) inside each other.

The bound keeps the sanitiser linear: its cost per element grows with the depth of the element.
"""
_TOO_DEEP = (
    f"Markdown nested more than {MAX_NESTING} levels deep (quotes, lists or emphasis inside each other); flatten it"
)

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
# No bracket inside a reference or citation: each attempt stops at the next bracket, so the scans of two
# attempts never overlap and a text of any shape (`[[[[...`, `[^[^[^...`) is matched in linear time.
_REF = re.compile(
    r"\[\^(?P<cite>[^\[\]\s]*)\]|\[\[(?:(?P<kind>[a-z]+):)?(?P<id>[^\[\]|]*)(?:\|(?P<label>[^\[\]]*))?\]\]"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ALIGNED_CELL = re.compile(r'<(t[hd]) style="text-align: (left|center|right)">')


@dataclass(frozen=True)
class CrossRef:
    """A `[[kind:id|label]]` reference found in rich text."""

    offset: int
    """Position of the opening brackets in the text."""
    kind: str
    target: str
    label: str | None


@lru_cache(maxsize=65536)
def find_refs(text: str) -> tuple[CrossRef, ...]:
    """Every cross-reference in `text`, outside code."""
    if not _may_refer(text):
        return ()
    return tuple(_cross_ref(match) for match in _refs_outside_code(text))


def check_markdown(text: str) -> None:
    """Raise a pydantic error (with the offset of the problem) if `text` is not allowed rich text."""
    for ref in find_refs(text):
        if ref.kind not in REF_KINDS and ref.kind != CITATION:
            kinds = ", ".join(REF_KINDS)
            raise _rich_error(f"unknown cross-reference kind '{ref.kind}' (use one of: {kinds})", ref.offset)
    masked = _REF.sub(lambda match: " " * len(match.group()), text) if _may_refer(text) else text
    offsets = _CharOffsets(masked)
    depth = 0
    for event, span in pyromark.events_with_range(masked, options=_OPTIONS):
        problem = _event_problem(event)
        if problem is not None:
            raise _rich_error(problem, offsets.char(_problem_offset(masked, event, span)))
        if isinstance(event, dict) and ("Start" in event or "End" in event):
            depth += 1 if "Start" in event else -1
            if depth > MAX_NESTING:
                raise _rich_error(_TOO_DEEP, offsets.char(span["start"]))


def render_markdown(text: str, resolve: Callable[[CrossRef], tuple[str, str]]) -> str:
    """Render rich text to sanitised HTML; `resolve` turns a cross-reference into (url, label)."""
    source = text
    if _may_refer(text):
        pieces: list[str] = []
        last = 0
        for match in _refs_outside_code(text):
            ref = _cross_ref(match)
            url, label = resolve(ref)
            shown = ref.label.strip() if ref.label else label
            pieces += [text[last : match.start()], f"[{escape_markdown(shown)}](<{_escape_destination(url)}>)"]
            last = match.end()
        source = "".join([*pieces, text[last:]])
    html = pyromark.html(source, options=_OPTIONS)
    return sanitize_html(_ALIGNED_CELL.sub(r'<\1 align="\2">', html)).rstrip("\n")


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()!])")
_BLOCK_START = re.compile(r"^(?:[#+-]|\d+(?=[.)]))")


@lru_cache(maxsize=65536)
def escape_markdown(text: str) -> str:
    """Escape plain text for use inline in Markdown: HTML is escaped and Markdown syntax neutralised.

    Line breaks become spaces, so the text can never start a new block.
    """
    flat = " ".join(text.split())
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escape(flat, quote=True))
    start = _BLOCK_START.match(escaped)
    if start:
        end = start.end()
        escaped = f"{escaped[:end]}\\{escaped[end:]}" if escaped[:1].isdigit() else f"\\{escaped}"
    return escaped


def escape_table_cell(text: str) -> str:
    """Escape plain text for a Markdown table cell, where `|` would end the cell."""
    return escape_markdown(text).replace("|", "\\|")


def escape_html(text: str) -> str:
    """Escape plain text for use inside HTML."""
    return escape(" ".join(text.split()), quote=True)


def _may_refer(text: str) -> bool:
    return "[[" in text or "[^" in text


def _cross_ref(match: re.Match[str]) -> CrossRef:
    if match.group("cite") is not None:
        return CrossRef(match.start(), CITATION, match.group("cite"), None)
    return CrossRef(match.start(), match.group("kind") or "term", match.group("id").strip(), match.group("label"))


def _refs_outside_code(text: str) -> Iterator[re.Match[str]]:
    code = _code_spans(text) if "`" in text or "    " in text or "\t" in text or "~~~" in text else []
    starts = [start for start, _ in code]
    for match in _REF.finditer(text):
        index = bisect_right(starts, match.start()) - 1
        if index < 0 or code[index][1] <= match.start():
            yield match


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of the code spans and code blocks of `text`, in order (they never nest)."""
    offsets = _CharOffsets(text)
    spans: list[tuple[int, int]] = []
    for event, span in pyromark.events_with_range(text, options=_OPTIONS):
        if isinstance(event, dict) and ("Code" in event or _starts_code_block(event)):
            spans.append((offsets.char(span["start"]), offsets.char(span["end"])))
    return spans


def _starts_code_block(event: object) -> bool:
    start = event.get("Start") if isinstance(event, dict) else None
    return isinstance(start, dict) and "CodeBlock" in start


def _event_problem(event: object) -> str | None:
    """Why an event of the parser is not allowed in rich text, or `None`."""
    if not isinstance(event, dict):
        return None
    if "Html" in event or "InlineHtml" in event:
        return "raw HTML is not allowed in Markdown fields; use Markdown syntax instead"
    start = event.get("Start")
    if isinstance(start, dict) and "Image" in start:
        return "images are not allowed in text fields; add them to the case's `figures`"
    link = start.get("Link") if isinstance(start, dict) else None
    if isinstance(link, dict) and link.get("link_type") != "Email":
        return _url_problem(str(link.get("dest_url", "")))
    return None


def _problem_offset(text: str, event: object, span: Range) -> int:
    """Byte offset of what is wrong: a link's address where it is written (in its definition, for a reference link)."""
    start_tag = event.get("Start") if isinstance(event, dict) else None
    link = start_tag.get("Link") if isinstance(start_tag, dict) else None
    if not isinstance(link, dict):
        return span["start"]
    start, end = span["start"], span["end"]
    if link.get("link_type") in ("Reference", "Collapsed", "Shortcut") and link.get("id"):
        definition = _definitions(text).get(str(link["id"]).casefold())
        if definition is not None:
            start, end = definition
    found = text.encode().find(str(link.get("dest_url", "")).encode(), start, end)
    return found if found >= 0 else span["start"]


def _definitions(text: str) -> dict[str, tuple[int, int]]:
    """Byte ranges of the link reference definitions of `text`, by label (compared without case)."""
    return {
        label.casefold(): (value["span"]["start"], value["span"]["end"])
        for label, value in pyromark.reference_definitions(text).items()
    }


def _url_problem(url: str) -> str | None:
    if not url or url.startswith("#"):
        return None
    scheme = _SCHEME.match(url)
    shown = url if len(url) <= 80 else f"{url[:77]}..."
    if scheme is None:
        return f"link '{shown}' must be a full http(s):// or mailto: address, or a [[cross-reference]]"
    name = scheme.group()[:-1]
    if name.lower() not in URL_SCHEMES:
        return f"links with the scheme '{name}:' are not allowed (use http, https or mailto)"
    return None


def _escape_destination(url: str) -> str:
    """A URL for a Markdown link destination in angle brackets, where only `<`, `>` and backslash are special."""
    return url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E").replace("\n", "%0A")


def _rich_error(message: str, offset: int) -> PydanticCustomError:
    return PydanticCustomError("rich_text", message, {"offset": offset})


class _CharOffsets:
    """Turns the parser's UTF-8 byte offsets into character offsets of the text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._byte_starts: list[int] | None = None
        """Computed when first asked for: only a text with a problem needs it."""

    def char(self, byte_offset: int) -> int:
        if self._text.isascii():
            return byte_offset
        if self._byte_starts is None:
            self._byte_starts = list(accumulate((_utf8_size(char) for char in self._text), initial=0))
        return bisect_right(self._byte_starts, byte_offset) - 1


def _utf8_size(char: str) -> int:
    return 1 if char < "\x80" else 2 if char < "\u0800" else 3 if char < "\U00010000" else 4
