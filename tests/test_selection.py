"""The selection protocol on synthetic runs whose truth is known."""

import numpy as np
import pandas as pd
import pytest

from scalinglaws import data, fitting, selection

TASK = data.task("parallel")


def sqrt_law(X, params):
    E, A, alpha, G = params
    return E + A * (np.asarray(X["num_params"]) / 1e9) ** -alpha + G * (np.asarray(X["parallel_size"]) ** -0.5 - 1)


def log_law(X, params):
    E, A, alpha, G = params
    return E + A * (np.asarray(X["num_params"]) / 1e9) ** -alpha - G * np.log(np.asarray(X["parallel_size"]))


def flat_law(X, params):
    (level,) = params
    return np.full(len(np.asarray(X["num_params"])), level)


STARTS = fitting.grid_starts([0.5, 1.5], [0.1, 1.0], [0.1, 0.3], [0.0, 0.1])
BOUNDS = ([0.0, 0.0, 0.01, -5.0], [5.0, 10.0, 3.0, 5.0])


def fitter(formula):
    return lambda rows, start=None: fitting.fit_groups(formula, rows, TASK, STARTS, bounds=BOUNDS, keep=2, start=start)


def flat_fit(rows, start=None):
    return {g: [float(part.loss.mean())] for g, part in rows.groupby("group", sort=False)}


def runs(noise=0.002, seed=0, streams=(1, 2, 4, 8, 16)):
    rng = np.random.default_rng(seed)
    rows = [{"group": "g", "num_params": n, "parallel_size": float(p)}
            for n in np.geomspace(5e8, 5e9, 6) for p in streams]
    table = pd.DataFrame(rows)
    table["loss"] = sqrt_law(table, [1.5, 0.5, 0.25, 0.1]) + noise * rng.standard_normal(len(table))
    return table


CANDIDATES = [
    selection.Candidate("sqrt", "4", fitter(sqrt_law), sqrt_law, kind="published"),
    selection.Candidate("log", "4", fitter(log_law), log_law, kind="ours"),
    selection.Candidate("flat", "1", flat_fit, flat_law, kind="conservative"),
]


def test_backtests_hold_out_as_far_as_the_reach():
    table = runs()
    backtests = selection.backtests_along(table, TASK, "parallel_size", reach=2.0, min_train_values=2)
    assert [b.origin for b in backtests] == ["parallel_size <= 8", "parallel_size <= 4", "parallel_size <= 2"]
    for backtest in backtests:
        threshold = backtest.train.parallel_size.max()
        assert set(backtest.held.parallel_size) == {2 * threshold}
    wider = selection.backtests_along(table, TASK, "parallel_size", reach=4.0, min_train_values=2)
    assert set(wider[1].held.parallel_size) == {8.0, 16.0}
    with_three = selection.backtests_along(table, TASK, "parallel_size", reach=2.0, min_train_values=3)
    assert len(with_three) == 2


def test_backtests_beyond_several_axes_and_folds():
    table = runs()
    (backtest,) = selection.backtests_beyond(table, TASK, [{"num_params": 2e9, "parallel_size": 4}],
                                             {"num_params": 3.0, "parallel_size": 2.0})
    assert backtest.train.num_params.max() <= 2e9 and backtest.train.parallel_size.max() <= 4
    assert backtest.held.num_params.max() <= 6e9 and backtest.held.parallel_size.max() <= 8
    folds = selection.folds(table, TASK, 3, seed=0, cluster=["num_params"])
    assert sorted(pd.concat([f.held for f in folds]).index) == sorted(table.index)
    for fold in folds:
        assert not set(fold.held.num_params) & set(fold.train.num_params)  # a unit stays whole


def test_the_true_form_is_chosen_and_scored_per_origin():
    table = runs()
    backtests = selection.backtests_along(table, TASK, "parallel_size", reach=2.0, min_train_values=2)
    evaluation = selection.evaluate(CANDIDATES, backtests, TASK)
    summary = evaluation.summary().set_index("candidate")
    assert summary.loc["sqrt", "median_r2"] > 0.99 > summary.loc["flat", "median_r2"]
    assert summary.loc["sqrt", "mean_rank"] == 1.0
    assert summary.loc["flat", "median_bias"] != 0
    assert evaluation.table("r2").shape == (3, 3)
    target = selection.target_grid(table, TASK, {"parallel_size": 32.0})
    choice = selection.choose(evaluation, table, target, bootstrap=10)
    assert choice.best == "sqrt" and choice.members == ["sqrt"] and choice.weights == [1.0]
    assert "log" not in choice.survivors  # a logarithm overshoots at every origin
    record = selection.validation_record(evaluation, choice, "test")
    assert record["chosen"] == "sqrt" and record["validation_r2"] == pytest.approx(summary.loc["sqrt", "median_r2"])


def test_a_failing_or_refused_form_is_reported_not_chosen():
    def broken(rows, start=None):
        raise fitting.FitError("did not converge")

    table = runs()
    candidates = [*CANDIDATES, selection.Candidate("broken", "4", broken, sqrt_law)]
    backtests = selection.backtests_along(table, TASK, "parallel_size", reach=2.0, min_train_values=2)
    evaluation = selection.evaluate(candidates, backtests, TASK)
    assert set(evaluation.scores[evaluation.scores.candidate == "broken"].status) == {"failed"}
    target = selection.target_grid(table, TASK, {"parallel_size": 32.0})
    refuse_sqrt = lambda candidate, constants: "its decision contradicts the study" if candidate.name == "sqrt" else None  # noqa: E731
    choice = selection.choose(evaluation, table, target, bootstrap=5, checks=refuse_sqrt)
    assert choice.best != "sqrt" and choice.excluded["sqrt"] == "its decision contradicts the study"
    assert "broken" in choice.excluded


