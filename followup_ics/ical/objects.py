"""A rendered calendar cut into CalDAV objects: one VCALENDAR per event, as a calendar server stores them.

CalDAV (RFC 4791, 4.1) wants one UID per stored object, with the VTIMEZONEs its times name. So each object is
the writer's own bytes: the calendar's VERSION, PRODID and CALSCALE, the VTIMEZONEs the event uses, and the
VEVENT exactly as the files and feeds hold it. The collection-level lines (NAME, X-WR-CALNAME, the calendar
UID, X-WR-TIMEZONE) stay out: on a server they belong to the calendar, not to each event, and a second UID in
an object confuses some servers.

Servers keep what we send in their own spelling (Radicale re-serialises: properties reordered, ';' escaped),
so telling whether a server's copy is the event we mean to write compares meaning (``same_event``), never bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_KEPT_HEAD = ("VERSION:", "PRODID:", "CALSCALE:")
_TZID = re.compile(r";TZID=([^:;]+)")
_VOLATILE = {"DTSTAMP", "SEQUENCE", "LAST-MODIFIED"}


def split_events(calendar: bytes) -> dict[str, bytes]:
    """UID -> a VCALENDAR holding that one event and the VTIMEZONEs it names, in the calendar's order."""
    text = calendar.decode("utf-8")
    head: list[str] = []
    zones: dict[str, str] = {}
    objects: dict[str, bytes] = {}
    for block in _blocks(text):
        if block.startswith("BEGIN:VTIMEZONE"):
            zone = next((line[5:] for line in _unfold(block).split("\r\n") if line.startswith("TZID:")), "")
            zones[zone] = block
        elif block.startswith("BEGIN:VEVENT"):
            unfolded = _unfold(block)
            uid = next(line[4:] for line in unfolded.split("\r\n") if line.startswith("UID:"))
            used = set(_TZID.findall(unfolded))
            parts = ["BEGIN:VCALENDAR\r\n", *head, *(zone for name, zone in zones.items() if name in used),
                     block, "END:VCALENDAR\r\n"]
            objects[uid] = "".join(parts).encode("utf-8")
        elif block.startswith(_KEPT_HEAD):
            head.append(block)
    return objects


def _blocks(text: str) -> Iterator[str]:
    """The calendar's top-level pieces: each property (with its folded lines), each VTIMEZONE, each VEVENT."""
    lines = text.split("\r\n")
    index, end = 1, len(lines)  # lines[0] is BEGIN:VCALENDAR
    while index < end:
        line = lines[index]
        if line in ("END:VCALENDAR", ""):
            index += 1
            continue
        if line.startswith("BEGIN:"):
            closing = "END:" + line[len("BEGIN:"):]
            stop = lines.index(closing, index)
            yield "".join(part + "\r\n" for part in lines[index:stop + 1])
            index = stop + 1
            continue
        stop = index + 1
        while stop < end and lines[stop].startswith((" ", "\t")):
            stop += 1
        yield "".join(part + "\r\n" for part in lines[index:stop])
        index = stop


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def same_event(ours: bytes, theirs: bytes) -> bool:
    """Whether a server's copy holds the event we mean to write: the same properties, parameters and values
    (and the same alarm), whatever the order, folding or escaping; DTSTAMP, SEQUENCE and LAST-MODIFIED aside."""
    meaning = _meaning(ours)
    return meaning is not None and meaning == _meaning(theirs)


def _meaning(data: bytes) -> list[tuple[str, ...]] | None:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError:
        return None
    result: list[tuple[str, ...]] = []
    for component in calendar.walk():
        if component.name not in ("VEVENT", "VALARM"):
            continue
        for name, values in component.items():
            if name in _VOLATILE:
                continue
            for value in values if isinstance(values, list) else [values]:
                # One spelling for each property: parameters sorted, values escaped as icalendar does.
                result.append((component.name, str(component.content_line(name, value, sorted=True))))
    return sorted(result)


def sequence_of(data: bytes) -> int:
    """The SEQUENCE of the one event a server's object holds (0 if none or unreadable)."""
    for line in _unfold(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").decode("utf-8", "replace")).split("\r\n"):
        name, _, value = line.partition(":")
        if name.split(";", 1)[0].upper() == "SEQUENCE" and value.strip().isdigit():
            return int(value.strip())
    return 0
