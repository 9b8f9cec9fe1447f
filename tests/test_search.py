"""A search, not a list of interviews: rounds, offers and outcomes planned together (core/search.py).

Golden files: each `golden/search/NAME.csv` is a spreadsheet, `NAME.ics` the exact all.ics `batch` writes for it
(UPDATE_GOLDEN=1 regenerates them; review the diff). Properties: random rosters keep the search's rules.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import pytz
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from followup_ics.app.config import Request
from followup_ics.app.roster import Roster, RowError
from followup_ics.cli import cli
from followup_ics.core.records import Schedule, Step
from followup_ics.core.search import _TIME_ORDER, _in_time_order
from followup_ics.edges.spreadsheet import read_text

GOLDEN = Path(__file__).parent / "golden" / "search"
CASES = sorted(GOLDEN.glob("*.csv"))
STAMP = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _zone(source: Path) -> str:
    return next(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"))))["timezone"]


def _batch(source: Path, out: Path, *extra: str) -> bytes:
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--tz", _zone(source), "-q", *extra])
    assert result.exit_code == 0, result.output
    return (out / "all.ics").read_bytes()


def _steps(data: bytes) -> dict[str, str]:
    """'<file stem>.<step key>' -> local start '2026-12-01 10:00 Tue' for every event of a calendar (sortable)."""
    found = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        found[str(event["UID"]).split("@")[0]] = event.decoded("DTSTART").strftime("%Y-%m-%d %H:%M %a")
    return found


@pytest.mark.parametrize("source", CASES, ids=[case.stem for case in CASES])
def test_search_matches_its_golden_file(source: Path, tmp_path: Path) -> None:
    """batch writes exactly the committed all.ics for each story (DTSTAMP fixed by SOURCE_DATE_EPOCH)."""
    data = _batch(source, tmp_path / "out")
    expected = source.with_suffix(".ics")
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_bytes(data)
    assert data == expected.read_bytes()


def test_two_rounds_share_one_story(tmp_path: Path) -> None:
    """The second round replaces the first round's pending call and checks; references are briefed once."""
    steps = _steps(_batch(GOLDEN / "two_rounds_at_one_company.csv", tmp_path))
    first, second = "acme-corp-2026-12-01", "acme-corp-2026-12-08"
    # the first round's call would have been at the second interview's very minute
    assert f"{first}.follow-up-call" not in steps and not any(k.startswith(f"{first}.status-check") for k in steps)
    assert steps[f"{second}.follow-up-call"] == "2026-12-15 10:00 Tue"
    assert f"{first}.brief-references" in steps and f"{second}.brief-references" not in steps
    assert f"{first}.thank-you" in steps and f"{second}.thank-you" in steps
    assert len(set(steps.values())) == len(steps), "two steps at one minute"


def test_an_offer_reaches_every_other_open_application(tmp_path: Path) -> None:
    """Beta's offer (arrived Wed 9 Dec 11:00, due Fri 18 Dec 17:00): answer it the day before, and tell Acme
    and Gamma soon after it arrived; their checks after the deadline give way to one decide step."""
    steps = _steps(_batch(GOLDEN / "offer_while_others_pending.csv", tmp_path))
    assert steps["beta-labs-2026-12-02.answer-offer"] == "2026-12-17 10:00 Thu"
    for other in ("acme-corp-2026-12-01", "gamma-inc-2026-12-03"):
        told = steps[f"{other}.competing-offer"]
        assert "2026-12-09 11:00 Wed" <= told < "2026-12-18 17:00 Fri"
        assert f"{other}.decide" in steps and steps[f"{other}.decide"] >= "2026-12-18 17:00 Fri"
        assert not [k for k, v in steps.items() if k.startswith(f"{other}.status-check") and v >= "2026-12-18"]
    # Beta's own waiting steps end when its offer arrives
    assert not [k for k, v in steps.items() if k.startswith("beta-labs-2026-12-02.status-check")]


def test_a_rejection_on_the_interview_day_drops_the_thank_you_note(tmp_path: Path) -> None:
    """Told no at the end of the interview: no thank-you, no briefing, a keep-in-touch note the next business day."""
    steps = _steps(_batch(GOLDEN / "rejected_on_the_interview_day.csv", tmp_path))
    assert set(steps) == {"initech-2026-12-01.interview", "initech-2026-12-01.keep-in-touch"}
    assert steps["initech-2026-12-01.keep-in-touch"] == "2026-12-02 10:00 Wed"


