"""Which zone to use when the user named none: TZ, then the system's zone, then UTC."""

from __future__ import annotations

import os
from pathlib import Path


def default_zone() -> tuple[str, str]:
    """(zone name, where it came from), without importing pytz."""
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
