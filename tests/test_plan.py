"""The default plan in many zones, across DST changes, weekends and outcomes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import pytz
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from support import local_times, plan_for

from followup_ics.core.errors import InputError, PlanFileError
from followup_ics.core.planner import _call_day, _day_moved, _with_move, plan_interview, round_steps
from followup_ics.core.records import Interview, Schedule, Status, Step
from followup_ics.core.settings import settings_from_mapping
from followup_ics.core.wallclock import next_business_day, on_or_after_business_day
from followup_ics.core.workdays import CountryWeek

MINUTE = timedelta(minutes=1)


def test_plan_for_an_ordinary_afternoon_interview() -> None:
    """Every step of DESIGN.md's table lands where the table says."""
    times = local_times(plan_for("2026-12-01 14:00", "America/New_York"))
    assert times == {
        "interview": "Tue 2026-12-01 14:00 -0500",
        "thank-you": "Tue 2026-12-01 16:00 -0500",
        "brief-references": "Tue 2026-12-01 16:30 -0500",
        "keep-searching-1": "Wed 2026-12-02 09:00 -0500",
        "follow-up-call": "Tue 2026-12-08 10:00 -0500",
        "keep-searching-2": "Wed 2026-12-09 09:00 -0500",
        "status-check-1": "Tue 2026-12-15 10:00 -0500",
        "keep-searching-3": "Wed 2026-12-16 09:00 -0500",
        "status-check-2": "Tue 2026-12-22 10:00 -0500",
        "keep-searching-4": "Wed 2026-12-23 09:00 -0500",
        "status-check-3": "Tue 2026-12-29 10:00 -0500",
        "status-check-4": "Tue 2027-01-05 10:00 -0500",
    }


@pytest.mark.parametrize(
    ("date", "zone", "expected"),
    [
        # New York, spring forward on Sun 8 Mar: the call a week later is 10:00 on summer time.
        ("2026-03-06 14:00", "America/New_York",
         {"interview": "Fri 2026-03-06 14:00 -0500", "thank-you": "Fri 2026-03-06 16:00 -0500",
          "follow-up-call": "Fri 2026-03-13 10:00 -0400"}),
        # The evening before spring forward: the thank-you moves to the morning, inside 24 h.
        ("2026-03-07 20:00", "America/New_York",
         {"thank-you": "Sun 2026-03-08 08:00 -0400", "brief-references": "Mon 2026-03-09 09:00 -0400",
          "follow-up-call": "Fri 2026-03-13 10:00 -0400"}),
        # New York, fall back on Sun 1 Nov.
        ("2026-10-30 11:00", "America/New_York",
         {"thank-you": "Fri 2026-10-30 13:00 -0400", "follow-up-call": "Fri 2026-11-06 10:00 -0500",
          "status-check-1": "Fri 2026-11-13 10:00 -0500"}),
        # London, the Friday before clocks go back.
        ("2026-10-23 18:00", "Europe/London",
         {"thank-you": "Fri 2026-10-23 20:00 +0100", "brief-references": "Mon 2026-10-26 09:00 +0000",
          "follow-up-call": "Fri 2026-10-30 10:00 +0000"}),
        # Sydney, southern hemisphere: clocks go forward on Sun 4 Oct.
        ("2026-10-02 15:00", "Australia/Sydney",
         {"thank-you": "Fri 2026-10-02 17:00 +1000", "follow-up-call": "Fri 2026-10-09 10:00 +1100"}),
        # Kolkata, +05:30 and no DST.
        ("2026-12-02 11:00", "Asia/Kolkata",
         {"thank-you": "Wed 2026-12-02 13:00 +0530", "follow-up-call": "Wed 2026-12-09 10:00 +0530"}),
        # Chatham, +12:45 going to +13:45 on Sun 27 Sep.
        ("2026-09-25 10:00", "Pacific/Chatham",
         {"thank-you": "Fri 2026-09-25 12:00 +1245", "follow-up-call": "Fri 2026-10-02 10:00 +1345"}),
        # Friday evening: the note waits for Saturday morning, the calls for Monday and Friday.
        ("2026-12-04 19:00", "America/New_York",
         {"thank-you": "Sat 2026-12-05 08:00 -0500", "brief-references": "Mon 2026-12-07 09:00 -0500",
          "keep-searching-1": "Mon 2026-12-07 09:00 -0500", "follow-up-call": "Fri 2026-12-11 10:00 -0500"}),
        # A weekend interview: the call is still within 7 calendar days.
        ("2026-12-06 11:00", "Europe/Berlin",
         {"follow-up-call": "Fri 2026-12-11 10:00 +0100"}),
    ],
)
def test_plan_across_zones_and_dst(date: str, zone: str, expected: dict[str, str]) -> None:
    """Local wall-clock times are right on both sides of every DST change."""
    times = local_times(plan_for(date, zone))
    assert {key: times[key] for key in expected} == expected


