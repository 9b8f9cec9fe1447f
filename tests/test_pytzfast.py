"""The fast strict localize answers exactly as pytz's ``localize(naive, is_dst=None)`` does, in every zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.core.pytzfast import localize_quiet, localize_strict, same_zone, to_zone, zone_states


def _pytz(zone: pytz.BaseTzInfo, naive: datetime) -> datetime | type[Exception]:
    try:
        return zone.localize(naive, is_dst=None)
    except (pytz.NonExistentTimeError, pytz.AmbiguousTimeError) as error:
        return type(error)


def _ours(zone: pytz.BaseTzInfo, naive: datetime) -> datetime | type[Exception]:
    try:
        return localize_strict(zone, naive)
    except (pytz.NonExistentTimeError, pytz.AmbiguousTimeError) as error:
        return type(error)


def _same(zone: pytz.BaseTzInfo, naive: datetime) -> None:
    expected, got = _pytz(zone, naive), _ours(zone, naive)
    if isinstance(expected, datetime):
        # The very tzinfo object too: its name and dst part are what pytz would give.
        assert isinstance(got, datetime) and got == expected and got.tzinfo is expected.tzinfo, (zone, naive)
    else:
        assert got is expected, (zone, naive)


@pytest.mark.parametrize("name", pytz.all_timezones)
def test_every_transition_of_every_zone(name: str) -> None:
    """Around each change from 1970 to 2037 (gaps, overlaps, name-only changes), at and beside the edges."""
    zone = pytz.timezone(name)
    for utc in getattr(zone, "_utc_transition_times", [])[1:]:
        if not 1970 <= utc.year <= 2037:
            continue
        # The wall time of the change read with the offset before it and after it: the edges of a gap or an
        # overlap; a minute either side and a quarter-hour inside.
        for offset in {zone.utcoffset(utc - timedelta(days=2)), zone.utcoffset(utc + timedelta(days=2))}:
            wall = utc + (offset or timedelta(0))
            for minutes in (-15, -1, 0, 1, 15):
                _same(zone, wall + timedelta(minutes=minutes))


@settings(max_examples=500, deadline=None)
@given(name=st.sampled_from(pytz.all_timezones),
       naive=st.datetimes(min_value=datetime(1850, 1, 1), max_value=datetime(2100, 12, 31)))
def test_any_wall_time_in_any_zone(name: str, naive: datetime) -> None:
    """Anywhere in time, fixed-offset zones and UTC included."""
    _same(pytz.timezone(name), naive)


@settings(max_examples=500, deadline=None)
@given(name=st.sampled_from(pytz.all_timezones),
       utc=st.datetimes(min_value=datetime(1850, 1, 1), max_value=datetime(2100, 12, 31)))
def test_astimezone_into_a_pytz_zone_needs_no_normalize(name: str, utc: datetime) -> None:
    """``zone.normalize(moment.astimezone(zone))`` is ``moment.astimezone(zone)``: pytz's fromutc already picks
    the offset in force, so wallclock.local can skip the second round trip."""
    zone = pytz.timezone(name)
    moment = pytz.utc.localize(utc).astimezone(pytz.timezone("America/New_York"))  # from another zone
    direct = moment.astimezone(zone)
    normalized = zone.normalize(direct)
    assert direct == normalized and direct.tzinfo is normalized.tzinfo
    assert direct.replace(tzinfo=None) == normalized.replace(tzinfo=None)



ZONES_WITH_UTC = [*pytz.all_timezones, "UTC"]
# The zones with a table of changes (the others, UTC and fixed offsets, go through astimezone).
ZONES_WITH_CHANGES = [name for name in pytz.all_timezones if getattr(pytz.timezone(name), "_tzinfos", None)]


@settings(max_examples=1000, deadline=None)
@given(name=st.sampled_from(pytz.all_timezones), source=st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata",
                                                                        "Australia/Lord_Howe", "Europe/Dublin"]),
       utc=st.datetimes(min_value=datetime(1850, 1, 2), max_value=datetime(2100, 12, 30)))
def test_to_zone_is_astimezone(name: str, source: str, utc: datetime) -> None:
    """The fast conversion gives astimezone's answer, tzinfo object included, from any zone into any zone."""
    zone = pytz.timezone(name)
    moment = pytz.utc.localize(utc).astimezone(pytz.timezone(source))
    expected, got = moment.astimezone(zone), to_zone(zone, moment)
    assert got == expected and got.tzinfo is expected.tzinfo
    assert got.replace(tzinfo=None) == expected.replace(tzinfo=None)


@pytest.mark.parametrize("name", ["America/New_York", "Europe/Paris", "Australia/Sydney", "Asia/Tehran"])
def test_to_zone_at_every_transition(name: str) -> None:
    """At each change of offset, a minute before and after: the instants where fromutc's table lookup turns."""
    zone = pytz.timezone(name)
    for utc in zone._utc_transition_times[1:]:
        if 1970 <= utc.year <= 2037:
            for minutes in (-1, 0, 1):
                moment = pytz.utc.localize(utc + timedelta(minutes=minutes))
                expected, got = moment.astimezone(pytz.utc).astimezone(zone), to_zone(zone, moment)
                assert got.tzinfo is expected.tzinfo and got.replace(tzinfo=None) == expected.replace(tzinfo=None)


