"""The feed server at scale: feeds streamed from files, builds in a child process that a stop ends at once,
a page rendered once per build and usable for thousands of interviews, export-site's temp files kept out of
the published folder. Speed and memory figures come from benchmarks/feeds.py, not from here."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import STAMP

from followup_ics.app.config import Request
from followup_ics.cli import cli
from followup_ics.edges import web
from followup_ics.edges.feeds import Feed, Listing, Site
from followup_ics.edges.files import remove_stale_temps, write_atomic
from followup_ics.edges.page import PageView, render_page
from followup_ics.edges.web import FeedApp

HEADER = "company,date,timezone,status,outcome_date\r\n"


def roster(count: int) -> str:
    return HEADER + "".join(f"Company {n},2026-12-{n % 28 + 1:02d} 10:00,UTC,pending,\r\n" for n in range(count))


def fake_site(count: int, tmp_path: Path) -> Site:
    """A site of ``count`` interviews without planning them: the page only needs listings and feed names."""
    listings = tuple(Listing(f"company-{n}.ics", f"Company {n}", "Tue 1 Dec 2026 10:00 (UTC)",
                             "pending" if n % 3 else "offer", 12) for n in range(count))
    feed = Feed(tmp_path, "x", '"e"', STAMP, 0)
    feeds = {"all.ics": feed, **{listing.file: feed for listing in listings}}
    return Site(feeds, listings, STAMP, tmp_path, events=12 * count)


def test_a_feed_is_streamed_through_the_servers_file_wrapper(tmp_path: Path) -> None:
    """No feed is held in memory: the app hands the server an open file of the build."""
    source = tmp_path / "interviews.csv"
    source.write_text(roster(2), encoding="utf-8")
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state")
    wrapped: list[object] = []

    def file_wrapper(handle: object, size: int) -> list[bytes]:
        wrapped.append(handle)
        with handle:  # type: ignore[attr-defined]
            return [handle.read()]  # type: ignore[attr-defined]

    seen: list[str] = []
    body = app({"REQUEST_METHOD": "GET", "PATH_INFO": f"/{app.token}/all.ics", "wsgi.file_wrapper": file_wrapper},
               lambda status, headers: seen.append(status))
    assert seen == ["200 OK"] and len(wrapped) == 1
    assert b"".join(body) == (app.site.folder / "all.ics").read_bytes()  # type: ignore[operator]
    body = app({"REQUEST_METHOD": "GET", "PATH_INFO": f"/{app.token}/all.ics", "wsgi.file_wrapper": file_wrapper,
                "HTTP_IF_NONE_MATCH": app.site.feeds["all.ics"].etag}, lambda status, headers: seen.append(status))
    assert seen[-1] == "304 Not Modified" and list(body) == [] and len(wrapped) == 1  # no file opened


def test_the_page_is_rendered_once_per_build_and_answers_304(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Three requests, one rendering; the ETag brings a 304."""
    source = tmp_path / "interviews.csv"
    source.write_text(roster(2), encoding="utf-8")
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state")
    calls: list[int] = []
    original = web.render_page

    def counting(*args: object, **kwargs: object) -> str:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(web, "render_page", counting)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/{app.token}/", "HTTP_HOST": "cal.example.org"}
    answers: list[tuple[str, dict[str, str]]] = []

    def call(extra: dict[str, str]) -> bytes:
        body = app({**environ, **extra}, lambda status, headers: answers.append((status, dict(headers))))
        return b"".join(body)

    first = call({})
    assert call({}) == first
    assert call({"HTTP_IF_NONE_MATCH": answers[0][1]["ETag"]}) == b""
    assert [status for status, _ in answers] == ["200 OK", "200 OK", "304 Not Modified"] and len(calls) == 1


def test_a_large_roster_gets_a_summary_pages_and_a_search(tmp_path: Path) -> None:
    """5,000 interviews: a page of 100 with links to the others, not megabytes of HTML."""
    site = fake_site(5000, tmp_path)
    page = render_page(site, "https://cal.example.org/t/")
    assert "5,000 interviews (1,667 offer, 3,333 pending), 60,000 events in all." in page
    assert page.count("follow-ups: Company") == 100 and "Page 1 of 50" in page
    assert "href='?page=2'" in page and "name='q'" in page and len(page) < 200_000
    last = render_page(site, "https://cal.example.org/t/", view=PageView(number=50))
    assert "follow-ups: Company 4999<" in last and last.count("follow-ups: Company") == 100
    found = render_page(site, "https://cal.example.org/t/", view=PageView(search="company 4999"))
    assert "1 of 5,000 interviews match." in found and found.count("follow-ups: Company") == 1
    static = render_page(site, None, view=PageView(number=2, static=True))
    assert "href='page-3.html'" in static and "href='index.html'" in static and "name='q'" not in static


@pytest.mark.parametrize(("query", "expected"), [("q=globex", 1), ("q=nothing-like-it", 0), ("page=999", 2),
                                                 ("page=-1&q=", 2), ("q=%00%ff", 0)])
