"""The task schema, where tables are found, and what a missing table or task says."""

import sys
import types

import pandas as pd
import pytest

from scalinglaws import data


def test_schema_covers_the_eight_tasks_and_chinchilla():
    assert set(data.TASKS) == {
        "parallel", "vocab", "sft", "domain_mixture", "moe", "data_constrained", "lr_bsz", "u_shape", "chinchilla",
    }
    for t in data.TASKS.values():
        assert t.inputs and t.targets
        assert all(axis in t.input_names for axis in t.extrapolation_axes)
        for source in t.sources:
            assert source.bibtex.startswith("@article{") and source.arxiv in source.bibtex
        assert data.task(t.name) is t  # SLDBench's name works as well as the module name
    assert data.task("chinchilla").benchmark is None and data.task("moe").benchmark is data.SLDBENCH


def test_limits_of_constants_match_the_design():
    limits = {m: t.max_constants_per_group for m, t in data.TASKS.items()}
    assert limits == {
        "parallel": 4, "vocab": 7, "sft": 4, "domain_mixture": 35, "moe": 6,
        "data_constrained": 7, "lr_bsz": None, "u_shape": 6, "chinchilla": 5,
    }


@pytest.mark.parametrize("module", sorted(data.TASKS))
def test_every_training_table_ships_with_the_package_and_loads_tidy(module, monkeypatch, tmp_path):
    # From any working directory, with no environment variable: the packaged copy.
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    t = data.task(module)
    table = data.load(module)
    assert list(table.columns) == t.columns
    assert len(table) == t.rows
    assert table[t.group_column].map(type).eq(str).all()
    for column in [*t.input_names, *t.target_names]:
        assert table[column].dtype == float
    if t.groups:
        assert set(table[t.group_column]) == set(t.groups)
    assert str(data.PACKAGED_DATA) in str(data._find_table(t, "train", None))


def test_the_packaged_data_has_its_provenance():
    readme = (data.PACKAGED_DATA / "README.md").read_text(encoding="utf-8")
    for phrase in ("2507.21184", "1730 of the Hub's 2702", "headers swap the two", "Licences",
                   "Besiroglu", "held-out test split"):
        assert phrase in readme, phrase
    assert not list(data.PACKAGED_DATA.rglob("test.csv"))  # the held-out splits are not shipped


def test_parallel_table_is_the_one_described():
    table = data.load("parallel")
    assert len(table) == 36
    assert sorted(table.parallel_size.unique()) == [1.0, 2.0, 4.0]


def test_environment_variable_overrides_the_packaged_copy(parallel_folder, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(parallel_folder))
    assert data.data_dirs() == [parallel_folder, data.PACKAGED_DATA]
    assert len(data.load("parallel")) == 3
    assert len(data.load("parallel", data_dir=parallel_folder)) == 3


def test_explicit_folder_without_the_task_says_where_it_looked(tmp_path):
    with pytest.raises(data.DataNotFoundError) as error:
        data.load("moe", data_dir=tmp_path)
    message = str(error.value)
    assert str(tmp_path / "moe_scaling_law" / "train.csv") in message
    assert data.DATA_ENV in message


def test_the_test_split_is_held_out():
    with pytest.raises(data.DataNotFoundError, match="held out"):
        data.load("parallel", split="test")
    with pytest.raises(data.DataNotFoundError, match="no test split"):
        data.load("chinchilla", split="test")


def test_unknown_task_lists_the_tasks():
    with pytest.raises(data.InputError) as error:
        data.task("gpt5")
    for module in data.TASKS:
        assert module in str(error.value)


def test_table_missing_a_column_is_named(tmp_path):
    folder = tmp_path / "parallel_scaling_law"
    folder.mkdir()
    (folder / "train.csv").write_text("group,num_params,loss\npile,1e9,2.0\n", encoding="utf-8")
    with pytest.raises(data.InputError, match="parallel_size"):
        data.load("parallel", data_dir=tmp_path)


