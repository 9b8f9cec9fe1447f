"""A big CSV under a running server, and through export-site: build time, memory, latency, stop time.

    .venv/bin/python benchmarks/feeds.py [--rows 5000 50000] [--clients 4] [--only serve|export-site]

For each size it starts `followup-ics serve` on 127.0.0.1 with a 100-interview CSV, then replaces the CSV
with one of N interviews (benchmarks/batch.py's realistic rows) and, while the server builds the new feeds:
- `--clients` keep-alive clients fetch the previous build's feeds (all.ics with If-None-Match, one interview's
  feed in full, the page) back to back; every request's latency is kept;
- the resident memory of the server process, and of its whole process tree (the build runs in a child), is
  sampled every 50 ms.
Then it downloads the new all.ics and the page once, replaces the CSV again (one row changed) and sends
SIGTERM three seconds into that second build, timing how long the server takes to exit.
Then `followup-ics export-site` on the same CSV, from a fresh state folder: wall and CPU time, peak resident
memory of its process tree (sampled every 50 ms), the size of all.ics and of the biggest page.
Targets (issue 11): no request over 1 s during a build, memory under 300 MB, stop within 5 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch import _tree_rss, make_csv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_pss(root: int) -> int:
    """Proportional set size of ``root`` and its descendants: pages shared between them (the build child is
    forked from the forkserver) are counted once in all, where a sum of RSS counts them in each process."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    children.setdefault(int(stat.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except OSError:
                continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as smaps:
                total += next(int(line.split()[1]) * 1024 for line in smaps if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class Log:
    """The server's stderr, line by line, with the time each line arrived."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, pattern: str, after: float, timeout: float) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for moment, line in list(self.lines):
                if moment >= after and re.search(pattern, line):
                    return moment, line
            time.sleep(0.05)
        raise SystemExit(f"no log line matching {pattern!r} within {timeout:g} s; last lines:\n"
                         + "\n".join(line for _, line in self.lines[-10:]))


def client(port: int, paths: list[tuple[str, dict[str, str]]], stop: threading.Event,
           latencies: list[float], errors: list[str], slowest: dict[str, float]) -> None:
    """Fetch ``paths`` back to back until ``stop``; a 200 for the conditional all.ics means the new build is
    in, which ends the measurement (that answer is the new feed, hundreds of megabytes: not a build-time wait)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        for path, headers in paths:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                if "If-None-Match" in headers and response.status == 200:
                    stop.set()
                    connection.close()
                    return
                response.read()
            except (OSError, http.client.HTTPException) as error:
                errors.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies.append(time.perf_counter() - started)
            kind = "304 all.ics" if path.endswith("all.ics") else "page" if path.endswith("/") else "one feed"
            slowest[kind] = max(slowest.get(kind, 0.0), latencies[-1])
            if response.status not in (200, 304):
                errors.append(str(response.status))
    connection.close()


def fetch(port: int, path: str) -> tuple[float, int, http.client.HTTPMessage]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    size = len(response.read())
    connection.close()
    return time.perf_counter() - started, size, response.msg


def export_site(rows: int, big: Path, work: Path) -> None:
    """export-site on ``big`` from a fresh state: time, CPU, peak memory of the tree, what it wrote."""
    state, site = work / "export-state", work / "site"
    shutil.rmtree(state, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    cli = str(Path(sys.executable).parent / "followup-ics")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([cli, "export-site", str(big), str(site), "--tz", "UTC", "--state", str(state)],
                               stderr=subprocess.PIPE, text=True)
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            peak_pss = max(peak_pss, tree_pss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, errors = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise SystemExit(f"export-site failed ({process.returncode}): {errors[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    folder = next(path for path in site.iterdir() if path.is_dir())
    pages = sorted(folder.glob("*.html"), key=lambda path: path.stat().st_size)
    print(f"  export-site: {wall:.1f} s wall, {cpu:.1f} s CPU; peak tree {peak / 2**20:.0f} MB RSS, "
          f"{peak_pss / 2**20:.0f} MB PSS "
          f"(max RSS of one process {after.ru_maxrss / 1024:.0f} MB); all.ics "
          f"{(folder / 'all.ics').stat().st_size / 2**20:.0f} MB, {len(list(folder.glob('*.ics'))):,} feeds; "
          f"{len(pages)} pages, biggest {pages[-1].stat().st_size / 1024:.0f} KB")


def run(rows: int, clients: int, work: Path, only: str | None) -> None:
    small, big = work / "small.csv", work / f"rows-{rows}.csv"
    make_csv(small, 100)
    make_csv(big, rows)
    print(f"{rows:,} interviews ({big.stat().st_size / 2**20:.1f} MB CSV):")
    if only != "serve":
        export_site(rows, big, work)
    if only != "export-site":
        serve(rows, clients, work, small, big)  # last: it adds a row to ``big`` for its second build


def serve(rows: int, clients: int, work: Path, small: Path, big: Path) -> None:
    source, state = work / "interviews.csv", work / "state"
    shutil.rmtree(state, ignore_errors=True)
    shutil.copyfile(small, source)
    port = free_port()
    cli = str(Path(sys.executable).parent / "followup-ics")
    process = subprocess.Popen([cli, "serve", str(source), "--port", str(port), "--tz", "UTC", "--poll", "0.5",
                                "--state", str(state)], stderr=subprocess.PIPE, text=True)
    log = Log(process)
    try:
        log.wait_for(r"^Ctrl-C to stop", 0, 120)
        token = log.wait_for(r"^Page: ", 0, 1)[1].rstrip("/").rsplit("/", 1)[1]
        _, _, first = fetch(port, f"/{token}/all.ics")
        one = next(line for _, line in log.lines if "Feed:" in line and "all.ics" not in line)
        one_path = "/" + one.split()[1].split("/", 3)[3]
        paths = [(f"/{token}/all.ics", {"If-None-Match": first["ETag"] or ""}), (one_path, {}), (f"/{token}/", {})]

        peak_server = peak_tree = peak_pss = 0
        sampling = threading.Event()

        def sample() -> None:
            nonlocal peak_server, peak_tree, peak_pss
            while not sampling.is_set():
                peak_server = max(peak_server, rss(process.pid))
                peak_tree = max(peak_tree, _tree_rss(process.pid))
                peak_pss = max(peak_pss, tree_pss(process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        stop = threading.Event()
        latencies: list[float] = []
        errors: list[str] = []
        slowest: dict[str, float] = {}
        workers = [threading.Thread(target=client, args=(port, paths, stop, latencies, errors, slowest))
                   for _ in range(clients)]
        for worker in workers:
            worker.start()
        replaced = time.monotonic()
        temp = work / "next.csv"
        shutil.copyfile(big, temp)
        os.replace(temp, source)
        built_at, built = log.wait_for(r"feeds built: ", replaced, 3600)
        stop.set()  # the clients stop by themselves at the swap; this is for a swap none of them saw
        for worker in workers:
            worker.join()
        sampling.set()
        sampler.join()
        download, size, _ = fetch(port, f"/{token}/all.ics")
        page_time, page_size, _ = fetch(port, f"/{token}/")
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
        over = sum(1 for latency in latencies if latency > 1.0)
        print(f"  build: {built.split('] ', 1)[-1]}; {built_at - replaced:.1f} s from the CSV's replacement "
              f"(includes the 2 s settle and the 0.5 s poll)")
        print(f"  memory: server process peak {peak_server / 2**20:.0f} MB; whole tree (forkserver and the "
              f"build child) peak {peak_tree / 2**20:.0f} MB RSS, {peak_pss / 2**20:.0f} MB PSS; "
              f"server after the build {rss(process.pid) / 2**20:.0f} MB")
        print(f"  during the build: {len(latencies):,} requests from {clients} clients, max "
              f"{latencies[-1] * 1000 if latencies else 0:.0f} ms, p99 {p99 * 1000:.0f} ms, {over} over 1 s, "
              f"{len(errors)} errors; slowest "
              + ", ".join(f"{kind} {value * 1000:.0f} ms" for kind, value in sorted(slowest.items())))
        print(f"  after: all.ics {size / 2**20:.0f} MB downloaded in {download:.1f} s; page {page_size / 1024:.0f} KB "
              f"in {page_time * 1000:.0f} ms")
        with big.open("a", encoding="utf-8") as handle:  # a second build, interrupted by SIGTERM
            handle.write(f"Late Corp,2026-12-01 10:00,UTC,60,,,,,,,,,,pending,,,,late-{rows}\n")
        temp = work / "next.csv"
        shutil.copyfile(big, temp)
        os.replace(temp, source)
        time.sleep(2.5 + 0.5 + 3)  # settle, poll, then three seconds into the build
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        print(f"  SIGTERM during a build: exited in {time.monotonic() - signalled:.2f} s "
              f"(exit code {process.returncode})")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--only", choices=["serve", "export-site"], help="Run one of the two measurements.")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="followup-feeds-"))
    print(f"{os.cpu_count()} cores; {options.clients} clients fetching the previous build's feeds during each build")
    try:
        for rows in options.rows:
            run(rows, options.clients, work, options.only)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
