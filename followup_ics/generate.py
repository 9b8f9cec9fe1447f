"""What `generate` and `plan` do, between parsed options and bytes or text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from followup_ics import clock
from followup_ics.inputs import RawInterview, build_interview, resolve_zone
from followup_ics.model import Schedule
from followup_ics.plan import build_schedule
from followup_ics.schedule import local
from followup_ics.settings import DEFAULT_SETTINGS, PlanSettings, load_settings
from followup_ics.texts import when
from followup_ics.zones import default_zone, tzinfo


@dataclass(frozen=True, slots=True)
class Request:
    """Everything one `generate` or `plan` run needs besides the raw interview."""

    zone: str
    now: datetime
    settings: PlanSettings = DEFAULT_SETTINGS
    day_first: bool | None = None


def request_for(zone_name: str | None, plan_file: Path | None = None, *, day_first: bool | None = None,
                no_interview: bool = False) -> tuple[Request, str | None]:
    """The run's settings from what the user gave. Without a zone name the machine's zone is used, and
    the second value says where it came from (for a note); it is None otherwise."""
    source = None
    if not zone_name:
        zone_name, source = default_zone()
    zone = resolve_zone(zone_name, "timezone")
    settings = load_settings(plan_file) if plan_file else DEFAULT_SETTINGS
    if no_interview:
        settings = replace(settings, interview=replace(settings.interview, include=False))
    return Request(zone=zone, now=clock.now(), settings=settings, day_first=day_first), source


def make_schedule(raw: RawInterview, request: Request) -> Schedule:
    """Validate ``raw`` and plan its steps; notices (DST moves) travel on the Schedule."""
    interview, notices = build_interview(
        raw, zone_name=request.zone, day_first=request.day_first,
        default_duration=timedelta(minutes=request.settings.interview.duration), as_of=request.now)
    schedule = build_schedule(interview, request.settings, as_of=request.now)
    return Schedule(schedule.interview, schedule.steps, notices + schedule.notices)


def plan_table(schedule: Schedule) -> str:
    """A readable table of the steps: what the user is about to import."""
    zone = tzinfo(schedule.interview.zone)
    header = ("STEP", "WHEN", "ALARM", "WHAT")
    rows = []
    for step in schedule.steps:
        start = local(zone, step.start)
        rows.append((step.key, f"{when(start)}-{local(zone, step.end):%H:%M}", _alarm(step.alarm_before),
                     step.summary))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [f"{schedule.interview.title}, times in {schedule.interview.zone}", ""]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    lines.append("")
    lines.append(f"{len(rows)} events, each with one reminder.")
    return "\n".join(lines)


def _alarm(before: timedelta) -> str:
    minutes = int(before.total_seconds() // 60)
    if minutes == 0:
        return "at start"
    if minutes % 60 == 0:
        return f"{minutes // 60} h before"
    return f"{minutes} min before"
