"""The Law object: one declared object per law, and everything people use derived from it.

Each generated module ``scalinglaws.laws.<module>`` declares ``LAW = Law(...)`` from its
notebook's form and fitting routine, and takes from it the names people use::

    LAW = Law("moe", FORM, PARAM_NAMES, formula, fit_constants)
    predict, fit = LAW.predict, LAW.fit
    PARAMS, law, fit_scaling_law, scaling_law_func = LAW.interfaces()

The law's decisions are declared with ``@LAW.decision(...)``: each takes the constants it
decides with (``constants=None``: the stored ones; a vector, a record read from a file, or
the result of `scalinglaws.fit`) and ``group``, states its units, and returns a
`scalinglaws.decide.Result` with intervals where the law has a bootstrap. The
command line (``scalinglaws optimize LAW [DECISION]``) is built from these declarations.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import warnings
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np

from . import decide, records
from .data import InputError, Task, canonical_group, task as _task, validate_inputs
from .pool import Candidate, Protocol

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Combination", "Decision", "Fitted", "Law", "DECISION_LEVEL"]

#: The level of a decision's interval: 80% of the bootstrap refits fall inside it.
DECISION_LEVEL = 0.8

Formula = Callable[[Mapping[str, np.ndarray], Sequence[float]], np.ndarray]
FitRoutine = Callable[..., dict[str, list[float]]]


@dataclass(frozen=True)
class Decision:
    """A question a law answers: its function, units, and which answers get an interval."""

    name: str
    function: Callable[..., dict[str, Any]]
    public: Callable[..., decide.Result]
    question: str
    units: dict[str, str]
    interval: tuple[str, ...]
    main: bool
    per_group: bool

    @property
    def arguments(self) -> list[inspect.Parameter]:
        """The decision's own arguments (without ``constants`` and ``group``)."""
        return list(inspect.signature(self.function).parameters.values())[1:]


@dataclass(frozen=True)
class Fitted:
    """A law with one set of constants: what a decision function receives.

    ``constants`` are those of ``group`` (None for a decision over all groups);
    ``params`` holds every group's. ``predict(X)`` evaluates the form without input
    checks (the decision has checked its own inputs); ``outside(**values)`` names the
    values beyond the training range, which the decision adds to its warnings.
    """

    law: Law
    group: str | None
    constants: np.ndarray | None
    params: Mapping[str, Sequence[float]]
    record: records.Record | None

    def predict(self, X: Mapping[str, Any], group: str | None = None) -> np.ndarray:
        constants = self.constants if group is None else np.asarray(self.params[group], dtype=float)
        columns = {name: np.asarray(X[name], dtype=float) for name in self.law.task.input_names}
        return np.asarray(self.law.formula(columns, constants), dtype=float)

    def at(self, group: str) -> Fitted:
        """The same constants, for another group."""
        return Fitted(self.law, group, np.asarray(self.params[group], dtype=float), self.params, self.record)

    def ranges(self, group: str | None = None) -> dict[str, tuple[float, float]]:
        return self.law.ranges(self.record, group if group is not None else self.group)

    def outside(self, **values: Any) -> list[str]:
        return decide.outside_messages(self.law.module, self.ranges(), values)


class Prediction(NamedTuple):
    """What `Law.predict_arrays` returns: the checked inputs, the prediction, and with an
    interval its ends and each row's distance in units of the validated reach."""

    columns: dict[str, np.ndarray]
    center: np.ndarray
    low: np.ndarray | None
    high: np.ndarray | None
    reach_factor: np.ndarray | None


class Combination:
    """A law that is the weighted mean of several forms, when the data cannot choose one.

    ``members`` are ``(name, param_names, formula, fit)``; the combined constants of a group
    are the members' constants one after another (named ``<member>.<constant>``), and
    ``weights`` (from the selection protocol's backtests) are part of the law, not refitted.
    ``spread`` is the weighted standard deviation of the members' predictions: the form
    uncertainty that prediction intervals carry.
    """

    def __init__(self, members: Sequence[tuple[str, Sequence[str], Formula, FitRoutine]], weights: Sequence[float]):
        if len(members) != len(weights) or not members:
            raise ValueError("one weight per member, and at least one member")
        weights = np.asarray(weights, dtype=float)
        if np.any(weights < 0) or not math.isclose(weights.sum(), 1.0, rel_tol=1e-9):
            raise ValueError("weights must be non-negative and sum to 1")
        self.members = list(members)
        self.weights = weights
        self.sizes = [len(names) for _, names, _, _ in members]
        self.offsets = np.cumsum([0, *self.sizes])
        self.param_names = [f"{name}.{p}" for name, names, _, _ in members for p in names]

    def _split(self, params: Sequence[float]) -> list[np.ndarray]:
        params = np.asarray(params, dtype=float)
        return [params[self.offsets[k] : self.offsets[k + 1]] for k in range(len(self.members))]

    def each(self, X: Mapping[str, Any], params: Sequence[float]) -> np.ndarray:
        """The members' predictions, stacked on a first axis."""
        return np.stack([
            np.asarray(formula(X, part), dtype=float)
            for (_, _, formula, _), part in zip(self.members, self._split(params))
        ])

    def formula(self, X: Mapping[str, Any], params: Sequence[float]) -> np.ndarray:
        return np.tensordot(self.weights, self.each(X, params), axes=1)

    def spread(self, X: Mapping[str, Any], params: Sequence[float]) -> np.ndarray:
        each = self.each(X, params)
        mean = np.tensordot(self.weights, each, axes=1)
        return np.sqrt(np.tensordot(self.weights, (each - mean) ** 2, axes=1))

    def fit(self, table: pd.DataFrame, start: Mapping[str, Sequence[float]] | None = None) -> dict[str, list[float]]:
        fitted = []
        for k, (_, _, _, fit) in enumerate(self.members):
            own = None if start is None else {g: self._split(v)[k] for g, v in start.items()}
            fitted.append(_call_fit(fit, table, own))
        return {g: [float(v) for part in fitted for v in part[g]] for g in fitted[0]}


