"""Working days of the user's country: public holidays, the country's own weekend, regions, make-up days.

Every case names its trap. Dates come from python-holidays; the planned dates below were checked by hand
against each country's official calendar for that year.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
import pytz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import plan_for

from followup_ics.core.settings import DEFAULT_SETTINGS, settings_from_mapping
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.wording.table import moved_text, plan_table

# (interview start, zone, country, region, step, planned local day, what the plan table says about it)
CASES = [
    # US federal: the 5th business day is Thanksgiving; the 7-day cap pulls the call back to Wednesday.
    ("2026-11-19 14:00", "America/New_York", "US", "", "follow-up-call", "2026-11-25",
     "moved from Thu 26 Nov: Thanksgiving Day"),
    # US federal: a weekly check on Christmas (a Friday) moves to the next working day, Monday.
    ("2026-12-04 14:00", "America/New_York", "US", "", "status-check-2", "2026-12-28",
     "moved from Fri 25 Dec: Christmas Day"),
    # US federal: New Year's Day on a Friday, the next check moves to Monday 4 Jan.
    ("2026-12-04 14:00", "America/New_York", "US", "", "status-check-3", "2027-01-04",
     "moved from Fri 1 Jan: New Year's Day"),
    # A state's own holiday: Cesar Chavez Day is a California holiday, not a federal one.
    ("2026-03-30 16:00", "America/Los_Angeles", "US", "CA", "brief-references", "2026-04-01",
     "moved from Tue 31 Mar: Cesar Chavez Day"),
    # ... so without the region the same interview keeps the federal calendar.
    ("2026-03-30 16:00", "America/Los_Angeles", "US", "", "brief-references", "2026-03-31", None),
    # Scotland: St Andrew's Day (Mon 30 Nov) is a bank holiday there...
    ("2026-11-27 14:00", "Europe/London", "GB", "SCT", "keep-searching-1", "2026-12-01",
     "moved from Mon 30 Nov: Saint Andrew's Day"),
    # ... and not in England: one country, two calendars.
    ("2026-11-27 14:00", "Europe/London", "GB", "ENG", "keep-searching-1", "2026-11-30", None),
    # England's summer bank holiday is the last Monday of August (Scotland's is the first).
    ("2026-08-28 14:00", "Europe/London", "GB", "ENG", "keep-searching-1", "2026-09-01",
     "moved from Mon 31 Aug: Late Summer Bank Holiday"),
    # Germany: Reformation Day is a holiday in Saxony only among these two states...
    ("2025-10-30 14:00", "Europe/Berlin", "DE", "SN", "keep-searching-1", "2025-11-03",
     "moved from Fri 31 Oct: Reformation Day"),
    # ... Bavaria works on 31 Oct.
    ("2025-10-30 14:00", "Europe/Berlin", "DE", "BY", "keep-searching-1", "2025-10-31", None),
    # Germany: Corpus Christi is a Bavarian holiday, not a Berlin one.
    ("2026-06-03 14:00", "Europe/Berlin", "DE", "BY", "keep-searching-1", "2026-06-05",
     "moved from Thu 4 Jun: Corpus Christi"),
    ("2026-06-03 14:00", "Europe/Berlin", "DE", "BE", "keep-searching-1", "2026-06-04", None),
    # France: Bastille Day (the library's English name is National Day), a Tuesday.
    ("2026-07-13 14:00", "Europe/Paris", "FR", "", "keep-searching-1", "2026-07-15",
     "moved from Tue 14 Jul: National Day"),
    # India: Republic Day on a Monday after a Friday interview.
    ("2026-01-23 14:00", "Asia/Kolkata", "IN", "", "keep-searching-1", "2026-01-27",
     "moved from Mon 26 Jan: Republic Day"),
    # Japan, Golden Week: the 5th business day is after the break; the call stays within 7 days (Fri 1 May).
    ("2026-04-28 14:00", "Asia/Tokyo", "JP", "", "follow-up-call", "2026-05-01",
     "moved from Tue 5 May: Children's Day"),
    # Japan: Showa Day opens Golden Week on a Wednesday.
    ("2026-04-28 14:00", "Asia/Tokyo", "JP", "", "keep-searching-1", "2026-04-30",
     "moved from Wed 29 Apr: Showa Day"),
    # Israel: Friday and Saturday are the weekend, Sunday is a working day.
    ("2026-09-03 14:00", "Asia/Jerusalem", "IL", "", "keep-searching-1", "2026-09-06", None),
    # Israel: Yom Kippur (Mon 21 Sep) is a day off.
    ("2026-09-20 14:00", "Asia/Jerusalem", "IL", "", "keep-searching-1", "2026-09-22",
     "moved from Mon 21 Sep: Yom Kippur"),
    # Saudi Arabia: Friday-Saturday weekend and National Day on Wednesday 23 Sep.
    ("2026-09-22 14:00", "Asia/Riyadh", "SA", "", "keep-searching-1", "2026-09-24",
     "moved from Wed 23 Sep: National Day Holiday"),
    # Saudi Arabia: Thursday's next business day is Sunday.
    ("2026-09-24 14:00", "Asia/Riyadh", "SA", "", "keep-searching-1", "2026-09-27", None),
    # UAE since 2022: Saturday-Sunday, so Friday is a working day...
    ("2026-09-03 14:00", "Asia/Dubai", "AE", "", "keep-searching-1", "2026-09-04", None),
    # ... but in 2021 the weekend was Friday-Saturday: Thursday's next business day was Sunday.
    ("2021-09-02 14:00", "Asia/Dubai", "AE", "", "keep-searching-1", "2021-09-05", None),
    # Brazil: Carnival is an optional day off in law (the library's "optional" category), so by default
    # it is a working day; see test_optional_days_off_come_from_the_plan_file for offices that close.
    ("2026-02-13 14:00", "America/Sao_Paulo", "BR", "", "keep-searching-1", "2026-02-16", None),
    # Brazil: Tiradentes' Day is a national public holiday (Tue 21 Apr).
    ("2026-04-20 14:00", "America/Sao_Paulo", "BR", "", "keep-searching-1", "2026-04-22",
     "moved from Tue 21 Apr: Tiradentes' Day"),
    # China: Saturday 14 Feb is a make-up working day before the Spring Festival break.
    ("2026-02-13 14:00", "Asia/Shanghai", "CN", "", "keep-searching-1", "2026-02-14",
     "moved from Mon 16 Feb: Sat 14 Feb is a working day"),
    # China: no working day from the 3rd to the 7th day (Spring Festival): the first one after the break.
    ("2026-02-13 14:00", "Asia/Shanghai", "CN", "", "follow-up-call", "2026-02-24",
     "moved from Fri 20 Feb: Day off (substituted from 02/14/2026)"),
    # China, the October Golden Week: 1-7 Oct all off, the call is on Thursday 8 Oct.
    ("2026-09-30 14:00", "Asia/Shanghai", "CN", "", "follow-up-call", "2026-10-08",
     "moved from Wed 7 Oct: Day off (substituted from 10/10/2026)"),
    # Australia: Melbourne Cup Day is a Victorian holiday...
    ("2026-11-02 14:00", "Australia/Melbourne", "AU", "VIC", "keep-searching-1", "2026-11-04",
     "moved from Tue 3 Nov: Melbourne Cup Day"),
    # ... and not in New South Wales.
    ("2026-11-02 14:00", "Australia/Sydney", "AU", "NSW", "keep-searching-1", "2026-11-03", None),
    # The thank-you note is not a business step: it is written on Thanksgiving eve night as usual.
    ("2026-11-25 16:00", "America/New_York", "US", "", "thank-you", "2026-11-25", None),
    # A next-business-morning step after an interview the evening before Thanksgiving skips to Friday.
    ("2026-11-25 16:00", "America/New_York", "US", "", "brief-references", "2026-11-27",
     "moved from Thu 26 Nov: Thanksgiving Day"),
]


@pytest.mark.parametrize(("start", "zone", "country", "region", "key", "day", "said"), CASES,
                         ids=[f"{c[2]}{'-' + c[3] if c[3] else ''}-{c[0][:10]}-{c[4]}" for c in CASES])
def test_business_steps_land_on_working_days_of_the_country(start: str, zone: str, country: str, region: str,
                                                            key: str, day: str, said: str | None) -> None:
    """Each step lands on the day the country's calendar allows, and the table says why it moved."""
    schedule = plan_for(start, zone, country=country, region=region)
    step = next(s for s in schedule.steps if s.key == key)
    assert local(tzinfo(zone), step.start).date() == date.fromisoformat(day)
    assert (moved_text(step.step.moved) if step.step.moved else None) == said
    if said:
        assert said in plan_table(schedule)


