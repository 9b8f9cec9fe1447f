"""Writing files so that a reader never sees a partial one (temp file in the same folder, then rename),
and only where a write belongs: never over a device, FIFO or directory, never through a symlink out of an
output folder, never over a file that is not ours to replace.

A temp file's name carries the writing process's id (`.<name>.<pid>.<random>.tmp`), so a later write of the
same file can tell the leftovers of a killed run (their process is gone) from a write under way, and
removes them.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from followup_ics.core.errors import FollowupError

_OLD_TEMP = 600  # seconds: a temp file without a process id this old belongs to no write under way


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, mode: int | None = None,
                 new_folder: bool = False) -> None:
    """Replace ``path`` with ``data`` whole (bytes, or pieces of them in order), or leave it as it was (raises
    OSError).

    ``mode`` is the new file's permissions; by default what the umask gives a new file. ``new_folder``: the
    folder was just made by this process, so no killed write left a temp file there to look for (a listing
    of the folder, which may hold thousands of files).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not new_folder:
        remove_stale_temps(path)
    descriptor, temp_name = _new_temp(folder, path.name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o666 & ~_umask() if mode is None else mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _new_temp(folder: Path, name: str) -> tuple[int, str]:
    """A new file ``.<name>.<pid>.<random>.tmp`` in ``folder``, open for writing, readable by its owner
    only until chmod (what tempfile.mkstemp does; it costs 1.5 ms of imports at every start)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp_name = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp_name, flags, 0o600), temp_name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {name} in {folder}")


def remove_stale_temps(path: Path) -> int:
    """Remove temp files that a killed write of ``path`` left beside it; how many were removed."""
    folder = path.parent if str(path.parent) else Path(".")
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    prefix = f".{path.name}."
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp") and len(name) >= len(prefix) + len(".tmp")):
            continue
        temp = folder / name
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


class UnsafeOutput(FollowupError):
    """An output path that must not be written: not a regular file, or a file we would destroy."""


_ICALENDAR_START = b"BEGIN:VCALENDAR"


def output_file(path: Path, *, force: bool = False) -> Path:
    """The file to write for ``-o path``: ``path`` itself, or the file a symlink at ``path`` points to.

    A symlink is written through: its target is replaced atomically and the link stays a link, so the
    file it names is the one that changes (a link left pointing at a stale file helps nobody). A device,
    FIFO, socket or directory is refused, and so is an existing file that is not an iCalendar file,
    unless ``force``: `-o interviews.csv` must not turn a spreadsheet into a calendar without a word.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = target.stat()
    except FileNotFoundError:
        return target
    except OSError as error:
        raise UnsafeOutput(f"cannot write {path} ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeOutput(f"{path} is {_kind(info.st_mode)}, not a file; give a file name (or - for stdout)")
    if not force and info.st_size and not is_icalendar(target):
        raise UnsafeOutput(f"{path} exists and is not an iCalendar file; --force replaces it")
    return target


def is_icalendar(path: Path) -> bool:
    """Whether the regular file at ``path`` starts as an iCalendar file does (BOM and blank lines allowed)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(_ICALENDAR_START)


def read_regular(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file itself, never through a symlink (else None)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        chunks = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(descriptor)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def open_folder(path: Path) -> int | None:
    """A descriptor of the folder ``path`` to name its files by (close it with os.close), or None where this
    system cannot open a file relative to one: then name them by their whole path."""
    if os.open not in os.supports_dir_fd or not hasattr(os, "O_DIRECTORY"):
        return None
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))


def write_new(name: str | Path, data: bytes, folder: int | None = None) -> os.stat_result:
    """``Path.write_bytes``, and the file's status once written: ``name`` is created (or emptied) and holds
    ``data``. ``folder`` (open_folder) names the file relative to it: a batch writes thousands of files into
    one folder, and Python's file object adds an isatty, an lseek and an fstat to each (nor does the kernel
    walk the whole path every time). The status is taken before close: nothing after the last write changes
    it on a local disk (elsewhere a later run just finds the file changed and reads it back)."""
    descriptor = os.open(name, _NEW_FILE, 0o666, dir_fd=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        return os.fstat(descriptor)
    finally:
        os.close(descriptor)


def append(out: BinaryIO, source: Path) -> None:
    """Write the file ``source`` to ``out`` after what it holds: inside the kernel where it can (copy_file_range;
    all.ics gathers every interview's events, half of a batch's bytes), else read and written."""
    out.flush()
    with source.open("rb") as data:
        left = os.fstat(data.fileno()).st_size
        try:
            while left > 0:
                copied = os.copy_file_range(data.fileno(), out.fileno(), left)
                if not copied:  # some file systems copy nothing: the rest is read and written
                    break
                left -= copied
        except (AttributeError, OSError):  # not on this system, or not between these file systems
            pass
        # Whatever the kernel left (each call copies whole or fails, so both files are where it stopped).
        shutil.copyfileobj(data, out, 1 << 20)


def blocked_names(folder: Path) -> dict[str, int]:
    """The entries of ``folder`` that check_replaceable refuses, name -> mode: checking many names against
    one listing (usually empty: regular files and symlinks need no stat) rather than an lstat for each."""
    blocked = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.is_file(follow_symlinks=False) or entry.is_symlink()):
                try:
                    blocked[entry.name] = entry.stat(follow_symlinks=False).st_mode
                except FileNotFoundError:  # gone since it was listed: nothing in the way
                    continue
    return blocked


def check_replaceable(path: Path) -> None:
    """Raise UnsafeOutput if an entry at ``path`` in an output folder must not be replaced by a file.

    A regular file or a symlink may be: renaming over a symlink replaces the link itself, so the write
    never lands outside the folder. A directory, device, FIFO or socket may not.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise not_replaceable(path, info.st_mode)


def not_replaceable(path: Path, mode: int) -> UnsafeOutput:
    return UnsafeOutput(f"{path} is {_kind(mode)}; move it away, a file of that name is to be written")


def real_folder(path: Path) -> Path:
    """Create ``path`` as a directory if missing; refuse a symlink there, so writes cannot leave the tree."""
    if path.is_symlink():
        raise UnsafeOutput(f"{path} is a symlink; the files are written only into a real folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "not a regular file"
