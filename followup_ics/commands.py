"""The commands of `followup-ics`: parse options, call the core once, write the result.

cli.py imports this module only when a command runs; icalendar, pytz and dateutil are imported inside
the commands that need them, so that `followup-ics <command> --help` stays fast too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from followup_ics.cli import ENV_PREFIX

if TYPE_CHECKING:
    from followup_ics.errors import FollowupError
    from followup_ics.generate import Request
    from followup_ics.inputs import RawInterview
    from followup_ics.invite import Invite
    from followup_ics.model import Schedule

# Core field names -> the option a user typed, for error messages.
_OPTION_FOR = {"timezone": "--tz", "SOURCE_DATE_EPOCH": "SOURCE_DATE_EPOCH"}


class Fail(click.ClickException):
    """A user error: one line on stderr and exit code 2 (1 for bad data in a batch)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fail(error: FollowupError) -> NoReturn:
    from followup_ics.errors import InputError

    if isinstance(error, InputError):
        option = _OPTION_FOR.get(error.field, f"--{error.field}")
        raise Fail(error.describe().replace(error.field, option, 1)) from None
    raise Fail(str(error)) from None


def interview_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that describe one interview, shared by `generate` and `plan`."""
    options = [
        click.option("--company", default=None, help="Company name.  [required unless --from-invite]"),
        click.option("--date", default=None,
                     help='Interview start, e.g. "2026-12-01 14:00" or "Dec 1 2026 2pm".  '
                          "[required unless --from-invite]"),
        click.option("--from-invite", "invite_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Take the interview from the invitation (.ics) the company sent."),
        click.option("--invite-uid", default=None, help="Which event of the invitation, if it holds several."),
        click.option("--tz", envvar=f"{ENV_PREFIX}_TZ",
                     help="Time zone: IANA (Europe/Paris) or Windows (W. Europe Standard Time) "
                          "[default: $TZ, the system zone, else UTC]."),
        click.option("--duration", default="", help="Interview length: 45, 45m, 1h30 [default: 60 min]."),
        click.option("--role", default="", help="Position you interviewed for."),
        click.option("--interviewer", "interviewers", multiple=True,
                     help='"Name <email>"; repeat for each interviewer.'),
        click.option("--contact", default="", help='Recruiter or hiring manager: "Name <email>".'),
        click.option("--contact-email", default="", help="Contact's email, if not in --contact."),
        click.option("--contact-phone", default="", help="Contact's phone number."),
        click.option("--reference", "references", multiple=True,
                     help='A reference to brief: "Name <email>"; repeatable.'),
        click.option("--url", default="", help="Job posting URL."),
        click.option("--location", default="", help="Where the interview takes place."),
        click.option("--notes", default="", help="Anything to keep with the interview."),
        click.option("--status", default="",
                     help="pending (default), offer, rejected, withdrawn or accepted."),
        click.option("--offer-deadline", default="",
                     help="Another company's offer deadline; adds the competing-offer step."),
        click.option("--outcome-date", default="",
                     help="When the outcome (--status) became known [default: now]."),
        click.option("--id", "interview_id", default="",
                     help="Your own stable id; keeps event UIDs when the date changes."),
        click.option("--no-interview", is_flag=True, help="Leave the interview event itself out."),
        click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False),
                     envvar=f"{ENV_PREFIX}_PLAN", help="TOML file changing the plan's offsets and times."),
        click.option("--day-first/--month-first", "day_first", default=None,
                     help="How to read 03/12/2026 [default: refuse ambiguous dates]."),
    ]
    return _with(options, command)


def _with(options: list[Callable[..., Any]], command: Callable[..., Any]) -> Callable[..., Any]:
    """Apply click option decorators so that --help lists them in the order written."""
    for option in reversed(options):
        command = option(command)
    return command


def interview_input(params: dict[str, Any]) -> tuple[RawInterview, Request]:
    """The raw interview and the run's settings, from the options and the invitation if one is given."""
    from followup_ics.inputs import RawInterview

    invite = _invite(params) if params["invite_file"] else None
    if invite is None:
        for option in ("company", "date"):
            if params[option] is None:
                raise click.UsageError(f"Missing option '--{option}'.")
    request = _request(params, invite_zone=invite.zone if invite else None)
    raw = RawInterview(
        company=params["company"] or "", date=params["date"] or "", timezone="", duration=params["duration"],
        role=params["role"], interviewers=tuple(params["interviewers"]), contact=params["contact"],
        contact_email=params["contact_email"], contact_phone=params["contact_phone"],
        references=tuple(params["references"]), url=params["url"], location=params["location"],
        notes=params["notes"], status=params["status"], offer_deadline=params["offer_deadline"],
        outcome_date=params["outcome_date"], id=params["interview_id"])
    if invite is None:
        return raw, request
    from followup_ics.invite import fill_from_invite

    raw, notices = fill_from_invite(raw, invite, request.zone)
    _notices(notices)
    return raw, request


