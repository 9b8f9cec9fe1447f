"""Helpers shared by the tests: the fixed clock and interviews planned as a user would type them.

Imported as ``from support import ...`` (pytest puts tests/ on the path); conftest.py holds only fixtures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from followup_ics.app.config import Request
from followup_ics.app.fields import RawInterview
from followup_ics.app.interview import make_schedule
from followup_ics.core.records import Schedule
from followup_ics.core.settings import DEFAULT_SETTINGS, PlanSettings

STAMP = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SOURCE_DATE_EPOCH = str(int(STAMP.timestamp()))


def plan_for(date: str, zone: str, *, settings: PlanSettings = DEFAULT_SETTINGS, now: datetime = STAMP,
             **fields: object) -> Schedule:
    """The schedule for an interview given as the user would type it."""
    raw = RawInterview(company=str(fields.pop("company", "Acme Corp")), date=date, **fields)  # type: ignore[arg-type]
    return make_schedule(raw, Request(zone=zone, now=now, settings=settings))


def local_times(schedule: Schedule) -> dict[str, str]:
    """step key -> 'Tue 2026-12-01 16:00 -0500', in the interview's zone."""
    return {s.key: s.start.strftime("%a %Y-%m-%d %H:%M %z") for s in schedule.steps}


def stop_server(server: Any) -> None:
    """Stop a waitress server whose loop runs in a test's thread.

    Its worker threads go first: a worker that finishes a response after the server is closed still
    writes to the server's trigger pipe, and that descriptor number may by then belong to a pipe the next
    test opened (a build child's, which then reads a stray b"x" as the start of its message).
    """
    server.task_dispatcher.shutdown()
    server.close()


@contextmanager
def serving(app: Any, server: Any) -> Iterator[int]:
    """Run a waitress ``server`` for the feed ``app`` in a thread and start the app; yield the port. On
    leaving, the app is closed and the server stopped, its workers first (see stop_server)."""
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            if not stopping.is_set():  # closing the socket under the select loop is how a test stops it
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    app.start()
    try:
        yield server.effective_port
    finally:
        stopping.set()
        app.close()
        stop_server(server)
        thread.join(timeout=5)
