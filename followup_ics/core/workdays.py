"""Which days are working days: the protocol every country's calendar implements, Monday to Friday, and
the working days of a country from python-holidays.

The planner asks ``is_working_day``; ``why_off`` lets the edges say why a step moved ("Thanksgiving",
"weekend"); ``regular`` is the same week without holidays or days off, so the planner can tell a move
caused by a holiday from the ordinary weekend. Implementations are plain, immutable values so a plan
stays a pure function of its inputs.

``holidays`` is imported here only when a country's days are first needed (it costs about 150 ms), and
each (country, region, year) is computed once per process. The library is the only source of holiday
data: its public holidays (default category), its own weekend per country and per date (the UAE moved
to Saturday-Sunday in 2022, Saudi Arabia to Friday-Saturday in 2013), its subdivisions, its names in the
user's language where it has them, and the weekend days it marks as working (China's make-up days).

A week asks its ``source`` for each year: ``library_year`` (the library itself) unless the edges give
another with the same answers, such as one that keeps each year on disk (the core reads no files).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from followup_ics.core.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

WEEKEND = "weekend"
DAY_OFF = "a day off in the plan file"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NO_COUNTRY = "none"  # an explicit "no country": Monday to Friday (or the plan's weekend), no public holidays


class WorkWeek(Protocol):
    """The working days of one place: its weekend and its days off."""

    def is_working_day(self, day: date) -> bool: ...

    def why_off(self, day: date) -> str | None:
        """Why ``day`` is not a working day ("weekend", a holiday's name); None on a working day."""
        ...

    def regular(self) -> WorkWeek:
        """The same weekend with no holidays, days off or make-up working days: the ordinary week."""
        ...


class MondayToFriday:
    """Monday to Friday, no holidays: the week when nothing more is known."""

    __slots__ = ()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5

    def why_off(self, day: date) -> str | None:
        return None if day.weekday() < 5 else WEEKEND

    def regular(self) -> WorkWeek:
        return self

    def __repr__(self) -> str:
        return "MondayToFriday()"


MONDAY_TO_FRIDAY = MondayToFriday()


class WorkdaySettings(NamedTuple):
    """What a plan file says about working days; every part optional. (A NamedTuple, as CountryWeek is a
    plain class: a frozen dataclass costs a `generate` about half a millisecond to create at import.)"""

    country: str = ""  # ISO 3166 code as the library knows it, already checked; "" = not said
    region: str = ""  # the library's subdivision code, already checked
    weekend: tuple[int, ...] | None = None  # weekday numbers (Monday 0); None = the country's own
    days_off: tuple[tuple[date, date], ...] = ()  # inclusive ranges (a single day is a range of one)
    extra_working: frozenset[date] = frozenset()  # days worked even if the weekend or a holiday
    # The library's categories of days off; a country that lacks one ignores it. "optional" adds days most
    # offices close on though the law does not require it (Brazil's Carnival).
    categories: tuple[str, ...] = ("public",)


NO_SETTINGS = WorkdaySettings()


class CountryWeek:
    """The working days of ``country`` (and ``region``), with the plan file's own weekend and days.

    ``country`` "" means no country: Monday to Friday (or the settings' weekend) and no public holidays.
    ``holidays`` False is the regular week: the weekend only. ``language`` is the user's (a code we speak:
    "en", "de", "pt-BR"...): holidays are named in it where the library can. ``source`` gives each year of
    the country's calendar (None: ``library_year``); any source gives the same days, so it is no part of
    the week's identity. Immutable, compared and hashed by the other five, as a frozen dataclass would be.
    """

    __slots__ = ("_regular", "_years", "country", "holidays", "language", "region", "settings", "source")
    country: str
    region: str
    settings: WorkdaySettings
    holidays: bool
    language: str
    source: YearSource | None
    # Memos, not state: the days off of each year asked for, and the regular week. A batch asks a week
    # about tens of days per row, so these lookups must not hash the whole value each time.
    _years: dict[int, dict[date, str]]
    _regular: list[CountryWeek]

    def __init__(self, country: str = "", region: str = "", settings: WorkdaySettings = NO_SETTINGS,
                 holidays: bool = True, language: str = "en", source: YearSource | None = None) -> None:
        for name, value in (("country", country), ("region", region), ("settings", settings),
                            ("holidays", holidays), ("language", language), ("source", source),
                            ("_years", {}), ("_regular", [])):
            object.__setattr__(self, name, value)

    def _identity(self) -> tuple[str, str, WorkdaySettings, bool, str]:
        return self.country, self.region, self.settings, self.holidays, self.language

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._identity() == other._identity()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        return (f"CountryWeek(country={self.country!r}, region={self.region!r}, settings={self.settings!r}, "
                f"holidays={self.holidays!r}, language={self.language!r})")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def is_working_day(self, day: date) -> bool:
        off = self._years.get(day.year)
        if off is None:
            off = self._years[day.year] = _days_off(self, day.year)
        return day not in off

    def why_off(self, day: date) -> str | None:
        off = self._years.get(day.year)
        if off is None:
            off = self._years[day.year] = _days_off(self, day.year)
        return off.get(day)

    def regular(self) -> WorkWeek:
        if not self.holidays:
            return self
        if not self._regular:
            self._regular.append(CountryWeek(self.country, self.region,
                                             WorkdaySettings(weekend=self.settings.weekend), False,
                                             self.language, self.source))
        return self._regular[0]


class CountryYear(NamedTuple):
    """One year of a country's calendar as the library gives it."""

    names: dict[date, str]  # public holidays (observed days included), named in the language asked for
    weekend: frozenset[date]  # the days of that year that fall on the country's weekend
    working: frozenset[date]  # weekend days marked as working days (make-up days)


# (country, region, year, categories, the user's language) -> that year of the country's calendar.
YearSource = Callable[[str, str, int, tuple[str, ...], str], CountryYear]


@functools.lru_cache(maxsize=4096)
def _days_off(week: CountryWeek, year: int) -> dict[date, str]:
    """Every day off in ``year`` with its reason; any other day of the year is a working day."""
    settings = week.settings
    calendar = None
    if week.country:
        source = week.source or library_year
        calendar = source(week.country, week.region, year, settings.categories, week.language)
    if settings.weekend is not None:
        weekend = frozenset(d for d in _days_of(year) if d.weekday() in settings.weekend)
    elif calendar is not None:
        weekend = calendar.weekend
    else:
        weekend = frozenset(d for d in _days_of(year) if d.weekday() >= 5)
    off = dict.fromkeys(sorted(weekend), WEEKEND)
    if calendar is not None and week.holidays:
        for day in calendar.working:
            off.pop(day, None)
        off.update(calendar.names)
    if week.holidays:
        for start, end in settings.days_off:
            off.update((d, DAY_OFF) for d in _span(max(start, date(year, 1, 1)), min(end, date(year, 12, 31))))
        for day in settings.extra_working:
            off.pop(day, None)
    return off


def _days_of(year: int) -> Iterator[date]:
    return _span(date(year, 1, 1), date(year, 12, 31))


def _span(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


@functools.lru_cache(maxsize=1024)
def library_year(country: str, region: str, year: int, categories: tuple[str, ...], language: str) -> CountryYear:
    """One year of ``country`` (and ``region``) straight from the library, holidays named in ``language``
    where it has them (see ``holiday_language``); the categories it lacks are left out."""
    cls = _library_class(country)
    supported = getattr(cls, "supported_categories", ("public",))
    calendar = cls(subdiv=region or None, years=year, language=holiday_language(country, language),
                   categories=tuple(c for c in categories if c in supported) or ("public",))
    names = {day: str(name) for day, name in calendar.items() if day.year == year}
    weekend = frozenset(d for d in _days_of(year) if calendar.is_weekend(d))
    working = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return CountryYear(names, weekend, working)


def holiday_language(country: str, language: str) -> str | None:
    """The library's language for naming ``country``'s holidays to a reader of ``language`` ("de",
    "pt-BR"): that language where the library has it for the country (its own regional form for English:
    en_CA in Canada, else en_US), else the country's default language (None: the library's default)."""
    cls = _library_class(country)
    default = getattr(cls, "default_language", None) or ""
    offered = tuple(getattr(cls, "supported_languages", ()) or ())
    wanted = language.replace("-", "_")
    base = wanted.split("_", 1)[0]
    if base == "en" and default.startswith("en"):
        return default
    for choice in (wanted, "en_US" if base == "en" else base):
        if choice in offered:
            return choice
    # A regional form of the language when the library has only that (fr_CA for a French reader).
    regional = [code for code in offered if code.split("_", 1)[0] == base]
    return regional[0] if regional else default or None


@functools.cache
def _library_class(country: str) -> Any:
    import holidays  # here, not at the top: only plans in a country need it

    return getattr(holidays, country)


@functools.cache
def library_codes() -> dict[str, str]:
    """Every code the library accepts (ISO 3166 alpha-2 and alpha-3) -> the alpha-2 code it files under."""
    from holidays.registry import COUNTRIES

    codes: dict[str, str] = {}
    for entry in COUNTRIES.values():
        for code in entry[1:]:
            if code.isupper() and 2 <= len(code) <= 3:
                codes[code] = entry[1]
    return codes


def known_categories() -> frozenset[str]:
    """Every category name the library uses ("public", "optional", "bank"...)."""
    from holidays import constants

    return frozenset(value for name, value in vars(constants).items()
                     if name.isupper() and isinstance(value, str) and value.replace("_", "").isalpha())


def country_code(text: str, field: str = "country", codes: Mapping[str, str] | None = None) -> str:
    """The library's code for ``text`` ('us', 'USA' -> 'US'), or InputError naming ``field``. ``codes`` is
    ``library_codes()`` when the caller has it at hand already (kept from an earlier run)."""
    cleaned = text.strip()
    code = (library_codes() if codes is None else codes).get(cleaned.upper())
    if code is None:
        raise InputError(field, "unknown country; use an ISO 3166 code such as US, GB, DE or JP "
                         f"(or {NO_COUNTRY} for Monday to Friday without holidays)", value=text)
    return code


def region_code(country: str, text: str, field: str = "region") -> str:
    """The library's subdivision code of ``country`` for ``text`` ('ca', 'California' -> 'CA')."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return ""
    cls = _library_class(country)
    known = {code.casefold(): code for code in getattr(cls, "subdivisions", ())}
    aliases = {alias.casefold(): code for alias, code in (getattr(cls, "subdivisions_aliases", {}) or {}).items()}
    code = known.get(cleaned.casefold()) or aliases.get(cleaned.casefold())
    if code is None:
        choices = ", ".join(getattr(cls, "subdivisions", ())[:12]) or "it has none"
        more = ", ..." if len(getattr(cls, "subdivisions", ())) > 12 else ""
        raise InputError(field, f"unknown region of {country} (the holidays library's codes: {choices}{more})",
                         value=text)
    return code
