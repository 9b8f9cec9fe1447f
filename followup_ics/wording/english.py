"""What each event says: titles and descriptions that carry the reminder on their own.

Google Calendar drops alarms, so a title must say what to do and by when, and a description must hold
who to contact, a short draft of what to say, and the interview's details.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from followup_ics.core.records import Interview, Person, Plan, Schedule, Step, WordedStep

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(moment: datetime) -> str:
    """'Tue 1 Dec 2026, 14:00' whatever the machine's locale."""
    return f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def details(interview: Interview) -> str:
    """The interview facts every description ends with."""
    lines = [
        "Interview details",
        f"Company: {interview.company}",
    ]
    if interview.role:
        lines.append(f"Role: {interview.role}")
    lines.append(f"When: {when(interview.start)} to {interview.end:%H:%M} ({interview.zone})")
    if interview.location:
        lines.append(f"Where: {interview.location}")
    lines += [f"Interviewer: {person.label}" for person in interview.interviewers]
    if interview.contact:
        lines.append(f"Contact: {interview.contact.label}")
    if interview.url:
        lines.append(f"Job posting: {interview.url}")
    if interview.notes:
        lines.append(f"Notes: {interview.notes}")
    if interview.status.is_closed:
        # A recorded outcome changes every remaining event, so subscribed calendars see a new SEQUENCE.
        lines.append(f"Outcome: {_OUTCOMES[interview.status]}")
    return "\n".join(lines)


_OUTCOMES = {"offer": "offer received", "rejected": "not selected", "withdrawn": "you withdrew",
             "accepted": "offer accepted"}


def _who(interview: Interview) -> str:
    names = [p.name for p in interview.interviewers if p.name]
    return ", ".join(names) if names else "the people who interviewed you"


def _contact_line(interview: Interview, *, phone: bool) -> str:
    person = interview.contact
    if not person:
        people = [p for p in interview.interviewers if (p.phone if phone else p.email)]
        person = people[0] if people else Person()
    if phone and person.phone:
        return f"Call: {person.label}"
    if person:
        return f"Contact: {person.label}"
    return f"Contact: the recruiter or hiring manager at {interview.company}"


def mailto(recipients: list[str], subject: str, body: str) -> str:
    """A mailto: link that opens a drafted message (RFC 6068)."""
    to = ",".join(quote(address, safe="@") for address in recipients)
    return f"mailto:{to}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def interview_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    summary = f"Interview: {interview.title}"
    description = "\n".join([
        "Before you go in: re-read the job posting and your notes on the company, have two or three "
        "questions ready, and note the names of everyone you meet so the thank-you note can name them.",
        "",
        facts,
    ])
    alarm = f"Interview with {interview.company} in one hour: review the posting and your questions."
    return summary, description, alarm


def thank_you_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    deadline = step.deadline
    assert deadline is not None
    summary = f"Send thank-you note to {interview.company} (by {when(deadline)})"
    names = [p.name for p in interview.interviewers if p.name]
    greeting = f"Dear {', '.join(names)}," if names else "Hello,"
    body = (f"{greeting}\n\nThank you for taking the time to meet with me today about the "
            f"{interview.role or 'open'} position. I enjoyed learning more about the team and the work, "
            "and our conversation confirmed my interest. Please let me know if I can provide anything "
            "else.\n\nBest regards")
    lines = [
        f"Write and send a short thank-you note to {_who(interview)} within 24 hours of the interview, "
        f"that is before {when(deadline)}. Mention one thing you talked about and restate your interest.",
        "",
        "Draft:",
        body,
    ]
    emails = [p.email for p in interview.interviewers if p.email] or (
        [interview.contact.email] if interview.contact.email else [])
    if emails:
        subject = f"Thank you: {interview.role or 'interview'} at {interview.company}"
        lines += ["", f"Send it: {mailto(emails, subject, body)}"]
    lines += ["", facts]
    return summary, "\n".join(lines), f"Thank-you note to {interview.company} is due by {when(deadline)}."