def test_optional_days_off_come_from_the_plan_file() -> None:
    """Brazil's Carnival moves steps once the plan file adds the library's optional category."""
    settings = settings_from_mapping({"workdays": {"categories": ["public", "optional"]}})
    schedule = plan_for("2026-02-13 14:00", "America/Sao_Paulo", country="BR", settings=settings)
    step = next(s for s in schedule.steps if s.key == "keep-searching-1")
    # Carnival Monday and Tuesday, then Ash Wednesday (also optional) are off.
    assert local(tzinfo("America/Sao_Paulo"), step.start).date() == date(2026, 2, 19)
    assert moved_text(step.step.moved) == "moved from Mon 16 Feb: Carnival"


@pytest.mark.parametrize(
    ("workdays", "start", "key", "day", "said"),
    [
        # A company closed over the holidays: 24 Dec to 1 Jan, given as a range.
        ({"country": "US", "days-off": ["2026-12-24..2027-01-01"]}, "2026-12-23 16:00", "keep-searching-1",
         "2027-01-04", "moved from Thu 24 Dec: a day off in the plan file"),
        # A single extra day off, as a TOML date.
        ({"country": "US", "days-off": [date(2026, 11, 27)]}, "2026-11-25 16:00", "brief-references",
         "2026-11-30", "moved from Thu 26 Nov: Thanksgiving Day"),
        # An extra working day wins over the weekend.
        ({"country": "US", "extra-working-days": ["2026-11-28"]}, "2026-11-27 14:00", "keep-searching-1",
         "2026-11-28", "moved from Mon 30 Nov: Sat 28 Nov is a working day"),
        # The plan's own weekend replaces the country's (a Friday-Saturday office in the US).
        ({"country": "US", "weekend": ["fri", "sat"]}, "2026-12-03 14:00", "keep-searching-1",
         "2026-12-06", None),
        # No country and no zone country: Monday to Friday; the weekend setting still applies.
        ({"country": "none", "weekend": ["sat", "sun"]}, "2026-11-25 16:00", "brief-references",
         "2026-11-26", None),
    ],
)
def test_plan_file_workdays(workdays: dict[str, object], start: str, key: str, day: str, said: str | None) -> None:
    """The [workdays] table: days off and ranges, extra working days, the weekend, no country."""
    settings = settings_from_mapping({"workdays": workdays})
    schedule = plan_for(start, "America/New_York", settings=settings)
    step = next(s for s in schedule.steps if s.key == key)
    assert local(tzinfo("America/New_York"), step.start).date() == date.fromisoformat(day)
    assert (moved_text(step.step.moved) if step.step.moved else None) == said


