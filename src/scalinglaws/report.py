"""The report of a study: a notebook executed on the user's runs, rendered as HTML.

`write_report` runs the template (``report_template.py``, a jupytext percent script whose
``parameters`` cell papermill fills in) on the study's runs and points, and renders it with
nbconvert, hiding the code of cells tagged ``hide-input``. The executed notebook and the
runs' CSV are written beside the HTML, so that the report can be opened and re-run with
other parameters. The other functions here are what the template's cells call: each prints
or draws one part of the study, from the study object alone.

Needs the ``report`` extra: ``pip install "scalinglaws[report]"`` (papermill, nbconvert,
jupytext, ipykernel, matplotlib).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import selection
from .data import InputError

if TYPE_CHECKING:
    from .studies import Study

__all__ = ["write_report", "summary", "plot_runs", "backtests", "plot_errors", "constants",
           "plot_predictions", "predictions", "decision", "caveats"]

TEMPLATE = Path(__file__).resolve().parent / "report_template.py"


def _markdown(text: str) -> None:
    try:
        from IPython.display import Markdown, display
    except ImportError:  # outside a notebook: plain text
        print(text)
        return
    display(Markdown(text))


def _table(frame: pd.DataFrame) -> None:
    try:
        from IPython.display import HTML, display
    except ImportError:
        print(frame.to_string(index=False))
        return
    display(HTML(frame.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="")))


def _number(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else "n/a"


# ---------------------------------------------------------------- the cells


def summary(study: Study) -> None:
    """What was studied and what was chosen, in a few sentences."""
    t = study.law.task
    chosen = study.chosen if isinstance(study.chosen, str) else " + ".join(
        f"{w:.2f} × {m}" for m, w in zip(study.chosen["members"], study.chosen["weights"]))
    lines = [f"**{len(study.runs)} runs**, law **{t.module}** ({', '.join(t.input_names)} → "
             f"{', '.join(t.target_names)}), {len(study.law.candidates)} candidate forms."]
    if study.reach:
        lines.append("Reach of the backtests: " + ", ".join(
            f"{axis} ×{factor:.3g}" if selection._log_scale(t, axis) else f"{axis} +{factor:.3g}"
            for axis, factor in study.reach.items()) + ".")
    lines.append(f"Chosen: **{chosen}**. {study.reason}")
    lines += [f"Warning: {m}" for m in study.warnings]
    _markdown("\n\n".join(lines))


def plot_runs(study: Study):
    """The target against every extrapolation axis of the law, the requested points marked."""
    import matplotlib.pyplot as plt

    t, protocol = study.law.task, study.law.protocol
    axes_names = list(selection.axes_of(t, protocol)) or t.input_names[:1]
    fig, axes = plt.subplots(len(t.targets), len(axes_names), squeeze=False, layout="constrained",
                             figsize=(min(3.0 * len(axes_names) + 1.0, 9.0), 2.8 * len(t.targets)))
    groups = list(dict.fromkeys(study.runs[t.group_column]))
    for i, target in enumerate(t.target_names):
        for j, axis in enumerate(axes_names):
            ax = axes[i, j]
            for group in groups[:10]:
                rows = study.runs[study.runs[t.group_column] == group]
                ax.scatter(selection.axis_values(rows, t, protocol, axis), rows[target], s=10,
                           label=str(group) if len(groups) > 1 else "runs")
            if study.points is not None:
                for value in np.unique(selection.axis_values(study.points, t, protocol, axis)):
                    ax.axvline(value, color="grey", ls="--", lw=0.8)
            if selection._log_scale(t, axis):
                ax.set_xscale("log")
            ax.set(xlabel=axis, ylabel=target)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle("The runs (dashed: points asked about)")
    return fig


def backtests(study: Study) -> None:
    """The backtest table: R2 per origin, median R2 and bias, admissibility and role."""
    table = study.backtest_table()
    if table.empty:
        _markdown("No backtests: " + (study.warnings[0] if study.warnings else "too few runs."))
        return
    origins = "; ".join(f"{b.origin} ({len(b.train)} runs fitted, {len(b.held)} held)" for b in study.backtests)
    _markdown(f"Origins: {origins}.")
    _table(table)


def plot_errors(study: Study):
    """The chosen law's backtest errors against distance beyond the fitted runs."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.0, 2.8), layout="constrained")
    calibration = study.calibration
    if calibration is None or calibration.errors.empty:
        ax.text(0.5, 0.5, "no backtests", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    errors = calibration.errors
    for origin, rows in errors.groupby("origin", sort=False):
        ax.scatter(rows.distance, rows.error, s=10, label=origin)
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(calibration.validated_distance, color="grey", ls="--", lw=0.8)
    ax.set(xlabel="distance beyond the fitted runs (units of the reach)", ylabel="prediction - truth",
           title="Backtest errors against distance")
    ax.legend(fontsize=7, loc="best")
    return fig


def constants(study: Study) -> None:
    """The constants with 95% bootstrap intervals, and whether the runs identify them."""
    table = study.constants_table.copy()
    shown = table[["group", "constant", "estimate", "low_95%", "high_95%", "identified", "note"]]
    if shown["group"].nunique() == 1:
        shown = shown.drop(columns="group")
    _markdown(f"The law: `{study.fitted.form}`.")
    _table(shown)


def _prediction_frame(study: Study) -> pd.DataFrame:
    if study.points is None:
        return pd.DataFrame()
    return pd.DataFrame(study._prediction_records(study.points, study.level))


def predictions(study: Study) -> None:
    """The requested points with their intervals, and which lie beyond the validated reach."""
    frame = _prediction_frame(study)
    if frame.empty:
        _markdown("No points were asked about: give `--predict POINTS.csv` or `--at axis=value`.")
        return
    _markdown(f"{study.level:.0%} prediction intervals. `reach_factor`: distance beyond the runs in units "
              "of the farthest the backtests validated; beyond 1 the interval grows with it.")
    _table(frame)


def plot_predictions(study: Study):
    """The target along the main extrapolation axis: runs, the law with its band, the points."""
    import matplotlib.pyplot as plt

    t, protocol = study.law.task, study.law.protocol
    frame = _prediction_frame(study)
    axis = (list(selection.axes_of(t, protocol)) or t.input_names[:1])[0]
    fig, ax = plt.subplots(figsize=(5.5, 3.0), layout="constrained")
    target = t.target_names[0]
    ax.scatter(selection.axis_values(study.runs, t, protocol, axis), study.runs[target], s=8, color="grey",
               label="runs")
    fitted = study.predict(study.runs[t.input_names], group=None) if study.runs[t.group_column].nunique() == 1 else None
    if fitted is not None:
        ax.scatter(selection.axis_values(study.runs, t, protocol, axis), np.asarray(fitted).reshape(len(study.runs), -1)[:, 0],
                   s=6, marker="x", color="tab:blue", label="the law at the runs")
    if not frame.empty:
        x = selection.axis_values(frame, t, protocol, axis)
        order = np.argsort(x)
        ax.errorbar(x[order], frame[target].to_numpy()[order],
                    yerr=[(frame[target] - frame[f"{target}_low"]).to_numpy()[order],
                          (frame[f"{target}_high"] - frame[target]).to_numpy()[order]],
                    fmt="o", ms=4, color="tab:red", label=f"points, {study.level:.0%} interval")
    if selection._log_scale(t, axis):
        ax.set_xscale("log")
    ax.set(xlabel=axis, ylabel=target, title="Predictions beyond the runs")
    ax.legend(fontsize=8)
    return fig


def decision(study: Study) -> None:
    """The law's main decision from the study's constants, where the protocol gives an example."""
    law = study.law
    main = law.main_decision()
    example = law.protocol.decision_example
    if main is None or example is None:
        _markdown("This law's decisions need arguments of your own: `study.decide(name, ...)`.")
        return
    arguments = dict(example(study.runs, study.points))
    group = arguments.pop("group", None)
    try:
        result = study.decide(main.name, group=group, **arguments)
    except InputError as error:
        _markdown(f"`{main.name}` has no answer here: {error}")
        return
    shown = ", ".join(f"{k} = {v:.4g}" if isinstance(v, (int, float)) else f"{k} = {v}"
                      for k, v in arguments.items()) + (f", group {group}" if group is not None else "")
    _markdown(f"**{main.question}** ({shown})")
    rows = []
    for key, value in result.answer.items():
        if isinstance(value, (list, dict)):
            continue
        row = {"answer": key, "value": value, "unit": result.units.get(key, "")}
        if key in result.interval:
            low, high = result.interval[key]
            row[f"{result.level:.0%} interval"] = f"{low:.4g} to {high:.4g}"
        rows.append(row)
    _table(pd.DataFrame(rows))
    for message in result.warnings:
        _markdown(f"Warning: {message}")


def caveats(study: Study) -> None:
    """What the study cannot vouch for: unvalidated forms, unidentified constants, points
    beyond the validated reach, checks of the source study that disagree."""
    notes = []
    if not study.validated:
        notes.append("The runs were too few for backtests: the form was not validated on them.")
    unidentified = study.constants_table[~study.constants_table.identified]
    for row in unidentified.itertuples():
        notes.append(f"The runs do not pin down {row.constant} ({row.note}).")
    frame = _prediction_frame(study)
    if not frame.empty and frame.beyond_reach.any():
        worst = frame.reach_factor.max()
        notes.append(f"{int(frame.beyond_reach.sum())} point(s) lie beyond the farthest distance the backtests "
                     f"validated (up to {worst:.2f} times it): their intervals are extrapolated by the rule, "
                     "not measured.")
    for key, verdict in study.literature.items():
        if verdict != "agrees":
            notes.append(f"The form {key} disagrees with the source study's own setting: {verdict} "
                         "(shown, not applied: your runs are another setting).")
    if study.calibration is not None:
        covered = study.calibration.summary()["covered"]
        notes.append(f"On the backtests, 90% intervals covered {covered:.0%} of the held runs (each origin "
                     "calibrated on the others).")
    notes.append("The law describes runs like these (same data, tokenizer, schedule); another setup shifts "
                 "its constants.")
    _markdown("\n".join(f"- {n}" for n in notes))


# ---------------------------------------------------------------- writing it


def _require() -> None:
    missing = []
    for module in ("papermill", "nbconvert", "jupytext", "ipykernel", "matplotlib"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise InputError(f"a report needs {', '.join(missing)}: pip install \"scalinglaws[report]\"")


def ipc_kernel_manager(folder: str):
    """A kernel manager whose kernels talk over IPC sockets in ``folder`` (a private temporary
    folder): nothing listens on a TCP port, and ipykernel has no reason to warn that TCP is
    unencrypted."""
    import uuid

    from jupyter_client.manager import KernelManager

    class LocalKernelManager(KernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(folder, f"kernel-{uuid.uuid4().hex[:8]}"))
            super().__init__(**kwargs)

    return LocalKernelManager


def write_report(study: Study, path: Path, points: Any = None) -> Path:
    """Execute the report notebook on the study's runs and write ``path`` (HTML), with the
    executed notebook (``.ipynb``) and the runs (``_runs.csv``, ``_points.csv``) beside it.
    Nothing is written if the report fails."""
    _require()
    import jupytext
    import nbformat
    import papermill
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory: name the report's HTML file")
    if path.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"{path}: a report is an HTML file (name it report.html)")
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    t = study.law.task
    names = {"runs": f"{stem}_runs.csv", "points": f"{stem}_points.csv", "notebook": f"{stem}.ipynb"}
    chosen_points = study.points if points is None else None
    if points is not None:
        from .studies import _points

        chosen_points = _points(study.law, points, study.runs)
    with tempfile.TemporaryDirectory(dir=folder, prefix=f".{stem}.") as work:
        work = Path(work)
        study.runs[[t.group_column, *t.input_names, *t.target_names]].to_csv(work / names["runs"], index=False)
        if chosen_points is not None:
            chosen_points.to_csv(work / names["points"], index=False)
        template = jupytext.read(TEMPLATE)
        template.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(template, work / "template.ipynb")
        parameters = {
            "law": t.module, "runs_csv": names["runs"],
            "points_csv": names["points"] if chosen_points is not None else "",
            "at": {k: float(v) for k, v in study.at.items()} if study.at else {},
            "interval": float(study.level),
            "bootstrap": int(study.record.provenance.get("bootstrap", 100)),
            "seed": int(study.record.provenance.get("seed", 0)),
        }
        environment = {"OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
        previous = {k: os.environ.get(k) for k in environment}
        os.environ.update(environment)
        try:
            with tempfile.TemporaryDirectory(prefix="scalinglaws-kernels-") as sockets:
                papermill.execute_notebook(
                    str(work / "template.ipynb"), str(work / names["notebook"]), parameters=parameters,
                    cwd=str(work), kernel_name="python3", progress_bar=False, log_output=False,
                    report_mode=False, kernel_manager_class=ipc_kernel_manager(sockets))
        except papermill.PapermillExecutionError as error:
            raise InputError(f"the report failed in its cell {error.exec_count}: {error.ename}: {error.evalue}") from None
        finally:
            for k, v in previous.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
        config.TagRemovePreprocessor.remove_cell_tags = {"injected-parameters"}
        exporter = HTMLExporter(config=config)
        body, _ = exporter.from_notebook_node(nbformat.read(work / names["notebook"], as_version=4))
        (work / path.name).write_text(body, encoding="utf-8")
        outputs = [path.name, names["notebook"], names["runs"]] + ([names["points"]] if chosen_points is not None else [])
        for name in outputs:
            os.replace(work / name, folder / name)
    return path
