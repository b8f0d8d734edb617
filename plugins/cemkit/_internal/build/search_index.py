"""Index a built site with Pagefind: the same search whichever engine built the HTML.

Each page's main content (the theme's `<article>`) is given to Pagefind with what cemkit knows
about it (`cemkit._internal.site.search_data`): its names as searchable metadata, its filters, and on
the Korean site the nouns inside its Korean words. Nothing is added to the published pages: the
extra words exist only in the index. A glossary term becomes a result of its own. The bundle is
written beside the pages (`pagefind/`), replacing the previous one only once it is complete.
"""

from __future__ import annotations

import html
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cemkit._internal.build.pagefind import PagefindService, PartlyWritten
from cemkit._internal.site.search_data import HANGUL_WORD, SearchFacts, page_facts

BUNDLE_DIR = "pagefind"
"""Folder of the search bundle, relative to a language site's root."""
EXCLUDED = (".headerlink", ".md-content__button", ".md-source-file", ".md-feedback", "[data-search-skip]")
"""Parts of the article that are chrome, not content: permalink signs, edit buttons, dates."""
UNUSED = tuple(
    f"pagefind-{name}"
    for name in ("ui.js", "ui.css", "component-ui.js", "component-ui.css", "modular-ui.js", "modular-ui.css")
)
"""Pagefind's own interfaces, which the site does not use (`assets/cemkit/search.js` is its interface)."""
ATTEMPTS = 3
"""Times a bundle is made before a file Pagefind left short is an error (see `PagefindService.write`)."""
NAMES_SEPARATOR = " | "
"""Between two names in the `keywords` metadata (the search script tells the names apart by it)."""
Expand = Callable[[Collection[str]], Mapping[str, tuple[str, ...]]]
"""Korean words -> the nouns inside each (see `KoreanAnalyzer.expand`)."""

