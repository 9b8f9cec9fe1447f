"""The interview from the calendar invitation the company sent, as Google, Outlook or Apple export it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar

from followup_ics.core.errors import InputError
from followup_ics.ical.zonenames import resolve_zone

FIELD = "from_invite"


@dataclass(frozen=True, slots=True)
class Invite:
    """What an invitation tells us; ``zone`` is None when its times are UTC or floating."""

    start: datetime  # aware, or naive when floating
    end: datetime | None
    zone: str | None
    summary: str
    location: str
    organizer: tuple[str, str] | None  # (name, email)
    people: tuple[tuple[str, str], ...]  # organizer and attendees who are people, without duplicates


def read_invite(data: bytes, *, uid: str | None = None) -> Invite:
    """Parse an invitation; every problem is an InputError for --from-invite."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.upper().startswith(b"BEGIN:VCALENDAR"):
        raise InputError(FIELD, "not an iCalendar file (it should start with BEGIN:VCALENDAR)")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise InputError(FIELD, f"cannot read this iCalendar file ({error})") from None
    event = _choose(calendar, uid)
    if "DTSTART" not in event:
        raise InputError(FIELD, "the event has no start time (DTSTART)")
    try:
        start = event.decoded("DTSTART")
        end = _end(event, start)
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(FIELD, f"cannot read the event's times ({error})") from None
    if not isinstance(start, datetime):
        raise InputError(FIELD, "the event lasts all day; an interview needs a start time")
    return Invite(start=start, end=end, zone=_zone(event, start), summary=_text(event.get("SUMMARY")),
                  location=_text(event.get("LOCATION")), organizer=_person(event.get("ORGANIZER")),
                  people=_people(event))


def _choose(calendar: icalendar.Calendar, uid: str | None) -> icalendar.Event:
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise InputError(FIELD, "the file holds no event (VEVENT)")
    if uid is not None:
        events = [event for event in events if str(event.get("UID", "")) == uid]
        if not events:
            raise InputError("invite-uid", "no event in the invitation has this UID", value=uid)
    uids = list(dict.fromkeys(str(event.get("UID", "")) for event in events))
    if len(uids) > 1:
        shown = ", ".join(uids[:5]) + (", ..." if len(uids) > 5 else "")
        raise InputError(FIELD, f"the file holds {len(uids)} events; choose one with --invite-uid ({shown})")
    # One UID: a recurring invitation and its changed occurrences; the series itself comes first.
    masters = [event for event in events if "RECURRENCE-ID" not in event]
    return (masters or events)[0]


def _end(event: icalendar.Event, start: date) -> datetime | None:
    if "DTEND" in event:
        end = event.decoded("DTEND")
        return end if isinstance(end, datetime) else None
    if "DURATION" in event and isinstance(start, datetime):
        duration = event.decoded("DURATION")
        return start + duration if isinstance(duration, timedelta) else None
    return None


def _zone(event: icalendar.Event, start: datetime) -> str | None:
    tzid = event["DTSTART"].params.get("TZID")
    if tzid:
        try:
            return resolve_zone(str(tzid), FIELD)
        except InputError:
            pass
        from icalendar.timezone import tzids_from_tzinfo

        for candidate in tzids_from_tzinfo(start.tzinfo) if start.tzinfo else ():
            try:
                return resolve_zone(candidate, FIELD)
            except InputError:
                continue
        raise InputError(FIELD, "unknown time zone in the invitation; give the zone with --tz",
                         value=str(tzid))
    return None  # UTC or floating: the zone comes from --tz or the machine


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _person(value: object) -> tuple[str, str] | None:
    if value is None:
        return None
    address = str(value)
    email = address.split(":", 1)[1] if address.lower().startswith("mailto:") else address
    if "@" not in email:
        return None
    name = str(getattr(value, "params", {}).get("CN", "")).strip().strip('"')
    return (name if name and name != email else "", email.strip())


def _people(event: icalendar.Event) -> tuple[tuple[str, str], ...]:
    found: dict[str, tuple[str, str]] = {}
    attendees = event.get("ATTENDEE", [])
    for value in [event.get("ORGANIZER"), *(attendees if isinstance(attendees, list) else [attendees])]:
        params = getattr(value, "params", {})
        if str(params.get("CUTYPE", "INDIVIDUAL")).upper() != "INDIVIDUAL":
            continue
        if str(params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
            continue
        person = _person(value)
        if person and person[1].lower() not in found:
            found[person[1].lower()] = person
    return tuple(found.values())
