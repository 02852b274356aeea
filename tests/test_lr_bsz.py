"""The lr_bsz law's decision: the optimal learning rate and batch size, and the basin around them."""

import json

import numpy as np
import pytest
from scipy import optimize

from scalinglaws import data, decide
from scalinglaws.laws import lr_bsz


def _loss(N, D, lr, bsz):
    lr, bsz = np.broadcast_arrays(np.asarray(lr, dtype=float), np.asarray(bsz, dtype=float))
    inputs = {"lr": lr.ravel(), "bsz": bsz.ravel(), "data_size": np.full(lr.size, float(D)),
              "non_embedding_param_size": np.full(lr.size, float(N))}
    return lr_bsz.predict(inputs, lr_bsz.PARAMS["all_data"]).reshape(lr.shape)


def test_optimum_is_the_minimum_of_the_law():
    N, D = 5e8, 3e10
    choice = lr_bsz.optimum(N, D)
    assert not choice["warnings"]
    assert float(_loss(N, D, choice["lr"], choice["bsz"])) == pytest.approx(choice["lm_loss"], rel=1e-12)
    lr, bsz = np.meshgrid(choice["lr"] * np.geomspace(0.5, 2, 41), choice["bsz"] * np.geomspace(0.5, 2, 41))
    assert _loss(N, D, lr, bsz).min() >= choice["lm_loss"] - 1e-12


def test_closed_form_agrees_with_a_numerical_search():
    N, D = 1.07e9, 1e11
    choice = lr_bsz.optimum(N, D)
    found = optimize.minimize(lambda z: float(_loss(N, D, np.exp(z[0]), np.exp(z[1]))), [np.log(1e-2), np.log(64)],
                              method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
    assert np.exp(found.x[0]) == pytest.approx(choice["lr"], rel=1e-4)
    assert np.exp(found.x[1]) == pytest.approx(choice["bsz"], rel=1e-4)


@pytest.mark.parametrize("tolerance", [0.005, 0.02])
def test_basin_ends_lie_at_the_tolerance(tolerance):
    N, D = 1.07e9, 1e11
    choice = lr_bsz.optimum(N, D, tolerance=tolerance)
    target = (1 + tolerance) * choice["lm_loss"]
    (lr_low, lr_high), (bsz_low, bsz_high) = choice["lr_basin"], choice["bsz_basin"]
    assert lr_low < choice["lr"] < lr_high and bsz_low < choice["bsz"] < bsz_high
    bsz_grid = np.geomspace(bsz_low / 4, bsz_high * 4, 8001)
    lr_grid = np.geomspace(lr_low / 4, lr_high * 4, 8001)
    # At each end, the best value of the other input brings the loss exactly to the tolerance.
    for lr in (lr_low, lr_high):
        assert _loss(N, D, lr, bsz_grid).min() == pytest.approx(target, rel=1e-6)
    for bsz in (bsz_low, bsz_high):
        assert _loss(N, D, lr_grid, bsz).min() == pytest.approx(target, rel=1e-6)


def test_a_larger_tolerance_gives_a_wider_basin():
    narrow, wide = lr_bsz.optimum(5e8, 5e10, 0.005), lr_bsz.optimum(5e8, 5e10, 0.02)
    assert wide["lr_basin"][0] < narrow["lr_basin"][0] and wide["lr_basin"][1] > narrow["lr_basin"][1]
    assert wide["bsz_basin"][0] < narrow["bsz_basin"][0] and wide["bsz_basin"][1] > narrow["bsz_basin"][1]


def test_held_out_model_example_and_plain_json():
    choice = lr_bsz.optimum(1.07e9, 1e11)
    assert not choice["warnings"]
    assert 5e-4 < choice["lr"] < 3e-3 and 200 < choice["bsz"] < 1500 and 2.0 < choice["lm_loss"] < 2.15
    assert json.loads(json.dumps(choice)) == choice
    assert {"lr", "bsz", "lm_loss", "lr_basin", "bsz_basin", "warnings"} <= set(choice)


def test_optima_move_as_step_law_says():
    small, more_data, larger = lr_bsz.optimum(2.2e8, 1e10), lr_bsz.optimum(2.2e8, 8e10), lr_bsz.optimum(1e9, 1e10)
    assert more_data["bsz"] > 2 * small["bsz"] and more_data["lr"] > small["lr"]
    assert larger["lr"] < small["lr"] and larger["lm_loss"] < small["lm_loss"]
    # Step Law's batch size, in sequences of 2048 tokens, within 15% inside the training range.
    for N, D in [(2.2e8, 4e9), (5e8, 5e10), (1.07e9, 1e11)]:
        assert lr_bsz.optimum(N, D)["bsz"] == pytest.approx(0.58 * D**0.571 / 2048, rel=0.15)


def test_extrapolation_is_reported():
    with pytest.warns(decide.ExtrapolationWarning) as record:
        choice = lr_bsz.optimum(7e9, 1e12)
    emitted = [str(w.message) for w in record]
    for name in ("non_embedding_param_size", "data_size"):
        assert any(name in message for message in emitted)
        assert any(name in message for message in choice["warnings"])


@pytest.mark.parametrize("args", [
    (0, 1e10), (1e9, -1.0), (1e9, "many"), (float("nan"), 1e10), (True, 1e10), (1e9, 1e10, 0.0), (1e9, 1e10, -0.1),
])
def test_impossible_requests_are_refused(args):
    with pytest.raises(data.InputError):
        lr_bsz.optimum(*args)
