#!/usr/bin/env bash
# Every test: set up, then the generated laws are in sync with their notebooks, the
# unit tests, the notebook pairs, the site build (tests/), and nbval re-running every
# notebook and comparing its outputs with the committed ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/scalinglaws export --check
.venv/bin/python -m pytest tests notebooks \
  --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider "$@"
