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
