"""Spread independent work over the machine's cores with `os.fork`, falling back to one process.

Forked workers start with the parent's memory (the imported modules, the settings), so nothing but
the results crosses between processes. Work is done in the parent when forking is not available
(Windows), not safe (other threads are running, as under `mkdocs serve`), or not worth it (little
work, one core). A worker that fails costs time, never results: its share is redone in the parent.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 100
"""Below this many items per extra process, forking costs more than it saves."""


def usable_cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a forked worker is safe here: a POSIX system and no other thread that could hold a lock."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def parallel_map(
    function: Callable[[Item], Result], items: Sequence[Item], *, own_weight: float = 1.15
) -> list[Result]:
    """`[function(item) for item in items]`, computed on every usable core when that pays off.

    Workers inherit `function` and `items` through the fork; only the results, which must be picklable,
    travel back. They come in the order of `items`. This process takes `own_weight` times a worker's
    share, because a worker also spends time pickling its results.
    """
    workers = min(usable_cores(), len(items) // MIN_ITEMS_PER_WORKER)
    if workers < 2 or not can_fork():
        return [function(item) for item in items]
    shares = _deal(len(items), [own_weight] + [1.0] * (workers - 1))
    children = [_fork_worker(function, [items[index] for index in share]) for share in shares[1:]]
    results: list[list[Result]] = [[function(items[index]) for index in shares[0]]]
    for share, child in zip(shares[1:], children, strict=True):
        collected: list[Result] | None = _collect(child)
        results.append(collected if collected is not None else [function(items[index]) for index in share])
    merged: list[Result] = [None] * len(items)  # type: ignore[list-item]
    for share, values in zip(shares, results, strict=True):
        for index, value in zip(share, values, strict=True):
            merged[index] = value
    return merged


def _deal(count: int, weights: list[float]) -> list[list[int]]:
    """Deal the indexes `0..count-1` like cards, each to whoever is furthest below their weighted share."""
    hands: list[list[int]] = [[] for _ in weights]
    for index in range(count):
        hand = min(range(len(weights)), key=lambda player: (len(hands[player]) + 1) / weights[player])
        hands[hand].append(index)
    return hands


def _fork_worker(function: Callable[[Item], Result], chunk: Sequence[Item]) -> tuple[int, int] | None:
    """Start a process computing `function` over `chunk`; its pid and the pipe its results arrive on."""
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover - runs in the worker, which leaves through os._exit
        os.close(read_end)
        status = 0
        try:
            data = pickle.dumps([function(item) for item in chunk], protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # the parent redoes this share
            status = 1
        os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(child: tuple[int, int] | None) -> list[Any] | None:
    """The results a worker sent, or `None` if it could not start or did not finish."""
    if child is None:
        return None
    pid, read_end = child
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not data:
        return None
    try:
        results = pickle.loads(data)  # written by our own forked worker, never by content
    except (pickle.UnpicklingError, EOFError):
        return None
    return results if isinstance(results, list) else None
