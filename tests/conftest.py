"""Shared fixtures: the repository root and a tiny task folder for loader tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
