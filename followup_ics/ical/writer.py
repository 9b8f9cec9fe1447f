"""Our calendars written straight to text: the very bytes icalendar gives for ``reference.build_calendar``.

Profiling a batch showed icalendar's serialisation at over 90% of the time per interview, half of it in
its line folding. Our calendars use a handful of property shapes, so this module writes them directly,
replicating icalendar 7's ordering, value formats and folding and reference.Text's escaping, VTIMEZONEs
included (one text per zone and span class of its rules, reused). It imports no icalendar: `generate` never loads it.
tests/test_writer.py proves the output byte for byte identical to icalendar's over random schedules in
every zone, and the VTIMEZONE text over every zone and several spans, so icalendar stays the reference.

Speed notes (a batch writes ~200 lines per interview): most lines are ASCII and short, so folding is tried
only where a line can be long; UTC texts are cached per instant (equal instants, equal text, whatever the
zone); datetimes are formatted with %, several times faster than strftime.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytz

try:  # hashlib's own BLAKE2, without hashlib's import of OpenSSL: a few ms of a 70 ms `generate`
    from _blake2 import blake2b
except ImportError:  # a Python built without it: hashlib has one of its own
    from hashlib import blake2b

from followup_ics.core.identity import interview_key, uid_for
from followup_ics.core.records import Schedule, WordedStep
from followup_ics.ical import shape as ics
from followup_ics.ical import tzrules
from followup_ics.ical.revisions import event_revisions, next_revisions
from followup_ics.ical.zonenames import writes_as_utc

_LIMIT = 75  # icalendar breaks before a line would reach 75 octets


def render(schedules: Sequence[Schedule], *, stamp: datetime, previous: bytes | None = None,
           name: str | None = None, feed: ics.FeedOptions | None = None) -> bytes:
    """The calendar's bytes; events that differ from ``previous`` get a higher SEQUENCE.

    Rendered once: the events ``previous`` already held get their SEQUENCE and stamps patched in (restamp),
    so re-running on unchanged data costs little more than the first run."""
    fresh = calendar_text(schedules, stamp=stamp, name=name, feed=feed).encode("utf-8")
    if not previous:
        return fresh
    current = event_revisions(fresh)
    found = {uid: kept for uid, kept in next_revisions(current, event_revisions(previous), stamp).items()
             if kept != (0, stamp)}
    return restamp(fresh, list(current), stamp, found) if found else fresh


def calendar_text(schedules: Sequence[Schedule], *, stamp: datetime, name: str | None = None,
                  revisions: Mapping[str, tuple[int, datetime]] | None = None,
                  feed: ics.FeedOptions | None = None) -> str:
    """``reference.build_calendar(...).to_ical()``, decoded: the draft, stamped, each event in ``revisions``
    given its SEQUENCE and stamp."""
    drafted = draft(schedules, name=name, feed=feed)
    data = stamped(drafted, stamp)
    return (restamp(data, list(drafted.uids), stamp, revisions) if revisions else data).decode("utf-8")


def shell_head(name: str, zones: Mapping[str, tuple[datetime, datetime]],
               feed: ics.FeedOptions | None = None) -> str:
    """Everything of ``reference.calendar_shell`` before its first event: properties, then VTIMEZONEs."""
    escaped = _text(name)
    lines = ["NAME:" + escaped, "X-WR-CALNAME:" + escaped]
    if feed is not None:
        lines.append("REFRESH-INTERVAL;VALUE=DURATION:" + _duration(feed.refresh))
    if feed is not None:
        lines.append("X-PUBLISHED-TTL:" + _duration(feed.refresh))
    lines.append("X-WR-TIMEZONE:" + _text(ics.display_zone(zones)))
    head = _calendar_start() + "".join([_line(line) for line in lines])
    return head + "".join([_vtimezone(zone, first, last) for zone, (first, last) in zones.items()])


_text = ics.escape_text


@functools.cache
def _calendar_start() -> str:
    """The lines every calendar starts with, the same in every file."""
    lines = ("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + _text(ics.PRODID), "CALSCALE:GREGORIAN")
    return "".join(_line(line) for line in lines)


def _line(line: str) -> str:
    """One content line, folded, with its CRLF."""
    if len(line) < _LIMIT and line.isascii():
        return line + "\r\n"
    return _fold(line) + "\r\n"


def _folded(line: str) -> str:
    """_fold for a line that is seldom short (a description): straight to the folding, which leaves a short
    line whole (_fold_ascii's regular expression written out: a call less)."""
    return "\r\n ".join(_CHUNKS.findall(line)) if line.isascii() else _fold_unicode(line)


# The lines every event of a kind shares, after URL.
_INTERVIEW_TAIL = "TRANSP:OPAQUE\r\n"
_FOLLOW_UP_TAIL = "TRANSP:TRANSPARENT\r\n"
_ALARM_HEAD = "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
_INTERVIEW_ALARM = "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n" + _ALARM_HEAD
_FOLLOW_UP_ALARM = "X-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n" + _ALARM_HEAD
_END = "\r\nEND:VALARM\r\nEND:VEVENT\r\n"


def event_text(step: WordedStep, uid: str, interview_uid: str, modified: bool = False,
               descriptions: dict[int, str] | None = None) -> str:
    """One VEVENT with its VALARM, properties in icalendar's order (canonical ones, then by name), as a draft
    holds it: SEQUENCE 0, and the stand-in stamp as its DTSTAMP (and its LAST-MODIFIED when ``modified``),
    which finishing replaces (see draft).
    ``descriptions``, given for the steps of one schedule, keeps each DESCRIPTION line written, by the id of
    its text: steps that share one text object (an interview's status checks by one channel) have it
    escaped and folded once. Ids are safe keys there: the schedule holds every text while its steps are
    written, so no two of them share an id.
    """
    planned = step.step
    start = planned.start
    if planned.blocks_time:
        kind, alarm = _INTERVIEW_TAIL, _INTERVIEW_ALARM
    else:
        kind, alarm = _related(interview_uid) + _FOLLOW_UP_TAIL, _FOLLOW_UP_ALARM
    # _line written out for the three lines every event has (the call was a tenth of their cost): an ASCII line
    # under 75 characters is whole, any other goes to _fold; the CRLF is a part of its own (no copy of the line).
    summary = "SUMMARY:" + _text(step.summary)
    uid_line = "UID:" + _text(uid)
    reminder = "DESCRIPTION:" + _text(step.alarm_text)
    # One tuple joined (no list grown part by part): the optional lines are "" where absent.
    return "".join((
        "BEGIN:VEVENT\r\n",
        summary if len(summary) < _LIMIT and summary.isascii() else _fold(summary), "\r\n",
        _start_end(start, start + planned.duration),
        "DTSTAMP", _DRAFT_STAMP_TEXT,
        uid_line if len(uid_line) < _LIMIT and uid_line.isascii() else _fold(uid_line), "\r\n",
        "SEQUENCE:0\r\n",
        _middle(step.categories),
        _description(step.description, descriptions), "\r\n",
        "LAST-MODIFIED" + _DRAFT_STAMP_TEXT if modified else "",
        _location(step.location) if step.location else "",
        kind,
        _line("URL:" + step.url) if step.url else "",
        alarm,
        reminder if len(reminder) < _LIMIT and reminder.isascii() else _fold(reminder), "\r\n",
        _trigger(start, planned.alarm_before),
        _END,
    ))


def _description(text: str, written: dict[int, str] | None) -> str:
    """The DESCRIPTION line of ``text``, folded, without its CRLF (a copy less of the longest line), taken from
    ``written`` when it holds it (see event_text)."""
    if written is None:
        return _folded("DESCRIPTION:" + _text(text))
    line = written.get(id(text))
    if line is None:
        line = written[id(text)] = _folded("DESCRIPTION:" + _text(text))
    return line


# DTSTART and DTEND of one step, in one zone (an end is its start plus a duration: the same tzinfo). They need
# no folding: the longest IANA name (32 characters) keeps them under 62 octets. IANA names hold none of the
# characters a parameter value would need quoted for. A date is one number YYYYMMDD and a time one HHMMSS:
# %08d and %06d write them as %04d%02d%02d and %02d%02d%02d would, in a third of the formatting.
_LOCAL_START_END = "DTSTART;TZID=%s:%08dT%06d\r\nDTEND;TZID=%s:%08dT%06d\r\n"
_UTC_START_END = "DTSTART:%08dT%06dZ\r\nDTEND:%08dT%06dZ\r\n"


def _start_end(start: datetime, end: datetime) -> str:
    """'DTSTART...DTEND...' lines: _moment of each, formatted at once (%-formatting: see _local)."""
    zone = getattr(start.tzinfo, "zone", None)
    if zone is None or end.tzinfo is not start.tzinfo:
        return f"DTSTART{_moment(start)}\r\nDTEND{_moment(end)}\r\n"
    utc = writes_as_utc(zone)
    if utc:  # each instant's UTC wall time: what astimezone gives, without its conversions
        start, end = tzrules.naive_utc(start), tzrules.naive_utc(end)
    start_day = start.year * 10000 + start.month * 100 + start.day
    start_time = start.hour * 10000 + start.minute * 100 + start.second
    end_day = end.year * 10000 + end.month * 100 + end.day
    end_time = end.hour * 10000 + end.minute * 100 + end.second
    if utc:
        return _UTC_START_END % (start_day, start_time, end_day, end_time)
    return _LOCAL_START_END % (zone, start_day, start_time, zone, end_day, end_time)


@functools.lru_cache(maxsize=64)
def _middle(categories: tuple[str, ...]) -> str:
    """CATEGORIES (in the user's language, the same for most events) and CLASS, written once per set."""
    head = _line("CATEGORIES:" + ",".join(_text(category) for category in categories)) if categories else ""
    return head + "CLASS:PRIVATE\r\n"


# Every step of an interview shares its location and its RELATED-TO: written once, then looked up.
@functools.lru_cache(maxsize=256)
def _location(location: str) -> str:
    return _line("LOCATION:" + _text(location))


@functools.lru_cache(maxsize=256)
def _related(interview_uid: str) -> str:
    return _line("RELATED-TO:" + _text(interview_uid))


def _trigger(start: datetime, alarm_before: timedelta) -> str:
    if alarm_before >= ics.ABSOLUTE_ALARM_FROM:
        return "TRIGGER;VALUE=DATE-TIME" + _utc(start - alarm_before)
    return _relative_trigger(alarm_before)


@functools.lru_cache(maxsize=64)
def _relative_trigger(alarm_before: timedelta) -> str:
    """The same few alarms (an hour before, a day before...) for every event: written once each."""
    return "TRIGGER:" + _duration(-alarm_before)


def _moment(moment: datetime) -> str:
    """';TZID=zone:local' or ':utcZ' after the property name."""
    zone = getattr(moment.tzinfo, "zone", None)
    if zone is None or writes_as_utc(zone):
        return _utc(moment)
    # IANA names hold none of the characters a parameter value would need quoted for.
    return f";TZID={zone}:{_local(moment)}"


def _local(moment: datetime) -> str:
    """YYYYMMDDTHHMMSS of the wall time, as icalendar writes it."""
    # %-formatting: twice as fast as the same f-string here, five times strftime.
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


@functools.lru_cache(maxsize=1024)
def _utc(moment: datetime) -> str:
    """':YYYYMMDDTHHMMSSZ'. Cached by instant: aware datetimes are equal, and hash alike, when they are the
    same instant, whatever their zone, and then their UTC text is the same. Stamps repeat in every event."""
    return f":{_local(moment.astimezone(pytz.utc))}Z"


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
    """While more than 74 characters are left, a chunk of 74, or 73 when the 74th is a backslash or caret;
    then the rest. One regular expression finds every chunk, the rest included (descriptions are long:
    dozens of chunks per event)."""
    return "\r\n ".join(_CHUNKS.findall(line))


# A full chunk: 73 characters with at least 2 more after them (so 75 were left), then its 74th unless that is
# \ or ^. Where fewer than 75 are left, the rest is one chunk.
_CHUNKS = re.compile(r".{%d}(?=..)[^\\^]?|.+" % (_LIMIT - 2), re.DOTALL)  # noqa: UP031


def _fold_unicode(line: str) -> str:
    """_fold_ascii on the UTF-8 bytes: while more than 74 bytes are left, a chunk of the longest run of whole
    characters up to 74 bytes, less its last byte if that is a backslash or caret; then the rest. One regular
    expression finds every chunk, as _fold_ascii's (a loop over the bytes in Python cost a third more)."""
    return b"\r\n ".join(_UTF8_CHUNKS.findall(line.encode("utf-8"))).decode("utf-8")


# A full chunk, where 75 bytes or more are left: up to 73 bytes (as many as fit: the repeat is greedy), then
# - a byte other than \ or ^ that ends a character (the next byte starts one, not 0x80-0xBF), or
# - nothing, where the next byte is a \ or ^ that ends a character (ASCII, so the chunk ends one too).
# Else the rest. tests/test_writer.py holds it to icalendar's folding.
_UTF8_CHUNKS = re.compile(rb"(?=.{75}).{0,73}(?:[^\\^](?=[^\x80-\xbf])|(?=[\\^][^\x80-\xbf]))|.+", re.DOTALL)


def _vtimezone(zone: str, first: datetime, last: datetime) -> str:
    """The VTIMEZONE text for ``first``..``last``, kept by the zone and span class its rules were derived for
    (tzrules.observed: the same key, the same rules): a batch writes one per file, mostly the same few."""
    key, observances = tzrules.observed(zone, first, last)
    text = _VTIMEZONES.get(key)
    if text is None:
        if len(_VTIMEZONES) >= _VTIMEZONES_KEPT:
            _VTIMEZONES.clear()
        text = _VTIMEZONES[key] = vtimezone_text(zone, observances)
    return text


_VTIMEZONES: dict[tzrules.SpanKey, str] = {}
_VTIMEZONES_KEPT = 4096


def vtimezone_text(zone: str, observances: tuple[tzrules.Observance, ...]) -> str:
    """``reference.vtimezone_from(zone, observances).to_ical()``, decoded."""
    lines = ["BEGIN:VTIMEZONE", "TZID:" + _text(zone)]
    for observance in observances:
        lines += [
            "BEGIN:" + observance.kind,
            "DTSTART:" + _local(observance.start),
            "RRULE:" + _rrule(observance.rule),
            "TZNAME:" + _text(observance.name),
            "TZOFFSETFROM:" + _offset(observance.offset_from),
            "TZOFFSETTO:" + _offset(observance.offset_to),
            "END:" + observance.kind,
        ]
    lines.append("END:VTIMEZONE")
    return "".join(_line(line) for line in lines)


def _rrule(rule: tzrules.Rule) -> str:
    """icalendar's RECUR text: parts in RFC 5545's canonical order (FREQ, COUNT, BYDAY, BYMONTHDAY, BYMONTH)."""
    parts = ["FREQ=YEARLY"]
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    parts.append("BYDAY=" + rule.byday)
    if rule.bymonthday:
        parts.append("BYMONTHDAY=" + ",".join(str(day) for day in rule.bymonthday))
    parts.append(f"BYMONTH={rule.month}")
    return ";".join(parts)


def _offset(offset: timedelta) -> str:
    """icalendar's UTC-OFFSET text: +HHMM, or +HHMMSS when there are seconds; zero is +0000."""
    sign = "-" if offset < timedelta(0) else "+"
    seconds = abs(int(offset.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02}{minutes:02}{seconds:02}" if seconds else f"{sign}{hours:02}{minutes:02}"


_EVENT_START = b"BEGIN:VEVENT\r\n"


def restamp(fresh: bytes, uids: list[str], changed_at: datetime,
             found: Mapping[str, tuple[int, datetime]]) -> bytes:
    """``fresh`` (every event at SEQUENCE 0, stamped ``changed_at``) with each event's SEQUENCE and stamps
    as ``found`` says: what a calendar written with those revisions holds, without rendering it again.

    Those three lines are short and never folded, and each follows a line break, so a description that
    quotes them cannot be mistaken for them.
    """
    default = _utc_value(changed_at)
    blocks = fresh.split(_EVENT_START)  # blocks[0] is the head; then one per event, in the order of uids
    for index, uid in enumerate(uids, start=1):
        if uid not in found:
            continue
        sequence, stamp = found[uid]
        block = blocks[index].replace(b"\r\nSEQUENCE:0\r\n", b"\r\nSEQUENCE:%d\r\n" % sequence, 1)
        value = _utc_value(stamp)
        for name in (b"DTSTAMP", b"LAST-MODIFIED"):
            block = block.replace(b"\r\n" + name + default, b"\r\n" + name + value, 1)
        blocks[index] = block
    return _EVENT_START.join(blocks)


@functools.lru_cache(maxsize=64)
def _utc_value(moment: datetime) -> bytes:
    """Cached by instant, as _utc: a run stamps every calendar with the same few instants."""
    return f":{moment.astimezone(UTC):%Y%m%dT%H%M%S}Z\r\n".encode("ascii")


# Drafts: a calendar rendered once with a stand-in stamp, so that what it says can be compared with what an
# earlier run wrote (by digest, without reading that file back), then stamped.
_DRAFT_VALUE = b":19700101T000000Z\r\n"
_DRAFT_STAMP_TEXT = _DRAFT_VALUE.decode("ascii")  # as event_text writes it
_DRAFT_DTSTAMP = b"\r\nDTSTAMP" + _DRAFT_VALUE
_DRAFT_MODIFIED = b"\r\nLAST-MODIFIED" + _DRAFT_VALUE
_CALENDAR_END = b"END:VCALENDAR\r\n"
_EVENT_START_SIZE = len(_EVENT_START)
_DTSTAMP_SIZE = len(_DRAFT_DTSTAMP) - len(_DRAFT_VALUE)  # from where _DRAFT_DTSTAMP starts to its value
_MODIFIED_SIZE = len(_DRAFT_MODIFIED) - len(_DRAFT_VALUE)


class Kept(NamedTuple):
    """One event as an earlier output held it: the digest of its stamp-free text, its SEQUENCE and DTSTAMP."""

    digest: bytes
    sequence: int
    stamp: datetime


class Draft(NamedTuple):
    """A calendar's bytes before stamping: every event at SEQUENCE 0 with a stand-in stamp."""

    data: bytes
    uids: tuple[str, ...]  # in the order of the events
    digests: tuple[bytes, ...]  # of each event's text, stamp-free
    # Of the whole calendar, stamp-free: equal digests, equal calendars but for the stamps (b"": events alone).
    digest: bytes
    stamps: tuple[int, ...]  # where in ``data`` each stand-in stamp value starts, in order (see _stamped)


def draft(schedules: Sequence[Schedule], *, name: str | None = None, feed: ics.FeedOptions | None = None,
          zones: Mapping[str, tuple[datetime, datetime]] | None = None) -> Draft:
    """The calendar as ``render`` writes it, not yet stamped (see ``finish``); ``zones`` is
    ``shape.zone_spans(schedules)`` when the caller has it already."""
    zones = ics.zone_spans(schedules) if zones is None else zones
    head = shell_head(name or ics.calendar_name(schedules), zones, feed).encode("utf-8")
    events, uids, digests, stamps = _drafted_events(schedules, feed is not None, len(head))
    # The calendar's digest from its head's and its events': the head and the events make the calendar, so
    # equal digests still mean equal calendars, and no byte is hashed twice (each is, in an event's digest).
    whole = _digest(b"".join([_digest(head), *digests]))
    return Draft(b"".join([head, *events, _CALENDAR_END]), tuple(uids), tuple(digests), whole, tuple(stamps))


def draft_events(schedules: Sequence[Schedule]) -> Draft:
    """The events ``draft`` puts between a calendar's head and its end, alone (not a feed's): what all.ics
    splices of a stream no file holds. Its head (each zone's span, its VTIMEZONE) would only be cut away
    again. Nor has it a digest of a whole calendar (b""): its events' digests are what the manifest keeps."""
    events, uids, digests, stamps = _drafted_events(schedules, False, 0)
    return Draft(b"".join(events), tuple(uids), tuple(digests), b"", tuple(stamps))


def _drafted_events(schedules: Sequence[Schedule], modified: bool, offset: int
                    ) -> tuple[list[bytes], list[str], list[bytes], list[int]]:
    """Each event's bytes, UID and digest, and where each stand-in stamp starts, counted from ``offset``."""
    parts, uids, digests, stamps = [], [], [], []
    # One loop, no generator: a batch drafts some 90,000 events (a generator, its tuples and keyword arguments
    # cost a tenth of the time per event).
    for schedule in schedules:
        key = interview_key(schedule.interview)
        interview_uid = uid_for(key, "interview")
        descriptions: dict[int, str] = {}  # see event_text
        for step in schedule.steps:
            uid = uid_for(key, step.step.key)
            event = event_text(step, uid, interview_uid, modified, descriptions).encode("utf-8")
            uids.append(uid)
            # _digest written out (a call less); an event's digest leaves out its BEGIN line
            digests.append(blake2b(memoryview(event)[_EVENT_START_SIZE:], digest_size=16).digest())
            # Each event has one DTSTAMP line (its 4th) and, in a feed, one LAST-MODIFIED line: the first match
            # of each, as a TEXT value holds no line break and a folded line's break is followed by a space.
            at = event.index(_DRAFT_DTSTAMP) + _DTSTAMP_SIZE
            stamps.append(offset + at)
            if modified:
                stamps.append(offset + event.index(_DRAFT_MODIFIED, at) + _MODIFIED_SIZE)
            parts.append(event)
            offset += len(event)
    return parts, uids, digests, stamps


def bytes_digest(drafted: Draft) -> bytes:
    """The digest of the draft's bytes as a whole: what versions before Draft.digest was made from the
    events' digests kept in a batch folder's manifest (so their files are still found unchanged)."""
    return _digest(drafted.data)


def finish(drafted: Draft, stamp: datetime, kept: Mapping[str, Kept]) -> tuple[bytes, tuple[Kept, ...]]:
    """The calendar's bytes, and each event's revision to remember: an event ``kept`` holds unchanged keeps
    its SEQUENCE and stamp, a changed one gets SEQUENCE + 1 and ``stamp``, a new one 0 and ``stamp``.
    The same bytes ``render`` gives when ``kept`` comes from the file it replaces."""
    if not kept:  # a calendar written for the first time (every file of a first batch): every event new
        return stamped(drafted, stamp), tuple([Kept(d, 0, stamp) for d in drafted.digests])
    found: dict[str, tuple[int, datetime]] = {}
    revisions = []
    for uid, digest in zip(drafted.uids, drafted.digests, strict=True):
        before = kept.get(uid)
        if before is None:
            revision = Kept(digest, 0, stamp)
        elif before.digest == digest:
            revision = Kept(digest, before.sequence, before.stamp)
        else:
            revision = Kept(digest, before.sequence + 1, stamp)
        if revision.sequence or revision.stamp != stamp:
            found[uid] = (revision.sequence, revision.stamp)
        revisions.append(revision)
    # Most calendars have every event at one revision (all new, or all unchanged since one run): then a
    # replace over the whole text stamps them, without splitting it into events.
    same = revisions[0] if revisions and all(r[1:] == revisions[0][1:] for r in revisions) else None
    data = _stamped(drafted, _utc_value(same.stamp if same is not None else stamp))
    if same is not None:
        if same.sequence:
            data = data.replace(b"\r\nSEQUENCE:0\r\n", b"\r\nSEQUENCE:%d\r\n" % same.sequence)
    elif found:
        data = restamp(data, list(drafted.uids), stamp, found)
    return data, tuple(revisions)


def stamped(drafted: Draft, stamp: datetime) -> bytes:
    """The draft's bytes with every event new (SEQUENCE 0) and stamped ``stamp``: ``finish(drafted, stamp, {})``'s."""
    return _stamped(drafted, _utc_value(stamp))


def _stamped(drafted: Draft, value: bytes) -> bytes:
    """The draft's bytes with every stand-in stamp (DTSTAMP, LAST-MODIFIED) replaced by ``value``: the
    pieces between the stamps draft() found, joined by ``value`` (two replaces over the whole calendar,
    most of them a search for what a batch file never holds, cost several times more)."""
    data = memoryview(drafted.data)
    pieces, start = [], 0
    for at in drafted.stamps:
        pieces.append(data[start:at])
        start = at + len(_DRAFT_VALUE)
    pieces.append(data[start:])
    return value.join(pieces)


def kept_in(previous: bytes, drafted: Draft, stamp: datetime) -> dict[str, Kept]:
    """What an earlier output's bytes say of the draft's events (when no record of them was kept): an event
    whose content is unchanged gets the draft's digest, a changed one an empty digest."""
    fresh = event_revisions(drafted.data)
    digests = dict(zip(drafted.uids, drafted.digests, strict=True))
    kept = {}
    for uid, revision in event_revisions(previous).items():
        if uid in digests:
            same = fresh[uid].fingerprint == revision.fingerprint
            kept[uid] = Kept(digests[uid] if same else b"", revision.sequence, revision.stamp or stamp)
    return kept


def _digest(data: bytes | memoryview) -> bytes:
    return blake2b(data, digest_size=16).digest()
