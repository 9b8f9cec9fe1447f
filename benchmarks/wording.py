"""Wording per interview: the compiled templates (texts.word_plan) against composing each text from messages.

    .venv/bin/python benchmarks/wording.py [--rows 2000] [--repeat 5] [--lang de]

Runs a `batch --jobs 1` of benchmarks/batch.py's synthetic CSV in this process to collect its plans (each row's
plan as word_plan receives it), then words them all, alternating: with word_plan (templates compiled per shape,
filled per row) and with texts.py's functions called directly, as word_plan did before compiled.py. Prints CPU
microseconds per interview, the best of ``--repeat`` rounds each (the first round compiles the templates).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from batch import STAMP_EPOCH, make_csv

from followup_ics.app import roster
from followup_ics.cli import cli
from followup_ics.core.records import Plan, Schedule, WordedStep
from followup_ics.edges import batch
from followup_ics.wording import texts
from followup_ics.wording.language import Language, language


def collect(rows: int) -> list[tuple[Plan, Language, str]]:
    """Each row's plan, language and signing name, as a batch hands them to word_plan."""
    plans: list[tuple[Plan, Language, str]] = []
    real = texts.word_plan

    def keep(plan: Plan, lang: Language | None = None, me: str = "") -> Schedule:
        plans.append((plan, lang or language("en"), me))
        return real(plan, lang, me)

    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "rows.csv"
        make_csv(csv, rows)
        os.environ["SOURCE_DATE_EPOCH"] = STAMP_EPOCH
        roster.word_plan = batch.word_plan = keep  # type: ignore[assignment]
        try:
            cli.main(["batch", str(csv), "-o", str(Path(folder) / "out"), "-q", "--jobs", "1"],
                     standalone_mode=False)
        finally:
            roster.word_plan = batch.word_plan = real  # type: ignore[assignment]
    return plans


def composed(plan: Plan, lang: Language, me: str) -> Schedule:
    """word_plan as it was before the templates: every text composed from messages by texts.py."""
    words = texts.Words(lang, " ".join(me.split()), {})
    interview = plan.interview
    facts = texts.details(interview, lang)
    categories = texts.follow_up_categories(lang)
    worded = []
    for step in plan.steps:
        summary, description, alarm = texts._TEXTS[step.step_id](interview, step, facts, words)
        if step.step_id == "interview":
            worded.append(WordedStep(step, summary, description, alarm, interview.location, interview.url,
                                     texts.interview_categories(lang)))
        else:
            worded.append(WordedStep(step, summary, description, alarm, categories=categories))
    return Schedule(interview, tuple(worded), plan.notices, texts.calendar_name(interview, lang))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lang", default="", help="word every plan in this language instead of its own")
    args = parser.parse_args()
    plans = collect(args.rows)
    if args.lang:
        plans = [(plan, language(args.lang), me) for plan, _, me in plans]
    best: dict[str, float] = {}
    ways: dict[str, Any] = {"templates": texts.word_plan, "composed": composed}
    for _ in range(args.repeat):
        for name, word in ways.items():
            started = time.process_time()
            for plan, lang, me in plans:
                word(plan, lang, me)
            spent = (time.process_time() - started) / len(plans) * 1e6
            best[name] = min(best.get(name, spent), spent)
    print(f"{len(plans):,} interviews, best of {args.repeat} rounds, CPU µs per interview:")
    for name, spent in best.items():
        print(f"  {name:<10} {spent:7.1f}")
    print(f"  ratio      {best['composed'] / best['templates']:7.2f}x")


if __name__ == "__main__":
    main()
