"""Where each generated page lives and how pages link to each other."""

from __future__ import annotations

import posixpath
from functools import lru_cache

SECTIONS = {"case": "cases", "stage": "stages", "role": "roles", "term": "glossary", "worksheet": "worksheets"}
"""Site folder of each kind of page."""


MEDIA_DIR = "assets/cemkit/media"
"""Site folder where images of the content are published, mirroring their place in the project."""


def media_path(yaml_path: str, src: str) -> str:
    """Site path of an image `src` given relative to the content file at `yaml_path` (project-relative)."""
    return posixpath.normpath(f"{MEDIA_DIR}/{posixpath.dirname(yaml_path)}/{src}")


def page_src(kind: str, item_id: str | None) -> str:
    """Source path (`src_uri`) of a generated page; `item_id=None` gives the section index.

    Each language is a site of its own (the Korean one is published under `ko/`), so paths carry no language.
    """
    section = SECTIONS[kind]
    if item_id is None or kind == "term":
        return f"{section}/index.md"
    # Each page is the index of its own folder, so a link is the same relative to the source file and to the
    # built page: engines that rewrite links in raw HTML (Zensical) and those that do not (MkDocs) agree.
    return f"{section}/{item_id}/index.md"


def anchor(kind: str, item_id: str) -> str:
    """Anchor of an item inside its page (glossary terms share one page)."""
    return f"term-{item_id}" if kind == "term" else ""


@lru_cache(maxsize=65536)
def md_link(from_src: str, to_src: str, fragment: str = "") -> str:
    """Relative link between two Markdown sources, as MkDocs resolves and checks it."""
    target = posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")
    return f"{target}#{fragment}" if fragment else target


@lru_cache(maxsize=65536)
def page_url(src: str, *, directory_urls: bool) -> str:
    """The URL (relative to the site root) MkDocs gives the page built from `src`."""
    stem = src.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


@lru_cache(maxsize=65536)
def file_link(from_src: str, path: str, *, directory_urls: bool) -> str:
    """Relative URL from a built page to a file of the site (a download or an asset), for raw HTML."""
    here = page_url(from_src, directory_urls=directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    return posixpath.relpath(path, base.rstrip("/") or ".")


@lru_cache(maxsize=65536)
def html_link(from_src: str, to_src: str, fragment: str = "", *, directory_urls: bool) -> str:
    """Relative URL between two built pages, for links inside raw HTML (which MkDocs does not rewrite)."""
    here = page_url(from_src, directory_urls=directory_urls)
    there = page_url(to_src, directory_urls=directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    relative = posixpath.relpath(there or ".", base.rstrip("/") or ".")
    if there.endswith("/") or not there:
        relative = "./" if relative == "." else relative + "/"
    return f"{relative}#{fragment}" if fragment else relative
