"""The hosted feed over real HTTP: the app served by waitress on 127.0.0.1, started and stopped per test."""

from __future__ import annotations

import http.client
import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import icalendar
import pytest
from icscheck import assert_parsers_agree
from support import SOURCE_DATE_EPOCH, STAMP, serving
from waitress.server import create_server

from followup_ics.app.config import Request
from followup_ics.cli import cli
from followup_ics.edges.web import FeedApp, create_app

HEADER = "company,date,timezone,status,outcome_date\r\n"
ACME = "Acme Corp,2026-12-01 14:00,America/New_York,{status},\r\n"
GLOBEX = "Globex,2026-12-02 10:00,Europe/Paris,pending,\r\n"


def csv_text(status: str = "pending", *, globex: bool = True) -> str:
    return HEADER + ACME.format(status=status) + (GLOBEX if globex else "")


def write_csv(path: Path, text: str) -> None:
    """As a spreadsheet saves: a new file renamed over the old one."""
    temp = path.with_suffix(".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@dataclass
class Served:
    app: FeedApp
    port: int
    csv: Path
    log: io.StringIO

    def request(self, path: str, method: str = "GET",
                headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        connection.close()
        return response

    def feed(self, name: str = "all.ics", **kwargs: object) -> http.client.HTTPResponse:
        return self.request(f"/{self.app.token}/{name}", **kwargs)  # type: ignore[arg-type]

    def wait_for_new_etag(self, old: str, timeout: float = 10.0) -> http.client.HTTPResponse:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.feed()
            if response.getheader("ETag") != old:
                return response
            time.sleep(0.05)
        raise AssertionError("the feed did not change")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    log = io.StringIO()
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state", poll=0.05, settle=0.2,
                  log=log)
    server = create_server(app, host="127.0.0.1", port=0, threads=8, asyncore_loop_timeout=0.05)
    with serving(app, server) as port:
        yield Served(app, port, source, log)


def body(response: http.client.HTTPResponse) -> bytes:
    return response.body  # type: ignore[attr-defined,no-any-return]


def test_feed_is_a_calendar_with_validators_whatever_the_client_asks_for(served: Served) -> None:
    response = served.feed(headers={"Accept": "text/html", "Accept-Encoding": "gzip, deflate"})
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/calendar; charset=utf-8"
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("ETag", "").startswith('"')
    assert response.getheader("Last-Modified") == format_datetime(STAMP, usegmt=True)
    assert int(response.getheader("Content-Length", "0")) == len(body(response))
    data = body(response)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in data and b"X-PUBLISHED-TTL:PT4H\r\n" in data
    assert len(assert_parsers_agree(data)) == 20  # 8 per interview, 4 weekly keep-searching for the search


def test_each_interview_has_its_own_feed_and_the_page_links_them(served: Served) -> None:
    single = served.feed("acme-corp-2026-12-01.ics")
    assert single.status == 200 and len(icalendar.Calendar.from_ical(body(single)).events) == 8
    page = served.request(f"/{served.app.token}/")
    text = body(page).decode()
    assert page.status == 200 and page.getheader("Content-Type") == "text/html; charset=utf-8"
    assert "<script" not in text
    for link in ("webcal://127.0.0.1", "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F",
                 "https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2F",
                 "https://outlook.office.com/calendar/0/addfromweb?url=", "acme-corp-2026-12-01.ics"):
        assert link in text


@pytest.mark.parametrize(
    "headers",
    [{"If-None-Match": "{etag}"}, {"If-None-Match": 'W/"x", {etag}'}, {"If-None-Match": "*"},
     {"If-Modified-Since": "{last_modified}"}, {"If-Modified-Since": "Thu, 01 Jan 2099 00:00:00 GMT"}],
    ids=["etag", "etag-in-list", "star", "same-date", "later-date"],
)
def test_unchanged_feed_answers_304(served: Served, headers: dict[str, str]) -> None:
    first = served.feed()
    values = {"etag": first.getheader("ETag"), "last_modified": first.getheader("Last-Modified")}
    response = served.feed(headers={key: value.format(**values) for key, value in headers.items()})
    assert response.status == 304 and body(response) == b""
    assert response.getheader("ETag") == first.getheader("ETag")


@pytest.mark.parametrize(
    "headers",
    [{"If-None-Match": '"something-else"'}, {"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"},
     {"If-Modified-Since": "not a date"},
     {"If-None-Match": '"other"', "If-Modified-Since": "Thu, 01 Jan 2099 00:00:00 GMT"}],
    ids=["other-etag", "earlier-date", "bad-date", "etag-wins-over-date"],
)
def test_validators_that_do_not_match_get_the_full_feed(served: Served, headers: dict[str, str]) -> None:
    assert served.feed(headers=headers).status == 200


def test_head_has_the_headers_of_get_and_no_body(served: Served) -> None:
    get, head = served.feed(), served.feed(method="HEAD")
    assert head.status == 200 and body(head) == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert head.getheader(name) == get.getheader(name)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_405(served: Served, method: str) -> None:
    response = served.feed(method=method)
    assert response.status == 405 and response.getheader("Allow") == "GET, HEAD"


@pytest.mark.parametrize(
    "path",
    ["/", "/all.ics", "/wrong-token-0123456789/all.ics", "/{token}x/all.ics", "/{short}/all.ics",
     "/{token}/nothing.ics", "/{token}/../state/state.json", "/{token}/%2e%2e/state/state.json",
     "/{token}/..", "/{token}/all.ics/", "/{token}/all.ics/../all.ics",
     "/{token}/.interviews.csv.followup-ics", "/{token}/interviews.csv", "/{token}/state.json"],
)
def test_wrong_tokens_and_paths_are_404_with_no_hint(served: Served, path: str) -> None:
    token = served.app.token
    response = served.request(path.format(token=token, short=token[:-1]))
    assert response.status == 404 and body(response) == b"Not found\n"


def test_access_log_never_shows_the_token(served: Served) -> None:
    served.feed()
    served.request("/guessed-token-abcdefgh/all.ics")
    log = served.log.getvalue()
    assert '"GET /<token>/all.ics" 200' in log and '"GET /<token>/all.ics" 404' in log
    assert served.app.token not in log and "guessed" not in log


def test_a_changed_csv_gives_a_fresh_200_with_a_new_etag(served: Served,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    first = served.feed()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(SOURCE_DATE_EPOCH) + 3600))
    write_csv(served.csv, csv_text() + "Initech,2026-12-03 09:00,America/Chicago,pending,\r\n")
    response = served.wait_for_new_etag(first.getheader("ETag", ""))
    assert response.status == 200 and len(icalendar.Calendar.from_ical(body(response)).events) == 29  # 3 x 8 + 5
    assert served.feed(headers={"If-None-Match": first.getheader("ETag", "")}).status == 200
    assert served.feed("acme-corp-2026-12-01.ics").getheader("Last-Modified") == format_datetime(STAMP,
                                                                                              usegmt=True)


