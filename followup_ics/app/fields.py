"""Raw user text (CLI options, CSV cells) -> a validated Interview.

Dates: ISO 8601 first, then python-dateutil's common forms ("Dec 1 2026 2pm"). A numeric date whose
day and month could be swapped ("03/12/2026") is an error unless the caller chose an order: never a
guess that silently differs by locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from followup_ics.core.errors import InputError
from followup_ics.core.records import Interview, Person, Status
from followup_ics.core.wallclock import localize
from followup_ics.core.zones import tzinfo
from followup_ics.ical.zonenames import resolve_zone

EARLIEST_YEAR, LATEST_YEAR = 2000, 2036  # pytz's zone rules are exact up to 2037
DATE_ONLY_DEADLINE = time(17, 0)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(r"^(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*(?:m|mins?|minutes?)?)?$")
_PERSON = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<\s*(?P<email>[^<>\s]+)\s*>\s*$")


@dataclass(frozen=True, slots=True)
class RawInterview:
    """One interview exactly as typed; every value a string, lists for repeatable fields."""

    company: str
    date: str
    timezone: str = ""
    duration: str = ""
    role: str = ""
    interviewers: tuple[str, ...] = ()
    interviewer_emails: tuple[str, ...] = ()
    contact: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    references: tuple[str, ...] = ()
    url: str = ""
    location: str = ""
    notes: str = ""
    status: str = ""
    offer_deadline: str = ""
    outcome_date: str = ""
    id: str = ""


def parse_moment(text: str, zone_name: str, field_name: str, *, day_first: bool | None,
                 date_only_time: time | None = None) -> tuple[datetime, str | None, bool]:
    """Aware time in ``zone_name``, a notice if the wall time had to move, and whether a time was given.

    ``date_only_time`` is used when only a date was written; without it a time is required.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InputError(field_name, "is required")
    naive, has_time = _parse_naive(cleaned, field_name, day_first)
    if not has_time:
        if date_only_time is None:
            raise InputError(field_name, "needs a time of day as well as a date", value=text)
        naive = datetime.combine(naive.date(), date_only_time)
    if not EARLIEST_YEAR <= naive.year <= LATEST_YEAR:
        raise InputError(field_name, f"year must be between {EARLIEST_YEAR} and {LATEST_YEAR}", value=text)
    zone = tzinfo(zone_name)
    if naive.tzinfo is not None:
        return zone.normalize(naive.astimezone(zone)), None, has_time
    moment, notice = localize(zone, naive)
    return moment, (f"{field_name}: {notice}" if notice else None), has_time


def _parse_naive(text: str, field_name: str, day_first: bool | None) -> tuple[datetime, bool]:
    if _ISO_DATE.match(text):
        try:
            return datetime.fromisoformat(text), False
        except ValueError:
            raise InputError(field_name, "not a valid date", value=text) from None
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1)), True
    except ValueError:
        pass
    from dateutil import parser  # imported here: only non-ISO dates need it

    try:
        month_first = parser.parse(text, dayfirst=False, default=datetime(2000, 1, 1, 0, 0))
        day_first_reading = parser.parse(text, dayfirst=True, default=datetime(2000, 1, 1, 0, 0))
        # Other defaults in every part: what the text leaves out shows up as a difference below.
        other_default = parser.parse(text, dayfirst=bool(day_first), default=datetime(2001, 2, 2, 1, 1))
    except (parser.ParserError, ValueError, OverflowError):
        raise InputError(field_name, "cannot read this date; write it as YYYY-MM-DD HH:MM",
                         value=text) from None
    if month_first != day_first_reading and day_first is None:
        raise InputError(field_name, f"day and month are ambiguous ({month_first:%d %b} or "
                         f"{day_first_reading:%d %b}); write YYYY-MM-DD or choose --day-first/--month-first",
                         value=text)
    chosen = day_first_reading if day_first else month_first
    if other_default.date() != chosen.date():  # "14:00" or "Dec 1 2pm" would silently be in the year 2000
        raise InputError(field_name, "needs a full date: year, month and day", value=text)
    # A time names at least the hour; "2pm" leaves the minutes to the default, so compare hours only.
    has_time = other_default.hour == chosen.hour
    return chosen, has_time


