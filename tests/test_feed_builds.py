"""Builds: feeds written as files in bounded steps, byte for byte what the reference writer gives."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import STAMP, plan_for

from followup_ics.app.config import Request
from followup_ics.app.roster import Roster
from followup_ics.edges.feeds import FeedError, State, _restamp, build_site, load_site, load_state, save_state
from followup_ics.edges.spreadsheet import read_text
from followup_ics.ical import reference as ics
from followup_ics.ical import writer
from followup_ics.ical.revisions import event_revisions

HEADER = "company,date,timezone,status,outcome_date\r\n"
ACME = "Acme Corp,2026-12-01 14:00,America/New_York,{status},\r\n"
GLOBEX = "Globex,2026-12-02 10:00,Europe/Paris,pending,\r\n"


@pytest.mark.parametrize(
    "revised",
    [{}, {0: (1, STAMP - timedelta(days=3))}, {0: (4, STAMP), 5: (2, STAMP - timedelta(hours=1))},
     {"all": (7, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))}],
    ids=["none", "first-event", "two-events", "every-event"],
)
def test_restamping_gives_the_writers_bytes(revised: dict[object, tuple[int, datetime]]) -> None:
    """Patching SEQUENCE, DTSTAMP and LAST-MODIFIED equals rendering again with those revisions."""
    schedule = plan_for("2026-12-01 14:00", "America/New_York", notes="DTSTAMP:20261125T120000Z\nSEQUENCE:0")
    options = ics.FeedOptions()
    fresh = writer.calendar_text([schedule], stamp=STAMP, feed=options).encode()
    uids = list(event_revisions(fresh))
    found = {uid: value for index, uid in enumerate(uids)
             for key, value in revised.items() if key in (index, "all")}
    # (the reference, not writer.calendar_text, which restamps a draft itself)
    expected = ics.build_calendar([schedule], stamp=STAMP, revisions=found, feed=options).to_ical()
    assert _restamp(fresh, uids, STAMP, found) == expected


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])  # the run's zone, the search stream's: none, or its own rules
def test_a_build_is_a_folder_of_files_and_all_ics_is_the_writers_calendar(tmp_path: Path, zone: str) -> None:
    """all.ics streamed from the interviews' events equals the calendar rendered whole, its time zones
    covering the search's keep-searching stream too."""
    csv = (HEADER + ACME.format(status="pending") + GLOBEX).encode()
    state = load_state(tmp_path / "state")
    site, _ = build_site(csv, "interviews.csv", Request(zone=zone, now=STAMP), state, tmp_path / "state")
    # the same CSV planned as one search: each interview's events, then the search's keep-searching stream
    roster = Roster(lambda: read_text(csv.decode())[1], Request(zone=zone, now=STAMP))
    schedules = [schedule for _, schedule in roster.schedules()]  # type: ignore[misc]
    schedules += roster.streams()
    whole = writer.calendar_text(schedules, stamp=STAMP, name="Interview follow-ups", feed=ics.FeedOptions())
    assert site.folder is not None and (site.folder / "all.ics").read_bytes() == whole.encode()
    assert list(site.feeds) == ["all.ics", "acme-corp-2026-12-01.ics", "globex-2026-12-02.ics"]
    assert site.events == sum(len(schedule.steps) for schedule in schedules)  # the page's count, stream included
    assert {feed.size for feed in site.feeds.values()} == {len(feed.data) for feed in site.feeds.values()}
    assert not [path.name for path in site.folder.iterdir() if path.name.startswith(".")]  # no temp left
    # what the subscribe page lists, and each feed's ETag: a quoted hash of its bytes
    # (the date and time in the interview's own zone, as its invitation says, and how many events it holds)
    assert [(item.file, item.title, item.when, item.status, item.events) for item in site.listings] == [
        ("acme-corp-2026-12-01.ics", "Acme Corp", "Tue 1 Dec 2026, 14:00 (America/New_York)", "pending",
         len(schedules[0].steps)),
        ("globex-2026-12-02.ics", "Globex", "Wed 2 Dec 2026, 10:00 (Europe/Paris)", "pending", len(schedules[1].steps))]
    assert all(feed.etag == f'"{hashlib.sha256(feed.data).hexdigest()[:32]}"' for feed in site.feeds.values())


