"""`add`, `record` and `list`: the user's CSV edited in place, every byte not meant to change kept, writes
atomic, locked and refused when the file changed under them, and ids that keep a rescheduled interview's UIDs."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from support import SOURCE_DATE_EPOCH, STAMP, serving
from test_serve import Served, body, write_csv
from waitress.server import create_server

from followup_ics.app.config import Request
from followup_ics.cli import cli
from followup_ics.edges.sheet import ConflictError, Sheet, edit
from followup_ics.edges.web import FeedApp

ADD = ["add", "--company", "Zeta Co", "--date", "2026-12-03 09:00", "--tz", "UTC"]
RECORD = ["acme", "--status", "rejected", "--on", "2026-12-02", "--note", "No; maybe later"]

# name -> (the file before, the file after `add` then `record`); `list` must then change nothing.
ROUND_TRIPS = {
    # Excel's "CSV UTF-8" in a semicolon locale: BOM, ';', CRLF, aliased headers, a quoted ';' in a note.
    "bom-semicolon-crlf": (
        "\ufeffCompany;Interview Date;Time Zone;Status;Outcome Date;Notes;id\r\n"
        "Acme;2026-12-01 14:00;UTC;pending;;\"Panel; two\";acme\r\n"
        "Globex;2026-12-01 10:00;UTC;;;;\r\n",
        "\ufeffCompany;Interview Date;Time Zone;Status;Outcome Date;Notes;id\r\n"
        "Acme;2026-12-01 14:00;UTC;rejected;2026-12-02;\"Panel; two\nNo; maybe later\";acme\r\n"
        "Globex;2026-12-01 10:00;UTC;;;;\r\n"
        "Zeta Co;2026-12-03 09:00;UTC;;;;zeta-co\r\n"),
    # Another column order, a column we do not know, a cell quoted without need, a note with a line break:
    # new columns go at the end and every row as wide as the header grows by an empty cell.
    "order-unknown-newlines": (
        'date,Salary Band,company,notes,timezone\n'
        '2026-12-01 14:00,"80-90k",Acme,"line one\nline two",UTC\n'
        '2026-12-01 10:00,,Globex,,UTC\n',
        'date,Salary Band,company,notes,timezone,id,status,outcome_date\n'
        '2026-12-01 14:00,"80-90k",Acme,"line one\nline two\nNo; maybe later",UTC,,rejected,2026-12-02\n'
        '2026-12-01 10:00,,Globex,,UTC,,,\n'
        '2026-12-03 09:00,,Zeta Co,,UTC,zeta-co,,\n'),
    # A sheet that drops trailing empty cells and the last line break: short rows stay short unless written.
    "short-rows-no-final-newline": (
        "company,date,timezone,status,outcome_date,notes,id\n"
        "Acme,2026-12-01 14:00,UTC\n"
        "Globex,2026-12-01 10:00,UTC,pending",
        "company,date,timezone,status,outcome_date,notes,id\n"
        "Acme,2026-12-01 14:00,UTC,rejected,2026-12-02,No; maybe later\n"
        "Globex,2026-12-01 10:00,UTC,pending\n"
        "Zeta Co,2026-12-03 09:00,UTC,,,,zeta-co"),
    # Every cell quoted (some exporters do): new cells are quoted the same way; CRLF and a blank last line.
    "quote-all-crlf-blank-line": (
        '"company","date","timezone","status","outcome_date","notes"\r\n'
        '"Acme","2026-12-01 14:00","UTC","","",""\r\n'
        '\r\n',
        '"company","date","timezone","status","outcome_date","notes","id"\r\n'
        '"Acme","2026-12-01 14:00","UTC","rejected","2026-12-02","No; maybe later",""\r\n'
        '"Zeta Co","2026-12-03 09:00","UTC","","","","zeta-co"\r\n'
        '\r\n'),
    # Tabs and aliases, as a "Unicode text" export names things.
    "tabs-aliases": (
        "Company Name\tInterview Date\tTZ\tPosition\n"
        "Acme\t2026-12-01 14:00\tUTC\tAnalyst\n",
        "Company Name\tInterview Date\tTZ\tPosition\tid\tstatus\toutcome_date\tnotes\n"
        "Acme\t2026-12-01 14:00\tUTC\tAnalyst\t\trejected\t2026-12-02\tNo; maybe later\n"
        "Zeta Co\t2026-12-03 09:00\tUTC\t\tzeta-co\t\t\t\n"),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", list(ROUND_TRIPS))
def test_add_record_list_change_only_what_they_mean_to(tmp_path: Path, case: str) -> None:
    """After add, record and list, the file is the original byte for byte plus exactly the cells written."""
    before, expected = ROUND_TRIPS[case]
    path = tmp_path / "search.csv"
    path.write_bytes(before.encode("utf-8"))
    code, out, err = run(ADD[0], str(path), *ADD[1:])
    assert code == 0, err
    assert "Added Zeta Co" in out and "interview" in out
    code, out, err = run("record", str(path), *RECORD, "--tz", "UTC")
    assert code == 0, err
    assert path.read_bytes().decode("utf-8") == expected
    code, out, err = run("list", str(path), "--tz", "UTC")
    assert code == 0, err
    assert "rejected" in out and "zeta-co" in out
    assert path.read_bytes().decode("utf-8") == expected


def test_the_sheet_writes_back_what_it_read() -> None:
    """Parsing and writing without an edit gives the same bytes, whatever the dialect."""
    for before, expected in ROUND_TRIPS.values():
        for text in (before, expected):
            assert Sheet.parse(text.encode("utf-8")).to_bytes() == text.encode("utf-8")


def test_permissions_are_kept_and_no_temp_file_is_left(tmp_path: Path) -> None:
    """The new file replaces the old by rename, with the old file's mode."""
    path = tmp_path / "search.csv"
    path.write_text("company,date,timezone\nAcme,2026-12-01 14:00,UTC\n", encoding="utf-8")
    path.chmod(0o640)
    code, _, err = run("record", str(path), "acme", "--note", "called")
    assert code == 0, err
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search.csv"]


