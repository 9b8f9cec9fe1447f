"""The feed server under attack: slow and greedy clients, hostile paths and headers, shared folders, files
that change or vanish underneath it. Real HTTP on 127.0.0.1 against the listener `serve` uses."""

from __future__ import annotations

import contextlib
import http.client
import io
import logging
import os
import re
import socket
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import STAMP, serving

from followup_ics.app.config import Request
from followup_ics.cli import cli
from followup_ics.edges.feeds import FeedError
from followup_ics.edges.listener import make_server
from followup_ics.edges.page import unreachable
from followup_ics.edges.web import FeedApp, create_app

HEADER = "company,date,timezone,status,outcome_date\r\n"
ROWS = ["Acme Corp,2026-12-01 14:00,America/New_York,pending,\r\n", "Globex,2026-12-02 10:00,Europe/Paris,pending,\r\n",
        "Initech,2026-12-03 09:00,America/Chicago,pending,\r\n"]
INTERVIEW_UID = re.compile(rb"\r\nUID:[^\r]*\.interview@followup-ics\r\n")  # one per interview in all.ics


def write_csv(path: Path, rows: list[str]) -> None:
    temp = path.with_suffix(".tmp")
    temp.write_text(HEADER + "".join(rows), encoding="utf-8")
    os.replace(temp, path)


@dataclass
class Server:
    app: FeedApp
    port: int
    csv: Path
    log: io.StringIO

    def get(self, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_for(self, condition: object, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():  # type: ignore[operator]
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out; log:\n{self.log.getvalue()}")


def start(tmp_path: Path, **options: object) -> Iterator[Server]:
    source = tmp_path / "interviews.csv"
    if not source.exists():
        write_csv(source, ROWS[:2])
    log = io.StringIO()
    deadline = options.pop("request_deadline", 10.0)
    app_options: dict[str, object] = {"poll": 0.05, "settle": 0.2, **options}
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state", log=log,
                  **app_options)  # type: ignore[arg-type]
    server = make_server(app, host="127.0.0.1", port=0, request_deadline=deadline, asyncore_loop_timeout=0.05)
    with serving(app, server) as port:
        yield Server(app, port, source, log)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    yield from start(tmp_path)


# Slow and greedy clients ------------------------------------------------------------------------


def test_slow_clients_do_not_lock_out_a_normal_client(served: Server) -> None:
    """150 connections trickling headers (more than waitress's default limit of 100): others still get answers."""
    slow: list[socket.socket] = []
    for _ in range(150):
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\n")
        slow.append(sock)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.3):
            for sock in slow:
                with contextlib.suppress(OSError):  # cut off by the deadline: fine
                    sock.sendall(b"X")

    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        for _ in range(6):
            started = time.monotonic()
            status, _ = served.get(f"/{served.app.token}/all.ics")
            assert status == 200 and time.monotonic() - started < 1.0
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
        for sock in slow:
            sock.close()


def test_a_request_that_trickles_past_the_deadline_is_cut_off(tmp_path: Path) -> None:
    """A byte every 0.1 s never looks idle; the connection is closed once the request takes over 1 s."""
    server = next(server_gen := start(tmp_path, request_deadline=1.0))
    try:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"GET /x HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 5 and not closed:
            try:
                sock.sendall(b"X")
                sock.settimeout(0.1)
                closed = sock.recv(1024) == b""
            except TimeoutError:
                pass
            except OSError:
                closed = True
        sock.close()
        assert closed and 1.0 <= time.monotonic() - started < 4.0
    finally:
        server_gen.close()