def test_hub_loading_without_the_library_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)  # import fails as if not installed
    with pytest.raises(data.DataNotFoundError, match="datasets"):
        data.load_from_hub("parallel")


def test_hub_loading_offline_is_a_clear_error(monkeypatch):
    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=offline))
    with pytest.raises(data.DataNotFoundError, match="ConnectionError: no network"):
        data.load_from_hub("parallel")


def test_hub_loading_returns_a_tidy_table(monkeypatch):
    frame = pd.DataFrame({"group": ["pile"], "num_params": [1e9], "parallel_size": [2], "loss": [2.0]})
    fake = types.SimpleNamespace(
        load_dataset=lambda name, config, split: types.SimpleNamespace(to_pandas=lambda: frame)
    )
    monkeypatch.setitem(sys.modules, "datasets", fake)
    table = data.load_from_hub("parallel")
    assert table.parallel_size.dtype == float and list(table.columns) == data.task("parallel").columns


def test_importing_the_package_never_touches_the_hub():
    import importlib

    import scalinglaws

    importlib.reload(scalinglaws)
    assert "datasets" not in sys.modules or sys.modules["datasets"] is None


class TestValidateInputs:
    def test_accepts_records_frames_columns_and_arrays(self):
        records = [{"num_params": 1e9, "parallel_size": 2}]
        frame = pd.DataFrame(records)
        columns = {"num_params": [1e9], "parallel_size": [2]}
        for rows in (records, frame, frame.to_numpy(), columns, {"num_params": 1e9, "parallel_size": 2}):
            out = data.validate_inputs("parallel", rows)
            assert {k: v.tolist() for k, v in out.items()} == {"num_params": [1e9], "parallel_size": [2.0]}

    def test_a_record_missing_one_input_names_the_row(self):
        rows = [{"num_params": 1e9, "parallel_size": 2}, {"num_params": 1e9}]
        with pytest.raises(data.InputError, match="row 1: missing input.*parallel_size"):
            data.validate_inputs("parallel", rows)

    def test_numbers_written_as_text_only_where_asked(self):
        rows = pd.DataFrame({"num_params": ["1e9", "2e9"], "parallel_size": ["1", "2"]})
        out = data.validate_inputs("parallel", rows, text=True)
        assert out["num_params"].tolist() == [1e9, 2e9]
        with pytest.raises(data.InputError, match="row 0, column num_params: expected a number"):
            data.validate_inputs("parallel", rows)

    def test_a_string_in_a_csv_column_is_reported_at_its_row(self):
        rows = pd.DataFrame({"num_params": ["1e9", "2e9", "big", "3e9"], "parallel_size": ["1"] * 4})
        with pytest.raises(data.InputError, match="row 2, column num_params: expected a number, got 'big'"):
            data.validate_inputs("parallel", rows, text=True)

    def test_shares_must_sum_to_one(self):
        names = data.task("domain_mixture").input_names
        for total in (5.0, 0.1):
            row = {name: total / 5 for name in names}
            with pytest.raises(data.InputError, match=f"sum to {total:g}, not 1"):
                data.validate_inputs("domain_mixture", [row])
        assert len(data.validate_inputs("domain_mixture", [{n: 0.2 for n in names}])["proportion_domain_1"]) == 1

    def test_not_records_at_all(self):
        for rows in ("num_params", 3.0, None):
            with pytest.raises(data.InputError, match="expected records"):
                data.validate_inputs("parallel", rows)

    def test_a_record_without_any_input_names_the_columns(self):
        with pytest.raises(data.InputError, match="missing input column.*log_flops"):
            data.validate_inputs("u_shape", [{}])

    def test_missing_column_is_named(self):
        with pytest.raises(data.InputError, match="missing input column.*parallel_size"):
            data.validate_inputs("parallel", [{"num_params": 1e9}])

    @pytest.mark.parametrize("value", [0, -1.0])
    def test_non_positive_size_names_row_and_column(self, value):
        rows = [{"num_params": 1e9, "parallel_size": 1}, {"num_params": 1e9, "parallel_size": value}]
        with pytest.raises(data.InputError, match="row 1, column parallel_size.*not positive"):
            data.validate_inputs("parallel", rows)

    def test_nan_names_row_and_column(self):
        with pytest.raises(data.InputError, match="row 0, column num_params.*finite"):
            data.validate_inputs("parallel", [{"num_params": float("nan"), "parallel_size": 1}])

    def test_missing_value_is_not_finite(self):
        rows = [{"num_params": 1e9, "parallel_size": 1}, {"num_params": None, "parallel_size": 1}]
        with pytest.raises(data.InputError, match="row 1, column num_params: nan is not a finite number"):
            data.validate_inputs("parallel", rows)

    @pytest.mark.parametrize("value", ["1e9", True])
    def test_non_number_names_row_and_column(self, value):
        rows = [{"num_params": 1e9, "parallel_size": 1}, {"num_params": value, "parallel_size": 1}]
        with pytest.raises(data.InputError, match="row 1, column num_params: expected a number"):
            data.validate_inputs("parallel", rows)

    def test_wrong_array_shape(self):
        with pytest.raises(data.InputError, match=r"\(n, 2\) array"):
            data.validate_inputs("parallel", [[1e9, 2, 3]])

    def test_empty_input_gives_empty_columns(self):
        out = data.validate_inputs("parallel", [])
        assert list(out) == ["num_params", "parallel_size"] and all(len(v) == 0 for v in out.values())

    def test_real_and_nonnegative_domains(self):
        assert data.validate_inputs("u_shape", [{"log_flops": -0.5}])["log_flops"].tolist() == [-0.5]
        zero_share = {f"proportion_domain_{i}": 0.25 if i > 1 else 0.0 for i in range(1, 6)}
        assert len(data.validate_inputs("domain_mixture", [zero_share])["proportion_domain_1"]) == 1
        with pytest.raises(data.InputError, match="nonnegative"):
            data.validate_inputs("domain_mixture", [{**zero_share, "proportion_domain_1": -0.1}])


