"""Conformance over every common time zone: interviews around each zone's clock changes land at the intended
local wall-clock time in every parser, and a zone that cannot be written as rules is a clear error.

The same checks (icscheck.assert_parsers_agree) run on every .ics the other tests write (conftest.py),
on the golden files and on the samples.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import pytz
from click.testing import CliRunner
from icscheck import assert_parsers_agree, expected_readings
from support import STAMP, plan_for

from followup_ics.cli import cli
from followup_ics.core.errors import ZoneNotRepresentable
from followup_ics.core.settings import DEFAULT_SETTINGS
from followup_ics.core.wallclock import local
from followup_ics.ical import tzrules
from followup_ics.ical.writer import render

# Steps planned at a fixed time of day: wherever the clocks change, that is where they must land.
FIXED_TIMES = {"follow-up-call": DEFAULT_SETTINGS.follow_up_call.time,
               "status-check": DEFAULT_SETTINGS.status_check.time,
               "keep-searching": DEFAULT_SETTINGS.keep_searching.time}


def interview_days(zone_name: str) -> list[datetime]:
    """10:00 local on the day before and the day of each change in 2026-2027; 1 Dec 2026 if none."""
    zone = pytz.timezone(zone_name)
    changes = [moment for moment in getattr(zone, "_utc_transition_times", [])
               if datetime(2026, 1, 1) <= moment < datetime(2028, 1, 1)]
    days: list[datetime] = []
    for change in changes:
        day = pytz.utc.localize(change).astimezone(zone).date()
        for offset in (-1, 0):
            days.append(datetime.combine(day + timedelta(days=offset), time(10, 0)))
    return days or [datetime(2026, 12, 1, 10, 0)]


@pytest.mark.parametrize("zone_name", pytz.common_timezones)
def test_every_event_lands_at_the_intended_wall_clock_time(zone_name: str) -> None:
    zone = pytz.timezone(zone_name)
    schedules = [plan_for(f"{day:%Y-%m-%d %H:%M}", zone_name, company=f"Company {index}",
                          now=datetime(2025, 12, 1, tzinfo=UTC))
                 for index, day in enumerate(interview_days(zone_name))]
    for schedule in schedules:
        for step in schedule.steps:
            wanted = FIXED_TIMES.get(step.step_id)
            if wanted is not None:
                assert local(zone, step.start).time() == wanted, (step.key, local(zone, step.start))
    assert_parsers_agree(render(schedules, stamp=STAMP, name=zone_name), expected_readings(schedules))


def test_rules_that_do_not_give_the_zones_offsets_are_refused() -> None:
    """The check reads the rules back: one shifted by a month is caught before anything is written."""
    first = pytz.timezone("America/New_York").localize(datetime(2026, 3, 6, 16, 0))
    last = first + timedelta(days=40)
    written = tzrules.observances("America/New_York", first, last)
    shifted = tuple(tzrules.Observance(o.kind, o.start, o.offset_from, o.offset_to, o.name,
                                       tzrules.Rule(o.rule.month + 1, o.rule.byday, o.rule.bymonthday, o.rule.count))
                    for o in written)
    with pytest.raises(ZoneNotRepresentable, match="America/New_York cannot be written as calendar rules"):
        tzrules.check("America/New_York", shifted, first, last)


def test_an_unrepresentable_zone_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Were the zone data ever beyond our rules, the user gets an explicit error, never a shifted event."""
    real = tzrules._rule

    def off_by_a_month(run, onset):  # type: ignore[no-untyped-def]
        rule = real(run, onset)
        return tzrules.Rule(rule.month % 12 + 1, rule.byday, rule.bymonthday, rule.count)

    monkeypatch.setattr(tzrules, "_rule", off_by_a_month)
    out = tmp_path / "x.ics"
    result = CliRunner().invoke(cli, ["generate", "--company", "Acme", "--date", "2026-03-06 16:00",
                                      "--tz", "America/New_York", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.startswith("Error: the time zone America/New_York cannot be written as calendar rules")
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unrepresentable_zone_in_a_batch_names_the_row(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    real = tzrules._rule
    monkeypatch.setattr(tzrules, "_rule", lambda run, onset: tzrules.Rule(
        real(run, onset).month % 12 + 1, real(run, onset).byday, (), real(run, onset).count))
    source = tmp_path / "interviews.csv"
    source.write_text("company,date,timezone\nAcme,2026-03-06 16:00,America/New_York\nB,2026-03-06 16:00,UTC\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and not (tmp_path / "out" / "all.ics").exists()
    assert "interviews.csv:2: column 'timezone': the time zone America/New_York cannot be written" in result.stderr
