"""The selection protocol: how every law is chosen, fitted and given intervals.

One protocol for every law, on the training split only (the Method page explains it):

1. **Backtests** (`backtests_along`, `backtests_beyond`, `folds`): from
   several forecast origins along the task's extrapolation axis, fit on the runs up to the
   origin and score the runs beyond it, as far beyond (as a log-scale factor) as the task's
   target lies beyond the training data. A task without such an axis (new mixtures) uses
   K folds over its independent units.
2. **Scores** (`evaluate`): per origin, SLDBench's R2 and the mean signed error
   (bias, in units of the target's spread there), and the noise ceiling where runs repeat.
   Summarised robustly: the median over origins and the mean rank; a blown-up origin is
   reported, not averaged in.
3. **Survivors** (`choose`): the best form by median R2, and every form the
   backtests cannot tell from it (the paired difference in R2, over independent units, is
   within two standard errors at the median origin).
4. **Identifiability**: the survivors refitted on all runs, bootstrapped, and compared at
   the target. When they disagree there by more than their bootstrap spread, the data do
   not decide between them: the law is their weighted combination (weights by stacking
   on the backtests), not one of them picked by a tie-break.
5. **Intervals** (`calibrate`): the constants' bootstrap, the spread of combined
   forms, run-to-run noise, and an extrapolation term per unit of distance beyond the
   data, calibrated so that the backtests' held-out runs are covered at the stated level;
   coverage reported per origin with that origin left out of the calibration.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import fitting, metrics, records
from .data import Task, task as _task
from .law import Combination, extrapolation_distance
from .pool import KINDS, Candidate, Protocol

__all__ = [
    "KINDS",
    "Protocol",
    "Backtest",
    "Calibration",
    "Candidate",
    "Choice",
    "Evaluation",
    "backtests_along",
    "backtests_beyond",
    "backtests_spread",
    "calibrate",
    "choose",
    "evaluate",
    "folds",
    "noise_sd",
    "target_grid",
    "uncertainty",
    "within_range",
]

#: An origin where a form scores below this R2 has blown up: reported, and ranked last there.
BLOWN_UP = -1.0

#: Survivors: within this many standard errors of the best at the median origin.
SURVIVAL_Z = 2.0

#: Stacking weights below this are dropped (and the rest renormalised): a readable law.
MIN_WEIGHT = 0.05

#: Values of an axis within this relative distance (in log for sizes) are one level: an
#: isoFLOP budget read off a figure, or a model size counted two ways, is one step of a sweep.
LEVEL_TOLERANCE = 0.02

#: An axis is continuous (its origins sit in gaps) when it has more distinct levels than
#: this share of the runs: most runs then sit on a level of their own, as compute does when
#: every run has its own budget; a sweep repeats its levels across the other inputs.
CONTINUOUS_SHARE = 1 / 3

#: An origin holds out at least this many runs, or it is not a backtest.
MIN_HELD = 3


@dataclass(frozen=True)
class Backtest:
    """One forecast origin: fit on ``train``, score on ``held``."""

    origin: str
    train: pd.DataFrame
    held: pd.DataFrame


def _log_scale(task: Task, axis: str) -> bool:
    """Sizes (positive inputs, and derived columns such as compute) are compared in log."""
    return {c.name: c.domain for c in task.inputs}.get(axis, "positive") == "positive"


def _beyond(value: np.ndarray, threshold: float, reach: float, log: bool) -> np.ndarray:
    if log:
        return (value > threshold * (1 + 1e-12)) & (value <= threshold * reach * (1 + 1e-9))
    return (value > threshold + 1e-12) & (value <= threshold + reach + 1e-9)


def backtests_along(
    table: pd.DataFrame,
    task: str | Task,
    axis: str,
    reach: float,
    *,
    by: str | None = None,
    min_train_values: int = 3,
    max_origins: int = 4,
) -> list[Backtest]:
    """Forecast origins along one axis, from the latest back.

    At origin ``k`` the threshold is the ``k``-th largest value of ``axis`` below the
    largest (within each group when ``by`` is given, so groups measured on different
    grids are aligned by rank). The fit uses the rows at or below the threshold; the
    held rows lie beyond it, at most ``reach`` times as far (a factor for sizes, an
    additive span for inputs already on a log scale). Origins with fewer than
    ``min_train_values`` distinct values to fit on are skipped.
    """
    t = _task(task)
    log = _log_scale(t, axis)
    parts = [table] if by is None else [part for _, part in table.groupby(by, sort=False)]
    grids = [np.unique(part[axis].to_numpy()) for part in parts]
    out = []
    for k in range(1, max(len(g) for g in grids)):
        train_mask = np.zeros(len(table), dtype=bool)
        held_mask = np.zeros(len(table), dtype=bool)
        thresholds = []
        for part, grid in zip(parts, grids):
            if k >= len(grid) or len(grid) - k < min_train_values:
                continue
            threshold = grid[-1 - k]
            thresholds.append(threshold)
            values = part[axis].to_numpy()
            positions = table.index.get_indexer(part.index)
            train_mask[positions] = values <= threshold
            held_mask[positions] = _beyond(values, threshold, reach, log)
        if not thresholds or not held_mask.any():
            continue
        shown = _show(min(thresholds)) if len(set(thresholds)) == 1 or by is None else f"the {_ordinal(k + 1)} largest"
        out.append(Backtest(f"{axis} <= {shown}", table[train_mask].copy(), table[held_mask].copy()))
        if len(out) == max_origins:
            break
    return out


def backtests_beyond(
    table: pd.DataFrame,
    task: str | Task,
    origins: Sequence[Mapping[str, float]],
    reach: Mapping[str, float],
) -> list[Backtest]:
    """Forecast origins in several axes at once.

    Each origin maps axes to thresholds: the fit uses the rows at or below every
    threshold; the held rows exceed at least one threshold and lie within ``reach`` of
    every threshold they exceed (the task's target lies beyond the data in one axis or
    in several).
    """
    t = _task(task)
    out = []
    for origin in origins:
        inside = np.ones(len(table), dtype=bool)
        within = np.ones(len(table), dtype=bool)
        for axis, threshold in origin.items():
            values = table[axis].to_numpy()
            log = _log_scale(t, axis)
            below = values <= threshold * (1 + 1e-12) if log else values <= threshold + 1e-12
            inside &= below
            within &= below | _beyond(values, threshold, reach[axis], log)
        held = ~inside & within
        if inside.any() and held.any():
            label = ", ".join(f"{axis} <= {_show(v)}" for axis, v in origin.items())
            out.append(Backtest(label, table[inside].copy(), table[held].copy()))
    return out


def backtests_spread(
    table: pd.DataFrame,
    task: str | Task,
    axis: str,
    reach: float,
    *,
    count: int = 4,
    min_train_values: int = 3,
) -> list[Backtest]:
    """Forecast origins spread over the reach, along one axis whose runs sit on levels.

    The ``k``-th origin (``k = 1..count``) is the largest level at or below
    ``top / reach**(k / count)``: the latest origin tests a fraction of the reach and the
    earliest all of it, so that the intervals are calibrated at the distance the target lies
    (on runs clustered in sizes, the k-th largest levels can all sit a few percent below the
    top, and test nothing of the reach). Each origin holds the runs beyond it within the
    reach, or, when none lie that close, those at the next level beyond. Repeated thresholds
    count once; an origin needs ``min_train_values`` levels to fit on; with fewer than two
    origins, `backtests_along`'s (the k-th largest levels) are added.
    """
    t = _task(task)
    log = _log_scale(t, axis)
    grid = levels(table[axis].to_numpy(dtype=float), log)
    top = grid[-1]
    out: list[Backtest] = []
    seen: set[float] = set()
    for k in range(1, count + 1):
        place = top / reach ** (k / count) if log else top - reach * k / count
        below = grid[grid <= place * (1 + 1e-12)] if log else grid[grid <= place + 1e-12]
        if len(below) < min_train_values or float(below[-1]) in seen:
            continue
        threshold = float(below[-1])
        seen.add(threshold)
        following = grid[grid > threshold * (1 + LEVEL_TOLERANCE)] if log else grid[grid > threshold + 1e-12]
        if not following.size:
            continue
        own = (max(reach, float(following[0]) / threshold * (1 + 1e-9)) if log
               else max(reach, float(following[0]) - threshold + 1e-9))
        out += backtests_beyond(table, t, [{axis: threshold}], {axis: own})
    if len(out) < 2:
        known = {b.origin for b in out}
        for b in backtests_along(table, t, axis, reach, min_train_values=min_train_values, max_origins=count):
            if b.origin not in known and len(out) < count:
                out.append(b)
    return out


def folds(table: pd.DataFrame, task: str | Task, k: int, seed: int, cluster: Sequence[str]) -> list[Backtest]:
    """K folds over independent units (rows sharing the ``cluster`` columns go together)."""
    rng = np.random.default_rng(seed)
    keys = table[list(cluster)].round(12).astype(str).agg("|".join, axis=1)
    codes, uniques = pd.factorize(keys, sort=False)
    fold_of_unit = np.empty(len(uniques), dtype=int)
    fold_of_unit[rng.permutation(len(uniques))] = np.arange(len(uniques)) % k
    fold = fold_of_unit[codes]
    return [
        Backtest(f"fold {i + 1} of {k}", table[fold != i].copy(), table[fold == i].copy()) for i in range(k)
    ]


def _show(value: float) -> str:
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    if abs(value) >= 1e5:
        for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
            if abs(value) >= scale:
                return f"{value / scale:.3g}{suffix}"
    return f"{value:.4g}"


def _ordinal(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def target_grid(table: pd.DataFrame, task: str | Task, at: Mapping[str, float]) -> pd.DataFrame:
    """The settings of the training table moved to the target: every distinct combination
    of the other inputs (per group), with the inputs in ``at`` set to their target value."""
    t = _task(task)
    grid = table[[t.group_column, *t.input_names]].assign(**at).drop_duplicates().reset_index(drop=True)
    return grid


# ---------------------------------------------------------------- the generic rules


def progress(iterable, *, total: int | None = None, desc: str = "", enabled: bool = False):
    """``iterable``, with a progress bar on stderr when ``enabled`` and stderr is a terminal."""
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # progress is a courtesy, never a requirement
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, disable=None, file=None)


def axis_values(table: pd.DataFrame, task: str | Task, protocol: Protocol, axis: str) -> np.ndarray:
    """The values of an extrapolation axis: an input column, or one derived from the inputs."""
    t = _task(task)
    if axis in protocol.derived:
        columns = {n: table[n].to_numpy(dtype=float) for n in t.input_names}
        return np.asarray(protocol.derived[axis](columns), dtype=float).reshape(len(table))
    return table[axis].to_numpy(dtype=float)


def axes_of(task: str | Task, protocol: Protocol) -> tuple[str, ...]:
    return protocol.axes or _task(task).extrapolation_axes


def levels(values: np.ndarray, log: bool) -> np.ndarray:
    """The distinct levels of an axis, ascending: values within `LEVEL_TOLERANCE` of the next
    one up (relative, in log for sizes) are one level, represented by its largest value."""
    ordered = np.unique(np.asarray(values, dtype=float))
    if ordered.size == 0:
        return ordered
    x = np.log(ordered) if log else ordered
    tolerance = math.log1p(LEVEL_TOLERANCE) if log else LEVEL_TOLERANCE * max(np.ptp(x), 1e-12)
    breaks = np.flatnonzero(np.diff(x) > tolerance)
    return ordered[np.append(breaks, ordered.size - 1)]


def _step(values: np.ndarray, log: bool, count: int = 4) -> float | None:
    """The median step between consecutive levels among the ``count`` largest (a factor for
    sizes, a span otherwise); None with fewer than two levels."""
    top = levels(values, log)[-count:]
    if top.size < 2:
        return None
    gaps = np.diff(np.log(top)) if log else np.diff(top)
    return float(np.exp(np.median(gaps))) if log else float(np.median(gaps))


def generic_reach(table: pd.DataFrame, task: str | Task, protocol: Protocol,
                  at: Mapping[str, float] | None = None) -> dict[str, float]:
    """How far beyond the runs each backtest scores, per axis (a factor for sizes, a span for
    inputs already on a log scale).

    Where the caller asks about points beyond the runs along an axis (``at``: the largest
    requested value), as far as they lie beyond the largest run; an axis along which the
    points asked about stay within the runs has no reach (nothing to extrapolate along it).
    Without points, two steps of the spacing of the largest values (the median step among the
    four largest levels), the distance a sweep's next two points would lie. An axis with a
    single level has no reach.
    """
    t = _task(task)
    out = {}
    for axis in axes_of(t, protocol):
        values = axis_values(table, t, protocol, axis)
        log = _log_scale(t, axis)
        top = float(values.max())
        wanted = None if at is None else at.get(axis)
        if wanted is not None and (wanted > top * (1 + 1e-9) if log else wanted > top + 1e-9):
            out[axis] = float(wanted / top) if log else float(wanted - top)
            continue
        if at:  # the points asked about lie within the runs along this axis: no extrapolation there
            continue
        step = _step(values, log)
        if step is not None and (step > 1.0 if log else step > 0.0):
            out[axis] = step**2 if log else 2.0 * step
    return out


def _gap_thresholds(values: np.ndarray, reach: float, log: bool, count: int) -> list[float]:
    """Thresholds along a continuous axis, from the largest value down, a step apart: half
    the reach, or less where the runs span too little for ``count`` origins at that step
    (the span of the runs over twice
    ``count``), each moved into the widest gap between runs within a quarter step of its
    place, so that a threshold does not split runs that belong together."""
    ordered = np.unique(values)
    x = np.log(ordered) if log else ordered
    span = math.log(reach) if log else reach
    step = min(span / 2.0, np.ptp(x) / (2.0 * count)) if ordered.size > 1 else span / 2.0
    out = []
    for k in range(1, 2 * count + 1):
        aim = x[-1] - k * step
        if aim <= x[0]:
            break
        near = np.flatnonzero((x[:-1] >= aim - step / 4.0) & (x[:-1] <= aim + step / 4.0))
        if near.size == 0:
            near = np.array([int(np.searchsorted(x, aim, side="right")) - 1])
        gaps = x[near + 1] - x[near]
        out.append(float(ordered[near[int(np.argmax(gaps))]]))
    return sorted(set(out), reverse=True)


def generic_backtests(table: pd.DataFrame, task: str | Task, protocol: Protocol,
                      reach: Mapping[str, float]) -> list[Backtest]:
    """Forecast origins from the runs along the axes that have a reach.

    Along one axis with ``protocol.by`` (groups on their own grids), `backtests_along`; along
    one axis of levels, origins spread over the reach (`backtests_spread`). Else
    origin k fits on the runs at or below the (k+1)-th largest level of every axis at once
    and scores those beyond any threshold within the reach (`backtests_beyond`); a
    continuous axis (more levels than `CONTINUOUS_SHARE` of the runs) puts its thresholds half
    a reach apart, in the gaps between runs. An origin needs `MIN_HELD` held runs and
    ``protocol.min_train_values`` levels of every axis to fit on.
    """
    t = _task(task)
    axes = [a for a in axes_of(t, protocol) if a in reach]
    if not axes:
        return []
    frame = table.copy()
    for axis in axes:
        if axis in protocol.derived:
            frame[axis] = axis_values(table, t, protocol, axis)
    single = axes[0] if len(axes) == 1 else None
    if single and protocol.by:
        out = backtests_along(frame, t, single, reach[single], by=protocol.by,
                              min_train_values=protocol.min_train_values, max_origins=protocol.max_origins)
    elif single and levels(frame[single].to_numpy(dtype=float), _log_scale(t, single)).size <= CONTINUOUS_SHARE * len(frame):
        out = backtests_spread(frame, t, single, reach[single], count=protocol.max_origins,
                               min_train_values=protocol.min_train_values)
    else:
        thresholds = {}
        for axis in axes:
            values = frame[axis].to_numpy(dtype=float)
            log = _log_scale(t, axis)
            grid = levels(values, log)
            if grid.size > CONTINUOUS_SHARE * len(frame):
                thresholds[axis] = _gap_thresholds(values, reach[axis], log, protocol.max_origins)
            else:
                thresholds[axis] = [float(v) for v in grid[:-1][::-1]]
        origins = []
        for k in range(max(len(v) for v in thresholds.values())):
            origin = {axis: values[k] for axis, values in thresholds.items() if k < len(values)}
            if len(origin) < len(axes):
                break
            below = np.ones(len(frame), dtype=bool)
            for axis, threshold in origin.items():
                below &= frame[axis].to_numpy(dtype=float) <= threshold * (1 + 1e-12)
            enough = all(levels(frame.loc[below, axis].to_numpy(dtype=float), _log_scale(t, axis)).size
                         >= protocol.min_train_values for axis in axes)
            if not enough:
                break
            origins.append(origin)
        out = backtests_beyond(frame, t, origins, reach)
    kept = [b for b in out if len(b.held) >= MIN_HELD][: protocol.max_origins]
    columns = list(table.columns)
    return [Backtest(b.origin, b.train[columns], b.held[columns]) for b in kept]


def generic_target(table: pd.DataFrame, task: str | Task, protocol: Protocol, reach: Mapping[str, float],
                   points: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows at the target scale: the requested points, else the runs at the largest level of
    each input axis moved by its reach (the settings of the other inputs kept)."""
    t = _task(task)
    keys = [t.group_column, *t.input_names]
    if points is not None and len(points):
        return points[keys].drop_duplicates().reset_index(drop=True)
    parts = []
    for axis, factor in reach.items():
        if axis not in t.input_names:
            continue
        log = _log_scale(t, axis)
        top = levels(table[axis].to_numpy(dtype=float), log)[-1]
        rows = table[table[axis] >= (top / (1 + LEVEL_TOLERANCE) if log else top - 1e-9)][keys].copy()
        rows[axis] = rows[axis] * factor if log else rows[axis] + factor
        parts.append(rows)
    if not parts:
        return table[keys].drop_duplicates().reset_index(drop=True)
    return pd.concat(parts).drop_duplicates().reset_index(drop=True)