def test_to_zone_from_a_fixed_offset_and_into_utc() -> None:
    """datetime.timezone sources and pytz's UTC target take astimezone's own path."""
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-3)))
    for zone in (pytz.utc, pytz.timezone("Europe/London"), pytz.timezone("Etc/GMT+5")):
        assert to_zone(zone, moment).tzinfo is moment.astimezone(zone).tzinfo
        assert to_zone(zone, moment).replace(tzinfo=None) == moment.astimezone(zone).replace(tzinfo=None)


@settings(max_examples=500, deadline=None)
@given(name=st.sampled_from(ZONES_WITH_UTC), other=st.sampled_from(ZONES_WITH_UTC),
       utc=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30)))
def test_same_zone_means_to_zone_gives_it_back(name: str, other: str, utc: datetime) -> None:
    """A time pytz put in a zone (fromutc, localize) is that zone's, and converting it again changes nothing;
    a time in another zone is not the zone's, unless the two names are one zone."""
    zone, elsewhere = pytz.timezone(name), pytz.timezone(other)
    here = pytz.utc.localize(utc).astimezone(zone)
    assert same_zone(zone, here)
    again = to_zone(zone, here)
    assert again.tzinfo is here.tzinfo and again.replace(tzinfo=None) == here.replace(tzinfo=None)
    there = pytz.utc.localize(utc).astimezone(elsewhere)
    assert same_zone(zone, there) == (zone is elsewhere)


def test_zone_states_are_the_times_same_zone_calls_the_zones() -> None:
    """A time carrying one of zone_states(zone) is same_zone's (Stagger looks them up instead of asking), and
    every tzinfo pytz gives a time of the zone is among them; another zone's are not. Every zone."""
    for name in ZONES_WITH_UTC:
        zone = pytz.timezone(name)
        states = zone_states(zone)
        made = {zone.localize(datetime(year, month, 15, 12)).tzinfo for year in (1900, 1950, 2026) for month in (1, 7)}
        assert zone in states and made <= states, name
        for state in states:
            assert same_zone(zone, datetime(2026, 1, 1, tzinfo=state)), name
        others = zone_states(pytz.timezone("Asia/Tokyo" if name != "Asia/Tokyo" else "Europe/Paris"))
        assert not states & others, name


@settings(max_examples=1000, deadline=None)
@given(name=st.sampled_from(ZONES_WITH_CHANGES), state=st.integers(min_value=0),
       naive=st.datetimes(min_value=datetime(1850, 1, 2), max_value=datetime(2100, 12, 30)),
       fold=st.sampled_from([0, 1]))
def test_to_zone_of_any_offset_of_the_zone_is_fromutc(name: str, state: int, naive: datetime, fold: int) -> None:
    """A wall time carrying one of the zone's own tzinfos, right for it or not (``interview.end + 24 h`` keeps
    the offset of the interview's day): to_zone gives it back only where fromutc would. (Through UTC:
    astimezone gives back a time carrying the zone object itself, its first offset, unchecked.)"""
    zone = pytz.timezone(name)
    states = list(zone._tzinfos.values())
    moment = naive.replace(tzinfo=states[state % len(states)], fold=fold)
    expected, got = moment.astimezone(pytz.utc).astimezone(zone), to_zone(zone, moment)
    assert got == expected and got.tzinfo is expected.tzinfo
    assert got.replace(tzinfo=None) == expected.replace(tzinfo=None) and got.fold == expected.fold


@pytest.mark.parametrize("name", ["America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Asia/Tehran",
                                  "Pacific/Apia", "America/Nuuk"])
def test_to_zone_of_the_zone_at_every_transition(name: str) -> None:
    """At each change of offset, wall times a minute either side of each edge, carrying each of the two
    offsets: where a time stops being right for its tzinfo."""
    zone = pytz.timezone(name)
    states = set(zone._tzinfos.values())
    for utc in zone._utc_transition_times[1:]:
        for state in states:
            for minutes in (-1, 0, 1):
                moment = (utc + state._utcoffset + timedelta(minutes=minutes)).replace(tzinfo=state)
                expected, got = moment.astimezone(pytz.utc).astimezone(zone), to_zone(zone, moment)
                assert got.tzinfo is expected.tzinfo and got.replace(tzinfo=None) == expected.replace(tzinfo=None)


@settings(max_examples=1000, deadline=None)
@given(name=st.sampled_from(ZONES_WITH_UTC), naive=st.datetimes(min_value=datetime(1850, 1, 2),
                                                                max_value=datetime(2100, 12, 30)))
def test_a_quiet_wall_time_is_localized_as_strictly(name: str, naive: datetime) -> None:
    """localize_quiet answers as localize_strict (tzinfo object too) wherever it answers, and answers for a
    time more than two days from any change of the zone's offset."""
    zone = pytz.timezone(name)
    quiet = localize_quiet(zone, naive)
    if quiet is not None:
        strict = localize_strict(zone, naive)
        assert quiet == strict and quiet.tzinfo is strict.tzinfo and quiet.replace(tzinfo=None) == naive
    changes = getattr(zone, "_utc_transition_times", None)
    if changes and all(abs(naive - change) > timedelta(days=2) for change in changes[1:]):
        assert quiet is not None
