"""A CSV of interviews -> the feeds calendar apps subscribe to: all.ics and one per interview.

What makes a feed safe to subscribe to is that it changes only when its data does. Everything that
varies is derived from the data and a small persisted state (state.json plus the last good all.ics):
- an event's DTSTAMP and LAST-MODIFIED say when its content last changed, and its SEQUENCE counts the
  changes (revisions.py), so unchanged data rebuilds to identical bytes and identical ETags;
- a closed interview without an outcome date is closed as of the build that first saw it closed, so its
  earlier follow-ups stay and later ones leave the feed, now and on every later build;
- each feed's Last-Modified moves only when its bytes change.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from followup_ics.app.config import Request
from followup_ics.app.roster import Roster, RowError
from followup_ics.core.errors import DataError, FollowupError
from followup_ics.core.identity import COMBINED
from followup_ics.core.records import Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.edges.files import read_if_exists, write_atomic
from followup_ics.edges.spreadsheet import CsvError, decode_csv, read_text
from followup_ics.ical import reference as ics
from followup_ics.ical import writer
from followup_ics.wording.language import language
from followup_ics.wording.texts import collection_name

REFRESH = timedelta(hours=4)
STATE_FILE = "state.json"
LAST_GOOD = "last-good-all.ics"
TOKEN_BYTES = 24


class FeedError(DataError):
    """The CSV cannot become feeds: every problem, one per line, rows named as a spreadsheet shows them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Feed:
    data: bytes
    etag: str  # a strong validator: a hash of the bytes, quoted as HTTP wants it
    last_modified: datetime


@dataclass(frozen=True, slots=True)
class Listing:
    """One interview as the subscribe page shows it."""

    file: str
    title: str
    when: str
    status: str
    events: int


@dataclass(frozen=True, slots=True)
class Site:
    feeds: Mapping[str, Feed]
    listings: tuple[Listing, ...]
    changed_at: datetime


@dataclass
class State:
    """What survives restarts: the token, when the data last changed, and what each feed looked like."""

    token: str
    csv_sha256: str = ""
    changed_at: datetime | None = None
    closed: dict[str, datetime] = field(default_factory=dict)  # application and status -> first seen
    feeds: dict[str, tuple[str, datetime]] = field(default_factory=dict)  # name -> (etag, last modified)
    last_good: bytes | None = None  # the last all.ics served: the events calendars already hold


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def valid_token(token: str) -> bool:
    return len(token) >= 16 and all(char.isascii() and (char.isalnum() or char in "-_") for char in token)


def load_state(folder: Path, *, token: str | None = None, rotate: bool = False) -> State:
    """The state kept in ``folder``, or a fresh one with a new token; ``token``/``rotate`` replace it."""
    state = State(token="")
    raw = read_if_exists(folder / STATE_FILE)
    if raw:
        try:
            saved = json.loads(raw)
            state = State(
                token=str(saved["token"]), csv_sha256=str(saved.get("csv_sha256", "")),
                changed_at=_time(saved["changed_at"]) if saved.get("changed_at") else None,
                closed={key: _time(value) for key, value in saved.get("closed", {}).items()},
                feeds={name: (etag, _time(moment)) for name, (etag, moment) in saved.get("feeds", {}).items()},
                last_good=read_if_exists(folder / LAST_GOOD))
        except (ValueError, KeyError, TypeError):
            raise FeedError([f"{folder / STATE_FILE}: not a state file this version can read; "
                             "move it away to start afresh"]) from None
    if token is not None:
        state.token = token
    elif rotate or not valid_token(state.token):
        state.token = new_token()
    return state


