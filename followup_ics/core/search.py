"""A job search planned as one story: applications with rounds, offers and outcomes, and a stream of
keep-searching reminders.

An application is a company and role (or the rows sharing an id); its rows are its rounds. Planning is in
two steps so that a spreadsheet of any size need not be held in memory (the roster keeps each row on disk
between them):

1. ``SearchFacts`` holds what every application needs to know of the others (when each stops waiting,
   each offer's arrival and deadline, an acceptance), from one small ``RoundFacts`` per row;
2. ``plan_round`` plans one round against those facts, and ``plan_stream`` the keep-searching stream.

The rules (DESIGN.md, "A search, not a list of interviews"):
- every round has its interview and thank-you note; the references briefing comes with the first round
  (every round with ``[brief-references] each-round = true``);
- the follow-up call and the status checks follow the latest round: a later round replaces the pending
  call and checks of the round before it;
- waiting steps stop when the application's outcome is known, or when another application is accepted
  (then "withdraw" is suggested to each one still open);
- an offer adds "answer the offer" the day before its deadline, and "tell them about your offer" to every
  other application still open when it arrived; an open application's checks after the offer's deadline
  give way to one "decide" step;
- a rejection adds the keep-in-touch note; a rejection or withdrawal on the interview day drops its
  thank-you note.
``Stagger`` then moves steps that would start at the same minute as an earlier one.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import operator
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from datetime import tzinfo as dt_tzinfo
from typing import NamedTuple, TypeVar

import pytz

from followup_ics.core.planner import WHILE_PENDING, answer_offer, competing_offer, round_steps
from followup_ics.core.pytzfast import same_zone, zone_states
from followup_ics.core.records import Interview, Plan, Status, Step
from followup_ics.core.settings import PlanSettings
from followup_ics.core.wallclock import Hours, at, local, next_business_day, next_slot, on_or_after_business_day
from followup_ics.core.workdays import MONDAY_TO_FRIDAY, WorkWeek
from followup_ics.core.zones import tzinfo

# Steps that wait on the company; they stop when the application is decided.
WAITING = WHILE_PENDING | {"decide"}
# Who keeps a contested minute: the earlier kind in this list; the others move later by their own length.
ORDER = ("interview", "thank-you", "answer-offer", "competing-offer", "withdraw", "follow-up-call", "status-check",
         "decide", "brief-references", "keep-in-touch", "keep-searching")
# Steps that must happen on a working day, in business hours (the thank-you note is any day, waking hours).
_ANY_DAY = frozenset({"thank-you"})
_FOREVER = datetime.max.replace(tzinfo=UTC)
MAX_MOVES = 400  # days' worth of moves a step may make before it shares a minute after all
_T = TypeVar("_T")
# A plan's steps in time order, by (start, key): an attrgetter (C) rather than a lambda, for every step of every row.
_TIME_ORDER = operator.attrgetter("start", "key")
_START = operator.attrgetter("start")
_START_AND_KIND = operator.attrgetter("start", "step_id")


class RoundFacts(NamedTuple):
    """What the rest of the search needs to know of one round (one row)."""

    application: str  # the application's key
    company: str  # as the texts name it: 'Acme Corp (Data Engineer)'
    start: datetime
    end: datetime
    zone: str
    status: Status
    outcome_at: datetime | None  # when the status became known: recorded, or first seen
    offer_deadline: datetime | None  # the application's own offer's (status offer), else another's
    offer_arrived: datetime | None = None  # when another offer with that deadline arrived (status pending)
    dated: bool = True  # the row records its outcome's date (else it was first seen, and is kept)
    candidate: str = ""  # whose search (the `me` column): one person's offers never touch another's


@dataclass(slots=True)  # one per application of a huge file: about 100 bytes less each than with a __dict__
class Application:
    """One application's facts: its rounds' times, where it stands, and since when."""

    key: str
    company: str
    zone: str
    starts: list[datetime] = field(default_factory=list)
    last_end: datetime | None = None
    status: Status = Status.PENDING
    outcome_at: datetime | None = None
    offer_deadline: datetime | None = None
    outside: bool = False  # an offer from a company that is not in the search (a pending row's deadline)
    dated: bool = True
    candidate: str = ""

    @property
    def outcome(self) -> datetime | None:
        """When the outcome was known, never before the last round ended."""
        if self.status is _PENDING or self.outcome_at is None:  # (planning asks some five times per row)
            return None
        return max(self.outcome_at, self.last_end or self.outcome_at)

    def next_round_after(self, start: datetime) -> datetime | None:
        later = [moment for moment in self.starts if moment > start]
        return min(later) if later else None


class Offer(NamedTuple):
    """An offer as the other applications of its candidate meet it; the UTC copies make the comparisons,
    made for every pair of application and offer, cheap (no zone is asked for its offset)."""

    key: str
    company: str
    arrived: datetime
    deadline: datetime
    arrived_utc: datetime
    deadline_utc: datetime


class Applications:
    """The applications of a search by key, in the order first seen: a dict. A huge file's roster gives
    SearchFacts a store of the same shape that keeps them on disk (app/roster.py)."""

    def __init__(self) -> None:
        self._items: dict[str, Application] = {}
        self._deciding: dict[str, list[Application]] | None = None
        self._by_candidate: dict[str, list[str]] = {}  # each candidate's keys, in the order first seen

    def __getitem__(self, key: str) -> Application:
        return self._items[key]

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> Application | None:
        return self._items.get(key)

    def put(self, app: Application) -> None:
        """Add an application, or keep a change made to one (its place in the order stays)."""
        if app.key not in self._items:
            self._by_candidate.setdefault(app.candidate, []).append(app.key)
        self._items[app.key] = app
        self._deciding = None

    def values(self) -> Iterator[Application]:
        return iter(self._items.values())

    def of(self, candidate: str) -> Iterator[Application]:
        """The candidate's applications, in the order first seen."""
        return (self._items[key] for key in self._by_candidate.get(candidate, ()))

    def first_seen(self) -> Iterator[Application]:
        """The applications whose outcome (or outside offer) is dated when first seen: their dates are kept."""
        return (app for app in self.values() if keeps_first_seen(app))

    def deciding(self, candidate: str) -> list[Application]:
        """The candidate's applications with an offer or an acceptance, in order."""
        if self._deciding is None:
            self._deciding = {}
            for app in self._items.values():
                if app.status in DECIDING:
                    self._deciding.setdefault(app.candidate, []).append(app)
        return self._deciding.get(candidate, [])


