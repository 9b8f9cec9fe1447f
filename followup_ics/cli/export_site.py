"""`followup-ics export-site`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from followup_ics.cli.options import (
    Fail,
    checked_token,
    csv_options,
    fail,
    feed_options,
    require_readable,
    run_request,
    say_column_note,
)
from followup_ics.core.errors import ERRORS_SHOWN


@click.command("export-site")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--base-url", help="The https address OUT_DIR will be served at, for one-click subscribe links.")
@click.option("--all-errors", is_flag=True, help=f"List every bad row, not only the first {ERRORS_SHOWN}.")
@csv_options
@feed_options
def export_site(csv_file: Path, out_dir: Path, base_url: str | None, all_errors: bool, state_dir: Path | None,
                token: str | None, rotate_token: bool, **params: Any) -> None:
    """Write the feeds and their subscribe page as static files for any web host.

    \b
    Example:
        followup-ics export-site samples/interviews.csv site/ --base-url https://example.org/cal
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.feeds import FeedError
    from followup_ics.edges.files import UnsafeOutput
    from followup_ics.edges.site import export_site as export
    from followup_ics.edges.web import default_state_dir

    if base_url and not base_url.startswith(("https://", "http://")):
        raise Fail("--base-url: must start with https:// (or http://)")
    require_readable(csv_file)
    try:
        request = run_request(params, say_default_zone=False)
        report = export(csv_file, out_dir, request, state_dir=state_dir or default_state_dir(csv_file),
                        base_url=base_url, token=checked_token(token), rotate_token=rotate_token)
    except UnsafeOutput as error:
        raise Fail(f"OUT_DIR: {error}") from None
    except FeedError as error:
        raise Fail("\n".join(error.lines(None if all_errors else ERRORS_SHOWN)), exit_code=error.exit_code) from None
    except FollowupError as error:
        fail(error)
    except OSError as error:
        raise Fail(f"cannot write to {out_dir} ({error.strerror or error})") from None
    say_column_note(csv_file)
    removed = f", {len(report.removed)} removed" if report.removed else ""
    click.echo(f"{report.folder}: {len(report.written)} files written, {report.unchanged} unchanged{removed}",
               err=True)
    click.echo(f"Page: {report.folder / 'index.html'}", err=True)


command = export_site
