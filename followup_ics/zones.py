"""Zone lookup, and which zone to use when the user named none: TZ, then the system's zone, then UTC."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytz


@functools.cache
def tzinfo(name: str) -> pytz.BaseTzInfo:
    """``pytz.timezone(name)`` for an exact IANA name, the same object, but fast on a process's first call.

    pytz's first lookup checks that each of its ~600 zone files exists (about 10 ms, a sixth of a whole
    `generate` run); an exact name needs only its own file. Anything else, such as a name in the wrong
    case, takes pytz's own path, which also raises UnknownTimeZoneError.
    """
    if name in getattr(pytz, "_all_timezones_unchecked", ()) and name.upper() != "UTC":
        cache = getattr(pytz, "_tzinfo_cache", None)
        try:
            with pytz.open_resource(name) as data:
                zone = pytz.tzfile.build_tzinfo(name, data)
        except OSError:
            return pytz.timezone(name)
        return cache.setdefault(name, zone) if isinstance(cache, dict) else zone
    return pytz.timezone(name)


@functools.cache
def writes_as_utc(zone_name: str) -> bool:
    """Whether icalendar writes this zone's times in UTC ('...Z', no TZID): UTC itself and the zones it
    holds equivalent (Etc/UTC, GMT, Africa/Abidjan...). Such a zone needs no VTIMEZONE."""
    from icalendar.timezone import tzid_from_tzinfo

    return tzid_from_tzinfo(tzinfo(zone_name)) == "UTC"


def default_zone() -> tuple[str, str]:
    """(zone name, where it came from); the name is not checked here."""
    tz = os.environ.get("TZ", "").strip().lstrip(":")
    if tz:
        return tz, "the TZ variable"
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if name:
            return name, "/etc/timezone"
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1], "/etc/localtime"
    except OSError:
        pass
    return "UTC", "no zone configured"
