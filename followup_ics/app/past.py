"""Plans made after the fact: which steps are already past, and the plan without them.

A plan made days after the interview holds steps whose time has gone (the interview itself, the
thank-you note). They are kept by default (the calendar stays a complete record, and a late thank-you
is still worth sending); the CLI says how many there are and `--skip-past` leaves them out.
"""

from __future__ import annotations

from datetime import datetime

from followup_ics.core.records import Schedule, Step

_NAMED = 4  # steps named in the notice; more are counted


def past_steps(schedule: Schedule, now: datetime) -> tuple[Step, ...]:
    """The steps that start before ``now``."""
    return tuple(step for step in schedule.steps if step.start < now)


def without_past(schedule: Schedule, now: datetime) -> Schedule:
    """``schedule`` with only the steps that start at or after ``now``."""
    return schedule._replace(steps=tuple(step for step in schedule.steps if step.start >= now))


def past_notice(past: tuple[Step, ...], total: int, *, left_out: bool) -> str | None:
    """One line for the user about the past steps, or None when there are none."""
    if not past:
        return None
    names = ", ".join(step.key for step in past[:_NAMED]) + (", ..." if len(past) > _NAMED else "")
    steps = "step" if len(past) == 1 else "steps"
    if left_out:
        return f"left out {len(past)} {steps} already past ({names})"
    return f"{len(past)} of {total} {steps} already past ({names}); --skip-past leaves them out"
