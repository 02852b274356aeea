# %% [markdown]
# # Vocabulary: three limits that add like resistances
#
# How does the loss of a language model depend on its vocabulary size $V$, given its
# non-vocabulary parameters $N$ and the data it has seen? Tao et al. (2024) trained models of
# 33M to 1.13B non-vocabulary parameters with vocabularies of 4K to 64K tokens, and concluded
# that larger models deserve larger vocabularies.
#
# **Task** `vocab_scaling_law` of SLDBench: `non_vocab_parameters`, `vocab_size`,
# `num_characters` → `unigram_normalized_loss` (the loss minus that of a unigram model, so it is
# negative and lower is better), one group. The held-out test rows are those at the largest
# vocabulary size, so the law must extrapolate in $V$. At most 7 constants.
#
# This notebook is the source of `scalinglaws.laws.vocab`: the cells tagged `export` are written
# into that module by `scalinglaws export`.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import contract, data, decide, fitting, metrics

pd.set_option("display.precision", 6)
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)
plt.rcParams["figure.figsize"] = (9, 3.6)
plt.rcParams["figure.dpi"] = 80

table = data.load("vocab")
TASK = data.task("vocab")
table.describe().loc[["count", "min", "max"]]

# %% [markdown]
# ## The data
#
# The table holds 54 runs: 6 model sizes × 9 vocabularies, each recorded at 20 checkpoints (5%,
# 10%, …, 100% of the run). So `num_characters` is the data seen so far, not a separate
# setting. All runs of a given model size see the same number of *tokens*. A larger vocabulary
# packs more characters into each token, so its runs see more characters.

# %%
sizes = np.sort(table.non_vocab_parameters.unique())
vocabs = np.sort(table.vocab_size.unique())
final = table.loc[table.groupby(["non_vocab_parameters", "vocab_size"]).num_characters.idxmax()]
per_token = final.pivot(index="non_vocab_parameters", columns="vocab_size", values="num_characters")
growth = per_token[vocabs[-1]] / per_token[vocabs[0]]
print(f"characters of a run at V = {vocabs[-1]:.0f} over those at V = {vocabs[0]:.0f}, per model size: "
      + ", ".join(f"{g:.3f}" for g in growth))
print(f"so characters per token grow as V^{np.log(growth.mean()) / np.log(vocabs[-1] / vocabs[0]):.3f}")

# %%
cmap = plt.get_cmap("viridis")


def vocab_ticks(ax, largest=65536):
    """Plain tick labels on a log axis of vocabulary sizes (powers of two from 4096)."""
    ticks = [2**k for k in range(12, int(np.log2(largest)) + 1)]
    ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=7)
    ax.minorticks_off()


fig, axes = plt.subplots(1, 2)
for i, size in enumerate(sizes):
    rows = table[(table.non_vocab_parameters == size) & (table.vocab_size == 16384)]
    axes[0].plot(rows.num_characters, rows.unigram_normalized_loss, "-", color=cmap(i / 5),
                 label=f"{size / 1e6:.0f}M")
axes[0].set(xscale="log", xlabel="characters seen H", ylabel="unigram-normalised loss",
            title="Training curves by model size (V = 16K)")
axes[0].legend(fontsize=7, title="N", title_fontsize=7)
largest = table[table.non_vocab_parameters == sizes[-1]]
for j, vocab in enumerate(vocabs):
    rows = largest[largest.vocab_size == vocab]
    axes[1].plot(rows.num_characters, rows.unigram_normalized_loss, "-", color=cmap(j / 8),
                 label=f"{vocab / 1e3:.0f}K")
axes[1].set(xscale="log", xlabel="characters seen H", ylabel="unigram-normalised loss",
            title=f"{sizes[-1] / 1e9:.2f}B model by vocabulary")
axes[1].legend(fontsize=6, ncol=2, title="V", title_fontsize=7)
fig.suptitle("All runs follow one S-shaped curve in the data seen")
fig.tight_layout()
plt.show()

# %%
fig, axes = plt.subplots(1, 2)
for i, size in enumerate(sizes):
    rows = final[final.non_vocab_parameters == size]
    axes[0].plot(rows.vocab_size, rows.unigram_normalized_loss, "o-", color=cmap(i / 5), ms=4,
                 label=f"{size / 1e6:.0f}M")
axes[0].set(xscale="log", xlabel="vocabulary size V", ylabel="final unigram-normalised loss",
            title="End of each run, against V")
vocab_ticks(axes[0])
axes[0].set_ylim(bottom=-5.75)  # room for the legend
axes[0].legend(fontsize=6, ncol=3, loc="lower left", title="N", title_fontsize=7)
for j, vocab in enumerate(vocabs):
    rows = final[final.vocab_size == vocab]
    axes[1].plot(rows.non_vocab_parameters, rows.unigram_normalized_loss, "o-", color=cmap(j / 8), ms=3,
                 label=f"{vocab / 1e3:.0f}K")
