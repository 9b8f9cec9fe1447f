"""A CSV of interviews -> one .ics per interview plus all.ics, the combined calendar.

Validation comes before writing: every row is planned and rendered into a staging folder inside the
output folder, and only when no row is bad (or --skip-invalid) are the files renamed into place, each
atomically (into a folder this run created, the staging folder whole, in its place). A failed run leaves the
earlier output as it was; a run killed while renaming is finished by the next one, and files of earlier runs
no longer produced are removed (folder.py: the manifest and the journal).

Each interview is built and serialised once; all.ics reuses those VEVENT bytes, streamed through a
temp file, so memory stays flat however many rows there are. Large batches use every core.

A re-run does less than a first run: the manifest (folder.py) says what each file of the last run holds, so
a file whose calendar is unchanged is left in place, neither read nor written, and a changed one is stamped
from the manifest; all.ics is never read back.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple

from followup_ics.app.config import Request
from followup_ics.app.interview import words_for
from followup_ics.app.roster import SPILL_AFTER, STREAM_ID, FirstSeen, Identified, Roster, RowError, Spill
from followup_ics.core.errors import FollowupError
from followup_ics.core.identity import COMBINED, interview_key
from followup_ics.core.records import Plan, Schedule
from followup_ics.edges.files import append, open_folder, read_regular, write_atomic, write_new
from followup_ics.edges.folder import (
    Entry,
    Manifest,
    StagedManifest,
    commit,
    finish_interrupted,
    interrupted,
    pack_events,
    pack_new,
    place_fresh,
    remove_stale_aside,
    stat_of,
)
from followup_ics.edges.spreadsheet import CsvError, column_note, read_rows
from followup_ics.ical.shape import step_span, widen
from followup_ics.ical.writer import (
    Draft,
    Kept,
    bytes_digest,
    draft,
    draft_events,
    finish,
    kept_in,
    shell_head,
    stamped,
)
from followup_ics.wording.language import language
from followup_ics.wording.texts import collection_name, word_plan

STAGING_PREFIX = ".followup-ics-staging-"
SEEN_FILE = ".followup-ics-seen.json"  # when undated outcomes were first seen, kept for the next run
PARALLEL_FROM = 200  # rows; below this, starting workers costs more than it saves
MIN_ROW_BYTES = 20  # a short row ("Acme,2026-12-01 14:00"): a smaller CSV runs in one process
CHUNK = 64
_EVENTS_START = b"BEGIN:VEVENT\r\n"
_CALENDAR_END = b"END:VCALENDAR\r\n"


class Rendered(NamedTuple):
    """One row's output: the file it goes to and its bytes, with what all.ics needs from it. (A NamedTuple: a
    frozen dataclass sets each of its twelve fields through object.__setattr__, a few microseconds a row.)"""

    row: int
    stem: str
    data: bytes
    zone: str
    first: datetime | None  # the steps' span (None: no steps, as a withdrawn application's with --no-interview)
    last: datetime | None
    events: int
    notices: tuple[str, ...]
    default_zone: bool  # the row named no zone of its own
    digest: bytes  # of the stamp-free calendar, for the manifest
    record: bytes  # its events' revisions, packed for the manifest
    in_place: tuple[int, int, int] | None  # the file as left by an earlier run holds these very bytes


class Notices:
    """The rows' notices, each text once with the first SHOWN rows that said it and how many did, in the
    order first said: a notice repeated on every row costs nothing per row. In memory up to SPILL_AFTER
    texts, then in a temporary SQLite file (a notice may name its own row's dates: one text per row)."""

    SHOWN = 3

    def __init__(self, spill_after: int = SPILL_AFTER) -> None:
        self._memory: dict[str, tuple[tuple[str, ...], int]] | None = {}
        self._spill_after = spill_after
        self._store = Spill()
        self._db: sqlite3.Connection | None = None

    def add(self, where: str, text: str) -> None:
        """``text`` said by row ``where`` ("" for the whole run)."""
        rows, count = self._get(text)
        if count < self.SHOWN:
            rows += (where,)
        if self._memory is not None:
            self._memory[text] = (rows, count + 1)
            if len(self._memory) >= self._spill_after:
                self._spill()
            return
        assert self._db is not None
        self._db.execute("INSERT INTO notices (text, rows, count) VALUES (?, ?, ?) ON CONFLICT (text) DO UPDATE "
                         "SET rows = excluded.rows, count = excluded.count", (text, "\x1f".join(rows), count + 1))

    def __iter__(self) -> Iterator[tuple[str, tuple[str, ...], int]]:
        """(text, its first rows, how many rows said it), in the order first said."""
        if self._memory is not None:
            return ((text, rows, count) for text, (rows, count) in self._memory.items())
        assert self._db is not None
        return ((text, tuple(rows.split("\x1f")), count)
                for text, rows, count in self._db.execute("SELECT text, rows, count FROM notices ORDER BY place"))

    def _get(self, text: str) -> tuple[tuple[str, ...], int]:
        if self._memory is not None:
            return self._memory.get(text, ((), 0))
        assert self._db is not None
        found = self._db.execute("SELECT rows, count FROM notices WHERE text = ?", (text,)).fetchone()
        return ((), 0) if found is None else (tuple(found[0].split("\x1f")), found[1])

    def _spill(self) -> None:
        assert self._memory is not None
        self._db = self._store.database()
        self._db.execute("CREATE TABLE notices (place INTEGER PRIMARY KEY, text TEXT UNIQUE, rows TEXT, count INTEGER)")
        self._db.executemany("INSERT INTO notices (text, rows, count) VALUES (?, ?, ?)",
                             ((text, "\x1f".join(rows), count) for text, (rows, count) in self._memory.items()))
        self._memory = None


@dataclass
class BatchReport:
    interviews: int = 0
    events: int = 0
    files: int = 0  # produced, all.ics included: written, or left in place as they were
    unchanged: int = 0  # of those, left in place: an earlier run wrote these very bytes
    rows: int = 0  # rows read, good and bad
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    notices: Notices = field(default_factory=lambda: Notices())
    unknown_columns: tuple[str, ...] = ()
    column_note: str | None = None  # which column was read as which field, where the names differ
    default_zone_rows: int = 0  # rows without a timezone of their own
    removed: list[str] = field(default_factory=list)  # files of earlier runs no longer produced
    repaired: int | None = None  # files an interrupted earlier run had left to put in place
    seconds: float = 0.0


def run_batch(source: Path, out_dir: Path, request: Request, *, skip_invalid: bool = False,
              jobs: int | None = None, progress: Callable[[int], None] | None = None) -> BatchReport:
    """Plan and write every interview in ``source``; raise CsvError if the file itself is unusable.

    Every row is validated first (a cheap pass that also learns what each application needs to know of
    the others); only when no row is bad, or with ``skip_invalid``, is anything planned and rendered.
    """
    started = time.perf_counter()
    header, _ = read_rows(source)
    report = BatchReport(unknown_columns=header.unknown, column_note=column_note(header))
    if out_dir.is_dir():  # an earlier run killed while renaming is finished first, whatever this one finds
        report.repaired = finish_interrupted(out_dir, staging_prefix=STAGING_PREFIX, combined=COMBINED)
    with _workers(source, out_dir, request, jobs) as pool:
        try:
            return _run(source, out_dir, request, report, skip_invalid, pool, progress)
        finally:
            report.seconds = time.perf_counter() - started


def _run(source: Path, out_dir: Path, request: Request, report: BatchReport, skip_invalid: bool,
         pool: _Pool | None, progress: Callable[[int], None] | None) -> BatchReport:
    seen_path = out_dir / SEEN_FILE
    roster = Roster(lambda: read_rows(source)[1], request, _load_seen(seen_path))
    report.rows = roster.rows
    if roster.errors and not skip_invalid:
        report.errors = roster.errors
        return report
    made = _make_folder(out_dir)
    _remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    keep_staging = False
    try:
        combined = _stage(roster, staging, out_dir, request, report, pool, progress)
        if report.errors and not skip_invalid:
            return report
        if not report.interviews and not report.errors:
            raise CsvError("no interviews below the header row")
        report.skipped, report.errors = report.errors, []
        combined_path = staging / COMBINED
        _write_combined(combined_path, combined, report, collection_name(language(request.language)))
        seen = roster.seen_dates()
        _sync()
        try:
            placed = made is not None and place_fresh(staging, out_dir, made)
            if placed:  # the folder was new: the staging folder took its place, every file in it
                moved = combined.written + 1  # all.ics too
            else:
                moved, report.removed = commit(staging, out_dir, combined=COMBINED, keep_old=bool(report.skipped))
            report.files, report.unchanged = moved + combined.in_place, combined.in_place
        except OSError:
            keep_staging = interrupted(out_dir)  # renaming began: the next run finishes it from staging
            raise
        if seen:
            write_atomic(seen_path, _dump_seen(seen), new_folder=placed)
        else:
            seen_path.unlink(missing_ok=True)
        return report
    finally:
        if not keep_staging:
            shutil.rmtree(staging, ignore_errors=True)


@dataclass
class _Combined:
    """What all.ics is assembled from: zone spans in order of first use and a temp file of events."""

    events_file: Path
    spans: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    in_place: int = 0  # files left as they were: an earlier run wrote these very bytes
    written: int = 0  # interview files staged


def _stage(roster: Roster, staging: Path, out_dir: Path, request: Request, report: BatchReport,
           pool: _Pool | None, progress: Callable[[int], None] | None) -> _Combined:
    combined = _Combined(staging / ".events")
    manifest = StagedManifest(staging)
    try:
        files = _StagedFiles(staging)
        try:
            # A large buffer: each row adds ~13 kB, which a default buffer would pass on in a write call of its own.
            with combined.events_file.open("wb", buffering=1 << 20) as events_out:
                _stage_rows(roster, files, out_dir, request, report, pool, progress, combined, manifest, events_out)
        finally:
            files.close()
    finally:
        manifest.close()
    return combined


class _StagedFiles:
    """The staging folder, open: each file is created by its name relative to the folder."""

    def __init__(self, staging: Path) -> None:
        self._path = staging
        self._folder = open_folder(staging)

    def write(self, name: str, data: bytes) -> tuple[int, int, int]:
        """Write the file ``name``; its size, time and inode, which the rename into place keeps."""
        return stat_of(write_new(name if self._folder is not None else self._path / name, data, self._folder))

    def close(self) -> None:
        if self._folder is not None:
            os.close(self._folder)
            self._folder = None


def _stage_rows(roster: Roster, staging: _StagedFiles, out_dir: Path, request: Request, report: BatchReport,
                pool: _Pool | None, progress: Callable[[int], None] | None, combined: _Combined,
                manifest: StagedManifest, events_out: BinaryIO) -> None:
    old = Manifest(out_dir)
    try:
        for result in _results(roster.plans(), request, out_dir, pool):
            _stage_row(result, staging, report, progress, combined, manifest, events_out)
            # Each candidate's keep-searching stream follows their last row (rows are planned ahead of the
            # results in a pool: a stream waits for its row's result).
            for stream in roster.streams(upto=result.row):
                _stage_stream(stream, old, out_dir, request, report, combined, manifest, events_out)
        for stream in roster.streams():
            _stage_stream(stream, old, out_dir, request, report, combined, manifest, events_out)
    finally:
        old.close()


def _stage_row(result: Rendered | RowError, staging: _StagedFiles, report: BatchReport,
               progress: Callable[[int], None] | None, combined: _Combined, manifest: StagedManifest,
               events_out: BinaryIO) -> None:
    if progress:
        progress(1)
    if isinstance(result, RowError):
        report.errors.append(result)
        return
    data = result.data
    name = f"{result.stem}.ics"
    stat = result.in_place
    if stat is None:
        stat = staging.write(name, data)
        combined.written += 1
    else:
        combined.in_place += 1
    manifest.add(name, Entry(result.digest, stat, result.record))
    events_out.write(_events(data))
    report.interviews += 1
    report.events += result.events
    report.default_zone_rows += result.default_zone
    for notice in result.notices:
        report.notices.add(str(result.row), notice)
    if result.first is not None and result.last is not None:
        widen(combined.spans, result.zone, result.first, result.last)


def _stage_stream(stream: Schedule, old: Manifest, out_dir: Path, request: Request, report: BatchReport,
                  combined: _Combined, manifest: StagedManifest, events_out: BinaryIO) -> None:
    """A candidate's keep-searching stream belongs to no one interview: only all.ics holds it. Its events'
    revisions are kept in the manifest, in a row of their own per stream (all.ics is never read back: it is
    large): the file's own person's under all.ics's name, as they always were. Only its events are drafted:
    a calendar's head would be cut away again, and all.ics's own covers each zone by the spans widened here."""
    drafted = draft_events([stream])
    name = _stream_entry(stream)
    data, record = _finished(drafted, request.now, _stream_kept(old, out_dir, drafted, request, name))
    manifest.add(name, Entry(None, None, record))
    events_out.write(data)
    report.events += len(stream.steps)
    widen(combined.spans, stream.interview.zone, stream.steps[0].start, stream.steps[-1].end)


def _stream_entry(stream: Schedule) -> str:
    """The manifest row of a stream's revisions: never a file's name (a '/' in it), so never a file to remove."""
    if stream.interview.interview_id == STREAM_ID:
        return COMBINED
    return f"{COMBINED}/{interview_key(stream.interview)}"


def _stream_kept(old: Manifest, out_dir: Path, drafted: Draft, request: Request, name: str) -> dict[str, Kept]:
    entry = old.get(name)
    if entry is not None:
        return entry.kept()
    if old.kept or name != COMBINED:  # the manifest knows all.ics held no such stream; no older version wrote it
        return {}
    previous = read_regular(out_dir / COMBINED)  # written by an older version: read back once
    return kept_in(previous, drafted, request.now) if previous else {}


def _events(calendar: bytes) -> memoryview:
    """The VEVENTs of one rendered calendar, to splice into all.ics (a view: not copied once more)."""
    start = calendar.find(_EVENTS_START)
    return memoryview(calendar)[start:-len(_CALENDAR_END)] if start >= 0 else memoryview(b"")


@dataclass(frozen=True)
class _Pool:
    """Worker processes, started before the CSV is read (each was given what rendering a row needs)."""

    pool: multiprocessing.pool.Pool
    workers: int


@contextmanager
def _workers(source: Path, out_dir: Path, request: Request, jobs: int | None) -> Iterator[_Pool | None]:
    """A pool of workers for a CSV that may hold PARALLEL_FROM rows or more, or None (one process).

    The workers are forked before the first pass, from a process that holds nothing of the CSV yet: forked
    after it, each would start as large as the main process is by then (its facts, its caches). Whether
    the CSV is that large is guessed from its size; a pool started for a file that turns out to be small is
    closed unused (a few milliseconds).
    """
    workers = jobs if jobs is not None else idle_cores()
    if workers <= 1 or _size(source) < PARALLEL_FROM * MIN_ROW_BYTES:
        yield None
        return
    from followup_ics.app.workweek import preload

    preload(request.settings.workdays)  # once here rather than once in every forked worker
    read_back = holds_calendars(out_dir)
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(request, out_dir, read_back)) as pool:
        yield _Pool(pool, workers)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _results(items: Iterator[tuple[Identified, Plan] | RowError], request: Request, out_dir: Path,
             pool: _Pool | None) -> Iterator[Rendered | RowError]:
    """Each planned row worded and rendered, in order, in the pool's workers for large inputs."""
    buffered: list[tuple[Identified, Plan] | RowError] = []
    for item in items:
        buffered.append(item)
        if len(buffered) >= PARALLEL_FROM:
            break
    if pool is None or len(buffered) < PARALLEL_FROM:
        read_back = holds_calendars(out_dir)
        manifest = Manifest(out_dir)
        try:
            for item in itertools.chain(buffered, items):
                yield item if isinstance(item, RowError) else process(item, request, out_dir, manifest, read_back)
        finally:
            manifest.close()
        return
    # A bounded window of chunks in flight keeps order and memory flat (Pool.imap would read the whole CSV ahead).
    window: deque = deque()
    for chunk in _chunks(itertools.chain(buffered, items)):
        window.append(pool.pool.apply_async(_process_chunk, (chunk,)))
        if len(window) >= 4 * pool.workers:
            yield from window.popleft().get()
    while window:
        yield from window.popleft().get()


