"""One rule of the field mapping, tried through every entrance: generate's options, a CSV row in a batch, `add`
and `record`. A rule that holds at one door and not at another is the defect these tests exist for.

The clock is SOURCE_DATE_EPOCH (Wed 25 Nov 2026 12:00 UTC, set by conftest): an interview on 1 Dec is ahead.
"""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from followup_ics.cli import cli

AHEAD = "2026-12-01 14:00"  # ends 15:00 UTC, six days after the clock
PAST = "2026-11-20 14:00"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--tz", "UTC", "--country", "none"] if args[0] in ("generate", "add")
                                else [*args, "--tz", "UTC"])
    return result.exit_code, result.stdout, result.stderr


def csv_row(tmp_path: Path, **cells: str) -> Path:
    """A one-row CSV holding ``cells`` (country none: no holiday note to read past)."""
    path = tmp_path / "search.csv"
    cells = {"company": "Acme", "country": "none", **cells}
    path.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n", encoding="utf-8")
    return path


def events(path: Path) -> dict[str, str]:
    """SUMMARY -> DTSTART as written, of every event in ``path``."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["SUMMARY"]): e["DTSTART"].dt.strftime("%Y-%m-%d %H:%M") for e in calendar.walk("VEVENT")}


# An offer without its deadline -------------------------------------------------------------------------------

@pytest.mark.parametrize("entrance", ["generate", "batch", "add", "record"])
def test_an_offer_without_its_deadline_is_refused_at_every_entrance(tmp_path: Path, entrance: str) -> None:
    """generate accepted it silently and planned no answer; the CSV refused it: now all refuse, naming the field."""
    out = tmp_path / "out"
    if entrance == "generate":
        code, _, err = run("generate", "--company", "Acme", "--date", PAST, "--status", "offer",
                           "-o", str(tmp_path / "a.ics"))
        expected = "--offer-deadline: an offer needs its deadline"
    elif entrance == "batch":
        code, _, err = run("batch", str(csv_row(tmp_path, date=PAST, status="offer")), "-o", str(out))
        expected = ":2: column 'offer_deadline': an offer needs its deadline"
    elif entrance == "add":
        code, _, err = run("add", str(tmp_path / "search.csv"), "--company", "Acme", "--date", PAST,
                           "--status", "offer")
        expected = "--offer-deadline: an offer needs its deadline"
    else:
        path = csv_row(tmp_path, date=PAST)
        code, _, err = run("record", str(path), "acme", "--status", "offer")
        expected = ":2: column 'offer_deadline': an offer needs its deadline"
    assert code != 0 and expected in err, err
    # one line (a batch adds its count of bad rows), and nothing written
    assert len(err.strip().splitlines()) == (2 if entrance == "batch" else 1) and "Traceback" not in err
    assert not list(tmp_path.glob("*.ics")) and not out.exists()
    if entrance == "add":
        assert not (tmp_path / "search.csv").exists()


def test_an_offer_is_answered_alike_by_generate_and_a_csv(tmp_path: Path) -> None:
    """With its deadline, generate plans "answer the offer" at the minute a batch does, and never tells the
    company about "another offer" (the deadline is this offer's own)."""
    code, _, err = run("generate", "--company", "Acme", "--date", PAST, "--status", "offer",
                       "--outcome-date", "2026-11-24 11:00", "--offer-deadline", "2026-12-04",
                       "-o", str(tmp_path / "one.ics"))
    assert code == 0, err
    source = csv_row(tmp_path, date=PAST, status="offer", outcome_date="2026-11-24 11:00",
                     offer_deadline="2026-12-04")
    code, _, err = run("batch", str(source), "-o", str(tmp_path / "out"))
    assert code == 0, err
    single = events(tmp_path / "one.ics")
    batch = events(tmp_path / "out" / "acme-2026-11-20.ics")
    answer = "Answer Acme's offer (due Fri 4 Dec 2026, 17:00)"
    assert single[answer] == batch[answer] == "2026-12-03 10:00"  # the working day before, at call time
    assert not [summary for summary in single if "other offer" in summary]


# An undated outcome for an interview still ahead ------------------------------------------------------------

NOTICE = "none given for status 'withdrawn' and the interview is still ahead; dated at its end, Tue 1 Dec 2026, 15:00"


@pytest.mark.parametrize("entrance", ["generate", "batch", "add", "record"])
def test_an_undated_outcome_ahead_is_dated_at_the_interview_and_said(tmp_path: Path, entrance: str) -> None:
    """Withdrawn before an interview six days ahead, no date given: dated when the interview ends (it can be no
    earlier), one note on stderr, and where the file keeps it, that date written."""
    path = tmp_path / "search.csv"
    if entrance == "generate":
        code, _, err = run("generate", "--company", "Acme", "--date", AHEAD, "--status", "withdrawn",
                           "-o", str(tmp_path / "a.ics"))
        expected = f"note: outcome_date: {NOTICE}"
    elif entrance == "batch":
        code, _, err = run("batch", str(csv_row(tmp_path, date=AHEAD, status="withdrawn")), "-o",
                           str(tmp_path / "out"))
        expected = f"note: row 2: outcome_date: {NOTICE}"
    elif entrance == "add":
        code, _, err = run("add", str(path), "--company", "Acme", "--date", AHEAD, "--status", "withdrawn")
        expected = f"note: --outcome-date: {NOTICE}"
    else:
        code, _, err = run("record", str(csv_row(tmp_path, date=AHEAD)), "acme", "--status", "withdrawn")
        expected = f"note: --on: {NOTICE}"
    assert code == 0, err
    assert expected in err.splitlines(), err
    if entrance in ("add", "record"):  # the file keeps the date it was given, so the plan never drifts
        assert "withdrawn,2026-12-01 15:00" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("entrance", ["generate", "batch", "record"])
def test_an_undated_outcome_after_the_interview_is_dated_now_without_a_note(tmp_path: Path, entrance: str) -> None:
    """The interview is over: the outcome is dated by the clock, as before, and nothing needs saying."""
    if entrance == "generate":
        code, _, err = run("generate", "--company", "Acme", "--date", PAST, "--status", "withdrawn",
                           "-o", str(tmp_path / "a.ics"))
    elif entrance == "batch":
        code, _, err = run("batch", str(csv_row(tmp_path, date=PAST, status="withdrawn")), "-o",
                           str(tmp_path / "out"))
    else:
        path = csv_row(tmp_path, date=PAST)
        code, _, err = run("record", str(path), "acme", "--status", "withdrawn")
        assert "withdrawn,2026-11-25 12:00" in path.read_text(encoding="utf-8")
    assert code == 0, err
    assert "still ahead" not in err


def test_an_application_withdrawn_before_its_interview_gets_no_withdraw_step(tmp_path: Path) -> None:
    """Withdrawn from Initech (its interview still ahead, so dated at its end), then Globex's offer accepted: the
    withdrawal is done, so no "Withdraw from Initech" is suggested; a pending Hooli still gets one."""
    path = tmp_path / "search.csv"
    path.write_text("company,date,status,outcome_date,country\n"
                    "Globex,2026-11-20 10:00,accepted,2026-11-25 09:00,none\n"
                    "Initech,2026-12-03 09:30,withdrawn,,none\n"
                    "Hooli,2026-12-08 16:00,,,none\n", encoding="utf-8")
    code, _, err = run("batch", str(path), "-o", str(tmp_path / "out"))
    assert code == 0, err
    summaries = events(tmp_path / "out" / "all.ics")
    assert "Withdraw from Hooli, politely" in summaries
    assert "Withdraw from Initech, politely" not in summaries
