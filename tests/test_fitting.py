"""The shared fitting routine: recovers known constants, is deterministic, fails loudly."""

import numpy as np
import pandas as pd
import pytest

from scalinglaws import data, fitting

TASK = data.task("parallel")


def power_law(X, params):
    E, A, alpha, G = params
    return E + A * (np.asarray(X["num_params"]) / 1e9) ** -alpha + G * (np.asarray(X["parallel_size"]) ** -0.5 - 1)


def synthetic_table(truth, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    sizes = np.geomspace(5e8, 5e9, 6)
    rows = []
    for group, constants in truth.items():
        for n in sizes:
            for p in (1.0, 2.0, 4.0, 8.0):
                rows.append({"group": group, "num_params": n, "parallel_size": p})
    table = pd.DataFrame(rows)
    table["loss"] = 0.0
    for group, constants in truth.items():
        mask = table.group == group
        table.loc[mask, "loss"] = power_law(table[mask], constants)
    table["loss"] += noise * rng.standard_normal(len(table))
    return table


STARTS = fitting.grid_starts([0.5, 1.5], [0.1, 1.0], [0.1, 0.3, 0.6], [0.0, 0.1])
BOUNDS = ([0.0, 0.0, 0.01, -5.0], [5.0, 10.0, 3.0, 5.0])
TRUTH = {"a": [1.5, 0.5, 0.25, 0.1], "b": [0.8, 0.3, 0.3, 0.07]}


def test_recovers_known_constants_per_group():
    fitted = fitting.fit_groups(power_law, synthetic_table(TRUTH), TASK, STARTS, bounds=BOUNDS)
    for group, constants in TRUTH.items():
        np.testing.assert_allclose(fitted[group], constants, rtol=1e-5, atol=1e-7)


def test_screening_the_grid_finds_the_same_optimum():
    table = synthetic_table(TRUTH, noise=0.002)
    full = fitting.fit_groups(power_law, table, TASK, STARTS, bounds=BOUNDS)
    screened = fitting.fit_groups(power_law, table, TASK, STARTS, bounds=BOUNDS, keep=3)
    for group in TRUTH:
        np.testing.assert_allclose(screened[group], full[group], rtol=1e-5)


def test_same_input_same_constants_bit_for_bit():
    table = synthetic_table(TRUTH, noise=0.003, seed=1)
    first = fitting.fit_groups(power_law, table, TASK, STARTS, bounds=BOUNDS)
    second = fitting.fit_groups(power_law, table.copy(), TASK, STARTS, bounds=BOUNDS)
    assert first == second


def test_bounds_are_respected():
    table = synthetic_table({"a": [1.5, 0.5, 0.25, 0.1]})
    fitted = fitting.fit_groups(power_law, table, TASK, STARTS, bounds=([0.0, 0.0, 0.01, 0.2], [5, 10, 3, 5]))
    assert fitted["a"][3] == pytest.approx(0.2)  # G pinned at its lower bound, not beyond


def test_shared_constants_are_common_and_recovered():
    truth = {"a": [1.5, 0.5, 0.25, 0.1], "b": [0.8, 0.3, 0.25, 0.07]}
    fitted = fitting.fit_shared(
        power_law, synthetic_table(truth), TASK, 1, lambda shared, own: [own[0], own[1], shared[0], own[2]],
        fitting.grid_starts([0.1, 0.4], [1.0], [0.5], [0.05]),
        bounds=([0.01, 0.0, 0.0, -5.0], [3.0, 5.0, 10.0, 5.0]),
    )
    assert fitted["a"][2] == fitted["b"][2]
    for group, constants in truth.items():
        np.testing.assert_allclose(fitted[group], constants, rtol=1e-5)


def test_no_converged_start_raises():
    def never_finite(theta):
        return np.full(3, np.nan)

    with pytest.raises(fitting.FitError, match="none of 2 starts converged"):
        fitting.least_squares(never_finite, np.zeros((2, 1)))


def test_fit_error_names_the_group():
    table = synthetic_table(TRUTH)
    table.loc[table.group == "b", "loss"] = np.nan
    with pytest.raises(fitting.FitError, match="group 'b'"):
        fitting.fit_groups(power_law, table, TASK, STARTS, bounds=BOUNDS)


def test_extrapolation_holdout_takes_the_largest_values():
    table = synthetic_table(TRUTH)
    inner, held = fitting.extrapolation_holdout(table, "parallel_size", k=1)
    assert set(held.parallel_size) == {8.0} and set(inner.parallel_size) == {1.0, 2.0, 4.0}
    assert len(inner) + len(held) == len(table)
    inner, held = fitting.extrapolation_holdout(table, "parallel_size", k=2)
    assert set(held.parallel_size) == {4.0, 8.0}


def test_holdout_along_two_axes_and_within_groups():
    table = pd.DataFrame({"group": list("aaabbb"), "x": [1, 2, 3, 10, 20, 30], "y": [5, 1, 1, 1, 2, 1]})
    _, held = fitting.extrapolation_holdout(table, ["x", "y"], k=1, by="group")
    assert held.index.tolist() == [0, 2, 4, 5]
    with pytest.raises(ValueError, match="distinct"):
        fitting.extrapolation_holdout(table, "x", k=6)


def test_kfold_partitions_rows_within_groups_and_is_seeded():
    table = synthetic_table(TRUTH)
    folds = list(fitting.kfold(table, 4, seed=3, by="group"))
    held = pd.concat([valid for _, valid in folds])
    assert sorted(held.index) == sorted(table.index)
    for train, valid in folds:
        assert not set(train.index) & set(valid.index)
        assert valid.group.value_counts().to_dict() == {"a": 6, "b": 6}
    again = [valid.index.tolist() for _, valid in fitting.kfold(table, 4, seed=3, by="group")]
    assert again == [valid.index.tolist() for _, valid in folds]


def test_bootstrap_is_seeded_and_intervals_bracket_the_estimate():
    table = synthetic_table(TRUTH, noise=0.002)
    fit = lambda rows: fitting.fit_groups(power_law, rows, TASK, STARTS, bounds=BOUNDS, keep=2)
    first = fitting.bootstrap(fit, table, n=20, seed=7)
    second = fitting.bootstrap(fit, table, n=20, seed=7)
    np.testing.assert_array_equal(first.draws["a"], second.draws["a"])
    assert first.failed == 0 and first.draws["a"].shape == (20, 4)
    summary = fitting.intervals(fit(table), first, ["E", "A", "alpha", "G"])
    g = summary[(summary.group == "a") & (summary.constant == "G")].iloc[0]
    assert g["low_95%"] < g["estimate"] < g["high_95%"]
    assert 0 < g["std_error"] < 0.01


def test_validation_table_scores_and_reports_failures():
    table = synthetic_table(TRUTH, noise=0.001)
    inner, held = fitting.extrapolation_holdout(table, "parallel_size")
    good = fitting.Candidate("true form", "4", lambda rows: fitting.fit_groups(power_law, rows, TASK, STARTS, bounds=BOUNDS), power_law)

    def broken(rows):
        raise fitting.FitError("did not converge")

    bad = fitting.Candidate("broken", "4", broken, power_law)
    scores = fitting.validation_table([good, bad], [(inner, held)], TASK).set_index("candidate")
    assert scores.loc["true form", "r2"] > 0.99
    assert np.isnan(scores.loc["broken", "r2"]) and "did not converge" in scores.loc["broken", "failure"]
    folds = list(fitting.kfold(table, 3, seed=0))
    pooled = fitting.validation_table([good], folds, TASK).iloc[0]
    assert pooled.r2 > 0.99 and pooled.r2_fold_std >= 0


def test_the_winner_is_polished_to_the_optimum_itself():
    # Loose stopping rules leave the constants wherever the cost stalled; the polish lands
    # on the optimum, so two different grids of starts agree far below any printed digit.
    table = synthetic_table(TRUTH, noise=0.003, seed=2)
    coarse = fitting.fit_groups(power_law, table, TASK, STARTS[:3], bounds=BOUNDS)
    fine = fitting.fit_groups(power_law, table, TASK, STARTS, bounds=BOUNDS)
    for group in TRUTH:
        np.testing.assert_allclose(coarse[group], fine[group], rtol=1e-9)


def test_near_equal_costs_are_a_tie_won_by_the_first_start():
    # Two starts that reach the same cost to 1e-7 (a flat valley): the grid's order decides.
    def residuals(theta):
        # A valley x y = 1 whose cost falls by a few 1e-10 towards small x: rounding, not a finding.
        return np.array([theta[0] * theta[1] - 1.0, 1.0 + 1e-10 * theta[0]])

    on_the_valley = np.array([[2.0, 0.5], [0.5, 2.0]])
    first = fitting.least_squares(residuals, on_the_valley, bounds=([0.1, 0.1], [10.0, 10.0]))
    second = fitting.least_squares(residuals, on_the_valley[::-1], bounds=([0.1, 0.1], [10.0, 10.0]))
    assert first.params[0] > 1.5 and second.params[0] < 0.6


def test_a_warm_start_finds_the_same_optimum_with_fewer_starts():
    table = synthetic_table(TRUTH, noise=0.002)
    cold = fitting.fit_groups(power_law, table, TASK, STARTS, bounds=BOUNDS)
    warm = fitting.fit_groups(power_law, table, TASK, STARTS, bounds=BOUNDS, start=cold)
    for group in TRUTH:
        np.testing.assert_allclose(warm[group], cold[group], rtol=1e-8)


def test_bootstrap_resamples_distinct_runs_not_copies():
    # Twenty copies of every run must not pass for twenty times the runs: the intervals of a
    # table and of the same table repeated are the same size.
    table = synthetic_table({"a": TRUTH["a"]}, noise=0.003, seed=4)
    fit = lambda rows, start=None: fitting.fit_groups(power_law, rows, TASK, STARTS, bounds=BOUNDS, keep=2, start=start)
    once = fitting.bootstrap(fit, table, n=30, seed=0)
    copies = pd.concat([table] * 20, ignore_index=True)
    many = fitting.bootstrap(fit, copies, n=30, seed=0, start=fit(table))
    spread_once = np.std(once.draws["a"][:, 3])
    spread_many = np.std(many.draws["a"][:, 3])
    assert 0.5 < spread_many / spread_once < 2.0
    cells = fitting.bootstrap(fit, copies, n=5, seed=0, cluster=["num_params", "parallel_size"])
    assert cells.draws["a"].shape == (5, 4)


def test_bootstrap_reports_its_progress(capsys):
    table = synthetic_table(TRUTH, noise=0.002)
    fit = lambda rows: fitting.fit_groups(power_law, rows, TASK, STARTS, bounds=BOUNDS, keep=2)
    seen = []
    result = fitting.bootstrap(fit, table, n=4, seed=7, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)] and result.draws["a"].shape == (4, 4)
    same = fitting.bootstrap(fit, table, n=4, seed=7, progress=True)  # a bar on stderr, the same refits
    np.testing.assert_array_equal(same.draws["a"], result.draws["a"])
    assert "bootstrap refits" in capsys.readouterr().err


