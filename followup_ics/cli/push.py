"""`followup-ics push`, and what `generate --push` shares with it: the server options, the password, the
progress bar and the summary."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from followup_ics.cli.options import (
    Fail,
    counted,
    csv_options,
    fail,
    run_request,
    server_options,
    with_options,
)

if TYPE_CHECKING:
    from followup_ics.core.records import Schedule
    from followup_ics.edges.push import Plan, PushReport

PASSWORD_VARIABLE = "FOLLOWUP_ICS_CALDAV_PASSWORD"


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@csv_options
@lambda command: with_options(server_options(
    "--url", "The CalDAV server, e.g. https://caldav.fastmail.com/ (see the README for each provider).",
    required=True), command)
@click.option("--state", "state_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for what was pushed [default: .<csv name>.followup-ics beside it].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, only conflicts, errors and the summary.")
def push(csv_file: Path, server_url: str, user: str | None, calendar: str, dry_run: bool, force: bool,
         state_dir: Path | None, quiet: bool, **params: Any) -> None:
    """Store the CSV's follow-ups in a CalDAV calendar (iCloud, Fastmail, Nextcloud), kept in step.

    Each event is one object on the server, found again by its UID: a re-run creates what is new, updates
    what changed (unless it was edited in the calendar: then it is reported and skipped, or overwritten with
    --force), deletes follow-ups that left the plan and never touches events it did not put there. The
    password comes from $FOLLOWUP_ICS_CALDAV_PASSWORD, ~/.netrc or a prompt, never from the command line.

    \b
    Example:
        followup-ics push samples/interviews.csv --url https://caldav.fastmail.com/ --user me@fastmail.com
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.push import plan_csv
    from followup_ics.edges.web import default_state_dir

    try:
        request = run_request(params, say_default_zone=False)
    except FollowupError as error:
        fail(error)
    if not csv_file.is_file():
        raise Fail(f"{csv_file}: no such file")

    def plan(first_seen: dict[str, datetime]) -> Plan:
        return plan_csv(csv_file, request, first_seen)

    run_push(plan, request.now, state_dir or default_state_dir(csv_file), server_url=server_url, user=user,
             calendar=calendar, dry_run=dry_run, force=force, quiet=quiet)


def run_push(plan: Callable[[dict[str, datetime]], Plan], stamp: datetime, state_dir: Path, *, server_url: str,
             user: str | None, calendar: str, dry_run: bool, force: bool, quiet: bool = False) -> None:
    """Push a plan, print what happened (or would), and exit non-zero on any conflict or failure."""
    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.push import Push, Target, state_file

    if not server_url.startswith(("https://", "http://")):
        raise Fail(f"--url: must start with https:// (or http://): {server_url!r}")
    if not calendar.strip():
        raise Fail("--calendar: give the calendar a name")
    user, password = credentials(server_url, user)
    target = Target(server_url, user, password, calendar.strip())
    try:
        pusher = Push(target, plan, stamp, state_file(state_dir, target), force=force)
        report = pusher.prepare(create_calendar=not dry_run)
        if dry_run:
            _say_plan(report, calendar)
            return
        if not quiet and sys.stderr.isatty() and len(report.changes) > 20:
            with click.progressbar(length=len(report.changes), label="Pushing", file=sys.stderr) as bar:
                report = pusher.apply(bar.update)
        else:
            report = pusher.apply()
    except FollowupError as error:
        fail(error)
    except OSError as error:
        raise Fail(f"--state: cannot write to {state_dir} ({error.strerror or error})") from None
    _say_done(report, calendar)


def credentials(url: str, user: str | None) -> tuple[str, str]:
    """The account and password: $FOLLOWUP_ICS_CALDAV_PASSWORD, else ~/.netrc for the URL's host, else a
    prompt on a terminal."""
    import os
    from urllib.parse import urlsplit

    password = os.environ.get(PASSWORD_VARIABLE)
    if password and user:
        return user, password
    host = urlsplit(url).hostname or ""
    login, netrc_password = _netrc(host)
    if user is None:
        user = login
    if user is None:
        raise Fail(f"--user: missing (or a 'machine {host} login ...' line in ~/.netrc)")
    if password:
        return user, password
    if netrc_password is not None and login == user:
        return user, netrc_password
    if sys.stdin.isatty():
        return user, click.prompt(f"Password for {user} at {host}", hide_input=True, err=True)
    raise Fail(f"no password for {user} at {host}: set {PASSWORD_VARIABLE}, add the host to ~/.netrc, "
               "or run on a terminal to be asked")


def _netrc(host: str) -> tuple[str | None, str | None]:
    import netrc
    import os

    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    try:
        entry = netrc.netrc(path).authenticators(host)
    except FileNotFoundError:
        return None, None
    except (netrc.NetrcParseError, OSError) as error:
        raise Fail(f"{path}: cannot read it ({error})") from None
    if not entry:
        return None, None
    login, _, password = entry
    return login or None, password


def _say_plan(report: PushReport, calendar: str) -> None:
    if not report.calendar_url:
        click.echo(f"would create the calendar {calendar!r}")
    for change in report.changes:
        click.echo(f"would {change.kind:<6}  {change.label}")
    for conflict in report.conflicts:
        click.echo(f"conflict: {conflict}", err=True)
    _say_deleted_there(report)
    counts = {kind: sum(change.kind == kind for change in report.changes) for kind in ("create", "update", "delete")}
    click.echo(f"Dry run: {counts['create']} to create, {counts['update']} to update, {counts['delete']} to delete, "
               f"{report.unchanged} unchanged, {len(report.conflicts)} conflicts in {calendar!r}; nothing written.",
               err=True)


def _say_done(report: PushReport, calendar: str) -> None:
    for conflict in report.conflicts:
        click.echo(f"conflict: {conflict}", err=True)
    _say_deleted_there(report)
    done = report.done
    made = " (new calendar)" if report.created_calendar else ""
    click.echo(f"{calendar!r}{made}: {done['create']} created, {done['update']} updated, {done['delete']} deleted, "
               f"{report.unchanged + report.adopted} unchanged; {report.reads} read and {report.writes} write "
               "requests.", err=True)
    if report.conflicts:
        count = len(report.conflicts)
        raise Fail(f"{counted(count, 'event')} changed in the calendar were left as they are "
                   "(--force overwrites them)", exit_code=1)


def _say_deleted_there(report: PushReport) -> None:
    for label in report.deleted_there:
        click.echo(f"note: deleted in the calendar, not put back (--force puts it back): {label}", err=True)


def push_schedules(schedules: Sequence[Schedule]) -> Callable[[dict[str, datetime]], Plan]:
    """A fixed plan, for `generate --push`."""
    return lambda _seen: (list(schedules), {})


command = push
