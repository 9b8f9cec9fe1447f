"""A CSV of interviews -> one .ics per interview plus all.ics, the combined calendar.

Validation comes before writing: every row is planned and rendered into a staging folder inside the
output folder, and only when no row is bad (or --skip-invalid) are the files renamed into place, each
atomically. A failed or interrupted run leaves the earlier output as it was.

Each interview is built and serialised once; all.ics reuses those VEVENT bytes, streamed through a
temp file, so memory stays flat however many rows there are. Large batches use every core.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from followup_ics.app.config import Request
from followup_ics.app.interview import make_schedule
from followup_ics.core.errors import FollowupError, InputError
from followup_ics.core.identity import file_stem
from followup_ics.core.records import Schedule
from followup_ics.edges.files import read_if_exists
from followup_ics.edges.spreadsheet import CsvError, Row, RowError, read_rows
from followup_ics.ical.reference import widen
from followup_ics.ical.writer import render, shell_head

COMBINED = "all.ics"
COMBINED_NAME = "Interview follow-ups"
STAGING_PREFIX = ".followup-ics-staging-"
PARALLEL_FROM = 200  # rows; below this, starting workers costs more than it saves
CHUNK = 64
_EVENTS_START = b"BEGIN:VEVENT\r\n"
_CALENDAR_END = b"END:VCALENDAR\r\n"
# Core field names -> CSV field names, for error messages.
_CSV_FIELD = {"reference": "references", "offer-deadline": "offer_deadline",
              "outcome-date": "outcome_date"}


@dataclass(frozen=True, slots=True)
class Rendered:
    """One row's output: the file it goes to and its bytes, with what all.ics needs from it."""

    row: int
    stem: str
    data: bytes
    zone: str
    first: datetime
    last: datetime
    events: int
    notices: tuple[str, ...]
    interview_id: str = ""  # set when the batch gave the interview an id of its own


@dataclass
class BatchReport:
    interviews: int = 0
    events: int = 0
    files: int = 0  # written, all.ics included
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    unknown_columns: tuple[str, ...] = ()
    default_zone_rows: int = 0  # rows without a timezone of their own
    seconds: float = 0.0


def run_batch(source: Path, out_dir: Path, request: Request, *, skip_invalid: bool = False,
              jobs: int | None = None, progress: Callable[[int], None] | None = None) -> BatchReport:
    """Plan and write every interview in ``source``; raise CsvError if the file itself is unusable."""
    started = time.perf_counter()
    header, rows = read_rows(source)
    report = BatchReport(unknown_columns=header.unknown)
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        combined = _stage(rows, staging, out_dir, request, report, jobs, progress)
        if report.errors and not skip_invalid:
            return report
        if not report.interviews and not report.errors:
            raise CsvError("no interviews below the header row")
        report.skipped, report.errors = report.errors, []
        combined_path = staging / COMBINED
        _write_combined(combined_path, combined, report)
        _sync()
        # The staged files are listed from the folder, not kept in memory: 100,000 names add up.
        with os.scandir(staging) as entries:
            for entry in entries:
                if entry.name.endswith(".ics") and entry.name != COMBINED:
                    os.replace(entry.path, out_dir / entry.name)
                    report.files += 1
        os.replace(combined_path, out_dir / COMBINED)
        report.files += 1
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        report.seconds = time.perf_counter() - started


@dataclass
class _Combined:
    """What all.ics is assembled from: zone spans in order of first use and a temp file of events."""

    events_file: Path
    spans: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)


def _stage(rows: Iterator[Row | RowError], staging: Path, out_dir: Path, request: Request,
           report: BatchReport, jobs: int | None,
           progress: Callable[[int], None] | None) -> _Combined:
    combined = _Combined(staging / ".events")
    naming = Naming()
    with combined.events_file.open("wb") as events_out:
        for result, row in _results(rows, request, jobs):
            if progress:
                progress(1)
            if isinstance(result, RowError):
                report.errors.append(result)
                continue
            assert row is not None
            named = naming.name(row, result.stem, result.first)
            if isinstance(named, RowError):
                report.errors.append(named)
                continue
            if named != result.stem:
                renamed = process_row(row, request, interview_id=named)
                assert isinstance(renamed, Rendered)
                result = renamed
            name = f"{result.stem}.ics"
            previous = read_if_exists(out_dir / name)
            data = _with_sequences(row, result, request, previous) if previous else result.data
            (staging / name).write_bytes(data)
            events_out.write(data[data.index(_EVENTS_START):-len(_CALENDAR_END)])
            report.interviews += 1
            report.events += result.events
            report.default_zone_rows += not row.raw.timezone.strip()
            report.notices += [f"row {result.row}: {n}" for n in result.notices]
            widen(combined.spans, result.zone, result.first, result.last)
    return combined


