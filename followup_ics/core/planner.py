"""The default follow-up plan: how an Interview turns into timed Steps.

Pure scheduling: no click, no icalendar, no files, and no words: a Step says which step it is, when, by
which channel and by when; wording turns it into text. Every rule here is a line of DESIGN.md's table.
Business steps land on working days of the interview's WorkWeek (Monday to Friday unless told otherwise).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import TypeVar

import pytz

from followup_ics.core.records import Interview, Move, Plan, Status, Step
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
from followup_ics.core.workdays import MONDAY_TO_FRIDAY, WorkWeek
from followup_ics.core.zones import tzinfo

THANK_YOU_LIMIT = timedelta(hours=24)
FOLLOW_UP_LIMIT = timedelta(days=7)
FOLLOW_UP_EARLIEST = timedelta(days=3)  # the 7-day cap never brings the call closer than this
ONE_DAY = timedelta(days=1)
_When = TypeVar("_When", date, datetime)
# Steps that only make sense while the outcome is unknown.
WHILE_PENDING = frozenset({"brief-references", "follow-up-call", "status-check", "keep-searching",
                           "competing-offer"})


def plan_interview(interview: Interview, settings: PlanSettings = DEFAULT_SETTINGS, *,
                   week: WorkWeek = MONDAY_TO_FRIDAY, as_of: datetime | None = None,
                   offer_arrived: datetime | None = None) -> Plan:
    """Every step for ``interview``, in time order.

    ``as_of`` is when the outcome was recorded if ``interview.outcome_at`` is not given, and when another
    company's offer (``interview.offer_deadline``) arrived if ``offer_arrived`` is not given (the edges pass
    the clock in; the core never reads it). With status offer, ``offer_deadline`` is that offer's own: the
    plan answers it on the working day before, as a search does (core/search.py).
    """
    zone = tzinfo(interview.zone)
    arrived = offer_arrived or interview.offer_arrived or as_of or interview.end
    # An offer's deadline is its own (when to answer it), not another company's to tell this one about.
    own_offer = interview.offer_deadline if interview.status is Status.OFFER else None
    other_offer = interview.offer_deadline if own_offer is None else None
    steps = list(_steps(interview, settings, zone, week, None if other_offer is None else (arrived, other_offer)))
    if interview.status.is_closed:
        outcome = _outcome_moment(interview, as_of)
        steps = [s for s in steps if not (s.step_id in WHILE_PENDING and s.start >= outcome)]
        answer = answer_offer(outcome, own_offer, settings, zone, week) if own_offer else None
        steps += [answer] if answer is not None else []
        if _no_thanks(interview, outcome, zone):
            steps = [s for s in steps if s.step_id != "thank-you"]
        if interview.status is Status.REJECTED and settings.keep_in_touch.include:
            steps.append(_keep_in_touch(settings.keep_in_touch, zone, outcome, week))
    steps.sort(key=lambda s: (s.start, s.key))
    return Plan(interview=interview, steps=tuple(steps))


def _no_thanks(interview: Interview, outcome: datetime, zone: pytz.BaseTzInfo) -> bool:
    """A rejection or a withdrawal known on the interview's own day leaves no thank-you note to write."""
    return (interview.status in (Status.REJECTED, Status.WITHDRAWN)
            and local(zone, outcome).date() == local(zone, interview.start).date())


def _outcome_moment(interview: Interview, as_of: datetime | None) -> datetime:
    moment = interview.outcome_at or as_of or interview.end
    return max(moment, interview.end)


def round_steps(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo, week: WorkWeek,
                checks_until: datetime | None = None, *, brief: bool = True) -> list[Step]:
    """The steps ``plan_interview`` gives ``interview`` as if it were pending with no other offer known, in
    no particular order: a search (core/search.py) plans each round so, then adds what it knows of the
    outcome and the offers. (Without a copy of the interview made pending, whose checks cost more than the
    rest of the call.) ``checks_until``: the status checks from then on, which the search would drop (the
    application decided, its next round, another offer's deadline), are not made; ``brief`` False: nor is the
    references briefing (a later round's, when only the first round has one)."""
    return list(_steps(interview, settings, zone, week, None, checks_until, brief))


