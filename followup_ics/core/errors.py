"""Exceptions the core raises; the edges (CLI, CSV, web) turn them into one-line messages."""

from __future__ import annotations


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