def distance_units(task: str | Task, reach: Mapping[str, float]) -> dict[str, float]:
    """The unit of extrapolation distance per axis: the reach, in log for sizes."""
    t = _task(task)
    return {axis: (math.log(factor) if _log_scale(t, axis) else float(factor)) for axis, factor in reach.items()}


# ---------------------------------------------------------------- scoring


@dataclass
class Evaluation:
    """Every candidate scored on every backtest (see `evaluate`)."""

    task: Task
    candidates: list[Candidate]
    backtests: list[Backtest]
    scores: pd.DataFrame
    predictions: dict[tuple[str, int], np.ndarray] = field(repr=False)
    cluster: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Per candidate: median and worst R2 over origins, mean rank, median bias, blown-up origins."""
        rows = []
        scores = self.scores
        ranks = scores.assign(r2=scores.r2.fillna(-np.inf)).groupby("origin").r2.rank(ascending=False, method="min")
        scores = scores.assign(rank=ranks)
        for c in self.candidates:
            own = scores[scores.candidate == c.name]
            r2 = own.r2.fillna(-np.inf).to_numpy()
            rows.append({
                "candidate": c.name, "kind": c.kind, "constants": c.constants,
                "median_r2": float(np.median(r2)), "worst_r2": float(np.min(r2)),
                "mean_rank": float(own["rank"].mean()),
                "median_bias": float(np.nanmedian(own.bias)) if own.bias.notna().any() else np.nan,
                "blown_up": int((own.status != "ok").sum()),
            })
        return pd.DataFrame(rows)

    def table(self, value: str = "r2") -> pd.DataFrame:
        """One row per candidate, one column per origin (R2, or ``bias``)."""
        wide = self.scores.pivot(index="candidate", columns="origin", values=value)
        order = [b.origin for b in self.backtests]
        return wide.loc[[c.name for c in self.candidates], order]

    def held_truth(self, k: int) -> np.ndarray:
        return self.backtests[k].held[self.task.target_names].to_numpy(dtype=float)


def evaluate(
    candidates: Sequence[Candidate],
    backtests: Sequence[Backtest],
    task: str | Task,
    cluster: Sequence[str] | None = None,
    *,
    show_progress: bool = False,
) -> Evaluation:
    """Refit every candidate on every backtest's training rows and score it on the held rows.

    Per origin: R2 (SLDBench's), NMAE, ``bias`` (mean of prediction minus truth, in
    units of the held target's standard deviation, averaged over targets), and the
    ``ceiling`` (the R2 of the held cells' own means, where runs repeat: no law can do
    better). A fit that fails or predicts non-finite values has status ``failed``; an R2
    below `BLOWN_UP` has status ``blown up``.
    """
    t = _task(task)
    # An independent unit never spans two groups (two corpora measured at one setting are two units).
    cluster = [t.group_column, *[c for c in (t.input_names if cluster is None else cluster) if c != t.group_column]]
    rows, predictions = [], {}
    pairs = [(k, backtest, c) for k, backtest in enumerate(backtests) for c in candidates]
    ceilings = {k: _ceiling(backtest.held, t, cluster) for k, backtest in enumerate(backtests)}
    def forecast(pair) -> np.ndarray | str:
        """The candidate's prediction of the held rows from its fit to the training rows, or why not."""
        _, backtest, c = pair
        try:
            params = c.fit(backtest.train)
            prediction = fitting.predict_table(c.predict, backtest.held, params, t)
            if not np.all(np.isfinite(prediction)):
                raise fitting.FitError("non-finite predictions on the held rows")
        except (fitting.FitError, KeyError) as error:
            return str(error).splitlines()[0][:120]
        return prediction

    forecasts = fitting.parallel_map(forecast, pairs)
    for (k, backtest, c), prediction in progress(zip(pairs, forecasts), total=len(pairs), desc="backtests",
                                                 enabled=show_progress):
        truth = backtest.held[t.target_names].to_numpy(dtype=float)
        ceiling = ceilings[k]
        row = {"candidate": c.name, "origin": backtest.origin, "rows": len(backtest.held), "ceiling": ceiling}
        if isinstance(prediction, str):
            rows.append({**row, "r2": np.nan, "nmae": np.nan, "bias": np.nan, "status": "failed",
                         "note": prediction})
            continue
        prediction = prediction.reshape(truth.shape)
        predictions[(c.name, k)] = prediction
        r2 = metrics.r2(truth, prediction) if len(truth) > 1 else np.nan
        spread = truth.std(axis=0)
        bias = float(np.mean((prediction - truth).mean(axis=0) / np.where(spread > 0, spread, 1.0)))
        rows.append({**row, "r2": r2, "nmae": metrics.nmae(truth, prediction) if len(truth) > 1 else np.nan,
                     "bias": bias, "status": "ok" if r2 >= BLOWN_UP else "blown up", "note": ""})
    return Evaluation(t, list(candidates), list(backtests), pd.DataFrame(rows), predictions, cluster)


def _ceiling(held: pd.DataFrame, t: Task, cluster: Sequence[str]) -> float:
    truth = held[t.target_names].to_numpy(dtype=float)
    keys = _cluster_codes(held, cluster)
    if len(truth) < 2 or len(np.unique(keys)) == len(keys):
        return np.nan
    means = pd.DataFrame(truth).groupby(keys).transform("mean").to_numpy()
    return metrics.r2(truth, means)


def _cluster_codes(frame: pd.DataFrame, cluster: Sequence[str]) -> np.ndarray:
    keys = frame[list(cluster)].round(12).astype(str).agg("|".join, axis=1)
    return pd.factorize(keys, sort=False)[0]


def _paired_z(evaluation: Evaluation, best: str, other: str, k: int) -> float:
    """How many standard errors ``best`` beats ``other`` by in R2 at origin ``k`` (units: clusters)."""
    a, b = evaluation.predictions.get((best, k)), evaluation.predictions.get((other, k))
    if b is None:
        return np.inf
    if a is None:
        return -np.inf
    truth = evaluation.held_truth(k)
    variance = truth.var(axis=0)
    variance = np.where(variance > 0, variance, 1.0)
    # Per row: how much more squared error `other` makes, in units of each target's variance.
    excess = (((b - truth) ** 2 - (a - truth) ** 2) / variance).mean(axis=1)
    codes = _cluster_codes(evaluation.backtests[k].held, evaluation.cluster)
    per_unit = pd.Series(excess).groupby(codes).mean().to_numpy()
    n = len(per_unit)
    difference = float(excess.mean())
    if n < 2:
        return np.inf if difference > 0 else 0.0
    error = float(per_unit.std(ddof=1) / math.sqrt(n))
    if error == 0:
        return np.inf if difference > 0 else 0.0
    return difference / error


# ---------------------------------------------------------------- choosing


@dataclass
class Choice:
    """What the protocol chose, and why (see `choose`)."""

    best: str
    survivors: list[str]
    members: list[str]
    weights: list[float]
    excluded: dict[str, str]
    at_target: pd.DataFrame
    fits: dict[str, dict[str, list[float]]] = field(repr=False)
    draws: dict[str, fitting.BootstrapResult] = field(repr=False)
    reason: str = ""

    @property
    def combined(self) -> bool:
        return len(self.members) > 1


#: A form is implausible at the target when it predicts a target outside the training
#: targets' range widened by this many times its width on each side.
PLAUSIBLE_SPAN = 1.0


def within_range(table: pd.DataFrame, target: pd.DataFrame, task: str | Task, span: float = PLAUSIBLE_SPAN):
    """A check every law shares, on every table: at the target rows, a form's predictions are
    finite and inside the training targets' range widened by ``span`` times its width on each
    side. A form that forecasts several times the loss any run measured (a penalty linear in
    N/U at 87 parameters per unique token, say) is an extrapolation artefact, not a law."""
    t = _task(task)
    truth = table[t.target_names].to_numpy(dtype=float)
    low, high = truth.min(axis=0), truth.max(axis=0)
    width = high - low
    lowest, highest = low - span * width, high + span * width

    def check(candidate: Candidate, params: dict[str, list[float]]) -> str | None:
        with np.errstate(all="ignore"):
            try:
                prediction = np.asarray(fitting.predict_table(candidate.predict, target, params, t), dtype=float)
            except (KeyError, ValueError, ArithmeticError) as error:
                return f"no prediction at the target ({error})"
        prediction = prediction.reshape(len(target), -1)
        if not np.all(np.isfinite(prediction)):
            return "no finite prediction at the target"
        outside = (prediction < lowest) | (prediction > highest)
        if outside.any():
            row, column = (int(v[0]) for v in np.nonzero(outside))
            return (f"predicts {t.target_names[column]} = {prediction[row, column]:.4g} at the target, outside "
                    f"[{lowest[column]:.4g}, {highest[column]:.4g}] (the runs' range widened by {span:g} times "
                    "its width on each side)")
        return None

    return check


def choose(
    evaluation: Evaluation,
    table: pd.DataFrame,
    target: pd.DataFrame,
    *,
    bootstrap: int = 100,
    seed: int = 0,
    checks: Callable[[Candidate, dict[str, list[float]]], str | None] | None = None,
    across_groups: bool = False,
) -> Choice:
    """Choose the law: the best form, its survivors, and a combination if they disagree.

    ``target`` holds input rows at the task's target scale (see `target_grid`);
    ``checks(candidate, constants)`` may refuse a form whose fitted decisions contradict
    what is known (it returns the reason). Every survivor is refitted on all of
    ``table`` and bootstrapped ``bootstrap`` times (resampling the evaluation's clusters);
    those refits are kept for the law's record. With ``across_groups``, a resample draws
    whole units across every group at once (a mixture measured at every model size), not
    within each group. Every form must also predict plausibly at the target
    (`within_range`), whatever ``checks`` says.
    """
    t = evaluation.task
    plausible = within_range(table, target, t)
    summary = evaluation.summary().set_index("candidate")
    by_name = {c.name: c for c in evaluation.candidates}
    fits: dict[str, dict[str, list[float]]] = {}
    excluded: dict[str, str] = {}

    def full_fit(name: str) -> dict[str, list[float]] | None:
        if name not in fits:
            try:
                fits[name] = by_name[name].fit(table)
            except fitting.FitError as error:
                excluded[name] = f"does not fit all runs: {error}"
                return None
        return fits[name]

    order = summary.sort_values(["median_r2", "mean_rank"], ascending=[False, True]).index.tolist()
    for name in order:
        if not np.isfinite(summary.loc[name, "median_r2"]):
            excluded[name] = "its fit failed at the median origin"
    def admissible(name: str) -> bool:
        """Fits all runs, and its decisions pass the checks (else the reason is recorded)."""
        params = full_fit(name)
        if params is None:
            return False
        reason = plausible(by_name[name], params)
        if reason is None and checks is not None:
            reason = checks(by_name[name], params)
        if reason:
            excluded[name] = reason
        return not reason

    best = next((name for name in order if name not in excluded and admissible(name)), None)
    if best is None:
        raise fitting.FitError("no candidate survives the protocol")
    survivors = [best]
    for name in order:
        if name == best or name in excluded:
            continue
        z = np.median([_paired_z(evaluation, best, name, k) for k in range(len(evaluation.backtests))])
        if z <= SURVIVAL_Z and admissible(name):
            survivors.append(name)

    rows, at_rows = [], {}
    by, cluster = _resampling(t, evaluation.cluster, across_groups)
    refitted = fitting.parallel_map(
        lambda name: fitting.bootstrap(by_name[name].fit, table, n=bootstrap, seed=seed, by=by, cluster=cluster,
                                       start=fits[name]),
        survivors)
    draws = dict(zip(survivors, refitted))
    for name in survivors:
        center = _at(by_name[name].predict, target, fits[name], t)
        refits = np.stack([_at(by_name[name].predict, target, _draw(draws[name], b), t)
                           for b in range(_count(draws[name]))])
        low16, high84 = np.nanquantile(refits, [0.1587, 0.8413], axis=0)
        at_rows[name] = (center, (high84 - low16) / 2.0)
        rows.append({"candidate": name, "median_r2": summary.loc[name, "median_r2"],
                     "mean_at_target": float(np.mean(center)),
                     "bootstrap_sd": float(np.median((high84 - low16) / 2.0))})
    at_target = pd.DataFrame(rows)
    reference_center, reference_sd = at_rows[best]
    gaps = {}
    for name in survivors[1:]:
        center, sd = at_rows[name]
        with np.errstate(all="ignore"):
            gap = np.abs(center - reference_center) / np.hypot(sd, reference_sd)
        gaps[name] = float(np.median(np.where(np.isfinite(gap), gap, np.inf)))
    at_target["gap_in_sd"] = [0.0] + [gaps[n] for n in survivors[1:]]
    disagree = [name for name in survivors[1:] if gaps[name] > SURVIVAL_Z]
    at_target["disagrees_with_best"] = [False] + [name in disagree for name in survivors[1:]]
    if not disagree:
        members, weights = [best], [1.0]
        reason = (f"{best} has the best median R2"
                  + (f"; its {len(survivors) - 1} survivor(s) agree with it at the target" if len(survivors) > 1 else
                     "; no other form comes within two standard errors of it"))
    else:
        pool = [best, *disagree]
        members, weights = _stack(evaluation, pool)
        reason = (f"{', '.join(disagree)} cannot be told from {best} on the backtests but disagree with it at "
                  "the target by more than their bootstrap spread: the law combines "
                  + ", ".join(f"{m} ({w:.2f})" for m, w in zip(members, weights)))
    return Choice(best, survivors, members, weights, excluded, at_target, fits, draws, reason)


def _resampling(t: Task, cluster: Sequence[str], across_groups: bool) -> tuple[str | None, list[str]]:
    """What a bootstrap resamples: units within each group, or whole units across groups."""
    if across_groups:
        return None, [c for c in cluster if c != t.group_column]
    return t.group_column, list(cluster)


def _count(result: fitting.BootstrapResult) -> int:
    return min(len(v) for v in result.draws.values()) if result.draws else 0


def _draw(result: fitting.BootstrapResult, b: int) -> dict[str, np.ndarray]:
    return {g: v[b] for g, v in result.draws.items()}


def _at(predict, rows: pd.DataFrame, params, t: Task) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(fitting.predict_table(predict, rows, params, t), dtype=float).ravel()


def _stack(evaluation: Evaluation, pool: Sequence[str]) -> tuple[list[str], list[float]]:
    """Weights on the simplex minimising the backtests' squared error (each origin counts equally)."""
    from scipy import optimize

    usable = [k for k in range(len(evaluation.backtests))
              if all((name, k) in evaluation.predictions for name in pool)]
    blocks, truths = [], []
    for k in usable:
        truth = evaluation.held_truth(k)
        scale = np.sqrt(len(truth) * np.where(truth.var(axis=0) > 0, truth.var(axis=0), 1.0))
        blocks.append(np.stack([(evaluation.predictions[(name, k)] / scale).ravel() for name in pool], axis=1))
        truths.append((truth / scale).ravel())
    X, y = np.vstack(blocks), np.concatenate(truths)

    def loss(w):
        return float(np.sum((X @ w - y) ** 2))

    start = np.full(len(pool), 1.0 / len(pool))
    result = optimize.minimize(loss, start, method="SLSQP", bounds=[(0.0, 1.0)] * len(pool),
                               constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1.0}],
                               options={"ftol": 1e-12, "maxiter": 500})
    weights = np.clip(result.x, 0.0, None)
    keep = weights >= MIN_WEIGHT
    weights = np.where(keep, weights, 0.0)
    weights = weights / weights.sum()
    # Two decimals: the weights are part of the law's statement, and a reader checks them.
    rounded = np.round(weights, 2)
    rounded[np.argmax(rounded)] += 1.0 - rounded.sum()
    members = [name for name, k in zip(pool, keep) if k]
    return members, [float(round(w, 2)) for w, k in zip(rounded, keep) if k]


