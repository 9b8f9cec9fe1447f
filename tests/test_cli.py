"""The command line: every option, every bad input, and what lands on disk."""

from __future__ import annotations

import os
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner, Result
from icscheck import assert_parsers_agree
from support import STAMP

from followup_ics import __version__
from followup_ics.cli import cli

BASE = ["--company", "Acme Corp", "--date", "2026-12-01 14:00", "--tz", "America/New_York"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split(".", 1)[1].split("@")[0]: e
            for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_generate_writes_a_predictable_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without -o the file is <company>-<date>.ics in the current folder."""
    monkeypatch.chdir(tmp_path)
    result = run("generate", *BASE)
    assert result.exit_code == 0, result.output
    written = tmp_path / "acme-corp-2026-12-01.ics"
    assert_parsers_agree(written.read_bytes())
    assert "Wrote acme-corp-2026-12-01.ics: 12 events" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["acme-corp-2026-12-01.ics"]


def test_generate_to_stdout_and_to_a_chosen_file(tmp_path: Path) -> None:
    """-o - writes to stdout; -o FILE writes exactly the same bytes to FILE."""
    stdout = run("generate", *BASE, "-o", "-")
    chosen = tmp_path / "mine.ics"
    assert run("generate", *BASE, "-o", str(chosen)).exit_code == 0
    assert stdout.stdout_bytes == chosen.read_bytes()


def test_every_interview_option_reaches_the_calendar() -> None:
    """Role, people, URL, location and notes all appear where a user looks for them."""
    result = run("generate", *BASE, "-o", "-", "--duration", "1h30", "--role", "Data Engineer",
                 "--interviewer", "Ana Diaz <ana@acme.example>",
                 "--interviewer", "Raj Rao <raj@acme.example>",
                 "--contact", "Bo Li", "--contact-email", "bo@acme.example", "--contact-phone", "+1 555 0100",
                 "--reference", "Cy Park <cy@example.org>", "--url", "https://jobs.acme.example/1",
                 "--location", "Acme HQ", "--notes", "Bring portfolio", "--id", "acme-round-1")
    assert result.exit_code == 0, result.output
    found = events(result.stdout_bytes)
    interview = found["interview"]
    assert interview.end - interview.start == __import__("datetime").timedelta(minutes=90)
    assert str(interview["LOCATION"]) == "Acme HQ" and str(interview["URL"]) == "https://jobs.acme.example/1"
    assert str(interview["UID"]) == "acme-round-1.interview@followup-ics"
    note = str(found["thank-you"]["DESCRIPTION"])
    # One draft per interviewer, each greeting one person and sent to that person alone.
    assert "Dear Ana Diaz," in note and "mailto:ana@acme.example?subject=" in note
    assert "Dear Raj Rao," in note and "mailto:raj@acme.example?subject=" in note
    assert "Role: Data Engineer" in note and "Notes: Bring portfolio" in note
    assert "Cy Park <cy@example.org>" in str(found["brief-references"]["DESCRIPTION"])
    assert "Call: Bo Li <bo@acme.example>, +1 555 0100" in str(found["follow-up-call"]["DESCRIPTION"])


def test_follow_ups_do_not_block_time_and_point_to_the_interview() -> None:
    """Follow-ups are free, private, categorised and related to the interview; the interview is busy."""
    found = events(run("generate", *BASE, "-o", "-").stdout_bytes)
    for key, event in found.items():
        assert str(event["CLASS"]) == "PRIVATE"
        assert len(event.walk("VALARM")) == 1
        if key == "interview":
            assert str(event["TRANSP"]) == "OPAQUE" and str(event["X-MICROSOFT-CDO-BUSYSTATUS"]) == "BUSY"
        else:
            assert str(event["TRANSP"]) == "TRANSPARENT"
            assert str(event["X-MICROSOFT-CDO-BUSYSTATUS"]) == "FREE"
            assert str(event["RELATED-TO"]) == "acme-corp-2026-12-01.interview@followup-ics"
            assert "Job search" in event.categories


def test_calendar_names_and_no_method() -> None:
    """X-WR-CALNAME, NAME and X-WR-TIMEZONE are set; METHOD is not."""
    calendar = icalendar.Calendar.from_ical(run("generate", *BASE, "-o", "-").stdout_bytes)
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == "Interview follow-ups: Acme Corp"
    assert str(calendar["X-WR-TIMEZONE"]) == "America/New_York"
    assert "METHOD" not in calendar


def test_status_offer_deadline_and_outcome_options() -> None:
    """--offer-deadline adds the competing-offer step; --status rejected adds keep-in-touch."""
    offered = events(run("generate", *BASE, "-o", "-", "--offer-deadline", "Dec 4 2026 5pm").stdout_bytes)
    assert "competing-offer" in offered
    rejected = events(run("generate", *BASE, "-o", "-", "--status", "Rejected",
                          "--outcome-date", "2026-12-10").stdout_bytes)
    assert "keep-in-touch" in rejected and "status-check-1" not in rejected


def test_no_interview_leaves_the_interview_out() -> None:
    """--no-interview keeps every follow-up but not the interview itself."""
    found = events(run("generate", *BASE, "-o", "-", "--no-interview").stdout_bytes)
    assert "interview" not in found and "thank-you" in found


def test_plan_file_changes_the_plan(tmp_path: Path) -> None:
    """--plan reads a TOML file of offsets and times."""
    plan = tmp_path / "plan.toml"
    plan.write_text('[status-check]\ncount = 2\n\n[thank-you]\nafter = 30\n', encoding="utf-8")
    found = events(run("generate", *BASE, "-o", "-", "--plan", str(plan)).stdout_bytes)
    assert {k for k in found if k.startswith("status-check")} == {"status-check-1", "status-check-2"}
    assert found["thank-you"].start.strftime("%H:%M") == "15:30"


def test_day_first_reads_european_dates() -> None:
    """--day-first reads 01/12/2026 as 1 December; --month-first as 12 January."""
    day_first = events(run("generate", "--company", "A", "--date", "01/12/2026 14:00", "--tz", "UTC",
                           "--day-first", "-o", "-").stdout_bytes)
    assert day_first["interview"].start.strftime("%Y-%m-%d") == "2026-12-01"
    month_first = events(run("generate", "--company", "A", "--date", "01/12/2026 14:00", "--tz", "UTC",
                             "--month-first", "-o", "-").stdout_bytes)
    assert month_first["interview"].start.strftime("%Y-%m-%d") == "2026-01-12"


def test_time_zone_from_environment_variables() -> None:
    """FOLLOWUP_ICS_TZ sets a default zone; without any, TZ is used and said on stderr."""
    result = run("generate", "--company", "A", "--date", "2026-12-01 14:00", "-o", "-",
                 env={"FOLLOWUP_ICS_TZ": "Asia/Tokyo"})
    assert b"TZID=Asia/Tokyo" in result.stdout_bytes
    result = run("generate", "--company", "A", "--date", "2026-12-01 14:00", "-o", "-",
                 env={"TZ": "Europe/Oslo"})
    assert b"TZID=Europe/Oslo" in result.stdout_bytes
    assert "no --tz given; using Europe/Oslo (from the TZ variable)" in result.stderr


def test_nonexistent_local_time_is_moved_and_said() -> None:
    """An interview inside the spring-forward gap moves forward, with a note on stderr."""
    result = run("generate", "--company", "A", "--date", "2026-03-08 02:30", "--tz", "America/New_York",
                 "-o", "-")
    assert result.exit_code == 0
    assert "does not exist in America/New_York" in result.stderr and "using 03:30" in result.stderr
    assert events(result.stdout_bytes)["interview"].start.strftime("%H:%M %z") == "03:30 -0400"


def test_regenerating_a_changed_event_raises_its_sequence(tmp_path: Path) -> None:
    """Re-running with a changed interview bumps SEQUENCE of changed events only."""
    target = tmp_path / "a.ics"
    assert run("generate", *BASE, "-o", str(target)).exit_code == 0
    assert run("generate", *BASE, "-o", str(target)).exit_code == 0
    assert {int(e["SEQUENCE"]) for e in events(target.read_bytes()).values()} == {0}
    assert run("generate", *BASE, "-o", str(target), "--location", "Room 2").exit_code == 0
    found = events(target.read_bytes())
    assert int(found["interview"]["SEQUENCE"]) == 1 and int(found["keep-searching-1"]["SEQUENCE"]) == 1
    assert run("generate", *BASE, "-o", str(target), "--location", "Room 2").exit_code == 0
    assert int(events(target.read_bytes())["interview"]["SEQUENCE"]) == 1


def test_regenerating_unchanged_data_later_changes_no_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DTSTAMP says when an event last changed: a later run on the same data leaves the file as it was,
    and a change restamps only the events it touches."""
    target = tmp_path / "a.ics"
    assert run("generate", *BASE, "-o", str(target)).exit_code == 0
    first = target.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(STAMP.timestamp()) + 86400))
    assert run("generate", *BASE, "-o", str(target)).exit_code == 0
    assert target.read_bytes() == first
    assert run("generate", *BASE, "-o", str(target), "--role", "Analyst").exit_code == 0
    stamps = {key: event.decoded("DTSTAMP").date().isoformat() for key, event in events(target.read_bytes()).items()}
    assert stamps["interview"] == "2026-11-26" and stamps["thank-you"] == "2026-11-26"


