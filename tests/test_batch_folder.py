"""What batch leaves in its folder across runs: stale files removed (only its own), interrupted runs finished."""

from __future__ import annotations

import filecmp
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from support import STAMP

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


BAD_NAMES = ["../outside.ics", "keep.txt", "/etc/hostname"]


@pytest.mark.foreign_ics  # plants files that batch did not write
@pytest.mark.parametrize("kind", ["sqlite", "text"])  # text: the names-only manifest of an older version
def test_an_edited_manifest_cannot_remove_anything_outside_or_not_a_calendar(tmp_path: Path, kind: str) -> None:
    """Names with a path, or not .ics, in the manifest are ignored: the folder's own .ics files only."""
    out = tmp_path / "out"
    assert batch(tmp_path, THREE).exit_code == 0
    (tmp_path / "outside.ics").write_text("x", encoding="utf-8")
    (out / "keep.txt").write_text("x", encoding="utf-8")
    manifest = out / ".followup-ics-manifest"
    if kind == "sqlite":
        with sqlite3.connect(manifest) as database:
            database.executemany("INSERT INTO files (name) VALUES (?)", [(name,) for name in BAD_NAMES])
        database.close()
    else:
        manifest.write_text("# older\n" + "".join(f"{name}\n" for name in ics_names(out) + BAD_NAMES),
                            encoding="utf-8")
    assert batch(tmp_path, HEADER + "Acme,2026-12-01 14:00\n").exit_code == 0
    assert (tmp_path / "outside.ics").exists() and (out / "keep.txt").exists()
    assert ics_names(out) == ["acme-2026-12-01.ics", "all.ics"]


KILL_AFTER_RENAMES = """
import os, signal, sys
from followup_ics.edges import folder
real, count = os.replace, [0]
def replace(src, dst, **folders):
    if str(dst).endswith(".ics") and count[0] == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)  # killed mid-rename, as by the OOM killer or a power cut
    count[0] += str(dst).endswith(".ics")
    real(src, dst, **folders)
folder.os.replace = replace
from followup_ics.cli import cli
cli(sys.argv[2:])
"""


@pytest.mark.parametrize("after", [0, 1, 2])  # acme and umbrella change, then all.ics; initech stays in place
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