def _steps(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo, week: WorkWeek,
           offer: tuple[datetime, datetime] | None, checks_until: datetime | None = None,
           brief: bool = True) -> Iterator[Step]:
    """The steps of a pending interview; ``offer`` is another company's (when it arrived, its deadline);
    ``checks_until`` and ``brief``: as round_steps'."""
    if settings.interview.include:
        # Positional here and below: passing Step's keywords costs more than the rest of making it.
        yield Step("interview", interview.start, interview.duration, _minutes(settings.interview.alarm), 0, 0, "",
                   None, True)
    if settings.thank_you.include:
        yield _thank_you(interview, settings, zone)
    if settings.brief_references.include and brief:
        yield _brief_references(interview, settings, zone, week)
    call = _follow_up_call(interview, settings.follow_up_call, zone, week)
    if settings.follow_up_call.include:
        yield call
    if settings.status_check.include:
        yield from _status_checks(settings.status_check, zone, call.start, week, checks_until)
    if settings.keep_searching.include:
        yield from _keep_searching(interview, settings.keep_searching, zone, week)
    if offer is not None and settings.competing_offer.include:
        told = competing_offer(interview, settings, zone, offer[0], offer[1], week)
        if told is not None:
            yield told


@functools.lru_cache(maxsize=256)
def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)  # made once per value: the planner asks some twenty times per interview


def _step(step_id: str, start: datetime, rule: StepRule, **extra: object) -> Step:
    return Step(step_id, start, _minutes(rule.duration), _minutes(rule.alarm), **extra)  # type: ignore[arg-type]


def _thank_you(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo) -> Step:
    """Soon after the interview, in waking hours, and never past its end + 24 h: any day will do."""
    rule = settings.thank_you
    length = _minutes(rule.duration)
    end = interview.end
    deadline = local(zone, end + THANK_YOU_LIMIT)
    wanted = round_up(end + _minutes(rule.after))
    start = next_slot(zone, wanted, length, settings.waking, week=None)
    if start + length > deadline:
        # Only unusual settings get here (a very late "after"): the deadline wins over waking hours.
        start = local(zone, min(wanted, deadline - length))
    return Step("thank-you", start, length, _minutes(rule.alarm), 0, 0, "email", deadline)


def _brief_references(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo,
                      week: WorkWeek) -> Step:
    """The same day if it still fits business hours, else the next business morning."""
    rule = settings.brief_references
    wanted = round_up(interview.end + _minutes(rule.after))

    def slot(days: WorkWeek) -> datetime:
        return next_slot(zone, wanted, _minutes(rule.duration), settings.business, week=days)

    start, moved = _with_move(week, local(zone, wanted).date() - ONE_DAY, slot)
    return Step("brief-references", start, _minutes(rule.duration), _minutes(rule.alarm), 0, 0, "", None, False, (),
                moved)


def _follow_up_call(interview: Interview, rule: StepRule, zone: pytz.BaseTzInfo, week: WorkWeek) -> Step:
    """The Nth business day after the interview, but never more than 7 calendar days later when a
    working day from the 3rd to the 7th day allows it; when none does (Golden Week, Chinese New Year),
    the first working day after those 7 days. (A call the day after the interview would be pushy, so a
    working day just before a long break does not count.)"""
    chosen, moved = _day_with_move(week, "follow-up-call", local(zone, interview.start).date(), rule.business_days)
    return Step("follow-up-call", at(zone, chosen, rule.time), _minutes(rule.duration), _minutes(rule.alarm), 0, 0,
                "phone", None, False, (), moved)


