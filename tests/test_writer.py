"""The fast writer is byte for byte what icalendar writes for the same calendar.

writer.py replicates icalendar 7's ordering, escaping and folding for our property shapes; these tests
hold it to icalendar over the golden cases, random schedules in every zone and hostile text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import pytz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline
from support import STAMP, plan_for

from followup_ics.core.records import Schedule
from followup_ics.core.settings import PlanSettings, settings_from_mapping
from followup_ics.ical import writer
from followup_ics.ical.reference import FeedOptions, build_calendar, step_uid
from followup_ics.ical.shape import escape_text

GOLDEN = Path(__file__).parent / "golden"
# Text that stresses escaping and folding: delimiters, backslashes, carets, line breaks, multi-byte letters.
HOSTILE = st.text(alphabet=st.sampled_from(list("ab ,;:\\^\"'\n\r\tÉü日本😀-/N")), min_size=1, max_size=120)
NAMES = HOSTILE.filter(lambda text: text.strip() and text.isprintable())
STEP_TABLES = ("interview", "thank-you", "brief-references", "follow-up-call", "status-check", "keep-searching",
               "competing-offer", "keep-in-touch")


def _same(schedules: list[Schedule], **options: object) -> None:
    reference = build_calendar(schedules, stamp=STAMP, **options).to_ical()  # type: ignore[arg-type]
    assert writer.calendar_text(schedules, stamp=STAMP, **options).encode("utf-8") == reference  # type: ignore[arg-type]


@pytest.mark.parametrize("case", sorted(GOLDEN.glob("*.args")), ids=lambda path: path.stem)
def test_golden_cases(case: Path) -> None:
    args = case.read_text(encoding="utf-8").splitlines()
    options = dict(zip(args[::2], args[1::2], strict=False))
    schedule = plan_for(options["--date"], options.get("--tz", "UTC"), company=options["--company"])
    _same([schedule])


# Alarm lead times in minutes: none, under a day (a relative TRIGGER), and a day or more (an absolute UTC one).
ALARMS = st.sampled_from([0, 15, 1439, 1440, 1441, 2 * 1440 + 30, 7 * 1440])
PEOPLE = st.lists(st.sampled_from(["Ana Diaz <ana@x.example>", "bo@y.example", "Zoë Ñ, Jr."]), max_size=3)


def _settings(alarm: int, no_interview: bool) -> PlanSettings:
    """Every step reminded ``alarm`` minutes ahead; the interview event left out with ``no_interview``."""
    data: dict[str, dict[str, object]] = {table: {"alarm": alarm} for table in STEP_TABLES}
    data["interview"]["include"] = not no_interview
    return settings_from_mapping(data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(sorted(pytz.all_timezones)),
    # up to the last year input accepts, leaving room for a deadline 60 days on
    wall=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2036, 10, 31)),
    company=NAMES,
    role=st.just("") | NAMES,
    notes=HOSTILE,
    location=NAMES,
    interviewers=PEOPLE,
    contact=st.sampled_from(["", "Bo Li <bo@acme.example>", "Zoë"]),
    references=PEOPLE,
    status=st.sampled_from(["pending", "offer", "rejected", "withdrawn", "accepted"]),
    outcome_days=st.sampled_from([None, 0, 9]),
    deadline_days=st.none() | st.integers(min_value=1, max_value=60),
    url=st.sampled_from(["", "https://jobs.example/a?b=c,d;e", "http://x.example/" + "p" * 90]),
    alarm=ALARMS,
    no_interview=st.booleans(),
    feed=st.booleans(),
    sequence=st.integers(min_value=0, max_value=1000),
)
def test_random_schedules_in_every_zone(zone: str, wall: datetime, company: str, role: str, notes: str,
                                        location: str, interviewers: list[str], contact: str, references: list[str],
                                        status: str, outcome_days: int | None, deadline_days: int | None, url: str,
                                        alarm: int, no_interview: bool, feed: bool, sequence: int) -> None:
    """Any interview, with every option the user can give, is written byte for byte as icalendar writes it."""
    if status == "offer":  # an offer needs its own deadline, after the offer came
        deadline_days = max(deadline_days or 0, (outcome_days or 0) + 1)
    deadline = "" if deadline_days is None else f"{wall + timedelta(days=deadline_days):%Y-%m-%d %H:%M}"
    outcome = ""
    if status != "pending" and outcome_days is not None:
        outcome = f"{wall + timedelta(days=outcome_days):%Y-%m-%d}"
    schedule = plan_for(f"{wall:%Y-%m-%d %H:%M}", zone, company=company, role=role, notes=notes, location=location,
                        interviewers=tuple(interviewers), contact=contact, references=tuple(references),
                        status=status, outcome_date=outcome, offer_deadline=deadline, url=url,
                        settings=_settings(alarm, no_interview), now=datetime(2001, 1, 1, tzinfo=UTC))
    earlier = STAMP - timedelta(days=sequence)
    revisions = {step_uid(schedule.interview, step): (sequence, earlier) for step in schedule.steps[::2]}
    options = {"feed": FeedOptions(timedelta(hours=3))} if feed else {}
    _same([schedule], revisions=revisions, **options)
    # a draft stamped where draft() found its stand-in stamps (LAST-MODIFIED too, in a feed) is render's calendar
    finished, _ = writer.finish(writer.draft([schedule], **options), STAMP, {})  # type: ignore[arg-type]
    assert finished == writer.render([schedule], stamp=STAMP, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "alarm", "no_interview"),
    [
        # every person and text field at once, in a zone that changes clocks during the plan
        ({"role": "Data Engineer; Platform", "interviewers": ("Ana Diaz <ana@x.example>", "Raj Rao"),
          "interviewer_emails": ("", "raj@x.example"), "contact": "Bo Li <bo@acme.example>",
          "contact_phone": "+1 212 555 0100", "references": ("Cy Park <cy@example.org>", "Dee Moss")}, 15, False),
        # an offer deadline: the competing-offer step and its deadline text
        ({"offer_deadline": "2026-03-12 17:00"}, 0, False),
        # a rejection with an outcome date: keep-in-touch, later checks gone
        ({"status": "rejected", "outcome_date": "2026-03-16"}, 60, False),
        # an outcome with a time on the interview day, and the offer's own deadline: the answer-offer step
        ({"status": "offer", "outcome_date": "2026-03-06 18:30", "offer_deadline": "2026-03-12 17:00"}, 0, False),
        # withdrawn, decided by the clock (no outcome date)
        ({"status": "withdrawn"}, 0, False),
        # no interview event: the follow-ups alone, still related to the interview's UID
        ({}, 30, True),
        # alarms exactly a day ahead and more: an absolute UTC trigger, across the spring-forward change
        ({}, 1440, False),
        ({"offer_deadline": "2026-03-20"}, 3 * 1440 + 45, True),
    ],
    ids=["people", "deadline", "rejected", "outcome-time", "withdrawn", "no-interview", "alarm-1-day",
         "alarm-3-days-no-interview"],
)
def test_every_option_is_written_as_icalendar_writes_it(fields: dict[str, object], alarm: int,
                                                        no_interview: bool) -> None:
    """Role, people, references, deadline, status, outcome, no-interview and day-ahead alarms: same bytes."""
    schedule = plan_for("2026-03-06 16:00", "America/New_York", settings=_settings(alarm, no_interview),
                        now=datetime(2026, 3, 9, 12, 0, tzinfo=UTC), **fields)
    assert ("interview" in {step.key for step in schedule.steps}) is not no_interview
    _same([schedule])
    _same([schedule], feed=FeedOptions())


@pytest.mark.parametrize("notes", ["files in C:\\New folder\\Notes", "\\N", "a\\\\Nb", "\\n\\,\\;"])
def test_backslashes_are_text_not_escapes(notes: str) -> None:
    """A literal backslash-N stays two characters (icalendar's own escaping would make it a line break)."""
    schedule = plan_for("2026-12-01 14:00", "Europe/Paris", notes=notes)
    _same([schedule])
    data = writer.calendar_text([schedule], stamp=STAMP).encode("utf-8")
    for event in icalendar.Calendar.from_ical(data).events:
        assert f"Notes: {notes}" in str(event["DESCRIPTION"])


def test_several_interviews_in_several_zones() -> None:
    schedules = [plan_for("2026-03-06 16:00", "America/New_York"), plan_for("2026-03-27 09:00", "Europe/London"),
                 plan_for("2026-10-02 13:00", "Australia/Sydney", company="Koala, Ltd."),
                 plan_for("2026-12-01 10:00", "UTC", company="Plain"),
                 plan_for("2026-12-02 10:00", "Africa/Abidjan", company="Written as UTC")]
    _same(schedules)
    _same(schedules, name="All of them; really")


@pytest.mark.parametrize("options", [{}, {"name": "Jobs; 2026"}, {"feed": FeedOptions(timedelta(hours=3))},
                                     {"name": "Feed", "feed": FeedOptions()}], ids=["plain", "name", "feed", "both"])
def test_a_first_render_is_icalendars_calendar_with_the_name_and_feed_options_given(options: dict[str, object]) -> None:
    """render() with nothing before it writes exactly what icalendar writes for the same name and feed options."""
    schedules = [plan_for("2026-03-06 16:00", "America/New_York"), plan_for("2026-03-27 09:00", "Europe/London")]
    expected = build_calendar(schedules, stamp=STAMP, **options).to_ical()  # type: ignore[arg-type]
    assert writer.render(schedules, stamp=STAMP, **options) == expected  # type: ignore[arg-type]
    assert writer.render(schedules, stamp=STAMP, previous=b"", **options) == expected  # type: ignore[arg-type]

@given(st.text(min_size=0, max_size=400).filter(lambda text: "\n" not in text and "\r" not in text))
def test_folding_matches_icalendar(line: str) -> None:
    assert writer._fold(line) == _foldline(line)


@settings(max_examples=1000)
@given(st.text(st.sampled_from("a\\;,\r\nné"), max_size=60))
def test_text_escaping_is_the_chain_of_replaces(value: str) -> None:
    """escape_text replaces only the characters a value holds: the same text as every replace in turn."""
    chained = value.replace("\r\n", "\n").replace("\r", "\n")
    chained = chained.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")
    assert escape_text(value) == chained


@settings(max_examples=1000)
@given(st.text(st.sampled_from("ab\\^ ,é"), max_size=400))
def test_folding_backslashes_and_carets_matches_icalendar(line: str) -> None:
    """Lines dense in what moves a break (backslash, caret), ASCII ones and some with a two-byte character."""
    assert writer._fold(line) == _foldline(line)
    assert writer._folded(line) == _foldline(line)


@pytest.mark.parametrize("line", ["x" * 73 + "\\n" + "y" * 80, "x" * 73 + "^^" + "y", "é" * 40, "a" * 74, "a" * 75,
                                  "\\" * 200, "x" * 72 + "😀" + "y" * 10,
                                  # non-ASCII lines (folded on their bytes): a caret or backslash at the
                                  # break, a character straddling it, and only multi-byte characters
                                  "é" + "x" * 71 + "^" + "y" * 10, "é" + "x" * 71 + "\\n" + "y" * 10,
                                  "x" * 73 + "日" + "y" * 10, "日" * 60, "😀" * 40 + "\\" * 40,
                                  # capitals at the break: only a backslash or caret moves it
                                  "X" * 80, "é" + "X" * 80,
                                  # 74 characters left, the last a backslash or caret: no break at all
                                  "x" * 73 + "\\", "x" * 73 + "^", "x" * 74 + "y" * 73 + "^"])
def test_folding_edge_cases(line: str) -> None:
    assert writer._fold(line) == _foldline(line)




# Spans that meet different shapes of the zone data: the 1970s (many zones' last changes), rules in
# force now, a span across a year's changes, and one reaching pytz's horizon.
SPANS = [("1975-06-01", "1975-06-02"), ("2001-01-10", "2001-03-01"), ("2026-03-01", "2027-04-01"),
         ("2036-10-01", "2037-12-01")]


@pytest.mark.parametrize(("first", "last"), SPANS)
def test_vtimezone_text_is_icalendars_in_every_zone(first: str, last: str) -> None:
    """Written without icalendar, every zone's VTIMEZONE is the text icalendar serialises for the same rules."""
    from followup_ics.core.errors import ZoneNotRepresentable
    from followup_ics.ical import tzrules
    from followup_ics.ical.reference import vtimezone_from

    differing = []
    for zone in pytz.all_timezones:
        try:
            observances = tzrules.observances(zone, pytz.utc.localize(datetime.fromisoformat(first)),
                                              pytz.utc.localize(datetime.fromisoformat(last)))
        except ZoneNotRepresentable:
            continue
        if writer.vtimezone_text(zone, observances).encode("utf-8") != vtimezone_from(zone, observances).to_ical():
            differing.append(zone)
    assert differing == []


@settings(max_examples=500, deadline=None)
@given(zone=st.sampled_from(sorted(pytz.all_timezones)),
       wall=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2037, 12, 30)),
       is_dst=st.booleans(), minutes=st.integers(min_value=0, max_value=3 * 1440))
