"""The mutation score per module from mutmut's kept results, equivalent mutants set aside.

    .venv/bin/python benchmarks/mutation_score.py [--list survived]

Reads `mutmut results --all true` and benchmarks/mutation-equivalent.txt (one mutant name per line, then a
comment saying why no test can tell it from the original). Prints, per module: mutants, killed (timeouts count
as killed, as mutmut counts them), survived, without tests, not yet run, equivalent, and the score
killed / (mutants run - equivalent).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).with_name("mutation-equivalent.txt")
KILLED = {"killed", "timeout", "caught by type check"}


def equivalent() -> set[str]:
    names = set()
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.add(name)
    return names


def results() -> dict[str, str]:
    """mutant name -> status, as mutmut reports it."""
    mutmut = Path(sys.executable).with_name("mutmut")
    text = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout
    return {m[1]: m[2] for m in re.finditer(r"^\s*(\S+): (.+)$", text, re.M)}


def module(name: str) -> str:
    """'followup_ics.core.planner.x__steps__mutmut_3' -> 'core/planner.py'."""
    dotted = name.split(".x_", 1)[0].split(".xǁ", 1)[0]
    return dotted.removeprefix("followup_ics.").replace(".", "/") + ".py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", choices=["survived", "no tests", "not checked"], help="also list these mutants")
    options = parser.parse_args()
    found = results()
    same = equivalent()
    unknown = sorted(same - set(found))
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        row = by_module[module(name)]
        row["mutants"] += 1
        if name in same:
            row["equivalent"] += 1
            if status in KILLED:
                print(f"note: {name} is listed as equivalent but a test kills it", file=sys.stderr)
        elif status in KILLED:
            row["killed"] += 1
        else:
            row[status] += 1
    columns = ("mutants", "killed", "survived", "no tests", "not checked", "equivalent")
    print(f"{'module':26}" + "".join(f"{c:>13}" for c in columns) + f"{'score':>9}")
    total: Counter[str] = Counter()
    for name in sorted(by_module):
        row = by_module[name]
        total.update(row)
        print(f"{name:26}" + "".join(f"{row[c]:>13}" for c in columns) + _score(row))
    print(f"{'all':26}" + "".join(f"{total[c]:>13}" for c in columns) + _score(total))
    if unknown:
        print(f"note: {len(unknown)} listed equivalent mutants no longer exist: {', '.join(unknown[:5])}",
              file=sys.stderr)
    if options.list:
        for name, status in sorted(found.items()):
            if status == options.list and name not in same:
                print(f"{status}: {name}")


def _score(row: Counter[str]) -> str:
    """killed / (mutants run - equivalent); a mutant not yet run counts for nothing either way."""
    judged = row["mutants"] - row["equivalent"] - row["not checked"]
    return f"{row['killed'] / judged:>9.1%}" if judged else f"{'-':>9}"


if __name__ == "__main__":
    main()
