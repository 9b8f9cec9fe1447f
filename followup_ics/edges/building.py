"""Builds for the server run in a child process, one at a time.

Building 50,000 interviews takes minutes and hundreds of megabytes. In a child process it neither holds the
server's lock on the interpreter (requests keep their latency) nor leaves the server's memory grown after
it ends, and it can be stopped at once: on shutdown, or when a newer CSV makes it moot. The child writes a
build folder (feeds.write_build) and sends back only the new State; the server then loads the folder's index.
The forkserver start method forks each child from a small process that has already imported the package,
so a build starts in milliseconds, not the half second a fresh interpreter takes. The child runs at a lower
CPU priority, so that on a busy machine the server's requests still come first.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from followup_ics.app.config import Request
from followup_ics.edges.feeds import FeedError, Site, State, load_site, write_build

_POLL = 0.1  # seconds between looks at the stop flag while a build runs
_NICENESS = 10


class Cancelled(Exception):
    """The build was stopped before it finished (shutdown)."""


def _context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["followup_ics.edges.feeds"])
        return context
    return multiprocessing.get_context("spawn")


def build_in_child(source: Path, request: Request, state: State, state_dir: Path,
                   stop: threading.Event) -> tuple[Site, State]:
    """Build the feeds for the CSV at ``source`` in a child process; FeedError if the CSV is bad,
    Cancelled if ``stop`` is set first (the child is then killed and its folder left for pruning)."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, source, request, state, state_dir),
                              name="followup-ics-build", daemon=True)
    process.start()
    sender.close()
    try:
        while not receiver.poll(_POLL):
            if stop.is_set():
                raise Cancelled
            if not process.is_alive() and not receiver.poll(0):
                raise FeedError([f"{source}: the build stopped unexpectedly (exit code {process.exitcode}; "
                                 "out of memory?)"])
        kind, payload = receiver.recv()
    except EOFError:
        raise FeedError([f"{source}: the build stopped unexpectedly (exit code {process.exitcode})"]) from None
    finally:
        receiver.close()
        _end(process)
    if kind == "error":
        raise FeedError(*payload)
    if kind == "crash":
        raise RuntimeError(payload)
    site = load_site(state_dir, payload)
    if site is None:
        raise FeedError([f"{state_dir}: the new build cannot be read back"])
    return site, payload


def _end(process: Any) -> None:
    if process.is_alive():
        process.terminate()
        process.join(2)
        if process.is_alive():
            process.kill()
    process.join(2)


def _unwind(*_: object) -> None:
    raise SystemExit(1)


def _child(sender: Connection, source: Path, request: Request, state: State, state_dir: Path) -> None:
    # Ctrl-C reaches the whole process group; the server stops this process itself, without a traceback,
    # with SIGTERM, which unwinds the build so that its unfinished folder is removed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _unwind)
    with contextlib.suppress(OSError, AttributeError):  # the server's requests come first on a busy machine
        os.nice(_NICENESS)
    outcome: tuple[str, Any]
    try:
        new_state = write_build(source, str(source), request, state, state_dir)
        outcome = ("ok", new_state)
    except FeedError as error:
        outcome = ("error", (error.problems, error.rows))
    except OSError as error:
        outcome = ("error", ([f"{state_dir}: cannot keep the token and revisions there "
                              f"({error.strerror or error})"], None))
    except Exception as error:  # sent to the server, which logs it in one line
        outcome = ("crash", f"{type(error).__name__}: {error}")
    sender.send(outcome)
    sender.close()
