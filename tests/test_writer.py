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
from followup_ics.ical import writer
from followup_ics.ical.reference import FeedOptions, build_calendar, step_uid

GOLDEN = Path(__file__).parent / "golden"
# Text that stresses escaping and folding: delimiters, backslashes, carets, line breaks, multi-byte letters.
HOSTILE = st.text(alphabet=st.sampled_from(list("ab ,;:\\^\"'\n\r\tÉü日本😀-/N")), min_size=1, max_size=120)
NAMES = HOSTILE.filter(lambda text: text.strip() and text.isprintable())


def _same(schedules: list[Schedule], **options: object) -> None:
    reference = build_calendar(schedules, stamp=STAMP, **options).to_ical()  # type: ignore[arg-type]
    assert writer.calendar_text(schedules, stamp=STAMP, **options).encode("utf-8") == reference  # type: ignore[arg-type]


@pytest.mark.parametrize("case", sorted(GOLDEN.glob("*.args")), ids=lambda path: path.stem)
def test_golden_cases(case: Path) -> None:
    args = case.read_text(encoding="utf-8").splitlines()
    options = dict(zip(args[::2], args[1::2], strict=False))
    schedule = plan_for(options["--date"], options.get("--tz", "UTC"), company=options["--company"])
    _same([schedule])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(sorted(pytz.all_timezones)),
    wall=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2035, 12, 31)),
    company=NAMES,
    notes=HOSTILE,
    location=NAMES,
    status=st.sampled_from(["pending", "offer", "rejected", "withdrawn", "accepted"]),
    deadline_days=st.none() | st.integers(min_value=1, max_value=60),
    url=st.sampled_from(["", "https://jobs.example/a?b=c,d;e", "http://x.example/" + "p" * 90]),
    feed=st.booleans(),
    sequence=st.integers(min_value=0, max_value=1000),
)
def test_random_schedules_in_every_zone(zone: str, wall: datetime, company: str, notes: str, location: str,
                                        status: str, deadline_days: int | None, url: str, feed: bool,
                                        sequence: int) -> None:
    deadline = "" if deadline_days is None else f"{wall + timedelta(days=deadline_days):%Y-%m-%d %H:%M}"
    outcome = "" if status == "pending" else f"{wall + timedelta(days=9):%Y-%m-%d}"
    schedule = plan_for(f"{wall:%Y-%m-%d %H:%M}", zone, company=company, notes=notes, location=location,
                        status=status, outcome_date=outcome,
                        offer_deadline=deadline, url=url, now=datetime(2001, 1, 1, tzinfo=UTC))
    earlier = STAMP - timedelta(days=sequence)
    revisions = {step_uid(schedule.interview, step): (sequence, earlier) for step in schedule.steps[::2]}
    options = {"feed": FeedOptions(timedelta(hours=3))} if feed else {}
    _same([schedule], revisions=revisions, **options)


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


@given(st.text(min_size=0, max_size=400).filter(lambda text: "\n" not in text and "\r" not in text))
def test_folding_matches_icalendar(line: str) -> None:
    assert writer._fold(line) == _foldline(line)


@pytest.mark.parametrize("line", ["x" * 73 + "\\n" + "y" * 80, "x" * 73 + "^^" + "y", "é" * 40, "a" * 74, "a" * 75,
                                  "\\" * 200, "x" * 72 + "😀" + "y" * 10])
def test_folding_edge_cases(line: str) -> None:
    assert writer._fold(line) == _foldline(line)


