"""Wall-clock and business-day arithmetic, including times that DST skips or repeats."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.core.wallclock import (
    Hours,
    add_business_days,
    last_business_day_until,
    localize,
    next_business_day,
    next_slot,
    round_up,
)
from followup_ics.core.workdays import MONDAY_TO_FRIDAY


@pytest.mark.parametrize(
    ("zone", "wall", "expected", "moved"),
    [
        ("America/New_York", datetime(2026, 12, 1, 14, 0), "2026-12-01 14:00 -0500", False),
        # Spring forward: 02:30 does not exist; read with the offset before the gap -> 03:30.
        ("America/New_York", datetime(2026, 3, 8, 2, 30), "2026-03-08 03:30 -0400", True),
        # Fall back: 01:30 happens twice; the first occurrence is still on summer time.
        ("America/New_York", datetime(2026, 11, 1, 1, 30), "2026-11-01 01:30 -0400", True),
        ("Europe/London", datetime(2026, 3, 29, 1, 15), "2026-03-29 02:15 +0100", True),
        ("Europe/London", datetime(2026, 10, 25, 1, 15), "2026-10-25 01:15 +0100", True),
        # Dublin's data has a negative DST: the rule must still pick the earlier instant.
        ("Europe/Dublin", datetime(2026, 10, 25, 1, 15), "2026-10-25 01:15 +0100", True),
        ("Europe/Dublin", datetime(2026, 3, 29, 1, 15), "2026-03-29 02:15 +0100", True),
        ("Australia/Sydney", datetime(2026, 10, 4, 2, 30), "2026-10-04 03:30 +1100", True),
        ("Australia/Sydney", datetime(2026, 4, 5, 2, 30), "2026-04-05 02:30 +1100", True),
        ("Pacific/Chatham", datetime(2026, 9, 27, 3, 0), "2026-09-27 04:00 +1345", True),
        ("Asia/Kolkata", datetime(2026, 12, 1, 9, 0), "2026-12-01 09:00 +0530", False),
    ],
)
def test_localize_follows_rfc5545_rule(zone: str, wall: datetime, expected: str, moved: bool) -> None:
    """Skipped times move forward by the gap; repeated times take their first occurrence."""
    moment, notice = localize(pytz.timezone(zone), wall)
    assert moment.strftime("%Y-%m-%d %H:%M %z") == expected
    assert (notice is not None) == moved


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 11, 30), 5, date(2026, 12, 7)),  # Monday -> next Monday
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Friday -> Monday
        (date(2026, 12, 5), 5, date(2026, 12, 11)),  # Saturday -> Friday
        (date(2026, 12, 6), 5, date(2026, 12, 11)),  # Sunday -> Friday
    ],
)
def test_add_business_days_skips_weekends(day: date, count: int, expected: date) -> None:
    """Business days are Monday to Friday."""
    assert add_business_days(day, count) == expected


def test_next_and_last_business_day() -> None:
    """The neighbours of a weekend are Friday and Monday."""
    assert next_business_day(date(2026, 12, 4)) == date(2026, 12, 7)
    assert last_business_day_until(date(2026, 12, 6)) == date(2026, 12, 4)
    assert last_business_day_until(date(2026, 12, 3)) == date(2026, 12, 3)


def test_round_up_to_quarter_hour_in_any_offset() -> None:
    """Rounding works on instants, so +05:30 and +12:45 zones round to local quarter hours too."""
    zone = pytz.timezone("Asia/Kolkata")
    moment = zone.localize(datetime(2026, 12, 1, 10, 7))
    assert round_up(moment).astimezone(zone).strftime("%H:%M") == "10:15"
    exact = zone.localize(datetime(2026, 12, 1, 10, 30))
    assert round_up(exact) == exact


def test_next_slot_moves_to_the_next_business_morning() -> None:
    """An evening moment on a Friday becomes Monday morning inside business hours."""
    zone = pytz.timezone("Europe/Paris")
    friday_evening = zone.localize(datetime(2026, 12, 4, 18, 0))
    slot = next_slot(zone, friday_evening, timedelta(minutes=15), Hours(time(9), time(17)), week=MONDAY_TO_FRIDAY)
    assert slot.strftime("%a %H:%M") == "Mon 09:00"


@pytest.mark.parametrize(
    ("zone", "wall", "said"),
    [
        # repeated: the offset of the first occurrence, sign and minutes included
        ("America/New_York", datetime(2026, 11, 1, 1, 30), "using the first, at UTC-04:00"),
        ("America/St_Johns", datetime(2026, 11, 1, 1, 30), "using the first, at UTC-02:30"),
        ("Australia/Lord_Howe", datetime(2026, 4, 5, 1, 45), "using the first, at UTC+11:00"),
        ("Pacific/Chatham", datetime(2026, 4, 5, 3, 0), "using the first, at UTC+13:45"),
        ("Atlantic/Azores", datetime(2026, 10, 25, 0, 30), "using the first, at UTC+00:00"),  # summer is UTC
        # skipped: the wall time it became (Lord Howe's gap is half an hour)
        ("America/New_York", datetime(2026, 3, 8, 2, 30), "using 03:30"),
        ("Australia/Lord_Howe", datetime(2026, 10, 4, 2, 15), "using 02:45"),
        ("Pacific/Chatham", datetime(2026, 9, 27, 3, 0), "using 04:00"),
    ],
)
def test_a_moved_time_says_where_it_went(zone: str, wall: datetime, said: str) -> None:
    """The notice names the time, the zone and the offset or time actually used."""
    _, notice = localize(pytz.timezone(zone), wall)
    assert notice is not None
    assert notice.startswith(f"{wall:%Y-%m-%d %H:%M} ") and f" {zone} " in notice and notice.endswith(said)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]),
       naive=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31)),
       minutes=st.integers(min_value=0, max_value=26 * 60), start=st.times(), end=st.times())
def test_hours_fit_on_the_times_own_wall_clock(name: str, naive: datetime, minutes: int, start: time,
                                               end: time) -> None:
    """Hours.fits reads the wall clock without replace(tzinfo=None): the same answer as with it."""
    moment = pytz.timezone(name).localize(naive)
    hours, length = Hours(start, end), timedelta(minutes=minutes)
    begin = moment.replace(tzinfo=None)
    expected = (datetime.combine(begin.date(), start) <= begin
                and begin + length <= datetime.combine(begin.date(), end))
    assert hours.fits(moment, length) == expected
