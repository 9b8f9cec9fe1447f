"""Each step's texts as templates compiled once per shape of interview, then filled with one interview's values.

A batch words thousands of interviews whose texts differ only in a few values: the company, the role, the
people's names, addresses and phones, dates and times, the user's name. Which messages make up a text depends
only on the interview's *shape*: which of those values it has (a role or none, how many interviewers and which
of their parts, a contact with a phone...), its status, the language, the step's kind and channel, which of its
companies are named, and whether the thank-you note goes out the day of the interview, the next or later.

So for the first interview of a shape texts.py words a stand-in: the same shape, every value a marker (two
private-use characters around a slot's number) and a language that writes dates and times as markers too. Split
at the markers, that text is the template: its fixed parts translated once, and inside a mailto: link
percent-encoded once. Each later interview of the shape fills in its own values, percent-encoding only those
(``quote`` works character by character: ``quote(a + b) == quote(a) + quote(b)``). The words stay in the catalog
and the composition in texts.py: a template is only what texts.py wrote for that shape, remembered.

A value that a template cannot take as written (a line break inside a mailto: link, which texts.mailto turns
into CRLF) makes that step fall back to texts.py. tests/test_compiled.py holds the templates to texts.py over
random interviews in every language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from operator import attrgetter
from typing import Any, NamedTuple

from followup_ics.core.records import Interview, Person, Step
from followup_ics.wording.percent import quote, quoter

TextsFn = Callable[[Any, Any, str, Any], tuple[str, str, str]]
DetailsFn = Callable[[Any, Any], str]

_OPEN, _CLOSE = "\ue000", "\ue001"
_MAX_TEMPLATES = 2_048  # steps' texts remembered (a CSV of 10,000 rows has about a hundred shapes); all are
# forgotten when there are more, so memory stays bounded
_STEP_LEVEL = frozenset({"index", "total", "other", "step", "deadline"})  # slots read from the step, not the interview
_MOMENTS = frozenset({"start", "end", "step", "deadline"})  # a moment's slot: (which, "date" or "time" or "when")
_LAZY = _STEP_LEVEL | _MOMENTS  # values made on first use (the rest are put in when an interview's Values is made)


class Unfit(Exception):
    """A value that a template cannot take as written: texts.py words this step."""


# A slot is a path naming a value: ("company",), ("person", "interviewers", 0, "email"), ("start", "date") for
# the interview's date, ("deadline", "when"), ("other", 0) for the step's first company, ("index",), ("facts",)...
# A template reads each value under a key of (path, encoding): encoding "" as written, "q" percent-encoded (a
# mailto: subject or body), "r" percent-encoded keeping "@" (a mailto: recipient). Each key's recipe makes its
# value from an interview's Values.
_KEYS: dict[tuple[tuple[object, ...], str], str] = {}
_RECIPES: dict[str, Callable[[Values], str]] = {}
_PER_STEP: set[str] = set()  # the keys of a step's values


def _key(path: tuple[object, ...], encoding: str) -> str:
    key = _KEYS.get((path, encoding))
    if key is None:
        key = _KEYS[path, encoding] = f"{'/'.join(map(str, path))}|{encoding}"
        if encoding or path[0] in _LAZY:
            _RECIPES[key] = _recipe(path, encoding)
        if path[0] in _STEP_LEVEL:
            _PER_STEP.add(key)
    return key


def _recipe(path: tuple[object, ...], encoding: str) -> Callable[[Values], str]:
    if not encoding:
        return _reader(path)
    written = _key(path, "")  # the value as written, read once for every encoding
    if encoding == "r":
        return lambda values: _quote_recipient(values[written])

    def subject_or_body(values: Values) -> str:
        value = values[written]
        if "\n" in value or "\r" in value:  # texts.mailto writes a line break as CRLF: not this value alone
            raise Unfit(value)
        return _quote(value)

    return subject_or_body


_quote, _quote_recipient = quoter(""), quoter("@")


def _reader(path: tuple[object, ...]) -> Callable[[Values], str]:
    """How a value made on first use is read from an interview's Values (the interview's fields, people, the
    user's name and the facts are put in when the Values is made: see Templates.values)."""
    kind = path[0]
    if kind in ("start", "end"):
        form, moment = attrgetter(path[1]), attrgetter(kind)  # type: ignore[arg-type]
        return lambda values: form(values.words.lang)(moment(values.interview))  # type: ignore[no-any-return]
    if kind in ("step", "deadline"):
        form, moment = attrgetter(path[1]), attrgetter("start" if kind == "step" else kind)  # type: ignore[arg-type]
        return lambda values: form(values.words.lang)(moment(values.step))  # type: ignore[no-any-return]
    if kind in ("index", "total"):
        number = attrgetter(kind)
        return lambda values: format(number(values.step), "")
    if kind == "other":
        return lambda values: values.step.companies[path[1]]  # type: ignore[union-attr, index, no-any-return]
    raise AssertionError(f"{path} is put in when the Values is made")


