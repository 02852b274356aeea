"""Studies: the selection protocol that chose a packaged law, run on any table of runs.

``scalinglaws.study("chinchilla", runs)`` (or ``scalinglaws study chinchilla --csv
runs.csv``) takes the law's pool of candidate forms, builds backtests from the runs
themselves along the law's extrapolation axes (as far beyond the runs as the points you ask
about, ``at=`` or ``points=``, or two steps of the runs' own spacing), scores every form
from every origin, keeps the survivors, combines them where they disagree at the target,
fits the result on all runs with bootstrap refits, and calibrates its prediction intervals
on the backtests, so that they grow beyond the distance the backtests validated. The
notebook of every packaged law runs the same function on the law's own table: one path.

The result, a `Study`, holds the backtest table, the choice and why, the constants with
intervals (and which ones the runs identify), ``predict(X, interval=0.9)``, the law's
decisions from those constants (``decide``), ``to_dict()`` for JSON, and ``report(path)``,
a notebook executed on your runs and rendered as HTML.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import data, fitting, records, selection
from .data import InputError, task as _task

if TYPE_CHECKING:
    from .law import Law

__all__ = ["Study", "study", "MAX_BOOTSTRAP"]

#: The most bootstrap refits a study runs (each is a fit of every survivor).
MAX_BOOTSTRAP = fitting.MAX_BOOTSTRAP


def _law(law: str | Law) -> Law:
    if isinstance(law, str):
        from . import laws

        return laws.get(law).LAW
    return law


@dataclass
class Study:
    """The selection protocol run on a table of runs (see `study`)."""

    law: Law
    runs: pd.DataFrame
    source: bool
    reach: dict[str, float]
    backtests: list[selection.Backtest]
    evaluation: selection.Evaluation | None
    choice: selection.Choice | None
    fitted: Law
    record: records.Record
    calibration: selection.Calibration | None
    constants_table: pd.DataFrame
    literature: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    points: pd.DataFrame | None = None
    level: float = 0.9
    at: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------ what was chosen

    @property
    def validated(self) -> bool:
        """Whether backtests on these runs chose the form (False: too few origins, the law's
        own form was fitted unvalidated)."""
        return self.choice is not None

    @property
    def chosen(self) -> str | dict[str, Any]:
        """The chosen form's key, or the combination's members and weights."""
        if self.choice is None:
            return self._key(self.law.form) if self.law.parent is None else self.law.key
        keys = [self._key(m) for m in self.choice.members]
        if len(keys) == 1:
            return keys[0]
        return {"members": keys, "weights": list(self.choice.weights)}

    @property
    def reason(self) -> str:
        if self.choice is None:
            return self.warnings[0] if self.warnings else ""
        return self.choice.reason

    @property
    def params(self) -> dict[str, list[float]]:
        return self.record.params

    def _key(self, name: str) -> str:
        for c in self.law.candidates:
            if name in (c.name, c.key):
                return c.key
        return name

    def backtest_table(self) -> pd.DataFrame:
        """One row per form: key, kind, constants, R2 per origin, median R2 and bias, whether it
        was admissible, and its role in the law."""
        if self.evaluation is None:
            return pd.DataFrame()
        summary = self.evaluation.summary().set_index("candidate")
        r2 = self.evaluation.table("r2")
        excluded = self.choice.excluded
        rows = []
        for c in self.law.candidates:
            if c.name not in summary.index:
                continue
            form = self.record.forms.get(c.key)
            row = {"form": c.key, "kind": c.kind, "constants": c.constants}
            row.update({f"R2 {origin}": r2.loc[c.name, origin] for origin in r2.columns})
            row.update({
                "median R2": summary.loc[c.name, "median_r2"],
                "median bias": summary.loc[c.name, "median_bias"],
                "admissible": c.name not in excluded,
                "role": form.role if form is not None else "not fitted",
                "reason": excluded.get(c.name, ""),
            })
            rows.append(row)
        return pd.DataFrame(rows)

    # ------------------------------------------------------------ using it

    def predict(self, X: Any, interval: float | None = None, group: str | None = None):
        """Predict with the study's law and constants; with ``interval`` a DataFrame with the
        ends of the prediction interval, ``reach_factor`` and ``beyond_reach`` (see
        `scalinglaws.law.Law.predict`)."""
        return self.fitted.predict(X, self.record, interval=interval, group=group)

    def decide(self, name: str | None = None, /, *args: Any, group: str | None = None, **kwargs: Any):
        """One of the law's decisions (the main one if ``name`` is None) with the study's constants;
        its interval carries the refits of the law and of its survivors."""
        decision = self.law.main_decision() if name is None else self.law.decisions.get(name)
        if decision is None:
            known = ", ".join(self.law.decisions) or "none"
            raise InputError(f"the {self.law.module} law has no decision {name!r}; its decisions: {known}")
        import inspect

        try:
            arguments = inspect.Signature(decision.arguments).bind(*args, **kwargs)
        except TypeError as error:
            raise InputError(f"{decision.name}: {error}") from None
        arguments.apply_defaults()
        return self.fitted._decide(decision, dict(arguments.arguments), self.record, group)

    def save(self, path: str | Path) -> Path:
        """Write the study's record (constants, refits, forms): ``--constants`` and
        `scalinglaws.refit.load_fitted` read it."""
        path = Path(path)
        if path.is_dir():
            raise InputError(f"{path} is a directory: name a file to write the constants to")
        records.write_atomic(path, self.record.to_json())
        return path

    def store(self, summary: Mapping[str, Any] | None = None) -> bool:
        """Store the study as the law's own record (the law's notebook does this, on the law's
        own table only)."""
        if not self.source:
            raise InputError("only a study of the law's own training table is stored as its record")
        if self.fitted.param_names != self.law.param_names:
            raise InputError(f"the study chose {self.chosen}, not the exported law: export the chosen form")
        for group, constants in self.params.items():
            with np.errstate(all="ignore"):
                columns = {n: self.runs.loc[self.runs[self.law.task.group_column] == group, n].to_numpy(dtype=float)
                           for n in self.law.task.input_names}
                ours = np.asarray(self.fitted.formula(columns, constants), dtype=float)
                exported = np.asarray(self.law.formula(columns, constants), dtype=float)
            if not np.allclose(ours, exported, rtol=1e-12, atol=0.0):
                raise InputError("the exported formula does not predict what the chosen form does")
        record = self.law.make_record(
            self.params, self.runs, uncertainty=self.record.uncertainty, validation=self.record.validation,
            summary=summary, forms=self.record.forms, source=f"notebooks/{self.law.module}.py")
        return records.write(record, same_predictions=self.law.same_predictions(self.runs))

    def to_dict(self, points: Any = None, interval: float | None = None) -> dict[str, Any]:
        """Everything as JSON-ready numbers at full precision: ``law``, ``chosen``, ``forms``
        (key, name, origin, kind, R2 per origin and median, admissible, reason, role), the
        constants with intervals, and ``predictions`` of ``points`` (default: the points the
        study was asked about) with ``<target>_low``/``_high`` at ``interval`` and ``beyond_reach``."""
        level = self.level if interval is None else interval
        forms = []
        table = self.evaluation.table("r2") if self.evaluation is not None else None
        summary = self.evaluation.summary().set_index("candidate") if self.evaluation is not None else None
        excluded = self.choice.excluded if self.choice is not None else {}
        for c in self.law.candidates:
            form = self.record.forms.get(c.key)
            entry = {"key": c.key, "name": c.name, "origin": c.origin, "kind": c.kind,
                     "role": form.role if form is not None else "not fitted"}
            if table is not None and c.name in table.index:
                entry["validation_r2"] = {o: _finite(v) for o, v in table.loc[c.name].items()}
                entry["median_r2"] = _finite(summary.loc[c.name, "median_r2"])
                entry["median_bias"] = _finite(summary.loc[c.name, "median_bias"])
            entry["admissible"] = c.name not in excluded
            entry["reason"] = excluded.get(c.name, "")
            if c.key in self.literature:
                entry["literature"] = self.literature[c.key]
            forms.append(entry)
        points = self.points if points is None else _points(self.law, points, self.runs)
        body: dict[str, Any] = {
            "law": self.law.module,
            "runs": int(len(self.runs)),
            "validated": self.validated,
            "chosen": self.chosen,
            "reason": self.reason,
            "reach": self.reach,
            "origins": [{"origin": b.origin, "fitted": int(len(b.train)), "held": int(len(b.held))}
                        for b in self.backtests],
            "forms": forms,
            "constants": records.jsonable(self.constants_table.to_dict("records")),
            "level": level,
            "warnings": list(self.warnings),
        }
        if self.calibration is not None:
            body["intervals"] = {"validated_distance": self.calibration.validated_distance,
                                 "growth": self.calibration.growth,
                                 "coverage": self.calibration.summary()["covered"]}
        body["predictions"] = [] if points is None else self._prediction_records(points, level)
        return records.jsonable(body)

    def _prediction_records(self, points: pd.DataFrame, level: float) -> list[dict[str, Any]]:
        t = self.law.task
        out = []
        for group, rows in points.groupby(t.group_column, sort=False):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = self.predict(rows[t.input_names], interval=level, group=str(group))
            frame.insert(0, t.group_column, str(group))
            out += frame.to_dict("records")
        return out

    def report(self, path: str | Path, points: Any = None) -> Path:
        """Execute the report notebook on these runs and render it as HTML at ``path`` (the
        executed ``.ipynb`` and the runs' CSV are written beside it, so that it can be opened
        and re-run)."""
        from .report import write_report

        return write_report(self, Path(path), points)

    # ------------------------------------------------------------ reading it

    def __repr__(self) -> str:
        t = self.law.task
        chosen = self.chosen if isinstance(self.chosen, str) else " + ".join(
            f"{w:.2f} {m}" for m, w in zip(self.chosen["members"], self.chosen["weights"]))
        lines = [f"<Study of {len(self.runs)} runs with the {t.module} law: {chosen}"
                 + ("" if self.validated else " (not validated on these runs)") + ">"]
        if self.evaluation is not None:
            own = self.record.validation.get("validation_r2")
            lines.append(f"  {len(self.backtests)} backtests, {len(self.law.candidates)} forms; "
                         f"median validation R2 {own:.4g}" if own is not None else "")
        for row in self.constants_table.to_dict("records")[:12]:
            lines.append(f"  {row['group']:>10} {row['constant']:>10} = {row['estimate']:.4g}"
                         f" [{row['low_95%']:.4g}, {row['high_95%']:.4g}]"
                         + ("" if row.get("identified", True) else "  (not identified)"))
        for message in self.warnings:
            lines.append(f"  warning: {message}")
        return "\n".join(line for line in lines if line)

    def _repr_html_(self) -> str:
        head = repr(self).splitlines()[0].strip("<>")
        parts = [f"<p><b>{_escape(head)}</b></p>"]
        if self.reason:
            parts.append(f"<p>{_escape(self.reason)}</p>")
        table = self.backtest_table()
        if not table.empty:
            parts.append(table.drop(columns=["reason"]).to_html(index=False, float_format=lambda v: f"{v:.4g}"))
        parts.append(self.constants_table.to_html(index=False, float_format=lambda v: f"{v:.4g}"))
        parts += [f"<p>warning: {_escape(m)}</p>" for m in self.warnings]
        return "\n".join(parts)


def _escape(text: str) -> str:
    import html

    return html.escape(str(text))


def _finite(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


# ---------------------------------------------------------------- running it


def _points(law: Law, points: Any, runs: pd.DataFrame) -> pd.DataFrame:
    """Points to predict as a table with the task's inputs and a group (the runs' group when
    they have one; every group of the runs otherwise)."""
    t = law.task
    if isinstance(points, pd.DataFrame):
        frame = points.copy()
    elif isinstance(points, Mapping):
        frame = pd.DataFrame({k: np.atleast_1d(v) for k, v in points.items()})
    else:
        frame = pd.DataFrame(list(points))
    if len(frame) == 0:
        raise InputError("the points to predict have no rows")
    columns = data.validate_inputs(t, frame, text=True)
    groups = list(dict.fromkeys(runs[t.group_column].astype(str)))
    out = pd.DataFrame(columns)
    if t.group_column in frame.columns:
        out.insert(0, t.group_column, frame[t.group_column].astype(str).to_numpy())
        unknown = sorted(set(out[t.group_column]) - set(groups))
        if unknown:
            raise InputError(f"points name group(s) the runs do not have: {', '.join(unknown[:5])}; "
                             f"the runs' groups: {', '.join(groups[:12])}")
        return out
    return pd.concat([out.assign(**{t.group_column: g}) for g in groups], ignore_index=True)[[t.group_column, *t.input_names]]


def _at_of(law: Law, points: pd.DataFrame | None, at: Mapping[str, float] | None) -> dict[str, float]:
    """The largest requested value along each axis: from the points, then ``at`` (which wins)."""
    protocol = law.protocol
    out: dict[str, float] = {}
    if points is not None:
        for axis in selection.axes_of(law.task, protocol):
            out[axis] = float(np.max(selection.axis_values(points, law.task, protocol, axis)))
    for axis, value in (at or {}).items():
        known = set(selection.axes_of(law.task, protocol)) | set(law.task.input_names)
        if axis not in known:
            raise InputError(f"at: {axis!r} is not an axis of the {law.module} law; its axes: "
                             + ", ".join(selection.axes_of(law.task, protocol)))
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not math.isfinite(value):
            raise InputError(f"at: {axis} = {value!r} is not a number")
        out[axis] = float(value)
    return out


def _is_source(law: Law, table: pd.DataFrame) -> bool:
    """Whether ``table`` is the law's own packaged training table."""
    try:
        packaged = data.validate_table(law.task, data.load(law.task))
    except (data.DataNotFoundError, InputError, FileNotFoundError):
        return False
    return records.table_digest(packaged) == records.table_digest(table)