_ARTICLE = re.compile(r"<article\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_HANGUL_SYLLABLES = re.compile(r"[\uac00-\ud7a3]+")
_HEADING = re.compile(r"<h[1-6]\b[^>]*>")


@dataclass(frozen=True)
class Record:
    """One search result: a page, or a section of one (a glossary term), with the HTML Pagefind reads."""

    url: str
    html: str


def index_site(
    site_dir: Path,
    *,
    lang: str,
    facts: Mapping[str, SearchFacts],
    directory_urls: bool = True,
    skip: Collection[Path] = (),
    expand: Expand | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Index the pages of the `lang` site built in `site_dir` (minus the folders in `skip`); return the count.

    When `stop` is set before the end (a newer build started), the previous bundle is kept and 0 returned.
    """
    stop = stop or threading.Event()
    pages = list(_pages(site_dir, skip, directory_urls))
    nouns = _korean_nouns([path for _, path in pages], expand) if expand is not None else {}
    sections = sections_by_page(facts)
    documents: list[Record] = []
    for location, path in pages:  # read again rather than hold every page: only their articles are kept
        if stop.is_set():
            return 0
        text = path.read_text(encoding="utf-8")
        documents += records(location, text, lang=lang, facts=facts, sections=sections, nouns=nouns)
    bundle = site_dir / BUNDLE_DIR
    staging = site_dir / f".{BUNDLE_DIR}-new"
    shutil.rmtree(staging, ignore_errors=True)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            count = _write_bundle(documents, lang, staging, stop)
            break
        except PartlyWritten:
            shutil.rmtree(staging, ignore_errors=True)
            if attempt == ATTEMPTS:
                raise
    if stop.is_set():
        shutil.rmtree(staging, ignore_errors=True)
        return 0
    for name in (*UNUSED, "pagefind-highlight.js"):
        (staging / name).unlink(missing_ok=True)
    shutil.rmtree(bundle, ignore_errors=True)
    staging.rename(bundle)
    return count


def _write_bundle(documents: list[Record], lang: str, staging: Path, stop: threading.Event) -> int:
    with PagefindService(lang, exclude_selectors=EXCLUDED) as service:
        for record in documents:
            if stop.is_set():
                return 0
            service.add_page(record.url, record.html)
        return service.write(staging)


def records(
    location: str,
    page: str,
    *,
    lang: str,
    facts: Mapping[str, SearchFacts],
    sections: Mapping[str, Collection[str]],
    nouns: Mapping[str, tuple[str, ...]],
) -> Iterator[Record]:
    """The search records of one built page: the page, and each glossary term on it as a record of its own."""
    content = article(page)
    if content is None:
        return
    ids = sections.get(location, ())
    anchors = sorted((position, anchor) for anchor in ids if (position := content.find(f'id="{anchor}"')) >= 0)
    cuts = [content.rfind("<", 0, position) for position, _ in anchors]
    parts = [content[start:end] for start, end in zip([0, *cuts], [*cuts, len(content)], strict=True)]
    yield Record(f"/{location}", _document(parts[0], page_facts(location, facts, lang), lang, nouns))
    for (_, anchor), part in zip(anchors, parts[1:], strict=True):
        titled = part.replace(">", ' data-pagefind-meta="title">', 1)
        yield Record(f"/{location}#{anchor}", _document(titled, facts[f"{location}#{anchor}"], lang, nouns))


def sections_by_page(facts: Mapping[str, SearchFacts]) -> dict[str, list[str]]:
    """Page URL -> the anchors of its sections that are results of their own (`glossary/#term-cx`)."""
    sections: dict[str, list[str]] = {}
    for key in facts:
        location, _, anchor = key.partition("#")
        if anchor:
            sections.setdefault(location, []).append(anchor)
    return sections


def article(page: str) -> str | None:
    """The main content of a built page (inside the theme's `<article>`), or None for a page without one."""
    start = _ARTICLE.search(page)
    end = page.rfind("</article>")
    if start is None or end < start.end():
        return None
    return page[start.end() : end]


def _document(content: str, facts: SearchFacts, lang: str, nouns: Mapping[str, tuple[str, ...]]) -> str:
    """A page for Pagefind: the content, with the facts and Korean nouns as metadata and filters."""
    tags = []
    if facts.keywords:
        tags.append(_attribute_tag("meta", "keywords", NAMES_SEPARATOR.join(facts.keywords)))
    if nouns:
        if title_nouns := _nouns_of(_TAG.sub(" ", _first_heading(content)), nouns):
            tags.append(_attribute_tag("meta", "title_nouns", title_nouns))
        if text_nouns := _nouns_of(_TAG.sub(" ", content), nouns):
            tags.append(_attribute_tag("meta", "nouns", text_nouns))
    searchable = decompose_hangul("".join(tags) + content)
    filters = [_attribute_tag("filter", name, value) for name, values in facts.filters.items() for value in values]
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8"></head><body>'
        f"<div data-pagefind-body>{''.join(filters)}{searchable}</div></body></html>"
    )


def _first_heading(content: str) -> str:
    """The HTML inside the first heading of `content` (found in one pass, whatever the content holds)."""
    opening = _HEADING.search(content)
    if opening is None:
        return ""
    end = content.find("</h", opening.end())
    return content[opening.end() : end if end >= 0 else opening.end()]


def decompose_hangul(text: str) -> str:
    """Korean syllables written as their letters (Unicode NFD), as the search script writes the query.

    Pagefind keeps every word written in Hangul syllables in one index file, however large (Pagefind issue
    #1211), so each Korean search would download the whole index; written as letters, the words are split into
    files like any other. Filter values stay as they are: the search box shows them.
    """
    return _HANGUL_SYLLABLES.sub(lambda run: unicodedata.normalize("NFD", run.group()), text)


def _attribute_tag(kind: str, name: str, value: str) -> str:
    """An empty element giving Pagefind a filter or metadata value (escaped: names come from content files)."""
    return f'<span data-pagefind-{kind}="{name}[data-value]" data-value="{html.escape(value, quote=True)}"></span>'


def _nouns_of(text: str, nouns: Mapping[str, tuple[str, ...]]) -> str:
    """The nouns inside the Korean words of `text` that a search would not already find, each once.

    A search matches the beginning of a word, so `고객경험관리에서` is found by `고객` and `고객경험` already:
    of its nouns only those starting inside the word are needed, and of those only the longest from each
    place (`경험관리` also finds `경험`).
    """
    found: dict[str, None] = {}
    for word in dict.fromkeys(HANGUL_WORD.findall(text)):
        inner = [noun for noun in nouns.get(word, ()) if not word.startswith(noun)]
        found.update(dict.fromkeys(n for n in inner if not any(o != n and o.startswith(n) for o in inner)))
    return " ".join(found)


def _korean_nouns(pages: list[Path], expand: Expand) -> Mapping[str, tuple[str, ...]]:
    """The nouns inside every Korean word of the pages' articles."""
    words: set[str] = set()
    for path in pages:
        words.update(HANGUL_WORD.findall(_TAG.sub(" ", article(path.read_text(encoding="utf-8")) or "")))
    return expand(words)


def _pages(site_dir: Path, skip: Collection[Path], directory_urls: bool) -> Iterator[tuple[str, Path]]:
    """Each built page of the site, with its URL relative to the site root, in a stable order."""
    skipped = [folder.resolve() for folder in skip]
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        if relative == "404.html" or relative.startswith((f"{BUNDLE_DIR}/", f".{BUNDLE_DIR}-new/")):
            continue
        if any(path.resolve().is_relative_to(folder) for folder in skipped):
            continue
        location = relative.removesuffix("index.html") if directory_urls else relative
        yield location, path
