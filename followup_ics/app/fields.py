"""Raw user text (CLI options, CSV cells) -> a validated Interview.

Dates: ISO 8601 first, then python-dateutil's common forms ("Dec 1 2026 2pm", "2026-12-01 2:00 PM").
A date that starts with a four-digit year is always year, month, day. Any other numeric date whose day
and month could be swapped ("03/12/2026") is an error unless the caller chose an order: never a guess
that silently differs by locale. An offset is read as written ("UTC+3" is three hours ahead); a zone
abbreviation ("EST") is refused in one line, since several zones share most of them.
"""

from __future__ import annotations

import functools
import operator
import re
import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from followup_ics.core.errors import InputError
from followup_ics.core.pytzfast import localize_quiet
from followup_ics.core.records import Interview, Person, Status
from followup_ics.core.wallclock import local, localize
from followup_ics.core.zones import tzinfo
from followup_ics.ical.zonenames import PLACE_OF_ABBREVIATION, user_zone

EARLIEST_YEAR, LATEST_YEAR = 2000, 2036  # pytz's zone rules are exact up to 2037
DATE_ONLY_DEADLINE = time(17, 0)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Patterns only some inputs need are compiled on first use (re keeps them): compiling them all costs every
# `generate` about a millisecond, and "2026-12-01 14:00" with no duration needs none of these three.
_DURATION = r"^(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*(?:m|mins?|minutes?)?)?$"
_YEAR_FIRST = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?=$|[\sT])"
_UTC_OFFSET = r"(?i)\s*\b(?:UTC|GMT)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b"
MAX_TEXT = 10_000  # characters in one value, from an option or a CSV cell; apps truncate long before this
# C0 controls but tab, CR and LF (whitespace, folded away or kept in notes), DEL, and the C1 controls:
# iCalendar text may not hold them, and strict parsers refuse the whole file.
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL = re.compile(f"[{_CONTROLS}]")
# ... and lone surrogates: Python's stand-in for a byte that was not UTF-8 in an argument or the environment
# (``--me $'Zo\xff'``), which no calendar file can hold.
_UNUSABLE = re.compile(f"[{_CONTROLS}\\ud800-\\udfff]")
_PERSON = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<\s*(?P<email>[^<>\s]+)\s*>\s*$")


class RawInterview(NamedTuple):
    """One interview exactly as typed; every value a string, lists for repeatable fields. A NamedTuple, not a
    frozen dataclass: a batch makes one per row, and the class itself is five times cheaper to create at start-up."""

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
    offer_arrived: str = ""
    language: str = ""  # this interview's texts in another language than the run's
    me: str = ""  # the user's name for this interview's drafts, if not the run's
    country: str = ""
    region: str = ""

    @classmethod
    def from_values(cls, values: Mapping[str, str | Sequence[str] | None]) -> RawInterview:
        """The one mapping from named values (CSV columns, CLI options, a form) to an interview: a value's
        name is the field's or one of its spellings (``interviewer`` for ``interviewers``); others are ignored."""
        known: dict[str, Any] = {}
        for name, value in values.items():
            field_name = SPELLINGS.get(name, name)
            if field_name not in _FIELDS or value is None:
                continue
            if field_name in LIST_FIELDS:
                known[field_name] = (value,) if isinstance(value, str) else tuple(value)
            else:
                known[field_name] = value if isinstance(value, str) else "; ".join(value)
        return cls(company=known.pop("company", ""), date=known.pop("date", ""), **known)


# Other spellings of a field, as CSV columns and CLI options name them.
SPELLINGS = {"interviewer": "interviewers", "interviewer_email": "interviewer_emails", "reference": "references",
             "interview_id": "id"}
LIST_FIELDS = frozenset({"interviewers", "interviewer_emails", "references"})
_FIELDS = frozenset(RawInterview._fields)


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
    quiet = localize_quiet(zone, naive)  # nearly every time: far from a change of offset, with nothing to say
    if quiet is not None:
        return quiet, None, has_time
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
    text = re.sub(_UTC_OFFSET, _iso_offset, text)
    year_first = re.match(_YEAR_FIRST, text)
    if year_first:
        return _parse_year_first(text, year_first, field_name)
    month_first, _ = _dateutil(text, field_name, dayfirst=False)
    day_first_reading, _ = _dateutil(text, field_name, dayfirst=True)
    if month_first != day_first_reading and day_first is None:
        raise InputError(field_name, f"day and month are ambiguous ({month_first:%d %b} or "
                         f"{day_first_reading:%d %b}); write YYYY-MM-DD or choose --day-first/--month-first",
                         value=text)
    return _dateutil(text, field_name, dayfirst=bool(day_first))