def _single_levels(law: Law, table: pd.DataFrame) -> list[str]:
    """The extrapolation axes along which the runs have a single level (nothing to backtest)."""
    out = []
    for axis in selection.axes_of(law.task, law.protocol):
        values = selection.axis_values(table, law.task, law.protocol, axis)
        if selection.levels(values, selection._log_scale(law.task, axis)).size < 2:
            out.append(axis)
    return out


def study(
    law: str | Law,
    runs: Any,
    *,
    at: Mapping[str, float] | None = None,
    points: Any = None,
    interval: float = 0.9,
    bootstrap: int | None = None,
    seed: int = 0,
    source_checks: bool | None = None,
    show_progress: bool = False,
) -> Study:
    """The law's selection protocol on a table of runs.

    ``runs``: a DataFrame (or anything `pandas.DataFrame` takes) with the task's columns and
    a group column if the runs come in groups. ``points`` (inputs, a group optional) and
    ``at`` (``{axis: value}``) say where you want predictions: they set how far beyond the
    runs the backtests reach. ``bootstrap``: refits for the constants' intervals (default:
    the law's protocol, 100). ``interval``: the level of the predictions' intervals in
    `Study.to_dict`. With ``show_progress``, long steps show a progress bar on stderr.

    On the law's own training table (its notebook's study) the source study's checks are
    applied and the law's own target sets the reach; on any other table they are shown, not
    applied, unless ``source_checks=True`` says the runs come from the source study's own
    setting (Muennighoff et al.'s other runs, say, for the data-constrained law). With fewer
    origins that hold runs than the protocol needs (two, for most laws), the runs cannot
    validate a form: the law's own form is fitted, and the study says so.
    """
    law = _law(law)
    if law.protocol is None:
        raise InputError(f"the {law.module} law declares no pool of forms to study")
    protocol = law.protocol
    t = law.task
    if bootstrap is not None:
        fitting.check_bootstrap(bootstrap, "each refits every surviving form")
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not 0 < interval < 1:
        raise InputError(f"interval: expected a level between 0 and 1 (0.9 for 90%), got {interval!r}")
    frame = runs if isinstance(runs, pd.DataFrame) else pd.DataFrame(runs)
    table = data.validate_table(t, frame)
    law.check_fittable(table)
    source = _is_source(law, table)
    requested = None if points is None else _points(law, points, table)
    wanted = _at_of(law, requested, at)
    if source and not wanted:
        wanted = dict(protocol.source_target)
    refits = protocol.bootstrap if bootstrap is None else int(bootstrap)
    notes: list[str] = []
    reach = (protocol.reach(table, wanted or None) if protocol.reach
             else selection.generic_reach(table, t, protocol, wanted or None))
    backtests = _backtests(law, table, reach)
    single = _single_levels(law, table)
    if len(backtests) < protocol.min_origins:
        why = (f"the runs have one value of {', '.join(single)}" if single else
               f"{len(backtests)} origin(s) hold runs within reach")
        needed = "origin is" if protocol.min_origins == 1 else "origins are"
        notes.append(f"too few runs to backtest ({why}; at least {protocol.min_origins} {needed} needed): the "
                     f"{law.module} law's own form is fitted, not validated on these runs")
        return _unvalidated(law, table, source, reach, backtests, requested, interval, refits, seed, notes,
                            dict(at or {}))
    cluster = list(protocol.cluster) if protocol.cluster else None
    evaluation = selection.evaluate(protocol.candidates, backtests, t, cluster=cluster, show_progress=show_progress)
    target = (protocol.target(table, reach, requested) if protocol.target
              else selection.generic_target(table, t, protocol, reach, requested))
    literature: dict[str, str] = {}
    apply_source_checks = source if source_checks is None else bool(source_checks)

    def checks(candidate, constants):
        reason = _within_limit(candidate, t)
        if reason is None and protocol.checks is not None:
            found = protocol.checks(candidate, constants)
            if apply_source_checks:
                reason = found
            else:  # the source study's own setting: shown on other runs, not applied
                literature[candidate.key] = found or "agrees"
        return reason

    choice = selection.choose(evaluation, table, target, bootstrap=refits, seed=seed, checks=checks,
                              across_groups=protocol.resample_across_groups)
    fitted = (law.form_view(_by_name(law, choice.best)) if not choice.combined
              else law.combination_view([_by_name(law, m).key for m in choice.members], choice.weights))
    params = (choice.fits[choice.best] if not choice.combined else
              {g: [v for m in choice.members for v in choice.fits[m][g]] for g in choice.fits[choice.best]})
    draws = choice.draws[choice.best].draws if not choice.combined else selection.combined_draws(choice)
    forms = _forms(law, table, evaluation, choice)
    survivors = [m for m in choice.survivors if m not in choice.members]
    form_spread = _form_spread(evaluation, choice, survivors)
    fit_rows = protocol.fit_rows
    free = _free_constants(params)
    calibration = selection.calibrate(
        fitted.fit_constants, fitted.formula, backtests, t, free,
        reach=selection.distance_units(t, reach), level=0.9, bootstrap=protocol.calibration_bootstrap,
        seed=seed, cluster=cluster, spread=fitted.spread, form_spread=form_spread, fit_rows=fit_rows,
        derived=protocol.derived, across_groups=protocol.resample_across_groups, show_progress=show_progress)
    used = table if fit_rows is None else fit_rows(table)
    uncertainty = selection.uncertainty(used, t, fitted.formula, params, draws, calibration, free,
                                        unit=_unit(cluster, protocol.resample_across_groups))
    validation = selection.validation_record(evaluation, choice, protocol=_description(protocol, t, reach, backtests))
    record = fitted.make_record(params, table, uncertainty=uncertainty, validation=validation, forms=forms,
                                source="scalinglaws.study", bootstrap=int(refits), seed=int(seed))
    constants_table = _constants_table(fitted, table, params, draws)
    unidentified = constants_table[~constants_table.identified]
    if len(unidentified):
        notes.append("not identified by these runs: " + ", ".join(
            f"{r.constant} ({r.group})" if len(params) > 1 else r.constant for r in unidentified.itertuples()))
    return Study(law, table, source, reach, backtests, evaluation, choice, fitted, record, calibration,
                 constants_table, literature, notes, requested, interval, dict(at or {}))


