"""Check a built site offline: every internal link must reach a page, and every anchor an element id."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _PageScan(HTMLParser):
    """Collects the ids and link targets of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))


def _scan(path: Path) -> _PageScan:
    scan = _PageScan()
    scan.feed(path.read_text(encoding="utf-8", errors="replace"))
    return scan


def broken_links(site: Path) -> list[str]:
    """Every internal link or anchor of the built site at `site` that does not resolve, as 'page -> href'.

    `404.html` is skipped: it is served at any address, so its links are absolute.
    """
    pages = {path: _scan(path) for path in sorted(site.rglob("*.html"))}
    broken = []
    for page, scan in pages.items():
        if page.name == "404.html":
            continue
        for href in scan.links:
            problem = _link_problem(page, href, pages)
            if problem:
                broken.append(f"{page.relative_to(site).as_posix()} -> {href}{problem}")
    return broken


def _link_problem(page: Path, href: str, pages: dict[Path, _PageScan]) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.exists():
        return " (no such page)"
    if parts.fragment and target.suffix == ".html":
        scan = pages.get(target) or _scan(target)
        if unquote(parts.fragment) not in scan.ids:
            return " (no such anchor)"
    return None
