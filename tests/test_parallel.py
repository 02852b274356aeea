"""The parallel-streams law: its combination, its pool, its decision, and ParScale's findings."""

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from scalinglaws import cli, data, decide, records
from scalinglaws.laws import parallel as law

SEED_PROGRAM = Path(__file__).parent / "data" / "seeds" / "parallel_seed.py"


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
    # The law is the combination of two candidates of its own pool, as the study chose it.
    assert law.PARAM_NAMES == [f"{k}.{p}" for k in ("additive", "shrinking") for p in ("E", "A", "alpha")
                               + (("G",) if k == "additive" else ("g",))]
    roles = {key: form.role for key, form in law.LAW.record.forms.items()}
    assert roles["additive"] == roles["shrinking"] == "member" and roles["one-alpha"] == "survivor"
    assert [law.LAW.record.forms[k].weight for k in ("additive", "shrinking")] == [0.71, 0.29]
    for group, constants in law.PARAMS.items():
        assert law.LAW.record.forms["additive"].params[group] == constants[:4]
        assert law.LAW.record.forms["shrinking"].params[group] == constants[4:]


def test_the_pool_holds_the_seed_with_its_printed_constants():
    keys = [c.key for c in law.LAW.candidates]
    assert keys == ["parscale", "seed", "additive", "held-gain", "inverse-gain", "effective-power", "shrinking",
                    "ensemble", "log-gain", "one-alpha"]
    seed = law.LAW.candidate("seed")
    assert seed.kind == "published" and seed.param_names == ("c0", "c1", "c2", "c3", "alpha", "beta")
    # Exactly as the leaderboard entry printed them (full digits).
    assert seed.published_constants("pile") == [1.38133216084, 97.066659052, 0.0772792357873, 4.4654429466,
                                                 0.25125, 0.513333333333]
    assert seed.published_constants("stack") == [0.755424951209, 54.0083122959, 0.0433880237503, 4.26602562249,
                                                  0.25125, 0.513333333333]


def _seed_program():
    namespace = {}
    exec(compile(SEED_PROGRAM.read_text(), str(SEED_PROGRAM), "exec"), namespace)
    return namespace["law"]


def test_the_seed_form_with_its_published_constants_is_the_seed_program():
    seed_law = _seed_program()
    table = data.load("parallel")
    points = [{"num_params": n, "parallel_size": p} for n in (5.4e8, 1e9, 4.4e9, 7e10) for p in (1, 2, 4, 8, 32)]
    for group in ("pile", "stack"):
        rows = table[table.group == group][["num_params", "parallel_size"]].to_dict("records") + points
        theirs = np.array([out["loss"] for out in seed_law(rows, group)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", decide.ExtrapolationWarning)
            ours = law.LAW.predict(rows, form="seed", published=True, group=group)
        np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def test_a_stored_form_predicts_by_its_key():
    X = {"num_params": [6e8, 3e9], "parallel_size": [2, 4]}
    forms = law.LAW.record.forms
    for key, formula in (("one-alpha", law.additive_gain), ("seed", law.seed_law), ("parscale", law.parscale)):
        for group in ("pile", "stack"):
            expected = formula(X, forms[key].params[group])
            np.testing.assert_allclose(law.predict(X, form=key, group=group), expected, rtol=1e-12)
    # The stored seed form (refitted here) and its printed constants are different numbers for one form.
    assert forms["seed"].params["pile"] != law.LAW.candidate("seed").published_constants("pile")
    with pytest.raises(data.InputError, match="the forms are: parscale, seed, additive"):
        law.predict(X, form="square-root", group="pile")
    with pytest.raises(data.InputError, match="no published constants"):
        law.predict(X, form="additive", published=True, group="pile")


def test_the_decision_answers_with_another_form_of_the_pool():
    """equivalent_parameters bisects the form's own predictions, so any form answers it: the seed
    with its printed constants gives what a bisection on the seed program gives."""
    seed_law = _seed_program()
    constants = law.SEED_CONSTANTS["pile"]
    view = law.LAW.form_view("seed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        result = view.decide("equivalent_parameters", 4e9, 8, constants=constants, group="pile")
    target = seed_law([{"num_params": 4e9, "parallel_size": 8}], "pile")[0]["loss"]
    low, high = math.log(1e3), math.log(1e18)
    for _ in range(80):
        middle = 0.5 * (low + high)
        dense = seed_law([{"num_params": math.exp(middle), "parallel_size": 1}], "pile")[0]["loss"]
        low, high = (middle, high) if dense > target else (low, middle)
    assert result.answer["loss"] == pytest.approx(target, rel=1e-12)
    assert result.answer["equivalent_num_params"] == pytest.approx(math.exp(high), rel=1e-9)
    # Not the law's own answer: the seed puts 8 streams on 4B elsewhere than the combination.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        own = law.equivalent_parameters(4e9, 8, group="pile")
    assert abs(result.answer["equivalent_num_params"] / own.answer["equivalent_num_params"] - 1) > 0.01
    stored_view = view.decide("equivalent_parameters", 1e9, 4, group="pile")
    assert stored_view.answer["loss"] == pytest.approx(
        law.predict({"num_params": [1e9], "parallel_size": [4]}, form="seed", group="pile")[0], rel=1e-12)


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
