"""Feeds and revisions without a server: what a rebuild keeps (stamps, SEQUENCE, the moment an interview closed)
and what it does with a damaged state or damaged earlier output."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import STAMP

from followup_ics.app.config import Request
from followup_ics.edges.feeds import FeedError, State, build_site, load_state, new_token, save_state, valid_token
from followup_ics.ical.revisions import Revision, event_revisions, next_revisions

HEADER = "company,date,timezone,status\r\n"
ACME = "Acme Corp,2026-12-01 14:00,America/New_York,{status}\r\n"
GLOBEX = "Globex,2026-12-02 10:00,Europe/Paris,pending\r\n"
EVENT = "BEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Call\r\n{extra}END:VEVENT\r\n"


def _revision(extra: str) -> Revision:
    return event_revisions(("BEGIN:VCALENDAR\r\n" + EVENT.format(extra=extra) + "END:VCALENDAR\r\n").encode())["a@x"]


def test_a_kept_stamp_is_read_back_to_the_second() -> None:
    """Every field of a previous DTSTAMP is read, so an unchanged event keeps exactly the stamp it had."""
    old = _revision("DTSTAMP:20261125T123456Z\r\nSEQUENCE:7\r\n")
    assert old == Revision(b"UID:a@x\nSUMMARY:Call", 7, datetime(2026, 11, 25, 12, 34, 56, tzinfo=UTC))
    later = datetime(2027, 1, 1, tzinfo=UTC)
    same = _revision("DTSTAMP:20270101T000000Z\r\n")
    assert next_revisions({"a@x": same}, {"a@x": old}, later) == {"a@x": (7, old.stamp)}


@pytest.mark.parametrize(
    "stamp",
    [
        "2026112T123456Z",  # a digit short
        "20261125 123456Z",  # no T
        "20261125T123456",  # floating, no Z
        "20261125T1234x6Z",  # not digits
        "20261125Tx23456Z",  # not digits, first of the time
        "20261325T123456Z",  # month 13
        "20261125T246000Z",  # hour 24
    ],
)
def test_a_malformed_previous_stamp_is_replaced_by_the_builds(stamp: str) -> None:
    """An earlier file with a stamp we cannot read keeps its SEQUENCE, and the event gets this build's stamp."""
    old = _revision(f"DTSTAMP:{stamp}\r\nSEQUENCE:3\r\n")
    assert old.stamp is None and old.sequence == 3
    now = datetime(2027, 1, 1, 8, 15, 30, tzinfo=UTC)
    assert next_revisions({"a@x": _revision("")}, {"a@x": old}, now) == {"a@x": (3, now)}


@pytest.mark.parametrize(("sequence", "expected"), [("12", 12), ("-1", 0), ("x", 0), ("", 0)])
def test_an_unreadable_sequence_counts_as_zero(sequence: str, expected: int) -> None:
    """A SEQUENCE that is not a whole number is read as 0, so the next change is SEQUENCE 1."""
    assert _revision(f"SEQUENCE:{sequence}\r\n").sequence == expected


def test_a_changed_event_gets_the_next_sequence_and_the_builds_stamp() -> None:
    """Content that differs (volatile lines aside) raises SEQUENCE by one; new events are not listed."""
    old = _revision("DTSTAMP:20261125T123456Z\r\nSEQUENCE:4\r\nLAST-MODIFIED:20261125T123456Z\r\n")
    changed = event_revisions(b"BEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Email\r\nEND:VEVENT\r\n"
                              b"BEGIN:VEVENT\r\nUID:b@x\r\nEND:VEVENT\r\n")
    now = datetime(2027, 1, 1, tzinfo=UTC)
    assert next_revisions(changed, {"a@x": old}, now) == {"a@x": (5, now)}