# ---------------------------------------------------------------- intervals


def noise_sd(table: pd.DataFrame, task: str | Task, prediction: np.ndarray, n_constants: int) -> dict[str, list[float]]:
    """Per group and target: the root mean squared residual of a fit, corrected for its
    constants (run-to-run noise plus what the form misses, inside the training range)."""
    t = _task(task)
    truth = table[t.target_names].to_numpy(dtype=float)
    residual = truth - prediction.reshape(truth.shape)
    out = {}
    for group, positions in table.reset_index(drop=True).groupby(t.group_column, sort=False).indices.items():
        part = residual[positions]
        dof = max(len(part) - n_constants / len(t.targets), 1.0)
        out[str(group)] = [float(v) for v in np.sqrt((part**2).sum(axis=0) / dof)]
    return out


@dataclass
class Calibration:
    """Prediction intervals calibrated on the backtests (see `calibrate`).

    ``validated_distance`` is the farthest distance (in units of ``reach``) at which a
    backtest scored a run; ``growth`` how the backtests' errors grew with distance (the
    exponent of the error's quantile against distance, at least 1), which sets how the
    interval grows beyond the validated distance; ``errors`` holds every held run's
    distance and error, for the figure of error against distance.
    """

    level: float
    extrapolation_sd: list[float]
    reach: dict[str, float]
    coverage: pd.DataFrame
    validated_distance: float = 1.0
    growth: float = 1.0
    errors: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    new_run_scale: list[float] = field(default_factory=lambda: [1.0])

    def summary(self) -> dict[str, Any]:
        c = self.coverage
        return {
            "level": self.level,
            "covered": float(np.average(c.covered, weights=c.rows)),
            "median_width_over_spread": float(np.median(c.width_over_spread)),
            "validated_distance": self.validated_distance,
            "growth": self.growth,
            "new_run_scale": list(self.new_run_scale),
            "by_origin": c.round(4).to_dict("records"),
        }


