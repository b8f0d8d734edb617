"""Talk to the Pagefind binary in its service mode: add pages, write the search bundle.

Pagefind's own Python API (`pagefind.index`) waits a tenth of a second between reading two
answers, so indexing a thousand pages would take minutes; this client speaks the same service
protocol (base64 JSON messages ending in a comma, over the binary's standard input and output)
and sends every page without waiting, while a thread reads the answers.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import subprocess
import threading
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from cemkit._internal.content.diagnostics import CemkitError


def pagefind_binary() -> Path:
    """The Pagefind executable installed with cemkit (the `pagefind[bin]` package)."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError as error:
        raise CemkitError(f"search needs the Pagefind binary ({error}); run: pip install cemkit") from error
    return Path(get_executable())


class PartlyWritten(CemkitError):
    """Pagefind left a file of the bundle short."""


WRITE_TIMEOUT = 600
"""Seconds the binary may take to finish writing a bundle (a few at most on a quiet machine)."""


class PagefindService:
    """One running Pagefind binary holding one index, in a given language."""

    def __init__(self, language: str, *, exclude_selectors: tuple[str, ...] = ()) -> None:
        self._process = subprocess.Popen(
            [str(pagefind_binary()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._answers: dict[int, dict[str, Any]] = {}
        self._arrived = threading.Condition()
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, name="pagefind-answers", daemon=True)
        self._reader.start()
        config = {"force_language": language, "exclude_selectors": list(exclude_selectors)}
        self._language = language
        self._index = int(self._ask({"type": "NewIndex", "config": config})["index_id"])
        self._added: list[int] = []

    def add_page(self, url: str, html: str) -> None:
        """Queue one page (its whole HTML) under `url`; problems are reported by `write`."""
        payload = {"type": "AddFile", "index_id": self._index, "url": url, "file_path": None, "file_contents": html}
        self._added.append(self._send(payload))

    def write(self, bundle: Path) -> int:
        """Write the search bundle into the folder `bundle` and stop the binary; return the number of pages indexed.

        Pagefind answers before the last bytes of its files are written (its writes finish in the background)
        and a binary that ends may leave a file short. So this waits for the binary to end, then checks every
        compressed file and writes the files that are the same in every bundle (the scripts and the
        WebAssembly) from a small bundle Pagefind returned in memory; a file cut short is an error.
        """
        failed = [answer["message"] for answer in map(self._answer, self._added) if answer["type"] == "Error"]
        if failed:
            raise CemkitError(f"Pagefind could not index {len(failed)} page(s): {failed[0]}")
        self._ask({"type": "WriteFiles", "index_id": self._index, "output_path": str(bundle)})
        if not self.close(timeout=WRITE_TIMEOUT):
            raise CemkitError(f"Pagefind did not finish writing {bundle} within {WRITE_TIMEOUT} s")
        for name, data in shared_files(self._language).items():
            if (bundle / name).exists():
                (bundle / name).write_bytes(data)
        if broken := [path.name for path in sorted(bundle.rglob("*")) if path.is_file() and not _complete(path)]:
            raise PartlyWritten(f"Pagefind wrote {len(broken)} file(s) of {bundle} only in part, e.g. {broken[0]}")
        return len(self._added)

    def files(self) -> dict[str, bytes]:
        """The bundle's files, returned in memory (for small indexes only: they come in one message)."""
        answer = self._ask({"type": "GetFiles", "index_id": self._index})
        return {file["path"]: base64.b64decode(file["content"]) for file in answer["files"]}

    def close(self, timeout: float = 10) -> bool:
        """Stop the binary (it ends once its input closes); return whether it ended by itself within `timeout` s."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        ended = True
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            ended = False
        self._reader.join(timeout=1)
        if self._process.stdout is not None:
            self._process.stdout.close()
        return ended

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _send(self, payload: dict[str, Any]) -> int:
        assert self._process.stdin is not None
        self._next_id += 1
        message = json.dumps({"message_id": self._next_id, "payload": payload}).encode("utf-8")
        try:
            self._process.stdin.write(base64.b64encode(message) + b",")
        except BrokenPipeError as error:
            raise CemkitError("the Pagefind binary stopped while indexing") from error
        return self._next_id

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        answer = self._answer(self._send(payload))
        if answer["type"] == "Error":
            raise CemkitError(f"Pagefind: {answer['message']}")
        return answer

    def _answer(self, message_id: int) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.flush()
        with self._arrived:
            while message_id not in self._answers:
                if not self._reader.is_alive():
                    raise CemkitError("the Pagefind binary stopped while indexing")
                self._arrived.wait(timeout=1)
            return self._answers.pop(message_id)

    def _read(self) -> None:
        stdout = self._process.stdout
        assert isinstance(stdout, io.BufferedReader)
        pending = b""
        while chunk := stdout.read1(1 << 16):
            pending += chunk
            *messages, pending = pending.split(b",")
            with self._arrived:
                for message in messages:
                    answer = json.loads(base64.b64decode(message))
                    self._answers[int(answer.get("message_id") or 0)] = answer["payload"]
                self._arrived.notify_all()
        with self._arrived:
            self._arrived.notify_all()


SHARED_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")
"""Files of a bundle that depend on nothing but Pagefind's version (and the language, for its WebAssembly)."""


@lru_cache(maxsize=8)
def shared_files(language: str) -> dict[str, bytes]:
    """The files every `language` bundle shares, from a one-page bundle Pagefind returns in memory, whole."""
    with PagefindService(language) as service:
        service.add_page(
            "/", f'<html lang="{language}"><body><main data-pagefind-body><h1>search index</h1></main></body></html>'
        )
        files = service.files()
    return {name: data for name, data in files.items() if name in SHARED_FILES or name.startswith("wasm.")}


def _complete(path: Path) -> bool:
    """Whether a file of the bundle is whole: compressed data decompresses to Pagefind's, the entry is JSON."""
    try:
        if path.name == "pagefind-entry.json":
            return isinstance(json.loads(path.read_bytes()), dict)
        if ".pf_" in path.name:
            return gzip.decompress(path.read_bytes()).startswith(b"pagefind_dcd")
    except (OSError, EOFError, ValueError, zlib.error):
        return False
    return True