def save_state(folder: Path, state: State) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if state.last_good is not None:
        write_atomic(folder / LAST_GOOD, state.last_good)
    saved = {
        "token": state.token, "csv_sha256": state.csv_sha256,
        "changed_at": state.changed_at.isoformat() if state.changed_at else None,
        "closed": {key: moment.isoformat() for key, moment in sorted(state.closed.items())},
        "feeds": {name: [etag, moment.isoformat()] for name, (etag, moment) in sorted(state.feeds.items())},
    }
    write_atomic(folder / STATE_FILE, (json.dumps(saved, indent=1) + "\n").encode("utf-8"))


def csv_digest(csv_bytes: bytes) -> str:
    """What tells one CSV content from another, kept in the state."""
    return hashlib.sha256(csv_bytes).hexdigest()


def build_site(csv_bytes: bytes, source: str, request: Request, state: State) -> tuple[Site, State]:
    """The feeds for this CSV content and the state to keep; FeedError lists every bad row."""
    digest = csv_digest(csv_bytes)
    changed_at = state.changed_at if digest == state.csv_sha256 and state.changed_at else request.now
    try:
        text = decode_csv(csv_bytes)
    except CsvError as error:
        raise FeedError([f"{source}: {error}"]) from None
    schedules, stream, closed = _plan(text, source, replace(request, now=changed_at), state.closed)
    options = ics.FeedOptions(refresh=REFRESH)
    try:
        return _build(schedules, stream, changed_at, options, state, digest, closed,
                      collection_name(language(request.language)))
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        raise FeedError([f"{source}: {error}"]) from None


def _build(schedules: list[tuple[str, Schedule]], stream: Schedule | None, changed_at: datetime,
           options: ics.FeedOptions, state: State, digest: str, closed: dict[str, datetime],
           combined_name: str) -> tuple[Site, State]:
    everything = [s for _, s in schedules] + ([stream] if stream is not None else [])
    revisions = writer.revisions(everything, stamp=changed_at, previous=state.last_good or b"", feed=options)

    def render(group: list[Schedule], name: str | None = None) -> bytes:
        return writer.calendar_text(group, stamp=changed_at, name=name, revisions=revisions,
                                    feed=options).encode("utf-8")

    contents = {COMBINED: render(everything, combined_name)}
    contents.update({f"{stem}.ics": render([schedule]) for stem, schedule in schedules})
    feeds, kept = {}, {}
    for name, data in contents.items():
        etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
        before = state.feeds.get(name)
        modified = before[1] if before and before[0] == etag else changed_at
        feeds[name] = Feed(data, etag, modified)
        kept[name] = (etag, modified)
    listings = tuple(_listing(stem, schedule) for stem, schedule in schedules)
    new_state = State(token=state.token, csv_sha256=digest, changed_at=changed_at, closed=closed, feeds=kept,
                      last_good=contents[COMBINED])
    return Site(feeds, listings, changed_at), new_state


Planned = tuple[list[tuple[str, Schedule]], Schedule | None, dict[str, datetime]]


def _plan(text: str, source: str, request: Request, seen_before: Mapping[str, datetime]) -> Planned:
    """(stem, schedule) per row, the search's keep-searching stream, and the first-seen dates to keep."""
    try:
        roster = Roster(lambda: read_text(text)[1], request, seen_before)
    except CsvError as error:
        raise FeedError([f"{source}: {error}"]) from None
    if roster.errors:
        raise FeedError([error.describe(source) for error in roster.errors])
    planned = []
    for result in roster.schedules():
        assert not isinstance(result, RowError)  # every row was checked above
        planned.append((result[0].stem, result[1]))
    if not planned:
        raise FeedError([f"{source}: no interviews below the header row"])
    return planned, roster.stream_schedule(), roster.first_seen_dates()


def _listing(stem: str, schedule: Schedule) -> Listing:
    interview = schedule.interview
    start = local(tzinfo(interview.zone), interview.start)
    when = language().when(start)  # the subscribe page is English for now
    return Listing(f"{stem}.ics", interview.title, f"{when} ({interview.zone})", str(interview.status),
                   len(schedule.steps))


def _time(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