def test_when_an_offer_deadline_passes_the_checks_give_way_to_a_decision(tmp_path: Path) -> None:
    """Acme has not answered by Beta's deadline (Fri 11 Dec 12:00): one decide step, no checks after it."""
    steps = _steps(_batch(GOLDEN / "offer_deadline_passes.csv", tmp_path))
    assert steps["acme-corp-2026-12-01.decide"] == "2026-12-11 12:00 Fri"
    assert not [k for k, v in steps.items() if k.startswith("acme-corp-2026-12-01.status-check")]
    assert steps["acme-corp-2026-12-01.follow-up-call"] == "2026-12-08 10:00 Tue"


def test_accepting_an_offer_closes_the_others_with_a_polite_withdrawal(tmp_path: Path) -> None:
    """Beta accepted Thu 10 Dec 16:00: Acme and Gamma (whose offer is still open) get a withdrawal, nothing after."""
    steps = _steps(_batch(GOLDEN / "accepted_with_others_pending.csv", tmp_path))
    assert steps["acme-corp-2026-12-01.withdraw"] == "2026-12-10 16:00 Thu"
    assert steps["gamma-inc-2026-12-03.withdraw"] == "2026-12-10 16:15 Thu"  # staggered: one minute, one step
    assert "gamma-inc-2026-12-03.answer-offer" not in steps  # answering it is the withdrawal
    waiting = ("follow-up-call", "status-check", "decide", "competing-offer", "brief-references")
    for key, start in steps.items():
        if key.split(".")[1].startswith(waiting) and not key.startswith("beta"):
            assert start < "2026-12-10 16:00 Thu", key
    assert not [key for key, start in steps.items() if key.startswith("search.") and start > "2026-12-10"]


@pytest.mark.parametrize(("content", "message"), [
    # an offer is only useful with its deadline
    ("A,2026-12-01 10:00,offer,2026-12-05,,", ":2: column 'offer_deadline': an offer needs its deadline"),
    # a deadline the offer never had time for
    ("A,2026-12-01 10:00,offer,2026-12-05,2026-12-04,", ":2: column 'offer_deadline': must be after the offer"),
    # one id, two companies: which application is it?
    ("A,2026-12-01 10:00,,,,x1\r\nB,2026-12-02 10:00,,,,x1", ":3: column 'id': same id as row 2, which names another"),
])
def test_bad_applications_are_one_line_and_nothing_is_written(content: str, message: str, tmp_path: Path) -> None:
    """Each names the row and the column; no file is written."""
    source = tmp_path / "in.csv"
    source.write_text("company,date,status,outcome_date,offer_deadline,id\r\n" + content + "\r\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out"), "--tz", "UTC"])
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_rounds_with_one_id_keep_their_files_and_uids(tmp_path: Path) -> None:
    """Rows sharing an id are rounds: the first keeps the id's name, the next ones '-2', '-3' in row order."""
    source = tmp_path / "in.csv"
    source.write_text("company,date,id\r\nAcme,2026-12-01 10:00,acme\r\nAcme,2026-12-08 10:00,acme\r\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out"), "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.ics")) == ["acme-2.ics", "acme.ics", "all.ics"]


