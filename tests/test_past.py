"""Planning after the fact: past steps are counted on stderr, and --skip-past leaves them out."""

from __future__ import annotations

import icalendar
import pytest
from click.testing import CliRunner, Result

from followup_ics.cli import cli

# The clock is fixed at 2026-11-25 12:00 UTC (conftest): an interview on the 20th is five days old.
LATE = ["--company", "Acme", "--date", "2026-11-20 14:00", "--tz", "UTC"]
EARLY = ["--company", "Acme", "--date", "2026-12-01 14:00", "--tz", "UTC", "--country", "none"]
PAST = "interview, thank-you, brief-references, keep-searching-1"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def event_keys(data: bytes) -> list[str]:
    return [str(e["UID"]).split(".", 1)[1].split("@")[0] for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_past_steps_are_kept_and_counted_by_default() -> None:
    """By default every step is written, and stderr says how many are past and how to leave them out."""
    result = run("generate", *LATE, "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert len(event_keys(result.stdout_bytes)) == 12
    assert f"note: 4 of 12 steps already past ({PAST}); --skip-past leaves them out" in result.stderr


def test_skip_past_leaves_them_out_and_says_so() -> None:
    """--skip-past writes only the steps still ahead, and names what it left out."""
    result = run("generate", *LATE, "--skip-past", "-o", "-")
    assert result.exit_code == 0, result.stderr
    keys = event_keys(result.stdout_bytes)
    assert len(keys) == 8 and not set(PAST.split(", ")) & set(keys)
    assert f"note: left out 4 steps already past ({PAST})" in result.stderr


@pytest.mark.parametrize("command", ["plan", "links"])
def test_plan_and_links_take_the_same_option(command: str) -> None:
    """The table and the links show the same steps generate would write."""
    shown = run(command, *LATE, "--skip-past")
    assert shown.exit_code == 0, shown.stderr
    # Each step's key starts its line in both outputs.
    keys = {line.split()[0].rstrip(":") for line in shown.stdout.splitlines() if line[:1].islower()}
    assert "follow-up-call" in keys and not set(PAST.split(", ")) & keys
    assert "left out 4 steps already past" in shown.stderr


def test_a_plan_made_in_time_says_nothing() -> None:
    """No past step: no note at all."""
    result = run("generate", *EARLY, "-o", "-")
    assert result.exit_code == 0 and result.stderr == ""


def test_nothing_left_is_refused_in_one_line() -> None:
    """When every step is past, --skip-past refuses rather than write an empty calendar."""
    result = run("generate", "--company", "Acme", "--date", "2026-06-01 14:00", "--tz", "UTC", "--skip-past",
                 "-o", "-")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: --skip-past: every step of this plan is already past; nothing would be left")
