"""A CSV of interviews -> the feeds calendar apps subscribe to: all.ics and one per interview.

What makes a feed safe to subscribe to is that it changes only when its data does. Everything that
varies is derived from the data and a small persisted state (state.json plus the last good all.ics):
- an event's DTSTAMP and LAST-MODIFIED say when its content last changed, and its SEQUENCE counts the
  changes (revisions.py), so unchanged data rebuilds to identical bytes and identical ETags;
- a closed interview without an outcome date is closed as of the build that first saw it closed, so its
  earlier follow-ups stay and later ones leave the feed, now and on every later build;
- each feed's Last-Modified moves only when its bytes change.

A build is a folder of plain files under the state folder (builds/<id>/: the feeds, index.json and the
revisions), written whole before it is published and never changed after, so a server streams feeds from
disk instead of holding them, and swapping builds is swapping one reference. Memory stays bounded: each
interview is rendered, written and dropped in turn, its feed and listing appended to the index file as one
line each; all.ics is streamed from the interviews' events; the revisions and ETags of the previous build are
looked up per interview in its SQLite file, not parsed from its all.ics or index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from followup_ics.app.config import Request
from followup_ics.app.roster import Roster, RowError
from followup_ics.core.errors import ERRORS_SHOWN, DataError, FollowupError, first_errors
from followup_ics.core.identity import COMBINED, interview_key
from followup_ics.core.records import Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.edges.files import read_if_exists, write_atomic
from followup_ics.edges.spreadsheet import CsvError, read_rows
from followup_ics.ical import shape as ics
from followup_ics.ical import writer
from followup_ics.ical.revisions import Revision, event_revisions
from followup_ics.ical.shape import widen
from followup_ics.ical.writer import restamp as _restamp
from followup_ics.wording.language import Language, language
from followup_ics.wording.texts import collection_name

REFRESH = timedelta(hours=4)
STATE_FILE = "state.json"
LAST_GOOD = "last-good-all.ics"  # where states before builds kept the last all.ics served
BUILDS = "builds"
INDEX = "index.json"
SNAPSHOT = ".source.csv"  # the CSV as the build read it, removed once the build is complete
_CHUNK = 1 << 20
REVISIONS = "revisions.sqlite"
_EVENTS_START = b"BEGIN:VEVENT\r\n"
_CALENDAR_END = b"END:VCALENDAR\r\n"
TOKEN_BYTES = 24
PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600  # the state holds the token: for the user's eyes only


class FeedError(DataError):
    """The CSV cannot become feeds: every problem, one per line, rows named as a spreadsheet shows them;
    ``rows`` is how many rows the CSV has, when the problems are its bad rows."""

    def __init__(self, problems: list[str], rows: int | None = None) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.rows = rows

    def lines(self, limit: int | None = ERRORS_SHOWN) -> list[str]:
        """The problems to show: the first ``limit`` and a count of the rest (None: all)."""
        return first_errors(self.problems, self.rows, limit=limit)


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed of a build: a file that never changes once written."""

    folder: Path  # the build's folder, one object shared by all its feeds (a server holds 50,000 of these)
    name: str
    etag: str  # a strong validator: a hash of the bytes, quoted as HTTP wants it
    last_modified: datetime
    size: int

    @property
    def path(self) -> Path:
        return self.folder / self.name

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


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
    folder: Path | None = None  # the build folder the feeds live in
    events: int = 0


