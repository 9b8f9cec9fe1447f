"""Revision bookkeeping: what a calendar that already holds our events needs to see them change.

We compare against the previous output (the file being replaced, or the last feed served). Each event's
fingerprint is a hash of its content lines without DTSTAMP, SEQUENCE and LAST-MODIFIED. An unchanged event
keeps its SEQUENCE and its stamp (DTSTAMP, and LAST-MODIFIED in feeds: when its content last changed), so
rebuilding unchanged data gives identical bytes; a changed event gets SEQUENCE + 1 and a new stamp.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

_VOLATILE = (b"DTSTAMP", b"SEQUENCE", b"LAST-MODIFIED")


@dataclass(frozen=True, slots=True)
class Revision:
    """An event as a calendar has it: its content's fingerprint, SEQUENCE and DTSTAMP."""

    fingerprint: str
    sequence: int
    stamp: datetime | None


def event_revisions(ics: bytes) -> dict[str, Revision]:
    """UID -> Revision for every VEVENT in an iCalendar text."""
    unfolded = ics.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    result: dict[str, Revision] = {}
    uid, sequence, stamp, digest, inside = "", 0, None, hashlib.sha256(), False
    for line in unfolded.split(b"\r\n"):
        if line == b"BEGIN:VEVENT":
            uid, sequence, stamp, digest, inside = "", 0, None, hashlib.sha256(), True
            continue
        if not inside:
            continue
        if line == b"END:VEVENT":
            if uid:
                result[uid] = Revision(digest.hexdigest(), sequence, stamp)
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
            digest.update(line + b"\n")
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
    try:
        return datetime.strptime(value.decode("ascii"), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (UnicodeDecodeError, ValueError):
        return None
