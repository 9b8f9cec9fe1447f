"""The user's CSV as a document to edit in place: every byte we do not mean to change stays as it was.

``edges/spreadsheet.py`` reads a CSV to plan it; this module keeps what a spreadsheet needs to look the same
after we write: the BOM, the delimiter, each record's line ending, each cell's own quoting, columns we do
not know, rows shorter than the header. A record we do not touch is written back as its original text; in a
record we change, only the changed cells are re-quoted.

Writes are safe against the two things that happen to a spreadsheet file:
- another `followup-ics record` at the same moment: edits run under an exclusive lock (``flock`` on the
  CSV's folder), each reading the file afresh inside it, so neither write is lost;
- a spreadsheet app saving the file while we work: right before the rename the file's bytes are compared
  with what was read, and the write is refused if they differ.
The new content goes to a temp file in the same folder, gets the old file's permissions, and is renamed
over it, so a reader (``serve``) sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from followup_ics.core.errors import DataError, FollowupError
from followup_ics.edges.spreadsheet import CsvError, Header, exact_codec, parse_header, sniff_delimiter

BOM = "\ufeff"
LOCK_WAIT = 30.0  # seconds another edit of the same file may hold the lock before we give up
T = TypeVar("T")


class SheetError(FollowupError):
    """The file cannot be edited: unreadable, read-only, not ours, or changed under us."""


class ConflictError(SheetError):
    """The file changed between our reading it and our replacing it (a spreadsheet saved it)."""

    exit_code = DataError.exit_code


@dataclass
class Cell:
    value: str
    raw: str | None  # the cell's text in the file; None once changed (then written fresh)


@dataclass
class Record:
    """One CSV record: its cells and what ended it ('\\r\\n', '\\n', '\\r', or '' at the end of the file)."""

    cells: list[Cell]
    ending: str
    raw: str | None  # the whole record's original text, without its ending; None once a cell changed

    def values(self) -> list[str]:
        return [cell.value for cell in self.cells]


@dataclass
class Sheet:
    """A parsed CSV that remembers how it was written."""

    bom: bool
    delimiter: str
    newline: str  # the line ending new records get: the file's own
    quote_all: bool  # every header cell was quoted: new cells are quoted too
    header: Record
    records: list[Record] = field(default_factory=list)  # after the header; blank lines included
    codec: str = "utf-8"  # or UTF-16 in the file's byte order, as Excel's "Unicode text" saves it

    # Reading --------------------------------------------------------------------------------------

    @classmethod
    def parse(cls, data: bytes) -> Sheet:
        codec = exact_codec(data)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            kind = "UTF-16" if codec.startswith("utf-16") else "UTF-8"
            raise SheetError(f"not {kind} text (save the sheet as 'CSV UTF-8')") from None
        bom = text.startswith(BOM)
        text = text.removeprefix(BOM)
        if not text.strip():
            raise SheetError("the file is empty: expected a header row naming company and date")
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
        records = list(_tokenize(text, delimiter))
        header = records[0]
        newline = next((r.ending for r in records if r.ending), "\r\n")
        quote_all = all((cell.raw or "").startswith('"') for cell in header.cells)
        return cls(bom, delimiter, newline, quote_all, header, records[1:], codec)

    def parsed_header(self) -> Header:
        """The header's columns as the planner reads them; a CSV without company and date is not ours."""
        try:
            return parse_header(self.header.values(), self.delimiter)
        except CsvError as error:
            raise SheetError(f"not a CSV of interviews: {error}") from None

    def column(self, field_name: str) -> int | None:
        """The index of the column that feeds ``field_name``, or None."""
        fields = self.parsed_header().fields
        return fields.index(field_name) if field_name in fields else None

    def row_number(self, index: int) -> int:
        """The spreadsheet's row number of record ``index`` (the header is row 1)."""
        return index + 2

    def value(self, index: int, column: int) -> str:
        cells = self.records[index].cells
        return cells[column].value if column < len(cells) else ""  # a short row's missing cells are empty

    def planning_text(self) -> str:
        """The content as ``spreadsheet.read_text`` plans it: short rows padded with empty cells, so a
        spreadsheet that drops trailing empty cells is read the way it means."""
        width = len(self.header.cells)
        lines = [self._record_text(self.header)]
        for record in self.records:
            text = self._record_text(record)
            if record.cells and len(record.cells) < width:
                text += self.delimiter * (width - len(record.cells))
            lines.append(text)
        return "\n".join(lines) + "\n"

    # Editing ---------------------------------------------------------------------------------------

    def ensure_column(self, name: str) -> int:
        """The column named ``name`` (by field), added at the end of the header if missing. Rows as wide as
        the header get an empty cell, so they stay as wide; shorter rows already mean 'empty' there."""
        found = self.column(name)
        if found is not None:
            return found
        width = len(self.header.cells)
        self.header.cells.append(Cell(name, None))
        self.header.raw = None
        for record in self.records:
            if len(record.cells) == width:
                record.cells.append(Cell("", None))
                record.raw = None
        return width

    def set(self, index: int, column: int, value: str) -> None:
        """Give one cell a new value; the row grows with empty cells if it was short."""
        record = self.records[index]
        if column < len(record.cells) and record.cells[column].value == value:
            return
        while len(record.cells) <= column:
            record.cells.append(Cell("", None))
        record.cells[column] = Cell(value, None)
        record.raw = None

    def append(self, values: dict[int, str]) -> int:
        """A new record after the last row (blank lines at the end stay after it), as wide as the header;
        returns its index."""
        width = len(self.header.cells)
        record = Record([Cell(values.get(i, ""), None) for i in range(width)], self.newline, None)
        index = len(self.records)
        while index and not self.records[index - 1].cells:
            index -= 1
        if index == len(self.records):
            last = self.records[-1] if self.records else self.header
            if not last.ending:  # the file ended without a line break: so does it after the new record
                last.ending, record.ending = self.newline, ""
        self.records.insert(index, record)
        return index

    # Writing ---------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        parts = [BOM] if self.bom else []
        for record in [self.header, *self.records]:
            parts.append(self._record_text(record) + record.ending)
        return "".join(parts).encode(self.codec)

    def _record_text(self, record: Record) -> str:
        if record.raw is not None:
            return record.raw
        return self.delimiter.join(cell.raw if cell.raw is not None else self._quoted(cell.value)
                                   for cell in record.cells)

    def _quoted(self, value: str) -> str:
        if self.quote_all or any(ch in value for ch in (self.delimiter, '"', "\r", "\n")) or (
                value != value.strip()):
            return '"' + value.replace('"', '""') + '"'
        return value