_PENDING = Status.PENDING  # a module name: looking a member up on an Enum class costs more than a comparison
DECIDING = (Status.OFFER, Status.ACCEPTED)  # what reaches a candidate's other applications
_KNOWN = 1_024  # candidates whose offers and acceptance are kept worked out (planning meets them in turn)


@dataclass
class SearchFacts:
    """Every application of the search, by key, in the order first seen.

    A spreadsheet may hold several people's searches (a coach's, an agency's): offers and acceptances reach
    only the applications of the same candidate. What a candidate's offers and acceptance are is worked
    out once and kept while their rows are planned, so planning each row costs the same however many rows
    there are.
    """

    applications: Applications = field(default_factory=Applications)
    _offers: dict[str, list[Offer]] = field(default_factory=dict)
    _accepted: dict[str, tuple[str, datetime] | None] = field(default_factory=dict)

    def add(self, item: RoundFacts) -> None:
        if item.status is Status.PENDING and item.offer_deadline is not None and item.offer_arrived is not None:
            key = f"{item.application}:outside"
            self.applications.put(Application(key, "", item.zone, [item.offer_arrived], item.offer_arrived,
                                              Status.OFFER, item.offer_arrived, item.offer_deadline, outside=True,
                                              dated=item.dated, candidate=item.candidate))
        self._offers.clear()
        self._accepted.clear()
        app = self.applications.get(item.application)
        if app is None:
            app = Application(item.application, item.company, item.zone, candidate=item.candidate)
        app.starts.append(item.start)
        latest = app.last_end is None or item.end >= app.last_end
        if latest:
            app.last_end, app.company, app.zone = item.end, item.company, item.zone
        # A later round does not reopen a decided application: the last status recorded wins.
        if item.status.is_closed and (latest or not app.status.is_closed):
            app.status, app.outcome_at, app.dated = item.status, item.outcome_at, item.dated
            app.offer_deadline = item.offer_deadline if item.status is Status.OFFER else None
        self.applications.put(app)

    def offers(self, candidate: str = "") -> list[Offer]:
        """The candidate's offers with their arrival and deadline."""
        found = self._offers.get(candidate)
        if found is None:
            found = []
            for a in self.applications.deciding(candidate):
                arrived = a.outcome
                if a.status is Status.OFFER and arrived is not None and a.offer_deadline is not None:
                    found.append(Offer(a.key, a.company, arrived, a.offer_deadline, arrived.astimezone(UTC),
                                       a.offer_deadline.astimezone(UTC)))
            _keep(self._offers, candidate, found)
        return found

    def accepted_at(self, candidate: str = "") -> tuple[str, datetime] | None:
        """The candidate's first acceptance: their every other application stops waiting then."""
        if candidate in self._accepted:
            return self._accepted[candidate]
        first: tuple[str, datetime] | None = None
        for a in self.applications.deciding(candidate):
            outcome = a.outcome
            if a.status is Status.ACCEPTED and outcome is not None and not a.outside and (
                    first is None or (outcome, a.key) < (first[1], first[0])):
                first = (a.key, outcome)
        _keep(self._accepted, candidate, first)
        return first

    def stops_waiting(self, key: str) -> datetime | None:
        """When waiting on this application ends: its own outcome, or another one's acceptance."""
        return self.stops_waiting_for(self.applications[key])

    def stops_waiting_for(self, app: Application) -> datetime | None:
        """``stops_waiting`` of an application in hand (not looked up again)."""
        outcome = app.outcome
        accepted = self.accepted_at(app.candidate)
        if accepted is None or accepted[0] == app.key:
            return outcome
        return accepted[1] if outcome is None else min(outcome, accepted[1])

    def waiting(self, key: str) -> tuple[datetime, datetime]:
        """When waiting on this application begins (its first round) and ends (``datetime.max`` in UTC: not
        yet known), in UTC to compare with Offer's UTC copies."""
        return self.window(key, self.stops_waiting(key))

    def window(self, key: str, stop: datetime | None) -> tuple[datetime, datetime]:
        """``waiting`` given the application's ``stops_waiting`` (planning a round has it already)."""
        return _window(self.applications[key], stop)


