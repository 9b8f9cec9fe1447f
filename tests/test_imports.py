"""`generate` writes a calendar without loading icalendar: about 40% of its start-up was icalendar's import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_RUN = ("import sys; from followup_ics.cli import main; sys.argv = ['followup-ics', *sys.argv[1:]]\n"
        "try: main()\nexcept SystemExit as done: assert not done.code, done.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'icalendar'), file=sys.stderr)")


@pytest.mark.parametrize("zone", [
    "America/New_York",  # a VTIMEZONE, written by our writer
    "Africa/Abidjan",  # written as UTC: decided without icalendar's equivalence table
    "Eastern Standard Time",  # a Windows name: our copy of the table
])
def test_generate_does_not_import_icalendar(zone: str, tmp_path: Path) -> None:
    """A real process: after `generate`, no icalendar module is loaded."""
    out = tmp_path / "out.ics"
    done = subprocess.run([sys.executable, "-c", _RUN, "generate", "--company", "Acme", "--date", "2026-12-01 14:00",
                           "--tz", zone, "-o", str(out)], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize("module", [
    "difflib",  # `-o FILE`: click's "did you mean" ranking, built for `-o` and then dropped, is skipped
    "hashlib",  # OpenSSL's bindings: the writer's digests take BLAKE2 from _blake2, where hashlib has it from
])
def test_generate_leaves_out_what_it_does_not_need(module: str, tmp_path: Path) -> None:
    """`generate -o FILE` imports neither difflib nor hashlib, a few ms of start-up each."""
    run = _RUN.replace("m.split('.')[0] == 'icalendar'", f"m == {module!r}")
    done = subprocess.run([sys.executable, "-c", run, "generate", "--company", "Acme", "--date", "2026-12-01 14:00",
                           "--tz", "UTC", "-o", str(tmp_path / "out.ics")], capture_output=True, text=True,
                          check=True, cwd=tmp_path)
    assert done.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(("option", "said", "written"), [
    (["--outptu", "x.ics"], "No such option '--outptu'. (Did you mean one of: '--output', '--status'?)", None),
    # A single-dash token was only ever looked up as a short option in the end: no suggestions.
    (["-x"], "No such option '-x'. (see ", None),
    (["-o", "a.ics"], "Wrote a.ics", "a.ics"),
    (["-ob.ics"], "Wrote b.ics", "b.ics"),  # the value attached to the short option
    (["-o=c.ics"], "Wrote =c.ics", "=c.ics"),  # as click reads it: '=' is part of a short option's value
    (["--output=d.ics"], "Wrote d.ics", "d.ics"),
])
def test_options_read_as_click_reads_them(option: list[str], said: str, written: str | None, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Short, long and mistyped options give the files and errors click gives without the shortcut."""
    from click.testing import CliRunner

    from followup_ics.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["generate", "--company", "Acme", "--date", "2026-12-01 14:00", "--tz", "UTC",
                                      *option])
    assert said in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ([written] if written else [])


SAMPLE_CSV = Path(__file__).resolve().parent.parent / "samples" / "interviews.csv"


@pytest.mark.parametrize(("args", "collected"), [
    # One interview: short and bounded, it runs whole with the collector paused (resumed on the way out).
    (["generate", "--company", "Acme", "--date", "2026-12-01 14:00", "--tz", "UTC", "-o", "-"], False),
    (["--help"], False),  # no command imported
    (["generate", "--date", "nonsense"], False),  # an error
    # A CSV of any length: the collector is back on once the command is imported.
    (["batch", str(SAMPLE_CSV), "--jobs", "1", "-o", "out"], True),
])
def test_the_program_pauses_the_collector_only_to_start(args: list[str], collected: bool, tmp_path: Path) -> None:
    """The program pauses the garbage collector while it starts (and for one interview): a batch runs with it
    on, and every run ends with it on and every object still alive frozen (the collection at exit would only
    walk them all)."""
    code = ("import atexit, gc, sys; sys.argv = ['followup-ics', *sys.argv[1:]]\n"
            # A collection while the command's own function runs (its module's frame on the stack).
            "def seen(phase, info):\n"
            "    frame = sys._getframe()\n"
            "    while frame and not frame.f_code.co_filename.endswith(('generate.py', 'batch.py')):\n"
            "        frame = frame.f_back\n"
            "    runs.append(frame is not None)\n"
            "runs = []; gc.callbacks.append(seen)\n"
            "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 0, any(runs),\n"
            "                              len(gc.get_objects()) < 500, file=sys.stderr))\n"
            "from followup_ics.entry import main; main()")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path)
    assert done.stderr.strip().splitlines()[-1] == f"True True {collected} True"


def test_the_cli_used_as_a_library_leaves_the_collector_alone() -> None:
    """Calling the click group in-process (as tests and embedders do) freezes nothing."""
    import gc

    from click.testing import CliRunner

    from followup_ics.cli import cli

    frozen = gc.get_freeze_count()
    result = CliRunner().invoke(cli, ["generate", "--company", "Acme", "--date", "2026-12-01 14:00", "--tz", "UTC",
                                      "-o", "-"])
    assert result.exit_code == 0 and gc.isenabled() and gc.get_freeze_count() == frozen
