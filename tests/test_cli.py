"""The scalinglaws command: every subcommand, its output, and one-line errors."""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scalinglaws import cli, data, laws, records

SCRIPT = str(Path(sys.executable).with_name("scalinglaws"))


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

    code, out, err = run(capsys, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "4",
                         "--group", "pile", "--json")
    expected = parallel.law([{"num_params": 1e9, "parallel_size": 4}], "pile")[0]["loss"]
    assert code == 0 and json.loads(out)[0]["loss"] == pytest.approx(expected, rel=1e-12) and err == ""
    code, out, _ = run(capsys, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "4", "--group", "pile")
    assert out.strip() == f"loss  {expected:.4g}  validation loss"


def test_predict_outside_the_training_range_warns_on_stderr(capsys):
    # README's own example: P = 8 lies beyond the measured P <= 4.
    code, out, err = run(capsys, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "8", "--group", "pile")
    assert code == 0 and out.startswith("loss  ")
    assert err.strip() == ("warning: parallel_size = 8 is outside the training range [1, 4] of the parallel law: "
                           "the result extrapolates")


def test_predict_with_a_prediction_interval(capsys, tmp_path):
    code, out, _ = run(capsys, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "4",
                       "--group", "pile", "--interval", "0.9")
    # the level and the target's name beside the interval, at 4 significant figures
    name, value, description, level, low, high = re.fullmatch(
        r"(\w+)  (\S+)  (.+)  (\d+)% interval (\S+) to (\S+)\n", out).groups()
    assert code == 0 and (name, description, level) == ("loss", "validation loss", "90")
    assert float(low) < float(value) < float(high)
    table = data.load("parallel").iloc[[0, 20]]
    path = tmp_path / "runs.csv"
    table.to_csv(path, index=False)
    code, out, _ = run(capsys, "predict", "parallel", "--csv", str(path), "--interval", "0.9")
    assert out.splitlines()[0] == "group,num_params,parallel_size,loss,loss_low,loss_high"
    code, out, err = run(capsys, "predict", "parallel", "--csv", str(path), "--interval", "90")
    assert code == 2 and "level between 0 and 1" in err


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


def test_a_string_in_a_csv_column_is_reported_at_its_row(capsys, tmp_path):
    path = tmp_path / "runs.csv"
    path.write_text("group,num_params,parallel_size\npile,1e9,1\npile,2e9,2\npile,big,4\n")
    code, _, err = run(capsys, "predict", "parallel", "--csv", str(path))
    assert code == 2 and "row 2, column num_params: expected a number, got 'big'" in err


def test_score_on_the_training_split(capsys):
    code, out, _ = run(capsys, "score", "parallel", "--json")
    result = json.loads(out)
    assert code == 0 and result["rows"] == 36 and result["r2"] > 0.999


def test_cite_gives_package_source_and_sldbench(capsys):
    code, out, _ = run(capsys, "cite", "parallel")
    assert code == 0 and out.count("@") == 3
    assert "@software{scalinglaws" in out and "2505.10475" in out and "2507.21184" in out
    assert ("url     = {" in out.split("@article")[0]) == (cli.project_url() is not None)
    code, out, _ = run(capsys, "cite", "parallel", "--format", "text")
    assert "Parallel Scaling Law for Language Models" in out and "α" in out


@pytest.mark.parametrize("module", laws.available())
def test_cite_as_text_has_no_latex_and_no_doubled_punctuation(capsys, module):
    code, out, _ = run(capsys, "cite", module, "--format", "text")
    assert code == 0 and "\\" not in out and "{" not in out and "}" not in out
    assert not re.search(r"[?!.]\.", out), out
    assert "Can Language Models Discover Scaling Laws? arXiv" in out or module == "chinchilla"


