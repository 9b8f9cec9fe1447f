"""The fast strict localize answers exactly as pytz's ``localize(naive, is_dst=None)`` does, in every zone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.core.pytzfast import localize_strict


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