def _schedule(params: dict[str, Any]) -> tuple[Schedule, Request]:
    """The planned interview of `generate`, `plan` and `links`, its notices said on stderr."""
    from followup_ics.errors import FollowupError
    from followup_ics.generate import make_schedule

    try:
        raw, request = interview_input(params)
        schedule = make_schedule(raw, request)
    except FollowupError as error:
        fail(error)
    _notices(schedule.notices)
    return schedule, request


def _invite(params: dict[str, Any]) -> Invite:
    from followup_ics.invite import read_invite

    path: Path = params["invite_file"]
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Fail(f"--from-invite: cannot read {path} ({error.strerror or error})") from None
    return read_invite(data, uid=params["invite_uid"])


def _request(params: dict[str, Any], *, say_default_zone: bool = True, invite_zone: str | None = None) -> Request:
    from followup_ics.generate import request_for

    request, source = request_for(params["tz"] or invite_zone, params["plan_file"], day_first=params["day_first"],
                                  no_interview=bool(params.get("no_interview")))
    if source and say_default_zone:
        click.echo(f"note: no --tz given; using {request.zone} (from {source})", err=True)
    return request


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
    from followup_ics.errors import FollowupError
    from followup_ics.fileio import read_if_exists, write_atomic
    from followup_ics.names import file_stem
    from followup_ics.writer import render

    schedule, request = _schedule(params)
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


@click.command()
@interview_options
def plan(**params: Any) -> None:
    """Show the follow-up schedule as a table, without writing a file.

    \b
    Example:
        followup-ics plan --company "Acme Corp" --date "2026-12-01 14:00" --tz America/New_York
    """
    from followup_ics.generate import plan_table

    click.echo(plan_table(_schedule(params)[0]))


def csv_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that reads a CSV of interviews."""
    options = [
        click.option("--tz", envvar=f"{ENV_PREFIX}_TZ",
                     help="Zone for rows without a timezone column [default: $TZ, the system zone, else UTC]."),
        click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False),
                     envvar=f"{ENV_PREFIX}_PLAN", help="TOML file changing the plan's offsets and times."),
        click.option("--day-first/--month-first", "day_first", default=None,
                     help="How to read 03/12/2026 [default: refuse ambiguous dates]."),
        click.option("--no-interview", is_flag=True, help="Leave the interview events themselves out."),
    ]
    return _with(options, command)


def feed_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Where `serve` and `export-site` keep their token and revisions, and how to set the token."""
    options = [
        click.option("--state", "state_dir", type=click.Path(path_type=Path, file_okay=False),
                     envvar=f"{ENV_PREFIX}_STATE",
                     help="Folder for the token and feed revisions [default: .<csv name>.followup-ics beside it]."),
        click.option("--token", envvar=f"{ENV_PREFIX}_TOKEN",
                     help="Use this secret in the URLs (16+ letters, digits, - or _) [default: kept, or new]."),
        click.option("--rotate-token", is_flag=True,
                     help="Make a new secret token: the old URLs stop working."),
    ]
    return _with(options, command)


