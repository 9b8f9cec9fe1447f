"""Schedules -> one iCalendar object, by icalendar's 7.x API: the reference for what we write.

Every timed value carries a TZID with a rule-based VTIMEZONE (see tzrules), or is UTC. The bytes we ship
come from writer.py, which tests prove identical to ``build_calendar(...).to_ical()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import pytz
from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vText

from followup_ics.core.records import Interview, Schedule, Step, WordedStep
from followup_ics.ical import tzrules

# The shape shared with the writer, re-exported: callers of the reference find it all here.
from followup_ics.ical.shape import (
    ABSOLUTE_ALARM_FROM,
    PRODID,
    FeedOptions,
    calendar_name,
    display_zone,
    escape_text,
    interview_uid,
    step_uid,
    widen,
    zone_spans,
)

__all__ = ["ABSOLUTE_ALARM_FROM", "PRODID", "FeedOptions", "Text", "build_calendar", "calendar_name",
           "calendar_shell", "display_zone", "escape_text", "interview_uid", "step_uid", "vtimezone",
           "vtimezone_from", "widen", "zone_spans"]


class Text(vText):
    """A TEXT value escaped by escape_text. icalendar 7.3's own escaping first turns a literal backslash-N
    into a line break, which would corrupt user text such as the note 'files in C:\\New folder'."""

    def to_ical(self) -> bytes:
        return escape_text(str(self)).encode("utf-8")


def build_calendar(schedules: Sequence[Schedule], *, stamp: datetime, name: str | None = None,
                   revisions: Mapping[str, tuple[int, datetime]] | None = None,
                   feed: FeedOptions | None = None) -> Calendar:
    """One VCALENDAR holding every step of every schedule, with one VTIMEZONE per zone used."""
    calendar = calendar_shell(name or calendar_name(schedules), zone_spans(schedules), feed=feed)
    revisions = revisions or {}
    for schedule in schedules:
        for step in schedule.steps:
            sequence, event_stamp = revisions.get(step_uid(schedule.interview, step), (0, stamp))
            calendar.add_component(_event(schedule.interview, step, event_stamp, sequence, feed is not None))
    return calendar


def calendar_shell(name: str, zones: Mapping[str, tuple[datetime, datetime]], *,
                   feed: FeedOptions | None = None) -> Calendar:
    """The calendar's own properties and its VTIMEZONEs, without events."""
    calendar = Calendar.new(prodid=PRODID, calscale="GREGORIAN")
    # Calendar.new always sets a UID (a random one when none is given). A calendar-level UID makes
    # vdirsyncer (khal, many Linux desktops) file every event of a feed under it: one event shown.
    del calendar["UID"]
    # As Text: icalendar 7.3 writes NAME and X-WR-CALNAME unescaped when set through Calendar.new(name=).
    calendar.add("NAME", Text(name))
    calendar.add("X-WR-CALNAME", Text(name))
    calendar.add("X-WR-TIMEZONE", display_zone(zones))
    if feed is not None:
        calendar.add("REFRESH-INTERVAL", vDuration(feed.refresh), parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vDuration(feed.refresh))
    for zone_name, (first, last) in zones.items():
        calendar.add_component(vtimezone(zone_name, first, last))
    return calendar


def vtimezone(zone_name: str, first: datetime, last: datetime) -> Timezone:
    """A rule-based VTIMEZONE for ``zone_name`` covering ``first``..``last``."""
    return vtimezone_from(zone_name, tzrules.observances(zone_name, first, last))


def vtimezone_from(zone_name: str, observances: Sequence[tzrules.Observance]) -> Timezone:
    component = Timezone()
    component.add("TZID", zone_name)
    for observance in observances:
        part = TimezoneDaylight() if observance.kind == "DAYLIGHT" else TimezoneStandard()
        part.add("DTSTART", observance.start)
        part.add("RRULE", observance.rule.as_rrule())
        part.add("TZNAME", observance.name)
        part.add("TZOFFSETFROM", observance.offset_from)
        part.add("TZOFFSETTO", observance.offset_to)
        component.add_component(part)
    return component


def _event(interview: Interview, step: WordedStep, stamp: datetime, sequence: int, modified: bool) -> Event:
    uid = step_uid(interview, step)
    is_interview = step.blocks_time
    event = Event.new(
        uid=uid,
        stamp=stamp,
        start=step.start,
        end=step.end,
        summary=Text(step.summary),
        description=Text(step.description),
        sequence=sequence,
        categories=list(step.categories) or None,
        classification="PRIVATE",
        transparency="OPAQUE" if is_interview else "TRANSPARENT",
        location=Text(step.location) if step.location else None,
        url=step.url or None,
        related_to=None if is_interview else interview_uid(interview),
        last_modified=stamp if modified else None,
    )
    event.add("X-MICROSOFT-CDO-BUSYSTATUS", "BUSY" if is_interview else "FREE")
    event.add_component(_alarm(step))
    return event


def _alarm(step: Step) -> Alarm:
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", Text(step.alarm_text))
    if step.alarm_before >= ABSOLUTE_ALARM_FROM:
        moment = (step.start - step.alarm_before).astimezone(pytz.utc)
        alarm.add("TRIGGER", moment, parameters={"VALUE": "DATE-TIME"})
    else:
        alarm.add("TRIGGER", -step.alarm_before)
    return alarm
