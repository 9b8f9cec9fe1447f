"""Whose working days a plan uses: the country and region from the interview, the environment, the plan
file, or else the time zone.

The first source that names a country wins, with its own region:

1. the interview's own ``country`` / ``region`` (``--country`` / ``--region``, the CSV columns);
2. the environment: FOLLOWUP_ICS_COUNTRY / FOLLOWUP_ICS_REGION;
3. the plan file's ``[workdays]`` table;
4. the zone database's zone-to-country table (pytz's copy of zone.tab, read directly: pytz's own reading
   checks every zone's file first), said in a notice. A zone that belongs to no country (UTC) or to
   several infers nothing: Monday to Friday without public holidays.

A region is a subdivision of a country: the interview's region goes with its own country, else with the
environment's or the plan file's; a region with no country given (only an inferred one) is an error.
The country ``none`` means Monday to Friday without public holidays, whatever the zone. The plan file's
weekend, days off and extra working days apply to every country. WorkWeeks are cached per (country,
region, plan settings, language): a batch of many rows builds one per country it meets. Their days come
through ``holidaycache``: the library's answers kept on disk from an earlier run, so that the common start
does not import the library.
"""

from __future__ import annotations

import functools
import os

from followup_ics.app.holidaycache import answers_kept, country_codes, kept_year
from followup_ics.core.errors import FollowupError, InputError
from followup_ics.core.workdays import (
    NO_COUNTRY,
    CountryWeek,
    WorkdaySettings,
    WorkWeek,
    country_code,
    region_code,
)

ENV_COUNTRY = "FOLLOWUP_ICS_COUNTRY"
ENV_REGION = "FOLLOWUP_ICS_REGION"


class WorkdaysError(FollowupError):
    """A working-days variable in the environment is unusable."""


def week_for(country: str, region: str, zone: str, settings: WorkdaySettings,
             language: str = "en", env: tuple[str, str] | None = None) -> tuple[WorkWeek, str | None]:
    """The WorkWeek for an interview in ``zone``, and a notice when the country was inferred from the zone;
    its holidays are named in ``language`` (a code we speak) where the library can. ``env``: what
    ``environment()`` gives, read once by a caller asking for many rows (else read here).

    Raises InputError naming ``country`` or ``region`` for the interview's own values, and FollowupError
    naming the variable or plan key for the others.
    """
    country, region = country.strip(), region.strip()
    if country:
        return _checked_week(country, region, settings, language), None
    env_country, env_region = environment() if env is None else env
    if env_country:
        week = _week_from_environment(env_country, env_region, settings, language)
        return (_checked_week(env_country, region, settings, language) if region else week), None
    if settings.country:
        return (_checked_week(settings.country, region, settings, language) if region
                else _week(settings.country, settings.region, settings, language)), None
    if region:
        raise InputError("region", "needs a country as well (the region is a subdivision of it)", value=region)
    inferred, notice = inferred_country(zone)
    return _week(inferred, "", settings, language), notice


def preload(settings: WorkdaySettings) -> None:
    """Import the holidays library now unless the run says "no country" (the environment or the plan
    file), or an earlier run kept the library's answers: worker processes forked after this share it
    instead of importing it each (0.5 s apiece). With answers kept, workers read them and import the
    library only for a country and year not kept yet."""
    country = os.environ.get(ENV_COUNTRY, "").strip() or settings.country
    if country.casefold() != NO_COUNTRY and not answers_kept():
        import holidays.countries  # noqa: F401


def environment() -> tuple[str, str]:
    """(country, region) from the environment, stripped; a region alone is an error."""
    country = os.environ.get(ENV_COUNTRY, "").strip()
    region = os.environ.get(ENV_REGION, "").strip()
    if region and not country:
        raise WorkdaysError(f"{ENV_REGION}: needs {ENV_COUNTRY} as well (the region is a subdivision of it)")
    return country, region


def check_environment(settings: WorkdaySettings) -> None:
    """Fail early, once, on bad working-days variables (rather than once per CSV row)."""
    country, region = environment()
    if country:
        _week_from_environment(country, region, settings)


def _week_from_environment(country: str, region: str, settings: WorkdaySettings,
                           language: str = "en") -> WorkWeek:
    try:
        return _checked_week(country, region, settings, language)
    except InputError as error:
        name = ENV_COUNTRY if error.field == "country" else ENV_REGION
        raise WorkdaysError(f"{name}: {error.message} ({error.value!r})") from None