axes[1].set(xscale="log", xlabel="non-vocabulary parameters N", ylabel="final unigram-normalised loss",
            title="End of each run, against N")
axes[1].legend(fontsize=6, ncol=2, title="V", title_fontsize=7)
fig.suptitle("Larger models prefer larger vocabularies, with a flat optimum")
fig.tight_layout()
plt.show()

# %% [markdown]
# What the plots show:
#
# - Against the characters seen, all runs lie close to one S-shaped curve, from about −1 early in
#   training to about −5.3. Model size matters less, and only late in training.
# - A run at $V = 64$K sees 1.40 times the characters of the same model's run at $V = 4$K. The
#   number of characters per token therefore grows as about $V^{0.12}$.
# - At the end of each run (the same tokens for every vocabulary of a model size), the two
#   smallest models are nearly indifferent to $V$, with no clear trend. The three largest do best
#   at 24K to 33K. The optimum is flat: across a factor of two in $V$, the final loss moves by a
#   few hundredths of a nat. That is about the scatter between neighbouring runs (the 1.13B
#   curve against $V$ zigzags by as much). At equal *characters*, the best vocabulary grows
#   more clearly with the model (see "Using the law").
# - The final loss falls steadily with $N$, since every run of a larger model is also longer.
#
# ## Candidate forms
#
# We write $n = N/10^9$, $v = V/10^4$ and $h = H/10^{10}$, with $H$ the characters seen.
#
# 1. **Chinchilla without a vocabulary term** (5 constants): $L = E + A n^{-\alpha} + B h^{-\beta}$.
#    This is the baseline.
# 2. **Tao et al. (2024)** (7 constants): $L = E + A_1 n^{-\alpha_1} + A_2 N_v^{-\alpha_2} + B h^{-\beta}$,
#    with vocabulary parameters $N_v = V d$. The table has no width $d$, so we try
#    $N_v \propto V n^{1/3}$ (a constant aspect ratio) and $N_v \propto V$.
# 3. **The best published form** (SLDBench leaderboard, 7 constants):
#    $L = L_0 + A S \big(1 + \lambda t^2/(1 + S)\big)$, with
#    $S = (P_\text{ref}/n)^a + (C_\text{ref}/h)^a$ and $t = \ln v - v_0$.
# 4. **Our forms.** $-L$ is the information per token that the model extracts beyond a unigram
#    model. We treat it as limited by bottlenecks whose *reciprocals add*, like resistances in
#    series. The tightest bottleneck then dominates, and $L \to 0$ when data is scarce, which
#    gives the S shape:
#    - *harmonic* (5): $L = -1/\big(A n^{-\alpha} + B (h v^{-\gamma})^{-\beta}\big)$. There are two
#      limits, capacity and data. The data are counted in tokens, $h v^{-\gamma}$, since a larger
#      vocabulary packs more characters into a token.
#    - *harmonic + κ* (6): the data term becomes $B (h v^{-\gamma} n^{-\kappa})^{-\beta}$. At equal
#      data, a larger model of this study is at an earlier point of its longer run and
#      learning-rate schedule.
#    - *harmonic + κ + C/v* (7): adds a third limit, $C/v$. A small vocabulary caps what the model
#      can express.
#    - Two variants of the third limit: $C v^{-c}$ with a free exponent (and no κ), and
#      $C/\ln(V)^2$.
#    - an *additive* form in tokens (7): $L = E + A n^{-\alpha} + B (h v^{-\gamma})^{-\beta} + C v^{-\alpha}$.
#
# The form with three limits is the one chosen below, so its cell is the exported law.

# %% tags=["export"]
import numpy as np
import pandas as pd

from scalinglaws import contract, data, decide, fitting

TASK = data.task("vocab")

FORM = (
    r"L_u = -\left[A\,n^{-\alpha} + B\left(h\,v^{-\gamma}\,n^{-\kappa}\right)^{-\beta} + \frac{C}{v}\right]^{-1},"
    r"\quad n = \frac{N_{nv}}{10^9},\ v = \frac{V}{10^4},\ h = \frac{H}{10^{10}}"
)
PARAM_NAMES = ["A", "alpha", "B", "beta", "gamma", "kappa", "C"]

# Four fixed starts, which all reach the same optimum. The bounds keep every limit positive.
_STARTS = np.array([
    [0.2, 0.05, 0.02, 1.0, 0.2, 0.1, 0.003],
    [0.2, 0.30, 0.05, 0.5, 0.2, 0.0, 0.003],
    [0.1, 0.05, 0.05, 0.7, 0.4, 0.3, 0.010],
    [0.3, 0.20, 0.01, 1.0, 0.1, 0.0, 0.001],
])
_BOUNDS = ([0.0, 0.0, 0.0, 0.0, -1.0, -2.0, 0.0], [10.0, 3.0, 10.0, 3.0, 3.0, 2.0, 1.0])


