"""The fitting machinery every law shares.

- `least_squares`: robust multi-start least squares (optionally a Huber loss),
  bounded, deterministic, and loud when nothing converges.
- `grid_starts` / `random_starts`: seeded starting points.
- `extrapolation_holdout` and `kfold`: the splits of the *training*
  rows that notebooks use to choose a form (the test split is never seen).
- `Candidate` and `validation_table`: score competing forms under
  one protocol.
- `bootstrap` and `intervals`: uncertainty of fitted constants, resampling
  what is independent (distinct runs, or cells of repeated runs).
- `parallel_map`: independent fits (backtests, bootstraps) on every core, with the same
  results as one after the other.

The choice among forms (backtests from several forecast origins, survivors, combination,
calibrated intervals) is `scalinglaws.selection`, built on these.
"""

from __future__ import annotations

import itertools
import os
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from . import metrics
from .data import FitError, InputError, Task, task as _task

if TYPE_CHECKING:  # pandas and scipy load when a fit runs: a law predicts without them
    import pandas as pd

__all__ = [
    "BootstrapResult",
    "Candidate",
    "FitError",
    "MAX_BOOTSTRAP",
    "FitResult",
    "bootstrap",
    "check_bootstrap",
    "extrapolation_holdout",
    "fit_groups",
    "fit_shared",
    "grid_starts",
    "intervals",
    "kfold",
    "least_squares",
    "parallel_map",
    "predict_table",
    "random_starts",
    "validation_table",
]

Params = Mapping[str, Sequence[float]]


