"""The plan's tunable offsets and times of day, with defaults from DESIGN.md and a TOML override."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any, NamedTuple

from followup_ics.core.errors import InputError, PlanFileError
from followup_ics.core.wallclock import Hours
from followup_ics.core.workdays import (
    DAY_NAMES,
    NO_COUNTRY,
    NO_SETTINGS,
    WorkdaySettings,
    country_code,
    known_categories,
    region_code,
)

CHANNELS = ("email", "phone")
# Longest run of days off the plan file may add in one stretch: the planner looks at most 60 days ahead
# for a working day, and a country's own holidays can lengthen a closure by a week or more.
MAX_CLOSURE = 31
_WORKDAY_KEYS = ("country", "region", "weekend", "days-off", "extra-working-days", "categories")


class StepRule(NamedTuple):
    """How one kind of step is timed. Minutes unless said otherwise; not every step uses every field.

    (A NamedTuple, as PlanSettings: each frozen slotted dataclass cost a `generate` about 0.6 ms to create at
    import, a NamedTuple about a tenth of that; a changed copy is ``rule._replace(...)``.)"""

    include: bool = True
    duration: int = 15
    alarm: int = 0
    after: int = 0
    time: time = time(10, 0)
    count: int = 1
    every: int = 7
    business_days: int = 5
    first: str = "email"
    each_round: bool = False  # brief-references: again for every round of an application, not only the first


class PlanSettings(NamedTuple):
    """Every step's rule, the waking and business hours, and the work week the plan counts days in."""

    waking: Hours = Hours(time(8, 0), time(21, 0))
    business: Hours = Hours(time(9, 0), time(17, 0))
    interview: StepRule = StepRule(duration=60, alarm=60)
    thank_you: StepRule = StepRule(duration=30, after=60)
    brief_references: StepRule = StepRule(duration=15, after=90)
    follow_up_call: StepRule = StepRule(duration=15, alarm=15, business_days=5, time=time(10, 0))
    status_check: StepRule = StepRule(duration=15, count=4, every=7, time=time(10, 0), first="email")
    keep_searching: StepRule = StepRule(duration=30, count=4, every=7, time=time(9, 0))
    competing_offer: StepRule = StepRule(duration=15, after=60)
    keep_in_touch: StepRule = StepRule(duration=15, time=time(10, 0))
    workdays: WorkdaySettings = NO_SETTINGS


DEFAULT_SETTINGS = PlanSettings()

# Which keys each TOML table accepts (besides the common duration/alarm/include), and their bounds.
_STEP_KEYS: dict[str, tuple[str, ...]] = {
    "interview": (),
    "thank-you": ("after",),
    "brief-references": ("after", "each-round"),
    "follow-up-call": ("business-days", "time"),
    "status-check": ("count", "every", "time", "first"),
    "keep-searching": ("count", "every", "time"),
    "competing-offer": ("after",),
    "keep-in-touch": ("time",),
}
_BOUNDS: dict[str, tuple[int, int]] = {
    "duration": (1, 600), "alarm": (0, 7 * 24 * 60), "after": (0, 12 * 60),
    "count": (0, 52), "every": (1, 31), "business-days": (1, 5),
}


# Steps that contact the company: they happen inside business hours.
_BUSINESS_STEPS = ("follow_up_call", "status_check", "keep_in_touch")


def settings_from_mapping(data: dict[str, Any], *, source: str = "plan") -> PlanSettings:
    settings = DEFAULT_SETTINGS
    for table, values in data.items():
        where = f"{source}: [{table}]"
        if not isinstance(values, dict):
            raise PlanFileError(f"{where}: expected a table")
        if table == "hours":
            settings = settings._replace(**_hours(values, where))
        elif table == "workdays":
            settings = settings._replace(workdays=_workdays(values, where))
        elif table in _STEP_KEYS:
            attribute = table.replace("-", "_")
            rule = _step_rule(getattr(settings, attribute), values, _STEP_KEYS[table], where)
            settings = settings._replace(**{attribute: rule})
        else:
            known = ", ".join(["hours", "workdays", *_STEP_KEYS])
            raise PlanFileError(f"{where}: unknown table (known: {known})")
    settings = _inside_business_hours(settings, data, source)
    _check_times(settings, source)
    return settings