@click.command()
@interview_options
def links(**params: Any) -> None:
    """Print one-click "add to calendar" links for each step (Google, Outlook.com, Office 365).

    Links carry no reminder: set one in the calendar after adding, or import the .ics from `generate`.

    \b
    Example:
        followup-ics links --company "Acme Corp" --date "2026-12-01 14:00" --tz America/New_York
    """
    from followup_ics.links import step_links
    from followup_ics.schedule import local
    from followup_ics.texts import when
    from followup_ics.zones import tzinfo

    schedule, _ = _schedule(params)
    zone = tzinfo(schedule.interview.zone)
    click.echo(f"{schedule.interview.title}, times in {schedule.interview.zone}. "
               "These links carry no reminder: add one in your calendar.")
    for item in step_links(schedule):
        start = local(zone, item.step.start)
        click.echo(f"\n{item.step.key}: {item.step.summary}\n  {when(start)}-{local(zone, item.step.end):%H:%M}")
        click.echo(f"  Google Calendar:  {item.google}")
        click.echo(f"  Outlook.com:      {item.outlook_live}")
        click.echo(f"  Office 365:       {item.outlook_office}")


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("out"), show_default=True, help="Folder for the .ics files.")
@csv_options
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows and list the skipped ones.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no notes, only errors and the summary.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for large files [default: one per core].")
def batch(csv_file: Path, out_dir: Path, skip_invalid: bool, quiet: bool, jobs: int | None,
          **params: Any) -> None:
    """Turn a CSV of interviews into one .ics per interview plus all.ics.

    Columns: company and date are required; timezone, duration, role, interviewer, interviewer_email,
    contact, contact_email, contact_phone, references, url, location, status, offer_deadline,
    outcome_date, notes and id are optional. Nothing is written if any row is invalid, unless
    --skip-invalid is given.

    \b
    Example:
        followup-ics batch samples/interviews.csv -o out/ --tz Europe/London
    """
    from followup_ics.batch import run_batch
    from followup_ics.csvio import CsvError, count_rows
    from followup_ics.errors import FollowupError

    try:
        request = _request(params, say_default_zone=False)
    except FollowupError as error:
        fail(error)
    source = str(csv_file)
    show_progress = not quiet and sys.stderr.isatty()
    try:
        if show_progress:
            with click.progressbar(length=count_rows(csv_file), label="Planning", file=sys.stderr) as bar:
                report = run_batch(csv_file, out_dir, request, skip_invalid=skip_invalid, jobs=jobs,
                                   progress=bar.update)
        else:
            report = run_batch(csv_file, out_dir, request, skip_invalid=skip_invalid, jobs=jobs)
    except (CsvError, FollowupError) as error:
        raise Fail(f"{source}: {error}") from None
    except OSError as error:
        raise Fail(f"--output: cannot write to {out_dir} ({error.strerror or error})") from None
    if report.unknown_columns and not quiet:
        names = ", ".join(repr(name) for name in report.unknown_columns)
        click.echo(f"note: ignoring unknown column(s) {names}", err=True)
    if not quiet:
        if report.default_zone_rows and not params["tz"]:
            _notices((f"{report.default_zone_rows} row(s) without a timezone use {request.zone} "
                      "(no --tz given)",))
        _notices(tuple(report.notices))
    for error in report.errors + report.skipped:
        click.echo(error.describe(source), err=True)
    if report.errors:
        count = len(report.errors)
        raise Fail(f"{count} invalid row{'s' if count > 1 else ''}; nothing was written "
                   "(--skip-invalid writes the valid rows)", exit_code=1)
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    click.echo(f"{report.interviews} interviews, {report.events} events, {report.files} files "
               f"in {out_dir}{skipped}, {report.seconds:.2f} s", err=True)


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option("--public-url", envvar=f"{ENV_PREFIX}_PUBLIC_URL",
              help="The https address users reach this server at, behind a TLS proxy [default: http://host:port].")
@click.option("--poll", type=click.FloatRange(0.1, 3600), default=1.0, show_default=True,
              help="Seconds between checks of the CSV for changes.")
