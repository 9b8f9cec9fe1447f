"""Conformance checks on any .ics the project writes: bytes, structure, and what parsers read.

Used by the tests of every entry point. The TZID is renamed before the independent parsers read the
file so that they must use our VTIMEZONE, not their own copy of the zone database.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

# icalendar caches parsed VTIMEZONEs by TZID for the whole process: each renamed copy gets its own.
_RENAMES = itertools.count()


@dataclass(frozen=True)
class Reading:
    """What a parser understood of one event: its start instant and its alarm instants, in UTC."""

    start: datetime
    alarms: tuple[datetime, ...]


def unfold(data: bytes) -> list[bytes]:
    return data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").split(b"\r\n")


def check_bytes(data: bytes) -> None:
    """RFC 5545 layout and the project's output contract, line by line."""
    assert not data.startswith(b"\xef\xbb\xbf"), "BOM"
    assert data.endswith(b"\r\n"), "last line not ended by CRLF"
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
    data.decode("utf-8")
    for raw in data.split(b"\r\n")[:-1]:
        assert len(raw) <= 75, f"line longer than 75 octets: {raw[:40]!r}"
        raw.decode("utf-8")  # a fold never splits a UTF-8 character
    lines = unfold(data)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert lines.count(b"BEGIN:VCALENDAR") == 1
    names = [_name(line) for line in lines if line]
    assert "VERSION" in names and "PRODID" in names
    for line in lines:
        if _name(line) == "METHOD":
            assert line == b"METHOD:PUBLISH"
    assert b"BEGIN:VTODO" not in data
    _check_calendar_properties(lines)
    _check_events(lines)
    _check_timezones(lines)


def _name(line: bytes) -> str:
    return re.split(rb"[;:]", line, maxsplit=1)[0].decode().upper()


def _blocks(lines: list[bytes], component: bytes) -> list[list[bytes]]:
    blocks, current = [], None
    for line in lines:
        if line == b"BEGIN:" + component:
            current = []
        elif line == b"END:" + component and current is not None:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _check_calendar_properties(lines: list[bytes]) -> None:
    """No calendar-level UID: vdirsyncer would file every event of a feed under it (its issue 1222)."""
    depth = 0
    for line in lines:
        if line.startswith(b"BEGIN:"):
            depth += 1
        elif line.startswith(b"END:"):
            depth -= 1
        elif depth == 1:
            assert _name(line) != "UID", "VCALENDAR carries a UID"


def _check_events(lines: list[bytes]) -> None:
    uids = []
    for block in _blocks(lines, b"VEVENT"):
        names = [_name(line) for line in block]
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            assert names.count(required) == 1, f"{required} missing or repeated"
        assert names.count("BEGIN") == 1 and block[names.index("BEGIN")] == b"BEGIN:VALARM", "one VALARM"
        first_alarm_line = names.index("BEGIN")
        assert block[-1] == b"END:VALARM", "VALARM must come after every other property"
        alarm = block[first_alarm_line:]
        assert b"ACTION:DISPLAY" in alarm and any(_name(x) == "DESCRIPTION" for x in alarm)
        trigger = next(x for x in alarm if _name(x) == "TRIGGER")
        assert b"RELATED=END" not in trigger
        if b"VALUE=DATE-TIME" not in trigger:
            assert re.fullmatch(rb"TRIGGER:(-?P(T\d+[HMS])+|-?P\d+[DW]|-?P\d+DT[\dHMS]+)", trigger), trigger
        uids.append(block[names.index("UID")])
    assert len(uids) == len(set(uids)), "UIDs are not unique"


def _check_timezones(lines: list[bytes]) -> None:
    defined = set()
    for block in _blocks(lines, b"VTIMEZONE"):
        tzid = next(line for line in block if _name(line) == "TZID").split(b":", 1)[1]
        defined.add(tzid)
        assert not any(_name(line) in ("RDATE", "COMMENT") for line in block)
        observances = [x for x in block if x in (b"BEGIN:STANDARD", b"BEGIN:DAYLIGHT")]
        assert observances, "VTIMEZONE without observances"
        for part in _blocks(block, b"STANDARD") + _blocks(block, b"DAYLIGHT"):
            rules = [x for x in part if _name(x) == "RRULE"]
            for rule in rules:
                assert b"FREQ=YEARLY" in rule and b"BYMONTH=" in rule and b"BYDAY=" in rule, rule
    used = {m.group(1) for line in lines for m in [re.search(rb";TZID=([^;:]+)[;:]", line)] if m}
    assert used <= defined, f"TZID without VTIMEZONE: {used - defined}"


