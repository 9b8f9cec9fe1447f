"""The default plan in many zones, across DST changes, weekends and outcomes."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from support import local_times, plan_for

from followup_ics.core.errors import InputError
from followup_ics.core.settings import settings_from_mapping


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
    assert [s.summary.split()[0] for s in checks] == ["Email", "Call", "Email", "Call"]
    gaps = {(b.start - a.start).days for a, b in itertools.pairwise(checks)}
    assert gaps == {7}


@pytest.mark.parametrize(
    ("status", "outcome", "gone", "added"),
    [
        ("rejected", "2026-12-10", {"status-check-1", "status-check-2", "keep-searching-3"},
         {"keep-in-touch": "Fri 2026-12-11 10:00 -0500"}),
        ("withdrawn", "2026-12-03", {"follow-up-call", "status-check-1", "keep-searching-2"}, {}),
        ("accepted", "2026-12-09 12:00", {"status-check-1", "keep-searching-3"}, {}),
        ("offer", "2026-12-02 08:00", {"keep-searching-1", "follow-up-call"}, {}),
    ],
)
def test_a_known_outcome_stops_the_remaining_checks(status: str, outcome: str, gone: set[str],
                                                    added: dict[str, str]) -> None:
    """Checks after the outcome leave the plan; past ones stay; a rejection adds a keep-in-touch note."""
    times = local_times(plan_for("2026-12-01 14:00", "America/New_York", status=status,
                                 outcome_date=outcome))
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
    assert "Dec 2026" in step.summary


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
    assert next(s for s in schedule.steps if s.key == "status-check-1").summary.startswith("Call")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"company": "  "}, "company"),
        ({"date": "not a date"}, "date"),
        ({"date": "2026-12-01"}, "date"),
        ({"date": "03/12/2026 10:00"}, "date"),
        ({"date": "2099-01-01 10:00"}, "date"),
        ({"offer_deadline": "2026-11-30"}, "offer-deadline"),
        ({"status": "ghosted"}, "status"),
        ({"duration": "forever"}, "duration"),
        ({"duration": "0"}, "duration"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"interviewers": ("Ana <not-an-email>",)}, "interviewer"),
        ({"contact_phone": "call me"}, "contact"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_input_names_its_field(raw: dict[str, object], field: str) -> None:
    """Every bad value raises an InputError that names the field it came from."""
    fields = {"date": "2026-12-01 14:00", **raw}
    with pytest.raises(InputError) as caught:
        plan_for(str(fields.pop("date")), "America/New_York", **fields)
    assert caught.value.field == field
