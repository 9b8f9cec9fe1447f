"""What each event says, in the user's language: titles and descriptions that carry the reminder on their own.

Google Calendar drops alarms, so a title must say what to do and by when, and a description must hold who to
contact, a short draft of what to say (signed with the user's name), the interview's details, and for every
step that suggests an email a ``mailto:`` link that opens the draft addressed to the right person.

Every message is a whole sentence or paragraph with named placeholders, so a translation can reorder it;
``Language._`` looks it up in the catalog (see language.py) and fills it in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from followup_ics.core.records import Interview, Person, Plan, Schedule, Status, Step, WordedStep
from followup_ics.wording.language import Language, language
from followup_ics.wording.percent import quote_address, quote_body, quote_subject

_T = TypeVar("_T")


class Words(NamedTuple):
    """How one interview's texts are written: in which language, signed by whom (see ``_words``)."""

    lang: Language
    signature: str  # the user's name, signing every draft and script ("[your name]" when not given)
    sign_off: str  # the line every draft ends with, signed: made once, not per draft
    # Texts one interview's (or stream's) steps share (the status checks' drafts, the keep-searching
    # reminders), made once: word_plan and word_stream give each a fresh one.
    memo: dict[object, Any] | None = None

    def once(self, key: object, make: Callable[..., _T], *args: Any) -> _T:
        """``make(*args)`` (never None), remembered in ``memo`` under ``key`` when there is one."""
        memo = self.memo
        if memo is None:
            return make(*args)
        value = memo.get(key)
        if value is None:
            value = memo[key] = make(*args)
        return value  # type: ignore[no-any-return]


def _words(lang: Language | None, me: str, memo: dict[object, Any] | None = None) -> Words:
    """The Words of texts in ``lang`` (English by default) signed by ``me`` (its spaces tidied)."""
    lang = lang or language("en")
    signature = " ".join(me.split()) or lang._("[your name]")
    return Words(lang, signature, _sign_off(lang, signature), memo)


class Draft(NamedTuple):
    """A message to send: to whom (addresses may be none), its subject and its body's paragraphs (greeting,
    what to say, sign-off: see letter)."""

    to: tuple[str, ...]
    subject: str
    paragraphs: tuple[str, ...]  # the body: a blank line between each two


# A WordedStep made from all its fields at once, in their order, as tuple.__new__ makes it: NamedTuple's own
# __new__ is a Python function (some ten calls per interview). Every field is given: none is left to its default.
_worded_step: Callable[[tuple[Any, ...]], WordedStep] = functools.partial(tuple.__new__, WordedStep)


def word_plan(plan: Plan, lang: Language | None = None, me: str = "") -> Schedule:
    """Every planned step with its title, description and alarm text, and the calendar's own names."""
    words = _words(lang, me, {})
    interview = plan.interview
    facts = details(interview, words.lang)  # the same for every step: built once
    categories = follow_up_categories(words.lang)
    worded = []
    for step in plan.steps:
        summary, description, alarm = _TEXTS[step.step_id](interview, step, facts, words)
        if step.step_id == "interview":
            worded.append(_worded_step((step, summary, description, alarm, interview.location, interview.url,
                                        interview_categories(words.lang))))
        else:
            worded.append(_worded_step((step, summary, description, alarm, "", "", categories)))
    return Schedule(interview, tuple(worded), plan.notices, calendar_name(interview, words.lang))


def calendar_name(interview: Interview, lang: Language) -> str:
    """The name of a calendar holding one interview's steps."""
    return lang._("Interview follow-ups: {title}", title=interview.title)


def collection_name(lang: Language) -> str:
    """The name of a calendar holding several interviews (all.ics, the combined feed)."""
    return lang._("Interview follow-ups")


# Texts that depend on nothing but the language are made once per Language (functools.cache: at worst two
# threads make the same immutable tuple at once, and one of them is kept).
@functools.cache
def follow_up_categories(lang: Language) -> tuple[str, ...]:
    return (lang._("Job search"), lang._("Interview follow-up"))


@functools.cache
def interview_categories(lang: Language) -> tuple[str, ...]:
    return (lang._("Job search"), lang._("Interview"))


