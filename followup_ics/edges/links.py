"""One-click "add to calendar" links for each step, for people who would rather click than import.

Such links carry a title, times, place and description, but never a reminder: the apps do not accept one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from followup_ics.core.records import Schedule, Step
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.ical.zonenames import writes_as_utc

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_LIVE = "https://outlook.live.com/calendar/0/action/compose"
OUTLOOK_OFFICE = "https://outlook.office.com/calendar/0/action/compose"
MAX_DETAILS = 1500  # characters; longer links break in some browsers and mail clients


@dataclass(frozen=True, slots=True)
class StepLinks:
    step: Step
    google: str
    outlook_live: str
    outlook_office: str


def step_links(schedule: Schedule) -> list[StepLinks]:
    return [_links(schedule, step) for step in schedule.steps]


def _links(schedule: Schedule, step: Step) -> StepLinks:
    zone_name = schedule.interview.zone
    details = _shorten(step.description)
    if writes_as_utc(zone_name):
        dates = f"{_utc(step.start)}/{_utc(step.end)}"
        google_zone = {}
    else:
        zone = tzinfo(zone_name)
        # Google reads these wall-clock times in ctz, so the event lands right whatever the viewer's zone.
        dates = f"{local(zone, step.start):%Y%m%dT%H%M%S}/{local(zone, step.end):%Y%m%dT%H%M%S}"
        google_zone = {"ctz": zone_name}
    google = {"action": "TEMPLATE", "text": step.summary, "dates": dates, **google_zone, "details": details}
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": step.summary,
               "startdt": _iso_utc(step), "enddt": _iso_utc(step, end=True), "body": details, "allday": "false"}
    if step.location:
        google["location"] = outlook["location"] = step.location
    return StepLinks(step, _url(GOOGLE, google), _url(OUTLOOK_LIVE, outlook), _url(OUTLOOK_OFFICE, outlook))


def _url(base: str, params: dict[str, str]) -> str:
    return f"{base}?{urlencode(params, quote_via=quote)}"


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _iso_utc(step: Step, *, end: bool = False) -> str:
    # Outlook's compose links read a time with Z as UTC; without one, as the viewer's own zone.
    return f"{(step.end if end else step.start).astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_DETAILS else text[: MAX_DETAILS - 1].rstrip() + "…"