def _scaled(X):
    return (
        np.asarray(X["non_vocab_parameters"], dtype=float) / 1e9,
        np.asarray(X["vocab_size"], dtype=float) / 1e4,
        np.asarray(X["num_characters"], dtype=float) / 1e10,
    )


def predict(X, params):
    """Unigram-normalised loss for inputs ``X`` (non_vocab_parameters, vocab_size, num_characters)."""
    A, alpha, B, beta, gamma, kappa, C = params
    n, v, h = _scaled(X)
    resistance = A * n**-alpha + B * (h * v**-gamma * n**-kappa) ** -beta + C / v
    return -1.0 / resistance


def fit(table):
    """Least squares on the loss itself (it is negative, so no logs), from four fixed starts."""
    return fitting.fit_groups(predict, table, TASK, _STARTS, bounds=_BOUNDS)


# %%
def _chinchilla(X, p):
    n, v, h = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * h ** -p[4]


def _tao_aspect(X, p):
    n, v, h = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * (v * n ** (1 / 3)) ** -p[4] + p[5] * h ** -p[6]


def _tao_plain(X, p):
    n, v, h = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * v ** -p[4] + p[5] * h ** -p[6]


def _published(X, p):
    L0, A, P_ref, C_ref, a, lam, v0 = p
    n, v, h = _scaled(X)
    S = (P_ref / n) ** a + (C_ref / h) ** a
    return L0 + A * S * (1 + lam * (np.log(v) - v0) ** 2 / (1 + S))


def _additive(X, p):
    n, v, h = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * (h * v ** -p[5]) ** -p[4] + p[6] * v ** -p[2]


def _harmonic(X, p):
    n, v, h = _scaled(X)
    return -1 / (p[0] * n ** -p[1] + p[2] * (h * v ** -p[4]) ** -p[3])


def _harmonic_kappa(X, p):
    n, v, h = _scaled(X)
    return -1 / (p[0] * n ** -p[1] + p[2] * (h * v ** -p[4] * n ** -p[5]) ** -p[3])


def _harmonic_power(X, p):
    n, v, h = _scaled(X)
    return -1 / (p[0] * n ** -p[1] + p[2] * (h * v ** -p[4]) ** -p[3] + p[5] * v ** -p[6])


def _harmonic_log(X, p):
    n, v, h = _scaled(X)
    return -1 / (p[0] * n ** -p[1] + p[2] * (h * v ** -p[4] * n ** -p[5]) ** -p[3] + p[6] / np.log(v * 1e4) ** 2)


def candidate(name, constants, origin, law, axes, bounds):
    """A candidate fitted from a grid of starts, of which the 4 with the lowest cost are optimised."""
    starts = fitting.grid_starts(*axes)
    fitter = lambda rows: fitting.fit_groups(law, rows, TASK, starts, bounds=bounds, keep=4)
    return fitting.Candidate(name, constants, fitter, law, origin)


tao_axes = [[-6], [0.2], [0.3], [0.05, 0.5], [0.3, 1], [0.5, 2], [0.3, 0.7]]
tao_bounds = ([-20, 0, 0, 0, 0, 0, 0], [5, 50, 3, 50, 3, 50, 3])
harmonic_axes = [[0.1, 0.3], [0.02, 0.3], [0.05, 1.0], [0.5, 1.0], [0.1, 0.4]]
power_candidate = candidate(
    "harmonic + C v^-c: -1 / (A n^-a + B (h v^-g)^-b + C v^-c)", "7", "ours", _harmonic_power,
    [*harmonic_axes, [0.003, 0.03], [0.5, 1.5]], ([0, 0, 0, 0, -1, 0, 0], [50, 3, 50, 3, 3, 50, 3]))
