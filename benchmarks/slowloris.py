"""Slow clients against `followup-ics serve`: can a normal client still get its feed?

    .venv/bin/python benchmarks/slowloris.py [--connections 500] [--seconds 15]

Starts `followup-ics serve` on 127.0.0.1, opens --connections sockets that each send a request line and then
one header byte a second (slowloris: never idle, never finished), and meanwhile times a normal client
fetching a feed every half second, each on a new connection. It prints how many slow connections the server
accepted and kept, how many it cut off (a request must arrive whole within 10 s of its first byte), and the
normal client's latencies. Target (issue 11): with 500 such connections open, every normal request answered
within a second.
"""

from __future__ import annotations

import argparse
import http.client
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
from batch import make_csv
from feeds import Log, free_port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=15.0)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="followup-slowloris-"))
    source = work / "interviews.csv"
    make_csv(source, 20)
    port = free_port()
    cli = str(Path(sys.executable).parent / "followup-ics")
    process = subprocess.Popen([cli, "serve", str(source), "--port", str(port), "--tz", "UTC"],
                               stderr=subprocess.PIPE, text=True)
    log = Log(process)
    slow: list[socket.socket] = []
    try:
        log.wait_for(r"^Ctrl-C to stop", 0, 60)
        token = log.wait_for(r"^Page: ", 0, 1)[1].rstrip("/").rsplit("/", 1)[1]
        refused = 0
        for _ in range(options.connections):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=2)
                sock.sendall(b"GET / HTTP/1.1\r\n")
                slow.append(sock)
            except OSError:
                refused += 1
        stop = threading.Event()
        cut = 0

        def trickle() -> None:
            nonlocal cut
            while not stop.wait(1.0):
                for sock in list(slow):
                    try:
                        sock.sendall(b"X")
                    except OSError:
                        slow.remove(sock)
                        cut += 1

        trickler = threading.Thread(target=trickle)
        trickler.start()
        latencies: list[float] = []
        failures = 0
        deadline = time.monotonic() + options.seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", f"/{token}/all.ics")
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status != 200:
                    failures += 1
            except OSError:
                failures += 1
            latencies.append(time.perf_counter() - started)
            time.sleep(0.5)
        stop.set()
        trickler.join()
        latencies.sort()
        print(f"{options.connections} slow connections ({refused} refused at connect); over {options.seconds:g} s "
              f"the server cut off {cut} of them (request deadline 10 s)")
        print(f"normal client: {len(latencies)} requests, {failures} failed, max {latencies[-1] * 1000:.0f} ms, "
              f"median {latencies[len(latencies) // 2] * 1000:.0f} ms, "
              f"{sum(1 for latency in latencies if latency > 1.0)} over 1 s")
    finally:
        for sock in slow:
            sock.close()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
