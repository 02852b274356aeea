"""Studies of a user's runs: the protocol that chose a packaged law, on any table."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import scalinglaws
from scalinglaws import cli, data, decide
from scalinglaws.laws import chinchilla

#: The truth behind the synthetic runs: Chinchilla's form with one exponent.
TRUTH = [1.9, 450.0, 1500.0, 0.34]
NOISE = 0.01  # nats, run to run


def _runs(budgets, sizes_per_budget=7, seed=0):
    """IsoFLOP profiles drawn from TRUTH with noise: several sizes at each budget."""
    rng = np.random.default_rng(seed)
    rows = []
    for budget in budgets:
        optimal = np.sqrt(budget / (6 * 20.0))
        for size in optimal * np.geomspace(0.25, 4.0, sizes_per_budget):
            tokens = budget / (6 * size)
            loss = chinchilla.formula({"params": [size], "tokens": [tokens]}, TRUTH)[0] + rng.normal(0, NOISE)
            rows.append({"params": size, "tokens": tokens, "loss": loss})
    return pd.DataFrame(rows)


SMALL_BUDGETS = np.geomspace(1e17, 1e19, 7)
POINTS = pd.DataFrame({"params": [3e9, 6e9], "tokens": [6e10, 1.2e11]})


@pytest.fixture(scope="module")
def synthetic():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return scalinglaws.study("chinchilla", _runs(SMALL_BUDGETS), points=POINTS, bootstrap=20, seed=0)


def test_a_known_form_is_chosen_or_a_survivor_that_predicts_the_same(synthetic):
    assert synthetic.validated and len(synthetic.backtests) >= 2
    truth = chinchilla.formula(POINTS, TRUTH)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predicted = synthetic.predict(POINTS, interval=0.9)
    # The form chosen (whichever of the equivalent ones) predicts the truth at the requested
    # points, up to 60 times the runs' compute, to within 2% (about four times the runs' noise);
    # whether one draw's intervals cover it is the next test's question, over draws.
    assert np.allclose(predicted.loss, truth, rtol=0.02)
    chosen = synthetic.chosen
    keys = [chosen] if isinstance(chosen, str) else chosen["members"]
    assert set(keys) <= {"one-exponent", "two-exponents", "all-runs", "tail-only"}


def test_intervals_cover_fresh_draws_at_their_level(synthetic):
    # Fresh runs at the requested scale, drawn as the studied runs were: over studies of four
    # draws of the runs (one fit can be off by more than its interval, 60 times beyond its runs;
    # intervals are calibrated over draws, not for one), 90% intervals cover about 90% of them.
    rng = np.random.default_rng(1)
    sizes = np.geomspace(1e9, 8e9, 40)
    covered = []
    for seed in (0, 1, 2, 3):
        if seed == 0:
            study = synthetic
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                study = scalinglaws.study("chinchilla", _runs(SMALL_BUDGETS, seed=seed), points=POINTS, bootstrap=20)
        tokens = 20 * sizes * rng.uniform(0.5, 2.0, sizes.size)
        fresh = chinchilla.formula({"params": sizes, "tokens": tokens}, TRUTH) + rng.normal(0, NOISE, sizes.size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            band = study.predict({"params": sizes, "tokens": tokens}, interval=0.9)
        covered.append(np.mean((band.loss_low <= fresh) & (fresh <= band.loss_high)))
    assert 0.8 <= np.mean(covered) <= 1.0


def test_the_backtests_come_from_the_runs_and_the_points(synthetic):
    # The reach is how far the requested points lie beyond the runs along compute.
    largest = (6 * POINTS.params * POINTS.tokens).max()
    runs_largest = SMALL_BUDGETS.max()
    assert synthetic.reach["compute"] == pytest.approx(largest / runs_largest, rel=1e-9)
    for backtest in synthetic.backtests:
        assert len(backtest.train) and len(backtest.held)
        held_compute = 6 * backtest.held.params * backtest.held.tokens
        train_compute = 6 * backtest.train.params * backtest.train.tokens
        assert held_compute.min() > train_compute.max()


def test_the_study_json_has_the_documented_schema(synthetic):
    body = synthetic.to_dict()
    json.dumps(body)  # JSON-ready
    assert body["law"] == "chinchilla" and body["level"] == 0.9
    assert isinstance(body["chosen"], (str, dict))
    keys = {form["key"] for form in body["forms"]}
    assert keys == {c.key for c in chinchilla.LAW.candidates}
    for form in body["forms"]:
        assert {"key", "name", "origin", "kind", "validation_r2", "median_r2", "admissible", "reason"} <= set(form)
    assert len(body["predictions"]) == len(POINTS)
    for row in body["predictions"]:
        assert {"params", "tokens", "loss", "loss_low", "loss_high", "beyond_reach", "reach_factor"} <= set(row)
        assert row["loss_low"] < row["loss"] < row["loss_high"]


def test_checks_of_the_source_study_are_shown_not_applied_on_other_runs(synthetic):
    # Chinchilla's 40-130B at 5.76e23 is about Hoffmann et al.'s runs: on synthetic runs it is
    # reported for every fitted form and refuses none of them.
    assert not synthetic.source
    assert set(synthetic.literature) <= {c.key for c in chinchilla.LAW.candidates}
    assert synthetic.literature
    assert not any("5.76e23" in reason for reason in synthetic.choice.excluded.values())


def test_the_decision_from_a_study_carries_its_survivors(synthetic):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = synthetic.decide(None, compute=1e21)
    low, high = result.interval["params"]
    assert low <= result.answer["params"] <= high
    assert result.answer["tokens_per_param"] == pytest.approx(1e21 / 6 / result.answer["params"] ** 2)


def test_a_study_of_the_packaged_table_is_its_notebooks_choice():
    study = chinchilla.LAW.study(data.load("chinchilla"), bootstrap=5)
    assert study.source
    assert study.chosen == "one-exponent"
    assert chinchilla.LAW.record.validation["chosen"] == study.choice.best
    # The check of the source study is applied to its own runs.
    assert any("5.76e23" in reason for reason in study.choice.excluded.values())


def test_every_law_stores_its_pool_and_the_law_is_the_protocols_choice():
    for module in scalinglaws.laws.available():
        law = scalinglaws.laws.get(module).LAW
        if law.protocol is None:
            continue  # not yet declared with its pool
        record = law.record
        roles = {key: form.role for key, form in record.forms.items()}
        chosen = [key for key, role in roles.items() if role in ("law", "member")]
        assert chosen, module
        if roles[chosen[0]] == "law":
            assert record.forms[chosen[0]].param_names == law.param_names, module
        else:
            assert law.param_names == [f"{k}.{p}" for k in chosen for p in record.forms[k].param_names], module


def test_any_form_of_the_pool_predicts_by_its_key():
    X = {"params": [1e9, 7e10], "tokens": [2e10, 1.4e12]}
    two = chinchilla.LAW.record.forms["two-exponents"].params["all_data"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_key = chinchilla.predict(X, form="two-exponents")
        printed = chinchilla.predict(X, form="two-exponents", published=True)
        approach_3 = chinchilla.predict(X, form="two-exponents", published="Hoffmann et al. 2022, Approach 3")
    np.testing.assert_allclose(by_key, chinchilla.two_exponents(X, two), rtol=1e-12)
    np.testing.assert_allclose(printed, chinchilla.two_exponents(X, [1.82, 482.01, 2085.43, 0.3478, 0.3658]), rtol=1e-12)
    np.testing.assert_allclose(approach_3, chinchilla.two_exponents(X, [1.69, 406.4, 410.7, 0.34, 0.28]), rtol=1e-12)
    with pytest.raises(data.InputError, match="the forms are: two-exponents, all-runs"):
        chinchilla.predict(X, form="three-exponents")
    with pytest.raises(data.InputError, match="no published constants"):
        chinchilla.predict(X, form="one-exponent", published=True)


def test_intervals_grow_beyond_the_validated_reach():
    # Along compute, the backtests of Chinchilla's runs scored runs up to `validated_distance`
    # reaches beyond their fits: a point inside that is not flagged; a point farther is, and its
    # interval's half-width grows as (distance / validated) ** growth.
    uncertainty = chinchilla.LAW.record.uncertainty
    largest = chinchilla.LAW.record.training_range["compute"][1]
    unit = uncertainty.reach["compute"]  # log compute per unit of distance
    inside = largest * np.exp(0.5 * uncertainty.validated_distance * unit)
    beyond = largest * np.exp(3.0 * uncertainty.validated_distance * unit)
    size = np.sqrt(np.array([inside, beyond]) / (6 * 24.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        band = chinchilla.predict({"params": size, "tokens": 24 * size}, interval=0.9)
    assert not band.beyond_reach[0] and band.beyond_reach[1]
    assert band.reach_factor[0] == pytest.approx(0.5) and band.reach_factor[1] == pytest.approx(3.0)
    width = (band.loss_high - band.loss_low).to_numpy()
    assert width[1] >= width[0] * 3.0 ** uncertainty.growth * 0.99


def test_too_few_runs_for_backtests_fall_back_to_the_law_with_a_warning():
    two_budgets = _runs([1e18, 1e19], sizes_per_budget=9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = scalinglaws.study("chinchilla", two_budgets, bootstrap=5)
    assert not study.validated and study.choice is None
    assert "not validated on these runs" in study.warnings[0]
    assert study.fitted is chinchilla.LAW


@pytest.mark.parametrize("argv, message", [
    (["--at", "params"], "axis=value"),
    (["--at", "params=big"], "not a number"),
    (["--at", "flops=1e22"], "not an axis"),
    (["--bootstrap", "100000"], "at most 2000"),
])
def test_bad_requests_are_refused_in_one_line(tmp_path, capsys, argv, message):
    runs = tmp_path / "runs.csv"
    _runs(SMALL_BUDGETS[:4]).to_csv(runs, index=False)
    assert cli.main(["study", "chinchilla", "--csv", str(runs), "--quiet", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_points_to_predict_need_every_input(tmp_path, capsys):
    runs, points = tmp_path / "runs.csv", tmp_path / "points.csv"
    _runs(SMALL_BUDGETS[:4]).to_csv(runs, index=False)
    pd.DataFrame({"params": [1e9]}).to_csv(points, index=False)
    assert cli.main(["study", "chinchilla", "--csv", str(runs), "--predict", str(points)]) == 2
    assert "no column tokens" in capsys.readouterr().err


def test_the_command_prints_json_and_writes_constants(tmp_path, capsys):
    runs, points, out = tmp_path / "runs.csv", tmp_path / "points.csv", tmp_path / "mine.json"
    _runs(SMALL_BUDGETS).to_csv(runs, index=False)
    POINTS.to_csv(points, index=False)
    code = cli.main(["study", "chinchilla", "--csv", str(runs), "--predict", str(points), "--bootstrap", "10",
                     "--json", "--out", str(out)])
    body = json.loads(capsys.readouterr().out)
    assert code == 0 and len(body["predictions"]) == 2 and out.is_file()
    # The constants written are those of the chosen form, usable by predict --constants.
    chosen = body["chosen"] if isinstance(body["chosen"], str) else None
    if chosen == "one-exponent":
        assert cli.main(["predict", "chinchilla", "--params", "3e9", "--tokens", "6e10", "--constants", str(out),
                         "--json"]) == 0
        again = json.loads(capsys.readouterr().out)[0]["loss"]
        assert again == pytest.approx(body["predictions"][0]["loss"], rel=1e-12)


def test_a_report_is_a_notebook_executed_on_the_runs(tmp_path, synthetic):
    path = synthetic.report(tmp_path / "report.html")
    html = path.read_text()
    assert "A study of your runs" in html and "Chosen" in html and "Where not to trust it" in html
    assert (tmp_path / "report.ipynb").is_file() and (tmp_path / "report_runs.csv").is_file()
    assert (tmp_path / "report_points.csv").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work files left


def test_a_failed_report_writes_nothing(tmp_path, synthetic, monkeypatch):
    from scalinglaws import report

    broken = tmp_path / "template.py"
    broken.write_text("# %% tags=[\"parameters\"]\nlaw = 'x'\n\n# %%\nraise RuntimeError('broken template')\n")
    monkeypatch.setattr(report, "TEMPLATE", broken)
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(data.InputError, match="broken template"):
        synthetic.report(target / "report.html")
    assert list(target.iterdir()) == []