def _window(app: Application, stop: datetime | None) -> tuple[datetime, datetime]:
    """SearchFacts.window of an application in hand (not looked up again)."""
    return min(app.starts).astimezone(UTC), _FOREVER if stop is None else stop.astimezone(UTC)


def _keep(known: dict[str, _T], candidate: str, value: _T) -> None:
    """Remember a candidate's worked-out offers or acceptance, forgetting them all past _KNOWN candidates."""
    if len(known) >= _KNOWN:
        known.clear()
    known[candidate] = value


def plan_round(interview: Interview, application: str, facts: SearchFacts, settings: PlanSettings, *,
               week: WorkWeek = MONDAY_TO_FRIDAY, first_round: bool = True) -> Plan:
    """One round's steps, given the whole search. The latest round of an application also carries the
    application's own steps (answer an offer, keep in touch, withdraw, tell about another offer)."""
    app = facts.applications[application]
    zone = tzinfo(interview.zone)
    # A later round replaces this round's pending call and checks, from the day it happens: a call an hour
    # before the next interview would ask what that interview is about to tell.
    following = app.next_round_after(interview.start)
    day = None if following is None else at(zone, local(zone, following).date(), time(0, 0))
    # When waiting on the application ends (in the zone: compared with the steps' times), and its window with
    # the candidate's offers, asked once for every use below; without offers (most candidates), no window.
    stop = facts.stops_waiting_for(app)
    stop_here = None if stop is None else _here(zone, stop)
    offers = facts.offers(app.candidate)
    window = _window(app, stop) if offers else None
    decide_by = None if window is None else _first_deadline(application, offers, window)
    if decide_by is not None:  # an offer elsewhere ends then: its "decide" step replaces the later checks
        decide_by = _here(zone, decide_by)
    # No status check from the first of these on is kept (below): none is made.
    ends = [moment for moment in (day, stop_here, decide_by) if moment is not None]
    steps = round_steps(interview, _without_stream(settings), zone, week, min(ends) if ends else None,
                        brief=first_round or settings.brief_references.each_round)
    if day is not None:
        steps = [s for s in steps if not (s.step_id in ("follow-up-call", "status-check") and s.start >= day)]
    if stop_here is not None:
        steps = _before(steps, stop_here)
    outcome = app.outcome
    if outcome is not None and app.status in (Status.REJECTED, Status.WITHDRAWN) and (
            local(zone, outcome).date() == local(zone, interview.start).date()):
        steps = [s for s in steps if s.step_id != "thank-you"]
    if following is None:  # the latest round
        steps += _application_steps(interview, app, facts, settings, zone, week, stop_here, offers, window)
    _in_time_order(steps)
    return Plan(interview, tuple(steps))


def _in_time_order(steps: list[Step]) -> None:
    """Sort ``steps`` by (start, key), asking for keys (a property, a string made) only when two steps start
    together: sorted by start alone, steps that all start apart are in that order already (nearly every plan);
    else the (stable) sort by both gives what it would have from the steps as they came."""
    steps.sort(key=_START)
    for earlier, later in itertools.pairwise(steps):
        if earlier.start == later.start:
            steps.sort(key=_TIME_ORDER)
            return


