"""Where output may go: `generate -o`, batch's folder and export-site's never write where they must not."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from followup_ics.cli import cli

# --country none: UTC belongs to no country, and the note saying so is not what these tests are about
GENERATE = ["generate", "--company", "Acme", "--date", "2026-12-01 14:00", "--tz", "UTC", "--country", "none"]


def generate(*args: str) -> Result:
    return CliRunner().invoke(cli, [*GENERATE, *args])


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --output: "), result.stderr
    return lines[0]


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path: Path) -> None:
    """-o on a FIFO (as on /dev/null as root) is refused; nothing replaces it."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # A writer at the other end, so that code which wrongly reads the FIFO gets EOF instead of hanging.
    writer = threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True)
    writer.start()
    result = generate("-o", str(fifo))
    release = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer finish if nothing read
    writer.join(5)
    os.close(release)
    assert "is a FIFO, not a file" in one_error_line(result)
    assert fifo.is_fifo()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    """-o on a folder says so in one line."""
    assert "is a directory, not a file" in one_error_line(generate("-o", str(tmp_path)))


def test_a_device_is_refused() -> None:
    """/dev/null is refused as a device. Checked without the CLI: a broken check run as root through
    `generate -o /dev/null` would replace the device with a file, the very bug this guards against."""
    from followup_ics.edges.files import UnsafeOutput, output_file

    with pytest.raises(UnsafeOutput, match="/dev/null is a device, not a file"):
        output_file(Path("/dev/null"))
    assert Path("/dev/null").is_char_device()


def test_a_file_that_is_not_a_calendar_needs_force(tmp_path: Path) -> None:
    """-o interviews.csv does not turn a spreadsheet into a calendar without --force."""
    sheet = tmp_path / "interviews.csv"
    sheet.write_text("company,date\nAcme,2026-12-01 14:00\n", encoding="utf-8")
    assert "is not an iCalendar file; --force replaces it" in one_error_line(generate("-o", str(sheet)))
    assert sheet.read_text(encoding="utf-8").startswith("company,date")
    forced = generate("-o", str(sheet), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert sheet.read_bytes().startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    "existing",
    [
        b"",  # an empty file holds nothing to lose
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",  # a calendar: replaced, as re-generating always did
        b"\xef\xbb\xbf\r\nbegin:vcalendar\r\nEND:VCALENDAR\r\n",  # BOM, blank line, lower case
    ],
)
def test_empty_files_and_calendars_are_replaced_without_force(tmp_path: Path, existing: bytes) -> None:
    """Only a file that holds something other than a calendar needs --force."""
    out = tmp_path / "x.ics"
    out.write_bytes(existing)
    result = generate("-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0")


