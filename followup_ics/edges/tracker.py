"""The search as a spreadsheet to keep up to date: add an application, record what happened, list where each
one stands. Every change goes through ``edit`` (edges/sheet.py) and is validated by planning the whole file
through the roster, the way `batch` and `serve` will plan it, before anything is written.

Identity is what keeps calendars in step: an added application gets a short ``id`` that no other row's file
stem (or a later round's) can take, and a reschedule of an application without an id first fixes its name
(the id becomes the stem it already had), so its UIDs and its feed address survive the new date.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from followup_ics.app.config import Request
from followup_ics.app.fields import (
    RawInterview,
    build_interview,
    check_text,
    parse_moment,
    parse_status,
    text_problem,
    undated_outcome,
)
from followup_ics.app.roster import Identified, Naming, Roster, Row, RowError, identify
from followup_ics.core.errors import InputError
from followup_ics.core.identity import slug
from followup_ics.core.records import Schedule, Status, WordedStep
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.edges.sheet import Sheet, SheetError, edit, read_sheet
from followup_ics.edges.spreadsheet import read_text
from followup_ics.ical.zonenames import user_zone

OVERDUE_FOR = timedelta(days=7)  # a step older than this has been overtaken by the next one in the plan
QUIET_STEPS = frozenset({"interview", "keep-searching"})  # not things you can be late for
# Carried from an application's latest round into a new round; the rest is the new round's own.
ROUND_FIELDS = ("company", "role", "timezone", "contact", "contact_email", "contact_phone", "references", "url",
                "location", "language", "me", "country", "region", "id")
# RawInterview's attribute -> the column it is written under when the file has none.
COLUMN_FOR = {"interviewers": "interviewer", "interviewer_emails": "interviewer_email"}


@dataclass
class Round:
    index: int  # the record's index in the sheet
    identified: Identified
    schedule: Schedule | None  # None when only identities were needed (finding the application)


@dataclass
class Application:
    key: str
    rounds: list[Round] = field(default_factory=list)  # in row order

    @property
    def latest(self) -> Round:
        return max(self.rounds, key=lambda r: r.identified.interview.start)

    @property
    def given_id(self) -> str:
        return self.rounds[0].identified.row.raw.id.strip()

    @property
    def label(self) -> str:
        """What `record` accepts for it and `list` shows: its id, else its first round's file stem."""
        return self.given_id or self.rounds[0].identified.stem

    @property
    def title(self) -> str:
        return self.latest.identified.interview.title

    @property
    def status(self) -> Status:
        """Where the application stands (every round's planned interview carries it)."""
        schedule = self.latest.schedule
        return schedule.interview.status if schedule else self.latest.identified.interview.status


@dataclass
class Survey:
    """The file as planned: each application and its rounds, the bad rows, and the names taken."""

    applications: list[Application]
    errors: list[RowError]
    taken: set[str]  # every id and file stem in use, casefolded
    unreadable: list[tuple[RowError, RawInterview]] = field(default_factory=list)  # bad rows and what they say

    def find(self, query: str) -> Application:
        """An id or file stem (exactly), else an unambiguous prefix of a company name or of an id; case does
        not matter."""
        wanted = " ".join(query.split()).casefold()
        if not wanted:
            raise SheetError("the application to record is empty: give its id or the start of the company name")
        for app in self.applications:
            if wanted == app.given_id.casefold() or any(wanted == r.identified.stem for r in app.rounds):
                return app
        # A prefix of the company, or of the id `list` shows (cut short there when the table is narrow).
        found = [app for app in self.applications
                 if app.title.casefold().startswith(wanted) or slug(app.title).startswith(slug(wanted) or "\0")
                 or any(name.casefold().startswith(wanted) for name in (app.given_id, app.rounds[0].identified.stem)
                        if name)]
        # A row that cannot be planned is no application, but it may be the one meant: say what is wrong
        # with it rather than "no match", and never record on another application it shares a prefix with.
        # (A bad row with the title of a matching application is one of its rounds, or repeats one: recording
        # on that application is right, and the bad row is noted after.)
        titles = {app.title.casefold() for app in found}
        bad = [error for error, raw in self.unreadable if _names(raw, wanted) and _title(raw).casefold() not in titles]
        if len(found) == 1 and not bad:
            return found[0]
        if bad and not found:
            first = bad[0]
            raise SheetError(f"{query!r} is row {first.row}, which cannot be read: "
                             f"{first.describe('').removeprefix(f':{first.row}:').strip()}; fix that row first")
        if not found:
            raise SheetError(f"no application matches {query!r} (see `followup-ics list`)")
        names = ", ".join([f"{app.title} ({app.label})" for app in found]
                          + [f"row {e.row} (cannot be read:{e.describe('').split(':', 2)[2]})" for e in bad])
        raise SheetError(f"{query!r} matches {len(found) + len(bad)} applications: {names}; give the id instead")


