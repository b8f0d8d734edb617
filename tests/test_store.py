"""The store of generated files: a rebuild renders only the pages whose reads changed, and never serves a stale one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cemkit import Project, SiteSpec
from cemkit._internal.build import project as project_module
from cemkit._internal.site.pages import PagePlan, PageRenderer

from sitecheck import Output, site_output

PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def touch_later(path: Path, text: str) -> None:
    """Write `text` and move the modification time forward, as a real save a moment later would."""
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Source paths of the pages rendered (not taken from the store), in this process."""
    calls: list[str] = []
    original = PageRenderer.render_page

    def counting(self: PageRenderer, plan: PagePlan) -> str:
        calls.append(plan.src)
        return original(self, plan)

    monkeypatch.setattr(PageRenderer, "render_page", counting)
    return calls


def build(root: Path, cache: Path, lang: str = "en") -> Output:
    """Load the project and produce one language's site with the store in `cache`, in this process."""
    output = site_output(root, language=lang, project=_loaded(Project(root, cache_dir=cache, parallel=False)))
    assert output is not None
    return output


def _loaded(project: Project) -> Project:
    project.load()
    return project


def add_second_case(mini: Path) -> Path:
    text = (mini / "cases" / "corner-bakery.yaml").read_text(encoding="utf-8")
    second = mini / "cases" / "night-bakery.yaml"
    second.write_text(
        text.replace("id: corner-bakery", "id: night-bakery").replace("Corner Bakery <script>", "Night Bakery <b>"),
        encoding="utf-8",
    )
    return second


def test_a_second_build_renders_nothing_and_gives_the_same_files(
    mini: Path, tmp_path: Path, rendered: list[str]
) -> None:
    add_second_case(mini)
    first = build(mini, tmp_path / "cache")
    assert "cases/night-bakery/index.md" in rendered
    rendered.clear()
    second = build(mini, tmp_path / "cache")  # a new Project: the store is kept on disk
    assert rendered == []
    assert first == second


def test_editing_one_case_renders_only_the_pages_that_read_it(mini: Path, tmp_path: Path, rendered: list[str]) -> None:
    second = add_second_case(mini)
    build(mini, tmp_path / "cache")
    rendered.clear()
    touch_later(second, second.read_text(encoding="utf-8").replace("Watching customers pays.", "Night shifts pay."))
    warm = build(mini, tmp_path / "cache")
    assert "cases/night-bakery/index.md" in rendered
    assert "cases/corner-bakery/index.md" not in rendered
    assert warm == build(mini, tmp_path / "cold")
    assert "Night shifts pay." in warm.pages["cases/night-bakery/index.md"]


def test_renaming_a_case_updates_the_pages_that_show_it(mini: Path, tmp_path: Path) -> None:
    second = add_second_case(mini)
    first = mini / "cases" / "corner-bakery.yaml"
    touch_later(
        first, first.read_text(encoding="utf-8").replace("roles: [owner]", "roles: [owner]\nrelated: [night-bakery]")
    )
    build(mini, tmp_path / "cache")
    touch_later(second, second.read_text(encoding="utf-8").replace("Night Bakery <b>", "Midnight Bakery <b>"))
    warm = build(mini, tmp_path / "cache")
    assert warm == build(mini, tmp_path / "cold")
    assert "Midnight Bakery" in warm.pages["cases/corner-bakery/index.md"]
    assert "Midnight Bakery" in warm.pages["cases/index.md"]


def test_moving_a_case_and_its_image_changes_the_image_url(mini: Path, tmp_path: Path) -> None:
    """The figure's URL depends on where the case file is: a read like any other, so the page follows the move."""
    (mini / "cases" / "images").mkdir()
    (mini / "cases" / "images" / "photo.png").write_bytes(PNG)
    case = mini / "cases" / "corner-bakery.yaml"
    case.write_text(
        case.read_text(encoding="utf-8") + 'figures:\n  - src: "images/photo.png"\n    alt: A photo\n', encoding="utf-8"
    )
    before = build(mini, tmp_path / "cache")
    assert "media/cases/images/photo.png" in before.pages["cases/corner-bakery/index.md"]
    (mini / "cases" / "bakeries").mkdir()
    shutil.move(case, mini / "cases" / "bakeries" / case.name)
    shutil.move(mini / "cases" / "images", mini / "cases" / "bakeries" / "images")
    after = build(mini, tmp_path / "cache")
    assert "media/cases/bakeries/images/photo.png" in after.pages["cases/corner-bakery/index.md"]
    assert "assets/cemkit/media/cases/bakeries/images/photo.png" in after.files
    assert "assets/cemkit/media/cases/images/photo.png" not in after.files
    assert after == build(mini, tmp_path / "cold")


def test_new_code_renders_everything_again(
    mini: Path, tmp_path: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(mini, tmp_path / "cache")
    rendered.clear()
    monkeypatch.setattr(project_module, "renderer_digest", lambda: "another version of cemkit")
    build(mini, tmp_path / "cache")
    assert "cases/corner-bakery/index.md" in rendered
    assert "glossary/index.md" in rendered


def test_a_broken_edit_shows_the_error_page_then_recovers(mini: Path, tmp_path: Path) -> None:
    """With errors, every page of the last good build is the error page; the fix brings the pages back."""
    case = mini / "cases" / "corner-bakery.yaml"
    good_text = case.read_text(encoding="utf-8")
    project = Project(mini, cache_dir=tmp_path / "cache", parallel=False)
    try:
        project.load()
        good = project.sites([SiteSpec("en")])["en"]
        good.finish()
        page = good.text("cases/corner-bakery/index.md")
        touch_later(case, good_text.replace("company: Corner Bakery & Sons", "company: [broken"))
        assert [d.path for d in project.load().errors] == ["cases/corner-bakery.yaml"]
        broken = project.sites([SiteSpec("en")])["en"]
        assert broken.broken
        assert "cases/corner-bakery/index.md" in broken.pages
        assert "cases/corner-bakery.yaml" in broken.text("cases/corner-bakery/index.md")
        touch_later(case, good_text)
        project.load()
        fixed = project.sites([SiteSpec("en")])["en"]
        fixed.finish()
        assert fixed.text("cases/corner-bakery/index.md") == page
    finally:
        project.close()


def test_a_second_project_on_a_busy_store_gets_a_private_one(mini: Path, tmp_path: Path) -> None:
    """Two builds at once (a server and a build) never write into the same store; the private one goes away."""
    first, second = Project(mini, cache_dir=tmp_path / "cache"), Project(mini, cache_dir=tmp_path / "cache")
    try:
        for project in (first, second):
            project.load()
        one = first.sites([SiteSpec("en")])["en"]
        other = second.sites([SiteSpec("en")])["en"]
        one.finish()
        other.finish()
        assert one.path("cases/index.md") != other.path("cases/index.md")
        assert one.text("cases/index.md") == other.text("cases/index.md")
    finally:
        first.close()
        second.close()
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == ["en-directory-urls"]
