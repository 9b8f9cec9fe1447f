"""Rule-based VTIMEZONEs: the shapes Outlook expects, right for the traps in the zone data."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta

import pytest
import pytz
from hypothesis import given, settings
from hypothesis import strategies as st
from icscheck import assert_parsers_agree, expected_readings, readings
from support import STAMP, plan_for

from followup_ics.core.errors import ZoneNotRepresentable
from followup_ics.ical import tzrules, writer
from followup_ics.ical.writer import render


def _span(zone: str, first: str, last: str) -> tuple[tzrules.Observance, ...]:
    tz = pytz.timezone(zone)
    return tzrules.observances(zone, tz.localize(datetime.fromisoformat(first)),
                               tz.localize(datetime.fromisoformat(last)))


def test_new_york_is_one_daylight_and_one_standard_yearly_rule() -> None:
    daylight, standard = _span("America/New_York", "2026-12-01 14:00", "2027-01-05 10:00")
    assert (daylight.kind, daylight.rule.byday, daylight.rule.month) == ("DAYLIGHT", "2SU", 3)
    assert (standard.kind, standard.rule.byday, standard.rule.month) == ("STANDARD", "1SU", 11)


def test_zone_without_dst_is_one_standard() -> None:
    (only,) = _span("Asia/Kolkata", "2026-12-01 14:00", "2027-01-05 10:00")
    assert only.kind == "STANDARD" and only.offset_to.total_seconds() == 5.5 * 3600


def test_rules_that_end_inside_the_span_are_bounded() -> None:
    """Sao Paulo dropped DST in 2019: the daylight rule stops, it does not run on forever."""
    observed = _span("America/Sao_Paulo", "2018-10-01 10:00", "2019-12-01 10:00")
    assert any(o.kind == "DAYLIGHT" and o.rule.count for o in observed)


def test_a_date_before_the_zones_first_change_has_its_offset() -> None:
    """Antarctica/Troll changed nothing before 2005: the offset in force then is written from the epoch."""
    (base,) = _span("Antarctica/Troll", "2001-01-01 00:00", "2001-02-01 00:00")
    assert base.kind == "STANDARD" and base.offset_to.total_seconds() == 0


@pytest.mark.parametrize(
    ("date", "zone"),
    [
        ("2001-01-01 00:00", "Antarctica/Troll"),
        ("2004-12-20 10:00", "Antarctica/Troll"),
        ("2019-10-01 10:00", "America/Sao_Paulo"),
        ("2026-03-06 16:00", "America/New_York"),
        ("2026-10-02 13:00", "Australia/Sydney"),
        ("2026-04-01 10:00", "Africa/Casablanca"),
        ("2026-03-20 10:00", "Europe/Dublin"),
        ("2026-09-20 10:00", "Pacific/Chatham"),
        ("2026-03-20 10:00", "Asia/Tehran"),
    ],
)
def test_every_parser_reads_the_intended_instants(date: str, zone: str) -> None:
    schedule = plan_for(date, zone, now=datetime(2000, 1, 1, tzinfo=pytz.utc))
    assert_parsers_agree(render([schedule], stamp=STAMP), expected_readings([schedule]))


def _instants(zone: str) -> st.SearchStrategy[datetime]:
    """Instants anywhere from 1971 to 2036, and exactly at (or a second around) the zone's own transitions
    or a year and a day before one (how far past the span rules are looked for)."""
    times = [t for t in getattr(pytz.timezone(zone), "_utc_transition_times", []) if 1972 <= t.year <= 2036]
    anywhere = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2036, 12, 31))
    shifts = [timedelta(days=days, seconds=seconds) for days in (0, -366) for seconds in (-1, 0, 1)]
    near = st.sampled_from(times).flatmap(lambda t: st.sampled_from([t + shift for shift in shifts])) if times \
        else anywhere
    return (anywhere | near).map(lambda naive: pytz.utc.localize(naive))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), zone=st.sampled_from(sorted(pytz.all_timezones)))
def test_observances_cached_by_span_class_are_derived_afresh(data: st.DataObject, zone: str) -> None:
    """The cache per zone and span class gives every span exactly what deriving it afresh gives, and so does the
    writer's VTIMEZONE text kept by the same key."""
    first, last = sorted([data.draw(_instants(zone)), data.draw(_instants(zone))])
    last = max(last, first + timedelta(hours=1))
    # Fill the cache from a neighbouring span first: often the same class, sometimes across a transition.
    shift = st.integers(min_value=-3 * 86400, max_value=3 * 86400).map(lambda s: timedelta(seconds=s))
    neighbour = (first + data.draw(shift), last + data.draw(shift))
    with contextlib.suppress(ZoneNotRepresentable):
        writer._vtimezone(zone, min(neighbour), max(neighbour))  # tzrules' cache, and the writer's texts by its keys
    try:
        fresh = tzrules.derive(zone, first, last)
        tzrules.check(zone, fresh, first, last)
    except ZoneNotRepresentable:
        with pytest.raises(ZoneNotRepresentable):
            tzrules.observances(zone, first, last)
        return
    assert tzrules.observances(zone, first, last) == fresh
    assert writer._vtimezone(zone, first, last) == writer.vtimezone_text(zone, fresh)


