"""An interview the user described, completed from the invitation the company sent."""

from __future__ import annotations

import re

from followup_ics.app.fields import RawInterview
from followup_ics.core.errors import InputError
from followup_ics.core.zones import tzinfo
from followup_ics.ical.invite import Invite

# Addresses that say nothing about the employer.
_PERSONAL_DOMAINS = {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
                     "yahoo.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
                     "gmx.de", "gmx.net", "web.de", "yandex.ru", "mail.ru", "qq.com", "163.com"}
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"}
_SERVICE_HOSTS = re.compile(r"(^|\.)(calendar\.google\.com|resource\.calendar\.google\.com)$")


def fill_from_invite(raw: RawInterview, invite: Invite, zone_name: str) -> tuple[RawInterview, tuple[str, ...]]:
    """The interview the user described, completed from the invitation: what the user gave wins.

    Returns the notices the user should read (where the company name came from).
    """
    organizer = invite.organizer or (invite.people[0] if invite.people else None)
    company, notices = raw.company, ()
    if not company:
        company = company_from_domain(organizer[1]) if organizer else None
        if not company:
            shown = organizer[1] if organizer else "no organizer"
            raise InputError("company", f"needed, as the invitation's organizer address does not name the "
                             f"company ({shown})")
        notices = (f"company {company!r} taken from the organizer's address {organizer[1]} (--company sets it)",)
    start = invite.start.astimezone(tzinfo(zone_name)) if invite.start.tzinfo else invite.start
    duration = raw.duration
    if not duration and invite.end is not None and invite.end > invite.start:
        duration = str(int((invite.end - invite.start).total_seconds() // 60))
    # The interviewers are the organizer's colleagues on the invitation; the candidate (you) is not.
    domain = organizer[1].rpartition("@")[2].lower() if organizer else ""
    colleagues = tuple(f"{name} <{email}>" if name else email for name, email in invite.people
                       if company_from_domain(email) and email.rpartition("@")[2].lower() == domain)
    contact = raw.contact
    if not contact and organizer:
        contact = f"{organizer[0]} <{organizer[1]}>" if organizer[0] else organizer[1]
    notes = "\n".join(part for part in (raw.notes, f"Invitation: {invite.summary}" if invite.summary else "") if part)
    filled = raw._replace(company=company, date=start.isoformat(), duration=duration,
                          interviewers=raw.interviewers or colleagues, contact=contact,
                          location=raw.location or invite.location, notes=notes)
    return filled, notices


def company_from_domain(email: str) -> str | None:
    """'talent@acme-corp.com' -> 'Acme Corp'; None for personal mail services."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    if not domain or domain in _PERSONAL_DOMAINS or _SERVICE_HOSTS.search(domain):
        return None
    labels = [label for label in domain.split(".") if label]
    if len(labels) < 2:
        return None
    # acme.co.uk and koala.com.au name the company one label further left
    country_level = len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2
    name = labels[-3] if country_level else labels[-2]
    return " ".join(part.capitalize() for part in re.split(r"[-_]+", name) if part) or None