def details(interview: Interview, lang: Language) -> str:
    """The interview facts every description ends with."""
    _ = lang._
    lines = [_("Interview details"), _("Company: {company}", company=interview.company)]
    if interview.role:
        lines.append(_("Role: {role}", role=interview.role))
    lines.append(_("When: {start} to {end} ({zone})", start=lang.when(interview.start),
                   end=lang.time(interview.end), zone=interview.zone))
    if interview.location:
        lines.append(_("Where: {location}", location=interview.location))
    lines += [_("Interviewer: {person}", person=person.label) for person in interview.interviewers]
    if interview.contact:
        lines.append(_contact_person_line(lang, interview.contact.label))
    if interview.url:
        lines.append(_("Job posting: {url}", url=interview.url))
    if interview.notes:
        lines.append(_("Notes: {notes}", notes=interview.notes))
    if interview.status.is_closed:
        # A recorded outcome changes every remaining event, so subscribed calendars see a new SEQUENCE.
        lines.append(_outcome_line(lang, interview.status))
    return "\n".join(lines)


# One line per language and outcome (functools.cache: made once, immutable, as the categories are)
@functools.cache
def _outcome_line(lang: Language, status: Status) -> str:
    return lang._("Outcome: {outcome}", outcome=outcome(status, lang))


def outcome(status: Status, lang: Language) -> str:
    """What a closed application's status says: 'offer received'..."""
    _ = lang._
    return {"offer": _("offer received"), "rejected": _("not selected"), "withdrawn": _("you withdrew"),
            "accepted": _("offer accepted")}[status.value]


def mailto(recipients: tuple[str, ...] | list[str], subject: str, paragraphs: Sequence[str]) -> str:
    """A mailto: link that opens a drafted message (RFC 6068: line breaks in the body as %0D%0A), whose body is
    ``paragraphs`` with a blank line between each two.

    Without recipients it is ``mailto:?subject=...``, which mail programs open with an empty To line. Each
    paragraph is encoded on its own (the same text as the whole body's), so those drafts share (greetings,
    sign-offs, an interview's paragraphs) are remembered encoded, and a body is never split again into lines."""
    return _mailto(recipients, subject, paragraphs, "\n\n".join(paragraphs))


def _mailto(recipients: tuple[str, ...] | list[str], subject: str, paragraphs: Sequence[str], body: str) -> str:
    """``mailto`` for the body made of ``paragraphs`` (email_lines shows it too: joined once)."""
    to = quote_address(recipients[0]) if len(recipients) == 1 else quote_address.join(recipients, ",")
    # A CRLF is one line break, even one that would straddle two paragraphs: made LF first, in the whole body.
    encoded = quote_body(body.replace("\r\n", "\n")) if "\r" in body else quote_body.join(paragraphs, "%0D%0A%0D%0A")
    return f"mailto:{to}?subject={quote_subject(subject)}&body={encoded}"


def email_lines(draft: Draft, lang: Language, heading: str = "") -> list[str]:
    """A drafted email as a description shows it: heading, subject, body, and the link that sends it.

    Every step that suggests an email goes through here, so each carries a mailto: link."""
    _ = lang._
    to, subject, paragraphs = draft
    body = "\n\n".join(paragraphs)
    return [heading or _("Draft:"), _subject_line(lang, subject), body, "",
            _("Send it: {link}", link=_mailto(to, subject, paragraphs, body))]


# A subject names a role or a company: the same for an interview's drafts to several people, and for the
# drafts of interviews for one role. Remembered as greetings are.
@functools.lru_cache(maxsize=256)
def _subject_line(lang: Language, subject: str) -> str:
    return lang._("Subject: {subject}", subject=subject)


def recipient(interview: Interview) -> Person:
    """Who a status, offer or keep-in-touch email goes to: the contact, else an interviewer with an address,
    else whoever is known by name (the draft is then unaddressed)."""
    if interview.contact.email:
        return interview.contact
    with_email = [person for person in interview.interviewers if person.email]
    if with_email:
        return with_email[0]
    return interview.contact or next(iter(interview.interviewers), Person())


def letter(person: Person, words: Words, *paragraphs: str) -> tuple[str, ...]:
    """Greeting, paragraphs, sign-off with the user's name: a Draft's paragraphs."""
    return (_greeting(words.lang, person.name), *paragraphs, words.sign_off)


