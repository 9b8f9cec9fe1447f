"""`--from-invite`: the interview from the invitation Google, Outlook or Apple exported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner, Result
from icscheck import assert_parsers_agree

from followup_ics.app.invitation import company_from_domain
from followup_ics.cli import cli

INVITES = Path(__file__).parent / "invites"


def generate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["generate", *args, "-o", "-"])


def interview_of(data: bytes) -> icalendar.Event:
    return next(e for e in icalendar.Calendar.from_ical(data).events if str(e.uid).endswith(".interview@followup-ics"))


@pytest.mark.parametrize(
    ("invite", "start_utc", "zone", "minutes", "company", "interviewers", "location"),
    [
        ("google.ics", datetime(2026, 12, 2, 10, 0, tzinfo=UTC), "Europe/Berlin", 60, "Mueller Soehne",
         ["Jürgen Weiß <j.weiss@mueller-soehne.de>", "Anna Schmidt <anna.schmidt@mueller-soehne.de>"],
         "Berlin, Friedrichstraße 12"),
        ("outlook.ics", datetime(2026, 12, 1, 19, 0, tzinfo=UTC), "America/New_York", 60, "Acme Corp",
         ["Bo Li <bo.li@acme-corp.com>", "Ana Diaz <ana.diaz@acme-corp.com>"], "Microsoft Teams Meeting"),
        ("apple.ics", datetime(2026, 12, 3, 4, 0, tzinfo=UTC), "Australia/Sydney", 45, "Koalalabs",
         ["Mia Nguyen <mia@koalalabs.com.au>"], "Surry Hills studio"),
    ],
    ids=["google", "outlook-windows-zone", "apple"],
)
def test_invitation_gives_time_zone_people_and_place(invite: str, start_utc: datetime, zone: str, minutes: int,
                                                    company: str, interviewers: list[str], location: str) -> None:
    result = generate("--from-invite", str(INVITES / invite))
    assert result.exit_code == 0, result.output
    assert f"note: company {company!r} taken from the organizer's address" in result.stderr
    data = result.stdout_bytes
    assert_parsers_agree(data)
    event = interview_of(data)
    assert event.start == start_utc and str(event["DTSTART"].params["TZID"]) == zone
    assert (event.end - event.start).total_seconds() == minutes * 60
    description = str(event["DESCRIPTION"])
    for person in interviewers:
        assert f"Interviewer: {person}" in description
    assert "candidate" not in description.lower() and "me@outlook.com" not in description
    assert str(event["LOCATION"]) == location


def test_options_win_over_the_invitation() -> None:
    """--company, --location and --tz override; --tz keeps the instant and plans in that zone."""
    result = generate("--from-invite", str(INVITES / "google.ics"), "--company", "Müller & Söhne",
                      "--location", "Video call", "--tz", "Europe/London")
    assert result.exit_code == 0, result.output
    assert "taken from" not in result.stderr
    event = interview_of(result.stdout_bytes)
    assert event.start == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert str(event["DTSTART"].params["TZID"]) == "Europe/London" and str(event["LOCATION"]) == "Video call"
    assert "Müller & Söhne" in str(event["SUMMARY"])


def _invite(tmp_path: Path, body: str, name: str = "invite.ics") -> Path:
    path = tmp_path / name
    path.write_bytes(body.replace("\n", "\r\n").encode("utf-8"))
    return path


EVENT = ("BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20261120T100000Z\n{start}\n"
         "ORGANIZER;CN=Bo Li:mailto:bo@acme.example\nSUMMARY:Interview\nEND:VEVENT\n")


def _calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + "".join(events) + "END:VCALENDAR\n"


@pytest.mark.foreign_ics
def test_utc_invitation_takes_the_zone_from_tz(tmp_path: Path) -> None:
    path = _invite(tmp_path, _calendar(EVENT.format(uid="a", start="DTSTART:20261201T190000Z")))
    result = generate("--from-invite", str(path), "--tz", "America/Chicago")
    assert result.exit_code == 0, result.output
    event = interview_of(result.stdout_bytes)
    assert event.start == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    assert str(event["DTSTART"].params["TZID"]) == "America/Chicago"


@pytest.mark.foreign_ics
def test_one_of_several_events_is_chosen_by_uid(tmp_path: Path) -> None:
    path = _invite(tmp_path, _calendar(EVENT.format(uid="first", start="DTSTART:20261201T190000Z"),
                                       EVENT.format(uid="second", start="DTSTART:20261202T190000Z")))
    result = generate("--from-invite", str(path), "--invite-uid", "second", "--tz", "UTC")
    assert result.exit_code == 0, result.output
    assert interview_of(result.stdout_bytes).start == datetime(2026, 12, 2, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("Dear candidate, see you on Tuesday.", [], "--from-invite: not an iCalendar file"),
        ("\x00\x01\x02binary", [], "--from-invite: not an iCalendar file"),
        (_calendar(), [], "--from-invite: the file holds no event (VEVENT)"),
        (_calendar(EVENT.format(uid="first", start="DTSTART:20261201T190000Z"),
                   EVENT.format(uid="second", start="DTSTART:20261202T190000Z")), [],
         "--from-invite: the file holds 2 events; choose one with --invite-uid (first, second)"),
        (_calendar(EVENT.format(uid="a", start="DTSTART:20261201T190000Z")), ["--invite-uid", "zzz"],
         "--invite-uid: no event in the invitation has this UID ('zzz')"),
        (_calendar(EVENT.format(uid="a", start="LOCATION:Somewhere")), [],
         "--from-invite: the event has no start time (DTSTART)"),
        (_calendar(EVENT.format(uid="a", start="DTSTART;VALUE=DATE:20261201")), [],
         "--from-invite: the event lasts all day"),
        (_calendar(EVENT.format(uid="a", start="DTSTART;TZID=Mars Standard Time:20261201T100000")), [],
         "--from-invite: unknown time zone in the invitation; give the zone with --tz ('Mars Standard Time')"),
        (_calendar(EVENT.format(uid="a", start="DTSTART:20261201T190000Z").replace("bo@acme.example",
                                                                                 "bo@gmail.com")),
         ["--tz", "UTC"], "--company: needed, as the invitation's organizer address does not name the company"),
    ],
    ids=["text", "binary", "no-event", "several", "unknown-uid", "no-start", "all-day", "unknown-zone",
         "personal-organizer"],
)
@pytest.mark.foreign_ics
def test_bad_invitations_are_one_line_exit_2_and_nothing_written(tmp_path: Path, content: str, args: list[str],
                                                                 message: str) -> None:
    path = _invite(tmp_path, content)
    out = tmp_path / "out.ics"
    result = CliRunner().invoke(cli, ["generate", "--from-invite", str(path), *args, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_a_missing_invitation_file_is_named(tmp_path: Path) -> None:
    result = generate("--from-invite", str(tmp_path / "nope.ics"))
    assert result.exit_code == 2 and "--from-invite: cannot read" in result.stderr


@pytest.mark.parametrize(
    ("email", "company"),
    [("talent@acme-corp.com", "Acme Corp"), ("jobs@careers.globex.io", "Globex"), ("hr@initech.co.uk", "Initech"),
     ("mia@koalalabs.com.au", "Koalalabs"), ("me@gmail.com", None), ("x@localhost", None),
     ("room@resource.calendar.google.com", None)],
)
def test_company_from_the_organizers_domain(email: str, company: str | None) -> None:
    assert company_from_domain(email) == company