def _names(raw: RawInterview, wanted: str) -> bool:
    """Whether a row's own cells (its id, the start of its company) answer to ``wanted``, as `find` reads it."""
    company, given = " ".join(raw.company.split()), raw.id.strip()
    wanted_slug = slug(wanted)
    # slug(company + date) is what its stem would be ('acme-2026-02-30'), had the date been readable
    return bool(wanted) and (given.casefold().startswith(wanted) or company.casefold().startswith(wanted)
                             or (bool(wanted_slug) and slug(f"{company} {raw.date}", 200).startswith(wanted_slug)))


def survey(sheet: Sheet, request: Request, *, plan: bool = True) -> Survey:
    """The file's applications, planned as `batch` and `serve` plan them; with ``plan=False`` only who is
    who (rows, stems, applications), which is all finding an application needs and costs a fraction."""
    text = sheet.planning_text()
    if plan:
        roster = Roster(lambda: read_text(text)[1], request)
        errors, results = list(roster.errors), roster.schedules()
    else:
        errors, results = [], _identities(read_text(text)[1], request)
    apps: dict[str, Application] = {}
    taken: set[str] = set()
    unreadable: list[tuple[RowError, RawInterview]] = []
    for result in results:
        if isinstance(result, RowError):
            continue
        if isinstance(result[1], RowError):  # a row that cannot be identified, with what its cells say
            unreadable.append((result[1], result[0]))
            continue
        identified, schedule = result
        apps.setdefault(identified.application, Application(identified.application)).rounds.append(
            Round(identified.row.number - 2, identified, schedule))
        taken.add(identified.stem.casefold())
        if identified.row.raw.id.strip():
            taken.add(identified.row.raw.id.strip().casefold())
    return Survey(list(apps.values()), errors, taken, unreadable)


def _identities(rows: Iterable[Row | RowError],
                request: Request) -> Iterator[tuple[Identified, None] | tuple[RawInterview, RowError] | RowError]:
    naming = Naming()
    for row in rows:
        if isinstance(row, RowError):
            yield row
            continue
        item = identify(row, request, naming)
        yield (row.raw, item) if isinstance(item, RowError) else (item, None)


# Writing values ---------------------------------------------------------------------------------------


def written_moment(text: str, zone: str, field_name: str, request: Request, *, time_needed: bool) -> str:
    """The user's date as the file keeps it: 'YYYY-MM-DD HH:MM', or 'YYYY-MM-DD' when only a day was meant."""
    from datetime import time

    moment, _, has_time = parse_moment(text, zone, field_name, day_first=request.day_first,
                                       date_only_time=None if time_needed else time(0, 0))
    return f"{moment:%Y-%m-%d %H:%M}" if has_time else f"{moment:%Y-%m-%d}"


def row_zone(app: Application, request: Request) -> str:
    cell = app.latest.identified.row.raw.timezone.strip()
    return user_zone(cell, "timezone") if cell else request.zone