def test_an_undated_outcome_keeps_the_day_it_was_first_seen(tmp_path: Path) -> None:
    """A rejection without a date, seen on 10 Dec, is still dated 10 Dec when batch runs again on 20 Dec."""
    source = tmp_path / "in.csv"
    source.write_text("company,date,status\r\nAcme,2026-12-01 10:00,rejected\r\n", encoding="utf-8")
    out = tmp_path / "out"

    def run(day: datetime) -> bytes:
        env = {"SOURCE_DATE_EPOCH": str(int(day.timestamp()))}
        result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--tz", "UTC"], env=env)
        assert result.exit_code == 0, result.output
        return (out / "acme-2026-12-01.ics").read_bytes()

    first = run(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    assert _steps(first)["acme-2026-12-01.keep-in-touch"] == "2026-12-11 10:00 Fri"
    assert run(datetime(2026, 12, 20, 12, 0, tzinfo=UTC)) == first


# Properties over random rosters -------------------------------------------------------------------------------

ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC")


@st.composite
def rosters(draw: st.DrawFn) -> str:
    """1-6 applications of 1-3 rounds, with random outcomes and offers, as a CSV; interviews never share a minute
    (not even in different zones: that is the user's own clash)."""
    from followup_ics.core.zones import tzinfo

    rows = ["company,date,timezone,role,status,outcome_date,offer_deadline"]
    used: set[datetime] = set()
    for number in range(draw(st.integers(1, 6))):
        zone = draw(st.sampled_from(ZONES))
        start = datetime(2026, 11, 30, 9) + timedelta(days=draw(st.integers(0, 20)),
                                                      minutes=30 * draw(st.integers(0, 16)))
        rounds = []
        for _ in range(draw(st.integers(1, 3))):
            while tzinfo(zone).localize(start).astimezone(UTC) in used:
                start += timedelta(minutes=30)
            used.add(tzinfo(zone).localize(start).astimezone(UTC))
            rounds.append(start)
            start += timedelta(days=draw(st.integers(1, 10)))
        status = draw(st.sampled_from(["pending", "pending", "offer", "rejected", "withdrawn", "accepted"]))
        outcome = rounds[-1] + timedelta(hours=draw(st.integers(2, 24 * 20)))
        deadline = outcome + timedelta(hours=draw(st.integers(24, 24 * 14)))
        for index, moment in enumerate(rounds):
            last = index == len(rounds) - 1
            rows.append(",".join([
                f"Company {number}", f"{moment:%Y-%m-%d %H:%M}", zone, "Engineer",
                status if last else "pending",
                f"{outcome:%Y-%m-%d %H:%M}" if last and status != "pending" else "",
                f"{deadline:%Y-%m-%d %H:%M}" if last and status == "offer" else "",
            ]))
    return "\r\n".join(rows) + "\r\n"


def _plan(text: str, now: datetime = STAMP) -> tuple[list[Schedule], Schedule | None]:
    roster = Roster(lambda: read_text(text)[1], Request(zone="Europe/Berlin", now=now))
    assert not roster.errors, roster.errors
    schedules = [result[1] for result in roster.schedules() if not isinstance(result, RowError)]
    streams = list(roster.streams())
    assert len(streams) <= 1  # one person's search: one stream
    return schedules, (streams[0] if streams else None)


def _offers(text: str) -> list[tuple[str, datetime, datetime]]:
    """(company, arrived, deadline) of each offer, read from the CSV as the user wrote it."""
    from followup_ics.core.zones import tzinfo

    found = []
    for row in csv.DictReader(io.StringIO(text)):
        if row["status"] == "offer":
            zone = tzinfo(row["timezone"])
            read = [zone.localize(datetime.fromisoformat(row[key])) for key in ("outcome_date", "offer_deadline")]
            found.append((row["company"], read[0], read[1]))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=rosters())
# An offer at 15:30 on a Friday, due Saturday: three "tell them" steps fill business hours, so the third
# moves to the evening rather than share 16:30 with the first.
@example(text="company,date,timezone,role,status,outcome_date,offer_deadline\r\n"
              "Company 0,2026-11-30 09:00,America/New_York,Engineer,pending,,\r\n"
              "Company 1,2026-11-30 09:30,America/New_York,Engineer,pending,,\r\n"
              "Company 2,2026-11-30 10:00,America/New_York,Engineer,pending,,\r\n"
              "Company 3,2026-11-30 13:30,America/New_York,Engineer,pending,,\r\n"
              "Company 3,2026-12-04 13:30,America/New_York,Engineer,offer,2026-12-04 15:30,2026-12-05 15:30\r\n")
# A second round at 11:00 the day an offer is due (13:30): its thank-you note and "tell them about your offer"
# were both planned at 13:00; the step due first is placed first and keeps 13:00, the note moves to 13:15
# (placed the other way round, the offer step had no minute left before its deadline and shared one).
@example(text="company,date,timezone,role,status,outcome_date,offer_deadline\r\n"
              "Company 0,2026-11-30 09:00,America/New_York,Engineer,pending,,\r\n"
              "Company 1,2026-12-19 13:30,America/New_York,Engineer,offer,2026-12-19 15:30,2026-12-23 13:30\r\n"
              "Company 2,2026-12-13 11:00,America/New_York,Engineer,pending,,\r\n"
              "Company 2,2026-12-23 11:00,America/New_York,Engineer,pending,,\r\n")
