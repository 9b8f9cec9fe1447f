"""CSV files as real exports make them: short rows, address lists, other encodings, ambiguous headers."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import icalendar
import pytest
from click.testing import CliRunner, Result

from followup_ics.cli import cli
from followup_ics.core.errors import DataError
from followup_ics.edges import spreadsheet
from followup_ics.edges.spreadsheet import ALIASES, CsvError, Row, read_rows


def batch(tmp_path: Path, content: bytes, *args: str) -> tuple[Result, Path]:
    source = tmp_path / "interviews.csv"
    source.write_bytes(content)
    out = tmp_path / "out"
    return CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--tz", "UTC", *args]), out


def attendees_of_thank_you(path: Path) -> str:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    event = next(e for e in calendar.walk("VEVENT") if ".thank-you@" in str(e["UID"]))
    return str(event["DESCRIPTION"])


def test_rows_that_leave_off_trailing_empty_cells_are_read_as_empty(tmp_path: Path) -> None:
    """'Acme,2026-12-01 14:00' under a five-column header is a row with three empty cells."""
    content = (b"company,date,timezone,status,notes\r\nAcme,2026-12-01 14:00\r\n"
               b"Globex,2026-12-02 10:00,Europe/Paris\r\nInitech,2026-12-03 09:00,,,\r\n")
    result, out = batch(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.ics")) == [
        "acme-2026-12-01.ics", "all.ics", "globex-2026-12-02.ics", "initech-2026-12-03.ics"]


def test_a_row_with_extra_non_empty_cells_is_still_refused(tmp_path: Path) -> None:
    """More filled cells than header names: the columns are shifted, so refuse rather than guess."""
    result, _ = batch(tmp_path, b"company,date\r\nAcme,2026-12-01 14:00,oops\r\n")
    assert result.exit_code == 1 and "interviews.csv:2: has 3 fields but the header has 2" in result.stderr


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('"ana@x.com, bo@y.com"', ["ana@x.com", "bo@y.com"]),  # commas between addresses
        ('"ana@x.com; bo@y.com"', ["ana@x.com", "bo@y.com"]),  # the documented separator still works
        ('"ana@x.com,bo@y.com,cy@z.com"', ["ana@x.com", "bo@y.com", "cy@z.com"]),
    ],
)
def test_several_addresses_in_one_cell(tmp_path: Path, cell: str, expected: list[str]) -> None:
    """Every address in an interviewer_email cell reaches the thank-you note."""
    result, out = batch(tmp_path, f"company,date,interviewer_email\r\nAcme,2026-12-01 14:00,{cell}\r\n".encode())
    assert result.exit_code == 0, result.stderr
    description = attendees_of_thank_you(out / "acme-2026-12-01.ics")
    assert all(address in description for address in expected)


def test_a_name_with_a_comma_is_not_split(tmp_path: Path) -> None:
    """'Diaz, Ana' in the interviewer column is one person, not two."""
    result, out = batch(tmp_path, b'company,date,interviewer\r\nAcme,2026-12-01 14:00,"Diaz, Ana"\r\n')
    assert result.exit_code == 0, result.stderr
    assert "Diaz, Ana" in attendees_of_thank_you(out / "acme-2026-12-01.ics")


@pytest.mark.parametrize(
    ("header", "cell", "column"),
    [
        ("interviewer,interviewer_email", 'Ana,"ana@x.com, not-an-address"', "interviewer_email"),
        ("contact,contact_email", "Bo,bo-at-example", "contact_email"),
        ("contact,contact_phone", "Bo,call me maybe", "contact_phone"),
        ("Recruiter,Recruiter Email", "Bo,bo-at-example", "Recruiter Email"),  # named as the file names it
        # a reference's error speaks of "reference"; the column is the plural one the file names
        ("References", "Cy Park <cy-at-example>", "References"),
    ],
)
def test_a_bad_address_names_its_own_column(tmp_path: Path, header: str, cell: str, column: str) -> None:
    """The error names the email/phone column that holds the bad value, not the name column."""
    result, _ = batch(tmp_path, f"company,date,{header}\r\nAcme,2026-12-01 14:00,{cell}\r\n".encode())
    assert result.exit_code == 1 and f"interviews.csv:2: column {column!r}:" in result.stderr, result.stderr


def test_the_contact_email_option_is_named_too() -> None:
    """generate --contact-email bogus: the message names --contact-email."""
    result = CliRunner().invoke(cli, ["generate", "--company", "A", "--date", "2026-12-01 14:00", "--tz", "UTC",
                                      "--contact", "Bo", "--contact-email", "bogus", "-o", "-"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: --contact-email: not an email address")


@pytest.mark.parametrize(
    ("content", "row"),
    [
        (b"company,date\r\nCaf\xe9,2026-12-01 14:00\r\n", 2),  # Latin-1 in the first interview row
        (b"company,date\r\nA,2026-12-01 14:00\r\nB,2026-12-01 15:00\r\nCaf\xe9,2026-12-01 16:00\r\n", 4),
        (b'company,date,notes\r\nA,2026-12-01 14:00,"two\r\nlines"\r\nCaf\xe9,2026-12-01 16:00,\r\n', 3),
        (b"c\xf6mpany,date\r\nA,2026-12-01 14:00\r\n", 1),  # in the header
    ],
)
def test_a_byte_that_is_not_utf8_is_reported_on_its_row(tmp_path: Path, content: bytes, row: int) -> None:
    """The row named is the one holding the byte, counted as a spreadsheet counts (quoted newlines stay in)."""
    result, out = batch(tmp_path, content)  # small files: the decoder reads them whole at the first line
    assert result.exit_code != 0 and f"row {row}: not UTF-8 text" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() or not list(out.glob("*.ics"))


def test_a_bad_byte_far_down_a_large_file_is_reported_on_its_row(tmp_path: Path) -> None:
    """Past the decoder's first block, the row is still the right one."""
    rows = "".join(f"C{i},2026-12-01 14:00\r\n" for i in range(2, 2000)).encode()
    result, _ = batch(tmp_path, b"company,date\r\n" + rows + b"Caf\xe9,2026-12-01 14:00\r\n")
    assert result.exit_code != 0 and "interviews.csv:2000: not UTF-8 text" in result.stderr, result.stderr