def idle_cores() -> int:
    """The default --jobs: the cores this process may use that other programs leave idle (by the load
    average). Workers cost about 15% more CPU than one process (each row's plan travels to them), so on a
    machine whose other core is busy a pool would lose to --jobs 1; with one idle core it is --jobs 1."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this system: count every core as idle
        busy = 0.0
    return max(1, min(cores, round(cores - busy)))


def _chunks(items: Iterable[tuple[Identified, Plan] | RowError]) -> Iterator[list[tuple[Identified, Plan] | RowError]]:
    chunk: list[tuple[Identified, Plan] | RowError] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_WORKER: tuple[Request, Path, Manifest, bool] | None = None


def _init_worker(request: Request, out_dir: Path, read_back: bool) -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group: the main process stops the run and ends the pool, so a worker
    # ignores it rather than print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = (request, out_dir, Manifest(out_dir), read_back)  # its own connection: none crosses a fork


def _process_chunk(chunk: list[tuple[Identified, Plan] | RowError]) -> list[Rendered | RowError]:
    assert _WORKER is not None
    request, out_dir, manifest, read_back = _WORKER
    return [item if isinstance(item, RowError) else process(item, request, out_dir, manifest, read_back)
            for item in chunk]


def holds_calendars(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds any .ics file (of an earlier run, or the user's). A folder that holds none has
    no file for a row to replace, so no row reads one back: a first run is spared a failing open per row."""
    try:
        with os.scandir(out_dir) as entries:
            return any(entry.name.lower().endswith(".ics") for entry in entries)
    except FileNotFoundError:  # not made yet (the pool's workers are started before it is)
        return False
    except OSError:  # a folder we may search but not list: every row looks for its file, as before
        return True