def test_plan_prints_a_table_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`plan` shows step, local time, weekday and alarm, and leaves the folder empty."""
    monkeypatch.chdir(tmp_path)
    result = run("plan", *BASE)
    assert result.exit_code == 0
    assert "thank-you         Tue 1 Dec 2026, 16:00-16:30   at start" in result.stdout
    assert "follow-up-call    Tue 8 Dec 2026, 10:00-10:15   15 min before" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_version_and_help() -> None:
    """--version prints the version; every command's help ends with an example."""
    assert __version__ in run("--version").stdout
    for command in ("generate", "plan"):
        help_text = run(command, "--help").stdout
        assert "Example:" in help_text and "--company" in help_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--company", "", "--date", "2026-12-01 14:00"], "--company: must not be empty"),
        (["--company", "A", "--date", "someday"], "--date: cannot read this date"),
        (["--company", "A", "--date", "2026-12-01"], "--date: needs a time of day"),
        (["--company", "A", "--date", "03/04/2026 10:00"], "--date: day and month are ambiguous"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--tz", "Mars/Base"], "--tz: unknown time zone"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--offer-deadline", "2026-11-30"],
         "--offer-deadline: must be after the interview ends"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--status", "ghosted"], "--status: unknown status"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--duration", "soon"], "--duration: expected"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--interviewer", "Ana <ana>"],
         "--interviewer: not an email address"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--url", "ftp://x"], "--url: must be an http:// or"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--url", "https://x\nBEGIN:VEVENT"], "--url: must be an"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--outcome-date", "2026-11-01"],
         "--outcome-date: must not be before the interview"),
        (["--company", "A", "--date", "2026-12-01 14:00", "--plan", "/nonexistent/plan.toml"],
         "cannot read it"),
        (["--company", "A", "--date", "2026-12-01 14:00", "-o", "/nonexistent/dir/x.ics"],
         "--output: cannot write /nonexistent/dir/x.ics"),
        (["--date", "2026-12-01 14:00"], "Missing option '--company'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(args: list[str], message: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input: one line naming the option, exit code 2, no traceback, nothing written."""
    monkeypatch.chdir(tmp_path)
    # With a country given, no note about working days comes before the error.
    result = run("generate", *args, env={"FOLLOWUP_ICS_TZ": "UTC", "FOLLOWUP_ICS_COUNTRY": "none"})
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_plan_file_names_the_table_and_key(tmp_path: Path) -> None:
    """A plan file error names the file, the table and the key."""
    plan = tmp_path / "plan.toml"
    plan.write_text('[status-check]\ncount = "many"\n', encoding="utf-8")
    result = run("generate", *BASE, "--plan", str(plan))
    assert result.exit_code == 2
    assert f"{plan}: [status-check] count: expected a whole number from 0 to 52" in result.stderr


@pytest.mark.foreign_ics  # it plants an "old" file that is not a calendar
def test_failed_write_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If writing fails half-way, the earlier file is untouched and no temp file remains."""
    target = tmp_path / "a.ics"
    target.write_bytes(b"BEGIN:VCALENDAR\r\nearlier content")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    result = run("generate", *BASE, "-o", str(target))
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\nearlier content"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ics"]


def test_python_dash_m_works(tmp_path: Path) -> None:
    """`python -m followup_ics` is the same command."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "followup_ics", "generate", *BASE, "-o", "-"],
                            capture_output=True, check=False, env={**os.environ, "SOURCE_DATE_EPOCH": "0"})
    assert result.returncode == 0 and result.stdout.startswith(b"BEGIN:VCALENDAR\r\n")
