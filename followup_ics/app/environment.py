"""The one naming of configuration variables: option `--plan` is FOLLOWUP_ICS_PLAN for every command and for
the WSGI app. Kept import-light: the CLI group uses it before any command is loaded."""

from __future__ import annotations

import os

PREFIX = "FOLLOWUP_ICS"


def variable(option: str) -> str:
    """'--public-url' or 'public_url' -> 'FOLLOWUP_ICS_PUBLIC_URL'."""
    return f"{PREFIX}_{option.lstrip('-').replace('-', '_').upper()}"


def setting(option: str) -> str | None:
    """The option's value from the environment; None when unset or blank."""
    value = os.environ.get(variable(option), "").strip()
    return value or None
