"""The one place that reads the clock: SOURCE_DATE_EPOCH when set, so builds are reproducible."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from followup_ics.core.errors import InputError


def now() -> datetime:
    """The current time in UTC to the second, or SOURCE_DATE_EPOCH when that is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise InputError("SOURCE_DATE_EPOCH", "must be whole seconds since 1970", value=epoch)
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)
