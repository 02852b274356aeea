"""Scores measured outside this repository: each law's held-out R2, and the baselines.

The held-out split of every SLDBench task is kept out of this package (as SLDBench keeps it
out of reach of the agents it benchmarks), so a law's held-out R2 is measured after it is
released, on the held-out rows, and reported on the issue tracker. It is written here so
that the site can show it beside the validation score the law's notebook measured; it is
never used to choose or fit a law.

``HELDOUT[module][version]`` is a released version's held-out R2 (SLDBench's metric over
all held-out rows). ``BASELINES[module]`` holds, on the same rows: the seed law of SLDBench
(``seed``), the best result whose choice never saw the held-out split (``honest``, with its
form), and the leaderboard's best, optimistic because its evaluator selected among
candidates by their held-out score (``leaderboard``). From DESIGN.md and the issue that
reported v1's scores.
"""

from __future__ import annotations

__all__ = ["BASELINES", "CURRENT", "HELDOUT", "TARGETS"]

#: The version of the laws in this release (v1 was the first release of the eight laws).
CURRENT = "v2"

HELDOUT: dict[str, dict[str, float]] = {
    "parallel": {"v1": 0.999960},
    "vocab": {"v1": 0.98187},
    "sft": {"v1": 0.99717},
    "domain_mixture": {"v1": 0.99114},
    "moe": {"v1": 0.5216},
    "data_constrained": {"v1": 0.94171},
    "lr_bsz": {"v1": 0.87525},
    "u_shape": {"v1": -0.019},
}

BASELINES: dict[str, dict[str, float | str | None]] = {
    "parallel": {"seed": 0.999966, "honest": 0.999971, "honest_form": "an honest refit of the leaderboard's form",
                 "leaderboard": 0.999985},
    "vocab": {"seed": None, "honest": 0.9874, "honest_form": "L + A S (1 + lam t^2 / (1 + S)), refitted",
              "leaderboard": 0.988557},
    "sft": {"seed": 0.948364, "honest": 0.993, "honest_form": "SLDAgent, the paper's mean over runs",
            "leaderboard": 0.999306},
    "domain_mixture": {"seed": 0.971598, "honest": 0.993529, "honest_form": "the best honest published form",
                       "leaderboard": 0.998807},
    "moe": {"seed": 0.832695, "honest": 0.8327, "honest_form": "the seed law", "leaderboard": 0.963224},
    "data_constrained": {"seed": None, "honest": 0.983974, "honest_form": "C0 + C1 N^-a + C2 D^-b + C3 U^-c",
                         "leaderboard": 0.983974},
    "lr_bsz": {"seed": 0.763137, "honest": 0.847918, "honest_form": "the best honest published form",
               "leaderboard": 0.983442},
    "u_shape": {"seed": None, "honest": 0.380703, "honest_form": "y0 + k (x - m)^2, k >= 0, per benchmark",
                "leaderboard": 0.931613},
}

#: What the trust issue asks of this release, on the held-out split (checked after release).
TARGETS: dict[str, float] = {
    "parallel": 0.99996, "vocab": 0.9875, "sft": 0.9975, "domain_mixture": 0.9936,
    "moe": 0.85, "data_constrained": 0.975, "lr_bsz": 0.88, "u_shape": 0.40,
}
