"""`followup-ics plan`."""

from __future__ import annotations

from typing import Any

import click

from followup_ics.cli.options import interview_options, planned_interview


@click.command()
@interview_options
def plan(**params: Any) -> None:
    """Show the follow-up schedule as a table, without writing a file.

    \b
    Example:
        followup-ics plan --company "Acme Corp" --date "2026-12-01 14:00" --tz America/New_York
    """
    from followup_ics.wording.language import language
    from followup_ics.wording.table import plan_table

    schedule, request = planned_interview(params)
    click.echo(plan_table(schedule, language(request.language)))


command = plan
