"""One way to use more cores: the same results with workers as without, and none left behind."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from cemkit._internal.build import workers as workers_module
from cemkit._internal.build.workers import ForkedHelper, SideProcess, Workers, shared

from conftest import FIXTURES, run_cli
from sitecheck import site_output


def _square(number: int) -> int:
    return number * number


def _pid(_: object) -> int:
    return os.getpid()


def _fails_in_a_worker(number: int) -> int:
    if os.getpid() != PARENT:
        raise RuntimeError("worker trouble")
    return number + 1


PARENT = os.getpid()


def _shared_length(token: str) -> int:
    return len(shared(token, "items"))


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every machine look like it has two cores and no other thread."""
    monkeypatch.setattr(workers_module, "usable_cores", lambda: 2)
    monkeypatch.setattr(threading, "active_count", lambda: 1)


@pytest.mark.usefixtures("two_cores")
def test_map_shares_the_work_and_keeps_the_order() -> None:
    workers = Workers()
    try:
        items = list(range(1000))
        assert workers.map(_square, items) == [n * n for n in items]
        assert len(set(workers.map(_pid, items))) == 2  # this process and one worker
    finally:
        workers.close()


@pytest.mark.usefixtures("two_cores")
def test_a_failing_worker_costs_time_not_results() -> None:
    workers = Workers()
    try:
        assert workers.map(_fails_in_a_worker, list(range(400))) == list(range(1, 401))
    finally:
        workers.close()


@pytest.mark.usefixtures("two_cores")
def test_jobs_read_what_was_shared_before_the_fork() -> None:
    workers = Workers()
    try:
        token = workers.share(items=[1, 2, 3])
        assert workers.submit(_shared_length, token).result() == 3
    finally:
        workers.close()


@pytest.mark.usefixtures("two_cores")
def test_other_threads_or_parallel_off_run_every_job_here(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Workers(parallel=False).processes == 0
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # e.g. mkdocs serve's file watcher
    workers = Workers()
    assert workers.processes == 0
    assert set(workers.map(_pid, list(range(500)))) == {os.getpid()}
    future = workers.submit(_square, 7)
    assert future.result() == 49
    workers.close()


@pytest.mark.usefixtures("two_cores")
def test_closing_leaves_no_worker() -> None:
    workers = Workers()
    pids = set(workers.map(_pid, list(range(300)))) - {os.getpid()}
    workers.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already collected: not a child any more


def _write_pid(path: Path, succeed: bool) -> bool:
    path.write_text(str(os.getpid()), encoding="utf-8")
    return succeed


def _raise() -> bool:
    raise RuntimeError("the side task broke")


@pytest.mark.usefixtures("two_cores")
def test_a_side_process_runs_beside_and_reports_success_or_failure(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    done = tmp_path / "pid"
    side = SideProcess(lambda: _write_pid(done, succeed=True))
    assert side.forked
    assert side.wait() is True
    assert int(done.read_text(encoding="utf-8")) != os.getpid()
    assert SideProcess(lambda: _write_pid(done, succeed=False)).wait() is False
    assert SideProcess(_raise).wait() is False
    errors = capfd.readouterr().err
    assert "the side task broke" in errors
    assert "Traceback" not in errors


@pytest.mark.usefixtures("two_cores")
def test_a_side_process_that_cannot_fork_runs_here_on_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = tmp_path / "pid"
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # e.g. mkdocs serve's file watcher
    side = SideProcess(lambda: _write_pid(done, succeed=True))
    assert not side.forked
    assert not done.exists()  # nothing runs before `wait`
    assert side.wait() is True
    assert int(done.read_text(encoding="utf-8")) == os.getpid()
    assert not SideProcess(lambda: _write_pid(done, succeed=True), parallel=False).forked


@pytest.mark.usefixtures("two_cores")
def test_stopping_a_side_process_ends_it() -> None:
    side = SideProcess(lambda: time.sleep(60) is None)
    assert side.forked
    side.stop()
    assert side._process is not None
    assert not side._process.is_alive()
    assert side.wait() is False


class _Counter:
    """State that lives in the helper process: each run counts on from the last."""

    def __init__(self, log: Path) -> None:
        self.runs = 0
        self.log = log

    def run(self) -> bool:
        self.runs += 1
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {self.runs}\n")
        return self.runs != 3  # the third run fails

    def close(self) -> None:
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write("closed\n")


@pytest.mark.usefixtures("two_cores")
def test_a_forked_helper_runs_each_request_beside_and_keeps_its_state(tmp_path: Path) -> None:
    log = tmp_path / "log"
    counter = _Counter(log)
    helper = ForkedHelper(counter.run, on_close=counter.close)
    assert helper.forked
    answers = [helper.request().wait() for _ in range(4)]
    helper.request()  # asked, never waited for: the next request collects it first
    assert helper.request().wait() is True
    helper.close()
    assert answers == [True, True, False, True]
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "closed"
    pids = {line.split()[0] for line in lines[:-1]}
    assert len(pids) == 1 and pids != {str(os.getpid())}
    assert [line.split()[1] for line in lines[:-1]] == ["1", "2", "3", "4", "5", "6"]
    assert counter.runs == 0  # nothing ran in this process


@pytest.mark.usefixtures("two_cores")
def test_a_forked_helper_that_cannot_fork_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # e.g. mkdocs serve's file watcher
    helper = ForkedHelper(lambda: True)
    assert not helper.forked
    assert helper.request().wait() is False
    helper.close()


def _large_project(mini: Path, copies: int) -> None:
    """`copies` valid cases plus every bad fixture, so the workers see both kinds of file."""
    template = (mini / "cases" / "corner-bakery.yaml").read_text(encoding="utf-8")
    for index in range(copies):
        text = template.replace("id: corner-bakery", f"id: bakery-{index:04d}", 1)
        (mini / "cases" / f"bakery-{index:04d}.yaml").write_text(text, encoding="utf-8")
    for bad in sorted((FIXTURES / "bad").glob("*.yaml")):
        shutil.copyfile(bad, mini / "cases" / bad.name)


@pytest.mark.usefixtures("two_cores")
def test_validate_reports_the_same_on_several_cores_as_on_one(
    mini: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _large_project(mini, 300)
    parallel_code, parallel_out, parallel_err = run_cli(["--root", str(mini), "validate"], capsys)
    monkeypatch.setattr(workers_module, "usable_cores", lambda: 1)
    serial_code, serial_out, serial_err = run_cli(["--root", str(mini), "validate"], capsys)
    assert parallel_code == serial_code == 1
    assert parallel_out == serial_out
    assert parallel_err == serial_err
    assert "cases/duplicate-id.yaml:2:5: " in parallel_out  # found by the linker, placed by reading the file again
    assert "cases/alias-bomb.yaml:1:4: " in parallel_out
    assert "bakery-0123" not in parallel_out


@pytest.mark.usefixtures("two_cores")
def test_pages_rendered_by_workers_are_the_same_as_rendered_here(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = (mini / "cases" / "corner-bakery.yaml").read_text(encoding="utf-8")
    for index in range(80):  # enough pages for several rendering jobs
        text = template.replace("id: corner-bakery", f"id: bakery-{index:02d}", 1)
        (mini / "cases" / f"bakery-{index:02d}.yaml").write_text(text, encoding="utf-8")
    forked = site_output(mini, language="ko", cache_dir=tmp_path / "forked")
    monkeypatch.setattr(workers_module, "usable_cores", lambda: 1)
    here = site_output(mini, language="ko", cache_dir=tmp_path / "here")
    assert forked is not None and here is not None
    assert forked == here
    assert len(forked.pages) > 80
