"""Golden .ics files: each `golden/NAME.args` holds the CLI arguments, `golden/NAME.ics` the exact output.

A new case is a new pair of files. Regenerate after an intended change with
`UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from icscheck import assert_parsers_agree

from followup_ics.cli import cli

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.args"))


def _generate(args_file: Path) -> bytes:
    args = args_file.read_text(encoding="utf-8").splitlines()
    result = CliRunner().invoke(cli, ["generate", *args, "-o", "-"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("args_file", CASES, ids=[case.stem for case in CASES])
def test_output_matches_golden_file(args_file: Path) -> None:
    """The CLI writes exactly the committed bytes (DTSTAMP fixed by SOURCE_DATE_EPOCH), and every parser
    reads the same instants from them."""
    expected_file = args_file.with_suffix(".ics")
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_bytes(_generate(args_file))
    data = _generate(args_file)  # a build of its own, even right after an update
    assert data == expected_file.read_bytes()
    assert_parsers_agree(data)


def test_output_is_identical_for_identical_input() -> None:
    """Same input and SOURCE_DATE_EPOCH: byte-identical output."""
    assert _generate(CASES[0]) == _generate(CASES[0])
