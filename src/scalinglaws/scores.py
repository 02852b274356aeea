"""Scores measured outside this repository: each law's held-out R2, and the baselines.

The held-out split of every SLDBench task is kept out of this package (as SLDBench keeps it
out of reach of the agents it benchmarks), so a law's held-out R2 is measured after it is
released, on the held-out rows, and reported on the issue tracker. It is written here so
that the site can show it beside the validation score the law's notebook measured. These
numbers judge the selection protocol that every law shares; they are never used to choose
or fit a law.

``HELDOUT[module][version]`` is a released version's held-out R2 (SLDBench's metric over
all held-out rows). ``BASELINES[module]`` holds, on the same rows: the seed law of SLDBench
(``seed``); the best published result whose choice never saw the held-out split, with the
constants its own optimizer found (``honest``, its form in ``honest_form``); the same
published form refitted by this package's routines on the training split (``refit``, its
form in ``refit_form``: a form's extrapolation depends on which optimum its fit lands in,
so the two can differ); and the leaderboard's best, optimistic because its evaluator
selected among candidates by their held-out score (``leaderboard``). From DESIGN.md and the
issues that reported v1's and v2's scores.
"""

from __future__ import annotations

__all__ = ["BASELINES", "CURRENT", "HELDOUT", "mean"]

#: The version of the laws in this release (v1 was the first release of the eight laws; v2's
#: held-out scores were measured after it was released; this one's will be too).
CURRENT = "v3"

HELDOUT: dict[str, dict[str, float]] = {
    "parallel": {"v1": 0.999960, "v2": 0.999966},
    "vocab": {"v1": 0.98187, "v2": 0.9698},
    "sft": {"v1": 0.99717, "v2": 0.99706},
    "domain_mixture": {"v1": 0.99114, "v2": 0.99303},
    "moe": {"v1": 0.5216, "v2": 0.5282},
    "data_constrained": {"v1": 0.94171, "v2": 0.9501},
    "lr_bsz": {"v1": 0.87525, "v2": 0.9518},
    "u_shape": {"v1": -0.019, "v2": 0.0419},
}

BASELINES: dict[str, dict[str, float | str | None]] = {
    "parallel": {"seed": 0.999966, "honest": 0.999971, "honest_form": "an honest refit of the leaderboard's form",
                 "refit": 0.99996, "refit_form": "the leaderboard's form", "leaderboard": 0.999985},
    "vocab": {"seed": None, "honest": 0.9874, "honest_form": "L + A S (1 + lam t^2 / (1 + S)), refitted",
              "refit": 0.9874, "refit_form": "the leaderboard's form L + A S (1 + lam t^2 / (1 + S))",
              "leaderboard": 0.988557},
    "sft": {"seed": 0.948364, "honest": 0.993, "honest_form": "SLDAgent, the paper's mean over runs",
            "refit": 0.9929, "refit_form": "SLDAgent's form", "leaderboard": 0.999306},
    "domain_mixture": {"seed": 0.971598, "honest": 0.993529, "honest_form": "the best honest published form",
                       "refit": 0.9932, "refit_form": "the best honest published form", "leaderboard": 0.998807},
    "moe": {"seed": 0.832695, "honest": 0.8327, "honest_form": "the seed law",
            "refit": 0.8327, "refit_form": "the seed law's form", "leaderboard": 0.963224},
    "data_constrained": {"seed": None, "honest": 0.983974, "honest_form": "C0 + C1 N^-a + C2 D^-b + C3 U^-c",
                         "refit": 0.950, "refit_form": "the additive form C0 + C1 N^-a + C2 D^-b + C3 U^-c",
                         "leaderboard": 0.983974},
    "lr_bsz": {"seed": 0.763137, "honest": 0.847918, "honest_form": "the best honest published form",
               "refit": 0.828, "refit_form": "the quadratic form", "leaderboard": 0.983442},
    "u_shape": {"seed": None, "honest": 0.380703, "honest_form": "y0 + k (x - m)^2, k >= 0, per benchmark",
                "refit": 0.118, "refit_form": "the quadratic y0 + k (x - m)^2 with k >= 0, per benchmark",
                "leaderboard": 0.931613},
}


def mean(version: str) -> float | None:
    """The mean held-out R2 of a version over the SLDBench laws (None if one is not yet measured)."""
    values = [scores.get(version) for scores in HELDOUT.values()]
    return None if any(v is None for v in values) else sum(values) / len(values)
