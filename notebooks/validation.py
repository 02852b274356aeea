# %% [markdown]
# # Does it hold on other studies?
#
# Every figure the other pages show about a law comes from the table its form was chosen on.
# A reader deciding whether to trust a law for their own training run wants to see it predict
# runs it has never seen: from another lab, another dataset, another tokenizer. This page
# takes three independent public studies shipped with the package (`datasets/external`, each
# with its README and licence), and for each runs exactly what a user would run on their own
# sweep: a **study** of its small runs (`scalinglaws.study`: the law's pool of forms,
# backtests built from those runs, the choice, intervals calibrated on the backtests), asked
# about its large runs, which the study never sees. Then it compares the predictions with
# the large runs' measured losses, and the study's answers with the study's own published
# result.
#
# | study | law | fitted on | predicted |
# |---|---|---|---|
# | Porian et al. 2024, "Cosine decay" setup, RefinedWeb and OpenWebText2 (each alone), runs with at least one token per parameter | chinchilla | compute ≤ 1.6e18 FLOP | compute ≥ 1.28e19 FLOP |
# | McLeish et al. 2025 (Gemstones), annealed ("cooldown") runs | chinchilla | params ≤ 6e8 | params ≥ 1e9 |
# | Muennighoff et al. 2023, runs with loss < 10 | data_constrained | params ≤ 1.6e9 | params ≥ 2e9 |
#
# The splits are `scalinglaws.data.external_split(name)`; the same figures come from the
# command line: `scalinglaws study chinchilla --csv small.csv --predict large.csv --json`.

# %% tags=["hide-input"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import scalinglaws
from scalinglaws import data
from scalinglaws.decide import ExtrapolationWarning

warnings.simplefilter("ignore", ExtrapolationWarning)
pd.set_option("display.precision", 4)
pd.set_option("display.width", 160)

#: (label, study, dataset, law) for each split of the validation.
SPLITS = [
    ("Porian et al., OpenWebText2", "porian2024", "OpenWebText2", "chinchilla"),
    ("Porian et al., RefinedWeb", "porian2024", "RefinedWeb", "chinchilla"),
    ("Gemstones", "mcleish2025", None, "chinchilla"),
    ("Muennighoff et al.", "muennighoff2023", None, "data_constrained"),
]
splits = {label: data.external_split(name, dataset) for label, name, dataset, _ in SPLITS}
laws_of = {label: law for label, _, _, law in SPLITS}


def columns_of(law, frame, target=True):
    t = data.task(law)
    return frame[t.input_names + (t.target_names if target else [])]


pd.DataFrame([
    {"study": label, "law": laws_of[label], "runs fitted": len(small), "runs predicted": len(large),
     "parameters": f"{small.params.min():.3g} to {large.params.max():.3g}",
     "tokens": f"{small.tokens.min():.3g} to {large.tokens.max():.3g}",
     "loss": f"{min(small.loss.min(), large.loss.min()):.3f} to {max(small.loss.max(), large.loss.max()):.3f}"}
    for label, (small, large) in splits.items()
])

# %% [markdown]
# ## The data at a glance
#
# The loss against compute $C = 6ND$, the runs a study is fitted on in grey, the runs it must
# predict in colour. Porian et al.'s runs sit on isoFLOP budgets; Gemstones' are annealed
# checkpoints of 22 shapes; Muennighoff et al.'s repeat data over many epochs, so at one compute
# the loss spreads with the number of unique tokens.

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, len(splits), figsize=(9.0, 2.6), layout="constrained")
for ax, (label, (small, large)) in zip(axes, splits.items()):
    ax.scatter(6 * small.params * small.tokens, small.loss, s=6, color="grey", label="fitted")
    ax.scatter(6 * large.params * large.tokens, large.loss, s=8, color="tab:red", label="predicted")
    ax.set(xscale="log", xlabel="compute (FLOP)", title=label.replace(", ", "\n"))
axes[0].set_ylabel("loss (nats)")
axes[0].legend(loc="upper right")
fig.suptitle("Three independent studies: small runs fitted, large runs predicted")
plt.show()

# %% [markdown]
# ## The studies
#
# Each study runs the law's protocol on the small runs alone, with the large runs' inputs as the
# points asked about (they set how far the backtests reach), 100 bootstrap refits, seed 0. The
# checks of a law's source study are applied where the runs are that study's own: Muennighoff
# et al.'s for the data-constrained law on Muennighoff et al.'s runs (`source_checks=True`, what
# a user declares when their runs share the source study's setting); Chinchilla's check, about
# Hoffmann et al.'s runs and budget, is shown, not applied, on Porian et al.'s and Gemstones'.

