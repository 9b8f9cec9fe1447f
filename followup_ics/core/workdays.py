"""Which days are working days: the protocol every country's calendar implements, and Monday to Friday.

The planner asks only ``is_working_day``; ``why_off`` lets the edges say why a step moved ("Thanksgiving",
"weekend"). Implementations are plain, immutable values so a plan stays a pure function of its inputs.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


class WorkWeek(Protocol):
    """The working days of one place: its weekend and its days off."""

    def is_working_day(self, day: date) -> bool: ...

    def why_off(self, day: date) -> str | None:
        """Why ``day`` is not a working day ("weekend", a holiday's name); None on a working day."""
        ...


class MondayToFriday:
    """Monday to Friday, no holidays: the week when nothing more is known."""

    __slots__ = ()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5

    def why_off(self, day: date) -> str | None:
        return None if day.weekday() < 5 else "weekend"

    def __repr__(self) -> str:
        return "MondayToFriday()"


MONDAY_TO_FRIDAY = MondayToFriday()