def test_random_rosters_keep_the_search_rules(text: str) -> None:
    """No two steps at one minute; follow-up calls within 7 days of their round; every 'tell them about your offer'
    after the offer arrived and before its deadline; keep-searching at most once a day."""
    schedules, stream = _plan(text)
    every = [step for schedule in schedules for step in schedule.steps] + list(stream.steps if stream else ())
    minutes = [step.start.astimezone(UTC).replace(second=0) for step in every]
    assert len(minutes) == len(set(minutes)), "two steps start at the same minute"
    for schedule in schedules:
        for step in schedule.steps:
            if step.step_id == "follow-up-call":
                assert timedelta(0) < step.start - schedule.interview.start <= timedelta(days=7, hours=12)
    offers = {company: (arrived, deadline) for company, arrived, deadline in _offers(text)}
    for schedule in schedules:
        for step in schedule.steps:
            if step.step_id == "competing-offer":
                arrived, deadline = offers[step.step.companies[0]]
                assert arrived <= step.start and step.end <= deadline
    days = [step.start.date() for step in (stream.steps if stream else ())]
    assert len(days) == len(set(days))


def test_steps_made_positionally_hold_each_value_in_its_own_field() -> None:
    """Status checks and keep-searching reminders are made with Step's fields by position (cheaper than by
    keyword): each value lands in the field it is meant for."""
    from followup_ics.core.records import Move

    text = ("company,date,timezone,status\r\n"
            "Acme,2026-12-01 14:00,Europe/Berlin,pending\r\nGlobex,2026-12-03 10:00,Europe/Berlin,pending\r\n")
    schedules, stream = _plan(text)
    checks = [worded.step for schedule in schedules for worded in schedule.steps if worded.step_id == "status-check"]
    assert checks and {check.total for check in checks} == {4}
    for check in checks:
        assert 1 <= check.index <= 4 and check.channel == ("email", "phone")[(check.index - 1) % 2]
        assert (check.deadline, check.blocks_time, check.companies) == (None, False, ())
        assert check.moved is None or isinstance(check.moved, Move)
    assert stream is not None
    for worded in stream.steps:
        step = worded.step
        assert step.index == int(step.start.strftime("%Y%m%d")) and (step.total, step.channel) == (0, "")
        assert (step.deadline, step.blocks_time, step.moved) == (None, False, None)
        assert set(step.companies) <= {"Acme", "Globex"} and step.companies


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=rosters())
def test_no_waiting_step_after_an_application_is_decided(text: str) -> None:
    """Calls, checks, briefings and 'decide' never come after the application's own recorded outcome."""
    schedules, _ = _plan(text)
    outcomes = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["outcome_date"]:
            from followup_ics.core.zones import tzinfo

            outcomes[row["company"]] = tzinfo(row["timezone"]).localize(datetime.fromisoformat(row["outcome_date"]))
    waiting = {"follow-up-call", "status-check", "brief-references", "decide", "competing-offer"}
    for schedule in schedules:
        decided = outcomes.get(schedule.interview.company)
        if decided is None:
            continue
        after = max(decided, schedule.interview.end)
        late = [s.key for s in schedule.steps if s.step_id in waiting and s.start >= after]
        assert not late


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=rosters(), later=st.integers(1, 90))
def test_replanning_later_changes_nothing_once_outcomes_are_dated(text: str, later: int) -> None:
    """Every outcome here carries its date, so a later clock plans the same steps at the same times."""
    def times(now: datetime) -> list[tuple[str, str, datetime]]:
        schedules, stream = _plan(text, now)
        found = [(s.interview.company, step.key, step.start) for s in schedules for step in s.steps]
        return found + [("search", step.key, step.start) for step in (stream.steps if stream else ())]

    assert times(STAMP) == times(STAMP + timedelta(days=later))


def test_a_round_later_that_day_replaces_the_call_before_it(tmp_path: Path) -> None:
    """Round one's call would be at 10:00 on the day of round two at 11:00: the call gives way to the round."""
    source = tmp_path / "in.csv"
    source.write_text("company,date,timezone,role\r\n"
                      "Acme,2026-12-01 10:00,UTC,Dev\r\nAcme,2026-12-08 11:00,UTC,Dev\r\n", encoding="utf-8")
    steps = _steps(_batch(source, tmp_path / "out"))
    assert "acme-2026-12-01.follow-up-call" not in steps
    assert steps["acme-2026-12-08.follow-up-call"] == "2026-12-15 10:00 Tue"