def test_a_status_change_updates_the_same_uids_with_a_higher_sequence(served: Served,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Rejected on 10 Dec: past follow-ups stay with SEQUENCE 1, later ones leave, keep-in-touch arrives."""
    first = served.feed()
    before = {str(e.uid): e for e in icalendar.Calendar.from_ical(body(first)).events}
    decided = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(decided.timestamp())))
    write_csv(served.csv, csv_text("rejected"))
    response = served.wait_for_new_etag(first.getheader("ETag", ""))
    after = {str(e.uid): e for e in icalendar.Calendar.from_ical(body(response)).events}
    acme = {uid for uid in before if uid.startswith("acme-corp")}
    kept = {uid for uid in acme if before[uid].start < decided}
    assert kept and {uid for uid in after if uid.startswith("acme-corp")} == kept | {
        "acme-corp-2026-12-01.keep-in-touch@followup-ics"}
    for uid in kept:
        assert after[uid].sequence == before[uid].sequence + 1
        assert decided == after[uid].DTSTAMP and after[uid].last_modified == decided
    for uid in (uid for uid in before if uid.startswith("globex")):
        assert after[uid].sequence == 0 and after[uid].DTSTAMP == STAMP


def test_a_broken_csv_keeps_the_last_good_feed_and_says_why(served: Served) -> None:
    good = served.feed()
    write_csv(served.csv, csv_text() + "Broken,not a date,UTC,pending,\r\n")
    deadline = time.monotonic() + 10
    while served.app.problem is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.app.problem is not None and "interviews.csv:4: column 'date'" in served.app.problem
    again = served.feed()
    assert again.status == 200 and body(again) == body(good)
    page = body(served.request(f"/{served.app.token}/")).decode()
    assert "interviews.csv:4: column &#x27;date&#x27;" in page and "last good version" in page
    write_csv(served.csv, csv_text())
    deadline = time.monotonic() + 10
    while served.app.problem is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.app.problem is None and body(served.feed()) == body(good)


def test_concurrent_requests_while_the_csv_is_rewritten_never_see_a_torn_feed(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight clients fetch while the CSV flips between two versions, saved in place or by rename."""
    problems: list[str] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            response = served.feed()
            data = body(response)
            if response.status != 200 or int(response.getheader("Content-Length", "-1")) != len(data):
                problems.append(f"status {response.status}, {len(data)} bytes")
            elif not data.endswith(b"END:VCALENDAR\r\n") or data.count(b"BEGIN:VEVENT") not in (12, 20):
                problems.append(f"torn feed of {len(data)} bytes")

    clients = [threading.Thread(target=client) for _ in range(8)]
    for thread in clients:
        thread.start()
    versions = [csv_text(), csv_text(globex=False)]
    for round_number in range(30):
        text = versions[round_number % 2]
        if round_number % 3:
            write_csv(served.csv, text)
        else:
            served.csv.write_text(text, encoding="utf-8")  # in place, as some editors do
        time.sleep(0.03)
    stop.set()
    for thread in clients:
        thread.join()
    assert not problems, problems[:5]


def _clock_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> Request:
    """The clock the app reads (SOURCE_DATE_EPOCH) and the run's request, both at ``moment``."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    return Request(zone="UTC", now=moment)


def test_unchanged_data_gives_byte_identical_feeds_after_a_restart(served: Served, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A restart a day later on the same CSV serves the same bytes, ETags and Last-Modified for every feed."""
    first = {name: served.feed(name) for name in served.app.site.feeds}
    served.app.close()
    restarted = FeedApp(served.csv, _clock_at(monkeypatch, STAMP + timedelta(days=1)), state_dir=tmp_path / "state")
    assert restarted.token == served.app.token
    for name, response in first.items():
        feed = restarted.site.feeds[name]
        assert (feed.data, feed.etag) == (body(response), response.getheader("ETag")), name
        assert format_datetime(feed.last_modified, usegmt=True) == response.getheader("Last-Modified"), name


def test_create_app_is_a_wsgi_factory_configured_by_the_environment(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    monkeypatch.setenv("FOLLOWUP_ICS_CSV", str(source))
    monkeypatch.setenv("FOLLOWUP_ICS_TOKEN", "a-token-of-twenty-chars")
    app = create_app()
    try:
        seen: list[str] = []
        chunks = app({"REQUEST_METHOD": "GET", "PATH_INFO": "/a-token-of-twenty-chars/all.ics"},
                     lambda status, headers: seen.append(status))
        assert seen == ["200 OK"] and b"".join(chunks).startswith(b"BEGIN:VCALENDAR")
    finally:
        app.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_serve_prints_its_urls_and_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    """serve prints its feed URLs, answers, and stops with exit 0 on SIGTERM or Ctrl-C, token unprinted."""
    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    port = _free_port()
    command = [sys.executable, "-m", "followup_ics", "serve", str(source), "--port", str(port), "--tz", "UTC"]
    # A shell running the suite in the background ignores SIGINT, and a child inherits that: give the
    # server the default disposition, as a terminal's Ctrl-C would find it.
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ},
                               preexec_fn=_default_sigint)
    lines = []
    assert process.stderr is not None
    for line in process.stderr:
        lines.append(line)
        if line.startswith("Ctrl-C"):
            break
    text = "".join(lines)
    token = text.split(f"http://127.0.0.1:{port}/", 1)[1].split("/", 1)[0]
    assert f"Feed:  http://127.0.0.1:{port}/{token}/all.ics   webcal://127.0.0.1:{port}/{token}/all.ics" in text
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", f"/{token}/all.ics")
    assert connection.getresponse().status == 200
    connection.close()
    process.send_signal(stop_signal)
    try:
        rest = process.communicate(timeout=20)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError(f"serve did not stop on {stop_signal.name}") from None
    assert process.returncode == 0
    assert "Stopped." in rest and "Traceback" not in rest and token not in rest


