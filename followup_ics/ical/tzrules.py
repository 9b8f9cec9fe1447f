"""Rule-based VTIMEZONE data derived from pytz's transition table.

Outlook reads (and writes) a VTIMEZONE as one STANDARD and one DAYLIGHT observance, each a yearly
RRULE with BYMONTH and BYDAY. icalendar's ``add_missing_timezones()`` writes lists of RDATEs instead,
which Outlook misreads, so we derive the rules ourselves:

* transitions that change no offset (a name-only change, Inuvik 2026) are dropped;
* STANDARD or DAYLIGHT is decided from the pair of offsets (the larger is daylight), never from
  pytz's ``dst`` value, which is negative for Europe/Dublin and Africa/Casablanca; a final change after
  which the offset stays for good is STANDARD;
* transitions of the same shape in consecutive years form a run; its BYDAY form is one that every
  year of the run agrees on (looking at the whole data, so 2025-26's EU October fits only -1SU once
  2027 is seen), falling back to "weekday on or after day d" (BYMONTHDAY=d..d+6, Chile's rule);
* a run that the data ends (Cuba skipping a fall-back) is bounded by COUNT; a rule starts where its
  run starts, so the first observance begins well before the first event in the file;
* a one-off change is still written as a yearly RRULE, with COUNT=1: some parsers (the ``ical``
  package among them) find no onset at all in an observance without an RRULE or RDATE, and read
  such a zone as UTC.

Why COUNT rather than UNTIL: RFC 5545 wants UNTIL in UTC inside VTIMEZONE while DTSTART there is
local time, and dateutil's rrule, which several Python readers use to expand observances, refuses
exactly that pair ("RRULE UNTIL values must be specified in UTC when DTSTART is timezone-aware").
COUNT bounds a rule just as exactly and every reader we test accepts it.
"""

from __future__ import annotations

import bisect
import calendar as stdcal
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

import pytz

from followup_ics.core.zones import tzinfo