@pytest.mark.parametrize(
    "content",
    ["not json", "[]", '{"changed_at": null}', '{"token": "abcdefghijklmnopqrstu", "closed": {"k": "yesterday"}}',
     '{"token": "abcdefghijklmnopqrstu", "feeds": {"all.ics": ["etag"]}}'],
    ids=["not-json", "a-list", "no-token", "bad-time", "bad-feed"],
)
def test_a_corrupt_state_file_is_one_clear_error(tmp_path: Path, content: str) -> None:
    """A damaged state.json stops the build with a message that names it and says what to do."""
    (tmp_path / "state.json").write_text(content, encoding="utf-8")
    with pytest.raises(FeedError) as caught:
        load_state(tmp_path)
    assert caught.value.problems == [f"{tmp_path / 'state.json'}: not a state file this version can read; "
                                     "move it away to start afresh"]


def test_two_interviews_with_one_name_on_one_day_get_feeds_of_their_own(tmp_path: Path) -> None:
    """Two rounds at one company on one day: two feeds, the second named by its start time, no UID shared."""
    text = HEADER + "Acme Corp,2026-12-01 10:00,UTC,pending\r\nAcme Corp,2026-12-01 15:00,UTC,pending\r\n"
    site, _ = build_site(text.encode(), "interviews.csv", Request(zone="UTC", now=STAMP), State(token="t" * 20),
                         tmp_path / "state")
    assert sorted(site.feeds) == ["acme-corp-2026-12-01-1500.ics", "acme-corp-2026-12-01.ics", "all.ics"]
    uids = [set(event_revisions(site.feeds[name].data)) for name in sorted(site.feeds) if name != "all.ics"]
    assert uids[0] and uids[1] and not uids[0] & uids[1]
    combined = {uid for uid in event_revisions(site.feeds["all.ics"].data) if not uid.startswith("search.")}
    assert combined == uids[0] | uids[1]  # and the search's keep-searching stream
    assert [listing.file for listing in site.listings] == ["acme-corp-2026-12-01.ics", "acme-corp-2026-12-01-1500.ics"]


def test_state_times_written_without_an_offset_are_utc(tmp_path: Path) -> None:
    """A state file whose times carry no offset (written by hand or an older version) is read as UTC."""
    saved = {"token": "a-token-of-twenty-chars", "csv_sha256": "ab", "changed_at": "2026-11-25T12:00:00",
             "closed": {"acme": "2026-12-10T07:00:00-05:00"}, "feeds": {"all.ics": ['"e"', "2026-11-25T12:00:00"]}}
    (tmp_path / "state.json").write_text(json.dumps(saved), encoding="utf-8")
    state = load_state(tmp_path)
    assert state.changed_at == STAMP and state.changed_at.utcoffset() == timedelta(0)
    assert state.closed == {"acme": datetime(2026, 12, 10, 12, 0, tzinfo=UTC)}
    assert state.legacy_feeds == {"all.ics": ('"e"', STAMP)}
    assert (state.token, state.csv_sha256) == ("a-token-of-twenty-chars", "ab")


def test_every_bad_row_is_one_line_of_the_error(tmp_path: Path) -> None:
    """A CSV with several bad rows fails with one problem per row, in row order, as one message."""
    text = HEADER + "A,someday,UTC,\r\nB,2026-12-01 14:00,UTC,\r\nC,2026-12-01 14:00,Mars/Base,\r\n"
    with pytest.raises(FeedError) as caught:
        build_site(text.encode(), "in.csv", Request(zone="UTC", now=STAMP), State(token="t" * 20), tmp_path)
    assert [problem.split(": column")[0] for problem in caught.value.problems] == ["in.csv:2", "in.csv:4"]
    assert str(caught.value) == "\n".join(caught.value.problems)
    # what serve and export-site show without --all-errors: the first ones, then a count out of the CSV's rows
    assert caught.value.lines(1) == [caught.value.problems[0],
                                     "... and 1 more bad row (2 of the 3 rows); --all-errors lists them all"]
    assert caught.value.lines(None) == caught.value.lines(2) == caught.value.problems


