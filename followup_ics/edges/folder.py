"""The batch output folder: what batch wrote there (the manifest) and a run caught mid-rename (the journal).

Contract:
- ``.followup-ics-manifest`` in the folder (an SQLite file, looked up by name, never loaded whole: it has a
  row per file) lists the files batch wrote there. A later run removes the files of that list it no longer
  produces, and nothing else: a file batch did not write is never removed, whatever its name. A run that
  skipped invalid rows removes nothing (the skipped row's file may be one of them) and keeps listing the
  old files, so a later complete run removes them. (A manifest of an older version, one name a line, is
  still read.)
- Each file's row also remembers what it holds: the digest of its stamp-free text, each event's SEQUENCE
  and stamp (ical.writer.Kept), and the size, modification time and inode it was left with. A later run
  whose calendar for that file has the same digest, finding the file as it was left, neither reads nor
  writes it; a changed calendar is stamped from the row, not from the file read back. A file changed
  since (another size, time or inode) is read back, as if no row were kept.
- A run stages every file first. Once all are staged and on disk it writes ``.followup-ics-journal``,
  naming the staging folder, and only then renames the files into place, removes the stale ones,
  replaces the manifest and deletes the journal. A run killed in between leaves the journal and the
  staged files not yet moved: the next run finishes those renames first (roll forward: the staged set
  was complete and valid), so the folder is never left a mix of two runs.
- A folder this run created (absent when it began) holds nothing to keep: rather than renaming each file, the
  whole staging folder replaces it, in two renames (place_fresh): out of the folder to a sibling named
  ``.<folder name><staging name>``, then over the folder, now empty (rename(2) may replace an empty
  directory). A kill before the first leaves a staging folder inside (the next run removes it, as any); between
  them, the folder empty and the sibling beside it, which the next run into that folder removes
  (remove_stale_aside: its name and the manifest inside tell it from anyone else's). Where either rename is
  refused (a mount point, another device, a name that appeared in the folder meanwhile) the staging folder goes
  back inside and the files are renamed one by one, as above.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import stat
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from followup_ics.edges.files import blocked_names, check_replaceable, not_replaceable, open_folder
from followup_ics.ical.writer import Kept

MANIFEST = ".followup-ics-manifest"
JOURNAL = ".followup-ics-journal"
_STAGED_MANIFEST = ".manifest"
_STAGED_JOURNAL = ".journal"
_SQLITE = b"SQLite format 3\x00"
# A rowid table, not WITHOUT ROWID: a row holds its events' revisions (0.5-1 kB), and rows that large, inserted
# out of name order, split B-tree pages over and over when they are the tree's keys; here they are appended and
# only the names go in the key's index (a 10k batch's 12,000 rows: 41 ms rather than 53, 8.5 MB rather than
# 12.6). Both kinds are read alike (versions before wrote WITHOUT ROWID).
_SCHEMA = ("CREATE TABLE files (name TEXT PRIMARY KEY, digest BLOB, size INTEGER, mtime INTEGER, inode INTEGER, "
           "events BLOB)")
_EVENT = struct.Struct(">16sIq")  # digest, SEQUENCE, stamp (seconds since the epoch), after the UID
_LENGTH = struct.Struct(">H")  # of the UID, encoded, before it
_NEW = struct.Struct(">Iq")  # _EVENT after its digest


class Entry(NamedTuple):
    """What the manifest remembers of one file."""

    digest: bytes | None  # of the calendar's stamp-free text (None: not known)
    stat: tuple[int, int, int] | None  # size, modification time (ns) and inode it was left with
    events: bytes  # each event's UID and Kept, packed (see pack_events)

    def kept(self) -> dict[str, Kept]:
        return unpack_events(self.events)

    def matches(self, path: Path) -> bool:
        """The file is still as it was left: a regular file of the same size, time and inode."""
        try:
            found = os.lstat(path)
        except OSError:
            return False
        return self.stat is not None and stat_of(found) == self.stat and stat.S_ISREG(found.st_mode)


def stat_of(found: os.stat_result) -> tuple[int, int, int]:
    return (found.st_size, found.st_mtime_ns, found.st_ino)


def pack_events(uids: tuple[str, ...], kept: tuple[Kept, ...]) -> bytes:
    parts = []
    stamp: datetime | None = None
    seconds = 0
    for uid, event in zip(uids, kept, strict=True):
        encoded = uid.encode("utf-8")
        if event.stamp is not stamp:  # a calendar's events mostly share one stamp: converted once (1 us each)
            stamp, seconds = event.stamp, int(event.stamp.timestamp())
        # ("16s" pads a shorter digest with zero bytes)
        parts += (_LENGTH.pack(len(encoded)), encoded, _EVENT.pack(event.digest, event.sequence, seconds))
    return b"".join(parts)


def pack_new(uids: tuple[str, ...], digests: tuple[bytes, ...], stamp: datetime) -> bytes:
    """``pack_events`` of events all new, each ``Kept(digest, 0, stamp)``, without making one per event (every
    event of a first batch is packed so). ``digests``: a draft's, 16 bytes each, as "16s" packs them."""
    tail = _NEW.pack(0, int(stamp.timestamp()))
    parts = []
    for uid, digest in zip(uids, digests, strict=True):
        encoded = uid.encode("utf-8")
        parts += (_LENGTH.pack(len(encoded)), encoded, digest, tail)
    return b"".join(parts)


