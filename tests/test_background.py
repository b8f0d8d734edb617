"""`mkdocs build` renders pages in a second process; the site is the same as when one process does it all."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from cemkit import background
from cemkit._internal.site.pages import PageRenderer
from cemkit.background import BackgroundRenderer


def _build(project: Path, site: Path, *, parallel: bool) -> dict[str, bytes]:
    """Build `project` in this process as `mkdocs build` does; every file of the site by path."""
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    setting = "      parallel: false\n"
    text = text.replace(setting, "")
    if not parallel:
        text = text.replace("  - cem:\n", "  - cem:\n" + setting, 1)
    config_file.write_text(text, encoding="utf-8")
    config = load_config(config_file=str(config_file), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.fixture(autouse=True)
def _worker_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the worker start on any machine (even one core, under pytest's threads)."""
    monkeypatch.setattr(BackgroundRenderer, "available", staticmethod(lambda: True))


def _differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(set(first) ^ set(second)) + [path for path in first if path in second and first[path] != second[path]]


def test_pages_rendered_by_the_worker_make_the_same_site(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    rendered_here: list[str] = []  # pages rendered in this process (the worker's own list is its own)
    render = PageRenderer.render

    def recording_render(self: PageRenderer, template: str, src: str, **context: Any) -> str:
        rendered_here.append(src)
        return render(self, template, src, **context)

    monkeypatch.setattr(PageRenderer, "render", recording_render)
    parallel = _build(mini, tmp_path / "parallel", parallel=True)
    assert forks == [1]
    assert rendered_here == []
    serial = _build(mini, tmp_path / "serial", parallel=False)
    assert forks == [1]
    assert "cases/corner-bakery/index.md" in rendered_here
    assert "cases/corner-bakery/index.html" in parallel
    assert "ko/cases/corner-bakery/index.html" in parallel
    korean_index = json.loads(parallel["ko/search/search_index.json"])
    assert any("제과점" in entry.get("morphemes", "") for entry in korean_index["docs"])  # Kiwi ran in the worker
    assert _differences(parallel, serial) == []


def _dies(self: BackgroundRenderer) -> None:
    os._exit(1)


def _hangs(self: BackgroundRenderer) -> None:
    time.sleep(3600)


@pytest.mark.parametrize("trouble", [_dies, _hangs], ids=["dies", "hangs"])
def test_a_worker_in_trouble_costs_time_not_pages(
    trouble: Callable[[BackgroundRenderer], None],
    mini: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forks: list[int],
) -> None:
    monkeypatch.setattr(BackgroundRenderer, "_work", trouble)
    monkeypatch.setattr(background, "STALL_SECONDS", 1.0)
    rescued = _build(mini, tmp_path / "rescued", parallel=True)
    assert forks == [1]
    serial = _build(mini, tmp_path / "serial", parallel=False)
    assert _differences(rescued, serial) == []
