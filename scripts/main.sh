#!/usr/bin/env bash
# The main job: set up, export the laws from the notebooks, execute every notebook
# (each stores its fitted constants), and build the site into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/scalinglaws export
# Figures' text is checked for collisions (tools/figure_check.py): by default a collision fails the
# notebook that draws it (FIGURE_CHECK=report only lists them, FIGURE_CHECK=off skips the check).
FIGURE_CHECK=${FIGURE_CHECK:-fail} .venv/bin/python tools/run_notebooks.py
.venv/bin/scalinglaws export --check
.venv/bin/mkdocs build --strict --site-dir site
echo "site built in site/ (open site/index.html)"
