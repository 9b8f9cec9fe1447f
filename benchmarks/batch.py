"""Batch throughput per wall second and per CPU-second, and peak memory, against ics.py and icalendar.

    .venv/bin/python benchmarks/batch.py [--rows 10000] [--repeat 3] [--keep DIR] [--rerun] [--no-baseline]
                                         [--exe path/to/followup-ics] [--against path/to/older/followup-ics]

For each size it makes a synthetic CSV (realistic rows: many zones, every status, offer deadlines,
references, notes with commas and line breaks, non-ASCII names; 10,000 rows is the reference) and runs,
end to end, each as its own process tree:
- `followup-ics batch rows.csv -o out -q --jobs 1`, and the same with the default jobs (every core);
- ics.py and icalendar writing the same events: the CSV read by our reader, planned and worded by our
  roster (they have no planner), each interview serialised once to its own file and its events copied
  into one combined file, each candidate's keep-searching stream written there too, as the batch does;
  one process, like `--jobs 1`;
- "plan only": the same reading, planning and wording with no writing at all, the floor under every
  writer here (what is left of a tool's time above it is its writer and its files).
With --rerun, each of our two runs is followed by a re-run on the same output folder a day later (same
rows: every file is unchanged), reported as "... re-run" (issue #10: it should cost no more than the fresh
run, and the default jobs should never lose to --jobs 1).
Each round runs every tool once, in turn, so that load from other users of the machine hits them alike;
the figures are medians over the rounds. CPU time is the kernel's for the whole process tree (user +
system of the tool and every worker it waited for: getrusage(RUSAGE_CHILDREN) in a small wrapper), so
it does not flatter the parallel run. "user s" is the user-space part of it: on a virtual machine the
kernel's part (mostly creating 10,000 files) swings several-fold from run to run whatever the tool does,
so compare builds by user time as well. Each fresh run writes into a folder of its own, and the folders
are removed only once every round of a size is done (about 27 KB per row and run: 4 GB for 10,000 rows,
three rounds): on an ext4 without a journal, as on this project's test machines, the kernel skips every inode
deleted in the last minute or more when it makes a file (ext4's recently_deleted), so a run started right
after the previous one's 10,000 files were deleted spent 3-4 s more system time than one that was not (0.6 s),
whatever the tool. With --against, an older build's `--jobs 1` runs in the same rounds
and the ratio of interviews per CPU-second (and per user-second) is printed. "peak tree" is the largest
resident size summed over the tree (sampled every 20 ms), "peak proc" the largest single process (from
the kernel).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
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
COMPANIES = ["Acme", "Globex", "Initech, Inc.", "Müller & Söhne", "Umbrella", "Koala Labs", "Tata Widgets",
             "Contoso", "Fabrikam", "Zürich Analytics", "Hooli", "Stark Industries"]
STAMP_EPOCH = "1767225600"  # 2026-01-01 00:00 UTC: every tool stamps its events alike


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["company", "date", "timezone", "duration", "role", "interviewer", "interviewer_email",
                      "contact", "contact_email", "contact_phone", "references", "url", "location", "status",
                      "offer_deadline", "outcome_date", "notes", "id", "me"])
        for number in range(rows):
            start = datetime(2026, 1, 5) + timedelta(days=rng.randrange(700), minutes=15 * rng.randrange(36, 72))
            status = rng.choice(STATUSES)
            outcome = "" if status == "pending" else f"{start + timedelta(days=rng.randrange(3, 30)):%Y-%m-%d}"
            deadline = f"{start + timedelta(days=rng.randrange(5, 20)):%Y-%m-%d}" if rng.random() < 0.15 else ""
            if status == "offer":  # an offer row carries its own deadline, after the day it arrived
                deadline = f"{datetime.fromisoformat(outcome) + timedelta(days=rng.randrange(3, 10)):%Y-%m-%d}"
            out.writerow([
                f"{rng.choice(COMPANIES)} {number}", f"{start:%Y-%m-%d %H:%M}", rng.choice(ZONES),
                rng.choice(["45", "60", "90"]), "Software Engineer", "Ana Diaz", "ana@corp.example",
                "Bo Li", "bo.li@corp.example", "+1 212 555 0100",
                "Cy Park <cy@example.org>; Dee Moss <dee@example.org>",
                f"https://jobs.example/{number}", "HQ, 5th floor", status, deadline, outcome,
                "Panel of two; asked about pipelines,\nand about on-call.", f"row-{number}",
                # a coach's or an agency's file: each candidate's search is five applications
                f"Candidate {number // 5}",
            ])


# The peers: our reader and roster plan every row, then a writer serialises each interview once.
PEER = r'''
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from followup_ics.app.config import Request
from followup_ics.app.roster import Roster, RowError
from followup_ics.edges.spreadsheet import read_rows

tool, source, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
now = datetime(2026, 1, 1, tzinfo=UTC)
request = Request(zone="UTC", now=now)
roster = Roster(lambda: read_rows(source)[1], request)

if tool == "ics.py":
    from ics import Calendar, Event
    from ics.alarm import DisplayAlarm

    def serialise(item, schedule):
        calendar = Calendar()
        for step in schedule.steps:
            calendar.events.add(Event(
                name=step.summary, begin=step.start, end=step.end, uid=f"{item.stem}.{step.key}",
                created=now, description=step.description, location=step.location or None,
                url=step.url or None, transparent=not step.blocks_time, categories={"Job search"},
                classification="PRIVATE",
                alarms=[DisplayAlarm(trigger=-step.alarm_before, display_text=step.alarm_text)]))
        return str(calendar).encode("utf-8")
elif tool == "icalendar":
    from followup_ics.ical.reference import build_calendar

    def serialise(item, schedule):
        return build_calendar([schedule], stamp=now).to_ical()
else:
    serialise = None

with (out / "all.ics").open("wb") as combined:
    combined.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:peer\r\n")
    for result in roster.schedules():
        if isinstance(result, RowError):
            continue
        if serialise is None:  # plan only: the streams are worded, then let go
            for _ in roster.streams(upto=result[0].row.number):
                pass
            continue
        data = serialise(*result)
        (out / f"{result[0].stem}.ics").write_bytes(data)
        combined.write(data[data.index(b"BEGIN:VEVENT"):data.rindex(b"END:VCALENDAR")])
        # Each candidate's keep-searching stream, complete after their last row: all.ics alone holds it.
        for stream in roster.streams(upto=result[0].row.number):
            data = serialise(SimpleNamespace(stem=stream.interview.interview_id), stream)
            combined.write(data[data.index(b"BEGIN:VEVENT"):data.rindex(b"END:VCALENDAR")])
    combined.write(b"END:VCALENDAR\r\n")
'''

# Runs the tool and reports the kernel's accounting of its whole tree (every waited-for descendant).
WRAPPER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
           "u = resource.getrusage(resource.RUSAGE_CHILDREN); print(u.ru_utime, u.ru_stime, u.ru_maxrss)")


@dataclass
class Run:
    wall: float
    cpu: float  # user + system
    user: float
    proc_mb: float
    tree_mb: float
    written: int


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


def measure(command: list[str], out: Path, *, rerun: bool = False) -> Run:
    """One run into ``out``: a folder that does not exist yet, or (``rerun``) on what the previous run left
    there, a day later."""
    epoch = str(int(STAMP_EPOCH) + 86_400) if rerun else STAMP_EPOCH
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", WRAPPER, *command], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env, cwd=out.parent)
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
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command[:3])} failed with exit code {process.returncode}")
    user, system, maxrss = stdout.split()
    written = sum(path.stat().st_size for path in out.iterdir() if path.is_file()) if out.exists() else 0
    return Run(wall, float(user) + float(system), float(user), int(maxrss) / 1024, peak / 2**20, written)


OUT = "{out}"  # in a command line: the run's own output folder


def tools(source: Path, *, peers: bool, exe: str | None = None,
          against: str | None = None) -> dict[str, list[str]]:
    """Each tool's command line, in the order a round runs them (OUT where its output folder goes)."""
    cli = exe or str(Path(sys.executable).parent / "followup-ics")
    ours = [cli, "batch", str(source), "-q", "--tz", "UTC", "-o"]
    found = {"followup --jobs 1": [*ours, OUT, "--jobs", "1"],
             "followup (default)": [*ours, OUT]}
    if against:
        found["older --jobs 1"] = [against, "batch", str(source), "-q", "--tz", "UTC", "-o", OUT, "--jobs", "1"]
    if peers:
        for name in ("ics.py", "icalendar", "plan only"):
            found[name] = [sys.executable, "-c", PEER, name, str(source), OUT]
    return found


