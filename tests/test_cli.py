"""The scalinglaws command: every subcommand, its output, and one-line errors."""

import json
import subprocess
import sys

import pytest

from scalinglaws import cli, data


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_law_with_inputs_and_groups(capsys):
    from scalinglaws import laws

    code, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["law"] for r in rows] == laws.available()
    parallel = next(r for r in rows if r["law"] == "parallel")
    assert parallel["inputs"] == ["num_params", "parallel_size"] and parallel["groups"] == ["pile", "stack"]
    code, out, _ = run(capsys, "list")
    assert "num_params, parallel_size -> loss" in out


def test_predict_one_point_matches_the_law(capsys):
    from scalinglaws.laws import parallel

    code, out, _ = run(capsys, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "8",
                       "--group", "pile", "--json")
    expected = parallel.law([{"num_params": 1e9, "parallel_size": 8}], "pile")[0]["loss"]
    assert code == 0 and json.loads(out)[0]["loss"] == pytest.approx(expected, rel=1e-12)
    code, out, _ = run(capsys, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "8", "--group", "pile")
    assert out.strip() == f"loss = {expected:.6g}"


def test_predict_a_csv_uses_each_rows_group(capsys, tmp_path):
    from scalinglaws.laws import parallel

    table = data.load("parallel").iloc[[0, 20]]
    path = tmp_path / "runs.csv"
    table.to_csv(path, index=False)
    code, out, _ = run(capsys, "predict", "parallel", "--csv", str(path), "--json")
    rows = json.loads(out)
    assert code == 0 and [r["group"] for r in rows] == ["pile", "stack"]
    for row, (_, source) in zip(rows, table.iterrows()):
        expected = parallel.law([{"num_params": source.num_params, "parallel_size": source.parallel_size}], source.group)
        assert row["loss"] == pytest.approx(expected[0]["loss"], rel=1e-12)
    code, out, _ = run(capsys, "predict", "parallel", "--csv", str(path))
    assert out.splitlines()[0] == "group,num_params,parallel_size,loss" and len(out.splitlines()) == 3


def test_score_on_the_training_split(capsys):
    code, out, _ = run(capsys, "score", "parallel", "--json")
    result = json.loads(out)
    assert code == 0 and result["rows"] == 36 and result["r2"] > 0.999


def test_cite_gives_package_source_and_sldbench(capsys):
    code, out, _ = run(capsys, "cite", "parallel")
    assert code == 0 and out.count("@") == 3
    assert "@software{scalinglaws" in out and "2505.10475" in out and "2507.21184" in out
    code, out, _ = run(capsys, "cite", "parallel", "--format", "text")
    assert "Parallel Scaling Law for Language Models" in out and "\\alpha" in out


def test_fit_round_trips_to_the_stored_constants(capsys, tmp_path):
    from scalinglaws.laws import parallel

    runs = tmp_path / "runs.csv"
    data.load("parallel").to_csv(runs, index=False)
    out_file = tmp_path / "constants.json"
    code, out, _ = run(capsys, "fit", "parallel", "--csv", str(runs), "--bootstrap", "5", "--out", str(out_file))
    assert code == 0 and "R2 0.99998" in out
    assert json.loads(out_file.read_text())["params"] == parallel.PARAMS
    code, out, _ = run(capsys, "predict", "parallel", "--constants", str(out_file), "--num-params", "1e9",
                       "--parallel-size", "2", "--group", "stack", "--json")
    assert json.loads(out)[0]["loss"] == parallel.law([{"num_params": 1e9, "parallel_size": 2}], "stack")[0]["loss"]


def test_optimize_reports_the_decision_and_warns_on_stderr(capsys):
    code, out, err = run(capsys, "optimize", "parallel", "--num-params", "1e9", "--parallel-size", "8",
                         "--group", "pile", "--json")
    result = json.loads(out)
    assert code == 0 and result["equivalent_num_params"] > 1e9
    assert "parallel_size = 8 is outside the training range" in err


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["predict", "parallel", "--num-params", "1e9", "--parallel-size", "8"], "--group is required"),
        (["predict", "parallel", "--num-params", "1e9", "--group", "pile"], "missing --parallel-size"),
        (["predict", "parallel", "--num-params", "0", "--parallel-size", "2", "--group", "pile"], "not positive"),
        (["predict", "parallel", "--num-params", "1e9", "--parallel-size", "2", "--group", "web"], "the groups are: pile, stack"),
        (["predict", "parallel", "--csv", "/no/such/file.csv"], "cannot read"),
        (["score", "parallel", "--split", "test"], "held out"),
        (["optimize", "parallel", "--num-params", "-5", "--parallel-size", "2", "--group", "pile"], "not a positive number"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_bad_fit_table_names_the_column(capsys, tmp_path):
    runs = tmp_path / "runs.csv"
    runs.write_text("num_params,loss\n1e9,2.0\n")
    code, _, err = run(capsys, "fit", "parallel", "--csv", str(runs))
    assert code == 2 and "missing column(s) parallel_size" in err


def test_every_subcommand_has_help():
    for argv in (["--help"], ["list", "--help"], ["predict", "parallel", "--help"], ["score", "parallel", "--help"],
                 ["cite", "parallel", "--help"], ["fit", "parallel", "--help"], ["optimize", "parallel", "--help"],
                 ["export", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(argv)
        assert exit_.value.code == 0


def test_export_check_passes_on_the_repository(capsys):
    code, out, _ = run(capsys, "export", "--check")
    assert code == 0 and "in sync" in out


def test_export_check_fails_on_drift(tmp_path, capsys):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "src" / "scalinglaws" / "laws").mkdir(parents=True)
    (tmp_path / "notebooks" / "toy.py").write_text('# %% tags=["export"]\nA = 1\n', encoding="utf-8")
    code, _, err = run(capsys, "export", "--check", "--root", str(tmp_path))
    assert code == 1 and "toy.py is missing" in err
    assert cli.main(["export", "--root", str(tmp_path)]) == 0
    assert cli.main(["export", "--check", "--root", str(tmp_path)]) == 0


def test_console_script_and_python_dash_m():
    for command in (["scalinglaws"], [sys.executable, "-m", "scalinglaws"]):
        if command == ["scalinglaws"]:
            command = [str(__import__("pathlib").Path(sys.executable).with_name("scalinglaws"))]
        result = subprocess.run([*command, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "0",
                                 "--group", "pile"], capture_output=True, text=True)
        assert result.returncode == 2 and result.stderr.startswith("scalinglaws predict: error:")


def test_params_names_the_constants_file_unless_a_task_has_an_input_called_params():
    parser = cli.build_parser()
    args = parser.parse_args(["predict", "parallel", "--params", "c.json"])
    assert args.constants == "c.json"
    if "data_constrained" in cli._laws():
        args = parser.parse_args(["predict", "data_constrained", "--params", "1e9", "--constants", "c.json"])
        assert args.params == 1e9 and args.constants == "c.json"
