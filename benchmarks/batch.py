"""Batch throughput and memory, against the ics package (ics.py) writing the same events, in one run.

    .venv/bin/python benchmarks/batch.py [--rows 1000 10000 100000] [--keep DIR]
    .venv/bin/python benchmarks/batch.py --rows 10000 --holidays --no-baseline [--repeat 3]

For each size it makes a synthetic CSV (realistic rows: many zones, every status, offer deadlines,
references, notes with commas and line breaks, non-ASCII names) and times, end to end:
- ours: `followup-ics batch rows.csv -o out -q` (per-interview files plus all.ics, both cores);
- baseline: ics.py writing the same events (planned by our core, as ics.py has no planner) to one file
  per interview plus a combined file, streaming events so it never holds them all.
It prints interviews/s, total time, bytes written, the peak RSS of the largest single process and the
peak RSS summed over the whole process tree (sampled every 20 ms). Targets: ours at least 1.5x the
baseline's interviews/s, and peak memory under 150 MB at 100,000 rows, flat as rows grow.

--holidays also times ours without public holidays (the same rows with country "none": Monday to Friday)
against the default, where each row's working days come from its zone's country (a dozen countries here) and a
tenth of the rows name a country and region of their own. Target: at most 10% slower with holidays.
Runs alternate and the one with the least CPU time of --repeat is kept; CPU time (user + system, the whole
process tree) is printed beside wall time because other work on a shared machine inflates wall time.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin",
         "Europe/Paris", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo",
         "Pacific/Auckland", "Asia/Singapore", "Africa/Johannesburg", "America/Toronto", "UTC"]
STATUSES = ["pending"] * 6 + ["offer", "rejected", "withdrawn", "accepted"]
# (country, region) for the rows that name their own: regions with their own holidays.
OWN_CALENDARS = [("US", "CA"), ("DE", "BY"), ("GB", "SCT"), ("AU", "VIC"), ("IL", ""), ("CN", ""), ("JP", ""),
                 ("AE", ""), ("SA", ""), ("IN", ""), ("BR", ""), ("FR", "")]
COMPANIES = ["Acme", "Globex", "Initech, Inc.", "Müller & Söhne", "Umbrella", "Koala Labs", "Tata Widgets",
             "Contoso", "Fabrikam", "Zürich Analytics", "Hooli", "Stark Industries"]


def make_csv(path: Path, rows: int, seed: int = 7, *, countries: bool = True) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["company", "date", "timezone", "duration", "role", "interviewer", "interviewer_email",
                      "contact", "contact_email", "contact_phone", "references", "url", "location", "status",
                      "offer_deadline", "outcome_date", "notes", "id", "country", "region"])
        for number in range(rows):
            start = datetime(2026, 1, 5) + timedelta(days=rng.randrange(700), minutes=15 * rng.randrange(36, 72))
            status = rng.choice(STATUSES)
            outcome = "" if status == "pending" else f"{start + timedelta(days=rng.randrange(3, 30)):%Y-%m-%d}"
            deadline = f"{start + timedelta(days=rng.randrange(5, 20)):%Y-%m-%d}" if rng.random() < 0.15 else ""
            country, region = rng.choice(OWN_CALENDARS) if rng.random() < 0.1 else ("", "")
            if not countries:  # the same rows, every one Monday to Friday
                country, region = "none", ""
            out.writerow([
                f"{rng.choice(COMPANIES)} {number}", f"{start:%Y-%m-%d %H:%M}", rng.choice(ZONES),
                rng.choice(["45", "60", "90"]), "Software Engineer", "Ana Diaz", "ana@corp.example",
                "Bo Li", "bo.li@corp.example", "+1 212 555 0100",
                "Cy Park <cy@example.org>; Dee Moss <dee@example.org>",
                f"https://jobs.example/{number}", "HQ, 5th floor", status, deadline, outcome,
                "Panel of two; asked about pipelines,\nand about on-call.", f"row-{number}", country, region,
            ])


BASELINE = r'''
import csv, sys
from datetime import UTC, datetime
from pathlib import Path
from ics import Calendar, Event
from ics.alarm import DisplayAlarm
from followup_ics.app.config import Request
from followup_ics.app.interview import make_schedule
from followup_ics.app.fields import RawInterview

source, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
request = Request(zone="UTC", now=datetime(2026, 1, 1, tzinfo=UTC))
fields = RawInterview.__dataclass_fields__
with source.open(encoding="utf-8", newline="") as handle, (out / "all.ics").open("w", encoding="utf-8") as combined:
    combined.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:ics.py\r\n")
    for row in csv.DictReader(handle):
        values = {name: row.get(name, "") for name in fields if name not in ("interviewers", "references")}
        values["interviewers"] = (row["interviewer"],)
        values["references"] = tuple(part for part in row["references"].split(";"))
        schedule = make_schedule(RawInterview(**values), request)
        calendar = Calendar()
        for step in schedule.steps:
            event = Event(name=step.summary, begin=step.start, end=step.end, uid=f"{row['id']}.{step.key}",
                          description=step.description, location=step.location or None, url=step.url or None,
                          transparent=not step.blocks_time, categories={"Job search"}, classification="PRIVATE",
                          alarms=[DisplayAlarm(trigger=-step.alarm_before, display_text=step.alarm_text)])
            calendar.events.add(event)
            combined.write(str(event) + "\r\n")
        (out / f"{row['id']}.ics").write_text(str(calendar), encoding="utf-8")
    combined.write("END:VCALENDAR\r\n")
'''


@dataclass
class Run:
    seconds: float
    written: int
    largest_process_mb: float
    tree_mb: float
    cpu_seconds: float  # user + system time of the whole process tree: steadier than wall time on a busy machine


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def measure(command: list[str], out: Path, env: dict[str, str] | None = None) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    wrapper = [sys.executable, "-c",
               "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
               "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
               "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)", *command]
    started = time.perf_counter()
    process = subprocess.Popen(wrapper, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, **(env or {})})
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{command[0]} failed with exit code {process.returncode}")
    written = sum(path.stat().st_size for path in out.iterdir())
    maxrss, cpu = stdout.split()[-2:]
    return Run(seconds, written, int(maxrss) / 1024, peak / 2**20, float(cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument("--no-baseline", action="store_true", help="measure only followup-ics")
    parser.add_argument("--holidays", action="store_true",
                        help="also time ours without public holidays (country none) against the default")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each variant; the fastest is kept")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="followup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cli = str(Path(sys.executable).parent / "followup-ics")
    env_note = f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    print(f"batch benchmark, {env_note}; memory: largest single process / whole process tree")
    header = (f"{'rows':>7}  {'tool':9} {'interviews/s':>12} {'time':>9} {'CPU':>9} {'written':>10} "
              f"{'peak RSS':>19}")
    print(header)
    try:
        for rows in options.rows:
            source = work / f"rows-{rows}.csv"
            make_csv(source, rows)
            plain_source = work / f"rows-{rows}-monday-to-friday.csv"
            if options.holidays:
                make_csv(plain_source, rows, countries=False)
            command = [cli, "batch", str(source), "-o", str(work / "ours"), "-q", "--tz", "UTC"]
            plain: list[Run] = []
            timed: list[Run] = []
            for _ in range(options.repeat):
                if options.holidays:
                    plain_command = [*command[:2], str(plain_source), *command[3:]]
                    plain.append(measure(plain_command, work / "ours", {"FOLLOWUP_ICS_COUNTRY": "none"}))
                timed.append(measure(command, work / "ours", {"FOLLOWUP_ICS_COUNTRY": ""}))
            ours = min(timed, key=lambda run: run.cpu_seconds)
            runs = [("followup", ours)]
            if plain:
                runs.insert(0, ("Mon-Fri", min(plain, key=lambda run: run.cpu_seconds)))
            if not options.no_baseline:
                runs.append(("ics.py", measure([sys.executable, "-c", BASELINE, str(source), str(work / "icspy")],
                                               work / "icspy")))
            for name, run in runs:
                print(f"{rows:>7}  {name:9} {rows / run.seconds:>12,.0f} {run.seconds:>8.2f}s {run.cpu_seconds:>8.2f}s "
                      f"{run.written / 2**20:>8.1f}MB {run.largest_process_mb:>7.1f}MB / {run.tree_mb:>6.1f}MB")
            if plain:
                base = runs[0][1]
                print(f"{'':>7}  holidays cost {ours.seconds / base.seconds - 1:+.1%} wall time, "
                      f"{ours.cpu_seconds / base.cpu_seconds - 1:+.1%} CPU time (target <= +10%)")
            if runs[-1][0] == "ics.py":
                print(f"{'':>7}  speed-up {(runs[-1][1].seconds / ours.seconds):.2f}x (target >= 1.5x)")
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