def test_parallel_map_gives_what_one_process_gives(monkeypatch):
    # Closures over a table (what notebooks pass) reach the forked workers; results keep the order.
    table = synthetic_table(TRUTH, noise=0.002)
    fit = lambda rows: fitting.fit_groups(power_law, rows, TASK, STARTS, bounds=BOUNDS, keep=2)
    seeds = [1, 2, 3]
    monkeypatch.setenv("SCALINGLAWS_WORKERS", "2")
    forked = list(fitting.parallel_map(lambda seed: fitting.bootstrap(fit, table, n=4, seed=seed), seeds))
    monkeypatch.setenv("SCALINGLAWS_WORKERS", "1")
    serial = [fitting.bootstrap(fit, table, n=4, seed=seed) for seed in seeds]
    for a, b in zip(forked, serial):
        np.testing.assert_array_equal(a.draws["a"], b.draws["a"])
    assert not np.array_equal(forked[0].draws["a"], forked[1].draws["a"])  # each item its own


def test_parallel_map_raises_what_a_worker_raised(monkeypatch):
    monkeypatch.setenv("SCALINGLAWS_WORKERS", "2")

    def fails_on_two(x):
        if x == 2:
            raise fitting.FitError("group 'b': none of 3 starts converged")
        return x * 10

    with pytest.raises(fitting.FitError, match="group 'b'"):
        list(fitting.parallel_map(fails_on_two, [1, 2, 3]))
    assert list(fitting.parallel_map(lambda x: x * 10, [1, 3])) == [10, 30]
    import os

    assert os.getpid() not in set(fitting.parallel_map(lambda _: os.getpid(), range(4)))  # really forked
    monkeypatch.setenv("SCALINGLAWS_WORKERS", "two")
    with pytest.raises(ValueError, match="SCALINGLAWS_WORKERS"):
        fitting.workers()