def _parse_year_first(text: str, match: re.Match[str], field_name: str) -> tuple[datetime, bool]:
    """2026/12/01, 2026.12.01 14:00, 2026-12-01 2:00 PM: the year comes first, then always the month."""
    try:
        written = datetime(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise InputError(field_name, "not a valid date", value=text) from None
    moment, has_time = _dateutil(text, field_name, yearfirst=True, dayfirst=False)
    if moment.date() != written.date():  # dateutil swaps fields it cannot place; never accept a swap
        raise InputError(field_name, "not a valid date", value=text)
    return moment, has_time


def _dateutil(text: str, field_name: str, **order: bool) -> tuple[datetime, bool]:
    """dateutil's reading and whether a time was written; its warnings become one InputError."""
    from dateutil import parser  # imported here: only non-ISO dates need it

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # Two defaults that differ in every part: equal hours mean the text gave the hour itself, and
            # different dates that it left out part of the date.
            moment = parser.parse(text, default=datetime(2000, 1, 1, 0, 0), **order)
            probe = parser.parse(text, default=datetime(2001, 2, 2, 1, 0), **order)
        except (parser.ParserError, ValueError, OverflowError):
            raise InputError(field_name, "cannot read this date; write it as YYYY-MM-DD HH:MM",
                             value=text) from None
    for warning in caught:
        if issubclass(warning.category, parser.UnknownTimezoneWarning):
            raise InputError(field_name, _abbreviation_refused(text), value=text)
    if probe.date() != moment.date():  # "14:00" or "Dec 1 2pm" would silently be in the year 2000
        raise InputError(field_name, "needs a full date: year, month and day", value=text)
    return moment, probe.hour == moment.hour


def _abbreviation_refused(text: str) -> str:
    """Why a zone abbreviation is refused, with the --tz to give instead where one is common."""
    words = re.findall(r"[A-Za-z]{2,5}", text)
    name = next((w for w in words if w.upper() in PLACE_OF_ABBREVIATION), None)
    if name is None:
        return ("a time zone abbreviation is ambiguous (IST is India, Israel or Ireland); "
                "leave it off and give the zone with --tz or a timezone column")
    return (f"a time zone abbreviation is ambiguous ({name} could be several zones); leave it off and "
            f"give the zone with --tz or a timezone column, e.g. {PLACE_OF_ABBREVIATION[name.upper()]}")


def _iso_offset(match: re.Match[str]) -> str:
    """'UTC+3' -> '+03:00': dateutil reads 'GMT+3' the POSIX way, three hours *behind*."""
    return f" {match['sign']}{int(match['h']):02d}:{match['m'] or '00'}"


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
    match = re.match(_DURATION, cleaned)
    if match and (match["h"] or match["m"]):
        return timedelta(hours=int(match["h"] or 0), minutes=int(match["m"] or 0))
    raise InputError(field_name, "expected minutes (45) or hours and minutes (1h30)", value=text)


def parse_status(text: str, field_name: str = "status") -> Status:
    cleaned = text.strip().lower()
    if not cleaned:
        return Status.PENDING
    status = _STATUSES.get(cleaned)  # what Status(cleaned) gives, without the enum's slower call
    if status is None:
        choices = ", ".join(s.value for s in Status)
        raise InputError(field_name, f"unknown status (one of {choices})", value=text)
    return status


_STATUSES = {status.value: status for status in Status}


@functools.lru_cache(maxsize=1024)
def parse_person(text: str, field_name: str, *, email: str = "", phone: str = "") -> Person:
    """'Ana Diaz <ana@x.com>', 'ana@x.com' or 'Ana Diaz', plus separately given email and phone.

    Remembered for recent cells (a Person is immutable): a spreadsheet names the same recruiters,
    interviewers and references row after row, and a batch reads every row twice."""
    cleaned = " ".join(text.split())
    name = cleaned
    separate_email = email.strip()
    match = _PERSON.match(cleaned)
    if match:
        name, email = match["name"].strip(' "'), email.strip() or match["email"]
    elif "@" in cleaned and " " not in cleaned:
        name, email = "", email.strip() or cleaned
    if any(ch in name for ch in "<>"):
        raise InputError(field_name, 'expected "Name <email>"', value=text)
    try:
        return Person(name=name, email=email.strip(), phone=" ".join(phone.split()), role=field_name)
    except InputError as error:
        # A separately given email or phone is its own column (contact_email, interviewer_email):
        # name that one, not the name column.
        if error.value and error.value == separate_email:
            raise InputError(f"{field_name}_email", error.message, value=error.value) from None
        if error.value and error.value == " ".join(phone.split()):
            raise InputError(f"{field_name}_phone", error.message, value=error.value) from None
        raise


def check_text(raw: RawInterview) -> None:
    """Every value of ``raw`` is at most MAX_TEXT characters and free of control characters."""
    texts = list(_SCALARS(raw))
    for values in _LISTS(raw):
        texts += values
    if texts_fine(texts):
        return  # the usual case, checked at once; else each value is looked at to name the bad one
    for name in RawInterview._fields:
        value = getattr(raw, name)
        for text in value if isinstance(value, tuple) else (value,):
            problem = text_problem(text)
            if problem:
                raise InputError(_FIELD_NAMES.get(name, name.replace("_", "-")), problem,
                                 value=text if len(text) <= MAX_TEXT else None)


def texts_fine(texts: list[str]) -> bool:
    """True if no text of ``texts`` has a problem (``text_problem``): one search over them all, joined by a
    line feed (which is allowed), rather than one per text."""
    return (not texts or max(map(len, texts)) <= MAX_TEXT) and _UNUSABLE.search("\n".join(texts)) is None


def text_problem(text: str) -> str | None:
    """What makes ``text`` unusable in a calendar, or None."""
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters ({len(text)})"
    found = _UNUSABLE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
        return f"is not UTF-8 text (the byte 0x{code - 0xDC00:02X}; is the terminal's encoding UTF-8?)"
    if 0xD800 <= code <= 0xDFFF:
        return f"is not valid text (a lone surrogate, U+{code:04X})"
    return f"contains control characters (U+{code:04X}; is this a binary file?)"


# Every value of a RawInterview, its single texts then its lists, in one call each.
_SCALARS = operator.attrgetter(*(name for name in RawInterview._fields if name not in LIST_FIELDS))
_LISTS = operator.attrgetter(*(name for name in RawInterview._fields if name in LIST_FIELDS))
_FIELD_NAMES = {"interviewers": "interviewer", "interviewer_emails": "interviewer-email", "references": "reference"}


def undated_outcome(status: Status, end: datetime, known: datetime, zone: str,
                    field_name: str = "outcome_date") -> tuple[datetime, str | None]:
    """When an outcome given without a date counts from: when it was first known, but never before the
    interview ended. An interview still ahead dates it at its end, and the notice says so (generate, a CSV
    row and `record` all follow this rule)."""
    if known >= end:
        return known, None
    shown = local(tzinfo(zone), end)
    return end, (f"{field_name}: none given for status {status.value!r} and the interview is still ahead; "
                 f"dated at its end, {shown:%a} {shown.day} {shown:%b %Y, %H:%M}")


def _check_offer(status: Status, deadline: datetime | None, arrived: datetime | None) -> None:
    """An offer's deadline is its own (when you must answer it): required, and after the offer came. For any
    other status it is another company's offer (the competing-offer step)."""
    if status is not Status.OFFER:
        return
    if deadline is None:
        raise InputError("offer_deadline", "an offer needs its deadline: when must you answer?")
    if arrived is not None and deadline <= arrived:
        raise InputError("offer_deadline", "must be after the offer arrived (the outcome date)",
                         value=f"{deadline:%Y-%m-%d %H:%M}")


def build_interview(raw: RawInterview, *, zone_name: str, day_first: bool | None = None,
                    default_duration: timedelta = timedelta(minutes=60),
                    as_of: datetime | None = None, text_checked: bool = False) -> tuple[Interview, tuple[str, ...]]:
    """Validate every field of ``raw``; return the Interview and notices for the user. ``text_checked``: every
    value of ``raw`` is known to pass ``check_text`` already (a row checked by an earlier reading)."""
    if not text_checked:
        check_text(raw)
    if not raw.company.strip():
        raise InputError("company", "must not be empty")
    zone = user_zone(raw.timezone, "timezone") if raw.timezone.strip() else zone_name
    notices: list[str] = []
    start, notice, _ = parse_moment(raw.date, zone, "date", day_first=day_first)
    notices += [notice] if notice else []
    duration = parse_duration(raw.duration)
    duration = default_duration if duration is None else duration
    deadline = None
    if raw.offer_deadline.strip():
        deadline, notice, _ = parse_moment(raw.offer_deadline, zone, "offer_deadline", day_first=day_first,
                                           date_only_time=DATE_ONLY_DEADLINE)
        notices += [notice] if notice else []
    arrived = None
    if raw.offer_arrived.strip():
        arrived, _, _ = parse_moment(raw.offer_arrived, zone, "offer_arrived", day_first=day_first,
                                     date_only_time=time(0, 0))
    status = parse_status(raw.status)
    outcome = None
    if raw.outcome_date.strip():
        outcome, _, has_time = parse_moment(raw.outcome_date, zone, "outcome_date", day_first=day_first,
                                            date_only_time=time(0, 0))
        if not has_time and outcome.date() == start.date():
            outcome = start + duration
    elif status.is_closed and as_of is not None:
        outcome, notice = undated_outcome(status, start + duration, as_of, zone)
        notices += [notice] if notice else []
    _check_offer(status, deadline, outcome if raw.outcome_date.strip() else None)
    emails = list(raw.interviewer_emails)
    interviewers = tuple(
        parse_person(text, "interviewer", email=emails[i] if i < len(emails) else "")
        for i, text in enumerate(raw.interviewers) if text.strip())
    # Addresses beyond the named interviewers are interviewers too (a cell may list more addresses).
    interviewers += tuple(parse_person("", "interviewer", email=e)
                          for e in emails[len(raw.interviewers):] if e.strip())
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
        offer_arrived=arrived,
    )
    return interview, tuple(notices)
