"""`mkdocs serve` (and `properdocs serve`) survive a bad edit: it shows the errors, then recovers on the next good save."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitecheck import BIN, indexed

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return f"unreachable: {exc}"


def wait_for(url: str, condition: Callable[[str], bool], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        page = fetch(url)
        if condition(page):
            return page
        time.sleep(0.3)
    pytest.fail(f"timed out waiting on {url}; last response:\n{page[:2000]}")


@pytest.fixture(params=["mkdocs", "properdocs"])
def server(mini: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`mkdocs serve` or `properdocs serve` on the mini project, on a free port."""
    with serving(mini, request.param) as served:
        yield served


@contextmanager
def serving(project: Path, tool: str, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`TOOL serve OPTIONS` on `project`, on a free port; yields its URL and process."""
    port = free_port()
    temp = project.parent / "tmp"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temp)}
    process = subprocess.Popen(
        [str(BIN / tool), "serve", *options, "-a", f"127.0.0.1:{port}", "-f", "mkdocs.yml"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/", process
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.3)


def served_search_text(project: Path, lang: str) -> str:
    """The text of the search records of the site being served (built in the server's temporary folder)."""
    for entry in sorted((project.parent / "tmp").rglob("pagefind/pagefind-entry.json")):
        site = entry.parent.parent
        if (site.name == "ko") == (lang == "ko"):
            try:
                return " ".join(str(record["content"]) for record in indexed(site).values())
            except (OSError, ValueError):
                return ""  # being replaced
    return ""


def test_bad_edit_shows_errors_and_good_save_recovers(mini: Path, server: tuple[str, subprocess.Popen[str]]) -> None:
    """Break a case while serving: the page lists the error in both sites; fix it: the pages come back."""
    base, process = server
    url, korean_url = base + "cases/corner-bakery/", base + "ko/cases/corner-bakery/"
    wait_for(url, lambda page: "Watching customers pays." in page)
    wait_for(korean_url, lambda page: "고객 관찰은 효과가 있습니다." in page and 'lang="ko"' in page)
    case = mini / "cases" / "corner-bakery.yaml"
    good = case.read_text(encoding="utf-8")
    case.write_text(good.replace("company: Corner Bakery & Sons", "company: [unclosed"), encoding="utf-8")
    broken = wait_for(url, lambda page: "Content errors" in page)
    assert "cases/corner-bakery.yaml:5:" in broken
    assert "Watching customers pays." not in broken
    broken_korean = wait_for(korean_url, lambda page: "cases/corner-bakery.yaml:5:" in page)
    assert "고객 관찰은 효과가 있습니다." not in broken_korean
    assert process.poll() is None
    case.write_text(good.replace("고객 관찰은 효과가 있습니다.", "고객 관찰은 보답합니다."), encoding="utf-8")
    wait_for(url, lambda page: "Watching customers pays." in page and "Content errors" not in page)
    wait_for(korean_url, lambda page: "고객 관찰은 보답합니다." in page)
    # The search index follows, made beside the server after each build.
    wait_until(lambda: "고객 관찰은 보답합니다." in served_search_text(mini, "ko"))
    wait_until(lambda: "Watching customers pays." in served_search_text(mini, "en"))
    assert process.poll() is None
    process.terminate()
    output, _ = process.communicate(timeout=20)
    assert "cases/corner-bakery.yaml:5:" in output
    assert "Traceback" not in output


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_dirty_serve_stops_serving_a_deleted_case(mini: Path, tool: str) -> None:
    """Under `serve --dirty`, a case deleted while serving answers 404 in both languages, not its old page."""
    original = (mini / "cases" / "corner-bakery.yaml").read_text(encoding="utf-8")
    lone = mini / "cases" / "lone-case.yaml"
    lone.write_text(original.replace("id: corner-bakery", "id: lone-case"), encoding="utf-8")
    with serving(mini, tool, "--dirty") as (base, process):
        urls = [base + "cases/lone-case/", base + "ko/cases/lone-case/"]
        for url in urls:
            wait_for(url, lambda page: "Watching customers pays." in page or "고객 관찰은" in page)
        lone.unlink()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(status(url) != 404 for url in urls):
            time.sleep(0.3)
        assert [status(url) for url in urls] == [404, 404]
        assert "Watching customers pays." in fetch(base + "cases/corner-bakery/")
        assert process.poll() is None
