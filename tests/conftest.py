"""Fixtures every test gets: a fixed clock, an unusual machine zone, and the conformance check of each .ics
a test writes. Shared helpers live in support.py."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator

import pytest
from hypothesis import settings
from support import SOURCE_DATE_EPOCH

# CI runs the same examples every time (.ci/run sets HYPOTHESIS_PROFILE=ci), so a build never fails on a
# case that a random draw happened to find; local runs keep exploring, and keep what they find.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# The mutation run (benchmarks/mutation.sh) forks a test run per mutant: fewer examples there, the same every
# time; a survivor is run again under "ci" before it counts.
settings.register_profile("mutation", derandomize=True, database=None, max_examples=15)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Parser reads per test at most (bytes are checked for every file): a test that writes a thousand interviews
# would otherwise spend minutes in three parsers.
PARSED_PER_TEST = 12


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
def _cache_outside_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The holidays kept between runs go to a folder of this session (subprocesses too), never the real home."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


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


class Checked:
    """Digests of the files already checked in this session: many tests write the same bytes (the same CSV
    through batch, serve and export-site), and checking them again proves nothing new."""

    def __init__(self) -> None:
        self.bytes_checked: set[bytes] = set()
        self.parsed: set[bytes] = set()


@pytest.fixture(scope="session")
def _checked() -> Checked:
    return Checked()


@pytest.fixture(autouse=True)
def _every_written_calendar_conforms(request: pytest.FixtureRequest, _checked: Checked) -> Iterator[None]:
    """The conformance suite runs on every .ics a test leaves in its tmp_path: bytes and structure for each
    distinct file, and what three parsers read for up to PARSED_PER_TEST new distinct files per test,
    all.ics first (it holds every event of its batch). A file with the bytes of one checked earlier in the
    session (keyed by its SHA-256) is not checked again. Tests that write foreign .ics files (invitations)
    opt out with foreign_ics."""
    checked = "tmp_path" in request.fixturenames and not request.node.get_closest_marker("foreign_ics")
    folder = request.getfixturevalue("tmp_path") if checked else None  # asked first, so torn down after us
    yield
    if folder is None:
        return
    from icscheck import assert_parsers_agree, check_bytes

    parsed_here = 0
    paths = sorted(folder.rglob("*.ics"), key=lambda path: (path.name != "all.ics", str(path)))
    for path in paths:
        data = path.read_bytes()
        digest = hashlib.sha256(data).digest()
        try:
            if digest not in _checked.parsed and parsed_here < PARSED_PER_TEST:
                assert_parsers_agree(data)
                _checked.parsed.add(digest)
                parsed_here += 1
            elif digest not in _checked.bytes_checked:
                check_bytes(data)
        except AssertionError as error:
            raise AssertionError(f"{path.relative_to(folder)} does not conform: {error}") from None
        _checked.bytes_checked.add(digest)
