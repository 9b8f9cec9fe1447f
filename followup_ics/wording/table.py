"""The plan as a table for the terminal: what the user is about to import."""

from __future__ import annotations

from datetime import date, timedelta

from followup_ics.core.records import Move, Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.wording.english import _DAYS, _MONTHS, when


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
    indent = " " * (sum(widths) + 2 * len(widths))
    for row, step in zip([header, *rows], [None, *schedule.steps], strict=True):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if step is not None and step.step.moved is not None:
            lines.append(indent + moved_text(step.step.moved))
    lines.append("")
    lines.append(f"{len(rows)} events, each with one reminder.")
    return "\n".join(lines)


def moved_text(move: Move) -> str:
    """'moved from Thu 26 Nov: Thanksgiving', or the day off the count of business days passed over."""
    text = f"moved from {_day(move.usual_day)}: "
    if not move.cause:
        return text + f"{_day(move.cause_day)} is a working day"
    if move.cause_day == move.usual_day:
        return text + move.cause
    return text + f"{move.cause} on {_day(move.cause_day)}"


def _day(day: date) -> str:
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def _alarm(before: timedelta) -> str:
    minutes = int(before.total_seconds() // 60)
    if minutes == 0:
        return "at start"
    if minutes % 60 == 0:
        return f"{minutes // 60} h before"
    return f"{minutes} min before"
