"""The fine-tuning law: its robustness one and two doublings out, and its two decisions."""

import json
import warnings

import numpy as np
import pytest

from scalinglaws import data, decide
from scalinglaws.laws import sft


def _quiet(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return function(*args)


def test_every_group_extrapolates_finite_and_below_its_last_loss():
    table = data.load("sft")
    last = table[table.sft_data_size == table.sft_data_size.max()].set_index("group").sft_loss
    for group, constants in sft.PARAMS.items():
        ahead = sft.predict({"sft_data_size": np.array([819200.0, 1638400.0])}, constants)
        assert np.all(np.isfinite(ahead)) and ahead[0] < last[group] and ahead[1] < ahead[0], group


def test_fit_is_deterministic_and_refuses_a_non_positive_loss():
    table = data.load("sft")
    one = table[table.group == "('gpt2', 'flan')"]
    assert sft.fit(one) == sft.fit(one) == {"('gpt2', 'flan')": sft.PARAMS["('gpt2', 'flan')"]}
    broken = one.copy()
    broken.loc[broken.index[3], "sft_loss"] = 0.0
    with pytest.raises(data.InputError, match="sft_loss must be positive"):
        sft.fit(broken)


def test_ranking_inside_the_data_names_the_measured_best():
    table = data.load("sft")
    top = table[table.sft_data_size == 409600]
    for dataset in ("flan", "gigaword", "wikiword"):
        result = sft.rank_base_models(dataset, 409600)
        assert result["warnings"] == []
        losses = [entry["sft_loss"] for entry in result["ranking"]]
        assert len(losses) == 14 and losses == sorted(losses) and all(loss > 0 for loss in losses)
        measured = top[top.group.str.endswith(f"'{dataset}')")].set_index("group").sft_loss
        assert result["ranking"][0]["group"] == measured.idxmin()
        assert result["margin"] == pytest.approx(losses[1] - losses[0])
        json.dumps(result)


def test_ranking_beyond_the_data_warns():
    with pytest.warns(decide.ExtrapolationWarning, match="sft_data_size"):
        result = sft.rank_base_models("gigaword", 819200)
    assert result["best"] == "t5-base"
    assert any("sft_data_size" in note for note in result["warnings"])


@pytest.mark.parametrize("dataset", ["alpaca", "", None, 3])
def test_unknown_dataset_lists_the_datasets(dataset):
    with pytest.raises(data.InputError, match="flan, gigaword, wikiword"):
        sft.rank_base_models(dataset, 1000)


@pytest.mark.parametrize("size", [0, -1.0, float("nan"), float("inf"), "many", True])
def test_impossible_data_sizes_are_refused(size):
    with pytest.raises(data.InputError, match="sft_data_size"):
        sft.rank_base_models("flan", size)


def test_data_for_loss_inverts_the_law():
    group = "('t5-base', 'wikiword')"
    result = sft.data_for_loss(group, 1.3)
    assert result["warnings"] == [] and 200 < result["sft_data_size"] < 409600
    loss = sft.predict({"sft_data_size": [result["sft_data_size"]]}, sft.PARAMS[group])[0]
    assert loss == pytest.approx(1.3, rel=1e-10)
    harder = _quiet(sft.data_for_loss, group, 1.2)
    assert harder["sft_data_size"] > result["sft_data_size"]
    json.dumps(result)


def test_data_for_loss_beyond_the_data_warns():
    with pytest.warns(decide.ExtrapolationWarning, match="sft_data_size"):
        result = sft.data_for_loss("('t5-base', 'flan')", 1.6)
    assert result["sft_data_size"] > 409600 and result["warnings"]


def test_unreachable_or_impossible_targets_are_refused():
    group = "('gpt2', 'gigaword')"
    A = sft.PARAMS[group][0]
    with pytest.raises(data.InputError, match="not below the plateau"):
        sft.data_for_loss(group, A + 0.1)
    with pytest.raises(data.InputError, match="unreachable"):
        sft.data_for_loss(group, 1e-300)
    for target in (0.0, -1.0, float("nan"), "low"):
        with pytest.raises(data.InputError, match="target_loss"):
            sft.data_for_loss(group, target)


def test_unknown_group_lists_the_groups():
    with pytest.raises(data.InputError, match=r"\('gpt2', 'flan'\)"):
        sft.data_for_loss("('gpt2', 'alpaca')", 1.5)
