"""The vocabulary law: its decision (the optimal vocabulary) and the properties the notebook relies on."""

import json
import warnings

import numpy as np
import pytest

from scalinglaws import data, decide
from scalinglaws.laws import vocab


def _loss(size, vocab_sizes, characters):
    vocab_sizes = np.atleast_1d(np.asarray(vocab_sizes, dtype=float))
    count = vocab_sizes.size
    return vocab.predict({"non_vocab_parameters": np.full(count, size), "vocab_size": vocab_sizes,
                          "num_characters": np.full(count, characters)}, vocab.PARAMS["all_data"])


def test_optimum_is_the_minimum_of_the_law():
    choice = vocab.optimal_vocab(3.16e8, 3.5e10)
    assert not choice["warnings"]
    grid = np.geomspace(choice["vocab_size"] / 3, choice["vocab_size"] * 3, 2001)
    losses = _loss(3.16e8, grid, 3.5e10)
    assert abs(np.log(grid[np.argmin(losses)] / choice["vocab_size"])) < 0.002
    assert choice["unigram_normalized_loss"] == pytest.approx(losses.min(), abs=1e-9)
    assert choice["cost_of_half"] > 0 and choice["cost_of_double"] > 0


def test_the_basin_is_where_the_loss_is_within_tolerance():
    choice = vocab.optimal_vocab(6.3e8, 8e10, tolerance=0.02)
    assert choice["basin_low"] < choice["vocab_size"] < choice["basin_high"]
    edges = _loss(6.3e8, [choice["basin_low"], choice["basin_high"]], 8e10)
    np.testing.assert_allclose(edges, choice["unigram_normalized_loss"] + 0.02, atol=1e-8)
    narrower = vocab.optimal_vocab(6.3e8, 8e10, tolerance=0.005)
    assert choice["basin_low"] < narrower["basin_low"] and narrower["basin_high"] < choice["basin_high"]


def test_the_optimum_in_the_data_range_is_sane():
    # The study's 316M model at the end of its 4K run: the data's best trained vocabulary is 24576.
    choice = vocab.optimal_vocab(3.16e8, 3.53e10)
    assert 15000 < choice["vocab_size"] < 35000
    assert -5.0 < choice["unigram_normalized_loss"] < -4.7


def test_larger_budgets_want_larger_vocabularies():
    small = vocab.optimal_vocab(8.5e7, 1e10)["vocab_size"]
    with pytest.warns(decide.ExtrapolationWarning, match="vocab_size"):  # that optimum lies just beyond 64K
        large = vocab.optimal_vocab(1.1e9, 1.6e11)["vocab_size"]
    assert large > 3 * small
    # More data at a fixed model size alone also raises the optimum.
    assert vocab.optimal_vocab(3e8, 6e10)["vocab_size"] > vocab.optimal_vocab(3e8, 3e10)["vocab_size"]


def test_result_is_plain_json():
    choice = vocab.optimal_vocab(1e8, 1e10)
    assert json.loads(json.dumps(choice)) == choice
    assert {"vocab_size", "unigram_normalized_loss", "basin_low", "basin_high", "warnings"} <= set(choice)


def test_extrapolation_is_reported():
    with pytest.warns(decide.ExtrapolationWarning) as caught:
        choice = vocab.optimal_vocab(7e10, 1e12)
    named = [str(w.message).split(" = ")[0] for w in caught]
    # Both inputs, and the optimum itself (beyond 64K), are outside the training range.
    assert named == ["non_vocab_parameters", "num_characters", "vocab_size"]
    assert choice["warnings"] == [str(w.message) for w in caught]


def test_inside_the_range_nothing_is_warned():
    with warnings.catch_warnings():
        warnings.simplefilter("error", decide.ExtrapolationWarning)
        assert vocab.optimal_vocab(1.5e8, 1.6e10)["warnings"] == []


@pytest.mark.parametrize(
    "args, name",
    [((0, 1e10), "non_vocab_parameters"), ((1e9, -1.0), "num_characters"), ((1e9, "many"), "num_characters"),
     ((float("nan"), 1e10), "non_vocab_parameters"), ((True, 1e10), "non_vocab_parameters")],
)
def test_impossible_requests_are_refused(args, name):
    with pytest.raises(data.InputError, match=name):
        vocab.optimal_vocab(*args)


def test_bad_tolerance_is_refused():
    with pytest.raises(data.InputError, match="tolerance"):
        vocab.optimal_vocab(1e8, 1e10, tolerance=0)
    with pytest.raises(data.InputError, match="tolerance"):
        vocab.optimal_vocab(1e8, 1e10, tolerance=50.0)  # more than the whole gain over a unigram model


def test_unknown_group_lists_the_groups():
    with pytest.raises(data.InputError, match="all_data"):
        vocab.optimal_vocab(1e8, 1e10, group="pile")


def test_larger_vocabulary_fades_gently_beyond_the_data():
    # Past the trained vocabularies the law neither blows up nor keeps improving without bound.
    losses = _loss(1.13e9, np.geomspace(64512, 1e6, 20), 1.6e11)
    assert np.all(np.isfinite(losses)) and np.all(losses < 0)
    assert np.ptp(losses) < 0.1


def test_loss_falls_with_data():
    characters = np.geomspace(2e8, 1e12, 30)
    losses = vocab.predict({"non_vocab_parameters": np.full(30, 3e8), "vocab_size": np.full(30, 32768.0),
                            "num_characters": characters}, vocab.PARAMS["all_data"])
    assert np.all(np.diff(losses) < 0)