@dataclass
class State:
    """What survives restarts: the token, when the data last changed, and which build was published."""

    token: str
    csv_sha256: str = ""
    changed_at: datetime | None = None
    closed: dict[str, datetime] = field(default_factory=dict)  # interview key -> closed as of
    build: str = ""  # the folder under builds/ holding the published feeds
    # From a state written before builds existed, read once to carry SEQUENCE and Last-Modified over.
    legacy_feeds: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    legacy_last_good: bytes | None = None


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
                build=str(saved.get("build", "")))
            if not state.build:
                state.legacy_feeds = {name: (etag, _time(moment))
                                      for name, (etag, moment) in saved.get("feeds", {}).items()}
                state.legacy_last_good = read_if_exists(folder / LAST_GOOD)
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
    saved = {
        "token": state.token, "csv_sha256": state.csv_sha256,
        "changed_at": state.changed_at.isoformat() if state.changed_at else None,
        "closed": {key: moment.isoformat() for key, moment in sorted(state.closed.items())},
        "build": state.build,
    }
    write_atomic(folder / STATE_FILE, (json.dumps(saved, indent=1) + "\n").encode("utf-8"), mode=PRIVATE_FILE)
    if state.build:
        (folder / LAST_GOOD).unlink(missing_ok=True)  # superseded by the build folder


def check_private(folder: Path) -> None:
    """Refuse a state folder, or a file in it, that another user owns or may write, as ssh does.

    The state holds the secret token: whoever can write it chooses the token (and so where export-site
    publishes). One that is ours but readable by others (made by an earlier version) is made private.
    """
    for path in (folder, *(folder / name for name in (STATE_FILE, LAST_GOOD, BUILDS))):
        try:
            info = path.lstat()
        except (FileNotFoundError, NotADirectoryError):
            continue  # nothing there yet: it will be made private
        if stat.S_ISLNK(info.st_mode):
            raise FeedError([f"{path}: is a symbolic link; the state must be a plain folder and files"])
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise FeedError([f"{path}: owned by another user (uid {info.st_uid}); the state folder holds the "
                             "secret token and must be yours alone: remove it or choose another with --state"])
        if info.st_mode & 0o022:
            raise FeedError([f"{path}: other users may write to it (mode {stat.S_IMODE(info.st_mode):04o}); "
                             "the state folder holds the secret token: remove it or choose another with --state"])
        private = PRIVATE_FOLDER if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE
        if stat.S_IMODE(info.st_mode) & ~private:
            with contextlib.suppress(OSError):  # a read-only copy still works; refusing it would help no one
                os.chmod(path, private)


def csv_digest(csv_bytes: bytes, request: Request | None = None) -> str:
    """What tells one build's input from another, kept in the state: the CSV's content and the run's settings.

    The feeds' texts, zones and steps follow the settings too: a restart with ``--lang de`` (or another zone
    or plan file) on an unchanged CSV must build German feeds, not serve the English ones again.
    """
    return _with_settings(hashlib.sha256(csv_bytes), request)


def _with_settings(digest: Any, request: Request | None) -> str:
    if request is not None:
        digest.update(repr(_settled_form(request._replace(now=None))).encode("utf-8"))  # type: ignore[arg-type]
    return digest.hexdigest()


def _settled_form(value: object) -> object:
    """``value`` with its sets sorted and dataclasses (and NamedTuples, alike) as tuples: a repr that is the
    same in every process (a frozenset's order follows the per-process string hash)."""
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_settled_form(getattr(value, item.name)) for item in fields(value)))
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # settings' Hours: the form it had as a dataclass
        return (type(value).__name__, *(_settled_form(item) for item in value))
    if isinstance(value, (set, frozenset)):
        return ("set", *sorted(repr(_settled_form(item)) for item in value))
    if isinstance(value, (tuple, list)):
        return tuple(_settled_form(item) for item in value)
    return value


def build_site(csv: bytes | Path, source: str, request: Request, state: State,
               state_dir: Path) -> tuple[Site, State]:
    """Write the feeds for this CSV content as a new build under ``state_dir``; FeedError lists every bad row.

    The build is not published: the caller saves the returned State (which names it) once it serves it.
    """
    new_state = write_build(csv, source, request, state, state_dir)
    site = load_site(state_dir, new_state)
    if site is None:
        raise FeedError([f"{state_dir}: the new build cannot be read back"])
    return site, new_state