def test_start_and_end_are_each_moment_as_written_alone(zone: str, wall: datetime, is_dst: bool, minutes: int) -> None:
    """_start_end's one format per zone kind (local wall times; UTC ones from the offset) gives what _moment
    writes for each of the two instants, the way every other time is written."""
    start = pytz.timezone(zone).localize(wall, is_dst=is_dst)
    end = start + timedelta(minutes=minutes)
    assert writer._start_end(start, end) == f"DTSTART{writer._moment(start)}\r\nDTEND{writer._moment(end)}\r\n"


@pytest.mark.parametrize(
    "delta",
    [timedelta(0), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=1, seconds=5), timedelta(hours=4),
     timedelta(minutes=61), timedelta(seconds=59), timedelta(days=1), timedelta(days=1, minutes=30),
     timedelta(days=2, hours=3, minutes=4, seconds=5), timedelta(weeks=1), -timedelta(minutes=15),
     -timedelta(hours=1), -timedelta(days=1, hours=2), -timedelta(seconds=1)],
)
def test_durations_are_written_as_icalendar_writes_them(delta: timedelta) -> None:
    """Alarm triggers and refresh intervals: -PT15M, P1DT30M, P0D... exactly icalendar's forms."""
    assert writer._duration(delta) == icalendar.vDuration(delta).to_ical().decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda steps: steps,  # nothing changed: every event keeps its SEQUENCE and stamp
        lambda steps: steps[:-1],  # the last event goes: the one before it becomes last, unchanged
        lambda steps: steps[1:],  # the first goes
        lambda steps: (*steps[:2], steps[2]._replace(summary="Moved"), *steps[3:]),  # one event changes
        lambda steps: steps[:1] + steps[2:] + steps[1:2],  # the order changes, not the events
    ],
)
def test_a_draft_finished_from_kept_revisions_is_what_render_gives_from_the_file(change: object) -> None:
    """Stamping from what the manifest kept gives the very bytes that reading the earlier file back gives."""
    later = STAMP + timedelta(days=3)
    schedule = plan_for("2026-12-01 14:00", "America/New_York")
    first = writer.render([schedule], stamp=STAMP)
    drafted = writer.draft([schedule])
    data, kept = writer.finish(drafted, STAMP, {})
    assert data == first
    changed = schedule._replace(steps=change(schedule.steps))  # type: ignore[operator]
    expected = writer.render([changed], stamp=later, previous=first)
    again = writer.draft([changed])
    assert writer.finish(again, later, dict(zip(drafted.uids, kept, strict=True)))[0] == expected
    assert writer.finish(again, later, writer.kept_in(first, again, later))[0] == expected