@pytest.mark.parametrize(
    ("zone", "country", "region", "notice"),
    [
        # Inferred from the zone database's zone-to-country table.
        ("America/Chicago", "", "", "using the weekend and public holidays of US, inferred from America/Chicago"),
        # An old alias name is followed to the zone it links to.
        ("US/Eastern", "", "", "of US, inferred from US/Eastern"),
        # UTC belongs to no country: Monday to Friday, said.
        ("UTC", "", "", "UTC belongs to no country; using Monday to Friday without public holidays"),
        # A country given: nothing to say.
        ("America/Chicago", "US", "TX", None),
    ],
)
def test_the_country_comes_from_the_zone_unless_given(zone: str, country: str, region: str,
                                                      notice: str | None) -> None:
    """Without a country the zone's country is used and said once; a zone of no country falls back."""
    schedule = plan_for("2026-11-19 14:00", zone, country=country, region=region)
    said = [n for n in schedule.notices if "country" in n]
    if notice is None:
        assert said == []
    else:
        assert len(said) == 1 and notice in said[0]


def test_the_fallback_week_has_no_holidays() -> None:
    """In UTC (no country) Thanksgiving is a working day."""
    schedule = plan_for("2026-11-19 14:00", "UTC")
    call = next(s for s in schedule.steps if s.key == "follow-up-call")
    assert call.start.date() == date(2026, 11, 26) and call.step.moved is None