def test_a_large_body_is_refused_before_it_is_read(served: Server) -> None:
    """Feeds take no body: a 300 MB POST is answered 413 at once instead of being spooled to disk."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(b"POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 300000000\r\n\r\n" + b"x" * 4096)
        assert sock.recv(1024).startswith(b"HTTP/1.1 413 ")


# The log ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "raw", "escaped"),
    [
        ("/x/%0d%0aforged%20line", "\r\nforged", "\\x0d\\x0aforged"),  # a fake log line
        ("/x/%1b%5b2J", "\x1b[2J", "\\x1b[2J"),  # clears the terminal that shows the log
        ("/x/%7f%00", "\x7f", "\\x7f\\x00"),  # DEL and NUL
        ("/x/%5cx1b", "/\\x1b", "/\\\\x1b"),  # a literal backslash cannot pass for an escape
    ],
    ids=["crlf", "esc", "del-nul", "backslash"],
)
def test_the_access_log_escapes_every_non_printable_character(served: Server, path: str, raw: str,
                                                              escaped: str) -> None:
    """One request, one log line, whatever its path holds."""
    served.get(path)
    log = served.log.getvalue()
    assert raw not in log and escaped in log
    assert all(char.isprintable() for char in log.replace("\n", ""))
    assert len([line for line in log.splitlines() if '"GET ' in line]) == 1


@pytest.mark.parametrize("path", ["/./{token}/all.ics", "/x/../{token}/all.ics", "/{token}/{token}",
                                  "//{token}/all.ics", "/x/{token}"])
def test_the_token_is_masked_in_any_spelling_of_a_path(served: Server, path: str) -> None:
    """Equivalent paths put the token in another segment: it is masked wherever it appears."""
    token = served.app.token
    served.get(path.format(token=token))
    assert token not in served.log.getvalue() and "<token>" in served.log.getvalue()


def test_an_uncaught_error_is_a_500_and_one_masked_line(served: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """No traceback, and no raw path, in the log."""
    def broken(*_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("followup_ics.edges.web._feed_response", broken)
    status, body = served.get(f"/{served.app.token}/all.ics")
    log = served.log.getvalue()
    assert status == 500 and body == b"Internal server error\n"
    assert "RuntimeError while serving /<token>/all.ics: disk on fire" in log
    assert served.app.token not in log and "Traceback" not in log


def test_the_servers_own_log_lines_are_masked_and_have_no_traceback(served: Server) -> None:
    """waitress logs 'Exception while serving <path>' with a traceback: it goes through the app's log."""
    served.app.capture_server_log("test-server")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("test-server").exception("Exception while serving /%s/all.ics", served.app.token)
    log = served.log.getvalue()
    assert "server: Exception while serving /<token>/all.ics (ValueError)" in log
    assert served.app.token not in log and "Traceback" not in log


@pytest.mark.parametrize("value", ["Mon, 01 Jan 9999999999999999999999 00:00:00 GMT",  # OverflowError
                                   "Mon, 99 Jan 2026 00:00:00 GMT", "Mon, 01 Jan 2026 99:99:99 GMT", ""])
def test_an_unreadable_if_modified_since_is_ignored(served: Server, value: str) -> None:
    """Treated as absent: the full feed, never a 500."""
    status, body = served.get(f"/{served.app.token}/all.ics", headers={"If-Modified-Since": value})
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")


# The CSV changing or vanishing ------------------------------------------------------------------


def test_a_csv_written_in_place_with_pauses_is_published_only_once_whole(tmp_path: Path) -> None:
    """The writer stops 0.5 s after each row; clients only ever see the old or the finished roster."""
    server = next(server_gen := start(tmp_path, settle=1.0))
    seen: set[int] = set()
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            _, body = server.get(f"/{server.app.token}/all.ics")
            seen.add(len(INTERVIEW_UID.findall(body)))

    thread = threading.Thread(target=client)
    thread.start()
    try:
        with server.csv.open("w", encoding="utf-8", newline="") as handle:
            handle.write(HEADER)
            for row in ROWS:  # 2 interviews before, 3 after; 0 or 1 only while half-written
                handle.write(row)
                handle.flush()
                time.sleep(0.5)
        server.wait_for(lambda: 3 in seen)
    finally:
        stop.set()
        thread.join()
        server_gen.close()
    assert seen == {2, 3}


def test_a_deleted_csv_is_logged_and_shown_while_the_last_feeds_are_served(served: Server) -> None:
    """Serving goes on with the last good feeds; the log and the page say the file is gone."""
    _, before = served.get(f"/{served.app.token}/all.ics")
    served.csv.unlink()
    served.wait_for(lambda: "is gone" in served.log.getvalue())
    status, after = served.get(f"/{served.app.token}/all.ics")
    assert status == 200 and after == before
    _, page = served.get(f"/{served.app.token}/")
    assert b"interviews.csv: the file is gone" in page and b"last good version" in page
    write_csv(served.csv, ROWS[:2])
    served.wait_for(lambda: served.app.problem is None)


# Tokens and the state folder --------------------------------------------------------------------


@pytest.mark.parametrize("token", ["short", "a-token-with/a-slash-in-it", "a token with spaces in it",
                                   "a-token-with-é-in-it-0000"])
def test_create_app_applies_the_clis_token_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 token: str) -> None:
    """A token the CLI refuses would make every feed 404 under gunicorn: refused with the variable named."""
    write_csv(tmp_path / "interviews.csv", ROWS[:1])
    monkeypatch.setenv("FOLLOWUP_ICS_CSV", str(tmp_path / "interviews.csv"))
    monkeypatch.setenv("FOLLOWUP_ICS_TOKEN", token)
    with pytest.raises(SystemExit, match="FOLLOWUP_ICS_TOKEN: use 16 or more"):
        create_app()
    assert not (tmp_path / ".interviews.csv.followup-ics").exists()