# A lone high surrogate (U+D800 followed by "A"): no UTF-16 decoder reads it.
_LONE_SURROGATE = {"utf-16": b"\x00\xd8A\x00", "utf-16-le": b"\x00\xd8A\x00", "utf-16-be": b"\xd8\x00\x00A"}
_UTF16_BREAKS = [
    ("company\tdate\r\nA\t2026-12-01 14:00\r\n", 3),  # small: the decoder reads it whole at the header
    ('company\tdate\tnotes\r\nA\t2026-12-01 14:00\t"two\r\nlines"\r\n', 3),  # a quoted line break is no row
    ("company\tdate\r\n" + "".join(f"C{i}\t2026-12-01 14:00\r\n" for i in range(2, 2000)), 2000),  # far down
    ("company\tdate\r\n" + "".join(f"C{i}\t2026-12-01 14:00\r\n" for i in range(2, 2000)) + "Caf", 2000),
]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(("before", "row"), _UTF16_BREAKS, ids=["small", "quoted-break", "far-down", "mid-row"])
def test_a_broken_utf16_character_is_reported_on_its_row(tmp_path: Path, encoding: str, before: str,
                                                         row: int) -> None:
    """As for UTF-8, the row named is the one holding the broken character, read from a file or in memory."""
    tail = "\t2026-12-01 14:00\r\n".encode("utf-16-le" if encoding == "utf-16" else encoding)  # no second BOM
    content = before.encode(encoding) + _LONE_SURROGATE[encoding] + tail
    result, out = batch(tmp_path, content)
    # in the header's first block the whole file fails ("x.csv: row 3: ..."), further down that row ("x.csv:2000: ...")
    assert result.exit_code != 0 and re.search(rf"interviews\.csv(: row |:){row}: not UTF-16 text", result.stderr)
    assert not (out.exists() and list(out.glob("*.ics")))
    with pytest.raises(CsvError, match=f"^row {row}: not UTF-16 text"):
        spreadsheet.decode_csv(content)


