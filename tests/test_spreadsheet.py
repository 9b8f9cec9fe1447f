"""Reading CSV rows: which characters a cell may hold, and how rows and columns are named in errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.app.fields import LIST_FIELDS, SPELLINGS, RawInterview
from followup_ics.edges.spreadsheet import FIELDS, Row, RowError, _split, raw_maker, read_text

HEADER = "Company,Date,Notes\r\n"


def _only_row(line: str) -> Row | RowError:
    _, rows = read_text(HEADER + line + "\r\n")
    (row,) = list(rows)
    return row


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("Acme\x00", "Company"),  # NUL alone
        ("Acme\x01", "Company"),  # the first control character
        ("Acme\x1f", "Company"),  # the last one below space
        ("Acme\x0b", "Company"),  # vertical tab: not a line break in a CSV
        ("Acme\x0c", "Company"),  # form feed
        ("\x1b[31mAcme", "Company"),  # an escape sequence that would colour a terminal
        ("Acme\x7f", "Company"),  # DEL: strict iCalendar parsers refuse it too
    ],
)
def test_control_characters_are_refused_and_the_column_named(cell: str, column: str) -> None:
    """Any control character other than tab and line breaks makes the row an error naming its column."""
    row = _only_row(f"{cell},2026-12-01 14:00,x")
    assert isinstance(row, RowError) and (row.row, row.column) == (2, column)
    assert row.message.startswith("contains control characters (U+")


@pytest.mark.parametrize(
    "notes",
    [
        "a\tb",  # tab
        '"line one\nline two"',  # a quoted line break
        '"line one\r\nline two"',  # a quoted CRLF
        "é and 日本",  # non-ASCII is text
        " ",  # a space
    ],
)
def test_tabs_line_breaks_and_other_text_are_kept(notes: str) -> None:
    """Tabs, quoted line breaks and any printable text are cell content, not errors."""
    row = _only_row(f"Acme,2026-12-01 14:00,{notes}")
    assert isinstance(row, Row) and row.raw.notes == notes.strip('"')


def test_the_error_names_the_column_with_the_bad_cell() -> None:
    """With several columns, the first cell holding a control character is the one named."""
    row = _only_row("Acme,2026-12-01 14:00,bad\x02")
    assert isinstance(row, RowError) and (row.row, row.column) == (2, "Notes")


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (RowError(4, "Date", "cannot read this date", "someday"),
         "x.csv:4: column 'Date': cannot read this date ('someday')"),
        (RowError(4, "", "has 2 fields but the header has 3"), "x.csv:4: has 2 fields but the header has 3"),
        (RowError(4, "Notes", "too long", "n" * 60), f"x.csv:4: column 'Notes': too long ('{'n' * 60}')"),
        # longer than 60 characters: the first 59 and an ellipsis
        (RowError(4, "Notes", "too long", "n" * 61), f"x.csv:4: column 'Notes': too long ('{'n' * 59}…')"),
        (RowError(4, "Notes", "empty", ""), "x.csv:4: column 'Notes': empty ('')"),
    ],
)
def test_a_row_error_reads_as_one_line(error: RowError, shown: str) -> None:
    """file:row, the column as the file names it, what is wrong, and the value (cut at 60 characters)."""
    assert error.describe("x.csv") == shown


@pytest.mark.parametrize(
    ("header", "fields"),
    [
        # every alias group a spreadsheet might use, as the file spells it; names that could mean something
        # else (Length, Address, Deadline, Decision Date, Key) are not guessed
        ("Company Name,Interview Date,Time Zone,Length,Position,Interviewer Names,Interviewer Emails,Recruiter,"
         "Recruiter Email,Recruiter Phone,Reference,Job URL,Address,Outcome,Deadline,Decision Date,Comments,Key",
         ("company", "date", "timezone", None, "role", "interviewer", "interviewer_email", "contact",
          "contact_email", "contact_phone", "references", "url", None, "status", None, None, "notes", None)),
        ("employer,interview_time,tz,duration_minutes,job_title,hiring_manager,recruiter_email,recruiter_phone,"
         "posting,note",
         ("company", "date", "timezone", "duration", "role", "contact", "contact_email", "contact_phone", None,
          "notes")),
        ("  COMPANY  ,Interview Date,Salary,", ("company", "date", None, None)),
        # punctuation around a name (a required-field star, a colon, brackets) is not part of it
        ("Company:,Date *,(Time Zone),Notes...", ("company", "date", "timezone", "notes")),
    ],
)
def test_header_names_and_their_aliases(header: str, fields: tuple[str | None, ...]) -> None:
    """Column names are matched whatever their case, spacing and punctuation, aliases included."""
    parsed, _ = read_text(header + "\r\n")
    assert parsed.fields == fields


def test_unknown_columns_are_listed_blank_ones_not() -> None:
    """Columns we do not read are named for the user; a blank header cell is not worth mentioning."""
    parsed, _ = read_text("company,Salary,date,, Source \r\n")
    assert parsed.unknown == ("Salary", "Source")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty: expected a header row naming company and date"),
        ("\r\n\r\n", "the file is empty: expected a header row naming company and date"),
        ("company,notes\r\n", "row 1: missing required column 'date' (the header row must name company and date)"),
        ("notes,date\r\n", "row 1: missing required column 'company' (the header row must name company and date)"),
        ("Company,Employer,date\r\n", "columns 'Company' and 'Employer' both give company"),
    ],
)
def test_a_header_we_cannot_use_is_one_error(text: str, message: str) -> None:
    """An empty file, a missing column or two columns for one field stop the read with one message."""
    from followup_ics.edges.spreadsheet import CsvError

    with pytest.raises(CsvError) as caught:
        read_text(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("first_line", "delimiter"),
    [
        ("company,date,notes", ","),
        ("company;date;notes", ";"),
        ("company\tdate\tnotes", "\t"),
        ('"Acme, Inc";date;notes', ";"),  # commas inside quotes do not count
        ("company;date,notes;role", ";"),  # the most frequent wins
        ("company", ","),  # nothing to go by: comma
    ],
)
def test_the_delimiter_is_the_headers_most_frequent(first_line: str, delimiter: str) -> None:
    """Comma, semicolon or tab, as spreadsheet exports in different locales write them."""
    from followup_ics.edges.spreadsheet import sniff_delimiter

    assert sniff_delimiter(first_line) == delimiter


def test_rows_are_numbered_as_a_spreadsheet_shows_them() -> None:
    """Blank lines are skipped but counted, a quoted line break stays in its row, the BOM is not a name."""
    text = ("\ufeffcompany;date;notes;references\r\nA;2026-12-01 10:00;x;\r\n\r\n"
            'B;2026-12-02 10:00;"two\r\nlines";"Cy Park <cy@x.example>| Dee ; Eve\nFay"\r\n'
            "C;bad;x\r\n"
            "D;2026-12-04 10:00;y;\r\n")
    header, rows = read_text(text)
    assert header.delimiter == ";" and header.names[0] == "company"
    found = [(row.number, row.raw.company) if isinstance(row, Row) else (row.row, row.message) for row in rows]
    # a row that leaves off its trailing empty cells is read as if they were there
    assert found == [(2, "A"), (4, "B"), (5, "C"), (6, "D")]
    _, rows = read_text(text)
    second = [row for row in rows if isinstance(row, Row)][1]
    assert second.raw.notes == "two\r\nlines"
    assert second.raw.references == ("Cy Park <cy@x.example>", "Dee", "Eve", "Fay")
    assert second.columns["references"] == "references"


@pytest.mark.parametrize(("length", "ok"), [(10_000, True), (10_001, False)])
def test_a_cell_may_hold_ten_thousand_characters(length: int, ok: bool) -> None:
    """Up to 10 000 characters a cell is read; beyond, the row is an error saying how long it is."""
    row = _only_row("Acme,2026-12-01 14:00," + "n" * length)
    if ok:
        assert isinstance(row, Row) and len(row.raw.notes) == length
    else:
        assert row == RowError(2, "Notes", f"longer than 10000 characters ({length})")


def test_files_that_are_not_utf8_are_named_where_they_break(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Bad bytes in the header stop the read; bad bytes further down end it at that row, rows before kept."""
    from followup_ics.edges.spreadsheet import CsvError, count_rows, read_rows

    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"company,d\xe9te\r\n")
    with pytest.raises(CsvError, match=r"^row 1: not UTF-8 text \(byte 0xe9; save the sheet as 'CSV UTF-8'\)$"):
        read_rows(broken)
    later = tmp_path / "later.csv"
    later.write_bytes(b"company,date\r\nA,2026-12-01 10:00\r\n" + b"x" * 70_000 + b"\xe9,2026-12-01 10:00\r\n")
    _, rows = read_rows(later)
    found = list(rows)
    assert isinstance(found[0], Row) and isinstance(found[-1], RowError)
    assert found[-1].message == "not UTF-8 text (byte 0xe9; save the sheet as 'CSV UTF-8')"
    assert count_rows(later) == 0 and count_rows(tmp_path / "absent.csv") == 0
    good = tmp_path / "good.csv"
    good.write_text("\ufeffcompany;date\r\nA;2026-12-01 10:00\r\nB;\"x\r\ny\"\r\n", encoding="utf-8")
    assert count_rows(good) == 2
    with pytest.raises(CsvError, match=r"^cannot read the file \(No such file or directory\)$"):
        read_rows(tmp_path / "absent.csv")


