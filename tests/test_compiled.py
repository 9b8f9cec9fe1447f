"""The compiled templates (wording/compiled.py) write what texts.py's functions write, for any interview and
step in every language: the same summary, description and alarm, character for character."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.core.records import Interview, Person, Plan, Status, Step
from followup_ics.wording import compiled, texts
from followup_ics.wording.language import SUPPORTED, language

# Text with what a template must carry through: braces (format fields), '%', '@', '?', '&' (mailto: syntax),
# non-ASCII, and now and then a line break (which a mailto: link writes as CRLF: that step falls back).
_TEXT = st.text(st.sampled_from("ab Z{}%@?&,.:<>é漢\u00a0'-") | st.sampled_from("\n\r"), max_size=12)
_WORD = st.text(st.sampled_from("abZ{}%@?&é漢-' "), max_size=10)
_EMAIL = st.from_regex(r"[a-zA-Z0-9.%?&{}é_+'-]{1,6}@[a-z0-9é]{1,5}\.[a-z]{2,3}", fullmatch=True)
_PHONE = st.from_regex(r"\+?[0-9 ()./-]{3,10}", fullmatch=True)
_ZONE = ZoneInfo("America/New_York")


@st.composite
def _people(draw: st.DrawFn) -> Person:
    return Person(draw(_WORD), draw(st.just("") | _EMAIL), draw(st.just("") | _PHONE))


@st.composite
def _interviews(draw: st.DrawFn) -> Interview:
    start = datetime(2026, 12, 1, 8, 0, tzinfo=_ZONE) + timedelta(minutes=15 * draw(st.integers(0, 60)))
    return Interview(
        company=draw(_TEXT.filter(str.strip)), start=start, zone="America/New_York",
        role=draw(st.just("") | _TEXT), interviewers=tuple(draw(st.lists(_people(), max_size=3))),
        contact=draw(_people()), references=tuple(draw(st.lists(_people(), max_size=3))),
        url=draw(st.just("") | st.just("https://jobs.example/{x}%20?a=1&b")), location=draw(_TEXT),
        notes=draw(_TEXT), status=draw(st.sampled_from(Status)))


@st.composite
def _steps(draw: st.DrawFn, interview: Interview) -> list[Step]:
    steps = []
    for step_id in draw(st.lists(st.sampled_from(sorted(texts._TEXTS)), min_size=1, max_size=6)):
        start = interview.start + timedelta(hours=draw(st.integers(0, 80)))
        deadline = start + timedelta(hours=draw(st.integers(1, 200)))
        steps.append(Step(
            step_id, start, timedelta(minutes=30), timedelta(0), index=draw(st.integers(0, 12)),
            total=draw(st.integers(0, 12)), channel=draw(st.sampled_from(["", "email", "phone"])),
            deadline=deadline if step_id in ("thank-you", "competing-offer", "answer-offer") or draw(st.booleans())
            else None,
            companies=tuple(draw(st.lists(st.just("") | _TEXT, max_size=3)))))
    return steps


def _composed(plan: Plan, code: str, me: str) -> list[tuple[str, str, str]]:
    """What texts.py's functions write for each step (the path the templates replace)."""
    words = texts.Words(language(code), " ".join(me.split()), {})
    facts = texts.details(plan.interview, words.lang)
    return [texts._TEXTS[step.step_id](plan.interview, step, facts, words) for step in plan.steps]


