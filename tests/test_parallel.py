"""The parallel-streams law: its combination, its decision, and ParScale's findings."""

import json
import warnings

import numpy as np
import pytest

from scalinglaws import cli, data, decide, records
from scalinglaws.laws import parallel as law


def _multiplier(parallel_size, group, constants=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)  # P = 8 is beyond P <= 4
        return law.equivalent_parameters(1e9, parallel_size, constants=constants, group=group)


def test_the_law_is_the_weighted_combination_of_its_two_forms():
    X = {"num_params": np.array([5e8, 1e9, 4e9]), "parallel_size": np.array([1.0, 2.0, 8.0])}
    for group, constants in law.PARAMS.items():
        additive, shrinking = constants[:4], constants[4:]
        expected = 0.71 * law.additive_gain(X, additive) + 0.29 * law.shrinking_gain(X, shrinking)
        np.testing.assert_allclose(law.formula(X, constants), expected, rtol=1e-12)
    validation = records.stored("parallel").validation
    assert validation["weights"] == [0.71, 0.29] and len(validation["members"]) == 2


def test_one_stream_is_worth_exactly_the_dense_model():
    for group in law.PARAMS:
        result = _multiplier(1, group)
        assert result["multiplier"] == pytest.approx(1.0, abs=1e-9)
        assert result["equivalent_num_params"] == pytest.approx(1e9, rel=1e-9)


def test_streams_are_worth_a_logarithmic_growth_in_parameters():
    """ParScale (Chen et al. 2025): P streams are worth about N (1 + k ln P) parameters,
    with k of a few tenths; each doubling of P adds a similar, not a growing, share."""
    for group in law.PARAMS:
        multipliers = np.array([_multiplier(p, group)["multiplier"] for p in (1, 2, 4, 8)])
        gains = np.diff(multipliers)
        assert np.all((0.1 < gains) & (gains < 0.45))
        assert np.all(np.diff(gains) <= 0), "no doubling is worth more than the one before"
        k = (multipliers[1:] - 1) / np.log([2, 4, 8])
        assert np.all((0.2 < k) & (k < 0.6))


def test_code_gains_more_from_streams_than_the_pile():
    # ParScale: parallel scaling helps code (Stack-V2 Python) more than general text (the Pile).
    for p in (2, 4, 8):
        assert _multiplier(p, "stack")["multiplier"] > _multiplier(p, "pile")["multiplier"]


def test_the_answer_lies_inside_its_interval_and_warns_beyond_four_streams():
    result = _multiplier(8, "pile")
    for key in ("loss", "equivalent_num_params", "multiplier"):
        low, high = result.interval[key]
        assert low <= result[key] <= high
    assert any("parallel_size" in w for w in result.warnings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # inside the measured P <= 4: nothing to warn about
        assert law.equivalent_parameters(1e9, 4, group="stack").warnings == []


def test_the_decision_answers_from_other_constants():
    # Constants with no gain from streams: every stream count is worth exactly one model.
    flat = {g: [c[0], c[1], c[2], 0.0, c[4], c[5], c[6], 0.0] for g, c in law.PARAMS.items()}
    result = _multiplier(8, "pile", constants=flat)
    assert result["multiplier"] == pytest.approx(1.0, abs=1e-9)
    assert result.interval == {}  # bare constants have no bootstrap


def test_the_command_gives_the_decision_with_its_keys(capsys):
    code = cli.main(["optimize", "parallel", "--num-params", "1e9", "--parallel-size", "8", "--group", "pile",
                     "--json"])
    out, err = capsys.readouterr()
    body = json.loads(out)
    assert code == 0 and "outside the training range" in err
    for key in ("loss", "equivalent_num_params", "multiplier", "multiplier_interval", "units"):
        assert key in body
    assert body["multiplier"] == pytest.approx(_multiplier(8, "pile")["multiplier"], rel=1e-12)


def test_a_refit_on_the_training_runs_predicts_what_the_stored_constants_do():
    table = data.load("parallel")
    refit = law.fit(table)
    same = law.LAW.same_predictions(table)
    assert all(same(refit[g], law.PARAMS[g], g) for g in law.PARAMS)
