"""The mixture-of-experts law: its shape, its decisions, and their check on the measured runs."""

import contextlib
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from scalinglaws import cli, data, decide, records
from scalinglaws.laws import moe as law

CONSTANTS = law.PARAMS["all_data"]
SIZES = np.array([16527360.0, 27279360.0, 57369600.0, 132163584.0, 368123904.0])
EXPERTS = 2.0 ** np.arange(10)


def _loss(experts, size):
    return law.predict({"num_experts": [experts], "dense_parameter_count": [size]}, CONSTANTS)[0]


def _own_refits(quantity, level=0.8):
    """The ``level`` interval of ``quantity(constants)`` over the law's own bootstrap refits."""
    values = np.array([quantity(c) for c in law.LAW.record.uncertainty.draws["all_data"]])
    tail = (1 - level) / 2
    return np.quantile(values, tail, axis=0), np.quantile(values, 1 - tail, axis=0)


def _gain(constants, experts, size, form=None):
    predict = law.formula if form is None else law.LAW.candidate(form).predict
    loss = predict({"num_experts": [experts, 2 * experts], "dense_parameter_count": [size, size]}, constants)
    return float(loss[0] - loss[1])


@contextlib.contextmanager
def _quiet():
    """Extrapolation warnings (tested on their own below) are not raised here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        yield


def test_one_expert_is_a_dense_power_law_plus_a_constant():
    a, b, c, d, e, f = CONSTANTS
    assert _loss(1, 1e8) == pytest.approx(a + d * np.tanh(e) + f, rel=1e-12)
    assert _loss(1, 2e8) == pytest.approx(a * 2.0**-b + d * np.tanh(e) + f, rel=1e-12)


def test_more_experts_and_more_parameters_lower_the_loss():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        for size in (3e7, 3.68e8, 1.31e9, 1e11):
            loss = law.predict({"num_experts": EXPERTS, "dense_parameter_count": np.full(10, size)}, CONSTANTS)
            assert np.all(np.diff(loss) < 0)
        sizes = np.geomspace(1e7, 1e12, 30)
        loss = law.predict({"num_experts": np.full(30, 64.0), "dense_parameter_count": sizes}, CONSTANTS)
    assert np.all(np.diff(loss) < 0)


def test_plan_inside_the_training_range_warns_nothing():
    for size in SIZES:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no extrapolation warning anywhere in the measured range
            plan = law.experts_plan(size)
        assert plan.warnings == [] and plan.group == "all_data"
        json.dumps(plan.to_dict())  # plain JSON-able values
        answer = plan.answer
        for key in ("threshold_status", "num_experts", "loss", "doubling_gain"):
            assert key in answer
        assert answer["num_experts"] == EXPERTS.tolist()  # the measured range by default
        assert len(answer["loss"]) == 10 and len(answer["doubling_gain"]) == 9
        np.testing.assert_allclose(answer["doubling_gain"], -np.diff(answer["loss"]), rtol=1e-12)
        assert plan.units["doubling_gain"].startswith("nats")
        low, high = np.array(plan.interval["doubling_gain"])
        own_low, own_high = _own_refits(lambda c: -np.diff(law.predict(
            {"num_experts": EXPERTS, "dense_parameter_count": np.full(10, size)}, c)))
        # The law's answer lies within its own refits; the decision's interval pools them with
        # the survivors' refits (each form counting equally), so it reaches where they lie.
        assert np.all(own_low <= answer["doubling_gain"]) and np.all(answer["doubling_gain"] <= own_high)
        assert np.all(low < high) and np.all(low <= own_high) and np.all(high >= own_low)
        # Every doubling up to 512 gains more than 0.02 nats at every measured size: the top of
        # the search is not a threshold, so none is given (and no interval), only the statement.
        assert "threshold_experts" not in answer and "threshold_experts" not in plan.interval
        assert answer["threshold_status"] == "not reached within 512 experts"
        assert plan.probability["threshold_status"] > 0.5


def test_doubling_gains_agree_with_the_measured_cell_means():
    """At the measured sizes, the plan's gain from each measured expert count to the next
    agrees with the difference of the cells' mean losses: within 2.5 standard errors (from
    the pooled run-to-run spread within a cell and the cells' run counts), of the same sign
    wherever the measured gain exceeds two standard errors, and so does the whole gain from
    1 to 512 experts."""
    table = data.load("moe")
    cell = table.groupby(["dense_parameter_count", "num_experts"]).loss_validation
    means, counts, variances = cell.mean().unstack(), cell.size().unstack(), cell.var().fillna(0.0)
    dof = counts.stack() - 1
    pooled_sd = np.sqrt((variances * dof).sum() / dof.sum())
    assert 0.04 < pooled_sd < 0.07
    assert np.array_equal(means.index.to_numpy(), SIZES) and np.array_equal(means.columns.to_numpy(), EXPERTS)
    m, n = means.to_numpy(), counts.to_numpy()
    for i, size in enumerate(SIZES):
        predicted = np.array(law.experts_plan(size).answer["doubling_gain"])
        measured = m[i, :-1] - m[i, 1:]
        se = pooled_sd * np.sqrt(1 / n[i, :-1] + 1 / n[i, 1:])
        assert np.all(np.abs(predicted - measured) <= 2.5 * se), size
        assert np.all(predicted[measured > 2 * se] > 0), size
        span_se = pooled_sd * np.sqrt(1 / n[i, 0] + 1 / n[i, -1])
        assert abs(predicted.sum() - (m[i, 0] - m[i, -1])) <= 2.5 * span_se, size
    # And the shrinking of the experts' benefit with size, measured (0.55 -> 0.25 nats from
    # 1 to 512 experts between 16.5M and 368M), is in the law.
    spans = [sum(law.experts_plan(size).answer["doubling_gain"]) for size in SIZES]
    assert np.all(np.diff(spans) < 0) and spans[0] > 1.5 * spans[-1]


def test_threshold_beyond_the_measured_experts_when_asked():
    with _quiet():
        near = law.experts_plan(1.31e9, 0.02, 14)
        strict = law.experts_plan(1.31e9, 0.03, 14)
        larger = law.experts_plan(1e10, 0.02, 14)
        never = law.experts_plan(1.31e9, 0.5)
    threshold = near.answer["threshold_experts"]
    assert near.answer["threshold_status"] == "reached" and 512 < threshold < 2.0**14
    assert larger.answer["threshold_experts"] < threshold and strict.answer["threshold_experts"] < threshold
    assert never.answer["threshold_experts"] == 1.0  # no doubling gains half a nat
    assert never.answer["threshold_status"] == "no doubling gains 0.5 nats"
    if "threshold_experts" in near.interval:  # given only when every refit reaches a threshold
        low, high = near.interval["threshold_experts"]
        assert low < threshold < high and high / low > 5  # beyond the data, the threshold is not determined
    assert 0 < near.probability["threshold_status"] <= 1

    def gain(experts):
        return _loss(experts / 2, 1.31e9) - _loss(experts, 1.31e9)

    with _quiet():
        assert gain(threshold * 0.99) > 0.02 > gain(threshold * 1.01)


def test_expert_doubling_is_one_step_of_the_plan():
    result = law.expert_doubling(3.68e8, 64)
    assert result.warnings == []
    assert result.answer["gain"] == pytest.approx(_loss(64, 3.68e8) - _loss(128, 3.68e8), rel=1e-12)
    assert result.units["gain"] == "nats" and 0.02 < result.answer["gain"] < 0.05
    low, high = result.interval["gain"]
    own_low, own_high = _own_refits(lambda c: _gain(c, 64, 3.68e8))
    assert own_low < result.answer["gain"] < own_high
    # Pooled with the five survivors' refits, whose gains here are larger (0.034 to 0.038 nats
    # against the law's 0.031), the interval reaches up to theirs: it carries the form's
    # uncertainty, and no longer centres on the law's own answer.
    survivors = [_gain(form.params["all_data"], 64, 3.68e8, key) for key, form in law.LAW.record.survivors().items()]
    assert low < high and low <= own_high and high >= np.median(survivors)


@pytest.mark.parametrize("call, name", [
    (lambda: law.experts_plan(1.31e9), "dense_parameter_count"),
    (lambda: law.experts_plan(3.68e8, max_doublings=14), "num_experts"),
    (lambda: law.expert_doubling(3.68e8, 512), "num_experts"),  # 1024 experts were never measured
    (lambda: law.expert_doubling(1e7, 64), "dense_parameter_count"),
])
def test_extrapolation_is_reported(call, name):
    with pytest.warns(decide.ExtrapolationWarning) as caught:
        result = call()
    assert any(str(w.message).startswith(f"{name} = ") for w in caught)
    assert any(note.startswith(f"{name} = ") for note in result.warnings)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: law.experts_plan(0), "dense_parameter_count"),
        (lambda: law.experts_plan(-1e8), "dense_parameter_count"),
        (lambda: law.experts_plan(float("nan")), "dense_parameter_count"),
        (lambda: law.experts_plan("big"), "dense_parameter_count"),
        (lambda: law.experts_plan(True), "dense_parameter_count"),
        (lambda: law.experts_plan(1e8, 0.0), "min_gain"),
        (lambda: law.experts_plan(1e8, -0.01), "min_gain"),
        (lambda: law.experts_plan(1e8, "a lot"), "min_gain"),
        (lambda: law.experts_plan(1e8, 0.02, 0), "max_doublings"),
        (lambda: law.experts_plan(1e8, 0.02, 2.5), "max_doublings"),
        (lambda: law.experts_plan(1e8, 0.02, 31), "max_doublings"),
        (lambda: law.experts_plan(1e8, 0.02, "9"), "max_doublings"),
        (lambda: law.experts_plan(1e8, fraction=0.01), "fraction"),
        (lambda: law.expert_doubling(1e8, 0), "num_experts"),
        (lambda: law.expert_doubling(1e8, -4), "num_experts"),
        (lambda: law.expert_doubling(1e8), "num_experts"),
    ],
)
def test_impossible_requests_are_refused(call, message):
    with pytest.raises(data.InputError, match=message):
        call()


def test_unknown_group_lists_the_groups():
    with pytest.raises(data.InputError, match="all_data"):
        law.experts_plan(1e8, group="web")


def test_max_doublings_as_a_whole_float_is_accepted():
    assert law.experts_plan(1e8, 0.02, 9.0).answer["num_experts"][-1] == 512.0


def test_decisions_answer_from_a_record_of_ones_own_runs(tmp_path):
    import scalinglaws

    runs = data.load("moe")
    own = scalinglaws.fit("moe", runs, bootstrap=4, seed=0)
    path = own.save(tmp_path / "moe.json")
    record = records.read(path)
    stored = law.experts_plan(3.68e8)
    mine = law.experts_plan(3.68e8, constants=record)
    # The same runs and routine: the same plan (a refit agrees to far below what is shown).
    np.testing.assert_allclose(mine.answer["loss"], stored.answer["loss"], rtol=1e-6)
    assert "doubling_gain" in mine.interval and mine.answer["threshold_status"] == "not reached within 512 experts"
    small = scalinglaws.fit("moe", runs[runs.dense_parameter_count < 1e8], bootstrap=0)
    with pytest.warns(decide.ExtrapolationWarning, match="dense_parameter_count"):
        beyond = law.expert_doubling(3.68e8, 64, constants=small)  # beyond the small runs' sizes
    assert beyond.answer["gain"] > 0 and beyond.interval == {}


def _cli(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_reaches_both_decisions(capsys, tmp_path):
    code, out, err = _cli(capsys, "optimize", "moe", "--dense-parameter-count", "3.68e8", "--json")
    plan = json.loads(out)
    assert code == 0 and err == ""
    for key in ("threshold_status", "threshold_status_probability", "num_experts", "loss", "doubling_gain",
                "doubling_gain_interval"):
        assert key in plan
    assert "threshold_experts" not in plan and "threshold_experts_interval" not in plan
    code, out, err = _cli(capsys, "optimize", "moe", "experts_plan", "--dense-parameter-count", "3.68e8",
                          "--min-gain", "0.03", "--max-doublings", "14", "--json")
    wide = json.loads(out)
    assert code == 0 and len(wide["num_experts"]) == 15 and "num_experts" in err  # extrapolates in E
    code, out, _ = _cli(capsys, "optimize", "moe", "expert_doubling", "--dense-parameter-count", "3.68e8",
                        "--num-experts", "64", "--json")
    assert code == 0 and {"gain", "gain_interval", "loss_doubled"} <= set(json.loads(out))
    code, _, err = _cli(capsys, "optimize", "moe", "--dense-parameter-count", "3.68e8", "--max-doublings", "0")
    assert code != 0 and "max_doublings" in err
    code, _, err = _cli(capsys, "optimize", "moe", "expert_doubling", "--dense-parameter-count", "3.68e8")
    assert code != 0 and "--num-experts" in err


def test_the_command_line_answers_from_a_constants_file(capsys, tmp_path):
    import scalinglaws

    path = scalinglaws.fit("moe", data.load("moe"), bootstrap=0).save(tmp_path / "own.json")
    code, out, _ = _cli(capsys, "optimize", "moe", "--dense-parameter-count", "1e8", "--constants", str(path),
                        "--json")
    assert code == 0
    np.testing.assert_allclose(json.loads(out)["loss"], law.experts_plan(1e8).answer["loss"], rtol=1e-6)


# ---------------------------------------------------------------- the pool of forms

SEED_PROGRAM = Path(__file__).parent / "data" / "seeds" / "moe_seed.py"


def test_the_seed_law_with_its_published_constants_reproduces_the_seed_program():
    namespace = {}
    exec(compile(SEED_PROGRAM.read_text(), str(SEED_PROGRAM), "exec"), namespace)
    table = data.load("moe")
    points = table[["num_experts", "dense_parameter_count"]].to_dict("records")
    points += [{"num_experts": 64.0, "dense_parameter_count": 1.31e9}, {"num_experts": 1.0, "dense_parameter_count": 1e11}]
    theirs = np.array([row["loss_validation"] for row in namespace["law"](points, "all_data")])
    with _quiet():
        ours = law.LAW.predict(points, form="seed", published=True, group="all_data")
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)
    seed = law.LAW.candidate("seed")
    assert seed.kind == "published" and seed.param_names == ("A", "alpha", "beta", "L0")
    assert seed.published_constants() == [43.47573060740084, 0.07398280187051419, 0.19898571805319756,
                                          1.6170183728670307]


def test_the_seed_form_refitted_predicts_like_its_fit_in_log_scale():
    """The seed form is fitted as log A at x = N/1e8 and stored as the seed's own A: the stored
    constants predict what the internal fit does."""
    table = data.load("moe")
    stored = law.LAW.record.forms["seed"].params["all_data"]
    A, alpha, beta, L0 = stored
    scaled = [np.log(A) - beta * np.log(1e8), alpha, beta, L0]
    np.testing.assert_allclose(law.seed_law(table, stored), law._seed_scaled(table, scaled), rtol=1e-12)


@pytest.mark.parametrize("key", ["seed", "v1", "lower-floor"])
def test_a_stored_form_predicts_with_its_own_constants(key):
    record = law.LAW.record
    assert key in record.forms and record.forms[key].param_names == list(law.LAW.candidate(key).param_names)
    X = {"num_experts": EXPERTS, "dense_parameter_count": np.full(10, 3.68e8)}
    expected = law.LAW.candidate(key).predict(X, record.forms[key].params["all_data"])
    np.testing.assert_allclose(law.LAW.predict(X, form=key), expected, rtol=1e-12)
    with pytest.raises(data.InputError, match="no form"):
        law.LAW.predict(X, form="no-such-form")


def test_the_law_is_the_leaderboard_form_of_the_pool():
    assert law.LAW.candidate("leaderboard").predict is law.formula
    assert law.LAW.record.forms["leaderboard"].role == "law"
    assert law.LAW.record.validation["chosen"].startswith("leaderboard")
    X = {"num_experts": EXPERTS, "dense_parameter_count": np.full(10, 1e8)}
    np.testing.assert_allclose(law.LAW.predict(X, form="leaderboard"), law.predict(X), rtol=1e-12)


def _plan_with(key, size, **kwargs):
    """experts_plan answered by another form of the pool, with that form's stored constants."""
    view = law.LAW.form_view(key)
    decision = view.decisions["experts_plan"]
    arguments = {"dense_parameter_count": size, "min_gain": 0.02, "max_doublings": 9, **kwargs}
    return view._decide(decision, arguments, law.LAW.form_record(key), "all_data")