CHOSEN = "harmonic + kappa + C/v: -1 / (A n^-a + B (h v^-g n^-k)^-b + C/v)"
candidates = [
    candidate("Chinchilla, no vocabulary: E + A n^-a + B h^-b", "5", "baseline", _chinchilla,
              [[-6], [0.1, 0.5], [0.3, 0.6], [0.5, 2], [0.3, 0.7]], ([-20, 0, 0, 0, 0], [5, 50, 3, 50, 3])),
    candidate("Tao et al.: E + A1 n^-a1 + A2 (V n^1/3)^-a2 + B h^-b", "7", "Tao et al. 2024", _tao_aspect,
              tao_axes, tao_bounds),
    candidate("Tao et al.: E + A1 n^-a1 + A2 V^-a2 + B h^-b", "7", "Tao et al. 2024", _tao_plain,
              tao_axes, tao_bounds),
    candidate("published: L0 + A S (1 + lam t^2 / (1 + S))", "7", "SLDBench leaderboard (best published)", _published,
              [[-6], [0.5, 2], [0.03, 0.3], [0.3], [0.4], [0.05, 0.5], [0, 1.5]],
              ([-20, 0, 1e-6, 1e-6, 0, 0, -10], [5, 50, 100, 100, 3, 50, 10])),
    candidate("additive in tokens: E + A n^-a + B (h v^-g)^-b + C v^-a", "7", "ours", _additive,
              [[-6], [0.3], [0.3, 0.8], [1], [0.4, 0.8], [0.1, 0.5], [0.1, 1]],
              ([-20, 0, 0, 0, 0, -1, 0], [5, 50, 3, 50, 3, 3, 50])),
    candidate("harmonic: -1 / (A n^-a + B (h v^-g)^-b)", "5", "ours", _harmonic,
              harmonic_axes, ([0, 0, 0, 0, -1], [50, 3, 50, 3, 3])),
    candidate("harmonic + kappa: -1 / (A n^-a + B (h v^-g n^-k)^-b)", "6", "ours", _harmonic_kappa,
              [*harmonic_axes, [0, 0.3]], ([0, 0, 0, 0, -1, -2], [50, 3, 50, 3, 3, 3])),
    power_candidate,
    candidate("harmonic + kappa + C/ln(V)^2", "7", "ours", _harmonic_log,
              [*harmonic_axes, [0, 0.3], [0.3]], ([0, 0, 0, 0, -1, -2, 0], [50, 3, 50, 3, 3, 3, 50])),
    fitting.Candidate(CHOSEN, "7", fit, predict, "ours; chosen"),
]

# %% [markdown]
# ## Choosing the form by validation
#
# The test rows are at a larger vocabulary than any in the training split. So we refit every
# candidate on the runs with $V < 64512$ (960 rows) and score it on the runs with $V = 64512$
# (120 rows). As a harder extra check, we also hold out the two largest vocabularies (48K and
# 64K) and fit on the rest (last column).

# %%
inner, held = fitting.extrapolation_holdout(table, "vocab_size", k=1)
validation = fitting.validation_table(candidates, [(inner, held)], TASK)
harder = fitting.validation_table(candidates, [fitting.extrapolation_holdout(table, "vocab_size", k=2)], TASK)
validation = validation.assign(r2_two_largest_held=harder.r2)
validation.round({"r2": 5, "nmae": 4, "r2_two_largest_held": 5})[
    ["candidate", "constants", "origin", "r2", "nmae", "r2_two_largest_held"]
]

# %% [markdown]
# On the protocol's split the chosen form scores highest: R2 0.9930, against 0.9878 for the best
# published form refitted by our routine. All the harmonic forms beat every additive form.
#
# **Tao et al.'s form** cannot express what the data show. Its vocabulary term can only *lower*
# the loss as $V$ grows. In the data, at equal characters, a larger vocabulary is worse for small
# models and early in training. So the refit switches the term off ($\alpha_2 \to 0$), and both
# variants score exactly like the plain Chinchilla law. In the paper, the optimal vocabulary comes
# from the compute that a larger vocabulary costs, which this form at fixed characters does not
# contain.
#
# **Our 6-constant form**, harmonic + κ, is close to the chosen one on the protocol's split, and
# *better* on the harder two-vocabulary holdout (0.9915 against 0.9887). We still take the
# 7-constant form. Without a vocabulary limit, the law always prefers the smallest vocabulary at
# fixed characters. The data contradict that for every model from 85M up, and it would make the
# decision this law exists for (which vocabulary?) meaningless. The cost is a less stable
# extrapolation when less of the $V$ range is seen: read the decisions below with that in mind.
#
# Why $C/v$ and not another shape? With a free exponent on the third limit (and no κ), the fit
# on all training rows puts the exponent at:

# %%
free_power = power_candidate.fit(table)["all_data"]
print(f"exponent c of the vocabulary limit C v^-c, fitted on all rows: {free_power[6]:.2f}")

# %% [markdown]
# The exponent comes out close to 1, so we fix it at 1 and spend the constant on κ instead.
#
# ## The law, fitted on all training runs

# %%
PARAMS_FITTED = fit(table)
pd.DataFrame(PARAMS_FITTED, index=PARAM_NAMES).T

# %% [markdown]
# Uncertainty by bootstrap: 50 refits on resampled rows (seed 0), with 95% percentile intervals.

# %%
draws = fitting.bootstrap(fit, table, n=50, seed=0)
print(f"bootstrap refits: {draws.attempted - draws.failed} of {draws.attempted} converged")
fitting.intervals(PARAMS_FITTED, draws, PARAM_NAMES).round(5)

