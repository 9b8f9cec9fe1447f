"""Zone lookup: our fast path gives exactly pytz's zone objects; odd spellings still work or fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytz

from followup_ics.core.errors import InputError
from followup_ics.core.zones import tzinfo
from followup_ics.ical.zonenames import resolve_zone


def test_every_pytz_zone_is_the_very_object_pytz_returns() -> None:
    for name in pytz.all_timezones:
        assert tzinfo(name) is pytz.timezone(name), name


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("america/new_york", "America/New_York"), (" Europe/Paris ", "Europe/Paris"), ("utc", "UTC"),
     (":Asia/Kolkata", "Asia/Kolkata"), ("US/Eastern", "US/Eastern"),
     ("Eastern Standard Time", "America/New_York"), ("w. europe  standard time", "Europe/Berlin"),
     ("AUS Eastern Standard Time", "Australia/Sydney"), ("Tokyo Standard Time", "Asia/Tokyo")],
)
def test_names_resolve_to_their_canonical_spelling(typed: str, canonical: str) -> None:
    assert resolve_zone(typed) == canonical


@pytest.mark.parametrize("typed", ["Mars/Olympus", "../../etc/passwd", "zone.tab", "Europe/", "Asia/Kolkatä", "",
                                   "Martian Standard Time"])
def test_unknown_names_are_an_input_error(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        resolve_zone(typed)
    assert caught.value.field == "timezone"


def test_writes_as_utc_is_icalendars_answer_for_every_pytz_zone() -> None:
    """Decided without icalendar, the same as icalendar's: a zone it writes as UTC gets no VTIMEZONE."""
    from icalendar.timezone import tzid_from_tzinfo

    from followup_ics.ical.zonenames import writes_as_utc

    differing = [name for name in pytz.all_timezones
                 if writes_as_utc(name) != (tzid_from_tzinfo(pytz.timezone(name)) == "UTC")]
    assert differing == []
    assert writes_as_utc("Africa/Abidjan") and not writes_as_utc("Europe/London")  # GMT in winter only


def test_windows_names_are_icalendars_table() -> None:
    """Our copy of the CLDR Windows names is the one icalendar ships, so upgrading icalendar keeps them in step."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    from followup_ics.ical.windowszones import WINDOWS_TO_IANA

    assert WINDOWS_TO_IANA == WINDOWS_TO_OLSON


@pytest.mark.parametrize(
    ("args", "env", "meant"),
    [
        (["--tz", "EST"], {}, "America/New_York"),  # a fixed UTC-5: a New York summer interview an hour late
        (["--tz", "est"], {}, "America/New_York"),  # any case: the lookup is case-insensitive
        (["--tz", "CET"], {}, "Europe/Paris"),  # EU rules, but Belgium's holidays inferred
        (["--tz", "PST8PDT"], {}, "America/Los_Angeles"),
        (["--tz", "HST"], {}, "Pacific/Honolulu"),
        ([], {"FOLLOWUP_ICS_TZ": "MST"}, "America/Denver"),  # typed into the environment: still typed
    ],
)
def test_a_typed_abbreviation_zone_is_refused_with_the_place_meant(args: list[str], env: dict[str, str],
                                                                   meant: str) -> None:
    """--tz EST is the tz database's fixed offset, not Eastern time: refused in one line naming a place's zone."""
    from click.testing import CliRunner

    from followup_ics.cli import cli

    result = CliRunner().invoke(cli, ["plan", "--company", "Acme", "--date", "2027-07-01 14:00", *args], env=env)
    assert result.exit_code == 2, result.output
    assert "is an abbreviation" in result.output and f"e.g. {meant}" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_an_abbreviation_zone_in_a_csv_cell_is_refused_on_its_row(tmp_path: Path) -> None:
    """The same rule for a CSV's timezone cell: the row and column are named, nothing is written."""
    from click.testing import CliRunner

    from followup_ics.cli import cli

    source = tmp_path / "interviews.csv"
    source.write_text("company,date,timezone\nAcme,2027-07-01 14:00,America/Chicago\nGlobex,2027-07-02 10:00,EST\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "interviews.csv:3: column 'timezone': EST is an abbreviation" in result.output
    assert not (tmp_path / "out").exists()


def test_the_machines_own_posix_zone_is_still_read() -> None:
    """TZ=EST5EDT set on the machine (not typed for this run) is read as before: US Eastern rules."""
    from click.testing import CliRunner

    from followup_ics.cli import cli

    result = CliRunner().invoke(cli, ["plan", "--company", "Acme", "--date", "2027-07-01 14:00"],
                                env={"TZ": "EST5EDT"})
    assert result.exit_code == 0, result.output
    assert "times in EST5EDT" in result.output
