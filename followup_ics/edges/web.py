"""The hosted feed: a plain WSGI app serving prebuilt feeds, rebuilt in the background when the CSV changes.

Requests never build anything: they read one immutable Site, swapped in whole after each rebuild, so no
request sees a half-built feed. Feeds are files of a build folder, streamed with the server's file wrapper,
never held in memory; builds run in a child process (building.py). A CSV that turns bad, or vanishes,
leaves the last good Site in place, and the page says why. The page is rendered once per build and
address, with an ETag. Any WSGI server can run ``create_app``; ``followup-ics serve`` runs it under waitress.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO
from urllib.parse import parse_qs

from followup_ics.app import clock
from followup_ics.app.config import Request
from followup_ics.core.errors import ERRORS_SHOWN
from followup_ics.edges.building import Cancelled, build_in_child
from followup_ics.edges.feeds import (
    TOKEN_RULE,
    Feed,
    FeedError,
    Site,
    State,
    file_digest,
    load_site,
    load_state,
    prune_builds,
    save_state,
    valid_token,
)
from followup_ics.edges.page import PageView, render_page
from followup_ics.wording.language import language

StartResponse = Callable[..., Any]
_METHODS = ("GET", "HEAD")
SETTLE = 2.0  # seconds a CSV must stay unchanged before it is published
_CHUNK = 1 << 16  # bytes read at a time when streaming a feed
_PAGES_KEPT = 64  # rendered pages kept per build (addresses x problems x views)


def default_state_dir(source: Path) -> Path:
    """Kept beside the CSV, so `serve` and `export-site` on one CSV share a token and revisions."""
    return source.with_name(f".{source.name}.followup-ics")


class FeedApp:
    """WSGI app for one CSV: `/<token>/` the page, `/<token>/all.ics` and `/<token>/<interview>.ics`."""

    def __init__(self, source: Path, request: Request, *, state_dir: Path | None = None,
                 token: str | None = None, rotate_token: bool = False, poll: float = 1.0,
                 settle: float = SETTLE, public_url: str | None = None, log: TextIO | None = None,
                 all_errors: bool = False) -> None:
        if token is not None and not valid_token(token):
            raise ValueError(f"token: {TOKEN_RULE}")
        self.source = source
        self.request = request
        self.state_dir = state_dir or default_state_dir(source)
        self.poll = poll
        self.settle = settle
        self.public_url = public_url.rstrip("/") if public_url else None
        self.log = log or sys.stderr
        self.error_limit = None if all_errors else ERRORS_SHOWN  # bad rows listed in the log and on the page
        self.problem: str | None = None
        self._state: State = load_state(self.state_dir, token=token, rotate=rotate_token)
        self._signature: tuple[int, int, int] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._pages: dict[tuple[object, ...], tuple[bytes, str]] = {}
        self.site: Site = self._first_site()

    @property
    def token(self) -> str:
        return self._state.token

    # Building -----------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Rebuild if the CSV's content changed; True when new feeds were swapped in."""
        site = self._build()
        if site is None or site is self.site:
            return False
        self.site = site  # one reference assignment: requests see the old Site or the new one
        return True

    def _first_site(self) -> Site:
        """The published build if the CSV still holds what it was built from (a restart costs nothing),
        else a new build; FeedError if there is none to serve."""
        with self._lock:
            try:
                signature = _signature(self.source)
                digest = file_digest(self.source, self.request)  # a chunk at a time: 50,000 rows are 16 MB
            except OSError as error:
                raise FeedError([f"{self.source}: cannot read it ({error.strerror or error})"]) from None
            site = load_site(self.state_dir, self._state) if digest == self._state.csv_sha256 else None
            if site is None:
                request = self.request._replace(now=clock.now())
                site, self._state = build_in_child(self.source, request, self._state, self.state_dir, self._stop)
            self._keep_state(site, first=True)
            self._signature = signature
            self._say(f"feeds ready: {len(site.listings)} interviews, {len(site.feeds)} feeds")
            return site

    def _build(self) -> Site | None:
        with self._lock:
            try:
                signature = _signature(self.source)
                digest = file_digest(self.source, self.request)  # a chunk at a time: 50,000 rows are 16 MB
            except OSError as error:
                self._fail(f"{self.source}: cannot read it ({error.strerror or error})")
                return None
            current = self.site
            if digest == self._state.csv_sha256:
                self._signature, self.problem = signature, None
                return current
            request = self.request._replace(now=clock.now())
            started = time.monotonic()
            self._say(f"{self.source} changed: building the new feeds; serving the previous ones meanwhile")
            try:
                site, state = build_in_child(self.source, request, self._state, self.state_dir, self._stop)
            except FeedError as error:
                self._signature = signature
                self._fail("\n".join(error.lines(self.error_limit)))
                return None
            self._state, self._signature, self.problem = state, signature, None
            self._keep_state(site, first=False, previous=current)
            self._say(f"feeds built: {len(site.listings)} interviews, {len(site.feeds)} feeds "
                      f"in {time.monotonic() - started:.1f} s")
            return site

    def _keep_state(self, site: Site, *, first: bool, previous: Site | None = None) -> None:
        try:
            save_state(self.state_dir, self._state)
        except OSError as error:
            message = f"{self.state_dir}: cannot keep the token and revisions there ({error.strerror or error})"
            if first:
                raise FeedError([message]) from None
            self._say(f"warning: {message}")
        # The previous build stays a while: a request may have just picked it up.
        keep = [folder.name for folder in (site.folder, previous.folder if previous else None) if folder]
        prune_builds(self.state_dir, keep)

    def _fail(self, problem: str) -> None:
        if problem != self.problem:
            lines = problem.splitlines() or [""]
            lines[-1] += "; still serving the last good feeds" if hasattr(self, "site") else ""
            for number, line in enumerate(lines):  # one log line per problem: a log line never holds a newline
                self._say(("error: " if number == 0 else "  ") + line)
        self.problem = problem

    # Watching -----------------------------------------------------------------------------------

    def start(self) -> FeedApp:
        """Watch the CSV in a background thread (idempotent)."""
        if self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, name="followup-ics-watch", daemon=True)
            self._watcher.start()
        return self

    def close(self) -> None:
        """Stop watching; a build under way is killed (within a second or two)."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=4)

    def _watch(self) -> None:
        seen = self._signature
        while not self._stop.wait(self.poll):
            try:
                signature = _signature(self.source)
            except FileNotFoundError:
                if seen is None:  # gone on two checks in a row: not a save in progress but a deleted file
                    self._fail(f"{self.source}: the file is gone (deleted or moved)")
                seen = None
                continue
            except OSError as error:
                self._fail(f"{self.source}: cannot read it ({error.strerror or error})")
                continue
            previous, seen = seen, signature
            if signature == self._signature or signature != previous or not _settled(signature, self.settle):
                continue  # unchanged, or still being written: publish only a file that has stopped changing
            try:
                self.refresh()
            except Cancelled:
                return
            except Exception as error:  # the watcher must outlive any one bad rebuild
                self._say(f"error: rebuilding the feeds failed ({error!r}); still serving the last good feeds")

    # Serving ------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        handle = None
        try:
            status, headers, body = self._respond(environ)
            if isinstance(body, Feed) and status.startswith("200") and environ.get("REQUEST_METHOD") != "HEAD":
                handle = body.path.open("rb")  # a build's files never change; an open one outlives pruning
        except Exception as error:  # one line in the log, masked; never a traceback holding the raw path
            self._say(f"error: {type(error).__name__} while serving {environ.get('PATH_INFO', '')}: {error}")
            status, headers, body = _plain("500 Internal Server Error", b"Internal server error\n")
        start_response(status, headers)
        self._access(environ, status, headers)
        if handle is not None:
            wrapper = environ.get("wsgi.file_wrapper")
            return wrapper(handle, _CHUNK) if wrapper else _read_chunks(handle)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" or isinstance(body, Feed) else [body]

    def _respond(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes | Feed]:
        parts = environ.get("PATH_INFO", "").split("/")
        if len(parts) not in (2, 3) or parts[0] or not _same(parts[1], self.token):
            return _plain("404 Not Found", b"Not found\n")
        if environ.get("REQUEST_METHOD") not in _METHODS:
            status, headers, body = _plain("405 Method Not Allowed", b"Method not allowed\n")
            return status, [*headers, ("Allow", ", ".join(_METHODS))], body
        site = self.site
        name = parts[2] if len(parts) == 3 else ""
        if not name:
            return self._page(site, environ)
        feed = site.feeds.get(name)
        if feed is None:
            return _plain("404 Not Found", b"Not found\n")
        return _feed_response(name, feed, environ)

    def _page(self, site: Site, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """The page, rendered once per build, address, problem and view, and answered 304 when unchanged."""
        query = parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=4)
        search = " ".join(query.get("q", [""])[0].split())[:100]
        number = query.get("page", ["1"])[0]
        view = PageView(number=int(number) if number.isdigit() and len(number) < 7 else 1, search=search)
        key = (site.folder, self._base_url(environ), self.problem, view)
        cached = self._pages.get(key)
        if cached is None:
            page = render_page(site, key[1], self.problem, view=view, lang=language(self.request.language),
                               me=self.request.me).encode("utf-8")
            cached = (page, f'"{hashlib.sha256(page).hexdigest()[:32]}"')
            if len(self._pages) >= _PAGES_KEPT:
                self._pages.clear()
            self._pages[key] = cached
        page, etag = cached
        headers = [("ETag", etag), ("Cache-Control", "private, no-cache"), ("Referrer-Policy", "no-referrer"),
                   ("X-Robots-Tag", "noindex"), ("X-Content-Type-Options", "nosniff")]
        if _etag_matches(etag, environ.get("HTTP_IF_NONE_MATCH")):
            return "304 Not Modified", headers, b""
        return "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page))),
                          *headers], page

    def _base_url(self, environ: dict[str, Any]) -> str:
        if self.public_url:
            root = self.public_url
        else:
            host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
            root = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('SCRIPT_NAME', '')}"
        return f"{root}/{self.token}/"

    def _access(self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]]) -> None:
        # The token is the only secret in a feed URL: it never reaches the log.
        parts = environ.get("PATH_INFO", "").split("/")
        if len(parts) > 1 and parts[1]:
            parts[1] = "<token>"
        length = next((value for key, value in headers if key == "Content-Length"), "-")
        self._say(f'{environ.get("REMOTE_ADDR", "-")} "{environ.get("REQUEST_METHOD")} {"/".join(parts)}" '
                  f"{status.split()[0]} {length}")

    def capture_server_log(self, name: str = "waitress") -> None:
        """Send the logger ``name`` (the WSGI server's) through this app's log, so no line escapes masking."""
        logger = logging.getLogger(name)
        logger.handlers[:] = [_ServerLog(self)]
        logger.propagate = False
        logger.setLevel(logging.INFO)

    def _say(self, line: str) -> None:
        line = loggable(line, self._state.token)
        try:
            self.log.write(f"[{datetime.now():%Y-%m-%d %H:%M:%S}] {line}\n")
            self.log.flush()
        except (OSError, ValueError):
            pass


class LateApp:
    """A WSGI app to listen with before the real one exists (it answers 503 until then)."""

    app: FeedApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.app is None:
            status, headers, body = _plain("503 Service Unavailable", b"Starting\n")
            start_response(status, headers)
            return [body]
        return self.app(environ, start_response)


class _ServerLog(logging.Handler):
    """The WSGI server's own messages, through the app's log: masked, escaped, one line, no traceback."""

    def __init__(self, app: FeedApp) -> None:
        super().__init__(logging.INFO)
        self.app = app

    def emit(self, record: logging.LogRecord) -> None:
        detail = f" ({record.exc_info[0].__name__})" if record.exc_info and record.exc_info[0] else ""
        self.app._say(f"server: {record.getMessage()}{detail}")


def loggable(line: str, token: str) -> str:
    """``line`` safe to write to a log: the token masked wherever it appears, every non-printable escaped.

    Paths arrive percent-decoded, so a request can carry CR, LF or ESC: written raw they would forge log
    lines or send escape codes to the terminal that shows the log.
    """
    if token:
        line = line.replace(token, "<token>")
    return "".join(char if char.isprintable() and char != "\\" else _escape(char) for char in line)


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\\":
        return "\\\\"  # so that an escape in the log always means the request held that character
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _feed_response(name: str, feed: Feed, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], Feed]:
    validators = [("ETag", feed.etag), ("Last-Modified", format_datetime(feed.last_modified, usegmt=True)),
                  ("Cache-Control", "no-cache")]
    if _not_modified(feed, environ):
        return "304 Not Modified", validators, feed
    headers = [("Content-Type", "text/calendar; charset=utf-8"), ("Content-Length", str(feed.size)),
               *validators, ("Content-Disposition", f'inline; filename="{name}"'),
               ("X-Content-Type-Options", "nosniff")]
    return "200 OK", headers, feed


def _not_modified(feed: Feed, environ: dict[str, Any]) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return _etag_matches(feed.etag, if_none_match)
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False  # an unreadable validator is treated as absent (RFC 9110 says to ignore it)
        return since.tzinfo is not None and feed.last_modified <= since
    return False


def _etag_matches(etag: str, if_none_match: str | None) -> bool:
    if if_none_match is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def _read_chunks(handle: BinaryIO) -> Iterator[bytes]:
    """For a WSGI server without wsgi.file_wrapper."""
    with handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _plain(status: str, body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))], body


def _same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), token.encode("utf-8"))


def _settled(signature: tuple[int, int, int], settle: float) -> bool:
    """Whether the file was last written at least ``settle`` seconds ago.

    A CSV saved in place can pause between rows; publishing it then would serve half the interviews.
    """
    return time.time_ns() - signature[0] >= settle * 1e9


def _signature(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def create_app(csv_path: str | None = None, **options: Any) -> FeedApp:
    """The WSGI app, for any WSGI server: `gunicorn 'followup_ics.web:create_app()'`.

    Without arguments it reads FOLLOWUP_ICS_CSV (required), FOLLOWUP_ICS_TZ, FOLLOWUP_ICS_PLAN,
    FOLLOWUP_ICS_STATE, FOLLOWUP_ICS_TOKEN, FOLLOWUP_ICS_PUBLIC_URL, FOLLOWUP_ICS_LANG (else LC_ALL,
    LC_MESSAGES or LANG, as the CLI) and FOLLOWUP_ICS_ME from the environment.
    """
    from followup_ics.app.config import request_for
    from followup_ics.app.environment import setting

    source = csv_path or setting("csv")
    if not source:
        raise SystemExit("followup-ics: set FOLLOWUP_ICS_CSV to the interviews CSV the feeds come from")
    plan, state = setting("plan"), setting("state")
    request, _ = request_for(setting("tz"), Path(plan) if plan else None, day_first=_flag(setting("day-first")),
                             no_interview=bool(_flag(setting("no-interview"))))
    request = request._replace(language=_language(setting("lang")), me=" ".join((setting("me") or "").split()))
    options.setdefault("state_dir", Path(state) if state else None)
    token = options.setdefault("token", setting("token"))
    if token is not None and not valid_token(token):  # the CLI's rule: a bad token would make every feed 404
        raise SystemExit(f"followup-ics: FOLLOWUP_ICS_TOKEN: {TOKEN_RULE}")
    options.setdefault("public_url", setting("public-url"))
    return FeedApp(Path(source), request, **options).start()


def _language(name: str | None) -> str:
    """The CLI's choice: FOLLOWUP_ICS_LANG, else the locale, else English; an unknown one stops the start."""
    from followup_ics.core.errors import InputError
    from followup_ics.wording.language import from_environment, resolve

    try:
        return resolve(name, "FOLLOWUP_ICS_LANG") if name else from_environment()
    except InputError as error:
        raise SystemExit(f"followup-ics: {error}") from None


def _flag(value: str | None) -> bool | None:
    """A boolean variable as click reads one: 1/true/yes/on or 0/false/no/off."""
    if value is None:
        return None
    return value.lower() in ("1", "true", "yes", "on", "y", "t")