def new_id(company: str, role: str, date_text: str, taken: set[str]) -> str:
    """Short and readable ('acme-corp'), never a name another row has or a later round of one will take
    ('<id>-2', '<id>-3'...)."""
    base = slug(company, 24) or "application"
    candidates = [base]
    if role.strip():
        candidates.append(f"{base}-{slug(role, 16)}".strip("-"))
    candidates += [f"{base}-{zlib.crc32(f'{company}|{date_text}|{n}'.encode()):08x}"[: len(base) + 5]
                   for n in range(50)]
    for candidate in candidates:
        if not any(_clashes(candidate, name) for name in taken):
            return candidate
    raise SheetError("cannot find a free id for this application; give one with --id")  # pragma: no cover


def _clashes(candidate: str, name: str) -> bool:
    """Equal, or one is the other's later round ('acme' and 'acme-2')."""
    return (candidate == name or re.fullmatch(re.escape(name) + r"-\d+", candidate) is not None
            or re.fullmatch(re.escape(candidate) + r"-\d+", name) is not None)


def _title(raw: RawInterview) -> str:
    company, role = " ".join(raw.company.split()), " ".join(raw.role.split())
    return f"{company} ({role})" if role else company


def _put(sheet: Sheet, index: int, field_name: str, value: str) -> None:
    sheet.set(index, sheet.ensure_column(field_name), value)


def _check(sheet: Sheet, request: Request, source: str, rows: set[int], notes: list[str]) -> Survey:
    """Plan the edited file; a bad row among those we wrote stops the write, other bad rows are said (they
    were bad before, and `batch` and `serve` will refuse them until they are fixed)."""
    after = survey(sheet, request)
    for error in after.errors:
        if error.row - 2 in rows:
            raise SheetError(error.describe(source))
        notes.append(f"{error.describe(source)} (batch and serve refuse the file until this row is fixed)")
    return after


# The three commands ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a command did, for the CLI to say: the application as planned after, and notes."""

    application: Application
    notes: list[str] = field(default_factory=list)


def add_application(path: Path, raw: RawInterview, request: Request, *, zone_given: bool) -> Outcome:
    """Append one row for a new application, with an id; the file is validated as a whole plan first."""
    source = str(path)
    check_text(raw)  # before any value is slugged or written: the row would be refused after, in any case

    def change(sheet: Sheet) -> Outcome:
        before = survey(sheet, request, plan=False)
        # --me signs this run's drafts, as it does for every command; a row's own `me` column is for a
        # search kept for several people, and `add` does not guess that.
        values = {name: getattr(raw, name) for name in RawInterview._fields if name != "me"}
        zone = user_zone(raw.timezone, "timezone") if raw.timezone.strip() else request.zone
        values["date"] = written_moment(raw.date, zone, "date", request, time_needed=True)
        notes = []
        if not raw.outcome_date.strip():
            values["outcome_date"], notes = _outcome_written(raw, zone, request)
        if zone_given:
            values["timezone"] = zone
        title = _title(raw).casefold()
        for app in before.applications:
            if app.title.casefold() == title:
                notes.append(f"{app.title} is already in the file as {app.label!r}; for its next round use "
                             f"`followup-ics record {source} {app.label} --round DATE`")
        given = raw.id.strip()
        if given and given.casefold() in before.taken:
            raise SheetError(f"--id: {given!r} is already used by another row (a new round is `record --round`)")
        values["id"] = given or new_id(raw.company, raw.role, values["date"], before.taken)
        index = sheet.append({})
        for name, value in values.items():
            text = "; ".join(value) if isinstance(value, tuple) else str(value)
            if text.strip():
                _put(sheet, index, COLUMN_FOR.get(name, name), text)
        after = _check(sheet, request, source, {index}, notes)
        return Outcome(_owner(after, index), notes)

    return edit(path, change, create="company,date\n")