# pytz computes transitions of ongoing rules up to this year; a run reaching it goes on for good.
HORIZON_YEAR = 2037
EPOCH = datetime(1970, 1, 1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_CONTEXT = timedelta(days=366)

Spec = tuple[str, int]  # ("nth", 2) -> 2SU, ("last", -1) -> -1SU, ("onafter", 2) -> SU;BYMONTHDAY=2..8


# Records here are NamedTuples, not dataclasses: as frozen and typed, and about ten times cheaper to
# define, which `followup-ics generate` pays on every start.


class Transition(NamedTuple):
    utc: datetime  # naive UTC
    before: timedelta
    after: timedelta
    name: str
    kind: str  # "STANDARD" or "DAYLIGHT"

    @property
    def wall(self) -> datetime:
        """The onset as RFC 5545 writes it: local time in the offset in force before it."""
        return self.utc + self.before


class Rule(NamedTuple):
    month: int
    byday: str
    bymonthday: tuple[int, ...]
    count: int | None  # None when the rule goes on

    def day_in(self, year: int) -> date | None:
        """The date this yearly rule picks in ``year``."""
        weekday = _WEEKDAYS.index(self.byday[-2:])
        ordinal = self.byday[:-2]
        days = [day for day in range(1, stdcal.monthrange(year, self.month)[1] + 1)
                if date(year, self.month, day).weekday() == weekday]
        if self.bymonthday:
            days = [day for day in days if day in self.bymonthday]
            return date(year, self.month, days[0]) if days else None
        if not ordinal:
            return None
        index = int(ordinal)
        if abs(index) > len(days):
            return None
        return date(year, self.month, days[index - 1 if index > 0 else index])

    def as_rrule(self) -> dict[str, object]:
        rule: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": self.byday}
        if self.bymonthday:
            rule["BYMONTHDAY"] = list(self.bymonthday)
        if self.count is not None:
            rule["COUNT"] = self.count
        return rule


class Observance(NamedTuple):
    kind: str
    start: datetime  # naive local wall time (DTSTART)
    offset_from: timedelta
    offset_to: timedelta
    name: str
    rule: Rule


class _Run(NamedTuple):
    transitions: tuple[Transition, ...]
    spec: Spec


def observances(zone_name: str, first: datetime, last: datetime) -> tuple[Observance, ...]:
    """The observances a VTIMEZONE for ``zone_name`` needs to cover instants ``first``..``last``.

    Derived and checked once per zone and span class, not per call: a batch asks for every interview.
    """
    return observed(zone_name, first, last)[1]


SpanKey = tuple[str, tuple[int, int, int, int]]


def observed(zone_name: str, first: datetime, last: datetime) -> tuple[SpanKey, tuple[Observance, ...]]:
    """observances() with the zone and span class they were derived for: equal keys, equal observances (the
    pytz data they come from does not change), so a caller may keep what it writes of them by the key."""
    first_utc, last_utc = naive_utc(first), naive_utc(last)
    key = (zone_name, _span_class(zone_name, first_utc, last_utc))
    found = _DERIVED.get(key)
    if found is None:
        result = derive(zone_name, first, last)
        found = (result, _onsets(result)[0])  # kept with them: hashing the observances again costs more
        if len(_DERIVED) >= _CACHE_SIZE:
            _DERIVED.clear()
        _DERIVED[key] = found
    result, onsets = found
    # What check() reads at ``first`` is the latest written onset before it: one more part of the key.
    checked = (key, bisect.bisect_right(onsets, first_utc))
    if checked not in _CHECKED:
        check(zone_name, result, first, last)
        if len(_CHECKED) >= _CACHE_SIZE:
            _CHECKED.clear()
        _CHECKED.add(checked)
    return key, result


# Span class -> observances (and onsets), and the span classes already checked; bounded, cleared when full.
_CACHE_SIZE = 4096
_DERIVED: dict[SpanKey, tuple[tuple[Observance, ...], list[datetime]]] = {}  # with their onsets in UTC
_CHECKED: set[tuple[SpanKey, int]] = set()


def _span_class(zone_name: str, first_utc: datetime, last_utc: datetime) -> tuple[int, int, int, int]:
    """Where ``first``..``last`` falls among every transition pytz has for the zone (name-only changes
    included, as the names of the base offset come from there). derive() compares the span with
    transitions only (<, <= at first; <= at last; > at last + a year), and nothing else of it changes
    between two transitions, so spans with the same positions get the same observances."""
    times = _all_times(zone_name)
    return (bisect.bisect_left(times, first_utc), bisect.bisect_right(times, first_utc),
            bisect.bisect_right(times, last_utc), bisect.bisect_right(times, last_utc + _CONTEXT))


@cache
def _all_times(zone_name: str) -> tuple[datetime, ...]:
    return tuple(getattr(tzinfo(zone_name), "_utc_transition_times", None) or ())


def derive(zone_name: str, first: datetime, last: datetime) -> tuple[Observance, ...]:
    """observances() computed afresh, without the cache nor the check."""
    first_utc = naive_utc(first)
    last_utc = naive_utc(last)
    transitions = _transitions(zone_name)
    if not transitions:
        return (_base(*_static(zone_name)),)
    runs = _runs(zone_name)
    state = _state_run(runs, first_utc)
    state_onset = [t for t in state.transitions if t.utc <= first_utc][-1] if state else None
    # When the state at the first event is written from the epoch, no other observance may start
    # before its real onset, or that older onset would become the latest one at the first event.
    state_from_epoch = state is not None and state_onset is state.transitions[-1]
    chosen: list[Observance] = []
    for run in runs:
        occurrences = run.transitions
        if run is not state:
            if occurrences[-1].utc < first_utc:
                continue
            if len(occurrences) == 1 and not first_utc <= occurrences[0].utc <= last_utc:
                continue
            if occurrences[0].utc > last_utc + _CONTEXT:
                continue
        if state_from_epoch and run is not state:
            assert state_onset is not None
            onset = next(t for t in occurrences if t.utc > state_onset.utc)
        elif run is state and state_from_epoch:
            onset = occurrences[-1]
        else:
            # A rule starts with its run, years back: readers that compare a zone against UTC over
            # 2000-2020 (vobject) must see its transitions there, or they drop the TZID.
            onset = occurrences[0]
        later = [t for t in occurrences if t.utc > onset.utc]
        if later:
            chosen.append(_observance(onset, _rule(run, onset)))
        elif onset.utc < first_utc:
            # The offset in force at the first event that no later change of this run ends: the base
            # offset of the file, as one STANDARD from the epoch so that nothing precedes it.
            name = first.astimezone(tzinfo(zone_name)).tzname() or onset.name
            chosen.append(_base(onset.after, name))
        else:
            chosen.append(_observance(onset, _one_off(onset.wall)))
    if state is None:
        # The first event precedes every change the zone ever made (Antarctica/Troll before 2005): the
        # offset then in force stands from the epoch until the first change.
        local_first = first.astimezone(tzinfo(zone_name))
        chosen.append(_base(local_first.utcoffset() or timedelta(0), local_first.tzname() or zone_name))
    chosen.sort(key=lambda o: (o.start, o.kind))
    return tuple(chosen)


def check(zone_name: str, written: tuple[Observance, ...], first: datetime, last: datetime) -> None:
    """Raise ZoneNotRepresentable unless ``written`` gives pytz's offset from ``first`` to ``last``.

    The rules are read back as a calendar app would (the latest onset wins) at ``first`` and on both
    sides of every change of the zone in between: a wrong VTIMEZONE is an error, never a silent shift.
    """
    zone = tzinfo(zone_name)
    first_utc, last_utc = naive_utc(first), naive_utc(last)
    moments = [first_utc]
    changes = _change_times(zone_name)
    # bisect, not a scan: this runs for every interview of a batch
    for change in changes[bisect.bisect_right(changes, first_utc):bisect.bisect_right(changes, last_utc)]:
        moments += [change - timedelta(seconds=1), change]
    onsets, offsets = _onsets(written)
    for moment in moments:
        expected = pytz.utc.localize(moment).astimezone(zone).utcoffset()
        index = bisect.bisect_right(onsets, moment) - 1
        if index < 0 or offsets[index] != expected:
            from followup_ics.core.errors import ZoneNotRepresentable

            raise ZoneNotRepresentable(
                f"the time zone {zone_name} cannot be written as calendar rules for {moment:%Y-%m-%d} "
                "(UTC); please report this, and use a nearby zone with the same clock meanwhile")


@cache
def _change_times(zone_name: str) -> list[datetime]:
    return [change.utc for change in _transitions(zone_name)]


@lru_cache(maxsize=4096)
def _onsets(written: tuple[Observance, ...]) -> tuple[list[datetime], list[timedelta]]:
    """Every onset the observances produce, in UTC, sorted, with the offset each one brings."""
    found: list[tuple[datetime, timedelta]] = []
    for observance in written:
        rule, start = observance.rule, observance.start
        count = 0
        for year in range(start.year, HORIZON_YEAR + 2):
            day = rule.day_in(year)
            if day is None:
                continue
            wall = datetime.combine(day, start.time())
            if wall < start:
                continue
            found.append((wall - observance.offset_from, observance.offset_to))
            count += 1
            if rule.count is not None and count >= rule.count:
                break
    found.sort(key=lambda item: item[0])
    return [moment for moment, _ in found], [offset for _, offset in found]


def _observance(onset: Transition, rule: Rule) -> Observance:
    return Observance(onset.kind, onset.wall, onset.before, onset.after, onset.name, rule)


def _base(offset: timedelta, name: str) -> Observance:
    """A fixed offset from the epoch on: a STANDARD whose rule fires once, on 1 Jan 1970."""
    return Observance("STANDARD", EPOCH, offset, offset, name, _one_off(EPOCH))


def _one_off(wall: datetime) -> Rule:
    """A yearly rule that matches ``wall`` and fires only then."""
    weekday = _WEEKDAYS[wall.weekday()]
    byday = f"{(wall.day - 1) // 7 + 1}{weekday}" if wall.day <= 28 else f"-1{weekday}"
    return Rule(wall.month, byday, (), 1)


def _rule(run: _Run, onset: Transition) -> Rule:
    goes_on = run.transitions[-1].utc.year >= HORIZON_YEAR
    count = None if goes_on else sum(1 for t in run.transitions if t.utc >= onset.utc)
    wall = onset.wall
    form, value = run.spec
    weekday = _WEEKDAYS[wall.weekday()]
    if form == "nth":
        return Rule(wall.month, f"{value}{weekday}", (), count)
    if form == "last":
        return Rule(wall.month, f"-1{weekday}", (), count)
    return Rule(wall.month, weekday, tuple(range(value, value + 7)), count)


def _state_run(runs: tuple[_Run, ...], moment: datetime) -> _Run | None:
    """The run whose latest transition at or before ``moment`` is the latest of all."""
    best: tuple[datetime, _Run] | None = None
    for run in runs:
        before = [t.utc for t in run.transitions if t.utc <= moment]
        if before and (best is None or before[-1] > best[0]):
            best = (before[-1], run)
    return best[1] if best else None


@cache
def _transitions(zone_name: str) -> tuple[Transition, ...]:
    zone = tzinfo(zone_name)
    times = getattr(zone, "_utc_transition_times", None)
    infos = getattr(zone, "_transition_info", None)
    if not times or not infos:
        return ()
    changes: list[tuple[datetime, timedelta, timedelta, str]] = []
    for index in range(1, len(times)):
        before, after = infos[index - 1][0], infos[index][0]
        if before != after:
            changes.append((times[index], before, after, infos[index][2]))
    result = []
    for index, (utc, before, after, name) in enumerate(changes):
        final = index == len(changes) - 1 and utc.year < HORIZON_YEAR
        kind = "STANDARD" if final or after < before else "DAYLIGHT"
        result.append(Transition(utc, before, after, name, kind))
    return tuple(result)


def _static(zone_name: str) -> tuple[timedelta, str]:
    zone = tzinfo(zone_name)
    moment = datetime(2000, 1, 1)
    return zone.utcoffset(moment) or timedelta(0), zone.tzname(moment) or zone_name


@cache
def _runs(zone_name: str) -> tuple[_Run, ...]:
    """Consecutive-year transitions of one shape, each with a BYDAY form all its years fit."""
    groups: dict[tuple[object, ...], list[Transition]] = defaultdict(list)
    for t in _transitions(zone_name):
        wall = t.wall
        groups[(t.kind, wall.month, wall.weekday(), wall.time(), t.before, t.after, t.name)].append(t)
    runs: list[_Run] = []
    for members in groups.values():
        current: list[Transition] = []
        specs: set[Spec] = set()
        for t in members:
            own = _specs(t.wall)
            if current and t.wall.year == current[-1].wall.year + 1 and specs & own:
                current.append(t)
                specs &= own
                continue
            if current:
                runs.append(_Run(tuple(current), _preferred(specs)))
            current, specs = [t], own
        runs.append(_Run(tuple(current), _preferred(specs)))
    runs.sort(key=lambda r: r.transitions[0].utc)
    return tuple(runs)


def _specs(wall: datetime) -> set[Spec]:
    """Every yearly BYDAY form that picks exactly this date in its year."""
    day = wall.day
    length = stdcal.monthrange(wall.year, wall.month)[1]
    shortest = 28 if wall.month == 2 else length
    specs: set[Spec] = set()
    if day <= 28:
        specs.add(("nth", (day - 1) // 7 + 1))
    if day + 7 > length:
        specs.add(("last", -1))
    for start in range(max(1, day - 6), day + 1):
        if start + 6 <= shortest:
            specs.add(("onafter", start))
    return specs


def _preferred(specs: set[Spec]) -> Spec:
    order = {"nth": 0, "last": 1, "onafter": 2}
    return min(specs, key=lambda spec: (order[spec[0]], spec[1]))


def naive_utc(moment: datetime) -> datetime:
    """The instant as a naive UTC datetime: the wall time less its offset, which is what astimezone
    computes, without its conversions (several times slower, for a few calls per calendar)."""
    offset = moment.utcoffset()
    if offset is None:  # naive: astimezone's own reading (the local time)
        return moment.astimezone(pytz.utc).replace(tzinfo=None)
    # combine(date, time): the naive wall time (fold included) four times faster than replace(tzinfo=None)
    return datetime.combine(moment.date(), moment.time()) - offset
