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
        # A byte that is not UTF-8 in an argument reaches Python as a lone surrogate (surrogateescape), which
        # no file can hold: it once ended in a UnicodeEncodeError traceback from the mailto encoder.
        (["--company", "Zo\udcff"], "--company: is not UTF-8 text (the byte 0xFF;"),
        (["--me", "Zo\udcff"], "--me: is not UTF-8 text (the byte 0xFF;"),
        (["--me", "Zo\x01"], "--me: contains control characters (U+0001"),
        (["--role", "\ud800"], "--role: is not valid text (a lone surrogate, U+D800)"),  # none from bytes
    ],
    ids=["soh", "del", "esc", "c1", "nul-in-list", "100k-notes", "non-utf8-company", "non-utf8-me", "soh-me",
         "high-surrogate"],
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


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--me", "Zo\udcff"], {}, "--me: is not UTF-8 text (the byte 0xFF;"),  # signs every row without a me
        (["--me", "Zo\x1b"], {}, "--me: contains control characters (U+001B"),
        ([], {"FOLLOWUP_ICS_ME": "Zo\udcff"}, "FOLLOWUP_ICS_ME: is not UTF-8 text"),  # named as it was given
    ],
    ids=["non-utf8", "escape", "from-environment"],
)
def test_a_batch_checks_the_name_it_signs_with(tmp_path: Path, args: list[str], env: dict[str, str],
                                               message: str) -> None:
    """The run's --me follows the rule too, before anything is written."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date,timezone\nAcme,2026-12-01 14:00,UTC\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), *args], env=env)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "{csv}", "--company", "Zo\udcff", "--date", "2026-12-02 10:00"], "--company: is not UTF-8 text"),
        (["record", "{csv}", "acme", "--note", "N\udcff"], "--note: is not UTF-8 text (the byte 0xFF;"),
        (["record", "{csv}", "acme", "--note", "N\x07"], "--note: contains control characters (U+0007"),
    ],
    ids=["add-company", "record-note", "record-note-bell"],
)
def test_the_tracker_refuses_bad_text_and_keeps_the_file(tmp_path: Path, args: list[str], message: str) -> None:
    """`add` and `record` name the option, as `generate` does, and leave the user's CSV as it was."""
    source = tmp_path / "interviews.csv"
    before = b"company,date,timezone,id\r\nAcme,2026-12-01 14:00,UTC,acme\r\n"
    source.write_bytes(before)
    result = CliRunner().invoke(cli, [arg.format(csv=source) for arg in args] + ["--tz", "UTC"])
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and source.read_bytes() == before
