"""The plan as a table for the terminal: what the user is about to import."""

from __future__ import annotations

from datetime import timedelta

from followup_ics.core.records import Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.wording.english import when


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
