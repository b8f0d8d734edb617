"""A build replaces the site only when every language built: failed and killed builds keep the last good site."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cemkit._internal.build.staging import StagedSite, remove_leftovers

from conftest import site_files
from sitecheck import BIN, run_mkdocs


def snapshot(site: Path) -> dict[str, str]:
    """Every file of a site with a digest of its bytes (see `site_files`)."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in site_files(site).items()}


def leftovers(project: Path) -> list[str]:
    return sorted(path.name for path in project.iterdir() if ".cemkit-staging-" in path.name)


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_failed_builds_keep_the_last_good_site(mini: Path, tool: str) -> None:
    """A content error, or a strict warning on the Korean site only, exits 1 and leaves the site as it was."""
    assert run_mkdocs("build", "--strict", cwd=mini, tool=tool).returncode == 0
    site = mini / "site"
    good = snapshot(site)
    assert "index.html" in good and "ko/index.html" in good

    case = mini / "cases" / "corner-bakery.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("company: Corner Bakery & Sons", "company: [unclosed"), encoding="utf-8")
    result = run_mkdocs("build", cwd=mini, tool=tool)
    assert result.returncode == 1
    assert "keeps the last site that built" in result.stderr
    assert snapshot(site) == good
    case.write_text(text, encoding="utf-8")

    korean_home = mini / "docs" / "ko" / "index.md"
    korean_home.write_text(korean_home.read_text(encoding="utf-8") + "\n[끊긴 링크](nowhere.md)\n", encoding="utf-8")
    result = run_mkdocs("build", "--strict", cwd=mini, tool=tool)
    assert result.returncode == 1
    assert "nowhere.md" in result.stderr
    assert snapshot(site) == good
    assert leftovers(mini) == []


@pytest.mark.slow
def test_killed_build_keeps_the_last_good_site(mini: Path) -> None:
    """A build killed halfway leaves the last good site; the next build removes what the killed one left."""
    assert run_mkdocs("build", cwd=mini).returncode == 0
    site = mini / "site"
    good = snapshot(site)
    process = subprocess.Popen(
        [str(BIN / "mkdocs"), "build"],
        cwd=mini,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        path.is_file() for folder in mini.glob(".site.cemkit-staging-*") for path in folder.rglob("*.html")
    ):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)
    assert leftovers(mini), "the build was killed before it wrote anything"
    assert snapshot(site) == good

    assert run_mkdocs("build", cwd=mini).returncode == 0
    assert leftovers(mini) == []
    assert snapshot(site) == good


def test_publish_replaces_and_discard_keeps(tmp_path: Path) -> None:
    """`publish` swaps the staged folder in; `discard` leaves the site untouched; both leave nothing behind."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old")
    staged = StagedSite(site, keep_existing=True)
    assert (staged.path / "old.html").read_text() == "old"  # a --dirty build starts from the last site
    (staged.path / "new.html").write_text("new")
    staged.discard()
    assert sorted(p.name for p in site.iterdir()) == ["old.html"]

    staged = StagedSite(site, keep_existing=False)
    (staged.path / "new.html").write_text("new")
    staged.publish()
    assert sorted(p.name for p in site.iterdir()) == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_site_left_mid_swap_is_put_back(tmp_path: Path) -> None:
    """A build killed between the two renames of `publish` left the site under its `-old` name: it comes back."""
    site = tmp_path / "site"
    dead = _dead_pid()
    moved = tmp_path / f".site.cemkit-staging-{dead}-abc-old"
    moved.mkdir()
    (moved / "index.html").write_text("last good")
    (tmp_path / f".site.cemkit-staging-{dead}-abc").mkdir()
    remove_leftovers(site)
    assert (site / "index.html").read_text() == "last good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
