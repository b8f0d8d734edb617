"""The serve-time build cache: reuses what is unchanged, and never serves a stale page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cemkit._internal.build.cache import BuildCache
from cemkit._internal.build.project import build_site
from cemkit._internal.site.pages import PageRenderer


def touch_later(path: Path, text: str) -> None:
    """Write `text` and move the modification time forward, as a real save a moment later would."""
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def rendered_cases(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Source paths of the case pages rendered (not taken from the cache)."""
    calls: list[str] = []
    original = PageRenderer.render

    def counting(self: PageRenderer, template: str, src: str, **context: object) -> str:
        if template == "case.md.j2":
            calls.append(src)
        return original(self, template, src, **context)

    monkeypatch.setattr(PageRenderer, "render", counting)
    return calls


def add_second_case(mini: Path) -> Path:
    text = (mini / "cases" / "corner-bakery.yaml").read_text(encoding="utf-8")
    second = mini / "cases" / "night-bakery.yaml"
    second.write_text(
        text.replace("id: corner-bakery", "id: night-bakery").replace("Corner Bakery <script>", "Night Bakery <b>"),
        encoding="utf-8",
    )
    return second


def test_unchanged_files_are_neither_reread_nor_rerendered(mini: Path, rendered_cases: list[str]) -> None:
    """A second build with nothing changed renders no case page and gives identical output."""
    add_second_case(mini)
    cache = BuildCache()
    first = build_site(mini, cache=cache).output
    assert len(rendered_cases) == 2
    rendered_cases.clear()
    second = build_site(mini, cache=cache).output
    assert rendered_cases == []
    assert first is not None and second is not None
    assert first.pages == second.pages
    assert first.files == second.files


def test_editing_one_case_rerenders_only_its_pages(mini: Path, rendered_cases: list[str]) -> None:
    """Changing a lesson re-renders that case alone, and the output matches a cold build."""
    second = add_second_case(mini)
    cache = BuildCache()
    build_site(mini, cache=cache)
    rendered_cases.clear()
    touch_later(second, second.read_text(encoding="utf-8").replace("Watching customers pays.", "Night shifts pay."))
    warm = build_site(mini, cache=cache).output
    assert rendered_cases == ["cases/night-bakery/index.md"]
    cold = build_site(mini).output
    assert warm is not None and cold is not None
    assert warm.pages == cold.pages
    assert "Night shifts pay." in warm.pages["cases/night-bakery/index.md"]


def test_renaming_a_case_updates_pages_that_show_it(mini: Path) -> None:
    """A new title reaches the pages that link to the case (related cases, indexes), not just its own page."""
    second = add_second_case(mini)
    first = mini / "cases" / "corner-bakery.yaml"
    touch_later(
        first, first.read_text(encoding="utf-8").replace("roles: [owner]", "roles: [owner]\nrelated: [night-bakery]")
    )
    cache = BuildCache()
    build_site(mini, cache=cache)
    touch_later(second, second.read_text(encoding="utf-8").replace("Night Bakery <b>", "Midnight Bakery <b>"))
    warm = build_site(mini, cache=cache).output
    cold = build_site(mini).output
    assert warm is not None and cold is not None
    assert warm.pages == cold.pages
    assert "Midnight Bakery" in warm.pages["cases/corner-bakery/index.md"]
    assert "Midnight Bakery" in warm.pages["cases/index.md"]


def test_a_broken_edit_is_reported_then_recovered(mini: Path) -> None:
    """With a cache, a file that turns invalid is reported, and fixing it builds again."""
    case = mini / "cases" / "corner-bakery.yaml"
    good = case.read_text(encoding="utf-8")
    cache = BuildCache()
    assert build_site(mini, cache=cache).output is not None
    touch_later(case, good.replace("company: Corner Bakery & Sons", "company: [broken"))
    broken = build_site(mini, cache=cache)
    assert broken.output is None
    assert [d.path for d in broken.errors] == ["cases/corner-bakery.yaml"]
    touch_later(case, good)
    assert build_site(mini, cache=cache).output is not None
