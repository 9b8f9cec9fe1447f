"""The keep-searching stream: one per candidate (a coach's spreadsheet holds one search per person), planned from
that candidate's applications only, with UIDs of its own; handed on after the candidate's last row, so that
a huge file holds only the streams of the candidates being planned. Batch, feeds and push all take them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from support import STAMP

from followup_ics.app.config import Request
from followup_ics.app.roster import Roster, RowError
from followup_ics.core.records import Schedule
from followup_ics.edges.batch import run_batch
from followup_ics.edges.feeds import State, build_site
from followup_ics.edges.push import plan_csv
from followup_ics.edges.spreadsheet import read_text
from followup_ics.ical.revisions import event_revisions

HEADER = "company,date,timezone,me\r\n"
DANA = "Acme,2026-12-01 10:00,UTC,Dana Diaz\r\nBeta,2026-12-02 10:00,UTC,Dana Diaz\r\n"
SAM = "Gamma,2026-12-01 11:00,UTC,Sam Lee\r\n"
REQUEST = Request(zone="UTC", now=STAMP)


def _streams(text: str) -> list[Schedule]:
    roster = Roster(lambda: read_text(text)[1], REQUEST)
    assert not roster.errors
    for _ in roster.plans():
        pass
    return list(roster.streams())


def _waiting_on(stream: Schedule) -> set[str]:
    return {company for worded in stream.steps for company in worded.step.companies}


def _ids(stream: Schedule) -> set[str]:
    return {re.sub(r"\.keep-searching-\d{8}$", "", worded.step.key) for worded in stream.steps} | {
        stream.interview.interview_id}


def test_a_coachs_file_has_one_stream_per_candidate_naming_only_their_companies() -> None:
    dana, sam = _streams(HEADER + DANA + SAM)
    assert _waiting_on(dana) == {"Acme", "Beta"} and _waiting_on(sam) == {"Gamma"}
    assert all("Gamma" not in worded.summary for worded in dana.steps)
    assert dana.interview.interview_id != sam.interview.interview_id


def test_a_candidates_stream_ids_are_their_own_and_stable() -> None:
    """Derived from the candidate's name: another candidate renamed, added or moved changes nothing of them."""
    dana = _streams(HEADER + DANA + SAM)[0].interview
    assert _streams(HEADER + DANA + SAM.replace("Sam Lee", "Kim Park"))[0].interview == dana
    assert _streams(HEADER + SAM + DANA + SAM.replace("Sam Lee", "Ola Nord"))[1].interview == dana
    assert dana.interview_id == "search dana diaz"  # (interview_key makes it search-dana-diaz-<digest>)


def _streams_for(text: str, request: Request) -> list[Schedule]:
    roster = Roster(lambda: read_text(text)[1], request)
    assert not roster.errors
    for _ in roster.plans():
        pass
    return list(roster.streams())


@pytest.mark.parametrize(("me", "run_me"), [
    ("", ""),  # no name anywhere: the file is about the run's own person
    ("", "Dana Diaz"),
    ("Dana Diaz", "Dana Diaz"),  # the rows name the run's own person
    ("dana  DIAZ", "Dana Diaz"),  # as names are told apart: spaces and case do not count
])
def test_the_runs_own_persons_stream_keeps_the_search_uids(me: str, run_me: str) -> None:
    """The run's own person (no `me`, or the one --me gives): one stream, UIDs search.keep-searching-YYYYMMDD."""
    (stream,) = _streams_for(HEADER + DANA.replace("Dana Diaz", me), REQUEST._replace(me=run_me))
    assert stream.interview.interview_id == "search"
    assert _waiting_on(stream) == {"Acme", "Beta"}


def test_rows_without_a_me_and_rows_naming_the_runs_person_are_one_search() -> None:
    """One person, one stream: never two reminders at one minute because some rows leave `me` empty."""
    (stream,) = _streams_for(HEADER + DANA.replace("Dana Diaz", "", 1), REQUEST._replace(me="Dana Diaz"))
    assert _waiting_on(stream) == {"Acme", "Beta"}


def test_a_persons_stream_uids_do_not_depend_on_who_else_is_in_the_file() -> None:
    """Dana alone or beside Sam: her stream keeps its UIDs (a coach adding a candidate moves no one else's)."""
    (alone,) = _streams(HEADER + DANA)
    assert alone.interview == _streams(HEADER + DANA + SAM)[0].interview
    assert alone.interview.interview_id == "search dana diaz"


def test_a_candidates_stream_is_in_their_zone_language_and_working_days() -> None:
    """Anke's first row is in Berlin, in German, in Saxony: her stream's reminders are at 09:00 Berlin time, in
    German, and pass over Reformation Day (Friday 31 October 2025, a holiday in Saxony only)."""
    header = "company,date,timezone,me,language,country,region\r\n"
    anke = "Acme,2025-10-30 14:00,Europe/Berlin,Anke Weber,de,DE,SN\r\n"
    (stream,) = _streams_for(header + anke + SAM.replace("\r\n", ",,,\r\n"), REQUEST)[:1]
    first = stream.steps[0].step.start
    assert stream.interview.zone == "Europe/Berlin" and f"{first:%Y-%m-%d %H:%M %Z}" == "2025-11-03 09:00 CET"
    assert stream.steps[0].summary.startswith("Weiter bewerben")  # not "Keep your job search going"


def test_a_stream_is_handed_on_after_its_candidates_last_row_not_at_the_end() -> None:
    """Flat memory: the roster holds a stream only while its candidate's rows are planned."""
    roster = Roster(lambda: read_text(HEADER + DANA + SAM)[1], REQUEST)
    found = []
    for item in roster.plans():
        assert not isinstance(item, RowError)
        taken = roster.streams(item[0].row.number)
        found.append((item[0].interview.company, [stream.interview.interview_id for stream in taken]))
    assert found == [("Acme", []), ("Beta", ["search dana diaz"]), ("Gamma", ["search sam lee"])]
    assert list(roster.streams()) == []


