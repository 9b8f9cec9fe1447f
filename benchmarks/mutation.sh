#!/bin/sh
# The mutation run over the core modules (issue 9): slow (hours for the whole core on two cores), never in CI.
#
#   .venv/bin/pip install -e ".[test,mutation]"
#   benchmarks/mutation.sh                  # every core module, every mutant not yet run (results kept in mutants/)
#   benchmarks/mutation.sh followup_ics/ical/writer.py tests/test_writer.py tests/test_golden.py
#                                           # one module, mutants run against the test files named only
#   rm -rf mutants/                         # start afresh, e.g. after changing the product code
#
# Modules and options are in pyproject.toml, [tool.mutmut]. One module runs in a copy of the tree, under
# ${MUTATION_DIR:-/tmp/followup-ics-mutation}/<module>, whose pyproject.toml names only that module and those
# tests; run the same command again to go on where it stopped (mutmut keeps every result in the copy).
# The runs behind the figures of issue 9 (MUTMUT_SAMPLE=3 for tzrules and spreadsheet, none for writer and
# feeds, stopped when the time ran out, then MUTMUT_RERUN=1 after the tests that kill the survivors):
#   followup_ics/ical/tzrules.py      tests/test_tzrules.py tests/test_writer.py tests/test_conformance.py
#                                     --deselect tests/test_conformance.py::test_every_event_lands_at_the_intended_wall_clock_time
#   followup_ics/ical/writer.py       tests/test_writer.py tests/test_golden.py tests/test_objects.py
#                                     tests/test_feed_builds.py tests/test_cli.py
#   followup_ics/edges/spreadsheet.py tests/test_spreadsheet.py tests/test_csv_input.py
#   followup_ics/edges/feeds.py       tests/test_feeds.py tests/test_feed_builds.py
#                                     tests/test_serve_hardening.py::test_the_state_is_private
#                                     tests/test_serve_hardening.py::test_a_state_another_user_controls_is_refused
# Their scores (killed / (run - equivalent)); "run" is how many mutants ran, of all the module has:
#   module                mutants   run  killed  equivalent  survived   score
#   ical/tzrules.py           478   113      96          17         0  100.0%   every 3rd mutant
#   ical/writer.py            438   340     328          12         0  100.0%   98 not run (time)
#   edges/spreadsheet.py      439   120     107          12         1   99.1%   every 3rd; the survivor, below
#   edges/feeds.py           1017  1017     935          73         9   99.0%   every mutant
# spreadsheet's survivor (_rows__mutmut_27, the row a decode error falls back to) ran before the fix that finds a
# broken UTF-16 character's own row: the fallback now runs only when the file cannot be opened again by name.
# (That fix rewrote _bad_row, whose new mutants have not run: its tests were checked by breaking it by hand.)
# feeds' survivors: the search stream's span given from its 2nd week or to its last but one (_build 125-127:
# the time zone rules a year around it are the same), a chmod that fails (check_private 30: needs a read-only
# file system), the plan's now (write_build 52: every date taken from it is the first-seen date the state keeps),
# the index written in the locale's encoding (_Index.__init__ 7, 9: UTF-8 here), and _settled_form 23-24, killed
# since by tests/test_feeds.py::test_the_settings_digest_tells_apart_plan_files_that_differ_only_in_a_set_of_days
# (checked by hand; not re-run).
#
# Hypothesis runs its "mutation" profile (tests/conftest.py: 15 examples, derandomised); a survivor is run
# again under "ci" before it counts: MUTMUT_RERUN=1 re-runs that way the survivors not listed as equivalent.
# Give a re-run the same test arguments as the run: mutmut forgets the results of every mutant whose tests
# another selection changes (the feeds run lost its 843 kills that way once, and was run whole again).
# MUTMUT_SAMPLE=k runs every k-th mutant (by name) not yet run; the mutants must exist, so start the module once
# without it and stop it (Ctrl-C) once "Running mutation testing" shows: the test map it made is kept.
# MUTMUT_CHILDREN (default 1) is how many mutants run at once. The script ends by printing the score per
# module, killed / (mutants - equivalent ones), with the equivalent mutants read from
# benchmarks/mutation-equivalent.txt (one name per line, then why no test can tell it from the original).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.venv/bin"
if [ $# -gt 0 ]; then
    module=$1
    shift
    work="${MUTATION_DIR:-/tmp/followup-ics-mutation}/$(basename "$module" .py)"
    mkdir -p "$work"
    # The tree as committed plus the tests as they are now; mutants/ (the results) is left as it is.
    git ls-files | tar cf - -T - | (cd "$work" && tar xf -)
    cp -r tests "$work/"
    "$venv/python" - "$work/pyproject.toml" "$module" "$@" <<'PY'
import re, sys
from pathlib import Path
path, module, tests = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
text = re.sub(r"only_mutate = \[.*?\]", f'only_mutate = ["{module}"]', path.read_text(), flags=re.S)
if tests:
    listed = ", ".join(f'"{test}"' for test in tests)
    text = re.sub(r"pytest_add_cli_args_test_selection = \[.*?\n\]", f"pytest_add_cli_args_test_selection = [{listed}]",
                  text, flags=re.S)
path.write_text(text)
PY
    cd "$work"
fi
profile=mutation
names=""
if [ "${MUTMUT_RERUN:-}" = 1 ]; then
    profile=ci
    # the survivors (and those no test reached) not listed as equivalent
    listed=$(mktemp)
    sed 's/ *#.*//; /^$/d' "$root/benchmarks/mutation-equivalent.txt" > "$listed"
    names=$("$venv/mutmut" results | sed -n 's/^ *\([^:]*\): \(survived\|no tests\)$/\1/p' | grep -vxF -f "$listed" || true)
    rm -f "$listed"
elif [ -n "${MUTMUT_SAMPLE:-}" ]; then
    # Every k-th mutant by name and not yet run: a fair sample when the whole module would take too long.
    names=$("$venv/mutmut" results --all true | sed -n 's/^ *\([^:]*\): \(.*\)$/\1 \2/p' | sort |
            awk -v k="$MUTMUT_SAMPLE" 'NR % k == 1 && $2 == "not" {print $1}')
fi
# shellcheck disable=SC2086  # separate names
HYPOTHESIS_PROFILE=$profile nice -n 15 "$venv/mutmut" run --max-children "${MUTMUT_CHILDREN:-1}" $names || true
cp "$root/benchmarks/mutation-equivalent.txt" benchmarks/ 2>/dev/null || true
"$venv/python" benchmarks/mutation_score.py
