"""`followup-ics list` (a module named list would shadow the builtin in the cli package)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import click

from followup_ics.cli.add import _named
from followup_ics.cli.options import csv_options, fail, run_request


@click.command(name="list")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")
@csv_options
def list_applications(csv_file: Path, as_json: bool, **params: Any) -> None:
    """List each application: its status, last round, and next step, overdue ones first.

    \b
    Example:
        followup-ics list samples/interviews.csv --tz UTC
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.tracker import standings, standings_table

    try:
        request = run_request(params, say_default_zone=False)
        items, errors = standings(csv_file, request)
    except FollowupError as error:
        fail(_named(error, csv_file))
    for error in errors:
        click.echo(f"note: skipped {error.describe(str(csv_file))}", err=True)
    if as_json:
        click.echo(json.dumps([item.as_json() for item in items], indent=1, ensure_ascii=False))
        return
    click.echo(standings_table(items, table_width()))


def table_width() -> int | None:
    """$COLUMNS if set, else the terminal's width; None when the output is no terminal (a file or a pipe has
    no width, and a name cut there is lost to the script reading it)."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = sys.stdout
    if not stream.isatty():
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (OSError, ValueError):  # a terminal that will not say its size
        return shutil.get_terminal_size().columns


command = list_applications
