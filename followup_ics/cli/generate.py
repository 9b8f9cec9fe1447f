"""`followup-ics generate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from followup_ics.cli.options import Fail, fail, interview_options, planned_interview, server_options, with_options

if TYPE_CHECKING:
    from datetime import datetime

    from followup_ics.core.records import Schedule


@click.command()
@interview_options
@click.option("-o", "--output", default=None,
              help="File to write, or - for stdout [default: <company>-<date>.ics]. A symlink is written "
                   "through to its file; a device, FIFO or folder is refused.")
@lambda command: with_options(server_options(
    "--push", "Store the events in this CalDAV server's calendar instead of writing a file (see `push`).",
    required=False, force_help="Replace an existing -o file even if it is not an iCalendar file; with --push, "
                               "overwrite events edited in the calendar since the last push."), command)
def generate(output: str | None, server_url: str | None, user: str | None, calendar: str, dry_run: bool,
             force: bool, **params: Any) -> None:
    """Write one interview's follow-up plan as an .ics file to import.

    \b
    Example:
        followup-ics generate --company "Acme Corp" --date "2026-12-01 14:00" --tz America/New_York
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.core.identity import file_stem
    from followup_ics.edges.files import UnsafeOutput, is_icalendar, output_file, read_if_exists, write_atomic
    from followup_ics.ical.writer import render

    schedule, request = planned_interview(params)
    if server_url is not None:
        _push(schedule, request.now, server_url, user=user, calendar=calendar, dry_run=dry_run, force=force)
        return
    path = None if output == "-" else Path(output or f"{file_stem(schedule.interview)}.ics")
    target = None
    if path is not None:
        try:
            target = output_file(path, force=force)
        except UnsafeOutput as error:
            raise Fail(f"--output: {error}") from None
    # Only an earlier calendar carries SEQUENCEs to continue; a file replaced with --force does not.
    previous = read_if_exists(target) if target and is_icalendar(target) else None
    try:
        data = render([schedule], stamp=request.now, previous=previous)
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        fail(error)
    if path is None or target is None:
        click.echo(data, nl=False)
        return
    try:
        write_atomic(target, data)
    except OSError as error:
        raise Fail(f"--output: cannot write {path} ({error.strerror or error})") from None
    shown = path if target == path else f"{path} (the file it links to, {target})"
    click.echo(f"Wrote {shown}: {len(schedule.steps)} events in {schedule.interview.zone}.", err=True)


def _push(schedule: Schedule, stamp: datetime, server_url: str, **options: Any) -> None:
    """One interview's events into the calendar; what was pushed is kept beside where its file would be."""
    from followup_ics.cli.push import push_schedules, run_push
    from followup_ics.core.identity import file_stem
    from followup_ics.edges.web import default_state_dir

    state_dir = default_state_dir(Path(f"{file_stem(schedule.interview)}.ics"))
    run_push(push_schedules([schedule]), stamp, state_dir, server_url=server_url, **options)


command = generate
