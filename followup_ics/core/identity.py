"""Who an interview is, for good: its key, the UIDs of its steps and its file name.

Keys and UIDs must not change when nothing about the interview's identity does: calendars that hold our
events update them by UID. File names are safe and predictable: no separators, no dot files, bounded, ASCII.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

from followup_ics.core.records import Interview

UID_DOMAIN = "followup-ics"
COMBINED = "all.ics"  # the file or feed that holds every interview of a roster
MAX_STEM = 80
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
             "all"}  # "all" is the combined feed in a batch


def file_stem(interview: Interview) -> str:
    """'acme-corp-2026-12-01' for Acme Corp on 1 Dec 2026; the id decides it when there is one."""
    if interview.interview_id:
        stem = interview_key(interview)
    else:
        company, whole = _company_slug(interview.company)
        stem = f"{company or 'interview'}-{interview.start:%Y-%m-%d}"
        if company and not whole:
            stem = interview_key(interview)
    stem = stem[:MAX_STEM].strip("-.") or "interview"
    if stem.split("-")[0] in _RESERVED and stem == stem.split("-")[0]:
        stem = f"{stem}-interview"
    return stem


_NOT_SLUG = re.compile(r"[^a-z0-9]+")  # compiled once: re.sub looks its pattern up in re's cache every call


def slug(text: str, limit: int = 40) -> str:
    """'Café Zürich, Inc.' -> 'cafe-zurich-inc': ASCII letters, digits and single hyphens."""
    # NFKD leaves every ASCII character as it is, so ASCII text (nearly every name and id) skips it.
    ascii_text = text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = ascii_text.lower()
    # An id is mostly a slug already ('row-12': letters, digits, single hyphens): nothing to substitute.
    if "--" in cleaned or not cleaned.replace("-", "").isalnum():
        cleaned = _NOT_SLUG.sub("-", cleaned)
    return cleaned.strip("-")[:limit].rstrip("-")


def _company_slug(company: str) -> tuple[str, bool]:
    """``slug(company)``, and whether it is the whole company's slug (nothing cut at 40 characters): from one
    slugging, as ``slug(text)`` is ``slug(text, 1000)[:40]`` without its trailing hyphen."""
    whole = slug(company, 1000)
    cut = whole[:40].rstrip("-")
    return cut, cut == whole


def interview_key(interview: Interview) -> str:
    """Stable identity of an interview: its id if given, else company and local date."""
    if interview.interview_id:
        base = slug(interview.interview_id, 60) or short_digest(interview.interview_id)
        return base if base == interview.interview_id else f"{base}-{short_digest(interview.interview_id)}"
    company, whole = _company_slug(interview.company)
    if not company or not whole:
        company = f"{company or 'company'}-{short_digest(interview.company.casefold())}"
    return f"{company}-{interview.start:%Y-%m-%d}"


def uid_for(key: str, step_key: str) -> str:
    """The UID of one step of the interview whose key is ``key``."""
    return f"{key}.{step_key}@{UID_DOMAIN}"


def short_digest(text: str) -> str:
    """A short stable tag that tells apart names whose slugs look alike (zlib is loaded anyway; hashlib's
    OpenSSL would add 2 ms to every start)."""
    return f"{zlib.crc32(text.encode('utf-8')):08x}"

