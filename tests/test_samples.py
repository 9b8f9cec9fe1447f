"""`samples/` holds a CSV and exactly what `batch` makes of it; this test keeps the two in sync.

After an intended change to the output, refresh the files with
`UPDATE_SAMPLES=1 pytest tests/test_samples.py` and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from icscheck import assert_parsers_agree

from followup_ics.cli import cli

SAMPLES = Path(__file__).parent.parent / "samples"
CSV = SAMPLES / "interviews.csv"
OUT = SAMPLES / "out"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample CSV run through `batch` today, into an empty folder (no earlier SEQUENCE)."""
    out = tmp_path_factory.mktemp("samples") / "out"
    with pytest.MonkeyPatch.context() as patch:
        from support import SOURCE_DATE_EPOCH

        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = CliRunner().invoke(cli, ["batch", str(CSV), "-o", str(out), "--tz", "UTC", "-q"])
    assert result.exit_code == 0, result.output
    if os.environ.get("UPDATE_SAMPLES"):
        shutil.rmtree(OUT, ignore_errors=True)
        shutil.copytree(out, OUT)
    return out


def test_committed_samples_are_exactly_what_batch_writes(fresh: Path) -> None:
    """Same file names, same bytes: samples/out is never stale."""
    expected = {path.name: path.read_bytes() for path in sorted(OUT.glob("*.ics"))}
    actual = {path.name: path.read_bytes() for path in sorted(fresh.glob("*.ics"))}
    assert sorted(actual) == sorted(expected)
    for name, data in actual.items():
        assert data == expected[name], f"samples/out/{name} is stale (UPDATE_SAMPLES=1 refreshes it)"


def test_sample_csv_covers_what_the_readme_promises() -> None:
    """At least ten rows, every status, two rounds at one company, a comma and non-ASCII in names."""
    import csv

    with CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 10
    assert {row["status"] for row in rows} >= {"pending", "offer", "rejected", "withdrawn", "accepted"}
    companies = [row["company"] for row in rows]
    assert len(companies) > len(set(companies)), "two rounds at one company"
    assert any("," in name for name in companies) and any(not name.isascii() for name in companies)
    assert any(row["offer_deadline"] for row in rows)
    zones = {row["timezone"] for row in rows}
    assert {"Australia/Sydney", "Asia/Kolkata"} <= zones, "southern hemisphere and half-hour offset"


@pytest.mark.parametrize("name", sorted(path.name for path in OUT.glob("*.ics")))
def test_every_sample_reads_the_same_in_every_parser(name: str) -> None:
    """Each committed sample passes the byte checks and the parsers agree on every instant."""
    assert_parsers_agree((OUT / name).read_bytes())


def test_combined_feed_holds_every_interview_event_once() -> None:
    """all.ics is the union of the per-interview files, with one VTIMEZONE per zone and unique UIDs."""
    singles = [path for path in OUT.glob("*.ics") if path.name != "all.ics"]
    combined = icalendar.Calendar.from_ical((OUT / "all.ics").read_bytes())
    uids = [str(event.uid) for event in combined.events]
    expected = [str(event.uid) for path in singles
                for event in icalendar.Calendar.from_ical(path.read_bytes()).events]
    assert len(uids) == len(set(uids)) and sorted(uids) == sorted(expected)
    tzids = [str(zone.tz_name) for zone in combined.timezones]
    assert len(tzids) == len(set(tzids))
    assert set(tzids) == {str(zone.tz_name) for path in singles
                          for zone in icalendar.Calendar.from_ical(path.read_bytes()).timezones}
