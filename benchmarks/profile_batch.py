"""Where one `followup-ics batch --jobs 1` spends its time: cProfile's top entries and the share of each layer.

    .venv/bin/python benchmarks/profile_batch.py [--rows 5000] [--top 25]

Runs the batch in this process under cProfile on benchmarks/batch.py's synthetic CSV, then prints the
functions with the most time of their own and, from cumulative times, the share of the whole run taken by
reading and validating the CSV, planning, wording, writing the bytes, and files (probes, writes, renames,
sync). cProfile slows small Python calls more than C ones, so the shares lean towards Python-heavy code;
compare runs of this script with each other, and take absolute speed from benchmarks/batch.py.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch import STAMP_EPOCH, make_csv

# (layer, file ending, function): cumulative times; a function missing from the run counts zero.
LAYERS = [
    ("read + validate CSV", "edges/spreadsheet.py", "_rows"),
    ("read + validate CSV", "app/roster.py", "identify"),
    ("planner", "core/search.py", "plan_round"),
    ("planner", "core/search.py", "plan_stream"),
    ("planner", "core/search.py", "place"),
    ("wording", "wording/texts.py", "word_plan"),
    ("wording", "wording/texts.py", "word_stream"),
    ("writer", "ical/writer.py", "draft"),
    ("files", "edges/files.py", "write_new"),
    ("files", "edges/batch.py", "_write_combined"),
    ("files", "edges/batch.py", "_sync"),
    ("files", "edges/folder.py", "place_fresh"),
]


def layer_shares(stats: pstats.Stats) -> dict[str, float]:
    total = max(entry[3] for entry in stats.stats.values())  # type: ignore[attr-defined]
    shares: dict[str, float] = {}
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for layer, ending, name in LAYERS:
            if function == name and filename.endswith(ending):
                shares[layer] = shares.get(layer, 0.0) + cumulative / total
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="also write the raw profile here (for snakeviz etc.)")
    options = parser.parse_args()
    from followup_ics.cli import cli

    work = Path(tempfile.mkdtemp(prefix="followup-profile-"))
    try:
        source = work / "rows.csv"
        make_csv(source, options.rows)
        os.environ["SOURCE_DATE_EPOCH"] = STAMP_EPOCH
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            cli.main(["batch", str(source), "-o", str(work / "out"), "-q", "--tz", "UTC", "--jobs", "1"],
                     standalone_mode=False)
        finally:
            profiler.disable()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if options.save:
        profiler.dump_stats(options.save)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(options.top)
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:20_000])
    print(f"\nshare of the whole run ({options.rows:,} rows, cumulative, cProfile):")
    shares = layer_shares(stats)
    for layer, share in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {layer:22} {share:6.1%}")
    print(f"  {'rest':22} {1 - sum(shares.values()):6.1%}")


if __name__ == "__main__":
    main()
