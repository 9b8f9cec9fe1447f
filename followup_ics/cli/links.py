"""`followup-ics links`."""

from __future__ import annotations

from typing import Any

import click

from followup_ics.cli.options import interview_options, planned_interview


@click.command()
@interview_options
def links(**params: Any) -> None:
    """Print one-click "add to calendar" links for each step (Google, Outlook.com, Office 365).

    Links carry no reminder: set one in the calendar after adding, or import the .ics from `generate`.

    \b
    Example:
        followup-ics links --company "Acme Corp" --date "2026-12-01 14:00" --tz America/New_York
    """
    from followup_ics.core.wallclock import local
    from followup_ics.core.zones import tzinfo
    from followup_ics.edges.links import step_links
    from followup_ics.wording.language import language
    from followup_ics.wording.table import links_heading

    schedule, request = planned_interview(params)
    lang = language(request.language)
    zone = tzinfo(schedule.interview.zone)
    click.echo(links_heading(schedule, lang))
    for item in step_links(schedule):
        start = local(zone, item.step.start)
        click.echo(f"\n{item.step.key}: {item.step.summary}\n"
                   f"  {lang.when(start)}-{lang.time(local(zone, item.step.end))}")
        click.echo(f"  Google Calendar:  {item.google}")
        click.echo(f"  Outlook.com:      {item.outlook_live}")
        click.echo(f"  Office 365:       {item.outlook_office}")


command = links