def report(rows: int, results: dict[str, list[Run]]) -> None:
    print(f"{'tool':20} {'per wall s':>10} {'per CPU-s':>10} {'CPU s':>7} {'user s':>7} {'wall s':>7} "
          f"{'written':>9} {'peak tree':>10} {'peak proc':>10}")
    per_cpu: dict[str, float] = {}
    per_user: dict[str, float] = {}
    for name, runs in results.items():
        wall = statistics.median(run.wall for run in runs)
        cpu = statistics.median(run.cpu for run in runs)
        user = statistics.median(run.user for run in runs)
        per_cpu[name], per_user[name] = rows / cpu, rows / user
        print(f"{name:20} {rows / wall:>10,.0f} {rows / cpu:>10,.0f} {cpu:>7.2f} {user:>7.2f} {wall:>7.2f} "
              f"{runs[0].written / 2**20:>7.1f}MB {max(r.tree_mb for r in runs):>8.1f}MB "
              f"{max(r.proc_mb for r in runs):>8.1f}MB")
    ours = per_cpu["followup --jobs 1"]
    if "older --jobs 1" in per_cpu:
        print(f"  followup --jobs 1 / older --jobs 1: {ours / per_cpu['older --jobs 1']:.2f}x per CPU-second, "
              f"{per_user['followup --jobs 1'] / per_user['older --jobs 1']:.2f}x per user-second")
    for peer in ("ics.py", "icalendar", "plan only"):
        if peer in per_cpu:
            print(f"  followup --jobs 1 per CPU-second / {peer}: {ours / per_cpu[peer]:.2f}x")
    for jobs in ("--jobs 1", "(default)"):
        if f"followup {jobs} re-run" in results:
            fresh, again = (statistics.median(r.cpu for r in results[name])
                            for name in (f"followup {jobs}", f"followup {jobs} re-run"))
            print(f"  re-run / fresh, {jobs}: {again / fresh:.2f}x CPU")
    walls = {name: statistics.median(r.wall for r in runs) for name, runs in results.items()}
    for run in ("", " re-run"):
        if f"followup (default){run}" in walls:
            ratio = walls[f"followup (default){run}"] / walls[f"followup --jobs 1{run}"]
            print(f"  default / --jobs 1{run or ' fresh'}: {ratio:.2f}x wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; medians are reported")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument("--no-baseline", action="store_true", help="measure only followup-ics")
    parser.add_argument("--rerun", action="store_true", help="also re-run ours on their own output (unchanged rows)")
    parser.add_argument("--exe", help="the followup-ics to measure (default: this venv's), e.g. an older build")
    parser.add_argument("--against", help="an older build's followup-ics, run with --jobs 1 in the same rounds")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="followup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"batch benchmark, Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"medians of {options.repeat} alternated rounds; interviews per second")
    try:
        for rows in options.rows:
            source = work / f"rows-{rows}.csv"
            make_csv(source, rows)
            commands = tools(source, peers=not options.no_baseline, exe=options.exe, against=options.against)
            results: dict[str, list[Run]] = {}
            runs = work / f"runs-{rows}"  # every run's output, removed once the size is done (see above)
            for round_number in range(options.repeat):
                for number, (name, command) in enumerate(commands.items()):
                    out = runs / f"{round_number}-{number}"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    line = [str(out) if part == OUT else part for part in command]
                    results.setdefault(name, []).append(measure(line, out))
                    if options.rerun and name.startswith("followup"):
                        results.setdefault(f"{name} re-run", []).append(measure(line, out, rerun=True))
            shutil.rmtree(runs, ignore_errors=True)
            print(f"\n{rows:,} rows")
            report(rows, results)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
