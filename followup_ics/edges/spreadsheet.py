"""CSV rows -> RawInterviews, streamed, with errors that name the row as a spreadsheet shows it.

Row 1 is the header; the first interview is row 2. Spreadsheet exports just work: UTF-8 with or
without BOM, UTF-16 with or without BOM (Excel's "Unicode text"), comma, semicolon or tab delimiters,
CRLF, quoted fields with commas and newlines, rows that leave off their trailing empty cells.

Column names are matched exactly or through aliases that cannot mean anything else: a job tracker's
"Deadline" (of the application?) or "Email" (whose?) is not guessed to be an offer deadline or the
recruiter's address. Header.aliased lets the caller say which column was read as which field.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from followup_ics.app.fields import LIST_FIELDS, MAX_TEXT, SPELLINGS, RawInterview, text_problem, texts_fine
from followup_ics.app.roster import Row, RowError
from followup_ics.core.errors import DataError, FollowupError

MAX_CELL = MAX_TEXT
csv.field_size_limit(1 << 26)  # read huge cells whole, then reject them with a clear message

FIELDS = ("company", "date", "timezone", "duration", "role", "interviewer", "interviewer_email", "contact",
          "contact_email", "contact_phone", "references", "url", "location", "status", "offer_deadline",
          "outcome_date", "notes", "id", "offer_arrived")
FIELDS += ("language", "me")  # the texts' language and the name signing the drafts, per row
FIELDS += ("country", "region")  # whose working days and holidays, per row
REQUIRED = ("company", "date")
# Only names that cannot mean anything else in a job-search sheet. Left out on purpose: email, phone
# (the user's own?), deadline (the application's?), start/when (the job's start?), title, job, length,
# link, address (an email address?), key, decision_date (expected or known?).
ALIASES = {
    "company_name": "company", "employer": "company", "organization": "company", "organisation": "company",
    "interview_date": "date", "interview_datetime": "date", "interview_time": "date", "interview_start": "date",
    "time_zone": "timezone", "tz": "timezone",
    "interview_length": "duration", "duration_min": "duration", "duration_minutes": "duration",
    "position": "role", "job_title": "role",
    "interviewers": "interviewer", "interviewer_name": "interviewer", "interviewer_names": "interviewer",
    "interviewer_emails": "interviewer_email",
    "recruiter": "contact", "hiring_manager": "contact", "contact_name": "contact",
    "recruiter_email": "contact_email", "recruiter_phone": "contact_phone",
    "reference": "references", "job_url": "url", "job_posting": "url", "posting_url": "url",
    "interview_location": "location",
    "outcome": "status", "offer_deadline_date": "offer_deadline", "competing_offer_deadline": "offer_deadline",
    "note": "notes", "comments": "notes",
    "interview_id": "id",
}
ALIASES.update({"lang": "language", "locale": "language", "my_name": "me", "signature": "me"})
_LIST_SEPARATORS = re.compile(r"[;\n|]")
_SEPARATOR = re.compile(r"[;\n|,]")  # anything that may make a list cell more than one entry


class CsvError(FollowupError):
    """The file as a whole cannot be read (no header, missing column, not text)."""


@dataclass(frozen=True, slots=True)
class Header:
    fields: tuple[str | None, ...]  # per column: the field it feeds, or None if unknown
    names: tuple[str, ...]
    unknown: tuple[str, ...]
    delimiter: str
    aliased: tuple[tuple[str, str], ...] = ()  # (column as the file names it, field) where they differ


def column_note(header: Header) -> str | None:
    """One line for the user saying which columns were read as which field (None when all are exact)."""
    if not header.aliased:
        return None
    return "read " + ", ".join(f"column {name!r} as {field}" for name, field in header.aliased)


def normalise(name: str) -> str:
    """'Interview Date ' -> 'interview_date'."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def parse_header(names: list[str], delimiter: str) -> Header:
    fields: list[str | None] = []
    unknown: list[str] = []
    aliased: list[tuple[str, str]] = []
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
            if key != field:  # an alias, not the field's own name in another case or spacing
                aliased.append((name.strip(), field))
        fields.append(field)
    missing = [f for f in REQUIRED if f not in seen]
    if missing:
        raise CsvError(f"row 1: missing required column {missing[0]!r} (the header row must name "
                       f"{' and '.join(REQUIRED)})")
    return Header(tuple(fields), tuple(names), tuple(unknown), delimiter, tuple(aliased))


