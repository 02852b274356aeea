"""The vocabulary law's decision: the closed-form optimal vocabulary."""

import numpy as np
import pytest

from scalinglaws import data, decide
from scalinglaws.laws import vocab


def test_optimum_is_a_minimum_of_the_law():
    choice = vocab.optimal_vocab(3.16e8, 3.5e10)
    assert not choice["warnings"]
    grid = np.geomspace(choice["vocab_size"] / 3, choice["vocab_size"] * 3, 201)
    losses = vocab.predict({"non_vocab_parameters": np.full(201, 3.16e8), "vocab_size": grid,
                            "num_characters": np.full(201, 3.5e10)}, vocab.PARAMS["all_data"])
    assert abs(np.log(grid[np.argmin(losses)] / choice["vocab_size"])) < 0.02
    assert choice["cost_of_half"] > 0 and choice["cost_of_double"] > 0


def test_larger_budgets_want_larger_vocabularies():
    small = vocab.optimal_vocab(8.5e7, 1e10)["vocab_size"]
    large = vocab.optimal_vocab(1.1e9, 1.6e11)["vocab_size"]
    assert large > 3 * small


def test_extrapolation_is_reported():
    with pytest.warns(decide.ExtrapolationWarning, match="non_vocab_parameters"):
        choice = vocab.optimal_vocab(7e10, 1e12)
    assert any("non_vocab_parameters" in w for w in choice["warnings"])


@pytest.mark.parametrize("args", [(0, 1e10), (1e9, -1.0), (1e9, "many"), (float("nan"), 1e10)])
def test_impossible_requests_are_refused(args):
    with pytest.raises(data.InputError):
        vocab.optimal_vocab(*args)
