"""The user's language: which ones we speak, how one is chosen, and its messages, lists and dates.

Messages come from standard gettext catalogs (``locale/<code>/LC_MESSAGES/followup_ics.po``, English as the
source language); dates, times and lists from Babel's CLDR data for the locale. English is the source, so it
needs neither: an English run never imports Babel and never opens a catalog, which keeps the common start fast.

A catalog is compiled on first use: the ``.mo`` beside the ``.po`` is used while it is at least as new, else the
``.po`` is compiled with Babel and the ``.mo`` written for next time (in memory only where the package folder is
read-only). So a fresh clone needs no build step, and an edited ``.po`` takes effect on the next run.
"""

from __future__ import annotations

import functools
import gettext
import os
import string
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from followup_ics.core.errors import InputError

DOMAIN = "followup_ics"
LOCALE_DIR = Path(__file__).parent / "locale"
# Codes as users type them (BCP 47); the catalog folder uses gettext's form (pt_BR).
SUPPORTED = ("en", "de", "fr", "es", "pt-BR")
_BY_KEY = {code.lower(): code for code in SUPPORTED}
# A regional variant of a language we speak reads the same texts (de-AT, fr-CA, es-MX, en-GB...);
# Portuguese is only Brazilian here: European Portuguese differs in address and spelling, so pt-PT is refused.
_BY_LANGUAGE = {"en": "en", "de": "de", "fr": "fr", "es": "es"}
_ENGLISH_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MAX_DATES = 4_096  # dates remembered per language (a batch's span is a few years); starts afresh when full


def supported_code(text: str) -> str | None:
    """'de', 'DE_de', 'pt_BR.UTF-8', 'fr-CA' -> the code we speak ('de', 'pt-BR', 'fr'), or None."""
    key = text.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    if not key:
        return None
    if key in _BY_KEY:
        return _BY_KEY[key]
    return _BY_LANGUAGE.get(key.split("-", 1)[0])


def resolve(text: str, field: str = "language") -> str:
    """The code for a language the user asked for by name; an unknown one is an InputError listing ours."""
    code = supported_code(text)
    if code is None:
        raise InputError(field, f"unknown language (supported: {', '.join(SUPPORTED)})", value=text)
    return code


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language of the user's locale: the first of LC_ALL, LC_MESSAGES, LANG that is set decides, as
    POSIX says (LC_ALL=C means C even if LANG names a language); English when it is not one we speak."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return supported_code(value) or "en"
    return "en"


class Language:
    """One language's messages, dates and lists. ``_`` and ``ngettext`` fill ``{name}`` placeholders."""

    def __init__(self, code: str) -> None:
        self.code = code
        # English is the source: its "catalog" returns every message as written.
        self._catalog = gettext.NullTranslations() if code == "en" else _catalog(code)
        self._locale = None if code == "en" else code.replace("-", "_")
        # message -> its translation and its pieces (see pieces): a batch words the same few hundred messages
        # for every row
        self._texts: dict[str, tuple[str, tuple[str, ...] | None]] = {}
        # Dates and times, remembered: an interview's texts write its day, its deadlines and their times a
        # dozen times, the same days again and again over a batch, and formatting one takes Babel tens of µs
        # (English's f-strings cost less, a look-up less still). Keyed by what the patterns show: (year, month,
        # day) for a date ("E, d. MMM y": the weekday follows from the day), (hour, minute) for a time ("HH:mm",
        # "H:mm"): tests/test_languages.py checks that moments alike in these fields read the same. Both filled
        # with immutable str: safe in threads.
        self._dates: dict[tuple[int, int, int], str] = {}
        self._times: dict[tuple[int, int], str] = {}  # (at most 1,440)

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    def _(self, message: str, **values: Any) -> str:
        try:  # (a look-up that finds its message, as all but the first do, costs no more than a look-up)
            text, parts = self._texts[message]
        except KeyError:
            text = self._catalog.gettext(message)
            text, parts = self._texts[message] = (text, pieces(text))
        if not values:
            return text
        # One to three plain placeholders (every message we have), filled here as format_map would: see pieces.
        if parts is not None:
            if len(parts) == 3:
                head, name, tail = parts
                return f"{head}{values[name]}{tail}"
            if len(parts) == 5:
                head, first, middle, second, tail = parts
                return f"{head}{values[first]}{middle}{values[second]}{tail}"
            head, first, one, second, two, third, tail = parts
            return f"{head}{values[first]}{one}{values[second]}{two}{values[third]}{tail}"
        # format_map: str.format's text without copying ``values`` once more
        try:
            return text.format_map(values)
        except ValueError:  # format_map refuses {0} where format raises IndexError: format's own error
            return text.format(**values)

    def ngettext(self, singular: str, plural: str, count: int, **values: Any) -> str:
        text = self._catalog.ngettext(singular, plural, count)
        return text.format(count=count, **values)

    def date(self, moment: datetime) -> str:
        """'Tue 1 Dec 2026'; 'Di., 1. Dez. 2026' in German."""
        key = (moment.year, moment.month, moment.day)
        text = self._dates.get(key)
        if text is None:
            text = self._date(moment)
            if len(self._dates) >= _MAX_DATES:
                self._dates.clear()
            self._dates[key] = text
        return text

    def _date(self, moment: datetime) -> str:
        if self._locale is None:
            return f"{_ENGLISH_DAYS[moment.weekday()]} {moment.day} {_ENGLISH_MONTHS[moment.month - 1]} {moment.year}"
        from babel.dates import format_skeleton

        return format_skeleton("yMMMEd", moment, locale=self._locale)

    def day(self, day: date) -> str:
        """'Thu 26 Nov'; 'Do., 26. Nov.' in German: a day of the coming weeks, without its year."""
        if self._locale is None:
            return f"{_ENGLISH_DAYS[day.weekday()]} {day.day} {_ENGLISH_MONTHS[day.month - 1]}"
        from babel.dates import format_skeleton

        return format_skeleton("MMMEd", day, locale=self._locale)

    def time(self, moment: datetime) -> str:
        """'14:00' (every language we speak writes 24-hour times)."""
        key = (moment.hour, moment.minute)
        text = self._times.get(key)
        if text is None:
            text = self._times[key] = self._time(moment)
        return text

    def _time(self, moment: datetime) -> str:
        if self._locale is None:
            return "%02d:%02d" % (moment.hour, moment.minute)  # noqa: UP031 (strftime is several times slower)
        from babel.dates import format_time

        return format_time(moment, "short", locale=self._locale)

    def when(self, moment: datetime) -> str:
        """Date and time as the locale joins them: 'Tue 1 Dec 2026, 14:00', 'Di., 1. Dez. 2026, 14:00'."""
        if self._locale is None:
            return f"{self.date(moment)}, {self.time(moment)}"
        pattern = _datetime_pattern(self._locale)
        return pattern.replace("{1}", self.date(moment)).replace("{0}", self.time(moment))

    def number(self, value: int) -> str:
        """'5,000'; '5.000' in German, '5\u202f000' in French: a count as the locale groups its digits."""
        if self._locale is None:
            return f"{value:,}"
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self._locale)

    def join(self, items: Sequence[str]) -> str:
        """'Ana Diaz and Raj Rao', 'Ana Diaz und Raj Rao', 'Ana Diaz y Raj Rao'."""
        if self._locale is None:
            return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
        if len(items) < 2:
            return items[0] if items else ""
        # babel.lists.format_list's steps, with the locale's patterns looked up once (format_list parses the
        # locale and resolves its patterns on every call, some 15 µs: a thank-you names a panel in each
        # interview). tests/test_languages.py holds it to format_list.
        patterns = _list_patterns(self._locale)
        if len(items) == 2 and "2" in patterns:
            return patterns["2"].format(*items)
        text = patterns["start"].format(items[0], items[1])
        for item in items[2:-1]:
            text = patterns["middle"].format(text, item)
        return patterns["end"].format(text, items[-1])


