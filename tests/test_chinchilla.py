"""The Chinchilla law: the replication reproduced, and the compute-optimal split checked against
what Hoffmann et al. (2022) and Besiroglu et al. (2024) report."""

import json
import warnings

import numpy as np
import pytest

import scalinglaws
from scalinglaws import cli, data, decide, fitting, metrics, records
from scalinglaws.laws import chinchilla

# Besiroglu et al. (2024), Table 1 and their bootstrap: the replication of Hoffmann et al.'s fit.
REPLICATION = {"E": 1.82, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
REPLICATION_INTERVALS = {"E": (1.75, 1.90), "alpha": (0.30, 0.40), "beta": (0.32, 0.41)}
# Hoffmann et al. (2022), Approach 3 as published.
APPROACH_3 = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
# Chinchilla's budget (the budget of Gopher): 70B parameters on 1.4T tokens; Gopher 280B on 300B.
BUDGET = 5.76e23
CHINCHILLA = (70e9, 1.4e12)
GOPHER = (280e9, 300e9)


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        return function(*args, **kwargs)


@pytest.fixture(scope="module")
def table():
    return data.load("chinchilla")


def constants():
    return dict(zip(chinchilla.PARAM_NAMES, chinchilla.PARAMS["all_data"]))


def test_the_law_has_one_exponent_and_four_constants():
    assert chinchilla.PARAM_NAMES == ["E", "A", "B", "alpha"]
    c = constants()
    x = {"params": np.array([1e9, 1e10]), "tokens": np.array([2e10, 3e11])}
    expected = c["E"] + c["A"] * x["params"] ** -c["alpha"] + c["B"] * x["tokens"] ** -c["alpha"]
    np.testing.assert_allclose(chinchilla.predict(x), expected, rtol=1e-12)


def test_stored_constants_fall_inside_the_replications_intervals():
    c = constants()
    for name in ("E", "alpha"):
        low, high = REPLICATION_INTERVALS[name]
        assert low <= c[name] <= high, name
    low, high = REPLICATION_INTERVALS["beta"]  # the law's beta is its alpha
    assert low <= c["alpha"] <= high


def test_the_fit_their_way_reproduces_the_replication(table):
    E, A, B, alpha, beta = chinchilla.fit_log_sum_exp(table)["all_data"]
    assert E == pytest.approx(REPLICATION["E"], abs=0.01)
    assert alpha == pytest.approx(REPLICATION["alpha"], abs=0.003)
    assert beta == pytest.approx(REPLICATION["beta"], abs=0.003)
    assert A == pytest.approx(REPLICATION["A"], rel=0.05)
    assert B == pytest.approx(REPLICATION["B"], rel=0.10)


def test_the_rule_leaves_out_the_five_undertrained_runs(table):
    kept = chinchilla.trained_enough(table)
    assert len(table) - len(kept) == 5
    assert table.drop(kept.index).loss.min() > kept.loss.max()  # and the five highest losses
    # Without the rule the data term bends up to follow them: beta leaves the replication's interval.
    beta = chinchilla.fit_log_sum_exp(table, min_tokens_per_param=0.0)["all_data"][4]
    assert beta > REPLICATION_INTERVALS["beta"][1]


def test_approach_3_does_not_fit_these_runs(table):
    kept = chinchilla.trained_enough(table)
    x = {"params": kept.params.to_numpy(), "tokens": kept.tokens.to_numpy()}

    def two_exponents(c):
        return c["E"] + c["A"] * x["params"] ** -c["alpha"] + c["B"] * x["tokens"] ** -c["beta"]

    ours = metrics.r2(kept.loss.to_numpy(), chinchilla.predict(x))
    theirs = metrics.r2(kept.loss.to_numpy(), two_exponents(APPROACH_3))
    replication = metrics.r2(kept.loss.to_numpy(), two_exponents(REPLICATION))
    assert ours > 0.99 and replication > 0.99 and theirs < 0.97
    assert np.median(np.log(two_exponents(APPROACH_3)) - np.log(kept.loss.to_numpy())) > 0.01  # too high


def test_the_split_of_chinchillas_budget():
    """Done when: 40-130B parameters at 10-35 tokens per parameter, an interval containing the answer."""
    result = quiet(chinchilla.allocate, BUDGET)
    answer = result.answer
    assert 40e9 <= answer["params"] <= 130e9
    assert 10 <= answer["tokens_per_param"] <= 35
    assert answer["tokens"] == pytest.approx(answer["tokens_per_param"] * answer["params"], rel=1e-12)
    assert 6 * answer["params"] * answer["tokens"] == pytest.approx(BUDGET, rel=1e-12)
    for key in ("params", "tokens", "tokens_per_param", "loss"):
        low, high = result.interval[key]
        assert low <= answer[key] <= high, key
    assert result.level == 0.8
    assert any("params" in w for w in result.warnings)  # 63B is beyond the runs: it says so


def test_the_split_agrees_with_approaches_1_and_2_not_with_approach_3():
    # Hoffmann et al., Table 3, at 5.76e23 FLOP: Approach 1 67B, Approach 2 63B parameters.
    size = quiet(chinchilla.allocate, BUDGET).answer["params"]
    for published in (67e9, 63e9):
        assert 0.8 < size / published < 1.25
    a3 = APPROACH_3
    approach_3_size = ((a3["alpha"] * a3["A"] / (a3["beta"] * a3["B"])) ** (1 / (a3["alpha"] + a3["beta"]))
                       * (BUDGET / 6) ** (a3["beta"] / (a3["alpha"] + a3["beta"])))
    assert approach_3_size < 40e9 < size


def test_chinchilla_beats_gopher_on_the_same_budget():
    loss = quiet(chinchilla.predict, {"params": [CHINCHILLA[0], GOPHER[0]], "tokens": [CHINCHILLA[1], GOPHER[1]]})
    assert loss[0] < loss[1]
    # Chinchilla's own compute, 6 N D = 5.88e23, is a little above the stated budget.
    best = quiet(chinchilla.allocate, 6 * CHINCHILLA[0] * CHINCHILLA[1]).answer["loss"]
    assert best <= loss[0] + 1e-12


def test_the_ratio_is_the_same_at_every_budget_and_size_round_trips():
    small, large = (quiet(chinchilla.allocate, c).answer for c in (1e20, 1e25))
    assert small["tokens_per_param"] == pytest.approx(large["tokens_per_param"], rel=1e-12)
    assert large["params"] / small["params"] == pytest.approx(np.sqrt(1e5), rel=1e-9)  # N ~ C^(1/2)
    sized = quiet(chinchilla.allocate, params=7e10)
    assert sized.answer["params"] == 7e10
    assert sized.answer["compute"] == pytest.approx(6 * 7e10 * sized.answer["tokens"], rel=1e-12)
    again = quiet(chinchilla.allocate, sized.answer["compute"]).answer
    assert again["params"] == pytest.approx(7e10, rel=1e-9)
    low, high = sized.interval["tokens"]
    assert low <= sized.answer["tokens"] <= high and low < high


def test_bare_constants_answer_without_an_interval():
    c = constants()
    result = quiet(chinchilla.allocate, BUDGET, constants=[c["E"], c["A"], c["B"], c["alpha"] * 1.0000001])
    assert result.interval == {}
    assert 40e9 <= result.answer["params"] <= 130e9


@pytest.mark.parametrize("kwargs, named", [
    ({}, "compute"),
    ({"compute": 1e21, "params": 1e9}, "not both"),
    ({"compute": -1.0}, "compute"),
    ({"compute": float("nan")}, "compute"),
    ({"compute": "large"}, "compute"),
    ({"params": 0.0}, "params"),
])
def test_bad_arguments_name_the_argument(kwargs, named):
    with pytest.raises(data.InputError, match=named):
        quiet(chinchilla.allocate, **kwargs)


def test_constants_without_an_optimum_are_refused():
    with pytest.raises(data.InputError, match="no compute-optimal split"):
        chinchilla.allocate(1e21, constants=[1.8, -5.0, 2000.0, 0.35])


def test_a_table_without_enough_trained_runs_is_refused(table):
    few = table[table.tokens < 0.45 * table.params]
    with pytest.raises(fitting.FitError, match="0.45 tokens per parameter"):
        chinchilla.fit(few)


def test_decisions_answer_from_a_record_of_ones_own_runs(table, tmp_path):
    small = table[6 * table.params * table.tokens <= 1e20]
    own = scalinglaws.fit("chinchilla", small, bootstrap=5, seed=0)
    path = own.save(tmp_path / "own.json")
    record = records.read(path)
    from_record = quiet(chinchilla.allocate, BUDGET, constants=record)
    from_fit = quiet(own.decide, None, BUDGET)
    assert from_record.answer == from_fit.answer
    assert "params" in from_record.interval
    stored = quiet(chinchilla.allocate, BUDGET).answer["params"]
    assert from_record.answer["params"] != stored and 0.5 < from_record.answer["params"] / stored < 2


def test_the_command_line_reaches_the_decision(capsys, tmp_path, table):
    code = cli.main(["optimize", "chinchilla", "--compute", "5.76e23", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and "outside the training range" in err
    body = json.loads(out)
    for key in ("params", "tokens", "loss", "tokens_per_param", "params_interval", "tokens_interval"):
        assert key in body, key
    low, high = body["params_interval"]
    assert low <= body["params"] <= high and 40e9 <= body["params"] <= 130e9
    code = cli.main(["optimize", "chinchilla", "allocate", "--params", "7e10", "--json"])
    body = json.loads(capsys.readouterr()[0])
    assert code == 0 and body["params"] == 7e10 and body["compute"] > 5e23
    # In Python too, params is a model size (the constants are constants=).
    assert quiet(chinchilla.allocate, params=7e10).answer["tokens"] == pytest.approx(body["tokens"])
    own = scalinglaws.fit("chinchilla", table[6 * table.params * table.tokens <= 1e20], bootstrap=3, seed=0)
    path = own.save(tmp_path / "own.json")
    code = cli.main(["optimize", "chinchilla", "--compute", "5.76e23", "--constants", str(path), "--json"])
    body = json.loads(capsys.readouterr()[0])
    assert code == 0 and body["params"] == pytest.approx(quiet(own.decide, None, BUDGET).answer["params"])
    code = cli.main(["optimize", "chinchilla", "--compute", "-3"])
    assert code == 2 and "compute" in capsys.readouterr()[1]
    code = cli.main(["optimize", "chinchilla"])
    assert code == 2 and "compute" in capsys.readouterr()[1]
