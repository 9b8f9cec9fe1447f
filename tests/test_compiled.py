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
    """word_plan's texts (from templates remembered across examples, so filled with other values than those
    they were compiled from) equal the composition's, in every language."""
    interview = data.draw(_interviews())
    plan = Plan(interview, tuple(data.draw(_steps(interview))))
    worded = texts.word_plan(plan, language(code), me)
    assert [(step.summary, step.description, step.alarm_text) for step in worded.steps] == _composed(plan, code, me)


def test_a_shape_seen_again_is_filled_not_worded() -> None:
    """Two interviews of one shape share the compiled template: the second one's texts are its own."""
    lang = language("de")
    start = datetime(2026, 12, 1, 14, 0, tzinfo=_ZONE)
    steps = (Step("thank-you", start + timedelta(hours=2), timedelta(minutes=30), timedelta(0), deadline=start
                  + timedelta(hours=25)),
             Step("status-check", start + timedelta(days=14), timedelta(minutes=15), timedelta(0), index=1, total=4,
                  channel="email"))
    first = Interview("Acme", start, "America/New_York", role="Dev", contact=Person("Ana", "ana@acme.example"))
    second = Interview("Globex {0}", start + timedelta(days=1), "America/New_York", role="50% Ops",
                       contact=Person("Bo & Cy", "bo?cy@globex.example"))
    for interview in (first, second):
        plan = Plan(interview, steps)
        worded = texts.word_plan(plan, lang, "Me")
        texts_of = [(step.summary, step.description, step.alarm_text) for step in worded.steps]
        assert texts_of == _composed(plan, "de", "Me")
    assert "bo%3Fcy@globex.example" in worded.steps[1].description  # a recipient keeps its '@'


def test_the_templates_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past _MAX_TEMPLATES steps' texts the table starts afresh (memory flat in rows), and texts stay right."""
    monkeypatch.setattr(compiled, "_MAX_TEMPLATES", 3)
    templates = compiled.Templates(texts._TEXTS, texts.details, texts.Words)
    lang = language("en")
    start = datetime(2026, 12, 1, 14, 0, tzinfo=_ZONE)
    for role in ("", "Dev"):
        for kind in ("interview", "thank-you", "brief-references", "keep-in-touch"):
            step = Step(kind, start + timedelta(hours=2), timedelta(minutes=30), timedelta(0),
                        deadline=start + timedelta(hours=25))
            interview = Interview("Acme", start, "America/New_York", role=role)
            words = texts.Words(lang, "Me", {})
            worded = templates.texts(templates.values(interview, words), step)
            assert worded == texts._TEXTS[kind](interview, step, texts.details(interview, lang), words)
            assert sum(len(shape.steps) for shape in templates._shapes.values()) <= 3
