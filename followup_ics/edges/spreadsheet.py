"""CSV rows -> RawInterviews, streamed, with errors that name the row as a spreadsheet shows it.

Row 1 is the header; the first interview is row 2. Spreadsheet exports just work: UTF-8 with or
without BOM, comma, semicolon or tab delimiters, CRLF, quoted fields with commas and newlines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from followup_ics.app.fields import MAX_TEXT, RawInterview, text_problem

MAX_CELL = MAX_TEXT
csv.field_size_limit(1 << 26)  # read huge cells whole, then reject them with a clear message

FIELDS = ("company", "date", "timezone", "duration", "role", "interviewer", "interviewer_email", "contact",
          "contact_email", "contact_phone", "references", "url", "location", "status", "offer_deadline",
          "outcome_date", "notes", "id")
REQUIRED = ("company", "date")
ALIASES = {
    "company_name": "company", "employer": "company", "organization": "company", "organisation": "company",
    "interview_date": "date", "date_time": "date", "datetime": "date", "when": "date", "start": "date",
    "interview_time": "date",
    "time_zone": "timezone", "tz": "timezone", "zone": "timezone",
    "length": "duration", "duration_min": "duration", "duration_minutes": "duration",
    "position": "role", "job_title": "role", "title": "role", "job": "role",
    "interviewers": "interviewer", "interviewer_name": "interviewer", "interviewer_names": "interviewer",
    "interviewer_emails": "interviewer_email",
    "recruiter": "contact", "hiring_manager": "contact", "contact_name": "contact",
    "recruiter_email": "contact_email", "email": "contact_email",
    "recruiter_phone": "contact_phone", "phone": "contact_phone",
    "reference": "references", "job_url": "url", "posting": "url", "job_posting": "url", "link": "url",
    "place": "location", "address": "location",
    "outcome": "status", "offer_deadline_date": "offer_deadline", "deadline": "offer_deadline",
    "decision_date": "outcome_date", "note": "notes", "comments": "notes",
    "interview_id": "id", "key": "id",
}
_LIST_SEPARATORS = re.compile(r"[;\n|]")


class CsvError(Exception):
    """The file as a whole cannot be read (no header, missing column, not text)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell or row: where, which column as the file names it, the value, what is wrong."""

    row: int
    column: str
    message: str
    value: str | None = None

    def describe(self, source: str) -> str:
        column = f" column {self.column!r}:" if self.column else ""
        shown = ""
        if self.value is not None:
            value = self.value if len(self.value) <= 60 else self.value[:59] + "…"
            shown = f" ({value!r})"
        return f"{source}:{self.row}:{column} {self.message}{shown}"


@dataclass(frozen=True, slots=True)
class Row:
    """One interview row: its spreadsheet row number, its cells by field, and its raw interview."""

    number: int
    cells: tuple[str, ...]
    raw: RawInterview
    columns: dict[str, str]  # field -> header text as the file has it


@dataclass(frozen=True, slots=True)
class Header:
    fields: tuple[str | None, ...]  # per column: the field it feeds, or None if unknown
    names: tuple[str, ...]
    unknown: tuple[str, ...]
    delimiter: str


def normalise(name: str) -> str:
    """'Interview Date ' -> 'interview_date'."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def parse_header(names: list[str], delimiter: str) -> Header:
    fields: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for name in names:
        key = normalise(name)
        field = key if key in FIELDS else ALIASES.get(key)
        if field is not None and field in seen:
            raise CsvError(f"columns {seen[field]!r} and {name!r} both give {field}")
        if field is None:
            if name.strip():
                unknown.append(name.strip())
        else:
            seen[field] = name
        fields.append(field)
    missing = [f for f in REQUIRED if f not in seen]
    if missing:
        raise CsvError(f"row 1: missing required column {missing[0]!r} (the header row must name "
                       f"{' and '.join(REQUIRED)})")
    return Header(tuple(fields), tuple(names), tuple(unknown), delimiter)