# A greeting and a sign-off are the same for every draft of an interview (a letter each: some four per
# interview), and across interviews for the same people: remembered (lru_cache: bounded, safe in threads).
@functools.lru_cache(maxsize=256)
def _greeting(lang: Language, name: str) -> str:
    return lang._("Dear {name},", name=name) if name else lang._("Hello,")


@functools.lru_cache(maxsize=256)
def _sign_off(lang: Language, signature: str) -> str:
    return lang._("Best regards,\n{me}", me=signature)


def _contact_line(interview: Interview, lang: Language, *, phone: bool) -> str:
    """Whom to call or write to, as one line."""
    person = interview.contact
    if not person:
        people = [p for p in interview.interviewers if (p.phone if phone else p.email)]
        person = people[0] if people else Person()
    if phone and person.phone:
        return _call_line(lang, person.label)
    if person:
        return _contact_person_line(lang, person.label)
    return lang._("Contact: the recruiter or hiring manager at {company}", company=interview.company)


# Whom to call or write to: the same person for the steps of an interview that name one (some four, and the
# details' contact), remembered as the greetings are.
@functools.lru_cache(maxsize=256)
def _call_line(lang: Language, label: str) -> str:
    return lang._("Call: {person}", person=label)


@functools.lru_cache(maxsize=256)
def _contact_person_line(lang: Language, label: str) -> str:
    return lang._("Contact: {person}", person=label)


def _day_of(moment: datetime) -> int:
    return moment.toordinal()


def interview_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    _ = words.lang._
    summary = _("Interview: {title}", title=interview.title)
    description = "\n".join([
        _("Before you go in: re-read the job posting and your notes on the company, have two or three "
          "questions ready, and note the names of everyone you meet so the thank-you note can name them."),
        "",
        facts,
    ])
    alarm = _("Interview with {company} at {time}: review the posting and your questions.",
              company=interview.company, time=words.lang.time(interview.start))
    return summary, description, alarm


def thank_you_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    deadline = step.deadline
    assert deadline is not None
    due = lang.when(deadline)
    summary = _("Send thank-you note to {company} (by {deadline})", company=interview.company, deadline=due)
    named = [person for person in interview.interviewers if person.name]
    if len(named) > 1:
        advice = _("Write and send a short, personal thank-you note to each of {names} within 24 hours of the "
                   "interview, that is before {deadline}. In each, mention one thing you talked about with "
                   "that person and restate your interest.", names=lang.join([p.name for p in named]),
                   deadline=due)
    elif named:
        advice = _("Write and send a short thank-you note to {name} within 24 hours of the interview, that is "
                   "before {deadline}. Mention one thing you talked about and restate your interest.",
                   name=named[0].name, deadline=due)
    else:
        advice = _("Write and send a short thank-you note to the people who interviewed you within 24 hours of "
                   "the interview, that is before {deadline}. Mention one thing you talked about and restate "
                   "your interest.", deadline=due)
    lines = [advice]
    # One draft per interviewer, each greeting one person; without interviewers, one draft to the contact.
    people = list(interview.interviewers) or [interview.contact]
    for person in people:
        heading = _("Draft for {name}:", name=person.name) if len(people) > 1 and person.name else ""
        lines += ["", *email_lines(_thank_you_draft(interview, step, person, words), lang, heading)]
    lines += ["", facts]
    alarm = _("Thank-you note to {company} is due by {deadline}.", company=interview.company, deadline=due)
    return summary, "\n".join(lines), alarm


def _thank_you_draft(interview: Interview, step: Step, person: Person, words: Words) -> Draft:
    _ = words.lang._
    # The note is often sent the next morning (an evening interview): it must say when we met as seen from
    # the day it is sent, not assume the same day.
    days = _day_of(step.start) - _day_of(interview.start)
    if days <= 0:
        met = _("Thank you for taking the time to meet with me today.")
    elif days == 1:
        met = _("Thank you for taking the time to meet with me yesterday.")
    else:
        met = _("Thank you for taking the time to meet with me on {date}.", date=words.lang.date(interview.start))
    if interview.role:
        enjoyed = _("I enjoyed learning more about the {role} role and the team, and our conversation confirmed "
                    "my interest. Please let me know if I can provide anything else.", role=interview.role)
        subject = _("Thank you: {role} interview", role=interview.role)
    else:
        enjoyed = _("I enjoyed learning more about the team and the work, and our conversation confirmed my "
                    "interest. Please let me know if I can provide anything else.")
        subject = _("Thank you for the interview")
    # An interviewer without an address of their own: the contact can pass the note on.
    address = person.email or interview.contact.email
    return Draft((address,) if address else (), subject, letter(person, words, f"{met} {enjoyed}"))