def test_fit_round_trips_to_the_stored_constants(capsys, tmp_path):
    from scalinglaws.laws import parallel

    runs = tmp_path / "runs.csv"
    data.load("parallel").to_csv(runs, index=False)
    out_file = tmp_path / "constants.json"
    code, out, _ = run(capsys, "fit", "parallel", "--csv", str(runs), "--bootstrap", "5", "--out", str(out_file))
    assert code == 0 and "R2 0.9999" in out
    fitted = records.read(out_file)
    same = parallel.LAW.same_predictions(data.load("parallel"))
    assert all(same(fitted.params[g], parallel.PARAMS[g], g) for g in parallel.PARAMS)
    code, out, _ = run(capsys, "predict", "parallel", "--constants", str(out_file), "--num-params", "1e9",
                       "--parallel-size", "2", "--group", "stack", "--json")
    expected = parallel.law([{"num_params": 1e9, "parallel_size": 2}], "stack")[0]["loss"]
    assert json.loads(out)[0]["loss"] == pytest.approx(expected, rel=1e-6)
    code, out, _ = run(capsys, "optimize", "parallel", "--constants", str(out_file), "--num-params", "1e9",
                       "--parallel-size", "2", "--group", "stack", "--json")
    assert code == 0 and "equivalent_num_params_interval" in json.loads(out)


def test_fit_says_which_constants_the_runs_do_not_identify(capsys, tmp_path):
    runs = tmp_path / "runs.csv"
    data.load("parallel").query("num_params < 2e9").to_csv(runs, index=False)
    code, out, err = run(capsys, "fit", "parallel", "--csv", str(runs), "--bootstrap", "20")
    assert code == 0 and "identified" in out
    assert "is not identified by these runs" in err


def test_optimize_reports_the_decision_and_warns_on_stderr(capsys):
    code, out, err = run(capsys, "optimize", "parallel", "--num-params", "1e9", "--parallel-size", "8",
                         "--group", "pile", "--json")
    result = json.loads(out)
    assert code == 0 and result["equivalent_num_params"] > 1e9
    assert result["units"]["equivalent_num_params"] == "parameters"
    assert "parallel_size = 8 is outside the training range" in err
    code, named, _ = run(capsys, "optimize", "parallel", "equivalent_parameters", "--num-params", "1e9",
                         "--parallel-size", "8", "--group", "pile", "--json")
    assert json.loads(named) == result
    code, text, _ = run(capsys, "optimize", "parallel", "--num-params", "1e9", "--parallel-size", "2", "--group", "pile")
    row = next(line for line in text.splitlines() if line.split()[0] == "equivalent_num_params")
    assert re.fullmatch(r"\s+equivalent_num_params  \d\.\d{1,3}e9  parameters  80% interval \S+e9 to \S+e9", row), row
    assert text.splitlines()[0] == "parallel equivalent_parameters (group pile)"


