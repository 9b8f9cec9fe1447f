"""The README's promises: its first lines are the two commands, CI runs the same test command, and the
examples it shows are what the tool really prints."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_ics.cli import cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_commands() -> list[str]:
    block = README.split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_starts_with_setup_and_run_then_setup_and_test() -> None:
    setup_run, setup_test = _first_commands()
    assert README.startswith("# followup-ics\n\n```\n")
    assert "pip install -e ." in setup_run and "followup-ics batch samples/interviews.csv" in setup_run
    assert 'pip install -e ".[test]"' in setup_test and setup_test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    """`.ci/run` and the README cannot drift apart: CI runs the steps a new user is told to run, in order."""
    steps = [step.replace("pip install -e", "pip install -q -e") for step in _first_commands()[1].split(" && ")]
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "set -euo pipefail" in lines
    assert [line for line in lines if line in steps] == steps


@pytest.mark.parametrize("command", ["", "generate", "plan", "links", "batch", "export-site", "add", "record", "list"])
def test_every_command_help_shows_an_example_that_runs(command: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Each --help ends with one whole example line, and running that line succeeds."""
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    example = result.output.split("Example:", 1)[1].strip().splitlines()[0].strip()
    program, *args = shlex.split(example)
    assert program == "followup-ics"
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    ran = CliRunner().invoke(cli, args)
    assert ran.exit_code == 0, ran.output


def test_readme_plan_example_is_what_plan_prints() -> None:
    """The `plan` transcript in the README is real output, not a sketch."""
    transcript = README.split("$ followup-ics plan ", 1)[1].split("\n$ ", 1)[0]
    args_line, expected = transcript.split("\n", 1)
    result = CliRunner().invoke(cli, ["plan", *shlex.split(args_line)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == expected.strip()


def test_readme_plan_file_example_is_accepted() -> None:
    import tomllib

    from followup_ics.core.settings import settings_from_mapping

    toml = re.search(r"```toml\n(.*?)```", README, re.S)
    assert toml is not None
    settings = settings_from_mapping(tomllib.loads(toml.group(1)))
    assert settings.status_check.count == 6 and not settings.keep_searching.include


def test_serve_help_shows_an_example() -> None:
    """`serve` runs until stopped, so its example is checked by test_serve.py, here only shown."""
    result = CliRunner().invoke(cli, ["serve", "--help"])
    example = result.output.split("Example:", 1)[1].strip().splitlines()[0]
    assert example.startswith("followup-ics serve samples/interviews.csv")


def test_the_group_lists_each_command_with_its_own_summary() -> None:
    """cli.py lists commands without importing them; the summaries it shows are the commands' own."""
    import importlib

    from followup_ics import cli as group

    for name, summary in group.COMMANDS.items():
        command = importlib.import_module(group.module_name(name)).command
        assert command.name == name
        assert (command.help or "").splitlines()[0] == summary


def test_help_does_not_import_the_commands() -> None:
    import subprocess
    import sys

    code = ("import sys; from followup_ics.cli import main; sys.argv = ['followup-ics', '--help']\n"
            "try: main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('followup_ics.', 'icalendar', 'pytz'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip().splitlines()[-1] == "['followup_ics.app', 'followup_ics.app.environment', 'followup_ics.cli']"


def test_the_venv_is_activated_before_the_first_bare_command() -> None:
    """A newcomer fresh from the setup line is told how to get `followup-ics` on PATH before using it bare."""
    first_bare = README.index("$ followup-ics ")
    activation = README.find("source .venv/bin/activate")
    assert 0 < activation < first_bare


def test_the_file_names_the_readme_promises_are_the_ones_written(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`<company>-<date>.ics` by default and `<id>.ics` with --id: README and behaviour agree."""
    monkeypatch.chdir(tmp_path)
    base = ["generate", "--company", "Acme Corp", "--date", "2026-12-01 14:00", "--tz", "UTC"]
    assert CliRunner().invoke(cli, base).exit_code == 0
    assert CliRunner().invoke(cli, [*base, "--id", "42"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["42.ics", "acme-corp-2026-12-01.ics"]
    assert "default `<company>-<date>.ics`, or `<id>.ics` with `--id`" in README
    assert "`--id 42` writes `42.ics`" in README
