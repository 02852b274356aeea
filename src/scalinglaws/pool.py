"""A law's pool of candidate forms, and the settings of the protocol that chooses among them.

Every law module declares its pool in its notebook's ``export`` cells, so that the choice
its notebook shows and a study of a user's runs (`scalinglaws.study`) run one code path:

    CANDIDATES = [Candidate("Chinchilla: E + A/N^alpha + B/D^beta", "5", fit=..., predict=...,
                            key="two-exponents", kind="published", param_names=("E", "A", "B", "alpha", "beta")),
                  ...]
    PROTOCOL = Protocol(CANDIDATES, axes=("compute",), derived={"compute": compute}, ...)
    LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants, protocol=PROTOCOL)

This module holds only declarations (numpy, no pandas or scipy), so that importing a law
stays light; `scalinglaws.selection` runs the protocol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = ["Candidate", "KINDS", "Protocol", "slug"]

#: Kinds of candidate forms; every pool holds published, conservative and our own forms.
KINDS = ("published", "conservative", "ours", "reference")


def slug(name: str) -> str:
    """A short key for a form's name: lower case, words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", name.lower().replace("'", ""))
    key = "-".join(words)
    return key[:48].rstrip("-") or "form"


@dataclass(frozen=True)
class Candidate:
    """A form competing to be a task's law: how it is fitted and how it predicts.

    ``name`` says what the form is (shown in tables); ``key`` is its short name, used to
    call it (``predict(..., form=key)``, ``--form key``; by default a slug of the name).
    ``kind`` is one of `KINDS` and ``origin`` where the form comes from (a paper, a
    leaderboard entry, "ours"); ``constants`` says how many constants it has (per group, and
    shared). ``fit(table, start=None)`` returns constants per group and ``predict(X,
    constants)`` evaluates the form; ``param_names`` names the constants. ``published``
    holds the constants its sources printed, by source (``{"Besiroglu et al. 2024": [...]}``;
    a source's constants are one vector for every group, or ``{group: vector}``).
    """

    name: str
    constants: str
    fit: Callable[..., dict[str, list[float]]]
    predict: Callable[[Any, Sequence[float]], np.ndarray]
    origin: str = ""
    kind: str = "ours"
    key: str = ""
    param_names: tuple[str, ...] = ()
    published: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if not self.key:
            object.__setattr__(self, "key", slug(self.name))
        object.__setattr__(self, "param_names", tuple(self.param_names))

    def published_constants(self, group: str | None = None, source: str | None = None) -> list[float]:
        """The constants a source printed (the first source by default), for ``group``."""
        from .data import InputError

        if not self.published:
            raise InputError(f"the form {self.key!r} has no published constants")
        sources = list(self.published)
        if source is None or source is True:
            source = sources[0]
        if source not in self.published:
            raise InputError(f"the form {self.key!r} has no constants printed by {source!r}; "
                             f"its sources: {'; '.join(sources)}")
        values = self.published[source]
        if isinstance(values, Mapping):
            if group not in values:
                raise InputError(f"{source} printed constants of the form {self.key!r} for the groups "
                                 f"{', '.join(map(str, values))}, not {group!r}")
            values = values[group]
        return [float(v) for v in values]


@dataclass(frozen=True)
class Protocol:
    """How a law is chosen among its candidates, on any table of runs.

    The rules below take the runs themselves (and the points a caller asks about), never
    numbers fixed for one table, so that the protocol that chose the packaged law runs
    unchanged on a user's runs. A rule left as None is the package's generic one
    (`scalinglaws.selection`):

    - ``axes``: the extrapolation axes (the task's by default); an axis may be derived from
      the inputs (``derived[axis](columns) -> values``, compute C = 6ND, say).
    - ``reach(table, at) -> {axis: factor}``: how far beyond the runs the backtests score
      (a factor for sizes, a span for inputs already on a log scale). Generic: as far as
      the requested points (``at``) lie beyond the runs, else two steps of the spacing of
      the largest values.
    - ``backtests(table, reach) -> [Backtest]``: the forecast origins. Generic: the k-th
      largest level of every axis at once (thresholds in the gaps of a continuous axis).
    - ``target(table, reach, points) -> rows``: inputs at the target scale, where the
      survivors are compared. Generic: the requested points, else the runs at the largest
      level of each axis moved by the reach.
    - ``source_target``: where the packaged table's own target lies (``at`` for a study of
      the packaged table), and ``checks(candidate, constants) -> reason or None``: checks of
      a form's decisions against the source study, applied to the source study's runs only
      (shown, not applied, on a user's runs).
    - ``cluster``: the input columns whose rows form one independent unit (a repetition
      curve, a mixture); ``by``: align the origins of groups measured on different grids by
      rank; ``fit_rows(table)``: the rows a fit uses (for the noise of the intervals);
      ``resample_across_groups``: the bootstrap draws whole units across every group at once
      (a mixture measured at every model size), not within each group.
    - ``decision_example(table, points) -> arguments``: the main decision's arguments that a
      study's report answers for the runs and points (the budget of the largest point, say;
      a ``group`` entry names the group it answers for).
    - ``min_origins``: fewer origins holding runs, and the runs cannot validate a form (a
      study then fits the law's own form and says so). Two by default; a law whose axis
      has too few levels for two (three numbers of parallel streams) declares one.
    """

    candidates: tuple[Candidate, ...]
    axes: tuple[str, ...] = ()
    derived: Mapping[str, Callable[[Mapping[str, np.ndarray]], np.ndarray]] = field(default_factory=dict)
    reach: Callable[..., dict[str, float]] | None = None
    backtests: Callable[..., list] | None = None
    target: Callable[..., Any] | None = None
    source_target: Mapping[str, float] = field(default_factory=dict)
    checks: Callable[[Candidate, dict[str, list[float]]], str | None] | None = None
    cluster: tuple[str, ...] | None = None
    by: str | None = None
    fit_rows: Callable[[Any], Any] | None = None
    decision_example: Callable[[Any, Any], dict[str, Any]] | None = None
    max_origins: int = 4
    min_origins: int = 2
    min_train_values: int = 3
    resample_across_groups: bool = False
    bootstrap: int = 100
    calibration_bootstrap: int = 30
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "axes", tuple(self.axes))
        if self.cluster is not None:
            object.__setattr__(self, "cluster", tuple(self.cluster))
        keys = [c.key for c in self.candidates]
        doubled = sorted({k for k in keys if keys.count(k) > 1})
        if doubled:
            raise ValueError(f"two candidates share the key(s) {doubled}: give each a key=")

    def candidate(self, key: str) -> Candidate:
        """The candidate of that key (or name); an error lists the keys."""
        for c in self.candidates:
            if key in (c.key, c.name):
                return c
        from .data import InputError

        raise InputError(f"no form {key!r}; the forms are: {', '.join(c.key for c in self.candidates)}")