def test_a_file_changed_while_the_command_ran_is_refused_and_kept(tmp_path: Path) -> None:
    """A spreadsheet saving at the same moment wins; our write is refused, not merged over it."""
    path = tmp_path / "search.csv"
    path.write_text("company,date\nAcme,2026-12-01 14:00\n", encoding="utf-8")
    saved = "company,date\nAcme,2026-12-01 14:00\nGlobex,2026-12-02 10:00\n"

    def change(sheet: Sheet) -> None:
        sheet.set(0, 0, "Acme Corp")
        path.write_text(saved, encoding="utf-8")  # the spreadsheet saves meanwhile

    with pytest.raises(ConflictError, match="changed while this command ran"):
        edit(path, change)
    assert path.read_text(encoding="utf-8") == saved


GOOD = ("company,date,timezone,status,id\n"
        "Acme Corp,2026-12-01 14:00,UTC,pending,acme\n"
        "Acme Labs,2026-12-02 10:00,UTC,pending,\n"
        "Globex,2026-12-03 10:00,UTC,pending,\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record", "{csv}", "initech", "--note", "x"], "no application matches 'initech'"),
        # a prefix of two companies, in another case: both named, with what to type instead
        (["record", "{csv}", "ACM", "--note", "x"],
         "'ACM' matches 2 applications: Acme Corp (acme), Acme Labs (acme-labs-2026-12-02)"),
        (["record", "{csv}", "globex", "--reschedule", "someday"], "--reschedule: cannot read this date"),
        (["record", "{csv}", "globex", "--status", "offer", "--on", "31/31/2026", "--deadline", "2026-12-20"],
         "--on: cannot read this date"),
        (["add", "{csv}", "--company", "Zeta", "--date", "next week"], "--date: cannot read this date"),
        # an offer must say when it must be answered: the roster's own check, naming the row and column
        (["record", "{csv}", "globex", "--status", "offer"], ":4: column 'offer_deadline': an offer needs"),
        # a value the planner refuses, found before anything is written
        (["add", "{csv}", "--company", "Zeta", "--date", "2026-12-04 10:00", "--url", "zeta.example"],
         ":5: column 'url': must be an http"),
        (["add", "{csv}", "--company", "Zeta", "--date", "2026-12-04 10:00", "--id", "ACME"],
         "--id: 'ACME' is already used"),
        # an outcome before its interview names the option typed, not the column it would be written to
        (["record", "{csv}", "globex", "--status", "rejected", "--on", "2026-12-02"],
         "--on: must not be before the interview (Thu 3 Dec 2026, 10:00) ('2026-12-02')"),
        (["record", "{csv}", "globex", "--status", "rejected", "--on", "2026-12-03 09:59"],
         "--on: must not be before the interview"),
        (["record", "{csv}", "globex"], "nothing to record"),
        (["record", "{csv}", "globex", "--on", "2026-12-05"], "--on: goes with --status"),
    ],
)
def test_bad_input_is_one_line_and_leaves_the_file_alone(tmp_path: Path, args: list[str], message: str) -> None:
    """Unknown or ambiguous applications, unreadable dates, rows the planner refuses: one line, exit 2."""
    path = tmp_path / "search.csv"
    path.write_text(GOOD, encoding="utf-8")
    code, _, err = run(*[arg.format(csv=path) for arg in args], "--tz", "UTC")
    assert code != 0 and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert path.read_text(encoding="utf-8") == GOOD