def _results(rows: Iterator[Row | RowError], request: Request,
             jobs: int | None) -> Iterator[tuple[Rendered | RowError, Row | None]]:
    """(result, row) for each row in order, computed in worker processes for large inputs."""
    buffered: list[Row | RowError] = []
    for item in rows:
        buffered.append(item)
        if len(buffered) >= PARALLEL_FROM:
            break
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(buffered) < PARALLEL_FROM or workers <= 1:
        for item in _chain(buffered, rows):
            yield (item if isinstance(item, RowError) else process_row(item, request)), _row(item)
        return
    import multiprocessing
    from collections import deque

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    from followup_ics.app.workweek import preload

    preload(request.settings.workdays)  # once here rather than once in every forked worker
    with context.Pool(workers, initializer=_init_worker, initargs=(request,)) as pool:
        # A bounded window of chunks in flight keeps order and memory flat (Pool.imap would read
        # the whole CSV ahead).
        window: deque = deque()
        for chunk in _chunks(_chain(buffered, rows)):
            window.append((chunk, pool.apply_async(_process_chunk, (chunk,))))
            if len(window) >= 4 * workers:
                yield from _drain(window.popleft())
        while window:
            yield from _drain(window.popleft())


def _drain(pending) -> Iterator[tuple[Rendered | RowError, Row | None]]:  # type: ignore[no-untyped-def]
    chunk, result = pending
    for item, outcome in zip(chunk, result.get(), strict=True):
        yield outcome, _row(item)


def _chain(first: list[Row | RowError], rest: Iterator[Row | RowError]) -> Iterator[Row | RowError]:
    yield from first
    yield from rest


def _chunks(items: Iterable[Row | RowError]) -> Iterator[list[Row | RowError]]:
    chunk: list[Row | RowError] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_WORKER_REQUEST: Request | None = None


def _init_worker(request: Request) -> None:
    global _WORKER_REQUEST
    _WORKER_REQUEST = request


def _process_chunk(chunk: list[Row | RowError]) -> list[Rendered | RowError]:
    assert _WORKER_REQUEST is not None
    return [item if isinstance(item, RowError) else process_row(item, _WORKER_REQUEST) for item in chunk]


def _row(item: Row | RowError) -> Row | None:
    return item if isinstance(item, Row) else None


def plan_row(row: Row, request: Request, *, interview_id: str = "") -> Schedule | RowError:
    """Validate and plan one row; any bad value becomes a RowError naming its column."""
    raw = replace(row.raw, id=interview_id) if interview_id else row.raw
    try:
        return make_schedule(raw, request)
    except InputError as error:
        field = _CSV_FIELD.get(error.field, error.field)
        return RowError(row.number, row.columns.get(field, field), error.message, error.value)
    except FollowupError as error:
        return RowError(row.number, "", str(error))


def process_row(row: Row, request: Request, *, interview_id: str = "") -> Rendered | RowError:
    """Validate, plan and render one row."""
    schedule = plan_row(row, request, interview_id=interview_id)
    if isinstance(schedule, RowError):
        return schedule
    try:
        data = render([schedule], stamp=request.now)
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        return RowError(row.number, row.columns.get("timezone", "timezone"), str(error))
    steps = schedule.steps
    return Rendered(
        row=row.number, stem=file_stem(schedule.interview), data=data,
        zone=schedule.interview.zone, first=min(s.start for s in steps), last=max(s.end for s in steps),
        events=len(steps), notices=schedule.notices, interview_id=interview_id)


class Naming:
    """Each valid row's file stem: an exact repeat of a row or a clashing id is an error, and a second
    interview at one company on one day (another round) gets its start time added: '-HHMM'."""

    def __init__(self) -> None:
        # Keyed by 16-byte digests, not the texts: memory per row stays small for huge files.
        self._stems: dict[bytes, int] = {}
        self._rows: dict[bytes, int] = {}

    def name(self, row: Row, stem: str, first: datetime) -> str | RowError:
        duplicate_of = self._rows.setdefault(_digest("\x1f".join(row.cells)), row.number)
        if duplicate_of != row.number:
            return RowError(row.number, "", f"repeats row {duplicate_of} exactly")
        key = _digest(stem)
        if key in self._stems:
            if row.raw.id.strip():
                return RowError(row.number, _column(row, "id"), f"same id as row {self._stems[key]}")
            base = f"{stem}-{first:%H%M}"
            stem, counter = base, 2
            while (key := _digest(stem)) in self._stems:
                stem, counter = f"{base}-{counter}", counter + 1
        self._stems[key] = row.number
        return stem


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _with_sequences(row: Row | None, result: Rendered, request: Request, previous: bytes) -> bytes:
    """Re-render against the file being replaced, so changed events get a higher SEQUENCE."""
    assert row is not None
    raw = replace(row.raw, id=result.interview_id) if result.interview_id else row.raw
    return render([make_schedule(raw, request)], stamp=request.now, previous=previous)


def _column(row: Row, field_name: str) -> str:
    return row.columns.get(field_name, field_name)


def _write_combined(path: Path, combined: _Combined, report: BatchReport) -> None:
    """all.ics: the shell with one VTIMEZONE per zone, then every interview's events as rendered."""
    with path.open("wb") as out:
        out.write(shell_head(COMBINED_NAME, combined.spans).encode("utf-8"))
        with combined.events_file.open("rb") as events:
            shutil.copyfileobj(events, out, 1 << 20)
        out.write(_CALENDAR_END)
    combined.events_file.unlink()


def _remove_stale_staging(out_dir: Path) -> None:
    """Staging folders left by a run that was killed: ours by name, never the user's files."""
    for stale in out_dir.glob(f"{STAGING_PREFIX}*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _sync() -> None:
    """Flush the staged files to disk once before renaming them into place."""
    if hasattr(os, "sync"):
        os.sync()