def test_a_restart_serves_the_published_build_and_a_change_builds_anew(tmp_path: Path) -> None:
    """The state names the build; an unchanged CSV needs no build; a change keeps SEQUENCE history."""
    state_dir = tmp_path / "state"
    request = Request(zone="UTC", now=STAMP)
    first, state = build_site((HEADER + ACME.format(status="pending")).encode(), "x.csv", request,
                              load_state(state_dir), state_dir)
    save_state(state_dir, state)
    again = load_site(state_dir, load_state(state_dir))
    assert again is not None and again.folder == first.folder and again.feeds == first.feeds
    # what the subscribe page shows comes back too
    assert (again.listings, again.changed_at, again.events) == (first.listings, first.changed_at, first.events)
    later = Request(zone="UTC", now=STAMP + timedelta(days=1))
    second, _ = build_site((HEADER + ACME.format(status="withdrawn")).encode(), "x.csv", later,
                           load_state(state_dir), state_dir)
    assert second.folder != first.folder
    sequences = {uid: revision.sequence for uid, revision in event_revisions(second.feeds["all.ics"].data).items()}
    assert max(sequences.values()) == 1  # changed events moved on from the build before


def test_a_state_from_before_builds_carries_its_revisions_over(tmp_path: Path) -> None:
    """Upgrading: last-good-all.ics and the feeds' Last-Modified of the old state are honoured once."""
    state_dir = tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    request = Request(zone="UTC", now=STAMP)
    csv = (HEADER + ACME.format(status="pending")).encode()
    old_site, _ = build_site(csv, "x.csv", request, load_state(state_dir), state_dir)
    old_all = old_site.feeds["all.ics"].data.replace(b"SEQUENCE:0", b"SEQUENCE:3")
    (state_dir / "last-good-all.ics").write_bytes(old_all)
    (state_dir / "state.json").write_text(json.dumps({
        "token": "a-token-of-twenty-chars", "csv_sha256": "old", "changed_at": STAMP.isoformat(), "closed": {},
        "feeds": {"all.ics": ['"x"', STAMP.isoformat()]}}))
    upgraded = load_state(state_dir)
    later = Request(zone="UTC", now=STAMP + timedelta(days=1))
    site, state = build_site(csv, "x.csv", later, upgraded, state_dir)
    assert state.token == "a-token-of-twenty-chars"
    sequences = {revision.sequence for revision in event_revisions(site.feeds["all.ics"].data).values()}
    assert sequences == {3}  # unchanged events keep the SEQUENCE calendars already hold


def test_old_builds_are_pruned_but_the_kept_and_the_young_stay(tmp_path: Path) -> None:
    """The published and the previous build stay; so does one a minute young (it may be in the making)."""
    import time

    from followup_ics.edges.feeds import prune_builds

    builds = tmp_path / "state" / "builds"
    now = time.time_ns()
    names = {"old": "1000-aaaa", "kept": "2000-bbbb", "young": f"{now - 30 * 10**9}-cccc", "foreign": "notes",
             "two minutes old": f"{now - 120 * 10**9}-dddd"}
    for name in names.values():
        (builds / name).mkdir(parents=True)
        (builds / name / "index.json").write_bytes(b"{}")
    prune_builds(tmp_path / "state", [names["kept"]])
    assert sorted(path.name for path in builds.iterdir()) == sorted(
        [names["kept"], names["young"], names["foreign"]])


