"""The default follow-up plan: how an Interview turns into timed Steps.

Pure scheduling: no click, no icalendar, no files. Every rule here is a line of DESIGN.md's table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytz

from followup_ics.core.records import Interview, Schedule, Status, Step
from followup_ics.core.settings import DEFAULT_SETTINGS, PlanSettings, StepRule
from followup_ics.core.wallclock import (
    add_business_days,
    at,
    last_business_day_until,
    local,
    next_business_day,
    next_slot,
    on_or_after_business_day,
    round_up,
)
from followup_ics.core.zones import tzinfo
from followup_ics.wording import english as texts

THANK_YOU_LIMIT = timedelta(hours=24)
FOLLOW_UP_LIMIT = timedelta(days=7)
# Steps that only make sense while the outcome is unknown.
WHILE_PENDING = frozenset({"brief-references", "follow-up-call", "status-check", "keep-searching",
                           "competing-offer"})


def build_schedule(interview: Interview, settings: PlanSettings = DEFAULT_SETTINGS,
                   *, as_of: datetime | None = None) -> Schedule:
    """Every step for ``interview``, in time order.

    ``as_of`` is when the outcome was recorded if ``interview.outcome_at`` is not given (the edges pass
    the clock in; the core never reads it).
    """
    zone = tzinfo(interview.zone)
    steps = list(_steps(interview, settings, zone))
    if interview.status.is_closed:
        outcome = _outcome_moment(interview, as_of)
        steps = [s for s in steps if not (s.step_id in WHILE_PENDING and s.start >= outcome)]
        if interview.status is Status.REJECTED and settings.keep_in_touch.include:
            steps.append(_keep_in_touch(interview, settings.keep_in_touch, zone, outcome))
    steps.sort(key=lambda s: (s.start, s.key))
    return Schedule(interview=interview, steps=tuple(steps))


def _outcome_moment(interview: Interview, as_of: datetime | None) -> datetime:
    moment = interview.outcome_at or as_of or interview.end
    return max(moment, interview.end)


def _steps(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo) -> Iterator[Step]:
    if settings.interview.include:
        yield _interview(interview, settings.interview)
    if settings.thank_you.include:
        yield _thank_you(interview, settings, zone)
    if settings.brief_references.include:
        yield _brief_references(interview, settings, zone)
    call = _follow_up_call(interview, settings.follow_up_call, zone)
    if settings.follow_up_call.include:
        yield call
    if settings.status_check.include:
        yield from _status_checks(interview, settings.status_check, zone, call.start)
    if settings.keep_searching.include:
        yield from _keep_searching(interview, settings.keep_searching, zone)
    if interview.offer_deadline is not None and settings.competing_offer.include:
        yield _competing_offer(interview, settings, zone, interview.offer_deadline)


def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


def _step(step_id: str, start: datetime, rule: StepRule, text: tuple[str, str, str], *,
          index: int = 0) -> Step:
    summary, description, alarm = text
    return Step(step_id=step_id, start=start, duration=_minutes(rule.duration), summary=summary,
                description=description, alarm_before=_minutes(rule.alarm), alarm_text=alarm, index=index)


def _interview(interview: Interview, rule: StepRule) -> Step:
    summary, description, alarm = texts.interview_texts(interview)
    return Step(step_id="interview", start=interview.start, duration=interview.duration, summary=summary,
                description=description, alarm_before=_minutes(rule.alarm), alarm_text=alarm,
                blocks_time=True, location=interview.location, url=interview.url)


def _thank_you(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo) -> Step:
    rule = settings.thank_you
    length = _minutes(rule.duration)
    deadline = local(zone, interview.end + THANK_YOU_LIMIT)
    wanted = round_up(interview.end + _minutes(rule.after))
    start = next_slot(zone, wanted, length, settings.waking, business=False)
    if start + length > deadline:
        # Only unusual settings get here (a very late "after"): the deadline wins over waking hours.
        start = local(zone, min(wanted, deadline - length))
    return _step("thank-you", start, rule, texts.thank_you_texts(interview, deadline))


def _brief_references(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo) -> Step:
    """The same day if it still fits business hours, else the next business morning."""
    rule = settings.brief_references
    wanted = round_up(interview.end + _minutes(rule.after))
    start = next_slot(zone, wanted, _minutes(rule.duration), settings.business, business=True)
    return _step("brief-references", start, rule, texts.brief_references_texts(interview))


def _follow_up_call(interview: Interview, rule: StepRule, zone: pytz.BaseTzInfo) -> Step:
    """The Nth business day after the interview, but never more than 7 calendar days later."""
    day = local(zone, interview.start).date()
    call_day = min(add_business_days(day, rule.business_days),
                   last_business_day_until(day + FOLLOW_UP_LIMIT))
    return _step("follow-up-call", at(zone, call_day, rule.time), rule,
                 texts.follow_up_call_texts(interview))


def _status_checks(interview: Interview, rule: StepRule, zone: pytz.BaseTzInfo,
                   after_call: datetime) -> Iterator[Step]:
    """Weekly after the follow-up call, alternating email and phone."""
    call_day = local(zone, after_call).date()
    channels = ("email", "phone") if rule.first == "email" else ("phone", "email")
    for number in range(1, rule.count + 1):
        day = on_or_after_business_day(call_day + timedelta(days=rule.every * number))
        channel = channels[(number - 1) % 2]
        yield _step("status-check", at(zone, day, rule.time), rule,
                    texts.status_check_texts(interview, number, rule.count, channel), index=number)


def _keep_searching(interview: Interview, rule: StepRule, zone: pytz.BaseTzInfo) -> Iterator[Step]:
    """The next business day, then every ``every`` days while waiting."""
    first = next_business_day(local(zone, interview.start).date())
    for number in range(1, rule.count + 1):
        day = on_or_after_business_day(first + timedelta(days=rule.every * (number - 1)))
        yield _step("keep-searching", at(zone, day, rule.time), rule,
                    texts.keep_searching_texts(interview), index=number)


def _competing_offer(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo,
                     deadline: datetime) -> Step:
    """As soon as possible: business hours if they come in time, else waking hours, else at once."""
    rule = settings.competing_offer
    length = _minutes(rule.duration)
    wanted = round_up(interview.end + _minutes(rule.after))
    start = next_slot(zone, wanted, length, settings.business, business=True)
    if start + length > deadline:
        start = next_slot(zone, wanted, length, settings.waking, business=False)
    if start + length > deadline:
        start = local(zone, interview.end)
    return _step("competing-offer", start, rule,
                 texts.competing_offer_texts(interview, local(zone, deadline)))


def _keep_in_touch(interview: Interview, rule: StepRule, zone: pytz.BaseTzInfo,
                   outcome: datetime) -> Step:
    day = next_business_day(local(zone, outcome).date())
    return _step("keep-in-touch", at(zone, day, rule.time), rule, texts.keep_in_touch_texts(interview))
