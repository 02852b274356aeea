"""The held-out scores measured after each release, as the site shows them."""

import pytest

from scalinglaws import data, scores


def test_every_sldbench_law_has_its_v1_and_v2_held_out_scores():
    sldbench = [t.module for t in data.TASKS.values() if t.benchmark is not None]
    assert sorted(scores.HELDOUT) == sorted(sldbench)
    assert all({"v1", "v2"} <= set(scores.HELDOUT[m]) for m in sldbench)
    assert scores.mean("v1") == pytest.approx(0.786, abs=5e-4)
    assert scores.mean("v2") == pytest.approx(0.8040, abs=5e-5)
    assert scores.mean("v3") is None


def test_published_forms_refitted_beside_their_entries_own_constants():
    assert scores.BASELINES["data_constrained"]["refit"] == 0.950
    assert scores.BASELINES["data_constrained"]["honest"] == pytest.approx(0.984, abs=5e-4)
    assert scores.BASELINES["u_shape"]["refit"] == 0.118 and scores.BASELINES["lr_bsz"]["refit"] == 0.828
    assert all("refit" in b and "refit_form" in b for b in scores.BASELINES.values())
    assert "TARGETS" not in scores.__all__  # an issue's wishes are no score of the package
