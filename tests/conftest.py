"""Shared fixtures: the repository root and a tiny task folder for loader tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# One BLAS thread, as when the notebooks stored their constants (tools/run_notebooks.py):
# set before numpy loads here and inherited by nbval's kernels.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """nbval compares an output with the committed one up to the last printed digit of its
    numbers: another CPU's kernels move the last bits of a fit, and a number printed at
    four digits may round the other way there. Words, and numbers that differ by more than
    one unit in their last digit, still fail."""
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return
    from scalinglaws.export import align_outputs

    original = IPyNbCell.compare_outputs
    if getattr(original, "aligned", False):
        return

    def compare_outputs(self, test, ref, skip_compare=None):
        return original(self, align_outputs(test, ref, self.sanitize), ref, skip_compare)

    compare_outputs.aligned = True
    IPyNbCell.compare_outputs = compare_outputs


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def parallel_folder(tmp_path: Path) -> Path:
    """A data folder holding a three-row parallel_scaling_law/train.csv."""
    folder = tmp_path / "tables" / "parallel_scaling_law"
    folder.mkdir(parents=True)
    (folder / "train.csv").write_text(
        "group,num_params,parallel_size,loss\n"
        "pile,1e9,1,2.0\npile,2e9,2,1.9\nstack,1e9,4,1.1\n",
        encoding="utf-8",
    )
    return tmp_path / "tables"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built once per session with ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site
