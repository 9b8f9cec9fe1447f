"""Our calendars written straight to text: the very bytes icalendar gives for ``ics.build_calendar``.

Profiling a batch showed icalendar's serialisation at over 90% of the time per interview, half of it in
its line folding. Our calendars use a handful of property shapes, so this module writes them directly,
replicating icalendar 7's ordering and folding and ics.Text's escaping; VTIMEZONEs, the one intricate part, are still
made by icalendar, once per zone and span, and reused. tests/test_writer.py proves the output byte for
byte identical to icalendar's over random schedules in every zone, so icalendar stays the reference.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pytz

from followup_ics.core.identity import interview_key, uid_for
from followup_ics.core.records import Schedule, Step, WordedStep
from followup_ics.ical import reference as ics
from followup_ics.ical import tzrules
from followup_ics.ical.revisions import event_revisions, next_revisions
from followup_ics.ical.zonenames import writes_as_utc

_LIMIT = 75  # icalendar breaks before a line would reach 75 octets


def render(schedules: Sequence[Schedule], *, stamp: datetime, previous: bytes | None = None,
           name: str | None = None, feed: ics.FeedOptions | None = None) -> bytes:
    """The calendar's bytes; events that differ from ``previous`` get a higher SEQUENCE."""
    found = revisions(schedules, stamp=stamp, previous=previous, feed=feed) if previous else None
    return calendar_text(schedules, stamp=stamp, name=name, revisions=found, feed=feed).encode("utf-8")


def revisions(schedules: Sequence[Schedule], *, stamp: datetime, previous: bytes,
              feed: ics.FeedOptions | None = None) -> dict[str, tuple[int, datetime]]:
    """UID -> (SEQUENCE, stamp) for each event ``previous`` already held: kept if unchanged, else moved on."""
    current = calendar_text(schedules, stamp=stamp, feed=feed).encode("utf-8")
    return next_revisions(event_revisions(current), event_revisions(previous), stamp)


def calendar_text(schedules: Sequence[Schedule], *, stamp: datetime, name: str | None = None,
                  revisions: Mapping[str, tuple[int, datetime]] | None = None,
                  feed: ics.FeedOptions | None = None) -> str:
    """``ics.build_calendar(...).to_ical()``, decoded."""
    revisions = revisions or {}
    parts = [shell_head(name or ics.calendar_name(schedules), ics.zone_spans(schedules), feed)]
    for schedule in schedules:
        key = interview_key(schedule.interview)
        for step in schedule.steps:
            uid = uid_for(key, step.key)
            sequence, event_stamp = revisions.get(uid, (0, stamp))
            parts.append(event_text(step, uid, uid_for(key, "interview"), event_stamp, sequence,
                                    modified=feed is not None))
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts)


