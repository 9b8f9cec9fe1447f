"""How long `add`, `record` and `list` take as a search grows: each command plans the whole file (twice for
the ones that write: before, to find the application, and after, to check the edit), so time grows with
the rows.

    .venv/bin/python benchmarks/track.py [--rows 10 100 1000]

For each size it writes a CSV of that many applications (one round each, a few decided), then runs each
command once as a real process and prints its wall time, the file's size before and after, and for scale
`batch -q --jobs 1` on the same file (which plans it once).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

STATUSES = ("", "", "", "rejected", "withdrawn")


def make_csv(path: Path, rows: int) -> None:
    start = datetime(2026, 12, 1, 9, 0)
    lines = ["company,date,timezone,role,status,outcome_date,Salary Band,id"]
    for number in range(rows):
        moment = start + timedelta(days=number % 40, minutes=30 * (number % 14))
        status = STATUSES[number % len(STATUSES)]
        outcome = f"{moment + timedelta(days=3):%Y-%m-%d}" if status else ""
        lines.append(f'Company {number},{moment:%Y-%m-%d %H:%M},Europe/Berlin,Engineer,{status},{outcome},'
                     f'"{number}k, negotiable",c{number}')
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def timed(*args: str) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "followup_ics", *args], check=True, capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10, 100, 1000])
    options = parser.parse_args()
    print(f"{'rows':>6} {'add s':>7} {'record s':>9} {'list s':>7} {'batch s':>8} {'bytes before':>13} {'after':>8}")
    for rows in options.rows:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "search.csv"
            make_csv(path, rows)
            before = path.stat().st_size
            add = timed("add", str(path), "--company", "Zeta", "--date", "2027-01-20 10:00", "--tz", "UTC")
            record = timed("record", str(path), "c1", "--status", "offer", "--on", "2026-12-20",
                           "--deadline", "2027-01-10", "--tz", "UTC")
            listing = timed("list", str(path), "--tz", "UTC")
            batch = timed("batch", str(path), "-o", str(Path(folder) / "out"), "-q", "--jobs", "1", "--tz", "UTC")
            print(f"{rows:>6} {add:>7.2f} {record:>9.2f} {listing:>7.2f} {batch:>8.2f} {before:>13} "
                  f"{path.stat().st_size:>8}")


if __name__ == "__main__":
    main()