def test_a_stream_is_placed_on_its_candidates_calendar() -> None:
    """Dana's interview at 09:00 holds that minute on her calendar: her stream's first reminder (the next
    working day at 09:00) moves after it; Sam's, on his own calendar, stays at 09:00."""
    dana, sam = _streams(HEADER + DANA.replace("2026-12-02 10:00", "2026-12-02 09:00") + SAM)
    assert [f"{stream.steps[0].step.start:%Y-%m-%d %H:%M}" for stream in (dana, sam)] == [
        "2026-12-02 10:00", "2026-12-02 09:00"]


def _all_ics(out: Path) -> list[str]:
    return list(event_revisions((out / "all.ics").read_bytes()))


def test_batch_writes_each_stream_after_its_candidates_rows(tmp_path: Path) -> None:
    run_batch(_csv(tmp_path, HEADER + DANA + SAM), tmp_path / "out", REQUEST)
    uids = _all_ics(tmp_path / "out")
    kinds = [uid.split(".")[0].rsplit("-", 1)[0] if "keep-searching" in uid else uid.split("-")[0] for uid in uids]
    runs = [kind for n, kind in enumerate(kinds) if not n or kinds[n - 1] != kind]
    assert runs == ["acme", "beta", "search-dana-diaz", "gamma", "search-sam-lee"]


def test_a_rerun_keeps_each_streams_sequence_and_stamp(tmp_path: Path) -> None:
    source, out = _csv(tmp_path, HEADER + DANA + SAM), tmp_path / "out"
    run_batch(source, out, REQUEST)
    first = _stream_events(out)
    assert first and {sequence for sequence, _ in first.values()} == {0}
    later = STAMP + timedelta(days=1)
    run_batch(source, out, Request(zone="UTC", now=later))
    assert _stream_events(out) == first  # unchanged: stamped as before, not at the later clock
    source.write_text(HEADER + DANA + "Delta,2026-12-03 10:00,UTC,Dana Diaz\r\n" + SAM, encoding="utf-8")
    run_batch(source, out, Request(zone="UTC", now=later + timedelta(days=1)))
    changed = {uid: kept for uid, kept in _stream_events(out).items() if kept != first.get(uid)}
    assert changed and all(uid.startswith("search-dana-diaz-") for uid in changed)  # Sam's stream kept as it was
    assert any(kept[0] == 1 for kept in changed.values())


def _stream_events(out: Path) -> dict[str, tuple[int, str]]:
    text = (out / "all.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    found = {}
    for event in text.split("BEGIN:VEVENT")[1:]:
        uid = re.search(r"UID:(\S+)", event)
        if uid and "keep-searching" in uid.group(1):
            sequence = re.search(r"SEQUENCE:(\d+)", event)
            found[uid.group(1)] = (int(sequence.group(1)) if sequence else 0, re.search(r"DTSTAMP:(\S+)", event)[1])
    return found


def test_a_coachs_feed_has_one_stream_per_candidate(tmp_path: Path) -> None:
    site, _ = build_site((HEADER + DANA + SAM).encode(), "interviews.csv", REQUEST, State(token="t" * 20),
                         tmp_path / "state")
    streams = {uid.split(".")[0].rsplit("-", 1)[0] for uid in event_revisions(site.feeds["all.ics"].data)
               if "keep-searching" in uid}
    assert streams == {"search-dana-diaz", "search-sam-lee"}
    assert not [name for name, feed in site.feeds.items() if name != "all.ics" and b"keep-searching" in feed.data]


def test_push_plans_one_stream_per_candidate(tmp_path: Path) -> None:
    schedules, _ = plan_csv(_csv(tmp_path, HEADER + DANA + SAM), REQUEST, {})
    streams = [schedule for schedule in schedules if schedule.interview.interview_id.startswith("search")]
    assert [_waiting_on(stream) for stream in streams] == [{"Acme", "Beta"}, {"Gamma"}]


def _csv(folder: Path, text: str) -> Path:
    path = folder / "interviews.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_stream_passes_over_the_months_between_applications_and_misses_no_week() -> None:
    """Applications a year apart: four weekly reminders after each, none between, the first of the second run
    on the first week that the second application is waited on (the weeks between are jumped over)."""
    (stream,) = _streams(HEADER + "Acme,2026-01-05 10:00,UTC,\r\nBeta,2027-01-04 10:00,UTC,\r\n")
    assert [f"{worded.step.start:%Y-%m-%d}" for worded in stream.steps] == [
        "2026-01-06", "2026-01-13", "2026-01-20", "2026-01-27", "2027-01-05", "2027-01-12", "2027-01-19",
        "2027-01-26"]


def test_a_rerun_where_only_named_people_are_left_keeps_all_ics(tmp_path: Path) -> None:
    """The first run's all.ics was listed through the run's own person's stream; the second run has none (only
    Dana and Sam): all.ics is still written, never removed as a file no longer produced."""
    source, out = _csv(tmp_path, HEADER + DANA.replace("Dana Diaz", "")), tmp_path / "out"
    run_batch(source, out, REQUEST)
    source.write_text(HEADER + DANA + SAM, encoding="utf-8")
    report = run_batch(source, out, REQUEST)
    assert "all.ics" not in report.removed and (out / "all.ics").is_file()
    assert {uid.split(".")[0].rsplit("-", 1)[0] for uid in _all_ics(out) if "keep-searching" in uid} == {
        "search-dana-diaz", "search-sam-lee"}
