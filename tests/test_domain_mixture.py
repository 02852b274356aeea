"""The domain-mixture law: its shape, its shared constants, and the best-mixture decision."""

import json
import warnings

import numpy as np
import pytest

from scalinglaws import contract, data, decide
from scalinglaws.laws import domain_mixture as dm

SHARES = data.task("domain_mixture").input_names
LOSSES = data.task("domain_mixture").target_names
BOX = np.array([contract.load_training_range("domain_mixture")[name][1] for name in SHARES])


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return dm.optimal_mixture(*args, **kwargs)


def _mixtures(n, seed, upper=None):
    """Random mixtures on the simplex (within ``upper`` if given)."""
    p = np.random.default_rng(seed).dirichlet(np.full(5, 0.8), n)
    return p if upper is None else p[np.all(p <= upper, axis=1)]


def _objective(p, group, weights):
    return dm.predict({name: p[:, j] for j, name in enumerate(SHARES)}, dm.PARAMS[group]) @ weights


def test_names_and_shared_constants():
    assert len(dm.PARAM_NAMES) == 31 <= data.task("domain_mixture").max_constants_per_group
    assert dm.PARAM_NAMES[:11] == [f"c_{i}" for i in range(1, 6)] + [f"W_{i}" for i in range(1, 6)] + ["a"]
    assert dm.PARAM_NAMES[11:15] == ["u_1_2", "u_1_3", "u_1_4", "u_1_5"]
    shared = [dm.PARAM_NAMES.index("a")] + list(range(11, 31))
    constants = np.array(list(dm.PARAMS.values()))
    assert np.all(constants[:, shared] == constants[0, shared])  # a and u_ij repeated in every size
    assert 0 < constants[0, 10] < 1 and np.all(constants[:, 5:10] < 0)


def test_predict_shape_and_monotone_in_own_share():
    grid = np.linspace(0, 1, 41)
    for i in range(5):
        ray = np.tile((1 - grid)[:, None] / 4, (1, 5))
        ray[:, i] = grid
        losses = dm.predict({name: ray[:, j] for j, name in enumerate(SHARES)}, dm.PARAMS["410M"])
        assert losses.shape == (41, 5) and np.all(np.isfinite(losses))
        assert np.all(np.diff(losses[:, i]) < 0)


def test_larger_models_predict_lower_losses_inside_the_box():
    p = _mixtures(2000, seed=0, upper=BOX)
    X = {name: p[:, j] for j, name in enumerate(SHARES)}
    losses = np.stack([dm.predict(X, dm.PARAMS[g]) for g in ("70M", "160M", "305M", "410M")])
    assert np.all(np.diff(losses, axis=0) < 0)


def test_evaluator_fits_one_size_with_its_own_exponent():
    table = data.load("domain_mixture")
    rows = table[table.group == "160M"]
    constants = dm.fit_scaling_law(rows[SHARES].to_numpy(), rows[LOSSES].to_numpy())
    assert len(constants) == 31 and constants[10] != dm.PARAMS["160M"][10]
    prediction = dm.scaling_law_func(rows[SHARES].to_numpy(), constants)
    assert prediction.shape == (20, 5)
    assert np.sqrt(np.mean((prediction - rows[LOSSES].to_numpy()) ** 2)) < 0.02


@pytest.mark.parametrize("group", ["70M", "410M"])
def test_optimum_in_the_box_beats_every_mixture_in_the_box(group):
    choice = _quiet(group)
    p = np.array(list(choice["mixture"].values()))
    assert abs(p.sum() - 1) < 1e-12 and np.all(p >= 0) and np.all(p <= BOX + 1e-12)
    assert choice["weighted_loss"] == pytest.approx(np.mean(list(choice["losses"].values())), abs=1e-12)
    cloud = _mixtures(100_000, seed=1, upper=BOX)
    assert choice["weighted_loss"] <= _objective(cloud, group, np.full(5, 0.2)).min() + 1e-9
    assert choice["held_at_training_maximum"] == ["proportion_domain_3"]
    json.dumps(choice)  # plain JSON-able values


def test_optimum_on_the_whole_simplex_extrapolates_and_says_so():
    with pytest.warns(decide.ExtrapolationWarning, match="proportion_domain_3"):
        choice = dm.optimal_mixture("410M", within_training_range=False)
    assert any("proportion_domain_3" in note and "outside the training range" in note for note in choice["warnings"])
    cloud = _mixtures(100_000, seed=2)
    assert choice["weighted_loss"] <= _objective(cloud, "410M", np.full(5, 0.2)).min() + 1e-9
    assert choice["weighted_loss"] < _quiet("410M")["weighted_loss"]


def test_the_box_optimum_warns_that_the_law_wants_more_than_the_data_cover():
    with pytest.warns(decide.ExtrapolationWarning, match="whole simplex"):
        choice = dm.optimal_mixture("160M")
    assert len(choice["warnings"]) == 1 and "proportion_domain_3" in choice["warnings"][0]


@pytest.mark.parametrize("weights", [[0, 0, 1, 0, 0], [3, 1, 0, 0, 1], [1, 2, 3, 4, 5]])
def test_weighted_optima_beat_random_mixtures(weights):
    w = np.asarray(weights, dtype=float) / sum(weights)
    for within, upper, seed in [(True, BOX, 3), (False, None, 4)]:
        choice = _quiet("305M", weights=weights, within_training_range=within)
        p = np.array(list(choice["mixture"].values()))
        assert abs(p.sum() - 1) < 1e-12 and np.all(p >= 0)
        assert choice["weights"] == pytest.approx(list(w))
        cloud = _mixtures(100_000, seed=seed, upper=upper)
        assert choice["weighted_loss"] <= _objective(cloud, "305M", w).min() + 1e-9


def test_weights_only_scale():
    assert _quiet("70M", weights=[2, 2, 2, 2, 2])["mixture"] == _quiet("70M")["mixture"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weights": [0, 0, 0, 0, 0]}, "sum to a positive number"),
        ({"weights": [1, -1, 1, 1, 1]}, r"weights\[1\] \(domain 2\)"),
        ({"weights": [1, 1, 1, 1]}, "five numbers"),
        ({"weights": [1, 1, float("nan"), 1, 1]}, r"weights\[2\]"),
        ({"weights": [1, 1, "much", 1, 1]}, "expected a number"),
        ({"weights": "equal"}, "five numbers"),
        ({"within_training_range": "yes"}, "within_training_range"),
    ],
)
def test_impossible_requests_are_refused(kwargs, message):
    with pytest.raises(data.InputError, match=message):
        dm.optimal_mixture("410M", **kwargs)


def test_unknown_group_lists_the_sizes():
    with pytest.raises(data.InputError, match="70M, 160M, 305M, 410M"):
        dm.optimal_mixture("1B")
