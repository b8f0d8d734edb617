"""The one way cemkit uses more cores: a `concurrent.futures` pool of forked processes, or none.

Workers are forked, so they start with the parent's memory: a job names work that already exists
there (the loaded knowledge base, set with `share` before the pool starts) and only its results,
which must be picklable, travel back. Without a pool (one core, no `fork`, other threads running
as under `mkdocs serve`, or `parallel: false`) every job runs in the calling process when its
result is asked for, so the results are the same either way.

The pool lives no longer than the build that made it: `close` cancels what has not started and
waits for the rest. Workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent
decides) and leave temporary files to nobody.

A `SideProcess` is the same idea for one long task (building another language's site): forked when
it is created, waited for or stopped by the parent, or run in the parent when it cannot fork. A
`ForkedHelper` runs the same task again on each request (every rebuild under `mkdocs serve`): it is
forked once, while forking is still safe, and keeps what it learnt between requests.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 100
"""Below this many items per extra process, `map` costs more than it saves."""

_shared: dict[str, dict[str, Any]] = {}
"""What jobs read in a worker, by token: set by `Workers.share` before the pool forks."""


def usable_cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forked workers are safe here: a POSIX system and no other thread that could hold a lock."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def shared(token: str, name: str) -> Any:
    """In a job: the object that `Workers.share` (which returned `token`) made available under `name`."""
    return _shared[token][name]


class Workers:
    """A pool of `processes` forked workers, started on first use; with 0, jobs run in this process."""

    def __init__(self, *, parallel: bool = True, processes: int | None = None) -> None:
        wanted = processes if processes is not None else usable_cores() - 1
        self.processes = wanted if parallel and wanted >= 1 and can_fork() else 0
        self._pool: ProcessPoolExecutor | None = None
        self._token = f"workers-{id(self)}"

    def share(self, **objects: Any) -> str:
        """Make objects readable by jobs through `shared`; return the token jobs name them by.

        Call it before the first `submit` or `map`: a worker sees what was shared when it was forked.
        """
        if self._pool is not None:
            message = "share() must come before the pool starts"
            raise RuntimeError(message)
        _shared[self._token] = objects
        return self._token

    def submit(self, function: Callable[..., Result], *args: Any) -> Future[Result]:
        """Run `function(*args)` in a worker; without workers, when the result is first asked for."""
        pool = self._started()
        if pool is None:
            return _Deferred(function, args)
        return pool.submit(function, *args)

    def map(self, function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
        """`[function(item) for item in items]`, shared with the workers when there are enough items.

        This process takes a share too; a worker's share that fails is done here.
        """
        extra = min(self.processes, len(items) // MIN_ITEMS_PER_WORKER)
        if extra < 1:
            return [function(item) for item in items]
        size = -(-len(items) // (extra + 1))
        chunks = [list(items[start : start + size]) for start in range(0, len(items), size)]
        futures = [self.submit(_apply, function, chunk) for chunk in chunks[1:]]
        results = [function(item) for item in chunks[0]]
        for chunk, future in zip(chunks[1:], futures, strict=True):
            try:
                results += future.result()
            except Exception:
                results += [function(item) for item in chunk]
        return results

    def close(self) -> None:
        """Cancel the jobs not started, wait for the running ones, and end the workers."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        _shared.pop(self._token, None)

    def _started(self) -> ProcessPoolExecutor | None:
        if self.processes and self._pool is None:
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_quiet_signals)
        return self._pool