def test_the_served_page_reads_its_search_and_page_number(tmp_path: Path, query: str, expected: int) -> None:
    """Any query string gives a page; a page number past the end shows the last page."""
    source = tmp_path / "interviews.csv"
    source.write_text(HEADER + "Acme,2026-12-01 10:00,UTC,,\r\nGlobex,2026-12-02 10:00,UTC,,\r\n", encoding="utf-8")
    app = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state")
    seen: list[str] = []
    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": f"/{app.token}/", "QUERY_STRING": query,
                         "HTTP_HOST": "x"}, lambda status, headers: seen.append(status)))
    assert seen == ["200 OK"] and body.decode().count("<strong>Interview follow-ups: ") == expected


def test_export_site_keeps_temp_files_out_of_the_published_folder(tmp_path: Path) -> None:
    """Temp files go to a staging folder beside the site; leftovers of killed runs, old or new, are removed."""
    source = tmp_path / "interviews.csv"
    source.write_text(roster(120), encoding="utf-8")
    site = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC"]).exit_code == 0
    (folder,) = [path for path in site.iterdir() if path.is_dir()]
    assert {"index.html", "page-2.html", "all.ics"} <= {path.name for path in folder.iterdir()}
    (folder / ".all.ics.abc123.tmp").write_bytes(b"half")  # what a killed earlier version left
    staging = tmp_path / ".site.followup-ics-staging"
    staging.mkdir()
    (staging / "all.ics.tmp").write_bytes(b"half")  # what a killed run of this version leaves
    source.write_text(roster(90), encoding="utf-8")
    result = runner.invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert not [path for path in site.rglob(".*")] and not staging.exists()
    assert not (folder / "page-2.html").exists()  # 90 interviews fit on one page


def test_a_killed_writes_temp_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    """generate's output folder: a dead process's temp file goes, a live one's stays."""
    target = tmp_path / "acme.txt"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / f".acme.txt.{dead.stdout.strip()}.k2j4h5.tmp"
    leftover.write_bytes(b"half")
    busy = tmp_path / f".acme.txt.{os.getppid()}.a1b2c3.tmp"  # a process that is alive: a write under way
    busy.write_bytes(b"writing")
    write_atomic(target, b"whole")
    assert target.read_bytes() == b"whole" and not leftover.exists() and busy.exists()
    assert remove_stale_temps(target) == 0


def test_serve_keeps_answering_during_a_build_and_stops_within_5_s_on_sigterm(tmp_path: Path) -> None:
    """The old feeds answer at once while a big CSV builds in a child; SIGTERM ends both promptly."""
    source = tmp_path / "interviews.csv"
    source.write_text(roster(2), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "followup_ics", "serve", str(source), "--port", "0",
                                "--tz", "UTC", "--poll", "0.1"], stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "SOURCE_DATE_EPOCH": str(int(STAMP.timestamp()))})
    assert process.stderr is not None
    try:
        page = ""
        for line in process.stderr:
            page = line.split()[1] if line.startswith("Page:") else page
            if line.startswith("Ctrl-C"):
                break
        port, token = int(page.split(":")[2].split("/")[0]), page.rstrip("/").rsplit("/", 1)[1]
        big = tmp_path / "big.csv"
        big.write_text(roster(3000), encoding="utf-8")
        os.utime(big, (time.time() - 60, time.time() - 60))  # settled already
        os.replace(big, source)
        for line in process.stderr:
            if "building the new feeds" in line:
                break
        time.sleep(0.5)
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/{token}/all.ics")
        response = connection.getresponse()
        # two interviews of 8 events, and 5 weeks of keep-searching for the search
        assert response.status == 200 and response.read().count(b"BEGIN:VEVENT") == 21
        assert time.monotonic() - started < 1.0
        connection.close()
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        assert process.wait(timeout=10) == 0 and time.monotonic() - signalled < 5.0
        assert "Stopped." in rest and "Traceback" not in rest and "feeds built" not in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_build_left_unfinished_is_never_served(tmp_path: Path) -> None:
    """A state naming a build without its index (killed mid-write) gets a fresh build."""
    source = tmp_path / "interviews.csv"
    source.write_text(roster(2), encoding="utf-8")
    first = FeedApp(source, Request(zone="UTC", now=STAMP), state_dir=tmp_path / "state")
    assert first.site.folder is not None
    (first.site.folder / "index.json").unlink()
    again = FeedApp(source, Request(zone="UTC", now=datetime(2026, 12, 1, tzinfo=UTC)),
                    state_dir=tmp_path / "state")
    assert again.site.folder != first.site.folder and again.site.feeds["all.ics"].data.count(b"BEGIN:VEVENT") == 21


def test_export_site_with_a_new_token_removes_the_old_token_folder(tmp_path: Path) -> None:
    """--rotate-token is meant to break the old URLs: on a static host that means the old folder goes."""
    source = tmp_path / "interviews.csv"
    source.write_text(roster(2), encoding="utf-8")
    site = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC"]).exit_code == 0
    (old,) = [path for path in site.iterdir() if path.is_dir()]
    result = runner.invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC", "--rotate-token"])
    assert result.exit_code == 0, result.output
    (new,) = [path for path in site.iterdir() if path.is_dir()]
    assert new != old and (new / "all.ics").is_file() and "removed" in result.stderr
