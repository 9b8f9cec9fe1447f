"""Raw fields as typed (CLI options, CSV cells) -> validated values: every accepted form and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from followup_ics.app.fields import (
    RawInterview,
    build_interview,
    parse_duration,
    parse_moment,
    parse_person,
    parse_status,
)
from followup_ics.core.errors import InputError
from followup_ics.core.records import Person, Status


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45), ("  90 ", 90), ("45m", 45), ("45 min", 45), ("45 mins", 45), ("45 minutes", 45),
        ("1h", 60), ("1 hr", 60), ("2 hrs", 120), ("1 hour", 60), ("2 hours", 120), ("1H", 60),
        ("1h30", 90), ("1h 30m", 90), ("1 hour 5 minutes", 65), ("1:30", 90), ("01:05", 65), ("0:45", 45),
    ],
)
def test_durations_in_every_accepted_form(text: str, minutes: int) -> None:
    """Minutes, hours and minutes, and H:MM all read as the length they say."""
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["soon", "1.5h", "h", "m", "1:5", "123:00", "-45", "45s"])
def test_durations_that_are_not_lengths_are_refused(text: str) -> None:
    """Anything else names the field and shows what was typed."""
    with pytest.raises(InputError) as caught:
        parse_duration(text, "length")
    assert str(caught.value) == f"length: expected minutes (45) or hours and minutes (1h30) ({text!r})"


def test_an_empty_duration_means_the_default() -> None:
    """Nothing typed is no duration (the caller's default), not an error."""
    assert parse_duration("  ") is None


@pytest.mark.parametrize(("text", "status"), [("", Status.PENDING), (" Offer ", Status.OFFER),
                                              ("REJECTED", Status.REJECTED), ("withdrawn", Status.WITHDRAWN),
                                              ("accepted", Status.ACCEPTED), ("pending", Status.PENDING)])
def test_statuses_in_any_case(text: str, status: Status) -> None:
    """Status words in any case and spacing; none given is pending."""
    assert parse_status(text) is status


def test_an_unknown_status_lists_the_known_ones() -> None:
    """A status word we do not know names every one we do."""
    with pytest.raises(InputError) as caught:
        parse_status("ghosted", "outcome")
    assert str(caught.value) == ("outcome: unknown status (one of pending, offer, rejected, withdrawn, accepted) "
                                 "('ghosted')")


@pytest.mark.parametrize(
    ("text", "email", "phone", "expected"),
    [
        ("Ana Diaz <ana@x.example>", "", "", Person("Ana Diaz", "ana@x.example", "", "contact")),
        ('"Ana  Diaz"   < ana@x.example >', "", "", Person("Ana Diaz", "ana@x.example", "", "contact")),
        ("ana@x.example", "", "", Person("", "ana@x.example", "", "contact")),
        ("Ana Diaz", "", "", Person("Ana Diaz", "", "", "contact")),
        ("  Ana   Diaz ", " ana@x.example ", " +1  212 555 ",
         Person("Ana Diaz", "ana@x.example", "+1 212 555", "contact")),
        # an email given on its own wins over one inside the text
        ("Ana Diaz <old@x.example>", "new@x.example", "", Person("Ana Diaz", "new@x.example", "", "contact")),
        ("old@x.example", "new@x.example", "", Person("", "new@x.example", "", "contact")),
        ("", "", "", Person("", "", "", "contact")),
        # quotes and spaces around a name go, letters stay
        ('"Malcolm X" <mx@x.example>', "", "", Person("Malcolm X", "mx@x.example", "", "contact")),
    ],
)
def test_people_as_typed(text: str, email: str, phone: str, expected: Person) -> None:
    """'Name <email>', a bare email or a name, with email and phone given apart, spacing tidied."""
    assert parse_person(text, "contact", email=email, phone=phone) == expected


@pytest.mark.parametrize("text", ["Ana <ana@x.example", "Ana > Bo", "<a@x.example> <b@x.example>"])
def test_a_half_written_address_is_refused(text: str) -> None:
    """Angle brackets that do not make one 'Name <email>' are an error naming the field."""
    with pytest.raises(InputError) as caught:
        parse_person(text, "interviewer")
    assert str(caught.value) == f'interviewer: expected "Name <email>" ({text!r})'


@pytest.mark.parametrize(
    ("text", "local", "has_time"),
    [
        ("2026-12-01 14:00", "2026-12-01 14:00 -0500", True),
        ("2026-12-01T14:00", "2026-12-01 14:00 -0500", True),
        ("2026-12-01   14:00", "2026-12-01 14:00 -0500", True),
        ("2026-12-01 14:00+01:00", "2026-12-01 08:00 -0500", True),  # an offset given is an instant
        ("Dec 1 2026 2pm", "2026-12-01 14:00 -0500", True),  # the hour alone is a time (--help's example)
        ("Dec 1 2026 9:30am", "2026-12-01 09:30 -0500", True),
        ("1 December 2026 12am", "2026-12-01 00:00 -0500", True),  # midnight is a time, not a missing one
        ("13/04/2026 10:00", "2026-04-13 10:00 -0400", True),  # only one reading: day 13
        ("2026-12-01", "2026-12-01 17:00 -0500", False),  # a date alone: the caller's time
        ("Dec 1 2026", "2026-12-01 17:00 -0500", False),
        ("2000-01-03 09:00", "2000-01-03 09:00 -0500", True),  # the first year accepted
        ("2036-12-31 09:00", "2036-12-31 09:00 -0500", True),  # the last
    ],
)
def test_moments_in_every_accepted_form(text: str, local: str, has_time: bool) -> None:
    """ISO first, then common forms; a date alone takes the given time of day."""
    moment, notice, timed = parse_moment(text, "America/New_York", "date", day_first=None,
                                         date_only_time=time(17, 0))
    assert (moment.strftime("%Y-%m-%d %H:%M %z"), notice, timed) == (local, None, has_time)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [("03/04/2026 10:00", True, "2026-04-03"), ("03/04/2026 10:00", False, "2026-03-04"),
     ("13/04/2026 10:00", False, "2026-04-13")],
)
def test_a_chosen_order_reads_numeric_dates(text: str, day_first: bool, expected: str) -> None:
    """--day-first and --month-first decide what an ambiguous numeric date means."""
    moment, _, _ = parse_moment(text, "UTC", "date", day_first=day_first)
    assert f"{moment:%Y-%m-%d}" == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  ", "date: is required"),
        ("2026-12-01", "date: needs a time of day as well as a date ('2026-12-01')"),
        ("Dec 1 2026", "date: needs a time of day as well as a date ('Dec 1 2026')"),
        ("2026-02-30", "date: not a valid date ('2026-02-30')"),
        ("someday", "date: cannot read this date; write it as YYYY-MM-DD HH:MM ('someday')"),
        ("99999999999999999999", "date: cannot read this date; write it as YYYY-MM-DD HH:MM ('99999999999999999999')"),
        ("Feb 30 2026 10:00", "date: cannot read this date; write it as YYYY-MM-DD HH:MM ('Feb 30 2026 10:00')"),
        # a part of the date left out is not filled in from the year 2000
        ("14:00", "date: needs a full date: year, month and day ('14:00')"),
        ("Dec 1 2pm", "date: needs a full date: year, month and day ('Dec 1 2pm')"),
        ("December 2026 10:00", "date: needs a full date: year, month and day ('December 2026 10:00')"),
        ("1999-12-31 10:00", "date: year must be between 2000 and 2036 ('1999-12-31 10:00')"),
        ("2037-01-01 10:00", "date: year must be between 2000 and 2036 ('2037-01-01 10:00')"),
        ("03/04/2026 10:00", "date: day and month are ambiguous (04 Mar or 03 Apr); write YYYY-MM-DD or choose "
                             "--day-first/--month-first ('03/04/2026 10:00')"),
    ],
)
def test_moments_that_cannot_be_read_are_refused(text: str, message: str) -> None:
    """Each refusal names the field, says why and shows the text."""
    with pytest.raises(InputError) as caught:
        parse_moment(text, "UTC", "date", day_first=None)
    assert str(caught.value) == message


