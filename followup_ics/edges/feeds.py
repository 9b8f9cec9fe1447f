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
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from followup_ics.app.config import Request
from followup_ics.core.errors import FollowupError
from followup_ics.core.identity import file_stem, interview_key
from followup_ics.core.records import Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.edges.batch import COMBINED, COMBINED_NAME, Naming, plan_row
from followup_ics.edges.files import read_if_exists, write_atomic
from followup_ics.edges.spreadsheet import CsvError, RowError, read_text
from followup_ics.ical import reference as ics
from followup_ics.ical import writer
from followup_ics.wording.english import when

REFRESH = timedelta(hours=4)
STATE_FILE = "state.json"
LAST_GOOD = "last-good-all.ics"
TOKEN_BYTES = 24
PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600  # the state holds the token: for the user's eyes only


class FeedError(Exception):
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
    closed: dict[str, datetime] = field(default_factory=dict)  # interview key -> closed as of
    feeds: dict[str, tuple[str, datetime]] = field(default_factory=dict)  # name -> (etag, last modified)
    last_good: bytes | None = None  # the last all.ics served: the events calendars already hold


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


TOKEN_RULE = "use 16 or more letters, digits, '-' or '_'"


def valid_token(token: str) -> bool:
    return len(token) >= 16 and all(char.isascii() and (char.isalnum() or char in "-_") for char in token)


def load_state(folder: Path, *, token: str | None = None, rotate: bool = False) -> State:
    """The state kept in ``folder``, or a fresh one with a new token; ``token``/``rotate`` replace it."""
    check_private(folder)
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
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    check_private(folder)
    if state.last_good is not None:
        write_atomic(folder / LAST_GOOD, state.last_good, mode=PRIVATE_FILE)
    saved = {
        "token": state.token, "csv_sha256": state.csv_sha256,
        "changed_at": state.changed_at.isoformat() if state.changed_at else None,
        "closed": {key: moment.isoformat() for key, moment in sorted(state.closed.items())},
        "feeds": {name: [etag, moment.isoformat()] for name, (etag, moment) in sorted(state.feeds.items())},
    }
    write_atomic(folder / STATE_FILE, (json.dumps(saved, indent=1) + "\n").encode("utf-8"), mode=PRIVATE_FILE)


def check_private(folder: Path) -> None:
    """Refuse a state folder, or a file in it, that another user owns or may write, as ssh does.

    The state holds the secret token: whoever can write it chooses the token (and so where export-site
    publishes). One that is ours but readable by others (made by an earlier version) is made private.
    """
    for path in (folder, *(folder / name for name in (STATE_FILE, LAST_GOOD))):
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode):
            raise FeedError([f"{path}: is a symbolic link; the state must be a plain folder and files"])
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise FeedError([f"{path}: owned by another user (uid {info.st_uid}); the state folder holds the "
                             "secret token and must be yours alone: remove it or choose another with --state"])
        if info.st_mode & 0o022:
            raise FeedError([f"{path}: other users may write to it (mode {stat.S_IMODE(info.st_mode):04o}); "
                             "the state folder holds the secret token: remove it or choose another with --state"])
        private = PRIVATE_FOLDER if path == folder else PRIVATE_FILE
        if stat.S_IMODE(info.st_mode) & ~private:
            os.chmod(path, private)


def csv_digest(csv_bytes: bytes) -> str:
    """What tells one CSV content from another, kept in the state."""
    return hashlib.sha256(csv_bytes).hexdigest()


def build_site(csv_bytes: bytes, source: str, request: Request, state: State) -> tuple[Site, State]:
    """The feeds for this CSV content and the state to keep; FeedError lists every bad row."""
    digest = csv_digest(csv_bytes)
    changed_at = state.changed_at if digest == state.csv_sha256 and state.changed_at else request.now
    try:
        text = csv_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise FeedError([f"{source}: not UTF-8 text (save the sheet as 'CSV UTF-8')"]) from None
    schedules, closed = _plan(text, source, replace(request, now=changed_at), state.closed)
    options = ics.FeedOptions(refresh=REFRESH)
    try:
        return _build(schedules, changed_at, options, state, digest, closed)
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        raise FeedError([f"{source}: {error}"]) from None


def _build(schedules: list[tuple[str, Schedule]], changed_at: datetime, options: ics.FeedOptions, state: State,
           digest: str, closed: dict[str, datetime]) -> tuple[Site, State]:
    revisions = writer.revisions([s for _, s in schedules], stamp=changed_at, previous=state.last_good or b"",
                                 feed=options)

    def render(group: list[Schedule], name: str | None = None) -> bytes:
        return writer.calendar_text(group, stamp=changed_at, name=name, revisions=revisions,
                                    feed=options).encode("utf-8")

    contents = {COMBINED: render([s for _, s in schedules], COMBINED_NAME)}
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


def _plan(text: str, source: str, request: Request,
          closed_before: Mapping[str, datetime]) -> tuple[list[tuple[str, Schedule]], dict[str, datetime]]:
    try:
        _, rows = read_text(text)
    except CsvError as error:
        raise FeedError([f"{source}: {error}"]) from None
    naming = Naming()
    planned: list[tuple[str, Schedule]] = []
    problems: list[str] = []
    closed: dict[str, datetime] = {}
    for row in rows:
        if isinstance(row, RowError):
            problems.append(row.describe(source))
            continue
        row_request = request
        schedule = plan_row(row, row_request)
        if not isinstance(schedule, RowError) and schedule.interview.status.is_closed and not row.raw.outcome_date:
            key = interview_key(schedule.interview)
            closed[key] = closed_before.get(key, request.now)
            if closed[key] != request.now:
                row_request = replace(request, now=closed[key])
                schedule = plan_row(row, row_request)
        if isinstance(schedule, RowError):
            problems.append(schedule.describe(source))
            continue
        stem = naming.name(row, file_stem(schedule.interview), min(s.start for s in schedule.steps))
        if isinstance(stem, RowError):
            problems.append(stem.describe(source))
            continue
        if stem != file_stem(schedule.interview):
            renamed = plan_row(row, row_request, interview_id=stem)
            assert not isinstance(renamed, RowError)
            schedule = renamed
        planned.append((stem, schedule))
    if problems:
        raise FeedError(problems)
    if not planned:
        raise FeedError([f"{source}: no interviews below the header row"])
    return planned, closed


def _listing(stem: str, schedule: Schedule) -> Listing:
    interview = schedule.interview
    start = local(tzinfo(interview.zone), interview.start)
    return Listing(f"{stem}.ics", interview.title, f"{when(start)} ({interview.zone})", str(interview.status),
                   len(schedule.steps))


def _time(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
