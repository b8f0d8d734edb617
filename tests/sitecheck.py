"""Helpers for tests of a built site: run MkDocs, find pages, check every internal link and anchor."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cemkit.pipeline import load_project
from cemkit.urls import page_src, page_url

BIN = Path(sys.executable).parent


def run_mkdocs(*args: str, cwd: Path, tool: str = "mkdocs") -> subprocess.CompletedProcess[str]:
    """Run an MkDocs command line in `cwd` and capture its output."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(BIN / tool), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key) and (key == "id" or tag == "a"):
                self.ids.add(str(values[key]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def broken_links(site: Path) -> list[str]:
    """Every internal link or anchor in the built site that does not resolve, as 'page -> href'."""
    pages = {path: _parse(path) for path in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        if page.name == "404.html":
            continue  # served at any path, so its links are absolute
        for href in parsed.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    return sorted(broken)


def expected_pages(root: Path) -> list[str]:
    """Site URLs of every generated page of the project at `root`, in both languages."""
    kb = load_project(root).knowledge
    assert kb is not None
    pages = []
    for lang in ("en", "ko"):
        for kind, items in (("case", kb.cases), ("stage", kb.playbooks), ("role", kb.roles)):
            pages.append(page_url(page_src(kind, None, lang), directory_urls=True))
            pages += [page_url(page_src(kind, item, lang), directory_urls=True) for item in items]
        pages.append(page_url(page_src("term", None, lang), directory_urls=True))
    return pages
