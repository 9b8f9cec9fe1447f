from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import settings

from followup_ics.app.config import Request
from followup_ics.app.fields import RawInterview
from followup_ics.app.interview import make_schedule
from followup_ics.core.records import Schedule
from followup_ics.core.settings import DEFAULT_SETTINGS, PlanSettings

# CI runs the same examples every time (.ci/run sets HYPOTHESIS_PROFILE=ci), so a build never fails on a
# case that a random draw happened to find; local runs keep exploring, and keep what they find.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

STAMP = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SOURCE_DATE_EPOCH = str(int(STAMP.timestamp()))
PARSED_PER_TEST = 12


def plan_for(date: str, zone: str, *, settings: PlanSettings = DEFAULT_SETTINGS, now: datetime = STAMP,
             **fields: object) -> Schedule:
    """The schedule for an interview given as the user would type it."""
    raw = RawInterview(company=str(fields.pop("company", "Acme Corp")), date=date, **fields)  # type: ignore[arg-type]
    return make_schedule(raw, Request(zone=zone, now=now, settings=settings))


def local_times(schedule: Schedule) -> dict[str, str]:
    """step key -> 'Tue 2026-12-01 16:00 -0500', in the interview's zone."""
    return {s.key: s.start.strftime("%a %Y-%m-%d %H:%M %z") for s in schedule.steps}


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the same clock, so output is byte-for-byte reproducible."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    for name in ("FOLLOWUP_ICS_TZ", "FOLLOWUP_ICS_PLAN", "FOLLOWUP_ICS_COUNTRY", "FOLLOWUP_ICS_REGION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts are English unless a test asks otherwise, whatever the machine's locale."""
    for name in ("FOLLOWUP_ICS_LANG", "FOLLOWUP_ICS_ME", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True, scope="session")
def _unusual_machine_zone() -> Iterator[None]:
    """Run everything with the machine in a zone no code should depend on (UTC+11, no DST)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Bougainville"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture(autouse=True)
def _every_written_calendar_conforms(request: pytest.FixtureRequest) -> Iterator[None]:
    """The conformance suite runs on every .ics a test leaves in its tmp_path: bytes and structure for each,
    and what three parsers read for each distinct file up to PARSED_PER_TEST, all.ics first (it holds every
    event of its batch). Tests that write foreign .ics files (invitations) opt out with foreign_ics."""
    checked = "tmp_path" in request.fixturenames and not request.node.get_closest_marker("foreign_ics")
    folder = request.getfixturevalue("tmp_path") if checked else None  # asked first, so torn down after us
    yield
    if folder is None:
        return
    from icscheck import assert_parsers_agree, check_bytes

    seen: set[bytes] = set()
    paths = sorted(folder.rglob("*.ics"), key=lambda path: (path.name != "all.ics", str(path)))
    for path in paths:
        data = path.read_bytes()
        try:
            if data in seen or len(seen) >= PARSED_PER_TEST:
                check_bytes(data)
            else:
                assert_parsers_agree(data)
                seen.add(data)
        except AssertionError as error:
            raise AssertionError(f"{path.relative_to(folder)} does not conform: {error}") from None
