"""SLDBench's metrics, exactly as the benchmark computes them.

All rows of all groups are pooled. For a task with several targets each target is
scored on its own and the scores are averaged:

- ``NMSE = mean((y - yhat)^2) / var(y)`` (population variance),
- ``NMAE = mean|y - yhat| / mean|y - mean(y)|``,
- ``R2 = 1 - mean over targets of NMSE``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["nmae", "nmse", "r2", "scores"]


def _as_columns(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
    if y_true.shape[0] < 2:
        raise ValueError("scoring needs at least two rows (the variance of one value is zero)")
    return y_true, y_pred


def nmse(y_true, y_pred) -> float:
    """Normalised mean squared error, averaged over targets (columns)."""
    y_true, y_pred = _as_columns(y_true, y_pred)
    per_target = np.mean((y_true - y_pred) ** 2, axis=0) / np.var(y_true, axis=0)
    return float(np.mean(per_target))


def nmae(y_true, y_pred) -> float:
    """Normalised mean absolute error, averaged over targets (columns)."""
    y_true, y_pred = _as_columns(y_true, y_pred)
    spread = np.mean(np.abs(y_true - y_true.mean(axis=0)), axis=0)
    per_target = np.mean(np.abs(y_true - y_pred), axis=0) / spread
    return float(np.mean(per_target))


def r2(y_true, y_pred) -> float:
    """SLDBench's R2: one minus the NMSE averaged over targets."""
    return 1.0 - nmse(y_true, y_pred)


def scores(y_true, y_pred) -> dict[str, float]:
    """R2, NMSE and NMAE together."""
    return {"r2": r2(y_true, y_pred), "nmse": nmse(y_true, y_pred), "nmae": nmae(y_true, y_pred)}
