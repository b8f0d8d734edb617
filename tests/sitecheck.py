"""Helpers for tests of a built site: run MkDocs and list the pages a project should have."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cemkit._internal.build.project import load_project
from cemkit._internal.site.linkcheck import broken_links
from cemkit._internal.site.urls import page_src, page_url

BIN = Path(sys.executable).parent


def run_mkdocs(*args: str, cwd: Path, tool: str = "mkdocs", timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run an MkDocs command line in `cwd` and capture its output (`timeout` in seconds raises if exceeded)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
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


__all__ = ["BIN", "broken_links", "expected_pages", "run_mkdocs"]
