"""`followup-ics record`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from followup_ics.cli.add import _named
from followup_ics.cli.options import Fail, counted, csv_options, fail, run_request, say_notices

STATUSES = ("offer", "rejected", "withdrawn", "accepted", "pending")


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("application")
@click.option("--status", type=click.Choice(STATUSES, case_sensitive=False),
              help="The outcome: offer, rejected, withdrawn, accepted (pending takes it back).")
@click.option("--on", "on", default="", help="When the outcome came [default: now]; with --status.")
@click.option("--deadline", default="", help="When you must answer the offer; with --status offer.")
@click.option("--round", "next_round", default="", metavar="DATE", help="Add the application's next round on DATE.")
@click.option("--reschedule", default="", metavar="DATE",
              help="Move the latest round to DATE; its events keep their UIDs and its feed its address.")
@click.option("--note", default="", help="Add a line to the notes of the latest round.")
@csv_options
def record(csv_file: Path, application: str, status: str | None, on: str, deadline: str, next_round: str,
           reschedule: str, note: str, **params: Any) -> None:
    """Record what happened to an application: an outcome, a new round, a new date, a note.

    APPLICATION is its id (see `list`) or the start of the company's name, in any case. The outcome's date
    is written too (now, unless --on says otherwise), so the plan never drifts.

    \b
    Example:
        followup-ics record samples/interviews.csv globex --status offer --on "2026-12-09 11:00" --deadline 2026-12-18
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.tracker import Recording
    from followup_ics.edges.tracker import record as record_news
    from followup_ics.wording.language import language
    from followup_ics.wording.table import plan_table

    if (on or deadline) and not status:
        raise Fail(f"{'--on' if on else '--deadline'}: goes with --status")
    if deadline and (status or "").lower() != "offer":
        raise Fail("--deadline: goes with --status offer (when you must answer it)")
    if on and (status or "").lower() == "pending":
        raise Fail("--on: pending has no date")
    if not (status or next_round or reschedule or note):
        raise Fail("nothing to record: give --status, --round, --reschedule or --note")
    if next_round and reschedule:
        raise Fail("--round and --reschedule: one at a time")
    what = Recording(status=(status or "").lower(), on=on, deadline=deadline, round=next_round,
                     reschedule=reschedule, note=note)
    try:
        request = run_request(params, say_default_zone=False)
        outcome = record_news(csv_file, application, what, request)
    except FollowupError as error:
        fail(_named(error, csv_file))
    say_notices(tuple(outcome.notes))
    app = outcome.application
    click.echo(f"Recorded for {app.title} ({app.label}) in {csv_file}: now {app.status.value}, "
               f"{counted(len(app.rounds), 'round')}.")
    click.echo(plan_table(app.latest.schedule, language(request.language)))


command = record