def test_a_csv_that_is_not_ours_is_refused_whole(tmp_path: Path) -> None:
    """No company and date columns: not a CSV of interviews; one line, the file unchanged."""
    path = tmp_path / "expenses.csv"
    text = "item,amount\ncoffee,3\n"
    path.write_text(text, encoding="utf-8")
    for args in (["record", str(path), "coffee", "--note", "x"], ["list", str(path)],
                 ["add", str(path), "--company", "Zeta", "--date", "2026-12-04 10:00"]):
        code, _, err = run(*args, "--tz", "UTC")
        assert code == 2 and "not a CSV of interviews" in err and "'company'" in err, err
    assert path.read_text(encoding="utf-8") == text


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    """Made read-only on purpose: even root's rename would replace it, so we check and refuse."""
    path = tmp_path / "search.csv"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0o444)
    code, _, err = run("record", str(path), "globex", "--note", "x", "--tz", "UTC")
    assert code == 2 and "read-only" in err and path.read_text(encoding="utf-8") == GOOD


def test_record_writes_the_outcome_date_now_so_it_never_drifts(tmp_path: Path) -> None:
    """Without --on, the outcome is dated by the clock (SOURCE_DATE_EPOCH here), in the row's zone."""
    path = tmp_path / "search.csv"
    path.write_text("company,date,timezone\nAcme,2026-11-20 10:00,Asia/Tokyo\n", encoding="utf-8")
    code, _, err = run("record", str(path), "acme", "--status", "rejected")
    assert code == 0, err
    # 2026-11-25 12:00 UTC is 21:00 in Tokyo
    assert path.read_text(encoding="utf-8").splitlines()[1] == (
        "Acme,2026-11-20 10:00,Asia/Tokyo,rejected,2026-11-25 21:00")