def sniff_delimiter(first_line: str) -> str:
    """The header's most frequent candidate delimiter outside quotes; comma when none."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(path: Path) -> tuple[Header, Iterator[Row | RowError]]:
    """The header now (raising CsvError), then one Row or RowError per non-empty line; once the last is read,
    a DataError if the file changed meanwhile."""
    handle = _open(path)
    try:
        before = _version(os.fstat(handle.fileno()))
    except BaseException:
        handle.close()
        raise
    header, rows = read_handle(handle)
    return header, _unchanged(rows, path, before)


def _unchanged(rows: Iterator[Row | RowError], path: Path, before: tuple[int, int, int] | None
               ) -> Iterator[Row | RowError]:
    """``rows``, then a check that ``path`` is the file they were read from, as it was: a file saved in place
    while it is read (truncated, then written again) would give the rows of a torn copy, and a batch or a push
    would remove what the missing rows held. (A file saved by renaming a new one over it is refused too: the
    rows are whole, but of a version the user has just replaced.)"""
    yield from rows
    if before is None:
        return
    try:
        after = _version(os.stat(path))
    except OSError:  # gone meanwhile
        after = None
    if after != before:
        raise DataError("the file changed while it was being read; run again")


def _version(status: os.stat_result) -> tuple[int, int, int] | None:
    """What changes when a regular file is written or replaced (None for a pipe or a device: nothing to compare)."""
    return (status.st_ino, status.st_size, status.st_mtime_ns) if stat.S_ISREG(status.st_mode) else None


def decode_csv(data: bytes) -> str:
    """The text of a CSV file's bytes, in whichever encoding _encoding finds (raises CsvError)."""
    encoding = _encoding(data[:_SNIFF_BYTES])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise CsvError(_not_text(encoding, _bad_row(io.BytesIO(data), encoding) or 1, error)) from None


def header_note(path: Path) -> str | None:
    """column_note for a CSV file, reading only its header (None if the header cannot be read)."""
    try:
        handle = _open(path)
    except CsvError:
        return None
    with handle:  # the rows are never read: close the file here, not when the generator is collected
        try:
            header, _ = read_handle(handle)
        except CsvError:
            return None
    return column_note(header)


def read_text(text: str) -> tuple[Header, Iterator[Row | RowError]]:
    """read_rows for a CSV already in memory."""
    return read_handle(io.StringIO(text.removeprefix("\ufeff"), newline=""))


