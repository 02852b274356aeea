"""The repeated-data law: its shape, runs that repeat nothing, and the epochs decision (``epochs_plan``)."""

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import scalinglaws
from scalinglaws import cli, data, decide, records
from scalinglaws.laws import data_constrained as law

CONSTANTS = law.PARAMS["all_data"]
BARE = {"all_data": CONSTANTS}  # the stored constants without their record: no bootstrap, quick

# Muennighoff et al. (2023): the k-th epoch of repeated data is worth exp(-(k - 1)/R_D*) of a
# fresh token, with R_D* = 15.4; so 4 epochs are worth (1 + R_D*(1 - exp(-3/R_D*)))/4 = 0.93 of
# fresh data ("up to 4 epochs ... negligible"), and the worth falls to 1/e at 1 + R_D* = 16.4.
PAPER_R_D = 15.4
PAPER_KNEE = 1.0 + PAPER_R_D
PAPER_WORTH_OF_4 = (1.0 + PAPER_R_D * (1.0 - math.exp(-3.0 / PAPER_R_D))) / 4.0


def _loss(unique, params, tokens, constants=CONSTANTS):
    return law.predict({"unique_tokens": [unique], "params": [params], "tokens": [tokens]}, constants)[0]


def test_one_epoch_is_chinchilla():
    E, A, alpha, B, beta, _, _ = CONSTANTS
    assert _loss(5e10, 1e9, 5e10) == pytest.approx(E + A + B * 50.0**-beta, rel=1e-12)


@pytest.mark.filterwarnings("ignore::scalinglaws.decide.ExtrapolationWarning")  # U beyond the runs
def test_a_run_shorter_than_its_data_does_not_depend_on_the_unused_data():
    E, A, alpha, B, beta, _, _ = CONSTANTS
    losses = [_loss(u, 1e9, 1e11) for u in (1e11, 1e12, 1e13)]
    assert losses[0] == losses[1] == losses[2]
    assert losses[0] == pytest.approx(E + A + B * 100.0**-beta, rel=1e-12)  # the no-repetition law


@pytest.mark.filterwarnings("ignore::scalinglaws.decide.ExtrapolationWarning")  # U beyond the runs
def test_a_row_shorter_than_its_data_can_be_fitted():
    table = data.load("data_constrained")
    extra = pd.DataFrame({"group": ["all_data"], "unique_tokens": [1e12], "params": [1e9], "tokens": [1e11],
                          "loss": [_loss(1e12, 1e9, 1e11)]})
    refit = law.fit(pd.concat([table, extra], ignore_index=True))["all_data"]
    assert np.all(np.isfinite(refit))
    prediction = law.predict(table, refit)
    np.testing.assert_allclose(prediction, law.predict(table, CONSTANTS), rtol=0.02)


def test_one_epoch_runs_cannot_identify_the_repetition_constants():
    table = data.load("data_constrained")
    single = scalinglaws.fit("data_constrained", table[table.tokens <= table.unique_tokens], bootstrap=5, seed=0)
    flags = single.intervals.set_index("constant").identified
    assert not flags["R_D"] and not flags["P"]
    assert flags[["E", "B", "beta"]].all()


def test_repeats_are_worth_less_than_fresh_data():
    assert _loss(1e10, 1e9, 2e10) > _loss(2e10, 1e9, 2e10)
    assert _loss(1e10, 1e9, 2e10) < _loss(1e10, 1e9, 1e10)  # a second epoch still helps


def test_large_model_on_little_data_overfits():
    # 421M parameters on 100M unique tokens: the loss turns up with many epochs, as in the runs.
    assert _loss(1e8, 4.2e8, 3.2e10) > _loss(1e8, 4.2e8, 3e9)


def test_four_epochs_are_nearly_free_as_muennighoff_found():
    assert PAPER_WORTH_OF_4 == pytest.approx(0.93, abs=0.005)
    for unique, size in [(2e10, 1e9), (4e9, 2.81e9), (4e8, 4.2e8), (1e8, 2.2e8)]:
        summary = law.repetition_summary(lambda X: law.formula(X, CONSTANTS), unique, size)
        # The protocol's check refuses forms below 0.8; the law keeps over 0.9 at every setting.
        assert summary["worth_of_4_epochs"] > 0.9


@pytest.mark.filterwarnings("ignore::scalinglaws.decide.ExtrapolationWarning")  # 100-epoch budgets
def test_the_knee_is_near_muennighoffs_16_epochs():
    # At the reference of the selection protocol (20 unique tokens per parameter): within a factor 3.
    at_reference = law.epochs_plan(2e10, 2e12, 1e9, constants=BARE).answer["knee_epoch"]
    assert PAPER_KNEE / 3 <= at_reference <= PAPER_KNEE * 3
    # Where the data are scarce for the model (the runs that overfit): within a factor 2.
    for unique, size in [(4e9, 2.81e9), (4e8, 4.2e8), (1e8, 2.2e8)]:
        knee = law.epochs_plan(unique, 100 * unique, size, constants=BARE).answer["knee_epoch"]
        assert PAPER_KNEE / 2 <= knee <= PAPER_KNEE * 2