def parse_duration(text: str, field_name: str = "duration") -> timedelta | None:
    """'45', '45m', '1h', '1h30', '1:30' -> timedelta; empty -> None."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    if cleaned.isdigit():
        return timedelta(minutes=int(cleaned))
    if re.fullmatch(r"\d{1,2}:\d{2}", cleaned):
        hours, minutes = cleaned.split(":")
        return timedelta(hours=int(hours), minutes=int(minutes))
    match = _DURATION.match(cleaned)
    if match and (match["h"] or match["m"]):
        return timedelta(hours=int(match["h"] or 0), minutes=int(match["m"] or 0))
    raise InputError(field_name, "expected minutes (45) or hours and minutes (1h30)", value=text)


def parse_status(text: str, field_name: str = "status") -> Status:
    cleaned = text.strip().lower()
    if not cleaned:
        return Status.PENDING
    try:
        return Status(cleaned)
    except ValueError:
        choices = ", ".join(s.value for s in Status)
        raise InputError(field_name, f"unknown status (one of {choices})", value=text) from None


def parse_person(text: str, field_name: str, *, email: str = "", phone: str = "") -> Person:
    """'Ana Diaz <ana@x.com>', 'ana@x.com' or 'Ana Diaz', plus separately given email and phone."""
    cleaned = " ".join(text.split())
    name = cleaned
    match = _PERSON.match(cleaned)
    if match:
        name, email = match["name"].strip(' "'), email.strip() or match["email"]
    elif "@" in cleaned and " " not in cleaned:
        name, email = "", email.strip() or cleaned
    if any(ch in name for ch in "<>"):
        raise InputError(field_name, 'expected "Name <email>"', value=text)
    return Person(name=name, email=email.strip(), phone=" ".join(phone.split()), role=field_name)


def build_interview(raw: RawInterview, *, zone_name: str, day_first: bool | None = None,
                    default_duration: timedelta = timedelta(minutes=60),
                    as_of: datetime | None = None) -> tuple[Interview, tuple[str, ...]]:
    """Validate every field of ``raw``; return the Interview and notices for the user."""
    if not raw.company.strip():
        raise InputError("company", "must not be empty")
    zone = resolve_zone(raw.timezone, "timezone") if raw.timezone.strip() else zone_name
    notices: list[str] = []
    start, notice, _ = parse_moment(raw.date, zone, "date", day_first=day_first)
    notices += [notice] if notice else []
    duration = parse_duration(raw.duration)
    duration = default_duration if duration is None else duration
    deadline = None
    if raw.offer_deadline.strip():
        deadline, notice, _ = parse_moment(raw.offer_deadline, zone, "offer-deadline", day_first=day_first,
                                           date_only_time=DATE_ONLY_DEADLINE)
        notices += [notice] if notice else []
    status = parse_status(raw.status)
    outcome = None
    if raw.outcome_date.strip():
        outcome, _, has_time = parse_moment(raw.outcome_date, zone, "outcome-date", day_first=day_first,
                                            date_only_time=time(0, 0))
        if not has_time and outcome.date() == start.date():
            outcome = start + duration
    elif status.is_closed and as_of is not None:
        outcome = max(as_of, start + duration)
    emails = list(raw.interviewer_emails)
    interviewers = tuple(
        parse_person(text, "interviewer", email=emails[i] if i < len(emails) else "")
        for i, text in enumerate(raw.interviewers) if text.strip())
    if not interviewers and any(e.strip() for e in emails):
        interviewers = tuple(parse_person("", "interviewer", email=e) for e in emails if e.strip())
    interview = Interview(
        company=" ".join(raw.company.split()),
        start=start,
        zone=zone,
        duration=duration,
        role=" ".join(raw.role.split()),
        interviewers=interviewers,
        contact=parse_person(raw.contact, "contact", email=raw.contact_email, phone=raw.contact_phone),
        references=tuple(parse_person(text, "reference") for text in raw.references if text.strip()),
        url=raw.url.strip(),
        location=" ".join(raw.location.split()),
        notes=raw.notes.replace("\r\n", "\n").replace("\r", "\n").strip(),
        status=status,
        offer_deadline=deadline,
        outcome_at=outcome,
        interview_id=raw.id.strip(),
    )
    return interview, tuple(notices)