def test_counts_are_whole_losses_positive_and_a_semicolon_header_is_named():
    import pandas as pd

    runs = data.load("parallel").head(4)
    with pytest.raises(data.InputError, match=r"row 2, column parallel_size: 2.5 is not a whole number "
                                              r"\(number of parallel streams P\)"):
        data.validate_table("parallel", runs.assign(parallel_size=[1, 2, 2.5, 4]))
    with pytest.raises(data.InputError, match=r"row 1, column loss: -2.0 is not positive \(validation loss\)"):
        data.validate_table("parallel", runs.assign(loss=[2.0, -2.0, 2.0, 2.0]))
    # a curve through fractional streams is still a function a notebook may draw
    data.validate_inputs("parallel", {"num_params": [1e9], "parallel_size": [2.5]})
    with pytest.raises(data.InputError, match="not a whole number"):
        data.validate_inputs("parallel", {"num_params": [1e9], "parallel_size": [2.5]}, whole=True)
    one_column = pd.DataFrame({"num_params;parallel_size;loss": ["1e9;1;2.0"]})
    with pytest.raises(data.InputError, match="looks semicolon-separated"):
        data.validate_table("parallel", one_column)
    assert data.separator_hint(["a", "b"]) == ""
    # every loss a task's law fits must be positive; a loss relative to a baseline may not be
    for t in data.TASKS.values():
        for column in t.targets:
            if column.name.endswith("loss") and column.name != "unigram_normalized_loss":
                assert column.domain == "positive", (t.module, column.name)


def test_a_title_ending_in_a_question_mark_gets_no_full_stop():
    assert "Can Language Models Discover Scaling Laws? arXiv preprint" in data.SLDBENCH.text
    assert "Training Compute-Optimal Large Language Models. Advances" in data.task("chinchilla").source.text
