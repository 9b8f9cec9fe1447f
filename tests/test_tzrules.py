"""Rule-based VTIMEZONEs: the shapes Outlook expects, right for the traps in the zone data."""

from __future__ import annotations

from datetime import datetime

import pytest
import pytz
from icscheck import assert_parsers_agree, expected_readings
from support import STAMP, plan_for

from followup_ics.ical import tzrules
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
