"""The check that fails on colliding text in a figure (tools/figure_check.py), on a figure
made to collide and on a clean one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg", force=True)  # this process draws; the backend module is tested in a child

import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import figure_check  # noqa: E402


def _colliding():
    fig, axes = plt.subplots(1, 2, figsize=(4, 2))
    for ax in axes:
        ax.set_title("a title far too long for half of this figure")
    axes[0].set_xscale("log")
    axes[0].set_xlim(1.5e9, 4.5e9)  # minor tick labels 2x10^9, 3x10^9, 4x10^9 side by side
    return fig


def _clean():
    fig, ax = plt.subplots(figsize=(5.8, 2.6), layout="constrained")
    ax.plot([1, 2, 3], [3, 1, 2], label="runs")
    ax.set(title="A clean figure", xlabel="parameters", ylabel="loss")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


def test_colliding_titles_are_named_and_a_clean_figure_passes():
    fig = _colliding()
    problems = figure_check.overlaps(fig)
    assert any("title of axes 1 'a title far too long" in p and "overlaps title of axes 2" in p for p in problems)
    assert any("runs" in p and "past the figure's edge" in p for p in problems)
    plt.close(fig)
    fig = _clean()
    assert figure_check.overlaps(fig) == []
    plt.close(fig)


def test_a_legend_counts_as_one_box():
    fig, ax = plt.subplots(figsize=(5.8, 2.6))
    ax.plot([1, 2], [1, 2], label="a")
    ax.set_title("legend on the title")
    ax.legend(loc="center", bbox_to_anchor=(0.5, 1.04))
    problems = figure_check.overlaps(fig)
    plt.close(fig)
    assert any(p.startswith("title of axes 1 'legend on the title' overlaps legend of axes 1 (a)") for p in problems)


SCRIPT = """
import matplotlib.pyplot as plt
fig, axes = plt.subplots(1, 2, figsize=(4, 2))
for ax in axes:
    ax.set_title("a title far too long for half of this figure")
plt.show()
"""


@pytest.mark.parametrize("mode", ["report", "fail", "off"])
def test_the_backend_reports_or_fails_as_the_environment_says(tmp_path, mode):
    report = tmp_path / "report.txt"
    env = {**os.environ, "MPLBACKEND": "module://figure_check", "FIGURE_CHECK": mode,
           "FIGURE_CHECK_REPORT": str(report), "FIGURE_CHECK_NOTEBOOK": "notebooks/toy.ipynb",
           "PYTHONPATH": str(ROOT / "tools")}
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True)
    if mode == "fail":
        assert result.returncode != 0 and "FigureTextOverlap: text collides in notebooks/toy.ipynb, figure 1" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
    lines = report.read_text().splitlines() if report.exists() else []
    if mode == "report":
        assert lines and lines[0].startswith("notebooks/toy.ipynb, figure 1 ('a title far too long")
        assert "figure check: notebooks/toy.ipynb" in result.stderr
    else:
        assert lines == []


def test_a_suptitle_is_checked_once_not_against_itself():
    fig, ax = plt.subplots(figsize=(5.8, 2.6), layout="constrained")
    fig.suptitle("A suptitle")
    ax.set_title("and a title")
    assert figure_check.overlaps(fig) == []
    plt.close(fig)


def test_log_tick_labels_are_named_as_read():
    assert figure_check._label(r"$\mathdefault{2\times10^{9}}$") == "2×10^9"
    assert figure_check._label(r"$\mathdefault{10^{1}}$") == "10^1"
