"""The follow-ups stored in a CalDAV calendar (iCloud, Fastmail, Nextcloud, Radicale): one object per UID.

A push is a sync from the plan to the calendar that is safe to repeat and to interrupt:
- every object is the writer's own event (ical/objects.py), at ``<UID>.ics`` in the calendar;
- a small state beside the CSV (the folder `serve` uses) records, per UID, the ETag the server gave our
  last write and the fingerprint of what we wrote. Unchanged plan and unchanged ETag: nothing is sent.
  Changed plan: a PUT with ``If-Match`` on that ETag, SEQUENCE one above what the server holds;
- a server copy whose ETag is not the one we recorded was edited in the user's app (or our own write
  landed just before a crash): if it means the same as our event it is adopted; otherwise the change is a
  conflict, reported and skipped unless ``force``;
- UIDs about to be written are saved in the state before the first PUT (``pending``), so objects written by
  a run that was killed are still known as ours; the state is saved every few writes and on any error;
- objects that are neither planned nor in the state are never read, written or deleted.

caldav (and its HTTP stack) is imported only when a push runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from followup_ics.app.config import Request
from followup_ics.app.roster import Roster, RowError
from followup_ics.core.errors import DataError, FollowupError
from followup_ics.core.identity import interview_key, uid_for
from followup_ics.core.records import Schedule
from followup_ics.core.wallclock import local
from followup_ics.core.zones import tzinfo
from followup_ics.edges.files import read_if_exists, write_atomic
from followup_ics.edges.spreadsheet import CsvError, read_rows
from followup_ics.ical.objects import same_event, sequence_of, split_events
from followup_ics.ical.revisions import event_revisions
from followup_ics.ical.writer import calendar_text

SAVE_EVERY = 25  # writes between state saves: a killed run redoes at most this many checks
TIMEOUT = 30.0  # seconds per request


class PushError(FollowupError):
    """The server cannot be used (unreachable, not CalDAV, refused, stopped answering): one line."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Target:
    """Where to push: the server's address, the account and the calendar's display name."""

    url: str
    user: str
    password: str
    calendar: str


@dataclass(frozen=True, slots=True)
class Planned:
    """One event of the plan: its fingerprint (content without DTSTAMP/SEQUENCE) and how to show it."""

    uid: str
    fingerprint: str
    summary: str
    when: str


@dataclass
class Known:
    """What the last write of one UID left on the server."""

    href: str
    etag: str
    fingerprint: str
    sequence: int


@dataclass
class PushState:
    calendar_url: str = ""
    known: dict[str, Known] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)  # UIDs whose create or update was started, not recorded
    seen: dict[str, datetime] = field(default_factory=dict)  # undated outcomes: when first seen (roster)


@dataclass(frozen=True, slots=True)
class Change:
    """One write the push makes: create, update or delete of a UID; ``etag`` is the If-Match precondition."""

    kind: str
    uid: str
    href: str
    etag: str | None
    sequence: int
    label: str


@dataclass
class PushReport:
    calendar_url: str = ""
    created_calendar: bool = False
    changes: list[Change] = field(default_factory=list)  # what was (or, dry run, would be) written
    done: dict[str, int] = field(default_factory=lambda: {"create": 0, "update": 0, "delete": 0})
    unchanged: int = 0
    adopted: int = 0  # server copies found to match the plan (a write that landed before a crash)
    conflicts: list[str] = field(default_factory=list)
    deleted_there: list[str] = field(default_factory=list)  # ours, deleted in the calendar: not put back
    reads: int = 0
    writes: int = 0


# --- the plan --------------------------------------------------------------------------------------------

Plan = tuple[list[Schedule], dict[str, datetime]]


