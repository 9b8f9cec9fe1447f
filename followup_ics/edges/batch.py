"""A CSV of interviews -> one .ics per interview plus all.ics, the combined calendar.

Validation comes before writing: every row is planned and rendered into a staging folder inside the
output folder, and only when no row is bad (or --skip-invalid) are the files renamed into place, each
atomically. A failed run leaves the earlier output as it was; a run killed while renaming is finished
by the next one, and files of earlier runs no longer produced are removed (folder.py: the manifest and
the journal).

Each interview is built and serialised once; all.ics reuses those VEVENT bytes, streamed through a
temp file, so memory stays flat however many rows there are. Large batches use every core.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from followup_ics.app.config import Request
from followup_ics.app.interview import words_for
from followup_ics.app.roster import Identified, Roster, RowError
from followup_ics.core.errors import FollowupError
from followup_ics.core.identity import COMBINED
from followup_ics.core.records import Plan
from followup_ics.edges.files import read_regular, write_atomic
from followup_ics.edges.folder import commit, finish_interrupted, interrupted
from followup_ics.edges.spreadsheet import CsvError, column_note, read_rows
from followup_ics.ical.shape import widen
from followup_ics.ical.writer import render, shell_head
from followup_ics.wording.language import language
from followup_ics.wording.texts import collection_name, word_plan

STAGING_PREFIX = ".followup-ics-staging-"
SEEN_FILE = ".followup-ics-seen.json"  # when undated outcomes were first seen, kept for the next run
PARALLEL_FROM = 200  # rows; below this, starting workers costs more than it saves
CHUNK = 64
_EVENTS_START = b"BEGIN:VEVENT\r\n"
_CALENDAR_END = b"END:VCALENDAR\r\n"


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
    default_zone: bool  # the row named no zone of its own


@dataclass
class BatchReport:
    interviews: int = 0
    events: int = 0
    files: int = 0  # written, all.ics included
    rows: int = 0  # rows read, good and bad
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
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
    seen_path = out_dir / SEEN_FILE
    roster = Roster(lambda: read_rows(source)[1], request, _load_seen(seen_path))
    report.rows = roster.rows
    if roster.errors and not skip_invalid:
        report.errors = roster.errors
        report.seconds = time.perf_counter() - started
        return report
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    keep_staging = False
    try:
        combined = _stage(roster, staging, out_dir, request, report, jobs, progress)
        if report.errors and not skip_invalid:
            return report
        if not report.interviews and not report.errors:
            raise CsvError("no interviews below the header row")
        report.skipped, report.errors = report.errors, []
        combined_path = staging / COMBINED
        _write_combined(combined_path, combined, report, collection_name(language(request.language)))
        seen = roster.first_seen_dates()
        _sync()
        try:
            report.files, report.removed = commit(staging, out_dir, combined=COMBINED,
                                                  keep_old=bool(report.skipped))
        except OSError:
            keep_staging = interrupted(out_dir)  # renaming began: the next run finishes it from staging
            raise
        if seen:
            write_atomic(seen_path, _dump_seen(seen).encode("utf-8"))
        else:
            seen_path.unlink(missing_ok=True)
        return report
    finally:
        if not keep_staging:
            shutil.rmtree(staging, ignore_errors=True)
        report.seconds = time.perf_counter() - started


@dataclass
class _Combined:
    """What all.ics is assembled from: zone spans in order of first use and a temp file of events."""

    events_file: Path
    spans: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)


def _stage(roster: Roster, staging: Path, out_dir: Path, request: Request, report: BatchReport,
           jobs: int | None, progress: Callable[[int], None] | None) -> _Combined:
    combined = _Combined(staging / ".events")
    with combined.events_file.open("wb") as events_out:
        for result in _results(roster.plans(), request, out_dir, jobs):
            if progress:
                progress(1)
            if isinstance(result, RowError):
                report.errors.append(result)
                continue
            data = result.data
            (staging / f"{result.stem}.ics").write_bytes(data)
            events_out.write(_events(data))
            report.interviews += 1
            report.events += result.events
            report.default_zone_rows += result.default_zone
            report.notices += [f"row {result.row}: {n}" for n in result.notices]
            widen(combined.spans, result.zone, result.first, result.last)
        stream = roster.stream_schedule()
        if stream is not None:
            # The search's keep-searching stream belongs to no one interview: only all.ics holds it.
            data = render([stream], stamp=request.now, previous=read_regular(out_dir / COMBINED))
            events_out.write(_events(data))
            report.events += len(stream.steps)
            widen(combined.spans, stream.interview.zone, stream.steps[0].start, stream.steps[-1].end)
    return combined


def _events(calendar: bytes) -> bytes:
    """The VEVENTs of one rendered calendar, as bytes to splice into all.ics."""
    return calendar[calendar.index(_EVENTS_START):-len(_CALENDAR_END)]


def _results(items: Iterator[tuple[Identified, Plan] | RowError], request: Request, out_dir: Path,
             jobs: int | None) -> Iterator[Rendered | RowError]:
    """Each planned row worded and rendered, in order, in worker processes for large inputs."""
    buffered: list[tuple[Identified, Plan] | RowError] = []
    for item in items:
        buffered.append(item)
        if len(buffered) >= PARALLEL_FROM:
            break
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(buffered) < PARALLEL_FROM or workers <= 1:
        for item in itertools.chain(buffered, items):
            yield item if isinstance(item, RowError) else process(item, request, out_dir)
        return
    import multiprocessing
    from collections import deque

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    from followup_ics.app.workweek import preload

    preload(request.settings.workdays)  # once here rather than once in every forked worker
    with context.Pool(workers, initializer=_init_worker, initargs=(request, out_dir)) as pool:
        # A bounded window of chunks in flight keeps order and memory flat (Pool.imap would read
        # the whole CSV ahead).
        window: deque = deque()
        for chunk in _chunks(itertools.chain(buffered, items)):
            window.append(pool.apply_async(_process_chunk, (chunk,)))
            if len(window) >= 4 * workers:
                yield from window.popleft().get()
        while window:
            yield from window.popleft().get()


def _chunks(items: Iterable[tuple[Identified, Plan] | RowError]) -> Iterator[list[tuple[Identified, Plan] | RowError]]:
    chunk: list[tuple[Identified, Plan] | RowError] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_WORKER: tuple[Request, Path] | None = None


def _init_worker(request: Request, out_dir: Path) -> None:
    global _WORKER
    _WORKER = (request, out_dir)


def _process_chunk(chunk: list[tuple[Identified, Plan] | RowError]) -> list[Rendered | RowError]:
    assert _WORKER is not None
    request, out_dir = _WORKER
    return [item if isinstance(item, RowError) else process(item, request, out_dir) for item in chunk]


def process(item: tuple[Identified, Plan], request: Request, out_dir: Path) -> Rendered | RowError:
    """Word and render one planned row, once; events that differ from the file it replaces get a higher
    SEQUENCE."""
    identified, planned = item
    schedule = word_plan(planned, *words_for(identified.row.raw, request))
    try:
        previous = read_regular(out_dir / f"{identified.stem}.ics")  # never through a symlink to a file elsewhere
        data = render([schedule], stamp=request.now, previous=previous)
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        return RowError(identified.row.number, identified.row.column("timezone"), str(error))
    steps = schedule.steps
    return Rendered(
        row=identified.row.number, stem=identified.stem, data=data, zone=schedule.interview.zone,
        first=min(s.start for s in steps), last=max(s.end for s in steps), events=len(steps),
        notices=schedule.notices, default_zone=not identified.row.raw.timezone.strip())


def _load_seen(path: Path) -> dict[str, datetime]:
    """When each undated outcome was first seen, as kept by the last run (nothing if unreadable)."""
    raw = read_regular(path)
    if not raw:
        return {}
    try:
        return {str(key): datetime.fromisoformat(value) for key, value in json.loads(raw).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def _dump_seen(seen: dict[str, datetime]) -> str:
    return json.dumps({key: moment.isoformat() for key, moment in sorted(seen.items())}, indent=1) + "\n"


def _write_combined(path: Path, combined: _Combined, report: BatchReport, name: str) -> None:
    """all.ics: the shell with one VTIMEZONE per zone, then every interview's events as rendered."""
    with path.open("wb") as out:
        out.write(shell_head(name, combined.spans).encode("utf-8"))
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