@pytest.mark.parametrize(
    "encoding",
    [
        "utf-16",  # with a BOM (Excel's "Unicode text")
        "utf-16-le",  # without a BOM
        "utf-16-be",
    ],
)
def test_utf16_files_are_read(tmp_path: Path, encoding: str) -> None:
    """A UTF-16 export with or without BOM, tab-delimited as Excel writes it, is read like UTF-8."""
    content = "company\tdate\ttimezone\r\nMüller\t2026-12-01 14:00\tEurope/Berlin\r\n".encode(encoding)
    result, out = batch(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    assert (out / "muller-2026-12-01.ics").exists()
    assert spreadsheet.decode_csv(content).startswith("company\tdate")


def test_an_undecodable_utf8_upload_in_memory_names_the_row() -> None:
    """The in-memory path (serve, export-site) reports the same row as batch."""
    with pytest.raises(CsvError, match="row 3: not UTF-8 text"):
        spreadsheet.decode_csv(b"company,date\nA,2026-12-01 14:00\nCaf\xe9,2026-12-01 14:00\n")


@pytest.mark.parametrize(
    "header",
    [
        "Deadline",  # the application's deadline, not another company's offer
        "Email",  # the user's own address in a job tracker
        "Phone",
        "Start",  # the job's start date
        "When",
        "Title",
        "Job",
        "Link",
        "Address",
        "Key",
        "Length",
    ],
)
def test_ambiguous_column_names_are_not_guessed(tmp_path: Path, header: str) -> None:
    """A job tracker's ambiguous column is ignored and named as unknown, never read as a plan field."""
    source = tmp_path / "tracker.csv"
    source.write_text(f"company,date,{header}\r\nAcme,2026-12-01 14:00,x\r\n", encoding="utf-8")
    parsed, rows = read_rows(source)
    list(rows)
    assert parsed.unknown == (header,)
    assert header.lower() not in ALIASES


def test_the_tracker_export_from_the_issue_makes_no_offer_step_and_no_self_thank_you(tmp_path: Path) -> None:
    """Deadline and Email columns do not become a competing-offer step or a thank-you to the user."""
    content = (b"Company,Interview Date,Deadline,Email\r\n"
               b"Acme,2026-12-01 14:00,2026-12-20,me@home.example\r\n")
    result, out = batch(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    data = (out / "acme-2026-12-01.ics").read_bytes()
    assert b"competing-offer" not in data and b"me@home.example" not in data
    assert "ignoring unknown column(s) 'Deadline', 'Email'" in result.stderr


def test_which_column_was_read_as_which_field_is_said_once(tmp_path: Path) -> None:
    """Aliased columns are listed once per run on stderr; exact names are not."""
    content = b"Company Name,Interview Date,Recruiter,Time_Zone,Notes\r\nAcme,2026-12-01 14:00,Bo,UTC,\r\n" \
        b"Globex,2026-12-02 14:00,Cy,UTC,\r\n"
    result, _ = batch(tmp_path, content)
    assert result.exit_code == 0, result.stderr
    line = ("note: read column 'Company Name' as company, column 'Interview Date' as date, "
            "column 'Recruiter' as contact, column 'Time_Zone' as timezone\n")
    assert result.stderr.count(line) == 1 and "'Notes' as" not in result.stderr  # Notes is notes, not an alias
    quiet, _ = batch(tmp_path, content, "-q")
    assert "read column" not in quiet.stderr


def test_export_site_says_it_too(tmp_path: Path) -> None:
    """export-site reads the same header and says the same note once."""
    source = tmp_path / "interviews.csv"
    source.write_bytes(b"Employer,Interview Date\r\nAcme,2026-12-01 14:00\r\n")
    result = CliRunner().invoke(cli, ["export-site", str(source), str(tmp_path / "site"), "--tz", "UTC"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("note: read column 'Employer' as company, column 'Interview Date' as date") == 1


def test_rows_from_a_utf16_file_are_the_same_as_from_utf8(tmp_path: Path) -> None:
    """Same text, two encodings: the same rows."""
    text = "company,date,notes\r\nAcme,2026-12-01 14:00,\"a,b\"\r\n"
    (tmp_path / "a.csv").write_bytes(text.encode("utf-8"))
    (tmp_path / "b.csv").write_bytes(text.encode("utf-16"))
    first = [r.raw for r in read_rows(tmp_path / "a.csv")[1] if isinstance(r, Row)]
    second = [r.raw for r in read_rows(tmp_path / "b.csv")[1] if isinstance(r, Row)]
    assert first == second and len(first) == 1


def test_serve_says_which_column_was_read_as_which_field_once(tmp_path: Path) -> None:
    """A real `serve` process prints the column note once at start, before its URLs."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    source = tmp_path / "interviews.csv"
    source.write_bytes(b"Employer,Interview Date\r\nAcme,2026-12-01 14:00\r\n")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "followup_ics", "serve", str(source), "--port", str(port), "--tz", "UTC"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ})
    assert process.stderr is not None
    lines = []
    try:
        for line in process.stderr:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        process.stderr.close()
    note = "note: read column 'Employer' as company, column 'Interview Date' as date\n"
    assert lines.count(note) == 1 and lines.index(note) < len(lines) - 1, lines


_ROWS = "company,date\r\n" + "".join(f"Co {n},2026-12-{1 + n % 28:02d} 10:00\r\n" for n in range(40))


def _saved_while_read(path: Path, after_rows: int, save: Callable[[Path], None]) -> list[object]:
    """read_rows over ``path``, with ``save`` run on it once ``after_rows`` rows are read."""
    _, rows = read_rows(path)
    read = []
    for number, row in enumerate(rows):
        if number == after_rows:
            save(path)
        read.append(row)
    return read


def _replace(path: Path, text: str) -> None:
    new = path.with_name("new.csv")
    new.write_text(text, newline="")
    new.replace(path)


@pytest.mark.parametrize(
    "save",
    [
        # An editor saving in place: truncated, then written again (read meanwhile: a torn copy, its rows cut short).
        lambda path: path.write_text(_ROWS[: len(_ROWS) // 2], newline=""),
        lambda path: path.write_text(_ROWS.replace("10:00", "11:00"), newline=""),  # same size, other cells
        lambda path: _replace(path, _ROWS + "Late,2026-12-30 10:00\r\n"),  # saved by renaming a new file over it
        lambda path: path.unlink(),  # gone: the rows read are of a file no longer there
    ],
    ids=["truncated", "same-size", "renamed-over", "removed"],
)
def test_a_file_changed_while_it_is_read_is_an_error_once_read(tmp_path: Path, save: Callable[[Path], None]) -> None:
    """The rows are read once (batch, push): a file changed meanwhile must not become a plan with rows missing,
    whose files a batch would remove and whose events a push would delete."""
    path = tmp_path / "interviews.csv"
    path.write_text(_ROWS, newline="")
    os.utime(path, ns=(0, 0))  # written long before the save (a timestamp alone tells a same-size save)
    with pytest.raises(DataError, match=r"^the file changed while it was being read; run again$"):
        _saved_while_read(path, 5, save)


def test_a_file_left_alone_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "interviews.csv"
    path.write_text(_ROWS, newline="")
    assert len(_saved_while_read(path, 5, lambda path: None)) == 40


def test_a_batch_whose_csv_is_saved_meanwhile_stops_and_removes_nothing(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """One line naming the file, and the folder of the last run as it was (a torn read planned would remove files)."""
    result, out = batch(tmp_path, _ROWS.encode())
    assert result.exit_code == 0, result.stderr
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    source = tmp_path / "interviews.csv"
    os.utime(source, ns=(0, 0))
    real, readings = spreadsheet.read_handle, []

    def saved_after_the_header(handle: TextIO) -> tuple[object, Iterator[object]]:
        header, rows = real(handle)
        readings.append(handle)
        if len(readings) == 2:  # the roster's reading (batch reads the header alone first)
            source.write_text(_ROWS[: len(_ROWS) // 3], newline="")
        return header, rows

    monkeypatch.setattr(spreadsheet, "read_handle", saved_after_the_header)
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--tz", "UTC"])
    assert result.exit_code == 2, result.stderr  # as any CSV that cannot be planned
    said = f"Error: {source}: the file changed while it was being read; run again"
    assert result.stderr.strip().splitlines() == [said]
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