@pytest.mark.parametrize(
    ("date", "zone", "names"),
    [
        ("2026-12-01 14:00", "America/New_York", [("DAYLIGHT", "EDT"), ("STANDARD", "EST")]),
        ("2026-10-23 18:00", "Europe/London", [("DAYLIGHT", "BST"), ("STANDARD", "GMT")]),
        ("2026-10-02 13:00", "Australia/Sydney", [("STANDARD", "AEST"), ("DAYLIGHT", "AEDT")]),
        # Dublin's data calls winter the DST period; the file still says IST for summer, GMT for winter.
        ("2026-03-20 10:00", "Europe/Dublin", [("DAYLIGHT", "IST"), ("STANDARD", "GMT")]),
        # one fixed offset: the abbreviation in force, not the zone's name
        ("2026-12-01 14:00", "Asia/Kolkata", [("STANDARD", "IST")]),
        ("2026-12-01 14:00", "America/Sao_Paulo", [("STANDARD", "-03")]),
        ("2026-12-01 14:00", "Etc/GMT+5", [("STANDARD", "-05")]),
        ("2001-01-01 00:00", "Antarctica/Troll", [("STANDARD", "-00")]),
    ],
)
def test_each_observance_is_named_by_its_abbreviation(date: str, zone: str, names: list[tuple[str, str]]) -> None:
    """TZNAME is what clocks in the zone show (EST, IST, -03), never the zone's own name."""
    data = render([plan_for(date, zone, now=datetime(2000, 1, 1, tzinfo=pytz.utc))], stamp=STAMP)
    lines = data.decode().split("\r\n")
    written = [(lines[i][len("BEGIN:"):], next(x for x in lines[i:] if x.startswith("TZNAME:"))[len("TZNAME:"):])
               for i, line in enumerate(lines) if line in ("BEGIN:DAYLIGHT", "BEGIN:STANDARD")]
    assert written == names


@pytest.mark.parametrize(
    ("rule", "year", "expected"),
    [
        (tzrules.Rule(2, "4SU", (), None), 2026, date(2026, 2, 22)),  # February 2026 has exactly four Sundays
        (tzrules.Rule(2, "-1SU", (), None), 2026, date(2026, 2, 22)),
        (tzrules.Rule(2, "5SU", (), None), 2026, None),  # no fifth one
        (tzrules.Rule(3, "5SU", (), None), 2026, date(2026, 3, 29)),
        (tzrules.Rule(3, "1SU", (), None), 2026, date(2026, 3, 1)),
        (tzrules.Rule(3, "-2SU", (), None), 2026, date(2026, 3, 22)),
        (tzrules.Rule(11, "1SU", (), None), 2036, date(2036, 11, 2)),
        (tzrules.Rule(2, "SU", (), None), 2026, None),  # a weekday without an ordinal or month days picks nothing
        # Chile's form: the Sunday on or after the 2nd (BYMONTHDAY=2..8)
        (tzrules.Rule(4, "SU", tuple(range(2, 9)), None), 2026, date(2026, 4, 5)),
        (tzrules.Rule(9, "SU", tuple(range(2, 9)), None), 2026, date(2026, 9, 6)),
        (tzrules.Rule(2, "SU", (29, 30, 31), None), 2026, None),  # no such day that month
        (tzrules.Rule(2, "SU", (29, 30, 31), None), 2032, date(2032, 2, 29)),
    ],
)
def test_a_yearly_rule_picks_the_day_a_calendar_app_would(rule: tzrules.Rule, year: int,
                                                          expected: date | None) -> None:
    """day_in reads BYDAY and BYMONTHDAY as RFC 5545 does, at the edges of a month."""
    assert rule.day_in(year) == expected


# The last years input accepts: clock changes there must be written as rules that reach them.
# (interview, its local start, the follow-up call's local start worked out from the rules)
LAST_YEARS = [
    # New York falls back on Sun 2 Nov 2036: the call on the fifth business day is on standard time.
    ("America/New_York", "2036-10-31 14:00", "2036-10-31 14:00 -0400", "2036-11-07 10:00 -0500"),
    # Paris springs forward on Sun 30 Mar 2036.
    ("Europe/Paris", "2036-03-28 10:00", "2036-03-28 10:00 +0100", "2036-04-04 10:00 +0200"),
    # Sydney in its summer across the turn of 2037.
    ("Australia/Sydney", "2036-12-30 10:00", "2036-12-30 10:00 +1100", "2037-01-06 10:00 +1100"),
    # Santiago, Chile's "Sunday on or after" rule: falls back in April 2036.
    ("America/Santiago", "2036-04-03 10:00", "2036-04-03 10:00 -0300", "2036-04-10 10:00 -0400"),
]