def write_build(csv: bytes | Path, source: str, request: Request, state: State, state_dir: Path) -> State:
    """build_site without reading the build back: what a build process runs, holding nothing per row.

    The CSV (its bytes, or its path) is first copied into the build folder, and the roster streams its rows
    from that copy: neither the file's bytes nor its text stay in memory (16 MB each for 50,000 rows), and the
    digest kept in the state is of the very content planned, even if the CSV changes meanwhile."""
    state_dir.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    builds = state_dir / BUILDS
    builds.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
    folder = builds / f"{time.time_ns()}-{secrets.token_hex(4)}"
    umask = os.umask(0o077)  # every file of the build private (0600), like the rest of the state
    try:
        folder.mkdir(mode=PRIVATE_FOLDER)
        snapshot = folder / SNAPSHOT
        digest = _copy(csv, snapshot, source, request)
        del csv
        changed_at = state.changed_at if digest == state.csv_sha256 and state.changed_at else request.now
        schedules, closed = _plan(snapshot, source, request._replace(now=changed_at), state.closed)
        _build(schedules, changed_at, ics.FeedOptions(refresh=REFRESH), _Previous(state_dir, state),
               folder, language(request.language))
        snapshot.unlink()
    except FeedError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except FollowupError as error:  # a zone that cannot be written as rules for these dates
        shutil.rmtree(folder, ignore_errors=True)
        raise FeedError([f"{source}: {error}"]) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        os.umask(umask)
    return State(token=state.token, csv_sha256=digest, changed_at=changed_at, closed=closed, build=folder.name)


def _copy(csv: bytes | Path, target: Path, source: str, request: Request) -> str:
    """Copy the CSV to ``target``, a chunk at a time; its csv_digest."""
    if isinstance(csv, bytes):
        target.write_bytes(csv)
        return csv_digest(csv, request)
    try:
        handle = csv.open("rb")
    except OSError as error:
        raise FeedError([f"{source}: cannot read it ({error.strerror or error})"]) from None
    digest = hashlib.sha256()
    with handle, target.open("wb") as out:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return _with_settings(digest, request)


