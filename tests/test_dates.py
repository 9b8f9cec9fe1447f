"""The date forms a user types: each either gives the intended wall time or one clear refusal."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner

from followup_ics.app.fields import parse_moment
from followup_ics.cli import cli
from followup_ics.core.errors import InputError

ZONE = "America/New_York"

# (typed, day_first, expected local wall time in ZONE)
READ = [
    ("2026-12-01 14:00", None, "2026-12-01 14:00"),
    ("2026-12-01T14:00", None, "2026-12-01 14:00"),
    ("2026-12-01T14:00:30", None, "2026-12-01 14:00"),
    ("20261201T1400", None, "2026-12-01 14:00"),  # ISO basic format
    ("  2026-12-01   14:00 ", None, "2026-12-01 14:00"),  # stray spaces
    ("Dec 1 2026 2pm", None, "2026-12-01 14:00"),  # hour without minutes: was "needs a time of day"
    ("Dec 1 2026 2 PM", None, "2026-12-01 14:00"),
    ("Dec 1, 2026 at 2pm", None, "2026-12-01 14:00"),
    ("December 1 2026 14:30", None, "2026-12-01 14:30"),
    ("1 dec 2026 2pm", None, "2026-12-01 14:00"),  # day-month in words is never ambiguous
    ("Tue Dec 1 2026 9am", None, "2026-12-01 09:00"),
    ("Dec 1 2026 12am", None, "2026-12-01 00:00"),  # 12am is midnight
    ("Dec 1 2026 12pm", None, "2026-12-01 12:00"),  # 12pm is noon
    ("Dec 1 2026 12:30 a.m.", None, "2026-12-01 00:30"),
    ("2026-12-01 2:00 PM", None, "2026-12-01 14:00"),  # year first + 12-hour: was "ambiguous"
    ("2026-12-01 2pm", None, "2026-12-01 14:00"),
    ("2026/12/01 14:00", None, "2026-12-01 14:00"),  # slashes, year first: was "ambiguous"
    ("2026/12/01 2:15 pm", None, "2026-12-01 14:15"),
    ("2026.12.01 14:00", None, "2026-12-01 14:00"),
    ("2026-1-5 9:00", None, "2026-01-05 09:00"),  # one-digit month and day
    ("2026/12/01 14:00", True, "2026-12-01 14:00"),  # --day-first never turns a year-first date around
    ("2026-12-01 14h30", None, "2026-12-01 14:30"),  # French habit
    ("12/25/2026 14:00", None, "2026-12-25 14:00"),  # day over 12: only one reading
    ("25/12/2026 14:00", None, "2026-12-25 14:00"),
    ("03/12/2026 14:00", True, "2026-12-03 14:00"),  # the order chosen by --day-first
    ("03/12/2026 14:00", False, "2026-03-12 14:00"),
    ("2026-12-01 19:00 UTC", None, "2026-12-01 14:00"),  # an explicit zone converts into ZONE
    ("2026-12-01 20:00 UTC+1", None, "2026-12-01 14:00"),  # UTC+1 is ahead of UTC (dateutil reads it behind)
    ("2026-12-01 16:00 GMT-3", None, "2026-12-01 14:00"),
    ("2026-12-01 14:00-05:00", None, "2026-12-01 14:00"),
    ("2026-12-01T19:00Z", None, "2026-12-01 14:00"),
]

# (typed, day_first, words the one-line refusal must contain)
REFUSED = [
    ("03/12/2026 14:00", None, "day and month are ambiguous"),  # the locale trap
    ("Dec 1 2026", None, "needs a time of day"),
    ("2026-12-01", None, "needs a time of day"),
    ("2026/12/01", None, "needs a time of day"),
    ("1 dec 2026 2pm EST", None, "abbreviation is ambiguous (EST"),  # was a Python UnknownTimezoneWarning
    ("2026-12-01 14:00 CET", None, "Europe/Paris"),  # the refusal names a zone to give instead
    ("2026-12-01 14:00 IST", None, "abbreviation"),  # India, Israel or Ireland
    ("2026-13-01 14:00", None, "not a valid date"),  # year first: month 13 is not swapped into a day
    ("2026-02-30 10:00", None, "not a valid date"),
    ("2026-12-01 13pm", None, "cannot read"),
    ("next tuesday", None, "cannot read"),
    ("1999-12-01 14:00", None, "year must be between"),
]


@pytest.mark.parametrize(("typed", "day_first", "expected"), READ)
def test_date_forms_are_read_as_meant(typed: str, day_first: bool | None, expected: str) -> None:
    """Each form gives the intended local wall time, with no Python warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        moment, _, has_time = parse_moment(typed, ZONE, "date", day_first=day_first)
    assert has_time and moment.strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(("typed", "day_first", "words"), REFUSED)
def test_unreadable_dates_are_refused_in_one_line(typed: str, day_first: bool | None, words: str) -> None:
    """Each refusal is an InputError naming the field, never a guess or a Python warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError) as caught:
            parse_moment(typed, ZONE, "date", day_first=day_first)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_the_forms_the_readme_shows_work_through_the_cli() -> None:
    """`--date "Dec 1 2026 2pm"` and friends: exit 0, nothing on stderr."""
    for typed in ("Dec 1 2026 2pm", "2026-12-01 2:00 PM", "2026/12/01 14:00"):
        result = CliRunner().invoke(cli, ["generate", "--company", "Acme", "--date", typed, "--tz", ZONE,
                                          "--country", "US", "-o", "-"])
        assert result.exit_code == 0 and result.stderr == "", (typed, result.stderr)
        assert "DTSTART;TZID=America/New_York:20261201T140000" in result.stdout


def test_a_zone_abbreviation_is_one_line_and_no_warning() -> None:
    """"1 dec 2026 2pm EST": one Error line, exit 2, no UnknownTimezoneWarning on stderr."""
    result = CliRunner().invoke(cli, ["generate", "--company", "Acme", "--date", "1 dec 2026 2pm EST",
                                      "--tz", ZONE, "--country", "US", "-o", "-"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: --date: a time zone abbreviation") and "Warning" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
