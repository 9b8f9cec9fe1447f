"""Plain, validated domain data: an interview and the timed steps planned after it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from followup_ics.core.errors import InputError

_EMAIL = re.compile(r"^[^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}$")
MAX_INTERVIEW = timedelta(hours=12)


class Status(StrEnum):
    """Where an application stands; anything but ``pending`` means the outcome is known."""

    PENDING = "pending"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"

    @property
    def is_closed(self) -> bool:
        return self is not Status.PENDING


@dataclass(frozen=True, slots=True)
class Person:
    """Someone to contact; every part is optional but a person has at least one."""

    name: str = ""
    email: str = ""
    phone: str = ""
    role: str = ""

    def __post_init__(self) -> None:
        if self.email and not _EMAIL.match(self.email):
            raise InputError(self.role or "email", "not an email address", value=self.email)
        if self.phone and not _PHONE.match(self.phone):
            raise InputError(self.role or "phone", "not a phone number", value=self.phone)

    def __bool__(self) -> bool:
        return bool(self.name or self.email or self.phone)

    @property
    def label(self) -> str:
        """'Ana Diaz <ana@x.com>, +1 555 0100', or whatever parts are known."""
        text = self.name
        if self.email:
            text = f"{text} <{self.email}>" if text else self.email
        if self.phone:
            text = f"{text}, {self.phone}" if text else self.phone
        return text


@dataclass(frozen=True, slots=True)
class Interview:
    """One interview as the user described it; ``start`` is aware, in the zone named ``zone``."""

    company: str
    start: datetime
    zone: str
    duration: timedelta = timedelta(minutes=60)
    role: str = ""
    interviewers: tuple[Person, ...] = ()
    contact: Person = field(default_factory=Person)
    references: tuple[Person, ...] = ()
    url: str = ""
    location: str = ""
    notes: str = ""
    status: Status = Status.PENDING
    offer_deadline: datetime | None = None
    outcome_at: datetime | None = None
    interview_id: str = ""

    def __post_init__(self) -> None:
        if not self.company.strip():
            raise InputError("company", "must not be empty")
        if self.start.tzinfo is None:
            raise InputError("date", "must carry a time zone")
        if not timedelta(0) < self.duration <= MAX_INTERVIEW:
            raise InputError("duration", "must be between 1 minute and 12 hours",
                             value=str(self.duration))
        if self.url and not re.match(r"^https?://\S+$", self.url):
            raise InputError("url", "must be an http:// or https:// address without spaces", value=self.url)
        if self.offer_deadline is not None and self.offer_deadline <= self.end:
            raise InputError("offer-deadline", "must be after the interview ends",
                             value=self.offer_deadline.strftime("%Y-%m-%d %H:%M"))
        if self.outcome_at is not None and self.outcome_at < self.start:
            raise InputError("outcome-date", "must not be before the interview",
                             value=self.outcome_at.strftime("%Y-%m-%d %H:%M"))

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def title(self) -> str:
        """'Acme Corp' or 'Acme Corp (Data Engineer)'."""
        return f"{self.company} ({self.role})" if self.role else self.company


class Step(NamedTuple):
    """One calendar event of the plan: what to do, when, and how to be reminded."""

    step_id: str
    start: datetime
    duration: timedelta
    summary: str
    description: str
    alarm_before: timedelta
    alarm_text: str
    index: int = 0
    blocks_time: bool = False
    location: str = ""
    url: str = ""

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def key(self) -> str:
        """Unique within one interview: 'thank-you', 'status-check-2'."""
        return f"{self.step_id}-{self.index}" if self.index else self.step_id


class Schedule(NamedTuple):
    """The plan for one interview, with notices the user should read (DST adjustments...)."""

    interview: Interview
    steps: tuple[Step, ...]
    notices: tuple[str, ...] = ()