def test_a_file_keeps_line_breaks_inside_quoted_cells(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Read from a file (BOM, CRLF), a quoted cell keeps its own CRLF and the header loses the BOM."""
    from followup_ics.edges.spreadsheet import read_rows

    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffcompany,date,notes\r\nAcme,2026-12-01 14:00,\"one\r\ntwo\"\r\n".encode())
    header, rows = read_rows(path)
    (row,) = list(rows)
    assert header.names[0] == "company" and isinstance(row, Row) and row.raw.notes == "one\r\ntwo"


@pytest.mark.parametrize(
    "encoding",
    [
        "utf-16",  # with a BOM, as Excel's "Unicode text" saves it
        "utf-16-le",  # without a BOM: found from the zero bytes
        "utf-8-sig",
    ],
)
def test_the_progress_count_reads_the_file_in_its_own_encoding(tmp_path: Path, encoding: str) -> None:
    """count_rows (batch's progress bar) counts the records of a UTF-16 file as of a UTF-8 one."""
    from followup_ics.edges.spreadsheet import count_rows

    path = tmp_path / "sheet.csv"
    text = "company\tdate\r\nA\t2026-12-01 10:00\r\nB\t\"x\r\ny\"\r\nC\t2026-12-03 10:00\r\n"  # one quoted line break
    path.write_bytes(text.encode(encoding))
    assert count_rows(path) == 3


def test_old_mac_line_breaks_end_rows_in_memory_and_in_a_file(tmp_path: Path) -> None:
    """A CSV whose lines end in a lone CR (classic Mac exports) is one row per line, uploaded or read from disk."""
    from followup_ics.edges.spreadsheet import read_rows

    text = "company,date\rA,2026-12-01 10:00\rB,2026-12-02 10:00\r"
    path = tmp_path / "mac.csv"
    path.write_bytes(text.encode())
    for _, rows in (read_text(text), read_rows(path)):
        assert [(row.number, row.raw.company) for row in rows if isinstance(row, Row)] == [(2, "A"), (3, "B")]


def test_a_utf16_file_that_breaks_says_utf16(tmp_path: Path) -> None:
    """A UTF-16 export with a broken character is named as UTF-16 text, not UTF-8, in one line, on its row."""
    from followup_ics.edges.spreadsheet import CsvError, read_rows

    path = tmp_path / "unicode.csv"
    path.write_bytes("company\tdate\r\nA\t2026-12-01 10:00\r\n".encode("utf-16") + b"\x00\xd8A\x00")  # a lone surrogate
    message = r"^row 3: not UTF-16 text \(byte 0x[0-9a-f]{2}; save the sheet as 'CSV UTF-8'\)$"
    with pytest.raises(CsvError, match=message):
        read_rows(path)


def test_a_utf16_file_without_bom_is_known_from_its_start_whatever_follows(tmp_path: Path) -> None:
    """The encoding is judged on the file's first 4 KB: a BOM-less UTF-16 export whose later rows are all
    Japanese (no zero bytes) is still read as UTF-16."""
    from followup_ics.edges.spreadsheet import read_rows

    lines = ["company\tdate\tnotes"] + [f"Acme {n}\t2026-12-01 10:00\tcall back" for n in range(80)]
    lines += [f"日本 {n}\t2026-12-02 10:00\t" + "面接" * 800 for n in range(20)]
    path = tmp_path / "japanese.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-16-le"))
    _, rows = read_rows(path)
    read = [row for row in rows if isinstance(row, Row)]
    assert len(read) == 100 and read[-1].raw.company == "日本 19" and read[-1].raw.notes == "面接" * 800