def file_digest(path: Path, request: Request | None = None) -> str:
    """csv_digest of the file at ``path``, read a chunk at a time (raises OSError)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return _with_settings(digest, request)


def load_site(state_dir: Path, state: State) -> Site | None:
    """The published build named by ``state``, or None if there is none or it is incomplete."""
    if not state.build:
        return None
    folder = state_dir / BUILDS / state.build
    try:
        with (folder / INDEX).open("rb") as index:
            first = index.read(1)
            index.seek(0)
            if first == b"{":  # written by a version before 1 line per entry: one object
                return _site_from_object(folder, json.loads(index.read()))
            return _site_from_lines(folder, index)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _site_from_lines(folder: Path, index: BinaryIO) -> Site | None:
    """Read line by line, so that loading 50,000 feeds never holds the whole index as one object."""
    moments: dict[str, datetime] = {}  # most feeds share a few Last-Modified values: one object each
    feeds: dict[str, Feed] = {}
    listings: list[Listing] = []
    combined: Feed | None = None
    for line in index:
        kind, *values = json.loads(line)
        if kind == "feed":
            name, etag, moment, size = values
            feed = Feed(folder, name, etag, moments.get(moment) or moments.setdefault(moment, _time(moment)),
                        int(size))
            if name == COMBINED:
                combined = feed
            else:
                feeds[name] = feed
        elif kind == "listing":
            file, title, when, status, events = values
            listings.append(Listing(file, title, when, sys.intern(status), int(events)))
        elif kind == "site" and combined is not None:  # the last line: the index is complete
            return Site({COMBINED: combined, **feeds}, tuple(listings), _time(values[0]), folder, int(values[1]))
    return None


def _site_from_object(folder: Path, index: dict[str, object]) -> Site:
    moments: dict[str, datetime] = {}
    feeds = {name: Feed(folder, name, etag, moments.get(moment) or moments.setdefault(moment, _time(moment)),
                        int(size))
             for name, (etag, moment, size) in index["feeds"].items()}  # type: ignore[attr-defined]
    listings = tuple(Listing(file, title, when, sys.intern(status), events)
                     for file, title, when, status, events in index["listings"])  # type: ignore[attr-defined]
    return Site(feeds, listings, _time(index["changed_at"]), folder, int(index["events"]))  # type: ignore[call-overload]


def prune_builds(state_dir: Path, keep: Iterable[str]) -> None:
    """Remove builds other than ``keep`` that are over a minute old (a younger one may be in the making)."""
    builds = state_dir / BUILDS
    kept = set(keep)
    cutoff = time.time_ns() - 60 * 10**9
    try:
        folders = list(builds.iterdir())
    except OSError:
        return
    for folder in folders:
        try:
            started = int(folder.name.split("-", 1)[0])
        except ValueError:
            continue  # not ours
        if folder.name not in kept and started < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


class _Previous:
    """What the last published build says about each feed and event, looked up one at a time in its SQLite
    file (a build before feeds were kept there: its index, read whole)."""

    def __init__(self, state_dir: Path, state: State) -> None:
        self._feeds: dict[str, tuple[str, datetime]] = dict(state.legacy_feeds)
        self._legacy: dict[str, Revision] = {}
        self._db: sqlite3.Connection | None = None
        self._feeds_in_db = False
        if state.legacy_last_good:
            self._legacy = event_revisions(state.legacy_last_good)
        if not state.build:
            return
        folder = state_dir / BUILDS / state.build
        path = folder / REVISIONS
        if (folder / INDEX).exists() and path.exists():
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            self._feeds_in_db = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feeds'").fetchone() is not None
        if not self._feeds_in_db:
            site = load_site(state_dir, state)
            if site is not None:
                self._feeds = {name: (feed.etag, feed.last_modified) for name, feed in site.feeds.items()}

    def feed(self, name: str) -> tuple[str, datetime] | None:
        """The ETag and Last-Modified the feed ``name`` had."""
        if not self._feeds_in_db:
            return self._feeds.get(name)
        assert self._db is not None
        row = self._db.execute("SELECT etag, modified FROM feeds WHERE name = ?", (name,)).fetchone()
        return (row[0], _time(row[1])) if row else None

    def revisions(self, key: str) -> dict[str, tuple[str, int, datetime]]:
        """UID -> (fingerprint digest, SEQUENCE, stamp) of each event the interview ``key`` had."""
        if self._legacy:
            return {}  # looked up by UID in events()
        if self._db is None:
            return {}
        row = self._db.execute("SELECT events FROM revisions WHERE key = ?", (key,)).fetchone()
        if row is None:
            return {}
        return {uid: (digest, sequence, _time(stamp)) for uid, (digest, sequence, stamp) in json.loads(row[0]).items()}

    def event(self, uid: str,
              known: Mapping[str, tuple[str, int, datetime]]) -> tuple[str, int, datetime | None] | None:
        if uid in known:
            return known[uid]
        legacy = self._legacy.get(uid)
        if legacy is None:
            return None
        return _fingerprint(legacy.fingerprint), legacy.sequence, legacy.stamp

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


class _Index:
    """The build's index.json, written as the build goes, one JSON line per feed and per listing: nothing
    per interview stays in memory. The last line says the index is complete; the file gets its name only
    then, so a build folder without its index is unfinished and never served."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / INDEX
        self._temp = folder / f".{INDEX}.tmp"
        self._out = self._temp.open("w", encoding="utf-8")

    def add(self, *entry: object) -> None:
        self._out.write(json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n")

    def finish(self, changed_at: datetime, events: int) -> None:
        self.add("site", changed_at.isoformat(), events)
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        os.replace(self._temp, self.path)

    def close(self) -> None:
        self._out.close()


def _build(schedules: Iterable[tuple[str | None, Schedule]], changed_at: datetime, options: ics.FeedOptions,
           previous: _Previous, folder: Path, lang: Language) -> None:
    """The build's feeds: one per interview (a stem with its schedule), all.ics holding them all and each
    candidate's keep-searching stream (no stem: it belongs to no one interview)."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    events = 0
    database = sqlite3.connect(folder / REVISIONS)
    database.execute("CREATE TABLE revisions (key TEXT PRIMARY KEY, events TEXT NOT NULL)")
    database.execute("CREATE TABLE feeds (name TEXT PRIMARY KEY, etag TEXT NOT NULL, modified TEXT NOT NULL)")
    index = _Index(folder)
    body_path = folder / ".all-events"
    try:
        with body_path.open("wb") as body:
            for stem, schedule in _one_by_one(schedules):
                if stem is None:
                    events += _add_stream(schedule, body, spans, database, changed_at, options, previous)
                    continue
                data, kept = _render(schedule, changed_at, options, previous)
                _add_feed(index, database, _write_feed(folder / f"{stem}.ics", data, changed_at, previous))
                start = data.find(_EVENTS_START)
                if start >= 0:
                    body.write(data[start:-len(_CALENDAR_END)])
                if schedule.steps:
                    widen(spans, schedule.interview.zone, min(step.start for step in schedule.steps),
                          max(step.end for step in schedule.steps))
                database.execute("INSERT OR REPLACE INTO revisions VALUES (?, ?)",
                                 (interview_key(schedule.interview), json.dumps(kept, separators=(",", ":"))))
                item = _listing(stem, schedule, lang)
                index.add("listing", item.file, item.title, item.when, item.status, item.events)
                events += len(schedule.steps)
        _add_feed(index, database,
                  _write_combined(folder, body_path, spans, options, changed_at, previous,
                                  collection_name(lang)))
        database.commit()
        index.finish(changed_at, events)  # last: the build is complete
    finally:
        index.close()
        database.close()
        previous.close()


def _add_stream(stream: Schedule, body: BinaryIO, spans: dict[str, tuple[datetime, datetime]],
                database: sqlite3.Connection, changed_at: datetime, options: ics.FeedOptions,
                previous: _Previous) -> int:
    """A candidate's keep-searching stream, which only all.ics holds, with its revisions; its events' count."""
    data, kept = _render(stream, changed_at, options, previous)
    body.write(data[data.find(_EVENTS_START):-len(_CALENDAR_END)])
    widen(spans, stream.interview.zone, stream.steps[0].start, stream.steps[-1].end)
    database.execute("INSERT OR REPLACE INTO revisions VALUES (?, ?)",
                     (interview_key(stream.interview), json.dumps(kept, separators=(",", ":"))))
    return len(stream.steps)


def _add_feed(index: _Index, database: sqlite3.Connection, feed: Feed) -> None:
    modified = feed.last_modified.isoformat()
    index.add("feed", feed.name, feed.etag, modified, feed.size)
    database.execute("INSERT INTO feeds VALUES (?, ?, ?)", (feed.name, feed.etag, modified))


def _one_by_one(schedules: Iterable[tuple[str, Schedule]]) -> Iterator[tuple[str, Schedule]]:
    """Each planned interview in order, let go of once written: a list is emptied as it is read, and a
    generator (a streaming roster) never holds more than one."""
    if isinstance(schedules, list):
        schedules.reverse()
        while schedules:
            yield schedules.pop()
    else:
        yield from schedules


def _render(schedule: Schedule, changed_at: datetime, options: ics.FeedOptions,
            previous: _Previous) -> tuple[bytes, dict[str, list[object]]]:
    """One interview's feed, each event's SEQUENCE and stamp carried over from the previous build or moved
    on (revisions.py's rule), and what to remember of each event for the next build."""
    fresh = writer.calendar_text([schedule], stamp=changed_at, feed=options).encode("utf-8")
    known = previous.revisions(interview_key(schedule.interview))
    found: dict[str, tuple[int, datetime]] = {}
    kept: dict[str, list[object]] = {}
    current = event_revisions(fresh)
    for uid, revision in current.items():
        digest = _fingerprint(revision.fingerprint)
        before = previous.event(uid, known)
        if before is None:
            sequence, stamp = 0, changed_at
        elif before[0] == digest:
            sequence, stamp = before[1], before[2] or changed_at
        else:
            sequence, stamp = before[1] + 1, changed_at
        if (sequence, stamp) != (0, changed_at):
            found[uid] = (sequence, stamp)
        kept[uid] = [digest, sequence, stamp.isoformat()]
    if not found:
        return fresh, kept
    return _restamp(fresh, list(current), changed_at, found), kept


def _write_feed(path: Path, data: bytes, changed_at: datetime, previous: _Previous) -> Feed:
    path.write_bytes(data)
    return _feed(path, _etag(hashlib.sha256(data)), len(data), changed_at, previous)


def _write_combined(folder: Path, body_path: Path, spans: dict[str, tuple[datetime, datetime]],
                    options: ics.FeedOptions, changed_at: datetime, previous: _Previous, name: str) -> Feed:
    """all.ics: the shell's head (its VTIMEZONEs need every interview's span), then the events, streamed."""
    path = folder / COMBINED
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out, body_path.open("rb") as body:
        for chunk in _chain_chunks(writer.shell_head(name, spans, options).encode("utf-8"), body,
                                   _CALENDAR_END):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    body_path.unlink()
    return _feed(path, _etag(digest), size, changed_at, previous)


def _chain_chunks(head: bytes, body: BinaryIO, tail: bytes) -> Iterator[bytes]:
    yield head
    while chunk := body.read(1 << 20):
        yield chunk
    yield tail


def _feed(path: Path, etag: str, size: int, changed_at: datetime, previous: _Previous) -> Feed:
    before = previous.feed(path.name)
    modified = before[1] if before and before[0] == etag else changed_at
    return Feed(path.parent, path.name, etag, modified, size)


def _etag(digest: hashlib._Hash) -> str:
    return f'"{digest.hexdigest()[:32]}"'


def _fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:32]


Planned = tuple[Iterator[tuple[str | None, Schedule]], dict[str, datetime]]


def _plan(csv: Path, source: str, request: Request, seen_before: Mapping[str, datetime]) -> Planned:
    """(stem, schedule) per row, planned one at a time as they are written, each candidate's keep-searching
    stream (stem None) after their last row; the first-seen dates to keep.
    Every row is checked before anything is planned."""
    try:
        roster = Roster(lambda: read_rows(csv)[1], request, seen_before)
    except CsvError as error:
        raise FeedError([f"{source}: {error}"]) from None
    if roster.errors:
        raise FeedError([error.describe(source) for error in roster.errors], roster.rows)
    if not roster.facts.applications:
        raise FeedError([f"{source}: no interviews below the header row"])

    def planned() -> Iterator[tuple[str | None, Schedule]]:
        for result in roster.schedules():
            assert not isinstance(result, RowError)  # every row was checked above
            yield result[0].stem, result[1]
            yield from ((None, stream) for stream in roster.streams())
        yield from ((None, stream) for stream in roster.streams())

    return planned(), roster.first_seen_dates()


def _listing(stem: str, schedule: Schedule, lang: Language) -> Listing:
    """The page's line for one interview; its date in the run's language, the page's (see page.py)."""
    interview = schedule.interview
    start = local(tzinfo(interview.zone), interview.start)
    when = f"{lang.when(start)} ({interview.zone})"
    return Listing(f"{stem}.ics", interview.title, when, str(interview.status), len(schedule.steps))


def _time(value: object) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
