"""Shared fixtures: the repository, a small self-contained project, and a way to run the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from cemkit._internal.cli import main

from browsing import CHROMIUM, CHROMIUM_ARGS, serve
from sitecheck import PAGEFIND_UNSTABLE, run_mkdocs

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A copy of the small fixture project (one case, one playbook), safe to modify."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture(autouse=True)
def _quiet_mkdocs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (installed by scripts/test.sh)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is required: apt-get install chromium (scripts/test.sh does it)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once per test run with --strict (tests only read it)."""
    site = tmp_path_factory.mktemp("shipped") / "site"
    result = run_mkdocs("build", "--strict", "-d", str(site), cwd=REPO, env={"PYTHONHASHSEED": "0"})
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def shipped_site_url(shipped_site: Path) -> Iterator[str]:
    """The repository's own site, served on localhost."""
    with serve(shipped_site) as url:
        yield url


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by path (but the files Pagefind does not write the same way twice)."""
    return {
        relative: path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and not PAGEFIND_UNSTABLE.search(relative := path.relative_to(site).as_posix())
    }


def copy_of_repository(target: Path) -> Path:
    """A copy of the repository's project files (no store of generated files, no build, no tool caches)."""
    top = {".git", ".venv", "site", "test-artifacts", ".cache"}
    everywhere = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}

    def ignored(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name in everywhere or (Path(folder) == REPO and name in top)}

    shutil.copytree(REPO, target, ignore=ignored)
    return target


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `cemkit ARGS` in-process; return the exit code, stdout and stderr."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
