"""`push` against a real Radicale server on 127.0.0.1: each test uses its own account (its own calendars),
write requests are counted from Radicale's own log, and what the server holds is read back with caldav."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import caldav
import pytest
from click.testing import CliRunner, Result
from support import SOURCE_DATE_EPOCH

from followup_ics.cli import cli
from followup_ics.cli.push import PASSWORD_VARIABLE

HEADER = "id,company,date,timezone,role,status,outcome_date"
ROWS = [
    "acme,Acme Corp,2026-12-01 14:00,America/New_York,Data Engineer,pending,",
    "globex,Globex,2026-12-02 10:00,Europe/London,Analyst,pending,",
]
WRITES = ("PUT", "DELETE", "MKCALENDAR", "MKCOL", "PROPPATCH", "MOVE", "COPY")


@dataclass
class Radicale:
    url: str
    log: Path
    store: Path
    process: subprocess.Popen[bytes]

    def writes(self, user: str) -> int:
        """Write requests Radicale received for this account (its log names method and path)."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return sum(f"] {method} request for '/{user}/" in line for line in lines for method in WRITES)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_radicale(folder: Path, *extra: str, port: int | None = None) -> Radicale:
    port = port or _free_port()
    log = folder / "radicale.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", "", "--server-hosts", f"127.0.0.1:{port}",
             "--storage-filesystem-folder", str(folder / "store"), "--logging-level", "info", *extra],
            stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return Radicale(f"http://127.0.0.1:{port}/", log, folder / "store", process)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"radicale did not start: {log.read_text()}")


def _stop(server: Radicale) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = _start_radicale(tmp_path_factory.mktemp("radicale"), "--auth-type", "none")
    yield server
    _stop(server)


@pytest.fixture
def user(request: pytest.FixtureRequest) -> str:
    """An account of its own for each test (Radicale without authentication accepts any name)."""
    return request.node.name.replace("[", "-").replace("]", "").replace("_", "-")[:60]


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, "secret")
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def _stored(collection: Path) -> int:
    """The events a user's calendars hold on Radicale's disk, counted while a push writes them: its own
    hidden folders (.Radicale.tmp-*, renamed or removed as it writes) are not calendars, and globbing into one
    that just went away fails."""
    return sum(1 for calendar in collection.iterdir() if not calendar.name.startswith(".")
               for item in calendar.glob("*.ics")) if collection.is_dir() else 0


def _csv(folder: Path, rows: list[str]) -> Path:
    path = folder / "interviews.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _push(csv_file: Path, server: Radicale, user: str, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["push", str(csv_file), "--url", server.url, "--user", user, "--tz", "UTC",
                                    *extra])


def _calendar(server: Radicale, user: str, name: str = "Job search") -> caldav.Calendar:
    return caldav.DAVClient(url=server.url, username=user, password="secret").principal().calendar(name=name)


def _held(server: Radicale, user: str) -> dict[str, caldav.Event]:
    """UID -> event for every object in the account's 'Job search' calendar; a duplicate UID fails."""
    held: dict[str, caldav.Event] = {}
    for event in _calendar(server, user).events():
        uid = str(event.icalendar_component["UID"])
        assert uid not in held, f"two objects hold {uid}"
        held[uid] = event
    return held


def _planned_uids(csv_file: Path) -> set[str]:
    """The UIDs `batch` writes to all.ics for the same CSV: the plan the server must hold."""
    out = csv_file.parent / "batch-out"
    result = CliRunner().invoke(cli, ["batch", str(csv_file), "-o", str(out), "--tz", "UTC", "-q"])
    assert result.exit_code == 0, result.output
    text = (out / "all.ics").read_bytes().replace(b"\r\n ", b"").decode("utf-8")
    uids = {line[4:] for line in text.split("\r\n") if line.startswith("UID:")}
    return {uid for uid in uids if "." in uid.split("@")[0]}  # the calendar's own UID is no event's


