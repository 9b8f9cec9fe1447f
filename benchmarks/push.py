"""Push cost: 100 interviews (about 1,000 events) pushed to a local Radicale, then pushed again unchanged.

    .venv/bin/python benchmarks/push.py [--rows 100]

Starts Radicale on 127.0.0.1 (a free port, a temporary storage folder, no authentication), runs
`followup-ics push` twice as a user would (a separate process each time), and prints for each run the wall
time, the requests the server received by method (from Radicale's own log) and the command's summary. The
unchanged re-push must show no write request (PUT, DELETE, MKCALENDAR).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REQUEST = re.compile(r"\] (\w+) request for '")


ZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles", "UTC")


def make_csv(path: Path, rows: int) -> None:
    """``rows`` applications still waiting for an answer, one interview each, over three months."""
    lines = ["id,company,date,timezone,role,contact,contact_email,references,status"]
    for number in range(rows):
        start = datetime(2026, 12, 1, 9) + timedelta(days=number * 90 // rows, minutes=30 * (number % 14))
        lines.append(f"app-{number},Company {number},{start:%Y-%m-%d %H:%M},{ZONES[number % len(ZONES)]},"
                     f"Engineer,Bo Li,bo{number}@corp.example,Cy Park <cy@example.org>,pending")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_radicale(folder: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    log = folder / "radicale.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", "", "--server-hosts", f"127.0.0.1:{port}",
             "--storage-filesystem-folder", str(folder / "store"), "--auth-type", "none", "--logging-level", "info"],
            stdout=out, stderr=subprocess.STDOUT)
    for _ in range(400):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}/", log
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"radicale did not start:\n{log.read_text()}")


def requests_by_method(log: Path, skip: int) -> tuple[collections.Counter[str], int]:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    counted = collections.Counter(match.group(1) for line in lines[skip:] if (match := REQUEST.search(line)))
    return counted, len(lines)


def push(csv_file: Path, url: str) -> tuple[float, float, str]:
    """Wall seconds, the push process's own CPU seconds (the rest is waiting for the server), its summary."""
    env = {**os.environ, "FOLLOWUP_ICS_CALDAV_PASSWORD": "unused", "SOURCE_DATE_EPOCH": "1795608000"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "followup_ics", "push", str(csv_file), "--url", url,
                           "--user", "bench", "--tz", "UTC", "-q"], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"push failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        csv_file = folder / "interviews.csv"
        make_csv(csv_file, args.rows)
        server, url, log = start_radicale(folder)
        try:
            seen = 0
            for label in ("first push", "unchanged re-push"):
                seconds, cpu, summary = push(csv_file, url)
                counted, seen = requests_by_method(log, seen)
                writes = sum(counted[method] for method in ("PUT", "DELETE", "MKCALENDAR", "MKCOL", "PROPPATCH"))
                methods = ", ".join(f"{method} {count}" for method, count in sorted(counted.items()))
                print(f"{label:<18} {seconds:7.2f} s ({cpu:.2f} s CPU in the push)   {sum(counted.values()):5d} "
                      f"requests ({methods}); {writes} writes")
                print(f"{'':<18} {summary}")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
