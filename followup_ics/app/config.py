"""One run's configuration: the zone, the plan settings and the clock, from options and the environment."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from followup_ics.app import clock
from followup_ics.core.errors import PlanFileError
from followup_ics.core.settings import DEFAULT_SETTINGS, PlanSettings, settings_from_mapping
from followup_ics.ical.zonenames import resolve_zone, user_zone


class Request(NamedTuple):
    """Everything one `generate` or `plan` run needs besides the raw interview. (A NamedTuple: a frozen
    dataclass cost a `generate` about 0.4 ms more to create at import; a changed copy is ``_replace``.)"""

    zone: str
    now: datetime
    settings: PlanSettings = DEFAULT_SETTINGS
    day_first: bool | None = None
    language: str = "en"  # a supported code (wording.language.SUPPORTED): the texts' language
    me: str = ""  # the user's name, signing every draft


def request_for(zone_name: str | None, plan_file: Path | None = None, *, day_first: bool | None = None,
                no_interview: bool = False) -> tuple[Request, str | None]:
    """The run's settings from what the user gave. Without a zone name the machine's zone is used, and
    the second value says where it came from (for a note); it is None otherwise."""
    source = None
    if not zone_name:
        zone_name, source = default_zone()
    # A zone from the machine is named by where it came from: 'TZ: unknown time zone', not a bad --tz. The
    # machine's own setting may be a POSIX-style name (TZ=EST5EDT): it is read, only a typed --tz is refused.
    if source is None:
        zone = user_zone(zone_name)
    else:
        zone = resolve_zone(zone_name, "TZ" if source == "the TZ variable" else "timezone")
    settings = load_settings(plan_file) if plan_file else DEFAULT_SETTINGS
    if no_interview:
        settings = settings._replace(interview=settings.interview._replace(include=False))
    return Request(zone=zone, now=clock.now(), settings=settings, day_first=day_first), source


def load_settings(path: Path) -> PlanSettings:
    """Read a plan file; every key is optional and falls back to the default plan."""
    try:
        import tomllib  # here, not at the top: most runs have no plan file and start faster without it

        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlanFileError(f"plan file {path}: cannot read it ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PlanFileError(f"plan file {path}: not valid TOML ({error})") from None
    return settings_from_mapping(data, source=str(path))


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
