"""The first-seen dates of undated outcomes, kept between runs in the seen file: on disk when many (FirstSeen),
and the file written a batch of entries at a time, with the bytes it always had."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.app import roster
from followup_ics.app.roster import FirstSeen
from followup_ics.cli import cli
from followup_ics.edges import batch
from followup_ics.edges.batch import SEEN_FILE, _dump_seen

_ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=4)),
          timezone(timedelta(seconds=3208))]
_ENTRIES = st.lists(st.tuples(st.text(max_size=12), st.datetimes(timezones=st.sampled_from(_ZONES))), max_size=40)


@settings(max_examples=60, deadline=None)
@given(entries=_ENTRIES, spill_after=st.integers(1, 6), batch_size=st.integers(1, 4))
def test_first_seen_on_disk_is_the_dict_it_replaces(entries: list[tuple[str, datetime]], spill_after: int,
                                                     batch_size: int) -> None:
    """Moved to disk after ``spill_after`` entries (written ``batch_size`` at a time), a FirstSeen gives what
    a dict would: each key's last date, every key in sorted order (as Python sorts str), nothing else."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(roster, "SPILL_AFTER", spill_after)
        patch.setattr(roster, "_BATCH", batch_size)
        store = roster.Spill()
        other = FirstSeen(entries[::-1], store)  # another table in the same temporary file
        seen = FirstSeen(entries, store)
        expected = dict(entries)
        assert dict(other.texts()) == {key: moment.isoformat() for key, moment in dict(entries[::-1]).items()}
        assert list(seen.texts()) == [(key, moment.isoformat()) for key, moment in sorted(expected.items())]
        assert {key: seen.get(key) for key in expected} == expected
        assert list(seen) == sorted(expected) and len(seen) == len(expected) and bool(seen) == bool(expected)
        assert seen.get("\x00absent") is None and "\x00absent" not in seen


@settings(max_examples=60, deadline=None)
@given(entries=_ENTRIES, spill_after=st.integers(1, 6), lines=st.integers(1, 5))
def test_the_seen_file_written_in_pieces_has_the_bytes_of_one_json_dump(
        entries: list[tuple[str, datetime]], spill_after: int, lines: int) -> None:
    """The seen file, streamed ``lines`` entries at a time from a FirstSeen on disk: the bytes earlier versions
    wrote with one json.dumps of the sorted dict (and that every version reads)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(roster, "SPILL_AFTER", spill_after)
        patch.setattr(batch, "_SEEN_BATCH", lines)
        written = b"".join(_dump_seen(FirstSeen(entries)))
    expected = dict(entries)
    assert written == (json.dumps({key: moment.isoformat() for key, moment in sorted(expected.items())},
                                  indent=1) + "\n").encode("utf-8")


# Undated outcomes (and an offer without the day it arrived): each first seen when the first run plans it.
_STATUSES = [("rejected", ""), ("withdrawn", ""), ("offer", "2026-12-18"), ("pending", "2026-12-20"),
             ("rejected", ""), ("accepted", ""), ("rejected", "")]
UNDATED = ("company,date,timezone,status,offer_deadline,me\r\n"
           + "".join(f"Firm {n},2026-12-0{1 + n % 5} 1{n % 8}:00,UTC,{status},{deadline},Person {n % 3}\r\n"
                     for n, (status, deadline) in enumerate(_STATUSES)))


def _runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spill_after: int | None) -> tuple[bytes, Path]:
    """A first run, then a re-run five days later: the seen file the first run wrote, and the output."""
    tmp_path.mkdir()
    source = tmp_path / "in.csv"
    source.write_text(UNDATED, encoding="utf-8")
    out = tmp_path / "out"
    seen = b""
    with monkeypatch.context() as patch:
        if spill_after is not None:
            patch.setattr(roster, "SPILL_AFTER", spill_after)
            patch.setattr(roster, "APPLICATIONS_IN_MEMORY", spill_after)
            patch.setattr(roster, "_BATCH", 2)
        for epoch in (1795000000, 1795432000):
            patch.setenv("SOURCE_DATE_EPOCH", str(epoch))
            result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--tz", "UTC", "--jobs", "1"])
            assert result.exit_code == 0, result.output
            seen = seen or (out / SEEN_FILE).read_bytes()
            if epoch != 1795000000:  # the dates first seen are kept: planned later, nothing moves
                assert "unchanged) in" in result.stderr and "files (" in result.stderr, result.stderr
    return seen, out


def test_a_batch_keeps_and_reads_back_the_same_first_seen_dates_when_they_spill_to_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the tables (the applications, the dates to keep, those read back) moved to disk after two entries,
    the seen file holds the same bytes, and the re-run that reads it back plans (and writes) the same calendars
    as when every table is in memory."""
    in_memory, memory_out = _runs(tmp_path / "memory", monkeypatch, None)
    spilled, spilled_out = _runs(tmp_path / "spilled", monkeypatch, 2)
    assert spilled == in_memory and len(json.loads(spilled)) >= 5
    files = sorted(path.name for path in memory_out.iterdir() if path.suffix == ".ics")
    assert files == sorted(path.name for path in spilled_out.iterdir() if path.suffix == ".ics")
    for name in [*files, SEEN_FILE]:
        assert (spilled_out / name).read_bytes() == (memory_out / name).read_bytes(), name