_PARSER = string.Formatter()


def pieces(text: str) -> tuple[str, ...] | None:
    """``text`` as (head, name, tail) when it holds one plain ``{name}`` placeholder, (head, name, middle,
    name, tail) when two, (head, name, text, name, text, name, tail) when three; None for any other text (no
    placeholder, more than three, a format spec, a conversion, an attribute or index, a positional or
    malformed field). Language._ fills the pieces as ``text.format_map`` does, two to three times faster:
    format_map parses the whole message on every call (a batch fills some sixty per interview, paragraphs
    among them), this parses it once. A value is written as format_map writes it, ``format(value, "")``:
    what an f-string's ``{value}`` writes (the value itself for a str). tests/test_language_pieces.py holds
    Language._ to format_map."""
    try:
        parsed = list(_PARSER.parse(text))
    except ValueError:
        return None
    parts: list[str] = []  # literal, name, literal[, name, literal]
    literal = ""
    for piece, name, spec, conversion in parsed:
        literal += piece  # (a doubled brace comes back as a piece of its own, without a field)
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            return None
        parts += (literal, name)
        literal = ""
    parts.append(literal)
    return tuple(parts) if len(parts) in (3, 5, 7) else None


@functools.cache
def language(code: str = "en") -> Language:
    """The Language for a supported code (see ``resolve``), made once per process."""
    return Language(code)


@functools.cache
def _list_patterns(locale: str) -> dict[str, str]:
    """The locale's patterns of an 'and' list ("{0} und {1}"), by Babel's names: "2", "start", "middle", "end"."""
    from babel import Locale

    return {name: str(pattern) for name, pattern in Locale.parse(locale).list_patterns["standard"].items()}


@functools.cache
def _datetime_pattern(locale: str) -> str:
    from babel import Locale

    return str(Locale.parse(locale).datetime_formats["medium"])


def _catalog(code: str) -> gettext.NullTranslations:
    folder = LOCALE_DIR / code.replace("-", "_") / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    try:
        fresh = mo.stat().st_mtime >= po.stat().st_mtime
    except OSError:
        fresh = mo.exists()
    if not fresh and po.exists():
        data = compile_catalog(po)
        if not _save(mo, data):
            import io

            return gettext.GNUTranslations(io.BytesIO(data))
    # fallback=True: a missing catalog means English texts, never a crash.
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code.replace("-", "_")], fallback=True)


def compile_catalog(po: Path) -> bytes:
    """The .mo bytes of a .po file; fuzzy entries are left out, as `pybabel compile` does."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _save(path: Path, data: bytes) -> bool:
    """Write atomically (parallel batch workers may compile at once); False where the folder is read-only."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
        return True
    except OSError:
        temp.unlink(missing_ok=True)
        return False