def test_one_candidates_offer_never_reaches_another_candidates_applications(tmp_path: Path) -> None:
    """A coach's spreadsheet: Dana accepts Beta; Sam, interviewing at Acme, is told nothing and withdraws from
    nothing, while Dana's own Acme application gets its withdrawal."""
    source = tmp_path / "in.csv"
    source.write_text("company,date,timezone,role,me,status,outcome_date\r\n"
                      "Acme,2026-12-01 10:00,UTC,Dev,Dana Diaz,,\r\n"
                      "Beta,2026-12-02 10:00,UTC,Dev,Dana Diaz,accepted,2026-12-09 12:00\r\n"
                      "Acme,2026-12-01 11:00,UTC,Dev,Sam Lee,,\r\n", encoding="utf-8")
    steps = _steps(_batch(source, tmp_path / "out"))
    assert "acme-2026-12-01.withdraw" in steps
    sams = [key for key in steps if key.startswith("acme-2026-12-01-1100.")]
    assert sams and not [key for key in sams if key.split(".")[1] in ("withdraw", "competing-offer")]
    assert any(key.startswith("acme-2026-12-01-1100.status-check") for key in sams)  # Sam keeps waiting


def _spilled(text: str, spill_after: int) -> tuple[list[Schedule], list[Schedule], dict[str, datetime]]:
    """_plan with the roster's tables (the applications' facts, each candidate's last row) moved to disk
    after ``spill_after`` entries, with the dates first seen that it keeps."""
    from followup_ics.app import roster

    kept = roster.SPILL_AFTER, roster.APPLICATIONS_IN_MEMORY, roster._BATCH, roster.STEMS_IN_MEMORY
    in_memory = spill_after if spill_after < 10_000 else 1 << 30  # bytes of rows kept: a few means all on disk
    roster.SPILL_AFTER, roster.APPLICATIONS_IN_MEMORY, roster._BATCH, roster.STEMS_IN_MEMORY = (
        spill_after, spill_after, 2, in_memory)
    try:
        plan = Roster(lambda: read_text(text)[1], Request(zone="Europe/Berlin", now=STAMP))
        schedules = [result[1] for result in plan.schedules() if not isinstance(result, RowError)]
        return schedules, list(plan.streams()), plan.first_seen_dates()
    finally:
        roster.SPILL_AFTER, roster.APPLICATIONS_IN_MEMORY, roster._BATCH, roster.STEMS_IN_MEMORY = kept


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=rosters(), spill_after=st.integers(1, 6), people=st.integers(1, 3))
def test_a_roster_plans_the_same_when_its_facts_spill_to_disk(text: str, spill_after: int, people: int) -> None:
    """A huge file's applications live in a temporary file: offers, acceptances, rounds and the stream are
    planned the same as in memory, for one person's search or several people's (rows interleaved)."""
    lines = text.splitlines()
    text = "\r\n".join([lines[0] + ",me", *(f"{line},Person {n % people}" for n, line in enumerate(lines[1:]))])
    assert _spilled(text + "\r\n", spill_after) == _spilled(text + "\r\n", 10_000)


def test_the_file_is_read_once_and_a_change_after_that_changes_no_plan() -> None:
    """The first pass keeps what it made of each row for the second: the file is not read again, so a file
    changed (or gone) once the first pass read it plans as it was read."""
    text = "company,date,notes\r\nAcme,2026-12-01 10:00,Bring portfolio\r\nBeta,2026-12-02 10:00,\r\n"
    texts = iter([text, "company,date\r\nGamma,2026-12-03 10:00\r\n"])
    roster = Roster(lambda: read_text(next(texts))[1], Request(zone="UTC", now=STAMP))
    again = Roster(lambda: read_text(text)[1], Request(zone="UTC", now=STAMP))
    assert list(roster.schedules()) == list(again.schedules())
    assert next(texts)  # the second text was never read


_ROW_CELLS = {  # valid values mostly (a bad row never reaches the second pass), some giving notices
    "date": ["2026-12-01 10:00", "2026-03-29 02:30", "2026-10-25 02:30", "Dec 3 2026 4pm"],
    "timezone": ["", "Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"],
    "duration": ["", "45", "1h30"],
    "status": ["", "", "offer", "rejected", "accepted"],
    "outcome_date": ["", "", "2026-12-05", "2026-12-04 09:00"],
    "offer_deadline": ["", "2026-12-20", "2026-12-22 17:00"],
    "offer_arrived": ["", "", "2026-12-02"],
    "country": ["", "", "US", "DE", "none"],
    "region": ["", "", "", "CA"],
    "language": ["", "de", "fr"],
    "interviewer": ["", "Ana Diaz <ana@x.com>"],
    "notes": ["", "one\rtwo\r\nthree "],
    "id": ["", "round-1"],
}


