"""Conformance: what every parser reads from our files is what the plan's rules say, on both sides of clock changes.

RULE_CASES holds instants worked out by hand from DESIGN.md's table (never from the planner), so a planning
mistake fails here even when the file is self-consistent. The sweep over every common zone checks that steps
at a fixed time of day keep it across each zone's changes and that every parser reads what we wrote; a zone
that cannot be written as rules is a clear error. The same parser checks run on every .ics the other tests
write (conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
import pytz
from click.testing import CliRunner
from icscheck import Reading, assert_parsers_agree, expected_readings
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
    """Around each clock change of the zone, fixed-time steps keep their time and every parser agrees."""
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


# The default plan worked out by hand from DESIGN.md's table, never by the planner: local start and the
# alarm's lead in minutes (the interview 60 before, the follow-up call 15 before, the rest at start). Every
# parser must read these instants from what `generate` writes. Rules used below:
#   thank-you        end + 60 min, up to the next quarter hour, inside waking hours 08:00-21:00 (30 min long)
#   brief-references end + 90 min, up to the next quarter hour, inside 09:00-17:00 on a business day
#   keep-searching   09:00 on the next business day after the interview, then every 7 days (4 in all)
#   follow-up-call   10:00 on the 5th business day after, but on a business day within 7 calendar days
#   status-check     10:00 every 7 days after the call (4 in all), moved to a business day
#   competing-offer  end + 60 min in business hours if it ends before the other deadline, else waking hours
#   keep-in-touch    10:00 on the next business day after a rejection
@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    stem: str
    steps: dict[str, tuple[str, int]]
    plan: str = ""


RULE_CASES = {
    # New York springs forward on Sun 8 Mar: Friday is -0500, everything from Monday -0400.
    "new-york-spring-forward": Case(
        ("--company", "Acme Corp", "--date", "2026-03-06 16:00", "--tz", "America/New_York"), "acme-corp-2026-03-06",
        {"interview": ("2026-03-06 16:00 -0500", 60),
         "thank-you": ("2026-03-06 18:00 -0500", 0),
         "brief-references": ("2026-03-09 09:00 -0400", 0),  # 18:30 is after business hours: Monday
         "keep-searching-1": ("2026-03-09 09:00 -0400", 0),
         "follow-up-call": ("2026-03-13 10:00 -0400", 15),
         "keep-searching-2": ("2026-03-16 09:00 -0400", 0),
         "status-check-1": ("2026-03-20 10:00 -0400", 0),
         "keep-searching-3": ("2026-03-23 09:00 -0400", 0),
         "status-check-2": ("2026-03-27 10:00 -0400", 0),
         "keep-searching-4": ("2026-03-30 09:00 -0400", 0),
         "status-check-3": ("2026-04-03 10:00 -0400", 0),
         "status-check-4": ("2026-04-10 10:00 -0400", 0)}),
    # London on the Saturday evening before the change (01:00 UTC Sunday): the thank-you waits for 08:00 BST.
    "london-saturday-evening": Case(
        ("--company", "Globex", "--date", "2026-03-28 20:00", "--tz", "Europe/London"), "globex-2026-03-28",
        {"interview": ("2026-03-28 20:00 +0000", 60),
         "thank-you": ("2026-03-29 08:00 +0100", 0),  # 22:00 is past waking hours
         "brief-references": ("2026-03-30 09:00 +0100", 0),
         "keep-searching-1": ("2026-03-30 09:00 +0100", 0),
         "follow-up-call": ("2026-04-03 10:00 +0100", 15),  # 5th business day = day + 6 <= day + 7
         "keep-searching-2": ("2026-04-06 09:00 +0100", 0),
         "status-check-1": ("2026-04-10 10:00 +0100", 0),
         "keep-searching-3": ("2026-04-13 09:00 +0100", 0),
         "status-check-2": ("2026-04-17 10:00 +0100", 0),
         "keep-searching-4": ("2026-04-20 09:00 +0100", 0),
         "status-check-3": ("2026-04-24 10:00 +0100", 0),
         "status-check-4": ("2026-05-01 10:00 +0100", 0)}),
    # Sydney falls back on Sun 5 Apr (+1100 -> +1000), southern autumn.
    "sydney-fall-back": Case(
        ("--company", "Koala Labs", "--date", "2026-04-02 10:00", "--tz", "Australia/Sydney"), "koala-labs-2026-04-02",
        {"interview": ("2026-04-02 10:00 +1100", 60),
         "thank-you": ("2026-04-02 12:00 +1100", 0),
         "brief-references": ("2026-04-02 12:30 +1100", 0),  # same day: it fits business hours
         "keep-searching-1": ("2026-04-03 09:00 +1100", 0),
         "follow-up-call": ("2026-04-09 10:00 +1000", 15),
         "keep-searching-2": ("2026-04-10 09:00 +1000", 0),
         "status-check-1": ("2026-04-16 10:00 +1000", 0),
         "keep-searching-3": ("2026-04-17 09:00 +1000", 0),
         "status-check-2": ("2026-04-23 10:00 +1000", 0),
         "keep-searching-4": ("2026-04-24 09:00 +1000", 0),
         "status-check-3": ("2026-04-30 10:00 +1000", 0),
         "status-check-4": ("2026-05-07 10:00 +1000", 0)}),
    # Kolkata, +0530, an odd start and length: 10:52 + 60 = 11:52 rounds up to 12:00, 12:22 to 12:30.
    "kolkata-quarter-hours": Case(
        ("--company", "Tata Widgets", "--date", "2026-12-02 10:07", "--duration", "45", "--tz", "Asia/Kolkata"),
        "tata-widgets-2026-12-02",
        {"interview": ("2026-12-02 10:07 +0530", 60),
         "thank-you": ("2026-12-02 12:00 +0530", 0),
         "brief-references": ("2026-12-02 12:30 +0530", 0),
         "keep-searching-1": ("2026-12-03 09:00 +0530", 0),
         "follow-up-call": ("2026-12-09 10:00 +0530", 15),
         "keep-searching-2": ("2026-12-10 09:00 +0530", 0),
         "status-check-1": ("2026-12-16 10:00 +0530", 0),
         "keep-searching-3": ("2026-12-17 09:00 +0530", 0),
         "status-check-2": ("2026-12-23 10:00 +0530", 0),
         "keep-searching-4": ("2026-12-24 09:00 +0530", 0),
         "status-check-3": ("2026-12-30 10:00 +0530", 0),
         "status-check-4": ("2027-01-06 10:00 +0530", 0)}),
    # Chatham, +1245 going to +1345 on Sun 27 Sep: 17:20 + 60 = 18:20 rounds up to 18:30 local.
    "chatham-spring-forward": Case(
        ("--company", "Chatham Fisheries", "--date", "2026-09-25 16:20", "--tz", "Pacific/Chatham"),
        "chatham-fisheries-2026-09-25",
        {"interview": ("2026-09-25 16:20 +1245", 60),
         "thank-you": ("2026-09-25 18:30 +1245", 0),
         "brief-references": ("2026-09-28 09:00 +1345", 0),
         "keep-searching-1": ("2026-09-28 09:00 +1345", 0),
         "follow-up-call": ("2026-10-02 10:00 +1345", 15),
         "keep-searching-2": ("2026-10-05 09:00 +1345", 0),
         "status-check-1": ("2026-10-09 10:00 +1345", 0),
         "keep-searching-3": ("2026-10-12 09:00 +1345", 0),
         "status-check-2": ("2026-10-16 10:00 +1345", 0),
         "keep-searching-4": ("2026-10-19 09:00 +1345", 0),
         "status-check-3": ("2026-10-23 10:00 +1345", 0),
         "status-check-4": ("2026-10-30 10:00 +1345", 0)}),
    # New York falls back on Sun 1 Nov; another offer ends Mon 2 Nov 17:00: the call comes Monday at 09:00.
    "new-york-fall-back-competing-offer": Case(
        ("--company", "Initech", "--date", "2026-10-30 15:00", "--tz", "America/New_York",
         "--offer-deadline", "2026-11-02", "--offer-arrived", "2026-10-30"), "initech-2026-10-30",
        {"interview": ("2026-10-30 15:00 -0400", 60),
         "thank-you": ("2026-10-30 17:00 -0400", 0),
         "competing-offer": ("2026-11-02 09:00 -0500", 0),  # 17:00-17:15 is past business hours
         "brief-references": ("2026-11-02 09:00 -0500", 0),
         "keep-searching-1": ("2026-11-02 09:00 -0500", 0),
         "follow-up-call": ("2026-11-06 10:00 -0500", 15),
         "keep-searching-2": ("2026-11-09 09:00 -0500", 0),
         "status-check-1": ("2026-11-13 10:00 -0500", 0),
         "keep-searching-3": ("2026-11-16 09:00 -0500", 0),
         "status-check-2": ("2026-11-20 10:00 -0500", 0),
         "keep-searching-4": ("2026-11-23 09:00 -0500", 0),
         "status-check-3": ("2026-11-27 10:00 -0500", 0),
         "status-check-4": ("2026-12-04 10:00 -0500", 0)}),
    # Berlin, rejected on Fri 23 Oct (a date: its midnight): only what came before stays; keep-in-touch
    # comes on Monday, after the change to +0100 on Sun 25 Oct.
    "berlin-rejected-across-fall-back": Case(
        ("--company", "Muller", "--date", "2026-10-20 11:00", "--tz", "Europe/Berlin", "--status", "rejected",
         "--outcome-date", "2026-10-23"), "muller-2026-10-20",
        {"interview": ("2026-10-20 11:00 +0200", 60),
         "thank-you": ("2026-10-20 13:00 +0200", 0),
         "brief-references": ("2026-10-20 13:30 +0200", 0),
         "keep-searching-1": ("2026-10-21 09:00 +0200", 0),
         "keep-in-touch": ("2026-10-26 10:00 +0100", 0)}),
    # Alarms a day or more ahead are absolute UTC triggers; across the change they still mean 24 and 48 hours.
    "new-york-day-ahead-alarms": Case(
        ("--company", "Acme Corp", "--date", "2026-03-06 16:00", "--tz", "America/New_York", "--no-interview"),
        "acme-corp-2026-03-06",
        {"thank-you": ("2026-03-06 18:00 -0500", 0),
         "brief-references": ("2026-03-09 09:00 -0400", 0),
         "keep-searching-1": ("2026-03-09 09:00 -0400", 2880),
         "follow-up-call": ("2026-03-13 10:00 -0400", 1440),
         "status-check-1": ("2026-03-20 10:00 -0400", 0),
         "status-check-2": ("2026-03-27 10:00 -0400", 0)},
        plan='[keep-searching]\ncount = 1\nalarm = 2880\n[follow-up-call]\nalarm = 1440\n[status-check]\ncount = 2\n'),
}


@pytest.mark.parametrize("case", RULE_CASES.values(), ids=RULE_CASES.keys())
def test_every_parser_reads_the_times_the_rules_give(case: Case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What `generate` writes is read, by every parser, at the instants worked out by hand from the plan's rules."""
    args = list(case.args)
    if case.plan:
        plan = tmp_path / "plan.toml"
        plan.write_text(case.plan, encoding="utf-8")
        args += ["--plan", str(plan)]
    # The table's rules are DESIGN.md's Monday to Friday (holidays have their own tests).
    result = CliRunner().invoke(cli, ["generate", *args, "--country", "none", "-o", "-"])
    assert result.exit_code == 0, result.output
    expected = {}
    for key, (start, lead) in case.steps.items():
        moment = datetime.strptime(start, "%Y-%m-%d %H:%M %z").astimezone(UTC)
        expected[f"{case.stem}.{key}@followup-ics"] = Reading(moment, (moment - timedelta(minutes=lead),))
    assert_parsers_agree(result.stdout_bytes, expected)


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