def test_a_file_digest_is_the_digest_of_its_bytes_read_a_chunk_at_a_time(tmp_path: Path) -> None:
    """serve and export-site tell a changed CSV by file_digest: the same as csv_digest of the whole bytes, for
    a file of several chunks, with or without the run's settings."""
    from followup_ics.edges.feeds import csv_digest, file_digest

    data = b"company,date\r\n" + b"Acme,2026-12-01 14:00\r\n" * 120_000  # 2.8 MB: three chunks of 1 MiB
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    request = Request(zone="UTC", now=STAMP)
    assert file_digest(path, request) == csv_digest(data, request) != csv_digest(data)
    assert file_digest(path) == csv_digest(data) == hashlib.sha256(data).hexdigest()
    assert file_digest(path, request) != csv_digest(data[:-1], request)


@pytest.mark.parametrize(
    ("token", "valid"),
    [("a" * 16, True), ("a" * 15, False), ("Ab-_09" * 4, True), ("a" * 15 + "é", False), ("a" * 15 + "!", False),
     ("a" * 15 + " ", False), ("a" * 15 + "٣", False)],  # the last: a digit, but not an ASCII one
)
def test_tokens_are_sixteen_or_more_url_safe_characters(token: str, valid: bool) -> None:
    """A token kept in the state or given by the user is used only if it is long and URL-safe."""
    assert valid_token(token) is valid


def test_a_new_token_has_24_random_bytes() -> None:
    """New tokens are 32 URL-safe characters (24 random bytes), different every time."""
    tokens = {new_token() for _ in range(20)}
    assert len(tokens) == 20 and all(len(token) == 32 and valid_token(token) for token in tokens)


def test_the_state_survives_a_round_trip_in_a_new_folder(tmp_path: Path) -> None:
    """save_state makes the folder (and its parents) and load_state gives back every field."""
    folder = tmp_path / "a" / "b" / "state"
    state = State(token="a-token-of-twenty-chars", csv_sha256="ab12", changed_at=STAMP,
                  closed={"acme": STAMP + timedelta(days=1)}, build="1-abc")
    umask = os.umask(0o022)  # a usual umask, which would leave a new folder readable by everyone
    try:
        save_state(folder, state)
    finally:
        os.umask(umask)
    # it holds the token: for the user's eyes only, whatever the umask, from the moment it is written
    assert (folder.stat().st_mode & 0o777, (folder / "state.json").stat().st_mode & 0o777) == (0o700, 0o600)
    assert load_state(folder) == state
    fresh = State(token="a-token-of-twenty-chars")  # never built: no time, no build
    save_state(folder, fresh)
    assert load_state(folder) == fresh
    assert load_state(folder, token="another-token-of-20ch").token == "another-token-of-20ch"
    rotated = load_state(folder, rotate=True).token
    assert rotated != state.token and valid_token(rotated)


def test_an_unusable_saved_token_is_replaced(tmp_path: Path) -> None:
    """A state whose token is too short to be safe gets a new one."""
    (tmp_path / "state.json").write_text('{"token": "short"}', encoding="utf-8")
    state = load_state(tmp_path)
    assert state.token != "short" and valid_token(state.token)


def test_revisions_are_read_as_any_calendar_writes_them() -> None:
    """Folded lines (space or tab), lower-case names and parameters are read; lines outside events and
    events without a UID are not; DTSTAMP, SEQUENCE and LAST-MODIFIED never count as content."""
    text = (b"BEGIN:VCALENDAR\r\nUID:calendar-level\r\nBEGIN:VTIMEZONE\r\nDTSTART:19700101T000000\r\nEND:VTIMEZONE\r\n"
            b"BEGIN:VEVENT\r\nuid:a@\r\n x\r\nSUMMARY:Call \r\n\tsomeone\r\ndtstamp;X-A=1:20261125T120102Z\r\n"
            b"sequence:2\r\nLAST-MODIFIED:20261125T120102Z\r\nEND:VEVENT\r\nDESCRIPTION:between events\r\n"
            b"BEGIN:VEVENT\r\nSUMMARY:no uid\r\nEND:VEVENT\r\n"
            b"BEGIN:VEVENT\r\nUID:urn:uuid:\xff1\r\nDTSTAMP;X-A=1;X-B=2:20261125T120102Z\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n")
    assert event_revisions(text) == {
        "a@x": Revision(b"uid:a@x\nSUMMARY:Call someone", 2, datetime(2026, 11, 25, 12, 1, 2, tzinfo=UTC)),
        # a UID with colons and a byte that is not UTF-8 (hand-edited files); no SEQUENCE is 0
        "urn:uuid:\ufffd1": Revision(b"UID:urn:uuid:\xff1", 0, datetime(2026, 11, 25, 12, 1, 2, tzinfo=UTC))}