# %% [markdown]
# What each constant means:
#
# - $A n^{-\alpha}$ is the capacity limit of the non-vocabulary parameters. $\alpha \approx 0.04$ is
#   small because, at equal data, the larger models of this study are not ahead.
# - $B (h v^{-\gamma} n^{-\kappa})^{-\beta}$ is the data limit, with the data counted in tokens.
#   $\beta \approx 1$, so the resistance falls roughly as one over the data.
#   $\gamma \approx 0.24$ is twice the growth of characters per token measured above ($V^{0.12}$),
#   so it also absorbs the slower learning of rare tokens in a large vocabulary.
#   $\kappa \approx 0.10$ comes from the study's design (longer runs for larger models), not from
#   model size itself.
# - $C/v$ is the vocabulary limit. It matters most when the other two are small (large models,
#   much data), which is why large models prefer large vocabularies.
#
# All intervals are narrow. These intervals cover only the noise in the rows, not the choice of
# form: the two-vocabulary holdout above is the better guide to how far the law can be trusted in $V$.

# %%
fitted = fitting.predict_table(predict, table, PARAMS_FITTED, TASK)
residual = table.unigram_normalized_loss - fitted
print(f"R2 on all training rows: {metrics.r2(table.unigram_normalized_loss, fitted):.5f}; "
      f"largest |residual|: {np.abs(residual).max():.3f}")
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharey=True)
early = table.num_characters <= table.groupby(["non_vocab_parameters", "vocab_size"]).num_characters.transform("min")
for ax, column, label in zip(axes, TASK.input_names, ["non-vocabulary parameters N", "vocabulary size V",
                                                      "characters seen H"]):
    ax.scatter(table.loc[~early, column], residual[~early], s=4, alpha=0.4, label="later checkpoints")
    ax.scatter(table.loc[early, column], residual[early], s=6, color="tab:red", label="first (5%) checkpoint")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label, title=f"Residuals against {label.split()[-1]}")
axes[0].set_ylabel("loss - law")
axes[0].legend(fontsize=7)
vocab_ticks(axes[1])
fig.suptitle("Residuals: no trend against V; an offset per model size and a wave along each run")
fig.tight_layout()
plt.show()
by_vocab = residual.groupby(table.vocab_size).mean()
by_size = residual.groupby(table.non_vocab_parameters).mean()
print(f"mean residual per vocabulary: {by_vocab.min():.3f} to {by_vocab.max():.3f}; "
      f"per model size: {by_size.min():.3f} to {by_size.max():.3f}")

# %% [markdown]
# Against $V$, the axis the test extrapolates in, the residuals show no trend. Against $N$, the
# runs of each size sit slightly off the law (the 85M runs about 0.06 below it, the 33M runs 0.04
# above). A smooth law in $N$ cannot follow individual model sizes. Against $H$, the residuals
# form a wave along each run. That is the imprint of the learning-rate schedule (warm-up, then
# decay), which no law in the data seen alone can follow. The first checkpoints (red) fit worst.
#
# ## Extrapolation in vocabulary size
#
# The plot shows the final checkpoint of each model size's runs against $V$, with the law extended
# to 256K tokens and the bootstrap band. Beyond the trained vocabularies, the characters a run
# would see are extrapolated from each size's characters-per-token trend.

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
vocab_grid = np.geomspace(4096, 262144, 60)
for size in sizes[[0, 2, 4, 5]]:
    rows = final[final.non_vocab_parameters == size]
    slope, intercept = np.polyfit(np.log(rows.vocab_size), np.log(rows.num_characters), 1)
    grid = pd.DataFrame({"non_vocab_parameters": size, "vocab_size": vocab_grid,
                         "num_characters": np.exp(intercept + slope * np.log(vocab_grid))})
    curve = predict(grid, PARAMS_FITTED["all_data"])
    band = np.quantile([predict(grid, d) for d in draws.draws["all_data"]], [0.025, 0.975], axis=0)
    color = cmap(list(sizes).index(size) / 5)
    ax.plot(vocab_grid, curve, color=color, label=f"{size / 1e6:.0f}M")
    ax.fill_between(vocab_grid, *band, color=color, alpha=0.25)
    ax.plot(rows.vocab_size, rows.unigram_normalized_loss, "o", color=color, ms=4)
ax.axvline(vocabs[-1], color="grey", ls="--", lw=0.8)
ax.set(xscale="log", xlabel="vocabulary size V", ylabel="final unigram-normalised loss",
       title="Final loss against V: measured (dots), the law (lines) to 256K")
vocab_ticks(ax, largest=262144)
ax.legend(fontsize=7, title="N", title_fontsize=7)
fig.tight_layout()
plt.show()

