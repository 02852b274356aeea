"""Execute the notebooks: the main job's core step.

For each ``notebooks/<name>.py`` (the source), build its notebook with jupytext, run it
top to bottom in a fresh kernel of this environment (the notebook stores its fitted
constants in ``src/scalinglaws/laws/<name>.json`` as it runs), and write the executed
``notebooks/<name>.ipynb`` with its outputs, which nbval later compares against.

    python tools/run_notebooks.py            # every notebook
    python tools/run_notebooks.py parallel   # some of them

Every figure a notebook shows is checked for colliding text (``tools/figure_check.py``):
``FIGURE_CHECK=report`` (the default here) lists the collisions after each notebook,
``FIGURE_CHECK=fail`` makes a notebook with one fail, ``FIGURE_CHECK=off`` skips the check.
The kernels talk to this process over local (IPC) sockets, not TCP.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent

# One BLAS thread in the kernels, as in the tests: the stored constants must be exactly
# what a test run's fit finds, and threaded reductions may differ in the last bit (threads
# also only slow down the many tiny least-squares problems of a fit).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

# Figures are shown by the inline backend through tools/figure_check.py, which checks their
# text first; the kernels inherit this environment.
os.environ.setdefault("MPLBACKEND", "module://figure_check")
os.environ.setdefault("FIGURE_CHECK", "report")
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TOOLS), os.environ.get("PYTHONPATH")]))

import jupytext
import nbformat
from nbclient import NotebookClient

from scalinglaws.export import notebooks_agree
from scalinglaws.report import ipc_kernel_manager

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


_SOCKETS = tempfile.TemporaryDirectory(prefix="scalinglaws-kernels-")


#: Kernels over IPC sockets in that folder (the package's report runs its kernels the same way).
LocalKernelManager = ipc_kernel_manager(_SOCKETS.name)


def order(paths: list[Path]) -> list[Path]:
    # The overview reads what the law notebooks store, so it runs last; the validation page
    # uses the laws' pools, so it runs after them.
    return sorted(paths, key=lambda p: (p.stem == "index", p.stem == "validation", p.stem))


def execute(source: Path) -> float:
    notebook = jupytext.read(source)
    # Stable ids (jupytext draws random ones) and no timing metadata: re-running an
    # unchanged notebook must leave its .ipynb unchanged, or every run churns the diff.
    for number, cell in enumerate(notebook.cells, start=1):
        cell["id"] = f"cell-{number}"
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    started = time.perf_counter()
    os.environ["FIGURE_CHECK_NOTEBOOK"] = source.relative_to(ROOT).with_suffix(".ipynb").as_posix()
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", record_timing=False,
        kernel_manager_class=LocalKernelManager, resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    elapsed = time.perf_counter() - started
    nbformat.validate(notebook)
    target = source.with_suffix(".ipynb")
    if target.is_file() and notebooks_agree(notebook, nbformat.read(target, as_version=4)):
        # Same cells, same outputs up to the last printed digit: keep the committed file, so
        # that a re-run on another CPU leaves `git status` clean.
        return elapsed
    jupytext.write(notebook, target, fmt="ipynb")
    return elapsed


def main(names: list[str]) -> int:
    sources = [NOTEBOOKS / f"{n}.py" for n in names] if names else list(NOTEBOOKS.glob("*.py"))
    report = Path(_SOCKETS.name) / "figure-check.txt"
    os.environ.setdefault("FIGURE_CHECK_REPORT", str(report))
    report = Path(os.environ["FIGURE_CHECK_REPORT"])
    for source in order(sources):
        if not source.is_file():
            print(f"no notebook {source.relative_to(ROOT)}", file=sys.stderr)
            return 1
        seen = report.read_text(encoding="utf-8").splitlines() if report.is_file() else []
        elapsed = execute(source)
        print(f"executed {source.relative_to(ROOT).with_suffix('.ipynb')} in {elapsed:.1f} s")
        found = report.read_text(encoding="utf-8").splitlines()[len(seen):] if report.is_file() else []
        for line in found:  # collisions of text in the notebook's figures (FIGURE_CHECK=report)
            print(f"  figure check: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