def _tokenize(text: str, delimiter: str) -> Iterator[Record]:
    """Records with each cell's original text, read the way Python's csv module reads them."""
    position, size = 0, len(text)
    while position < size:
        start = position
        cells: list[Cell] = []
        while True:
            cell_start = position
            value: list[str] = []
            if position < size and text[position] == '"':
                position += 1
                while position < size:
                    char = text[position]
                    if char == '"':
                        if position + 1 < size and text[position + 1] == '"':
                            value.append('"')
                            position += 2
                            continue
                        position += 1
                        break
                    value.append(char)
                    position += 1
            while position < size and text[position] not in (delimiter, "\r", "\n"):
                value.append(text[position])  # text after a closing quote, or an unquoted cell
                position += 1
            cells.append(Cell("".join(value), text[cell_start:position]))
            if position < size and text[position] == delimiter:
                position += 1
                continue
            break
        raw = text[start:position]
        ending = ""
        if text.startswith("\r\n", position):
            ending = "\r\n"
        elif position < size:
            ending = text[position]
        position += len(ending)
        if raw == "":
            cells = []
        yield Record(cells, ending, raw)


# The file -------------------------------------------------------------------------------------------


@contextmanager
def _locked(path: Path, wait: float) -> Iterator[None]:
    """An exclusive lock every followup-ics process editing a file in this folder takes: ``flock`` on the
    folder itself, so no lock file is left beside the user's CSV, and a crashed process holds nothing."""
    try:
        handle = os.open(path.parent if str(path.parent) else Path("."), os.O_RDONLY)
    except OSError as error:
        raise SheetError(f"cannot open its folder ({error.strerror or error})") from None
    try:
        give_up = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > give_up:
                    raise SheetError("another followup-ics command is still editing the file; "
                                     "try again") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def read_sheet(path: Path) -> tuple[Sheet, bytes]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SheetError(f"cannot read it ({error.strerror or error})") from None
    return Sheet.parse(data), data


def edit(path: Path, change: Callable[[Sheet], T], *, wait: float = LOCK_WAIT, create: str = "") -> T:
    """Read ``path``, let ``change`` edit the sheet (it may raise to write nothing), and replace the file
    with the result, atomically, under the lock; refuse if the file changed meanwhile. ``create`` is the
    header of a file that does not exist yet (else a missing file is an error)."""
    path = path.resolve()  # a symlinked CSV stays a link: the file it points to is the one replaced
    # Root may write anything; a file nobody may write was made read-only on purpose: respect that too.
    if path.exists() and (not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o222):
        raise SheetError("the file is read-only; nothing was changed")
    with _locked(path, wait):
        if create and not path.exists():
            sheet, before = Sheet.parse(create.encode("utf-8")), None
        else:
            sheet, before = read_sheet(path)
        sheet.parsed_header()
        result = change(sheet)
        after = sheet.to_bytes()
        if before is None:
            _create(path, after)
        elif after != before:
            _replace(path, after, before)
    return result


def _create(path: Path, data: bytes) -> None:
    try:
        with path.open("xb") as handle:  # never over a file that appeared meanwhile
            handle.write(data)
    except FileExistsError:
        raise ConflictError("the file appeared while this command ran; nothing was written: run it again") from None
    except OSError as error:
        raise SheetError(f"cannot write it ({error.strerror or error})") from None


def _replace(path: Path, data: bytes, expected: bytes) -> None:
    mode = os.stat(path).st_mode & 0o7777
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        # A spreadsheet app does not know our lock: compare the bytes as late as we can.
        if path.read_bytes() != expected:
            raise ConflictError("the file changed while this command ran (saved from a spreadsheet?); "
                                "nothing was written: run the command again")
        os.replace(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise SheetError(f"cannot write it ({error.strerror or error})") from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