@pytest.mark.parametrize(("sheet", "next_round"), [
    # the same id, company, role and contact: the roster's next round (the interviewer is this round's own)
    ("company,date,timezone,role,contact,interviewer,id\nAcme,2026-12-01 14:00,UTC,Analyst,Bo Li,Ana Diaz,acme\n",
     "Acme,2026-12-08 10:00,UTC,Analyst,Bo Li,,acme"),
    # a company in Bavaria seen from London keeps the working days of DE and BY, not those of the zone's GB
    ("company,date,timezone,country,region,id\nAcme,2026-12-01 14:00,Europe/London,DE,BY,acme\n",
     "Acme,2026-12-08 10:00,Europe/London,DE,BY,acme"),
])
def test_a_round_copies_the_application_and_joins_it(sheet: str, next_round: str, tmp_path: Path) -> None:
    """--round appends a row that copies what the application is (its id, company, role, contact, country and
    region) and is told as the application's next round."""
    path = tmp_path / "search.csv"
    path.write_text(sheet, encoding="utf-8")
    code, out, err = run("record", str(path), "acme", "--round", "2026-12-08 10:00")
    assert code == 0, err
    assert path.read_text(encoding="utf-8").splitlines()[2] == next_round
    assert "2 rounds" in out and "Tue 8 Dec 2026" in out


def test_add_gives_ids_no_other_row_or_later_round_can_take(tmp_path: Path) -> None:
    """'acme' is taken, and 'acme-2' is its second round's name: the next Acme gets neither."""
    path = tmp_path / "search.csv"
    path.write_text("company,date,timezone,id\nAcme,2026-12-01 14:00,UTC,acme\n", encoding="utf-8")
    ids, notes = [], []
    for role in ("", "Data Engineer"):
        code, _, err = run("add", str(path), "--company", "Acme", "--role", role, "--date", "2026-12-05 10:00")
        assert code == 0, err
        ids.append(list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))[-1]["id"])
        notes.append(err)
    assert ids[0] not in ("acme", "acme-2") and ids[0].startswith("acme-") and len(ids[0]) <= 12
    assert ids[1] == "acme-data-engineer"
    # the same company and no role: perhaps a round was meant, so say how; another role is another application
    assert "already in the file as 'acme'" in notes[0] and "already" not in notes[1]


