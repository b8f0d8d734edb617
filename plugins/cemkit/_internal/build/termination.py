"""Let SIGTERM and SIGHUP end a build or serve the way Ctrl-C does, so its clean-up runs.

Python's default for SIGTERM ends the process at once: no `finally`, no plugin `on_shutdown`, so the
temporary folders of a build or serve stay behind (CI time-outs, `docker stop`, a closed terminal).
Turned into `KeyboardInterrupt`, the signal unwinds like Ctrl-C: MkDocs runs `on_shutdown`, and the
staged site and temporary folders are removed.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class InterruptOnTermination:
    """Installs the handlers while a command runs and puts the previous ones back afterwards."""

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        """Handle the signals that still have their default action (only the main thread can)."""
        if self._previous or threading.current_thread() is not threading.main_thread():
            return
        for number in _SIGNALS:
            if signal.getsignal(number) is signal.SIG_DFL:
                self._previous[number] = signal.signal(number, _interrupt)

    def restore(self) -> None:
        """Put the previous handlers back."""
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()


def _interrupt(number: int, frame: FrameType | None) -> None:  # noqa: ARG001
    raise KeyboardInterrupt(signal.Signals(number).name)