def brief_references_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    summary = _("Brief your references: {company} may call them", company=interview.company)
    refs = [f"- {person.label}" for person in interview.references] or [
        _("- (none listed: pick the two or three people who know your work best)")]
    if interview.role:
        news = _("I have just interviewed with {company} for the {role} role and gave your name as a reference, "
                 "so they may be in touch in the next few days.", company=interview.company, role=interview.role)
    else:
        news = _("I have just interviewed with {company} and gave your name as a reference, so they may be in "
                 "touch in the next few days.", company=interview.company)
    ask = _("Here is a little about the job and what they seemed to care about most. Thank you for vouching "
            "for me!")
    subject = _("{company} may contact you as my reference", company=interview.company)
    lines = [
        _("Tell your references that {company} will probably contact them in the next couple of days. Give "
          "them what they need to speak for you: the role, what the company does, what the interview focused "
          "on, and which of your strengths fit the job best.", company=interview.company),
        "",
        _("References:"),
        *refs,
    ]
    # One note per reference: each is a personal favour, and their addresses stay private.
    people = list(interview.references) or [Person()]
    for person in people:
        draft = Draft((person.email,) if person.email else (), subject, letter(person, words, f"{news} {ask}"))
        heading = _("Draft for {name}:", name=person.name) if len(people) > 1 and person.name else ""
        lines += ["", *email_lines(draft, lang, heading)]
    lines += ["", facts]
    return summary, "\n".join(lines), _("Brief your references about {company} today.", company=interview.company)


def follow_up_call_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    summary = _("Follow-up call to {company}", company=interview.company)
    if interview.role:
        script = _("Hello, this is {me}. I interviewed on {date} for the {role} position. I am still very "
                   "interested and wanted to ask where you are in the process and when you expect to decide. Is "
                   "there anything else I can send you?", me=words.signature,
                   date=lang.date(interview.start), role=interview.role)
    else:
        script = _("Hello, this is {me}. I interviewed with you on {date}. I am still very interested and "
                   "wanted to ask where you are in the process and when you expect to decide. Is there anything "
                   "else I can send you?", me=words.signature, date=lang.date(interview.start))
    lines = [
        _("About a week has passed since the interview: call to follow up."),
        _contact_line(interview, lang, phone=True),
        "",
        _("What to say:"),
        script,
        "",
        facts,
    ]
    alarm = _("Follow-up call to {company} at {time}.", company=interview.company, time=lang.time(step.start))
    return summary, "\n".join(lines), alarm


def status_check_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    _ = words.lang._
    number, total, company = step.index, step.total, interview.company
    if step.channel == "phone":
        summary = _("Call {company} for a status update ({number} of {total})", company=company, number=number,
                    total=total)
    else:
        summary = _("Email {company} for a status update ({number} of {total})", company=company, number=number,
                    total=total)
    # The checks by one channel differ only in their number: their description and alarm are made once.
    description, alarm = words.once(("status-check", step.channel), _status_check_body, interview, step.channel,
                                    facts, words)
    return summary, description, alarm


def _status_check_body(interview: Interview, channel: str, facts: str, words: Words) -> tuple[str, str]:
    lang = words.lang
    _ = lang._
    company = interview.company
    intro = _("Hiring often takes longer than planned. Be patient but stay in touch: about once a week, "
              "alternating a phone call and an email, politely ask how the decision is going.")
    if channel == "phone":
        script = _("Hello, this is {me}. I'm calling to check on the status of my application, after our "
                   "interview on {date}. I remain very interested. Is there a date by which you expect to "
                   "decide?", me=words.signature, date=lang.date(interview.start))
        lines = [intro, _contact_line(interview, lang, phone=True), "", _("What to say:"), script]
        alarm = _("Call {company} about the hiring decision.", company=company)
    else:
        lines = [intro, _contact_line(interview, lang, phone=False), "",
                 *email_lines(_status_draft(interview, words), lang)]
        alarm = _("Email {company} about the hiring decision.", company=company)
    return "\n".join([*lines, "", facts]), alarm


