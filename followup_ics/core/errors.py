"""Exceptions the core raises; the edges (CLI, CSV, web) turn them into one-line messages."""

from __future__ import annotations

from collections.abc import Sequence


class FollowupError(Exception):
    """Base class for every error this package reports to a user; the edges turn it into their own message."""

    exit_code = 2  # a usage problem: a bad option, value or file given on the command line


class InputError(FollowupError):
    """A value given by the user is unusable; ``field`` names the option or column."""

    def __init__(self, field: str, message: str, *, value: str | None = None) -> None:
        self.field = field
        self.message = message
        self.value = value
        super().__init__(self.describe())

    def describe(self) -> str:
        shown = f" ({_shorten(self.value)!r})" if self.value is not None else ""
        return f"{self.field}: {self.message}{shown}"


class PlanFileError(FollowupError):
    """A plan (TOML) file cannot be read or holds an unusable setting."""


class DataError(FollowupError):
    """The user's data as a whole cannot become calendars (a CSV's rows, a feed's state)."""

    exit_code = 1


class ZoneNotRepresentable(FollowupError):
    """A zone's rules cannot be written as a rule-based VTIMEZONE for the dates needed."""


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


ERRORS_SHOWN = 20  # bad rows listed before the rest are only counted


def first_errors(lines: Sequence[str], rows: int | None = None, *, limit: int | None = ERRORS_SHOWN,
                 more: str = "bad row", hint: str = "--all-errors lists them all") -> list[str]:
    """The first ``limit`` of ``lines`` (one per bad row), then one line counting the rest: 10,000 error
    lines would bury the first ones, which are what a user fixes first. ``limit`` None shows them all."""
    if limit is None or len(lines) <= limit:
        return list(lines)
    rest = len(lines) - limit
    of = f" ({len(lines):,} of the {rows:,} rows)" if rows else ""
    return [*lines[:limit], f"... and {rest:,} more {more}{'s' if rest != 1 else ''}{of}"
                            + (f"; {hint}" if hint else "")]
