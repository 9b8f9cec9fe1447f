"""pytz's strict localize, without its round trips: the same answers, about three times faster.

``zone.localize(naive, is_dst=None)`` tries the offsets in force a day either side of ``naive`` and
normalizes each candidate through aware datetimes (about fifteen ``datetime.replace`` calls and two
hash-set insertions per call); the planner localizes some sixty wall times per interview. This module
runs the same steps on pytz's own tables with naive arithmetic. tests/test_pytzfast.py holds it to pytz
over every zone, at random and at every kind of transition (gaps, overlaps, name-only changes).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta, tzinfo
from typing import Any, NamedTuple

import pytz

_DAY = timedelta(days=1)


class _Tables(NamedTuple):
    """One zone's transitions as pytz keeps them, with what each index stands for precomputed."""

    times: list[datetime]  # naive UTC instants where an offset begins (pytz's _utc_transition_times)
    offsets: list[timedelta]  # the offset in force from times[i] on
    tzinfos: list[tzinfo]  # pytz's own tzinfo object for that state (the one its fromutc and localize give)
    # Each tzinfo of the zone -> the wall times it is right for: a sorted, flat list [start, end, start, end,
    # ...] of half-open spans of local time, each bound carrying that very tzinfo, so that a time carrying it
    # is compared with them without its offset being asked (a datetime compared with one of another tzinfo
    # calls both offsets, in Python, for pytz).
    spans: dict[tzinfo, list[datetime]]
    # Naive wall times more than a day from any change (as pytz's localize reads the table, by UTC): there
    # its two guesses agree and check out, so a time in [quiet_starts[k], quiet_ends[k]) is quiet_tzinfos[k]'s.
    quiet_starts: list[datetime]
    quiet_ends: list[datetime]
    quiet_tzinfos: list[tzinfo]


def localize_strict(zone: pytz.BaseTzInfo, naive: datetime) -> datetime:
    """``zone.localize(naive, is_dst=None)``: raises pytz's NonExistentTimeError or AmbiguousTimeError alike."""
    tables = _TABLES.get(zone)
    if tables is None:
        tables = _TABLES[zone] = _tables(zone)
    if not tables:  # UTC and fixed offsets: pytz's own localize is a single replace
        return zone.localize(naive, is_dst=None)
    quiet = bisect_right(tables.quiet_starts, naive) - 1
    if quiet >= 0 and naive < tables.quiet_ends[quiet]:  # nearly always: one lookup
        return _attach(naive, tables.quiet_tzinfos[quiet])
    return _localize_near_change(tables, naive)


def localize_quiet(zone: pytz.BaseTzInfo, naive: datetime) -> datetime | None:
    """``localize_strict(zone, naive)`` for a wall time more than a day from any change of offset, in a zone
    with changes; None for any other (which may exist twice or not at all, or are UTC's and fixed offsets').
    Cheaper than remembering answers: no key to hash, nothing to keep."""
    tables = _TABLES.get(zone)
    if tables is None:
        tables = _TABLES[zone] = _tables(zone)
    if not tables:
        return None
    quiet = bisect_right(tables.quiet_starts, naive) - 1
    if quiet >= 0 and naive < tables.quiet_ends[quiet]:
        return datetime.combine(naive, naive.time(), tables.quiet_tzinfos[quiet])  # _attach, one call less
    return None


def _localize_near_change(tables: _Tables, naive: datetime) -> datetime:
    """``localize_strict`` the way pytz goes, for a wall time near a change."""
    times, offsets, tzinfos = tables.times, tables.offsets, tables.tzinfos
    # pytz's two guesses: the offsets in force a day before and a day after (by their UTC table, as pytz
    # reads it), in that order.
    before = bisect_right(times, naive - _DAY) - 1
    after = bisect_right(times, naive + _DAY) - 1
    if before == after:  # no change of offset near ``naive`` (nearly always): one guess, checked
        offset = offsets[before if before > 0 else 0]
        actual = _state(times, naive - offset)
        if offsets[actual] != offset:
            raise pytz.NonExistentTimeError(naive)
        return _attach(naive, tzinfos[actual])
    found: list[tuple[datetime, int]] = []
    for index in (before, after):
        offset = offsets[index if index > 0 else 0]
        utc = naive - offset
        # pytz normalizes the guess: the zone's state at that instant, kept if it gives back ``naive``
        actual = _state(times, utc)
        if offsets[actual] == offset:
            found.append((utc, actual))
    if not found:
        raise pytz.NonExistentTimeError(naive)
    if len(found) == 2 and found[0][0] != found[1][0]:
        raise pytz.AmbiguousTimeError(naive)
    # Equal instants are one answer; pytz's set keeps the first guess's.
    return _attach(naive, tzinfos[found[0][1]])


