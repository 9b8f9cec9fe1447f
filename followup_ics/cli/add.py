"""`followup-ics add`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from followup_ics.cli.options import fail, interview_input, interview_options, say_notices


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@interview_options
def add(csv_file: Path, **params: Any) -> None:
    """Add an application to your CSV, with a stable id, and show its plan.

    The row is appended (columns it needs are added at the end); every other byte of the file stays as it
    was. The new row is checked like any row before anything is written. A file that does not exist yet is
    started.

    \b
    Example:
        followup-ics add samples/interviews.csv --company "Hooli" --date "2026-12-14 11:00" --tz Europe/Dublin
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.tracker import add_application
    from followup_ics.wording.language import language
    from followup_ics.wording.table import plan_table

    try:
        raw, request = interview_input(params)
        outcome = add_application(csv_file, raw, request, zone_given=bool(params["tz"] or params["invite_file"]))
    except FollowupError as error:
        fail(_named(error, csv_file))
    say_notices(tuple(outcome.notes))
    app = outcome.application
    click.echo(f"Added {app.title} to {csv_file} as {app.label!r}.")
    click.echo(plan_table(app.latest.schedule, language(request.language)))


def _named(error: Any, csv_file: Path) -> Any:
    """File-level problems name the file; field problems already name their option."""
    from followup_ics.edges.sheet import SheetError

    if isinstance(error, SheetError) and not str(error).startswith(str(csv_file)):
        return type(error)(f"{csv_file}: {error}")
    return error


command = add