@settings(max_examples=400, deadline=None)
@given(data=st.data(), code=st.sampled_from(SUPPORTED), me=st.just("") | _WORD)
def test_templates_write_what_texts_writes(data: st.DataObject, code: str, me: str) -> None:
    """word_plan's texts equal the composition's in every language: the first time a shape is seen (worded by
    texts.py), the second (compiled) and after (filled); and each step filled from its template says the same
    (a template is worded from a stand-in, so it never holds the values it is filled with)."""
    interview = data.draw(_interviews())
    plan = Plan(interview, tuple(data.draw(_steps(interview))))
    expected = _composed(plan, code, me)
    for _ in range(3):
        worded = texts.word_plan(plan, language(code), me)
        assert [(step.summary, step.description, step.alarm_text) for step in worded.steps] == expected
    values = texts._TEMPLATES.values(interview, texts.Words(language(code), " ".join(me.split()), {}))
    assert values is not None
    for step, composed in zip(plan.steps, expected, strict=True):
        filled = texts._TEMPLATES.texts(values, step)
        assert filled == composed or (filled is None and _unfit(interview, step, me))


def _unfit(interview: Interview, step: Step, me: str) -> bool:
    """Whether a value of the interview or step has a line break (which a template in a mailto: link cannot
    take as written)."""
    people = (*interview.interviewers, interview.contact, *interview.references)
    return any("\n" in text or "\r" in text for text in (
        interview.company, interview.role, me, *step.companies, *(person.name for person in people)))


def test_a_shape_seen_again_is_filled_not_worded() -> None:
    """Interviews of one shape share the compiled template (from the second one seen): each one's texts are its
    own, and a recipient keeps its '@' while the rest of the link is encoded."""
    lang = language("de")
    start = datetime(2026, 12, 1, 14, 0, tzinfo=_ZONE)
    steps = (Step("thank-you", start + timedelta(hours=2), timedelta(minutes=30), timedelta(0), deadline=start
                  + timedelta(hours=25)),
             Step("status-check", start + timedelta(days=14), timedelta(minutes=15), timedelta(0), index=1, total=4,
                  channel="email"))
    templates = compiled.Templates(texts._TEXTS, texts.details, texts.Words)
    filled = []
    for company, role, contact in (("Acme", "Dev", Person("Ana", "ana@acme.example")),
                                   ("Initech", "QA", Person("Raj", "raj@initech.example")),
                                   ("Globex {0}", "50% Ops", Person("Bo & Cy", "bo?cy@globex.example"))):
        interview = Interview(company, start, "America/New_York", role=role, contact=contact)
        words = texts.Words(lang, "Me", {})
        values = templates.values(interview, words)
        filled.append(values and [templates.texts(values, step) for step in steps])
        for texts_of, composed in zip(filled[-1] or [None] * len(steps), _composed(Plan(interview, steps), "de", "Me"),
                                      strict=True):
            assert texts_of in (None, composed)
    assert filled[0] is None and filled[1] == [None, None] and filled[2] is not None  # composed, seen, filled
    assert "bo%3Fcy@globex.example" in filled[2][1][1]


def test_the_templates_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past _MAX_TEMPLATES shapes seen or compiled the tables start afresh (memory flat in rows), and the texts
    stay right."""
    monkeypatch.setattr(compiled, "_MAX_TEMPLATES", 6)
    filled = 0
    templates = compiled.Templates(texts._TEXTS, texts.details, texts.Words)
    lang = language("en")
    start = datetime(2026, 12, 1, 14, 0, tzinfo=_ZONE)
    for count in range(6):  # six shapes of interview: none to five interviewers
        for kind in ("interview", "thank-you", "brief-references", "keep-in-touch"):
            step = Step(kind, start + timedelta(hours=2), timedelta(minutes=30), timedelta(0),
                        deadline=start + timedelta(hours=25))
            interview = Interview("Acme", start, "America/New_York", role="Dev", interviewers=(Person("Ana"),) * count)
            words = texts.Words(lang, "Me", {})
            for _ in range(3):
                values = templates.values(interview, words)
                worded = values and templates.texts(values, step)
                assert worded in (None, texts._TEXTS[kind](interview, step, texts.details(interview, lang), words))
                filled += worded is not None
                remembered = len(templates._seen) + sum(len(shape.steps) + len(shape.seen)
                                                        for shape in templates._shapes.values())
                assert remembered <= 6
    assert filled