def _inside_business_hours(settings: PlanSettings, data: dict[str, Any], source: str) -> PlanSettings:
    """Calls and emails to the company happen inside business hours.

    A default time of day (10:00) outside the plan's business hours moves to the start of them: the user
    who writes business = "13:00-17:00" means the calls too. A time the plan file sets itself outside
    them is a contradiction the user must resolve, so the file is refused with a line saying why.
    """
    business = settings.business
    for name in _BUSINESS_STEPS:
        rule: StepRule = getattr(settings, name)
        if business.start <= rule.time < business.end:
            continue
        table = name.replace("_", "-")
        values = data.get(table)
        if isinstance(values, dict) and "time" in values:
            raise PlanFileError(f"{source}: [{table}] time {rule.time:%H:%M} is outside business hours "
                                f"{business.start:%H:%M}-{business.end:%H:%M}, where calls and emails to the "
                                "company belong: change the time or [hours] business")
        settings = settings._replace(**{name: rule._replace(time=business.start)})
    return settings


def _hours(values: dict[str, Any], where: str) -> dict[str, Hours]:
    result = {}
    for key, value in values.items():
        if key not in ("waking", "business"):
            raise PlanFileError(f"{where}: unknown key {key!r} (known: waking, business)")
        if not isinstance(value, str) or value.count("-") != 1:
            raise PlanFileError(f'{where} {key}: expected "HH:MM-HH:MM", got {value!r}')
        start, end = (_clock(part.strip(), f"{where} {key}") for part in value.split("-"))
        if start >= end:
            raise PlanFileError(f"{where} {key}: the window must end after it starts")
        result[key] = Hours(start, end)
    return result


def _step_rule(rule: StepRule, values: dict[str, Any], extra: tuple[str, ...], where: str) -> StepRule:
    allowed = ("include", "duration", "alarm", *extra)
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in allowed:
            raise PlanFileError(f"{where}: unknown key {key!r} (known: {', '.join(allowed)})")
        if key in ("include", "each-round"):
            if not isinstance(value, bool):
                raise PlanFileError(f"{where} {key}: expected true or false")
        elif key == "time":
            value = _clock(value, f"{where} time")
        elif key == "first":
            if value not in CHANNELS:
                raise PlanFileError(f"{where} first: expected one of {', '.join(CHANNELS)}")
        else:
            low, high = _BOUNDS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise PlanFileError(f"{where} {key}: expected a whole number from {low} to {high}")
        changes[key.replace("-", "_")] = value
    return rule._replace(**changes)


def _clock(value: object, where: str) -> time:
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise PlanFileError(f'{where}: expected a time of day "HH:MM", got {value!r}') from None


def _check_times(settings: PlanSettings, source: str) -> None:
    """Fixed times of day must fall inside waking hours: nothing in the middle of the night."""
    for name in ("follow_up_call", "status_check", "keep_searching", "keep_in_touch"):
        rule: StepRule = getattr(settings, name)
        if not settings.waking.start <= rule.time < settings.waking.end:
            table = name.replace("_", "-")
            raise PlanFileError(f"{source}: [{table}] time {rule.time:%H:%M} is outside waking hours "
                                f"{settings.waking.start:%H:%M}-{settings.waking.end:%H:%M}")