def interview_files(out: Path) -> dict[str, tuple[bytes, int, int]]:
    """Each interview file's bytes, inode and modification time."""
    return {path.name: (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(out.glob("*.ics")) if path.name != "all.ics"}


def batch_at(folder: Path, content: str, epoch: int, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """Run batch at a given clock; the names of the calendars it read back."""
    from followup_ics.edges import batch as batch_module

    read: list[str] = []
    real = batch_module.read_regular

    def spy(path: Path) -> bytes | None:
        if path.suffix == ".ics":
            read.append(path.name)
        return real(path)

    monkeypatch.setattr(batch_module, "read_regular", spy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = batch(folder, content, *args)
    assert result.exit_code == 0, result.stderr
    return read


def test_an_unchanged_rerun_neither_reads_nor_writes_the_interview_files(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A day later, same rows: every file is left as it was (same inode, time and bytes), none read back."""
    out = tmp_path / "out"
    batch_at(tmp_path, THREE, 1_790_000_000, monkeypatch)
    before = interview_files(out)
    assert batch_at(tmp_path, THREE, 1_790_086_400, monkeypatch) == []
    assert interview_files(out) == before


def older_manifest(out: Path) -> None:
    """Replace the manifest by an older version's: the same names, one a line, nothing known of them."""
    (out / ".followup-ics-manifest").write_text("".join(f"{name}\n" for name in ics_names(out)), encoding="utf-8")


@pytest.mark.parametrize("manifest", ["kept", "older"])  # older: a names-only manifest, so files are read back
def test_a_changed_row_is_stamped_the_same_from_the_manifest_as_from_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifest: str) -> None:
    """Acme moves an hour: its events get SEQUENCE:1 and the new stamp, Initech's keep theirs; the manifest
    gives the very bytes reading the old files back gives, and only the older manifest reads them."""
    reference = tmp_path / "reference"
    reference.mkdir()
    batch_at(reference, THREE, 1_790_000_000, monkeypatch)
    older_manifest(reference / "out")
    assert "acme-2026-12-01.ics" in batch_at(reference, TWO_CHANGED, 1_790_086_400, monkeypatch)
    work = tmp_path / "work"
    work.mkdir()
    batch_at(work, THREE, 1_790_000_000, monkeypatch)
    if manifest == "older":
        older_manifest(work / "out")
    read = batch_at(work, TWO_CHANGED, 1_790_086_400, monkeypatch)
    assert ("acme-2026-12-01.ics" in read) == (manifest == "older")
    acme = (work / "out" / "acme-2026-12-01.ics").read_bytes()
    assert b"SEQUENCE:1\r\n" in acme and b"SEQUENCE:0\r\n" not in acme  # an hour later: every text says so
    names = ics_names(work / "out")
    assert names == ics_names(reference / "out")
    _, mismatch, errors = filecmp.cmpfiles(work / "out", reference / "out", names, shallow=False)
    assert mismatch == [] and errors == []


def test_a_file_changed_since_the_last_run_is_read_back_and_rewritten(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone edited an output file: the manifest no longer vouches for it, so it is read and replaced."""
    out = tmp_path / "out"
    batch_at(tmp_path, THREE, 1_790_000_000, monkeypatch)
    acme = out / "acme-2026-12-01.ics"
    written = acme.read_bytes()
    acme.write_bytes(written.replace(b"SUMMARY:", b"SUMMARY:Edited ", 1))
    assert batch_at(tmp_path, THREE, 1_790_086_400, monkeypatch) == ["acme-2026-12-01.ics"]
    again = acme.read_bytes()
    assert b"Edited" not in again and b"SEQUENCE:1\r\n" in again  # the edited event counts as changed


def test_a_first_run_reads_nothing_back_but_a_calendar_already_there_is_read(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Into a folder without calendars no row has a file to replace, so none is probed; a calendar of that
    name already there (no manifest knows it) is read back."""
    (tmp_path / "fresh").mkdir()
    assert batch_at(tmp_path / "fresh", THREE, 1_790_000_000, monkeypatch) == ["all.ics"]  # its stream, once
    planted = tmp_path / "planted"
    planted.mkdir()
    batch_at(planted, THREE, 1_790_000_000, monkeypatch)
    (planted / "out" / ".followup-ics-manifest").unlink()
    assert sorted(batch_at(planted, THREE, 1_790_086_400, monkeypatch)) == [
        "acme-2026-12-01.ics", "all.ics", "globex-2026-12-02.ics", "initech-2026-12-03.ics"]
    assert interview_files(planted / "out").keys() == interview_files(tmp_path / "fresh" / "out").keys()


def test_staged_files_and_manifest_rows_are_written_whole(tmp_path: Path) -> None:
    """write_new leaves the bytes and reports the status the file has after close; the staged manifest keeps
    every row added, in order, however many it gathers before inserting them; append copies what follows."""
    from followup_ics.edges import files, folder

    descriptor = files.open_folder(tmp_path)
    try:
        found = files.write_new("a", b"x" * 300_000, descriptor)
        files.write_new("a", b"shorter", descriptor)  # emptied first, as Path.write_bytes does
    finally:
        if descriptor is not None:
            os.close(descriptor)
    assert found.st_size == 300_000 and (tmp_path / "a").read_bytes() == b"shorter"
    assert folder.stat_of(files.write_new(tmp_path / "b", b"b")) == folder.stat_of(os.stat(tmp_path / "b"))
    staged = folder.StagedManifest(tmp_path)
    for number in range(600):
        staged.add(f"{number % 550}.ics", folder.Entry(bytes([number % 256]), (number, 1, 2), b""))
    staged.close()
    rows = dict(sqlite3.connect(tmp_path / ".manifest").execute("SELECT name, size FROM files"))
    assert len(rows) == 550 and rows["0.ics"] == 550 and rows["549.ics"] == 549  # a later row replaces one
    (tmp_path / "source").write_bytes(b"y" * 100_000)
    for copy_file_range in ("kept", "refused", "copies nothing"):
        with pytest.MonkeyPatch.context() as patch:
            if copy_file_range == "refused":  # a system or file system without it: read and written instead
                patch.setattr(os, "copy_file_range", refuse, raising=False)
            elif copy_file_range == "copies nothing":  # as some file systems do: then read and written too
                patch.setattr(os, "copy_file_range", lambda *_: 0, raising=False)
            with (tmp_path / "out").open("wb") as out:
                out.write(b"<")
                files.append(out, tmp_path / "source")
                out.write(b">")
        assert (tmp_path / "out").read_bytes() == b"<" + b"y" * 100_000 + b">"


def refuse(*_: object) -> int:
    raise OSError(18, "Invalid cross-device link")


def test_files_listed_by_an_older_manifest_stay_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Versions before kept the digest of each calendar's bytes whole (now it is made from its events'):
    a run over their folder still finds the unchanged files unchanged, neither reads nor writes them."""
    from followup_ics.edges import batch as batch_module
    from followup_ics.ical import writer

    def older(*args: object, **options: object) -> writer.Draft:
        drafted = writer.draft(*args, **options)  # type: ignore[arg-type]
        return drafted._replace(digest=writer.bytes_digest(drafted))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch_module, "draft", older)
        batch_at(tmp_path, THREE, 1_790_000_000, monkeypatch)
    before = interview_files(tmp_path / "out")
    assert batch_at(tmp_path, THREE, 1_790_086_400, monkeypatch) == []
    assert interview_files(tmp_path / "out") == before


@settings(max_examples=60, deadline=None)
@given(uids=st.lists(st.text(min_size=1, max_size=90), max_size=12, unique=True),
       seconds=st.integers(0, 4_000_000_000))
def test_events_all_new_are_packed_as_their_revisions_would_be(uids: list[str], seconds: int) -> None:
    """pack_new (a first run's every file) gives the bytes pack_events gives each event's Kept(digest, 0, stamp),
    and they unpack to those revisions."""
    from datetime import UTC, datetime

    from followup_ics.edges import folder
    from followup_ics.ical import writer

    stamp = datetime.fromtimestamp(seconds, UTC)
    digests = tuple(writer._digest(uid.encode("utf-8")) for uid in uids)
    kept = tuple(writer.Kept(digest, 0, stamp) for digest in digests)
    packed = folder.pack_new(tuple(uids), digests, stamp)
    assert packed == folder.pack_events(tuple(uids), kept)
    assert folder.unpack_events(packed) == dict(zip(uids, kept, strict=True))


def test_an_output_folder_that_cannot_be_read_still_gets_its_files(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder we may write and search but not list or open (mode 0300) has its files renamed in by path, as
    before they were renamed relative to descriptors of both folders (root ignores the mode: the refusal is
    simulated where the folder is opened)."""
    from followup_ics.edges import files, folder

    out = tmp_path / "out"
    out.mkdir()
    opened = files.open_folder

    def refuse(path: Path) -> int | None:
        if Path(path) == out:
            raise PermissionError(13, "Permission denied", str(path))
        return opened(path)

    monkeypatch.setattr(folder, "open_folder", refuse)
    result = batch(tmp_path, THREE)
    assert result.exit_code == 0, result.output
    assert ics_names(out) == ["acme-2026-12-01.ics", "all.ics", "globex-2026-12-02.ics", "initech-2026-12-03.ics"]


def test_a_worker_leaves_ctrl_c_to_the_main_process() -> None:
    """Ctrl-C reaches every process of the run: the main process stops it and ends the pool, the workers
    (started before the CSV is read) print no traceback of their own."""
    import signal

    from followup_ics.app.config import Request
    from followup_ics.edges.batch import _init_worker

    before = signal.getsignal(signal.SIGINT)
    try:
        _init_worker(Request(zone="UTC", now=STAMP), Path("nowhere"), False)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def dot_names(out: Path) -> list[str]:
    return sorted(path.name for path in out.iterdir() if path.name.startswith("."))


def test_a_new_folder_is_put_in_place_whole_with_the_mode_a_new_folder_gets(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that did not exist is staged and put in place by renaming the staging folder (no file is
    renamed on its own): the same files, manifest and seen file as into an existing empty folder, nothing
    left beside it, and the permissions the umask gives a new folder; the next run renames its changed files
    as before."""
    from followup_ics.edges import folder

    renamed: list[str] = []
    real = os.replace

    def spy(src: object, dst: object, **folders: object) -> None:
        renamed.append(str(dst))
        real(src, dst, **folders)  # type: ignore[arg-type]

    reference = tmp_path / "reference"
    (reference / "out").mkdir(parents=True)  # an existing folder keeps renaming each file
    assert batch(reference, WITH_REJECTION).exit_code == 0
    work = tmp_path / "work"
    work.mkdir()
    umask = os.umask(0o027)
    # monkeypatch.context, not monkeypatch.undo: undo would also drop the fixed clock, and the second runs
    # below would stamp whatever second they happen to start in.
    try:
        with monkeypatch.context() as patched:
            patched.setattr(folder.os, "replace", spy)
            assert batch(work, WITH_REJECTION).exit_code == 0
        (tmp_path / "made").mkdir()
    finally:
        os.umask(umask)
    out, expected = work / "out", reference / "out"
    assert not any(name.endswith(".ics") for name in renamed)
    assert ics_names(out) == ics_names(expected)
    assert dot_names(out) == dot_names(expected) == [".followup-ics-manifest", ".followup-ics-seen.json"]
    _, mismatch, errors = filecmp.cmpfiles(out, expected, [*ics_names(out), ".followup-ics-seen.json"], shallow=False)
    assert mismatch == [] and errors == []
    assert sorted(path.name for path in work.iterdir()) == ["interviews.csv", "out"]
    assert out.stat().st_mode == (tmp_path / "made").stat().st_mode
    assert batch(work, TWO_CHANGED).exit_code == 0 and batch(reference, TWO_CHANGED).exit_code == 0
    _, mismatch, errors = filecmp.cmpfiles(out, expected, ics_names(expected), shallow=False)
    assert ics_names(out) == ics_names(expected) and mismatch == [] and errors == []


WITH_REJECTION = "company,date,status\nAcme,2026-12-01 14:00,rejected\nGlobex,2026-12-02 10:00,pending\n"


def test_an_existing_empty_folder_is_kept_and_filled(tmp_path: Path) -> None:
    """A folder that was there before the run stays that very folder (a shell may stand in it): its files
    are renamed into it one by one."""
    out = tmp_path / "out"
    out.mkdir()
    before = out.stat().st_ino
    assert batch(tmp_path, THREE).exit_code == 0
    assert out.stat().st_ino == before and len(ics_names(out)) == 4


KILL_AT_FOLDER_RENAME = """
import os, signal, sys
real, count = os.rename, [0]
def rename(src, dst, **folders):
    if ".followup-ics-staging-" in str(src):
        if count[0] == int(sys.argv[1]):
            os.kill(os.getpid(), signal.SIGKILL)
        count[0] += 1
    real(src, dst, **folders)
os.rename = rename
from followup_ics.cli import cli
cli(sys.argv[2:])
"""

LOOK_ALIKES = [".other.followup-ics-staging-abcd1234",  # another output folder's, killed between its renames
               ".out.followup-ics-staging",  # what export-site stages "out" in
               ".out.followup-ics-staging-abcd12345", ".out.followup-ics-staging-ab.d1234",  # not mkdtemp's
               ".out.followup-ics-staging-zzzz9999"]  # no manifest inside: not one of ours


@pytest.mark.parametrize("renames", [0, 1])  # killed before moving staging out of the folder, or before moving it over
def test_a_new_folder_killed_while_put_in_place_is_left_empty_and_the_next_run_cleans_up(
        tmp_path: Path, renames: int) -> None:
    """A run into a new folder killed around its two renames leaves the folder empty of calendars, its staging
    folder inside it or beside it; the next run into that folder removes it (and only it) and writes all."""
    reference = tmp_path / "reference"
    reference.mkdir()
    assert batch(reference, THREE).exit_code == 0
    work = tmp_path / "work"
    work.mkdir()
    for name in LOOK_ALIKES:
        (work / name).mkdir()
        if name != LOOK_ALIKES[-1]:
            (work / name / ".followup-ics-manifest").write_bytes(b"")
    (work / "interviews.csv").write_text(THREE, encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_FOLDER_RENAME, str(renames), "batch", str(work / "interviews.csv"),
         "-o", str(work / "out"), "--tz", "UTC", "-q"], capture_output=True, timeout=60, check=False)
    assert killed.returncode == -9, killed.stderr
    out = work / "out"
    assert ics_names(out) == []
    beside = [path.name for path in work.iterdir() if path.name.startswith(".out.") and path.name not in LOOK_ALIKES]
    assert len(beside) == renames and len(list(out.iterdir())) == 1 - renames
    assert batch(work, THREE).exit_code == 0
    assert ics_names(out) == ics_names(reference / "out")
    _, mismatch, errors = filecmp.cmpfiles(out, reference / "out", ics_names(out), shallow=False)
    assert mismatch == [] and errors == [] and dot_names(out) == [".followup-ics-manifest"]
    assert sorted(path.name for path in work.iterdir() if path.name.startswith(".")) == sorted(LOOK_ALIKES)


@pytest.mark.foreign_ics  # a file appears in the folder during the run
@pytest.mark.parametrize("refused", ["out of the folder", "over the folder", "a file appeared"])
def test_a_new_folder_that_cannot_be_replaced_gets_its_files_one_by_one(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        refused: str) -> None:
    """Where the staging folder cannot be renamed out of the folder (another file system mounted there) or
    over it (someone put a file in it meanwhile), it goes back inside and the files are renamed in as before:
    the same calendars, the other file kept, nothing left beside the folder or in it."""
    from followup_ics.edges import batch as batch_module

    real, renames = os.rename, [0]

    def rename(src: object, dst: object) -> None:
        renames[0] += 1
        if (refused, renames[0]) in (("out of the folder", 1), ("over the folder", 2)):
            raise OSError(18 if renames[0] == 1 else 39, "refused")  # EXDEV, ENOTEMPTY
        real(src, dst)  # type: ignore[arg-type]

    out = tmp_path / "out"
    with monkeypatch.context() as patched:  # keeps the fixed clock, unlike monkeypatch.undo
        patched.setattr(os, "rename", rename)
        if refused == "a file appeared":
            combined = batch_module._write_combined

            def meanwhile(*args: object) -> None:
                (out / "mine.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
                combined(*args)  # type: ignore[arg-type]

            patched.setattr(batch_module, "_write_combined", meanwhile)
        result = batch(tmp_path, THREE)
    assert result.exit_code == 0, result.stderr
    expected = ["acme-2026-12-01.ics", "all.ics", "globex-2026-12-02.ics", "initech-2026-12-03.ics"]
    assert ics_names(out) == sorted(expected + ["mine.ics"] * (refused == "a file appeared"))
    assert dot_names(out) == [".followup-ics-manifest"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["interviews.csv", "out"]