def test_late_evening_interview_keeps_the_24_hour_limit() -> None:
    """A 23:00 interview gets its thank-you the next morning, well inside 24 hours."""
    schedule = plan_for("2026-12-01 23:00", "Europe/Paris")
    thank_you = next(s for s in schedule.steps if s.step_id == "thank-you")
    assert thank_you.start.strftime("%a %H:%M") == "Wed 08:00"
    assert thank_you.end <= schedule.interview.end + timedelta(hours=24)
    assert "by Thu 3 Dec 2026, 00:00" in thank_you.summary


def test_status_checks_alternate_email_and_phone() -> None:
    """About once a week, alternating an email and a phone call."""
    checks = [s for s in plan_for("2026-12-01 14:00", "UTC").steps if s.step_id == "status-check"]
    assert [s.step.channel for s in checks] == ["email", "phone", "email", "phone"]
    gaps = {(b.start - a.start).days for a, b in itertools.pairwise(checks)}
    assert gaps == {7}


@pytest.mark.parametrize(
    ("status", "outcome", "gone", "added"),
    [
        ("rejected", "2026-12-10", {"status-check-1", "status-check-2", "keep-searching-3"},
         {"keep-in-touch": "Fri 2026-12-11 10:00 -0500"}),
        ("withdrawn", "2026-12-03", {"follow-up-call", "status-check-1", "keep-searching-2"}, {}),
        ("accepted", "2026-12-09 12:00", {"status-check-1", "keep-searching-3"}, {}),
        # an offer's deadline is its own: answered on the working day before it, never told as "another offer"
        ("offer", "2026-12-02 08:00", {"keep-searching-1", "follow-up-call", "competing-offer"},
         {"answer-offer": "Thu 2026-12-17 10:00 -0500"}),
    ],
)
def test_a_known_outcome_stops_the_remaining_checks(status: str, outcome: str, gone: set[str],
                                                    added: dict[str, str]) -> None:
    """Checks after the outcome leave the plan; past ones stay; a rejection adds a keep-in-touch note."""
    deadline = {"offer_deadline": "2026-12-18"} if status == "offer" else {}
    times = local_times(plan_for("2026-12-01 14:00", "America/New_York", status=status,
                                 outcome_date=outcome, **deadline))
    assert not gone & set(times)
    assert {"interview", "thank-you"} <= set(times)
    assert {key: times[key] for key in added} == added
    assert ("keep-in-touch" in times) == (status == "rejected")