def _workdays(values: dict[str, Any], where: str) -> WorkdaySettings:
    """[workdays]: country, region, weekend = ["fri", "sat"], days-off (dates and "from..to" ranges) and
    extra-working-days (dates)."""
    for key in values:
        if key not in _WORKDAY_KEYS:
            raise PlanFileError(f"{where}: unknown key {key!r} (known: {', '.join(_WORKDAY_KEYS)})")
    country = _text(values.get("country", ""), f"{where} country")
    region = _text(values.get("region", ""), f"{where} region")
    try:
        if country and country.casefold() != NO_COUNTRY:
            country = country_code(country)
            region = region_code(country, region)
        elif region:
            raise PlanFileError(f"{where} region: needs a country (add country = \"..\" to the table)")
    except InputError as error:
        raise PlanFileError(f"{where} {error.field}: {error.message} ({error.value!r})") from None
    weekend = None
    if "weekend" in values:
        weekend = _weekend(values["weekend"], f"{where} weekend")
    days_off = tuple(_range(item, f"{where} days-off") for item in _list(values.get("days-off", []),
                                                                       f"{where} days-off"))
    _check_closures(days_off, f"{where} days-off")
    working = frozenset(_date(item, f"{where} extra-working-days")
                        for item in _list(values.get("extra-working-days", []), f"{where} extra-working-days"))
    categories = NO_SETTINGS.categories
    if "categories" in values:
        categories = _categories(values["categories"], f"{where} categories")
    return WorkdaySettings(country=country.casefold() if country.casefold() == NO_COUNTRY else country,
                           region=region, weekend=weekend, days_off=days_off, extra_working=working,
                           categories=categories)


def _categories(value: object, where: str) -> tuple[str, ...]:
    names = _list(value, where)
    known = known_categories()
    for name in names:
        if not isinstance(name, str) or name.strip().lower() not in known:
            raise PlanFileError(f"{where}: {name!r} is not a category of the holidays library "
                                f"(e.g. public, optional, bank)")
    if not names:
        raise PlanFileError(f'{where}: name at least one, e.g. ["public"]')
    return tuple(sorted({str(name).strip().lower() for name in names}))


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise PlanFileError(f"{where}: expected a text, got {value!r}")
    return value.strip()


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise PlanFileError(f'{where}: expected a list, e.g. ["2026-12-24..2027-01-01", 2026-11-27]')
    return value


def _weekend(value: object, where: str) -> tuple[int, ...]:
    names = _list(value, where)
    days = []
    for name in names:
        if not isinstance(name, str) or name.strip().lower()[:3] not in DAY_NAMES:
            raise PlanFileError(f"{where}: expected day names ({', '.join(DAY_NAMES)}), got {name!r}")
        days.append(DAY_NAMES.index(name.strip().lower()[:3]))
    if len(set(days)) == len(DAY_NAMES):
        raise PlanFileError(f"{where}: at least one day of the week must be a working day")
    return tuple(sorted(set(days)))


def _date(value: object, where: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PlanFileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def _range(value: object, where: str) -> tuple[date, date]:
    """A date, or "YYYY-MM-DD..YYYY-MM-DD" (both days included)."""
    if isinstance(value, str) and ".." in value:
        first, _, last = value.partition("..")
        try:
            start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
        except ValueError:
            raise PlanFileError(f'{where}: {value!r} is not a range "YYYY-MM-DD..YYYY-MM-DD"') from None
        if end < start:
            raise PlanFileError(f"{where}: {value!r} ends before it starts")
        return start, end
    try:
        day = _date(value, where)
    except PlanFileError:
        raise PlanFileError(f'{where}: {value!r} is not a date or a range "YYYY-MM-DD..YYYY-MM-DD"') from None
    return day, day


def _check_closures(ranges: tuple[tuple[date, date], ...], where: str) -> None:
    """No stretch of days off (overlapping or touching ranges joined) longer than MAX_CLOSURE days."""
    merged: list[list[date]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        if (end - start).days + 1 > MAX_CLOSURE:
            raise PlanFileError(f"{where}: {start}..{end} is longer than {MAX_CLOSURE} days in a row")
