"""Safe, predictable file names for interviews: no separators, no dot files, bounded, ASCII."""

from __future__ import annotations

from followup_ics.ics import interview_key, slug
from followup_ics.model import Interview

MAX_STEM = 80
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
             "all"}  # "all" is the combined feed in a batch


def file_stem(interview: Interview) -> str:
    """'acme-corp-2026-12-01' for Acme Corp on 1 Dec 2026; the id decides it when there is one."""
    if interview.interview_id:
        stem = interview_key(interview)
    else:
        company = slug(interview.company) or "interview"
        stem = f"{company}-{interview.start:%Y-%m-%d}"
        if company != slug(interview.company, 1000) and company != "interview":
            stem = interview_key(interview)
    stem = stem[:MAX_STEM].strip("-.") or "interview"
    if stem.split("-")[0] in _RESERVED and stem == stem.split("-")[0]:
        stem = f"{stem}-interview"
    return stem
