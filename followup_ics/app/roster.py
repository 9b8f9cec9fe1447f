"""A roster: the interviews of a spreadsheet planned as one job search, each row identified, planned and
worded once, in row order.

Identity comes first, from the interview itself: its file stem and UIDs never depend on which steps the
plan holds (a second round at one company on one day gets its own start time added, '-HHMM', whether or
not the interview event is written). Then each row is planned as a round of its application, knowing the
others (core/search.py). Every edge that turns a CSV into calendars (batch, feeds, export-site) goes
through here.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import marshal
import pickle
import sqlite3
import struct
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from followup_ics.app.config import Request
from followup_ics.app.fields import RawInterview, build_interview, undated_outcome
from followup_ics.app.interview import language_code, words_for
from followup_ics.app.workweek import environment, week_for
from followup_ics.core import search
from followup_ics.core.errors import FollowupError, InputError
from followup_ics.core.identity import file_stem
from followup_ics.core.records import Interview, Person, Plan, Schedule, Step
from followup_ics.core.search import (
    DECIDING,
    Application,
    SearchFacts,
    Stagger,
    first_seen,
    first_seen_dates,
    held_minutes,
    keeps_first_seen,
    plan_round,
    plan_stream,
    round_facts,
    seen_key,
    undecided,
)
from followup_ics.core.wallclock import local
from followup_ics.core.workdays import WorkWeek
from followup_ics.core.zones import tzinfo
from followup_ics.wording.language import Language, language
from followup_ics.wording.texts import word_plan, word_stream


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


class Row(NamedTuple):
    """One interview row: its spreadsheet row number, its cells, its raw interview, and the header text of the
    column each field came from (for error messages). Its cells passed the text check as they were read (a
    cell that does not is a RowError): every value of ``raw`` is a cell or part of one, so it passes too.
    (A NamedTuple: made for every row of each reading, and cheaper to make than a frozen dataclass.)"""

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


class Identified(NamedTuple):
    """A valid row's interview with its final identity (id set when the roster had to tell two apart) and
    the application it is a round of. (A NamedTuple, as Row.)"""

    row: Row
    interview: Interview
    stem: str
    notices: tuple[str, ...]
    application: str


def application_key(row: Row, interview: Interview, own: str = "") -> str:
    """Rows with the same id are rounds of one application; without an id, the same company and role (for the
    same candidate: a coach's spreadsheet may hold two people interviewing at one company)."""
    if row.raw.id.strip():
        return "id:" + row.raw.id.strip().casefold()
    return "\x1f".join(("name", candidate_of(row, own), interview.company.casefold(), interview.role.casefold()))


def candidate_of(row: Row, own: str = "") -> str:
    """Whose search a row belongs to: its `me` column, else ("") the one person the spreadsheet is about, who
    is also the run's own person (``own``: ``person(request.me)``) when a row names them."""
    name = person(row.raw.me)
    return "" if name == own else name


def person(name: str) -> str:
    """A name as it tells people apart: spaces and case do not."""
    return sys.intern(" ".join(name.split()).casefold())  # one string per candidate, however many rows


def identify(row: Row, request: Request, naming: Naming, env: tuple[str, str] | None = None,
             own: str | None = None) -> Identified | RowError:
    """Validate one row and give its interview a stem no other row of the roster has; ``env``:
    workweek.environment(), if read already; ``own``: ``person(request.me)``, likewise."""
    checked = _checked(row, request, env)
    if isinstance(checked, RowError):
        return checked
    interview, notices = checked
    own_stem = file_stem(interview)
    stem = naming.name(row, interview, own_stem)
    if isinstance(stem, RowError):
        return stem
    return _identified(row, interview, notices, stem, stem != own_stem, person(request.me) if own is None else own)


def _checked(row: Row, request: Request,
             env: tuple[str, str] | None = None) -> tuple[Interview, tuple[str, ...]] | RowError:
    """The row's interview and notices, or what is wrong with it."""
    try:
        interview, notices = build_interview(
            row.raw, zone_name=request.zone, day_first=request.day_first,
            default_duration=timedelta(minutes=request.settings.interview.duration), text_checked=True)
        words_for(row.raw, request)  # an unknown language is the row's error, found before anything is planned
        _, week_notice = week_for(row.raw.country, row.raw.region, interview.zone, request.settings.workdays,
                                  env=env)
    except FollowupError as error:
        return row.error(error)
    return interview, notices + ((week_notice,) if week_notice else ())


def cells_digest(row: Row) -> bytes:
    """What a row holds, in 16 bytes: Naming knows an exact repeat of an earlier row by it."""
    return _digest("\x1f".join(row.cells))


def _identified(row: Row, interview: Interview, notices: tuple[str, ...], stem: str, renamed: bool,
                own: str) -> Identified:
    """``renamed``: the stem is not the interview's own (a second round, another interview that day);
    ``own``: the run's own person (see candidate_of)."""
    if renamed:
        interview = interview._replace(interview_id=stem)
    return Identified(row, interview, stem, notices, application_key(row, interview, own))


class Roster:
    """The rows of one spreadsheet planned as one search, in two passes: the first learns what each application
    needs to know of the others, the second plans. ``rows`` is read once, by the first: what it made of each
    row is kept for the second (Stems), as are each application's facts and each candidate's last row, in
    memory up to a bound, then on disk.

    ``first_seen`` holds when each undated outcome (and each offer without its arrival) was first seen,
    so that re-planning later moves nothing; ``first_seen_dates()`` gives them back to keep.
    """

    def __init__(self, rows: Callable[[], Iterable[Row | RowError]], request: Request,
                 first_seen: Mapping[str, datetime] | None = None) -> None:
        self._rows = rows
        self._request = request
        # A FirstSeen is kept as it is (on disk when large); any other mapping is copied.
        self._first_seen: Mapping[str, datetime] = (
            first_seen if isinstance(first_seen, FirstSeen) else dict(first_seen or {}))
        self._spill = Spill()
        self.facts = SearchFacts(Applications(self._spill))
        self.errors: list[RowError] = []  # every bad row, found before anything is planned
        self.rows = 0  # rows read, good and bad: an error list says how many of them were bad
        self._stagger = Stagger(request.settings)
        # Each candidate's interviews are held on their calendar before any of their steps is placed, and the
        # calendar is dropped after their last row: kept until then in a Reservations (on disk when large).
        self._reservations = Reservations()
        self._last_rows = LastRows(self._spill)
        # What the first pass made of each row (its Identified, or that it was bad) is kept for the second, which
        # then need not read, check, build or name the rows again.
        self._stems = Stems(self._spill)
        self._env = _environment()
        self._own = person(request.me)
        naming = Naming()
        for row in rows():
            self.rows += 1
            item = row if isinstance(row, RowError) else identify(row, request, naming, self._env, self._own)
            self._stems.add(item)
            if isinstance(item, RowError):
                self.errors.append(item)
                continue
            candidate = candidate_of(item.row, self._own)
            self.facts.add(round_facts(item.interview, item.application, first_seen=self._first_seen,
                                       now=request.now, candidate=candidate))
            self._last_rows.seen(candidate, item.row.number)
            if request.settings.interview.include:
                self._reservations.add(candidate, item.interview.start, item.interview.end)
        self._last_rows.done()
        del naming
        # Each candidate's keep-searching stream is planned when the candidate is first held, kept (placed) until
        # their last row, then worded and handed on by streams(): only the streams of candidates being planned
        # are held. The file's own person's keeps the run's zone and its working days (its country, or the one
        # given); another person's, those of their first row.
        self._stream_week, _ = week_for("", "", request.zone, request.settings.workdays, request.language)
        self._open: dict[str, _OpenStream] = {}
        self._finished: deque[tuple[int, Schedule]] = deque()

    def _hold(self, candidate: str, item: Identified, week: WorkWeek) -> None:
        """Put the candidate's interviews on their calendar, once, before their first step is placed; then
        their keep-searching stream, so that it comes first on their calendar (as for one person's file).
        ``item`` is the candidate's first row, planned with the working days ``week``."""
        if candidate in self._open:
            return
        for minute, minutes in self._reservations.take(candidate):
            self._stagger.reserve(minute, minutes, candidate)
        request = self._request
        if candidate:  # someone else than the run's own person: in their zone and words, on their working days
            zone = item.interview.zone
            words = words_for(item.row.raw, request)
        else:
            zone, week, words = request.zone, self._stream_week, (language(request.language), request.me)
        steps = plan_stream(self.facts, request.settings, zone, week=week, candidate=candidate)
        placed = self._stagger.place_steps(steps, zone, week, candidate)
        self._open[candidate] = _OpenStream(*words, zone, placed)

    def _finish(self, candidate: str, row: int) -> None:
        """The candidate's last row is planned: their stream is complete, to be written after that row."""
        stream = self._open.pop(candidate)
        if stream.steps:
            self._finished.append((row, self._worded(candidate, stream)))

    def _worded(self, candidate: str, stream: _OpenStream) -> Schedule:
        # The file's own person keeps the UIDs a one-person search always had; anyone else's are derived from
        # their name alone (interview_key adds a digest of it), so that no other row or person moves them.
        stream_id = f"{STREAM_ID} {candidate}" if candidate else STREAM_ID
        owner = Interview(company=STREAM_NAME, start=stream.steps[0].start, zone=stream.zone, interview_id=stream_id)
        return word_stream(Plan(owner, stream.steps), stream.language, stream.me)

    def plans(self) -> Iterator[tuple[Identified, Plan] | RowError]:
        """Each row identified and planned once, in row order; bad rows as RowErrors."""
        settings = self._request.settings
        errors = iter(self.errors)
        for item in self._stems:
            if item is None:  # bad in the first pass: its error
                yield next(errors)
                continue
            raw = item.row.raw
            week, _ = week_for(raw.country, raw.region, item.interview.zone, settings.workdays,
                               language_code(raw, self._request), self._env)  # (its notice: one of item's)
            app = self.facts.applications[item.application]
            planned = plan_round(item.interview, item.application, self.facts, settings, week=week,
                                 first_round=item.interview.start == min(app.starts))
            if app.status is not item.interview.status:
                # Every round says where the application stands, so a recorded outcome updates them all.
                planned = planned._replace(interview=item.interview._replace(status=app.status))
            candidate = candidate_of(item.row, self._own)
            self._hold(candidate, item, week)
            placed = self._stagger.place(planned, week, candidate)
            if self._last_rows.last(candidate) == item.row.number:  # their calendar is complete: let it go
                self._stagger.forget(candidate)
                self._finish(candidate, item.row.number)
            # plan_round gave only steps before the application is decided: only a step placed later can be past it
            steps = planned.steps if placed is planned else tuple(undecided(placed.steps, item.application,
                                                                            self.facts))
            yield item, Plan(placed.interview, steps, item.notices + self._undated(item) + placed.notices)
        for candidate in list(self._open):  # (none: each was finished at their last row)
            self._finish(candidate, sys.maxsize)

    def _undated(self, item: Identified) -> tuple[str, ...]:
        """The row's status without an outcome date, dated at the interview's end because it is still
        ahead: said, as generate and record say it."""
        interview = item.interview
        if not interview.status.is_closed or interview.outcome_at is not None:
            return ()
        known = self._first_seen.get(seen_key(item.application, interview.status), self._request.now)
        _, notice = undated_outcome(interview.status, interview.end, known, interview.zone)
        return (notice,) if notice else ()

    def schedules(self) -> Iterator[tuple[Identified, Schedule] | RowError]:
        """``plans()``, worded."""
        for result in self.plans():
            yield result if isinstance(result, RowError) else (
                result[0], word_plan(result[1], *words_for(result[0].row.raw, self._request)))

    def streams(self, upto: int | None = None) -> Iterator[Schedule]:
        """The keep-searching streams complete so far and not yet taken, one per candidate, for the combined
        calendar: each goes after its candidate's last row (``upto``: only those of rows up to that number;
        None: every one). Taken while plans() runs, they are let go of as they are written."""
        while self._finished and (upto is None or self._finished[0][0] <= upto):
            yield self._finished.popleft()[1]

    def first_seen_dates(self) -> dict[str, datetime]:
        return first_seen_dates(self.facts)

    def seen_dates(self) -> FirstSeen:
        """``first_seen_dates()`` in a FirstSeen: on disk when large (in the roster's temporary file, whose page
        cache is full by then), as a huge file's seen file is written."""
        return FirstSeen(first_seen(self.facts), self._spill)


STREAM_ID = "search"  # the keep-searching stream's UIDs: search.keep-searching-20261202@followup-ics
STREAM_NAME = "Job search"


class _OpenStream(NamedTuple):
    """A candidate's keep-searching stream, placed on their calendar, while their rows are planned."""

    language: Language  # the candidate's words
    me: str  # who signs it
    zone: str
    steps: tuple[Step, ...]


class Naming:
    """Each valid row's file stem: an exact repeat of a row is an error; a second interview at one company
    on one day gets its local start time added ('-HHMM'); another row with the same id is the application's
    next round ('-2', '-3' in row order), and must name the same company.

    What it must remember of every earlier row (its digest, its stem's, its id's) is kept in DigestTables:
    in memory up to a bound, then in a temporary file, so memory stays flat however many rows there are.
    """

    def __init__(self) -> None:
        self._store = Spill()
        self._stems = DigestTable(self._store, "stems", 1)  # stem -> the row that took it
        self._rows = DigestTable(self._store, "rows", 1)  # the row's cells -> the first row with them
        self._ids = DigestTable(self._store, "ids", 3)  # id -> first row, company digest, rounds so far

    def name(self, row: Row, interview: Interview, own: str | None = None) -> str | RowError:
        """``own``: the interview's file_stem, if worked out already."""
        duplicate_of = self._rows.setdefault(cells_digest(row), (row.number,))
        if duplicate_of is not None:
            return RowError(row.number, "", f"repeats row {duplicate_of[0]} exactly")
        stem = own or file_stem(interview)
        given_id = row.raw.id.strip()
        if given_id:
            company = _digest(interview.company.casefold())
            key = _digest(given_id)
            known = self._ids.setdefault(key, (row.number, company, 1))  # a new id (nearly always): round one
            if known is not None:
                first, known_company, rounds = known
                if known_company != company:
                    return RowError(row.number, row.column("id"),
                                    f"same id as row {first}, which names another company", given_id)
                self._ids.put(key, (first, company, rounds + 1))
                stem = f"{stem}-{rounds + 1}"
        taken = self._stems.setdefault(_digest(stem), (row.number,))  # nearly always free, and now taken
        if taken is not None:
            if given_id:
                return RowError(row.number, row.column("id"), f"same id as row {taken[0]}")
            start = local(tzinfo(interview.zone), interview.start)  # the wall clock where it happens
            base = f"{stem}-{start:%H%M}"
            stem, counter = base, 2
            while self._stems.setdefault(_digest(stem), (row.number,)) is not None:
                stem, counter = f"{base}-{counter}", counter + 1
        return stem


class Reservations:
    """Each candidate's interviews as the minutes their calendar holds (Stagger.reserve's), in the order added,
    until taken; every interview is added before any is taken (the roster's first pass, then its second). In
    memory up to SPILL_AFTER, then in a table of a temporary SQLite file: a candidate's run of rows (their rows
    usually come together) as one record, written in batches (a statement per interview cost more than the rest
    of holding it), under the candidate's place, the order in which they were first added (a DigestTable).

    The roster takes each candidate at their first row, so in the order of their places: the table is read in
    that order a batch at a time, and a take that is next in it costs no statement (a statement per candidate
    cost more than the rest of holding their interviews). Any other take looks its candidate up."""

    def __init__(self) -> None:
        self._store = Spill()
        self._memory: dict[str, list[tuple[int, int]]] | None = {}
        self._count = 0
        self._db: sqlite3.Connection | None = None
        self._places = DigestTable(self._store, "places", 1)  # candidate -> their place, once on disk
        self._candidates = 0  # places given
        self._numbers = itertools.count()  # each run's number, which orders a candidate's runs
        self._pending: list[tuple[int, str, list[tuple[int, int]]]] = []  # (place, candidate, a run of minutes)
        self._held = 0  # interviews in _pending: a batch is written at _BATCH, however few runs hold them
        self._taken = 0  # every place below is taken (in order, read past); others were taken by being deleted
        self._ahead: deque[tuple[int, int, str, bytes]] = deque()  # the next runs in order of place, as read
        self._after = (0, -1)  # (place, run) of the last run read into _ahead

    def add(self, candidate: str, start: datetime, end: datetime) -> None:
        held = held_minutes(start, end)
        if self._memory is not None:
            self._memory.setdefault(candidate, []).append(held)
            self._count += 1
            if self._count >= SPILL_AFTER:
                self._spill()
            return
        assert not self._taken and not self._ahead, "every interview is added before any is taken"
        if self._pending and self._pending[-1][1] == candidate:
            self._pending[-1][2].append(held)
        else:
            self._pending.append((self._place(candidate), candidate, [held]))
        self._held += 1
        if self._held >= _BATCH:
            self._flush()

    def take(self, candidate: str) -> list[tuple[int, int]]:
        """The candidate's (first minute, minutes held), once."""
        if self._memory is not None:
            return self._memory.pop(candidate, [])
        self._flush()
        head = self._head()
        if head is None or head[2] != candidate:  # not next in order (or holding nothing)
            return self._look_up(candidate)
        place, held = head[0], []
        while head is not None and head[0] == place:
            held.extend(marshal.loads(head[3]))
            self._ahead.popleft()
            head = self._head()
        self._taken = place + 1
        return held

    def _head(self) -> tuple[int, int, str, bytes] | None:
        """The next run in order of place not taken yet, read with the next batch when needed."""
        if not self._ahead:
            assert self._db is not None
            self._ahead.extend(self._db.execute(
                "SELECT place, run, candidate, held FROM reservations WHERE (place, run) > (?, ?) "
                "ORDER BY place, run LIMIT ?", (*self._after, _BATCH)))
            if not self._ahead:
                return None
            self._after = self._ahead[-1][:2]
        return self._ahead[0]

    def _look_up(self, candidate: str) -> list[tuple[int, int]]:
        """A take out of order: the candidate's runs are found by their place, and deleted."""
        found = self._places.get(_digest(candidate))
        if found is None or int(found[0]) < self._taken:
            return []
        assert self._db is not None
        place = int(found[0])
        runs = self._db.execute("SELECT held FROM reservations WHERE place = ? ORDER BY run", (place,)).fetchall()
        if not runs:
            return []
        self._db.execute("DELETE FROM reservations WHERE place = ?", (place,))
        self._ahead.clear()  # (it may hold them) read again from the first place not taken
        self._after = (self._taken, -1)
        return [held for (run,) in runs for held in marshal.loads(run)]

    def _place(self, candidate: str) -> int:
        """The candidate's place: a new one if they are new."""
        known = self._places.setdefault(_digest(candidate), (self._candidates,))
        if known is not None:
            return int(known[0])
        self._candidates += 1
        return self._candidates - 1

    def _spill(self) -> None:
        assert self._memory is not None
        self._db = self._store.database()
        self._db.execute("CREATE TABLE reservations (place INTEGER, run INTEGER, candidate TEXT, held BLOB, "
                         "PRIMARY KEY (place, run)) WITHOUT ROWID")
        self._pending = [(self._place(candidate), candidate, run) for candidate, run in self._memory.items()]
        self._memory = None
        self._flush()

    def _flush(self) -> None:
        if self._pending:
            assert self._db is not None
            # marshal: the runs are this process's own ints, read back by it alone
            _write_many(self._db, "INSERT INTO reservations VALUES (?, ?, ?, ?)",
                        ((place, next(self._numbers), candidate, marshal.dumps(run))
                         for place, candidate, run in self._pending))
            self._pending, self._held = [], 0


def _environment() -> tuple[str, str] | None:
    """The working-days variables, read once for every row of a roster (os.environ costs a microsecond or two
    a name); None when unusable, so that each row says so, as when each row read them."""
    try:
        return environment()
    except FollowupError:
        return None


class Stems:
    """What the first pass made of each row, in row order, for the second: a valid row's Identified, or None for
    a bad row. Pickled a batch of rows at a time: in memory up to STEMS_IN_MEMORY bytes, then in a table of the
    temporary SQLite file (read back in order alone: a statement per row cost more than the rest of keeping it).
    Each iteration reads them from the start.

    The second pass then neither reads the file again nor checks, builds and names its rows: what it plans is
    what the first pass checked, even if the file changes meanwhile. Each datetime comes back with its very
    tzinfo: pytz unpickles a zone's tzinfo as the one object it keeps for that offset (an interview's end may
    carry its start's), and a batch pickles each object once (the rows of one reading share their header's
    mapping). Pickle, not plain values marshalled and made into objects again: it makes them faster, in C
    (``_as_tuple``)."""

    def __init__(self, store: Spill) -> None:
        self._store = store
        self._memory: list[bytes] | None = []  # batches, pickled
        self._size = 0  # bytes in _memory
        self._pending: list[Identified | None] = []
        self._text = 0  # characters of the cells in _pending: a batch is written at _BATCH rows or _BATCH_TEXT
        self._db: sqlite3.Connection | None = None

    def add(self, item: Identified | RowError) -> None:
        if isinstance(item, RowError):
            self._pending.append(None)
        else:
            self._pending.append(item)
            self._text += sum(map(len, item.row.cells))
        if len(self._pending) >= _BATCH or self._text >= _BATCH_TEXT:
            self._flush()

    def __iter__(self) -> Iterator[Identified | None]:
        self._flush()
        if self._memory is not None:
            batches: Iterable[bytes] = self._memory
        else:
            assert self._db is not None
            batches = (batch for (batch,) in self._db.execute("SELECT batch FROM stems ORDER BY rowid"))
        return (item for batch in batches for item in pickle.loads(batch))

    def _flush(self) -> None:
        if not self._pending:
            return
        # pickle: objects this process made, read back by it alone
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _AS_TUPLES
        pickler.dump(self._pending)
        batch = buffer.getvalue()
        self._pending, self._text = [], 0
        if self._memory is not None:
            self._memory.append(batch)
            self._size += len(batch)
            if self._size < STEMS_IN_MEMORY:
                return
            self._db = self._store.database()
            self._db.execute("CREATE TABLE stems (batch BLOB)")
            _write_many(self._db, "INSERT INTO stems VALUES (?)", ((batch,) for batch in self._memory))
            self._memory = None
            return
        assert self._db is not None
        self._db.execute("INSERT INTO stems VALUES (?)", (batch,))


# Characters of cells a batch of Stems holds before it is pickled (some 200 rows of a usual file), whatever
# its rows: a batch is held as objects twice, as it is made and as it is read back.
_BATCH_TEXT = 1 << 16


def _as_tuple(item: tuple[Any, ...]) -> tuple[Callable[..., tuple[Any, ...]], tuple[Any, ...]]:
    """How Stems pickle a NamedTuple: as ``tuple.__new__(its class, its values)``, made again in C, without its
    class's __new__ (a Python function; Interview's checks it all again), as the first pass checked it already."""
    return tuple.__new__, (type(item), tuple(item))


_AS_TUPLES = dict.fromkeys((Identified, Row, RawInterview, Interview, Person), _as_tuple)
STEMS_IN_MEMORY = 1 << 18  # bytes of pickled rows Stems keeps in memory before it moves them to disk


_BATCH = 1_024  # rows written to a table at once: one statement per row would cost more than naming it


class LastRows:
    """Each candidate's last row, to let their calendar go after it: a DigestTable, written when the
    candidate changes (a candidate's rows usually come together) and read likewise."""

    def __init__(self, store: Spill) -> None:
        self._table = DigestTable(store, "last_rows", 1)
        self._candidate: str | None = None
        self._row = 0

    def seen(self, candidate: str, row: int) -> None:
        """In row order: ``candidate`` has ``row``."""
        if candidate != self._candidate:
            self.done()
            self._candidate = candidate
        self._row = row

    def done(self) -> None:
        """Every row seen (also: the current candidate's run of rows ended)."""
        if self._candidate is not None:
            self._table.put(_digest(self._candidate), (self._row,))
            self._candidate = None

    def last(self, candidate: str) -> int | None:
        if candidate != self._candidate:
            found = self._table.get(_digest(candidate))
            self._candidate, self._row = candidate, int(found[0]) if found else 0
        return self._row


class Applications(search.Applications):
    """SearchFacts' applications: in memory up to APPLICATIONS_IN_MEMORY, then in a table of a temporary
    SQLite file (each pickled, in the order first seen), with the last few read kept as objects: planning
    a row asks for its application a dozen times. Written through, so the file always holds every change."""

    def __init__(self, store: Spill) -> None:
        super().__init__()
        self._store = store
        self._db: sqlite3.Connection | None = None
        self._order = 0  # the next application's place
        self._recent: dict[str, Application] = {}

    def __getitem__(self, key: str) -> Application:
        if self._db is None:  # the dict itself, without two calls more: planning a row asks some fifteen times
            return self._items[key]
        app = self.get(key)
        if app is None:
            raise KeyError(key)
        return app

    def __len__(self) -> int:
        if self._db is None:
            return super().__len__()
        return int(self._db.execute("SELECT count(*) FROM applications").fetchone()[0])

    def get(self, key: str) -> Application | None:
        if self._db is None:
            return self._items.get(key)
        app = self._recent.get(key)
        if app is None:
            found = self._db.execute("SELECT value FROM applications WHERE key = ?", (key,)).fetchone()
            if found is None:
                return None
            app = pickle.loads(found[0])
            self._remember(app)
        return app

    def put(self, app: Application) -> None:
        if self._db is None:
            super().put(app)
            if super().__len__() >= APPLICATIONS_IN_MEMORY:
                self._spill()
            return
        self._remember(app)
        self._write(app)

    def values(self) -> Iterator[Application]:
        if self._db is None:
            return super().values()
        return self._read("SELECT value FROM applications ORDER BY place", ())

    def of(self, candidate: str) -> Iterator[Application]:
        if self._db is None:
            return super().of(candidate)
        return self._read("SELECT value FROM applications WHERE candidate = ? ORDER BY place", (candidate,))

    def deciding(self, candidate: str) -> list[Application]:
        if self._db is None:
            return super().deciding(candidate)
        return list(self._read("SELECT value FROM applications WHERE candidate = ? AND deciding ORDER BY place",
                               (candidate,)))

    def first_seen(self) -> Iterator[Application]:
        if self._db is None:
            return super().first_seen()
        return self._read("SELECT value FROM applications WHERE first_seen ORDER BY place", ())

    def _read(self, query: str, parameters: tuple[str, ...]) -> Iterator[Application]:
        """The applications found, each kept as an object too: a candidate's are read together (their stream,
        their offers) just before their rows ask for them one by one."""
        assert self._db is not None
        for (value,) in self._db.execute(query, parameters):
            app = pickle.loads(value)
            self._remember(app)
            yield app

    def _remember(self, app: Application) -> None:
        if len(self._recent) >= _RECENT:  # all forgotten at once: cheaper than least-recently-used, as good here
            self._recent.clear()
        self._recent[app.key] = app

    def _write(self, app: Application) -> None:
        assert self._db is not None
        self._order += 1  # a new application's place; a known one keeps its own
        self._db.execute("INSERT INTO applications VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                         "deciding = excluded.deciding, first_seen = excluded.first_seen, value = excluded.value",
                         (self._order, app.key, app.candidate, app.status in DECIDING, keeps_first_seen(app),
                          pickle.dumps(app, pickle.HIGHEST_PROTOCOL)))

    def _spill(self) -> None:
        self._db = self._store.database()
        self._db.execute("CREATE TABLE applications (place INTEGER PRIMARY KEY, key TEXT UNIQUE, candidate TEXT, "
                         "deciding INTEGER, first_seen INTEGER, value BLOB)")
        self._db.execute("CREATE INDEX deciding ON applications (candidate, deciding)")
        for app in super().values():
            self._write(app)
        self._items, self._by_candidate = {}, {}


_RECENT = 256  # applications kept as objects once they are on disk
# Applications held as objects before they move to disk (about 500 bytes each): more than the other tables
# keep, as reading them back costs more (a pickle with its dates' zones) and planning reads them often.
APPLICATIONS_IN_MEMORY = 16_384
SPILL_AFTER = 4_096  # entries a table holds in memory (under 1 MB) before it moves them to a temporary file


class Spill:
    """The temporary SQLite file DigestTables move to once they are large (SQLite keeps only its page cache,
    2 MB, in memory); opened on first need, deleted when closed."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None

    def database(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect("", isolation_level=None)  # "": a private temporary file
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
        return self._db

    def __del__(self) -> None:
        if self._db is not None:
            self._db.close()


class DigestTable:
    """A map from 16-byte digests to tuples of ``width`` ints and bytes (a column each on disk): a dict
    until it holds SPILL_AFTER entries, then a table of a temporary SQLite file.

    On disk, writes wait in a batch (at most _BATCH, written in one statement) and a filter of fixed size
    (``_KeyFilter``) says which keys were surely never put: a lookup of such a key, nearly every key Naming asks
    for, is answered without a statement. A statement per row cost more than all the rest of naming it."""

    def __init__(self, store: Spill, name: str, width: int) -> None:
        self._store = store
        self._name = name
        self._columns = ", ".join(f"value{place}" for place in range(width))
        self._insert = f"INSERT OR REPLACE INTO {name} VALUES (?{', ?' * width})"
        self._memory: dict[bytes, tuple[int | bytes, ...]] | None = {}
        self._db: sqlite3.Connection | None = None
        self._pending: dict[bytes, tuple[int | bytes, ...]] = {}  # put on disk, not written yet
        self._filter = _KeyFilter()

    def get(self, key: bytes) -> tuple[int | bytes, ...] | None:
        if self._memory is not None:
            return self._memory.get(key)
        found = self._pending.get(key)
        if found is not None or not self._filter.may_hold(key):
            return found
        return self._lookup(key)

    def _lookup(self, key: bytes) -> tuple[int | bytes, ...] | None:
        """What the table on disk holds for ``key``."""
        self._flush()
        assert self._db is not None
        row: tuple[int | bytes, ...] | None = self._db.execute(
            f"SELECT {self._columns} FROM {self._name} WHERE key = ?", (key,)).fetchone()
        return row

    def setdefault(self, key: bytes, value: tuple[int | bytes, ...]) -> tuple[int | bytes, ...] | None:
        """What ``key`` holds, or None when it held nothing and now holds ``value``."""
        if self._memory is not None:
            found = self._memory.get(key)
            if found is None:
                self.put(key, value)
            return found
        # get, then put, with the filter asked and told about the key at once (nearly every key is new)
        found = self._pending.get(key)
        if found is not None:
            return found
        if self._filter.add(key):
            found = self._lookup(key)
            if found is not None:
                return found
        self._queue(key, value)
        return None

    def put(self, key: bytes, value: tuple[int | bytes, ...]) -> None:
        if self._memory is not None:
            self._memory[key] = value
            if len(self._memory) >= SPILL_AFTER:
                self._spill()
            return
        self._filter.add(key)
        self._queue(key, value)

    def _queue(self, key: bytes, value: tuple[int | bytes, ...]) -> None:
        """Put ``key`` on disk with the next batch (the filter told already)."""
        self._pending[key] = value
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            assert self._db is not None
            _write_many(self._db, self._insert, ((key, *value) for key, value in self._pending.items()))
            self._pending = {}

    def _spill(self) -> None:
        assert self._memory is not None
        self._db = self._store.database()
        # each value a column of its own: SQLite keeps ints and bytes as they are (a packed value cost more)
        self._db.execute(f"CREATE TABLE {self._name} (key BLOB PRIMARY KEY, {self._columns}) WITHOUT ROWID")
        _write_many(self._db, self._insert, ((key, *value) for key, value in self._memory.items()))
        for key in self._memory:
            self._filter.add(key)
        self._memory = None


class _KeyFilter:
    """The keys a DigestTable put on disk, as a Bloom filter of fixed size (256 KB, made on first use): a key
    not in it was surely never put; one in it (every key put, and a few others: one in a few thousand at
    100,000 keys, one in eight at a million) is looked up. Keys are digests, so their own bits serve as the
    filter's three hashes."""

    __slots__ = ("_bits",)

    def __init__(self) -> None:
        self._bits: bytearray | None = None

    def add(self, key: bytes) -> bool:
        """Hold ``key``; whether it may have been held already (``may_hold`` before the key was added)."""
        bits = self._bits
        if bits is None:
            bits = self._bits = bytearray(_FILTER_BITS // 8)
        first, second, third = _bits_of(key)  # (unrolled: a loop over them cost a third more)
        first_mask, second_mask, third_mask = 1 << (first & 7), 1 << (second & 7), 1 << (third & 7)
        first, second, third = first >> 3, second >> 3, third >> 3
        held = bits[first] & first_mask and bits[second] & second_mask and bits[third] & third_mask
        bits[first] |= first_mask
        bits[second] |= second_mask
        bits[third] |= third_mask
        return bool(held)

    def may_hold(self, key: bytes) -> bool:
        bits = self._bits
        if bits is None:
            return False
        first, second, third = _bits_of(key)
        return bool(bits[first >> 3] & (1 << (first & 7)) and bits[second >> 3] & (1 << (second & 7))
                    and bits[third >> 3] & (1 << (third & 7)))


def _bits_of(key: bytes) -> tuple[int, int, int]:
    """A key's three places in a _KeyFilter filter: three 32-bit pieces of the digest, each cut to the filter's size."""
    first, second, third = _PIECES.unpack_from(key)
    return first & _FILTER_MASK, second & _FILTER_MASK, third & _FILTER_MASK


_PIECES = struct.Struct("<3I")  # (the first 12 bytes of a key as three 32-bit ints)
_FILTER_BITS = 1 << 21  # a DigestTable's filter: 256 KB
_FILTER_MASK = _FILTER_BITS - 1


class FirstSeen(Mapping[str, datetime]):
    """When each undated outcome was first seen (seen key -> date), as kept between runs: a dict up to
    SPILL_AFTER entries, then a table of a temporary SQLite file, written in batches. Iterated in key order,
    the seen file's: its table's primary key gives that order, as SQLite compares text as UTF-8 bytes, which
    sort as Python sorts str (by code point). A key put again keeps its last date, as in a dict."""

    def __init__(self, entries: Iterable[tuple[str, datetime]] = (), store: Spill | None = None) -> None:
        """``store``: the temporary file to move to, shared with other tables (and their page cache); its
        own otherwise."""
        self._store = store or Spill()
        self._table = f"seen{next(_TABLES)}"  # its own table, whatever else the file holds
        self._memory: dict[str, str] | None = {}  # the dates as ISO text: the form they are read and kept in
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str]] = []
        for key, moment in entries:
            self.put(key, moment)

    def put(self, key: str, moment: datetime) -> None:
        if self._memory is not None:
            self._memory[key] = moment.isoformat()
            if len(self._memory) >= SPILL_AFTER:
                self._db = self._store.database()
                self._db.execute(f"CREATE TABLE {self._table} (key TEXT PRIMARY KEY, moment TEXT) WITHOUT ROWID")
                self._pending, self._memory = list(self._memory.items()), None
                self._flush()
            return
        self._pending.append((key, moment.isoformat()))
        if len(self._pending) >= _BATCH:
            self._flush()

    def __getitem__(self, key: str) -> datetime:
        if self._memory is not None:
            return datetime.fromisoformat(self._memory[key])
        self._flush()
        assert self._db is not None
        found = self._db.execute(f"SELECT moment FROM {self._table} WHERE key = ?", (key,)).fetchone()
        if found is None:
            raise KeyError(key)
        return datetime.fromisoformat(found[0])

    def __len__(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        self._flush()
        assert self._db is not None
        return int(self._db.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0])

    def __bool__(self) -> bool:  # (not len(): a count of the whole table, and round_facts asks for every row)
        return self._memory is None or bool(self._memory)  # on disk: it held SPILL_AFTER, and nothing is removed

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.texts())

    def texts(self) -> Iterator[tuple[str, str]]:
        """(key, its date as ISO text), in key order."""
        if self._memory is not None:
            return iter(sorted(self._memory.items()))
        self._flush()
        assert self._db is not None
        return iter(self._db.execute(f"SELECT key, moment FROM {self._table} ORDER BY key"))

    def _flush(self) -> None:
        if self._pending:
            assert self._db is not None
            _write_many(self._db, f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?)", self._pending)
            self._pending = []


def _write_many(db: sqlite3.Connection, statement: str, rows: Iterable[tuple[object, ...]]) -> None:
    """``db.executemany`` in one transaction: in autocommit mode (the temporary file's) each row is a transaction
    of its own, which costs a third more per row. (Without a journal a failed batch cannot be rolled back: it is
    committed as far as it got, and the connection left ready for the next.)"""
    db.execute("BEGIN")
    try:
        db.executemany(statement, rows)
    finally:
        db.execute("COMMIT")


_TABLES = itertools.count()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