def _backtests(law: Law, table: pd.DataFrame, reach: Mapping[str, float]) -> list[selection.Backtest]:
    protocol = law.protocol
    out = (protocol.backtests(table, reach) if protocol.backtests
           else selection.generic_backtests(table, law.task, protocol, reach))
    return [b for b in out if len(b.held) and len(b.train)]


def _by_name(law: Law, name: str):
    for c in law.candidates:
        if c.name == name:
            return c
    raise KeyError(name)


def _within_limit(candidate, t) -> str | None:
    """A generic check: a form with more constants per group than the task allows, or one
    declared a reference, is a yardstick, never the law."""
    if candidate.kind == "reference":
        return "a reference, not a law"
    limit = t.max_constants_per_group
    count = len(candidate.param_names)
    if limit and count > limit:
        return f"{count} constants per group, above the task's limit of {limit}"
    return None


def _names(candidate, constants) -> list[str]:
    count = len(next(iter(constants.values())))
    names = list(candidate.param_names)
    return names if len(names) == count else [f"c{i + 1}" for i in range(count)]


def _forms(law: Law, table: pd.DataFrame, evaluation: selection.Evaluation, choice: selection.Choice
           ) -> dict[str, records.Form]:
    """Every candidate fitted on all runs, with its role; survivors keep their refits."""
    out = {}
    for c in law.candidates:
        constants = choice.fits.get(c.name)
        if constants is None:
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    constants = c.fit(table)
            except (fitting.FitError, KeyError, ValueError):
                continue
        if c.name in choice.members:
            role = "law" if not choice.combined else "member"
        elif c.name in choice.survivors:
            role = "survivor"
        else:
            role = "candidate"
        draws = {}
        if role == "survivor" and c.name in choice.draws:
            draws = {str(g): np.asarray(v).tolist() for g, v in choice.draws[c.name].draws.items()}
        weight = choice.weights[choice.members.index(c.name)] if role == "member" else None
        out[c.key] = records.Form(c.name, _names(c, constants), {str(g): [float(x) for x in v] for g, v in constants.items()},
                                  role=role, draws=draws, weight=weight)
    return out


