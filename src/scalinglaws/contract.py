"""What every law module offers beyond its form: stored constants and the SLDBench interfaces.

A generated module ``scalinglaws.laws.<module>`` defines ``predict`` and ``fit``; the
functions here turn those into ``PARAMS`` (read from ``laws/<module>.json``), the
leaderboard's ``law(input_data, group)`` and the evaluator's
``fit_scaling_law(X, y)`` / ``scaling_law_func(X, params)``, identically for every law.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .data import InputError, Task, task as _task, validate_inputs

__all__ = [
    "evaluator_fit",
    "evaluator_predict",
    "group_params",
    "interfaces",
    "leaderboard_law",
    "load_params",
    "load_training_range",
    "load_validation",
    "params_path",
    "predict_rows",
    "save_params",
    "write_atomic",
]

LAWS_DIR = Path(__file__).resolve().parent / "laws"

Predict = Callable[[pd.DataFrame, Sequence[float]], np.ndarray]
Fit = Callable[[pd.DataFrame], dict[str, list[float]]]


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def params_path(module: str) -> Path:
    return LAWS_DIR / f"{_task(module).module}.json"


def save_params(
    module: str,
    params: Mapping[str, Sequence[float]],
    names: Sequence[str],
    table: pd.DataFrame | None = None,
    validation: pd.DataFrame | None = None,
    chosen: str | None = None,
    protocol: str | None = None,
) -> Path:
    """Store fitted constants per group as JSON (floats written exactly, by repr).

    With the training ``table``, the range of every input is stored too, so that a
    decision can say when it extrapolates without the data at hand. With the
    notebook's ``validation`` table (from :func:`fitting.validation_table`), the name of
    the ``chosen`` candidate and a one-line ``protocol``, the scores are stored for the
    overview of all laws.
    """
    t = _task(module)
    record = {
        "task": t.name,
        "param_names": list(names),
        "params": {str(g): [float(v) for v in values] for g, values in params.items()},
    }
    if table is not None:
        span = lambda rows: {name: [float(rows[name].min()), float(rows[name].max())] for name in t.input_names}
        record["training_range"] = span(table)
        record["training_range_by_group"] = {
            str(group): span(rows) for group, rows in table.groupby(t.group_column, sort=False)
        }
    if validation is not None:
        columns = [c for c in ("candidate", "constants", "origin", "r2", "nmae", "r2_fold_std") if c in validation]
        candidates = validation[columns].to_dict("records")
        if chosen not in {c["candidate"] for c in candidates}:
            raise ValueError(f"chosen={chosen!r} is not a candidate of the validation table")
        record["validation"] = {"protocol": protocol or "", "chosen": chosen, "candidates": candidates}
    path = params_path(t.module)
    write_atomic(path, json.dumps(record, indent=1, allow_nan=True) + "\n")
    return path


def _stored(module: str) -> dict[str, Any] | None:
    """The record a law's notebook stored in ``laws/<module>.json``, or None if there is none."""
    path = params_path(module)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def load_params(module: str) -> dict[str, list[float]]:
    """The constants per group stored by the law's notebook."""
    record = _stored(module)
    if record is None:
        raise FileNotFoundError(
            f"{params_path(module)} is missing: run notebooks/{_task(module).module}.ipynb to fit and store the law"
        )
    return record["params"]


def load_validation(module: str) -> dict[str, Any]:
    """The validation scores a law's notebook stored (empty if it stored none)."""
    return (_stored(module) or {}).get("validation", {})


def load_training_range(module: str, group: str | None = None) -> dict[str, tuple[float, float]]:
    """The (min, max) of every input over the rows the stored constants were fitted on.

    With ``group``, over that group's rows (all rows if the group's range was not stored).
    """
    record = _stored(module) or {}
    stored = record.get("training_range_by_group", {}).get(group) if group is not None else None
    stored = stored or record.get("training_range", {})
    return {name: (low, high) for name, (low, high) in stored.items()}


