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

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

from .data import InputError
from .records import jsonable

__all__ = ["ExtrapolationWarning", "Result", "outside_messages", "positive", "integer", "fraction"]


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
        if self.interval or self.probability:
            out["level"] = self.level
        if self.units:
            out["units"] = dict(self.units)
        out["warnings"] = list(self.warnings)
        return out


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