def _status_checks(rule: StepRule, zone: pytz.BaseTzInfo, after_call: datetime, week: WorkWeek,
                   until: datetime | None = None) -> Iterator[Step]:
    """Weekly after the follow-up call, alternating email and phone; a check on a day off moves to the
    next working day. ``until``: none from then on."""
    call_day = local(zone, after_call).date()
    channels = ("email", "phone") if rule.first == "email" else ("phone", "email")
    duration, alarm, every = _minutes(rule.duration), _minutes(rule.alarm), ONE_DAY * rule.every
    target = call_day
    for number in range(1, rule.count + 1):
        target += every
        day, moved = _day_with_move(week, "on-or-after", target)
        start = at(zone, day, rule.time)
        if until is not None and start >= until:
            return  # and every later check: their days only grow
        # Positional: passing Step's keywords costs more than the rest of making it (the planner's most made step).
        yield Step("status-check", start, duration, alarm, number, rule.count, channels[(number - 1) % 2], None,
                   False, (), moved)


def _keep_searching(interview: Interview, rule: StepRule, zone: pytz.BaseTzInfo, week: WorkWeek) -> Iterator[Step]:
    """The next business day, then every ``every`` days while waiting (a day off moves one to the next
    working day)."""
    day = local(zone, interview.start).date()
    first, moved = _day_moved(week, day, lambda days: next_business_day(day, days))
    for number in range(1, rule.count + 1):
        if number > 1:
            target = first + timedelta(days=rule.every * (number - 1))
            chosen, moved = _day_moved(week, target - ONE_DAY,
                                       lambda days, t=target: on_or_after_business_day(t, days))
        else:
            chosen = first
        yield _step("keep-searching", at(zone, chosen, rule.time), rule, index=number, total=rule.count,
                    moved=moved)


def competing_offer(interview: Interview, settings: PlanSettings, zone: pytz.BaseTzInfo, arrived: datetime,
                    deadline: datetime, week: WorkWeek, *, offered_by: str = "") -> Step | None:
    """Tell the company about another offer as soon as both the offer and the interview are there: business
    hours if they come in time, else waking hours, else at once; None when the offer ends first."""
    rule = settings.competing_offer
    length = _minutes(rule.duration)
    known = max(arrived, interview.end)
    if known + length > deadline:
        return None
    deadline = local(zone, deadline)  # the same instant, compared below with times of the zone at less cost
    wanted = round_up(known + _minutes(rule.after))

    def soonest(days: WorkWeek) -> datetime:
        start = next_slot(zone, wanted, length, settings.business, week=days)
        if start + length > deadline:
            start = next_slot(zone, wanted, length, settings.waking, week=None)
        if start + length > deadline:
            start = local(zone, known)
        return start

    start, moved = _with_move(week, local(zone, wanted).date() - ONE_DAY, soonest)
    return Step("competing-offer", start, length, _minutes(rule.alarm), 0, 0, "email", deadline, False,
                (offered_by,) if offered_by else (), moved)


def answer_offer(arrived: datetime, deadline: datetime, settings: PlanSettings, zone: pytz.BaseTzInfo,
                 week: WorkWeek) -> Step | None:
    """The working day before the deadline, in business hours, leaving time to think; sooner when the offer
    came late; None if the deadline passes before the offer is known."""
    rule = settings.competing_offer
    length = timedelta(minutes=rule.duration)
    if arrived + length > deadline:
        return None
    day = local(zone, deadline).date() - timedelta(days=1)
    while not week.is_working_day(day) and day > local(zone, arrived).date():
        day -= timedelta(days=1)
    start = at(zone, day, settings.follow_up_call.time)
    if start < arrived:
        start = next_slot(zone, arrived, length, settings.business, week=week)
    if start + length > deadline:
        start = next_slot(zone, arrived, length, settings.waking, week=None)
    if start + length > deadline:
        start = local(zone, arrived)
    return Step("answer-offer", start, length, timedelta(0), channel="email", deadline=local(zone, deadline))


def _keep_in_touch(rule: StepRule, zone: pytz.BaseTzInfo, outcome: datetime, week: WorkWeek) -> Step:
    known = local(zone, outcome).date()
    day, moved = _day_moved(week, known, lambda days: next_business_day(known, days))
    return _step("keep-in-touch", at(zone, day, rule.time), rule, channel="email", moved=moved)


def _call_day(day: date, business_days: int, days: WorkWeek) -> date:
    chosen = add_business_days(day, business_days, days)
    latest = last_business_day_until(day + FOLLOW_UP_LIMIT, days)
    if latest is not None and day + FOLLOW_UP_EARLIEST <= latest:
        return min(chosen, latest)
    return min(chosen, next_business_day(day + FOLLOW_UP_LIMIT, days))