def _form_spread(evaluation: selection.Evaluation, choice: selection.Choice, survivors: Sequence[str]):
    """Per backtest: the standard deviation of the law's and the survivors' predictions of the
    held runs (None where the law or a survivor has none)."""
    if not survivors:
        return None
    out = []
    for k in range(len(evaluation.backtests)):
        parts = [evaluation.predictions.get((m, k)) for m in choice.members]
        others = [evaluation.predictions.get((s, k)) for s in survivors]
        if any(p is None for p in parts):
            out.append(None)
            continue
        law = sum(w * p for w, p in zip(choice.weights, parts))
        stacked = np.stack([law, *[o for o in others if o is not None]])
        out.append(stacked.std(axis=0))
    return out


def _unit(cluster, across_groups: bool = False) -> str:
    where = " across every group" if across_groups else ""
    return ("distinct runs (repeats of one setting are drawn together)" if cluster is None
            else f"units of {', '.join(cluster)} (resampled together{where})")


def _free_constants(params: Mapping[str, Sequence[float]]) -> float:
    """Constants per group, counting a constant the groups share once over all of them (the
    noise of a group is corrected for what it alone determines)."""
    vectors = np.asarray(list(params.values()), dtype=float)
    if len(vectors) < 2:
        return float(vectors.shape[1]) if vectors.ndim == 2 else 0.0
    shared = np.all(vectors == vectors[0], axis=0)
    return float((~shared).sum() + shared.sum() / len(vectors))


