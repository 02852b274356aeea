"""The repeated-data law: its shape and the epochs decision (``epochs_plan``)."""

import json
import warnings

import numpy as np
import pytest

from scalinglaws import data, decide
from scalinglaws.laws import data_constrained as law

CONSTANTS = law.PARAMS["all_data"]


def _loss(unique, params, tokens):
    return law.predict({"unique_tokens": [unique], "params": [params], "tokens": [tokens]}, CONSTANTS)[0]


def test_one_epoch_is_chinchilla():
    E, A, alpha, B, beta, _, _ = CONSTANTS
    assert _loss(5e10, 1e9, 5e10) == pytest.approx(E + A + B * 50.0**-beta, rel=1e-12)


def test_repeats_are_worth_less_than_fresh_data():
    assert _loss(1e10, 1e9, 2e10) > _loss(2e10, 1e9, 2e10)
    assert _loss(1e10, 1e9, 2e10) < _loss(1e10, 1e9, 1e10)  # a second epoch still helps


def test_large_model_on_little_data_overfits():
    # 421M parameters on 100M unique tokens: the loss turns up with many epochs, as in the runs.
    assert _loss(1e8, 4.2e8, 3.2e10) > _loss(1e8, 4.2e8, 3e9)


def test_plan_inside_the_training_range():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no extrapolation warning here
        plan = law.epochs_plan(4e9, 1.2e11, 2.81e9)
    json.dumps(plan)  # plain JSON-able values
    assert plan["warnings"] == [] and plan["group"] == "all_data"
    assert plan["epochs"][0] == 1.0 and plan["epochs"][-1] == pytest.approx(30.0)
    assert len(plan["epochs"]) == len(plan["loss"]) == len(plan["repeat_value"])
    assert np.all(np.diff(plan["epochs"]) > 0) and np.all(np.isfinite(plan["loss"]))
    value = np.array(plan["repeat_value"])
    assert 0.95 < value[0] <= 1.0 and np.all(np.diff(value) < 0)
    assert 1.0 <= plan["best_epochs"] <= 30.0
    assert plan["best_loss"] <= min(plan["loss"]) + 1e-12
    half = plan["half_value_epoch"]
    assert 5.0 < half < 30.0
    assert law._repeat_value(half * 0.99, 2.81e9, 4e9, CONSTANTS) > 0.5 > law._repeat_value(half * 1.01, 2.81e9, 4e9, CONSTANTS)


def test_more_parameters_per_unique_token_means_fewer_useful_epochs():
    small = law.epochs_plan(1e10, 1e11, 1e8)["half_value_epoch"]
    large = law.epochs_plan(1e10, 1e11, 3e9)["half_value_epoch"]
    assert large < small < 1.0 + CONSTANTS[5] * np.log(2.0) + 1e-9  # the penalty only lowers the value


def test_a_single_epoch_budget():
    plan = law.epochs_plan(1e10, 1e10, 1e9)
    assert plan["epochs"] == [1.0] and plan["best_epochs"] == 1.0
    assert plan["loss"][0] == pytest.approx(_loss(1e10, 1e9, 1e10))


@pytest.mark.parametrize("name, value", [("params", 2e10), ("tokens", 1e13), ("unique_tokens", 1e12)])
def test_extrapolation_is_reported(name, value):
    request = {"unique_tokens": 1e10, "tokens": 1e11, "params": 1e9}
    request[name] = value
    if name == "unique_tokens":
        request["tokens"] = 2e12
    with pytest.warns(decide.ExtrapolationWarning) as record:
        plan = law.epochs_plan(**request)
    assert any(str(w.message).startswith(f"{name} = ") for w in record)
    assert any(note.startswith(f"{name} = ") for note in plan["warnings"])


def test_derived_ranges_are_reported():
    with pytest.warns(decide.ExtrapolationWarning) as record:
        plan = law.epochs_plan(1e8, 1e12, 1e8)  # 10000 epochs (and 1e12 tokens)
    assert any(str(w.message).startswith("epochs = 1e+04") for w in record)
    assert any(note.startswith("epochs = 1e+04") for note in plan["warnings"])
    with pytest.warns(decide.ExtrapolationWarning, match="params_per_unique_token"):
        law.epochs_plan(1e8, 1e9, 3e9)  # 30 parameters per unique token


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 1e10, 1e9), "unique_tokens"),
        ((1e10, -1.0, 1e9), "tokens"),
        ((1e10, 1e11, float("nan")), "params"),
        ((1e10, 1e11, "big"), "params"),
        ((1e10, 1e11, True), "params"),
        ((1e10, 1e9, 1e9), "less than unique_tokens"),
    ],
)
def test_impossible_requests_are_refused(args, message):
    with pytest.raises(data.InputError, match=message):
        law.epochs_plan(*args)


def test_unknown_group_lists_the_groups():
    with pytest.raises(data.InputError, match="all_data"):
        law.epochs_plan(1e10, 1e11, 1e9, group="web")