def shell_head(name: str, zones: Mapping[str, tuple[datetime, datetime]],
               feed: ics.FeedOptions | None = None) -> str:
    """Everything of ``ics.calendar_shell`` before its first event: properties, then VTIMEZONEs."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + _text(ics.PRODID), "CALSCALE:GREGORIAN",
             "NAME:" + _text(name), "X-WR-CALNAME:" + _text(name)]
    if feed is not None:
        lines.append("REFRESH-INTERVAL;VALUE=DURATION:" + _duration(feed.refresh))
    if feed is not None:
        lines.append("X-PUBLISHED-TTL:" + _duration(feed.refresh))
    lines.append("X-WR-TIMEZONE:" + _text(ics.display_zone(zones)))
    head = "".join(_fold(line) + "\r\n" for line in lines)
    return head + "".join(_vtimezone(zone, first, last) for zone, (first, last) in zones.items())


def event_text(step: WordedStep, uid: str, interview_uid: str, stamp: datetime, sequence: int,
               modified: bool = False) -> str:
    """One VEVENT with its VALARM, properties in icalendar's order (canonical ones, then by name).

    ``stamp`` is when the event last changed: its DTSTAMP, and its LAST-MODIFIED when ``modified``.
    """
    is_interview = step.blocks_time
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _text(step.summary),
        "DTSTART" + _moment(step.start),
        "DTEND" + _moment(step.end),
        "DTSTAMP" + _utc(stamp),
        "UID:" + _text(uid),
        f"SEQUENCE:{sequence}",
    ]
    if step.categories:
        lines.append("CATEGORIES:" + ",".join(_text(category) for category in step.categories))
    lines += ["CLASS:PRIVATE", "DESCRIPTION:" + _text(step.description)]
    if modified:
        lines.append("LAST-MODIFIED" + _utc(stamp))
    if step.location:
        lines.append("LOCATION:" + _text(step.location))
    if not is_interview:
        lines.append("RELATED-TO:" + _text(interview_uid))
    lines.append("TRANSP:OPAQUE" if is_interview else "TRANSP:TRANSPARENT")
    if step.url:
        lines.append("URL:" + step.url)
    lines += [
        "X-MICROSOFT-CDO-BUSYSTATUS:" + ("BUSY" if is_interview else "FREE"),
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:" + _text(step.alarm_text),
        _trigger(step),
        "END:VALARM",
        "END:VEVENT",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _trigger(step: Step) -> str:
    if step.alarm_before >= ics.ABSOLUTE_ALARM_FROM:
        return "TRIGGER;VALUE=DATE-TIME" + _utc(step.start - step.alarm_before)
    return "TRIGGER:" + _duration(-step.alarm_before)


_text = ics.escape_text


def _moment(moment: datetime) -> str:
    """';TZID=zone:local' or ':utcZ' after the property name."""
    zone = getattr(moment.tzinfo, "zone", None)
    if zone is None or writes_as_utc(zone):
        return _utc(moment)
    # IANA names hold none of the characters a parameter value would need quoted for.
    return f";TZID={zone}:{moment:%Y%m%dT%H%M%S}"


def _utc(moment: datetime) -> str:
    return f":{moment.astimezone(pytz.utc):%Y%m%dT%H%M%S}Z"


def _duration(delta: timedelta) -> str:
    """icalendar's DURATION form: -PT1H, P0D, P1DT30M."""
    sign = ""
    if delta.days < 0:
        sign, delta = "-", -delta
    time_part = ""
    if delta.seconds:
        hours, rest = divmod(delta.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time_part = "T"
        if hours:
            time_part += f"{hours}H"
        if minutes or (hours and seconds):
            time_part += f"{minutes}M"
        if seconds:
            time_part += f"{seconds}S"
    if delta.days == 0 and time_part:
        return f"{sign}P{time_part}"
    return f"{sign}P{delta.days}D{time_part}"


def _fold(line: str) -> str:
    """icalendar's folding: a break before a line would reach 75 octets, never right after a
    backslash or caret (so escapes stay whole), never inside a UTF-8 character."""
    if len(line) < _LIMIT and (line.isascii() or len(line.encode("utf-8")) < _LIMIT):
        return line
    if line.isascii():
        return _fold_ascii(line)
    return _fold_unicode(line)


def _fold_ascii(line: str) -> str:
    chunks = []
    start, end = 0, len(line)
    while end - start > _LIMIT - 1:
        stop = start + _LIMIT - 1
        if line[stop - 1] in "\\^":  # a chunk of 74 characters is always longer than 1
            stop -= 1
        chunks.append(line[start:stop])
        start = stop
    chunks.append(line[start:])
    return "\r\n ".join(chunks)


def _fold_unicode(line: str) -> str:
    chunks: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = 1 if char < "\x80" else len(char.encode("utf-8"))
        if current and count + size >= _LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                chunks.append("".join(current))
                current, count = [carried], 1
            else:
                chunks.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        chunks.append("".join(current))
    return "\r\n ".join(chunks)


def _vtimezone(zone: str, first: datetime, last: datetime) -> str:
    return _vtimezone_text(zone, tzrules.observances(zone, first, last))


@functools.lru_cache(maxsize=4096)
def _vtimezone_text(zone: str, observances: tuple[tzrules.Observance, ...]) -> str:
    # Keyed by the observances, not the span: most spans in one zone need the same rules.
    calendar = ics.Calendar()
    calendar.add_component(ics.vtimezone_from(zone, observances))
    text = calendar.to_ical().decode("utf-8")
    return text[len("BEGIN:VCALENDAR\r\n"):-len("END:VCALENDAR\r\n")]