def _description(protocol, t, reach: Mapping[str, float], backtests: Sequence[selection.Backtest]) -> str:
    if protocol.description:
        return protocol.description
    shown = ", ".join(f"{axis} x{factor:.3g}" if selection._log_scale(t, axis) else f"{axis} +{factor:.3g}"
                      for axis, factor in reach.items())
    return f"backtests from {len(backtests)} origins, each scoring the runs up to the reach beyond it ({shown})"


def _constants_table(fitted: Law, table: pd.DataFrame, params, draws) -> pd.DataFrame:
    from .refit import identified

    result = fitting.BootstrapResult(draws={g: np.asarray(v) for g, v in draws.items()}, attempted=0)
    intervals = fitting.intervals(params, result, fitted.param_names)
    return identified(fitted, table, params, result, intervals)


def _unvalidated(law: Law, table, source, reach, backtests, requested, interval, refits, seed, notes, at) -> Study:
    """Too few origins: the law's own form, fitted and bootstrapped, with the law's own
    calibration of the extrapolation term (the best prior for runs like these)."""
    t = law.task
    params = law.fit_constants(table)
    result = fitting.bootstrap(law.fit_constants, table, n=refits, seed=seed, by=t.group_column,
                               cluster=t.input_names, start=params) if refits else fitting.BootstrapResult({}, 0)
    prior = law._stored_or_none()
    prior = prior.uncertainty if prior is not None else None
    uncertainty = None
    if result.draws:
        prediction = fitting.predict_table(law.formula, table, params, t)
        uncertainty = records.Uncertainty(
            unit="distinct runs (repeats of one setting are drawn together)",
            draws={g: np.asarray(v).tolist() for g, v in result.draws.items()},
            noise_sd=selection.noise_sd(table, t, prediction, len(law.param_names)),
            extrapolation_sd=list(prior.extrapolation_sd) if prior else [0.0] * len(t.targets),
            reach=dict(prior.reach) if prior else {},
            validated_distance=prior.validated_distance if prior else None,
            growth=prior.growth if prior else None,
            new_run_scale=list(prior.new_run_scale) if prior and prior.new_run_scale else None,
        )
    record = law.make_record(params, table, uncertainty=uncertainty, validation={"protocol": notes[0]},
                             source="scalinglaws.study", bootstrap=int(refits), seed=int(seed))
    constants_table = _constants_table(law, table, params, result.draws)
    return Study(law, table, source, reach, backtests, None, None, law, record, None, constants_table,
                 {}, notes, requested, interval, at)