def _attach(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment.replace(tzinfo=zone)``, fold and all: datetime's positional ``combine`` is about four times
    faster than a call with keywords (their parsing dominates such small calls), and this is on every path."""
    return datetime.combine(moment, moment.time(), zone)


def _state(times: list[datetime], utc: datetime) -> int:
    """The index of the zone's state in force at naive UTC ``utc``, as pytz's fromutc finds it."""
    index = bisect_right(times, utc) - 1
    return index if index > 0 else 0


def to_zone(zone: pytz.BaseTzInfo, moment: datetime) -> datetime:
    """``moment.astimezone(zone)`` for an aware ``moment``: pytz's ``fromutc`` on its own tables, without
    the checks and the extra round trip through ``datetime.astimezone`` (about twice as fast).

    A time already in ``zone`` with the offset in force then (most of the planner's: it asks for the local
    day of times it made in the zone) is given back as it is, which is what fromutc would make of it."""
    tables = _TABLES.get(zone)
    if tables is None:
        tables = _TABLES[zone] = _tables(zone)
    if not tables:  # UTC and fixed offsets
        return moment.astimezone(zone)
    spans = tables.spans.get(moment.tzinfo)  # type: ignore[arg-type]
    if spans is not None and bisect_right(spans, moment) & 1 and not moment.fold:
        return moment
    offset = moment.utcoffset()
    if offset is None:  # naive input, which astimezone reads as local
        return moment.astimezone(zone)
    utc = datetime.combine(moment, moment.time()) - offset  # _attach(moment, None) and below, one call less each
    index = bisect_right(tables.times, utc) - 1  # _state
    if index < 0:
        index = 0
    wall = utc + tables.offsets[index]
    return datetime.combine(wall, wall.time(), tables.tzinfos[index])


# zone -> its transition tables, or () for zones without (UTC, fixed offsets); a handful per process
_TABLES: dict[pytz.BaseTzInfo, Any] = {}


def _tables(zone: pytz.BaseTzInfo) -> _Tables | tuple[()]:
    times = getattr(zone, "_utc_transition_times", None)
    if not times:
        return ()
    infos = zone._transition_info  # type: ignore[attr-defined]
    states = zone._tzinfos  # type: ignore[attr-defined]
    tzinfos = [states[info] for info in infos]
    offsets = [info[0] for info in infos]
    spans: dict[tzinfo, list[datetime]] = {}
    for index, (offset, state) in enumerate(zip(offsets, tzinfos, strict=True)):
        # pytz reads every instant before the second transition with the first state
        start = _shifted(times[index], offset) if index > 0 else datetime.min
        end = _shifted(times[index + 1], offset) if index + 1 < len(times) else datetime.max
        bounds = spans.setdefault(state, [])
        start, end = start.replace(tzinfo=state), end.replace(tzinfo=state)
        if bounds and bounds[-1] == start:  # touching spans of one state are one span
            bounds[-1] = end
        elif start < end:
            bounds += [start, end]
    quiet: list[tuple[datetime, datetime, tzinfo]] = []
    for index, (offset, state) in enumerate(zip(offsets, tzinfos, strict=True)):
        # pytz's guesses a day either side both land in this state, and the state's offset (under a day)
        # keeps the checked instant inside it: [times[i] + 1 day, times[i + 1] - 1 day).
        start = _shifted(times[index], _DAY)
        end = _shifted(times[index + 1], -_DAY) if index + 1 < len(times) else _shifted(datetime.max, -_DAY)
        if abs(offset) < _DAY and times[index] < start < end:
            quiet.append((start, end, state))
    return _Tables(times, offsets, tzinfos, spans, [q[0] for q in quiet], [q[1] for q in quiet],
                   [q[2] for q in quiet])


def _shifted(utc: datetime, offset: timedelta) -> datetime:
    """``utc + offset``, held to datetime's range (a bound past it leaves the span open on that side)."""
    try:
        return utc + offset
    except OverflowError:
        return datetime.min if offset < timedelta(0) else datetime.max


def zone_states(zone: pytz.BaseTzInfo) -> frozenset[tzinfo]:
    """The tzinfos a time of ``zone`` carries (pytz gives each offset of a zone its own): a time carrying one is
    ``same_zone``'s, found by a set look-up rather than a call, for every step of every row. (As pytz had made
    them when first asked: a state it adds later, unpickling a time of another pytz version, is not among
    them, so a time not found here is asked of ``same_zone`` still.)"""
    states = _STATES.get(zone)
    if states is None:
        states = _STATES[zone] = frozenset((zone, *getattr(zone, "_tzinfos", {}).values()))
    return states


_STATES: dict[pytz.BaseTzInfo, frozenset[tzinfo]] = {}  # zone -> zone_states(zone): a handful per process


def same_zone(zone: pytz.BaseTzInfo, moment: datetime) -> bool:
    """Whether ``moment`` carries ``zone`` or one of its own offsets (pytz gives each offset of a zone its
    own tzinfo, all sharing one table): then ``to_zone`` would only give it back, if it came from pytz's
    ``localize``, ``normalize`` or ``fromutc`` (as the planner's times all do)."""
    found = moment.tzinfo
    if found is zone:
        return True
    family = getattr(zone, "_tzinfos", None)
    return family is not None and getattr(found, "_tzinfos", None) is family