def foreign(data: bytes) -> bytes:
    """The same calendar with every TZID renamed, so parsers must read our VTIMEZONE."""
    prefix = f"Followup-Test-{next(_RENAMES)}/".encode()
    return re.sub(rb"(TZID[=:])([A-Za-z_]+/[A-Za-z_/+\-0-9]+)", rb"\1" + prefix + rb"\2", data)


def read_icalendar(data: bytes) -> dict[str, Reading]:
    calendar = icalendar.Calendar.from_ical(data)
    result = {}
    for event in calendar.walk("VEVENT"):
        start = _utc(event.start)
        alarms = []
        for alarm in event.walk("VALARM"):
            trigger = alarm.decoded("TRIGGER")
            alarms.append(_utc(trigger) if isinstance(trigger, datetime) else start + trigger)
        result[str(event["UID"])] = Reading(start, tuple(alarms))
    return result


def read_ical(data: bytes) -> dict[str, Reading]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    result = {}
    for event in calendar.events:
        start = _utc(event.dtstart)
        alarms = []
        for alarm in event.alarm:
            trigger = alarm.trigger
            alarms.append(_utc(trigger) if isinstance(trigger, datetime) else start + trigger)
        result[event.uid] = Reading(start, tuple(alarms))
    return result


def read_vobject(data: bytes) -> dict[str, Reading]:
    logging.getLogger().setLevel(logging.CRITICAL)  # vobject logs every TZID pytz does not know
    calendar = vobject.readOne(data.decode("utf-8"))
    # vobject takes a VTIMEZONE that is +00:00 throughout 2000-2030 for UTC and then leaves events in
    # that zone floating (pickTzid); such a zone's wall time is UTC, so read it that way.
    lines = unfold(data)
    always_utc = set()
    for block in _blocks(lines, b"VTIMEZONE"):
        offsets = {line.split(b":", 1)[1] for line in block if _name(line) == "TZOFFSETTO"}
        if offsets == {b"+0000"}:
            always_utc.add(next(line for line in block if _name(line) == "TZID").split(b":", 1)[1])
    zone_of = {}
    for block in _blocks(lines, b"VEVENT"):
        uid = next(line for line in block if _name(line) == "UID").split(b":", 1)[1].decode()
        start = next(line for line in block if _name(line) == "DTSTART")
        zone = re.search(rb";TZID=([^;:]+)", start)
        zone_of[uid] = zone.group(1) if zone else b""
    result = {}
    for event in getattr(calendar, "vevent_list", []):  # (no such attribute: a calendar without events)
        value = event.dtstart.value
        if value.tzinfo is None and zone_of.get(event.uid.value) in always_utc:
            value = value.replace(tzinfo=UTC)
        start = _utc(value)
        alarms = []
        for alarm in getattr(event, "valarm_list", []):
            trigger = alarm.trigger.value
            alarms.append(_utc(trigger) if isinstance(trigger, datetime) else start + trigger)
        result[event.uid.value] = Reading(start, tuple(alarms))
    return result


PARSERS = {"icalendar": read_icalendar, "ical": read_ical, "vobject": read_vobject}


def readings(data: bytes) -> dict[str, dict[str, Reading]]:
    """parser name -> uid -> Reading, each parser reading the TZID-renamed copy."""
    renamed = foreign(data)
    return {name: parse(renamed) for name, parse in PARSERS.items()}


def assert_parsers_agree(data: bytes, expected: dict[str, Reading] | None = None) -> dict[str, Reading]:
    """Every parser reads the same instants (and the expected ones, when given)."""
    check_bytes(data)
    seen = readings(data)
    reference = expected or seen["icalendar"]
    for name, events in seen.items():
        assert events == reference, f"{name} reads the file differently: {_diff(reference, events)}"
    return reference


def _diff(a: dict[str, Reading], b: dict[str, Reading]) -> str:
    for uid in sorted(set(a) | set(b)):
        if a.get(uid) != b.get(uid):
            return f"{uid}: expected {a.get(uid)}, read {b.get(uid)}"
    return "no difference"


def _utc(moment: datetime) -> datetime:
    assert isinstance(moment, datetime) and moment.tzinfo is not None, f"floating time {moment!r}"
    return moment.astimezone(UTC)


def expected_readings(schedules) -> dict[str, Reading]:  # type: ignore[no-untyped-def]
    """What the file must say, computed from the schedule itself (pytz's view of the zone)."""
    from followup_ics.ical.reference import ABSOLUTE_ALARM_FROM, step_uid

    result = {}
    for schedule in schedules:
        for step in schedule.steps:
            start = step.start.astimezone(UTC)
            alarm = start - step.alarm_before
            assert step.alarm_before < ABSOLUTE_ALARM_FROM or alarm.second == 0
            result[step_uid(schedule.interview, step)] = Reading(start, (alarm,))
    return result


__all__ = ["Reading", "assert_parsers_agree", "check_bytes", "expected_readings", "readings", "timedelta"]