@pytest.mark.parametrize("change", [lambda steps: steps, lambda steps: steps[1:],
                                    lambda steps: (steps[0]._replace(summary="Moved"), *steps[1:])])
def test_events_drafted_alone_finish_as_the_events_of_the_whole_calendar(change: object) -> None:
    """draft_events (a stream's events, which all.ics splices) gives the events draft() puts between the head
    and the end, finished the same from nothing kept, from kept revisions and from an earlier file."""
    later = STAMP + timedelta(days=3)
    schedules = [plan_for("2026-12-01 14:00", "America/New_York"), plan_for("2026-03-06 16:00", "Europe/Paris")]
    first = writer.draft(schedules)
    data, kept = writer.finish(first, STAMP, {})
    alone = writer.draft_events(schedules)
    assert (alone.uids, alone.digests) == (first.uids, first.digests)
    assert writer.finish(alone, STAMP, {}) == (_events_of(data), kept)
    changed = [schedules[0]._replace(steps=change(schedules[0].steps)), schedules[1]]  # type: ignore[operator]
    whole, events = writer.draft(changed), writer.draft_events(changed)
    revisions = dict(zip(first.uids, kept, strict=True))
    assert writer.finish(events, later, revisions)[0] == _events_of(writer.finish(whole, later, revisions)[0])
    from_file = writer.finish(whole, later, writer.kept_in(data, whole, later))[0]
    assert writer.finish(events, later, writer.kept_in(data, events, later))[0] == _events_of(from_file)


