"""ical/objects.py: a rendered calendar cut into one CalDAV object per event, and telling a server's copy of an
event from an edited one."""

from __future__ import annotations

import icalendar
import pytest
from support import STAMP, plan_for

from followup_ics.ical.objects import same_event, sequence_of, split_events
from followup_ics.ical.writer import render


def _vevents(data: bytes) -> list[bytes]:
    text = data.decode("utf-8")
    return [("BEGIN:VEVENT" + part.split("END:VEVENT", 1)[0] + "END:VEVENT\r\n").encode()
            for part in text.split("BEGIN:VEVENT")[1:]]


def test_each_object_holds_one_event_exactly_as_the_file_does() -> None:
    """Splitting keeps every VEVENT byte for byte, in order, one per object keyed by its UID."""
    calendar = render([plan_for("2026-12-01 14:00", "America/New_York")], stamp=STAMP)
    objects = split_events(calendar)
    assert [event for data in objects.values() for event in _vevents(data)] == _vevents(calendar)
    for uid, data in objects.items():
        parsed = icalendar.Calendar.from_ical(data)
        assert [str(event["UID"]) for event in parsed.walk("VEVENT")] == [uid]
        assert "UID" not in parsed and "X-WR-CALNAME" not in parsed  # the collection's, not each event's
        assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")


@pytest.mark.parametrize(("zones", "expected"), [
    # a zone with rules: its VTIMEZONE travels with each event that names it
    (("America/New_York",), {"America/New_York"}),
    # two zones in one calendar: each object carries only the zone its own times use
    (("Europe/London", "Asia/Kolkata"), None),
])
def test_each_object_carries_the_timezones_its_times_name(zones: tuple[str, ...], expected: set[str] | None) -> None:
    """Every TZID an event uses has its VTIMEZONE in the same object, and no other zone comes along."""
    schedules = [plan_for("2026-12-01 14:00", zone, company=f"Co {zone}") for zone in zones]
    for data in split_events(render(schedules, stamp=STAMP)).values():
        parsed = icalendar.Calendar.from_ical(data)
        event = parsed.walk("VEVENT")[0]
        used = {event[name].params["TZID"] for name in ("DTSTART", "DTEND") if "TZID" in event[name].params}
        assert {str(zone["TZID"]) for zone in parsed.walk("VTIMEZONE")} == used
        if expected is not None:
            assert used == expected


def _respelled(data: bytes) -> bytes:
    """What Radicale stores for what we sent: vobject's spelling (LF, reordered lines, ';' escaped)."""
    return icalendar.Calendar.from_ical(data).to_ical().replace(b"\r\n", b"\n")


def test_a_server_respelling_is_the_same_event_but_an_edit_is_not() -> None:
    """Order, folding and escaping are not a change, nor are SEQUENCE and DTSTAMP (bookkeeping); a new title is."""
    data = next(iter(split_events(render([plan_for("2026-12-01 14:00", "Europe/Paris",
                                                   company="Müller; Söhne, GmbH")], stamp=STAMP)).values()))
    assert same_event(data, _respelled(data))
    bumped = data.replace(b"SEQUENCE:0", b"SEQUENCE:4").replace(b"DTSTAMP:2026", b"DTSTAMP:2027")
    assert same_event(data, bumped)
    edited = data.replace(b"SUMMARY:", b"SUMMARY:Moved - ", 1)
    assert not same_event(data, edited)
    assert not same_event(data, b"BEGIN:VCALENDAR\r\nnot a calendar")  # unreadable is never taken for ours
    assert sequence_of(bumped.replace(b"\r\n", b"\n")) == 4
