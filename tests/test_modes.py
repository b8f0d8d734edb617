"""Every command mode, with MkDocs and ProperDocs, in both languages: build, build --dirty, gh-deploy, serve.

Each run is watched for what a user would notice: a traceback, an edit that does not show, a page
missing in one language, a search index that lost pages, a process or folder left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from test_serve import fetch, free_port, wait_for
from test_staging import leftovers, snapshot

from sitecheck import BIN, indexed, run_mkdocs

pytestmark = pytest.mark.slow

TOOLS = ["mkdocs", "properdocs"]
LESSON = ("Watching customers pays.", "고객 관찰은 효과가 있습니다.")
EDITED = ("Watching customers pays twice.", "고객 관찰은 두 배로 효과가 있습니다.")
CASE_PAGES = ("cases/corner-bakery/index.html", "ko/cases/corner-bakery/index.html")


def set_parallel(project: Path, parallel: bool) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("      parallel: false\n", "")
    if not parallel:
        text = text.replace("  - cem:\n", "  - cem:\n      parallel: false\n", 1)
    config.write_text(text, encoding="utf-8")


def edit_lesson(project: Path, old: tuple[str, str], new: tuple[str, str]) -> None:
    case = project / "cases" / "corner-bakery.yaml"
    text = case.read_text(encoding="utf-8")
    for before, after in zip(old, new, strict=True):
        assert before in text
        text = text.replace(before, after)
    case.write_text(text, encoding="utf-8")


def build(project: Path, tool: str, *options: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        [str(BIN / tool), "build", *options],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def search_locations(site: Path) -> dict[str, set[str]]:
    """The pages in each language's search index."""
    return {
        lang: {url.split("#")[0] for url in indexed(folder)} for lang, folder in (("en", site), ("ko", site / "ko"))
    }


def article(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


def search_text(site: Path) -> str:
    """The text of both languages' search records."""
    return " ".join(str(record["content"]) for folder in (site, site / "ko") for record in indexed(folder).values())


@pytest.mark.parametrize("parallel", [True, False], ids=["parallel", "one-process"])
@pytest.mark.parametrize("tool", TOOLS)
def test_build_then_dirty_builds_twice_and_after_an_edit(mini: Path, tmp_path: Path, tool: str, parallel: bool) -> None:
    set_parallel(mini, parallel)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {"TMPDIR": str(temp)}
    site = mini / "site"
    build(mini, tool, "--strict", env=env)
    full, pages = snapshot(site), search_locations(site)
    assert list((mini / ".cache" / "cemkit" / "templates").glob("__jinja2_*.cache"))  # compiled once, kept
    assert all(LESSON[n] in (site / page).read_text(encoding="utf-8") for n, page in enumerate(CASE_PAGES))
    build(mini, tool, "--dirty", env=env)
    build(mini, tool, "--dirty", env=env)
    # Nothing changed, so nothing was rebuilt (MkDocs always rewrites 404.html, with the titles it knows).
    assert {path: digest for path, digest in snapshot(site).items() if path.endswith("/index.html")} == {
        path: digest for path, digest in full.items() if path.endswith("/index.html")
    }
    edit_lesson(mini, LESSON, EDITED)
    build(mini, tool, "--dirty", env=env)
    for number, page in enumerate(CASE_PAGES):
        html = (site / page).read_text(encoding="utf-8")
        assert EDITED[number] in html
        assert LESSON[number] not in html
    assert search_locations(site) == pages  # the dirty build's index still has every page
    assert EDITED[0] in search_text(site)
    assert EDITED[1].split()[0] in search_text(site)
    clean = tmp_path / "clean"
    build(mini, tool, "-d", str(clean))
    for page in CASE_PAGES:  # the page itself; MkDocs leaves the titles of pages it did not read out of the menu
        assert article(site / page) == article(clean / page)
    assert leftovers(mini) == []
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("tool", TOOLS)
def test_gh_deploy_publishes_both_languages(mini: Path, tmp_path: Path, tool: str) -> None:
    """`gh-deploy` to a local bare repository (nothing leaves the machine) commits both sites."""
    remote = tmp_path / "remote.git"
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    for command in (["init", "--bare", "-q", str(remote)], ["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
        subprocess.run(["git", *command], cwd=mini, env=git_env, check=True, capture_output=True)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=mini, check=True)
    result = run_mkdocs("gh-deploy", "--force", cwd=mini, tool=tool)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for number, page in enumerate(CASE_PAGES):
        shown = subprocess.run(
            ["git", "--git-dir", str(remote), "show", f"gh-pages:{page}"], capture_output=True, text=True, check=True
        )
        assert LESSON[number] in shown.stdout
    assert leftovers(mini) == []


@contextmanager
def started(project: Path, tool: str, *options: str) -> Iterator[tuple[str, subprocess.Popen[str], Path]]:
    """`TOOL serve OPTIONS` in a session of its own with a private TMPDIR; yields its URL, process and TMPDIR."""
    port = free_port()
    temp = project.parent / "tmp"
    temp.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [str(BIN / tool), "serve", *options, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/", process, temp
    finally:
        if process.poll() is None:
            process.terminate()
            process.communicate(timeout=30)


def group_is_gone(process: subprocess.Popen[str]) -> bool:
    """Whether no process of the command's session is left (its workers included)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("options", [(), ("--dirty",), ("--clean",)], ids=["serve", "dirty", "clean"])
@pytest.mark.parametrize("tool", TOOLS)
def test_every_serve_mode_shows_edits_in_both_languages(mini: Path, tool: str, options: tuple[str, ...]) -> None:
    with started(mini, tool, *options) as (base, process, temp):
        urls = [base + page.removesuffix("index.html") for page in CASE_PAGES]
        for number, url in enumerate(urls):
            wait_for(url, lambda page, n=number: LESSON[n] in page)
        assert "모퉁이 제과점" in fetch(base + "ko/")
        edit_lesson(mini, LESSON, EDITED)
        for number, url in enumerate(urls):
            wait_for(url, lambda page, n=number: EDITED[n] in page)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert "Traceback" not in output
    assert group_is_gone(process)
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_a_signal_during_serve_leaves_nothing(mini: Path, stop: str) -> None:
    """SIGTERM (CI time-outs, `docker stop`) or Ctrl-C (SIGINT to the whole group) end serve cleanly."""
    with started(mini, "mkdocs") as (base, process, temp):
        wait_for(base + "ko/cases/corner-bakery/", lambda page: LESSON[1] in page)
        os.killpg(process.pid, getattr(signal, stop))
        output, _ = process.communicate(timeout=30)
    assert "Traceback" not in output
    assert group_is_gone(process)
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_a_signal_during_a_build_leaves_the_last_site_and_nothing_else(mini: Path, tmp_path: Path, stop: str) -> None:
    build(mini, "mkdocs")
    site = mini / "site"
    good = snapshot(site)
    temp = tmp_path / "tmp"
    temp.mkdir()
    edit_lesson(mini, LESSON, EDITED)  # so that the build has pages to render
    process = subprocess.Popen(
        [str(BIN / "mkdocs"), "build"],
        cwd=mini,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        path.is_file() for folder in mini.glob(".site.cemkit-staging-*") for path in folder.rglob("*.html")
    ):
        time.sleep(0.02)
    os.killpg(process.pid, getattr(signal, stop))
    _, errors = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Traceback" not in errors
    assert group_is_gone(process)
    assert leftovers(mini) == []
    assert list(temp.iterdir()) == []
    assert snapshot(site) == good
