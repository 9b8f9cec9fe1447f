"""Bad rows: validated before anything is rendered, and listed as the first 20 and a count of the rest,
the same way in batch, export-site and serve (its log and page); --all-errors lists them all."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import STAMP

from followup_ics.app.config import Request
from followup_ics.cli import cli
from followup_ics.core.errors import first_errors
from followup_ics.edges.feeds import FeedError, build_site, load_state
from followup_ics.edges.web import FeedApp

HEADER = "company,date,timezone,status\r\n"


def roster(good: int, bad: int) -> str:
    """``good`` valid rows, then ``bad`` rows with an unreadable date (rows good+2 ... good+bad+1)."""
    rows = [f"Good {n},2026-12-01 {8 + n % 10:02d}:00,UTC,pending\r\n" for n in range(good)]
    rows += [f"Bad {n},someday,UTC,pending\r\n" for n in range(bad)]
    return HEADER + "".join(rows)


def write_csv(path: Path, text: str) -> Path:
    temp = path.with_suffix(".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return path


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "column 'date'" in line]


@pytest.mark.parametrize(
    ("count", "rows", "limit", "expected"),
    [
        (3, 10, 3, ["e1", "e2", "e3"]),  # exactly the limit: nothing to count
        (2, 10, 3, ["e1", "e2"]),  # under it
        (0, 10, 3, []),
        (4, 10, 3, ["e1", "e2", "e3", "... and 1 more bad row (4 of the 10 rows); --all-errors lists them all"]),
        # thousands separators: the line is read at a glance
        (10_000, 100_000, 2, ["e1", "e2", "... and 9,998 more bad rows (10,000 of the 100,000 rows); "
                                          "--all-errors lists them all"]),
        (5, None, 3, ["e1", "e2", "e3", "... and 2 more bad rows; --all-errors lists them all"]),  # rows unknown
        (5, 10, None, ["e1", "e2", "e3", "e4", "e5"]),  # None: every line
    ],
)
def test_first_errors_shows_the_first_and_counts_the_rest(count: int, rows: int | None, limit: int | None,
                                                         expected: list[str]) -> None:
    """The first ``limit`` lines, then one line with how many more and of how many rows."""
    lines = [f"e{n}" for n in range(1, count + 1)]
    assert first_errors(lines, rows, limit=limit) == expected


def run(tmp_path: Path, command: str, text: str, *args: str) -> Result:
    source = write_csv(tmp_path / "interviews.csv", text)
    out = ["-o", str(tmp_path / "out")] if command == "batch" else [str(tmp_path / "site")]
    return CliRunner().invoke(cli, [command, str(source), *out, "--tz", "UTC", *args])


@pytest.mark.parametrize("command", ["batch", "export-site"])
def test_the_first_20_bad_rows_are_listed_then_a_count(tmp_path: Path, command: str) -> None:
    """25 bad rows of 30: rows 7 to 26 listed in order, then '... and 5 more bad rows (25 of the 30 rows)'."""
    result = run(tmp_path, command, roster(5, 25))
    assert result.exit_code == 1, result.output
    listed = error_lines(result.stderr)
    assert [line.split("interviews.csv:")[1].split(":")[0] for line in listed] == [str(n) for n in range(7, 27)]
    assert "... and 5 more bad rows (25 of the 30 rows); --all-errors lists them all" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["batch", "export-site"])
def test_all_errors_lists_every_bad_row(tmp_path: Path, command: str) -> None:
    """--all-errors: every one of the 25 bad rows, no count line."""
    result = run(tmp_path, command, roster(5, 25), "--all-errors")
    assert result.exit_code == 1
    assert len(error_lines(result.stderr)) == 25 and "more bad row" not in result.stderr


def test_skipped_rows_are_listed_the_same_way(tmp_path: Path) -> None:
    """batch --skip-invalid writes the 5 good rows and counts the skipped ones past the first 20."""
    result = run(tmp_path, "batch", roster(5, 22), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert len(error_lines(result.stderr)) == 20
    assert "... and 2 more skipped rows (22 of the 27 rows)" in result.stderr and "22 skipped" in result.stderr


def test_a_bad_row_means_nothing_is_planned_worded_or_rendered(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation comes first: with one bad row among 30 no row is worded or rendered, in batch or the
    feeds (serve and export-site build through build_site); --skip-invalid renders the good rows only."""
    import followup_ics.app.roster as roster_module
    import followup_ics.edges.batch as batch_module
    from followup_ics.ical import writer

    worded: list[str] = []
    rendered: list[str] = []
    real_word, real_draft, real_text = roster_module.word_plan, batch_module.draft, writer.calendar_text
    monkeypatch.setattr(roster_module, "word_plan", lambda plan, *a, **k: (worded.append("w"),
                                                                           real_word(plan, *a, **k))[1])
    monkeypatch.setattr(batch_module, "draft", lambda schedules, **k: (
        rendered.extend(s.interview.company for s in schedules), real_draft(schedules, **k))[1])
    monkeypatch.setattr(writer, "calendar_text", lambda schedules, **k: (
        rendered.extend(s.interview.company for s in schedules), real_text(schedules, **k))[1])
    text = roster(29, 1)
    assert run(tmp_path, "batch", text).exit_code == 1
    with pytest.raises(FeedError):
        build_site(text.encode(), "interviews.csv", Request(zone="UTC", now=STAMP), load_state(tmp_path / "s"),
                   tmp_path / "s")
    assert worded == [] and rendered == []
    assert run(tmp_path, "batch", text, "--skip-invalid").exit_code == 0
    # once per good row (drafted once; its text comes from calendar_text once); the bad one never reaches either
    assert sorted(set(rendered) - {"Job search"}) == sorted(f"Good {n}" for n in range(29))