def _status_draft(interview: Interview, words: Words) -> Draft:
    _ = words.lang._
    date = words.lang.date(interview.start)
    if interview.role:
        subject = _("{role}: status of my application", role=interview.role)
        text = _("I hope you are well. I would like to ask about the status of the {role} position I interviewed "
                 "for on {date}. I am still very interested and happy to provide anything else you need.",
                 role=interview.role, date=date)
    else:
        subject = _("Status of my application")
        text = _("I hope you are well. I would like to ask about the status of my application, after our "
                 "interview on {date}. I am still very interested and happy to provide anything else you need.",
                 date=date)
    person = recipient(interview)
    return Draft(_addresses(person), subject, letter(person, words, text))


def keep_searching_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    # The reminders waiting on the same applications say the same: made once per interview or stream (a
    # stream's dozen mostly wait on the same few).
    return words.once(("keep-searching", step.companies), _keep_searching, interview, step.companies, facts, words)


def _keep_searching(interview: Interview, companies: tuple[str, ...], facts: str, words: Words) -> tuple[str, str, str]:
    _ = words.lang._
    # The search's stream names every application still waited on; a single interview names its own.
    waiting = ", ".join(companies) if companies else interview.company
    summary = _("Keep your job search going (waiting on {company})", company=waiting)
    advice, alarm = _keep_searching_advice(words.lang)
    # The stream's steps (no facts) all hold the advice itself: one text, not a copy each
    return summary, f"{advice}\n\n{facts}" if facts else advice, alarm


@functools.cache
def _keep_searching_advice(lang: Language) -> tuple[str, str]:
    """What every keep-searching reminder says whatever the interview: its advice and its alarm."""
    _ = lang._
    advice = "\n".join([
        _("Keep applying while you wait, however well the interview went: nothing is certain until you have an "
          "offer. Other openings show you what the market offers, help you judge this job if it is offered, "
          "and a second offer strengthens your hand."),
        _("Today: look at new postings, send at least one application, and reach out to one contact."),
    ])
    return advice, _("Job search: send at least one application today.")


def competing_offer_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    deadline = step.deadline
    assert deadline is not None
    due, company = lang.when(deadline), interview.company
    offered_by = step.companies[0] if step.companies and step.companies[0] else ""
    if offered_by:
        summary = _("Tell {company} about your offer from {other} (it is due {deadline})", company=company,
                    other=offered_by, deadline=due)
    else:
        summary = _("Tell {company} about your other offer (it is due {deadline})", company=company, deadline=due)
    text = _("Since we spoke I have received another job offer, and I have been asked to answer by {deadline}. "
             "{company} is still where I would most like to work, so before I respond I would like to ask when "
             "I can expect your decision.", deadline=due, company=company)
    if interview.role:
        subject = _("{role}: a question about your timeline", role=interview.role)
    else:
        subject = _("A question about your timeline")
    advice = _("You have another offer that needs an answer by {deadline}. Let {company} know, without pressure, "
               "restate your interest, and ask when they expect a final decision.", deadline=due, company=company)
    description = _email_description(interview, words, advice, subject, text, facts)
    return summary, description, _("Tell {company} about your other offer now.", company=company)


def _email_description(interview: Interview, words: Words, advice: str, subject: str, text: str, facts: str) -> str:
    """An email step's description: the advice, whom to write to, the drafted email (a mailto: link) with
    ``subject`` and the letter around ``text``, then the interview's facts."""
    person = recipient(interview)
    draft = Draft(_addresses(person), subject, letter(person, words, text))
    return "\n".join([advice, _contact_line(interview, words.lang, phone=False), "",
                      *email_lines(draft, words.lang), "", facts])


def keep_in_touch_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    company = interview.company
    summary = _("Thank {company} and ask them to keep you in mind", company=company)
    text = _("Thank you for letting me know, and for the time you and the team spent with me. I enjoyed learning "
             "about {company} and would be glad to be considered for other roles that fit my background. I hope "
             "our paths cross again.", company=company)
    advice = _("This one did not work out, but you now know people there. Send the hiring manager or HR a short "
               "note: thank them for their time and ask to be considered for other suitable roles.")
    description = _email_description(interview, words, advice, _("Thank you, and staying in touch"), text, facts)
    return summary, description, _("Send {company} a keep-in-touch note.", company=company)