# What Templates.values puts in every Values at once: the interview's fields (one attrgetter), each person's
# parts (a Person's first three fields), the user's name and the facts.
_FIELDS = ("company", "role", "title", "location", "url", "notes", "zone")
_read_fields = attrgetter(*_FIELDS)
_PARTS = ("name", "email", "phone")


def _part_keys(group: str, index: int) -> tuple[str, ...]:
    return tuple(_key(("person", group, index, part), "") for part in _PARTS)


class _Template:
    """One text, split at its values (hashed by identity: an interview's Values remember its filling)."""

    __slots__ = ("keys", "parts", "per_step")

    def __init__(self, parts: tuple[str, ...], keys: tuple[str, ...], per_step: bool) -> None:
        self.parts = parts  # the fixed parts, with a place (an empty string) for each value between them
        self.keys = keys  # the key of each value, in order
        self.per_step = per_step  # whether it reads a value of the step (else one filling serves every step)


class _Texts(NamedTuple):
    summary: _Template
    description: _Template
    alarm: _Template


class _Moment(NamedTuple):
    """A stand-in date: which of the interview's or step's moments, and a day number for texts.py's day counts."""

    name: str
    day: int

    def toordinal(self) -> int:
        return self.day


class _StandIn(NamedTuple):
    """An interview as texts.py reads it, every value a marker (or empty where the real one is)."""

    company: str
    role: str
    title: str
    location: str
    url: str
    notes: str
    zone: str
    status: object
    interviewers: tuple[Person, ...]
    contact: Person
    references: tuple[Person, ...]
    start: _Moment
    end: _Moment


class _Markers:
    """The slots handed out while a stand-in is worded."""

    def __init__(self) -> None:
        self.paths: list[tuple[object, ...]] = []

    def __call__(self, *path: object) -> str:
        self.paths.append(path)
        return f"{_OPEN}{len(self.paths) - 1}{_CLOSE}"


class _StandInLanguage:
    """A language whose messages and lists are the real ones, and whose dates and times are markers."""

    def __init__(self, lang: Any, markers: _Markers) -> None:
        self.code = lang.code
        self._ = lang._
        self.join = lang.join
        self._markers = markers

    def date(self, moment: _Moment) -> str:
        return self._markers(moment.name, "date")

    def time(self, moment: _Moment) -> str:
        return self._markers(moment.name, "time")

    def when(self, moment: _Moment) -> str:
        return self._markers(moment.name, "when")


def _person_shape(person: Person) -> tuple[bool, bool, bool]:
    return bool(person.name), bool(person.email), bool(person.phone)


def interview_shape(interview: Interview, words: Any) -> tuple[object, ...]:
    """What decides which messages an interview's texts are made of (beside the step's own shape)."""
    return (words.lang, bool(words.me), bool(interview.role), bool(interview.location), bool(interview.url),
            bool(interview.notes), interview.status, tuple(map(_person_shape, interview.interviewers)),
            _person_shape(interview.contact), tuple(map(_person_shape, interview.references)))


def _stand_in_person(markers: _Markers, shape: tuple[bool, bool, bool], *where: object) -> Person:
    name, email, phone = shape
    # _make: a namedtuple's own constructor, which skips Person's checks (a marker is not an email address).
    return Person._make((markers("person", *where, "name") if name else "",
                         markers("person", *where, "email") if email else "",
                         markers("person", *where, "phone") if phone else "", ""))


