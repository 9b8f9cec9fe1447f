"""The plan as a table for the terminal: what the user is about to import, in the user's language."""

from __future__ import annotations

from datetime import timedelta

from followup_ics.core.records import Move, Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.wording.language import Language, language


def plan_table(schedule: Schedule, lang: Language | None = None) -> str:
    """A readable table of the steps: what the user is about to import."""
    lang = lang or language()
    _ = lang._
    zone = tzinfo(schedule.interview.zone)
    header = (_("STEP"), _("WHEN"), _("ALARM"), _("WHAT"))
    rows = []
    for step in schedule.steps:
        start = local(zone, step.start)
        rows.append((step.key, f"{lang.when(start)}-{lang.time(local(zone, step.end))}",
                     alarm_text(step.alarm_before, lang), step.summary))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [_("{title}, times in {zone}", title=schedule.interview.title, zone=schedule.interview.zone), ""]
    indent = " " * (sum(widths) + 2 * len(widths))
    for row, step in zip([header, *rows], [None, *schedule.steps], strict=True):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if step is not None and step.step.moved is not None:
            lines.append(indent + moved_text(step.step.moved, lang))
    lines.append("")
    lines.append(lang.ngettext("{count} event, with one reminder.", "{count} events, each with one reminder.",
                               len(rows)))
    return "\n".join(lines)


def moved_text(move: Move, lang: Language | None = None) -> str:
    """'moved from Thu 26 Nov: Thanksgiving', or the day off the count of business days passed over."""
    lang = lang or language()
    _ = lang._
    usual = lang.day(move.usual_day)
    if not move.cause:
        return _("moved from {day}: {other} is a working day", day=usual, other=lang.day(move.cause_day))
    if move.cause_day == move.usual_day:
        return _("moved from {day}: {cause}", day=usual, cause=move.cause)
    return _("moved from {day}: {cause} on {other}", day=usual, cause=move.cause, other=lang.day(move.cause_day))


def alarm_text(before: timedelta, lang: Language) -> str:
    """'at start', '1 h before', '15 min before'."""
    minutes = int(before.total_seconds() // 60)
    if minutes == 0:
        return lang._("at start")
    if minutes % 60 == 0:
        return lang._("{hours} h before", hours=minutes // 60)
    return lang._("{minutes} min before", minutes=minutes)


def links_heading(schedule: Schedule, lang: Language) -> str:
    """The first line of `links`: whose links, in which zone, and that they carry no reminder."""
    return lang._("{title}, times in {zone}. These links carry no reminder: add one in your calendar.",
                  title=schedule.interview.title, zone=schedule.interview.zone)