def test_serve_lists_the_first_20_bad_rows_in_its_log_and_on_its_page(tmp_path: Path) -> None:
    """A CSV turned bad under a running server: the log and the page show 20 rows and the count."""
    source = write_csv(tmp_path / "interviews.csv", roster(3, 0))
    log = io.StringIO()
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state", settle=0, log=log)
    try:
        write_csv(source, roster(3, 30))
        time.sleep(0.01)  # a new mtime
        assert app.refresh() is False
        assert app.problem is not None and len(error_lines(app.problem)) == 20
        assert app.problem.endswith("... and 10 more bad rows (30 of the 33 rows); --all-errors lists them all")
        assert len(error_lines(log.getvalue())) == 20 and "... and 10 more bad rows" in log.getvalue()
        seen: list[str] = []
        page = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": f"/{app.token}/", "HTTP_HOST": "x"},
                            lambda status, headers: seen.append(status))).decode()
        assert seen == ["200 OK"] and page.count("column &#x27;date&#x27;") == 20
        assert "... and 10 more bad rows (30 of the 33 rows)" in page
    finally:
        app.close()


def test_serve_with_all_errors_logs_every_bad_row(tmp_path: Path) -> None:
    """all_errors (serve --all-errors): all 30 bad rows in the log."""
    source = write_csv(tmp_path / "interviews.csv", roster(3, 0))
    log = io.StringIO()
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state", settle=0, log=log,
                  all_errors=True)
    try:
        write_csv(source, roster(3, 30))
        app.refresh()
        assert app.problem is not None and len(error_lines(app.problem)) == 30 and "more bad" not in app.problem
    finally:
        app.close()


def test_serve_refuses_a_bad_csv_at_start_listing_the_first_20(tmp_path: Path) -> None:
    """serve on a CSV with 25 bad rows: exit 1, 20 rows and the count, nothing served."""
    source = write_csv(tmp_path / "interviews.csv", roster(2, 25))
    result = CliRunner().invoke(cli, ["serve", str(source), "--port", "0", "--tz", "UTC",
                                      "--state", str(tmp_path / "state")])
    assert result.exit_code == 1
    assert len(error_lines(result.stderr)) == 20 and "... and 5 more bad rows (25 of the 27 rows)" in result.stderr
