"""`followup-ics batch`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from followup_ics.cli import fewer_collections
from followup_ics.cli.options import Fail, counted, csv_options, fail, run_request, say_notices
from followup_ics.core.errors import ERRORS_SHOWN, first_errors

if TYPE_CHECKING:
    from followup_ics.edges.batch import BatchReport, Notices


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("out"), show_default=True, help="Folder for the .ics files.")
@csv_options
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows and list the skipped ones.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no notes, only errors and the summary.")
@click.option("--all-errors", is_flag=True, help=f"List every bad row, not only the first {ERRORS_SHOWN}.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for large files [default: one per idle core].")
def batch(csv_file: Path, out_dir: Path, skip_invalid: bool, quiet: bool, all_errors: bool, jobs: int | None,
          **params: Any) -> None:
    """Turn a CSV of interviews into one .ics per interview plus all.ics.

    Columns: company and date are required; timezone, duration, role, interviewer, interviewer_email,
    contact, contact_email, contact_phone, references, url, location, status, offer_deadline,
    offer_arrived, outcome_date, notes, id, language, me, country and region are optional. Nothing is written
    if any row is invalid, unless --skip-invalid is given.

    \b
    Example:
        followup-ics batch samples/interviews.csv -o out/ --tz Europe/London
    """
    from followup_ics.core.errors import FollowupError
    from followup_ics.edges.batch import run_batch
    from followup_ics.edges.files import UnsafeOutput
    from followup_ics.edges.spreadsheet import count_rows

    try:
        request = run_request(params, say_default_zone=False)
    except FollowupError as error:
        fail(error)
    source = str(csv_file)
    show_progress = not quiet and sys.stderr.isatty()
    try:
        if show_progress:
            with click.progressbar(length=count_rows(csv_file), label="Planning", file=sys.stderr) as bar, \
                    fewer_collections():
                report = run_batch(csv_file, out_dir, request, skip_invalid=skip_invalid, jobs=jobs,
                                   progress=bar.update)
        else:
            with fewer_collections():
                report = run_batch(csv_file, out_dir, request, skip_invalid=skip_invalid, jobs=jobs)
    except UnsafeOutput as error:
        raise Fail(f"--output: {error}") from None
    except FollowupError as error:
        raise Fail(f"{source}: {error}") from None
    except OSError as error:
        from followup_ics.edges.folder import interrupted

        later = "; the next run finishes putting the files in place" if interrupted(out_dir) else ""
        raise Fail(f"--output: cannot write to {out_dir} ({error.strerror or error}){later}") from None
    if report.repaired is not None:
        say_notices((f"an earlier batch into {out_dir} was stopped while putting its files in place; "
                     f"finished it first ({report.repaired} files)",))
    if report.column_note and not quiet:
        click.echo(f"note: {report.column_note}", err=True)
    if report.unknown_columns and not quiet:
        names = ", ".join(repr(name) for name in report.unknown_columns)
        click.echo(f"note: ignoring unknown column(s) {names}", err=True)
    if not quiet:
        if report.default_zone_rows and not params["tz"]:
            say_notices((f"{report.default_zone_rows} row(s) without a timezone use {request.zone} "
                      "(no --tz given)",))
        say_notices(said_once(report.notices))
    listed = [error.describe(source) for error in report.errors + report.skipped]
    for line in first_errors(listed, report.rows, limit=None if all_errors else ERRORS_SHOWN,
                             more="skipped row" if report.skipped else "bad row"):
        click.echo(line, err=True)
    if report.errors:
        count = len(report.errors)
        raise Fail(f"{counted(count, 'invalid row')}; nothing was written "
                   "(--skip-invalid writes the valid rows)", exit_code=1)
    click.echo(summary(report, out_dir), err=True)


def summary(report: BatchReport, out_dir: Path) -> str:
    """The run's last line: '10,000 interviews, 66,316 events, 10,001 files (10,001 unchanged) in out, 3.10 s'."""
    skipped = f", {len(report.skipped):,} skipped" if report.skipped else ""
    removed = f", {len(report.removed):,} removed" if report.removed else ""
    unchanged = f" ({report.unchanged:,} unchanged)" if report.unchanged else ""
    return (f"{counted(report.interviews, 'interview')}, {counted(report.events, 'event')}, "
            f"{counted(report.files, 'file')}{unchanged} in {out_dir}{removed}{skipped}, {report.seconds:.2f} s")


def said_once(notices: Iterable[str] | Notices) -> tuple[str, ...]:
    """Row notices with the same text said once, naming their rows ("rows 2, 3 and 5 more: ..."): the
    working days inferred from a zone would otherwise repeat on every row in that zone (and the countries
    inferred from several zones are said in one line)."""
    from followup_ics.app.workweek import inferred_together
    from followup_ics.edges.batch import Notices

    if not isinstance(notices, Notices):
        grouped = Notices()
        for notice in notices:
            where, _, text = notice.partition(": ")
            if not where.startswith("row ") or not text:
                where, text = "", notice
            grouped.add(where.removeprefix("row "), text)
        notices = grouped
    rows: dict[str, tuple[tuple[str, ...], int]] = {}
    lines = []  # each text once, as its first row said it: what inferred_together merges
    for text, numbers, count in notices:
        rows[text] = (numbers, count)
        lines.append(f"row {numbers[0]}: {text}" if numbers[0] else text)
    said = []
    for line in inferred_together(lines):
        where, _, text = line.partition(": ")
        if not where.startswith("row ") or not text or text not in rows:
            text = line
        numbers, count = rows.get(text, (("",), 1))
        if numbers == ("",) and count == 1:
            said.append(text)
            continue
        shown = ", ".join(numbers[:3]) + (f" and {count - 3} more" if count > 3 else "")
        said.append(f"{'rows' if count > 1 else 'row'} {shown}: {text}")
    return tuple(said)


command = batch
