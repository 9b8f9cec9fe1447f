"""Start-up cost of the CLI against the bare imports it cannot avoid, measured in the same run.

    .venv/bin/python benchmarks/startup.py [--runs 30]

Prints, for each pair, the median wall time of each command and their ratio:
- `followup-ics --help` against `python -c "import click"` (target at most 1.3x)
- one `followup-ics generate` against `python -c "import click, dateutil.parser, pytz"` (target at most
  1.3x): generate writes its calendar without icalendar, so the floor is the imports it does need
- the same in German (`--lang de`) against the same imports plus `babel.dates` (target at most 1.35x)
Runs alternate between the two commands so that machine noise hits both alike. Measure from a regular
install: an editable one (`pip install -e`) adds setuptools' import hook, about 10 ms, to every start.

A plan in a country reads what python-holidays answered from the cache folder (app/holidaycache.py); the
runs use a cache folder of their own, filled by the warm-up run, as every run after a user's first is. A
last line shows that first run (nothing kept: the library is imported and asked), for information.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "followup-ics")
PY = sys.executable
GENERATE = [CLI, "generate", "--company", "Acme Corp", "--date", "2026-12-01 14:00", "--tz", "America/New_York",
            "--contact", "Bo Li <bo@acme.example>", "--reference", "Cy Park <cy@example.org>", "-o"]
PAIRS = [
    ("followup-ics --help", [CLI, "--help"], 'python -c "import click"', [PY, "-c", "import click"], 1.3),
    ("followup-ics generate", GENERATE, 'python -c "import click, dateutil.parser, pytz"',
     [PY, "-c", "import click, dateutil.parser, pytz"], 1.3),
    # Another language adds Babel and a catalog (compiled once, then read as .mo); English needs neither. Beyond
    # importing babel.dates, the locale's CLDR data costs about 15 ms of CPU and the catalog 2 ms: hence 1.35x.
    ("generate --lang de", [*GENERATE[:-1], "--lang", "de", "-o"],
     'python -c "import click, dateutil.parser, pytz, babel.dates"',
     [PY, "-c", "import click, dateutil.parser, pytz, babel.dates"], 1.35),
]


def _time(command: list[str], out: str, cache: str | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU is the kernel's user + system time of the child."""
    args = [*command, out] if command[-1] == "-o" else command
    env = {**os.environ, "XDG_CACHE_HOME": cache or os.path.join(Path(out).parent, "cache")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # From an empty folder: `python -c` looks for modules in the current folder first, a busy one slows it.
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(out).parent,
                   env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _editable() -> bool:
    found = subprocess.run([PY, "-c", "import followup_ics; print(followup_ics.__file__)"], check=True,
                           capture_output=True, text=True, cwd=tempfile.gettempdir()).stdout
    return "site-packages" not in found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    env_out = os.path.join(tempfile.mkdtemp(), "out.ics")
    print(f"{runs} runs each, alternated, medians of wall time (and of CPU time, less hit by other users of the "
          f"machine); Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if _editable():
        print("note: followup-ics is an editable install here; for user-facing figures run from a regular one:\n"
              "  python3 -m venv /tmp/v && /tmp/v/bin/pip install . && /tmp/v/bin/python benchmarks/startup.py")
    for name, ours, base_name, base, target in PAIRS:
        for command in (ours, base):  # warm the page cache and .pyc files
            _time(command, env_out)
        ours_times, base_times = [], []
        for _ in range(runs):
            ours_times.append(_time(ours, env_out))
            base_times.append(_time(base, env_out))
        mine, theirs = (statistics.median(t[0] for t in ours_times), statistics.median(t[0] for t in base_times))
        mine_cpu, theirs_cpu = (statistics.median(t[1] for t in ours_times),
                                statistics.median(t[1] for t in base_times))
        verdict = "ok" if mine / theirs <= target else "OVER TARGET"
        print(f"{name:22} {mine * 1000:6.1f} ms (CPU {mine_cpu * 1000:5.1f})   {base_name:50} "
              f"{theirs * 1000:6.1f} ms (CPU {theirs_cpu * 1000:5.1f})   ratio {mine / theirs:.2f}x "
              f"(CPU {mine_cpu / theirs_cpu:.2f}x; target <= {target}x, {verdict})")
    first = [_time(GENERATE, env_out, tempfile.mkdtemp(dir=Path(env_out).parent)) for _ in range(max(3, runs // 3))]
    wall, cpu = statistics.median(t[0] for t in first), statistics.median(t[1] for t in first)
    print(f"{'generate, first run':22} {wall * 1000:6.1f} ms (CPU {cpu * 1000:5.1f})   nothing kept in the cache "
          f"folder yet: python-holidays imported and asked (once per country, year and library version)")


if __name__ == "__main__":
    main()
