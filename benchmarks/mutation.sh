#!/bin/sh
# The mutation run over the core modules (issue 9): slow (an hour or more on two cores), never in CI.
#
#   .venv/bin/pip install -e ".[test,mutation]"
#   benchmarks/mutation.sh                  # every mutant not yet run (results are kept in mutants/)
#   benchmarks/mutation.sh 'followup_ics.core.planner.*'   # (re)run the mutants matching a pattern
#   rm -rf mutants/                         # start afresh, e.g. after changing the product code
#
# Modules and options are in pyproject.toml, [tool.mutmut]. The script ends by printing the score per module,
# killed / (mutants - equivalent ones), with the equivalent mutants read from benchmarks/mutation-equivalent.txt.
# A re-run after new tests: mutmut keeps every result, so name the survivors to run them again:
#   benchmarks/mutation.sh $(.venv/bin/mutmut results | sed -n 's/^ *\([^:]*\): survived$/\1/p')
set -eu
cd "$(dirname "$0")/.."
HYPOTHESIS_PROFILE=ci nice -n 15 .venv/bin/mutmut run --max-children "${MUTMUT_CHILDREN:-2}" "$@" || true
.venv/bin/python benchmarks/mutation_score.py