#: Beyond the validated distance, intervals grow at least in proportion to distance.
MIN_GROWTH = 1.0
#: ... and at most as its square (a steeper trend measured on a few runs is not extrapolated).
MAX_GROWTH = 2.0

#: The growth is read off the backtests only with this many bins of distance, each of at least
#: `MIN_BIN_RUNS` held runs beyond the data; with fewer, intervals grow in proportion to distance.
MIN_BINS = 3
MIN_BIN_RUNS = 4


def error_growth(distance: np.ndarray, error: np.ndarray, level: float, bins: int = 4) -> float:
    """How the backtests' errors grow with distance: the slope, in log-log, of the
    ``level`` quantile of the absolute error over quantile bins of distance (runs beyond
    the data only), clipped to [`MIN_GROWTH`, `MAX_GROWTH`]. With too few runs beyond the
    data to tell (fewer than `MIN_BINS` bins of `MIN_BIN_RUNS` runs at distinct distances
    spanning a factor 2), `MIN_GROWTH`: intervals then grow in proportion to distance."""
    beyond = distance > 0
    if beyond.sum() < MIN_BINS * MIN_BIN_RUNS:
        return MIN_GROWTH
    d, e = distance[beyond], np.abs(error[beyond])
    edges = np.quantile(d, np.linspace(0, 1, bins + 1))
    points = []
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (d >= low) & (d <= high)
        if inside.sum() >= MIN_BIN_RUNS and np.quantile(e[inside], level) > 0:
            points.append((np.log(np.median(d[inside])), np.log(np.quantile(e[inside], level))))
    # A slope needs distances that differ: at least MIN_BINS distinct ones, spanning a factor 2
    # (held runs at two distances only, or all near one, say nothing of how errors grow).
    distinct = np.unique(np.round([p[0] for p in points], 6))
    if len(distinct) < MIN_BINS or np.ptp(distinct) < math.log(2.0):
        return MIN_GROWTH
    x, y = np.array(points).T
    slope = float(np.polyfit(x, y, 1)[0])
    return float(np.clip(slope, MIN_GROWTH, MAX_GROWTH))


