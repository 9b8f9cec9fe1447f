"""One rule for text, whichever way it comes in: no control characters, at most 10,000 characters a value."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_ics.cli import cli

BASE = ["generate", "--company", "Acme", "--date", "2026-12-01 14:00", "--tz", "UTC"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--company", "Nul\x01Co"], "--company: contains control characters (U+0001"),  # parsers refuse the file
        (["--company", "Acme\x7f"], "--company: contains control characters (U+007F"),  # DEL
        (["--role", "Dev\x1b[2J"], "--role: contains control characters (U+001B"),  # terminal escape
        (["--notes", "C1 \x85 control"], "--notes: contains control characters (U+0085"),
        (["--interviewer", "Ana\x00 <ana@example.org>"], "--interviewer: contains control characters"),
        (["--notes", "x" * 100_000], "--notes: longer than 10000 characters (100000)"),  # batch's cap, here too
    ],
    ids=["soh", "del", "esc", "c1", "nul-in-list", "100k-notes"],
)
def test_generate_refuses_bad_text_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    """Exit 2, one line naming the option, no file written."""
    out = tmp_path / "out.ics"
    result = CliRunner().invoke(cli, [*BASE, *args, "-o", str(out)])
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


@pytest.mark.parametrize(
    "kept", ["Acme\tCorp", "line one\nline two", "Café Zoë 東京", "x" * 10_000],
    ids=["tab", "newline", "non-ascii", "at-the-cap"],
)
def test_ordinary_text_is_kept(tmp_path: Path, kept: str) -> None:
    """Whitespace, non-ASCII letters and a value at the cap are fine."""
    result = CliRunner().invoke(cli, [*BASE, "--notes", kept, "-o", str(tmp_path / "out.ics")])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Acme\x7fCo", "interviews.csv:2: column 'company': contains control characters (U+007F"),  # DEL
        ("Acme\x85Co", "interviews.csv:2: column 'company': contains control characters (U+0085"),  # C1
    ],
)
def test_a_csv_cell_follows_the_same_rule(tmp_path: Path, cell: str, message: str) -> None:
    """The batch names the row and the column."""
    source = tmp_path / "interviews.csv"
    source.write_text(f"company,date,timezone\n{cell},2026-12-01 14:00,UTC\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and message in result.stderr
