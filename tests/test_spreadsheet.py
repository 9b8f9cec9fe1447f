"""Reading CSV rows: which characters a cell may hold, and how rows and columns are named in errors."""

from __future__ import annotations

import pytest

from followup_ics.edges.spreadsheet import Row, RowError, read_text

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
    ],
)
def test_control_characters_are_refused_and_the_column_named(cell: str, column: str) -> None:
    """Any C0 control character other than tab and line breaks makes the row an error naming its column."""
    row = _only_row(f"{cell},2026-12-01 14:00,x")
    assert row == RowError(2, column, "contains control characters (is this a binary file?)")


@pytest.mark.parametrize(
    "notes",
    [
        "a\tb",  # tab
        '"line one\nline two"',  # a quoted line break
        '"line one\r\nline two"',  # a quoted CRLF
        "del \x7f and é and 日本",  # DEL and non-ASCII are text
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