def test_a_moved_wall_time_is_said_with_its_field() -> None:
    """A time the clocks skip is moved, and the notice names the field it came from."""
    moment, notice, _ = parse_moment("2026-03-08 02:30", "America/New_York", "offer_deadline", day_first=None)
    assert f"{moment:%H:%M %z}" == "03:30 -0400"
    assert notice is not None and notice.startswith("offer_deadline: 2026-03-08 02:30 ")


def _build(zone: str = "America/New_York", as_of: datetime | None = None, **fields: object):  # type: ignore[no-untyped-def]
    raw = RawInterview(company=str(fields.pop("company", "Acme Corp")),
                       date=str(fields.pop("date", "2026-12-01 14:00")), **fields)  # type: ignore[arg-type]
    return build_interview(raw, zone_name=zone, default_duration=timedelta(minutes=45), as_of=as_of)


def test_every_field_is_tidied_into_the_interview() -> None:
    """Spacing collapsed, line breaks normalised, the row's zone over the default, the default length used."""
    interview, notices = _build(
        company="  Acme   Corp ", role=" Data  Engineer ", timezone="Europe/Paris", location=" HQ,\t5th  floor ",
        notes="line one\r\nline two\rthree  ", url=" https://jobs.example/1 ", id=" A-7 ",
        interviewers=("Ana Diaz", "", "Raj Rao"), interviewer_emails=("ana@x.example", "", "raj@x.example"),
        contact="Bo Li", contact_email="bo@x.example", contact_phone="+1 212 555 0100",
        references=("Cy Park <cy@x.example>", " ", "Dee Moss"), offer_deadline="2026-12-10")
    assert notices == ()
    assert (interview.company, interview.role, interview.zone) == ("Acme Corp", "Data Engineer", "Europe/Paris")
    assert (interview.location, interview.notes) == ("HQ, 5th floor", "line one\nline two\nthree")
    assert (interview.url, interview.interview_id, interview.duration) == ("https://jobs.example/1", "A-7",
                                                                            timedelta(minutes=45))
    assert f"{interview.start:%Y-%m-%d %H:%M %z}" == "2026-12-01 14:00 +0100"
    assert interview.interviewers == (Person("Ana Diaz", "ana@x.example", "", "interviewer"),
                                      Person("Raj Rao", "raj@x.example", "", "interviewer"))
    assert interview.contact == Person("Bo Li", "bo@x.example", "+1 212 555 0100", "contact")
    assert interview.references == (Person("Cy Park", "cy@x.example", "", "reference"),
                                    Person("Dee Moss", "", "", "reference"))
    assert f"{interview.offer_deadline:%Y-%m-%d %H:%M %z}" == "2026-12-10 17:00 +0100"  # a date: 17:00