def unpack_events(packed: bytes) -> dict[str, Kept]:
    events, at = {}, 0
    stamps: dict[int, datetime] = {}  # one datetime for the events that share a stamp (as pack_events finds them)
    while at < len(packed):
        (length,) = _LENGTH.unpack_from(packed, at)
        uid = packed[at + 2:at + 2 + length].decode("utf-8")
        digest, sequence, seconds = _EVENT.unpack_from(packed, at + 2 + length)
        stamp = stamps.get(seconds)
        if stamp is None:
            stamp = stamps[seconds] = datetime.fromtimestamp(seconds, UTC)
        events[uid] = Kept(digest, sequence, stamp)
        at += 2 + length + _EVENT.size
    return events


class Manifest:
    """The output folder's manifest, read: each file's Entry by name (an older, names-only manifest gives
    none). Opened once per process: workers forked from a run open their own."""

    def __init__(self, out_dir: Path) -> None:
        self._db: sqlite3.Connection | None = _open_read_only(out_dir / MANIFEST)

    def get(self, name: str) -> Entry | None:
        if self._db is None:
            return None
        try:
            found = self._db.execute("SELECT digest, size, mtime, inode, events FROM files WHERE name = ?",
                                     (name,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        if found is None:
            return None
        digest, size, mtime, inode, events = found
        stat = None if size is None else (size, mtime, inode)
        return Entry(digest, stat, events or b"")

    @property
    def kept(self) -> bool:
        """Whether the manifest remembers what files hold (else it is missing or of an older version)."""
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class StagedManifest:
    """The manifest a run writes in its staging folder as it stages files: one row per file it produces."""

    def __init__(self, staging: Path) -> None:
        self._db = sqlite3.connect(staging / _STAGED_MANIFEST, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")  # a new file in staging: a crash just loses it
        self._db.execute("PRAGMA synchronous = OFF")  # synced once, whole, before the journal names it
        self._db.execute(_SCHEMA)
        self._db.execute("BEGIN")
        self._rows: list[tuple[str, bytes | None, int | None, int | None, int | None, bytes]] = []

    def add(self, name: str, entry: Entry) -> None:
        size, mtime, inode = entry.stat or (None, None, None)
        self._rows.append((name, entry.digest, size, mtime, inode, entry.events))
        if len(self._rows) >= _ROWS_AT_ONCE:
            self._insert()

    def _insert(self) -> None:
        """The rows added since the last call, in one statement run over them all, in order."""
        self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", self._rows)
        self._rows.clear()

    def close(self) -> None:
        self._insert()
        self._db.execute("COMMIT")
        self._db.close()


_ROWS_AT_ONCE = 256  # rows the staged manifest holds in memory before inserting them together


def commit(staging: Path, out_dir: Path, *, combined: str, keep_old: bool) -> tuple[int, list[str]]:
    """Put the staged files in place as one step that a later run can finish: (files moved, removed).
    The staged manifest (StagedManifest, closed) lists every file the run produced, moved or left in place.

    Raises UnsafeOutput before anything moves if a staged name is taken by a folder or special file.
    """
    try:
        blocked: dict[str, int] | None = blocked_names(out_dir)
    except OSError:  # a folder we may search but not list: each name is looked up
        blocked = None
    for name in _staged_names(staging):
        if blocked is None:
            check_replaceable(out_dir / name)
        elif name in blocked:
            raise not_replaceable(out_dir / name, blocked[name])
    if keep_old:  # rows were skipped: one of them may have made an old file; keep them all, listed
        _keep_listed(staging / _STAGED_MANIFEST, out_dir)
    _fsync(staging / _STAGED_MANIFEST)
    # Written inside staging, then renamed: a kill mid-write leaves no stray file in the output folder.
    _write_synced(staging / _STAGED_JOURNAL, f"{staging.name}\n")
    os.replace(staging / _STAGED_JOURNAL, out_dir / JOURNAL)
    return _apply(staging, out_dir, combined)


def place_fresh(staging: Path, out_dir: Path, made: tuple[int, int]) -> bool:
    """Put the staged folder in place of ``out_dir`` whole, if ``out_dir`` is still the folder this run made
    (device and inode ``made``) and holds nothing but ``staging``: True if done, False if nothing changed (then
    commit). The folder keeps its permissions, owner and extended attributes (else False)."""
    aside_start = _aside_start(out_dir)
    if aside_start is None:
        return False
    try:
        found = os.lstat(out_dir)
        if (found.st_dev, found.st_ino) != made or not stat.S_ISDIR(found.st_mode) or not _holds_only(out_dir, staging):
            return False
        os.chmod(staging, stat.S_IMODE(found.st_mode))
        staged = os.lstat(staging)
        if (staged.st_mode, staged.st_uid, staged.st_gid) != (found.st_mode, found.st_uid, found.st_gid) \
                or _attributes(staging) != _attributes(out_dir):
            return False
    except OSError:
        return False
    _fsync(staging / _STAGED_MANIFEST)
    os.replace(staging / _STAGED_MANIFEST, staging / MANIFEST)
    aside = out_dir / ".." / f"{aside_start}{staging.name}"  # the folder's parent, as the kernel resolves it
    try:
        os.rename(staging, aside)
    except OSError:  # another file system mounted on the folder, say
        os.replace(staging / MANIFEST, staging / _STAGED_MANIFEST)
        return False
    try:
        os.rename(aside, out_dir)
    except OSError:  # no longer empty, say: back inside, for commit
        os.rename(aside, staging)
        os.replace(staging / MANIFEST, staging / _STAGED_MANIFEST)
        return False
    return True


def remove_stale_aside(out_dir: Path, staging_prefix: str) -> None:
    """Remove a staging folder that a run killed between place_fresh's two renames left beside ``out_dir``:
    named ``.<folder name><staging_prefix><8 letters, digits or _>`` and holding a manifest, so never a
    folder of anyone else's (nor the staging folder of another output folder, whose name differs)."""
    aside_start = _aside_start(out_dir)
    if aside_start is None:
        return
    prefix = f"{aside_start}{staging_prefix}"
    parent = out_dir / ".."
    try:
        with os.scandir(parent) as entries:
            stale = [entry.name for entry in entries if entry.name.startswith(prefix)
                     and _random_part(entry.name[len(prefix):]) and entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for found in stale:
        if (parent / found / MANIFEST).is_file():
            shutil.rmtree(parent / found, ignore_errors=True)


def _aside_start(out_dir: Path) -> str | None:
    """How the name of a staging folder put beside ``out_dir`` begins (place_fresh writes it,
    remove_stale_aside looks for it): '.' and the folder's name; None for a name that is not a plain one."""
    name = out_dir.name
    return f".{name}" if name and _plain_name(name) else None


def _random_part(text: str) -> bool:
    """What tempfile.mkdtemp puts after a prefix: 8 of [a-z0-9_]."""
    return len(text) == 8 and all(char.isascii() and (char.isalnum() or char == "_") for char in text)


def _holds_only(folder: Path, entry: Path) -> bool:
    with os.scandir(folder) as entries:
        return [found.name for found in itertools.islice(entries, 2)] == [entry.name]


def _attributes(path: Path) -> dict[str, bytes]:
    """The extended attributes of ``path`` (ACLs among them), where the system has them."""
    if not hasattr(os, "listxattr"):
        return {}
    return {name: os.getxattr(path, name, follow_symlinks=False) for name in os.listxattr(path, follow_symlinks=False)}


def _keep_listed(staged: Path, out_dir: Path) -> None:
    """Add the old manifest's files that still exist to the staged one, with what it knew of them."""
    old = Manifest(out_dir)
    database = sqlite3.connect(staged, isolation_level=None)
    try:
        database.execute("BEGIN")
        for name in read_manifest(out_dir):
            if (out_dir / name).exists():
                entry = old.get(name) or Entry(None, None, b"")
                size, mtime, inode = entry.stat or (None, None, None)
                database.execute("INSERT OR IGNORE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                                 (name, entry.digest, size, mtime, inode, entry.events))
        database.execute("COMMIT")
    finally:
        database.close()
        old.close()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def finish_interrupted(out_dir: Path, *, staging_prefix: str, combined: str) -> int | None:
    """Finish a run killed while renaming (the journal names its staging folder): files moved, or None."""
    try:
        name = (out_dir / JOURNAL).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    staging = out_dir / name
    if not (_plain_name(name) and name.startswith(staging_prefix) and (staging / _STAGED_MANIFEST).is_file()):
        (out_dir / JOURNAL).unlink(missing_ok=True)  # not one of ours, or its work is already done
        return None
    moved, _ = _apply(staging, out_dir, combined)
    shutil.rmtree(staging, ignore_errors=True)
    return moved


def interrupted(out_dir: Path) -> bool:
    """Whether a run began putting its files in place in ``out_dir`` and did not finish."""
    return (out_dir / JOURNAL).exists()


def read_manifest(out_dir: Path) -> Iterator[str]:
    """The file names a manifest lists; only plain names of .ics files, so an edited one cannot reach out."""
    for name in _listed(out_dir / MANIFEST):
        if _plain_name(name) and name.endswith(".ics"):
            yield name


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE)) == _SQLITE
    except OSError:
        return False


def _open_read_only(path: Path) -> sqlite3.Connection | None:
    if not _is_sqlite(path):
        return None
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None


def _apply(staging: Path, out_dir: Path, combined: str) -> tuple[int, list[str]]:
    """Move the staged files in (the combined feed last), remove stale listed files, swap the manifest."""
    moved = 0
    # Listed from the folder, not kept in memory: 100,000 names add up.
    with _Mover(staging, out_dir) as move, os.scandir(staging) as entries:
        for entry in entries:
            if entry.name.endswith(".ics") and entry.name != combined:
                move(entry.name)
                moved += 1
    if (staging / combined).exists():
        os.replace(staging / combined, out_dir / combined)
        moved += 1
    listed = _Listed(staging / _STAGED_MANIFEST)
    removed = []
    try:
        for name in read_manifest(out_dir):
            # The combined calendar is always written, whether or not its manifest row was (that row holds the
            # revisions of the file's own keep-searching stream, which a coach's file has none of).
            if name != combined and name not in listed and _remove_file(out_dir / name):
                removed.append(name)
    finally:
        listed.close()
    os.replace(staging / _STAGED_MANIFEST, out_dir / MANIFEST)
    (out_dir / JOURNAL).unlink(missing_ok=True)
    return moved, removed


class _Mover:
    """Renames files of one folder to the same names in another, relative to descriptors of both folders
    where the system can (the kernel then walks neither path for each of thousands of files)."""

    def __init__(self, source: Path, target: Path) -> None:
        self._source, self._target = source, target
        self._folders: tuple[int | None, int | None] = (None, None)

    def __enter__(self) -> _Mover:
        if os.rename in os.supports_dir_fd:
            source = _readable_folder(self._source)
            try:
                target = _readable_folder(self._target)
            except OSError:
                if source is not None:
                    os.close(source)
                raise
            if source is not None and target is not None:
                self._folders = (source, target)
            else:  # one of them may be written and searched but not read (opened): name files by path
                for folder in (source, target):
                    if folder is not None:
                        os.close(folder)
        return self

    def __call__(self, name: str) -> None:
        source, target = self._folders
        if source is None or target is None:
            os.replace(self._source / name, self._target / name)
        else:
            os.replace(name, name, src_dir_fd=source, dst_dir_fd=target)

    def __exit__(self, *_: object) -> None:
        for folder in self._folders:
            if folder is not None:
                os.close(folder)
        self._folders = (None, None)


def _readable_folder(path: Path) -> int | None:
    """open_folder, or None for a folder this process may not read."""
    try:
        return open_folder(path)
    except PermissionError:
        return None


def _staged_names(staging: Path) -> Iterator[str]:
    with os.scandir(staging) as entries:
        for entry in entries:
            if entry.name.endswith(".ics"):
                yield entry.name


def _listed(path: Path) -> Iterator[str]:
    """Every name a manifest holds: rows of the SQLite file, or lines of an older version's text."""
    database = _open_read_only(path)
    if database is not None:
        try:
            for (name,) in database.execute("SELECT name FROM files"):
                yield name
        except sqlite3.DatabaseError:
            return
        finally:
            database.close()
        return
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip() and not line.startswith("#"):
                    yield line.strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return


class _Listed:
    """Membership in a staged manifest, looked up (an older version's text one is small enough to hold)."""

    def __init__(self, path: Path) -> None:
        self._db = _open_read_only(path)
        self._names = None if self._db is not None else set(_listed(path))

    def __contains__(self, name: object) -> bool:
        if self._db is None:
            return name in (self._names or set())
        return self._db.execute("SELECT 1 FROM files WHERE name = ?", (name,)).fetchone() is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _remove_file(path: Path) -> bool:
    """Remove a file or symlink we listed; never a folder (someone else put it there)."""
    try:
        if path.is_dir() and not path.is_symlink():
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _plain_name(name: str) -> bool:
    return name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name
