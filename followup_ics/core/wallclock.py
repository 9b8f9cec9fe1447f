"""Wall-clock and business-day arithmetic on aware datetimes (pytz zones).

The rule for local times that do not exist or exist twice is RFC 5545's own (section 3.3.5), so a
calendar app reading our TZID-local times lands on the same instant we meant:

* a time inside a spring-forward gap is read with the offset in force before the gap, which moves it
  forward by the length of the gap (02:30 on a US spring-forward day becomes 03:30);
* a time that occurs twice (fall-back) is its first occurrence, the one still on summer time.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import pytz

from followup_ics.core.pytzfast import localize_quiet, localize_strict, to_zone
from followup_ics.core.workdays import MONDAY_TO_FRIDAY, WorkWeek

QUARTER_HOUR = 15 * 60
# Longest run of days off a week may have before we give up looking (a country's longest holiday break).
MAX_DAYS_OFF = 60
_ONE_DAY = timedelta(days=1)  # made once: building a timedelta from keywords costs more than adding it


class Hours(NamedTuple):
    """A daily window of local time, [start, end). (A NamedTuple: a frozen dataclass costs a `generate` about
    half a millisecond to create at import.)"""

    start: time
    end: time

    def fits(self, moment: datetime, length: timedelta) -> bool:
        """True if an event of ``length`` starting at ``moment`` lies within the window that day."""
        # On the wall clock of ``moment``'s own offset; combine, not replace(tzinfo=None): no keywords to parse.
        clock = moment.time()
        return self.start <= clock and datetime.combine(moment, clock) + length <= datetime.combine(moment, self.end)


@functools.lru_cache(maxsize=8192)
def localize(zone: pytz.BaseTzInfo, naive: datetime) -> tuple[datetime, str | None]:
    """Attach ``zone`` to a wall-clock time; return the aware time and a notice if it had to be moved.

    Remembered for the last few thousand wall times: the rows of a batch share their days, zones and
    hours (a status check at 10:00, business hours from 09:00), so most are asked again."""
    try:
        return localize_strict(zone, naive), None
    except pytz.AmbiguousTimeError:
        # The two readings differ only in offset; the first occurrence is the earlier instant.
        chosen = min(zone.localize(naive, is_dst=True), zone.localize(naive, is_dst=False))
        return chosen, (f"{naive:%Y-%m-%d %H:%M} happens twice in {zone.zone} (clocks go back); "
                        f"using the first, at UTC{_offset(chosen)}")
    except pytz.NonExistentTimeError:
        # Reading it with the offset before the gap is the later of the two normalized instants.
        chosen = max(zone.normalize(zone.localize(naive, is_dst=True)),
                     zone.normalize(zone.localize(naive, is_dst=False)))
        return chosen, (f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.zone} (clocks go forward); "
                        f"using {chosen:%H:%M}")


def at(zone: pytz.BaseTzInfo, day: date, clock: time) -> datetime:
    """The aware moment at wall-clock ``clock`` on ``day``, by the rule above."""
    naive = datetime.combine(day, clock)
    # Nearly every day of the year has no change of offset near: its times need neither the rule nor the
    # memory of localize (whose key costs more to look up than the quiet answer to work out).
    return localize_quiet(zone, naive) or localize(zone, naive)[0]


# local(zone, moment): ``moment`` expressed in ``zone`` with pytz's correct offset.
#
# pytz's ``fromutc`` (under ``astimezone``) already picks the offset in force at that instant, so the usual
# ``zone.normalize`` after it would change nothing (tests/test_pytzfast.py holds this over every zone) and is
# left out: the planner converts some forty times per interview. pytzfast.to_zone is that ``astimezone``
# without its round trips, and is ``local`` itself (a function that only called it cost a call more each time).
local = to_zone


def next_business_day(day: date, week: WorkWeek = MONDAY_TO_FRIDAY) -> date:
    """The first working day strictly after ``day``."""
    day += _ONE_DAY
    while not week.is_working_day(day):
        day += _ONE_DAY
    return day


def on_or_after_business_day(day: date, week: WorkWeek = MONDAY_TO_FRIDAY) -> date:
    return day if week.is_working_day(day) else next_business_day(day, week)


def add_business_days(day: date, count: int, week: WorkWeek = MONDAY_TO_FRIDAY) -> date:
    for _ in range(count):
        day = next_business_day(day, week)
    return day


def last_business_day_until(day: date, week: WorkWeek = MONDAY_TO_FRIDAY) -> date | None:
    """The latest working day on or before ``day``, looking back at most a year (None if there is none)."""
    for _ in range(366):
        if week.is_working_day(day):
            return day
        day -= _ONE_DAY
    return None


def round_up(moment: datetime, seconds: int = QUARTER_HOUR) -> datetime:
    """The next instant on a ``seconds`` boundary (UTC based: every zone offset is a multiple of 15 min)."""
    stamp = int(moment.timestamp())
    remainder = (-stamp) % seconds
    if remainder == 0 and moment.microsecond == 0:
        return moment
    return moment + timedelta(seconds=remainder) - timedelta(microseconds=moment.microsecond)


def next_slot(zone: pytz.BaseTzInfo, moment: datetime, length: timedelta, hours: Hours,
              *, week: WorkWeek | None) -> datetime:
    """The earliest start at or after ``moment`` for an event of ``length`` inside ``hours``.

    With a ``week`` the day must also be one of its working days.
    """
    candidate = local(zone, moment)
    day = candidate.date()
    for _ in range(MAX_DAYS_OFF):
        if week is None or week.is_working_day(day):
            # Both are in the zone already (local, at): so is the later of them.
            start = max(candidate, at(zone, day, hours.start))
            if hours.fits(start, length):
                return start
        day += _ONE_DAY
    raise ValueError(f"no working day within {MAX_DAYS_OFF} days of {day}")


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
