"""Build a site into a staging folder and put it in place only when every language built.

A build that fails (a content error, a strict warning in any language, Ctrl-C, a kill) leaves the last
good site as it was. The staging folder sits next to the site folder, so putting it in place is two
renames on the same file system rather than a copy; folders left by killed builds are removed by the
next build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_MARK = ".cemkit-staging-"


class StagedSite:
    """A staging folder for the site that will replace `target`."""

    def __init__(self, target: Path, *, keep_existing: bool) -> None:
        """Make the staging folder; with `keep_existing` (a `--dirty` build) it starts as a copy of `target`."""
        self.target = target.absolute()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(self.target)
        prefix = f".{self.target.name}{_MARK}{os.getpid()}-"
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=self.target.parent))
        if keep_existing and self.target.is_dir():
            shutil.copytree(self.target, self.path, symlinks=True, dirs_exist_ok=True)

    def scratch_folder(self) -> Path:
        """A new folder beside the staged site for the build's own files; a killed build's is removed next time."""
        return Path(tempfile.mkdtemp(prefix=f"{self.path.name}-scratch-", dir=self.target.parent))

    def publish(self) -> None:
        """Replace the site folder by the staged one."""
        old = self.target.parent / f"{self.path.name}-old"
        try:
            if self.target.exists():
                self.target.rename(old)
            self.path.rename(self.target)
        except OSError:  # e.g. the site folder is a mount point: replace its contents instead
            if old.exists() and not self.target.exists():
                old.rename(self.target)
            _replace_contents(self.target, self.path)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.path, ignore_errors=True)

    def discard(self) -> None:
        """Drop the staged site; the site folder stays as it was."""
        shutil.rmtree(self.path, ignore_errors=True)


def remove_leftovers(target: Path) -> None:
    """Remove the staging folders of builds of `target` whose process is gone (killed builds).

    A build killed between the two renames of `publish` left the last good site under an `-old` name and no
    site folder: that site is put back.
    """
    for folder in sorted(target.parent.glob(f".{target.name}{_MARK}*")):
        pid = folder.name[len(target.name) + 1 + len(_MARK) :].split("-", 1)[0]
        if not folder.is_dir() or folder.is_symlink() or not pid.isdigit() or _alive_elsewhere(int(pid)):
            continue
        if folder.name.endswith("-old") and not target.exists():
            folder.rename(target)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _alive_elsewhere(pid: int) -> bool:
    # An earlier build of this process always cleans up: a folder with our pid is a leftover of a reused pid.
    return pid != os.getpid() and pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a leftover folder's owner may still be running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _replace_contents(target: Path, source: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in source.iterdir():
        shutil.move(str(child), target / child.name)