def test_outcome_defaults_to_now() -> None:
    """Without --outcome-date the clock decides which checks are still ahead."""
    from datetime import UTC, datetime

    now = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)
    times = local_times(plan_for("2026-12-01 14:00", "America/New_York", status="rejected", now=now))
    assert "status-check-1" in times and "status-check-2" not in times
    assert times["keep-in-touch"] == "Thu 2026-12-17 10:00 -0500"


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("2026-12-04", "Tue 2026-12-01 16:00 -0500"),  # an hour after, in business hours
        ("2026-12-01 20:00", "Tue 2026-12-01 16:00 -0500"),  # same evening: still in time
        ("2026-12-01 16:10", "Tue 2026-12-01 15:00 -0500"),  # no slot fits: right after the interview
        ("2026-12-01 16:15", "Tue 2026-12-01 16:00 -0500"),  # ending exactly at the deadline is in time
    ],
)
def test_competing_offer_is_asap_and_before_the_deadline(deadline: str, expected: str) -> None:
    """The competing-offer step comes as soon as possible and ends before the other deadline."""
    schedule = plan_for("2026-12-01 14:00", "America/New_York", offer_deadline=deadline)
    times = local_times(schedule)
    step = next(s for s in schedule.steps if s.step_id == "competing-offer")
    assert schedule.interview.offer_deadline is not None
    assert step.end <= schedule.interview.offer_deadline
    assert times["competing-offer"] == expected


def test_late_interview_gets_competing_offer_in_business_hours() -> None:
    """An interview ending after business hours moves the offer call to the next business morning."""
    times = local_times(plan_for("2026-12-01 17:00", "America/New_York", offer_deadline="2026-12-04"))
    assert times["competing-offer"] == "Wed 2026-12-02 09:00 -0500"


def test_plan_settings_change_offsets_and_times() -> None:
    """A plan file changes offsets, counts, channels and times of day."""
    settings = settings_from_mapping({
        "thank-you": {"after": 120},
        "status-check": {"count": 2, "first": "phone", "time": "11:30"},
        "keep-searching": {"include": False},
        "follow-up-call": {"business-days": 3},
    })
    schedule = plan_for("2026-12-01 14:00", "America/New_York", settings=settings)
    times = local_times(schedule)
    assert times["thank-you"] == "Tue 2026-12-01 17:00 -0500"
    assert times["follow-up-call"] == "Fri 2026-12-04 10:00 -0500"
    assert times["status-check-1"] == "Fri 2026-12-11 11:30 -0500"
    assert "status-check-3" not in times and not any(k.startswith("keep-searching") for k in times)
    assert next(s for s in schedule.steps if s.key == "status-check-1").step.channel == "phone"


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        # Afternoon business hours: the default 10:00 calls and checks move to 13:00.
        ({"hours": {"business": "13:00-17:00"}},
         {"follow-up-call": "Tue 2026-12-08 13:00", "status-check-1": "Tue 2026-12-15 13:00"}),
        # Early business hours ending before 10:00: moved to their start, not left after closing.
        ({"hours": {"business": "08:00-09:30"}},
         {"follow-up-call": "Tue 2026-12-08 08:00", "status-check-1": "Tue 2026-12-15 08:00"}),
        # 10:00 already inside: nothing moves.
        ({"hours": {"business": "10:00-12:00"}},
         {"follow-up-call": "Tue 2026-12-08 10:00", "status-check-1": "Tue 2026-12-15 10:00"}),
        # A time set inside the new hours is kept as written.
        ({"hours": {"business": "13:00-17:00"}, "status-check": {"time": "15:30"}},
         {"follow-up-call": "Tue 2026-12-08 13:00", "status-check-1": "Tue 2026-12-15 15:30"}),
    ],
)
def test_company_calls_follow_the_plan_business_hours(plan: dict[str, dict[str, str]],
                                                      expected: dict[str, str]) -> None:
    """Default call and status-check times outside [hours] business move to the start of them."""
    schedule = plan_for("2026-12-01 14:00", "America/New_York", settings=settings_from_mapping(plan))
    times = {key: value[:-6] for key, value in local_times(schedule).items()}
    assert {key: times[key] for key in expected} == expected