@csv_options
@feed_options
def serve(csv_file: Path, host: str, port: int, public_url: str | None, poll: float, state_dir: Path | None,
          token: str | None, rotate_token: bool, **params: Any) -> None:
    """Serve the CSV's interviews as calendar feeds to subscribe to, rebuilt when the CSV changes.

    \b
    Example:
        followup-ics serve samples/interviews.csv --port 8080
    """
    import signal

    from waitress.server import create_server

    from followup_ics.errors import FollowupError
    from followup_ics.feeds import FeedError
    from followup_ics.web import FeedApp

    if public_url and not public_url.startswith(("https://", "http://")):
        raise Fail("--public-url: must start with https:// (or http://)")
    try:
        request = _request(params, say_default_zone=False)
        app = FeedApp(csv_file, request, state_dir=state_dir, token=_token(token), rotate_token=rotate_token,
                      poll=poll, public_url=public_url)
    except FollowupError as error:
        fail(error)
    except FeedError as error:
        raise Fail(str(error), exit_code=1) from None
    try:
        server = create_server(app, host=host, port=port, threads=8, ident="followup-ics")
    except OSError as error:
        raise Fail(f"--port: cannot listen on {host}:{port} ({error.strerror or error})") from None
    root = (public_url or f"http://{host}:{server.effective_port}").rstrip("/")  # type: ignore[union-attr]
    base = f"{root}/{app.token}/"
    click.echo(f"Serving {len(app.site.listings)} interviews from {csv_file}; watching it for changes.", err=True)
    click.echo(f"Page:  {base}", err=True)
    for name in app.site.feeds:
        click.echo(f"Feed:  {base}{name}   webcal://{base.split('://', 1)[1]}{name}", err=True)
    click.echo("Ctrl-C to stop.", err=True)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    app.start()
    try:
        server.run()  # returns on Ctrl-C or SIGTERM: waitress catches the KeyboardInterrupt itself
    finally:
        server.close()
        app.close()
    click.echo("Stopped.", err=True)


@click.command("export-site")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--base-url", help="The https address OUT_DIR will be served at, for one-click subscribe links.")
@csv_options
@feed_options
def export_site(csv_file: Path, out_dir: Path, base_url: str | None, state_dir: Path | None, token: str | None,
                rotate_token: bool, **params: Any) -> None:
    """Write the feeds and their subscribe page as static files for any web host.

    \b
    Example:
        followup-ics export-site samples/interviews.csv site/ --base-url https://example.org/cal
    """
    from followup_ics.errors import FollowupError
    from followup_ics.export import export_site as export
    from followup_ics.feeds import FeedError
    from followup_ics.web import default_state_dir

    if base_url and not base_url.startswith(("https://", "http://")):
        raise Fail("--base-url: must start with https:// (or http://)")
    try:
        request = _request(params, say_default_zone=False)
        report = export(csv_file, out_dir, request, state_dir=state_dir or default_state_dir(csv_file),
                        base_url=base_url, token=_token(token), rotate_token=rotate_token)
    except FollowupError as error:
        fail(error)
    except FeedError as error:
        raise Fail(str(error), exit_code=1) from None
    except OSError as error:
        raise Fail(f"cannot write to {out_dir} ({error.strerror or error})") from None
    removed = f", {len(report.removed)} removed" if report.removed else ""
    click.echo(f"{report.folder}: {len(report.written)} files written, {report.unchanged} unchanged{removed}",
               err=True)
    click.echo(f"Page: {report.folder / 'index.html'}", err=True)


def _token(token: str | None) -> str | None:
    from followup_ics.feeds import valid_token

    if token is not None and not valid_token(token):
        raise Fail("--token: use 16 or more letters, digits, '-' or '_'")
    return token


def _notices(notices: tuple[str, ...]) -> None:
    for notice in notices:
        click.echo(f"note: {notice}", err=True)


COMMANDS: dict[str, click.Command] = {command.name or "": command
                                      for command in (generate, plan, links, batch, serve, export_site)}