@pytest.mark.parametrize(("zone", "date", "interview", "call"), LAST_YEARS, ids=[case[0] for case in LAST_YEARS])
def test_clock_changes_in_the_last_years_input_accepts(zone: str, date: str, interview: str, call: str) -> None:
    """Interviews in 2036 in zones with DST are written, and every parser reads the instants the rules give."""
    schedule = plan_for(date, zone)
    data = render([schedule], stamp=STAMP)
    stem = f"acme-corp-{date[:10]}"
    expected = {f"{stem}.{key}@followup-ics": datetime.strptime(local, "%Y-%m-%d %H:%M %z").astimezone(pytz.utc)
                for key, local in (("interview", interview), ("follow-up-call", call))}
    for parser, events in readings(data).items():
        assert {uid: events[uid].start for uid in expected} == expected, parser


# (zone, interview, every RRULE of its VTIMEZONE in order), written down from the tz database's rules.
RULE_FORMS = [
    # Israel: the Friday before the last Sunday of March (23-29: neither a 4th nor a last Friday every
    # year), back on the last Sunday of October. Each is one rule that goes on, no COUNT.
    ("Asia/Jerusalem", "2026-05-04 10:00", ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                                            "FREQ=YEARLY;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29;BYMONTH=3"]),
    # Greenland since 2024: the EU's change at 01:00 UTC is Saturday 23:00 there (24-30 March).
    ("America/Nuuk", "2026-05-04 10:00", ["FREQ=YEARLY;BYDAY=SA;BYMONTHDAY=24,25,26,27,28,29,30;BYMONTH=3",
                                          "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"]),
    # Paraguay 2010-2024: 1st Sunday of October (14 times), 4th Sunday of March (12 times, 22-28: the
    # 4th every year, the last only some years); it has kept -03 since, so both rules end.
    ("America/Asuncion", "2023-03-10 10:00", ["FREQ=YEARLY;COUNT=14;BYDAY=1SU;BYMONTH=10",
                                              "FREQ=YEARLY;COUNT=12;BYDAY=4SU;BYMONTH=3"]),
    # Jordan 2014-15: 28 March 2014 and 27 March 2015 are both the 4th and the last Friday: the nth form is
    # kept (the output must not flip between equal rules); October's last Friday (2014-2021) only fits -1FR.
    ("Asia/Amman", "2014-09-01 10:00", ["FREQ=YEARLY;COUNT=2;BYDAY=4FR;BYMONTH=3",
                                        "FREQ=YEARLY;COUNT=8;BYDAY=-1FR;BYMONTH=10"]),
    # One-off changes are yearly rules with COUNT=1. Egypt resumed daylight time on Friday 16 May 2014, the
    # 3rd Friday (days 15-21); Morocco paused it for Ramadan on Saturday 28 June 2014, both the 4th and the
    # last Saturday: the nth form again.
    ("Africa/Cairo", "2014-05-12 10:00", ["FREQ=YEARLY;COUNT=1;BYDAY=1TH;BYMONTH=1",
                                          "FREQ=YEARLY;COUNT=1;BYDAY=3FR;BYMONTH=5"]),
    ("Africa/Casablanca", "2014-06-23 10:00", ["FREQ=YEARLY;COUNT=5;BYDAY=-1SU;BYMONTH=10",
                                               "FREQ=YEARLY;COUNT=5;BYDAY=-1SU;BYMONTH=3",
                                               "FREQ=YEARLY;COUNT=1;BYDAY=4SA;BYMONTH=6"]),
    # Chile: the Sunday on or after the 2nd, in April and in September.
    ("America/Santiago", "2026-05-04 10:00", ["FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=4",
                                              "FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=9"]),
]


@pytest.mark.parametrize(("zone", "date", "rules"), RULE_FORMS, ids=[case[0] for case in RULE_FORMS])
def test_a_run_of_yearly_changes_is_one_rule_in_its_simplest_form(zone: str, date: str, rules: list[str]) -> None:
    """Each run of changes is one yearly RRULE: the nth weekday where every year fits one, else the last, else
    "weekday on or after day d"; never several bounded rules for one run."""
    data = render([plan_for(date, zone, now=datetime(2000, 1, 1, tzinfo=pytz.utc))], stamp=STAMP)
    unfolded = data.decode().replace("\r\n ", "")
    assert [line[len("RRULE:"):] for line in unfolded.split("\r\n") if line.startswith("RRULE:")] == rules


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(pytz.common_timezones)), st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1)),
       st.booleans())
def test_naive_utc_is_the_instant_astimezone_gives(zone: str, wall: datetime, is_dst: bool) -> None:
    """naive_utc (wall time less the offset) is astimezone(UTC) made naive, for any localized time."""
    moment = pytz.timezone(zone).localize(wall, is_dst=is_dst)
    assert tzrules.naive_utc(moment) == moment.astimezone(pytz.utc).replace(tzinfo=None)