def test_interviewer_emails_without_names_are_interviewers() -> None:
    """Emails given with no names still make interviewers, one per email."""
    interview, _ = _build(interviewer_emails=("ana@x.example", " ", "raj@x.example"))
    assert interview.interviewers == (Person("", "ana@x.example", "", "interviewer"),
                                      Person("", "raj@x.example", "", "interviewer"))
    with pytest.raises(InputError) as caught:
        _build(interviewer_emails=("not-an-email",))
    assert caught.value.field == "interviewer_email"  # the column the bad address came from


@pytest.mark.parametrize(
    ("status", "outcome", "as_of", "expected"),
    [
        # a date after the interview day: its midnight
        ("rejected", "2026-12-03", None, "2026-12-03 00:00 -0500"),
        # the interview's own date: the interview's end, not the midnight before it
        ("offer", "2026-12-01", None, "2026-12-01 14:45 -0500"),
        # a time on the interview day: that time
        ("offer", "2026-12-01 18:00", None, "2026-12-01 18:00 -0500"),
        # no outcome date: the clock, but never before the interview ends
        ("withdrawn", "", datetime(2026, 12, 5, 12, 0, tzinfo=UTC), "2026-12-05 07:00 -0500"),
        ("withdrawn", "", datetime(2026, 12, 1, 19, 0, tzinfo=UTC), "2026-12-01 14:45 -0500"),
        ("pending", "", datetime(2026, 12, 5, 12, 0, tzinfo=UTC), None),
    ],
)
def test_when_the_outcome_counts_from(status: str, outcome: str, as_of: datetime | None,
                                      expected: str | None) -> None:
    """The outcome moment: a date's midnight, the interview's end on its own day, a time as given, or the clock."""
    deadline = "2026-12-18" if status == "offer" else ""  # an offer needs its own deadline
    interview, _ = _build(status=status, outcome_date=outcome, as_of=as_of, offer_deadline=deadline)
    shown = interview.outcome_at and interview.outcome_at.astimezone(interview.start.tzinfo)
    assert (shown and shown.strftime("%Y-%m-%d %H:%M %z")) == expected


def test_the_date_example_of_the_help_works() -> None:
    """`--date "Dec 1 2026 2pm"`, as --help and the README show it, plans an interview at 14:00."""
    from click.testing import CliRunner

    from followup_ics.cli import cli

    result = CliRunner().invoke(cli, ["generate", "--company", "Acme", "--date", "Dec 1 2026 2pm", "--tz", "UTC",
                                      "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert b"DTSTART:20261201T140000Z\r\n" in result.stdout_bytes


def test_notices_of_the_date_and_the_deadline_are_both_kept() -> None:
    """Two moved wall times (the interview's and the deadline's) give two notices, each naming its field."""
    _, notices = _build(date="2026-03-08 02:30", offer_deadline="2027-03-14 02:45")
    assert [notice.split(":", 1)[0] for notice in notices] == ["date", "offer_deadline"]


def test_the_deadline_is_read_like_the_date() -> None:
    """The chosen day order applies to the deadline too, and a bad deadline names its own field."""
    raw = RawInterview(company="Acme", date="01/12/2026 14:00", offer_deadline="05/12/2026")
    interview, _ = build_interview(raw, zone_name="UTC", day_first=True)
    assert interview.offer_deadline is not None and f"{interview.offer_deadline:%Y-%m-%d %H:%M}" == "2026-12-05 17:00"
    with pytest.raises(InputError) as caught:
        _build(offer_deadline="someday")
    assert caught.value.field == "offer_deadline"
    with pytest.raises(InputError) as caught:
        _build(timezone="Mars/Olympus")
    assert caught.value.field == "timezone"


def test_the_outcome_date_is_read_like_the_date() -> None:
    """The chosen day order applies to the outcome date too, and a bad one names its own field."""
    raw = RawInterview(company="Acme", date="01/12/2026 14:00", status="offer", outcome_date="05/12/2026",
                       offer_deadline="18/12/2026")
    interview, _ = build_interview(raw, zone_name="UTC", day_first=True)
    assert interview.outcome_at is not None and f"{interview.outcome_at:%Y-%m-%d %H:%M}" == "2026-12-05 00:00"
    with pytest.raises(InputError) as caught:
        _build(status="offer", outcome_date="someday", offer_deadline="2026-12-18")
    assert caught.value.field == "outcome_date"