def test_help_does_not_import_holidays() -> None:
    """The holidays library (about 150 ms) is imported only when a plan needs it, never for --help."""
    code = ("import sys; from followup_ics.cli import main; sys.argv = ['followup-ics', 'plan', '--help']\n"
            "try: main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip().splitlines()[-1] == "[]"


def test_monday_to_friday_plans_do_not_import_holidays() -> None:
    """A plan with country none never loads the library."""
    code = ("import sys; from followup_ics.cli import main\n"
            "sys.argv = ['followup-ics', 'plan', '--company', 'A', '--date', '2026-12-01 14:00', '--tz', 'UTC',"
            " '--country', 'none']\n"
            "try: main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip().splitlines()[-1] == "[]"


def test_default_settings_know_no_country() -> None:
    """Without a plan file nothing is said about working days: the zone decides."""
    assert DEFAULT_SETTINGS.workdays.country == "" and DEFAULT_SETTINGS.workdays.categories == ("public",)


def _library_countries() -> list[str]:
    from holidays.registry import COUNTRIES

    return sorted(entry[1] for entry in COUNTRIES.values())


BUSINESS_STEPS = ("brief-references", "follow-up-call", "status-check", "keep-searching", "keep-in-touch")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(country=st.sampled_from(_library_countries()), data=st.data(),
       wall=st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2034, 12, 31)),
       minutes=st.integers(min_value=15, max_value=240), rejected=st.booleans())
def test_no_business_step_on_a_day_the_library_marks_off(country: str, data: st.DataObject, wall: datetime,
                                                         minutes: int, rejected: bool) -> None:
    """For random interviews in random countries (and regions), no business step lands on a day the
    library marks off, and none outside business hours."""
    import holidays

    regions = getattr(holidays, country).subdivisions
    region = data.draw(st.sampled_from(("", *regions)), label="region")
    zone = data.draw(st.sampled_from(pytz.country_timezones.get(country) or ["UTC"]), label="zone")
    wall = wall.replace(second=0, microsecond=0)
    extra = {"status": "rejected", "outcome_date": f"{wall + timedelta(days=9):%Y-%m-%d}"} if rejected else {}
    schedule = plan_for(f"{wall:%Y-%m-%d %H:%M}", zone, duration=str(minutes), country=country, region=region,
                        **extra)
    library = holidays.country_holidays(country, subdiv=region or None)
    tz = tzinfo(zone)
    for step in schedule.steps:
        if step.step_id in BUSINESS_STEPS:
            start = local(tz, step.start)
            assert library.is_working_day(start.date()), (step.key, start, library.get(start.date()))
            assert DEFAULT_SETTINGS.business.fits(start, step.duration), (step.key, start)