def test_list_puts_overdue_steps_first_and_fits_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Now is 25 Nov 12:00 UTC: Initech's thank-you and briefing have passed, Acme's interview is ahead."""
    monkeypatch.setenv("COLUMNS", "80")
    path = tmp_path / "search.csv"
    path.write_text("company,date,timezone,role,status,outcome_date\n"
                    "Acme Corporation International,2026-11-25 14:00,UTC,Senior Data Platform Engineer,,\n"
                    "Initech,2026-11-19 10:00,UTC,Backend Developer,,\n"
                    "Globex,2026-11-02 10:00,UTC,Analyst,rejected,2026-11-10\n", encoding="utf-8")
    code, out, err = run("list", str(path), "--tz", "UTC")
    assert code == 0, err
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[1].startswith("initech-2026-11-19") and "! " in lines[1]
    assert lines[2].startswith("acme-corporation-")  # cut short to fit: a prefix `record` takes too
    assert lines[3].startswith("globex-2026-11-02") and "rejected" in lines[3]
    code, out, _ = run("list", str(path), "--tz", "UTC", "--json")
    items = json.loads(out)
    assert [item["id"] for item in items] == ["initech-2026-11-19", "acme-corporation-international-2026-11-25",
                                              "globex-2026-11-02"]
    assert [step["step"] for step in items[0]["overdue"]] == ["thank-you", "brief-references"]
    assert items[1]["next_step"]["step"] == "interview" and items[2]["next_step"] is None
    assert items[0]["feeds"] == ["initech-2026-11-19.ics"]
    shown = lines[2].split()[0].rstrip("…")
    code, out, err = run("record", str(path), shown, "--note", "prepared", "--tz", "UTC")
    assert code == 0 and "Acme Corporation International" in out, err


def test_two_records_at_the_same_moment_both_land(tmp_path: Path) -> None:
    """Real processes, started together on one file: every note is there and every run succeeded."""
    path = tmp_path / "search.csv"
    path.write_text(GOOD, encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795694400"}
    processes = [subprocess.Popen([sys.executable, "-m", "followup_ics", "record", str(path), app, "--note",
                                   f"note {number}", "--tz", "UTC"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
                 for number, app in enumerate(["acme", "globex"] * 3)]
    errors = [process.communicate(timeout=60)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 6, errors
    text = path.read_text(encoding="utf-8")
    assert all(f"note {number}" in text for number in range(6)), text


@pytest.fixture
def served_search(tmp_path: Path) -> Iterator[Served]:
    """`serve`'s app under waitress on 127.0.0.1, over a search with one application that has an id and one
    that has none."""
    source = tmp_path / "search.csv"
    write_csv(source, "company,date,timezone,id\r\nAcme Corp,2026-12-01 14:00,America/New_York,acme\r\n"
                      "Globex,2026-12-02 10:00,Europe/Paris,\r\n")
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state", poll=0.05,
                  log=io.StringIO())
    server = create_server(app, host="127.0.0.1", port=0, threads=4, asyncore_loop_timeout=0.05)
    with serving(app, server) as port:
        yield Served(app, port, source, io.StringIO())


@pytest.mark.parametrize(
    ("query", "feed", "moved_to"),
    [("acme", "acme.ics", "2026-12-03 15:00"),
     # no id yet: record fixes the name it already had, so the date-named feed keeps its address
     ("glob", "globex-2026-12-02.ics", "2026-12-04 11:00")],
)
def test_a_rescheduled_interview_moves_in_place_in_the_served_feed(
        served_search: Served, monkeypatch: pytest.MonkeyPatch, query: str, feed: str, moved_to: str) -> None:
    """Over real HTTP: after `record --reschedule`, the same feed address answers with the same UIDs, each
    with a higher SEQUENCE, and the interview at its new time."""
    first = served_search.feed(feed)
    assert first.status == 200
    before = {str(e.uid): e for e in icalendar.Calendar.from_ical(body(first)).events}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(SOURCE_DATE_EPOCH) + 3600))
    code, _, err = run("record", str(served_search.csv), query, "--reschedule", moved_to, "--tz", "UTC")
    assert code == 0, err
    combined = served_search.feed().getheader("ETag", "")
    served_search.wait_for_new_etag(combined)
    again = served_search.feed(feed)
    assert again.status == 200
    after = {str(e.uid): e for e in icalendar.Calendar.from_ical(body(again)).events}
    assert set(after) == set(before)
    for uid, event in after.items():
        assert event.sequence > before[uid].sequence, uid
    interview = next(e for uid, e in after.items() if uid.endswith(".interview@followup-ics"))
    assert f"{interview.start:%Y-%m-%d %H:%M}" == moved_to


def test_the_readme_session_is_real_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of "Track your search" prints the lines shown, in order ('...' skips lines)."""
    import shlex

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Track your search", 1)[1].split("```\n", 2)[1]
    monkeypatch.chdir(tmp_path)
    # The README was made on a machine in UTC: the search's keep-searching stream is in the machine's zone,
    # and where it sits decides which minutes the other steps give way from.
    monkeypatch.setenv("TZ", "UTC")
    for chunk in block.split("$ followup-ics ")[1:]:
        command, *expected = chunk.rstrip("\n").split("\n")
        result = CliRunner().invoke(cli, shlex.split(command))
        assert result.exit_code == 0, result.output
        printed = result.stdout.rstrip("\n").split("\n")
        position, skipping = 0, False
        for line in expected:
            if line == "...":
                skipping = True
                continue
            if skipping:
                assert line in printed[position:], (command, line)
                position = printed.index(line, position)
            else:
                assert printed[position] == line, (command, line)
            position, skipping = position + 1, False
        assert skipping or position == len(printed), (command, printed[position:])


def test_an_application_without_an_id_keeps_its_first_round_name_through_a_reschedule(tmp_path: Path) -> None:
    """Two rounds grouped by company and role: the id becomes the first round's stem; the second round's
    events are re-created once, and the note says so; pending takes an outcome back with its date."""
    path = tmp_path / "search.csv"
    path.write_text("company,date,timezone,role,status,outcome_date\n"
                    "Acme,2026-12-01 14:00,UTC,Analyst,,\n"
                    "Acme,2026-12-08 10:00,UTC,Analyst,rejected,2026-12-09\n"
                    "Broken,someday,UTC,,,\n", encoding="utf-8")
    code, out, err = run("record", str(path), "acme", "--reschedule", "2026-12-10 10:00", "--status", "pending")
    assert code == 0, err
    assert path.read_text(encoding="utf-8").splitlines()[1:3] == [
        "Acme,2026-12-01 14:00,UTC,Analyst,,,acme-2026-12-01",
        "Acme,2026-12-10 10:00,UTC,Analyst,pending,,acme-2026-12-01"]
    assert "acme-2026-12-08: gave the application the id 'acme-2026-12-01'" in err
    assert ":4: column 'date'" in err and "2 rounds" in out  # the bad row below is said, not fatal


def test_a_symlinked_csv_stays_a_link(tmp_path: Path) -> None:
    """A CSV linked from a synced folder: the file it points to is replaced, the link is kept."""
    target = tmp_path / "synced" / "search.csv"
    target.parent.mkdir()
    target.write_text("company,date,timezone\nAcme,2026-12-01 14:00,UTC\n", encoding="utf-8")
    link = tmp_path / "search.csv"
    link.symlink_to(target)
    code, _, err = run("record", str(link), "acme", "--note", "called back")
    assert code == 0, err
    assert link.is_symlink() and "called back" in target.read_text(encoding="utf-8")


def test_a_file_that_is_not_utf8_is_refused_unchanged(tmp_path: Path) -> None:
    """Saved as 'CSV' in a Windows code page: one line saying how to save it, the bytes left alone."""
    path = tmp_path / "search.csv"
    data = "company,date\nMüller,2026-12-01 14:00\n".encode("cp1252")
    path.write_bytes(data)
    code, _, err = run("record", str(path), "mu", "--note", "x", "--tz", "UTC")
    assert code == 2 and "not UTF-8 text" in err and len(err.strip().splitlines()) == 1
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # the company's start: the row is named with its real problem, not "no application matches"
        ("init", "'init' is row 4, which cannot be read: column 'date': not a valid date ('2026-13-01 10:00')"),
        # the name its file would have had, had the date been readable
        ("acme-2026-02-30", "'acme-2026-02-30' is row 2, which cannot be read: column 'date'"),
        # its own id, though its date cannot be read
        ("ac-1", "'ac-1' is row 2, which cannot be read: column 'date'"),
        # a prefix shared with a good application: never recorded on Acme Labs in its place
        ("acme", "'acme' matches 2 applications: Acme Labs (acme-labs-2026-12-01), row 2 (cannot be read: "
                 "column 'date'"),
        # a query no row answers to is still "no application matches"
        ("zeta", "no application matches 'zeta'"),
    ],
)
def test_record_on_a_row_it_cannot_read_names_that_rows_problem(tmp_path: Path, query: str, message: str) -> None:
    """A row whose date is invalid is no application; `record` says which row and field, and writes nothing."""
    path = tmp_path / "search.csv"
    text = ("company,date,timezone,id\nAcme,2026-02-30 10:00,UTC,ac-1\nAcme Labs,2026-12-01 10:00,UTC,\n"
            "Initech,2026-13-01 10:00,UTC,\n")
    path.write_text(text, encoding="utf-8")
    code, _, err = run("record", str(path), query, "--status", "rejected", "--tz", "UTC")
    assert code == 2 and f"Error: {path}: {message}" in err, err
    assert len(err.strip().splitlines()) == 1
    assert path.read_text(encoding="utf-8") == text


WIDE = ("company,date,timezone,role\n"
        "Acme Corporation International,2026-12-25 14:00,UTC,Senior Data Platform Engineer\n"
        "Initech,2026-12-19 10:00,UTC,Backend Developer\n")
WIDE_ID = "acme-corporation-international-2026-12-25"
WIDE_TITLE = "Acme Corporation International (Senior Data Platform Engineer)"  # 143 columns to show it all


def list_on_a_terminal(path: Path, columns: int) -> list[str]:
    """`list`'s lines as a terminal ``columns`` wide shows them: a real process on a pseudo-terminal."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    process = subprocess.run([sys.executable, "-m", "followup_ics", "list", str(path), "--tz", "UTC"], env=env,
                             stdout=follower, stderr=subprocess.PIPE, timeout=60, check=False)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once everything is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.returncode == 0, process.stderr
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n").splitlines()


@pytest.mark.parametrize(("columns", "whole"), [
    (160, True),  # wider than 80: the whole table, nothing cut (the old cap cut it at 80)
    (100, False),  # narrower than the table: the application's name gives way, every line fits
])
def test_list_uses_the_terminals_width(tmp_path: Path, columns: int, whole: bool) -> None:
    """On a terminal the table takes the terminal's width, not a fixed 80 columns."""
    path = tmp_path / "search.csv"
    path.write_text(WIDE, encoding="utf-8")
    lines = list_on_a_terminal(path, columns)
    assert all(len(line) <= columns for line in lines), lines
    assert (WIDE_TITLE in "\n".join(lines)) is whole and WIDE_ID in "\n".join(lines)
    assert max(len(line) for line in lines) > 80


@pytest.mark.parametrize(("columns", "whole"), [
    (None, True),  # a file or a pipe has no width: nothing is cut, so a script gets every id whole
    ("60", False),  # $COLUMNS says how wide, as for other tools
])
def test_list_off_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None,
                             whole: bool) -> None:
    """Off a terminal, $COLUMNS if set, else no limit."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    path = tmp_path / "search.csv"
    path.write_text(WIDE, encoding="utf-8")
    code, out, err = run("list", str(path), "--tz", "UTC")
    assert code == 0, err
    assert (WIDE_ID in out and WIDE_TITLE in out) is whole
    if columns:
        assert all(len(line) <= int(columns) for line in out.splitlines()), out


@pytest.mark.parametrize("codec", [
    "utf-16",  # Excel's "Unicode text": a BOM, then little-endian
    "utf-16-be",  # no BOM, big-endian: told by its zero bytes, as batch tells it
])
def test_a_utf16_sheet_is_edited_in_its_own_encoding(tmp_path: Path, codec: str) -> None:
    """batch reads UTF-16, so add, record and list do too, and write it back as UTF-16, byte for byte."""
    before, expected = ROUND_TRIPS["tabs-aliases"]
    path = tmp_path / "search.csv"
    path.write_bytes(before.encode(codec))
    code, _, err = run(ADD[0], str(path), *ADD[1:])
    assert code == 0, err
    code, _, err = run("record", str(path), *RECORD, "--tz", "UTC")
    assert code == 0, err
    assert path.read_bytes() == expected.encode(codec)
    code, out, err = run("list", str(path), "--tz", "UTC")
    assert code == 0 and "zeta-co" in out, err


def test_a_row_repeating_another_does_not_make_record_ambiguous(tmp_path: Path) -> None:
    """The repeat is skipped by batch, not another application: `record acme` records on Acme, as before."""
    path = tmp_path / "search.csv"
    path.write_text("company,date,timezone\nAcme,2026-12-01 10:00,UTC\nAcme,2026-12-01 10:00,UTC\n", encoding="utf-8")
    code, out, err = run("record", str(path), "acme", "--status", "rejected", "--on", "2026-12-02", "--tz", "UTC")
    assert code == 0 and "Recorded for Acme" in out, err
