"""The HTTP listener `serve` runs the feed app under: waitress, hardened against slow and greedy clients.

Waitress reads requests in one asynchronous loop and runs the app in worker threads, so a client that sends
its request slowly costs a socket, not a thread. What locks everyone out is the number of sockets: waitress
stops accepting at 100 open connections by default, and a connection trickling one header byte a second is
never idle, so its inactivity timeout never fires (slowloris). Here:
- the connection limit is raised (within the process's file limit), and the loop uses poll(), which,
  unlike select(), is not capped at 1024 descriptors;
- a request must arrive whole within REQUEST_DEADLINE seconds of its first byte, however steadily it trickles;
- an idle connection is closed after IDLE_TIMEOUT seconds;
- request bodies are capped: feeds take none, so a large POST is refused (413) before it is read.
Past a few hundred abusive connections the answer is a reverse proxy in front (the README shows one).
"""

from __future__ import annotations

import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

REQUEST_DEADLINE = 10.0  # seconds from a request's first byte to its last
IDLE_TIMEOUT = 30.0  # seconds a kept-alive connection may wait for its next request
CONNECTION_LIMIT = 1000
MAX_BODY = 1024  # bytes: GET and HEAD carry no body
MAX_HEADERS = 16 * 1024  # bytes: calendar apps send a few hundred


class _DeadlineChannel(HTTPChannel):  # type: ignore[misc]
    """A channel that closes itself when a request takes longer than ``deadline`` to arrive."""

    deadline = REQUEST_DEADLINE
    request_started = 0.0

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.monotonic()
        return bool(super().received(data))

    def readable(self) -> bool:
        # Called on every turn of the loop (at least once a second), so the deadline is kept to the second.
        if self.request is not None and time.monotonic() - self.request_started > self.deadline:
            self.will_close = True  # writable() now answers True and handle_write closes the socket
            return False
        return bool(super().readable())


def make_server(app: Any, *, host: str, port: int, request_deadline: float = REQUEST_DEADLINE,
                connection_limit: int = CONNECTION_LIMIT, **overrides: Any) -> Any:
    """A waitress server for ``app`` on host:port, not yet running (raises OSError if it cannot listen)."""
    settings: dict[str, Any] = {
        "threads": 8, "ident": "followup-ics", "connection_limit": min(connection_limit, _descriptors() - 64),
        "channel_timeout": IDLE_TIMEOUT, "cleanup_interval": 1, "asyncore_use_poll": True,
        "max_request_body_size": MAX_BODY, "max_request_header_size": MAX_HEADERS,
    }
    settings.update(overrides)
    server = create_server(app, host=host, port=port, **settings)
    channel = type("DeadlineChannel", (_DeadlineChannel,), {"deadline": request_deadline})
    listeners = server.map.values() if isinstance(server, MultiSocketServer) else [server]
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    return server


def _descriptors() -> int:
    """How many files this process may open, raised to the hard limit where allowed."""
    try:
        import resource
    except ImportError:  # Windows
        return CONNECTION_LIMIT + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTION_LIMIT + 256
    if soft != resource.RLIM_INFINITY and soft < wanted and (hard == resource.RLIM_INFINITY or hard > soft):
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return CONNECTION_LIMIT + 64 if soft == resource.RLIM_INFINITY else int(soft)