def _forget_derived_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules are derived once per zone and span class: a patched derivation needs an empty cache."""
    monkeypatch.setattr(tzrules, "_DERIVED", {})
    monkeypatch.setattr(tzrules, "_CHECKED", set())


def test_an_unrepresentable_zone_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Were the zone data ever beyond our rules, the user gets an explicit error, never a shifted event."""
    real = tzrules._rule

    def off_by_a_month(run, onset):  # type: ignore[no-untyped-def]
        rule = real(run, onset)
        return tzrules.Rule(rule.month % 12 + 1, rule.byday, rule.bymonthday, rule.count)

    monkeypatch.setattr(tzrules, "_rule", off_by_a_month)
    _forget_derived_rules(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: no step is past, no note
    out = tmp_path / "x.ics"
    result = CliRunner().invoke(cli, ["generate", "--company", "Acme", "--date", "2026-03-06 16:00",
                                      "--tz", "America/New_York", "--country", "US", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.startswith("Error: the time zone America/New_York cannot be written as calendar rules")
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unrepresentable_zone_in_a_batch_names_the_row(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In a batch, the row with the unrepresentable zone is named and nothing is written."""
    real = tzrules._rule
    monkeypatch.setattr(tzrules, "_rule", lambda run, onset: tzrules.Rule(
        real(run, onset).month % 12 + 1, real(run, onset).byday, (), real(run, onset).count))
    _forget_derived_rules(monkeypatch)
    source = tmp_path / "interviews.csv"
    source.write_text("company,date,timezone\nAcme,2026-03-06 16:00,America/New_York\nB,2026-03-06 16:00,UTC\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and not (tmp_path / "out" / "all.ics").exists()
    assert "interviews.csv:2: column 'timezone': the time zone America/New_York cannot be written" in result.stderr