def test_optimize_shows_lists_and_dicts_compactly_at_four_figures(capsys):
    code, out, _ = run(capsys, "optimize", "moe", "--dense-parameter-count", "1e8")
    assert code == 0 and re.search(r"num_experts\s+1, 2, 4, 8, 16, 32, 64, 128, 256, 512  experts", out)
    assert "80% intervals per value: --json" in out
    mantissas = re.findall(r"(?<![\w.])(\d+\.\d+|\d+)(?:e-?\d+)?", out)
    assert all(len(m.replace(".", "").lstrip("0")) <= 4 for m in mantissas if "." in m), out  # 4 figures at most
    code, out, _ = run(capsys, "optimize", "domain_mixture", "--group", "410M")
    assert code == 0 and "{" not in out and re.search(r"\n    proportion_domain_1\s+0\.\d{1,4}\n", out)
    code, out, _ = run(capsys, "optimize", "sft", "--dataset", "flan", "--sft-data-size", "10000")
    assert code == 0 and "{" not in out and re.search(r"\n    model\s+group\s+sft_loss\n", out)
    code, out, _ = run(capsys, "optimize", "lr_bsz", "--non-embedding-param-size", "1.07e9", "--data-size", "1e11")
    assert code == 0 and re.search(r"lr_basin\s+5\.44e-4, 0\.003066\s+learning rate", out)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["predict", "parallel", "--num-params", "1e9", "--parallel-size", "8"], "name a group"),
        (["predict", "parallel", "--num-params", "1e9", "--group", "pile"], "missing --parallel-size"),
        (["predict", "parallel", "--num-params", "0", "--parallel-size", "2", "--group", "pile"], "not positive"),
        (["predict", "parallel", "--num-params", "1e9", "--parallel-size", "2", "--group", "web"], "the groups are: pile, stack"),
        (["predict", "parallel", "--csv", "/no/such/file.csv"], "cannot read"),
        (["score", "parallel", "--split", "test"], "held out"),
        (["optimize", "parallel", "--num-params", "-5", "--parallel-size", "2", "--group", "pile"], "not a positive number"),
        (["optimize", "parallel", "--num-params", "1e9", "--group", "pile"], "needs --parallel-size"),
        (["export", "--check", "--root", "/tmp"], "no notebooks"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_bad_constants_files_are_one_line_errors(capsys, tmp_path):
    good = json.loads((Path(records.stored_path("parallel"))).read_text())
    short = {**good, "params": {"pile": good["params"]["pile"][:-1]}}
    nan = {**good, "params": {"pile": [float("nan")] * len(good["param_names"])}}
    cases = {"short.json": (json.dumps(short), "has 7 value(s), the law has 8"),
             "nan.json": (json.dumps(nan).replace("NaN", "NaN"), "not a finite number"),
             "moe.json": (json.dumps({**good, "task": "moe_scaling_law"}), "constants of the moe law")}
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        code, out, err = run(capsys, "predict", "parallel", "--constants", str(tmp_path / name),
                             "--num-params", "1e9", "--parallel-size", "2", "--group", "pile")
        assert code == 2 and out == "" and message in err and err.count("\n") == 1, name
    code, _, err = run(capsys, "predict", "parallel", "--constants", str(tmp_path),
                       "--num-params", "1e9", "--parallel-size", "2", "--group", "pile")
    assert code == 2 and "is a directory" in err


def test_fit_refuses_what_it_cannot_fit(capsys, tmp_path):
    header = tmp_path / "header.csv"
    header.write_text("group,num_params,parallel_size,loss\n")
    code, _, err = run(capsys, "fit", "parallel", "--csv", str(header))
    assert code == 2 and "header and no rows" in err
    copies = tmp_path / "copies.csv"
    copies.write_text("group,num_params,parallel_size,loss\n" + "pile,1e9,1,2.0\n" * 20)
    code, _, err = run(capsys, "fit", "parallel", "--csv", str(copies))
    assert code == 2 and "1 distinct run(s) (20 rows)" in err
    missing = tmp_path / "missing.csv"
    missing.write_text("num_params,loss\n1e9,2.0\n")
    code, _, err = run(capsys, "fit", "parallel", "--csv", str(missing))
    assert code == 2 and "missing column(s) parallel_size" in err
    code, _, err = run(capsys, "predict", "parallel", "--csv", str(header))
    assert code == 2 and "header and no rows" in err


def test_every_subcommand_has_help():
    for argv in (["--help"], ["list", "--help"], ["predict", "parallel", "--help"], ["score", "parallel", "--help"],
                 ["cite", "parallel", "--help"], ["fit", "parallel", "--help"], ["optimize", "parallel", "--help"],
                 ["optimize", "parallel", "equivalent_parameters", "--help"], ["export", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(argv)
        assert exit_.value.code == 0


def test_export_check_fails_on_drift(tmp_path, capsys):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "src" / "scalinglaws" / "laws").mkdir(parents=True)
    (tmp_path / "notebooks" / "toy.py").write_text('# %% tags=["export"]\nA = 1\n', encoding="utf-8")
    code, _, err = run(capsys, "export", "--check", "--root", str(tmp_path))
    assert code == 1 and "toy.py is missing" in err
    assert cli.main(["export", "--root", str(tmp_path)]) == 0
    assert cli.main(["export", "--check", "--root", str(tmp_path)]) == 0


def test_console_script_and_python_dash_m():
    for command in ([SCRIPT], [sys.executable, "-m", "scalinglaws"]):
        result = subprocess.run([*command, "predict", "parallel", "--num-params", "1e9", "--parallel-size", "0",
                                 "--group", "pile"], capture_output=True, text=True)
        assert result.returncode == 2 and result.stderr.startswith("scalinglaws predict: error:")


def test_predicting_imports_one_law_and_no_fitting_machinery():
    probe = (
        "import sys; from scalinglaws import cli; "
        "code = cli.main(['predict', 'parallel', '--num-params', '1e9', '--parallel-size', '2', '--group', 'pile']); "
        "print(code, sorted(m for m in sys.modules if m.startswith('scalinglaws.laws.') or m in ('scipy', 'pandas')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "0 ['scalinglaws.laws.parallel']", result.stdout + result.stderr


@pytest.mark.parametrize("module", laws.available())
def test_importing_a_law_loads_no_fitting_machinery(module):
    # A law builds its fit function when imported; scipy and pandas must wait until a fit runs,
    # or every command pays for them at start-up (data_constrained once took 0.43 s, not 0.12 s).
    probe = (f"import sys, scalinglaws.laws.{module}; "
             "print(sorted(m for m in sys.modules if m in ('scipy', 'pandas')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


def test_one_word_for_one_thing_constants_and_model_size():
    # --constants is the file of constants everywhere; --params is a model size, as the runs' tables name it.
    parser = cli.build_parser(["predict", "parallel"])
    args = parser.parse_args(["predict", "parallel", "--constants", "c.json"])
    assert args.constants == "c.json"
    with pytest.raises(SystemExit):
        parser.parse_args(["predict", "parallel", "--params", "c.json"])
    args = parser.parse_args(["predict", "data_constrained", "--params", "1e9", "--constants", "c.json"])
    assert args.params == 1e9 and args.constants == "c.json"


def test_the_numbers_the_command_prints_are_what_python_computes(capsys):
    from scalinglaws.laws import parallel

    code, out, _ = run(capsys, "optimize", "parallel", "--num-params", "4e9", "--parallel-size", "4", "--group", "stack",
                       "--json")
    result = json.loads(out)
    direct = parallel.equivalent_parameters(4e9, 4, group="stack").to_dict()
    assert result["equivalent_num_params"] == pytest.approx(direct["equivalent_num_params"])
    assert np.allclose(result["multiplier_interval"], direct["multiplier_interval"])


# ------------------------------------------------------------------ one word for one thing


@pytest.mark.parametrize("argv, usage, message", [
    (["optimize", "chinchilla", "--param", "1e9"],
     "usage: scalinglaws optimize chinchilla", "unrecognized option --param (did you mean --params?)"),
    (["predict", "chinchilla", "--token", "1e9", "--params", "1e9"],
     "usage: scalinglaws predict chinchilla", "unrecognized option --token (did you mean --tokens?)"),
    (["optimize", "moe", "expert_doubling", "--dense-parameter-count", "1e8", "--num-experts", "2", "--bogus", "1"],
     "usage: scalinglaws optimize moe expert_doubling", "unrecognized option --bogus"),
])
def test_no_prefix_matching_and_a_bad_option_gets_its_own_usage(capsys, argv, usage, message):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.startswith(usage) and message in err


@pytest.mark.parametrize("argv, expected", [
    (["optimize", "chinchilla", "--params", "-1e9"], "params: -1000000000.0 is not a positive number"),
    (["optimize", "chinchilla", "--params=-1e9"], "is not a positive number"),
    (["predict", "chinchilla", "--params", "-1e9", "--tokens", "1e10"], "column params: -1000000000.0 is not positive"),
    (["predict", "chinchilla", "--params", "-inf", "--tokens", "1e10"], "is not a finite number"),
    (["predict", "parallel", "--num-params", "1e9", "--parallel-size", "2.5", "--group", "pile"],
     "column parallel_size: 2.5 is not a whole number (number of parallel streams P)"),
    (["optimize", "parallel", "--num-params", "1e9", "--parallel-size", "2.5", "--group", "pile"],
     "--parallel-size: 2.5 is not a whole number"),
    (["optimize", "moe", "expert_doubling", "--dense-parameter-count", "1e8", "--num-experts", "3.5"],
     "--num-experts: 3.5 is not a whole number (experts per MoE layer)"),
])
def test_negative_numbers_are_values_and_counts_are_whole(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and expected in err and err.count("\n") == 1, err


def test_version_and_list_with_decisions(capsys):
    from scalinglaws import __version__

    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"scalinglaws {__version__}"
    code, out, _ = run(capsys, "list")
    assert "  decision allocate: optimize chinchilla [--compute] [--params]" in out
    assert "  decision expert_doubling: optimize moe expert_doubling --dense-parameter-count --num-experts" in out
    code, out, _ = run(capsys, "list", "--json")
    moe = next(r for r in json.loads(out) if r["law"] == "moe")
    assert [d["name"] for d in moe["decisions"]] == list(laws.get("moe").LAW.decisions)


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


@pytest.mark.parametrize("module", laws.available())
def test_every_option_has_a_help_text(module):
    for command in ("predict", "score", "cite", "fit", "optimize"):
        parser = cli.build_parser([command, module])
        for sub in _parsers(parser):
            sub.format_help()  # a help text with a stray % would raise here
            for action in sub._actions:
                if action.option_strings and action.help != argparse.SUPPRESS:
                    assert action.help, (command, module, sub.prog, action.option_strings)


def test_fit_help_names_the_columns(capsys):
    with pytest.raises(SystemExit):
        cli.main(["fit", "moe", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Columns: num_experts (experts per MoE layer); dense_parameter_count" in out
    assert "loss_validation (validation loss); optionally group" in out and "at most 2000" in out


def test_fit_refuses_unusable_fits_negative_losses_semicolons_and_huge_bootstraps(capsys, tmp_path):
    table = data.load("chinchilla")
    four = tmp_path / "four.csv"
    table[table.tokens / table.params > 1].sample(4, random_state=0).to_csv(four, index=False)
    code, _, err = run(capsys, "fit", "chinchilla", "--csv", str(four), "--bootstrap", "20")
    assert code == 2 and "the fit is not usable: none of the chinchilla law's constants is identified" in err
    negative = tmp_path / "negative.csv"
    negative.write_text("params,tokens,loss\n1e8,2e9,3.0\n2e8,4e9,-2.9\n")
    code, _, err = run(capsys, "fit", "chinchilla", "--csv", str(negative))
    assert code == 2 and "row 1, column loss: -2.9 is not positive (final training loss)" in err
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("params;tokens;loss\n1e8;2e9;3.0\n")
    code, _, err = run(capsys, "fit", "chinchilla", "--csv", str(semicolons))
    assert code == 2 and "missing column(s) params, tokens, loss" in err and "looks semicolon-separated" in err
    code, _, err = run(capsys, "predict", "chinchilla", "--csv", str(semicolons))
    assert code == 2 and "looks semicolon-separated" in err
    code, _, err = run(capsys, "fit", "chinchilla", "--csv", str(four), "--bootstrap", "100000")
    assert code == 2 and "100000 refits is more than the 2000 allowed" in err and err.count("\n") == 1


def test_fit_shows_no_progress_bar_when_stderr_is_not_a_terminal(capsys, tmp_path):
    runs = tmp_path / "runs.csv"
    data.load("parallel").to_csv(runs, index=False)
    code, out, err = run(capsys, "fit", "parallel", "--csv", str(runs), "--bootstrap", "3")
    assert code == 0 and err == "" and "bootstrap refits" in out
