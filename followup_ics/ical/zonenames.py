"""Zone names as calendars write them: IANA names in any case, Windows names (Outlook), and the zones
icalendar writes as UTC."""

from __future__ import annotations

import functools

import pytz

from followup_ics.core.errors import InputError
from followup_ics.core.zones import tzinfo


def resolve_zone(name: str, field_name: str = "timezone") -> str:
    """An IANA zone name in its canonical spelling ('america/new_york' -> 'America/New_York')."""
    cleaned = name.strip().lstrip(":")
    if not cleaned:
        raise InputError(field_name, "must not be empty")
    try:
        return str(tzinfo(cleaned).zone)
    except (pytz.UnknownTimeZoneError, ValueError, UnicodeError):
        pass
    windows = _windows_zone(cleaned)
    if windows:
        return windows
    raise InputError(field_name, "unknown time zone; use an IANA name such as Europe/Paris "
                     "or a Windows one such as Eastern Standard Time", value=name)


def _windows_zone(name: str) -> str | None:
    """'Eastern Standard Time' (as Outlook and Windows name zones) -> 'America/New_York'."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    wanted = " ".join(name.split()).casefold()
    for windows, iana in WINDOWS_TO_OLSON.items():
        if windows.casefold() == wanted:
            return str(tzinfo(iana).zone)
    return None


@functools.cache
def writes_as_utc(zone_name: str) -> bool:
    """Whether icalendar writes this zone's times in UTC ('...Z', no TZID): UTC itself and the zones it
    holds equivalent (Etc/UTC, GMT, Africa/Abidjan...). Such a zone needs no VTIMEZONE."""
    from icalendar.timezone import tzid_from_tzinfo

    return tzid_from_tzinfo(tzinfo(zone_name)) == "UTC"
