"""What the laws' decisions share: one result type, input checks and range warnings.

A decision answers a question with a law (the optimal learning rate and batch size, the
best vocabulary, how many epochs of repeated data): each law module declares its own with
``@LAW.decision(...)`` (see `scalinglaws.law.Law`), and every one returns a
`Result`. A request outside what is possible is refused with an
`scalinglaws.data.InputError`; a request outside the range the law was fitted on
is answered with a warning that names the input and the range, both in the result and
as an `ExtrapolationWarning`.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

from . import show
from .data import InputError
from .records import jsonable

__all__ = ["ExtrapolationWarning", "Result", "at_edge", "outside_messages", "positive", "integer", "fraction"]


class ExtrapolationWarning(UserWarning):
    """A prediction or decision was asked for beyond the training range of an input."""


@dataclass(frozen=True)
class Result:
    """The answer of a decision.

    ``answer`` maps names to values (numbers, lists, names); ``units`` says what each
    number is measured in; ``interval`` gives, for the answers the law can bootstrap, the
    ``[low, high]`` range at ``level`` (refits of the constants on resampled runs), and
    ``probability`` how often a named answer (a best model, say) stays the same across
    those refits. ``warnings`` name every input or answer outside the training range.

    ``searched`` gives, for an answer found by a search (a threshold, an optimum over a
    grid), the ``[low, high]`` range the search covered; an answer at an end of it is not
    an answer but the edge of the search (the threshold was not reached, the optimum lies
    beyond), and is shown as such (``edges``: ``at least 512``). A decision function
    declares it by returning a ``searched`` entry beside its answers, as it returns
    ``warnings``: ``{"threshold_experts": t, "searched": {"threshold_experts": [1, 512]}}``.
    ``None`` for an end means the search has no edge on that side.

    ``print(result)`` (and the command line) shows the answers at 4 significant figures with
    their units and intervals; ``to_dict()`` keeps full precision.
    """

    law: str
    decision: str
    group: str | None
    answer: dict[str, Any]
    units: dict[str, str] = field(default_factory=dict)
    interval: dict[str, list[float]] = field(default_factory=dict)
    probability: dict[str, float] = field(default_factory=dict)
    level: float | None = None
    warnings: list[str] = field(default_factory=list)
    searched: dict[str, list[float | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A decision function returns its search ranges beside its answers (as it returns its
        # warnings): they describe answers, they are not one.
        if "searched" in self.answer:
            answer = dict(self.answer)
            declared = answer.pop("searched") or {}
            object.__setattr__(self, "answer", answer)
            object.__setattr__(self, "searched", {**declared, **self.searched})
        unknown = [k for k in self.searched if k not in self.answer]
        if unknown:
            raise ValueError(f"searched ranges for answers that do not exist: {', '.join(unknown)}")

    @property
    def edges(self) -> dict[str, str]:
        """The answers at an edge of their search, each with what it means: ``"at least 512"``
        (the search ended before the answer was reached) or ``"at most 1"``."""
        out = {}
        for key, (low, high) in self.searched.items():
            side = at_edge(self.answer[key], low, high)
            if side == "high":
                out[key] = f"at least {show.number(high)}"
            elif side == "low":
                out[key] = f"at most {show.number(low)}"
        return out

    def unit(self, key: str) -> str:
        """What an answer is measured in: the decision's declared unit or, for an input the
        decision repeats, the description of the task's column."""
        if key in self.units:
            return self.units[key]
        from .data import task

        columns = {c.name: c.description for c in task(self.law).inputs}
        return columns.get(key, "")

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    __str__ = __repr__

    def lines(self, more: str = "to_dict()", warnings: bool = True) -> list[str]:
        """The result as aligned lines: a heading, then each answer with its unit and interval
        at 4 significant figures (see `scalinglaws.show`), then the warnings (unless
        ``warnings`` is False). ``more`` names where the full values are (``--json`` on the
        command line)."""
        heading = f"{self.law} {self.decision}" + (f" (group {self.group})" if self.group is not None else "")
        return [heading, *show.rows(self, more=more, indent="  ", warnings=warnings)]

    def _repr_html_(self) -> str:
        heading = html.escape(f"{self.law} {self.decision}" + (f", group {self.group}" if self.group is not None else ""))
        body = show.html_table(["answer", "value", "unit", "interval"], show.rows(self, more="to_dict()", cells=True))
        notes = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        return f"<div><strong>{heading}</strong>{body}" + (f"<ul>{notes}</ul>" if notes else "") + "</div>"

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def to_dict(self) -> dict[str, Any]:
        """Flat, JSON-ready: the answers, ``<name>_interval`` and ``<name>_probability`` beside
        them, then ``level``, ``units``, ``group`` and ``warnings``."""
        out: dict[str, Any] = {}
        if self.group is not None:
            out["group"] = self.group
        for key, value in self.answer.items():
            out[key] = jsonable(value)
            if key in self.interval:
                out[f"{key}_interval"] = jsonable(self.interval[key])
            if key in self.probability:
                out[f"{key}_probability"] = float(self.probability[key])
            if key in self.searched:
                out[f"{key}_searched"] = jsonable(list(self.searched[key]))
                if key in self.edges:
                    out[f"{key}_edge"] = f"{self.edges[key]}: the edge of the range searched"
        if self.interval or self.probability:
            out["level"] = self.level
        if self.units:
            out["units"] = dict(self.units)
        out["warnings"] = list(self.warnings)
        return out