def _call_fit(fit: FitRoutine, table: pd.DataFrame, start: Mapping[str, Sequence[float]] | None):
    """Call a fitting routine with a warm start if it takes one."""
    if start is not None and "start" in inspect.signature(fit).parameters:
        return fit(table, start=start)
    return fit(table)


class Law:
    """One law: its form, its fitting routine, its stored record and its decisions."""

    def __init__(
        self,
        task: str | Task,
        form: str,
        param_names: Sequence[str],
        formula: Formula,
        fit: FitRoutine,
        *,
        spread: Formula | None = None,
        protocol: Protocol | None = None,
    ) -> None:
        self.task = _task(task)
        self.form = form
        self.param_names = list(param_names)
        self.formula = formula
        self.fit_constants = fit
        self.spread = spread
        self.protocol = protocol
        self.decisions: dict[str, Decision] = {}
        # A view of one candidate form (see `form_view`) names the law it belongs to.
        self.parent: Law | None = None
        self.key: str | None = None

    def __repr__(self) -> str:
        return f"<Law {self.module}: {' '.join(self.form.split())}>"

    @property
    def module(self) -> str:
        return self.task.module

    # ------------------------------------------------------------ the pool

    @property
    def derived(self) -> Mapping[str, Callable[[Mapping[str, np.ndarray]], np.ndarray]]:
        """Axes derived from the inputs (compute, say), from the law's protocol."""
        owner = self.parent or self
        return {} if owner.protocol is None else dict(owner.protocol.derived)

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """The forms the protocol chose among (published, conservative, ours), by key."""
        return () if self.protocol is None else self.protocol.candidates

    def candidate(self, key: str) -> Candidate:
        """One candidate form, by its key or name (an error lists the keys)."""
        if self.protocol is None:
            raise InputError(f"the {self.module} law declares no pool of forms")
        return self.protocol.candidate(key)

    @classmethod
    def combined(cls, task: str | Task, form: str, protocol: Protocol, weights: Mapping[str, float]) -> Law:
        """The law that is the weighted combination of candidates of ``protocol`` (``weights``:
        key to weight), as the protocol's study builds it: constants named
        ``<key>.<constant>``, the members' spread in its intervals."""
        members = [protocol.candidate(k) for k in weights]
        combination = Combination([(c.key, c.param_names, c.predict, c.fit) for c in members], list(weights.values()))
        return cls(task, form, combination.param_names, combination.formula, combination.fit,
                   spread=combination.spread, protocol=protocol)

    def form_view(self, key: str | Candidate) -> Law:
        """A law whose form is one candidate of the pool: same task and decisions, the
        candidate's constants (`predict(X, form=key)` uses one)."""
        c = key if isinstance(key, Candidate) else self.candidate(key)
        if not c.param_names:
            raise InputError(f"the form {c.key!r} of {self.module} does not name its constants")
        view = Law(self.task, c.name, c.param_names, c.predict, c.fit)
        view.decisions = self.decisions
        view.parent, view.key = self, c.key
        return view

    def combination_view(self, keys: Sequence[str], weights: Sequence[float]) -> Law:
        """A law that is the weighted combination of candidate forms (see `Combination`)."""
        members = [self.candidate(k) for k in keys]
        combination = Combination([(c.key, c.param_names, c.predict, c.fit) for c in members], weights)
        form = " + ".join(f"{w:.2f} {c.key}" for c, w in zip(members, weights))
        view = Law(self.task, form, combination.param_names, combination.formula, combination.fit,
                   spread=combination.spread)
        view.decisions = self.decisions
        view.parent, view.key = self, "combination"
        return view

    def form_record(self, key: str, record: records.Record | None = None) -> records.Record:
        """The record of one stored form (its constants, and its refits if it survived)."""
        record = self.record if record is None else record
        if key not in record.forms:
            stored = ", ".join(record.forms) or "none"
            raise InputError(f"no constants of the form {key!r} in this record; its forms: {stored}")
        form = record.forms[key]
        uncertainty = None
        if record.uncertainty is not None and form.draws:
            uncertainty = dataclasses.replace(record.uncertainty, draws=form.draws)
        return dataclasses.replace(record, param_names=list(form.param_names), params=form.params,
                                   uncertainty=uncertainty, forms={}, validation={}, summary={})

    def study(self, runs: Any, **options: Any):
        """The selection protocol on a table of runs: see `scalinglaws.studies.study`."""
        from .studies import study

        return study(self, runs, **options)

    # ------------------------------------------------------------ the stored record

    @property
    def record(self) -> records.Record:
        """The record the law's notebook stored (constants, ranges, uncertainty, validation)."""
        if self.parent is not None:
            if self.key in self.parent.record.forms:
                return self.parent.form_record(self.key)
            raise InputError(f"the {self.module} law stores no constants of the form {self.key!r}: pass constants=")
        record = records.stored(self.module)
        if record.param_names != self.param_names:
            raise InputError(
                f"{records.stored_path(self.module)} holds constants {record.param_names}, but the "
                f"{self.module} law has {self.param_names}: run its notebook again"
            )
        return record

    @property
    def params(self) -> dict[str, list[float]]:
        """The stored constants per group."""
        return self.record.params

    def ranges(self, record: records.Record | None, group: str | None) -> dict[str, tuple[float, float]]:
        """Training ranges: those of ``record``, else the stored law's (of ``group`` if it has one)."""
        for source in (record, self._stored_or_none()):
            if source is not None and source.training_range:
                return source.ranges(group)
        return {}

    def _stored_or_none(self) -> records.Record | None:
        try:
            return self.record
        except (FileNotFoundError, InputError):
            return None

    def store(
        self,
        params: Mapping[str, Sequence[float]],
        table: pd.DataFrame,
        *,
        uncertainty: records.Uncertainty | None = None,
        validation: Mapping[str, Any] | None = None,
        summary: Mapping[str, Any] | None = None,
        forms: Mapping[str, records.Form] | None = None,
    ) -> bool:
        """Store fitted constants with their training ranges, uncertainty, validation, card
        summary and the pool's fitted forms in ``laws/<module>.json``; rewrite the file only if
        it says something new.

        Returns whether the file was written.
        """
        record = self.make_record(params, table, uncertainty=uncertainty, validation=validation,
                                  summary=summary, forms=forms, source=f"notebooks/{self.module}.py")
        return records.write(record, same_predictions=self.same_predictions(table))

    def make_record(
        self,
        params: Mapping[str, Sequence[float]],
        table: pd.DataFrame,
        *,
        uncertainty: records.Uncertainty | None = None,
        validation: Mapping[str, Any] | None = None,
        summary: Mapping[str, Any] | None = None,
        forms: Mapping[str, records.Form] | None = None,
        source: str,
        **provenance: Any,
    ) -> records.Record:
        overall, by_group = records.training_ranges(table, self.module, self.derived)
        return records.Record(
            task=self.module,
            param_names=list(self.param_names),
            params={str(g): [float(v) for v in c] for g, c in params.items()},
            training_range=overall,
            training_range_by_group=by_group,
            uncertainty=uncertainty,
            validation=dict(validation or {}),
            summary=dict(summary or {}),
            provenance={"source": source, "rows": int(len(table)), "data": records.table_digest(table),
                        **provenance},
            forms=dict(forms or {}),
        )

    def same_predictions(self, table: pd.DataFrame) -> Callable[..., bool]:
        """Whether two constant vectors of a group (of the law, or of the pool's form ``form``)
        predict the same on its training rows, to ``rtol`` (`records.PREDICTION_RTOL` by default:
        the contract that holds on every machine)."""
        t = self.task
        by_group = {str(g): {n: rows[n].to_numpy(dtype=float) for n in t.input_names}
                    for g, rows in table.groupby(t.group_column, sort=False)}

        def same(a: Sequence[float], b: Sequence[float], group: str, form: str | None = None,
                 rtol: float = records.PREDICTION_RTOL) -> bool:
            if group not in by_group:
                return list(a) == list(b)
            formula = self.formula
            if form is not None:
                try:
                    formula = self.candidate(form).predict
                except InputError:  # a form no longer in the pool: compare the numbers
                    return records._close(list(a), list(b))
            with np.errstate(all="ignore"):
                x = np.asarray(formula(by_group[group], a), dtype=float)
                y = np.asarray(formula(by_group[group], b), dtype=float)
            scale = np.maximum(np.abs(x), np.abs(y))
            return bool(np.all(np.abs(x - y) <= rtol * scale + 1e-12))

        return same

    # ------------------------------------------------------------ constants

    def _vector(self, values: Any, where: str) -> np.ndarray:
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise InputError(f"{where}: expected {len(self.param_names)} constants {self.param_names}, got {values!r}")
        try:
            vector = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as error:
            raise InputError(f"{where}: constants must be numbers ({error})") from error
        if vector.shape != (len(self.param_names),):
            raise InputError(
                f"{where}: expected {len(self.param_names)} constants {self.param_names}, got {vector.size}"
            )
        if not np.all(np.isfinite(vector)):
            bad = self.param_names[int(np.flatnonzero(~np.isfinite(vector))[0])]
            raise InputError(f"{where}: constant {bad} is {vector[self.param_names.index(bad)]!r}, not a finite number")
        return vector

    def resolve(self, params: Any = None, group: str | None = None, *, need_group: bool = True):
        """``(record, constants by group, group, constants)`` for what a caller passed as ``constants``.

        ``params`` (the caller's ``constants``) is None (the stored constants), a record (from `records.read`, or
        the ``.record`` of `scalinglaws.fit`'s result), a mapping of groups to
        constants, or one vector of constants. ``record`` is what carries ranges and a
        bootstrap (None for bare constants).
        """
        if params is None:
            record = self.record
        elif hasattr(params, "record") and isinstance(params.record, records.Record):
            record = params.record
        elif isinstance(params, records.Record):
            record = params
        else:
            record = None
        if record is not None:
            if record.module != self.module:
                raise InputError(f"those are constants of the {record.module} law, not of {self.module}")
            if record.param_names != self.param_names:
                raise InputError(f"the record holds constants {record.param_names}, the {self.module} law has {self.param_names}")
            by_group = record.params
        elif isinstance(params, Mapping):
            by_group = {str(g): self._vector(v, f"constants of group {g!r}").tolist() for g, v in params.items()}
            if not by_group:
                raise InputError("constants: no groups given")
        else:
            vector = self._vector(params, "constants")
            stored = self._stored_or_none()
            if stored is not None:
                # A stored group's own constants keep its record (and bootstrap).
                matches = [g for g, v in stored.params.items() if np.array_equal(np.asarray(v), vector)]
                if (group is None and len(matches) == 1) or (group is not None and group in matches):
                    record, by_group = stored, stored.params
                    group = group if group is not None else matches[0]
                    return record, by_group, group, vector
            label = group if group is not None else "constants"
            return None, {label: vector.tolist()}, label, vector
        if group is not None:
            group = canonical_group(self.task, group)
        if group is None:
            if not need_group:
                return record, by_group, None, None
            if len(by_group) != 1:
                raise InputError(
                    f"name a group (group=...): the {self.module} law has {len(by_group)}: "
                    + ", ".join(list(by_group)[:12]) + (" ..." if len(by_group) > 12 else "")
                )
            group = next(iter(by_group))
        if group not in by_group:
            shown = ", ".join(list(by_group)[:60]) + (" ..." if len(by_group) > 60 else "")
            raise InputError(f"unknown group {group!r} for {self.module}; the groups are: {shown}")
        return record, by_group, group, np.asarray(by_group[group], dtype=float)

    # ------------------------------------------------------------ predicting

    def predict(self, X: Any, constants: Any = None, interval: float | None = None, group: str | None = None,
                form: str | None = None, published: bool | str = False):
        """Predict the target(s) for inputs ``X``.

        ``X``: a mapping of input columns (a dict of lists or arrays, a DataFrame), a list
        of dicts, or an (n, inputs) array in the schema's order. ``constants``: see
        `resolve` (None: the stored constants of ``group``). ``form``: one candidate of the
        law's pool (by key, see ``LAW.candidates``) instead of the law, with its constants
        fitted to the same runs, or those its source printed (``published=True``, or the
        name of one of its sources, see ``LAW.candidate(key).published``). Without
        ``interval``, returns an array, (n,) for one target and (n, targets) for several.
        With ``interval=0.9``, returns a DataFrame with each target and its ``<target>_low``
        and ``<target>_high``: the ends of a 90% prediction interval, which carries the
        constants' bootstrap, the spread of the forms where the law combines several and of
        the forms the backtests could not tell from it, run-to-run noise and the
        extrapolation error the backtests measured; ``reach_factor`` is the distance beyond
        the runs in units of the farthest the backtests validated, and ``beyond_reach`` flags
        the rows past it (their intervals grow with the factor). Inputs beyond the training
        range raise an `scalinglaws.decide.ExtrapolationWarning`.
        """
        prediction = self.predict_arrays(X, constants, interval, group, form=form, published=published)
        if interval is None:
            return prediction.center
        return self._frame(prediction)

    def predict_arrays(self, X: Any, constants: Any = None, interval: float | None = None, group: str | None = None,
                       *, form: str | None = None, published: bool | str = False) -> Prediction:
        """`predict` without pandas: a `Prediction` of arrays (``low``, ``high`` and
        ``reach_factor`` are None without ``interval``)."""
        if group is not None:
            group = canonical_group(self.task, group)
        if form is not None or published:
            if form is None:
                raise InputError("published constants are a form's: name the form (form=...)")
            view = self.form_view(form)
            if published:
                if constants is not None:
                    raise InputError("give constants= or published=, not both")
                if interval is not None:
                    raise InputError("published constants come without refits: no interval")
                constants = self.candidate(form).published_constants(group, None if published is True else published)
            elif constants is None:
                constants = self.form_record(view.key)
            return view.predict_arrays(X, constants, interval, group)
        columns = validate_inputs(self.task, X)
        record, _, group, vector = self.resolve(constants, group)
        self.warn_outside(columns, record, group)
        with np.errstate(all="ignore"):
            center = np.asarray(self.formula(columns, vector), dtype=float)
        self._check_finite(center, columns)
        if interval is None:
            return Prediction(columns, center, None, None, None)
        low, high, factor = self.band(columns, center, vector, record, group, interval)
        return Prediction(columns, center, low, high, factor)

    def _check_finite(self, prediction: np.ndarray, columns: Mapping[str, np.ndarray]) -> None:
        bad = ~np.isfinite(prediction.reshape(len(prediction), -1)).all(axis=1) if prediction.size else []
        if np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            shown = ", ".join(f"{n} = {columns[n][row]:.4g}" for n in self.task.input_names)
            raise InputError(
                f"row {row}: the {self.module} law has no finite prediction at {shown} "
                "(an input far beyond any measured scale)"
            )

    def warn_outside(self, columns: Mapping[str, np.ndarray], record: records.Record | None, group: str | None) -> list[str]:
        """Warn (`ExtrapolationWarning`) for every input outside the training range."""
        ranges = self.ranges(record, group)
        if not ranges or not len(next(iter(columns.values()), [])):
            return []
        messages = decide.outside_messages(self.module, ranges, columns)
        for message in messages:
            warnings.warn(message, decide.ExtrapolationWarning, stacklevel=4)
        return messages

    def band(self, columns, center, constants, record, group, level):
        """Low and high ends of the prediction interval at ``level``, and each row's distance
        in units of the farthest the backtests validated (see `predict`)."""
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
            raise InputError(f"interval: expected a level between 0 and 1 (0.9 for 90%), got {level!r}")
        uncertainty = None if record is None else record.uncertainty
        if uncertainty is None or group not in uncertainty.draws:
            raise InputError(
                "an interval needs the constants' bootstrap: use the stored constants (constants=None), "
                "a record from `scalinglaws fit`, or scalinglaws.fit(...) with bootstrap > 0"
            )
        shape = center.shape
        with np.errstate(all="ignore"):
            draws = np.stack([np.asarray(self.formula(columns, d), dtype=float) for d in uncertainty.draws[group]])
        # A robust standard deviation: half the central 68% of the refits' predictions.
        low16, high84 = np.nanquantile(draws, [0.1587, 0.8413], axis=0)
        variance = ((high84 - low16) / 2.0) ** 2
        if self.spread is not None:
            variance = variance + np.asarray(self.spread(columns, constants), dtype=float) ** 2
        variance = variance + self.survivors_spread(columns, center, record, group) ** 2
        targets = len(self.task.targets)
        # The law's own spread, scaled for a run it was not fitted on (calibrated on the backtests).
        scale = np.asarray(uncertainty.new_run_scale or [1.0] * targets, dtype=float)
        variance = variance * (scale**2 if targets > 1 else scale[0] ** 2)
        noise = np.asarray(uncertainty.noise_sd.get(group, [0.0] * targets), dtype=float)
        extrapolation = np.asarray(uncertainty.extrapolation_sd, dtype=float)
        distance = extrapolation_distance(self.task, columns, record.ranges(group), uncertainty.reach, self.derived)
        validated = uncertainty.validated_distance
        factor = distance / validated if validated else distance
        growth = np.where(factor > 1.0, factor ** (uncertainty.growth or 1.0), 1.0)
        if validated:
            # The calibrated term is evaluated up to the validated distance; beyond it, the whole
            # interval grows by the rule (not both, which would count the distance twice).
            distance = np.minimum(distance, validated)
        if targets > 1:
            distance, growth = distance[:, None], growth[:, None]
        else:
            noise, extrapolation = noise[0], extrapolation[0]
        variance = variance + noise**2 + (extrapolation * distance) ** 2
        # Beyond the farthest distance the backtests validated, the whole interval grows by the
        # rule calibrated on them (error against distance, at least in proportion to it).
        half = NormalDist().inv_cdf(0.5 + level / 2.0) * np.sqrt(variance) * growth
        return (center - half).reshape(shape), (center + half).reshape(shape), factor

    def survivors_spread(self, columns, center, record, group) -> np.ndarray:
        """The spread of the law and the forms the backtests could not tell from it (their
        standard deviation at each row); zero without survivors."""
        survivors = {} if record is None else record.survivors()
        owner = self.parent or self
        predictions = []
        for key, form in survivors.items():
            if group not in form.params:
                continue
            try:
                predict = owner.candidate(key).predict
            except InputError:
                continue
            with np.errstate(all="ignore"):
                predictions.append(np.asarray(predict(columns, form.params[group]), dtype=float).reshape(center.shape))
        if not predictions:
            return np.zeros(center.shape)
        stacked = np.stack([center, *predictions])
        return np.nan_to_num(stacked.std(axis=0), nan=0.0)

    def _frame(self, prediction: Prediction):
        import pandas as pd

        columns = prediction.columns
        out = pd.DataFrame({n: columns[n] for n in self.task.input_names})
        center, low, high = (np.asarray(a).reshape(len(out), -1) for a in (prediction.center, prediction.low, prediction.high))
        for j, name in enumerate(self.task.target_names):
            out[name] = center[:, j]
            out[f"{name}_low"] = low[:, j]
            out[f"{name}_high"] = high[:, j]
        out["reach_factor"] = prediction.reach_factor
        out["beyond_reach"] = prediction.reach_factor > 1.0 + 1e-6  # not a rounding of the validated edge
        return out

    # ------------------------------------------------------------ fitting

    def fit(self, table: pd.DataFrame) -> dict[str, list[float]]:
        """Fit the law to a table of runs (the task's columns; a group column optional) with the
        routine its notebook used; deterministic. Returns the constants per group."""
        from .data import validate_table

        table = validate_table(self.task, table)
        self.check_fittable(table)
        return self.fit_constants(table)

    def check_fittable(self, table: pd.DataFrame) -> None:
        """Refuse a table that cannot determine the constants: too few distinct runs in a
        group, or a target that does not vary."""
        t = self.task
        needed = -(-len(self.param_names) // len(t.targets))
        for group, rows in table.groupby(t.group_column, sort=False):
            distinct = len(rows.drop_duplicates(subset=t.input_names))
            if distinct < needed:
                copies = f" ({len(rows)} rows)" if len(rows) != distinct else ""
                raise InputError(
                    f"group {group!r} has {distinct} distinct run(s){copies}; the {t.module} law has "
                    f"{len(self.param_names)} constants and needs at least {needed} runs that differ in "
                    f"their inputs ({', '.join(t.input_names)})"
                )
            for name in t.target_names:
                values = rows[name].to_numpy()
                if np.ptp(values) == 0:
                    raise InputError(
                        f"group {group!r}: every {name} is {values[0]:.6g}; a law cannot be fitted "
                        "to a target that does not vary"
                    )

    # ------------------------------------------------------------ SLDBench's interfaces

    def law(self, input_data: Any, group: str) -> list[dict[str, float]]:
        """SLDBench's leaderboard interface: a list of input dicts in, a list of target dicts
        out, with the stored constants of ``group``."""
        records_in = list(input_data)
        if not records_in:
            self.resolve(None, group)  # an unknown group is still an error
            return []
        prediction = np.asarray(self.predict(records_in, None, group=group), dtype=float)
        prediction = prediction.reshape(len(records_in), len(self.task.targets))
        return [dict(zip(self.task.target_names, map(float, row))) for row in prediction]

    def fit_scaling_law(self, X: Any, y: Any) -> np.ndarray:
        """SLDBench's evaluator interface: fit one group alone; X is (n, inputs) in the schema's
        order, y the target(s). Returns the constants."""
        import pandas as pd

        t = self.task
        columns = validate_inputs(t, np.asarray(X, dtype=float))
        n = len(next(iter(columns.values())))
        targets = np.asarray(y, dtype=float).reshape(n, len(t.targets))
        table = pd.DataFrame({t.group_column: "evaluator", **columns,
                              **{name: targets[:, j] for j, name in enumerate(t.target_names)}})
        return np.asarray(self.fit(table)["evaluator"], dtype=float)

    def scaling_law_func(self, X: Any, params: Sequence[float]) -> np.ndarray:
        """SLDBench's evaluator interface: predict for X, (n, inputs) in the schema's order, with
        one group's constants."""
        columns = validate_inputs(self.task, np.asarray(X, dtype=float))
        constants = self._vector(params, "params")
        with np.errstate(all="ignore"):
            return np.asarray(self.formula(columns, constants), dtype=float)

    def interfaces(self):
        """``PARAMS, law, fit_scaling_law, scaling_law_func`` for the module's namespace."""
        return self.params, self.law, self.fit_scaling_law, self.scaling_law_func

    # ------------------------------------------------------------ decisions

    def decision(
        self,
        *,
        units: Mapping[str, str],
        interval: Sequence[str] = (),
        main: bool = False,
        per_group: bool = True,
    ):
        """Declare a decision: ``function(fitted, ...) -> dict`` becomes a public function
        ``name(..., constants=None, group=None) -> Result``.

        ``fitted`` is a `Fitted` (the constants the caller chose); arguments named
        after the task's inputs are checked against their domain and the training range;
        ``units`` names the unit of each answer; the answers named in ``interval`` are
        recomputed on every bootstrap refit of the constants, for an interval at
        `DECISION_LEVEL` (numbers) or a probability (names). ``main`` marks what
        ``scalinglaws optimize LAW`` runs with no decision named; ``per_group=False`` for a
        decision over all groups (ranking base models, say).
        """

        def register(function: Callable[..., dict[str, Any]]) -> Callable[..., decide.Result]:
            own = list(inspect.signature(function).parameters.values())[1:]
            public_signature = inspect.Signature([
                *own,
                inspect.Parameter("constants", inspect.Parameter.KEYWORD_ONLY, default=None),
                inspect.Parameter("group", inspect.Parameter.KEYWORD_ONLY, default=None),
            ])

            @functools.wraps(function)
            def public(*args, constants=None, group=None, **kwargs):
                try:
                    bound = inspect.Signature(own).bind(*args, **kwargs)
                except TypeError as error:
                    raise InputError(f"{function.__name__}: {error}") from None
                bound.apply_defaults()
                return self._decide(self.decisions[function.__name__], dict(bound.arguments), constants, group)

            public.__signature__ = public_signature  # help() shows what a caller passes
            question = (inspect.getdoc(function) or function.__name__).split("\n")[0]
            if main and any(d.main for d in self.decisions.values()):
                raise ValueError(f"{self.module} already has a main decision")
            self.decisions[function.__name__] = Decision(
                name=function.__name__, function=function, public=public, question=question,
                units=dict(units), interval=tuple(interval), main=main, per_group=per_group,
            )
            return public

        return register

    def main_decision(self) -> Decision | None:
        mains = [d for d in self.decisions.values() if d.main]
        return mains[0] if mains else next(iter(self.decisions.values()), None)

    def decide(self, name: str | None = None, /, *args, **kwargs) -> decide.Result:
        """Run a decision by name (the main one if None)."""
        decision = self.main_decision() if name is None else self.decisions.get(name)
        if decision is None:
            known = ", ".join(self.decisions) or "none"
            raise InputError(f"the {self.module} law has no decision {name!r}; its decisions: {known}")
        constants, group = kwargs.pop("constants", None), kwargs.pop("group", None)
        try:
            bound = inspect.Signature(decision.arguments).bind(*args, **kwargs)
        except TypeError as error:
            raise InputError(f"{decision.name}: {error}") from None
        bound.apply_defaults()
        # This law's own form (a view of one candidate decides with that candidate's formula).
        return self._decide(decision, dict(bound.arguments), constants, group)

    def _checked_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        columns = {c.name: c for c in self.task.inputs}
        out = dict(arguments)
        for name, value in arguments.items():
            if name in columns and value is not None:
                column = columns[name]
                if column.domain == "positive":
                    out[name] = decide.positive(name, value)
                else:
                    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
                        raise InputError(f"{name}: expected a number, got {value!r}")
                    out[name] = float(value)
                    if not math.isfinite(out[name]) or (column.domain == "nonnegative" and out[name] < 0):
                        raise InputError(f"{name}: {value!r} is not {column.domain}")
        return out

    def _decide(self, decision: Decision, arguments: dict[str, Any], params: Any, group: str | None) -> decide.Result:
        record, by_group, group, constants = self.resolve(params, group, need_group=decision.per_group)
        arguments = self._checked_arguments(arguments)
        fitted = Fitted(self, group, constants, by_group, record)
        with warnings.catch_warnings():
            # The result carries its warnings; they are emitted once, below.
            warnings.simplefilter("ignore", decide.ExtrapolationWarning)
            answer = dict(decision.function(fitted, **arguments))
        notes = answer.pop("warnings", [])
        inputs = set(self.task.input_names)
        checked = {k: v for k, v in {**arguments, **answer}.items() if k in inputs and _numeric(v)}
        notes = decide.unique([*fitted.outside(**checked), *notes])
        interval, probability = self._decision_interval(decision, fitted, arguments, answer)
        for note in notes:
            warnings.warn(note, decide.ExtrapolationWarning, stacklevel=3)
        return decide.Result(
            law=self.module, decision=decision.name, group=group, answer=answer,
            units={k: v for k, v in decision.units.items() if k in answer},
            interval=interval, probability=probability,
            level=DECISION_LEVEL if (interval or probability) else None, warnings=notes,
        )

    def _decision_interval(self, decision, fitted, arguments, answer):
        """The decision recomputed on the refits of the law's constants (at half the weight) and
        on those of every form the backtests could not tell from the law (sharing the other half):
        its interval carries the form's uncertainty as well as the constants', and always holds
        the answer itself."""
        record = fitted.record
        if not decision.interval or record is None or record.uncertainty is None:
            return {}, {}
        groups = [fitted.group] if decision.per_group else list(fitted.params)
        sources = [(self, record.uncertainty.draws, fitted.params)]
        owner = self.parent or self
        for key, form in record.survivors().items():
            try:
                sources.append((owner.form_view(key), form.draws, form.params))
            except InputError:
                continue
        pooled, weights = [], []
        for index, (law, draws, base) in enumerate(sources):
            samples = law._decision_samples(decision, fitted.group, groups, draws, base, record, arguments)
            count = min((len(draws.get(g, [])) for g in groups), default=0)
            if len(samples) < max(2, count // 2):
                if index == 0:
                    return {}, {}  # the law itself cannot be bootstrapped: no interval
                continue
            pooled.append(samples)
        # The law counts as much as all its survivors together (it is what the backtests chose;
        # they are what they could not rule out), each survivor equally.
        for index, samples in enumerate(pooled):
            share = 1.0 if len(pooled) == 1 else (0.5 if index == 0 else 0.5 / (len(pooled) - 1))
            weights += [share / len(samples)] * len(samples)
        samples = [s for part in pooled for s in part]
        weights = np.asarray(weights)
        tail = (1.0 - DECISION_LEVEL) / 2.0
        interval, probability = {}, {}
        for key in decision.interval:
            if key not in answer:
                continue
            if isinstance(answer[key], str):
                agree = float(np.sum(weights * np.array([s.get(key) == answer[key] for s in samples])))
                probability[key] = min(max(agree, 0.0), 1.0)
                continue
            try:
                values = np.array([np.asarray(s[key], dtype=float) for s in samples])
            except (KeyError, TypeError, ValueError):
                continue
            if len(pooled) == 1:
                low, high = np.nanquantile(values, [tail, 1.0 - tail], axis=0)
            else:
                low, high = (_weighted_quantile(values, weights, q) for q in (tail, 1.0 - tail))
            # The interval always holds the answer it brackets: where the survivors all lie to
            # one side, it reaches from their answers to the law's.
            point = np.asarray(answer[key], dtype=float)
            if point.shape == np.shape(low):
                low, high = np.fmin(low, point), np.fmax(high, point)
            interval[key] = [low.tolist(), high.tolist()] if np.ndim(low) else [float(low), float(high)]
        return interval, probability

    def _decision_samples(self, decision, group, groups, draws, base, record, arguments) -> list[dict[str, Any]]:
        """The decision on every refit in ``draws`` (the other groups held at ``base``)."""
        if any(g not in draws for g in groups):
            return []
        count = min(len(draws[g]) for g in groups)
        samples = []
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            for b in range(count):
                params = {g: draws[g][b] if g in groups else base[g] for g in base}
                constants = None if group is None else np.asarray(params[group], dtype=float)
                try:
                    samples.append(decision.function(Fitted(self, group, constants, params, record), **arguments))
                except (InputError, ValueError, ArithmeticError, IndexError):
                    continue
        return samples


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> np.ndarray:
    """The ``q`` quantile of ``values`` (samples on the first axis) under ``weights``, elementwise."""
    flat = values.reshape(len(values), -1)
    out = np.empty(flat.shape[1])
    for j in range(flat.shape[1]):
        column = flat[:, j]
        keep = np.isfinite(column)
        if not keep.any():
            out[j] = np.nan
            continue
        order = np.argsort(column[keep], kind="stable")
        ordered, w = column[keep][order], weights[keep][order]
        cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
        out[j] = np.interp(q, cumulative, ordered)
    return out.reshape(values.shape[1:]) if values.ndim > 1 else out[0]


def _numeric(value: Any) -> bool:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return array.size > 0


def extrapolation_distance(
    task: Task, columns: Mapping[str, np.ndarray], ranges: Mapping[str, tuple[float, float]], reach: Mapping[str, float],
    derived: Mapping[str, Callable[[Mapping[str, np.ndarray]], np.ndarray]] | None = None,
) -> np.ndarray:
    """How far each row lies beyond the training range, in units of ``reach``.

    Along an axis (an input, or one ``derived`` from the inputs, such as compute), the
    distance outside ``[low, high]`` (in log for sizes and derived axes, as is for inputs
    that are already logs) divided by ``reach[axis]``, the distance from the training data
    to the task's target on that scale; the largest over the axes. A task whose
    extrapolation has no axis (new mixtures) is at distance 1 everywhere.
    """
    n = len(next(iter(columns.values())))
    if not reach:
        return np.ones(n)
    domains = {c.name: c.domain for c in task.inputs}
    distance = np.zeros(n)
    for axis, unit in reach.items():
        if axis not in ranges or unit <= 0:
            continue
        low, high = ranges[axis]
        if axis in columns:
            x = np.asarray(columns[axis], dtype=float)
        elif derived and axis in derived:
            x = np.asarray(derived[axis](columns), dtype=float).reshape(n)
        else:
            continue
        if domains.get(axis, "positive") == "positive":
            with np.errstate(all="ignore"):
                x, low, high = np.log(x), math.log(low), math.log(high)
        beyond = np.maximum(x - high, 0.0) + np.maximum(low - x, 0.0)
        distance = np.maximum(distance, np.nan_to_num(beyond / unit, nan=0.0))
    return distance
