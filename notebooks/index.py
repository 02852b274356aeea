# %% [markdown]
# # Results: every law at a glance
#
# [SLDBench](https://arxiv.org/abs/2507.21184) (Lin et al. 2025) asks for scaling laws
# that **extrapolate**: for each of eight tasks, a law is fitted on the training runs and
# scored on held-out runs at larger scales (more parallel streams, a larger vocabulary, more
# fine-tuning data, larger models, ...). The score is SLDBench's R2 over all held-out rows
# of all groups, averaged over targets where a task has several:
#
# $$R^2 = 1 - \operatorname{mean}_{\text{targets}} \frac{\operatorname{mean}(y - \hat y)^2}{\operatorname{var}(y)}.$$
#
# **Two kinds of score, kept apart.** Every law here was chosen and fitted on the training
# split only, by one selection protocol (see the Method page): backtests from several
# forecast origins inside the training data, survivors, a combination where the data cannot
# choose, and calibrated prediction intervals. Its **validation R2** is the median of its
# backtests. The **held-out R2** is measured after a law is released, on SLDBench's held-out
# rows, which this repository never holds; it judges the protocol and never chooses a law.
# The Chinchilla law is not an SLDBench task: it has backtests only.
#
# This page is generated from the laws that exist and the records their notebooks store.

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from scalinglaws import data, laws, records, scores

pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 160)

# %% [markdown]
# ## The tasks

# %% tags=["hide-input"]
tasks = pd.DataFrame(
    [
        {
            "law": t.module,
            "task": t.name,
            "inputs": ", ".join(t.input_names),
            "targets": ", ".join(t.target_names),
            "extrapolates in": ", ".join(t.extrapolation_axes) if t.benchmark else "compute (backtests only)",
            "constants per group": t.max_constants_per_group or "no limit",
            "training rows": t.rows,
        }
        for t in data.TASKS.values()
    ]
)
tasks

# %% [markdown]
# ## The laws
#
# Each law's form as its notebook chose it, with what the protocol found. A law that
# combines forms does so because its candidates could not be told apart on the backtests
# yet disagreed at the target scale.

# %% tags=["hide-input"]
for module in laws.available():
    t = data.task(module)
    record = records.stored(module)
    validation = record.validation
    lines = [f"### [{module}]({module}.html): {record.summary.get('question', t.summary)}",
             f"$${' '.join(laws.get(module).FORM.split())}$$"]
    if validation:
        lines.append(f"Chosen by the protocol: {validation['chosen']}. {validation['reason']}.")
    if record.summary.get("headline"):
        lines.append(f"**Decision.** {record.summary['headline']}")
    display(Markdown("\n\n".join(lines)))

# %% [markdown]
# ## Scores
#
# Per law: the validation R2 (median over the protocol's backtests on the training split)
# and the coverage of its 90% prediction intervals on those backtests; the held-out R2 of
# the first release (v1), measured after release; and, on the same held-out rows, SLDBench's
# seed law and the best result whose choice never saw the held-out rows. The leaderboard's
# best is optimistic: its evaluator chose among candidates by their held-out score.

# %% tags=["hide-input"]
def r2(value):
    return np.nan if value is None else round(float(value), 6)


rows = []
for module in laws.available():
    record = records.stored(module)
    coverage = (record.uncertainty.coverage if record.uncertainty is not None else {}) or {}
    base = scores.BASELINES.get(module, {})
    rows.append({
        "law": module,
        "validation R2": r2(record.validation.get("validation_r2")),
        "90% interval covers": round(coverage["covered"], 2) if "covered" in coverage else np.nan,
        "held-out R2, v1": r2(scores.HELDOUT.get(module, {}).get("v1")),
        "held-out R2, v2": r2(scores.HELDOUT.get(module, {}).get("v2")),
        f"held-out R2, {scores.CURRENT}": r2(scores.HELDOUT.get(module, {}).get(scores.CURRENT)),
        "seed": r2(base.get("seed")),
        "best honest published": r2(base.get("honest")),
        "published, refitted": r2(base.get("refit")),
        "leaderboard (optimistic)": r2(base.get("leaderboard")),
    })
results = pd.DataFrame(rows).set_index("law")
results

# %% [markdown]
# `NaN` marks what does not exist: a task without a seed law, a law not yet scored on the
# held-out rows (the current version is scored after release), the Chinchilla law, which
# has no held-out split.

# %% tags=["hide-input"]
shown = results[results["best honest published"].notna()]
fig, ax = plt.subplots(figsize=(5.8, 3.4), layout="constrained")
positions = np.arange(len(shown))
markers = [("held-out R2, v1", "X", "tab:red", "our v1, held out"),
           ("held-out R2, v2", "P", "tab:orange", "our v2, held out"),
           ("seed", "s", "tab:grey", "SLDBench seed, held out"),
           ("best honest published", "o", "tab:blue", "best honest published, held out"),
           ("validation R2", "D", "tab:green", f"our {scores.CURRENT}, validation (backtests)")]
for column, marker, color, label in markers:
    values = shown[column].to_numpy(dtype=float)
    ax.scatter(values, positions, marker=marker, color=color, s=55, label=label, zorder=3)
ax.set_yticks(positions, shown.index)
ax.invert_yaxis()
ax.axvline(1.0, color="black", lw=0.8)
ax.grid(axis="x", alpha=0.3)
lowest = float(np.nanmin(shown[[m[0] for m in markers]].to_numpy(dtype=float)))
ax.set_xlim(min(0.0, lowest - 0.05), 1.02)
ax.set(xlabel="R2 (SLDBench's metric; 1 is perfect)",
       title="Every law against its baselines")
ax.legend(loc="lower left", fontsize=8)
plt.show()

# %% [markdown]
# ## The protocol's view of each pool
#
# For each law, the best median backtest R2 of each kind of candidate: the published forms
# (the source study's, SLDBench's leaderboard, the best published), the conservative
# forms (promising less beyond the data), and the forms new to each notebook; and the
# chosen law's own. Where a conservative form comes close, the data say little about what
# lies beyond them; each law's page shows every candidate.

# %% tags=["hide-input"]
pool = []
for module in laws.available():
    validation = records.stored(module).validation
    by_kind = pd.DataFrame(validation.get("candidates", []))
    if by_kind.empty:
        continue
    best = by_kind.groupby("kind").median_r2.max()
    pool.append({"law": module, **{kind: round(float(best.get(kind, np.nan)), 4)
                                   for kind in ("published", "conservative", "ours", "reference")},
                 "chosen law": round(float(validation["validation_r2"]), 4),
                 "members": len(validation.get("members", [])),
                 "origins": len(validation.get("origins", []))})
pd.DataFrame(pool).set_index("law").dropna(axis=1, how="all")
