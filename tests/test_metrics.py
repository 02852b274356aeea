"""SLDBench's metrics against hand-computed values."""

import numpy as np
import pytest

from scalinglaws import metrics


def test_single_target_by_hand():
    y = [1.0, 2.0, 3.0, 4.0]  # mean 2.5, population variance 1.25, mean |y - mean| = 1.0
    yhat = [1.0, 2.0, 3.0, 5.0]  # squared errors 0, 0, 0, 1 -> mse 0.25; abs errors -> mae 0.25
    assert metrics.nmse(y, yhat) == pytest.approx(0.25 / 1.25)
    assert metrics.nmae(y, yhat) == pytest.approx(0.25 / 1.0)
    assert metrics.r2(y, yhat) == pytest.approx(1 - 0.2)


def test_perfect_and_mean_predictions():
    y = np.array([3.0, 1.0, 2.0])
    assert metrics.r2(y, y) == 1.0
    assert metrics.r2(y, np.full(3, y.mean())) == pytest.approx(0.0)


def test_multi_target_averages_nmse_over_targets():
    y = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    yhat = y.copy()
    yhat[3, 0] = 5.0  # first target: NMSE 0.2 (as above); second: perfect
    assert metrics.nmse(y, yhat) == pytest.approx(0.1)
    assert metrics.r2(y, yhat) == pytest.approx(0.9)
    # NMAE: first target 0.25 / 1.0, second 0 -> mean 0.125
    assert metrics.nmae(y, yhat) == pytest.approx(0.125)


def test_scale_of_each_target_is_its_own():
    # The same relative error on a target with a 100x larger spread gives the same NMSE.
    y = np.array([[1.0, 100.0], [2.0, 200.0], [3.0, 300.0]])
    yhat = y * np.array([1.0, 1.0]) + np.array([[0.1, 10.0], [0.0, 0.0], [0.0, 0.0]])
    assert metrics.nmse(y[:, :1], yhat[:, :1]) == pytest.approx(metrics.nmse(y[:, 1:], yhat[:, 1:]))


def test_shape_mismatch_and_too_few_rows_are_errors():
    with pytest.raises(ValueError, match="shape"):
        metrics.r2([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="two rows"):
        metrics.r2([1.0], [1.0])


def test_scores_bundles_all_three():
    y, yhat = [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0]
    assert metrics.scores(y, yhat) == {
        "r2": metrics.r2(y, yhat),
        "nmse": metrics.nmse(y, yhat),
        "nmae": metrics.nmae(y, yhat),
    }
