"""Revision bookkeeping: what a calendar that already holds our events needs to see them change.

We compare against the previous output (the file being replaced, or the last feed served). Each event's
fingerprint is its content lines without DTSTAMP, SEQUENCE and LAST-MODIFIED, compared whole. An unchanged event
keeps its SEQUENCE and its stamp (DTSTAMP, and LAST-MODIFIED in feeds: when its content last changed), so
rebuilding unchanged data gives identical bytes; a changed event gets SEQUENCE + 1 and a new stamp.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import NamedTuple

_VOLATILE = (b"DTSTAMP", b"SEQUENCE", b"LAST-MODIFIED")


class Revision(NamedTuple):
    """An event as a calendar has it: its content's fingerprint, SEQUENCE and DTSTAMP. (A NamedTuple, cheaper
    to create at import than a frozen dataclass.)"""

    fingerprint: bytes
    sequence: int
    stamp: datetime | None


def event_revisions(ics: bytes) -> dict[str, Revision]:
    """UID -> Revision for every VEVENT in an iCalendar text."""
    unfolded = ics.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    result: dict[str, Revision] = {}
    uid, sequence, stamp, content, inside = "", 0, None, [], False
    for line in unfolded.split(b"\r\n"):
        if line == b"BEGIN:VEVENT":
            uid, sequence, stamp, content, inside = "", 0, None, [], True
            continue
        if not inside:
            continue
        if line == b"END:VEVENT":
            if uid:
                result[uid] = Revision(b"\n".join(content), sequence, stamp)
            inside = False
            continue
        name, _, value = line.partition(b":")
        name = name.split(b";", 1)[0].upper()
        if name == b"UID":
            uid = value.decode("utf-8", "replace")
        elif name == b"SEQUENCE":
            sequence = int(value) if value.isdigit() else 0
        elif name == b"DTSTAMP":
            stamp = _utc_stamp(value)
        if name not in _VOLATILE:
            content.append(line)
    return result


def next_revisions(new: Mapping[str, Revision], old: Mapping[str, Revision],
                   now: datetime) -> dict[str, tuple[int, datetime]]:
    """UID -> (SEQUENCE, stamp) for each new event that an earlier output already held."""
    result = {}
    for uid, revision in new.items():
        before = old.get(uid)
        if before is None:
            continue
        if before.fingerprint == revision.fingerprint:
            result[uid] = (before.sequence, before.stamp or now)
        else:
            result[uid] = (before.sequence + 1, now)
    return result


def _utc_stamp(value: bytes) -> datetime | None:
    """20261125T120000Z -> an aware datetime (by hand: strptime's first use costs a millisecond or two)."""
    if len(value) != 16 or value[8:9] != b"T" or value[15:] != b"Z" or not (value[:8] + value[9:15]).isdigit():
        return None
    digits = [int(value[i:j]) for i, j in ((0, 4), (4, 6), (6, 8), (9, 11), (11, 13), (13, 15))]
    try:
        return datetime(*digits, tzinfo=UTC)
    except ValueError:
        return None
