"""What the commands share: the options that describe an interview or a CSV run, and the one place where
a FollowupError becomes a one-line message and an exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from followup_ics.app.config import Request
    from followup_ics.app.fields import RawInterview
    from followup_ics.core.errors import FollowupError
    from followup_ics.core.records import Schedule
    from followup_ics.ical.invite import Invite

ENV_PREFIX = "FOLLOWUP_ICS"


class ListedText(click.types.StringParamType):
    """Text for a repeatable option; from the environment, values are separated by ';' (names hold spaces)."""

    envvar_list_splitter = ";"


LISTED = ListedText()
# Core field names -> the option a user typed, for error messages.
_OPTION_FOR = {"timezone": "--tz", "TZ": "TZ", "SOURCE_DATE_EPOCH": "SOURCE_DATE_EPOCH", "language": "--lang"}


class Fail(click.ClickException):
    """A user error: one line on stderr and exit code 2 (1 for bad data in a batch)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def counted(number: int, noun: str) -> str:
    """'1 interview', '2 interviews': the CLI's own English lines (the calendars' texts use the catalogs)."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def require_readable(path: Path) -> None:
    """A CSV named on the command line must be readable to start: a missing one is bad input (exit 2), in
    every command alike (a server that later finds it gone keeps serving and says so)."""
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        raise Fail(f"{path}: cannot read it ({error.strerror or error})") from None


def fail(error: FollowupError) -> NoReturn:
    from followup_ics.core.errors import InputError

    if isinstance(error, InputError):
        option = _OPTION_FOR.get(error.field, "--" + error.field.replace("_", "-"))
        raise Fail(error.describe().replace(error.field, _from_environment(option) or option, 1)) from None
    raise Fail(str(error), exit_code=error.exit_code) from None


def _from_environment(option: str) -> str | None:
    """The variable an option's value came from, when it came from the environment (to name it in errors)."""
    context = click.get_current_context(silent=True)
    if context is None:
        return None
    for param in context.command.params:
        if option in param.opts and param.name is not None and isinstance(param.envvar, str):
            source = context.get_parameter_source(param.name)
            return param.envvar if source is click.core.ParameterSource.ENVIRONMENT else None
    return None


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
        click.option("--interviewer", "interviewers", multiple=True, type=LISTED,
                     help='"Name <email>"; repeat for each interviewer.'),
        click.option("--contact", default="", help='Recruiter or hiring manager: "Name <email>".'),
        click.option("--contact-email", default="", help="Contact's email, if not in --contact."),
        click.option("--contact-phone", default="", help="Contact's phone number."),
        click.option("--reference", "references", multiple=True, type=LISTED,
                     help='A reference to brief: "Name <email>"; repeatable.'),
        click.option("--url", default="", help="Job posting URL."),
        click.option("--location", default="", help="Where the interview takes place."),
        click.option("--notes", default="", help="Anything to keep with the interview."),
        click.option("--status", default="",
                     help="pending (default), offer, rejected, withdrawn or accepted."),
        click.option("--offer-deadline", default="",
                     help="With --status offer, when you must answer it (required); else another company's "
                          "offer deadline, which adds the competing-offer step."),
        click.option("--offer-arrived", default="",
                     help="When that other offer arrived [default: now]; you tell them about it after."),
        click.option("--outcome-date", default="",
                     help="When the outcome (--status) became known [default: now]."),
        click.option("--id", "interview_id", default="",
                     help="Your own stable id; keeps event UIDs when the date changes."),
        click.option("--no-interview", is_flag=True, help="Leave the interview event itself out."),
        click.option("--skip-past", is_flag=True,
                     help="Leave out steps already past (planning after the fact) [default: keep them, say how many]."),
        click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False),
                     envvar=f"{ENV_PREFIX}_PLAN", help="TOML file changing the plan's offsets and times."),
        click.option("--day-first/--month-first", "day_first", default=None,
                     help="How to read 03/12/2026 [default: refuse ambiguous dates]."),
        *language_options(),
        click.option("--country", default="",
                     help="Whose working days and public holidays: ISO 3166 code (US, DE, JP) or none "
                          "[default: $FOLLOWUP_ICS_COUNTRY, the plan file, else inferred from the zone]."),
        click.option("--region", default="",
                     help="The country's subdivision with its own holidays, e.g. CA (California), BY (Bavaria)."),
    ]
    return with_options(options, command)


def language_options() -> list[Callable[..., Any]]:
    """--lang and --me: in which language the events speak, and whose name signs the drafts."""
    return [
        click.option("--lang", "lang", envvar=f"{ENV_PREFIX}_LANG",
                     help="Language of the event texts: en, de, fr, es or pt-BR "
                          "[default: from LC_ALL/LANG if supported, else en]."),
        click.option("--me", "me", envvar=f"{ENV_PREFIX}_ME", default="",
                     help='Your name, to sign the drafted emails: "Dana Diaz".'),
    ]


def with_options(options: list[Callable[..., Any]], command: Callable[..., Any]) -> Callable[..., Any]:
    """Apply click option decorators so that --help lists them in the order written."""
    for option in reversed(options):
        command = option(command)
    return command


