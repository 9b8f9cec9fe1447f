"""Serving cost: the feed app against the same WSGI server returning a static bytes object of the same size.

    .venv/bin/python benchmarks/serve.py [--seconds 5] [--connections 8] [--page-rows 5000]

Starts `followup-ics serve` on 127.0.0.1 with a 100-interview CSV, and beside it waitress serving a
constant bytes object as large as all.ics. Load comes from `wrk` when it is installed, else from a Python
client in a separate process: a fixed number of keep-alive connections, each sending its next request when
the last answer arrived (bounded load). It prints requests per second and p99 latency for full 200 answers
and for 304 answers (If-None-Match), and the ratio to the static server. Target: at most 1.5x the cost.

Then the subscribe page of a --page-rows roster (issue 11, item 6: 5,000 interviews once made a 5.2 MB page
served at 2.4 pages/s, and four clients loading it cut a feed's throughput from 1,521 to 79 req/s): the page's
size, pages/s from 4 connections, and one interview's feed alone and while those 4 connections load the page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch import make_csv

STATIC_APP = r'''
import sys
from waitress import serve
size, port = int(sys.argv[1]), int(sys.argv[2])
body = b"x" * size
etag = '"static"'
def app(environ, start_response):
    if environ.get("HTTP_IF_NONE_MATCH") == etag:
        start_response("304 Not Modified", [("ETag", etag)])
        return [b""]
    start_response("200 OK", [("Content-Type", "text/calendar; charset=utf-8"), ("Content-Length", str(size)),
                              ("ETag", etag)])
    return [body]
serve(app, host="127.0.0.1", port=port, threads=8, _quiet=True)
'''

CLIENT = r'''
import http.client, sys, threading, time
port, path, seconds, connections, etag = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
headers = {"If-None-Match": etag} if etag else {}
latencies, errors = [], []
def worker():
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    end = time.perf_counter() + seconds
    mine = []
    while time.perf_counter() < end:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        mine.append(time.perf_counter() - started)
        if response.status not in (200, 304):
            errors.append(response.status)
    latencies.extend(mine)
threads = [threading.Thread(target=worker) for _ in range(connections)]
started = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.perf_counter() - started
latencies.sort()
print(len(latencies) / elapsed, latencies[int(len(latencies) * 0.99) - 1] * 1000, len(errors))
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on port {port}")


def load(port: int, path: str, seconds: float, connections: int, etag: str) -> tuple[float, float]:
    if shutil.which("wrk") and not etag:
        output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                                 f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                                check=True).stdout
        rate = float(next(line for line in output.splitlines() if "Requests/sec" in line).split()[-1])
        p99 = next(line for line in output.splitlines() if line.strip().startswith("99%")).split()[-1]
        value = float(p99.rstrip("usm")) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.lstrip("0123456789.")]
        return rate, value
    run = subprocess.run([sys.executable, "-c", CLIENT, str(port), path, str(seconds), str(connections), etag],
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"the load client failed:\n{run.stderr}")
    output = run.stdout.split()
    if int(output[2]):
        raise SystemExit(f"{output[2]} failed requests on port {port}")
    return float(output[0]), float(output[1])


def wait_for_token(state: Path, process: subprocess.Popen[bytes], started: float) -> str:
    """The token, once the server has published its first build (it listens before it has one)."""
    while not (state.exists() and '"build": "1' in state.read_text()):
        if process.poll() is not None or time.perf_counter() - started > 1800:
            raise SystemExit("the server did not start")
        time.sleep(0.2)
    return state.read_text().split('"token": "')[1].split('"')[0]


def page_load(rows: int, seconds: float, connections: int, work: Path) -> None:
    """The page of a ``rows`` roster: its size, its rate, and what loading it costs a feed's clients."""
    source = work / "big.csv"
    make_csv(source, rows)
    port = free_port()
    cli = str(Path(sys.executable).parent / "followup-ics")
    started = time.perf_counter()
    process = subprocess.Popen([cli, "serve", str(source), "--port", str(port), "--tz", "UTC"],
                               stderr=subprocess.DEVNULL)
    try:
        token = wait_for_token(work / ".big.csv.followup-ics" / "state.json", process, started)
        wait_until_up(port)
        page = f"/{token}/"
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("GET", page)
        body = connection.getresponse().read()
        connection.close()
        size = len(body)
        # the first interview's feed the page lists (all.ics comes first)
        feed = f"/{token}/" + next(name for name in re.findall(rb"<code>[^<]*/([^/<]+\.ics)</code>", body)
                                   if name != b"all.ics").decode()
        alone = load(port, feed, seconds, connections, "")
        pages = load(port, page, seconds, 4, "")
        background = subprocess.Popen([sys.executable, "-c", CLIENT, str(port), page, str(seconds + 1), "4", ""],
                                      stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        beside = load(port, feed, seconds, connections, "")
        background.wait()
        print(f"page of {rows:,} interviews: {size / 1024:.0f} KB, {pages[0]:,.0f} pages/s from 4 connections "
              f"(p99 {pages[1]:.1f} ms); one interview's feed {alone[0]:,.0f} req/s alone, {beside[0]:,.0f} req/s "
              f"while 4 connections load the page")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--page-rows", type=int, default=5000, help="Roster size for the page (0: skip).")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="followup-serve-"))
    source = work / "interviews.csv"
    make_csv(source, 100)
    ours_port, static_port = free_port(), free_port()
    cli = str(Path(sys.executable).parent / "followup-ics")
    processes = [subprocess.Popen([cli, "serve", str(source), "--port", str(ours_port), "--tz", "UTC"],
                                  stderr=subprocess.DEVNULL)]
    try:
        token = wait_for_token(work / ".interviews.csv.followup-ics" / "state.json", processes[0],
                               time.perf_counter())
        wait_until_up(ours_port)
        path = f"/{token}/all.ics"
        connection = http.client.HTTPConnection("127.0.0.1", ours_port)
        connection.request("GET", path)
        response = connection.getresponse()
        size, etag = len(response.read()), response.getheader("ETag", "")
        connection.close()
        processes.append(subprocess.Popen([sys.executable, "-c", STATIC_APP, str(size), str(static_port)],
                                          stderr=subprocess.DEVNULL))
        wait_until_up(static_port)
        client = "wrk" if shutil.which("wrk") else "a Python client"
        print(f"all.ics of {size:,} bytes, 100 interviews; {options.connections} connections for "
              f"{options.seconds:g} s each; load from {client} (304s from the Python client); "
              f"{os.cpu_count()} cores")
        for label, ours_etag, static_etag in (("200 full feed", "", ""), ("304 not modified", etag, '"static"')):
            ours = load(ours_port, path, options.seconds, options.connections, ours_etag)
            static = load(static_port, "/", options.seconds, options.connections, static_etag)
            print(f"{label:17} feed app {ours[0]:8,.0f} req/s  p99 {ours[1]:6.2f} ms   "
                  f"static bytes {static[0]:8,.0f} req/s  p99 {static[1]:6.2f} ms   "
                  f"cost ratio {static[0] / ours[0]:.2f}x (target <= 1.5x)")
        if options.page_rows:
            page_load(options.page_rows, options.seconds, options.connections, work)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