def plan_csv(source: Path, request: Request, first_seen: dict[str, datetime]) -> Plan:
    """The CSV planned as `batch` plans it: each row's schedule, then each candidate's keep-searching stream;
    and the first-seen dates of undated outcomes, to keep for the next push."""
    try:
        roster = Roster(lambda: read_rows(source)[1], request, first_seen)
    except CsvError as error:
        raise DataError(f"{source}: {error}") from None
    if roster.errors:
        raise DataError("\n".join(error.describe(str(source)) for error in roster.errors))
    schedules = [result[1] for result in roster.schedules() if not isinstance(result, RowError)]
    if not schedules:
        raise DataError(f"{source}: no interviews below the header row")
    return schedules + list(roster.streams()), roster.first_seen_dates()


def planned_events(schedules: Sequence[Schedule], stamp: datetime) -> dict[str, Planned]:
    """UID -> Planned for every event of the schedules, in calendar order."""
    current = event_revisions(calendar_text(schedules, stamp=stamp).encode("utf-8"))
    labels = {}
    for schedule in schedules:
        key = interview_key(schedule.interview)
        zone = tzinfo(schedule.interview.zone)
        for step in schedule.steps:
            labels[uid_for(key, step.key)] = (step.summary, f"{local(zone, step.start):%Y-%m-%d %H:%M}")
    return {uid: Planned(uid, hashlib.sha256(revision.fingerprint).hexdigest()[:32], *labels[uid])
            for uid, revision in current.items()}


def render_objects(schedules: Sequence[Schedule], stamp: datetime,
                   sequences: dict[str, int]) -> dict[str, bytes]:
    """UID -> the object to store, for the events that will be written, each with its SEQUENCE."""
    revisions = {uid: (sequence, stamp) for uid, sequence in sequences.items()}
    return split_events(calendar_text(schedules, stamp=stamp, revisions=revisions).encode("utf-8"))


# --- the state -------------------------------------------------------------------------------------------

def state_file(folder: Path, target: Target) -> Path:
    """One state per server, account and calendar, in the CSV's state folder."""
    digest = hashlib.sha256("\x1f".join((target.url.rstrip("/"), target.user, target.calendar)).encode()).hexdigest()
    return folder / f"push-{digest[:16]}.json"


def load_push_state(path: Path) -> PushState:
    raw = read_if_exists(path)
    if not raw:
        return PushState()
    try:
        saved = json.loads(raw)
        known = {uid: Known(str(href), str(etag), str(fingerprint), int(sequence))
                 for uid, (href, etag, fingerprint, sequence) in saved["known"].items()}
        return PushState(str(saved["calendar_url"]), known, {str(uid) for uid in saved.get("pending", [])},
                         {str(key): datetime.fromisoformat(value) for key, value in saved.get("seen", {}).items()})
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DataError(f"{path}: not a push state this version can read; move it away to start afresh") from None


