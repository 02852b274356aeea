"""The U-shape law: its joint fit, its one-benchmark fit, and the recovery decision."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from scalinglaws import data, decide, fitting
from scalinglaws.laws import u_shape


def quietly(group):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return u_shape.recovery(group)


def test_score_never_above_zero_and_recovers_past_the_bottom():
    grid = {"log_flops": np.linspace(-0.9, 3.5, 400)}
    for group, constants in u_shape.PARAMS.items():
        score = u_shape.predict(grid, constants)
        assert np.all(np.isfinite(score)) and score.max() < 0 and score.min() > -2, group
        bottom = quietly(group)["bottom_log_flops"]
        past = score[grid["log_flops"] >= max(bottom, 0.5)]  # the transient is gone beyond ~0.5
        assert np.all(np.diff(past) >= -1e-12), group


def test_alpha_and_w_are_shared():
    shared = {(c[1], c[4]) for c in u_shape.PARAMS.values()}
    assert len(shared) == 1
    (alpha, w), = shared
    assert 1.0 <= alpha <= 10.0 and w > 0


def test_analytic_jacobian_matches_finite_differences():
    table = data.load("u_shape")
    groups = list(dict.fromkeys(table.group))
    first = u_shape.PARAMS[groups[0]]
    theta = np.r_[first[1], first[4], np.concatenate([np.array(u_shape.PARAMS[g])[[0, 2, 3]] for g in groups])]
    inputs = {"log_flops": table.log_flops.to_numpy()}

    def residuals(t):
        own = t[2:].reshape(len(groups), 3)
        code = table.group.map({g: i for i, g in enumerate(groups)}).to_numpy()
        constants = [own[code, 0], t[0], own[code, 1], own[code, 2], t[1]]
        return u_shape.predict(inputs, constants) - table.brier_score.to_numpy()

    numeric = optimize.approx_fprime(theta, residuals, 1e-7)
    np.testing.assert_allclose(u_shape._jacobian(table)(theta), numeric, atol=2e-5)


def test_one_benchmark_alone_keeps_the_shared_constants():
    table = data.load("u_shape")
    mmlu = table[table.group == "mmlu"]
    alone = u_shape.fit(mmlu)["mmlu"]
    assert alone[1] == u_shape.PARAMS["mmlu"][1] and alone[4] == u_shape.PARAMS["mmlu"][4]
    np.testing.assert_allclose(alone, u_shape.PARAMS["mmlu"], atol=1e-4)
    evaluator = u_shape.fit_scaling_law(mmlu[["log_flops"]].to_numpy(), mmlu.brier_score.to_numpy())
    np.testing.assert_allclose(evaluator, alone, atol=1e-12)


def test_refit_is_deterministic():
    table = data.load("u_shape")
    half = table.groupby("group", sort=False).head(20)
    assert u_shape.fit(half) == u_shape.fit(half)


def test_recovery_of_a_benchmark_still_in_its_dip():
    with pytest.warns(decide.ExtrapolationWarning) as caught:
        result = u_shape.recovery("mmlu")
    assert any("mmlu's training range" in str(w.message) for w in caught)
    json.dumps(result, allow_nan=False)  # plain JSON
    assert result["recovers"] is True
    bottom, half = result["bottom_log_flops"], result["half_recovery_log_flops"]
    assert 1.43 < bottom < half  # beyond mmlu's last training model (1.43)
    w = u_shape.PARAMS["mmlu"][4]
    assert half - bottom == pytest.approx(np.sqrt(np.log(2) / w))
    assert result["bottom_flops"] == pytest.approx(1e21 * 10**bottom)
    # The bottom is the worst score of the dip, and the score rises after it.
    around = u_shape.predict({"log_flops": [bottom - 0.2, bottom, bottom + 0.2]}, u_shape.PARAMS["mmlu"])
    assert around[1] < around[0] and around[1] < around[2]
    assert result["bottom_brier_score"] < result["half_recovery_brier_score"] < 0
    assert "still sinking" in result["statement"]
    assert any("outside the training range" in note for note in result["warnings"])
    assert any("mmlu's training range" in note for note in result["warnings"])


def test_recovery_of_a_benchmark_already_recovering():
    result = quietly("abstract_narrative_understanding")
    assert result["bottom_log_flops"] < -0.9
    assert "already recovering" in result["statement"]


def test_no_recovery_when_the_curvature_is_zero(monkeypatch):
    flat = list(u_shape.PARAMS["mmlu"])
    flat[4] = 0.0
    monkeypatch.setitem(u_shape.PARAMS, "mmlu", flat)
    result = u_shape.recovery("mmlu")
    assert result["recovers"] is False
    assert result["bottom_log_flops"] is None and result["half_recovery_flops"] is None
    assert result["statement"].startswith("no recovery")
    json.dumps(result, allow_nan=False)


@pytest.mark.parametrize("group", ["no-such-benchmark", 3, None])
def test_unknown_group_is_refused(group):
    with pytest.raises(data.InputError, match="mmlu"):
        u_shape.recovery(group)


def test_user_table_without_groups_fits_one_benchmark():
    import scalinglaws

    table = data.load("u_shape")
    runs = table.loc[table.group == "parsinlu_qa_mc", ["log_flops", "brier_score"]]
    own = scalinglaws.fit("u_shape", runs, bootstrap=0)
    np.testing.assert_allclose(own.constants["all_data"], u_shape.PARAMS["parsinlu_qa_mc"], atol=1e-4)
    assert isinstance(own.predict(pd.DataFrame({"log_flops": [3.0]})), np.ndarray)
    assert fitting.predict_table(u_shape.predict, table, u_shape.PARAMS, "u_shape").max() < 0