@pytest.mark.parametrize("key", ["v1", "seed", "lower-floor"])
def test_the_plan_answers_with_another_form_of_the_pool(key):
    plan = _plan_with(key, 3.68e8)
    constants = law.LAW.record.forms[key].params["all_data"]
    X = {"num_experts": EXPERTS, "dense_parameter_count": np.full(10, 3.68e8)}
    np.testing.assert_allclose(plan.answer["loss"], law.LAW.candidate(key).predict(X, constants), rtol=1e-12)
    assert plan.answer["threshold_status"] in ("reached", "not reached within 512 experts", "no doubling gains 0.02 nats")
    if plan.answer["threshold_status"] == "reached":
        threshold = plan.answer["threshold_experts"]
        def gain(e):
            return float(np.subtract(*law.LAW.candidate(key).predict(
                {"num_experts": [e / 2, e], "dense_parameter_count": [3.68e8, 3.68e8]}, constants)))
        assert gain(threshold * 0.99) > 0.02 > gain(threshold * 1.01)
    else:
        assert "threshold_experts" not in plan.answer


def test_the_seed_law_says_when_its_threshold_lies_beyond_the_search():
    # A pure power law in E gains less with every doubling: its threshold is reached within 2^14.
    with _quiet():
        wide = _plan_with("seed", 3.68e8, max_doublings=14)
    assert wide.answer["threshold_status"] in ("reached", "not reached within 16,384 experts")
    assert ("threshold_experts" in wide.answer) == (wide.answer["threshold_status"] == "reached")
