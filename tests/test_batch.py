"""`followup-ics batch`: good and hostile CSVs, atomic writing, the combined feed."""

from __future__ import annotations

import os
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner, Result
from icscheck import assert_parsers_agree
from support import STAMP

from followup_ics.app.config import Request
from followup_ics.app.roster import RowError
from followup_ics.cli import cli
from followup_ics.edges.batch import run_batch
from followup_ics.ical.reference import build_calendar

HEADER = "company,date,timezone,status\r\n"
GOOD = HEADER + "Acme Corp,2026-12-01 14:00,America/New_York,pending\r\nGlobex,2026-12-02 10:00,Europe/Paris,\r\n"


def batch(tmp_path: Path, content: str | bytes, *args: str) -> tuple[Result, Path]:
    source = tmp_path / "interviews.csv"
    source.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--tz", "UTC", *args])
    return result, out


def names(out: Path) -> list[str]:
    """The files a user sees: batch's own bookkeeping (.followup-ics-*) is hidden."""
    return sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) if out.exists() else []


def uids(data: bytes) -> list[str]:
    return [str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_good_csv_writes_one_file_per_interview_and_all_ics(tmp_path: Path) -> None:
    """Each interview gets its own file; all.ics holds every event once, one VTIMEZONE per zone."""
    result, out = batch(tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert names(out) == ["acme-corp-2026-12-01.ics", "all.ics", "globex-2026-12-02.ics"]
    combined = (out / "all.ics").read_bytes()
    assert_parsers_agree(combined)
    single = [(out / n).read_bytes() for n in ("acme-corp-2026-12-01.ics", "globex-2026-12-02.ics")]
    stream = [uid for uid in uids(combined) if uid.startswith("search.keep-searching-")]
    assert uids(combined) == uids(single[0]) + uids(single[1]) + stream
    assert len(stream) == 4 and not any("keep-searching" in uid for uid in uids(single[0]) + uids(single[1]))
    assert len(set(uids(combined))) == 20
    assert combined.count(b"BEGIN:VTIMEZONE") == 2  # New York and Paris; the stream is in --tz UTC
    assert "2 interviews, 20 events, 3 files" in result.stderr


def test_combined_feed_is_byte_identical_to_one_icalendar_calendar(tmp_path: Path) -> None:
    """all.ics, assembled from each interview's bytes, equals icalendar serialising everything at once."""
    from followup_ics.app.roster import Roster
    from followup_ics.edges.spreadsheet import read_rows

    source = Path(__file__).parents[1] / "samples" / "interviews.csv"
    request = Request(zone="America/New_York", now=STAMP)
    run_batch(source, tmp_path, request)
    roster = Roster(lambda: read_rows(source)[1], request)
    schedules = [result[1] for result in roster.schedules() if not isinstance(result, RowError)]
    (stream,) = roster.streams()
    expected = build_calendar([*schedules, stream], stamp=STAMP, name="Interview follow-ups").to_ical()
    assert (tmp_path / "all.ics").read_bytes() == expected


# The caller's first threshold -> the one a batch runs with (the others are left alone)
COLLECTOR_THRESHOLDS = [
    (700, 20_000),  # Python's default: raised (cli.fewer_collections)
    (40_000, 40_000),  # a larger one of whoever runs us: kept
    (0, 0),  # automatic collection turned off by whoever runs us: left off
]


@pytest.mark.parametrize(("threshold", "during"), COLLECTOR_THRESHOLDS)
def test_the_collector_runs_less_often_during_a_batch_then_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int, during: int) -> None:
    """The batch command raises the cyclic collector's first threshold while the batch runs, and puts it back
    after, even when the run fails."""
    import gc

    import followup_ics.edges.batch as batch_module

    seen: list[tuple[int, int, int]] = []

    def run_batch_watched(*args: object, **options: object) -> object:
        seen.append(gc.get_threshold())
        return run_batch(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "run_batch", run_batch_watched)
    before = gc.get_threshold()
    try:
        gc.set_threshold(threshold, 10, 10)
        result, _ = batch(tmp_path, GOOD)
        assert result.exit_code == 0, result.output
        assert seen == [(during, 10, 10)] and gc.get_threshold() == (threshold, 10, 10)
        result, _ = batch(tmp_path, HEADER)  # no rows: the run fails
        assert result.exit_code != 0 and "no interviews" in result.output, result.output
        assert seen[1:] == [(during, 10, 10)] and gc.get_threshold() == (threshold, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_parallel_run_writes_the_same_bytes_as_a_serial_run(tmp_path: Path) -> None:
    """Worker processes change nothing in the output, only the speed."""
    lines = [HEADER] + [f"Company {i},2026-12-{1 + i % 28:02d} 1{i % 8}:00,Europe/Paris,\r\n" for i in range(300)]
    content = "".join(lines)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    serial, out_serial = batch(tmp_path / "a", content, "--jobs", "1")
    parallel, out_parallel = batch(tmp_path / "b", content, "--jobs", "2")
    assert serial.exit_code == parallel.exit_code == 0
    assert names(out_serial) == names(out_parallel) and len(names(out_serial)) == 301
    for name in names(out_serial):
        assert (out_serial / name).read_bytes() == (out_parallel / name).read_bytes()


def test_spreadsheet_export_with_bom_semicolons_crlf_and_quoted_newlines(tmp_path: Path) -> None:
    """Excel's 'CSV UTF-8' with ; as delimiter, header aliases and multi-line quoted cells just work."""
    content = ("\ufeffCompany Name;Interview Date;Time Zone;Notes\r\n"
               'Müller, Söhne & Co;2026-12-01 14:00;Europe/Berlin;"Line one;\r\nline two, with comma"\r\n')
    result, out = batch(tmp_path, content.encode("utf-8"))
    assert result.exit_code == 0, result.output
    data = (out / "muller-sohne-co-2026-12-01.ics").read_bytes()
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert "Müller, Söhne & Co" in str(event["SUMMARY"])
    assert "Notes: Line one;\nline two, with comma" in str(event["DESCRIPTION"])


def test_unknown_columns_are_reported_once_and_ignored(tmp_path: Path) -> None:
    """A column we do not know is named once on stderr; the run succeeds."""
    content = "company,date,Salary,Source\r\nA,2026-12-01 14:00,100k,LinkedIn\r\nB,2026-12-01 15:00,90k,Referral\r\n"
    result, _ = batch(tmp_path, content)
    assert result.exit_code == 0
    assert result.stderr.count("ignoring unknown column(s) 'Salary', 'Source'") == 1


def test_statuses_and_deadlines_drive_the_plan(tmp_path: Path) -> None:
    """A rejection adds keep-in-touch, an offer deadline adds the competing-offer step."""
    content = ("company,date,status,outcome_date,offer_deadline\r\n"
               "A,2026-12-01 14:00,rejected,2026-12-10,\r\nB,2026-12-01 14:00,,,2026-12-05\r\n")
    result, out = batch(tmp_path, content)
    assert result.exit_code == 0, result.output
    combined = uids((out / "all.ics").read_bytes())
    assert "a-2026-12-01.keep-in-touch@followup-ics" in combined
    assert "a-2026-12-01.status-check-2@followup-ics" not in combined
    assert "b-2026-12-01.competing-offer@followup-ics" in combined


def test_two_rounds_at_one_company_never_overwrite_each_other(tmp_path: Path) -> None:
    """Same company and day: distinct files and UIDs; the same row always maps to the same file."""
    content = HEADER + "Acme,2026-12-01 09:00,UTC,\r\nAcme,2026-12-01 15:00,UTC,\r\nAcme,2026-12-08 10:00,UTC,\r\n"
    result, out = batch(tmp_path, content)
    assert result.exit_code == 0, result.output
    assert names(out) == ["acme-2026-12-01-1500.ics", "acme-2026-12-01.ics", "acme-2026-12-08.ics", "all.ics"]
    all_uids = uids((out / "all.ics").read_bytes())
    assert len(all_uids) == len(set(all_uids))
    again, _ = batch(tmp_path, content)
    assert again.exit_code == 0 and names(out)[0] == "acme-2026-12-01-1500.ics"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        ("company,when_i_applied\r\nA,2026-01-01\r\n", "missing required column 'date'"),
        (HEADER, "no interviews below the header row"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not UTF-8 text"),
    ],
)
def test_unusable_files_fail_with_one_line(tmp_path: Path, content: str | bytes, message: str) -> None:
    """Empty, header-only, column-less or binary files: one line, non-zero exit, nothing written."""
    result, out = batch(tmp_path, content)
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
    assert names(out) == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Acme,someday,UTC,", "interviews.csv:2: column 'date': cannot read this date"),
        ("Acme,2026-12-01 14:00,Mars/Base,", "interviews.csv:2: column 'timezone': unknown time zone"),
        ("Acme,2026-12-01 14:00,UTC,ghosted", "interviews.csv:2: column 'status': unknown status"),
        ("Acme,2026-12-01 14:00,UTC,pending,extra", "interviews.csv:2: has 5 fields but the header has 4"),
        # A row with fewer cells than the header is read with empty cells: tests/test_csv_input.py
        (",2026-12-01 14:00,UTC,", "interviews.csv:2: column 'company': must not be empty"),
        ("Acme\x00\x01,2026-12-01 14:00,UTC,", "interviews.csv:2: column 'company': contains control characters"),
        ("Acme," + "x" * 1_000_000 + ",UTC,", "interviews.csv:2: column 'date': longer than 10000 characters"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(tmp_path: Path, row: str, expected: str) -> None:
    """A bad row names file:row, the column and the value; exit code 1; no file is written."""
    result, out = batch(tmp_path, HEADER + "Good,2026-12-01 10:00,UTC,\r\n" + row.replace("2:", "3:") + "\r\n")
    assert result.exit_code == 1, result.output
    assert expected.replace(":2:", ":3:") in result.stderr, result.stderr
    assert "nothing was written" in result.stderr
    assert names(out) == []


def test_every_bad_row_is_listed_and_skip_invalid_writes_the_rest(tmp_path: Path) -> None:
    """All errors are listed, not only the first; --skip-invalid writes the good rows."""
    content = HEADER + "A,bad,UTC,\r\nB,2026-12-01 14:00,UTC,\r\nC,2026-12-01 14:00,Nowhere/Zone,\r\n" \
        "B,2026-12-01 14:00,UTC,\r\n"
    result, out = batch(tmp_path, content)
    assert result.exit_code == 1
    for fragment in ("interviews.csv:2: column 'date'", "interviews.csv:4: column 'timezone'",
                     "interviews.csv:5: repeats row 3 exactly", "3 invalid rows"):
        assert fragment in result.stderr
    result, out = batch(tmp_path, content, "--skip-invalid")
    assert result.exit_code == 0
    assert names(out) == ["all.ics", "b-2026-12-01.ics"] and "3 skipped" in result.stderr


def test_injected_icalendar_lines_stay_text(tmp_path: Path) -> None:
    """A company name carrying CRLF and BEGIN:VEVENT cannot add an event or a property."""
    content = HEADER + '"ACME\r\nBEGIN:VEVENT\r\nUID:evil",2026-12-01 14:00,UTC,\r\n'
    result, out = batch(tmp_path, content)
    assert result.exit_code == 0, result.output
    data = (out / "all.ics").read_bytes()
    assert_parsers_agree(data)
    assert data.count(b"\r\nBEGIN:VEVENT\r\n") == 12 and b"\r\nUID:evil" not in data


def test_path_traversal_in_a_name_stays_inside_the_output_folder(tmp_path: Path) -> None:
    """'../../x' and similar names become safe file names inside -o."""
    hostile = ("../../x", "/etc/passwd", ".hidden")
    content = HEADER + "".join(f"{name},2026-12-01 14:00,UTC,\r\n" for name in hostile)
    result, out = batch(tmp_path, content)
    assert result.exit_code == 0, result.output
    assert names(out) == ["all.ics", "etc-passwd-2026-12-01.ics", "hidden-2026-12-01.ics", "x-2026-12-01.ics"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interviews.csv", "out"]


def test_a_failure_half_way_leaves_earlier_output_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If writing breaks mid-run, earlier files stay whole and no partial or temp file remains."""
    result, out = batch(tmp_path, GOOD)
    assert result.exit_code == 0
    before = {name: (out / name).read_bytes() for name in names(out)}
    real_replace = os.replace
    calls = []

    def failing_replace(src: str | Path, dst: str | Path, **folders: int) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst, **folders)

    monkeypatch.setattr(os, "replace", failing_replace)
    changed = GOOD.replace("14:00,America/New_York,pending", "14:00,America/New_York,rejected")
    result, out = batch(tmp_path, changed)
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert "the next run finishes putting the files in place" in result.stderr
    assert names(out) == sorted(before)
    for name, data in before.items():
        current = (out / name).read_bytes()
        assert current.endswith(b"END:VCALENDAR\r\n")
        assert name == "acme-corp-2026-12-01.ics" or current == data
    monkeypatch.setattr(os, "replace", real_replace)
    repaired = CliRunner().invoke(cli, ["batch", str(tmp_path / "interviews.csv"), "-o", str(out), "--tz", "UTC"])
    assert repaired.exit_code == 0 and "finished it first (" in repaired.stderr, repaired.stderr
    # what batch keeps beside its output: its manifest, and the day the undated rejection was first seen
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".followup-ics-manifest",
                                                                              ".followup-ics-seen.json"]


def test_rerun_with_a_changed_row_raises_sequence_only_there(tmp_path: Path) -> None:
    """Running again after moving one interview bumps SEQUENCE in its events only."""
    batch(tmp_path, GOOD)
    result, out = batch(tmp_path, GOOD.replace("2026-12-02 10:00", "2026-12-02 11:00"))
    assert result.exit_code == 0, result.output
    paris = icalendar.Calendar.from_ical((out / "globex-2026-12-02.ics").read_bytes())
    acme = icalendar.Calendar.from_ical((out / "acme-corp-2026-12-01.ics").read_bytes())
    assert {int(e["SEQUENCE"]) for e in acme.walk("VEVENT")} == {0}
    assert {int(e["SEQUENCE"]) for e in paris.walk("VEVENT")} == {1}


def test_missing_csv_file_is_a_one_line_error(tmp_path: Path) -> None:
    """A CSV path that does not exist is reported in one line with exit code 2."""
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "cannot read the file" in result.stderr


@pytest.mark.parametrize(
    ("content", "noted"),
    [
        ("company,date\r\nAcme,2026-12-01 14:00\r\n", True),
        ("company,date,timezone\r\nAcme,2026-12-01 14:00,Asia/Tokyo\r\n", False),
    ],
    ids=["row-without-zone", "every-row-has-a-zone"],
)
def test_default_zone_is_said_only_when_a_row_uses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      content: str, noted: bool) -> None:
    """Without --tz, the zone taken from the machine is named on stderr only if some row relies on it."""
    monkeypatch.setenv("TZ", "Europe/Oslo")
    source = tmp_path / "interviews.csv"
    source.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert ("1 row(s) without a timezone use Europe/Oslo" in result.stderr) is noted, result.stderr


@pytest.mark.parametrize("extra", [(), ("--no-interview",)])
def test_second_round_on_one_day_is_named_by_its_interview_not_its_first_step(tmp_path: Path,
                                                                                extra: tuple[str, ...]) -> None:
    """Two interviews at one company on one day: the later one's '-HHMM' is its own start, with or without
    the interview event (the first step of a 15:00 interview without its event starts at 17:00)."""
    content = HEADER + "Acme,2026-12-01 10:00,UTC,\r\nAcme,2026-12-01 15:00,UTC,\r\n"
    result, out = batch(tmp_path, content, *extra)
    assert result.exit_code == 0, result.output
    assert names(out) == ["acme-2026-12-01-1500.ics", "acme-2026-12-01.ics", "all.ics"]


def test_leaving_the_interview_event_out_keeps_every_other_uid(tmp_path: Path) -> None:
    """The same CSV with and without the interview event: the same files, and the shared steps keep their UIDs."""
    content = HEADER + "Acme,2026-12-01 10:00,UTC,\r\nAcme,2026-12-01 15:00,UTC,\r\n"
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    _, with_event = batch(tmp_path / "with", content)
    _, without_event = batch(tmp_path / "without", content, "--no-interview")
    assert names(with_event) == names(without_event)
    for name in names(with_event):
        kept = uids((with_event / name).read_bytes())
        assert [uid for uid in kept if ".interview@" not in uid] == uids((without_event / name).read_bytes())


NAMING_TRAPS = ("company,date,timezone,id\r\n"
                "Acme,2026-12-01 09:00,UTC,\r\n"
                "Acme,2026-12-01 15:00,UTC,\r\n"  # same company and day: -1500
                "Acme,2026-12-01 15:00,UTC,\r\n"  # an exact repeat of the row above
                "Acme,2026-12-01 15:00,Europe/Paris,\r\n"  # -1500 is taken too: -1500-2
                "Globex,2026-12-03 10:00,UTC,g1\r\n"
                "Globex,2026-12-10 10:00,UTC,g1\r\n"  # the same id: round two, -2
                "Initech,2026-12-11 10:00,UTC,g1\r\n"  # that id names another company
                "Umbrella,2026-12-12 10:00,UTC,u1\r\n"
                "Acme,2026-12-14 10:00,UTC,acme-2026-12-01\r\n")  # an id that is a stem taken


@pytest.mark.parametrize("spill_after", [1, 2, 5])  # the tables move to disk at once, mid-way, late
def test_names_and_repeats_are_the_same_when_the_naming_tables_spill_to_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spill_after: int) -> None:
    """Large files keep Naming's tables (and the interviews each calendar holds) in a temporary file: every
    stem, every message and every byte stays the same."""
    from followup_ics.app import roster

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    (tmp_path / "memory").mkdir()
    (tmp_path / "spilled").mkdir()
    in_memory, out = batch(tmp_path / "memory", NAMING_TRAPS, "--skip-invalid")
    monkeypatch.setattr(roster, "SPILL_AFTER", spill_after)
    spilled, spilled_out = batch(tmp_path / "spilled", NAMING_TRAPS, "--skip-invalid")
    assert spilled.exit_code == in_memory.exit_code == 0
    assert names(spilled_out) == names(out) == [
        "acme-2026-12-01-1500-2.ics", "acme-2026-12-01-1500.ics", "acme-2026-12-01.ics", "all.ics", "g1-2.ics",
        "g1.ics", "u1.ics"]
    errors = [line.split("/")[-1] for line in spilled.stderr.splitlines() if "interviews.csv:" in line]
    assert errors == [line.split("/")[-1] for line in in_memory.stderr.splitlines() if "interviews.csv:" in line]
    assert any("interviews.csv:4: repeats row 3 exactly" in line for line in errors)
    assert any("interviews.csv:8: column 'id': same id as row 6, which names another company" in line
               for line in errors)
    assert any("interviews.csv:10: column 'id': same id as row 2" in line for line in errors)
    assert (spilled_out / "all.ics").read_bytes() == (out / "all.ics").read_bytes()


def test_the_summary_counts_in_the_singular_and_says_what_a_re_run_left_unchanged(tmp_path: Path) -> None:
    """'1 interview' (not '1 interviews'); an unchanged re-run says its files were left as they were."""
    source = tmp_path / "one.csv"
    source.write_text("company,date,timezone\nAcme,2026-12-01 14:00,Europe/Paris\n", encoding="utf-8")
    first = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")],
                               env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert first.exit_code == 0, first.output
    assert "1 interview, " in first.stderr and "2 files in" in first.stderr and "unchanged" not in first.stderr
    again = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")],
                               env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert again.exit_code == 0, again.output
    assert "2 files (1 unchanged) in" in again.stderr


@pytest.mark.parametrize(
    ("cores", "load", "workers"),
    [
        (2, 0.1, 2),  # a quiet 2-core machine: a pool of two
        (2, 1.2, 1),  # another program holds a core: one process (a pool would lose to --jobs 1)
        (2, 5.0, 1),  # overloaded: never fewer than one
        (8, 2.6, 5),  # rounded to the nearest whole core
        (4, None, 4),  # no load average on this system: every core counts as idle
    ],
)
def test_the_default_jobs_are_the_idle_cores(cores: int, load: float | None, workers: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs by default: the cores this process may use minus the load other programs put on them."""
    from followup_ics.edges import batch as batch_module

    def loadavg() -> tuple[float, float, float]:
        if load is None:
            raise OSError("no load average")
        return (load, load, load)

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", loadavg)
    assert batch_module.idle_cores() == workers


def test_the_summary_puts_thousands_separators_in_every_count() -> None:
    """A 10,000-row run reads '10,000 interviews … (10,001 unchanged) … 1,200 removed, 1,500 skipped', not
    '(10001 unchanged)' beside '10,000 interviews'."""
    from followup_ics.cli.batch import summary
    from followup_ics.edges.batch import BatchReport

    report = BatchReport(interviews=10_000, events=66_316, files=10_001, unchanged=10_001, seconds=3.1,
                         removed=["x.ics"] * 1_200, skipped=[RowError(2, "date", "bad")] * 1_500)
    assert summary(report, Path("out")) == ("10,000 interviews, 66,316 events, 10,001 files (10,001 unchanged) "
                                            "in out, 1,200 removed, 1,500 skipped, 3.10 s")


@pytest.mark.parametrize(("rows", "running"), [
    (300, 2),  # a CSV that may hold 200 rows or more: both workers run before its first row is read
    (3, 0),  # too small to ever use them: no pool is started at all
])
def test_the_workers_are_started_before_the_csv_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        rows: int, running: int) -> None:
    """Forked before the first pass, a worker starts as small as the main process is then, not holding a copy
    of everything the main process learnt from every row."""
    import multiprocessing

    from followup_ics.edges import batch as batch_module

    seen: list[int] = []
    roster = batch_module.Roster

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(len(multiprocessing.active_children()))
        return roster(*args, **kwargs)

    monkeypatch.setattr(batch_module, "Roster", spy)
    source = tmp_path / "interviews.csv"
    source.write_text(HEADER + "".join(f"Company {i},2026-12-{1 + i % 28:02d} 1{i % 8}:00,Europe/Paris,\r\n"
                                       for i in range(rows)), encoding="utf-8")
    report = run_batch(source, tmp_path / "out", Request(zone="UTC", now=STAMP), jobs=2)
    assert seen == [running] and report.interviews == rows
    assert not multiprocessing.active_children()  # and none is left behind


def test_a_folder_not_made_yet_holds_no_calendar_to_read_back(tmp_path: Path) -> None:
    """The pool learns before the output folder exists that no row has a file to replace."""
    from followup_ics.edges.batch import holds_calendars

    assert holds_calendars(tmp_path / "not-yet") is False
    (tmp_path / "made").mkdir()
    assert holds_calendars(tmp_path / "made") is False
    (tmp_path / "made" / "x.ics").write_bytes(b"")  # a name is enough: its bytes are not read
    assert holds_calendars(tmp_path / "made") is True
    (tmp_path / "made" / "x.ics").unlink()  # not a calendar for the conformance check to read


def test_a_row_left_with_no_steps_gets_a_calendar_without_events(tmp_path: Path) -> None:
    """With --no-interview, an application withdrawn on the interview's day leaves nothing to do: its file is a
    calendar without events, as `generate` writes it (this once ended in a traceback from an empty min())."""
    content = HEADER.replace("status", "status,outcome_date") + (
        "Acme Corp,2026-12-01 14:00,UTC,withdrawn,2026-12-01 15:30\r\nGlobex,2026-12-02 10:00,Europe/Paris,,\r\n")
    result, out = batch(tmp_path, content, "--no-interview")
    assert result.exit_code == 0, result.output
    assert names(out) == ["acme-corp-2026-12-01.ics", "all.ics", "globex-2026-12-02.ics"]
    assert uids((out / "acme-corp-2026-12-01.ics").read_bytes()) == []
    combined = (out / "all.ics").read_bytes()
    globex = uids((out / "globex-2026-12-02.ics").read_bytes())
    assert globex and set(globex) <= set(uids(combined)) and not any("acme" in uid for uid in uids(combined))
    assert_parsers_agree(combined)
    again = CliRunner().invoke(cli, ["batch", str(tmp_path / "interviews.csv"), "-o", str(out), "--tz", "UTC",
                                     "--no-interview"])
    assert again.exit_code == 0 and "(2 unchanged)" in again.output, again.output