def _stand_in(shape: tuple[object, ...], markers: _Markers, words: Callable[..., Any]) -> tuple[_StandIn, Any]:
    """The stand-in interview and Words of an interview shape."""
    lang, me, role, location, url, notes, status, interviewers, contact, references = shape

    def field(name: str, present: object = True) -> str:
        return markers(name) if present else ""

    interview = _StandIn(
        field("company"), field("role", role), field("title"), field("location", location), field("url", url),
        field("notes", notes), field("zone"), status,
        tuple(_stand_in_person(markers, person, "interviewers", index)
              for index, person in enumerate(interviewers)),  # type: ignore[call-overload]
        _stand_in_person(markers, contact, "contact", 0),  # type: ignore[arg-type]
        tuple(_stand_in_person(markers, person, "references", index)
              for index, person in enumerate(references)),  # type: ignore[call-overload]
        _Moment("start", 1_000), _Moment("end", 1_000))
    return interview, words(_StandInLanguage(lang, markers), field("me", me), None)


def _stand_in_step(shape: tuple[object, ...], markers: _Markers) -> Step:
    step_id, channel, no_deadline, companies, days = shape
    return Step(step_id, _Moment("step", 1_000 + days), timedelta(0), timedelta(0),  # type: ignore[arg-type, operator]
                index=markers("index"), total=markers("total"), channel=channel,  # type: ignore[arg-type]
                deadline=None if no_deadline else _Moment("deadline", 0),  # type: ignore[arg-type]
                companies=tuple(markers("other", index) if named else ""
                                for index, named in enumerate(companies)))  # type: ignore[arg-type]


@functools.cache
def _marker() -> re.Pattern[str]:
    """A marker as texts.py writes it, or as percent-encoded inside a mailto: link (made on first use)."""
    return re.compile(f"{_OPEN}([0-9]+){_CLOSE}|{re.escape(quote(_OPEN, ''))}([0-9]+){re.escape(quote(_CLOSE, ''))}")


def _template(text: str, markers: _Markers) -> _Template:
    """A text worded for a stand-in, split at its markers."""
    parts: list[str] = []
    keys: list[str] = []
    per_step = False
    end = 0
    for found in _marker().finditer(text):
        parts += (text[end:found.start()], "")
        end = found.end()
        raw, encoded = found.group(1, 2)
        path = markers.paths[int(raw or encoded)]
        if raw:
            encoding = ""
        else:  # inside a mailto: link, whose recipients come before the first "?" (every value's is encoded)
            link = text.rfind("mailto:", 0, found.start())
            assert link >= 0, "an encoded marker outside a mailto: link"
            encoding = "q" if "?" in text[link:found.start()] else "r"
        keys.append(_key(path, encoding))
        per_step = per_step or path[0] in _STEP_LEVEL
    parts.append(text[end:])
    return _Template(tuple(parts), tuple(keys), per_step)


class Values(dict[str, str]):
    """One interview's values by key, each made (and percent-encoded) on first use; a step's are dropped when
    the next step is filled."""

    def __init__(self, interview: Interview, words: Any) -> None:
        super().__init__()
        self.interview, self.words = interview, words
        self.step: Step | None = None
        self.facts = ""
        self.shape: tuple[object, ...] = ()
        self.templates: _Shape | None = None
        self.day = interview.start.toordinal()
        self._step_keys: list[str] = []
        self.shared: dict[_Template, str] = {}  # texts without a step's value, filled once per interview

    def for_step(self, step: Step) -> None:
        self.step = step
        for key in self._step_keys:
            del self[key]
        self._step_keys.clear()

    def __missing__(self, key: str) -> str:
        value = self[key] = _RECIPES[key](self)
        if key in _PER_STEP:
            self._step_keys.append(key)
        return value

    def fill(self, template: _Template) -> str:
        if not template.keys:
            return template.parts[0]
        if not template.per_step:
            text = self.shared.get(template)
            if text is not None:
                return text
        parts = list(template.parts)
        # dict's own __getitem__ (__missing__ on a miss); a list, as a list is assigned twice as fast as a map
        parts[1::2] = list(map(self.__getitem__, template.keys))
        text = "".join(parts)
        if not template.per_step:
            self.shared[template] = text
        return text