def _events_of(calendar: bytes) -> bytes:
    return calendar[calendar.index(b"BEGIN:VEVENT\r\n"):-len(b"END:VCALENDAR\r\n")]


@pytest.mark.parametrize("feed", [None, FeedOptions()])
def test_a_new_calendar_is_finished_as_one_whose_kept_events_are_all_elsewhere(feed: FeedOptions | None) -> None:
    """finish's shortcut for nothing kept gives the bytes and revisions of its general way (reached here by
    a kept event of another calendar), LAST-MODIFIED of a feed stamped too."""
    drafted = writer.draft([plan_for("2026-12-01 14:00", "America/New_York")], feed=feed)
    elsewhere = {"other@followup-ics": writer.Kept(b"x", 3, STAMP - timedelta(days=1))}
    assert writer.finish(drafted, STAMP, {}) == writer.finish(drafted, STAMP, elsewhere)
    assert writer.finish(drafted, STAMP, {})[0] == writer.render([plan_for("2026-12-01 14:00", "America/New_York")],
                                                                  stamp=STAMP, feed=feed)


def test_a_description_shared_by_steps_is_written_once_and_others_each_their_own() -> None:
    """Within one schedule, steps sharing one description object (the status checks by one channel) get the
    line written for the first; every step's event is the one written without that memory."""
    schedule = plan_for("2026-03-06 16:00", "America/New_York")
    steps = list(schedule.steps)
    shared = [step for step in steps if step.step.step_id == "status-check"]
    assert len({id(step.description) for step in shared}) < len(shared), "no description shared"
    # and a step whose description equals another's but is its own object, and one of its own
    steps.append(steps[1]._replace(description="".join(list(steps[1].description))))
    steps.append(steps[1]._replace(description=steps[1].description + "!"))
    written: dict[int, str] = {}
    for step in steps:
        alone = writer.event_text(step, "u", "i")
        assert writer.event_text(step, "u", "i", descriptions=written) == alone
