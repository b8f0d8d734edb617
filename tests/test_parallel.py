"""Content is read on every core, and what an editor sees is the same as when it is read in one process."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from cemkit._internal.build import workers as parallel
from cemkit._internal.build.workers import parallel_map

from conftest import FIXTURES, run_cli


def _square(number: int) -> int:
    return number * number


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every machine look like it has two cores and no other thread."""
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(threading, "active_count", lambda: 1)


@pytest.mark.usefixtures("two_cores")
def test_results_come_back_in_order_from_the_workers(forks: list[int]) -> None:
    items = list(range(1000))
    assert parallel_map(_square, items) == [n * n for n in items]
    assert forks == [1]


@pytest.mark.usefixtures("two_cores")
def test_a_failing_worker_costs_time_not_results(forks: list[int]) -> None:
    parent = os.getpid()

    def fails_in_worker(number: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("worker trouble")
        return number + 1

    assert parallel_map(fails_in_worker, list(range(400))) == list(range(1, 401))
    assert forks == [1]  # the worker was started, and its share redone here


@pytest.mark.usefixtures("two_cores")
def test_little_work_or_other_threads_stay_in_one_process(monkeypatch: pytest.MonkeyPatch, forks: list[int]) -> None:
    assert parallel_map(_square, [1, 2, 3]) == [1, 4, 9]
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # e.g. mkdocs serve's file watcher
    assert parallel_map(_square, list(range(500)))[-1] == 499 * 499
    assert forks == []


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
    mini: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], forks: list[int]
) -> None:
    _large_project(mini, 300)
    parallel_code, parallel_out, parallel_err = run_cli(["--root", str(mini), "validate"], capsys)
    assert forks == [1]
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    serial_code, serial_out, serial_err = run_cli(["--root", str(mini), "validate"], capsys)
    assert forks == [1]
    assert parallel_code == serial_code == 1
    assert parallel_out == serial_out
    assert parallel_err == serial_err
    assert "cases/duplicate-id.yaml:2:5: " in parallel_out  # found by the linker, placed by reading the file again
    assert "cases/alias-bomb.yaml:1:4: " in parallel_out
    assert "bakery-0123" not in parallel_out