def process(item: tuple[Identified, Plan], request: Request, out_dir: Path, manifest: Manifest,
            read_back: bool = True) -> Rendered | RowError:
    """Word and render one planned row, once; events that differ from the file it replaces get a higher
    SEQUENCE. What that file holds comes from the manifest; the file is read back only when the manifest
    does not know it as it is (written by an older version, or changed since), and when ``read_back``
    (holds_calendars: the folder held calendars when the run began)."""
    identified, planned = item
    schedule = word_plan(planned, *words_for(identified.row.raw, request))
    name = f"{identified.stem}.ics"
    steps = schedule.steps
    zones: dict[str, tuple[datetime, datetime]] = {}
    first = last = None
    if steps:  # (else a calendar without events, as `generate` writes it)
        first, last = step_span(steps)
        widen(zones, schedule.interview.zone, first, last)  # shape.zone_spans([schedule]), from the span found once
    try:
        drafted = draft([schedule], zones=zones)
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        return RowError(identified.row.number, identified.row.column("timezone"), str(error))
    entry = manifest.get(name)
    in_place = None
    kept: Mapping[str, Kept] = {}
    if entry is not None and entry.matches(out_dir / name):
        kept = entry.kept()
        # (a manifest of an older version holds the digest of the bytes: still the same calendar)
        same = entry.digest == drafted.digest or (entry.digest is not None and entry.digest == bytes_digest(drafted))
        in_place = entry.stat if same else None
    elif read_back:
        previous = read_regular(out_dir / name)  # never through a symlink to a file elsewhere
        kept = kept_in(previous, drafted, request.now) if previous else {}
    data, record = _finished(drafted, request.now, kept)
    return Rendered(
        row=identified.row.number, stem=identified.stem, data=data, zone=schedule.interview.zone,
        first=first, last=last, events=len(steps),
        notices=schedule.notices, default_zone=not identified.row.raw.timezone.strip(),
        digest=drafted.digest, record=record, in_place=in_place)