def interview_input(params: dict[str, Any]) -> tuple[RawInterview, Request]:
    """The raw interview and the run's settings, from the options and the invitation if one is given."""
    from followup_ics.app.fields import RawInterview

    invite = _invite(params) if params["invite_file"] else None
    if invite is None:
        for option in ("company", "date"):
            if params[option] is None:
                raise click.UsageError(f"Missing option '--{option}'.")
    request = run_request(params, invite_zone=invite.zone if invite else None)
    raw = RawInterview.from_values({**params, "company": params["company"] or "", "date": params["date"] or ""})
    if invite is None:
        return raw, request
    from followup_ics.app.invitation import fill_from_invite

    raw, notices = fill_from_invite(raw, invite, request.zone)
    say_notices(notices)
    return raw, request


def planned_interview(params: dict[str, Any]) -> tuple[Schedule, Request]:
    """The planned interview of `generate`, `plan` and `links`, its notices said on stderr."""
    from followup_ics.app.interview import make_schedule
    from followup_ics.core.errors import FollowupError

    try:
        raw, request = interview_input(params)
        schedule = make_schedule(raw, request)
    except FollowupError as error:
        fail(error)
    say_notices(schedule.notices)
    return _past_left_out(schedule, request, skip=bool(params.get("skip_past"))), request


def _past_left_out(schedule: Schedule, request: Request, *, skip: bool) -> Schedule:
    """Say how many steps are already past; with --skip-past, leave them out (never all of them)."""
    from followup_ics.app.past import past_notice, past_steps, without_past

    past = past_steps(schedule, request.now)
    if skip and past and len(past) == len(schedule.steps):
        raise Fail("--skip-past: every step of this plan is already past; nothing would be left")
    notice = past_notice(past, len(schedule.steps), left_out=skip)
    if notice:
        say_notices((notice,))
    return without_past(schedule, request.now) if skip else schedule


def _invite(params: dict[str, Any]) -> Invite:
    from followup_ics.ical.invite import read_invite

    path: Path = params["invite_file"]
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Fail(f"--from-invite: cannot read {path} ({error.strerror or error})") from None
    return read_invite(data, uid=params["invite_uid"])


def run_request(params: dict[str, Any], *, say_default_zone: bool = True, invite_zone: str | None = None) -> Request:
    from followup_ics.app.config import request_for
    from followup_ics.app.workweek import check_environment

    request, source = request_for(params["tz"] or invite_zone, params["plan_file"], day_first=params["day_first"],
                                  no_interview=bool(params.get("no_interview")))
    check_environment(request.settings.workdays)
    if source and say_default_zone:
        click.echo(f"note: no --tz given; using {request.zone} (from {source})", err=True)
    return with_language(request, params)


def with_language(request: Request, params: dict[str, Any]) -> Request:
    """The run's language (--lang, else $FOLLOWUP_ICS_LANG, else the locale, else English) and --me."""
    from followup_ics.app.fields import text_problem
    from followup_ics.core.errors import InputError
    from followup_ics.wording.language import from_environment, resolve

    lang = params.get("lang")
    code = resolve(lang) if lang else from_environment()
    me = " ".join((params.get("me") or "").split())
    problem = text_problem(me)  # a CSV's rows check their own; the run's name signs every row without one
    if problem:
        fail(InputError("me", problem, value=me))
    return request._replace(language=code, me=me)


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
        *language_options(),
    ]
    return with_options(options, command)


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
    return with_options(options, command)


def checked_token(token: str | None) -> str | None:
    from followup_ics.edges.feeds import valid_token

    if token is not None and not valid_token(token):
        raise Fail("--token: use 16 or more letters, digits, '-' or '_'")
    return token


def say_column_note(csv_file: Path) -> None:
    """Once per run: which CSV column was read as which field, where the names differ."""
    from followup_ics.edges.spreadsheet import header_note

    note = header_note(csv_file)
    if note:
        click.echo(f"note: {note}", err=True)


def say_notices(notices: tuple[str, ...]) -> None:
    for notice in notices:
        click.echo(f"note: {notice}", err=True)


# A CalDAV calendar's name when none is given (`push`, `generate --push`).
DEFAULT_CALENDAR = "Job search"


def server_options(url_option: str, url_help: str, *, required: bool,
                   force_help: str = "Overwrite (or delete) events that were edited in the calendar since the "
                                     "last push.") -> list[Callable[..., Any]]:
    """--url (or generate's --push), --user, --calendar, --dry-run and --force."""
    return [
        click.option(url_option, "server_url", required=required, metavar="URL", help=url_help),
        click.option("--user", default=None,
                     help="Account on the server [default: the login ~/.netrc gives for its host]."),
        click.option("--calendar", default=DEFAULT_CALENDAR, show_default=True,
                     help="Name of the calendar to fill; created if missing."),
        click.option("--dry-run", is_flag=True, help="Only print what would be created, updated and deleted."),
        click.option("--force", is_flag=True, help=force_help),
    ]