def _without_stream(settings: PlanSettings) -> PlanSettings:
    """Per-round settings: keep-searching belongs to the search, offers come from the facts. Made once per
    settings object (a batch plans every row with the same one)."""
    kept = _ROUND_SETTINGS.get(id(settings))
    if kept is not None and kept[0] is settings:
        return kept[1]
    if len(_ROUND_SETTINGS) >= 64:
        _ROUND_SETTINGS.clear()
    made = _round_settings(settings)
    _ROUND_SETTINGS[id(settings)] = (settings, made)
    return made


# id -> (the settings, kept alive so the id stays theirs; their per-round form)
_ROUND_SETTINGS: dict[int, tuple[PlanSettings, PlanSettings]] = {}


def _round_settings(settings: PlanSettings) -> PlanSettings:
    return settings._replace(keep_searching=settings.keep_searching._replace(include=False),
                             competing_offer=settings.competing_offer._replace(include=False))


def _application_steps(interview: Interview, app: Application, facts: SearchFacts, settings: PlanSettings,
                       zone: pytz.BaseTzInfo, week: WorkWeek, stop: datetime | None, offers: list[Offer],
                       window: tuple[datetime, datetime] | None) -> list[Step]:
    """``stop``: the application's stops_waiting, in ``zone``; ``offers``: its candidate's; ``window``: its
    waiting (None without offers)."""
    steps: list[Step] = []
    outcome = app.outcome
    if app.status is Status.REJECTED and outcome is not None and settings.keep_in_touch.include:
        day = next_business_day(local(zone, outcome).date(), week)
        steps.append(_step("keep-in-touch", at(zone, day, settings.keep_in_touch.time), settings.keep_in_touch.duration,
                           channel="email"))
    accepted = facts.accepted_at(app.candidate)
    if app.status is Status.OFFER and outcome is not None and app.offer_deadline is not None:
        answer = answer_offer(outcome, app.offer_deadline, settings, zone, week)
        if answer is not None and (accepted is None or answer.start < accepted[1]):
            steps.append(answer)
    if accepted is not None and accepted[0] != app.key and _open_when_accepting(app, accepted[1]):
        other = facts.applications[accepted[0]]
        steps.append(_soon("withdraw", accepted[1], settings, zone, week, companies=(other.company,)))
    # One person's search may hold thousands of applications and hundreds of offers: this loop runs for
    # each pair, so what is the same for every offer is worked out once (the application's waiting window).
    first, stop_utc = window or (_FOREVER, _FOREVER)  # (no window: no offers, nothing to loop over)
    for offer in offers:
        if offer.key == app.key or offer.arrived_utc >= stop_utc:  # its own, or decided before the offer arrived
            continue
        told = competing_offer(interview, settings, zone, offer.arrived, offer.deadline, week,
                               offered_by=offer.company) if settings.competing_offer.include else None
        if told is not None:
            steps.append(told)
        if first <= offer.deadline_utc < stop_utc:
            steps.append(_soon("decide", offer.deadline, settings, zone, week, companies=(offer.company,)))
    if not steps:  # (most rows)
        return steps
    # Waiting steps planned from other applications' news still end when this one is decided.
    return _numbered(steps if stop is None else _before(steps, stop))


def undecided(steps: Iterable[Step], application: str, facts: SearchFacts) -> list[Step]:
    """The steps without those that wait on the application after it is decided (also after a step was
    staggered past that moment)."""
    zone = tzinfo(facts.applications[application].zone)
    return _waiting_until(steps, facts.stops_waiting(application), zone)


def _waiting_until(steps: Iterable[Step], stop: datetime | None, zone: pytz.BaseTzInfo) -> list[Step]:
    """``undecided`` given when the waiting stops; ``zone`` is the steps' (any will do, the one most of them
    are in costs least)."""
    if stop is None:
        return list(steps)
    return _before(steps, _here(zone, stop))


def _before(steps: Iterable[Step], stop: datetime) -> list[Step]:
    """``_waiting_until`` given when the waiting stops in the zone of (most of) the steps."""
    return [s for s in steps if s.step_id not in WAITING or s.start < stop]


def _here(zone: pytz.BaseTzInfo, moment: datetime) -> datetime:
    """``moment`` in ``zone``, to be compared with many of the zone's times: the same instant, but aware
    times of one tzinfo compare without asking either offset (pytz answers in Python, twice per comparison
    of two tzinfos). As it is where it cannot be (at the very ends of datetime's range)."""
    try:
        return local(zone, moment)
    except OverflowError:
        return moment