def _pairs(zero_first: int, zero_second: int, total: int = 8) -> bytes:
    """``total`` two-byte pairs: the first ``zero_first`` start with a zero byte, the last ``zero_second`` end
    with one, every other byte an "a"."""
    return b"".join(bytes([0 if n < zero_first else 97, 0 if n >= total - zero_second else 97]) for n in range(total))


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        # UTF-16-LE: more than half the pairs end in a zero, and under a quarter as many start with one
        (_pairs(1, 5), "utf-16-le"),
        (_pairs(0, 4), "utf-8-sig"),  # exactly half: not enough
        (_pairs(2, 5), "utf-8-sig"),  # zeros in front make up a quarter of those behind: not UTF-16
        # UTF-16-BE: the same with the pair's bytes swapped
        (_pairs(5, 1), "utf-16-be"),
        (_pairs(4, 0), "utf-8-sig"),  # exactly half
        (_pairs(8, 2), "utf-8-sig"),  # exactly a quarter as many zeros behind: not UTF-16
    ],
)
def test_utf16_without_bom_is_known_by_its_zero_bytes(data: bytes, encoding: str) -> None:
    """Without a BOM, text is UTF-16 only when most of its pairs of bytes hold a zero on one side alone."""
    from followup_ics.edges.spreadsheet import decode_csv

    assert decode_csv(data) == data.decode(encoding)