def test_the_settings_digest_is_the_one_earlier_versions_kept() -> None:
    """A state kept by an earlier version still matches: the digest of the default settings is unchanged
    (settings' Hours became a NamedTuple and must still be written as the dataclass it was)."""
    from followup_ics.edges.feeds import csv_digest

    request = Request(zone="Europe/Berlin", now=datetime(2026, 1, 1))
    assert csv_digest(b"company,date", request) == "1594630f20b7419546840e6b5f54d2a27974831b1359bb976eae925399a484f4"


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        # a link planted where the state folder goes: whoever owns its target chooses the token
        (lambda state, target: state.symlink_to(target, target_is_directory=True),
         "state: is a symbolic link; the state must be a plain folder and files"),
        # no state.json yet (a first start that stopped), but a builds/ folder anyone may write to
        (lambda state, target: (state / "builds").mkdir(mode=0o777, parents=True) or (state / "builds").chmod(0o777),
         "builds: other users may write to it (mode 0777); the state folder holds the secret token: remove it or "
         "choose another with --state"),
        # a folder another user made (root only: chown)
        (lambda state, target: state.mkdir(mode=0o700) or os.chown(state, 65534, 65534),
         "state: owned by another user (uid 65534); the state folder holds the secret token and must be yours "
         "alone: remove it or choose another with --state"),
    ],
    ids=["symlinked-folder", "shared-builds", "foreign-folder"],
)
def test_a_state_folder_others_can_steer_is_refused_before_anything_is_read(tmp_path: Path, prepare: object,
                                                                            message: str) -> None:
    """The state's folder and each of its entries are checked, even the ones after an entry not made yet."""
    if "owned" in message and os.getuid() != 0:
        pytest.skip("changing a folder's owner needs root")
    state, target = tmp_path / "state", tmp_path / "elsewhere"
    target.mkdir()
    prepare(state, target)  # type: ignore[operator]
    with pytest.raises(FeedError, match=re.escape(message) + "$"):
        load_state(state)


def test_a_state_file_left_readable_by_an_earlier_version_is_made_private_on_reading(tmp_path: Path) -> None:
    """state.json at 0644 (an earlier version, or a copy): reading the state makes it 0600, not 0700."""
    save_state(tmp_path, State(token="a-token-of-twenty-chars"))
    (tmp_path / "state.json").chmod(0o644)
    assert load_state(tmp_path).token == "a-token-of-twenty-chars"
    assert (tmp_path / "state.json").stat().st_mode & 0o777 == 0o600


def test_the_settings_digest_tells_apart_plan_files_that_differ_only_in_a_set_of_days() -> None:
    """Two plan files that differ only in their extra working days are other settings: a new build."""
    from datetime import date

    from followup_ics.edges.feeds import csv_digest

    request = Request(zone="UTC", now=STAMP)

    def working(*days: date) -> Request:
        workdays = request.settings.workdays._replace(extra_working=frozenset(days))
        return request._replace(settings=request.settings._replace(workdays=workdays))

    one, other = working(date(2026, 12, 5)), working(date(2026, 12, 12))
    assert csv_digest(b"x", one) != csv_digest(b"x", other)
    assert csv_digest(b"x", one) == csv_digest(b"x", working(date(2026, 12, 5)))