# %%
studies = {}
for label, name, dataset, law in SPLITS:
    small, large = splits[label]
    studies[label] = scalinglaws.study(law, columns_of(law, small), points=columns_of(law, large, target=False),
                                       source_checks=name == "muennighoff2023")
pd.DataFrame([
    {"study": label, "origins": len(s.backtests), "chosen": s.chosen if isinstance(s.chosen, str) else
     " + ".join(f"{w:.2f} {m}" for m, w in zip(s.chosen["members"], s.chosen["weights"])),
     "median validation R2": round(s.record.validation.get("validation_r2", np.nan), 4),
     "reach": ", ".join(f"{a} x{f:.3g}" for a, f in s.reach.items())}
    for label, s in studies.items()
])

# %% [markdown]
# ## Predictions of the large runs
#
# Relative error of each prediction, $(\hat L - L)/L$, and whether the 90% interval covers the
# measured loss.

# %%
rows = []
for label, (small, large) in splits.items():
    law = laws_of[label]
    band = studies[label].predict(columns_of(law, large, target=False), interval=0.9)
    error = (band.loss.to_numpy() - large.loss.to_numpy()) / large.loss.to_numpy()
    covered = (band.loss_low.to_numpy() <= large.loss.to_numpy()) & (large.loss.to_numpy() <= band.loss_high.to_numpy())
    rows.append(pd.DataFrame({"study": label, "relative error": error, "covered": covered,
                              "beyond reach": band.beyond_reach.to_numpy()}))
predictions = pd.concat(rows, ignore_index=True)
by_study = predictions.groupby("study", sort=False).agg(
    runs=("relative error", "size"),
    median_abs_error=("relative error", lambda e: np.median(np.abs(e))),
    max_abs_error=("relative error", lambda e: np.max(np.abs(e))),
    median_signed_error=("relative error", "median"),
    coverage_90=("covered", "mean"),
)
overall = pd.DataFrame({"runs": [len(predictions)],
                        "median_abs_error": [np.median(np.abs(predictions["relative error"]))],
                        "max_abs_error": [np.max(np.abs(predictions["relative error"]))],
                        "median_signed_error": [predictions["relative error"].median()],
                        "coverage_90": [predictions.covered.mean()]}, index=["all 164 runs"])
pd.concat([by_study, overall]).round(4)

# %% [markdown]
# **What the studies chose.** On Porian et al.'s runs, the one-exponent Chinchilla form (the
# packaged law's own); on Gemstones', the Chinchilla form fitted to the top 1.5 decades of
# compute (`tail-only`); on Muennighoff et al.'s, fresh-data scaling plus the overfitting
# penalty with one exponent. Over the 164 large runs the median relative error is about 2.0%,
# with 88% of the runs inside their 90% intervals. The figures issue 28 set were at most 1.5%
# and 80-99%: the coverage holds, pooled; the error does not. Study by study:
#
# - **Porian et al.: 5% too high, every run.** Fitted up to $1.6 \times 10^{18}$ FLOP, every
#   form with an irreducible loss predicts the runs 8 to 16 times larger too high: the fitted
#   floor sits above where the large runs go. Inside the small runs, the same forms are nearly
#   unbiased at the same 16-fold reach (bias between −0.2% and +1.7% per origin): the loss
#   bends less at large compute than at small, and nothing measured up to $1.6 \times 10^{18}$
#   FLOP shows it. The intervals, calibrated on those unbiased backtests, cover 55% and 18%.
#   A power law without a floor, fitted on the top 1.5 decades of the runs, would have predicted
#   the large runs within 2%, but the small runs' backtests reject it (it misses them by 1% to 9%
#   per origin, against 0.3% to 2.7% for the floor forms): choosing it would mean choosing on
#   the large runs.
# - **Gemstones: 1.4%, too low.** The loss of a Gemstone depends on its shape (width and depth)
#   at a fixed size, which no law in $N$ and $D$ can follow; every floor form in the pool lands
#   between 1.0% and 1.5%. The intervals cover 92%.
# - **Muennighoff et al.: 1.9%, with wide intervals.** Three forms are nearly tied on the
#   backtests; which one wins moves this study's median between 1.9% and 4%. Forty of its 83
#   large runs are one setting (2.8B parameters, 55B tokens, 8 unique-data sizes, 5 seeds each).
#   The heavily repeated runs miss by up to 36%, so covering 90% of the backtests' held runs
#   takes intervals about ±40% wide: every run is covered.
#
# Two rules of the protocol, adopted because of these studies (and checked not to change any
# packaged law), matter here: a form that predicts, at the points asked about, a loss outside
# the runs' range widened by that range's width on each side is refused (a penalty linear in
# $N/U$ predicted a loss of 36 where 7.4 was measured, 384% off); and origins along an axis of
# levels are spread over the reach, so that the backtests test the distance the points lie at.
#
# The same large runs predicted by the law's fixed form fitted with `scalinglaws.fit` (no
# protocol: the packaged law's form, its constants refitted on the small runs):

