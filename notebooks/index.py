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
# **The honesty protocol.** The held-out split is not in this repository. Every law here was
# chosen and fitted on the training split only: each notebook refits every candidate form on
# the training rows below the largest scale(s) of the task's extrapolation axis and scores it
# on the largest ones (or, where the test rows are new points at the same scales, by K-fold
# cross-validation). The scores below are those **validation** scores, for our law and for the
# baselines each notebook refitted under the same protocol; the held-out scores are measured
# after a law lands.
#
# This page is generated from the laws that exist (`scalinglaws.laws.available()`).

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from scalinglaws import contract, data, laws

plt.rcParams["figure.dpi"] = 80
pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)

# %% [markdown]
# ## The eight tasks

# %%
tasks = pd.DataFrame(
    [
        {
            "law": t.module,
            "SLDBench task": t.name,
            "inputs": ", ".join(t.input_names),
            "targets": ", ".join(t.target_names),
            "extrapolates in": ", ".join(t.extrapolation_axes) or "new mixtures",
            "max constants per group": t.max_constants_per_group or "no limit",
            "law available": t.module in laws.available(),
        }
        for t in data.TASKS.values()
    ]
)
tasks

# %% [markdown]
# ## The laws
#
# Each law's form, with its fitted constants (per group where a task has a few groups).

# %%
def constants_markdown(module):
    law = laws.get(module)
    if len(law.PARAMS) > 6:
        return f"*{len(law.PARAMS)} groups: see `scalinglaws.laws.{module}.PARAMS` and the law's page.*"
    header = "| group | " + " | ".join(law.PARAM_NAMES) + " |"
    rule = "|---" * (len(law.PARAM_NAMES) + 1) + "|"
    rows = [f"| {g} | " + " | ".join(f"{v:.4g}" for v in values) + " |" for g, values in law.PARAMS.items()]
    return "\n".join([header, rule, *rows])


for module in laws.available():
    t = data.task(module)
    display(Markdown(
        f"### [{module}]({module}/): {t.summary}\n\n"
        f"$${laws.get(module).FORM}$$\n\n{constants_markdown(module)}\n\n"
        f"Source study: {t.source.text}"
    ))

# %% [markdown]
# ## Validation: our laws against the baselines, under the same protocol
#
# For each law, the candidate it chose and every baseline its notebook refitted (the
# SLDBench leaderboard's form, the best published forms, the source study's form) with
# their validation R2. Candidates marked *ours* that were not chosen are left out here;
# each notebook reports them. Some notebooks also score a *reference* that is not a law
# (holding the last measured level, repeating the last measured drop): it gauges how much
# a law can gain at all, and is shown apart from the baselines.

# %%
rows = []
for module in laws.available():
    stored = contract.load_validation(module)
    for candidate in stored.get("candidates", []):
        chosen = candidate["candidate"] == stored["chosen"]
        origin = candidate["origin"]
        reference = "reference" in origin or "noise gauge" in origin
        if chosen or not origin.startswith("ours"):
            rows.append({
                "law": module,
                "candidate": candidate["candidate"],
                "origin": origin,
                "constants": candidate["constants"],
                "validation R2": round(candidate["r2"], 6),
                "role": "chosen" if chosen else ("reference" if reference else "baseline"),
                "protocol": stored["protocol"],
            })
comparison = pd.DataFrame(rows)
comparison

# %%
summary = comparison.groupby("law", sort=False).apply(
    lambda g: pd.Series({
        "ours": g.loc[g.role == "chosen", "validation R2"].iloc[0],
        "best baseline": g.loc[g.role == "baseline", "validation R2"].max(),
        "reference": g.loc[g.role == "reference", "validation R2"].max(),
    }),
    include_groups=False,
)
fig, ax = plt.subplots(figsize=(9, 3.6))
positions = np.arange(len(summary))
ax.bar(positions - 0.2, summary["ours"].clip(lower=0), width=0.4, label="our law")
ax.bar(positions + 0.2, summary["best baseline"].clip(lower=0), width=0.4, label="best baseline refitted")
ax.set_xticks(positions, summary.index)
ax.set(ylabel="validation R2 (clipped at 0)", title="Validation R2 per task: our law and the best baseline",
       ylim=(max(0.0, float(summary[["ours", "best baseline"]].min().min()) - 0.05), 1.0))
ax.legend(loc="lower left")
fig.tight_layout()
plt.show()
summary.round(6)