def workers() -> int:
    """How many processes `parallel_map` may use: the cores this process may run on, or
    ``SCALINGLAWS_WORKERS`` (``1`` runs everything in this process)."""
    value = os.environ.get("SCALINGLAWS_WORKERS", "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            raise ValueError(f"SCALINGLAWS_WORKERS must be a whole number, got {value!r}") from None
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# What the forked workers of `parallel_map` run: set before the fork, so that the function
# (often a closure over a notebook's law, which pickle cannot carry) and the items (tables)
# reach the workers by inheritance; only an index goes in and a result comes back.
_JOBS: tuple[Callable[[Any], Any], list[Any]] | None = None
_IN_WORKER = False


def _start_worker() -> None:
    """A worker runs one BLAS thread: its fits are small, and a BLAS pool per worker on cores
    the other workers use makes them wait on each other (a study of chinchilla's runs took
    twice as long in two workers as in one process until this was set)."""
    global _IN_WORKER
    _IN_WORKER = True
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _job(index: int) -> Any:
    function, items = _JOBS
    return function(items[index])


def parallel_map(function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """``function(item)`` for each item, yielded in the items' order: in forked worker
    processes (one per core, `workers`) where there are several cores and items, else in
    this process. Every fit here is seeded and deterministic, so the results are the same
    either way; what ``function`` returns must pickle (constants, arrays, tables), and an
    exception it raises reaches the caller. Workers never fork again."""
    import multiprocessing

    global _JOBS
    items = list(items)
    count = min(workers(), len(items))
    if count < 2 or _IN_WORKER or _JOBS is not None or "fork" not in multiprocessing.get_all_start_methods():
        yield from (function(item) for item in items)
        return
    from concurrent.futures import ProcessPoolExecutor

    import scipy.optimize  # noqa: F401  (imported once here, not once per worker: the fits need it)

    _JOBS = (function, items)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker) as pool:
            yield from pool.map(_job, range(len(items)))
    finally:
        _JOBS = None


@dataclass(frozen=True)
class FitResult:
    """The best converged start of a multi-start fit."""

    params: np.ndarray
    cost: float
    converged_starts: int
    total_starts: int

    def __repr__(self) -> str:  # short and free of memory addresses, for notebooks
        values = ", ".join(f"{v:.6g}" for v in self.params)
        return (
            f"FitResult(params=[{values}], cost={self.cost:.6g}, "
            f"converged {self.converged_starts}/{self.total_starts} starts)"
        )


def grid_starts(*axes: Sequence[float]) -> np.ndarray:
    """Every combination of the given values, one start per row (a full grid)."""
    return np.array(list(itertools.product(*axes)), dtype=float)


def random_starts(lower: Sequence[float], upper: Sequence[float], n: int, seed: int) -> np.ndarray:
    """``n`` starts drawn uniformly in the box ``[lower, upper]`` with a fixed seed."""
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    rng = np.random.default_rng(seed)
    return lower + (upper - lower) * rng.random((n, lower.size))


def _initial_costs(residuals: Callable[[np.ndarray], np.ndarray], starts: np.ndarray) -> np.ndarray:
    costs = np.empty(len(starts))
    with np.errstate(all="ignore"):
        for i, start in enumerate(starts):
            value = float(np.sum(np.asarray(residuals(start), dtype=float) ** 2))
            costs[i] = value if np.isfinite(value) else np.inf
    return costs


def least_squares(
    residuals: Callable[[np.ndarray], np.ndarray],
    starts: np.ndarray,
    *,
    bounds: tuple[Sequence[float], Sequence[float]] | None = None,
    loss: str = "linear",
    f_scale: float = 1.0,
    max_nfev: int | None = None,
    jac: Callable[[np.ndarray], np.ndarray] | str = "2-point",
    keep: int | None = None,
) -> FitResult:
    """Minimise ``sum(rho(residuals(theta)^2))`` from every start; the best converged start wins.

    ``residuals`` maps a parameter vector to the vector of residuals (on whatever
    scale the law is fitted: the target, or its log). ``bounds`` keeps exponents
    positive and asymptotes non-negative where a law needs it; starts are clipped
    into the bounds. ``loss="huber"`` with a small ``f_scale`` gives the robust fit
    of Hoffmann et al. (2022). The result depends only on the inputs: starts are
    visited in order and ties keep the first, so a refit reproduces the constants
    bit for bit.

    With ``keep``, the objective is first evaluated at every start and only the
    ``keep`` starts where it is lowest are optimised: a cheap screen of a large grid.

    Raises `FitError` when no start converges.
    """
    from scipy import optimize  # here, not at import: predicting needs no scipy

    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    if bounds is None:
        lower = np.full(starts.shape[1], -np.inf)
        upper = np.full(starts.shape[1], np.inf)
    else:
        lower = np.broadcast_to(np.asarray(bounds[0], dtype=float), starts.shape[1:]).copy()
        upper = np.broadcast_to(np.asarray(bounds[1], dtype=float), starts.shape[1:]).copy()
    # Strictly inside the box: scipy's trf rejects starts on a bound.
    span = np.where(np.isfinite(upper - lower), upper - lower, 1.0)
    inner_lower = np.where(np.isfinite(lower), lower + 1e-9 * span, lower)
    inner_upper = np.where(np.isfinite(upper), upper - 1e-9 * span, upper)
    starts = np.clip(starts, inner_lower, inner_upper)
    if keep is not None and keep < len(starts):
        starts = starts[np.argsort(_initial_costs(residuals, starts), kind="stable")[:keep]]
    best: optimize.OptimizeResult | None = None
    converged = 0
    reasons: list[str] = []
    for x0 in starts:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            # Overflow in a wild start is expected and is judged by the cost below.
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                result = optimize.least_squares(
                    residuals,
                    x0,
                    jac=jac,
                    bounds=(lower, upper),
                    loss=loss,
                    f_scale=f_scale,
                    max_nfev=max_nfev,
                    method="trf",
                )
            except ValueError as error:  # residuals not finite at the start
                reasons.append(str(error))
                continue
        if result.status <= 0 or not np.isfinite(result.cost):
            reasons.append(result.message)
            continue
        converged += 1
        # A start wins only by more than rounding: among starts whose optima cost the same to
        # TIE_RTOL, the first in the grid's order wins on every machine, whichever kernel
        # rounded its cost a hair lower. (Two starts can end at equally good points of a flat
        # valley that extrapolate differently; the order, not the last bit, must decide.)
        if best is None or result.cost < best.cost * (1.0 - TIE_RTOL) - 1e-300:
            best = result
    if best is None:
        distinct = sorted(set(reasons))[:3]
        raise FitError(
            f"none of {len(starts)} starts converged; optimiser said: " + " | ".join(distinct)
        )
    best = _polish(residuals, best, lower, upper, jac, loss, f_scale, max_nfev)
    return FitResult(
        params=np.asarray(best.x, dtype=float),
        cost=float(best.cost),
        converged_starts=converged,
        total_starts=len(starts),
    )


def _polish(residuals, best, lower, upper, jac, loss, f_scale, max_nfev):
    """Converge the winning start to machine precision, so that the result is the optimum
    itself and not wherever a loose stopping rule happened to stop.

    The default tolerances (1e-8) stop the optimiser once the cost stalls; in a flat
    direction the constants are then fixed only to about 1e-4, and another CPU's kernels
    (other rounding in the finite-difference Jacobian) stop elsewhere. A second run from
    the winner with tolerances near machine precision and a central-difference Jacobian
    lands on the same point on every machine, to far below what any prediction shows.
    """
    from scipy import optimize

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            polished = optimize.least_squares(
                residuals, best.x, jac="3-point" if jac == "2-point" else jac,
                bounds=(lower, upper), loss=loss, f_scale=f_scale,
                ftol=_TIGHT, xtol=_TIGHT, gtol=_TIGHT,
                max_nfev=None if max_nfev is None else 2 * max_nfev, method="trf",
            )
        except ValueError:
            return best
    if polished.status < 0 or not np.isfinite(polished.cost) or polished.cost > best.cost:
        return best
    return polished


#: Stopping tolerance of the polishing run: a few units of machine precision.
_TIGHT = 1e-15

#: Costs that agree to this relative tolerance are a tie (see `least_squares`).
TIE_RTOL = 1e-7


def _columns(frame: pd.DataFrame, names: Sequence[str]) -> dict[str, np.ndarray]:
    # Laws read inputs as X[name]; plain arrays make the thousands of calls of a fit cheap.
    return {name: frame[name].to_numpy(dtype=float) for name in names}


def fit_groups(
    predict: Callable[[pd.DataFrame, Sequence[float]], np.ndarray],
    table: pd.DataFrame,
    task: str | Task,
    starts: np.ndarray,
    *,
    bounds: tuple[Sequence[float], Sequence[float]] | None = None,
    log_residuals: bool = False,
    start: Params | None = None,
    **options,
) -> dict[str, list[float]]:
    """Fit a law to each group of a task table on its own, with `least_squares`.

    ``predict(inputs, constants)`` is the law itself; the residuals are
    ``predict - target`` over the group's rows (or the difference of their logs with
    ``log_residuals``, for positive targets spanning decades). With ``start`` (constants
    per group, say the fit to all runs when refitting a resample), each group's fit
    starts there and from the two best points of the grid only. Raises
    `FitError` naming the group whose fit did not converge.
    """
    t = _task(task)
    fitted: dict[str, list[float]] = {}
    for group, rows in table.groupby(t.group_column, sort=False):
        group_starts, group_options = _warm(starts, start, str(group), options)
        inputs = _columns(rows, t.input_names)
        target = rows[t.target_names].to_numpy(dtype=float).reshape(len(rows), -1)
        if len(t.targets) == 1:
            target = target[:, 0]
        if log_residuals:
            log_target = np.log(target)

            def residuals(theta, inputs=inputs, log_target=log_target):
                return np.log(np.asarray(predict(inputs, theta), dtype=float)).ravel() - log_target.ravel()
        else:

            def residuals(theta, inputs=inputs, target=target):
                return np.asarray(predict(inputs, theta), dtype=float).ravel() - target.ravel()

        try:
            result = least_squares(residuals, group_starts, bounds=bounds, **group_options)
        except FitError as error:
            raise FitError(f"group {group!r}: {error}") from error
        fitted[str(group)] = result.params.tolist()
    return fitted


#: With a warm start, how many points of the grid are still optimised beside it.
WARM_KEEP = 2


def _warm(starts: np.ndarray, start: Params | None, group: str, options: dict) -> tuple[np.ndarray, dict]:
    """Starts and options for one fit: the warm start first, then the best of the grid."""
    if start is None or group not in start:
        return starts, options
    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    warm = np.asarray(start[group], dtype=float)[None, :]
    keep = min(options.get("keep") or len(starts), WARM_KEEP) + 1
    return np.vstack([warm, starts]), {**options, "keep": keep}


def fit_shared(
    predict: Callable[[pd.DataFrame, Sequence[float]], np.ndarray],
    table: pd.DataFrame,
    task: str | Task,
    n_shared: int,
    arrange: Callable[[np.ndarray, np.ndarray], Sequence[float]],
    starts: np.ndarray,
    *,
    bounds: tuple[Sequence[float], Sequence[float]] | None = None,
    start: Params | None = None,
    unarrange: Callable[[Sequence[float]], tuple[Sequence[float], Sequence[float]]] | None = None,
    **options,
) -> dict[str, list[float]]:
    """Fit a law whose first ``n_shared`` constants are common to all groups, jointly.

    ``starts`` and ``bounds`` describe one group's vector ``[shared..., own...]``;
    they are tiled over the groups. ``arrange(shared, own)`` orders a group's
    constants as ``predict`` expects them, and each group's entry of the result holds
    its full vector in that order (the shared values repeated), so the result plugs
    into `predict_table` like any per-group fit. With ``start`` (constants per group,
    in ``predict``'s order) and ``unarrange`` (the inverse of ``arrange``: a group's
    constants to ``(shared, own)``), the fit starts there and from the two best points of
    the grid only.
    """
    t = _task(task)
    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    n_own = starts.shape[1] - n_shared
    groups = list(dict.fromkeys(table[t.group_column]))
    import pandas as pd

    codes = pd.Categorical(table[t.group_column], categories=groups).codes
    target = table[t.target_names].to_numpy(dtype=float)
    if len(t.targets) == 1:
        target = target[:, 0]
    masks = [codes == i for i in range(len(groups))]
    inputs = [_columns(table[mask], t.input_names) for mask in masks]

    def constants(theta: np.ndarray, i: int) -> Sequence[float]:
        return arrange(theta[:n_shared], theta[n_shared + i * n_own : n_shared + (i + 1) * n_own])

    def residuals(theta: np.ndarray) -> np.ndarray:
        out = np.empty_like(target)
        for i, mask in enumerate(masks):
            out[mask] = np.asarray(predict(inputs[i], constants(theta, i))).reshape(out[mask].shape)
        return (out - target).ravel()

    def tile(values) -> np.ndarray:
        values = np.atleast_2d(np.asarray(values, dtype=float))
        return np.hstack([values[:, :n_shared]] + [values[:, n_shared:]] * len(groups))

    tiled_bounds = None if bounds is None else (tile(bounds[0])[0], tile(bounds[1])[0])
    tiled = tile(starts)
    if start is not None and unarrange is not None and all(str(g) in start for g in groups):
        parts = [unarrange(start[str(g)]) for g in groups]
        warm = np.concatenate([np.asarray(parts[0][0], dtype=float)] + [np.asarray(own, dtype=float) for _, own in parts])
        tiled = np.vstack([warm[None, :], tiled])
        options = {**options, "keep": min(options.get("keep") or len(tiled), WARM_KEEP) + 1}
    result = least_squares(residuals, tiled, bounds=tiled_bounds, **options)
    return {str(g): [float(v) for v in constants(result.params, i)] for i, g in enumerate(groups)}


def _as_list(columns: str | Sequence[str]) -> list[str]:
    return [columns] if isinstance(columns, str) else list(columns)


def extrapolation_holdout(
    frame: pd.DataFrame,
    axis: str | Sequence[str],
    k: int = 1,
    by: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split training rows into (inner, held): held are the rows at the ``k`` largest values of ``axis``.

    With several axes, a row is held if it sits at one of the ``k`` largest values
    of *any* of them, as when a task's test split extrapolates in two inputs. With
    ``by`` (a group column), the largest values are taken within each group.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    axes = _as_list(axis)
    missing = [a for a in axes if a not in frame.columns]
    if missing:
        raise KeyError(f"no column {missing[0]!r} to hold out along; columns: {list(frame.columns)}")
    held = np.zeros(len(frame), dtype=bool)
    parts = [frame] if by is None else [part for _, part in frame.groupby(by, sort=False)]
    for part in parts:
        for a in axes:
            values = np.unique(part[a].to_numpy())
            if values.size <= k:
                raise ValueError(f"{a} has only {values.size} distinct value(s); cannot hold out {k}")
            largest = values[-k:]
            held[frame.index.get_indexer(part.index[part[a].isin(largest)])] = True
    return frame[~held].copy(), frame[held].copy()


def kfold(
    frame: pd.DataFrame, k: int, seed: int, by: str | None = None
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Seeded K-fold splits (train, valid) of the rows; with ``by``, folds are drawn within each group."""
    if k < 2:
        raise ValueError("k must be at least 2")
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(frame), dtype=int)
    parts = [frame] if by is None else [part for _, part in frame.groupby(by, sort=False)]
    for part in parts:
        positions = frame.index.get_indexer(part.index)
        order = rng.permutation(len(positions))
        fold_of[positions[order]] = np.arange(len(positions)) % k
    for fold in range(k):
        mask = fold_of == fold
        yield frame[~mask].copy(), frame[mask].copy()


def predict_table(
    predict: Callable[[pd.DataFrame, Sequence[float]], np.ndarray],
    table: pd.DataFrame,
    params: Params,
    task: str | Task,
) -> np.ndarray:
    """Predict every row of a task table with the constants of its group (one call per group)."""
    t = _task(task)
    n_targets = len(t.targets)
    out = np.empty((len(table), n_targets))
    for group, rows in table.groupby(t.group_column, sort=False):
        if group not in params:
            raise KeyError(f"no constants for group {group!r}; fitted groups: {sorted(params)}")
        positions = table.index.get_indexer(rows.index)
        prediction = np.asarray(predict(rows[t.input_names], params[group]), dtype=float)
        out[positions] = prediction.reshape(len(rows), n_targets)
    return out[:, 0] if n_targets == 1 else out


@dataclass(frozen=True)
class Candidate:
    """A form competing to be a task's law: how it is fitted and how it predicts."""

    name: str
    constants: str
    fit: Callable[[pd.DataFrame], dict[str, list[float]]]
    predict: Callable[[pd.DataFrame, Sequence[float]], np.ndarray]
    origin: str = ""


def validation_table(
    candidates: Sequence[Candidate],
    splits: Sequence[tuple[pd.DataFrame, pd.DataFrame]],
    task: str | Task,
) -> pd.DataFrame:
    """Refit every candidate on each split's train rows and score it on its held rows.

    With one split (an extrapolation holdout) the table has R2 and NMAE; with several
    (K folds) it has the mean and the standard deviation of R2 over folds, and the
    R2 of all folds' predictions pooled. A candidate whose fit fails is reported with
    NaN scores and the reason, not dropped.
    """
    import pandas as pd

    t = _task(task)
    rows = []
    for c in candidates:
        fold_r2, fold_nmae, pooled_true, pooled_pred = [], [], [], []
        failure = ""
        for train, held in splits:
            try:
                params = c.fit(train)
                prediction = predict_table(c.predict, held, params, t)
            except FitError as error:
                failure = str(error)
                break
            truth = held[t.target_names].to_numpy()
            prediction = prediction.reshape(truth.shape)
            if not np.all(np.isfinite(prediction)):
                failure = "non-finite predictions on the held rows"
                break
            fold_r2.append(metrics.r2(truth, prediction))
            fold_nmae.append(metrics.nmae(truth, prediction))
            pooled_true.append(truth)
            pooled_pred.append(prediction)
        row = {"candidate": c.name, "constants": c.constants, "origin": c.origin}
        if failure:
            row.update(r2=np.nan, nmae=np.nan, failure=failure)
        elif len(splits) == 1:
            row.update(r2=fold_r2[0], nmae=fold_nmae[0])
        else:
            truth, prediction = np.concatenate(pooled_true), np.concatenate(pooled_pred)
            row.update(
                r2=metrics.r2(truth, prediction),
                r2_fold_mean=float(np.mean(fold_r2)),
                r2_fold_std=float(np.std(fold_r2)),
                nmae=metrics.nmae(truth, prediction),
            )
        rows.append(row)
    return pd.DataFrame(rows)


#: The most bootstrap refits `fit` and `study` run: each is at least a full fit (about a
#: second for the larger laws), and beyond a few thousand the intervals do not change in
#: their printed digits.
MAX_BOOTSTRAP = 2000


def check_bootstrap(refits: Any, cost: str) -> None:
    """Refuse what is not a number of bootstrap refits from 0 to `MAX_BOOTSTRAP`; ``cost``
    says what one refit costs (for the message)."""
    if isinstance(refits, bool) or not isinstance(refits, (int, np.integer)) or refits < 0:
        raise InputError(f"bootstrap: expected a number of refits (0 or more), got {refits!r}")
    if refits > MAX_BOOTSTRAP:
        raise InputError(f"bootstrap: {refits} refits is more than the {MAX_BOOTSTRAP} allowed ({cost}; at most "
                         f"{MAX_BOOTSTRAP} already give intervals stable in their printed digits)")


@dataclass(frozen=True)
class BootstrapResult:
    """Constants refitted on resampled rows: ``draws[group]`` is (successful draws, constants)."""

    draws: dict[str, np.ndarray]
    attempted: int
    failed: int = field(default=0)


def bootstrap(
    fit: Callable[..., dict[str, list[float]]],
    table: pd.DataFrame,
    n: int = 100,
    seed: int = 0,
    by: str | None = "group",
    cluster: Sequence[str] | None = None,
    start: Params | None = None,
    progress: bool | Callable[[int, int], None] = False,
) -> BootstrapResult:
    """Refit on ``n`` resamples of what is independent in the table.

    Resamples are drawn within each group when ``by`` is set. The unit resampled is a
    *cluster* of rows: rows that share the values of the ``cluster`` columns are drawn
    together. By default a cluster is a set of identical rows, so that twenty copies of
    one run do not pass for twenty runs; with the task's inputs as ``cluster``, repeated
    runs of one setting (a cell) count once, as they should where their differences are
    noise the law does not model. With
    ``start`` (the fit to all rows), each refit starts there if ``fit`` takes a ``start``
    argument: faster, and every refit lands in the basin of the full fit. Resamples whose
    fit raises `FitError` are counted in ``failed``, never silently replaced.

    ``progress=True`` shows a progress bar (tqdm) on stderr; a callable is called as
    ``progress(done, n)`` after each refit instead (to drive a bar of one's own).
    """
    import inspect

    import pandas as pd

    rng = np.random.default_rng(seed)
    columns = [c for c in table.columns if c != by] if cluster is None else list(cluster)
    parts = [table] if by is None else [part for _, part in table.groupby(by, sort=False)]
    clusters = []
    for part in parts:
        keys = part[columns].round(12).astype(str).agg("|".join, axis=1) if columns else part.index.astype(str)
        codes, uniques = pd.factorize(keys, sort=False)
        members = [part.index.to_numpy()[codes == k] for k in range(len(uniques))]
        clusters.append(members)
    warm = start is not None and "start" in inspect.signature(fit).parameters
    collected: dict[str, list[np.ndarray]] = {}
    failed = 0
    report, close = _progress(progress, n)
    for done in range(1, n + 1):
        chosen = np.concatenate([
            np.concatenate([members[i] for i in rng.integers(0, len(members), size=len(members))])
            for members in clusters
        ])
        sample = table.loc[chosen].reset_index(drop=True)
        try:
            params = fit(sample, start=start) if warm else fit(sample)
        except FitError:
            failed += 1
            params = {}
        for group, constants in params.items():
            collected.setdefault(group, []).append(np.asarray(constants, dtype=float))
        report(done, n)
    close()
    draws = {group: np.vstack(values) for group, values in collected.items()}
    return BootstrapResult(draws=draws, attempted=n, failed=failed)


def _progress(progress: bool | Callable[[int, int], None], n: int):
    """``(report(done, n), close())`` for `bootstrap`'s ``progress`` argument."""
    if callable(progress):
        return progress, lambda: None
    if not progress:
        return (lambda done, total: None), lambda: None
    from tqdm import tqdm

    bar = tqdm(total=n, desc="bootstrap refits", unit="refit", leave=False)
    return (lambda done, total: bar.update(1)), bar.close


def intervals(
    estimate: Params,
    result: BootstrapResult,
    names: Sequence[str],
    level: float = 0.95,
) -> pd.DataFrame:
    """Table of each group's constants with bootstrap standard errors and percentile intervals."""
    import pandas as pd

    tail = (1.0 - level) / 2.0
    rows = []
    for group, constants in estimate.items():
        draws = result.draws.get(group, np.empty((0, len(constants))))
        for j, name in enumerate(names):
            values = draws[:, j] if len(draws) else np.array([np.nan])
            rows.append(
                {
                    "group": group,
                    "constant": name,
                    "estimate": float(constants[j]),
                    "std_error": float(np.std(values, ddof=1)) if len(values) > 1 else np.nan,
                    f"low_{level:.0%}": float(np.quantile(values, tail)),
                    f"high_{level:.0%}": float(np.quantile(values, 1.0 - tail)),
                }
            )
    return pd.DataFrame(rows)