# %%
fixed = []
for label, (small, large) in splits.items():
    law = laws_of[label]
    fitted = scalinglaws.fit(law, columns_of(law, small), bootstrap=0)
    predicted = fitted.predict(columns_of(law, large, target=False))
    fixed.append(np.abs(predicted - large.loss.to_numpy()) / large.loss.to_numpy())
fixed = np.concatenate(fixed)
print(f"fixed form: median relative error {np.median(fixed):.2%} over {len(fixed)} runs; "
      f"the studies: {np.median(np.abs(predictions['relative error'])):.2%}")

# %% [markdown]
# ## Reliability of the intervals
#
# Coverage of the large runs by intervals at several levels, per study: a calibrated interval
# lies on the diagonal; above it, the intervals are wider than they need be; below, too narrow.

# %% tags=["hide-input"]
levels = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
reliability = {}
for label, (small, large) in splits.items():
    law = laws_of[label]
    observed = []
    for level in levels:
        band = studies[label].predict(columns_of(law, large, target=False), interval=float(level))
        observed.append(np.mean((band.loss_low.to_numpy() <= large.loss.to_numpy())
                                & (large.loss.to_numpy() <= band.loss_high.to_numpy())))
    reliability[label] = observed
fig, ax = plt.subplots(figsize=(4.6, 3.4), layout="constrained")
for label, observed in reliability.items():
    ax.plot(levels, observed, "o-", ms=3, label=label)
pooled = [np.average([reliability[k][j] for k in splits], weights=[len(splits[k][1]) for k in splits])
          for j in range(len(levels))]
ax.plot(levels, pooled, "k-", lw=2, label="all 164 runs")
ax.plot([0.5, 1.0], [0.5, 1.0], color="grey", lw=0.8, ls="--")
ax.set(xlabel="nominal level", ylabel="share of large runs covered", xlim=(0.45, 1.0), ylim=(0.0, 1.02),
       title="Interval coverage of the large runs")
ax.legend(loc="lower right", fontsize=7)
plt.show()

# %% [markdown]
# ## Each study's own result beside ours
#
# **Porian et al.: the allocation exponent.** The study's headline is how the compute-optimal
# model size grows with compute, $N^* \propto C^a$, and how the discrepancy between Kaplan et
# al.'s $a \approx 0.88$ and Chinchilla's $0.5$ comes from how the runs were set up. Ours is the
# decision of the law the study chose on the small runs (`allocate`, the compute-optimal split),
# read at $10^{17}$ and $10^{19}$ FLOP: $a = \Delta \ln N^* / \Delta \ln C$.

# %%
def allocation_exponent(study, low=1e17, high=1e19):
    sizes = [study.decide("allocate", compute=c).answer["params"] for c in (low, high)]
    return float(np.log(sizes[1] / sizes[0]) / np.log(high / low))


fits = data.load_external("porian2024", "fits")
cosine = fits[fits.configuration == "Cosine decay"].set_index("dataset")
pd.DataFrame([
    {"study": label, "a, the study (all budgets)": f"{cosine.loc[dataset, 'a_exponent']:.3f} "
     f"[{cosine.loc[dataset, 'a_ci95_low']:.3f}, {cosine.loc[dataset, 'a_ci95_high']:.3f}]",
     "a, ours (small runs only)": f"{allocation_exponent(studies[label]):.3f}"}
    for label, name, dataset, _ in SPLITS if name == "porian2024"
])

# %% [markdown]
# The law the small runs chose has one exponent for $N$ and $D$, so its $a$ is 0.5 by
# construction, below the paper's 0.57 (fitted to the isoFLOP minima of all budgets, with its
# 95% interval). The exponent is where the study and the law differ most; the loss is predicted
# 5% too high for another reason (above).
#
# The same exponent on every setup of Porian et al., from Kaplan-like to fully corrected: the
# two-exponent form (`two-exponents`, Chinchilla's) fitted, the package's way, to all of a
# setup's runs with at least half a token per parameter (the paper's own isoFLOP figures hide
# the rest), and its implied $a = \beta / (\alpha + \beta)$, beside the paper's (its
# bootstrap-median fit of the isoFLOP minima).

