"""Zone names as calendars write them: IANA names in any case, Windows names (Outlook), and the zones
icalendar writes as UTC. Imports no icalendar: `generate` resolves and writes zones without it."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

import pytz

from followup_ics.core.errors import InputError
from followup_ics.core.zones import tzinfo

# icalendar holds two zones equivalent when their offsets agree from this instant on (the root of its
# equivalent_timezone_ids table); a zone equivalent to UTC is written in UTC.
_EQUIVALENCE_FROM = datetime(1970, 1, 2)


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


# The zone of a place each common abbreviation most likely means. Suggestions only: an abbreviation is never
# read as a zone (CST is US Central or China, IST three zones). Some are zones of the tz database too, kept
# there for old systems: "EST" is a fixed UTC-5 with no summer time, "CET" the EU rules with Belgium's
# holidays inferred. Someone typing those almost always means a city's zone, so a user's --tz or timezone
# cell naming one is refused with the place meant, as an abbreviation in a date is; an invitation's TZID
# still reads them, as its own VTIMEZONE defines them.
PLACE_OF_ABBREVIATION = {
    "EST": "America/New_York", "EDT": "America/New_York", "EST5EDT": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CST6CDT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver", "MST7MDT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PST8PDT": "America/Los_Angeles",
    "HST": "Pacific/Honolulu", "BST": "Europe/London", "WET": "Europe/Lisbon", "CET": "Europe/Paris",
    "CEST": "Europe/Paris", "MET": "Europe/Paris", "EET": "Europe/Athens", "EEST": "Europe/Athens",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
}


def user_zone(name: str, field_name: str = "timezone") -> str:
    """resolve_zone for a zone a user typed: an abbreviation-like zone ("EST", "CET") is refused in one line."""
    zone = resolve_zone(name, field_name)
    meant = PLACE_OF_ABBREVIATION.get(zone)
    if meant is not None:
        raise InputError(field_name, f"{zone} is an abbreviation (a fixed or generic offset, not a place); "
                         f"give the zone of a place, e.g. {meant}", value=name)
    return zone


def _windows_zone(name: str) -> str | None:
    """'Eastern Standard Time' (as Outlook and Windows name zones) -> 'America/New_York'."""
    from followup_ics.ical.windowszones import WINDOWS_TO_IANA  # only for names that are not IANA

    wanted = " ".join(name.split()).casefold()
    for windows, iana in WINDOWS_TO_IANA.items():
        if windows.casefold() == wanted:
            return str(tzinfo(iana).zone)
    return None


@functools.cache
def writes_as_utc(zone_name: str) -> bool:
    """Whether icalendar writes this zone's times in UTC ('...Z', no TZID): UTC itself and the zones it
    holds equivalent (Etc/UTC, GMT, Africa/Abidjan...), those at offset zero ever since 2 Jan 1970.
    Such a zone needs no VTIMEZONE. tests/test_zones.py holds this to icalendar over every pytz zone."""
    zone = tzinfo(zone_name)
    times: list[datetime] | None = getattr(zone, "_utc_transition_times", None)
    infos: list[tuple[timedelta, timedelta, str]] | None = getattr(zone, "_transition_info", None)
    if not times or not infos:  # a fixed offset (pytz's StaticTzInfo)
        return zone.utcoffset(_EQUIVALENCE_FROM) == timedelta(0)
    # The offset in force on 2 Jan 1970 and every one after it.
    since = max(0, next((i for i, moment in enumerate(times) if moment > _EQUIVALENCE_FROM), len(times)) - 1)
    return all(offset == timedelta(0) for offset, _, _ in infos[since:])
