"""`followup-ics serve`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from followup_ics.cli.options import (
    ENV_PREFIX,
    Fail,
    checked_token,
    counted,
    csv_options,
    fail,
    feed_options,
    require_readable,
    run_request,
    say_column_note,
)
from followup_ics.core.errors import ERRORS_SHOWN

_FEEDS_LISTED = 10  # at start; the page lists them all


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option("--public-url", envvar=f"{ENV_PREFIX}_PUBLIC_URL",
              help="The https address users reach this server at, behind a TLS proxy [default: http://host:port].")
@click.option("--poll", type=click.FloatRange(0.1, 3600), default=1.0, show_default=True,
              help="Seconds between checks of the CSV for changes.")
@click.option("--all-errors", is_flag=True,
              help=f"List every bad row in the log and on the page, not only the first {ERRORS_SHOWN}.")
@csv_options
@feed_options
def serve(csv_file: Path, host: str, port: int, public_url: str | None, poll: float, all_errors: bool,
          state_dir: Path | None, token: str | None, rotate_token: bool, **params: Any) -> None:
    """Serve the CSV's interviews as calendar feeds to subscribe to, rebuilt when the CSV changes.

    \b
    Example:
        followup-ics serve samples/interviews.csv --port 8080
    """
    import signal

    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.feeds import FeedError
    from followup_ics.edges.listener import make_server
    from followup_ics.edges.web import FeedApp, LateApp

    if public_url and not public_url.startswith(("https://", "http://")):
        raise Fail("--public-url: must start with https:// (or http://)")
    token = checked_token(token)
    require_readable(csv_file)
    late = LateApp()
    try:  # listen first: a busy port must change nothing, not even rotate the token
        server = make_server(late, host=host, port=port)
    except OSError as error:
        raise Fail(f"--port: cannot listen on {host}:{port} ({error.strerror or error})") from None
    try:
        request = run_request(params, say_default_zone=False)
        app = FeedApp(csv_file, request, state_dir=state_dir, token=token, rotate_token=rotate_token,
                      poll=poll, public_url=public_url, all_errors=all_errors)
    except FeedError as error:  # a FollowupError too: its bad rows are listed as the first and a count
        server.close()
        raise Fail("\n".join(error.lines(None if all_errors else ERRORS_SHOWN)), exit_code=1) from None
    except FollowupError as error:
        server.close()
        fail(error)
    late.app = app
    app.capture_server_log()
    root = (public_url or f"http://{host}:{server.effective_port}").rstrip("/")  # type: ignore[union-attr]
    base = f"{root}/{app.token}/"
    say_column_note(csv_file)
    click.echo(f"Serving {counted(len(app.site.listings), 'interview')} from {csv_file}; watching it for changes.",
               err=True)
    click.echo(f"Page:  {base}", err=True)
    names = list(app.site.feeds)
    for name in names[:_FEEDS_LISTED]:
        click.echo(f"Feed:  {base}{name}   webcal://{base.split('://', 1)[1]}{name}", err=True)
    if len(names) > _FEEDS_LISTED:
        click.echo(f"       ... and {counted(len(names) - _FEEDS_LISTED, 'more feed')}: see the page.", err=True)
    click.echo("Ctrl-C to stop.", err=True)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    app.start()
    try:
        server.run()  # returns on Ctrl-C or SIGTERM: waitress catches the KeyboardInterrupt itself
    finally:
        server.close()
        app.close()
    click.echo("Stopped.", err=True)


command = serve