def test_a_row_the_csv_reader_refuses_is_one_error_on_its_row() -> None:
    """A cell past the csv module's size limit (64 MB; lowered here to 20 characters) ends the read with one
    error naming its row and the reader's reason; the rows before it are kept."""
    import csv

    limit = csv.field_size_limit(20)
    try:
        _, rows = read_text(HEADER + "A,2026-12-01 10:00,short\r\nB,2026-12-01 10:00,\"" + "n" * 30 + "\"\r\nC,x,y\r\n")
        found = list(rows)
    finally:
        csv.field_size_limit(limit)
    assert isinstance(found[0], Row) and found[1:] == [
        RowError(3, "", "cannot read this row (field larger than field limit (20))")]


_PIECES = st.text(alphabet="ab @.,;|\n\t\r\x1c\xa0", max_size=6)
# Cells as list columns hold them: entries (names, addresses) joined by any of the separators, with any spacing.
_CELLS = st.lists(st.one_of(_PIECES, st.sampled_from(["Ana Diaz", " a@x.com", "b@y.org ", "Li, Bo"])),
                  max_size=4).flatmap(lambda parts: st.sampled_from([",", ";", "|", "\n", ", ", " "]).map(
                      lambda separator: separator.join(parts)))


@settings(max_examples=200, deadline=None)
@given(columns=st.permutations([*FIELDS, None, None]).flatmap(lambda names: st.integers(2, len(names)).map(
    lambda width: names[:width])), data=st.data())
def test_a_row_makes_the_raw_interview_from_values_makes_of_its_named_cells(
        columns: list[str | None], data: st.DataObject) -> None:
    """raw_maker (where each column goes, worked out once per file) against the mapping it replaces: the row's
    named values, list cells split, through RawInterview.from_values."""
    cells = data.draw(st.lists(_CELLS, min_size=len(columns), max_size=len(columns)))
    expected = RawInterview.from_values({
        field: _split(cell, addresses=True) if SPELLINGS.get(field, field) in LIST_FIELDS else cell
        for field, cell in zip(columns, cells, strict=True) if field})
    assert raw_maker(tuple(columns))(cells) == expected
