"""What every calendar we write holds, shared by the fast writer and the icalendar reference.

Names, fixed values, TEXT escaping and zone spans; it imports no icalendar, so that writing a calendar
(`followup-ics generate`) never loads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from followup_ics import __version__
from followup_ics.core.identity import interview_key, uid_for
from followup_ics.core.records import Interview, Schedule, Step, WordedStep
from followup_ics.ical.zonenames import writes_as_utc

PRODID = f"-//followup-ics//followup-ics {__version__}//EN"
# A relative alarm of a day or more across a DST change is read differently by different clients.
ABSOLUTE_ALARM_FROM = timedelta(days=1)


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping: backslash first, then ; and , and every line break (CRLF, CR, LF) as \\n."""
    # Each replace only where its character is: `in` finds one with memchr, far faster than the count a
    # replace makes first, and backslashes and semicolons are rare (descriptions: some 8 kB per interview).
    if "\r" in value:  # rare: line breaks become LF first, so each is escaped once
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if ";" in value:
        value = value.replace(";", r"\;")
    if "," in value:
        value = value.replace(",", r"\,")
    if "\n" in value:
        value = value.replace("\n", r"\n")
    return value


class FeedOptions(NamedTuple):
    """What a subscribed feed adds: how often apps should refresh it."""

    refresh: timedelta = timedelta(hours=4)


def step_uid(interview: Interview, step: Step) -> str:
    return uid_for(interview_key(interview), step.key)


def interview_uid(interview: Interview) -> str:
    return uid_for(interview_key(interview), "interview")


def calendar_name(schedules: Sequence[Schedule]) -> str:
    """The name wording gave a calendar of one interview; a calendar of several is named by its caller
    (wording.texts.collection_name), in the run's language."""
    return schedules[0].calendar_name if len(schedules) == 1 else ""


def display_zone(zones: Mapping[str, tuple[datetime, datetime]]) -> str:
    """X-WR-TIMEZONE: the first zone with a VTIMEZONE, else UTC (every time is then written in UTC)."""
    return next(iter(zones), "UTC")


def zone_spans(schedules: Iterable[Schedule]) -> dict[str, tuple[datetime, datetime]]:
    """Zone name -> (first, last) instant it must cover, in order of first use; UTC needs none."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for schedule in schedules:
        if schedule.steps:
            widen(spans, schedule.interview.zone, *step_span(schedule.steps))
    return spans


def step_span(steps: Sequence[WordedStep]) -> tuple[datetime, datetime]:
    """The first start and the last end of ``steps`` (at least one)."""
    planned = [step.step for step in steps]  # (read once: WordedStep's start and end are properties)
    return min([step.start for step in planned]), max([step.start + step.duration for step in planned])


def widen(spans: dict[str, tuple[datetime, datetime]], zone: str, first: datetime, last: datetime) -> None:
    """Make ``spans`` cover ``first``..``last`` in ``zone`` (zones written as UTC need no VTIMEZONE)."""
    if writes_as_utc(zone):
        return
    if zone in spans:
        first, last = min(first, spans[zone][0]), max(last, spans[zone][1])
    spans[zone] = (first, last)
