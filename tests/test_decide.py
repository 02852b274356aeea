"""Decisions: one result type, constants from anywhere, warnings from one shared path."""

import json
import warnings

import numpy as np
import pytest

import scalinglaws
from scalinglaws import data, decide, records
from scalinglaws.laws import parallel


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return function(*args, **kwargs)


def test_a_decision_returns_a_result_with_units_intervals_and_warnings():
    result = _quiet(parallel.equivalent_parameters, 1e9, 8, group="pile")
    assert isinstance(result, decide.Result) and result.law == "parallel" and result.group == "pile"
    assert result.units["equivalent_num_params"] == "parameters"
    low, high = result.interval["equivalent_num_params"]
    assert low <= result.answer["equivalent_num_params"] <= high and result.level == 0.8
    assert result.warnings == ["parallel_size = 8 is outside the training range [1, 4] of the parallel law: "
                               "the result extrapolates"]
    body = result.to_dict()
    json.dumps(body)
    assert body["equivalent_num_params_interval"] == [low, high]
    assert body["group"] == "pile" and body["warnings"] == result.warnings and body["level"] == 0.8
    assert result["multiplier"] == body["multiplier"]


def test_warnings_are_emitted_once_and_not_inside_the_range():
    with pytest.warns(decide.ExtrapolationWarning) as caught:
        parallel.equivalent_parameters(1e9, 8, group="pile")
    assert len(caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parallel.equivalent_parameters(1e9, 4, group="pile").warnings == []


def test_the_same_decision_from_any_constants():
    stored = parallel.equivalent_parameters(1e9, 4, group="stack")
    from_vector = parallel.equivalent_parameters(1e9, 4, constants=parallel.PARAMS["stack"], group="stack")
    from_record = parallel.equivalent_parameters(1e9, 4, constants=parallel.LAW.record, group="stack")
    for other in (from_vector, from_record):
        assert other.answer == pytest.approx(stored.answer)
    assert from_vector.interval == stored.interval  # a stored group's own constants keep its bootstrap
    bare = list(parallel.PARAMS["stack"])
    bare[3] *= 2  # twice the streams' gain: worth more parameters, and no bootstrap to give an interval
    doubled = parallel.equivalent_parameters(1e9, 4, constants=bare)
    assert doubled.answer["equivalent_num_params"] > stored.answer["equivalent_num_params"]
    assert doubled.interval == {}


def test_a_decision_from_constants_fitted_to_ones_own_runs(tmp_path):
    runs = data.load("parallel").query("group == 'pile'")
    fitted = scalinglaws.fit("parallel", runs, bootstrap=10, seed=0)
    path = fitted.save(tmp_path / "mine.json")
    from_file = parallel.equivalent_parameters(1e9, 4, constants=records.read(path))
    assert from_file.group == "pile" and from_file.interval
    direct = fitted.decide("equivalent_parameters", 1e9, 4)
    assert direct.answer == pytest.approx(from_file.answer)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: parallel.equivalent_parameters(-1, 2, group="pile"), "num_params: -1.0 is not a positive number"),
        (lambda: parallel.equivalent_parameters("big", 2, group="pile"), "num_params: expected a positive number"),
        (lambda: parallel.equivalent_parameters(1e9, 2), "name a group"),
        (lambda: parallel.equivalent_parameters(1e9, 2, group="web"), "the groups are: pile, stack"),
        (lambda: parallel.equivalent_parameters(1e9, group="pile"), "missing a required argument"),
        (lambda: parallel.equivalent_parameters(1e9, 2, constants=[1, 2], group="pile"), "expected 8 constants"),
        (lambda: parallel.LAW.decide("no_such", 1e9, 2), "no decision 'no_such'"),
    ],
)
def test_bad_requests_are_one_clear_error(call, message):
    with pytest.raises(data.InputError, match=message):
        call()


def test_checks_shared_by_decisions():
    assert decide.positive("n", 3) == 3.0
    assert decide.integer("max_doublings", 14.0, 1, 30) == 14
    with pytest.raises(data.InputError, match="expected an integer from 1 to 30, got 14.5"):
        decide.integer("max_doublings", 14.5, 1, 30)
    with pytest.raises(data.InputError, match="expected an integer from 1 to 30, got 31"):
        decide.integer("max_doublings", 31, 1, 30)
    with pytest.raises(data.InputError, match="must be below 1"):
        decide.fraction("share", 1.5)
    messages = decide.outside_messages("parallel", {"x": (1.0, 4.0)}, {"x": [0.5, 2.0, 8.0], "y": 3.0})
    assert messages == ["x = 0.5..8 is outside the training range [1, 4] of the parallel law: the result extrapolates"]
    assert decide.outside_messages("u_shape", {"x": (-1.5, 0.5)}, {"x": -1.5}) == []


def test_every_law_declares_a_main_decision():
    from scalinglaws import laws

    for module in laws.available():
        law = laws.get(module).LAW
        main = law.main_decision()
        assert main is not None and main.name in law.decisions, module
        assert np.all([isinstance(d.units, dict) for d in law.decisions.values()])