def _outcome_written(raw: RawInterview, zone: str, request: Request) -> tuple[str, list[str]]:
    """A status added without its date gets one written now, as `record` writes it, so the plan never drifts
    (an interview still ahead dates it at its end, and says so); '' while pending."""
    if not parse_status(raw.status).is_closed:
        return "", []
    interview, _ = build_interview(raw, zone_name=zone, day_first=request.day_first, as_of=request.now,
                                   default_duration=timedelta(minutes=request.settings.interview.duration))
    assert interview.outcome_at is not None  # a closed status with as_of is always dated
    _, notice = undated_outcome(interview.status, interview.end, request.now, zone, "--outcome-date")
    return f"{local(tzinfo(zone), interview.outcome_at):%Y-%m-%d %H:%M}", [notice] if notice else []


@dataclass(frozen=True, slots=True)
class Recording:
    """What `record` was asked to write; empty strings mean 'not given'."""

    status: str = ""
    on: str = ""
    deadline: str = ""
    round: str = ""
    reschedule: str = ""
    note: str = ""


def record(path: Path, query: str, what: Recording, request: Request) -> Outcome:
    """Record news about one application: its outcome, a new round, a new date, a note."""
    source = str(path)
    problem = text_problem(what.note)
    if problem:
        raise InputError("note", problem, value=what.note)

    def change(sheet: Sheet) -> Outcome:
        before = survey(sheet, request, plan=False)
        app = before.find(query)
        zone = row_zone(app, request)
        target = app.latest.index
        touched = {r.index for r in app.rounds}
        notes: list[str] = []
        if what.round:
            values = {}
            for name in ROUND_FIELDS:
                column = sheet.column(name)
                if column is not None:
                    values[column] = sheet.value(target, column)
            target = sheet.append(values)
            touched.add(target)
            _put(sheet, target, "date", written_moment(what.round, zone, "round", request, time_needed=True))
        if what.reschedule:
            notes += _fix_identity(sheet, app)
            _put(sheet, target, "date", written_moment(what.reschedule, zone, "reschedule", request,
                                                        time_needed=True))
        if what.status == Status.PENDING.value:  # taking an outcome back: its date goes with it
            _put(sheet, target, "status", what.status)
            if sheet.column("outcome_date") is not None:
                _put(sheet, target, "outcome_date", "")
        elif what.status:
            _put(sheet, target, "status", what.status)
            if what.on:
                on = written_moment(what.on, zone, "on", request, time_needed=False)
                _check_not_before(what.on, app.latest.identified.interview.start, zone, request)
            else:  # written now, so the date never drifts; never before the interview ended
                end = app.latest.identified.interview.end
                moment, notice = undated_outcome(Status(what.status), end, request.now, zone, "--on")
                notes += [notice] if notice else []
                on = f"{local(tzinfo(zone), moment):%Y-%m-%d %H:%M}"
            _put(sheet, target, "outcome_date", on)
            if what.deadline:
                _put(sheet, target, "offer_deadline",
                     written_moment(what.deadline, zone, "deadline", request, time_needed=False))
        if what.note:
            column = sheet.ensure_column("notes")
            old = sheet.value(target, column).rstrip()
            sheet.set(target, column, f"{old}\n{what.note.strip()}" if old else what.note.strip())
        after = _check(sheet, request, source, touched, notes)
        moved = [r.identified.stem for r in app.rounds
                 if r.identified.stem not in {s.identified.stem for s in _owner(after, r.index).rounds}]
        if moved:
            notes.append(f"{', '.join(moved)}: gave the application the id {app.rounds[0].identified.stem!r} so "
                         "its UIDs stay from now on; these later rounds' events were re-created once")
        return Outcome(_owner(after, target), notes)

    return edit(path, change)


def _check_not_before(text: str, start: datetime, zone: str, request: Request) -> None:
    """An outcome never comes before its interview: say so naming --on (the planner would name the column).
    A date alone on the interview's own day means once it ended, as build_interview reads it."""
    from datetime import time

    moment, _, has_time = parse_moment(text, zone, "on", day_first=request.day_first, date_only_time=time(0, 0))
    shown = local(tzinfo(zone), start)
    if moment < start and (has_time or moment.date() != shown.date()):
        raise InputError("on", f"must not be before the interview ({shown:%a} {shown.day} {shown:%b %Y, %H:%M})",
                         value=text)


