"""scalinglaws.fit: the law's form fitted to a user's runs, and the bad tables it refuses."""

import numpy as np
import pandas as pd
import pytest

import scalinglaws
from scalinglaws import data, fitting, laws, records
from scalinglaws.refit import load_fitted


@pytest.mark.parametrize("module", laws.available())
def test_fitting_the_training_table_predicts_what_the_stored_constants_predict(module):
    law = laws.get(module).LAW
    table = data.load(module)
    fitted = scalinglaws.fit(module, table, bootstrap=0)
    ours = fitting.predict_table(law.formula, table, fitted.constants, law.task)
    stored = fitting.predict_table(law.formula, table, law.params, law.task)
    np.testing.assert_allclose(ours, stored, rtol=records.PREDICTION_RTOL, atol=1e-12)


def test_without_a_group_column_and_with_intervals():
    runs = data.load("parallel").query("group == 'pile'").drop(columns="group")
    fitted = scalinglaws.fit("parallel", runs, bootstrap=10, seed=1)
    assert list(fitted.constants) == ["all_data"]
    assert set(fitted.intervals.constant) == set(laws.get("parallel").PARAM_NAMES)
    assert {"identified", "note"} <= set(fitted.intervals.columns)
    prediction = fitted.predict([{"num_params": 1e9, "parallel_size": 2}])
    assert prediction.shape == (1,) and 1.9 < prediction[0] < 2.1
    band = fitted.predict([{"num_params": 1e9, "parallel_size": 2}], interval=0.9)
    assert band.loss_low.iloc[0] < band.loss.iloc[0] < band.loss_high.iloc[0]


def test_save_and_load(tmp_path):
    fitted = scalinglaws.fit("parallel", data.load("parallel"), bootstrap=5)
    again = load_fitted(fitted.save(tmp_path / "c.json"))
    assert again.constants == fitted.constants and again.task == "parallel"
    assert again.record.uncertainty is not None and again.r2 == pytest.approx(fitted.r2)
    with pytest.raises(data.InputError, match="is a directory"):
        fitted.save(tmp_path)


def test_copies_of_one_run_are_not_runs():
    one = data.load("parallel").head(1)
    with pytest.raises(data.InputError, match=r"1 distinct run\(s\) \(20 rows\).*needs at least"):
        scalinglaws.fit("parallel", pd.concat([one] * 20), bootstrap=0)


def test_a_target_that_does_not_vary_cannot_be_fitted():
    runs = data.load("parallel").query("group == 'pile'").assign(loss=2.0)
    with pytest.raises(data.InputError, match="every loss is 2"):
        scalinglaws.fit("parallel", runs, bootstrap=0)


def test_duplicated_runs_do_not_shrink_the_intervals():
    runs = data.load("parallel").query("group == 'pile'")
    once = scalinglaws.fit("parallel", runs, bootstrap=30, seed=0).intervals
    twice = scalinglaws.fit("parallel", pd.concat([runs] * 5), bootstrap=30, seed=0).intervals
    width = lambda frame: (frame["high_95%"] - frame["low_95%"]).to_numpy()  # noqa: E731
    assert np.all(width(twice) > 0.5 * width(once))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda f: f.drop(columns="loss"), "missing column(s) loss"),
        (lambda f: f.assign(num_params=f.num_params.astype(object).where(f.index != 3, "big")),
         "row 3, column num_params: expected a number"),
        (lambda f: f.assign(loss=f.loss.where(f.index != 5, np.nan)), "row 5, column loss"),
        (lambda f: f.assign(parallel_size=f.parallel_size.where(f.index != 2, 0.0)), "row 2, column parallel_size"),
        (lambda f: f.head(3), "3 distinct run(s)"),
        (lambda f: f.head(0), "no rows"),
    ],
)
def test_bad_tables_are_refused_with_the_column_or_row(mutate, message):
    with pytest.raises(data.InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scalinglaws.fit("parallel", mutate(data.load("parallel")), bootstrap=0)


def test_a_bad_bootstrap_count():
    with pytest.raises(data.InputError, match="bootstrap"):
        scalinglaws.fit("parallel", data.load("parallel"), bootstrap=-1)


def test_a_file_that_is_not_constants(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    with pytest.raises(data.InputError, match="not a record of constants"):
        load_fitted(path)


def test_training_ranges_are_stored_per_group():
    record = laws.get("parallel").LAW.record
    table = data.load("parallel")
    for group, rows in table.groupby("group"):
        assert record.ranges(group)["num_params"] == (rows.num_params.min(), rows.num_params.max())
    assert record.ranges()["parallel_size"] == (1.0, 4.0)
    assert record.ranges("no-such-group") == record.ranges()