def test_export_site_writes_what_serve_serves_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    site = tmp_path / "site"
    runner = CliRunner()
    result = runner.invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC",
                                 "--base-url", "https://example.org/cal"])
    assert result.exit_code == 0, result.output
    app = FeedApp(source, Request(zone="UTC", now=STAMP))
    folder = site / app.token
    assert sorted(p.name for p in folder.iterdir()) == ["acme-corp-2026-12-01.ics", "all.ics",
                                                        "globex-2026-12-02.ics", "index.html"]
    for name, feed in app.site.feeds.items():
        assert (folder / name).read_bytes() == feed.data
    assert "webcal://example.org/cal/" + app.token + "/all.ics" in (folder / "index.html").read_text()
    assert (site / "index.html").read_text().count(app.token) == 0
    stamps = {path: path.stat().st_mtime_ns for path in site.rglob("*")}
    result = runner.invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC",
                                 "--base-url", "https://example.org/cal"])
    assert result.exit_code == 0 and "0 files written" in result.stderr
    assert {path: path.stat().st_mtime_ns for path in site.rglob("*")} == stamps
    write_csv(source, csv_text(globex=False))
    result = runner.invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC"])
    assert result.exit_code == 0 and not (folder / "globex-2026-12-02.ics").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--token", "short"], "--token: use 16 or more"), (["--base-url", "example.org"], "--base-url: must")],
)
def test_export_site_bad_options_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    from click.testing import CliRunner

    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    result = CliRunner().invoke(cli, ["export-site", str(source), str(tmp_path / "site"), *args])
    assert result.exit_code == 2 and message in result.stderr and not (tmp_path / "site").exists()