def test_plan_inside_the_training_range():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no extrapolation warning here
        plan = law.epochs_plan(4e9, 1.2e11, 2.81e9)
    body = plan.to_dict()
    json.dumps(body)  # plain JSON-able values
    assert isinstance(plan, decide.Result) and plan.warnings == [] and plan.group == "all_data"
    for key in ("epochs", "loss", "repeat_value", "best_epochs", "best_loss", "half_value_epoch", "knee_epoch"):
        assert key in body
    for key in ("best_epochs", "half_value_epoch", "knee_epoch"):
        low, high = plan.interval[key]
        assert low <= plan.answer[key] <= high
    answer = plan.answer
    assert answer["epochs"][0] == 1.0 and answer["epochs"][-1] == pytest.approx(30.0)
    assert len(answer["epochs"]) == len(answer["loss"]) == len(answer["repeat_value"])
    assert np.all(np.diff(answer["epochs"]) > 0) and np.all(np.isfinite(answer["loss"]))
    value = np.array(answer["repeat_value"])
    assert 0.95 < value[0] <= 1.0 + 1e-6 and np.all(np.diff(value) < 0)
    assert 1.0 <= answer["best_epochs"] <= 30.0
    assert answer["best_loss"] <= min(answer["loss"]) + 1e-12
    half = answer["half_value_epoch"]
    assert 5.0 < half < 30.0 and half < answer["knee_epoch"]
    around = law.repeat_value(lambda X: law.formula(X, CONSTANTS), 4e9, 2.81e9, [half * 0.99, half * 1.01])
    assert around[0] > 0.5 > around[1]


def test_more_parameters_per_unique_token_means_fewer_useful_epochs():
    small = law.epochs_plan(1e10, 1e11, 1e8, constants=BARE).answer["half_value_epoch"]
    large = law.epochs_plan(1e10, 1e11, 3e9, constants=BARE).answer["half_value_epoch"]
    assert large < small


def test_a_single_epoch_budget():
    plan = law.epochs_plan(1e10, 1e10, 1e9, constants=BARE).answer
    assert plan["epochs"] == [1.0] and plan["best_epochs"] == 1.0
    assert plan["loss"][0] == pytest.approx(_loss(1e10, 1e9, 1e10))


def test_a_budget_shorter_than_the_data_repeats_nothing():
    with pytest.warns(decide.ExtrapolationWarning, match="nothing is repeated"):
        plan = law.epochs_plan(1e10, 5e9, 1e9, constants=BARE)
    assert plan.answer["epochs"] == [0.5] and plan.answer["best_epochs"] == 0.5
    assert plan.answer["loss"][0] == pytest.approx(_loss(5e9, 1e9, 5e9), rel=1e-12)
    assert plan.answer["repeat_value"][0] == pytest.approx(1.0, abs=1e-6)
    assert any("nothing is repeated" in note for note in plan.warnings)


@pytest.mark.parametrize("name, value", [("params", 2e10), ("tokens", 1e13), ("unique_tokens", 1e12)])
def test_extrapolation_is_reported(name, value):
    request = {"unique_tokens": 1e10, "tokens": 1e11, "params": 1e9}
    request[name] = value
    if name == "unique_tokens":
        request["tokens"] = 2e12
    with pytest.warns(decide.ExtrapolationWarning) as caught:
        plan = law.epochs_plan(**request, constants=BARE)
    assert any(str(w.message).startswith(f"{name} = ") for w in caught)
    assert any(note.startswith(f"{name} = ") for note in plan.warnings)


def test_derived_ranges_are_reported():
    with pytest.warns(decide.ExtrapolationWarning) as caught:
        plan = law.epochs_plan(1e8, 1e12, 1e8)  # 10000 epochs (and 1e12 tokens)
    assert any(str(w.message).startswith("epochs = 1e+04") for w in caught)
    assert any(note.startswith("epochs = 1e+04") for note in plan.warnings)
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
        ((1e10, 1e11), "params"),
    ],
)
def test_impossible_requests_are_refused(args, message):
    with pytest.raises(data.InputError, match=message):
        law.epochs_plan(*args, constants=BARE)


def test_unknown_group_lists_the_groups():
    with pytest.raises(data.InputError, match="all_data"):
        law.epochs_plan(1e10, 1e11, 1e9, group="web")


