"""Configuration from the environment: one documented name per option, FOLLOWUP_ICS_<OPTION>, for every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from followup_ics.cli import cli

BASE = ["--company", "Acme Corp", "--date", "2026-12-01 14:00", "--tz", "America/New_York"]


def plan(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, ["plan", *args], env=env)


@pytest.mark.parametrize(("variable", "value", "shown"), [
    # each variable is the option's own name, not one carrying the command (FOLLOWUP_ICS_PLAN_DURATION)
    ("FOLLOWUP_ICS_DURATION", "45", "14:00-14:45"),
    ("FOLLOWUP_ICS_ROLE", "Data Engineer", "Interview: Acme Corp (Data Engineer)"),
    ("FOLLOWUP_ICS_STATUS", "rejected", "keep-in-touch"),
    ("FOLLOWUP_ICS_OFFER_DEADLINE", "2026-12-04", "competing-offer"),
    ("FOLLOWUP_ICS_NO_INTERVIEW", "1", "thank-you"),
    # a repeatable option takes several values separated by ';' (a name holds spaces)
    ("FOLLOWUP_ICS_INTERVIEWER", "Ana Diaz <ana@acme.example>; Raj Rao <raj@acme.example>", "thank-you"),
])
def test_each_option_reads_its_own_variable(variable: str, value: str, shown: str) -> None:
    """FOLLOWUP_ICS_<OPTION> sets the option for `plan` as it would for `generate`."""
    result = plan(*BASE, env={variable: value})
    assert result.exit_code == 0, result.output
    assert shown in result.stdout


def test_company_and_date_can_come_from_the_environment() -> None:
    """Even the required options: FOLLOWUP_ICS_COMPANY and FOLLOWUP_ICS_DATE."""
    result = plan("--tz", "UTC", env={"FOLLOWUP_ICS_COMPANY": "Globex", "FOLLOWUP_ICS_DATE": "2026-12-01 14:00"})
    assert result.exit_code == 0, result.output
    assert "Interview: Globex" in result.stdout


def test_no_interview_from_the_environment_leaves_the_event_out() -> None:
    """A flag reads 1/true from its variable."""
    result = plan(*BASE, env={"FOLLOWUP_ICS_NO_INTERVIEW": "true"})
    assert "\ninterview " not in result.stdout


def test_interviewers_from_the_environment_are_each_addressed(tmp_path: Path) -> None:
    """Two interviewers separated by ';' become two people, both in the calendar."""
    out = tmp_path / "x.ics"
    result = CliRunner().invoke(cli, ["generate", *BASE, "-o", str(out)], env={
        "FOLLOWUP_ICS_INTERVIEWER": "Ana Diaz <ana@acme.example>; Raj Rao <raj@acme.example>"})
    assert result.exit_code == 0, result.output
    text = out.read_bytes().replace(b"\r\n ", b"")
    assert b"ana@acme.example" in text and b"raj@acme.example" in text


@pytest.mark.parametrize(("env", "named"), [
    # a bad zone from a variable is that variable's fault, not a bad --tz the user never typed
    ({"FOLLOWUP_ICS_TZ": "Mars/Olympus"}, "FOLLOWUP_ICS_TZ: unknown time zone"),
    ({"TZ": "bogus"}, "TZ: unknown time zone"),
    ({"FOLLOWUP_ICS_DURATION": "forever"}, "FOLLOWUP_ICS_DURATION: expected minutes"),
])
def test_a_bad_value_from_the_environment_names_the_variable(env: dict[str, str], named: str) -> None:
    """One line naming the variable, exit 2."""
    result = CliRunner().invoke(cli, ["plan", "--company", "Acme", "--date", "2026-12-01 14:00"], env=env)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {named}"), errors


@pytest.mark.parametrize("command", ["generate", "plan", "links", "batch", "serve", "export-site"])
def test_help_shows_each_option_with_its_variable(command: str) -> None:
    """--help is the manual: every option lists the variable that sets it."""
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "FOLLOWUP_ICS_TZ" in result.output and "FOLLOWUP_ICS_PLAN" in result.output


def test_the_wsgi_app_reads_the_same_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """create_app takes FOLLOWUP_ICS_CSV, FOLLOWUP_ICS_TZ and FOLLOWUP_ICS_NO_INTERVIEW like the CLI."""
    from followup_ics.web import create_app

    source = tmp_path / "interviews.csv"
    source.write_text("company,date\r\nAcme,2026-12-01 14:00\r\n", encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_ICS_CSV", str(source))
    monkeypatch.setenv("FOLLOWUP_ICS_TZ", "Europe/Paris")
    monkeypatch.setenv("FOLLOWUP_ICS_NO_INTERVIEW", "1")
    monkeypatch.setenv("FOLLOWUP_ICS_STATE", str(tmp_path / "state"))
    app = create_app()
    try:
        feed = app.site.feeds["all.ics"].data
    finally:
        app.close()
    assert b"TZID=Europe/Paris" in feed
    assert b".interview@" not in feed.split(b"BEGIN:VEVENT", 1)[1].split(b"RELATED-TO")[0]
