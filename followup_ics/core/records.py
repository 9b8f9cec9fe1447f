"""Plain, validated domain data: an interview and the timed steps planned after it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from followup_ics.core.errors import InputError

_EMAIL = re.compile(r"^[^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}$")
_URL = re.compile(r"^https?://\S+$")  # compiled once: every interview with a url is checked (twice per batch row)
_NO_TIME = timedelta(0)
_HOUR = timedelta(minutes=60)
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
        return self is not _PENDING  # (a module name: looking a member up on an Enum class costs more than the rest)


_PENDING = Status.PENDING


class _PersonFields(NamedTuple):
    name: str = ""
    email: str = ""
    phone: str = ""
    role: str = ""


class Person(_PersonFields):
    """Someone to contact; every part is optional but a person has at least one.

    (A NamedTuple checked when made: a frozen slotted dataclass cost a `generate` about 0.4 ms more to
    create at import.)"""

    __slots__ = ()

    def __new__(cls, name: str = "", email: str = "", phone: str = "", role: str = "") -> Person:
        if email and not _EMAIL.match(email):
            raise InputError(role or "email", "not an email address", value=email)
        if phone and not _PHONE.match(phone):
            raise InputError(role or "phone", "not a phone number", value=phone)
        return super().__new__(cls, name, email, phone, role)

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


_NOBODY = Person()


class _InterviewFields(NamedTuple):
    """Interview's fields, in order; their defaults are Interview.__new__'s (the one place they are given)."""

    company: str
    start: datetime
    zone: str
    duration: timedelta
    role: str
    interviewers: tuple[Person, ...]
    contact: Person
    references: tuple[Person, ...]
    url: str
    location: str
    notes: str
    status: Status
    offer_deadline: datetime | None
    outcome_at: datetime | None
    interview_id: str
    offer_arrived: datetime | None  # when another company's offer (offer_deadline) arrived


class Interview(_InterviewFields):
    """One interview as the user described it; ``start`` is aware, in the zone named ``zone``.

    (A NamedTuple checked when made, as Person is: a batch makes two per row, and a frozen slotted dataclass
    cost about four times as much to make. ``_replace`` makes a checked one too; ``_make`` does not.)"""

    __slots__ = ()

    def __new__(cls, company: str, start: datetime, zone: str, duration: timedelta = _HOUR, role: str = "",
                interviewers: tuple[Person, ...] = (), contact: Person = _NOBODY,
                references: tuple[Person, ...] = (), url: str = "", location: str = "", notes: str = "",
                status: Status = Status.PENDING, offer_deadline: datetime | None = None,
                outcome_at: datetime | None = None, interview_id: str = "",
                offer_arrived: datetime | None = None) -> Interview:
        if not company.strip():
            raise InputError("company", "must not be empty")
        if start.tzinfo is None:
            raise InputError("date", "must carry a time zone")
        if not _NO_TIME < duration <= MAX_INTERVIEW:
            raise InputError("duration", "must be between 1 minute and 12 hours", value=str(duration))
        if url and not _URL.match(url):
            raise InputError("url", "must be an http:// or https:// address without spaces", value=url)
        if offer_deadline is not None and offer_deadline <= start + duration:
            raise InputError("offer_deadline", "must be after the interview ends",
                             value=offer_deadline.strftime("%Y-%m-%d %H:%M"))
        if offer_deadline is not None and offer_arrived is not None and offer_deadline <= offer_arrived:
            raise InputError("offer_deadline", "must be after the offer arrived",
                             value=offer_deadline.strftime("%Y-%m-%d %H:%M"))
        if outcome_at is not None and outcome_at < start:
            raise InputError("outcome_date", "must not be before the interview",
                             value=outcome_at.strftime("%Y-%m-%d %H:%M"))
        return tuple.__new__(cls, (company, start, zone, duration, role, interviewers, contact, references, url,
                                   location, notes, status, offer_deadline, outcome_at, interview_id,
                                   offer_arrived))

    def _replace(self, **changes: Any) -> Interview:
        """A copy with ``changes``, checked as a new interview is (NamedTuple's own would not check)."""
        return Interview(**{**self._asdict(), **changes})

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def title(self) -> str:
        """'Acme Corp' or 'Acme Corp (Data Engineer)'."""
        return f"{self.company} ({self.role})" if self.role else self.company


class Move(NamedTuple):
    """Why a business step is not on the day it would have had in an ordinary week.

    ``cause`` is why ``cause_day`` is off (a holiday's name); "" when ``cause_day`` is a weekend day worked
    instead (a make-up day) that the count of business days used.
    """

    usual_day: date  # where the step would be if no day were a holiday
    cause_day: date
    cause: str


class Step(NamedTuple):
    """One planned calendar event: which step, when, how to be reminded, and what the words will need.

    The planner emits no words; wording turns a Step into a WordedStep.
    """

    step_id: str  # the kind of step: "thank-you", "status-check"...
    start: datetime
    duration: timedelta
    alarm_before: timedelta
    index: int = 0  # the number of a repeated step, from 1; 0 for a one-off
    total: int = 0  # how many of a repeated step were planned
    channel: str = ""  # "email" or "phone" where the step is one or the other
    deadline: datetime | None = None  # what the step must be done by (a thank-you), or the offer's deadline
    blocks_time: bool = False
    companies: tuple[str, ...] = ()  # the other applications a step is about (whose offer, who is waited on)
    moved: Move | None = None  # set when a day off moved this business step from its usual day

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def key(self) -> str:
        """Unique within one interview: 'thank-you', 'status-check-2'."""
        return f"{self.step_id}-{self.index}" if self.index else self.step_id


class Plan(NamedTuple):
    """The planned steps for one interview, with notices the user should read (DST adjustments...)."""

    interview: Interview
    steps: tuple[Step, ...]
    notices: tuple[str, ...] = ()


class WordedStep(NamedTuple):
    """A planned step with what its event says: title, description and alarm text."""

    step: Step
    summary: str
    description: str
    alarm_text: str
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()  # the event's CATEGORIES, in the user's language

    @property
    def step_id(self) -> str:
        return self.step.step_id

    @property
    def start(self) -> datetime:
        return self.step.start

    @property
    def end(self) -> datetime:
        return self.step.start + self.step.duration

    @property
    def duration(self) -> timedelta:
        return self.step.duration

    @property
    def alarm_before(self) -> timedelta:
        return self.step.alarm_before

    @property
    def blocks_time(self) -> bool:
        return self.step.blocks_time

    @property
    def key(self) -> str:
        return self.step.key


class Schedule(NamedTuple):
    """The worded plan for one interview: what a calendar gets."""

    interview: Interview
    steps: tuple[WordedStep, ...]
    notices: tuple[str, ...] = ()
    calendar_name: str = ""  # the name of a calendar holding this interview alone, in the user's language
