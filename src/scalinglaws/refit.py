"""Fit a law's form to your own runs, with honest uncertainty.

``scalinglaws.fit("moe", frame)`` fits the law of `scalinglaws.laws.moe` to a table
with the task's column names (a group column optional), with the same routine its
notebook used, and returns a `FittedLaw`: its record (the constants, training
ranges and bootstrap refits, in the format of the law's own stored record), the constants
with bootstrap intervals and whether the runs identify each one, the in-sample R2, and
``predict`` / ``decide`` that use those constants.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import fitting, metrics, records, show
from .data import FitError, InputError, task as _task, validate_table

__all__ = ["MAX_BOOTSTRAP", "FittedLaw", "fit", "load_fitted"]

MAX_BOOTSTRAP = fitting.MAX_BOOTSTRAP


def _law(module: str):
    from . import laws

    return laws.get(module).LAW


@dataclass(frozen=True, repr=False)
class FittedLaw:
    """A law's form with constants fitted to a user's runs.

    ``intervals`` is the table to read: each group's constants with their bootstrap standard
    error, 95% interval, and whether the runs identify them (``identified``, with a ``note``
    saying why not). ``print(fitted)`` shows it at 4 significant figures; ``constants``,
    ``r2`` and ``rows`` are there for code; ``record`` is what ``save`` writes.
    """

    record: records.Record
    intervals: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def task(self) -> str:
        return self.record.module

    @property
    def param_names(self) -> list[str]:
        return self.record.param_names

    @property
    def constants(self) -> dict[str, list[float]]:
        return self.record.params

    @property
    def r2(self) -> float:
        return float(self.record.provenance.get("r2", np.nan))

    @property
    def rows(self) -> int:
        return int(self.record.provenance.get("rows", 0))

    #: Groups shown by the repr (the rest are in ``intervals``).
    SHOWN_GROUPS = 4

    def _heading(self) -> str:
        refits = int(self.record.provenance.get("bootstrap", 0) or 0)
        groups = len(self.constants)
        return (f"{self.task} law fitted to {self.rows} runs" + (f" in {groups} groups" if groups > 1 else "")
                + f": R2 {show.r2(self.r2)}"
                + (f", 95% intervals from {refits} bootstrap refits" if refits else ", no bootstrap (no intervals)"))

    def _rows(self, groups: int | None = SHOWN_GROUPS) -> tuple[list[str], list[list[str]], list[str]]:
        """Header, rows (group, constant, estimate, 95% interval, identified) and notes, for
        the first ``groups`` groups (None: all); a note says where the rest are."""
        shown = list(self.constants)[:groups]
        notes = []
        if self.intervals.empty:
            header = ["group", "constant", "estimate"]
            body = [[g, n, show.number(v)] for g in shown for n, v in zip(self.param_names, self.constants[g])]
        else:
            header = ["group", "constant", "estimate", "95% interval", "identified"]
            low, high = [c for c in self.intervals.columns if c.startswith("low_")][0], \
                [c for c in self.intervals.columns if c.startswith("high_")][0]
            body = []
            for row in self.intervals.to_dict("records"):
                if row["group"] not in shown:
                    continue
                body.append([row["group"], row["constant"], show.number(row["estimate"]),
                             f"{show.number(row[low])} to {show.number(row[high])}",
                             "yes" if row["identified"] else "no"])
                if not row["identified"]:
                    notes.append(f"{row['constant']} of group {row['group']} is not identified: {row['note']}")
        if len(self.constants) > len(shown):
            notes.append(f"{len(self.constants) - len(shown)} more groups: .constants, .intervals")
        return header, body, notes

    def lines(self, groups: int | None = SHOWN_GROUPS, notes: bool = True) -> list[str]:
        """A heading (runs, R2, refits), then each constant with its estimate, 95% interval and
        whether the runs identify it, at 4 significant figures, for the first ``groups`` groups
        (None: all); with ``notes``, why a constant is not identified."""
        header, body, why = self._rows(groups)
        return [self._heading(), *show.aligned([header, *body, *(why if notes else [])], indent="  ", widest=10**6)]

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    __str__ = __repr__

    def _repr_html_(self) -> str:
        header, body, notes = self._rows()
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        return (f"<div><strong>{html.escape(self._heading())}</strong>{show.html_table(header, body)}"
                + (f"<ul>{items}</ul>" if items else "") + "</div>")

    def predict(self, X: Any, group: str | None = None, interval: float | None = None):
        """Predict the target(s) for ``X`` with these constants (see ``Law.predict``)."""
        return _law(self.task).predict(X, self.record, interval=interval, group=group)

    def decide(self, name: str | None = None, /, *args, group: str | None = None, **kwargs):
        """Run one of the law's decisions with these constants (the main one if ``name`` is None)."""
        return _law(self.task).decide(name, *args, constants=self.record, group=group, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        body = self.record.to_dict()
        if not self.intervals.empty:
            body["intervals"] = self.intervals.to_dict("records")
        return body

    def save(self, path: str | Path) -> Path:
        """Write the record as JSON: ``load_fitted``, ``--constants`` and ``constants=`` read it."""
        path = Path(path)
        if path.is_dir():
            raise InputError(f"{path} is a directory: name a file to write the constants to")
        records.write_atomic(path, self.record.to_json())
        return path


def fit(task: str, frame: pd.DataFrame, bootstrap: int = 100, seed: int = 0,
        progress: bool | Callable[[int, int], None] = False) -> FittedLaw:
    """Fit ``task``'s law to the runs in ``frame``; ``bootstrap`` refits give 95% intervals (0: none;
    at most `MAX_BOOTSTRAP`).

    The bootstrap resamples distinct runs (rows repeating one setting of the inputs are
    drawn together), so duplicated rows do not shrink the intervals. A constant the runs
    cannot pin down (every refit agrees because it sits at a bound, or the predictions do
    not depend on it) is marked ``identified = False``; if no constant of any group is
    identified, the fit is not usable and `scalinglaws.data.FitError` says so (a group
    with none identified among others that are gets a warning). ``progress``: a progress bar
    on stderr, or a callable (see `scalinglaws.fitting.bootstrap`).
    """
    t = _task(task)
    law = _law(t.module)
    fitting.check_bootstrap(bootstrap, "each refit is a full fit")
    table = validate_table(t, frame)
    law.check_fittable(table)
    constants = law.fit_constants(table)
    prediction = fitting.predict_table(law.formula, table, constants, t)
    truth = table[t.target_names].to_numpy()
    r2 = metrics.r2(truth, prediction.reshape(truth.shape)) if len(table) > 1 else float("nan")
    uncertainty, intervals = None, pd.DataFrame()
    if bootstrap:
        draws = fitting.bootstrap(law.fit_constants, table, n=bootstrap, seed=seed, by=t.group_column,
                                  cluster=t.input_names, start=constants, progress=progress)
        stored = law._stored_or_none()
        prior = stored.uncertainty if stored is not None else None
        from .selection import noise_sd

        uncertainty = records.Uncertainty(
            unit="distinct runs (repeats of one setting are drawn together)",
            draws={g: np.asarray(v).tolist() for g, v in draws.draws.items()},
            noise_sd=noise_sd(table, t, prediction, len(law.param_names)),
            # The extrapolation error per unit of distance is what the law's own backtests
            # measured: the best prior for runs like these (none if the law has no record).
            extrapolation_sd=list(prior.extrapolation_sd) if prior else [0.0] * len(t.targets),
            reach=dict(prior.reach) if prior else {},
            validated_distance=prior.validated_distance if prior else None,
            growth=prior.growth if prior else None,
            new_run_scale=list(prior.new_run_scale) if prior and prior.new_run_scale else None,
        )
        intervals = identified(law, table, constants, draws, fitting.intervals(constants, draws, law.param_names))
        _refuse_unusable(t, intervals, len(table))
    record = law.make_record(constants, table, uncertainty=uncertainty, source="scalinglaws.fit",
                             r2=float(r2), bootstrap=int(bootstrap), seed=int(seed))
    return FittedLaw(record, intervals)


def _refuse_unusable(t, intervals: pd.DataFrame, rows: int) -> None:
    """A fit of which no constant is identified is not a fit: an error if that holds for every
    group, a warning naming the groups where it holds for some."""
    unusable = [g for g, part in intervals.groupby("group", sort=False) if not part.identified.any()]
    if not unusable:
        return
    why = intervals[intervals.group == unusable[0]].note.iloc[0]
    advice = f"fit on more runs that differ in their inputs ({', '.join(t.input_names)})"
    if len(unusable) == intervals.group.nunique():
        raise FitError(f"the fit is not usable: none of the {t.module} law's constants is identified by these "
                       f"{rows} runs (for example {intervals.constant.iloc[0]}: {why}); {advice}")
    warnings.warn(f"the fit is not usable for group(s) {', '.join(map(str, unusable))}: none of their constants "
                  f"is identified by their runs; {advice}", UserWarning, stacklevel=3)


def identified(law, table: pd.DataFrame, constants: dict[str, list[float]], draws: fitting.BootstrapResult,
               intervals: pd.DataFrame) -> pd.DataFrame:
    """Mark each constant the runs do not pin down: predictions that do not move when it
    moves, or a value most refits hold at the same extreme (a bound of the fit)."""
    t = law.task
    flags, notes = [], []
    by_group = {str(g): {n: rows[n].to_numpy(dtype=float) for n in t.input_names}
                for g, rows in table.groupby(t.group_column, sort=False)}
    for row in intervals.to_dict("records"):
        estimate, group = row["estimate"], row["group"]
        vector = np.asarray(constants[group], dtype=float)
        j = law.param_names.index(row["constant"])
        moved = vector.copy()
        moved[j] = estimate + max(0.1 * abs(estimate), 0.01)
        columns = by_group[group]
        with np.errstate(all="ignore"):
            base = np.asarray(law.formula(columns, vector), dtype=float)
            change = np.asarray(law.formula(columns, moved), dtype=float) - base
        flat = not np.all(np.isfinite(change)) or np.max(np.abs(change)) <= 1e-9 * max(np.max(np.abs(base)), 1e-12)
        refits = draws.draws.get(group, np.empty((0, len(vector))))[:, j]
        tiny = 1e-9 * max(abs(estimate), 1.0)
        at_extreme = len(refits) > 1 and (estimate <= refits.min() + tiny or estimate >= refits.max() - tiny)
        held = len(refits) > 1 and at_extreme and np.mean(np.abs(refits - estimate) <= tiny) >= 0.25
        if flat:
            flags.append(False)
            notes.append("the predictions do not depend on it at these runs")
        elif held:
            share = np.mean(np.abs(refits - estimate) <= tiny)
            flags.append(False)
            notes.append(f"{share:.0%} of the refits hold it at the same extreme value: a bound of the fit, not an estimate")
        else:
            flags.append(True)
            notes.append("")
    return intervals.assign(identified=flags, note=notes)


def load_fitted(path: str | Path) -> FittedLaw:
    """Read constants written by `FittedLaw.save` (or a law's own ``laws/<module>.json``)."""
    record = records.read(path)
    law = _law(record.module)
    if record.param_names != law.param_names:
        raise InputError(f"{path} holds constants {record.param_names}, but the {record.module} law has {law.param_names}")
    return FittedLaw(record)