def brief_references_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    summary = f"Brief your references: {interview.company} may call them"
    refs = [f"- {person.label}" for person in interview.references] or [
        "- (none listed: pick the two or three people who know your work best)"]
    lines = [
        f"Tell your references that {interview.company} will probably contact them in the next couple "
        "of days. Give them what they need to speak for you: the role, what the company does, what the "
        "interview focused on, and which of your strengths fit the job best.",
        "",
        "References:",
        *refs,
        "",
        "Draft:",
        f"Hi, I just interviewed with {interview.company}"
        f"{' for the ' + interview.role + ' role' if interview.role else ''} and gave your name as a "
        "reference, so they may be in touch soon. Here is a little about the job and what they seemed "
        "to care about most. Thank you for vouching for me!",
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"Brief your references about {interview.company} today."


def follow_up_call_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    summary = f"Follow-up call to {interview.company}"
    lines = [
        "About a week has passed since the interview: call to follow up.",
        _contact_line(interview, phone=True),
        "",
        "What to say:",
        f"Hello, this is [your name]. I interviewed on {when(interview.start)} for the "
        f"{interview.role or 'open'} position. I am still very interested and wanted to ask where you "
        "are in the process and when you expect to decide. Is there anything else I can send you?",
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"Follow-up call to {interview.company} in 15 minutes."


def status_check_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    number, total, channel = step.index, step.total, step.channel
    verb = "Call" if channel == "phone" else "Email"
    summary = f"{verb} {interview.company} for a status update ({number} of {total})"
    if channel == "phone":
        script = ("Hello, this is [your name]. I'm calling to check on the status of the "
                  f"{interview.role or 'open'} position. I remain very interested. Is there a date by "
                  "which you expect to decide?")
    else:
        script = (f"Subject: {interview.role or 'Application'}: status\n\nHello,\nI hope you are well. "
                  f"I wanted to ask about the status of the {interview.role or 'open'} position I "
                  f"interviewed for on {when(interview.start)}. I am still very interested and happy to "
                  "provide anything else you need.\nBest regards")
    lines = [
        "Hiring often takes longer than planned. Be patient but stay in touch: about once a week, "
        "alternating a phone call and an email, politely ask how the decision is going.",
        _contact_line(interview, phone=channel == "phone"),
        "",
        "Draft:" if channel == "email" else "What to say:",
        script,
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"{verb} {interview.company} about the hiring decision."


def keep_searching_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    waiting = ", ".join(step.companies) if step.companies else interview.company
    summary = f"Keep your job search going (waiting on {waiting})"
    lines = [
        "Keep applying while you wait, however well the interview went: nothing is certain until you "
        "have an offer. Other openings show you what the market offers, help you judge this job if it "
        "is offered, and a second offer strengthens your hand.",
        "Today: look at new postings, send at least one application, and reach out to one contact.",
        "",
        facts,
    ]
    return summary, "\n".join(lines), "Job search: send at least one application today."


def competing_offer_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    deadline = step.deadline
    assert deadline is not None
    other = f"your offer from {step.companies[0]}" if step.companies and step.companies[0] else "your other offer"
    summary = f"Tell {interview.company} about {other} (it is due {when(deadline)})"
    lines = [
        f"You have another offer that needs an answer by {when(deadline)}. Let {interview.company} "
        "know, without pressure, restate your interest, and ask when they expect a final decision.",
        _contact_line(interview, phone=False),
        "",
        "Draft:",
        f"Since we spoke I have received another job offer, and I have been asked to answer by "
        f"{when(deadline)}. {interview.company} is still where I would most like to work, so before I "
        "respond I wanted to ask when I can expect your final decision.",
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"Tell {interview.company} about {other} now."


def keep_in_touch_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    summary = f"Thank {interview.company} and ask them to keep you in mind"
    lines = [
        "This one did not work out, but you now know people there. Send the hiring manager or HR a "
        "short note: thank them for their time and ask to be considered for other suitable roles.",
        _contact_line(interview, phone=False),
        "",
        "Draft:",
        f"Thank you for letting me know, and for the time you and the team spent with me. I enjoyed "
        f"learning about {interview.company} and would be glad to be considered for other roles that "
        "fit my background. I hope our paths cross again.",
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"Send {interview.company} a keep-in-touch note."


def answer_offer_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    deadline = step.deadline
    assert deadline is not None
    summary = f"Answer {interview.company}'s offer (due {when(deadline)})"
    lines = [
        f"{interview.company} expects your answer by {when(deadline)}. Give yourself this time to decide: weigh "
        "the offer against what you know of the market and of your other applications, ask for anything "
        "still unclear (start date, salary, terms), then accept or decline in writing.",
        _contact_line(interview, phone=False),
        "",
        "Draft:",
        f"Thank you again for the offer for the {interview.role or 'open'} position. I have given it careful "
        "thought and I am writing to let you know my decision: ...",
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"Your answer to {interview.company}'s offer is due {when(deadline)}."


def withdraw_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    accepted = step.companies[0] if step.companies else "another company"
    summary = f"Withdraw from {interview.company}, politely"
    lines = [
        f"You have accepted {accepted}'s offer. Let {interview.company} know you are withdrawing, thank them "
        "for their time, and keep the door open: the people you met there are worth staying in touch with.",
        _contact_line(interview, phone=False),
        "",
        "Draft:",
        f"Thank you for considering me for the {interview.role or 'open'} position. I have accepted another "
        f"offer and would like to withdraw from the process. I enjoyed meeting the team at {interview.company} "
        "and hope our paths cross again.",
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"Let {interview.company} know you are withdrawing."


def decide_texts(interview: Interview, step: Step, facts: str) -> tuple[str, str, str]:
    offer = step.companies[0] if step.companies else "your other offer"
    summary = f"Decide whether to keep waiting on {interview.company}"
    lines = [
        f"The deadline for {offer}'s offer has passed and {interview.company} has not decided. Instead of more "
        "status checks: decide whether this application is still worth pursuing. If it is, one short email "
        "saying you remain interested; if not, withdraw politely.",
        _contact_line(interview, phone=False),
        "",
        facts,
    ]
    return summary, "\n".join(lines), f"Decide about {interview.company}."


_TEXTS = {
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


def word_plan(plan: Plan) -> Schedule:
    """Every planned step with its title, description and alarm text."""
    interview = plan.interview
    facts = details(interview)  # the same for every step: built once
    worded = []
    for step in plan.steps:
        summary, description, alarm = _TEXTS[step.step_id](interview, step, facts)
        if step.step_id == "interview":
            worded.append(WordedStep(step, summary, description, alarm, interview.location, interview.url))
        else:
            worded.append(WordedStep(step, summary, description, alarm))
    return Schedule(interview, tuple(worded), plan.notices)


def word_stream(plan: Plan) -> Schedule:
    """The search's own steps (keep searching), which belong to no one interview: no interview details."""
    worded = tuple(WordedStep(step, *_TEXTS[step.step_id](plan.interview, step, "")[:3]) for step in plan.steps)
    return Schedule(plan.interview, tuple(w._replace(description=w.description.rstrip()) for w in worded),
                    plan.notices)