def read_handle(handle: TextIO) -> tuple[Header, Iterator[Row | RowError]]:
    """read_rows for an open text handle (newline=''); the handle is closed when the rows run out."""
    try:
        first_line = handle.readline()
    except UnicodeDecodeError as error:
        # The decoder reads ahead: the bad byte may be in any row of the first block, so find it.
        handle.close()
        row = _bad_row_in_file(handle) or 1
        raise CsvError(_not_text(handle.encoding, row, error)) from None
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
        with path.open(encoding=_file_encoding(path), newline="") as handle:
            delimiter = sniff_delimiter(handle.readline())
            handle.seek(0)
            return max(sum(1 for _ in csv.reader(handle, delimiter=delimiter)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return 0


def _open(path: Path):  # type: ignore[no-untyped-def]
    try:
        return path.open(encoding=_file_encoding(path), newline="")
    except OSError as error:
        raise CsvError(f"cannot read the file ({error.strerror})") from None


_SNIFF_BYTES = 4096


def _file_encoding(path: Path) -> str:
    with path.open("rb") as raw:
        return _encoding(raw.read(_SNIFF_BYTES))


def _encoding(head: bytes) -> str:
    """UTF-8 (BOM or not) unless the bytes say UTF-16: a BOM, or the zero bytes of ASCII text in it."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if not head.startswith(codecs.BOM_UTF8) and len(head) >= 4:
        zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
        pairs = len(head) // 2
        if zeros_odd > pairs // 2 and zeros_even * 4 < zeros_odd:
            return "utf-16-le"
        if zeros_even > pairs // 2 and zeros_odd * 4 < zeros_even:
            return "utf-16-be"
    return "utf-8-sig"


def exact_codec(data: bytes) -> str:
    """The codec that reads ``data`` and writes it back byte for byte: 'utf-8', or UTF-16 in the file's own
    byte order ('utf-16-le', Excel's "Unicode text"); a BOM stays in the text as U+FEFF."""
    found = _encoding(data[:_SNIFF_BYTES])
    if found == "utf-16":
        return "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
    return "utf-8" if found == "utf-8-sig" else found


def _not_text(encoding: str, row: int, error: UnicodeDecodeError) -> str:
    byte = error.object[error.start:error.start + 1].hex() if error.object else ""
    kind = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    return (f"row {row}: not {kind} text (byte 0x{byte}; save the sheet as 'CSV UTF-8')" if byte
            else f"row {row}: not {kind} text (save the sheet as 'CSV UTF-8')")


def _bad_row_in_file(handle: TextIO) -> int | None:
    """The spreadsheet row holding the first byte ``handle``'s encoding cannot read, from its file."""
    name = getattr(handle, "name", None)
    if not isinstance(name, str):
        return None
    try:
        with open(name, "rb") as raw:
            return _bad_row(raw, handle.encoding)
    except OSError:
        return None


def _bad_row(raw: io.BufferedIOBase | io.BytesIO, encoding: str) -> int | None:
    """Count the CSV records up to the first undecodable character; quoted newlines do not make rows.

    The bytes are decoded as text (not split on b"\\n" first, which would cut UTF-16 apart) with the first bad
    character marked: the records up to the mark are the rows, the last of them the one holding it."""
    text = io.TextIOWrapper(raw, encoding=encoding, errors=_MARK_ERRORS, newline="")  # type: ignore[arg-type]
    found = False

    def lines() -> Iterator[str]:
        nonlocal found
        for line in text:
            if _MARK in line:
                found = True
                yield line[:line.index(_MARK)]  # the row so far: the csv reader counts it, empty or not
                return
            yield line

    read = lines()
    first = next(read, "")
    try:  # in the file's own delimiter: a quoted cell's line break is no row only where its quote counts
        records = sum(1 for _ in csv.reader(itertools.chain([first], read), delimiter=sniff_delimiter(first)))
    except csv.Error:
        return None
    return records if found else None


# A lone surrogate: strict decoding never gives one, so in the text it marks where the first bad byte was.
_MARK = "\udfff"
_MARK_ERRORS = "followup-ics-mark-bad"


def _mark_bad(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _MARK, len(error.object)  # the rest of this block unread: the rows end at the mark


codecs.register_error(_MARK_ERRORS, _mark_bad)


def _rows(handle, reader, header: Header) -> Iterator[Row | RowError]:  # type: ignore[no-untyped-def]
    columns = {field: name for field, name in zip(header.fields, header.names, strict=True) if field}
    if "references" in columns:  # a reference's errors name the field in the singular
        columns["reference"] = columns["references"]
    width = len(header.names)
    raw = raw_maker(header.fields)
    with handle:
        number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                row = _bad_row_in_file(handle) or reader.line_num + 1
                yield RowError(row, "", _not_text(handle.encoding, row, error).split(": ", 1)[1])
                return
            except csv.Error as error:
                yield RowError(reader.line_num, "", f"cannot read this row ({error})")
                return
            # A row's number is the spreadsheet's: quoted newlines do not make new rows.
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            cells = _fit(cells, width)
            if len(cells) != width:
                yield RowError(number, "", f"has {len(cells)} fields but the header has {width}")
                continue
            error = _check_cells(number, cells, header)
            if error:
                yield error
                continue
            yield Row(number, tuple(cells), raw(cells), columns)


def _check_cells(number: int, cells: list[str], header: Header) -> RowError | None:
    # Every cell, known column or not: the same rule as for a value typed as an option.
    if texts_fine(cells):
        return None
    for name, cell in zip(header.names, cells, strict=True):
        problem = text_problem(cell)
        if problem:
            return RowError(number, name, problem)
    return None


def _fit(cells: list[str], width: int) -> list[str]:
    """A short row's missing trailing cells are empty, as some exports leave them off; a long row's
    extra cells may be dropped only when they are empty (a trailing delimiter)."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
        return cells[:width]
    return cells


def _split(cell: str, *, addresses: bool = False) -> tuple[str, ...]:
    """A list cell: ';', '|' or line breaks separate entries. In address columns a comma does too when
    every part holds an address ('a@x.com, b@y.com'); 'Diaz, Ana' stays one name."""
    parts = [part.strip() for part in _LIST_SEPARATORS.split(cell) if part.strip()]
    if addresses:
        parts = [piece for part in parts for piece in _comma_list(part)]
    return tuple(parts)


def _comma_list(text: str) -> list[str]:
    pieces = [piece.strip() for piece in text.split(",")]
    if len(pieces) > 1 and all("@" in piece for piece in pieces):
        return pieces
    return [text]


def raw_maker(fields: tuple[str | None, ...]) -> Callable[[list[str]], RawInterview]:
    """A function from one row's cells (a header's ``fields`` long) to its RawInterview: what
    ``RawInterview.from_values`` makes of the row's named values, list cells split (``_split``). Where each
    column goes is worked out once per file, not once per row: the row is then a list filled in place."""
    places = [(RawInterview._fields.index(SPELLINGS.get(field, field)), column,
               SPELLINGS.get(field, field) in LIST_FIELDS)
              for column, field in enumerate(fields) if field and SPELLINGS.get(field, field) in RawInterview._fields]
    scalars = [(place, column) for place, column, is_list in places if not is_list]
    lists = [(place, column) for place, column, is_list in places if is_list]
    defaults = [RawInterview._field_defaults.get(name, "") for name in RawInterview._fields]  # company, date: ""
    make = RawInterview._make

    def raw(cells: list[str]) -> RawInterview:
        values = defaults.copy()
        for place, column in scalars:
            values[place] = cells[column]
        for place, column in lists:
            cell = cells[column]
            if _SEPARATOR.search(cell) is None:  # one entry or none (most cells): what _split makes of it
                values[place] = (cell.strip(),) if cell and not cell.isspace() else ()
            else:
                values[place] = _split(cell, addresses=True)
        return make(values)

    return raw