@settings(max_examples=150, deadline=None)
@given(cells=st.fixed_dictionaries({name: st.sampled_from(values) for name, values in _ROW_CELLS.items()}),
       bad=st.booleans(), batch=st.integers(1, 3), in_memory=st.sampled_from([1, 1 << 30]))
def test_stems_give_back_each_row_as_the_first_pass_identified_it(cells: dict[str, str], bad: bool, batch: int,
                                                                  in_memory: int) -> None:
    """The second pass plans what Stems give back instead of the file's rows: the same Identified (row, interview,
    stem, notices, application), each datetime with its very tzinfo (an outcome dated at the end of an interview
    across a change of offset keeps its start's), and None in a bad row's place; in memory or on disk."""
    from followup_ics.app import roster
    from followup_ics.app.roster import Naming, Spill, Stems, identify

    header = "company," + ",".join(cells)
    lines = [",".join(["Acme", *(f'"{cell}"' for cell in cells.values())]),
             ",".join(["Beta", *(f'"{cell}"' for cell in cells.values())]),
             # Berlin's clocks go forward at 02:00 that day: its end keeps its start's offset (CET)
             ",".join(["Gamma", *(f'"{cells[name]}"' if name not in _ACROSS else f'"{_ACROSS[name]}"'
                                  for name in cells)])]
    if bad:
        lines.insert(1, "Delta,not a date" + "," * (len(cells) - 1))
    _, rows = read_text(f"{header}\r\n" + "\r\n".join(lines) + "\r\n")
    request = Request(zone="Europe/Berlin", now=STAMP)
    naming = Naming()
    items = [row if isinstance(row, RowError) else identify(row, request, naming) for row in rows]
    kept = roster._BATCH, roster.STEMS_IN_MEMORY
    roster._BATCH, roster.STEMS_IN_MEMORY = batch, in_memory
    try:
        stems = Stems(Spill())
        for item in items:
            stems.add(item)
        back = list(stems)
    finally:
        roster._BATCH, roster.STEMS_IN_MEMORY = kept
    assert back == [None if isinstance(item, RowError) else item for item in items]
    for item, again in zip(items, back, strict=True):
        if again is not None and not isinstance(item, RowError):
            # each object of its own class (a tuple of the same values would compare equal), its status the member
            assert [type(part) for part in (again, again.row, again.row.raw, again.interview,
                                            again.interview.contact, *again.interview.interviewers)] == [
                type(part) for part in (item, item.row, item.row.raw, item.interview, item.interview.contact,
                                        *item.interview.interviewers)]
            assert again.interview.status is item.interview.status
            for name in ("start", "offer_deadline", "outcome_at", "offer_arrived"):
                moment, moment_back = getattr(item.interview, name), getattr(again.interview, name)
                assert moment_back is None if moment is None else moment_back.tzinfo is moment.tzinfo


_ACROSS = {"date": "2026-03-29 01:30", "timezone": "Europe/Berlin", "duration": "1h30", "status": "rejected",
           "outcome_date": "2026-03-29", "offer_deadline": "", "offer_arrived": "", "country": "", "region": "",
           "id": ""}


def test_a_batch_that_fails_leaves_the_temporary_file_ready_for_the_next() -> None:
    """The roster's tables write a batch in one transaction: one that fails midway does not leave the file inside
    it (the next would fail to begin one)."""
    from followup_ics.app.roster import Spill, _write_many

    spill = Spill()
    db = spill.database()
    db.execute("CREATE TABLE t (x)")

    def rows() -> Iterator[tuple[int]]:
        yield (1,)
        raise ValueError("stopped")

    with pytest.raises(ValueError, match="stopped"):
        _write_many(db, "INSERT INTO t VALUES (?)", rows())
    _write_many(db, "INSERT INTO t VALUES (?)", [(2,)])
    assert db.in_transaction is False
    assert (2,) in db.execute("SELECT x FROM t").fetchall()


@settings(max_examples=60, deadline=None)
@given(ops=st.lists(st.tuples(st.sampled_from(["get", "put", "setdefault"]), st.integers(0, 12),
                              st.integers(0, 99)), max_size=60),
       spill_after=st.integers(1, 8), batch=st.integers(1, 4))
