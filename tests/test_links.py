"""`links`: one-click add-to-calendar links with the right times and zone, and no pretence of reminders."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from support import plan_for

from followup_ics.cli import cli
from followup_ics.edges.links import MAX_DETAILS, step_links


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_google_links_use_wall_clock_times_in_the_zone_across_dst() -> None:
    """Friday before spring forward: the call lands on Friday 13 Mar at 10:00 New York time, now EDT."""
    schedule = plan_for("2026-03-06 16:00", "America/New_York", location="HQ, 5th floor")
    links = {item.step.key: item for item in step_links(schedule)}
    call = query(links["follow-up-call"].google)
    assert call["dates"] == "20260313T100000/20260313T101500" and call["ctz"] == "America/New_York"
    assert call["action"] == "TEMPLATE" and call["text"].startswith("Follow-up call to Acme Corp")
    assert "Interview details" in call["details"] and "location" not in call
    assert query(links["interview"].google)["location"] == "HQ, 5th floor"


def test_outlook_links_use_utc_instants() -> None:
    schedule = plan_for("2026-03-06 16:00", "America/New_York")
    links = {item.step.key: item for item in step_links(schedule)}
    for url in (links["follow-up-call"].outlook_live, links["follow-up-call"].outlook_office):
        params = query(url)
        assert params["startdt"] == "2026-03-13T14:00:00Z" and params["enddt"] == "2026-03-13T14:15:00Z"
        assert params["rru"] == "addevent" and params["allday"] == "false"
    assert links["interview"].outlook_live.startswith("https://outlook.live.com/calendar/0/action/compose?")
    assert links["interview"].outlook_office.startswith("https://outlook.office.com/calendar/0/action/compose?")


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC"])
def test_utc_zones_give_z_times_without_ctz(zone: str) -> None:
    first = step_links(plan_for("2026-12-01 14:00", zone))[0]
    params = query(first.google)
    assert params["dates"] == "20261201T140000Z/20261201T150000Z" and "ctz" not in params


def test_long_descriptions_are_shortened() -> None:
    schedule = plan_for("2026-12-01 14:00", "Europe/Paris", notes="x" * 5000)
    for item in step_links(schedule):
        assert len(query(item.google)["details"]) <= MAX_DETAILS


def test_links_command_prints_every_step_and_says_there_is_no_reminder() -> None:
    result = CliRunner().invoke(cli, ["links", "--company", "Acme Corp", "--date", "2026-12-01 14:00",
                                      "--tz", "America/New_York"])
    assert result.exit_code == 0, result.output
    assert "These links carry no reminder" in result.stdout
    assert result.stdout.count("Google Calendar:  https://calendar.google.com/") == 12
    assert result.stdout.count("Outlook.com:      https://outlook.live.com/") == 12
    assert result.stdout.count("Office 365:       https://outlook.office.com/") == 12


def test_links_accepts_an_invitation_and_reports_bad_input_in_one_line() -> None:
    from pathlib import Path

    invite = Path(__file__).parent / "invites" / "outlook.ics"
    assert CliRunner().invoke(cli, ["links", "--from-invite", str(invite)]).exit_code == 0
    bad = CliRunner().invoke(cli, ["links", "--company", "Acme", "--date", "someday", "--tz", "UTC"])
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: --date:")