def _fix_identity(sheet: Sheet, app: Application) -> list[str]:
    """An application without an id is named by its company and date: give it the id it is already known
    by (its first round's stem), so a new date changes no UID and no feed address."""
    if app.given_id:
        return []
    name = app.rounds[0].identified.stem
    for item in app.rounds:
        _put(sheet, item.index, "id", name)
    return []


def _owner(after: Survey, index: int) -> Application:
    for app in after.applications:
        if any(r.index == index for r in app.rounds):
            return app
    raise SheetError(f"row {index + 2} is not planned")  # pragma: no cover: _check raised first


# Listing --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one application stands, for `list`."""

    id: str
    title: str
    status: str
    rounds: int
    last_round: datetime
    next_step: WordedStep | None
    overdue: tuple[WordedStep, ...]
    zone: str
    feeds: tuple[str, ...] = ()  # each round's own feed, as `serve` names it

    def as_json(self) -> dict[str, object]:
        def step(item: WordedStep) -> dict[str, str]:
            return {"step": item.key, "title": item.summary, "start": item.start.isoformat()}

        return {"id": self.id, "application": self.title, "status": self.status, "rounds": self.rounds,
                "last_round": self.last_round.isoformat(), "zone": self.zone,
                "next_step": step(self.next_step) if self.next_step else None,
                "overdue": [step(item) for item in self.overdue], "feeds": list(self.feeds)}


def standings(path: Path, request: Request) -> tuple[list[Standing], list[RowError]]:
    """Each application, overdue ones first, then by their next step; decided ones with nothing left last."""
    sheet, _ = read_sheet(path)
    sheet.parsed_header()
    found = survey(sheet, request)
    result = []
    for app in found.applications:
        steps = sorted((s for r in app.rounds for s in r.schedule.steps), key=lambda s: s.start)
        zone = app.latest.identified.interview.zone
        upcoming = [s for s in steps if s.start >= request.now]
        still_open = app.status in (Status.PENDING, Status.OFFER)
        overdue = tuple(s for s in steps if still_open and s.step_id not in QUIET_STEPS
                        and request.now - OVERDUE_FOR <= s.start < request.now)
        result.append(Standing(app.label, app.title, app.status.value, len(app.rounds),
                               local(tzinfo(zone), app.latest.identified.interview.start),
                               upcoming[0] if upcoming else None, overdue, zone,
                               tuple(f"{r.identified.stem}.ics" for r in app.rounds)))
    far = request.now + timedelta(days=36500)
    result.sort(key=lambda s: (not s.overdue, s.overdue[0].start if s.overdue else
                               (s.next_step.start if s.next_step else far)))
    return result, found.errors


def standings_table(items: list[Standing], width: int | None = 80) -> str:
    """A table that fits ``width`` columns (the application's name gives way first); None cuts nothing."""
    header = ("ID", "APPLICATION", "STATUS", "LAST", "NEXT STEP", "WHEN")
    rows = []
    for item in items:
        zone = tzinfo(item.zone)
        shown = item.overdue[-1] if item.overdue else item.next_step
        when = f"{local(zone, shown.start):%b %d %H:%M}" if shown else ""
        step = ("! " if item.overdue else "") + (shown.key if shown else "-")
        rows.append((item.id, item.title, item.status, f"{item.last_round:%b %d}", step, when))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    width = sum(widths) + len(widths) - 1 if width is None else width
    spare = width - (sum(widths) + len(widths) - 1)
    if spare < 0:
        widths[1] = max(8, widths[1] + spare)
        spare = width - (sum(widths) + len(widths) - 1)
        if spare < 0:
            widths[0] = max(8, widths[0] + spare)
    lines = [" ".join(_fit(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in [header, *rows]]
    if any(item.overdue for item in items):
        lines.append(f"! overdue: its time passed in the last {OVERDUE_FOR.days} days; the application is open")
    return "\n".join(lines)


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"