def test_a_digest_table_on_disk_answers_as_a_dict_would(ops: list[tuple[str, int, int]], spill_after: int,
                                                        batch: int) -> None:
    """A DigestTable moved to disk (after ``spill_after`` keys; writes batched ``batch`` at a time, a filter
    in front of the lookups) gives back what a dict would, whatever the order of gets, puts and setdefaults."""
    from followup_ics.app import roster

    kept = roster.SPILL_AFTER, roster._BATCH
    roster.SPILL_AFTER, roster._BATCH = spill_after, batch
    try:
        table, expected = roster.DigestTable(roster.Spill(), "t", 2), {}
        for op, key_number, value in ops:
            key = roster._digest(str(key_number))
            if op == "get":
                assert table.get(key) == expected.get(key)
            elif op == "put":
                table.put(key, (value, str(value).encode()))
                expected[key] = (value, str(value).encode())
            else:
                assert table.setdefault(key, (value, b"")) == expected.get(key)
                expected.setdefault(key, (value, b""))
        assert all(table.get(key) == found for key, found in expected.items())
    finally:
        roster.SPILL_AFTER, roster._BATCH = kept


def test_a_digest_tables_filter_holds_every_key_put_and_few_others() -> None:
    """The filter in front of a DigestTable on disk: a key put is always looked up (never a false "new"),
    and nearly every other key is answered without a statement."""
    from followup_ics.app.roster import _digest, _KeyFilter

    seen = _KeyFilter()
    put = [_digest(f"row {number}") for number in range(20_000)]
    assert sum(seen.add(key) for key in put) < 20  # add says whether the key may have been held before it
    assert all(seen.may_hold(key) for key in put)
    assert all(seen.add(key) for key in put[:100])
    assert sum(seen.may_hold(_digest(f"other {number}")) for number in range(20_000)) < 20


@settings(max_examples=80, deadline=None)
@given(adds=st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 10_000)), max_size=30),
       spill_after=st.integers(1, 8), batch=st.integers(1, 4), first=st.lists(st.sampled_from("abcd"), max_size=4))