@pytest.mark.parametrize("table", ["follow-up-call", "status-check", "keep-in-touch"])
def test_a_call_time_set_outside_business_hours_is_refused(table: str) -> None:
    """A plan file that sets a company call outside its own business hours is refused, saying why."""
    with pytest.raises(PlanFileError, match=rf"\[{table}\] time 10:00 is outside business hours 13:00-17:00"):
        settings_from_mapping({"hours": {"business": "13:00-17:00"}, table: {"time": "10:00"}})


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"company": "  "}, "company"),
        ({"date": "not a date"}, "date"),
        ({"date": "2026-12-01"}, "date"),
        ({"date": "03/12/2026 10:00"}, "date"),
        ({"date": "2099-01-01 10:00"}, "date"),
        ({"offer_deadline": "2026-11-30"}, "offer_deadline"),
        ({"status": "ghosted"}, "status"),
        ({"duration": "forever"}, "duration"),
        ({"duration": "0"}, "duration"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"interviewers": ("Ana <not-an-email>",)}, "interviewer"),
        ({"contact_phone": "call me"}, "contact_phone"),  # the phone's own field, not the contact's name
        ({"contact_email": "bo-at-x"}, "contact_email"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_input_names_its_field(raw: dict[str, object], field: str) -> None:
    """Every bad value raises an InputError that names the field it came from."""
    fields = {"date": "2026-12-01 14:00", **raw}
    with pytest.raises(InputError) as caught:
        plan_for(str(fields.pop("date")), "America/New_York", **fields)
    assert caught.value.field == field


def _step(schedule: Schedule, key: str) -> Step:
    return next(step for step in schedule.steps if step.key == key)


@pytest.mark.parametrize(
    ("date", "deadline", "plan", "key", "expected"),
    [
        # Friday 16:00, the other offer ends Tuesday: business hours win over waking hours, so Monday 09:00,
        # not Saturday 09:00.
        ("2026-12-04 16:00", "2026-12-08", {}, "competing-offer", "Mon 2026-12-07 09:00 -0500"),
        # Same, a deadline on Saturday noon: no business slot before it, so the first waking slot (Fri 18:00).
        ("2026-12-04 16:00", "2026-12-05 12:00", {}, "competing-offer", "Fri 2026-12-04 18:00 -0500"),
        # A thank-you 12 h after an 11:00 end and 4 h long: the next waking slot (Wed 08:00-12:00) would end
        # past the 24-hour limit (Wed 11:00), so the deadline beats waking hours: Tue 23:00.
        ("2026-12-01 10:00", "", {"thank-you": {"after": 720, "duration": 240}}, "thank-you",
         "Tue 2026-12-01 23:00 -0500"),
        # 12 h after a 09:00 end is 21:00, past waking hours: Wed 08:00-08:30 ends just inside the 24 hours.
        ("2026-12-01 08:00", "", {"thank-you": {"after": 720}}, "thank-you", "Wed 2026-12-02 08:00 -0500"),
        # An hour long from Wed 08:00, it ends at 09:00, exactly 24 hours after the interview: still in time.
        ("2026-12-01 08:00", "", {"thank-you": {"after": 720, "duration": 60}}, "thank-you",
         "Wed 2026-12-02 08:00 -0500"),
        # A per-step duration changes where the step fits: 10 h from 08:00 ends 18:00 < the 24-hour limit.
        ("2026-12-01 20:00", "", {"thank-you": {"duration": 600}}, "thank-you", "Wed 2026-12-02 08:00 -0500"),
        # A brief from 16:30 fits business hours only if it ends by 17:00; a minute longer, it waits.
        ("2026-12-01 14:00", "", {"brief-references": {"duration": 30}}, "brief-references",
         "Tue 2026-12-01 16:30 -0500"),
        ("2026-12-01 14:00", "", {"brief-references": {"duration": 31}}, "brief-references",
         "Wed 2026-12-02 09:00 -0500"),
    ],
    ids=["offer-monday-not-saturday", "offer-friday-evening", "thank-you-deadline-wins", "thank-you-just-in-time",
         "thank-you-ends-at-the-limit", "thank-you-duration",
         "brief-fits", "brief-does-not-fit"],
)
def test_plan_edges(date: str, deadline: str, plan: dict[str, dict[str, object]], key: str, expected: str) -> None:
    """Where a step goes when hours, business days and deadlines pull in different directions."""
    schedule = plan_for(date, "America/New_York", settings=settings_from_mapping(plan), offer_deadline=deadline)
    assert local_times(schedule)[key] == expected
    step = _step(schedule, key)
    assert step.duration == timedelta(minutes=int(plan.get(key, {}).get("duration", step.duration // MINUTE)))


@pytest.mark.parametrize(
    ("outcome", "kept", "gone"),
    [
        # A time on the interview day, after the brief (16:30): the brief stays, the 17:00 keep-searching
        # of the next day goes.
        ("2026-12-01 18:00", {"thank-you", "brief-references"}, {"keep-searching-1", "follow-up-call"}),
        # A time on the interview day before the brief: it goes (pending-only steps after the outcome).
        ("2026-12-01 16:15", {"thank-you"}, {"brief-references", "keep-searching-1"}),
        # Only the interview's date: the outcome counts from the interview's end, so the brief goes too.
        ("2026-12-01", {"thank-you"}, {"brief-references", "keep-searching-1"}),
    ],
)
def test_an_outcome_on_the_interview_day(outcome: str, kept: set[str], gone: set[str]) -> None:
    """An offer recorded on the interview day keeps only what comes before the moment it was recorded."""
    times = local_times(plan_for("2026-12-01 14:00", "America/New_York", status="offer", outcome_date=outcome,
                                 offer_deadline="2026-12-18"))
    assert kept <= set(times) and not gone & set(times)


def test_status_checks_alternate_channels_from_the_first() -> None:
    """Status checks come every 7 days after the call, their channel alternating from the plan's `first`.

    The Step record carries no channel yet, so the channel is told without reading words: a check's reminder
    text depends only on its channel, so the odd checks share one text, the even ones the other, and setting
    `first` to phone swaps the two.
    """
    email_first = [s for s in plan_for("2026-12-01 14:00", "UTC").steps if s.step_id == "status-check"]
    phone = settings_from_mapping({"status-check": {"first": "phone"}})
    phone_first = [s for s in plan_for("2026-12-01 14:00", "UTC", settings=phone).steps if s.step_id == "status-check"]
    assert [s.step.index for s in email_first] == [1, 2, 3, 4]
    assert {(b.start - a.start).days for a, b in itertools.pairwise(email_first)} == {7}
    assert [s.start for s in email_first] == [s.start for s in phone_first]
    first, second = email_first[0].alarm_text, email_first[1].alarm_text
    assert first != second
    assert [s.alarm_text for s in email_first] == [first, second, first, second]
    assert [s.alarm_text for s in phone_first] == [second, first, second, first]
    # the whole description too: what to say by email, what to say on the phone
    email_text, phone_text = email_first[0].description, email_first[1].description
    assert email_text != phone_text
    assert [s.description for s in phone_first] == [phone_text, email_text, phone_text, email_text]


ALL_KINDS = frozenset({"thank-you", "brief-references", "keep-searching", "follow-up-call", "status-check",
                       "competing-offer"})


@pytest.mark.parametrize(
    ("plan", "kinds", "expected"),
    [
        # every 3 days from Wednesday: Saturday's reminder moves to Monday, the next is Tuesday
        ({"keep-searching": {"every": 3, "count": 3}}, {"keep-searching"},
         {"keep-searching-1": "Wed 2026-12-02 09:00 -0500", "keep-searching-2": "Mon 2026-12-07 09:00 -0500",
          "keep-searching-3": "Tue 2026-12-08 09:00 -0500"}),
        # no call in the calendar: the status checks still count from the day it would have been
        ({"follow-up-call": {"include": False}, "status-check": {"count": 1}}, {"follow-up-call", "status-check"},
         {"status-check-1": "Tue 2026-12-15 10:00 -0500"}),
        # each step can be left out, or counted down to none
        ({"thank-you": {"include": False}, "brief-references": {"include": False},
          "competing-offer": {"include": False}, "keep-searching": {"count": 0},
          "status-check": {"count": 0}}, ALL_KINDS,
         {"follow-up-call": "Tue 2026-12-08 10:00 -0500"}),
        ({"keep-searching": {"include": False}, "status-check": {"include": False},
          "follow-up-call": {"include": False}}, ALL_KINDS,
         {"thank-you": "Tue 2026-12-01 16:00 -0500", "competing-offer": "Tue 2026-12-01 16:00 -0500",
          "brief-references": "Tue 2026-12-01 16:30 -0500"}),
    ],
    ids=["search-every-3-days", "checks-without-call", "only-the-call", "first-day-only"],
)
def test_plan_settings_shape_the_steps(plan: dict[str, dict[str, object]], kinds: set[str],
                                       expected: dict[str, str]) -> None:
    """Counts, intervals and include switches decide which steps of the given kinds exist, and when."""
    schedule = plan_for("2026-12-01 14:00", "America/New_York", settings=settings_from_mapping(plan),
                        offer_deadline="2026-12-04")
    times = local_times(schedule)
    assert {step.key: times[step.key] for step in schedule.steps if step.step_id in kinds} == expected


@pytest.mark.parametrize(
    ("outcome", "gone", "kept"),
    [
        # decided when the interview ended: every pending-only step leaves; the offer's own deadline is
        # answered, never told to the company as "another offer"
        ("2026-12-01", {"competing-offer", "brief-references", "keep-searching-1", "follow-up-call",
                        "status-check-1"}, {"thank-you", "answer-offer"}),
        # decided at the very minute of the call: a step starting at the outcome is already moot
        ("2026-12-08 10:00", {"follow-up-call", "keep-searching-2", "competing-offer"},
         {"keep-searching-1", "answer-offer"}),
        # a minute later: the call has happened
        ("2026-12-08 10:01", {"keep-searching-2", "status-check-1"}, {"follow-up-call"}),
    ],
)
def test_pending_only_steps_leave_from_the_outcome_on(outcome: str, gone: set[str], kept: set[str]) -> None:
    """Once an offer is recorded, checks, searching and the call from then on go; answering it stays."""
    times = local_times(plan_for("2026-12-01 14:00", "America/New_York", status="offer", outcome_date=outcome,
                                 offer_deadline="2026-12-18"))
    assert kept <= set(times) and not gone & set(times)


def test_a_rejection_adds_keep_in_touch_only_when_the_plan_has_it() -> None:
    """Turning keep-in-touch off leaves a rejection with no new step."""
    plan = settings_from_mapping({"keep-in-touch": {"include": False}})
    times = local_times(plan_for("2026-12-01 14:00", "America/New_York", settings=plan, status="rejected",
                                 outcome_date="2026-12-10"))
    assert "keep-in-touch" not in times and "follow-up-call" in times


def test_steps_at_the_same_minute_are_in_key_order() -> None:
    """Friday evening: the brief and the first search reminder are both Monday 09:00, brief first."""
    keys = [step.key for step in plan_for("2026-12-04 19:00", "America/New_York").steps]
    assert keys[:4] == ["interview", "thank-you", "brief-references", "keep-searching-1"]


@pytest.mark.parametrize(
    ("date", "deadline", "expected"),
    [
        # Friday 16:00, the other offer ends at 18:15: no business slot, the 18:00-18:15 waking slot is in time.
        ("2026-12-04 16:00", "2026-12-04 18:15", "Fri 2026-12-04 18:00 -0500"),
        # It ends Monday 09:10: Monday 09:00-09:15 is too late by five minutes, so Friday evening.
        ("2026-12-04 16:00", "2026-12-07 09:10", "Fri 2026-12-04 18:00 -0500"),
        # It ends Monday 09:15: the business slot ends exactly then, and business hours come first.
        ("2026-12-04 16:00", "2026-12-07 09:15", "Mon 2026-12-07 09:00 -0500"),
        # A Saturday interview, the offer ends Sunday noon: waking hours on the weekend, Saturday 12:00.
        ("2026-12-05 10:00", "2026-12-06 12:00", "Sat 2026-12-05 12:00 -0500"),
    ],
)
def test_the_offer_call_falls_back_from_business_to_waking_hours(date: str, deadline: str, expected: str) -> None:
    """Business hours if a slot there ends by the deadline, else the first waking-hours slot that does."""
    times = local_times(plan_for(date, "America/New_York", offer_deadline=deadline))
    assert times["competing-offer"] == expected


def test_an_outcome_during_a_late_interview_counts_from_its_end() -> None:
    """Rejected at 23:45 during an interview that ends at 00:30: keep-in-touch is the business day after the end's."""
    times = local_times(plan_for("2026-12-01 23:30", "America/New_York", status="rejected",
                                 outcome_date="2026-12-01 23:45"))
    assert times["keep-in-touch"] == "Thu 2026-12-03 10:00 -0500"


def test_a_closed_interview_without_any_date_counts_from_its_end() -> None:
    """Called with neither an outcome date nor a clock, the planner takes the interview's end as the outcome."""
    from followup_ics.core.planner import plan_interview

    schedule = plan_for("2026-12-04 14:00", "America/New_York", status="rejected", outcome_date="2026-12-04")
    interview = schedule.interview._replace(outcome_at=None)
    times = local_times(plan_interview(interview))
    assert times["keep-in-touch"] == "Mon 2026-12-07 10:00 -0500"
    assert not any(key.startswith(("keep-searching", "status-check", "follow-up-call")) for key in times)


@pytest.mark.parametrize(
    ("date", "wanted"),
    [("2026-12-01 13:59:59", "16:00:00"), ("2026-12-01 13:59:59.5", "16:00:00"), ("2026-12-01 13:44:59", "15:45:00")],
)
def test_a_start_with_seconds_still_gives_quarter_hours(date: str, wanted: str) -> None:
    """Seconds typed in the date do not leak into the follow-ups: the thank-you is on the next quarter hour."""
    schedule = plan_for(date, "America/New_York")
    thank_you = next(step for step in schedule.steps if step.step_id == "thank-you")
    assert thank_you.start.strftime("%H:%M:%S.%f") == wanted + ".000000"


def test_a_closed_interview_without_an_outcome_date_counts_from_the_clock_given() -> None:
    """With no outcome date, the planner takes the moment it is told (`as_of`) as the outcome."""
    from followup_ics.core.planner import plan_interview

    schedule = plan_for("2026-12-04 14:00", "America/New_York", status="rejected", outcome_date="2026-12-04")
    interview = schedule.interview._replace(outcome_at=None)
    times = local_times(plan_interview(interview, as_of=datetime(2026, 12, 9, 12, 0, tzinfo=UTC)))
    assert times["keep-in-touch"] == "Thu 2026-12-10 10:00 -0500"
    assert "keep-searching-1" in times and not {"keep-searching-2", "follow-up-call"} & set(times)


# The round's steps without a pending copy of the interview, and day picks run on both weeks, checked against
# the slow ways they replace: plan_interview of the pending copy, and _with_move recording what was asked.
_ROUND_SETTINGS = settings_from_mapping({"keep-searching": {"include": False}, "competing-offer": {"include": False}})


@hyp_settings(max_examples=150, deadline=None)
@given(naive=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2036, 12, 31)),
       zone=st.sampled_from(["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Lord_Howe", "UTC"]),
       country=st.sampled_from(["US", "DE", "JP", "CN", ""]), status=st.sampled_from(list(Status)),
       offer=st.booleans())
def test_round_steps_are_the_pending_plans(naive: datetime, zone: str, country: str, status: Status,
                                           offer: bool) -> None:
    """round_steps gives the steps plan_interview gives the interview made pending, without another offer."""
    tz = pytz.timezone(zone)
    start = tz.localize(naive.replace(second=0, microsecond=0))
    interview = Interview(company="Acme", start=start, zone=zone, status=status,
                          offer_deadline=start + timedelta(days=9) if offer else None)
    week = CountryWeek(country)
    pending = interview._replace(status=Status.PENDING, offer_deadline=None, outcome_at=None)
    expected = plan_interview(pending, _ROUND_SETTINGS, week=week).steps
    got = round_steps(interview, _ROUND_SETTINGS, tz, week)
    assert sorted(got, key=lambda s: (s.start, s.key)) == list(expected)


@hyp_settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=date(2001, 1, 1), max_value=date(2036, 12, 31)),
       country=st.sampled_from(["US", "DE", "JP", "CN", "AE", ""]), count=st.integers(min_value=0, max_value=5))
