"""Plan files (--plan, TOML): every value a user may set reaches the plan, and every mistake is one line
naming the file, the table and the key, with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import local_times, plan_for

from followup_ics.app.config import load_settings
from followup_ics.cli import cli

BASE = ["--company", "Acme Corp", "--date", "2026-12-01 14:00", "--tz", "America/New_York"]
KNOWN_TABLES = ("hours, workdays, interview, thank-you, brief-references, follow-up-call, status-check, "
                "keep-searching, competing-offer, keep-in-touch")


def _plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(plan: Path) -> Result:
    return CliRunner().invoke(cli, ["plan", *BASE, "--plan", str(plan)])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # tables
        ("thank-you = 5\n", "[thank-you]: expected a table"),
        ("[vacation]\nafter = 5\n", f"[vacation]: unknown table (known: {KNOWN_TABLES})"),
        # [hours]
        ('[hours]\nlunch = "12:00-13:00"\n', "[hours]: unknown key 'lunch' (known: waking, business)"),
        ('[hours]\nwaking = "08:00"\n', "[hours] waking: expected \"HH:MM-HH:MM\", got '08:00'"),
        ("[hours]\nwaking = 8\n", '[hours] waking: expected "HH:MM-HH:MM", got 8'),
        ('[hours]\nbusiness = "17:00-09:00"\n', "[hours] business: the window must end after it starts"),
        ('[hours]\nbusiness = "09:00-09:00"\n', "[hours] business: the window must end after it starts"),
        ('[hours]\nwaking = "8am-21:00"\n', "[hours] waking: expected a time of day \"HH:MM\", got '8am'"),
        # keys a step does not have
        ('[thank-you]\ntime = "10:00"\n', "[thank-you]: unknown key 'time' (known: include, duration, alarm, after)"),
        ("[interview]\nafter = 5\n", "[interview]: unknown key 'after' (known: include, duration, alarm)"),
        ("[status-check]\nbusiness-days = 2\n",
         "[status-check]: unknown key 'business-days' (known: include, duration, alarm, count, every, time, first)"),
        # values
        ('[interview]\ninclude = "no"\n', "[interview] include: expected true or false"),
        ('[status-check]\nfirst = "sms"\n', "[status-check] first: expected one of email, phone"),
        ("[thank-you]\nduration = 0\n", "[thank-you] duration: expected a whole number from 1 to 600"),
        ("[thank-you]\nduration = 601\n", "[thank-you] duration: expected a whole number from 1 to 600"),
        ("[thank-you]\nduration = true\n", "[thank-you] duration: expected a whole number from 1 to 600"),
        ("[thank-you]\nduration = 1.5\n", "[thank-you] duration: expected a whole number from 1 to 600"),
        ("[follow-up-call]\nalarm = -1\n", "[follow-up-call] alarm: expected a whole number from 0 to 10080"),
        ("[follow-up-call]\nalarm = 10081\n", "[follow-up-call] alarm: expected a whole number from 0 to 10080"),
        ("[thank-you]\nafter = 721\n", "[thank-you] after: expected a whole number from 0 to 720"),
        ("[status-check]\ncount = 53\n", "[status-check] count: expected a whole number from 0 to 52"),
        ("[keep-searching]\nevery = 0\n", "[keep-searching] every: expected a whole number from 1 to 31"),
        ("[keep-searching]\nevery = 32\n", "[keep-searching] every: expected a whole number from 1 to 31"),
        ("[follow-up-call]\nbusiness-days = 0\n",
         "[follow-up-call] business-days: expected a whole number from 1 to 5"),
        ("[follow-up-call]\nbusiness-days = 6\n",
         "[follow-up-call] business-days: expected a whole number from 1 to 5"),
        ('[follow-up-call]\ntime = "25:00"\n', "[follow-up-call] time: expected a time of day \"HH:MM\", got '25:00'"),
        ('[follow-up-call]\ntime = "10"\n', "[follow-up-call] time: expected a time of day \"HH:MM\", got '10'"),
        # fixed times must fall inside waking hours, checked after every table is read
        # a note to the company belongs in business hours, not only in waking ones
        ('[keep-in-touch]\ntime = "22:00"\n', "[keep-in-touch] time 22:00 is outside business hours 09:00-17:00, "
         "where calls and emails to the company belong: change the time or [hours] business"),
        ('[hours]\nwaking = "09:30-21:00"\n', "[keep-searching] time 09:00 is outside waking hours 09:30-21:00"),
        ('[hours]\nwaking = "08:00-10:00"\n', "[follow-up-call] time 10:00 is outside waking hours 08:00-10:00"),
    ],
)
def test_each_mistake_is_one_line_naming_file_table_and_key(tmp_path: Path, text: str, message: str) -> None:
    """The message names the file, the table and the key, on one line; nothing else is printed."""
    plan = _plan(tmp_path, text)
    result = _run(plan)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {plan}: {message}\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("[status-check\n", "not valid TOML ("),
        (None, "cannot read it (No such file or directory)"),
    ],
    ids=["not-toml", "missing"],
)
def test_an_unreadable_plan_file_is_one_line(tmp_path: Path, text: str | None, start: str) -> None:
    """A file that is not TOML, or not there, is one line naming it."""
    plan = _plan(tmp_path, text) if text is not None else tmp_path / "absent.toml"
    result = _run(plan)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: plan file {plan}: {start}")
    assert len(result.stderr.splitlines()) == 1


def test_every_value_reaches_the_plan(tmp_path: Path) -> None:
    """Hours, durations, alarms, offsets, counts, intervals, channels and TOML times (not only strings) all apply."""
    settings = load_settings(_plan(tmp_path, """
[hours]
waking = "07:00-22:00"
business = "08:00-18:00"
[interview]
alarm = 30
[thank-you]
after = 30
duration = 20
[brief-references]
after = 240
[follow-up-call]
business-days = 2
time = 09:15:00
alarm = 1440
[status-check]
count = 2
every = 3
time = "16:45"
first = "phone"
[keep-searching]
include = false
[keep-in-touch]
time = 08:00:00
"""))
    schedule = plan_for("2026-12-01 14:00", "America/New_York", settings=settings, status="rejected",
                        outcome_date="2026-12-09")
    assert local_times(schedule) == {
        "interview": "Tue 2026-12-01 14:00 -0500",
        "thank-you": "Tue 2026-12-01 15:30 -0500",
        "brief-references": "Wed 2026-12-02 08:00 -0500",  # 19:00 is past business hours
        "follow-up-call": "Thu 2026-12-03 09:15 -0500",
        "status-check-1": "Mon 2026-12-07 16:45 -0500",
        "keep-in-touch": "Thu 2026-12-10 08:00 -0500",  # the first minute of business hours is inside them
    }
    steps = {step.key: step for step in schedule.steps}
    assert steps["thank-you"].duration.total_seconds() == 20 * 60
    assert steps["interview"].alarm_before.total_seconds() == 30 * 60
    assert steps["follow-up-call"].alarm_before.total_seconds() == 1440 * 60


def test_settings_without_a_file_name_say_plan() -> None:
    """Settings given as a mapping (no file) name their source 'plan' in errors."""
    from followup_ics.core.errors import PlanFileError
    from followup_ics.core.settings import settings_from_mapping

    with pytest.raises(PlanFileError, match=r"^plan: \[x\]: unknown table"):
        settings_from_mapping({"x": {}})
