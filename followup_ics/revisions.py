"""SEQUENCE bookkeeping: a changed event must carry a higher SEQUENCE than the copy a calendar has.

We compare against the previous output (the file being replaced, or the last feed served): each
event's fingerprint is a hash of its content lines without DTSTAMP, SEQUENCE and LAST-MODIFIED, which
change on every build without the event changing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

_VOLATILE = (b"DTSTAMP", b"SEQUENCE", b"LAST-MODIFIED")


def event_revisions(ics: bytes) -> dict[str, tuple[str, int]]:
    """UID -> (fingerprint, SEQUENCE) for every VEVENT in an iCalendar text."""
    unfolded = ics.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    result: dict[str, tuple[str, int]] = {}
    uid, sequence, digest, depth = "", 0, hashlib.sha256(), 0
    for line in unfolded.split(b"\r\n"):
        if line == b"BEGIN:VEVENT":
            uid, sequence, digest, depth = "", 0, hashlib.sha256(), 1
            continue
        if not depth:
            continue
        if line == b"END:VEVENT":
            if uid:
                result[uid] = (digest.hexdigest(), sequence)
            depth = 0
            continue
        name = line.split(b":", 1)[0].split(b";", 1)[0].upper()
        if name == b"UID":
            uid = line.split(b":", 1)[1].decode("utf-8", "replace")
        elif name == b"SEQUENCE":
            value = line.split(b":", 1)[1]
            sequence = int(value) if value.isdigit() else 0
        if name not in _VOLATILE:
            digest.update(line + b"\n")
    return result


def next_sequences(new: Mapping[str, tuple[str, int]],
                   old: Mapping[str, tuple[str, int]]) -> dict[str, int]:
    """SEQUENCE for each new event: kept when unchanged, one more than before when changed."""
    sequences = {}
    for uid, (fingerprint, _) in new.items():
        if uid in old:
            old_fingerprint, old_sequence = old[uid]
            sequences[uid] = old_sequence if old_fingerprint == fingerprint else old_sequence + 1
    return sequences