@functools.lru_cache(maxsize=256)
def _checked_week(country: str, region: str, settings: WorkdaySettings, language: str) -> WorkWeek:
    """As typed by a user: validated, case and spelling normalised (InputError naming the field)."""
    if country.casefold() == NO_COUNTRY:
        if region:
            raise InputError("region", f"has no meaning with country {NO_COUNTRY}", value=region)
        return _week("", "", settings, language)
    code = country_code(country, codes=country_codes())
    return _week(code, region_code(code, region), settings, language)


@functools.lru_cache(maxsize=256)
def _week(country: str, region: str, settings: WorkdaySettings, language: str) -> WorkWeek:
    """Codes already checked; "" (or "none") is no country."""
    code = "" if country == NO_COUNTRY else country
    return CountryWeek(code, region, settings, language=language, source=kept_year)


_INFERRED = "no country given; using the weekend and public holidays of "
_FROM = ", inferred from "


@functools.lru_cache(maxsize=512)
def inferred_country(zone: str) -> tuple[str, str]:
    """(country code or "", the notice saying so) for ``zone``."""
    countries = _zone_countries().get(zone) or _zone_countries().get(_links().get(zone, ""), ())
    supported = [code for code in countries if _supported(code)]
    if len(supported) == 1:
        return supported[0], f"{_INFERRED}{supported[0]}{_FROM}{zone}"
    if len(countries) > 1:
        why = f"{zone} is used in several countries ({', '.join(countries)})"
    elif countries:
        why = f"the holidays library has no calendar for {countries[0]}, the country of {zone}"
    else:
        why = f"{zone} belongs to no country"
    return "", f"no country given and {why}; using Monday to Friday without public holidays"


def inferred_together(notices: list[str]) -> list[str]:
    """``notices`` with every country inferred from a zone said in one line, in the place of the first:
    "... of the country of each zone: US (America/New_York, America/Chicago), DE (Europe/Berlin)". A run
    over many zones would otherwise say one line per zone. A notice may start "row N: " (rows are left
    out of the line: each row's zone says which country it got); one zone alone is left as it is."""
    zones: dict[str, list[str]] = {}
    rest: list[str] = []
    first = -1
    for notice in notices:
        where, found, said = notice.partition(_INFERRED)
        country, found_zone, zone = said.partition(_FROM)
        if not found or not found_zone or (where and not where.startswith("row ")):
            rest.append(notice)
            continue
        if first < 0:
            first = len(rest)
        if zone not in zones.setdefault(country, []):
            zones[country].append(zone)
    if sum(len(named) for named in zones.values()) < 2:
        return list(notices)
    each = ", ".join(f"{country} ({', '.join(named)})" for country, named in zones.items())
    return [*rest[:first], f"{_INFERRED}the country of each zone: {each}", *rest[first:]]


def _supported(code: str) -> bool:
    return code in country_codes()


@functools.cache
def _zone_countries() -> dict[str, tuple[str, ...]]:
    """Zone name -> the countries whose zone.tab rows name it, in the file's order."""
    import pytz

    table: dict[str, list[str]] = {}
    try:
        with pytz.open_resource("zone.tab") as handle:
            text = handle.read().decode("utf-8")
    except OSError:
        return {}
    for line in text.splitlines():
        # country code, coordinates, zone name, comments (tab-separated; '#' starts a comment line)
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            codes = table.setdefault(fields[2], [])
            if fields[0] not in codes:
                codes.append(fields[0])
    return {zone: tuple(codes) for zone, codes in table.items()}


@functools.cache
def _links() -> dict[str, str]:
    """Old and alias zone names -> the zone they stand for ('US/Eastern' -> 'America/New_York'), from
    the zone database's own link lines; links of links followed."""
    import pytz

    links: dict[str, str] = {}
    try:
        with pytz.open_resource("tzdata.zi") as handle:
            for line in handle.read().decode("utf-8").splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[0] == "L":
                    links[parts[2]] = parts[1]
    except OSError:
        return {}
    for name in list(links):
        seen = {name}
        while links[name] in links and links[name] not in seen:
            seen.add(links[name])
            links[name] = links[links[name]]
    return links