def test_pruning_counts_a_minute_to_the_nanosecond_and_skips_what_it_cannot_remove(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build exactly a minute old may still be in the making and stays; half a second older goes. Something
    that cannot be removed (a file where a build folder would be) is left without stopping the server."""
    from followup_ics.edges import feeds

    now = 10**18
    monkeypatch.setattr(feeds.time, "time_ns", lambda: now)
    builds = tmp_path / "state" / "builds"
    minute = f"{now - 60 * 10**9}-aaaa"
    older = f"{now - 60 * 10**9 - 5 * 10**8}-bbbb"
    for name in (minute, older):
        (builds / name).mkdir(parents=True)
    (builds / "1000-cccc").write_bytes(b"not a build folder")
    feeds.prune_builds(tmp_path / "state", [])
    assert sorted(path.name for path in builds.iterdir()) == sorted(["1000-cccc", minute])


def _as_before_line_index(folder: Path) -> None:
    """Rewrite a build as the version before line-per-entry indexes left it: one JSON object, and no feeds
    table in its SQLite file (ETags and Last-Modified were read from the index)."""
    import sqlite3

    lines = [json.loads(line) for line in (folder / "index.json").read_text().splitlines()]
    site = next(values for kind, *values in lines if kind == "site")
    feeds = {name: [etag, moment, size] for kind, name, etag, moment, size in
             (line for line in lines if line[0] == "feed")}
    feeds = {"all.ics": feeds.pop("all.ics"), **feeds}
    listings = [values for kind, *values in lines if kind == "listing"]
    (folder / "index.json").write_text(json.dumps({"changed_at": site[0], "events": site[1], "feeds": feeds,
                                                   "listings": listings}))
    with sqlite3.connect(folder / "revisions.sqlite") as database:
        database.execute("DROP TABLE feeds")
    database.close()


@pytest.mark.parametrize("older_index", [False, True], ids=["line-index", "object-index"])
def test_an_unchanged_feed_keeps_its_last_modified_across_builds(tmp_path: Path, older_index: bool) -> None:
    """A rebuild a day later: the unchanged feed keeps its ETag and Last-Modified, the changed one moves on;
    a build by the version before (one-object index, no feeds table) is served and read the same way."""
    state_dir = tmp_path / "state"
    first, state = build_site((HEADER + ACME.format(status="pending") + GLOBEX).encode(), "x.csv",
                              Request(zone="UTC", now=STAMP), load_state(state_dir), state_dir)
    save_state(state_dir, state)
    assert first.folder is not None
    if older_index:
        _as_before_line_index(first.folder)
        loaded = load_site(state_dir, load_state(state_dir))
        assert loaded is not None and loaded.feeds == first.feeds and loaded.listings == first.listings
        assert (loaded.changed_at, loaded.folder, loaded.events) == (first.changed_at, first.folder, first.events)
    later = STAMP + timedelta(days=1)
    second, _ = build_site((HEADER + ACME.format(status="withdrawn") + GLOBEX).encode(), "x.csv",
                           Request(zone="UTC", now=later), load_state(state_dir), state_dir)
    globex, acme = "globex-2026-12-02.ics", "acme-corp-2026-12-01.ics"
    assert second.feeds[globex].etag == first.feeds[globex].etag and second.feeds[globex].last_modified == STAMP
    assert second.feeds[acme].etag != first.feeds[acme].etag and second.feeds[acme].last_modified == later
    assert [listing.status for listing in second.listings] == ["withdrawn", "pending"]
    if older_index:  # two Last-Modified times in one index: each feed keeps its own
        assert second.folder is not None
        _as_before_line_index(second.folder)
        loaded = load_site(state_dir, replace(state, build=second.folder.name))
        assert loaded is not None and loaded.feeds == second.feeds


def test_a_build_without_its_last_index_line_is_never_served(tmp_path: Path) -> None:
    """An index cut short (a build killed while writing it, or a torn copy) reads as no build at all."""
    state_dir = tmp_path / "state"
    site, state = build_site((HEADER + GLOBEX).encode(), "x.csv", Request(zone="UTC", now=STAMP),
                             load_state(state_dir), state_dir)
    assert site.folder is not None
    index = site.folder / "index.json"
    whole = index.read_bytes()
    index.write_bytes(whole.rsplit(b"\n", 2)[0] + b"\n")  # the closing "site" line gone
    assert load_site(state_dir, state) is None
    # a torn copy that lost all.ics's line (the page links it first) is no build either
    index.write_bytes(b"".join(line for line in whole.splitlines(keepends=True) if b'"all.ics"' not in line))
    assert load_site(state_dir, state) is None


def test_an_interview_closed_without_a_date_stays_closed_as_of_the_build_that_first_saw_it(tmp_path: Path) -> None:
    """A withdrawal with no outcome date counts from the build that first saw it: a later build (another row
    added days on) keeps that date, so the interview's feed keeps its bytes and its ETag."""
    state_dir = tmp_path / "state"
    withdrawn = HEADER + ACME.format(status="withdrawn")
    first, state = build_site(withdrawn.encode(), "x.csv", Request(zone="UTC", now=STAMP), load_state(state_dir),
                              state_dir)
    save_state(state_dir, state)
    assert list(state.closed.values()) == [STAMP]
    later = Request(zone="UTC", now=STAMP + timedelta(days=20))
    second, new_state = build_site((withdrawn + GLOBEX).encode(), "x.csv", later, load_state(state_dir), state_dir)
    assert new_state.closed == state.closed
    name = "acme-corp-2026-12-01.ics"
    assert second.feeds[name].data == first.feeds[name].data and second.feeds[name].etag == first.feeds[name].etag
    assert second.feeds[name].last_modified == first.feeds[name].last_modified == STAMP


def test_an_unchanged_csv_keeps_the_time_its_data_last_changed(tmp_path: Path) -> None:
    """A rebuild of the same CSV a month later keeps the first build's time and feeds; the state folder and its
    missing parents are made on the way (serve --state-dir deep/new/folder)."""
    state_dir = tmp_path / "not" / "yet" / "state"
    csv = (HEADER + ACME.format(status="pending") + GLOBEX).encode()
    first, state = build_site(csv, "x.csv", Request(zone="UTC", now=STAMP), load_state(state_dir), state_dir)
    save_state(state_dir, state)
    later = Request(zone="UTC", now=STAMP + timedelta(days=30))  # both interviews are past by then
    second, new_state = build_site(csv, "x.csv", later, load_state(state_dir), state_dir)
    assert new_state.changed_at == second.changed_at == STAMP
    assert {name: feed.data for name, feed in second.feeds.items()} == {
        name: feed.data for name, feed in first.feeds.items()}


def _builds(state_dir: Path) -> list[str]:
    return sorted(path.name for path in (state_dir / "builds").iterdir())


def test_a_csv_that_cannot_be_read_is_one_line_naming_it_and_leaves_no_build(tmp_path: Path) -> None:
    """A CSV without the company column: one problem naming the file, and no half-made build folder."""
    state_dir = tmp_path / "state"
    with pytest.raises(FeedError) as caught:
        build_site(b"name,date\r\nAcme,2026-12-01 14:00\r\n", "x.csv", Request(zone="UTC", now=STAMP),
                   load_state(state_dir), state_dir)
    assert caught.value.problems == [f"x.csv: {caught.value.problems[0].removeprefix('x.csv: ')}"]
    assert "company" in caught.value.problems[0] and "\n" not in caught.value.problems[0]
    assert _builds(state_dir) == []
    with pytest.raises(FeedError) as caught:  # a header and nothing below it
        build_site(HEADER.encode(), "x.csv", Request(zone="UTC", now=STAMP), load_state(state_dir), state_dir)
    assert caught.value.problems == ["x.csv: no interviews below the header row"]
    assert _builds(state_dir) == []


def test_a_build_that_cannot_be_read_back_is_an_error_naming_the_state_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build written but unreadable (its index lost meanwhile) is never handed on as a site."""
    from followup_ics.edges import feeds

    monkeypatch.setattr(feeds, "load_site", lambda *_: None)
    with pytest.raises(FeedError) as caught:
        build_site((HEADER + GLOBEX).encode(), "x.csv", Request(zone="UTC", now=STAMP), State(token="t" * 20),
                   tmp_path / "state")
    assert caught.value.problems == [f"{tmp_path / 'state'}: the new build cannot be read back"]


def test_a_zone_that_cannot_be_written_as_rules_fails_the_build_naming_the_csv(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's last check refusing a zone's rules (a pytz zone no VTIMEZONE can hold) is a FeedError
    naming the CSV, and the build folder is removed."""
    from followup_ics.core.errors import ZoneNotRepresentable
    from followup_ics.ical import tzrules

    def refuse(zone_name: str, *_: object) -> None:
        raise ZoneNotRepresentable(f"the time zone {zone_name} cannot be written as calendar rules")

    monkeypatch.setattr(tzrules, "check", refuse)
    monkeypatch.setattr(tzrules, "_CHECKED", set())  # checked spans are remembered: check this one again
    state_dir = tmp_path / "state"
    with pytest.raises(FeedError) as caught:
        build_site((HEADER + GLOBEX).encode(), "x.csv", Request(zone="UTC", now=STAMP), load_state(state_dir),
                   state_dir)
    assert caught.value.problems == ["x.csv: the time zone Europe/Paris cannot be written as calendar rules"]
    assert _builds(state_dir) == []


def test_a_previous_build_without_its_revisions_file_does_not_stop_the_next(tmp_path: Path) -> None:
    """A build folder whose revisions.sqlite was removed (by hand, or a torn copy): the next build still runs,
    its events starting afresh (SEQUENCE 0, stamped by that build) as nothing is known of them."""
    state_dir = tmp_path / "state"
    csv = (HEADER + GLOBEX).encode()
    first, state = build_site(csv, "x.csv", Request(zone="UTC", now=STAMP), load_state(state_dir), state_dir)
    assert first.folder is not None
    (first.folder / "revisions.sqlite").unlink()
    later = STAMP + timedelta(days=1)
    second, _ = build_site(csv + ACME.format(status="pending").encode(), "x.csv", Request(zone="UTC", now=later),
                           state, state_dir)
    revisions = event_revisions(second.feeds["globex-2026-12-02.ics"].data).values()
    assert revisions and {(revision.sequence, revision.stamp) for revision in revisions} == {(0, later)}


def test_the_kept_event_digests_are_the_ones_earlier_versions_wrote(tmp_path: Path) -> None:
    """A build remembers each event as the first 32 hex digits of the SHA-256 of its content: the form the
    builds of earlier versions hold, so an upgrade does not count every event as changed (SEQUENCE + 1)."""
    import sqlite3

    state_dir = tmp_path / "state"
    site, _ = build_site((HEADER + GLOBEX).encode(), "x.csv", Request(zone="UTC", now=STAMP), load_state(state_dir),
                         state_dir)
    assert site.folder is not None
    with sqlite3.connect(site.folder / "revisions.sqlite") as database:
        rows = database.execute("SELECT events FROM revisions").fetchall()
    database.close()
    kept = {uid: digest for (events,) in rows for uid, (digest, _, _) in json.loads(events).items()}
    written = event_revisions(site.feeds["all.ics"].data)
    assert kept == {uid: hashlib.sha256(revision.fingerprint).hexdigest()[:32] for uid, revision in written.items()}



def test_every_folder_and_file_of_a_build_is_private_whatever_the_umask(tmp_path: Path) -> None:
    """Under a usual umask (022) the state folder, builds/, each build and its files are the user's alone:
    the feeds hold interview details and the state the token."""
    import os

    state_dir = tmp_path / "state"
    umask = os.umask(0o022)
    try:
        site, _ = build_site((HEADER + GLOBEX).encode(), "x.csv", Request(zone="UTC", now=STAMP),
                             State(token="t" * 20), state_dir)
    finally:
        os.umask(umask)
    assert site.folder is not None
    folders = [state_dir, state_dir / "builds", site.folder]
    assert [path.stat().st_mode & 0o777 for path in folders] == [0o700] * 3
    assert {path.stat().st_mode & 0o777 for path in site.folder.iterdir()} == {0o600}


def test_a_csv_read_from_its_path_builds_as_its_bytes_do(tmp_path: Path) -> None:
    """serve hands the build the CSV's path: the same feeds as from its bytes; a path that cannot be read is
    one line naming the CSV as the user gave it."""
    csv = (HEADER + ACME.format(status="pending") + GLOBEX).encode()
    path = tmp_path / "interviews.csv"
    path.write_bytes(csv)
    request = Request(zone="UTC", now=STAMP)
    from_bytes, bytes_state = build_site(csv, "x.csv", request, State(token="t" * 20), tmp_path / "a")
    from_path, path_state = build_site(path, "x.csv", request, State(token="t" * 20), tmp_path / "b")
    assert {name: feed.data for name, feed in from_path.feeds.items()} == {
        name: feed.data for name, feed in from_bytes.feeds.items()}
    assert path_state.csv_sha256 == bytes_state.csv_sha256
    with pytest.raises(FeedError) as caught:
        build_site(tmp_path / "gone.csv", "gone.csv", request, State(token="t" * 20), tmp_path / "c")
    assert caught.value.problems == ["gone.csv: cannot read it (No such file or directory)"]


@pytest.mark.parametrize("csv_as", ["bytes", "path"])
def test_an_unchanged_csv_under_other_settings_is_built_anew(tmp_path: Path, csv_as: str) -> None:
    """A restart with another zone (or language, or plan file) on the same CSV is a change: a new time."""
    csv = (HEADER + GLOBEX).encode()
    path = tmp_path / "interviews.csv"
    path.write_bytes(csv)
    source = csv if csv_as == "bytes" else path
    state_dir = tmp_path / "state"
    _, state = build_site(source, "x.csv", Request(zone="UTC", now=STAMP), load_state(state_dir), state_dir)
    later = STAMP + timedelta(days=1)
    _, other = build_site(source, "x.csv", Request(zone="Asia/Tokyo", now=later), state, state_dir)
    assert other.csv_sha256 != state.csv_sha256 and other.changed_at == later


def test_a_failure_mid_build_leaves_no_build_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk error while writing the feeds is raised as it is, and the half-written build is removed."""
    def disk_full(*_: object, **__: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "shell_head", disk_full)  # all.ics's head, written after every interview
    state_dir = tmp_path / "state"
    with pytest.raises(OSError, match="No space left on device"):
        build_site((HEADER + GLOBEX).encode(), "x.csv", Request(zone="UTC", now=STAMP), State(token="t" * 20),
                   state_dir)
    assert _builds(state_dir) == []