class _Shape:
    """The templates of one interview shape: its details, and each step's texts by the step's shape; and the keys
    of its people's parts, in the order of ``_people``."""

    def __init__(self, shape: tuple[object, ...], details: _Template) -> None:
        interviewers, references = shape[-3], shape[-1]
        self.people = (*(_part_keys("interviewers", index) for index in range(len(interviewers))),  # type: ignore[arg-type]
                       _part_keys("contact", 0),
                       *(_part_keys("references", index) for index in range(len(references))))  # type: ignore[arg-type]
        self.details = details
        self.steps: dict[tuple[object, ...], _Texts] = {}
        self.seen: set[tuple[object, ...]] = set()  # step shapes seen once


def _people(interview: Interview) -> tuple[Person, ...]:
    return (*interview.interviewers, interview.contact, *interview.references)


_FIELD_KEYS = tuple(_key((name,), "") for name in _FIELDS)
_ME, _FACTS = _key(("me",), ""), _key(("facts",), "")


class Templates:
    """The compiled templates of texts.py's step texts (``texts``, by step kind) and interview details
    (``details``). A shape is compiled the second time it is seen: the first is worded by texts.py, as a
    template pays for itself only from its second filling (and `generate` words one interview)."""

    def __init__(self, texts: Mapping[str, TextsFn], details: DetailsFn, words: Callable[..., Any]) -> None:
        self._texts = texts
        self._details = details
        self._words = words  # texts.Words (passed in: texts.py imports this module)
        self._shapes: dict[tuple[object, ...], _Shape] = {}
        self._seen: set[tuple[object, ...]] = set()  # interview shapes seen once
        self._count = 0  # shapes seen and steps' texts compiled since the tables were last emptied

    def _note(self) -> None:
        """Count one more shape seen or compiled; past _MAX_TEMPLATES, start afresh (memory stays bounded)."""
        self._count += 1
        if self._count > _MAX_TEMPLATES:  # (an interview's shape, now out of the table, still serves it)
            self._shapes.clear()
            self._seen.clear()
            self._count = 1

    def values(self, interview: Interview, words: Any) -> Values | None:
        """An interview's Values, its details (the facts every description ends with) filled in; None for a
        shape seen for the first time."""
        shape = interview_shape(interview, words)
        templates = self._shapes.get(shape)
        if templates is None:
            self._note()
            if shape not in self._seen:
                self._seen.add(shape)
                return None
            templates = self._shapes[shape] = _Shape(shape, self._compile_details(shape))
        values = Values(interview, words)
        values.shape, values.templates = shape, templates
        values.update(zip(_FIELD_KEYS, _read_fields(interview), strict=True))
        for keys, person in zip(templates.people, _people(interview), strict=True):
            values.update(zip(keys, person, strict=False))  # (a Person's fourth field is not written)
        values[_ME] = words.me
        values.facts = values[_FACTS] = values.fill(templates.details)
        return values

    def texts(self, values: Values, step: Step) -> tuple[str, str, str] | None:
        """A step's summary, description and alarm text; None for a step shape seen for the first time, or
        where a value does not fit the template (texts.py words those)."""
        days = step.start.toordinal() - values.day  # a thank-you note's wording tells 0 (or fewer), 1, more
        kind = (step.step_id, step.channel, step.deadline is None, tuple(map(bool, step.companies)),
                0 if days <= 0 else 1 if days == 1 else 2)
        templates = values.templates
        compiled = templates.steps.get(kind)
        if compiled is None:
            self._note()
            if kind not in templates.seen:
                templates.seen.add(kind)
                return None
            compiled = templates.steps[kind] = self._compile_step(values.shape, kind)
        values.for_step(step)
        try:
            return values.fill(compiled.summary), values.fill(compiled.description), values.fill(compiled.alarm)
        except Unfit:
            return None

    def _compile_details(self, shape: tuple[object, ...]) -> _Template:
        markers = _Markers()
        interview, words = _stand_in(shape, markers, self._words)
        return _template(self._details(interview, words.lang), markers)

    def _compile_step(self, shape: tuple[object, ...], kind: tuple[object, ...]) -> _Texts:
        markers = _Markers()
        interview, words = _stand_in(shape, markers, self._words)
        step = _stand_in_step(kind, markers)
        summary, description, alarm = self._texts[step.step_id](interview, step, markers("facts"), words)
        return _Texts(*(_template(text, markers) for text in (summary, description, alarm)))