def _day_with_move(week: WorkWeek, kind: str, day: date, count: int = 0) -> tuple[date, Move | None]:
    """``_with_move`` for the rules that pick a day from a day alone (the follow-up call's day from the
    interview's, a status check's from its target): the same answer for every interview of that week and
    day, so a batch works each out once (remembered for the last few thousand)."""
    key = (id(week), kind, day, count)
    found = _DAY_PICKS.get(key)
    if found is not None and found[0] is week:
        return found[1]
    if kind == "follow-up-call":
        picked = _day_moved(week, day, lambda days: _call_day(day, count, days))
    else:  # "on-or-after": the first working day from ``day`` on
        picked = _day_moved(week, day - ONE_DAY, lambda days: on_or_after_business_day(day, days))
    if len(_DAY_PICKS) >= _MAX_DAY_PICKS:
        _DAY_PICKS.clear()
    _DAY_PICKS[key] = (week, picked)  # the week kept alive with its answer: its id stays its own
    return picked


_MAX_DAY_PICKS = 16_384
_DAY_PICKS: dict[tuple[int, str, date, int], tuple[WorkWeek, tuple[date, Move | None]]] = {}


def _day_moved(week: WorkWeek, since: date, pick: Callable[[WorkWeek], date]) -> tuple[date, Move | None]:
    """``_with_move`` for a rule that picks a day from days alone: cheap enough to run on both weeks, which
    costs less than recording what the week was asked."""
    chosen = pick(week)
    regular = week.regular()
    if regular is week:
        return chosen, None
    usual = pick(regular)
    return chosen, (None if usual == chosen else _move(week, regular, since, usual, chosen))


def _with_move(week: WorkWeek, since: date, pick: Callable[[WorkWeek], _When]) -> tuple[_When, Move | None]:
    """``pick(week)``, and a Move when ``pick`` of the ordinary week (no holidays) gives another day.

    ``since`` is the last day before the step's rule starts counting: a day off after it can be the cause.
    """
    regular = week.regular()
    if regular is week:
        return pick(week), None
    asked = _Asked(week)
    chosen = pick(asked)
    # ``pick`` sees a week only through is_working_day: where the ordinary week answers every day it asked
    # alike, pick(regular) would take the same path to the same answer, so it need not run (most steps).
    if all(regular.is_working_day(day) == working for day, working in asked.answers):
        return chosen, None
    usual = pick(regular)
    chosen_day, usual_day = _day(chosen), _day(usual)
    if chosen_day == usual_day:
        return chosen, None
    return chosen, _move(week, regular, since, usual_day, chosen_day)


class _Asked:
    """A WorkWeek that remembers what it was asked and what it answered."""

    __slots__ = ("_week", "answers")

    def __init__(self, week: WorkWeek) -> None:
        self._week = week
        self.answers: list[tuple[date, bool]] = []

    def is_working_day(self, day: date) -> bool:
        working = self._week.is_working_day(day)
        self.answers.append((day, working))
        return working

    def why_off(self, day: date) -> str | None:
        return self._week.why_off(day)

    def regular(self) -> WorkWeek:
        return self._week.regular()


def _move(week: WorkWeek, regular: WorkWeek, since: date, usual: date, chosen: date) -> Move:
    """Why the step left ``usual``: it came earlier, onto a make-up working day; else ``usual`` is a holiday,
    else the rule counted over a day off (or a make-up working day) between."""
    if chosen < usual and not regular.is_working_day(chosen):
        return Move(usual, chosen, "")
    reason = week.why_off(usual)
    if reason is not None:
        return Move(usual, usual, reason)
    day, until = since + ONE_DAY, max(usual, chosen)
    while day <= until:
        reason = week.why_off(day)
        if reason is not None and regular.is_working_day(day):
            return Move(usual, day, reason)
        if reason is None and not regular.is_working_day(day):
            return Move(usual, day, "")
        day += ONE_DAY
    return Move(usual, usual, "")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