def test_day_picks_move_as_recorded(day: date, country: str, count: int) -> None:
    """_day_moved gives _with_move's day and Move for the rules that pick a day from days alone."""
    week = CountryWeek(country)
    for since, pick in ((day, lambda days: next_business_day(day, days)),
                        (day - timedelta(days=1), lambda days: on_or_after_business_day(day, days)),
                        (day, lambda days: _call_day(day, max(count, 1), days))):
        assert _day_moved(week, since, pick) == _with_move(week, since, pick)


@pytest.mark.parametrize(("changes", "field"), [
    ({"company": " "}, "company"),
    ({"duration": timedelta(0)}, "duration"),
    ({"url": "ftp://x"}, "url"),
    ({"offer_deadline": datetime(2026, 12, 1, 10, 30, tzinfo=UTC)}, "offer_deadline"),
    ({"outcome_at": datetime(2026, 11, 30, tzinfo=UTC)}, "outcome_date"),
    ({"start": datetime(2026, 12, 1, 10)}, "date"),
])
def test_an_interview_is_checked_when_made_and_when_changed(changes: dict[str, object], field: str) -> None:
    """An Interview (a NamedTuple) checks its values when made, and a changed copy (_replace) is checked the
    same way: a roster renames and re-dates interviews by _replace."""
    good = Interview(company="Acme", start=datetime(2026, 12, 1, 10, tzinfo=UTC), zone="UTC")
    assert good._replace(interview_id="acme-2") == Interview(company="Acme", start=good.start, zone="UTC",
                                                             interview_id="acme-2")
    with pytest.raises(InputError) as made:
        Interview(**{**good._asdict(), **changes})
    with pytest.raises(InputError) as changed:
        good._replace(**changes)
    assert made.value.field == changed.value.field == field