def save_push_state(path: Path, state: PushState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = {"calendar_url": state.calendar_url,
             "known": {uid: [k.href, k.etag, k.fingerprint, k.sequence] for uid, k in sorted(state.known.items())},
             "pending": sorted(state.pending),
             "seen": {key: moment.isoformat() for key, moment in sorted(state.seen.items())}}
    write_atomic(path, (json.dumps(saved, indent=1) + "\n").encode("utf-8"))


# --- the server ------------------------------------------------------------------------------------------

class Server:
    """The calendar on a CalDAV server, through the caldav library; every failure becomes a PushError."""

    def __init__(self, target: Target, timeout: float = TIMEOUT) -> None:
        import caldav

        self.target = target
        self.reads = 0
        self.writes = 0
        self._client = caldav.DAVClient(url=target.url, username=target.user, password=target.password,
                                        timeout=timeout)
        self._calendar: Any = None
        sender = self._client.request

        def counted(url: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
            # The requests caldav sends through its client, its own discovery included (Radicale logs one
            # more PROPFIND on a first push than is counted here: the library probes once by itself).
            if method in ("GET", "PROPFIND", "REPORT", "OPTIONS", "HEAD"):
                self.reads += 1
            else:
                self.writes += 1
            return sender(url, method, *args, **kwargs)

        self._client.request = counted  # type: ignore[method-assign]

    def open_calendar(self, create: bool) -> tuple[str, bool]:
        """The calendar's URL, and whether it was created now; None-like error if missing and not ``create``."""
        from caldav.lib import error

        with self._talking("finding the calendar"):
            principal = self._client.principal()
            try:
                self._calendar = principal.calendar(name=self.target.calendar)
                return str(self._calendar.url), False
            except error.NotFoundError:
                if not create:
                    return "", False
            self._calendar = principal.make_calendar(name=self.target.calendar)
            return str(self._calendar.url), True

    def etags(self) -> dict[str, str]:
        """href path -> ETag of every object in the calendar (one PROPFIND)."""
        from caldav.elements import dav

        with self._talking("listing the calendar"):
            response = self._calendar.get_properties([dav.GetEtag()], depth=1, parse_response_xml=False)
            found = response.expand_simple_props([dav.GetEtag()])
        own = _path(str(self._calendar.url))
        return {_path(href): props.get(dav.GetEtag.tag) or "" for href, props in found.items()
                if _path(href) != own}

    def href_for(self, uid: str) -> str:
        if self._calendar is None:  # a dry run for a calendar not made yet: nothing is addressed
            return f"{uid}.ics"
        return _path(str(self._calendar.url.join(quote(uid, safe="@") + ".ics")))

    def get(self, href: str) -> bytes | None:
        with self._talking("reading an event"):
            response = self._client.request(self._url(href), "GET")
        if response.status == 404:
            return None
        self._check(response, "GET", href)
        raw = response.raw
        return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw or b"")

    def put(self, href: str, data: bytes, etag: str | None) -> str | None:
        """Store an object; ``etag`` None creates only if absent. None on a 412 (someone else changed it)."""
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        headers.update({"If-Match": etag} if etag else {"If-None-Match": "*"})
        with self._talking("storing an event"):
            response = self._client.put(self._url(href), data.decode("utf-8"), headers)
        if response.status == 412 or (etag is None and _uid_conflict(response)):
            return None
        self._check(response, "PUT", href)
        return response.headers.get("ETag") or ""

    def delete(self, href: str, etag: str) -> bool:
        """Delete an object if it is still the version ``etag``; False on a 412. Gone already is fine."""
        with self._talking("deleting an event"):
            response = self._client.delete(self._url(href), {"If-Match": etag})
        if response.status == 412:
            return False
        if response.status != 404:
            self._check(response, "DELETE", href)
        return True

    def _url(self, href: str) -> str:
        return str(self._calendar.url.join(quote(href, safe="/@")))

    def _check(self, response: Any, method: str, href: str) -> None:
        status = response.status
        if status in (401, 403):
            raise PushError(_refused(status))
        if status == 404 or status == 409:
            raise PushError(f"the calendar {self.target.calendar!r} is gone from the server ({method} answered "
                            f"{status}); run again to create it")
        if status >= 300:
            raise PushError(f"the server answered {status} {response.reason or ''} to {method} "
                            f"{unquote(href.rsplit('/', 1)[-1])}".rstrip())

    @contextlib.contextmanager
    def _talking(self, doing: str) -> Iterator[None]:
        """Any failure of the connection or the protocol while ``doing``: one line naming the server."""
        from caldav.lib import error
        from caldav.lib.http_sync import requests

        where = self.target.url
        try:
            yield
        except PushError:
            raise
        except requests.exceptions.Timeout:
            raise PushError(f"{where}: no answer within {TIMEOUT:.0f} s while {doing}; run again") from None
        except requests.exceptions.RequestException as failure:
            reason = _reason(failure)
            raise PushError(f"{where}: cannot reach the server while {doing} ({reason}); run again") from None
        except error.AuthorizationError as failure:
            raise PushError(_refused(getattr(failure, "status", None) or 401)) from None
        except (error.DAVError, ValueError, KeyError, AttributeError, TypeError) as failure:
            status = getattr(failure, "status", None)
            if status in (401, 403):  # e.g. a MKCALENDAR the account may not make
                raise PushError(_refused(status)) from None
            # caldav reports a server that is not CalDAV as a failed PROPFIND or an unreadable answer
            detail = f"it answered {status}" if status else _short(failure)
            raise PushError(f"{where}: not a CalDAV server, or not this address ({detail}) while {doing}") from None


def _refused(status: int) -> str:
    if status == 403:
        return "the server refused access (403 Forbidden): check the user and that it may use this calendar"
    return "the server refused the user name or password (401): check --user and the password"


def _uid_conflict(response: Any) -> bool:
    """A server that already holds this UID at another address refuses the create (RFC 4791 no-uid-conflict)."""
    raw = response.raw if isinstance(response.raw, str) else (response.raw or b"").decode("utf-8", "replace")
    return response.status in (403, 409) and "no-uid-conflict" in raw


def _reason(failure: Exception) -> str:
    text = str(failure)
    for known in ("Connection refused", "Name or service not known", "No route to host", "timed out",
                  "Connection reset", "Connection aborted", "Remote end closed", "certificate"):
        if known.lower() in text.lower():
            return known.lower()
    return _short(failure)


def _short(failure: Exception) -> str:
    text = " ".join(str(failure).split()) or type(failure).__name__
    return text if len(text) <= 100 else text[:99] + "…"


def _path(href: str) -> str:
    return unquote(urlsplit(href).path)


# --- the push --------------------------------------------------------------------------------------------

class Push:
    """One push: ``prepare()`` reads the calendar and decides every write; ``apply()`` makes them."""

    def __init__(self, target: Target, plan: Callable[[dict[str, datetime]], Plan], stamp: datetime,
                 state_path: Path, *, force: bool = False, server: Server | None = None) -> None:
        self.state_path = state_path
        self.state = load_push_state(state_path)
        self.schedules, self.state.seen = plan(self.state.seen)  # bad data fails before any request
        self.stamp = stamp
        self.force = force
        self.server = server or Server(target)
        self.report = PushReport()
        self.planned = planned_events(self.schedules, stamp)
        self._as_planned: dict[str, bytes] | None = None  # every object at SEQUENCE 0, made when first needed

    def prepare(self, *, create_calendar: bool = True) -> PushReport:
        url, created = self.server.open_calendar(create=create_calendar)
        self.report.calendar_url, self.report.created_calendar = url, created
        if url and url != self.state.calendar_url:
            # Another calendar (or this one deleted and made again): nothing recorded holds there.
            self.state = PushState(calendar_url=url, seen=self.state.seen)
        listing = self.server.etags() if url and not created else {}
        self._decide(listing)
        self._sync_counts()
        return self.report

    def apply(self, progress: Callable[[int], None] | None = None) -> PushReport:
        changes = self.report.changes
        sequences = {change.uid: change.sequence for change in changes if change.kind != "delete"}
        objects = render_objects(self.schedules, self.stamp, sequences) if sequences else {}
        self.state.pending |= {change.uid for change in changes if change.kind != "delete"}
        save_push_state(self.state_path, self.state)
        try:
            for count, change in enumerate(changes, 1):
                self._write(change, objects)
                if progress:
                    progress(1)
                if count % SAVE_EVERY == 0:
                    save_push_state(self.state_path, self.state)
            if any(not known.etag for known in self.state.known.values()):
                self._fill_etags()
        finally:
            self._sync_counts()
            save_push_state(self.state_path, self.state)
        self.state.pending.clear()
        save_push_state(self.state_path, self.state)
        return self.report

    def _fill_etags(self) -> None:
        """Some servers answer a PUT without an ETag: one listing gives them all."""
        listing = self.server.etags()
        for known in self.state.known.values():
            known.etag = known.etag or listing.get(known.href, "")

    def _decide(self, listing: dict[str, str]) -> None:
        for uid, planned in self.planned.items():
            href = self.server.href_for(uid)
            known = self.state.known.get(uid)
            etag = listing.get(href)
            label = f"{planned.when}  {planned.summary}"
            if etag is None and known is not None and uid not in self.state.pending and not self.force:
                # Deleted in the calendar app after we stored it: the user's choice, like an edit.
                self.report.deleted_there.append(label)
            elif etag is None:
                self._change("create", uid, href, None, (known.sequence + 1) if known else 0, label)
            elif known is not None and known.etag == etag:
                if known.fingerprint == planned.fingerprint:
                    self.report.unchanged += 1
                else:
                    self._change("update", uid, href, etag, known.sequence + 1, label)
            else:
                self._reconcile(planned, href, etag, label)
        for uid in sorted(set(self.state.known) | self.state.pending):
            if uid in self.planned:
                continue
            known = self.state.known.get(uid)
            href = known.href if known else self.server.href_for(uid)
            etag = listing.get(href)
            if etag is None:
                self.state.known.pop(uid, None)  # already gone
                self.state.pending.discard(uid)
            elif known is None or known.etag == etag or self.force:
                # Pending and unknown: created by a run that stopped before it could record the ETag.
                self._change("delete", uid, href, etag, 0, unquote(uid))
            else:
                self.report.conflicts.append(f"{uid}: changed in the calendar since the last push; not deleted "
                                             "(--force deletes it)")

    def _reconcile(self, planned: Planned, href: str, etag: str, label: str) -> None:
        """A server copy at our address that we did not leave as it is: adopt it, or report a conflict."""
        data = self.server.get(href)
        if data is None:
            self._change("create", planned.uid, href, None, 0, label)
            return
        if self._as_planned is None:
            self._as_planned = render_objects(self.schedules, self.stamp, {})
        ours = self._as_planned[planned.uid]
        server_sequence = sequence_of(data)
        if same_event(ours, data):
            self.state.known[planned.uid] = Known(href, etag, planned.fingerprint, server_sequence)
            self.state.pending.discard(planned.uid)
            self.report.adopted += 1
        elif self.force or planned.uid in self.state.pending:
            # Pending: our own write that a stopped run could not record, now to be brought up to date.
            self._change("update", planned.uid, href, etag, server_sequence + 1, label)
        else:
            known = planned.uid in self.state.known
            why = "edited in the calendar since the last push" if known else "already in the calendar, not put " \
                  "there by this push"
            self.report.conflicts.append(f"{label}: {why}; skipped (--force overwrites it)")

    def _change(self, kind: str, uid: str, href: str, etag: str | None, sequence: int, label: str) -> None:
        self.report.changes.append(Change(kind, uid, href, etag, sequence, label))

    def _write(self, change: Change, objects: dict[str, bytes]) -> None:
        if change.kind == "delete":
            assert change.etag is not None
            if self.server.delete(change.href, change.etag):
                self.state.known.pop(change.uid, None)
                self.state.pending.discard(change.uid)
                self.report.done["delete"] += 1
            else:
                self.report.conflicts.append(f"{change.label}: changed in the calendar during the push; not deleted")
            return
        etag = self.server.put(change.href, objects[change.uid], change.etag)
        if etag is None:
            self.report.conflicts.append(f"{change.label}: changed in the calendar during the push; skipped "
                                         "(run again)")
            return
        self.state.known[change.uid] = Known(change.href, etag, self.planned[change.uid].fingerprint,
                                             change.sequence)
        self.state.pending.discard(change.uid)
        self.report.done[change.kind] += 1

    def _sync_counts(self) -> None:
        self.report.reads, self.report.writes = self.server.reads, self.server.writes
