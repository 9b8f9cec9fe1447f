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