# %% [markdown]
# Beyond the largest trained vocabulary the law stays tame. The vocabulary limit $C/v$ fades, and
# the data term grows slowly, as $v^{\gamma\beta} \approx v^{0.23}$. So the predicted loss rises
# gently for small models and is nearly flat for the largest. For the 1.13B model the law runs a
# few hundredths of a nat above the final losses, and its minimum in $V$ is flatter than the
# data's. The next section returns to that.
#
# **Where not to trust it.**
#
# - At equal characters and little data ($H \lesssim 3\times10^9$), the law predicts a larger model
#   to be slightly *worse*. This reproduces the schedules of this study, where every run's length
#   scales with the model. It is not a property of model size, so κ and the small α should not be
#   carried to other training designs.
# - The first checkpoints of each run fit worst, because warm-up and schedule dominate there.
# - The law predicts the loss at a given number of characters, not at a given compute. It ignores
#   the extra compute of a larger embedding and softmax.
# - Beyond 1.13B parameters, or far beyond 64K tokens, it extrapolates a flat optimum whose location
#   it already misplaces at the largest trained sizes (see "Using the law").
#
# ## The exported law
#
# The constants are stored in `laws/vocab.json`. The module reads them back as `PARAMS`, and
# builds the leaderboard's `law(input_data, group)` and the evaluator's `fit_scaling_law` /
# `scaling_law_func` from `predict` and `fit`.

# %%
stored = contract.save_params(
    "vocab", PARAMS_FITTED, PARAM_NAMES, table, validation=validation, chosen=CHOSEN,
    protocol="fit on vocab_size < 64512, score on vocab_size = 64512",
)
print(f"stored the constants in src/scalinglaws/laws/{stored.name}")

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = contract.interfaces("vocab", predict, fit)

# %% [markdown]
# The stored constants are exactly those `fit` finds on the training split, and the leaderboard
# interface predicts what `predict` does:

# %%
assert PARAMS == fit(data.load("vocab"))
query = {"non_vocab_parameters": 1.13e9, "vocab_size": 131072, "num_characters": 1.6e11}
example = law([query], "all_data")
assert example[0]["unigram_normalized_loss"] == predict({k: [v] for k, v in query.items()}, PARAMS["all_data"])[0]
print(f"predicted unigram-normalised loss, 1.13B model, V = 128K, 1.6e11 characters: "
      f"{example[0]['unigram_normalized_loss']:.4f}")

# %% [markdown]
# ## Using the law: which vocabulary?
#
# The loss $-1/R$ rises with the sum of the three resistances $R$. So the best vocabulary, at given
# non-vocabulary parameters and characters, minimises $R$. Only two terms of $R$ depend on $v$:
# $B h^{-\beta} n^{\kappa\beta} v^{\gamma\beta}$ and $C/v$. Setting the derivative of their sum to
# zero gives a closed form:
#
# $$v^* = \left(\frac{C\,h^{\beta}}{\gamma\beta B\,n^{\kappa\beta}}\right)^{1/(1+\gamma\beta)},$$
#
# which grows as a power of the characters and of the model size:

# %%
A_, alpha_, B_, beta_, gamma_, kappa_, C_ = PARAMS["all_data"]
print(f"v* grows as H^{beta_ / (1 + gamma_ * beta_):.2f} N^{-kappa_ * beta_ / (1 + gamma_ * beta_):.2f}")

# %% [markdown]
# The optimum is flat, so `optimal_vocab` also reports two things. The *basin* is the range of vocabularies whose predicted loss is within
# `tolerance` nats of the optimum (found by root finding on each side of $v^*$). The other is
# the cost of halving or doubling $v^*$.

# %% tags=["export"]
from scipy import optimize


def _basin_edge(excess, log_best, direction):
    """The log vocabulary on one side of the optimum where ``excess`` (negative at the optimum) crosses 0."""
    step = 1.0
    while excess(log_best + direction * step) < 0:
        step *= 2.0
    return optimize.brentq(excess, *sorted((log_best, log_best + direction * step)), xtol=1e-10)


def optimal_vocab(non_vocab_parameters, num_characters, group="all_data", tolerance=0.01):
    """The vocabulary size that minimises the loss at given non-vocabulary parameters and characters.

    Returns a dict with ``vocab_size`` (the closed-form optimum), the predicted
    ``unigram_normalized_loss`` there, ``basin_low`` / ``basin_high`` (the vocabularies whose
    predicted loss is within ``tolerance`` nats of the optimum), the loss cost of halving
    and of doubling the optimum, and ``warnings`` naming any input, or an optimum, outside
    the training range.
    """
    n_nv = decide.positive("non_vocab_parameters", non_vocab_parameters)
    characters = decide.positive("num_characters", num_characters)
    tolerance = decide.positive("tolerance", tolerance)
    constants = contract.group_params("vocab", PARAMS, group)
    A, alpha, B, beta, gamma, kappa, C = constants
    n, h = n_nv / 1e9, characters / 1e10
    data_scale = B * h**-beta * n ** (kappa * beta)  # the data term is data_scale * v^(gamma beta)
    best = (C / (gamma * beta * data_scale)) ** (1.0 / (1.0 + gamma * beta))
    resistance = lambda v: A * n**-alpha + data_scale * v ** (gamma * beta) + C / v
    loss = -1.0 / resistance(best)
    if tolerance >= -loss:
        raise data.InputError(
            f"tolerance: {tolerance!r} nats is not below the predicted gain over a unigram model ({-loss:.4g} nats)"
        )
    excess = lambda log_v: resistance(np.exp(log_v)) - 1.0 / (-loss - tolerance)
    low, high = (1e4 * np.exp(_basin_edge(excess, np.log(best), d)) for d in (-1.0, 1.0))
    notes = decide.range_warnings(
        "vocab", non_vocab_parameters=n_nv, num_characters=characters, vocab_size=1e4 * best
    )
    return {
        "group": group, "non_vocab_parameters": n_nv, "num_characters": characters,
        "vocab_size": float(1e4 * best), "unigram_normalized_loss": float(loss),
        "basin_low": float(low), "basin_high": float(high), "tolerance": tolerance,
        "cost_of_half": float(-1.0 / resistance(best / 2) - loss),
        "cost_of_double": float(-1.0 / resistance(best * 2) - loss),
        "warnings": notes,
    }