def test_rotate_token_on_a_busy_port_changes_nothing(tmp_path: Path) -> None:
    """The server fails to listen, so the old URLs must keep working: the token stays."""
    source = tmp_path / "interviews.csv"
    write_csv(source, ROWS[:1])
    state = tmp_path / "state"
    assert CliRunner().invoke(cli, ["export-site", str(source), str(tmp_path / "site"), "--tz", "UTC",
                                    "--state", str(state)]).exit_code == 0
    before = (state / "state.json").read_bytes()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = CliRunner().invoke(cli, ["serve", str(source), "--port", str(busy.getsockname()[1]),
                                          "--state", str(state), "--rotate-token"])
    assert result.exit_code == 2 and "--port: cannot listen" in result.stderr
    assert (state / "state.json").read_bytes() == before


def test_the_state_is_private(tmp_path: Path) -> None:
    """Folder 0700 and files 0600, also when an earlier version left them readable by everyone."""
    source = tmp_path / "interviews.csv"
    write_csv(source, ROWS[:1])
    state = tmp_path / "state"
    FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=state)
    for path in (state, *state.iterdir()):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=state)
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    files = [path for path in state.rglob("*") if path.is_file()]
    assert files and {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda state: os.chmod(state, 0o777), "other users may write to it (mode 0777)"),  # shared folder
        (lambda state: os.chmod(state / "state.json", 0o666), "other users may write to it (mode 0666)"),
        (lambda state: os.chown(state, 65534, 65534), "owned by another user (uid 65534)"),  # planted folder
        (lambda state: os.chown(state / "state.json", 65534, 65534), "owned by another user"),
    ],
    ids=["folder-writable", "file-writable", "folder-foreign", "file-foreign"],
)
def test_a_state_another_user_controls_is_refused(tmp_path: Path, prepare: object, message: str) -> None:
    """Whoever can write the state chooses the token: refused, as ssh refuses such a folder."""
    if "owned" in message and os.getuid() != 0:
        pytest.skip("changing a file's owner needs root")
    source = tmp_path / "interviews.csv"
    write_csv(source, ROWS[:1])
    state = tmp_path / "state"
    FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=state)
    prepare(state)  # type: ignore[operator]
    with pytest.raises(FeedError, match=re.escape(message)):
        FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=state)
    result = CliRunner().invoke(cli, ["export-site", str(source), str(tmp_path / "site"), "--state", str(state)])
    assert result.exit_code == 1 and message in result.stderr and not (tmp_path / "site").exists()


# The page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "reason"),
    [
        ("http://127.0.0.1:8080/t/", "127.0.0.1 is not a public address"),  # serve's default
        ("https://localhost/t/", "localhost is a local name"),
        ("https://192.168.1.20/t/", "192.168.1.20 is not a public address"),  # a LAN
        ("https://[::1]:8443/t/", "::1 is not a public address"),
        ("https://nas.local/t/", "nas.local is a local name"),  # mDNS
        ("https://nas/t/", "nas is a local name"),  # a bare LAN name
        ("http://cal.example.org/t/", "the address is not https"),  # public but plain http
        ("https://cal.example.org/t/", None),
        ("https://203.0.113.9/t/", "203.0.113.9 is not a public address"),  # documentation range
        ("https://8.8.8.8/t/", None),
    ],
)
def test_the_page_says_when_google_and_outlook_cannot_reach_the_feed(base_url: str, reason: str | None) -> None:
    """Their servers fetch the feed: it needs https on a public address."""
    assert unreachable(base_url) == reason


def test_the_served_page_warns_about_a_local_http_address(served: Server) -> None:
    """The default address, http://127.0.0.1, cannot work with the Google and Outlook buttons."""
    _, page = served.get(f"/{served.app.token}/")
    assert b"Google Calendar and Outlook cannot subscribe here" in page
    assert b"127.0.0.1 is not a public address" in page


# export-site ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["export-site", "{csv}", "{out}"],  # once said "cannot write to site/"
    ["serve", "{csv}", "--port", "0"],  # once exit 1, unlike batch
    ["batch", "{csv}", "-o", "{out}"],
    ["list", "{csv}"],
])
def test_a_missing_csv_is_named_with_exit_2_in_every_command(tmp_path: Path, command: list[str]) -> None:
    """Not 'cannot write to site/': the CSV is what is missing, bad input (exit 2) in every command alike."""
    args = [part.format(csv=tmp_path / "nope.csv", out=tmp_path / "site") for part in command]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "nope.csv: cannot read" in result.stderr and "(No such file or directory)" in result.stderr
    assert "cannot write" not in result.stderr and not (tmp_path / "site").exists()
