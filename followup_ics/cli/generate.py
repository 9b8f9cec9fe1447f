"""`followup-ics generate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from followup_ics.cli.options import Fail, fail, interview_options, planned_interview


@click.command()
@interview_options
@click.option("-o", "--output", default=None,
              help="File to write, or - for stdout [default: <company>-<date>.ics].")
def generate(output: str | None, **params: Any) -> None:
    """Write one interview's follow-up plan as an .ics file to import.

    \b
    Example:
        followup-ics generate --company "Acme Corp" --date "2026-12-01 14:00" --tz America/New_York
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.core.identity import file_stem
    from followup_ics.edges.files import read_if_exists, write_atomic
    from followup_ics.ical.writer import render

    schedule, request = planned_interview(params)
    path = None if output == "-" else Path(output or f"{file_stem(schedule.interview)}.ics")
    previous = read_if_exists(path) if path else None
    try:
        data = render([schedule], stamp=request.now, previous=previous)
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        fail(error)
    if path is None:
        click.echo(data, nl=False)
        return
    try:
        write_atomic(path, data)
    except OSError as error:
        raise Fail(f"--output: cannot write {path} ({error.strerror or error})") from None
    click.echo(f"Wrote {path}: {len(schedule.steps)} events in {schedule.interview.zone}.", err=True)


command = generate
