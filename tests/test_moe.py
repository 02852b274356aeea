"""The mixture-of-experts law: its shape and the experts decision (``experts_plan``)."""

import json
import warnings

import numpy as np
import pytest

from scalinglaws import data, decide
from scalinglaws.laws import moe as law

CONSTANTS = law.PARAMS["all_data"]


def _loss(experts, size):
    return law.predict({"num_experts": [experts], "dense_parameter_count": [size]}, CONSTANTS)[0]


def test_one_expert_is_a_dense_power_law():
    L0, A, alpha, _ = CONSTANTS
    assert _loss(1, 1e8) == pytest.approx(L0 + A, rel=1e-12)
    assert _loss(1, 4e8) == pytest.approx(L0 + A * 4.0**-alpha, rel=1e-12)


def test_more_experts_and_more_parameters_lower_the_loss_towards_the_floor():
    experts = 2.0 ** np.arange(12)
    for size in (3e7, 3.68e8, 1.31e9, 1e11):
        loss = law.predict({"num_experts": experts, "dense_parameter_count": np.full(12, size)}, CONSTANTS)
        assert np.all(np.diff(loss) < 0) and np.all(loss > CONSTANTS[0])
    sizes = np.geomspace(1e7, 1e12, 30)
    loss = law.predict({"num_experts": np.full(30, 64.0), "dense_parameter_count": sizes}, CONSTANTS)
    assert np.all(np.diff(loss) < 0)


def test_plan_inside_the_training_range():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no extrapolation warning: the threshold is below 512
        plan = law.experts_plan(3.68e8, fraction=0.016)
    json.dumps(plan)  # plain JSON-able values
    assert plan["warnings"] == [] and plan["group"] == "all_data"
    assert plan["num_experts"][0] == 1.0 and plan["num_experts"][-1] == 2.0**14
    assert len(plan["num_experts"]) == len(plan["loss"]) == len(plan["doubling_gain"])
    assert np.all(np.diff(plan["loss"]) < 0)
    gains = np.array(plan["doubling_gain"])
    assert gains[0] < 0.005 and 0.01 < gains.max() < 0.03  # the first doubling gains little
    assert 32 <= plan["peak_gain_experts"] <= 128
    threshold = plan["threshold_experts"]
    assert plan["peak_gain_experts"] < threshold <= 512
    gain = lambda e: law._doubling_gain([e], 3.68e8, CONSTANTS)[0]  # noqa: E731
    assert gain(threshold * 0.99) > 0.016 > gain(threshold * 1.01)


def test_threshold_grows_with_a_smaller_fraction_and_shrinks_with_size():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        strict = law.experts_plan(3.68e8, 0.005)["threshold_experts"]
        loose = law.experts_plan(3.68e8, 0.01)["threshold_experts"]
        larger = law.experts_plan(1.31e9, 0.01)["threshold_experts"]
        never = law.experts_plan(1.31e9, 0.5)
    assert larger < loose < strict
    assert never["threshold_experts"] == 1.0  # no doubling gains half the loss


@pytest.mark.parametrize("size, fraction, name", [(1.31e9, 0.015, "dense_parameter_count"),
                                                  (3.68e8, 0.01, "num_experts")])
def test_extrapolation_is_reported(size, fraction, name):
    with pytest.warns(decide.ExtrapolationWarning) as record:
        plan = law.experts_plan(size, fraction)
    assert any(str(w.message).startswith(f"{name} = ") for w in record)
    assert any(note.startswith(f"{name} = ") for note in plan["warnings"])


@pytest.mark.parametrize(
    "args, message",
    [
        ((0,), "dense_parameter_count"),
        ((-1e8,), "dense_parameter_count"),
        ((float("nan"),), "dense_parameter_count"),
        (("big",), "dense_parameter_count"),
        ((True,), "dense_parameter_count"),
        ((1e8, 0.0), "fraction"),
        ((1e8, 1.5), "fraction"),
        ((1e8, 0.01, "all_data", 0), "max_doublings"),
        ((1e8, 0.01, "all_data", 2.5), "max_doublings"),
    ],
)
def test_impossible_requests_are_refused(args, message):
    with pytest.raises(data.InputError, match=message):
        law.experts_plan(*args)


def test_unknown_group_lists_the_groups():
    with pytest.raises(data.InputError, match="all_data"):
        law.experts_plan(1e8, group="web")
