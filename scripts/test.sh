#!/usr/bin/env bash
# Every test: set up, then the generated laws are in sync with their notebooks, the
# unit tests, the notebook pairs, the site build (tests/), and nbval re-running every
# notebook and comparing its outputs with the committed ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
# nbval's kernels show figures through tools/figure_check.py, which checks their text for
# collisions: a collision fails the notebook (FIGURE_CHECK=report lists them in
# test-artifacts/figure-check.txt instead).
export MPLBACKEND=module://figure_check FIGURE_CHECK=${FIGURE_CHECK:-fail}
export PYTHONPATH="$PWD/tools${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p test-artifacts
export FIGURE_CHECK_REPORT="$PWD/test-artifacts/figure-check.txt"
rm -f "$FIGURE_CHECK_REPORT"
.venv/bin/scalinglaws export --check
status=0
.venv/bin/python -m pytest tests notebooks \
  --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider "$@" || status=$?
if [ -s "$FIGURE_CHECK_REPORT" ]; then
  echo "figure check: $(wc -l < "$FIGURE_CHECK_REPORT") text collision(s) in the notebooks' figures: $FIGURE_CHECK_REPORT"
fi
exit $status
