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
from support import SOURCE_DATE_EPOCH

from followup_ics.app.fields import parse_status
from followup_ics.cli import cli
from followup_ics.core.records import Status
from followup_ics.edges.spreadsheet import Row, read_rows

SAMPLES = Path(__file__).parent.parent / "samples"
CSV = SAMPLES / "interviews.csv"
OUT = SAMPLES / "out"


def _batch(out: Path) -> None:
    """The sample CSV run through `batch` into ``out``, an empty folder (no earlier SEQUENCE)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = CliRunner().invoke(cli, ["batch", str(CSV), "-o", str(out), "--tz", "UTC", "-q"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `batch` makes of the sample CSV today. With UPDATE_SAMPLES set, samples/out is first replaced by
    one build, and the tests still compare it with another."""
    if os.environ.get("UPDATE_SAMPLES"):
        update = tmp_path_factory.mktemp("update") / "out"
        _batch(update)
        shutil.rmtree(OUT, ignore_errors=True)
        shutil.copytree(update, OUT, ignore=shutil.ignore_patterns(".followup-ics-*"))
    out = tmp_path_factory.mktemp("samples") / "out"
    _batch(out)
    return out


def _calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_committed_samples_are_exactly_what_batch_writes(fresh: Path) -> None:
    """Same file names, same bytes: samples/out is never stale."""
    expected = {path.name: path.read_bytes() for path in sorted(OUT.glob("*.ics"))}
    actual = {path.name: path.read_bytes() for path in sorted(fresh.glob("*.ics"))}
    assert sorted(actual) == sorted(expected)
    for name, data in actual.items():
        assert data == expected[name], f"samples/out/{name} is stale (UPDATE_SAMPLES=1 refreshes it)"


def test_sample_output_covers_what_the_readme_promises(fresh: Path) -> None:
    """Ten or more interviews, every status, two rounds at one company, a comma and non-ASCII in names,
    an offer deadline, southern hemisphere and half-hour zones: as batch reads and plans the CSV."""
    _, rows = read_rows(CSV)
    records = list(rows)
    assert all(isinstance(row, Row) for row in records), [r for r in records if not isinstance(r, Row)]
    raws = [row.raw for row in records if isinstance(row, Row)]
    singles = sorted(path for path in fresh.glob("*.ics") if path.name != "all.ics")
    assert len(raws) >= 10 and len(singles) == len(raws)
    assert {parse_status(raw.status) for raw in raws} == set(Status)
    names = [str(_calendar(path)["X-WR-CALNAME"]) for path in singles]
    companies = [raw.company for raw in raws]
    assert len(set(companies)) < len(companies), "two rounds at one company"
    assert any("," in name for name in names) and any(not name.isascii() for name in names)
    steps = {str(event.uid).split(".")[1].split("@")[0] for path in singles for event in _calendar(path).events}
    assert {"competing-offer", "keep-in-touch"} <= steps, "an offer deadline and a rejection"
    zones = {str(zone.tz_name) for path in singles for zone in _calendar(path).timezones}
    assert {"Australia/Sydney", "Asia/Kolkata"} <= zones, "southern hemisphere and half-hour offset"


def test_every_sample_reads_the_same_in_every_parser(fresh: Path) -> None:
    """Each file batch writes passes the byte checks and the parsers agree on every instant."""
    for path in sorted(fresh.glob("*.ics")):
        assert_parsers_agree(path.read_bytes())


def test_combined_feed_holds_every_interview_event_once(fresh: Path) -> None:
    """all.ics is the union of the per-interview files and the search's keep-searching stream, with one
    VTIMEZONE per zone and unique UIDs."""
    singles = [path for path in fresh.glob("*.ics") if path.name != "all.ics"]
    combined = _calendar(fresh / "all.ics")
    uids = [str(event.uid) for event in combined.events]
    stream = [uid for uid in uids if uid.startswith("search.keep-searching-")]
    expected = [str(event.uid) for path in singles for event in _calendar(path).events]
    assert len(uids) == len(set(uids)) and sorted(uids) == sorted(expected + stream)
    assert stream and not any("keep-searching" in uid for uid in expected)
    tzids = [str(zone.tz_name) for zone in combined.timezones]
    assert len(tzids) == len(set(tzids))
    assert set(tzids) >= {str(zone.tz_name) for path in singles for zone in _calendar(path).timezones}