def answer_offer_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    deadline = step.deadline
    assert deadline is not None
    due, company = lang.when(deadline), interview.company
    summary = _("Answer {company}'s offer (due {deadline})", company=company, deadline=due)
    text = _("Thank you again for your offer. I have given it careful thought and would like to let you know "
             "my decision: ...")
    advice = _("{company} expects your answer by {deadline}. Take this time to decide: weigh the offer against what "
               "you know of the market and of your other applications, ask about anything still unclear (start "
               "date, salary, terms), then accept or decline in writing.", company=company, deadline=due)
    description = _email_description(interview, words, advice, _("Your offer"), text, facts)
    return summary, description, _("Your answer to {company}'s offer is due {deadline}.", company=company,
                                        deadline=due)


def withdraw_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    company = interview.company
    accepted = step.companies[0] if step.companies else ""
    summary = _("Withdraw from {company}, politely", company=company)
    text = _("Thank you for considering me and for the time you spent with me. I have accepted another offer "
             "and would like to withdraw my application. I enjoyed meeting the team at {company} and hope our "
             "paths cross again.", company=company)
    advice = _("You have accepted the offer from {accepted}. Let {company} know that you are withdrawing, thank them "
               "for their time and keep the door open: the people you met there are worth staying in touch with.",
               accepted=accepted, company=company)
    description = _email_description(interview, words, advice, _("Withdrawing my application"), text, facts)
    return summary, description, _("Let {company} know that you are withdrawing.", company=company)


def decide_texts(interview: Interview, step: Step, facts: str, words: Words) -> tuple[str, str, str]:
    lang = words.lang
    _ = lang._
    company = interview.company
    offered_by = step.companies[0] if step.companies and step.companies[0] else ""
    summary = _("Decide whether to keep waiting on {company}", company=company)
    text = _("I wanted to let you know that I am still very interested in the position. Could you tell me when "
             "you expect to reach a decision?")
    if offered_by:
        why = _("The deadline of the offer from {other} has passed and {company} has not decided yet.",
                other=offered_by, company=company)
    else:
        why = _("The deadline of your other offer has passed and {company} has not decided yet.", company=company)
    advice = why + " " + _("Instead of more status checks, decide whether this application is still worth "
                           "pursuing: if it is, send one short email saying you remain interested; if not, "
                           "withdraw politely.")
    description = _email_description(interview, words, advice, _("Still interested"), text, facts)
    return summary, description, _("Decide about {company}.", company=company)


def word_stream(plan: Plan, lang: Language | None = None, me: str = "") -> Schedule:
    """The search's own steps (the keep-searching stream), which belong to no one interview: no interview
    details in their descriptions."""
    words = _words(lang, me, {})
    categories = follow_up_categories(words.lang)
    worded = []
    # A stream's reminders mostly say the same thing: one text object for each different description lets the
    # writer escape and fold it once (ical.writer shares work between steps holding the same description).
    descriptions: dict[str, str] = {}
    for step in plan.steps:
        summary, description, alarm = _TEXTS[step.step_id](plan.interview, step, "", words)
        description = description.rstrip()
        description = descriptions.setdefault(description, description)
        worded.append(_worded_step((step, summary, description, alarm, "", "", categories)))
    return Schedule(plan.interview, tuple(worded), plan.notices, collection_name(words.lang))


def _addresses(person: Person) -> tuple[str, ...]:
    return (person.email,) if person.email else ()


_TEXTS: dict[str, Callable[[Interview, Step, str, Words], tuple[str, str, str]]] = {
    "interview": interview_texts,
    "thank-you": thank_you_texts,
    "brief-references": brief_references_texts,
    "follow-up-call": follow_up_call_texts,
    "status-check": status_check_texts,
    "keep-searching": keep_searching_texts,
    "competing-offer": competing_offer_texts,
    "keep-in-touch": keep_in_touch_texts,
    "answer-offer": answer_offer_texts,
    "withdraw": withdraw_texts,
    "decide": decide_texts,
}