def at_edge(value: Any, low: float | None, high: float | None) -> str | None:
    """``"high"`` or ``"low"`` if ``value`` sits at (or beyond) that end of ``[low, high]``
    (to a relative 1e-9), else None; an end that is None is no edge."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    if high is not None and (value >= high or math.isclose(value, high, rel_tol=1e-9)):
        return "high"
    if low is not None and (value <= low or math.isclose(value, low, rel_tol=1e-9)):
        return "low"
    return None


def positive(name: str, value: Any) -> float:
    """``value`` as a float, or an `InputError` naming ``name`` if it is not a positive number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise InputError(f"{name}: expected a positive number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{name}: {value!r} is not a positive number")
    return value


def fraction(name: str, value: Any) -> float:
    """``value`` as a float strictly between 0 and 1, or an `InputError` naming ``name``."""
    value = positive(name, value)
    if value >= 1:
        raise InputError(f"{name}: {value!r} must be below 1")
    return value


def integer(name: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]`` (a float with no fraction counts), or an error naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) or (
        not float(value).is_integer()
    ):
        raise InputError(f"{name}: expected an integer from {low} to {high}, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise InputError(f"{name}: expected an integer from {low} to {high}, got {value}")
    return value


def outside_messages(
    module: str, ranges: Mapping[str, tuple[float, float]], values: Mapping[str, Any]
) -> list[str]:
    """A message for every value outside its input's training range (inputs without a range are skipped)."""
    messages = []
    for name, requested in values.items():
        if name not in ranges or requested is None:
            continue
        low, high = ranges[name]
        array = np.atleast_1d(np.asarray(requested, dtype=float))
        slack = 1e-12 * max(abs(low), abs(high))  # a value read back from text is still inside
        outside = array[(array < low - slack) | (array > high + slack)]
        if outside.size:
            shown = f"{outside[0]:.4g}" if outside.min() == outside.max() else f"{outside.min():.4g}..{outside.max():.4g}"
            messages.append(
                f"{name} = {shown} is outside the training range [{low:.4g}, {high:.4g}] of the "
                f"{module} law: the result extrapolates"
            )
    return messages


def unique(messages: Iterable[str]) -> list[str]:
    """The messages in order, each once."""
    return list(dict.fromkeys(messages))