def test_reservations_give_each_candidates_interviews_back_in_order_once_in_memory_or_on_disk(
        adds: list[tuple[str, int]], spill_after: int, batch: int, first: list[str]) -> None:
    """Reservations on disk (moved there after ``spill_after``, written ``batch`` at a time, read back ``batch``
    at a time) give back what they were given, as a dict of lists would: each candidate's, in the order added,
    once, whether taken in the order they were first added (as the roster takes them) or not (``first``)."""
    from followup_ics.app import roster

    kept = roster.SPILL_AFTER, roster._BATCH
    roster.SPILL_AFTER, roster._BATCH = spill_after, batch
    try:
        reservations = roster.Reservations()
        expected: dict[str, list[tuple[int, int]]] = {}
        for candidate, minute in adds:
            start = STAMP + timedelta(minutes=minute)
            reservations.add(candidate, start, start + timedelta(hours=1))
            expected.setdefault(candidate, []).append((int(start.timestamp()) // 60, 60))
        in_order = list(dict.fromkeys(candidate for candidate, _ in adds))
        for candidate in [*first, *in_order, *"abca"]:
            assert reservations.take(candidate) == expected.pop(candidate, [])
    finally:
        roster.SPILL_AFTER, roster._BATCH = kept


def test_a_step_staggered_past_its_applications_outcome_is_dropped() -> None:
    """Beta is rejected at 10:05 on the day both follow-up calls fall at 10:00: Acme's keeps 10:00, Beta's
    would move past the rejection, so it goes (a plan nothing moved is kept as planned, already undecided)."""
    text = ("company,date,timezone,status,outcome_date\r\n"
            "Acme,2026-12-01 10:00,UTC,,\r\n"
            "Beta,2026-12-01 11:00,UTC,rejected,2026-12-08 10:05\r\n")
    plans = [result for result in Roster(lambda: read_text(text)[1], Request(zone="UTC", now=STAMP)).plans()
             if not isinstance(result, RowError)]
    keys = {item.stem: [step.key for step in plan.steps] for item, plan in plans}
    assert "follow-up-call" in keys["acme-2026-12-01"]
    assert "follow-up-call" not in keys["beta-2026-12-01"] and "keep-in-touch" in keys["beta-2026-12-01"]


def test_stagger_gives_a_plan_back_as_it_is_when_nothing_moves_and_a_step_of_another_zone_in_the_plans() -> None:
    """A plan none of whose steps share a minute (with each other or a step placed before) is given back itself,
    whatever order its steps would be placed in; a step given in another zone comes back in the plan's zone."""
    from followup_ics.core.records import Interview, Plan, Step
    from followup_ics.core.search import Stagger
    from followup_ics.core.settings import DEFAULT_SETTINGS
    from followup_ics.core.wallclock import localize
    from followup_ics.core.zones import tzinfo

    start, _ = localize(tzinfo("Europe/Berlin"), datetime(2026, 12, 1, 10, 0))
    interview = Interview(company="Acme", start=start, zone="Europe/Berlin")
    steps = (Step("interview", start, timedelta(hours=1), timedelta(0), blocks_time=True),
             Step("thank-you", start + timedelta(hours=3), timedelta(minutes=15), timedelta(0)),
             Step("follow-up-call", start + timedelta(days=1), timedelta(minutes=15), timedelta(0)))
    stagger = Stagger(DEFAULT_SETTINGS)
    stagger.reserve(int(start.timestamp()) // 60, 60)  # as the roster holds the interview first
    plan = Plan(interview, steps)
    assert stagger.place(plan) is plan
    utc = steps[1]._replace(start=steps[1].start.astimezone(UTC))
    placed = Stagger(DEFAULT_SETTINGS).place(Plan(interview, (utc,)))
    assert placed.steps[0].start == utc.start and placed.steps[0].start.tzname() == "CET"
    # A second plan at the same minutes: its thank-you and call move, its interview stays.
    again = stagger.place(plan)
    assert [step.start == before.start for step, before in zip(again.steps, steps, strict=True)] == [True, False, False]


@pytest.mark.parametrize("each_round", [False, True])
def test_references_are_briefed_after_the_first_round_only_unless_each_round(each_round: bool) -> None:
    """[brief-references] each-round = true: every round has its briefing; else only the first round."""
    from followup_ics.core.settings import settings_from_mapping

    text = (GOLDEN / "two_rounds_at_one_company.csv").read_text(encoding="utf-8")
    settings = settings_from_mapping({"brief-references": {"each-round": each_round}})
    roster = Roster(lambda: read_text(text)[1], Request(zone="America/New_York", now=STAMP, settings=settings))
    briefed = [any(step.step_id == "brief-references" for step in result[1].steps)
               for result in roster.plans() if not isinstance(result, RowError)]
    assert briefed == [True, each_round]


def test_reservations_on_disk_keep_at_most_a_batch_in_memory_even_for_one_candidates_long_run() -> None:
    """One person's file of many rows is one run of reservations: it is still written a batch at a time (memory
    stays flat), and given back whole, in order."""
    from followup_ics.app import roster

    kept = roster.SPILL_AFTER, roster._BATCH
    roster.SPILL_AFTER, roster._BATCH = 1, 3
    try:
        reservations, expected = roster.Reservations(), []
        for minute in range(20):
            start = STAMP + timedelta(minutes=minute)
            reservations.add("a", start, start + timedelta(minutes=30))
            expected.append((int(start.timestamp()) // 60, 30))
            assert sum(len(run) for _, _, run in reservations._pending) < roster._BATCH
        assert reservations.take("a") == expected
    finally:
        roster.SPILL_AFTER, roster._BATCH = kept


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=3),
                          st.sampled_from(["decide", "competing-offer", "thank-you"]),
                          st.integers(min_value=0, max_value=12),
                          st.sampled_from(["Europe/Paris", "America/New_York"])), max_size=14))
def test_steps_in_time_order_as_sorted_by_start_and_key(parts: list[tuple[int, str, int, str]]) -> None:
    """_in_time_order asks for keys only when two steps start together, and gives what sorting by (start, key)
    gives: 'decide-10' before 'decide-2' at one minute, an instant in two zones at once a tie."""
    base = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    steps = [Step(kind, (base + timedelta(minutes=30 * minute)).astimezone(pytz.timezone(zone)), timedelta(minutes=15),
                  timedelta(0), index) for minute, kind, index, zone in parts]
    ordered = list(steps)
    _in_time_order(ordered)
    assert ordered == sorted(steps, key=_TIME_ORDER)
    assert [id(step) for step in ordered] == [id(step) for step in sorted(steps, key=_TIME_ORDER)]
