"""One interview from raw fields to its planned schedule: what `generate`, `plan` and `links` share."""

from __future__ import annotations

from datetime import timedelta

from followup_ics.app.config import Request
from followup_ics.app.fields import RawInterview, build_interview
from followup_ics.app.workweek import week_for
from followup_ics.core.planner import plan_interview
from followup_ics.core.records import Schedule
from followup_ics.wording.language import Language, language, resolve
from followup_ics.wording.texts import word_plan


def make_schedule(raw: RawInterview, request: Request) -> Schedule:
    """Validate ``raw`` and plan its steps; notices (DST moves) travel on the Schedule."""
    interview, notices = build_interview(
        raw, zone_name=request.zone, day_first=request.day_first,
        default_duration=timedelta(minutes=request.settings.interview.duration), as_of=request.now)
    lang, me = words_for(raw, request)
    week, note = week_for(raw.country, raw.region, interview.zone, request.settings.workdays, lang.code)
    plan = plan_interview(interview, request.settings, week=week, as_of=request.now)
    return word_plan(plan._replace(notices=notices + plan.notices + ((note,) if note else ())), lang, me)


def words_for(raw: RawInterview, request: Request) -> tuple[Language, str]:
    """The language and the signing name of one interview's texts: a row's own (CSV columns language and
    me) win over the run's (--lang, --me); an unknown language is an InputError for ``language``."""
    return language(language_code(raw, request)), raw.me.strip() or request.me


def language_code(raw: RawInterview, request: Request) -> str:
    """The code of the language of one interview's texts (see ``words_for``), without loading its catalog."""
    return resolve(raw.language) if raw.language.strip() else request.language