def _finished(drafted: Draft, now: datetime, kept: Mapping[str, Kept]) -> tuple[bytes, bytes]:
    """The calendar's bytes and its events' revisions packed for the manifest: finish, then pack_events. A
    calendar written for the first time (every file of a first batch) has every event new: then neither
    makes a revision per event."""
    if not kept:
        return stamped(drafted, now), pack_new(drafted.uids, drafted.digests, now)
    data, revisions = finish(drafted, now, kept)
    return data, pack_events(drafted.uids, revisions)


def _load_seen(path: Path) -> FirstSeen:
    """When each undated outcome was first seen, as kept by the last run (nothing if unreadable)."""
    raw = read_regular(path)
    if not raw:
        return FirstSeen()
    try:
        return FirstSeen((str(key), datetime.fromisoformat(value)) for key, value in json.loads(raw).items())
    except (ValueError, TypeError, AttributeError):
        return FirstSeen()


def _dump_seen(seen: FirstSeen) -> Iterator[bytes]:
    """The seen file, as ``json.dumps(dict(sorted(seen.items())), indent=1)`` and a newline would give it (the
    file of earlier versions), written _SEEN_BATCH entries at a time: never whole in memory."""
    lines: list[str] = []
    separator = "{\n "
    for key, moment in seen.texts():
        lines.append(f"{separator}{_json_text(key)}: {_json_text(moment)}")
        separator = ",\n "
        if len(lines) >= _SEEN_BATCH:
            yield "".join(lines).encode("utf-8")
            lines = []
    lines.append("{}\n" if separator == "{\n " else "\n}\n")
    yield "".join(lines).encode("utf-8")