def _open_when_accepting(app: Application, moment: datetime) -> bool:
    """Still waiting on it, or holding its offer, when another offer is accepted: withdraw (or decline) then."""
    if app.outside or app.status is Status.WITHDRAWN:  # withdrawn already (before its interview, say): done
        return False
    if app.status is Status.OFFER:
        return app.offer_deadline is not None and app.offer_deadline > moment  # an expired offer needs no answer
    return app.status is Status.PENDING or (app.outcome is not None and app.outcome > moment)


def checks_until(application: str, facts: SearchFacts) -> datetime | None:
    """The first deadline of another application's offer that this one has not beaten: its checks stop there."""
    candidate = facts.applications[application].candidate
    return _first_deadline(application, facts.offers(candidate), facts.waiting(application))


def _first_deadline(application: str, offers: list[Offer], window: tuple[datetime, datetime]) -> datetime | None:
    """``checks_until`` given the candidate's offers and the application's waiting window."""
    first, stop = window
    deadlines = [offer for offer in offers if offer.key != application and first <= offer.deadline_utc < stop]
    return min(deadlines, key=lambda offer: offer.deadline_utc).deadline if deadlines else None


def _numbered(steps: list[Step]) -> list[Step]:
    """Repeated application steps (decide, competing-offer) get their own numbers, in time order."""
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.step_id] = counts.get(step.step_id, 0) + 1
    seen: dict[str, int] = {}
    result = []
    for step in sorted(steps, key=_START_AND_KIND):
        if counts[step.step_id] > 1:
            seen[step.step_id] = seen.get(step.step_id, 0) + 1
            step = step._replace(index=seen[step.step_id], total=counts[step.step_id])
        elif step.index:
            step = step._replace(index=0)
        result.append(step)
    return result


def _step(step_id: str, start: datetime, minutes: int, **extra: object) -> Step:
    return Step(step_id, start, timedelta(minutes=minutes), timedelta(0), **extra)  # type: ignore[arg-type]


def _soon(step_id: str, after: datetime, settings: PlanSettings, zone: pytz.BaseTzInfo, week: WorkWeek,
          **extra: object) -> Step:
    """At the first business slot after ``after``."""
    rule = settings.competing_offer
    length = timedelta(minutes=rule.duration)
    start = next_slot(zone, after, length, settings.business, week=week)
    return _step(step_id, start, rule.duration, channel="email", **extra)