# %% [markdown]
# **Against the data.** For each model size we take the characters of the final checkpoint of its
# 4K-vocabulary run (every other vocabulary reaches that count before its end). The table compares
# the law's optimum with the vocabulary whose measured loss is lowest there, each run's loss
# being interpolated in log characters. The last column is what following the law would have
# cost in the data: the measured loss at the trained vocabulary nearest to the law's optimum,
# minus the best measured loss.

# %%
def tokens(vocab):
    """A vocabulary size for a table: 24.6K, 1.2M."""
    return f"{vocab / 1e3:.1f}K" if vocab < 1e5 else f"{vocab / 1e3:.0f}K" if vocab < 1e6 else f"{vocab / 1e6:.1f}M"


def measured_at(size, characters):
    runs = table[table.non_vocab_parameters == size]
    return pd.Series({vocab: np.interp(np.log(characters), np.log(g.num_characters), g.unigram_normalized_loss)
                      for vocab, g in runs.groupby("vocab_size")})


rows = []
for size in sizes:
    characters = per_token.loc[size, vocabs[0]]
    with warnings.catch_warnings():  # the optimum for the largest model lies beyond 64K; the table shows it
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        choice = optimal_vocab(size, characters)
    measured = measured_at(size, characters)
    nearest = vocabs[np.argmin(np.abs(np.log(vocabs / choice["vocab_size"])))]
    rows.append({
        "N": f"{size / 1e6:.0f}M", "characters": f"{characters:.3g}",
        "law's best V": round(choice["vocab_size"]), "law's basin (0.01 nats)":
            f"{tokens(choice['basin_low'])}-{tokens(choice['basin_high'])}",
        "best trained V": int(measured.idxmin()), "law / data": round(choice["vocab_size"] / measured.idxmin(), 2),
        "cost of 2V (law)": round(choice["cost_of_double"], 4),
        "cost of the law's V (measured)": round(measured[nearest] - measured.min(), 4),
    })
against_data = pd.DataFrame(rows)
against_data

# %% [markdown]
# Up to 316M parameters the law finds the data's best vocabulary: the trained vocabulary nearest
# to its optimum is the measured best.
#
# **At the two largest sizes the law overshoots.** For 632M it proposes about 42K, where the data's
# best is 24.6K (1.7×). For 1.13B it proposes about 69K, where the data's best is 32.8K (2.1×), and
# that is beyond the largest trained vocabulary. The law also calls its optimum flat there:
# doubling $V$ costs under 0.005 nats by its own account. The measured loss at the trained
# vocabulary nearest to its choice (48K and 64K) is instead about 0.065 nats worse than the best.
# Part of that is noise, since neighbouring vocabularies of the 1.13B model differ by up to 0.07
# nats, but the miss is in the same direction at both sizes. So at the largest scales this law's
# optimum is an upper end, not a target. A vocabulary between the data's best and the law's
# optimum is the defensible reading.
#
# **Growth with compute.** The figure follows this study's budgets: the characters of the 4K runs,
# which grow about as $N^{1.09}$, with compute approximated as $6NH$. Along them the optimum
# grows steeply with compute. The lines at a quarter and at four times the study's data show how
# strongly the optimum depends on the data ($v^* \propto H^{0.8}$). The shaded band is the basin
# (within 0.01 nats). Dots are the best trained vocabulary at each size. The dashed part extends
# the budget trend past the largest model and is an extrapolation.