def _apply(function: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def _quiet_signals() -> None:
    """In a worker: Ctrl-C is the parent's to handle, and SIGTERM ends the worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


class _Deferred(Future[Any]):
    """A future computed in this process when its result is first asked for."""

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        super().__init__()
        self._job: tuple[Callable[..., Any], tuple[Any, ...]] | None = (function, args)

    def result(self, timeout: float | None = None) -> Any:
        """Run the job if it has not run yet, then return its result (or raise its exception)."""
        if self._job is not None:
            function, args = self._job
            self._job = None
            try:
                self.set_result(function(*args))
            except Exception as error:
                self.set_exception(error)
        return super().result(timeout)


class SideProcess:
    """`function()` in a forked process that starts now, or, when that is not possible, in this one on `wait`.

    The function returns whether it succeeded; in a forked process it reports its own problems (its
    output goes where this process's goes), and an exception it lets out is shown without a traceback.
    """

    def __init__(self, function: Callable[[], bool], *, parallel: bool = True) -> None:
        self._function: Callable[[], bool] | None = function
        self._process: multiprocessing.process.BaseProcess | None = None
        if parallel and usable_cores() > 1 and can_fork():
            self._process = multiprocessing.get_context("fork").Process(target=_run_side, args=(function,))
            self._process.start()
            self._function = None

    @property
    def forked(self) -> bool:
        """Whether the function runs in a process of its own."""
        return self._process is not None

    def wait(self) -> bool:
        """Wait for the function (or run it, if it was not forked); whether it succeeded."""
        if self._function is not None:
            function, self._function = self._function, None
            return function()
        if self._process is not None:
            self._process.join()
            return self._process.exitcode == 0
        return True

    def stop(self) -> None:
        """End the forked process if it still runs (the parent is ending early)."""
        self._function = None
        if self._process is not None and self._process.is_alive():
            self._process.kill()  # at once: it holds nothing to clean up, and its handlers would finish its work
            self._process.join()


class ForkedHelper:
    """A process forked now, beside this one, that runs `function()` each time `request` asks.

    `on_close` runs in that process when it is told to end (not when it is killed or interrupted).
    Without a second core or a safe `fork`, nothing is forked and `forked` is false.
    """

    def __init__(self, function: Callable[[], bool], *, on_close: Callable[[], None] | None = None) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._waiting = False
        if usable_cores() > 1 and can_fork():
            context = multiprocessing.get_context("fork")
            mine, theirs = context.Pipe()
            self._process = context.Process(target=_serve_requests, args=(theirs, function, on_close))
            self._process.start()
            theirs.close()
            self._connection = mine

    @property
    def forked(self) -> bool:
        """Whether the helper process runs."""
        return self._process is not None

    def request(self) -> HelperRequest:
        """Ask for one more run; the answer comes with `HelperRequest.wait`."""
        if self._waiting:
            self.answer()  # an earlier run nobody waited for (its build failed here first)
        if self._connection is not None:
            try:
                self._connection.send(True)
                self._waiting = True
            except OSError:
                self._waiting = False
        return HelperRequest(self)

    def answer(self) -> bool:
        """Wait for the run asked for last; whether it succeeded."""
        if not self._waiting or self._connection is None:
            return False
        self._waiting = False
        try:
            return bool(self._connection.recv())
        except (EOFError, OSError):  # the helper is gone
            return False

    def close(self, timeout: float = 5.0) -> None:
        """Tell the helper to end (it runs `on_close`), and end it if it has not within `timeout` seconds."""
        process, self._process = self._process, None
        connection, self._connection = self._connection, None
        if process is None or connection is None:
            return
        with contextlib.suppress(OSError):
            connection.send(None)
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
        connection.close()


class HelperRequest:
    """One run asked of a `ForkedHelper`; waited for like a `SideProcess`."""

    def __init__(self, helper: ForkedHelper) -> None:
        self._helper = helper

    def wait(self) -> bool:
        """Wait for the run; whether it succeeded."""
        return self._helper.answer()

    def stop(self) -> None:
        """Nothing to stop: the helper outlives its requests (`ForkedHelper.close` ends it)."""


def _serve_requests(connection: Connection, function: Callable[[], bool], on_close: Callable[[], None] | None) -> None:
    _quiet_signals()
    try:
        while connection.recv() is not None:
            try:
                succeeded = function()
            except Exception as error:  # shown as a message; the answer tells the parent
                print(f"Error: {error}", file=sys.stderr, flush=True)
                succeeded = False
            connection.send(succeeded)
    except (EOFError, OSError, KeyboardInterrupt):  # the parent is gone, or SIGTERM: end without closing
        return
    if on_close is not None:
        on_close()


def _run_side(function: Callable[[], bool]) -> None:
    _quiet_signals()
    try:
        succeeded = function()
    except KeyboardInterrupt:  # SIGTERM, turned into it by the function's own handlers; the parent says so
        succeeded = False
    except Exception as error:
        print(f"Error: {error}", file=sys.stderr, flush=True)
        succeeded = False
    sys.exit(0 if succeeded else 1)