def plan_stream(facts: SearchFacts, settings: PlanSettings, zone_name: str, *,
                week: WorkWeek = MONDAY_TO_FRIDAY, candidate: str = "") -> tuple[Step, ...]:
    """The candidate's keep-searching stream: weekly, while at least one of their applications is open,
    never two on one day. A coach's spreadsheet holds one search per candidate, each with its own stream.

    Each application keeps the stream going for ``count`` weeks after its latest round (or until it is
    decided). Steps are numbered by their date, so adding an application never renames the others.
    """
    rule = settings.keep_searching
    if not rule.include:
        return ()
    zone = tzinfo(zone_name)
    # Windows as POSIX timestamps: comparing aware datetimes of different pytz zones costs two utcoffset
    # calls each, and the sweep compares thousands of them.
    windows: list[tuple[float, float, str]] = []
    earliest: datetime | None = None
    earliest_stamp = 0.0
    keeps = rule.every * rule.count * 86_400  # seconds: an aware time plus a timedelta is its timestamp plus them
    for app in facts.applications.of(candidate):
        if app.outside:
            continue
        stamps = [moment.timestamp() for moment in app.starts]
        stamp = min(stamps)
        end = max(stamps) + keeps
        stop = facts.stops_waiting_for(app)
        windows.append((stamp, end if stop is None else min(end, stop.timestamp()), app.company))
        if earliest is None or stamp < earliest_stamp:
            earliest, earliest_stamp = app.starts[stamps.index(stamp)], stamp
    if earliest is None:
        return ()
    first = next_business_day(local(zone, earliest).date(), week)
    last = max(w[1] for w in windows)
    steps: list[Step] = []
    days: set[date] = set()
    waiting_at = _Sweep(windows)
    duration, alarm = timedelta(minutes=rule.duration), timedelta(minutes=rule.alarm)  # shared by every step

    every = timedelta(days=rule.every)
    number = 0
    while number < _WEEKS:
        day, moment, stamp = _week_at(zone, week, first + every * number, rule.time)
        if stamp >= last:
            break
        waiting = waiting_at(stamp)
        if waiting and day not in days:
            days.add(day)
            # The index is the day as YYYYMMDD, worked out rather than formatted (strftime costs more); positional,
            # as passing Step's keywords costs more than the rest of making it.
            steps.append(Step("keep-searching", moment, duration, alarm, day.year * 10_000 + day.month * 100 + day.day,
                              0, "", None, False, waiting))
        number += 1
        begins = None if waiting else waiting_at.next_begin()
        if begins is not None:
            # Nothing is waited on until the next application begins: the weeks before it are passed over
            # (a coach's candidate's applications may lie months apart). The weeks' moments only grow, so
            # when a week ahead is still before it, so is every week in between: nothing is skipped.
            ahead = number + int((begins - stamp) // (rule.every * 86_400)) - 2
            if number < ahead < _WEEKS and _week_at(zone, week, first + every * ahead, rule.time)[2] < begins:
                number = ahead
    return tuple(steps)


def _week_at(zone: pytz.BaseTzInfo, week: WorkWeek, target: date, clock: time) -> tuple[date, datetime, float]:
    """A stream's week from its target day: the working day it falls on, its moment at ``clock`` and that
    moment's timestamp. The same for every stream in that zone and week, so a coach's file of thousands of
    candidates works each out once (remembered for the last few thousand: their streams cover the same
    weeks)."""
    key = (id(week), zone, target, clock)
    found = _WEEKS_AT.get(key)
    if found is not None and found[0] is week:
        return found[1]
    day = on_or_after_business_day(target, week)
    moment = at(zone, day, clock)
    made = (day, moment, moment.timestamp())
    if len(_WEEKS_AT) >= _MAX_WEEKS_AT:
        _WEEKS_AT.clear()
    _WEEKS_AT[key] = (week, made)  # the week kept alive with its answer: its id stays its own
    return made


_MAX_WEEKS_AT = 8_192
_WEEKS_AT: dict[tuple[int, pytz.BaseTzInfo, date, time], tuple[WorkWeek, tuple[date, datetime, float]]] = {}

_WEEKS = 520  # the longest stream: ten years of weekly reminders


class _Sweep:
    """The companies whose window [begin, end) holds a moment, in the windows' order, for moments asked in
    time order: each window is opened and closed once, instead of every window tested for every week."""

    def __init__(self, windows: list[tuple[float, float, str]]) -> None:
        self._windows = windows
        self._by_begin = sorted(range(len(windows)), key=lambda number: windows[number][0])
        self._opened = 0
        self._open: list[tuple[float, int]] = []  # a heap of (end, window number)
        self._last: float | None = None
        # The last answer, kept until a window opens or closes: most weeks wait on what the week before did.
        self._answer: tuple[str, ...] | None = None

    def next_begin(self) -> float | None:
        """When the next window begins, if none is open at the last moment asked; else None."""
        if self._open or self._opened >= len(self._by_begin):
            return None
        return self._windows[self._by_begin[self._opened]][0]

    def __call__(self, moment: float) -> tuple[str, ...]:
        if self._last is not None and moment < self._last:  # never happens as plan_stream asks; stay exact
            return tuple(company for begin, end, company in self._windows if begin <= moment < end)
        self._last = moment
        windows, by_begin = self._windows, self._by_begin
        while self._opened < len(by_begin) and windows[by_begin[self._opened]][0] <= moment:
            number = by_begin[self._opened]
            heapq.heappush(self._open, (windows[number][1], number))
            self._opened += 1
            self._answer = None
        while self._open and self._open[0][0] <= moment:
            heapq.heappop(self._open)
            self._answer = None
        if self._answer is None:
            self._answer = tuple(windows[number][2] for number in sorted(number for _, number in self._open))
        return self._answer


class Stagger:
    """No two steps of one calendar start at the same minute: a step that would is moved later by the
    length of the one already there, inside its own hours (business hours on working days, or waking hours
    for the thank-you note), in the order steps are placed. Interviews never move.

    Placing rows in their order means an application added later never moves the steps already placed. Each
    candidate's calendar is their own: steps of different people's searches never move each other.
    """

    def __init__(self, settings: PlanSettings) -> None:
        self._settings = settings
        # minute since the epoch -> the next minute to try there: where what starts there ends. Chains are
        # shortened as they are walked, so a crowded minute (a thousand 10:00 calls) costs little each time.
        self._calendars: dict[str, dict[int, int]] = {}
        self._next: dict[int, int] = {}

    def reserve(self, minute: int, minutes: int, candidate: str = "") -> None:
        """Hold an interview's minute before any step is placed: interviews never move. ``minute`` and
        ``minutes``: held_minutes of its start and end."""
        self._calendars.setdefault(candidate, {}).setdefault(minute, minute + minutes)

    def place(self, plan: Plan, week: WorkWeek = MONDAY_TO_FRIDAY, candidate: str = "") -> Plan:
        """``plan`` (its steps in time order, as plan_round gives them) with its steps placed; the plan itself
        when none had to move (nearly always), else its steps in time order again."""
        zone = tzinfo(plan.interview.zone)
        states = zone_states(zone)
        calendar = self._next = self._calendars.setdefault(candidate, {})
        steps = plan.steps
        stamps = [step.start.timestamp() for step in steps]
        minutes = [int(stamp) // 60 for stamp in stamps]
        if _all_free(steps, minutes, calendar, zone, states):  # (most plans): the order they are placed in is moot
            _take_all(calendar, minutes, steps)
            return plan
        ordered = sorted([(_order(step, stamp), minute, step)
                          for step, stamp, minute in zip(steps, stamps, minutes, strict=True)], key=_KEY)
        placed = [self._put(step, zone, week, minute, states) for _, minute, step in ordered]
        if all(put is step for put, (_, _, step) in zip(placed, ordered, strict=True)):
            return plan
        _in_time_order(placed)
        return plan._replace(steps=tuple(placed))

    def place_steps(self, steps: Iterable[Step], zone_name: str, week: WorkWeek = MONDAY_TO_FRIDAY,
                    candidate: str = "") -> tuple[Step, ...]:
        """``steps`` placed in their order (a keep-searching stream's: on days of their own, so nearly always
        where they are)."""
        zone = tzinfo(zone_name)
        states = zone_states(zone)
        calendar = self._next = self._calendars.setdefault(candidate, {})
        steps = tuple(steps)
        minutes = [int(step.start.timestamp()) // 60 for step in steps]
        if _all_free(steps, minutes, calendar, zone, states):
            _take_all(calendar, minutes, steps)
            return steps
        return tuple(self._put(step, zone, week, minute, states) for step, minute in zip(steps, minutes, strict=True))

    def forget(self, candidate: str) -> None:
        """Drop a candidate's calendar once their last step is placed: a huge file's memory stays flat."""
        self._calendars.pop(candidate, None)

    def _put(self, step: Step, zone: pytz.BaseTzInfo, week: WorkWeek, minute: int,
             states: frozenset[dt_tzinfo]) -> Step:
        """``minute``: the step's start's (_minute, worked out by the caller for every step at once); ``states``:
        zone_states of ``zone``."""
        start = step.start
        if minute in self._next and not step.blocks_time:  # taken: the step moves (rarely)
            # A step keeps to the hours it was planned in: business hours on working days, or waking hours on
            # any day for the thank-you note and for what an early deadline pushed out of business hours.
            business = step.step_id not in _ANY_DAY and self._settings.business.fits(local(zone, start), step.duration)
            if business:
                start = self._move(start, step.duration, zone, self._settings.business, week)
            if not business or _past(step, start):
                # Business hours are full up to the deadline (a Friday-afternoon offer due on Saturday): the
                # evening before it serves, as it does when the planner meets an early deadline.
                start = self._move(step.start, step.duration, zone, self._settings.waking, None)
            if _past(step, start):
                start = step.start  # never past its deadline: sharing a minute is the lesser harm
            minute = _minute(start)
        self._next.setdefault(minute, minute + _whole_minutes(step.duration))
        if start is step.start and _in_zone(zone, states, start):
            return step  # not moved: the planner gave it in its zone already (from at, local or next_slot)
        return step._replace(start=local(zone, start))

    def _move(self, start: datetime, length: timedelta, zone: pytz.BaseTzInfo, hours: Hours,
              days: WorkWeek | None) -> datetime:
        """The first start from ``start`` on whose minute no placed step starts, inside ``hours`` (on ``days``)."""
        minute = _minute(start)
        for _ in range(MAX_MOVES):
            free = self._free(minute)
            if free == minute:
                break
            start = datetime.fromtimestamp(free * 60, UTC)
            if not hours.fits(local(zone, start), length):
                start = next_slot(zone, start, length, hours, week=days)
            minute = _minute(start)
        return start

    def _free(self, minute: int) -> int:
        """The first minute at or after ``minute`` that no placed step starts at, following the chain."""
        walked = []
        while minute in self._next:
            walked.append(minute)
            minute = self._next[minute]
        for earlier in walked:
            self._next[earlier] = minute
        return minute


def _past(step: Step, start: datetime) -> bool:
    return step.deadline is not None and start + step.duration > step.deadline


_RANK = {step_id: rank for rank, step_id in enumerate(ORDER)}


def _all_free(steps: tuple[Step, ...], minutes: list[int], calendar: dict[int, int], zone: pytz.BaseTzInfo,
              states: frozenset[dt_tzinfo]) -> bool:
    """Whether no step of a plan moves, whatever order they are placed in: they start at different minutes (of
    ``minutes``), none that another step took already (but an interview's: interviews never move), and each is
    in ``zone`` (Stagger._put gives a step in another zone back in this one). ``states``: zone_states of ``zone``."""
    if len(set(minutes)) != len(minutes):
        return False
    for minute, step in zip(minutes, steps, strict=True):
        if minute in calendar and not step.blocks_time:
            return False
        if not _in_zone(zone, states, step.start):
            return False
    return True


def _take_all(calendar: dict[int, int], minutes: list[int], steps: tuple[Step, ...]) -> None:
    """Take each step's minute (of ``minutes``) on ``calendar``, as Stagger._put does when no step moves."""
    for minute, step in zip(minutes, steps, strict=True):
        calendar.setdefault(minute, minute + _whole_minutes(step.duration))


def _in_zone(zone: pytz.BaseTzInfo, states: frozenset[dt_tzinfo], moment: datetime) -> bool:
    """``same_zone(zone, moment)``, by a look-up in ``states`` (zone_states of ``zone``) first."""
    return moment.tzinfo in states or same_zone(zone, moment)


def _order(step: Step, stamp: float) -> tuple[float, int, float]:
    """The order a plan's steps are placed in: the earliest deadline first (a step due at 13:30 takes 13:00 before
    a thank-you note due tomorrow can, which then moves), then by kind of step, then by start (``stamp``, its
    timestamp). On timestamps: comparing aware datetimes of two pytz tzinfos (a deadline with the end of time)
    asks both their offsets, in Python, and the start's is needed anyway."""
    deadline = step.deadline
    return (math.inf if deadline is None else deadline.timestamp(), _RANK.get(step.step_id, len(ORDER)), stamp)


_KEY = operator.itemgetter(0)


_ONE_MINUTE = timedelta(minutes=1)


def _minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


@functools.lru_cache(maxsize=256)  # a few lengths, each some ten times per row: a look-up costs less than the sum
def _whole_minutes(length: timedelta) -> int:
    return max(1, length // _ONE_MINUTE)  # whole minutes, as total_seconds() // 60


def held_minutes(start: datetime, end: datetime) -> tuple[int, int]:
    """What an interview from ``start`` to ``end`` holds on a Stagger calendar: its first minute since the
    epoch and how many minutes (two ints: a huge file keeps them until the candidate is planned)."""
    return _minute(start), _whole_minutes(end - start)


def round_facts(interview: Interview, application: str, *, first_seen: Mapping[str, datetime] | None = None,
                now: datetime, candidate: str = "") -> RoundFacts:
    """A row's facts; a status without an outcome date, or another offer without its arrival, is dated when
    it was first seen (else now)."""
    seen = first_seen or {}
    outcome = interview.outcome_at
    if interview.status.is_closed and outcome is None:
        outcome = seen.get(seen_key(application, interview.status), now)
    arrived = None
    if interview.status is Status.PENDING and interview.offer_deadline is not None:
        arrived = interview.offer_arrived or seen.get(seen_key(f"{application}:outside", Status.OFFER), now)
        dated = interview.offer_arrived is not None
    else:
        dated = interview.outcome_at is not None
    return RoundFacts(application, interview.company, interview.start, interview.end, interview.zone, interview.status,
                      outcome, interview.offer_deadline, arrived, dated, candidate)


def first_seen_dates(facts: SearchFacts) -> dict[str, datetime]:
    """The dates to keep for next time, so that re-planning on a later day moves nothing: when each outcome
    and each outside offer became known (a date the row records always wins over a kept one)."""
    return dict(first_seen(facts))


def first_seen(facts: SearchFacts) -> Iterator[tuple[str, datetime]]:
    """``first_seen_dates``, one (key, date) at a time, in the applications' order."""
    return ((seen_key(app.key, app.status), app.outcome_at) for app in facts.applications.first_seen()
            if app.outcome_at is not None)  # (always: keeps_first_seen says so)


def keeps_first_seen(app: Application) -> bool:
    """Whether the date the application's outcome was first seen is kept for next time."""
    return app.status.is_closed and app.outcome_at is not None and not app.dated


def seen_key(application: str, status: Status) -> str:
    """How a first-seen outcome date is kept: per application and status."""
    return f"{application}:{status.value}"