# %%
budget = np.polyfit(np.log(sizes), np.log(per_token[vocabs[0]].to_numpy()), 1)
print(f"the study's budget: characters H grow as N^{budget[0]:.2f}")
model_grid = np.geomspace(sizes[0], 7e10, 48)
fig, ax = plt.subplots(figsize=(7.5, 4.2))
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for scale, color in [(0.25, "tab:green"), (1.0, "tab:blue"), (4.0, "tab:purple")]:
        characters_grid = scale * np.exp(np.polyval(budget, np.log(model_grid)))
        choices = [optimal_vocab(m, c) for m, c in zip(model_grid, characters_grid)]
        optimum = np.array([c["vocab_size"] for c in choices])
        compute = 6 * model_grid * characters_grid
        inside = model_grid <= sizes[-1] * 1.001
        label = "study's budget" if scale == 1 else f"{scale:g} x the study's data"
        ax.plot(compute[inside], optimum[inside], "-", color=color, label=label)
        ax.plot(compute[~inside], optimum[~inside], "--", color=color)
        if scale == 1:
            growth_exponent = np.polyfit(np.log(model_grid), np.log(optimum), 1)[0]
            ax.fill_between(compute, [c["basin_low"] for c in choices], [c["basin_high"] for c in choices],
                            color=color, alpha=0.15, label="basin (within 0.01 nats)")
ax.plot(6 * sizes * per_token[vocabs[0]].to_numpy(), [int(i) for i in against_data["best trained V"]],
        "o", color="black", ms=5, label="best trained V (data)")
ax.axhspan(vocabs[0], vocabs[-1], color="grey", alpha=0.08, lw=0)
ax.set(xscale="log", yscale="log", xlabel="compute 6 N H (characters as a proxy for tokens)",
       ylabel="optimal vocabulary size",
       title="Optimal vocabulary against compute (dashed: beyond 1.13B)")
ax.legend(fontsize=7, loc="upper left")
fig.tight_layout()
plt.show()
print(f"along the study's budget the optimal vocabulary grows as N^{growth_exponent:.2f}")

# %%
examples = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for size in [sizes[0], sizes[3], sizes[5], 3e9, 7e9, 7e10]:
        characters = float(np.exp(np.polyval(budget, np.log(size))))
        choice = optimal_vocab(size, characters)
        examples.append({
            "N": f"{size / 1e9:.2g}B", "characters": f"{characters:.2g}", "6NH": f"{6 * size * characters:.2g}",
            "optimal V": tokens(choice["vocab_size"]),
            "basin": f"{tokens(choice['basin_low'])}-{tokens(choice['basin_high'])}",
            "cost of V/2": round(choice["cost_of_half"], 4),
            "extrapolates in": ", ".join(w.split(" = ")[0] for w in choice["warnings"]) or "-",
        })
pd.DataFrame(examples)

# %% [markdown]
# Along the study's budgets the optimum grows as about $N^{0.8}$: from about 4K at 33M to about
# 65K at 1.1B. Beyond the data, the law puts it at 140K for 3B, 270K for 7B and 1.7M for 70B.
# The basin widens with scale. At 70B, any vocabulary from about 100K up is within 0.01 nats of
# the optimum, so the law cannot tell these choices apart. Given the overshoot measured above,
# the extrapolated optima are upper ends, not recommendations.
#
# **Against Tao et al. (2024).** The law agrees with the paper's qualitative conclusion, its title:
# larger models deserve larger vocabularies. We do not overlay the paper's numerical predictions.
# They come from an optimum at a fixed *compute* budget, in which a larger vocabulary also costs
# embedding and softmax compute, and we could not check the published numbers here. Our optimum
# is at fixed *characters* and ignores that cost, which pushes it up. That is one reason, with
# the overshoot above, to expect it to grow faster with scale than a compute-optimal rule.
#
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, using the same routine,
# and gives bootstrap intervals (`scalinglaws fit vocab --csv runs.csv` does the same from the
# command line). As an example, suppose we had only run the four smaller models (up to 316M), and
# then predict the two larger ones:

# %%
import scalinglaws

small_runs = table[table.non_vocab_parameters < 5e8]
own = scalinglaws.fit("vocab", small_runs, bootstrap=20, seed=0)
larger = table[table.non_vocab_parameters > 5e8]
print(f"fitted to {own.rows} runs: R2 {own.r2:.5f}; R2 on the {len(larger)} rows of the two larger models: "
      f"{metrics.r2(larger.unigram_normalized_loss, own.predict(larger)):.5f}")
all_runs = np.array([PARAMS["all_data"][PARAM_NAMES.index(name)] for name in own.intervals.constant])
covered = (own.intervals["low_95%"] <= all_runs) & (all_runs <= own.intervals["high_95%"])
print("constants whose interval misses the value fitted on all runs: " + ", ".join(own.intervals.constant[~covered]))
own.intervals.round(5)

# %% [markdown]
# Fitted on the four smaller models, the law predicts the rows of the two larger ones with an R2
# of only about 0.92, far below the 0.99 it reaches when it extrapolates in $V$. The bootstrap
# intervals stay narrow, yet four of the seven (printed above) miss the values fitted on all runs.
# They measure the noise of the rows, not the error of extrapolating in model size. α and κ carry
# this study's schedules, so fit the law on runs that span the model sizes you want to predict.
