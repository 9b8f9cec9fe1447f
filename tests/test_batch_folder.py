"""What batch leaves in its folder across runs: stale files removed (only its own), interrupted runs finished."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from followup_ics.cli import cli

HEADER = "company,date\n"
THREE = HEADER + "Acme,2026-12-01 14:00\nGlobex,2026-12-02 10:00\nInitech,2026-12-03 09:00\n"
TWO_CHANGED = HEADER + "Acme,2026-12-01 15:00\nInitech,2026-12-03 09:00\nUmbrella,2026-12-04 11:00\n"


def batch(folder: Path, content: str, *args: str) -> Result:
    source = folder / "interviews.csv"
    source.write_text(content, encoding="utf-8")
    return CliRunner().invoke(cli, ["batch", str(source), "-o", str(folder / "out"), "--tz", "UTC", *args])


def ics_names(out: Path) -> list[str]:
    return sorted(path.name for path in out.glob("*.ics"))


@pytest.mark.foreign_ics  # plants files that batch did not write
def test_a_removed_row_loses_its_file_and_the_user_keeps_theirs(tmp_path: Path) -> None:
    """Files batch wrote and no longer makes are removed; a file it never wrote stays, whatever its name."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-own.ics").write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:me\r\nEND:VCALENDAR\r\n")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert batch(tmp_path, THREE).exit_code == 0
    again = batch(tmp_path, TWO_CHANGED)
    assert again.exit_code == 0, again.stderr
    assert ics_names(out) == ["acme-2026-12-01.ics", "all.ics", "initech-2026-12-03.ics", "my-own.ics",
                              "umbrella-2026-12-04.ics"]
    assert (out / "notes.txt").exists() and "1 removed" in again.stderr


@pytest.mark.foreign_ics  # plants files that batch did not write
def test_files_present_before_the_first_run_are_never_removed(tmp_path: Path) -> None:
    """A folder with .ics files from before (no manifest): nothing of them is removed, even on later runs."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "globex-2026-12-02.ics").write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:me\r\nEND:VCALENDAR\r\n")
    (out / "older.ics").write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:me\r\nEND:VCALENDAR\r\n")
    assert batch(tmp_path, HEADER + "Acme,2026-12-01 14:00\n").exit_code == 0
    assert batch(tmp_path, HEADER + "Acme,2026-12-01 14:00\n").exit_code == 0
    assert ics_names(out) == ["acme-2026-12-01.ics", "all.ics", "globex-2026-12-02.ics", "older.ics"]


def test_a_run_that_skips_rows_removes_nothing_and_a_later_full_run_does(tmp_path: Path) -> None:
    """--skip-invalid cannot know which file the bad row made: nothing removed until a run without skips."""
    out = tmp_path / "out"
    assert batch(tmp_path, THREE).exit_code == 0
    skipped = batch(tmp_path, HEADER + "Acme,2026-12-01 14:00\nGlobex,someday\n", "--skip-invalid")
    assert skipped.exit_code == 0 and "removed" not in skipped.stderr
    assert "globex-2026-12-02.ics" in ics_names(out) and "initech-2026-12-03.ics" in ics_names(out)
    full = batch(tmp_path, HEADER + "Acme,2026-12-01 14:00\n")
    assert full.exit_code == 0 and "2 removed" in full.stderr
    assert ics_names(out) == ["acme-2026-12-01.ics", "all.ics"]


@pytest.mark.foreign_ics  # plants files that batch did not write
def test_an_edited_manifest_cannot_remove_anything_outside_or_not_a_calendar(tmp_path: Path) -> None:
    """Names with a path, or not .ics, in the manifest are ignored: the folder's own .ics files only."""
    out = tmp_path / "out"
    assert batch(tmp_path, THREE).exit_code == 0
    (tmp_path / "outside.ics").write_text("x", encoding="utf-8")
    (out / "keep.txt").write_text("x", encoding="utf-8")
    manifest = out / ".followup-ics-manifest"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "../outside.ics\nkeep.txt\n/etc/hostname\n",
                        encoding="utf-8")
    assert batch(tmp_path, HEADER + "Acme,2026-12-01 14:00\n").exit_code == 0
    assert (tmp_path / "outside.ics").exists() and (out / "keep.txt").exists()
    assert ics_names(out) == ["acme-2026-12-01.ics", "all.ics"]


KILL_AFTER_RENAMES = """
import os, signal, sys
from followup_ics.edges import folder
real, count = os.replace, [0]
def replace(src, dst):
    if str(dst).endswith(".ics") and count[0] == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)  # killed mid-rename, as by the OOM killer or a power cut
    count[0] += str(dst).endswith(".ics")
    real(src, dst)
folder.os.replace = replace
from followup_ics.cli import cli
cli(sys.argv[2:])
"""


@pytest.mark.parametrize("after", [0, 1, 2, 3])
def test_a_batch_killed_while_renaming_is_finished_by_the_next_run(tmp_path: Path, after: int) -> None:
    """Killed after N renames: the next run, even one that writes nothing itself, first completes the
    interrupted one and says so; the folder then equals an uninterrupted run; no staging is left."""
    reference = tmp_path / "reference"
    reference.mkdir()
    assert batch(reference, THREE).exit_code == 0 and batch(reference, TWO_CHANGED).exit_code == 0
    work = tmp_path / "work"
    work.mkdir()
    assert batch(work, THREE).exit_code == 0
    (work / "interviews.csv").write_text(TWO_CHANGED, encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_RENAMES, str(after), "batch", str(work / "interviews.csv"),
         "-o", str(work / "out"), "--tz", "UTC", "-q"], capture_output=True, timeout=60, check=False)
    assert killed.returncode == -9, killed.stderr
    bad_run = batch(work, HEADER + "Acme,never\n")  # refused as a whole: writes nothing of its own
    assert bad_run.exit_code == 1 and "nothing was written" in bad_run.stderr
    assert "note: an earlier batch into" in bad_run.stderr and "finished it first" in bad_run.stderr
    out, expected = work / "out", reference / "out"
    assert ics_names(out) == ics_names(expected)
    _, mismatch, errors = filecmp.cmpfiles(out, expected, ics_names(out), shallow=False)
    assert mismatch == [] and errors == []
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".followup-ics-manifest"]
    clean = batch(work, TWO_CHANGED)
    assert clean.exit_code == 0 and "earlier batch" not in clean.stderr