def calibrate(
    law_fit: Callable[..., dict[str, list[float]]],
    formula: Callable[[Any, Sequence[float]], np.ndarray],
    backtests: Sequence[Backtest],
    task: str | Task,
    n_constants: int,
    *,
    reach: Mapping[str, float],
    level: float = 0.9,
    bootstrap: int = 30,
    seed: int = 0,
    cluster: Sequence[str] | None = None,
    spread: Callable[[Any, Sequence[float]], np.ndarray] | None = None,
    form_spread: Sequence[np.ndarray] | None = None,
    fit_rows: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    derived: Mapping[str, Callable] | None = None,
    across_groups: bool = False,
    show_progress: bool = False,
) -> Calibration:
    """Calibrate the extrapolation term of the law's intervals on its backtests.

    At every origin the law is refitted on the training rows, bootstrapped (``bootstrap``
    refits), and its noise estimated from its residuals (on ``fit_rows(train)``, the rows a
    fit uses); each held row then has a spread from the refits, the combined forms
    (``spread``), the survivors' disagreement (``form_spread``: per backtest, the standard
    deviation of the surviving forms' predictions of its held rows), the noise, and its
    distance beyond the fitted range in units of ``reach`` (per axis: the log-scale distance
    from the training data to the task's target). The extrapolation term per unit of
    distance is the smallest that covers ``level`` of the held rows, per target. The coverage
    reported for each origin uses the term calibrated on the other origins (all of them
    when there is only one): an honest estimate, not a fit.
    """
    t = _task(task)
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    cluster = [t.group_column, *[c for c in (t.input_names if cluster is None else cluster) if c != t.group_column]]
    pieces = []
    by, units = _resampling(t, cluster, across_groups)

    def refit(backtest: Backtest):
        params = law_fit(backtest.train)
        return params, fitting.bootstrap(law_fit, backtest.train, n=bootstrap, seed=seed, by=by, cluster=units,
                                         start=params)

    refits = fitting.parallel_map(refit, backtests)
    for index, (backtest, (params, draws)) in enumerate(
            progress(zip(backtests, refits), total=len(backtests), desc="intervals", enabled=show_progress)):
        train, held = backtest.train, backtest.held
        center = fitting.predict_table(formula, held, params, t).reshape(len(held), -1)
        used = train if fit_rows is None else fit_rows(train)
        fitted = fitting.predict_table(formula, used, params, t)
        noise = noise_sd(used, t, fitted, n_constants)
        overall, train_ranges = records.training_ranges(train, t.module, derived)
        own = np.zeros_like(center)  # what the law itself puts on a prediction: refits, forms
        scatter = np.zeros_like(center)  # run-to-run noise
        distance = np.zeros(len(held))
        for group, positions in held.reset_index(drop=True).groupby(t.group_column, sort=False).indices.items():
            rows = held.iloc[positions]
            columns = {n: rows[n].to_numpy(dtype=float) for n in t.input_names}
            if group in draws.draws:
                with np.errstate(all="ignore"):
                    refits = np.stack([np.asarray(formula(columns, d), dtype=float).reshape(len(rows), -1)
                                       for d in draws.draws[group]])
                low16, high84 = np.nanquantile(refits, [0.1587, 0.8413], axis=0)
                own[positions] = ((high84 - low16) / 2.0) ** 2
            if spread is not None:
                own[positions] += np.asarray(spread(columns, params[group]), dtype=float).reshape(len(rows), -1) ** 2
            scatter[positions] = np.asarray(noise.get(str(group), [0.0] * len(t.targets))) ** 2
            ranges = train_ranges.get(str(group), overall)
            distance[positions] = extrapolation_distance(t, columns, ranges, reach, derived)
        if form_spread is not None and form_spread[index] is not None:
            own += np.asarray(form_spread[index], dtype=float).reshape(center.shape) ** 2
        truth = held[t.target_names].to_numpy(dtype=float)
        pieces.append((backtest.origin, truth, center, own, scatter, distance))

    rows = []
    for i, (origin, truth, center, own, scatter, distance) in enumerate(pieces):
        others = [p for j, p in enumerate(pieces) if j != i] or pieces
        scale, k = _terms(others, z, level)
        half = z * np.sqrt(scatter + scale[None, :] ** 2 * own + (k[None, :] * distance[:, None]) ** 2)
        covered = np.abs(truth - center) <= half
        spread_of_target = truth.std(axis=0)
        rows.append({
            "origin": origin, "rows": len(truth), "covered": float(covered.mean()),
            "median_width": float(np.median(2 * half)),
            "width_over_spread": float(np.median(2 * half / np.where(spread_of_target > 0, spread_of_target, np.nan))),
            "calibrated_on": "the other origins" if len(pieces) > 1 else "this origin",
        })
    scales, terms = _terms(pieces, z, level)
    distance = np.concatenate([p[5] for p in pieces]) if pieces else np.zeros(0)
    error = np.concatenate([(p[1] - p[2]).mean(axis=1) for p in pieces]) if pieces else np.zeros(0)
    errors = pd.DataFrame({"origin": np.concatenate([[p[0]] * len(p[5]) for p in pieces]) if pieces else [],
                           "distance": distance, "error": error})
    validated = float(distance.max()) if distance.size and distance.max() > 0 else 1.0
    return Calibration(level, [float(v) for v in terms], dict(reach), pd.DataFrame(rows),
                       validated_distance=validated, growth=error_growth(distance, error, level), errors=errors,
                       new_run_scale=[float(v) for v in scales])