def test_first_push_stores_every_planned_event_once(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """A first push creates the calendar and one object per planned UID, nothing else."""
    csv_file = _csv(tmp_path, ROWS)
    result = _push(csv_file, radicale, user)
    assert result.exit_code == 0, result.output
    held = _held(radicale, user)
    assert set(held) == _planned_uids(csv_file)
    assert "(new calendar)" in result.output
    for event in held.values():
        assert len(event.icalendar_instance.walk("VEVENT")) == 1
        assert int(event.icalendar_component["SEQUENCE"]) == 0


def test_an_unchanged_push_makes_no_write_request(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """Pushing the same CSV again reads the calendar and writes nothing (Radicale's log counts the writes)."""
    csv_file = _csv(tmp_path, ROWS)
    assert _push(csv_file, radicale, user).exit_code == 0
    writes = radicale.writes(user)
    again = _push(csv_file, radicale, user)
    assert again.exit_code == 0, again.output
    assert radicale.writes(user) == writes
    assert "0 write requests" in again.output


def test_a_recorded_rejection_deletes_the_pending_follow_ups(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """Recording a rejection removes that application's waiting steps and adds the keep-in-touch note."""
    csv_file = _csv(tmp_path, ROWS)
    assert _push(csv_file, radicale, user).exit_code == 0
    before = set(_held(radicale, user))
    _csv(tmp_path, [ROWS[0].replace("pending,", "rejected,2026-12-03"), ROWS[1]])
    result = _push(csv_file, radicale, user)
    assert result.exit_code == 0, result.output
    after = set(_held(radicale, user))
    assert after == _planned_uids(csv_file)
    assert any(uid.startswith("acme.status-check") for uid in before - after)
    assert any(uid.startswith("acme.keep-in-touch") for uid in after - before)


def test_a_reschedule_updates_the_events_in_place(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """A new date for a row with an id keeps each UID: same object, new time, SEQUENCE one higher."""
    csv_file = _csv(tmp_path, ROWS)
    assert _push(csv_file, radicale, user).exit_code == 0
    _csv(tmp_path, [ROWS[0].replace("2026-12-01 14:00", "2026-12-01 16:00"), ROWS[1]])
    result = _push(csv_file, radicale, user)
    assert result.exit_code == 0, result.output
    held = _held(radicale, user)
    assert set(held) == _planned_uids(csv_file)
    interview = held["acme.interview@followup-ics"].icalendar_component
    assert interview["DTSTART"].dt.hour == 16
    assert int(interview["SEQUENCE"]) == 1
    assert int(held["globex.interview@followup-ics"].icalendar_component["SEQUENCE"]) == 0  # untouched


def _edit_on_server(server: Radicale, user: str, uid: str, summary: str) -> None:
    """What a calendar app does when the user edits an event: a new version, a new ETag."""
    event = _calendar(server, user).event_by_uid(uid)
    event.icalendar_component["SUMMARY"] = summary
    event.icalendar_component["SEQUENCE"] = int(event.icalendar_component["SEQUENCE"]) + 1
    event.save(increase_seqno=False)


def test_an_event_edited_in_the_calendar_is_reported_and_kept_unless_forced(
        radicale: Radicale, user: str, tmp_path: Path) -> None:
    """A change the user made in their app wins over a changed plan (reported, exit 1); --force overwrites it."""
    csv_file = _csv(tmp_path, ROWS)
    assert _push(csv_file, radicale, user).exit_code == 0
    _edit_on_server(radicale, user, "acme.interview@followup-ics", "My own title")
    _csv(tmp_path, [ROWS[0].replace("Data Engineer", "Staff Data Engineer"), ROWS[1]])
    result = _push(csv_file, radicale, user)
    assert result.exit_code == 1
    assert "conflict:" in result.output and "edited in the calendar" in result.output
    held = _held(radicale, user)
    assert str(held["acme.interview@followup-ics"].icalendar_component["SUMMARY"]) == "My own title"
    assert "Staff Data Engineer" in str(held["acme.thank-you@followup-ics"].icalendar_component["DESCRIPTION"])
    forced = _push(csv_file, radicale, user, "--force")
    assert forced.exit_code == 0, forced.output
    interview = _held(radicale, user)["acme.interview@followup-ics"].icalendar_component
    assert "Staff Data Engineer" in str(interview["SUMMARY"])
    assert int(interview["SEQUENCE"]) == 2  # one above the user's edit, which was one above ours
    assert _push(csv_file, radicale, user).exit_code == 0  # and the next push is quiet again


def test_an_event_deleted_in_the_calendar_stays_deleted_unless_forced(
        radicale: Radicale, user: str, tmp_path: Path) -> None:
    """Deleting one of our events in the app is the user's choice: noted, not put back; --force puts it back."""
    csv_file = _csv(tmp_path, ROWS)
    assert _push(csv_file, radicale, user).exit_code == 0
    _calendar(radicale, user).event_by_uid("globex.thank-you@followup-ics").delete()
    result = _push(csv_file, radicale, user)
    assert result.exit_code == 0, result.output
    assert "note: deleted in the calendar, not put back" in result.output
    assert "globex.thank-you@followup-ics" not in _held(radicale, user)
    assert _push(csv_file, radicale, user, "--force").exit_code == 0
    assert set(_held(radicale, user)) == _planned_uids(csv_file)


def test_an_object_we_did_not_create_survives_every_push(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """The user's own events in the same calendar are never rewritten or deleted, --force or not."""
    client = caldav.DAVClient(url=radicale.url, username=user, password="secret")
    calendar = client.principal().make_calendar(name="Job search")
    own = calendar.add_event(dtstart=__import__("datetime").datetime(2026, 12, 3, 9), summary="Dentist",
                             uid="dentist-1@example.org")
    own.load()
    etag = own.props["{DAV:}getetag"]
    csv_file = _csv(tmp_path, ROWS)
    assert _push(csv_file, radicale, user).exit_code == 0
    _csv(tmp_path, [ROWS[0].replace("pending,", "rejected,2026-12-03")])  # Globex leaves the plan entirely
    assert _push(csv_file, radicale, user, "--force").exit_code == 0
    survivor = calendar.event_by_uid("dentist-1@example.org")
    survivor.load()
    assert survivor.props["{DAV:}getetag"] == etag
    assert set(_held(radicale, user)) == _planned_uids(csv_file) | {"dentist-1@example.org"}


def test_a_calendar_deleted_in_the_app_is_made_again(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """Deleting the whole calendar between pushes: the next push creates it and stores every event again."""
    csv_file = _csv(tmp_path, ROWS)
    assert _push(csv_file, radicale, user).exit_code == 0
    _calendar(radicale, user).delete()
    result = _push(csv_file, radicale, user)
    assert result.exit_code == 0, result.output
    assert "(new calendar)" in result.output
    assert set(_held(radicale, user)) == _planned_uids(csv_file)


def test_dry_run_lists_the_changes_and_writes_nothing(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """--dry-run names each create, update and delete, and sends no write request."""
    csv_file = _csv(tmp_path, ROWS)
    first = _push(csv_file, radicale, user, "--dry-run")
    assert first.exit_code == 0, first.output
    assert "would create the calendar 'Job search'" in first.output
    assert radicale.writes(user) == 0
    assert _push(csv_file, radicale, user).exit_code == 0
    writes = radicale.writes(user)
    _csv(tmp_path, [ROWS[0].replace("pending,", "rejected,2026-12-03"), ROWS[1].replace("Analyst", "Lead")])
    result = _push(csv_file, radicale, user, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would delete" in result.output and "would update" in result.output and "would create" in result.output
    assert radicale.writes(user) == writes


def test_a_push_killed_half_way_is_finished_by_the_next(radicale: Radicale, user: str, tmp_path: Path) -> None:
    """SIGKILL in the middle of a push, then a re-run of a changed plan: every planned event once, nothing
    else (what the killed run created and the plan dropped is deleted), then quiet."""
    rows = [f"r{n},Company {n},2026-12-{1 + n:02d} {9 + n:02d}:00,UTC,Role,pending," for n in range(8)]
    csv_file = _csv(tmp_path, rows)
    env = {**os.environ, PASSWORD_VARIABLE: "secret", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    process = subprocess.Popen([sys.executable, "-m", "followup_ics", "push", str(csv_file), "--url", radicale.url,
                                "--user", user, "--tz", "UTC"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    collection = radicale.store / "collection-root" / user
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _stored(collection) < 15:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = _stored(collection)
    assert 15 <= stored < len(_planned_uids(csv_file)), "the push was not stopped half way"
    # The first interview (pushed first) is rejected before the re-run: its waiting steps, created by the
    # killed run that had no time to record them, must still be known as ours and deleted.
    _csv(tmp_path, [rows[0].replace("pending,", "rejected,2026-12-02"), *rows[1:]])
    result = _push(csv_file, radicale, user)
    assert result.exit_code == 0, result.output
    assert set(_held(radicale, user)) == _planned_uids(csv_file)
    writes = radicale.writes(user)
    assert _push(csv_file, radicale, user).exit_code == 0
    assert radicale.writes(user) == writes


def test_generate_push_stores_one_interview(radicale: Radicale, user: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`generate --push` puts one interview's events in the calendar, and a second run changes nothing."""
    monkeypatch.chdir(tmp_path)
    args = ["generate", "--company", "Acme", "--date", "2026-12-01 14:00", "--tz", "UTC", "--id", "acme",
            "--push", radicale.url, "--user", user]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert {uid.split(".")[0] for uid in _held(radicale, user)} == {"acme"}
    writes = radicale.writes(user)
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert radicale.writes(user) == writes
    moved = CliRunner().invoke(cli, [*args[:4], "2026-12-01 15:00", *args[5:], "--dry-run"])
    assert moved.exit_code == 0, moved.output
    assert "would update" in moved.output


def test_a_server_that_stops_half_way_is_one_line_and_the_next_push_finishes(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    """The server dies during a push: one line, exit 1; restarted on the same storage, a re-run completes it."""
    folder = tmp_path_factory.mktemp("radicale-dies")
    server = _start_radicale(folder, "--auth-type", "none")
    rows = [f"r{n},Company {n},2026-12-{1 + n:02d} {9 + n:02d}:00,UTC,Role,pending," for n in range(6)]
    csv_file = _csv(tmp_path, rows)
    env = {**os.environ, PASSWORD_VARIABLE: "secret", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    process = subprocess.Popen([sys.executable, "-m", "followup_ics", "push", str(csv_file), "--url", server.url,
                                "--user", "me", "--tz", "UTC"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    collection = server.store / "collection-root" / "me"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _stored(collection) < 10:
        time.sleep(0.01)
    server.process.kill()
    server.process.wait()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.strip().splitlines()[-1].startswith(f"Error: {server.url}: cannot reach the server while ")
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    restarted = _start_radicale(folder, "--auth-type", "none", port=port)
    try:
        result = _push(csv_file, restarted, "me")
        assert result.exit_code == 0, result.output
        assert set(_held(restarted, "me")) == _planned_uids(csv_file)
    finally:
        _stop(restarted)


def test_help_does_not_load_caldav() -> None:
    """`push --help` stays fast: the caldav library is imported only when a push runs."""
    code = ("import sys; from followup_ics.cli import main; sys.argv = ['followup-ics', 'push', '--help']\n"
            "try: main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('caldav', 'niquests', 'icalendar')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "Example:" in loaded
    assert loaded.strip().splitlines()[-1] == "[]"


# --- when the server cannot be used: one line, a non-zero exit ------------------------------------------------

@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """A Radicale that checks passwords (htpasswd, plain): 'me' / 'right'."""
    folder = tmp_path_factory.mktemp("radicale-auth")
    (folder / "users").write_text("me:right\n", encoding="utf-8")
    server = _start_radicale(folder, "--auth-type", "htpasswd", "--auth-htpasswd-filename",
                             str(folder / "users"), "--auth-htpasswd-encryption", "plain")
    yield server
    _stop(server)


def test_a_wrong_password_is_one_line(guarded: Radicale, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 401 is said in one line naming the cause, exit 1, and the right password then works."""
    csv_file = _csv(tmp_path, ROWS)
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong")
    result = _push(csv_file, guarded, "me")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the server refused the user name or password (401): check --user and the password"]
    monkeypatch.setenv(PASSWORD_VARIABLE, "right")
    assert _push(csv_file, guarded, "me").exit_code == 0


def test_the_password_can_come_from_netrc(guarded: Radicale, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no variable, ~/.netrc gives the login and password for the server's host."""
    monkeypatch.delenv(PASSWORD_VARIABLE)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login me password right\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    result = CliRunner().invoke(cli, ["push", str(_csv(tmp_path, ROWS)), "--url", guarded.url, "--tz", "UTC",
                                      "--dry-run"])
    assert result.exit_code == 0, result.output


def _not_caldav() -> Iterator[str]:
    """A plain web server: answers GET, refuses PROPFIND."""
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("where", "expected"), [
    # nothing listens on the port: refused at once, not a traceback
    ("closed", "cannot reach the server while finding the calendar (connection refused); run again"),
    # a web server, but no WebDAV: the PROPFIND fails
    ("plain", "not a CalDAV server, or not this address (it answered 501) while finding the calendar"),
    # not a URL of the web at all
    ("ftp", "--url: must start with https:// (or http://)"),
])
def test_an_unusable_server_is_one_line(where: str, expected: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Unreachable, not CalDAV, not http: one line saying which, a non-zero exit, no state written."""
    monkeypatch.chdir(tmp_path)
    csv_file = _csv(tmp_path, ROWS)
    plain = _not_caldav()
    url = {"closed": f"http://127.0.0.1:{_free_port()}/", "plain": next(plain), "ftp": "ftp://example.org/"}[where]
    result = CliRunner().invoke(cli, ["push", str(csv_file), "--url", url, "--user", "me", "--tz", "UTC"])
    list(plain)
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert expected in result.output
    assert not list(tmp_path.glob(".interviews.csv.followup-ics/*.json"))


@pytest.mark.parametrize(("failure", "expected"), [
    # the password is wrong (caldav's own error for a 401)
    (lambda e: e.AuthorizationError("no", status=401), "refused the user name or password (401)"),
    # the account may read but not make calendars: a MKCALENDAR answered 403
    (lambda e: e.MkcalendarError("no", status=403), "refused access (403 Forbidden)"),
    # a web server that is something else: a PROPFIND answered 405
    (lambda e: e.PropfindError("no", status=405), "not a CalDAV server, or not this address (it answered 405)"),
])
def test_each_library_failure_becomes_one_line(failure: object, expected: str) -> None:
    """Whatever caldav raises while talking to the server is turned into a PushError of one line."""
    from caldav.lib import error

    from followup_ics.edges.push import PushError, Server, Target

    server = Server(Target("http://127.0.0.1:9/", "me", "pw", "Job search"))
    with pytest.raises(PushError) as raised, server._talking("finding the calendar"):
        raise failure(error)  # type: ignore[operator]
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


def test_no_password_without_a_terminal_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No variable, no .netrc entry and no terminal to ask on: say where a password can come from."""
    monkeypatch.delenv(PASSWORD_VARIABLE)
    result = CliRunner().invoke(cli, ["push", str(_csv(tmp_path, ROWS)), "--url", "http://127.0.0.1:9/",
                                      "--user", "me", "--tz", "UTC"])
    assert result.exit_code == 2
    assert f"set {PASSWORD_VARIABLE}, add the host to ~/.netrc" in result.output
    assert "--password" not in CliRunner().invoke(cli, ["push", "--help"]).output


def test_the_objects_pushed_are_the_events_batch_writes(tmp_path: Path) -> None:
    """Push plans the CSV as batch does: the same UIDs, and each object's event means what all.ics says."""
    from followup_ics.app.config import request_for
    from followup_ics.edges.push import plan_csv, render_objects
    from followup_ics.ical.revisions import event_revisions

    rows = [*ROWS, "initech,Initech,2026-12-03 09:00,America/Chicago,Dev,rejected,2026-12-04"]
    csv_file = _csv(tmp_path, rows)
    request, _ = request_for("UTC", None, day_first=None, no_interview=False)  # now: SOURCE_DATE_EPOCH
    schedules, _ = plan_csv(csv_file, request, {})
    objects = render_objects(schedules, request.now, {})
    _planned_uids(csv_file)  # writes batch-out/all.ics
    in_file = event_revisions((tmp_path / "batch-out" / "all.ics").read_bytes())
    assert set(objects) == set(in_file)
    for uid, data in objects.items():
        assert event_revisions(data)[uid].fingerprint == in_file[uid].fingerprint, uid


def test_a_bad_row_fails_before_any_request(tmp_path: Path) -> None:
    """Bad data is named by row and column before the server is contacted (here there is none to contact)."""
    csv_file = _csv(tmp_path, [ROWS[0], "globex,Globex,not a date,UTC,Analyst,pending,"])
    result = CliRunner().invoke(cli, ["push", str(csv_file), "--url", f"http://127.0.0.1:{_free_port()}/",
                                      "--user", "me", "--tz", "UTC"])
    assert result.exit_code == 1
    assert f"{csv_file}:3: column 'date':" in result.output
    assert "cannot reach" not in result.output