def test_plan_from_a_record_of_ones_own_fit(tmp_path):
    table = data.load("data_constrained")
    own = scalinglaws.fit("data_constrained", table[table.params <= 1.1e9], bootstrap=5, seed=0)
    path = own.save(tmp_path / "own.json")
    record = records.read(path)
    plan = law.epochs_plan(4e9, 1.2e11, 1e9, constants=record)
    expected = own.predict({"unique_tokens": [4e9], "params": [1e9], "tokens": [4e9]})[0]
    assert plan.answer["loss"][0] == pytest.approx(expected, rel=1e-9)
    # 30 epochs of 4B unique tokens: this fit's loss still falls at the budget's end, an edge answer.
    assert plan.answer["best_epochs_at_edge"] and "best_loss" in plan.interval and "knee_epoch" in plan.interval
    # The derived ranges are those of the shipped runs: not claimed for one's own runs.
    assert not any(note.startswith("epochs = ") for note in plan.warnings)


def test_the_command_line_reaches_the_plan(capsys):
    argv = ["optimize", "data_constrained", "epochs_plan", "--unique-tokens", "4e9", "--tokens", "1.2e11",
            "--params", "2.81e9", "--json"]
    assert cli.main(argv) == 0
    body = json.loads(capsys.readouterr().out)
    for key in ("epochs", "loss", "repeat_value", "best_epochs", "best_epochs_interval", "half_value_epoch",
                "knee_epoch", "units", "warnings"):
        assert key in body
    assert cli.main(argv[:2] + argv[3:]) == 0  # the main decision, unnamed
    assert json.loads(capsys.readouterr().out) == body
    assert cli.main(["optimize", "data_constrained", "--unique-tokens", "4e9", "--tokens", "1.2e11",
                     "--params", "-1"]) != 0
    assert "params" in capsys.readouterr().err


# ---------------------------------------------------------------- the edge of the epochs searched


def test_a_loss_still_falling_at_the_budget_says_at_least_and_gives_no_interval():
    # 1B parameters on 20B unique tokens, 100 epochs: the loss still falls at the end of the budget.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        plan = law.epochs_plan(2e10, 2e12, 1e9)  # the stored record: intervals where there is an answer
    answer = plan.answer
    assert answer["best_epochs_at_edge"] is True and answer["best_epochs_at_least"] == pytest.approx(100.0)
    assert "best_epochs" not in answer and "best_epochs" not in plan.interval
    assert answer["best_epochs_status"].startswith("at least 100 (the edge searched)")
    assert not any("edge" in note for note in plan.warnings)  # not a range warning
    assert answer["best_loss"] == pytest.approx(min(answer["loss"]), rel=1e-12)  # the loss at the edge
    assert answer["loss"][-1] < answer["loss"][-2]
    body = plan.to_dict()
    assert body["best_epochs_at_least"] == pytest.approx(100.0) and "best_epochs_interval" not in body
    assert "best_loss_interval" in body and "knee_epoch_interval" in body
    # Inside the budget the optimum is an answer, with its interval.
    inside = law.epochs_plan(4e9, 1.2e11, 2.81e9)
    assert inside.answer["best_epochs_at_edge"] is False and "best_epochs_at_least" not in inside.answer
    assert inside.answer["best_epochs_status"] == "within the budget"
    assert "best_epochs" in inside.interval


# ---------------------------------------------------------------- the pool and the protocol

RUNS = data.load("data_constrained")


def test_the_backtests_are_the_five_origins_at_the_levels_of_both_axes():
    from scalinglaws import selection

    reach = selection.generic_reach(RUNS, law.TASK, law.PROTOCOL)
    assert reach == pytest.approx({"params": 1.9259816, "tokens": 2.0643414}, rel=1e-6)
    # The generic rule: 18 sizes and 27 token counts, each shared by many runs, are levels.
    backtests = selection.generic_backtests(RUNS, law.TASK, law.PROTOCOL, reach)
    assert [b.origin for b in backtests] == [
        "params <= 2.81B, tokens <= 250B", "params <= 2.16B, tokens <= 174B", "params <= 1.52B, tokens <= 91B",
        "params <= 1.1B, tokens <= 66B", "params <= 619M, tokens <= 60B"]
    assert [(len(b.train), len(b.held)) for b in backtests] == [(155, 6), (140, 21), (127, 27), (109, 18), (101, 19)]


def test_the_stored_choice_is_the_exported_law():
    record = law.LAW.record
    assert record.forms["fresh-penalty"].role == "law" and law.LAW.candidate("fresh-penalty").predict is law.formula
    assert record.validation["chosen"] == "fresh data + penalty"
    assert record.validation["validation_r2"] == pytest.approx(0.9670, abs=5e-5)
    assert {"chinchilla", "additive", "rd-by-ratio"} <= {law.LAW.candidate(n).key for n in record.validation["excluded"]}
    assert record.ranges("all_data")["epochs"] == pytest.approx((1.0, 3000.0))