#: The new-run scale of an interval is searched on this grid (1: the law's own refits measure
#: its uncertainty for a run it was not fitted on).
NEW_RUN_SCALES = (1.0, *np.geomspace(1.01, 1000.0, 400))


def _terms(parts, z: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Per target, the new-run scale s0 >= 1 and the extrapolation term k of the narrowest
    interval at one unit of distance (noise + s0^2 spread + k^2, at the median held row)
    among those covering ``level`` of the held rows.

    s0 scales what the law itself puts on a prediction (its refits, its forms, its survivors):
    a run it was not fitted on can miss by more than the refits say, and by more where they
    already disagree; k grows with distance. With k alone, runs a little beyond the data that
    missed by an offset of their own set a slope that exploded at the target (Gemstones'
    shapes, in the validation against independent studies)."""
    truth = np.vstack([p[1] for p in parts])
    center = np.vstack([p[2] for p in parts])
    own = np.vstack([p[3] for p in parts])
    scatter = np.vstack([p[4] for p in parts])
    distance = np.concatenate([p[5] for p in parts])
    scales, terms = [], []
    for j in range(truth.shape[1]):
        error = ((truth[:, j] - center[:, j]) / z) ** 2
        best = None
        for s0 in NEW_RUN_SCALES:
            inner = scatter[:, j] + s0**2 * own[:, j]
            needed = np.where(
                distance > 0,
                np.sqrt(np.maximum(error - inner, 0.0)) / np.maximum(distance, 1e-300),
                np.where(error <= inner, 0.0, np.inf),
            )
            k = _coverage_quantile(needed, level)
            if not np.isfinite(k):
                continue
            width = float(np.median(scatter[:, j])) + s0**2 * float(np.median(own[:, j])) + k**2
            if best is None or width < best[0] * (1.0 - 1e-12):
                best = (width, s0, k)
        scales.append(best[1] if best else 1.0)
        terms.append(best[2] if best else 0.0)
    return np.array(scales), np.array(terms)


def _coverage_quantile(needed: np.ndarray, level: float) -> float:
    ordered = np.sort(needed)
    index = min(int(math.ceil(level * len(ordered))) - 1, len(ordered) - 1)
    return float(ordered[max(index, 0)])


def uncertainty(
    table: pd.DataFrame,
    task: str | Task,
    formula: Callable[[Any, Sequence[float]], np.ndarray],
    params: Mapping[str, Sequence[float]],
    draws: fitting.BootstrapResult | Mapping[str, np.ndarray],
    calibration: Calibration,
    n_constants: int,
    unit: str,
) -> records.Uncertainty:
    """The record's uncertainty: refits on all runs, noise from the residuals, and the
    calibrated extrapolation term."""
    t = _task(task)
    prediction = fitting.predict_table(formula, table, params, t)
    samples = draws.draws if isinstance(draws, fitting.BootstrapResult) else draws
    return records.Uncertainty(
        unit=unit,
        draws={str(g): [[float(x) for x in row] for row in np.asarray(v)] for g, v in samples.items()},
        noise_sd=noise_sd(table, t, prediction, n_constants),
        extrapolation_sd=list(calibration.extrapolation_sd),
        reach=dict(calibration.reach),
        coverage=calibration.summary(),
        validated_distance=calibration.validated_distance,
        growth=calibration.growth,
        new_run_scale=list(calibration.new_run_scale),
    )


def combined_draws(choice: Choice, members: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Bootstrap refits of a combination: the members' refits side by side (same resamples)."""
    members = list(choice.members if members is None else members)
    count = min(_count(choice.draws[m]) for m in members)
    groups = choice.draws[members[0]].draws
    return {g: np.hstack([choice.draws[m].draws[g][:count] for m in members]) for g in groups}


def law_scores(evaluation: Evaluation, choice: Choice) -> pd.DataFrame:
    """The chosen law's own backtest scores: its single form's, or the weighted combination's."""
    if not choice.combined:
        return evaluation.scores[evaluation.scores.candidate == choice.best].reset_index(drop=True)
    rows = []
    for k, backtest in enumerate(evaluation.backtests):
        truth = evaluation.held_truth(k)
        parts = [evaluation.predictions.get((m, k)) for m in choice.members]
        row = {"candidate": "combination", "origin": backtest.origin, "rows": len(truth)}
        if any(p is None for p in parts):
            rows.append({**row, "r2": np.nan, "bias": np.nan, "nmae": np.nan, "status": "failed"})
            continue
        prediction = sum(w * p for w, p in zip(choice.weights, parts))
        spread = truth.std(axis=0)
        rows.append({**row, "r2": metrics.r2(truth, prediction), "nmae": metrics.nmae(truth, prediction),
                     "bias": float(np.mean((prediction - truth).mean(axis=0) / np.where(spread > 0, spread, 1.0))),
                     "status": "ok"})
    return pd.DataFrame(rows)


def validation_record(
    evaluation: Evaluation,
    choice: Choice,
    protocol: str,
) -> dict[str, Any]:
    """What the record stores of the protocol: every candidate's summary, the survivors, the
    members and weights, and the law's own backtest scores (``validation_r2``: their median
    over origins)."""
    summary = evaluation.summary()
    chosen = " + ".join(f"{w:.2f} {m}" for m, w in zip(choice.members, choice.weights)) if choice.combined else choice.best
    own = law_scores(evaluation, choice)
    return {
        "protocol": protocol,
        "chosen": chosen,
        "members": list(choice.members),
        "weights": list(choice.weights),
        "survivors": list(choice.survivors),
        "excluded": dict(choice.excluded),
        "reason": choice.reason,
        "validation_r2": float(np.median(own.r2.fillna(-np.inf))),
        "origins": own[["origin", "rows", "r2", "bias"]].round(6).to_dict("records"),
        "candidates": summary.round(6).to_dict("records"),
    }
