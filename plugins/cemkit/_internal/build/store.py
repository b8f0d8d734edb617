"""A folder holding one site's generated files between builds, each rewritten only when its bytes change.

The store is the persistent cache of `cemkit` (by default `.cache/cemkit/` in the project, which git
ignores). For every page it keeps what the page read from the knowledge base and the digest of
those reads (see `cemkit._internal.build.reads`), so the next build renders only the pages whose
reads changed. Files keep their modification time while their content stays the same, which is what
lets `mkdocs build --dirty` and `mkdocs serve --dirty` rebuild only the pages an edit touched.

One process uses a store at a time (an exclusive lock on `.lock`); a second, concurrent build of the
same project gets a private store, removed when it closes (or, if it was killed, by the next build).
Every file is written under a temporary name and renamed into place, so a killed build leaves whole
files only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cemkit._internal.build.reads import Read
from cemkit._internal.build.staging import pid_alive

FORMAT = 1
"""Version of the index layout; a store of another version starts empty."""
_INDEX = "index.json"
_PRIVATE = "private-"


@dataclass
class PageRecord:
    """What the store knows about one page."""

    key: str
    """Digest of the page's reads and of the renderer (see `Digests.combined`)."""
    reads: list[Read]
    sha: str
    """SHA-256 of the file's bytes."""


@dataclass
class StoreIndex:
    """The saved state of a store."""

    pages: dict[str, PageRecord] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    """Site path -> SHA-256, for the files that are not pages."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Other cached results by name (e.g. the Korean analysis)."""
    touch_all: bool = False
    """Set while error pages were shown in place of pages: the next good build gives every file a new time."""


def sha256(data: bytes) -> str:
    """The hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


class SourceStore:
    """The generated files of one site (one language, one URL style) and what they were made from."""

    def __init__(self, cache_dir: Path, name: str) -> None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _remove_dead_private_stores(cache_dir)
        folder = cache_dir / name
        folder.mkdir(exist_ok=True)
        self._lock: IO[bytes] | None = _try_lock(folder / ".lock")
        self.private = self._lock is None
        if self.private:  # another build uses it: work in a store of our own
            folder = Path(tempfile.mkdtemp(prefix=f"{_PRIVATE}{os.getpid()}-", dir=cache_dir))
        self.folder = folder
        self.files_dir = folder / "files"
        self.index = _read_index(folder / _INDEX)

    def path(self, site_path: str) -> Path:
        """Where the file at `site_path` is kept."""
        return self.files_dir / site_path

    def fresh(self, site_path: str, key: str) -> bool:
        """Whether the page at `site_path` was made from reads whose digest is `key`, and is still there."""
        record = self.index.pages.get(site_path)
        return record is not None and record.key == key and self.path(site_path).is_file()

    def put_file(self, site_path: str, data: bytes) -> None:
        """Keep a file that is not a page."""
        digest = sha256(data)
        write_if_changed(self.path(site_path), data, digest, self.index.files.get(site_path), self.index.touch_all)
        self.index.files[site_path] = digest

    def record_page(self, site_path: str, record: PageRecord) -> None:
        """Note a page written by `write_if_changed` (here or in a worker)."""
        self.index.pages[site_path] = record

    def keep_only(self, site_paths: set[str]) -> list[str]:
        """Delete every kept file not in `site_paths`; return the site paths deleted."""
        gone = sorted((set(self.index.pages) | set(self.index.files)) - site_paths)
        for site_path in gone:
            self.index.pages.pop(site_path, None)
            self.index.files.pop(site_path, None)
            self.path(site_path).unlink(missing_ok=True)
        return gone

    def touch_everything(self) -> None:
        """Give every kept file a new modification time now (after error pages were served in their place)."""
        for site_path in [*self.index.pages, *self.index.files]:
            with contextlib.suppress(OSError):
                os.utime(self.path(site_path))
        self.index.touch_all = False

    def save(self) -> None:
        """Write the index (atomically)."""
        data = {
            "format": FORMAT,
            "pages": {src: [r.key, r.reads, r.sha] for src, r in self.index.pages.items()},
            "files": self.index.files,
            "extra": self.index.extra,
            "touch_all": self.index.touch_all,
        }
        _replace(self.folder / _INDEX, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def close(self) -> None:
        """Save, release the lock, and remove a private store."""
        if self._lock is not None:
            self.save()
            self._lock.close()
            self._lock = None
        if self.private:
            shutil.rmtree(self.folder, ignore_errors=True)


def write_if_changed(path: Path, data: bytes, digest: str, known: str | None, force: bool = False) -> bool:
    """Write `data` to `path` unless the file already holds it (its SHA-256 is `known`); `True` if written."""
    if not force and known == digest and path.is_file():
        return False
    _replace(path, data)
    return True


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def _read_index(path: Path) -> StoreIndex:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return StoreIndex()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return StoreIndex()
    pages = {
        src: PageRecord(key, [(str(c), str(k)) for c, k in reads], sha)
        for src, (key, reads, sha) in data["pages"].items()
    }
    return StoreIndex(pages, dict(data["files"]), dict(data["extra"]), bool(data["touch_all"]))


def _try_lock(path: Path) -> IO[bytes] | None:
    handle = path.open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _remove_dead_private_stores(cache_dir: Path) -> None:
    for folder in cache_dir.glob(f"{_PRIVATE}*"):
        pid = folder.name.removeprefix(_PRIVATE).split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
