"""Helpers for tests of a built site: run MkDocs and list the pages a project should have."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cemkit import Project, SiteSpec, load_project
from cemkit._internal.site.linkcheck import broken_links
from cemkit._internal.site.urls import page_src, page_url

BIN = Path(sys.executable).parent


def run_mkdocs(
    *args: str, cwd: Path, tool: str = "mkdocs", timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run an MkDocs command line in `cwd` and capture its output (`timeout` in seconds raises if exceeded)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [str(BIN / tool), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def expected_pages(root: Path) -> list[str]:
    """Site URLs of every generated page of the project at `root`, in both languages (Korean under `ko/`)."""
    kb = load_project(root).knowledge
    assert kb is not None
    pages = []
    for prefix in ("", "ko/"):
        for kind, items in (("case", kb.cases), ("stage", kb.playbooks), ("role", kb.roles)):
            pages.append(prefix + page_url(page_src(kind, None), directory_urls=True))
            pages += [prefix + page_url(page_src(kind, item), directory_urls=True) for item in items]
        pages.append(prefix + page_url(page_src("term", None), directory_urls=True))
    return pages


@dataclass
class Output:
    """Every generated file of one language's site: pages (Markdown) and other files, by site path."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


def site_output(
    root: Path,
    *,
    language: str = "en",
    directory_urls: bool = True,
    project: Project | None = None,
    cache_dir: Path | None = None,
) -> Output | None:
    """The generated source of one language's site of the project at `root`, or `None` if the content has errors.

    With a `project`, its loaded content is used (and its store): nothing is read again.
    """
    own = project is None
    project = project or Project(root, cache_dir=cache_dir)
    try:
        if own:
            project.load()
        if project.content.errors:
            return None
        source = project.sites([SiteSpec(language, directory_urls)])[language]
        source.finish()
        return Output(
            pages={path: source.text(path) for path in source.pages},
            files={path: source.path(path).read_bytes() for path in source.files},
        )
    finally:
        project.close()


__all__ = ["BIN", "Output", "broken_links", "expected_pages", "run_mkdocs", "site_output"]


PAGEFIND_UNSTABLE = re.compile(r"(^|/)pagefind/(filter/|pagefind\.[a-z]+_[0-9a-f]+\.pf_meta$|pagefind-entry\.json$)")
"""Files of a search bundle whose bytes differ between two runs of Pagefind on the same pages: it writes its
filter and metadata indexes in hash-map order (Pagefind issue #638; its fragments, which hold each page's text,
metadata and filters, are stable since 1.3). Comparisons of whole sites leave these out."""


def indexed(site: Path) -> dict[str, dict[str, object]]:
    """What a language site's search bundle holds: result URL -> its record (content, meta, filters).

    Read from Pagefind's fragment files (gzip, a signature, then JSON), as the browser reads them, with Korean
    composed again (the index holds it decomposed, see `decompose_hangul`).
    """
    records = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        record = json.loads(unicodedata.normalize("NFC", data.decode("utf-8")))  # Korean is indexed as NFD
        records[record["url"]] = record
    return records