def _muennighoff_in_tokens(unique, params, tokens):
    """Muennighoff et al.'s law with the constants as printed, N, D and U counted in parameters and
    tokens (datablations, utils/parametric_fit.ipynb; U read as min(U, D), as the forms do)."""
    A, B, E = math.exp(6.255414), math.exp(7.3049974), math.exp(0.6254804)
    a = b = 0.3526596
    r_d, r_n = 15.387756, 5.309743
    unique = np.minimum(unique, tokens)
    g = (a * A / (b * B)) ** (1 / (a + b))
    u_n = np.minimum(params, g ** ((a + b) / a) * unique ** (b / a))  # the compute-optimal size for U tokens
    n_eff = u_n + u_n * r_n * (1 - np.exp(-(params / u_n - 1) / r_n))
    d_eff = unique + unique * r_d * (1 - np.exp(-(tokens / unique - 1) / r_d))
    return E + A / n_eff**a + B / d_eff**b


def test_muennighoffs_law_with_its_printed_constants():
    X = {"unique_tokens": RUNS.unique_tokens.to_numpy(), "params": RUNS.params.to_numpy(),
         "tokens": RUNS.tokens.to_numpy()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        ours = law.LAW.predict(X, form="muennighoff", published=True)
    np.testing.assert_allclose(ours, _muennighoff_in_tokens(X["unique_tokens"], X["params"], X["tokens"]), rtol=1e-12)
    # With the yardstick, their law is theirs: 4 epochs worth 0.93, the knee at 1 + R_D* epochs.
    published = law.LAW.candidate("muennighoff").published_constants()
    summary = law.repetition_summary(lambda rows: law.muennighoff_paper(rows, published), 2e10, 1e9)
    assert summary["worth_of_4_epochs"] == pytest.approx(PAPER_WORTH_OF_4, abs=0.002)
    assert summary["knee_epoch"] == pytest.approx(1 + 15.387756, rel=1e-3)
    assert law.agrees_with_muennighoff(law.LAW.candidate("muennighoff"), {"all_data": published}) is None
    # Their Chinchilla-form base fit is the printed constants of the form that ignores U.
    base = law.LAW.predict(X, form="chinchilla", published=True)
    np.testing.assert_allclose(base, math.exp(0.6254804) + math.exp(6.255414) / X["params"] ** 0.3526596
                               + math.exp(7.3049974) / X["tokens"] ** 0.3526596, rtol=1e-12)


@pytest.mark.parametrize("key", ["v1", "muennighoff", "additive"])
def test_a_stored_form_predicts_with_its_own_constants(key):
    record = law.LAW.record
    assert record.forms[key].param_names == list(law.LAW.candidate(key).param_names)
    X = {"unique_tokens": [4e9, 1e8], "params": [2.81e9, 4.2e8], "tokens": [1.2e11, 1e10]}
    expected = law.LAW.candidate(key).predict(X, record.forms[key].params["all_data"])
    np.testing.assert_allclose(law.LAW.predict(X, form=key), expected, rtol=1e-12)


def _plan_with(key, *arguments):
    """epochs_plan answered by another form of the pool, with that form's stored constants."""
    view = law.LAW.form_view(key)
    values = dict(zip(("unique_tokens", "tokens", "params"), arguments))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return view._decide(view.decisions["epochs_plan"], values, law.LAW.form_record(key), "all_data")


@pytest.mark.parametrize("key", [c.key for c in law.CANDIDATES])
def test_the_plan_answers_with_every_form_of_the_pool(key):
    plan = _plan_with(key, 4e9, 1.2e11, 2.81e9)
    answer = plan.answer
    constants = law.LAW.record.forms[key].params["all_data"]
    X = {"unique_tokens": np.full(len(answer["epochs"]), 4e9), "params": np.full(len(answer["epochs"]), 2.81e9),
         "tokens": 4e9 * np.array(answer["epochs"])}
    np.testing.assert_allclose(answer["loss"], law.LAW.candidate(key).predict(X, constants), rtol=1e-12)
    assert np.all(np.isfinite(answer["loss"])) and np.all(np.isfinite(answer["repeat_value"]))
    assert ("best_epochs" in answer) != answer["best_epochs_at_edge"]
    if answer["best_epochs_at_edge"]:
        assert answer["best_epochs_at_least"] == pytest.approx(30.0)
    else:
        assert 1.0 <= answer["best_epochs"] <= 30.0
    assert answer["worth_of_4_epochs"] > 0 and answer["half_value_epoch"] <= answer["knee_epoch"]


def test_a_form_that_ignores_repetition_never_reaches_its_knee():
    plan = _plan_with("chinchilla", 4e9, 1.2e11, 2.81e9).answer
    assert plan["knee_epoch"] == float("inf") and plan["best_epochs_at_edge"]
    np.testing.assert_allclose(plan["repeat_value"], 1.0, atol=1e-6)
