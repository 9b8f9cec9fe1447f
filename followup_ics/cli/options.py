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
# Core field names -> the option a user typed, for error messages.
_OPTION_FOR = {"timezone": "--tz", "SOURCE_DATE_EPOCH": "SOURCE_DATE_EPOCH"}


class Fail(click.ClickException):
    """A user error: one line on stderr and exit code 2 (1 for bad data in a batch)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fail(error: FollowupError) -> NoReturn:
    from followup_ics.core.errors import InputError

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
        click.option("--country", default="",
                     help="Whose working days and public holidays: ISO 3166 code (US, DE, JP) or none "
                          "[default: $FOLLOWUP_ICS_COUNTRY, the plan file, else inferred from the zone]."),
        click.option("--region", default="",
                     help="The country's subdivision with its own holidays, e.g. CA (California), BY (Bavaria)."),
    ]
    return with_options(options, command)


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
    raw = RawInterview(
        company=params["company"] or "", date=params["date"] or "", timezone="", duration=params["duration"],
        role=params["role"], interviewers=tuple(params["interviewers"]), contact=params["contact"],
        contact_email=params["contact_email"], contact_phone=params["contact_phone"],
        references=tuple(params["references"]), url=params["url"], location=params["location"],
        notes=params["notes"], status=params["status"], offer_deadline=params["offer_deadline"],
        outcome_date=params["outcome_date"], id=params["interview_id"],
        country=params["country"], region=params["region"])
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
    return schedule, request


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
    return request


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


def say_notices(notices: tuple[str, ...]) -> None:
    for notice in notices:
        click.echo(f"note: {notice}", err=True)