def test_indistinguishable_forms_that_disagree_at_the_target_are_combined():
    # Only P in {1, 2} measured: the square root and the logarithm fit them equally, and part
    # beyond. The protocol must not pick one by a tie-break.
    table = runs(noise=0.004, streams=(1, 2, 3))
    backtests = selection.backtests_along(table, TASK, "parallel_size", reach=1.5, min_train_values=2)
    evaluation = selection.evaluate(CANDIDATES[:2], backtests, TASK)
    target = selection.target_grid(table, TASK, {"parallel_size": 64.0})
    choice = selection.choose(evaluation, table, target, bootstrap=20)
    assert set(choice.survivors) == {"sqrt", "log"}
    assert choice.combined and sorted(choice.members) == ["log", "sqrt"]
    assert sum(choice.weights) == pytest.approx(1.0) and min(choice.weights) >= selection.MIN_WEIGHT
    assert "disagree" in choice.reason
    assert bool(choice.at_target.disagrees_with_best.iloc[1])


def test_intervals_are_calibrated_on_the_backtests():
    table = runs(noise=0.01, seed=3)
    backtests = selection.backtests_along(table, TASK, "parallel_size", reach=2.0, min_train_values=2)
    calibration = selection.calibrate(fitter(sqrt_law), sqrt_law, backtests, TASK, 4,
                                      reach={"parallel_size": np.log(2.0)}, level=0.9, bootstrap=10)
    assert list(calibration.coverage.origin) == [b.origin for b in backtests]
    assert calibration.extrapolation_sd[0] >= 0
    summary = calibration.summary()
    assert 0.6 <= summary["covered"] <= 1.0 and summary["level"] == 0.9
    assert (calibration.coverage.calibrated_on == "the other origins").all()
    fit = fitter(sqrt_law)(table)
    draws = fitting.bootstrap(fitter(sqrt_law), table, n=10, seed=0, start=fit)
    uncertainty = selection.uncertainty(table, TASK, sqrt_law, fit, draws, calibration, 4, unit="runs")
    assert len(uncertainty.draws["g"]) == 10 and 0.005 < uncertainty.noise_sd["g"][0] < 0.02
    assert uncertainty.reach == {"parallel_size": np.log(2.0)}


def test_a_form_that_leaves_the_runs_range_at_the_target_is_refused():
    # Issue 28: a form predicting several times the loss any run measured is an artefact.
    table = runs()
    target = table.assign(parallel_size=64.0)[["group", "num_params", "parallel_size"]].drop_duplicates()
    check = selection.within_range(table, target, TASK)
    wild = selection.Candidate("wild", "1", flat_fit, lambda X, p: np.full(len(np.asarray(X["num_params"])), 50.0))
    inside = selection.Candidate("flat", "1", flat_fit, flat_law)
    assert "outside" in check(wild, {"g": [0.0]})
    assert check(inside, flat_fit(table)) is None
    broken = selection.Candidate("broken", "1", flat_fit, lambda X, p: np.full(len(np.asarray(X["num_params"])), np.nan))
    assert "no finite prediction" in check(broken, {"g": [0.0]})


def test_spread_origins_test_the_reach_on_clustered_levels():
    # Sizes clustered near the top: the k-th largest levels would all sit within a few percent
    # of it; origins spread over the reach test up to all of it.
    sizes = [1e8, 1.5e8, 2e8, 3e8, 4e8, 4.5e8, 4.75e8, 5e8]
    table = pd.DataFrame([{"group": "g", "num_params": n, "parallel_size": 1.0, "loss": 3.0 - 0.1 * np.log(n / 1e8)}
                          for n in sizes])
    backtests = selection.backtests_spread(table, TASK, "num_params", reach=4.0, count=4)
    thresholds = [b.train.num_params.max() for b in backtests]
    # top / 4^(1/4) = 3.5e8 -> 3e8, top / 4^(1/2) = 2.5e8 -> 2e8; deeper ones leave under 3 levels to fit.
    assert thresholds == [3e8, 2e8]
    assert max(b.held.num_params.max() / b.train.num_params.max() for b in backtests) == 2.5  # 5e8 from 2e8
    along = selection.backtests_along(table, TASK, "num_params", reach=4.0, max_origins=4)
    assert max(b.train.num_params.max() for b in along) == 4.75e8  # the latest back: a few percent below


def test_the_new_run_scale_carries_an_offset_instead_of_an_exploding_slope():
    # Held runs near the data miss by more than the refits say (an offset of their own): the
    # calibration scales the refits' spread (s0 > 1) rather than set a slope k that would
    # explode at one unit of distance.
    rng = np.random.default_rng(0)
    n = 200
    distance = rng.uniform(0.0, 0.1, n)
    own = np.full((n, 1), 0.01**2)
    scatter = np.full((n, 1), 0.001**2)
    truth = rng.normal(0.0, 0.03, (n, 1))
    piece = ("o", truth, np.zeros((n, 1)), own, scatter, distance)
    scale, term = selection._terms([piece], z=1.6449, level=0.9)
    assert scale[0] > 2.0 and term[0] < 0.1
    half = 1.6449 * np.sqrt(scatter + scale[0] ** 2 * own + (term[0] * distance[:, None]) ** 2)
    assert np.mean(np.abs(truth) <= half) >= 0.9
