"""Benchmark every law: predict throughput, the leaderboard interface, a per-row loop, fit, start-up and notebook time.

    python benchmarks/run.py                  # everything (executes every notebook once)
    python benchmarks/run.py --no-notebooks   # skip notebook execution times
    python benchmarks/run.py --studies        # only the studies of 200 runs

For each law, on 10^6 rows drawn from its training inputs:

- ``predict``: the public, vectorised law (input validated, range checked), rows per second;
- ``law()``: the same rows through the leaderboard interface (dicts in, dicts out);
- a per-row Python loop doing the law's arithmetic one row at a time, as SLDBench's seed
  programs do (timed on 20,000 rows and reported per row);

and the ratios, measured in one run; the time of ``fit`` on the training split (median of
3); the start-up time of the command (``scalinglaws predict`` for one point, median of 5
fresh processes); each notebook's execution time; and the wall time of a study (the law's
whole pool through the selection protocol, bootstrap and calibration, as ``scalinglaws study``
runs it) of 200 runs drawn from each law's training table (all of it where it has fewer).
Targets: ``predict`` >= 100x the per-row loop; every notebook under 60 s; a study of 200 runs
under 60 s on two cores.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from scalinglaws import data, laws  # noqa: E402

ROWS = 1_000_000
LOOP_ROWS = 20_000


def _timed(function, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_law(module: str) -> dict[str, float]:
    t = data.task(module)
    law = laws.get(module)
    table = data.load(module)
    group = table[t.group_column].iloc[0]
    constants = law.PARAMS[group]
    rng = np.random.default_rng(0)
    sample = table.loc[table[t.group_column] == group, t.input_names]
    inputs = sample.iloc[rng.integers(0, len(sample), ROWS)].reset_index(drop=True)
    columns = {name: inputs[name].to_numpy() for name in t.input_names}
    records = inputs.to_dict("records")

    predict_s = _timed(lambda: law.predict(columns, constants), repeat=3)
    law_s = _timed(lambda: law.law(records, group))
    scalar_rows = [{name: float(value) for name, value in row.items()} for row in records[:LOOP_ROWS]]
    formula = law.LAW.formula
    loop_s = _timed(lambda: [formula(row, constants) for row in scalar_rows]) * ROWS / LOOP_ROWS
    fit_s = _timed(lambda: law.fit(table), repeat=3)
    return {
        "law": module,
        "predict rows/s": ROWS / predict_s,
        "law() rows/s": ROWS / law_s,
        "loop rows/s": ROWS / loop_s,
        "predict / loop": loop_s / predict_s,
        "law() / loop": loop_s / law_s,
        "fit s": fit_s,
    }


def startup_seconds(module: str, repeat: int = 5) -> float:
    """Wall time of ``scalinglaws predict`` for one point of a law, in a fresh process."""
    t = data.task(module)
    row = data.load(module).iloc[0]
    argv = [str(Path(sys.executable).with_name("scalinglaws")), "predict", module, "--group", str(row[t.group_column])]
    for name in t.input_names:
        argv += [f"--{name.replace('_', '-')}", repr(float(row[name]))]
    return _timed(lambda: subprocess.run(argv, check=True, capture_output=True), repeat=repeat)


STUDY_RUNS = 200


def _draw_runs(table: pd.DataFrame, group_column: str | None) -> pd.DataFrame:
    """About `STUDY_RUNS` runs, seeded: whole groups in a random order where the law fits
    each group on its own (a random draw of rows would leave some group too few runs to
    fit, which a user's sweep would not have), else a random draw of rows."""
    if group_column is None or group_column not in table or table[group_column].nunique() < 2:
        return table.sample(STUDY_RUNS, random_state=0)
    order = table[group_column].drop_duplicates().sample(frac=1.0, random_state=0)
    sizes = table[group_column].value_counts()[order].cumsum()
    kept = sizes.index[: int((sizes < STUDY_RUNS).sum()) + 1]
    return table[table[group_column].isin(kept)]


def bench_study(module: str) -> dict[str, float]:
    """A study of 200 runs of the law's own table (distinct settings, seeded), its whole pool."""
    import warnings

    from scalinglaws.studies import study

    law = laws.get(module).LAW
    table = data.load(module)
    if law.protocol is None:
        return {"law": module, "runs": len(table), "forms": 0, "study s": float("nan")}
    runs = table if len(table) <= STUDY_RUNS else _draw_runs(table, law.task.group_column)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds = _timed(lambda: study(law, runs))
    return {"law": module, "runs": len(runs), "forms": len(law.candidates), "study s": seconds}


def bench_notebooks() -> pd.DataFrame:
    import run_notebooks

    rows = []
    for source in run_notebooks.order(list((ROOT / "notebooks").glob("*.py"))):
        rows.append({"notebook": source.stem, "execution s": run_notebooks.execute(source)})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-notebooks", action="store_true", help="skip notebook execution times")
    parser.add_argument("--studies", action="store_true", help="only the studies of 200 runs")
    args = parser.parse_args(argv)
    studies = pd.DataFrame([bench_study(m) for m in laws.available()])
    print(f"Studies of up to {STUDY_RUNS} runs of each law's table (its whole pool, bootstrap, calibration):")
    print(studies.to_string(index=False, formatters={"study s": "{:.1f}".format}))
    if args.studies:
        return 0
    results = pd.DataFrame([bench_law(m) for m in laws.available()])
    formats = {
        "predict rows/s": "{:.3g}".format, "law() rows/s": "{:.3g}".format, "loop rows/s": "{:.3g}".format,
        "predict / loop": "{:.0f}x".format, "law() / loop": "{:.1f}x".format, "fit s": "{:.3f}".format,
    }
    print(f"Laws ({ROWS:,} rows; the per-row loop timed on {LOOP_ROWS:,} rows):")
    print(results.to_string(index=False, formatters=formats))
    startup = {module: startup_seconds(module) for module in laws.available()}
    print("\nStart-up: `scalinglaws predict LAW ...` for one point, median of 5 fresh processes:")
    print("  " + ", ".join(f"{m} {s:.2f} s" for m, s in startup.items()))
    if not args.no_notebooks:
        notebooks = bench_notebooks()
        print("\nNotebooks (fresh kernel each):")
        print(notebooks.to_string(index=False, formatters={"execution s": "{:.1f}".format}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
