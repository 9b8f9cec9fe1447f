"""Writing files so that a reader never sees a partial one: temp file in the same folder, then rename.

A temp file's name carries the writing process's id (`.<name>.<pid>.<random>.tmp`), so a later write of the
same file can tell the leftovers of a killed run (their process is gone) from a write under way, and
removes them.
"""

from __future__ import annotations

import glob
import os
import tempfile
import time
from pathlib import Path

_OLD_TEMP = 600  # seconds: a temp file without a process id this old belongs to no write under way


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` whole, or leave it as it was (raises OSError).

    ``mode`` is the new file's permissions; by default what the umask gives a new file.
    """
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_temps(path)
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o666 & ~_umask() if mode is None else mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def remove_stale_temps(path: Path) -> int:
    """Remove temp files that a killed write of ``path`` left beside it; how many were removed."""
    folder = path.parent if str(path.parent) else Path(".")
    removed = 0
    for temp in folder.glob(f".{glob.escape(path.name)}.*.tmp"):
        middle = temp.name[len(path.name) + 2:-len(".tmp")]
        owner = middle.split(".", 1)[0]
        try:
            stale = not _alive(int(owner)) if owner.isdigit() and "." in middle else (
                time.time() - temp.stat().st_mtime > _OLD_TEMP)  # named before pids were: by age
            if stale:
                temp.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, or no way to ask: leave its file alone
        return True
    return True


def read_if_exists(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
