"""Zone lookup by IANA name: pytz zones, fast on a process's first call."""

from __future__ import annotations

import functools

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