def group_params(module: str, params: Mapping[str, Sequence[float]], group: str) -> Sequence[float]:
    """One group's constants, or an :class:`InputError` that lists the known groups."""
    t = _task(module)
    if group not in params:
        raise InputError(f"unknown group {group!r} for {t.module}; the groups are: {', '.join(params)}")
    return params[group]


def predict_rows(
    module: str, predict: Predict, rows: Any, params: Mapping[str, Sequence[float]], group: str
) -> np.ndarray:
    """Validate ``rows`` against the schema and predict them with ``group``'s constants."""
    t = _task(module)
    constants = group_params(t.module, params, group)
    inputs = validate_inputs(t, rows)
    if len(inputs) == 0:
        return np.empty((0,) if len(t.targets) == 1 else (0, len(t.targets)))
    return np.asarray(predict(inputs, constants), dtype=float)


def leaderboard_law(
    module: str,
    predict: Predict,
    params: Mapping[str, Sequence[float]],
    input_data: Iterable[Mapping[str, Any]],
    group: str,
) -> list[dict[str, float]]:
    """SLDBench's leaderboard interface: a list of input dicts in, a list of target dicts out."""
    t = _task(module)
    records = list(input_data)
    prediction = predict_rows(t.module, predict, records, params, group)
    prediction = prediction.reshape(len(records), len(t.targets))
    return [dict(zip(t.target_names, map(float, row))) for row in prediction]


def evaluator_fit(module: str, fit: Fit, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """SLDBench's ``fit_scaling_law(X, y)``: fit one group alone from arrays in schema order."""
    t = _task(module)
    inputs = validate_inputs(t, np.asarray(X, dtype=float))
    targets = np.asarray(y, dtype=float).reshape(len(inputs), len(t.targets))
    table = inputs.assign(**{name: targets[:, j] for j, name in enumerate(t.target_names)})
    table.insert(0, t.group_column, "evaluator")
    return np.asarray(fit(table)["evaluator"], dtype=float)


def evaluator_predict(module: str, predict: Predict, X: np.ndarray, params: Sequence[float]) -> np.ndarray:
    """SLDBench's ``scaling_law_func(X, params)``: predict from an array in schema order."""
    t = _task(module)
    inputs = validate_inputs(t, np.asarray(X, dtype=float))
    return np.asarray(predict(inputs, params), dtype=float)


def interfaces(module: str, predict: Predict, fit: Fit):
    """``PARAMS, law, fit_scaling_law, scaling_law_func`` of a law module, built from its form.

    Every law module ends with
    ``PARAMS, law, fit_scaling_law, scaling_law_func = contract.interfaces(...)``,
    so the four are identical in behaviour across laws and written once.
    """
    t = _task(module)
    params = load_params(t.module)

    def law(input_data: Iterable[Mapping[str, Any]], group: str) -> list[dict[str, float]]:
        return leaderboard_law(t.module, predict, params, input_data, group)

    def fit_scaling_law(X: np.ndarray, y: np.ndarray) -> np.ndarray:
        return evaluator_fit(t.module, fit, X, y)

    def scaling_law_func(X: np.ndarray, constants: Sequence[float]) -> np.ndarray:
        return evaluator_predict(t.module, predict, X, constants)

    inputs, targets = ", ".join(t.input_names), ", ".join(t.target_names)
    law.__doc__ = (
        f"Predict {targets} from dicts of {inputs} with the fitted constants of ``group`` "
        f"(SLDBench's leaderboard interface). Groups: {', '.join(params)}."
    )
    fit_scaling_law.__doc__ = (
        f"Fit the law to one group: X is (n, {len(t.inputs)}) in the order {inputs}; "
        "returns the constants (SLDBench's evaluator interface)."
    )
    scaling_law_func.__doc__ = (
        f"Predict {targets} for X, (n, {len(t.inputs)}) in the order {inputs}, "
        "with one group's constants (SLDBench's evaluator interface)."
    )
    for function in (law, fit_scaling_law, scaling_law_func):
        function.__module__ = f"scalinglaws.laws.{t.module}"
        function.__qualname__ = function.__name__
    return params, law, fit_scaling_law, scaling_law_func
