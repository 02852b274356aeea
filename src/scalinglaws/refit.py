"""Fit a task's chosen law to your own runs, with honest uncertainty.

``scalinglaws.fit("moe", frame)`` fits the law of :mod:`scalinglaws.laws.moe` to a table
with the task's column names (a group column optional), with the same routine its
notebook used, and returns a :class:`FittedLaw`: its ``constants``, bootstrap
``intervals``, the in-sample ``r2``, and a ``predict`` that validates its input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import fitting, metrics
from .contract import group_params, write_atomic
from .data import InputError, task as _task, validate_inputs, validate_table

__all__ = ["FittedLaw", "fit", "load_fitted"]


def _law(module: str):
    from . import laws

    return laws.get(module)


@dataclass(frozen=True)
class FittedLaw:
    """A law's form with constants fitted to a user's runs."""

    task: str
    param_names: list[str]
    constants: dict[str, list[float]]
    r2: float
    rows: int
    intervals: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def predict(self, X: Any, group: str | None = None) -> np.ndarray:
        """Predict the target(s) for ``X`` (records, a DataFrame or an array in schema order)."""
        if group is None:
            if len(self.constants) != 1:
                raise InputError(f"several groups were fitted; name one of: {', '.join(self.constants)}")
            group = next(iter(self.constants))
        constants = group_params(self.task, self.constants, group)
        inputs = validate_inputs(self.task, X)
        return np.asarray(_law(self.task).predict(inputs, constants), dtype=float)

    def to_dict(self) -> dict[str, Any]:
        t = _task(self.task)
        record: dict[str, Any] = {
            "task": t.name,
            "param_names": self.param_names,
            "params": self.constants,
            "r2": self.r2,
            "rows": self.rows,
        }
        if not self.intervals.empty:
            record["intervals"] = self.intervals.to_dict("records")
        return record

    def save(self, path: str | Path) -> Path:
        """Write the constants (and intervals) as JSON; ``load_fitted`` and ``--params`` read it."""
        path = Path(path)
        write_atomic(path, json.dumps(self.to_dict(), indent=1) + "\n")
        return path


def fit(task: str, frame: pd.DataFrame, bootstrap: int = 100, seed: int = 0) -> FittedLaw:
    """Fit ``task``'s law to the runs in ``frame``; ``bootstrap`` refits give 95% intervals (0: none)."""
    t = _task(task)
    module = _law(t.module)
    table = validate_table(t, frame)
    n_constants = len(module.PARAM_NAMES)
    for group, size in table.groupby(t.group_column, sort=False).size().items():
        # Each run gives one value per target: a five-target law learns from five per run.
        if size * len(t.targets) < n_constants:
            raise InputError(
                f"group {group!r} has {size} row(s); the {t.module} law has {n_constants} constants "
                f"per group and needs at least {-(-n_constants // len(t.targets))} runs"
            )
    constants = module.fit(table)
    prediction = fitting.predict_table(module.predict, table, constants, t)
    truth = table[t.target_names].to_numpy()
    r2 = metrics.r2(truth, prediction.reshape(truth.shape)) if len(table) > 1 else float("nan")
    intervals = pd.DataFrame()
    if bootstrap:
        draws = fitting.bootstrap(module.fit, table, n=bootstrap, seed=seed, by=t.group_column)
        intervals = fitting.intervals(constants, draws, module.PARAM_NAMES)
    return FittedLaw(
        task=t.module,
        param_names=list(module.PARAM_NAMES),
        constants=constants,
        r2=float(r2),
        rows=len(table),
        intervals=intervals,
    )


def load_fitted(path: str | Path) -> FittedLaw:
    """Read constants written by :meth:`FittedLaw.save` (or a law's own ``laws/<module>.json``)."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        t = _task(record["task"])
        constants = {str(g): [float(v) for v in values] for g, values in record["params"].items()}
        names = list(record["param_names"])
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"{path} is not a file of fitted constants ({type(error).__name__}: {error})") from error
    expected = list(_law(t.module).PARAM_NAMES)
    if names != expected:
        raise InputError(f"{path} holds constants {names}, but the {t.module} law has {expected}")
    intervals = pd.DataFrame(record.get("intervals", []))
    return FittedLaw(t.module, names, constants, float(record.get("r2", np.nan)), int(record.get("rows", 0)), intervals)