_SEEN_BATCH = 1_024  # entries of the seen file written at once
# json.dumps of a str, as json.dumps gives it (ensure_ascii), without the encoder object it makes for each call.
_json_text = json.encoder.encode_basestring_ascii


def _write_combined(path: Path, combined: _Combined, report: BatchReport, name: str) -> None:
    """all.ics: the shell with one VTIMEZONE per zone, then every interview's events as rendered."""
    with path.open("wb") as out:
        out.write(shell_head(name, combined.spans).encode("utf-8"))
        append(out, combined.events_file)
        out.write(_CALENDAR_END)
    combined.events_file.unlink()


def _make_folder(out_dir: Path) -> tuple[int, int] | None:
    """Create ``out_dir`` if missing: its device and inode if this run made it (folder.place_fresh), else None."""
    if os.path.lexists(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)  # raises as before for a file there
        return None
    out_dir.mkdir(parents=True, exist_ok=True)  # exist_ok: someone else may make it first
    made = os.lstat(out_dir)
    return made.st_dev, made.st_ino


def _remove_stale_staging(out_dir: Path) -> None:
    """Staging folders left by a run that was killed: ours by name, never the user's files; inside the folder
    or, killed between place_fresh's renames, beside it."""
    for stale in out_dir.glob(f"{STAGING_PREFIX}*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    remove_stale_aside(out_dir, STAGING_PREFIX)


def _sync() -> None:
    """Flush the staged files to disk once before renaming them into place."""
    if hasattr(os, "sync"):
        os.sync()