def test_serve_refuses_a_public_url_that_is_not_http(tmp_path: Path) -> None:
    from click.testing import CliRunner

    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    result = CliRunner().invoke(cli, ["serve", str(source), "--public-url", "cal.example.org"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: --public-url: must start with https://")


def test_a_bad_csv_at_start_is_listed_and_nothing_is_served(tmp_path: Path) -> None:
    from click.testing import CliRunner

    source = tmp_path / "interviews.csv"
    write_csv(source, HEADER + "Acme,someday,UTC,pending,\r\nGlobex,2026-12-01 10:00,Mars/Base,,\r\n")
    result = CliRunner().invoke(cli, ["serve", str(source), "--port", "0"])
    assert result.exit_code == 1
    assert "interviews.csv:2: column 'date'" in result.stderr and "interviews.csv:3: column 'timezone'" in result.stderr


def test_the_token_is_kept_set_or_rotated(tmp_path: Path) -> None:
    """Made once and kept, so URLs survive restarts; --token sets it; --rotate-token replaces it for good."""
    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    request = Request(zone="UTC", now=STAMP)

    def app(**options: object) -> FeedApp:
        return FeedApp(source, request, state_dir=tmp_path / "state", **options)  # type: ignore[arg-type]

    first = app().token
    assert len(first) >= 32 and app().token == first
    rotated = app(rotate_token=True).token
    assert rotated != first and app().token == rotated
    assert app(token="my-own-token-123456").token == "my-own-token-123456"
    assert app().token == "my-own-token-123456"


def test_an_unwritable_state_folder_stops_serve_at_start(tmp_path: Path) -> None:
    """Without a place to keep the token, URLs would change on every restart: refuse, in one line."""
    from click.testing import CliRunner

    source = tmp_path / "interviews.csv"
    write_csv(source, csv_text())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", str(source), "--state", str(blocker / "state")])
    assert result.exit_code == 1 and "cannot keep the token and revisions there" in result.stderr