@hyp_settings(max_examples=80, deadline=None)
@given(day=st.dates(date(2026, 1, 1), date(2027, 12, 31)), minutes=st.integers(6 * 60, 20 * 60),
       zone_name=st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]),
       after=st.integers(-2 * 24 * 60, 60 * 24 * 60), country=st.sampled_from(["", "DE", "US"]))
def test_round_steps_leave_out_exactly_the_status_checks_from_their_end_on(
        day: date, minutes: int, zone_name: str, after: int, country: str) -> None:
    """round_steps with ``checks_until`` (what plan_round would drop, never made): the steps without it, less
    the status checks at or after that moment, and nothing else."""
    from followup_ics.core.settings import DEFAULT_SETTINGS
    from followup_ics.core.wallclock import at
    from followup_ics.core.zones import tzinfo

    zone = tzinfo(zone_name)
    start = at(zone, day, datetime.min.time()) + timedelta(minutes=minutes)
    interview = Interview(company="Acme", start=start, zone=zone_name)
    week = CountryWeek(country)
    until = start + timedelta(minutes=after)
    every = round_steps(interview, DEFAULT_SETTINGS, zone, week)
    checks = [step.start for step in every if step.step_id == "status-check"]
    for end in (until, checks[1]):  # (the second: a check at the very moment is left out too)
        assert round_steps(interview, DEFAULT_SETTINGS, zone, week, end) == [
            step for step in every if not (step.step_id == "status-check" and step.start >= end)]
