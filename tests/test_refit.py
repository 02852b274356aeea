"""scalinglaws.fit: the law's form fitted to a user's runs, and the bad tables it refuses."""

import numpy as np
import pandas as pd
import pytest

import scalinglaws
from scalinglaws import data, laws
from scalinglaws.refit import load_fitted


@pytest.mark.parametrize("module", laws.available())
def test_fitting_the_training_table_reproduces_params(module):
    fitted = scalinglaws.fit(module, data.load(module), bootstrap=0)
    assert fitted.constants == laws.get(module).PARAMS


def test_without_a_group_column_and_with_intervals():
    runs = data.load("parallel").query("group == 'pile'").drop(columns="group")
    fitted = scalinglaws.fit("parallel", runs, bootstrap=10, seed=1)
    assert list(fitted.constants) == ["all_data"]
    assert set(fitted.intervals.constant) == {"E", "A", "alpha", "G"}
    prediction = fitted.predict([{"num_params": 1e9, "parallel_size": 2}])
    assert prediction.shape == (1,) and 1.9 < prediction[0] < 2.1


def test_save_and_load(tmp_path):
    fitted = scalinglaws.fit("parallel", data.load("parallel"), bootstrap=0)
    again = load_fitted(fitted.save(tmp_path / "c.json"))
    assert again.constants == fitted.constants and again.task == "parallel"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda f: f.drop(columns="loss"), "missing column(s) loss"),
        (lambda f: f.assign(num_params=f.num_params.astype(object).where(f.index != 3, "big")), "row 3, column num_params: expected a number"),
        (lambda f: f.assign(loss=f.loss.where(f.index != 5, np.nan)), "row 5, column loss"),
        (lambda f: f.assign(parallel_size=f.parallel_size.where(f.index != 2, 0.0)), "row 2, column parallel_size"),
        (lambda f: f.head(3), "has 3 row(s)"),
    ],
)
def test_bad_tables_are_refused_with_the_column_or_row(mutate, message):
    with pytest.raises(data.InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scalinglaws.fit("parallel", mutate(data.load("parallel")), bootstrap=0)


def test_a_file_that_is_not_constants(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    with pytest.raises(data.InputError, match="not a file of fitted constants"):
        load_fitted(path)


def test_training_ranges_are_stored_per_group():
    from scalinglaws import contract

    table = data.load("u_shape")
    for group, rows in table.groupby("group"):
        assert contract.load_training_range("u_shape", group)["log_flops"] == (rows.log_flops.min(), rows.log_flops.max())
    overall = contract.load_training_range("u_shape")["log_flops"]
    assert overall == (table.log_flops.min(), table.log_flops.max())
    assert contract.load_training_range("u_shape", "no-such-group") == contract.load_training_range("u_shape")
