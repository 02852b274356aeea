"""Decisions from the laws: what they share.

Each law module exports its own decision functions from its notebook (the optimal
learning rate and batch size, the best vocabulary, the best mixture, ...). They share
the checks here: a request outside what is possible is refused with an
:class:`~scalinglaws.data.InputError`, and a request outside the range the law was
fitted on is answered with a warning that names the input and the range, both in the
result (``"warnings"``) and on stderr (an :class:`ExtrapolationWarning`).
"""

from __future__ import annotations

import warnings
from typing import Iterable

import numpy as np

from .contract import load_training_range
from .data import InputError, task

__all__ = ["DECISIONS", "ExtrapolationWarning", "decision", "positive", "range_warnings"]

#: The decision function of each law, by module: what ``scalinglaws optimize TASK`` calls.
DECISIONS = {
    "parallel": "equivalent_parameters",
    "vocab": "optimal_vocab",
    "data_constrained": "epochs_plan",
    "sft": "rank_base_models",
    "u_shape": "recovery",
    "lr_bsz": "optimum",
    "domain_mixture": "optimal_mixture",
    "moe": "experts_plan",
}


class ExtrapolationWarning(UserWarning):
    """A decision was asked for beyond the training range of an input."""


def positive(name: str, value) -> float:
    """``value`` as a float, or an :class:`InputError` naming ``name`` if it is not a positive number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise InputError(f"{name}: expected a positive number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise InputError(f"{name}: {value!r} is not a positive number")
    return value


def range_warnings(module: str, **values: float | Iterable[float]) -> list[str]:
    """Warn for every input whose requested value lies outside the law's training range.

    Returns the messages (to put in a decision's result) and emits each as an
    :class:`ExtrapolationWarning`.
    """
    t = task(module)
    ranges = load_training_range(t.module)
    messages = []
    for name, requested in values.items():
        if name not in ranges:
            continue
        low, high = ranges[name]
        array = np.atleast_1d(np.asarray(requested, dtype=float))
        outside = array[(array < low) | (array > high)]
        if outside.size:
            shown = f"{outside[0]:.4g}" if outside.size == 1 else f"{outside.min():.4g}..{outside.max():.4g}"
            messages.append(
                f"{name} = {shown} is outside the training range [{low:.4g}, {high:.4g}] of the "
                f"{t.module} law: the result extrapolates"
            )
    for message in messages:
        warnings.warn(message, ExtrapolationWarning, stacklevel=2)
    return messages


def decision(module: str):
    """The decision function of a law (an error lists the laws that have one)."""
    from . import laws

    t = task(module)
    if t.module not in DECISIONS or t.module not in laws.available():
        have = [m for m in DECISIONS if m in laws.available()]
        raise InputError(f"no decision for {t.module}; laws with one: {', '.join(have)}")
    return getattr(laws.get(t.module), DECISIONS[t.module])
