"""Language._ fills a message's placeholders as str.format does, for every message of every catalog and
every placeholder form (it remembers each translation, and fills it from its pieces, else with format_map)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.wording.language import LOCALE_DIR, SUPPORTED, Language, pieces

CATALOGS = sorted(Path(LOCALE_DIR).glob("*/LC_MESSAGES/*.po"))


def _messages() -> list[str]:
    with CATALOGS[0].open("rb") as handle:
        return [str(message.id) for message in read_po(handle) if message.id and isinstance(message.id, str)]


def _values(text: str) -> dict[str, object]:
    """A value for each placeholder: text with braces and non-ASCII, and a number (a step's index)."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return {name: (7 if name in ("number", "total", "count") else f"{{{name}}} Zürich") for name in names}


@pytest.mark.parametrize("code", SUPPORTED)
def test_every_message_as_str_format_fills_it(code: str) -> None:
    """Each translation filled equals gettext's text filled by str.format (asked twice: the second time
    from the remembered translation)."""
    lang = Language(code)
    assert _messages(), "no messages read from the catalogs"
    for message in _messages():
        values = _values(message)
        expected = lang._catalog.gettext(message)
        expected = expected.format(**values) if values else expected
        assert lang._(message, **values) == expected
        assert lang._(message, **values) == expected


@pytest.mark.parametrize(("message", "values"), [
    ("{{literal braces}} and {name}", {"name": "x"}),  # doubled braces are text
    ("{name:>6}|", {"name": "ab"}),  # a format spec
    ("{number:03d} of {total}", {"number": 2, "total": 4}),  # a spec on an int
    ("{name!r}", {"name": "quoted"}),  # a conversion: str.format's own way
    ("{item.real}", {"item": 3}),  # an attribute: str.format's own way
    ("{0}", {}),  # positional: str.format's error
    ("{name}", {}),  # a missing value: str.format's error
])
def test_placeholder_forms(message: str, values: dict[str, object]) -> None:
    """The placeholder forms str.format knows give its text, or its error."""
    lang = Language("en")
    try:
        expected: object = message.format(**values)
    except (KeyError, IndexError) as error:
        expected = type(error)
    try:
        got: object = lang._(message, **values) if values else lang._(message, unused=1)
    except (KeyError, IndexError) as error:
        got = type(error)
    if not values and isinstance(expected, str):
        expected = message.format(unused=1)
    assert got == expected


# Message text from pieces that matter to the parser: plain and non-ASCII text, braces single and doubled,
# placeholders plain and not (spec, conversion, attribute, index, positional), and names a value may lack.
PIECES = st.sampled_from(["Hello ", "é日 ", "{", "}", "{{", "}}", "{name}", "{other}", "{missing}", "{name:>4}",
                          "{name!r}", "{name.real}", "{name[0]}", "{0}", "{}", "{other!s:3}", ":", "!"])


class _Name(str):
    """A str subclass: format_map writes it through format(), not as the value itself."""


VALUES = st.one_of(st.text(max_size=5), st.text(max_size=5).map(_Name), st.integers(), st.floats(allow_nan=False),
                   st.booleans())


@settings(max_examples=2000, deadline=None)
@given(text=st.lists(PIECES, max_size=6).map("".join), name=VALUES, other=VALUES)
def test_pieces_are_filled_as_format_map_fills_the_text(text: str, name: object, other: object) -> None:
    """Where a text has pieces, Language._ gives format_map's text, or its error, for any values."""
    if pieces(text) is None:
        return
    values = {"name": name, "other": other}
    try:
        expected: object = text.format_map(values)
    except Exception as error:  # the error's type is what is compared
        expected = type(error)
    try:
        got: object = Language("en")._(text, **values)
    except Exception as error:
        got = type(error)
    assert got == expected


@pytest.mark.parametrize(("text", "parts"), [
    ("Dear {name},", ("Dear ", "name", ",")), ("{name} and {other}", ("", "name", " and ", "other", "")),
    ("{{x}} {name}", ("{x} ", "name", "")), ("{a}{b}{c}", ("", "a", "", "b", "", "c", "")),
    ("no placeholder", None), ("{a}{b}{c}{d}", None), ("{name:>4}", None), ("{name!r}", None), ("{0}", None),
    ("{name", None),
])
def test_pieces_only_for_one_to_three_plain_placeholders(text: str, parts: tuple[str, ...] | None) -> None:
    """The texts that have pieces; the others go to format_map (the property above checks only pieces)."""
    assert pieces(text) == parts