# %%
porian = data.load_external("porian2024")
two_exponents = scalinglaws.laws.get("chinchilla").LAW.candidate("two-exponents")
rows = []
for (configuration, dataset), runs in porian.groupby(["configuration", "dataset"], sort=False):
    runs = runs[runs.tokens >= 0.5 * runs.params].assign(group="all_data")
    E, A, B, alpha, beta = two_exponents.fit(runs[["group", "params", "tokens", "loss"]])["all_data"]
    published = fits[(fits.configuration == configuration) & (fits.dataset == dataset)].iloc[0]
    rows.append({"setup": configuration, "dataset": dataset, "a, Porian et al.": round(published.a_exponent, 3),
                 "a, two exponents fitted": round(beta / (alpha + beta), 3)})
pd.DataFrame(rows)

# %% [markdown]
# **Gemstones: the exponents.** McLeish et al. fit $L = E + A/N^\alpha + B/D^\beta$ to the
# cooldown runs (their Approach 3: $\alpha = 0.297$, $\beta = 0.690$, so $a = 0.699$) and read
# the compute-optimal frontier off the convex hull (Approach 1: $a = 0.597$ for the cooldown
# runs). Ours, from the small runs only:

# %%
gemstones = studies["Gemstones"]
print(f"Gemstones: the study chose {gemstones.chosen}; its allocation exponent a = "
      f"{allocation_exponent(gemstones, 1e19, 1e21):.3f} (Approach 3: 0.699; Approach 1: 0.597)")
gemstones.constants_table[["constant", "estimate", "low_95%", "high_95%", "identified"]].assign(
    **{c: lambda t, c=c: t[c].map(lambda v: f"{v:.4g}") for c in ("estimate", "low_95%", "high_95%")})

# %% [markdown]
# **Muennighoff et al.: what a repeated token is worth.** The paper's law puts the e-folding of
# repeated data at $R_D^* = 15.4$ repetitions: a repeated token's worth falls to $1/e$ of a fresh
# one after $1 + R_D^* = 16.4$ epochs, and 4 epochs are worth about 93% of fresh data. The
# data-constrained law's decision (`epochs_plan`) answers both, from the small runs only, at the
# paper's yardstick (a 1B model on 20B unique tokens, 100 epochs allowed):

# %%
muennighoff = studies["Muennighoff et al."]
plan = muennighoff.decide("epochs_plan", unique_tokens=2e10, tokens=2e12, params=1e9)
pd.DataFrame([
    {"": "Muennighoff et al. (their law)", "knee (epochs)": "16.4", "4 epochs worth": "0.93"},
    {"": f"ours ({muennighoff.chosen if isinstance(muennighoff.chosen, str) else 'combination'})",
     "knee (epochs)": f"{plan.answer['knee_epoch']:.3g}"
     + (f" [{plan.interval['knee_epoch'][0]:.3g}, {plan.interval['knee_epoch'][1]:.3g}]" if "knee_epoch" in plan.interval else ""),
     "4 epochs worth": f"{plan.answer['worth_of_4_epochs']:.2f}"},
])

# %% [markdown]
# ## Where the package loses, and what to take from it
#
# The studies show the package predicting the larger runs of three independent studies within
# 1% to 5%, and the protocol doing better than one fixed form (2.0% against 2.9% over the 164
# runs, most of it by refusing forms whose extrapolation is implausible and by applying the
# source study's own checks to its own runs). They also show its limits plainly:
#
# - **A floor fitted on small runs can sit too high**, a known failure of scaling-law fits, and
#   backtests on the same small runs need not reveal it (Porian et al.). When the points you ask
#   about lie a decade or more beyond your runs, read the interval as the uncertainty the runs
#   can see, not as a guarantee.
# - **What the inputs leave out stays out**: shape at a fixed size (Gemstones), the schedule, the
#   data. A law in $N$ and $D$ predicts a family of runs, not any run.
# - **Near-ties between forms move the answer**: a study says which forms survived; its decision
#   intervals carry them.
#
# The studies' own results, beside ours: the allocation exponent $a$ of the two-exponent form
# fitted to each of Porian et al.'s setups follows theirs from the Kaplan-like setup (about 0.83)
# down to the fully corrected one (about 0.5 to 0.56), within 0.04 but for "Counting last layer
# FLOPs" (0.60 against 0.70: a fit of the loss surface, where the paper fits the isoFLOP minima).
# On Gemstones, the law the small runs chose implies a larger exponent (about 0.75) than either of
# the study's approaches (0.60 and 0.70), whose spread is that study's own point. On Muennighoff
# et al.'s small runs, the law puts the knee of repetition (a repeated token worth $1/e$ of a
# fresh one) later than the paper's 16.4 epochs: repeated data keeps more of its worth in this
# law, fitted on runs up to 1.5B parameters, than in the paper's fit of all sizes.
