"""A roster: the interviews of a spreadsheet, each identified, planned and worded once, in row order.

Identity comes first, from the interview itself: its file stem and UIDs never depend on which steps the
plan holds (a second round at one company on one day gets its own start time added, '-HHMM', whether or
not the interview event is written). Then each interview is planned and worded once. Every edge that turns
a CSV into calendars (batch, feeds, export-site) goes through here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from followup_ics.app.config import Request
from followup_ics.app.fields import RawInterview, build_interview
from followup_ics.core.errors import FollowupError, InputError
from followup_ics.core.identity import file_stem, interview_key
from followup_ics.core.planner import plan_interview
from followup_ics.core.records import Interview, Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.wording.english import word_plan


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell or row: where, which column as the file names it, the value, what is wrong."""

    row: int
    column: str
    message: str
    value: str | None = None

    def describe(self, source: str) -> str:
        column = f" column {self.column!r}:" if self.column else ""
        shown = ""
        if self.value is not None:
            value = self.value if len(self.value) <= 60 else self.value[:59] + "…"
            shown = f" ({value!r})"
        return f"{source}:{self.row}:{column} {self.message}{shown}"


@dataclass(frozen=True, slots=True)
class Row:
    """One interview row: its spreadsheet row number, its cells, its raw interview, and the header text of the
    column each field came from (for error messages)."""

    number: int
    cells: tuple[str, ...]
    raw: RawInterview
    columns: Mapping[str, str]

    def column(self, field: str) -> str:
        """The column a field's value came from, as the file names it."""
        return self.columns.get(field, field)

    def error(self, error: FollowupError) -> RowError:
        if isinstance(error, InputError):
            return RowError(self.number, self.column(error.field), error.message, error.value)
        return RowError(self.number, "", str(error))


@dataclass(frozen=True, slots=True)
class Identified:
    """A valid row's interview with its final identity (id set when the roster had to tell two apart)."""

    row: Row
    interview: Interview
    stem: str
    notices: tuple[str, ...]


def identify(row: Row, request: Request, naming: Naming) -> Identified | RowError:
    """Validate one row and give its interview a stem no other row of the roster has."""
    try:
        interview, notices = build_interview(
            row.raw, zone_name=request.zone, day_first=request.day_first,
            default_duration=timedelta(minutes=request.settings.interview.duration))
    except FollowupError as error:
        return row.error(error)
    stem = naming.name(row, file_stem(interview), local(tzinfo(interview.zone), interview.start))
    if isinstance(stem, RowError):
        return stem
    if stem != file_stem(interview):
        interview = replace(interview, interview_id=stem)
    return Identified(row, interview, stem, notices)


def plan(item: Identified, request: Request, first_seen: Mapping[str, datetime] | None = None) -> Schedule:
    """The worded plan of one identified interview.

    A closed interview without an outcome date is closed as of the run that first saw it closed
    (``first_seen``, keyed by interview key), else as of now.
    """
    as_of = request.now
    if first_seen and item.interview.status.is_closed and item.interview.outcome_at is None:
        as_of = first_seen.get(interview_key(item.interview), as_of)
    worded = word_plan(plan_interview(item.interview, request.settings, as_of=as_of))
    return worded._replace(notices=item.notices + worded.notices)


def closed_as_of(item: Identified, request: Request, first_seen: Mapping[str, datetime]) -> tuple[str, datetime] | None:
    """(interview key, when it was first seen closed) for a closed interview without an outcome date."""
    if not item.interview.status.is_closed or item.interview.outcome_at is not None:
        return None
    key = interview_key(item.interview)
    return key, first_seen.get(key, request.now)


def plan_rows(rows: Iterable[Row | RowError], request: Request,
              first_seen: Mapping[str, datetime] | None = None) -> Iterator[tuple[Identified, Schedule] | RowError]:
    """Each row identified and planned once, in order; bad rows as RowErrors."""
    naming = Naming()
    for row in rows:
        item = row if isinstance(row, RowError) else identify(row, request, naming)
        yield item if isinstance(item, RowError) else (item, plan(item, request, first_seen))


class Naming:
    """Each valid row's file stem: an exact repeat of a row or a clashing id is an error, and a second
    interview at one company on one day (another round) gets its local start time added: '-HHMM'."""

    def __init__(self) -> None:
        # Keyed by 16-byte digests, not the texts: memory per row stays small for huge files.
        self._stems: dict[bytes, int] = {}
        self._rows: dict[bytes, int] = {}

    def name(self, row: Row, stem: str, start: datetime) -> str | RowError:
        duplicate_of = self._rows.setdefault(_digest("\x1f".join(row.cells)), row.number)
        if duplicate_of != row.number:
            return RowError(row.number, "", f"repeats row {duplicate_of} exactly")
        key = _digest(stem)
        if key in self._stems:
            if row.raw.id.strip():
                return RowError(row.number, row.column("id"), f"same id as row {self._stems[key]}")
            base = f"{stem}-{start:%H%M}"
            stem, counter = base, 2
            while (key := _digest(stem)) in self._stems:
                stem, counter = f"{base}-{counter}", counter + 1
        self._stems[key] = row.number
        return stem


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
