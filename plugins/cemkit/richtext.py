"""Restricted Markdown for rich text fields: checked at load time, rendered and sanitised at build time.

Rich fields accept ordinary Markdown (paragraphs, emphasis, lists, tables, code, links) but no raw
HTML, no images (cases use `figures` for those) and only `http`, `https` and `mailto` links or
in-page anchors. Cross-references use double brackets: `[[term-id]]` for a glossary term,
`[[case:id]]`, `[[stage:id]]` or `[[role:id]]` for other pages, optionally with `|shown text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape

import markdown
import nh3
from pydantic_core import PydanticCustomError

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

_REF = re.compile(r"\[\[(?:(?P<kind>[a-z]+):)?(?P<id>[^\]|]*)(?:\|(?P<label>[^\]]*))?\]\]")
_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1|^(?: {4}|\t).*$", re.MULTILINE | re.DOTALL)
_RAW_HTML = re.compile(r"<(?:!--|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>|![A-Za-z]|\?)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")
_IMAGE = re.compile(r"!\[[^\]]*\]\s*[\[(]")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


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
    if "[[" not in text:
        return ()
    masked = _mask_code(text)
    return tuple(
        CrossRef(match.start(), match.group("kind") or "term", match.group("id").strip(), match.group("label"))
        for match in _REF.finditer(masked)
    )


def check_markdown(text: str) -> None:
    """Raise a pydantic error (with the offset of the problem) if `text` is not allowed rich text."""
    masked = _REF.sub(lambda m: " " * len(m.group()), _mask_code(text))
    for match in _AUTOLINK.finditer(masked):
        _check_url(match.group(1) if "@" not in match.group(1) or ":" in match.group(1) else "", match.start())
    without_autolinks = _AUTOLINK.sub(lambda m: " " * len(m.group()), masked)
    html = _RAW_HTML.search(without_autolinks)
    if html:
        raise _rich_error("raw HTML is not allowed in Markdown fields; use Markdown syntax instead", html.start())
    image = _IMAGE.search(masked)
    if image:
        raise _rich_error("images are not allowed in text fields; add them to the case's `figures`", image.start())
    for pattern in (_INLINE_LINK, _REFERENCE_DEF):
        for match in pattern.finditer(masked):
            _check_url(match.group(1), match.start(1))
    for ref in find_refs(text):
        if ref.kind not in REF_KINDS:
            kinds = ", ".join(REF_KINDS)
            raise _rich_error(f"unknown cross-reference kind '{ref.kind}' (use one of: {kinds})", ref.offset)


def render_markdown(text: str, resolve: Callable[[CrossRef], tuple[str, str]]) -> str:
    """Render rich text to sanitised HTML; `resolve` turns a cross-reference into (url, label)."""

    def replace(match: re.Match[str]) -> str:
        ref = CrossRef(match.start(), match.group("kind") or "term", match.group("id").strip(), match.group("label"))
        url, label = resolve(ref)
        shown = ref.label.strip() if ref.label else label
        return f"[{escape_markdown(shown)}]({url})"

    source = _substitute_outside_code(text, replace)
    converter = _converter()
    try:
        html = converter.convert(source)
    finally:
        converter.reset()
    return sanitize_html(html)


@cache
def _converter() -> markdown.Markdown:
    """One restricted Markdown converter, reused (building one costs more than converting a paragraph)."""
    converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.inlinePatterns.deregister("image_link")
    converter.inlinePatterns.deregister("image_reference")
    converter.inlinePatterns.deregister("short_image_ref")
    return converter


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


def _check_url(url: str, offset: int) -> None:
    if not url or url.startswith("#"):
        return
    scheme = _SCHEME.match(url)
    if scheme is None:
        raise _rich_error(
            f"link '{url}' must be a full http(s):// or mailto: address, or a [[cross-reference]]", offset
        )
    if scheme.group(1).lower() not in URL_SCHEMES:
        raise _rich_error(
            f"links with the scheme '{scheme.group(1)}:' are not allowed (use http, https or mailto)", offset
        )


def _rich_error(message: str, offset: int) -> PydanticCustomError:
    return PydanticCustomError("rich_text", message, {"offset": offset})


def _mask_code(text: str) -> str:
    if "`" not in text and "    " not in text and "\t" not in text:
        return text  # no code span or indented code block: nothing to mask
    return _CODE.sub(lambda m: " " * len(m.group()), text)


def _substitute_outside_code(text: str, replace: Callable[[re.Match[str]], str]) -> str:
    pieces: list[str] = []
    last = 0
    for code in _CODE.finditer(text):
        pieces.append(_REF.sub(replace, text[last : code.start()]))
        pieces.append(code.group())
        last = code.end()
    pieces.append(_REF.sub(replace, text[last:]))
    return "".join(pieces)
