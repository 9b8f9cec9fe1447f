"""Invariants of the plan and the file, for random interview times and zones (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
import pytz
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icscheck import assert_parsers_agree, expected_readings
from support import STAMP, plan_for

from followup_ics.app.fields import CONTROL
from followup_ics.core.errors import InputError
from followup_ics.core.settings import DEFAULT_SETTINGS
from followup_ics.core.wallclock import local
from followup_ics.core.workdays import MONDAY_TO_FRIDAY
from followup_ics.ical.reference import step_uid
from followup_ics.ical.writer import render

ZONES = st.sampled_from(sorted(pytz.common_timezones))
WALL = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2036, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0))
LENGTH = st.integers(min_value=15, max_value=240)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plan(wall: datetime, zone: str, minutes: int, country: str = ""):  # type: ignore[no-untyped-def]
    return plan_for(f"{wall:%Y-%m-%d %H:%M}", zone, duration=str(minutes), country=country)


@FAST
@given(WALL, ZONES, LENGTH)
def test_nothing_happens_before_the_interview(wall: datetime, zone: str, minutes: int) -> None:
    """Every step starts at or after the interview starts."""
    schedule = _plan(wall, zone, minutes)
    assert all(step.start >= schedule.interview.start for step in schedule.steps)


@FAST
@given(WALL, ZONES, LENGTH)
def test_thank_you_within_24_hours_and_not_at_night(wall: datetime, zone: str, minutes: int) -> None:
    """The thank-you note is after the interview, done within 24 hours, in waking hours."""
    schedule = _plan(wall, zone, minutes)
    note = next(s for s in schedule.steps if s.step_id == "thank-you")
    assert schedule.interview.end <= note.start
    assert note.end <= schedule.interview.end + timedelta(hours=24)
    assert DEFAULT_SETTINGS.waking.fits(local(pytz.timezone(zone), note.start), note.duration)


@FAST
@given(WALL, ZONES, LENGTH)
def test_calls_fall_on_business_days_at_working_hours(wall: datetime, zone: str, minutes: int) -> None:
    """Monday to Friday (no country): the call is on a business day within 7 days; checks are weekly and
    alternate."""
    schedule = _plan(wall, zone, minutes, country="none")
    tz = pytz.timezone(zone)
    day = local(tz, schedule.interview.start).date()
    call = next(s for s in schedule.steps if s.step_id == "follow-up-call")
    call_local = local(tz, call.start)
    assert MONDAY_TO_FRIDAY.is_working_day(call_local.date()) and 1 <= (call_local.date() - day).days <= 7
    checks = [s for s in schedule.steps if s.step_id == "status-check"]
    dates = [call_local.date()] + [local(tz, s.start).date() for s in checks]
    assert all((b - a).days == 7 for a, b in itertools.pairwise(dates))
    assert [s.step.channel for s in checks] == ["email", "phone", "email", "phone"]
    for step in schedule.steps:
        if step.step_id != "interview":
            assert DEFAULT_SETTINGS.waking.fits(local(tz, step.start), step.duration), step.key


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WALL, ZONES)
def test_every_parser_reads_the_intended_instants(wall: datetime, zone: str) -> None:
    """Independent parsers, forced to use our VTIMEZONE, land every event and alarm where we meant."""
    schedule = _plan(wall, zone, 60)
    data = render([schedule], stamp=STAMP)
    assert_parsers_agree(data, expected_readings([schedule]))


# Any character a value may hold: control characters other than tab and line breaks are refused (fields.py).
_TEXT_CHARACTER = st.characters(blacklist_categories=("Cs",)).filter(lambda char: not CONTROL.match(char))


@FAST
@given(st.text(_TEXT_CHARACTER, min_size=1, max_size=80).filter(lambda s: s.strip()))
def test_any_company_name_survives_escaping(company: str) -> None:
    """Commas, semicolons, backslashes, newlines and any script come back unchanged."""
    import icalendar

    schedule = plan_for("2026-12-01 14:00", "Europe/Paris", company=company)
    data = render([schedule], stamp=STAMP)
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    expected = schedule.interview.company
    assert all(expected in str(event["SUMMARY"]) or expected in str(event["DESCRIPTION"]) for event in events)
    assert data.count(b"BEGIN:VEVENT") == len(schedule.steps)


@FAST
@given(st.text(_TEXT_CHARACTER, max_size=20), st.from_regex(CONTROL, fullmatch=True),
       st.text(_TEXT_CHARACTER, max_size=20))
def test_a_control_character_anywhere_is_refused(before: str, control: str, after: str) -> None:
    """One rule for every value: a control character (but tab, CR, LF) is an error naming the field."""
    with pytest.raises(InputError, match=r"^company: contains control characters"):
        plan_for("2026-12-01 14:00", "Europe/Paris", company="Acme " + before + control + after)


@FAST
@given(WALL, ZONES)
def test_uids_are_unique_and_stable(wall: datetime, zone: str) -> None:
    """The same interview always gets the same UIDs, all different from each other."""
    first = _plan(wall, zone, 60)
    again = _plan(wall, zone, 60)
    uids = [step_uid(first.interview, s) for s in first.steps]
    assert len(set(uids)) == len(uids)
    assert uids == [step_uid(again.interview, s) for s in again.steps]


def _slug_before(text: str, limit: int = 40) -> str:
    """slug() as it was before ASCII text skipped NFKD: every text normalised, re.sub with its pattern."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-")


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.one_of(st.characters(max_codepoint=127), st.sampled_from(
    "\u00e9\u00fc\u00df\u0301\u0308\u0130\u212a\ufb01\uff21\uff41\uff10\u2460\u00bd\u3000\u00a0-"),
    st.characters())), limit=st.sampled_from([40, 60, 1000]))
@example(text="Caf\u00e9 Z\u00fcrich, Inc.", limit=40)
@example(text="\uff21\uff43\uff4d\uff45 \u0130stanbul \ufb01ne \u212aelvin", limit=40)
@example(text="row-12", limit=60)  # already a slug: kept as it is
@example(text="-Row--12-", limit=60)  # hyphens doubled and at the ends
@example(text="ROW\u00e912", limit=60)
def test_slug_is_what_it_was_for_every_text(text: str, limit: int) -> None:
    """ASCII text skips NFKD (it leaves ASCII as it is), and text that is a slug already the substitution:
    full-width forms, combining marks, ligatures and other non-ASCII text are still normalised, doubled
    hyphens still collapsed, so every text slugs as before."""
    from followup_ics.core.identity import slug

    assert slug(text, limit) == _slug_before(text, limit)


# Long runs of one letter or of separators reach the 40-character cut, where a trailing hyphen is dropped.
@given(st.text(alphabet=st.sampled_from("aZé-. ,_0ß\u0301"), max_size=120) | st.text(max_size=60))
@example("a" * 39 + " tail")  # cut right after a separator: the stem must not end in "-"
@example("a" * 40)  # exactly the cut: whole
def test_a_company_is_slugged_once_for_its_stem_and_whether_it_was_cut(company: str) -> None:
    """One slugging gives what slug(company) and the comparison with slug(company, 1000) gave as two."""
    from followup_ics.core.identity import _company_slug, slug

    cut, whole = _company_slug(company)
    assert cut == slug(company) and whole == (slug(company) == slug(company, 1000))
