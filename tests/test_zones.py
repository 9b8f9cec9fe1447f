"""Zone lookup: our fast path gives exactly pytz's zone objects; odd spellings still work or fail clearly."""

from __future__ import annotations

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