def sniff_delimiter(first_line: str) -> str:
    """The header's most frequent candidate delimiter outside quotes; comma when none."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(path: Path) -> tuple[Header, Iterator[Row | RowError]]:
    """The header now (raising CsvError), then one Row or RowError per non-empty line."""
    return read_handle(_open(path))


def read_text(text: str) -> tuple[Header, Iterator[Row | RowError]]:
    """read_rows for a CSV already in memory."""
    return read_handle(io.StringIO(text.removeprefix("\ufeff"), newline=""))


def read_handle(handle: TextIO) -> tuple[Header, Iterator[Row | RowError]]:
    """read_rows for an open text handle (newline=''); the handle is closed when the rows run out."""
    try:
        first_line = handle.readline()
    except UnicodeDecodeError:
        handle.close()
        raise CsvError("row 1: not UTF-8 text (save the sheet as 'CSV UTF-8')") from None
    if not first_line.strip():
        handle.close()
        raise CsvError("the file is empty: expected a header row naming company and date")
    delimiter = sniff_delimiter(first_line)
    handle.seek(0)
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        names = next(reader)
    except (csv.Error, UnicodeDecodeError) as error:
        handle.close()
        raise CsvError(f"row 1: cannot read the header ({error})") from None
    names[0] = names[0].lstrip("\ufeff")
    try:
        header = parse_header(names, delimiter)
    except CsvError:
        handle.close()
        raise
    return header, _rows(handle, reader, header)


def count_rows(path: Path) -> int:
    """How many records the file holds after its header (for a progress bar); 0 if unreadable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            delimiter = sniff_delimiter(handle.readline())
            handle.seek(0)
            return max(sum(1 for _ in csv.reader(handle, delimiter=delimiter)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return 0


def _open(path: Path):  # type: ignore[no-untyped-def]
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise CsvError(f"cannot read the file ({error.strerror})") from None


def _rows(handle, reader, header: Header) -> Iterator[Row | RowError]:  # type: ignore[no-untyped-def]
    columns = {field: name for field, name in zip(header.fields, header.names, strict=True) if field}
    width = len(header.names)
    with handle:
        number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                yield RowError(reader.line_num + 1, "", "not UTF-8 text (save the sheet as 'CSV UTF-8')")
                return
            except csv.Error as error:
                yield RowError(reader.line_num, "", f"cannot read this row ({error})")
                return
            # A row's number is the spreadsheet's: quoted newlines do not make new rows.
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != width:
                yield RowError(number, "", f"has {len(cells)} fields but the header has {width}")
                continue
            error = _check_cells(number, cells, header)
            if error:
                yield error
                continue
            values = {f: c for f, c in zip(header.fields, cells, strict=True) if f}
            yield Row(number, tuple(cells), _raw(values), columns)


def _check_cells(number: int, cells: list[str], header: Header) -> RowError | None:
    # Every cell, known column or not: the same rule as for a value typed as an option.
    for name, cell in zip(header.names, cells, strict=True):
        problem = text_problem(cell)
        if problem:
            return RowError(number, name, problem)
    return None


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _LIST_SEPARATORS.split(cell) if part.strip())


def _raw(values: dict[str, str]) -> RawInterview:
    get = values.get
    return RawInterview(
        company=get("company", ""), date=get("date", ""), timezone=get("timezone", ""),
        duration=get("duration", ""), role=get("role", ""), interviewers=_split(get("interviewer", "")),
        interviewer_emails=_split(get("interviewer_email", "")), contact=get("contact", ""),
        contact_email=get("contact_email", ""), contact_phone=get("contact_phone", ""),
        references=_split(get("references", "")), url=get("url", ""), location=get("location", ""),
        notes=get("notes", ""), status=get("status", ""), offer_deadline=get("offer_deadline", ""),
        outcome_date=get("outcome_date", ""), id=get("id", ""))