def test_a_symlink_is_written_through_to_its_file(tmp_path: Path) -> None:
    """-o link.ics updates the file the link names, atomically; the link stays a link."""
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "acme.ics"
    target.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    link = tmp_path / "link.ics"
    link.symlink_to(target)
    result = generate("-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert b"SUMMARY:" in target.read_bytes()
    assert str(target) in result.stderr
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["acme.ics"]  # no temp file left


def test_a_symlink_to_a_non_calendar_is_refused_like_the_file(tmp_path: Path) -> None:
    """The checks apply to the file a link points to."""
    sheet = tmp_path / "data.csv"
    sheet.write_text("a,b\n", encoding="utf-8")
    (tmp_path / "link-to-sheet").symlink_to(sheet)
    assert "not an iCalendar file" in one_error_line(generate("-o", str(tmp_path / "link-to-sheet")))


def test_dash_is_stdout(tmp_path: Path) -> None:
    """-o - writes to stdout and creates no file named '-'."""
    os.chdir(tmp_path)
    result = generate("-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("BEGIN:VCALENDAR")
    assert not (tmp_path / "-").exists()


def batch(tmp_path: Path, out: Path, *args: str) -> Result:
    source = tmp_path / "interviews.csv"
    if not source.exists():
        source.write_text("company,date\nAcme,2026-12-01 14:00\nGlobex,2026-12-02 10:00\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--tz", "UTC", *args])


def test_a_symlink_in_the_batch_folder_never_leads_a_write_outside(tmp_path: Path) -> None:
    """out/acme-2026-12-01.ics -> a file elsewhere: the link is replaced, the file elsewhere is untouched."""
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme-2026-12-01.ics").symlink_to(outside)
    (out / "all.ics").symlink_to(outside)
    result = batch(tmp_path, out)
    assert result.exit_code == 0, result.stderr
    assert outside.read_text(encoding="utf-8") == "keep me\n"
    assert not (out / "acme-2026-12-01.ics").is_symlink()
    assert (out / "acme-2026-12-01.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


@pytest.mark.foreign_ics  # a folder named like a calendar file
def test_a_folder_where_batch_writes_a_file_is_refused_before_any_rename(tmp_path: Path) -> None:
    """out/globex-2026-12-02.ics/ is a folder: one line, and no file of the run is put in place."""
    out = tmp_path / "out"
    (out / "globex-2026-12-02.ics").mkdir(parents=True)
    result = batch(tmp_path, out)
    assert result.exit_code != 0 and "globex-2026-12-02.ics is a directory" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["globex-2026-12-02.ics"]


def test_export_site_never_follows_a_symlinked_token_folder(tmp_path: Path) -> None:
    """site/<token> as a symlink to another folder: refused, nothing written there."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date\nAcme,2026-12-01 14:00\n", encoding="utf-8")
    token = "t" * 24
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / token).symlink_to(elsewhere)
    result = CliRunner().invoke(cli, ["export-site", str(source), str(tmp_path / "site"), "--tz", "UTC",
                                      "--token", token])
    assert result.exit_code != 0 and "is a symlink" in result.stderr, result.stderr
    assert list(elsewhere.iterdir()) == []


def test_export_site_replaces_a_symlinked_feed_without_writing_through_it(tmp_path: Path) -> None:
    """A feed file that is a symlink to a file outside is replaced by the feed; the outside file is kept."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date\nAcme,2026-12-01 14:00\n", encoding="utf-8")
    token = "t" * 24
    folder = tmp_path / "site" / token
    folder.mkdir(parents=True)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    (folder / "all.ics").symlink_to(outside)
    (folder / "index.html").symlink_to(outside)
    result = CliRunner().invoke(cli, ["export-site", str(source), str(tmp_path / "site"), "--tz", "UTC",
                                      "--token", token])
    assert result.exit_code == 0, result.stderr
    assert outside.read_text(encoding="utf-8") == "keep me\n"
    assert not (folder / "all.ics").is_symlink() and not (folder / "index.html").is_symlink()


def test_a_write_removes_what_a_killed_write_left_and_nothing_else(tmp_path: Path) -> None:
    """Temp files of a dead process are removed; a live writer's, another file's and older names stay."""
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    left = {
        f".acme.ics.{dead}.k3j2.tmp": False,  # a killed write of this file: removed
        f".acme.ics.{os.getpid()}.a1b2.tmp": True,  # this very process is writing it: kept
        f".other.ics.{dead}.k3j2.tmp": True,  # another file's leftovers are not this write's business
        ".acme.ics.k3j2.tmp": True,  # named before pids were, and recent: kept (an age decides)
        "acme.ics.tmp": True,  # not a temp name of ours
    }
    for name in left:
        (tmp_path / name).write_text("partial")
    result = generate("-o", str(tmp_path / "acme.ics"))
    assert result.exit_code == 0, result.output
    assert {name for name in left if (tmp_path / name).exists()} == {name for name, kept in left.items() if kept}
    written = [p.name for p in tmp_path.iterdir() if p.name.startswith(".acme.ics.") and p.name not in left]
    assert written == []  # its own temp file became acme.ics
    assert (tmp_path / "acme.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
