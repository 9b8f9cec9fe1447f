"""Peak memory of `batch` by number of rows: is it flat?

    .venv/bin/python benchmarks/batch_memory.py [--rows 1000 10000 100000] [--exe path/to/followup-ics] [--pool N]

For each size it makes benchmarks/batch.py's synthetic CSV and runs `batch -q --tz UTC` with `--jobs 1`
and with the default jobs, fresh (empty output folder) and again on the same output (a re-run), and prints
the peak resident size of the main process and of the whole process tree (sampled from /proc every 20 ms;
the main process's own high-water mark, VmHWM), with the growth in bytes per row from one size to the next.
A sum of resident sizes counts the pages a forked worker shares with the main process once in each;
"tree PSS" (proportional set size) counts them once in all: the memory the run really holds.
The default jobs are the idle cores: on a busy machine that is one process, so `--pool N` runs `--jobs N`
in their place to measure a pool of workers whatever the load.

`--heap` runs each size once more, `--jobs 1` under tracemalloc (several times slower), and prints the peak of
the Python objects the main process held, with its growth per row: whether what still grows with the rows
is Python objects (kept per row somewhere) or memory outside Python's heap (SQLite's page caches of the
temporary tables, each bounded; the allocator's pools).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch import STAMP_EPOCH, _tree_rss, make_csv
from feeds import tree_pss


def _hwm(pid: int) -> int:
    """The process's own peak resident size so far, in bytes (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(command: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """(peak of the main process, peak of the tree's RSS, peak of its PSS) in MB, and wall seconds."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": STAMP_EPOCH}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    main = tree = pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal main, tree, pss
        while not done.is_set():
            tree = max(tree, _tree_rss(process.pid))
            pss = max(pss, tree_pss(process.pid))
            main = max(main, _hwm(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command[:3])} failed with exit code {process.returncode}")
    return main / 2**20, tree / 2**20, pss / 2**20, time.perf_counter() - started


# Runs the CLI under tracemalloc and says its peak on stderr (the venv's own python: --exe's neighbour).
_HEAP = """
import sys, tracemalloc
tracemalloc.start()
from followup_ics.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="followup-ics", standalone_mode=False)
finally:
    sys.stderr.write(f"heap-peak {tracemalloc.get_traced_memory()[1]}\\n")
"""


def heap_peak(exe: str, source: Path, out: Path, cwd: Path) -> float:
    """The peak of the Python heap of a fresh `--jobs 1` run, in MB (tracemalloc)."""
    shutil.rmtree(out, ignore_errors=True)
    python = Path(exe).parent / "python"
    command = [str(python), "-c", _HEAP, "batch", str(source), "-q", "--tz", "UTC", "-o", str(out), "--jobs", "1"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "SOURCE_DATE_EPOCH": STAMP_EPOCH}, check=False)
    found = [line for line in done.stderr.splitlines() if line.startswith("heap-peak ")]
    if done.returncode or not found:
        raise SystemExit(f"the tracemalloc run failed: {done.stderr[-500:]}")
    return int(found[-1].split()[1]) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--exe", default=str(Path(sys.executable).parent / "followup-ics"))
    parser.add_argument("--no-rerun", action="store_true", help="fresh runs only")
    parser.add_argument("--pool", type=int, help="--jobs N in the place of the default jobs")
    parser.add_argument("--heap", action="store_true", help="also the Python heap's peak (tracemalloc, --jobs 1)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="followup-memory-"))
    print(f"batch memory, {options.exe}; peak resident MB (main process / whole tree), wall seconds")
    print(f"{'rows':>8} {'jobs':>8} {'run':>7} {'main':>8} {'tree':>8} {'tree PSS':>8} {'wall s':>8}")
    previous: dict[tuple[str, str], tuple[int, float, float]] = {}
    heap_before: tuple[int, float] | None = None
    try:
        for rows in options.rows:
            source = work / f"rows-{rows}.csv"
            make_csv(source, rows)
            pool = ["--jobs", str(options.pool)] if options.pool else []
            for jobs in (["--jobs", "1"], pool):
                out = work / "out"
                shutil.rmtree(out, ignore_errors=True)
                for run in ("fresh", "re-run")[: 1 if options.no_rerun else 2]:
                    command = [options.exe, "batch", str(source), "-q", "--tz", "UTC", "-o", str(out), *jobs]
                    main_mb, tree_mb, pss_mb, wall = measure(command, work)
                    label = jobs[1] if jobs else "default"
                    growth = ""
                    if (label, run) in previous:
                        before_rows, before_main, before_tree = previous[label, run]
                        per_row = 2**20 / (rows - before_rows)
                        growth = (f"  {(main_mb - before_main) * per_row:+.0f} B/row (main), "
                                  f"{(tree_mb - before_tree) * per_row:+.0f} B/row (tree)")
                    previous[label, run] = (rows, main_mb, tree_mb)
                    print(f"{rows:>8,} {label:>8} {run:>7} {main_mb:>8.1f} {tree_mb:>8.1f} {pss_mb:>8.1f} "
                          f"{wall:>8.1f}{growth}",
                          flush=True)
            if options.heap:
                heap = heap_peak(options.exe, source, work / "out", work)
                growth = ""
                if heap_before is not None:
                    growth = f"  {(heap - heap_before[1]) * 2**20 / (rows - heap_before[0]):+.0f} B/row"
                heap_before = (rows, heap)
                print(f"{rows:>8,} {'1':>8} {'heap':>7} {heap:>8.1f} (Python objects' peak, tracemalloc){growth}",
                      flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
