# %% [markdown]
# # Vocabulary: which vocabulary size, for which model and data?
#
# How does the loss of a language model depend on its vocabulary size $V$, given its
# non-vocabulary parameters $N$ and the data it has seen? Tao et al. (2024) trained models of
# 33M to 1.13B non-vocabulary parameters with vocabularies of 4K to 64K tokens and concluded
# that larger models deserve larger vocabularies: about 63K for a 7B model and 220K for a 70B
# model trained compute-optimally.
#
# **Task** `vocab_scaling_law` of SLDBench: `non_vocab_parameters`, `vocab_size`,
# `num_characters` → `unigram_normalized_loss` (the loss minus that of a unigram model, so it is
# negative and lower is better), one group. The held-out test rows are at a vocabulary larger
# than any in training, so the law must extrapolate in $V$. At most 7 constants.
#
# This notebook is the source of `scalinglaws.laws.vocab`: the cells tagged `export` are written
# into that module by `scalinglaws export`.

# %% tags=["hide-input"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import data, decide, fitting, metrics, selection

pd.set_option("display.precision", 4)
pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 160)

table = data.load("vocab")
TASK = data.task("vocab")
table.describe().loc[["count", "min", "max"]]

# %% [markdown]
# ## The data
#
# The table holds 54 runs: 6 model sizes × 9 vocabularies, each recorded at 20 checkpoints (5%,
# 10%, …, 100% of the run). So `num_characters` is the data seen so far, not a separate
# setting. All runs of a given model size see the same number of *tokens*; a larger vocabulary
# packs more characters into each token, so its runs see more characters. The ratio is the same
# at every model size and every checkpoint: it is the tokenizers' characters per token.

# %% tags=["hide-input"]
sizes = np.sort(table.non_vocab_parameters.unique())
vocabs = np.sort(table.vocab_size.unique())
final = table.loc[table.groupby(["non_vocab_parameters", "vocab_size"]).num_characters.idxmax()]
per_token = final.pivot(index="non_vocab_parameters", columns="vocab_size", values="num_characters")
characters_per_token = (per_token / per_token[[vocabs[0]]].to_numpy()).iloc[0]
token_slope = np.polyfit(np.log(vocabs), np.log(characters_per_token.to_numpy()), 1)[0]
print("characters per token relative to V = 4096: "
      + ", ".join(f"{v / 1e3:.0f}K {r:.3f}" for v, r in characters_per_token.items()))
print(f"a power law through them: characters per token grow as V^{token_slope:.3f}")

# %% tags=["hide-input"]
cmap = plt.get_cmap("viridis")


def color_key(fig, ax, labels, title):
    """A discrete colour key under ``ax`` (the colours the lines use), in place of a legend over the data."""
    import matplotlib

    n = len(labels)
    colors = matplotlib.colors.ListedColormap([cmap(i / (n - 1)) for i in range(n)])
    norm = matplotlib.colors.BoundaryNorm(np.arange(n + 1) - 0.5, n)
    bar = fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=colors), ax=ax, orientation="horizontal",
                       ticks=range(n), aspect=25, fraction=0.06)
    bar.ax.set_xticklabels(labels)
    bar.ax.tick_params(length=0)
    bar.set_label(title)


def vocab_ticks(ax, largest=65536):
    """Plain tick labels on a log axis of vocabulary sizes (powers of two from 4096)."""
    ticks = [2**k for k in range(12, int(np.log2(largest)) + 1)]
    ax.set_xticks(ticks, [f"{t // 1024}K" for t in ticks])
    ax.minorticks_off()


fig, axes = plt.subplots(1, 2, figsize=(5.8, 3.3), layout="constrained")
for i, size in enumerate(sizes):
    rows = table[(table.non_vocab_parameters == size) & (table.vocab_size == 16384)]
    axes[0].plot(rows.num_characters, rows.unigram_normalized_loss, "-", color=cmap(i / 5),
                 label=f"{size / 1e6:.0f}M")
axes[0].set(xscale="log", xlabel="characters seen H", ylabel="unigram-normalised loss",
            title="By model size N (V = 16K)")
largest = table[table.non_vocab_parameters == sizes[-1]]
for j, vocab in enumerate(vocabs):
    rows = largest[largest.vocab_size == vocab]
    axes[1].plot(rows.num_characters, rows.unigram_normalized_loss, "-", color=cmap(j / 8),
                 label=f"{vocab / 1e3:.0f}K")
axes[1].set(xscale="log", xlabel="characters seen H", title=f"By vocabulary V (N = {sizes[-1] / 1e9:.2f}B)")
color_key(fig, axes[0], [f"{size / 1e6:.0f}" for size in sizes], "N (millions)")
color_key(fig, axes[1], [f"{vocab / 1e3:.0f}" for vocab in vocabs], "V (thousands)")
fig.suptitle("All runs follow one S-shaped curve in the data seen")
plt.show()


# %% [markdown]
# The end of a run compares vocabularies at the same number of tokens, hence at different
# characters. To compare them at the *same* characters, the left panel interpolates each run's
# loss (in log characters) at the characters that the 4K-vocabulary run of its size ends with;
# every other run of that size passes that point before its end.

# %% tags=["hide-input"]
def measured_at(size, characters):
    """Each run of one model size, interpolated in log characters at ``characters``."""
    runs = table[table.non_vocab_parameters == size]
    return pd.Series({vocab: np.interp(np.log(characters), np.log(g.num_characters), g.unigram_normalized_loss)
                      for vocab, g in runs.groupby("vocab_size")})


common = {size: measured_at(size, per_token.loc[size, vocabs[0]]) for size in sizes}
fig, axes = plt.subplots(1, 2, figsize=(5.8, 3.3), layout="constrained")
for i, size in enumerate(sizes):
    axes[0].plot(vocabs, common[size] - common[size].min(), "o-", color=cmap(i / 5), ms=3, label=f"{size / 1e6:.0f}M")
axes[0].set(xscale="log", xlabel="vocabulary size V", ylabel="loss - best loss of the size",
            title="At equal characters, against V")
vocab_ticks(axes[0])
axes[0].set_xticks([4096, 16384, 65536], ["4K", "16K", "64K"])
for j, vocab in enumerate(vocabs):
    rows = final[final.vocab_size == vocab]
    axes[1].plot(rows.non_vocab_parameters, rows.unigram_normalized_loss, "o-", color=cmap(j / 8), ms=3,
                 label=f"{vocab / 1e3:.0f}K")
axes[1].set(xscale="log", xlabel="non-vocabulary parameters N", ylabel="final loss",
            title="End of each run, against N")
color_key(fig, axes[0], [f"{size / 1e6:.0f}" for size in sizes], "N (millions)")
color_key(fig, axes[1], [f"{vocab / 1e3:.0f}" for vocab in vocabs], "V (thousands)")
fig.suptitle("Larger models prefer larger vocabularies, with a flat optimum")
plt.show()
best_measured = pd.Series({size: common[size].idxmin() for size in sizes})
print("best trained vocabulary at equal characters, by size: "
      + ", ".join(f"{s / 1e6:.0f}M {v / 1e3:.1f}K" for s, v in best_measured.items()))

# %% [markdown]
# What the plots show:
#
# - Against the characters seen, all runs lie close to one S-shaped curve, from about −1 early in
#   training to about −5.3. Model size matters less, and only late in training.
# - At equal characters the best vocabulary grows with the model: about 4K at 33M, 8K-10K at
#   85M-151M, 25K at 316M-632M, 33K at 1.13B. The optimum is flat: within a factor two of it the
#   loss moves by a few hundredths of a nat, about the scatter between neighbouring runs (the
#   1.13B curve zigzags by as much).
# - The final loss falls steadily with $N$, since every run of a larger model is also longer.
#
# ## Candidate forms
#
# We write $n = N/10^9$, $v = V/10^4$ and $h = H/10^{10}$, with $H$ the characters seen.
#
# *Published:*
#
# 1. **Tao et al. (2024)** (`tao`, 7 constants): $L = E + A_1 n^{-\alpha_1} + A_2 N_v^{-\alpha_2} + B h^{-\beta}$,
#    with vocabulary parameters $N_v = V d$; the table has no width $d$, so $N_v \propto V n^{1/3}$
#    (a constant aspect ratio). At fixed characters its vocabulary term can only lower the loss:
#    in the paper the optimum comes from the compute a larger vocabulary costs.
# 2. **The best published form** (`leaderboard`; SLDBench leaderboard, 7): $L = L_0 + A S \big(1 + \lambda t^2/(1 + S)\big)$,
#    with $S = (P_\text{ref}/n)^a + (C_\text{ref}/h)^a$ and $t = \ln v - v_0$: a penalty quadratic in
#    $\ln V$ around one best vocabulary, the same for every model.
#
# *Conservative* (they promise nothing beyond the vocabularies measured):
#
# 3. **No vocabulary term, Chinchilla** (`chinchilla`, 5): $L = E + A n^{-\alpha} + B h^{-\beta}$.
# 4. **No vocabulary term, harmonic** (`harmonic`, 5): $L = -1/\big(A n^{-\alpha} + B (h n^{-\kappa})^{-\beta}\big)$ (see below).
#
# *Ours.* $-L$ is the information per token that the model extracts beyond a unigram model. We
# treat it as limited by bottlenecks whose *reciprocals add*, like resistances in series: the
# tightest one dominates, and $L \to 0$ when data is scarce, which gives the S shape. Two limits
# are always there: capacity, $A n^{-\alpha}$, and data, $B \tilde h^{-\beta}$ with
# $\tilde h = h n^{-\kappa}$ (at equal characters a larger model of this study is at an earlier
# point of its longer run and learning-rate schedule). The vocabulary enters in one of these ways:
#
# 5. *v1, data in tokens + a vocabulary limit* (`v1`, 7): $B (h v^{-\gamma} n^{-\kappa})^{-\beta} + C/v$; a larger
#    vocabulary means fewer tokens for the same characters, and a small vocabulary caps what the
#    model can express.
# 6. *data in tokens, no vocabulary limit* (`tokens`, 6): $B (h v^{-\gamma} n^{-\kappa})^{-\beta}$ alone.
# 7. *a free exponent for the vocabulary limit* (`free-limit`, 7): $B (h v^{-\gamma})^{-\beta} + C v^{-c}$, no κ.
# 8. *additive in tokens* (`additive`, 7): $L = E + A n^{-\alpha} + B (h v^{-\gamma})^{-\beta} + C v^{-\alpha}$.
# 9. *rare tokens* (`rare-tokens`, 7): $B \tilde h^{-\beta} + C/v + D (v/\tilde h)^{\beta}$. Each entry of the
#    vocabulary learns its embedding from its own occurrences, about $\tilde h / v$ of them: a data
#    limit per entry, with the same exponent as the model's. Its cost grows about linearly with
#    the vocabulary, where the cost of fewer tokens grows as $v^{0.2}$: it is what makes a
#    vocabulary too large for its data costly.
# 10. *rare tokens, in tokens* (`rare-tokens-in-tokens`, 7): the same with data counted in tokens, $T = h v^{-0.12} n^{-\kappa}$
#     (the tokenizers' measured characters per token): $B T^{-\beta} + C/v + D (v/T)^{\beta}$.
# 11. *rare tokens, one exponent of size* (`rare-one-size`, 7): κ = α, and the rare-token exponent $\delta$ free.
#
# Each form has a key (in brackets) by which it can be used: `predict(X, form="v1")`. Tao et
# al.'s law takes the vocabulary parameters $N_v = V d$, which the table does not record, so
# constants fitted to their runs could not be applied to these inputs as they stand: their form
# is refitted here, like every other. The pool is part of the law: the cell below is exported
# with it, so that a study of your own runs (`scalinglaws.study("vocab", runs)`) weighs the
# same forms by the same protocol.

# %% tags=["export"]
import numpy as np

from scalinglaws import data, decide, fitting
from scalinglaws.law import Law
from scalinglaws.pool import Candidate, Protocol

TASK = data.task("vocab")


def _scaled(X):
    return (
        np.asarray(X["non_vocab_parameters"], dtype=float) / 1e9,
        np.asarray(X["vocab_size"], dtype=float) / 1e4,
        np.asarray(X["num_characters"], dtype=float) / 1e10,
    )


def tao(X, p):
    """E + A1 n^-a1 + A2 (v n^1/3)^-a2 + B h^-b: Tao et al.'s form, N_v taken as V n^(1/3)."""
    E, A1, a1, A2, a2, B, b = p
    n, v, h = _scaled(X)
    return E + A1 * n**-a1 + A2 * (v * n ** (1 / 3)) ** -a2 + B * h**-b


def leaderboard(X, p):
    """L0 + A S (1 + lam (ln v - v0)^2 / (1 + S)), S = (P_ref/n)^a + (C_ref/h)^a."""
    L0, A, P_ref, C_ref, a, lam, v0 = p
    n, v, h = _scaled(X)
    S = (P_ref / n) ** a + (C_ref / h) ** a
    return L0 + A * S * (1 + lam * (np.log(v) - v0) ** 2 / (1 + S))


def no_vocabulary(X, p):
    """E + A n^-a + B h^-b: Chinchilla's form, in characters, with no vocabulary term."""
    E, A, a, B, b = p
    n, v, h = _scaled(X)
    return E + A * n**-a + B * h**-b


def harmonic(X, p):
    """-1 / (A n^-a + B (h n^-k)^-b): capacity and data as resistances, no vocabulary term."""
    A, alpha, B, beta, kappa = p
    n, v, h = _scaled(X)
    return -1 / (A * n**-alpha + B * (h * n**-kappa) ** -beta)


def v1(X, p):
    """-1 / (A n^-a + B (h v^-g n^-k)^-b + C/v): this law's first version."""
    A, alpha, B, beta, gamma, kappa, C = p
    n, v, h = _scaled(X)
    return -1 / (A * n**-alpha + B * (h * v**-gamma * n**-kappa) ** -beta + C / v)


def in_tokens(X, p):
    A, alpha, B, beta, gamma, kappa = p
    n, v, h = _scaled(X)
    return -1 / (A * n**-alpha + B * (h * v**-gamma * n**-kappa) ** -beta)


def free_limit(X, p):
    A, alpha, B, beta, gamma, C, c = p
    n, v, h = _scaled(X)
    return -1 / (A * n**-alpha + B * (h * v**-gamma) ** -beta + C * v**-c)


def additive(X, p):
    E, A, a, B, b, g, C = p
    n, v, h = _scaled(X)
    return E + A * n**-a + B * (h * v**-g) ** -b + C * v**-a


def rare_tokens(X, params):
    """Unigram-normalised loss for inputs ``X`` (non_vocab_parameters, vocab_size, num_characters):
    capacity, data, a small vocabulary's limit and the rare-token limit, added as resistances."""
    A, alpha, B, beta, kappa, C, D = params
    n, v, h = _scaled(X)
    effective = h * n**-kappa
    return -1.0 / (A * n**-alpha + B * effective**-beta + C / v + D * (v / effective) ** beta)


def rare_tokens_in_tokens(X, p):
    A, alpha, B, beta, kappa, C, D = p
    n, v, h = _scaled(X)
    tokens = h * v**-0.12 * n**-kappa
    return -1 / (A * n**-alpha + B * tokens**-beta + C / v + D * (v / tokens) ** beta)


def rare_one_size(X, p):
    A, alpha, B, beta, C, D, delta = p
    n, v, h = _scaled(X)
    effective = h * n**-alpha
    return -1 / (A * n**-alpha + B * effective**-beta + C / v + D * (v / effective) ** delta)


def candidate(name, key, constants, kind, origin, predict, param_names, axes, bounds):
    """A candidate fitted from a grid of starts, of which the 4 with the lowest cost are optimised."""
    starts = fitting.grid_starts(*axes)

    def fit(rows, start=None):
        return fitting.fit_groups(predict, rows, TASK, starts, bounds=bounds, keep=4, start=start)

    return Candidate(name, constants, fit, predict, origin=origin, kind=kind, key=key, param_names=param_names)


# A grid of 16 starts for the harmonic forms, screened to the 4 best before optimising.
HARMONIC = [[0.2], [0.03, 0.3], [0.02, 0.2], [0.7, 1.0]]
RARE = "rare tokens: -1 / (A n^-a + B h'^-b + C/v + D (v/h')^b), h' = h n^-k"
# Every limit is positive; kappa is free in sign.
_BOUNDS = ([0, 0, 0, 0, -2, 0, 0], [50, 3, 50, 3, 3, 50, 50])
_STARTS = fitting.grid_starts(*HARMONIC, [0.0, 0.1], [0.003], [0.0003, 0.003])


def fit_constants(table, start=None):
    """Least squares on the loss itself (it is negative, so no logs)."""
    return fitting.fit_groups(rare_tokens, table, TASK, _STARTS, bounds=_BOUNDS, keep=4, start=start)


CANDIDATES = [
    candidate("Tao et al.: E + A1 n^-a1 + A2 (V n^1/3)^-a2 + B h^-b", "tao", "7", "published", "Tao et al. 2024",
              tao, ("E", "A1", "alpha1", "A2", "alpha2", "B", "beta"),
              [[-6], [0.2], [0.3], [0.05, 0.5], [0.3, 1], [0.5, 2], [0.3, 0.7]],
              ([-20, 0, 0, 0, 0, 0, 0], [5, 50, 3, 50, 3, 50, 3])),
    candidate("published: L0 + A S (1 + lam t^2 / (1 + S))", "leaderboard", "7", "published", "SLDBench leaderboard",
              leaderboard, ("L0", "A", "P_ref", "C_ref", "a", "lam", "v0"),
              [[-6], [0.5, 2], [0.03, 0.3], [0.3], [0.4], [0.05, 0.5], [0, 1.5]],
              ([-20, 0, 1e-6, 1e-6, 0, 0, -10], [5, 50, 100, 100, 3, 50, 10])),
    candidate("no vocabulary term: E + A n^-a + B h^-b", "chinchilla", "5", "conservative", "Chinchilla form",
              no_vocabulary, ("E", "A", "alpha", "B", "beta"), [[-6], [0.1, 0.5], [0.3, 0.6], [0.5, 2], [0.3, 0.7]],
              ([-20, 0, 0, 0, 0], [5, 50, 3, 50, 3])),
    candidate("no vocabulary term: -1 / (A n^-a + B (h n^-k)^-b)", "harmonic", "5", "conservative", "ours",
              harmonic, ("A", "alpha", "B", "beta", "kappa"), [*HARMONIC, [0.0, 0.1]],
              ([0, 0, 0, 0, -2], [50, 3, 50, 3, 3])),
    candidate("v1: -1 / (A n^-a + B (h v^-g n^-k)^-b + C/v)", "v1", "7", "ours", "v1 of this law",
              v1, ("A", "alpha", "B", "beta", "gamma", "kappa", "C"), [*HARMONIC, [0.0, 0.2], [0.0, 0.1], [0.003]],
              ([0, 0, 0, 0, -1, -2, 0], [50, 3, 50, 3, 3, 3, 50])),
    candidate("tokens, no vocabulary limit: -1 / (A n^-a + B (h v^-g n^-k)^-b)", "tokens", "6", "ours", "ours",
              in_tokens, ("A", "alpha", "B", "beta", "gamma", "kappa"), [*HARMONIC, [0.0, 0.2], [0.0, 0.1]],
              ([0, 0, 0, 0, -1, -2], [50, 3, 50, 3, 3, 3])),
    candidate("free limit: -1 / (A n^-a + B (h v^-g)^-b + C v^-c)", "free-limit", "7", "ours", "ours",
              free_limit, ("A", "alpha", "B", "beta", "gamma", "C", "c"), [*HARMONIC, [0.0, 0.2], [0.003], [0.7, 1.5]],
              ([0, 0, 0, 0, -1, 0, 0], [50, 3, 50, 3, 3, 50, 5])),
    candidate("additive in tokens: E + A n^-a + B (h v^-g)^-b + C v^-a", "additive", "7", "ours", "ours",
              additive, ("E", "A", "alpha", "B", "beta", "gamma", "C"),
              [[-6], [0.3], [0.3, 0.8], [1], [0.4, 0.8], [0.1, 0.5], [0.1, 1]],
              ([-20, 0, 0, 0, 0, -1, 0], [5, 50, 3, 50, 3, 3, 50])),
    Candidate(RARE, "7", fit_constants, rare_tokens, origin="ours", kind="ours", key="rare-tokens",
              param_names=("A", "alpha", "B", "beta", "kappa", "C", "D")),
    candidate("rare tokens, in tokens T = h v^-0.12 n^-k", "rare-tokens-in-tokens", "7", "ours", "ours",
              rare_tokens_in_tokens, ("A", "alpha", "B", "beta", "kappa", "C", "D"),
              [*HARMONIC, [0.0, 0.1], [0.003], [0.0003, 0.003]], ([0, 0, 0, 0, -2, 0, 0], [50, 3, 50, 3, 3, 50, 50])),
    candidate("rare tokens, k = a, free rare exponent d", "rare-one-size", "7", "ours", "ours",
              rare_one_size, ("A", "alpha", "B", "beta", "C", "D", "delta"),
              [[0.2], [0.03, 0.1], [0.02, 0.2], [0.7, 1.0], [0.003], [0.0003, 0.003], [0.5, 1.0]],
              ([0, 0, 0, 0, 0, 0, 0], [50, 3, 50, 3, 50, 50, 3])),
]

# %% [markdown]
# ## Choosing the law: the selection protocol
#
# Every law in this package is chosen by one protocol on the training split (see the Method
# page). The test rows are at a vocabulary larger than any trained; DESIGN.md does not say how
# much larger, so the source study's target is taken one step of the training grid beyond the
# largest trained vocabulary: $64512/48128 = 1.34$ times it, about 86K (`source_target` below;
# on your own runs the reach comes from the points you ask about, or from the spacing of your
# largest vocabularies). Each backtest fits on the runs up to a forecast origin in $V$ (the
# trained vocabularies, from the second largest down) and scores the runs at most 1.34 times
# beyond it. Of the grid's steps, three are within that reach and leave at least three
# vocabularies to fit on: 48K → 64K, 24K → 32K and 8K → 10K (the other steps are factors of
# 1.47 to 1.6, beyond the reach, or, 6K → 8K, leave only two vocabularies to fit on). The
# independent unit is a run (its 20 checkpoints share one training): standard errors and the
# bootstrap count runs, not rows.
#
# ### The decision the law exists for, checked against Tao et al.
#
# A form is kept only if the vocabulary it recommends agrees with what Tao et al. (2024) found
# on a superset of these runs, with three independent approaches: at 7B non-vocabulary
# parameters trained on their compute-optimal 6.8e11 characters, 60K-67K (we take 63K); at 70B on
# 7.2e12 characters, 212K-231K (we take 220K). For 2.87B and 13B we interpolate both their
# optimum and their compute-optimal characters as power laws in $N$ through those two points:
# optimum $\approx 63\text{K}\,(N/7\text{B})^{0.543}$, characters $\approx 6.8\times10^{11}\,(N/7\text{B})^{1.025}$.
# A form passes when, at all four sizes, its optimal vocabulary at those characters is within a
# factor 1.5 of theirs, grows with size, and its basin (the vocabularies whose loss is within
# 0.01 nats of the optimum) lies within a factor 10 of the optimum on both sides. The optimum of
# each form is found numerically on a fine grid of $V$ from $10^3$ to $10^{10}$. The check is
# about Tao et al.'s setting (their corpus and tokenizers): on other runs a study shows it but
# does not apply it.

# %% tags=["export"]
#: Tao et al.'s compute-optimal vocabularies: 63K at 7B on 6.8e11 characters, 220K at 70B on
#: 7.2e12, and power laws in N through them for 2.87B and 13B.
VOCAB_EXPONENT = np.log(220e3 / 63e3) / np.log(10.0)
CHARACTER_EXPONENT = np.log(7.2e12 / 6.8e11) / np.log(10.0)
TAO_SIZES = np.array([2.87e9, 7e9, 13e9, 70e9])
TAO_CHARACTERS = 6.8e11 * (TAO_SIZES / 7e9) ** CHARACTER_EXPONENT
TAO_VOCABS = 63e3 * (TAO_SIZES / 7e9) ** VOCAB_EXPONENT
VOCAB_GRID = np.geomspace(1e3, 1e10, 3501)
FACTOR, BASIN_FACTOR, TOLERANCE = 1.5, 10.0, 0.01
#: The packaged table's target: one step of its grid of vocabularies beyond the largest.
SOURCE_TARGET = 64512.0 * 64512.0 / 48128.0


def form_optimum(predict, constants, size, characters, tolerance=TOLERANCE):
    """A form's best vocabulary on the grid, the ends of its basin, and why it has no optimum ("" if it has one)."""
    count = VOCAB_GRID.size
    X = {"non_vocab_parameters": np.full(count, size), "vocab_size": VOCAB_GRID,
         "num_characters": np.full(count, characters)}
    with np.errstate(all="ignore"):
        loss = np.asarray(predict(X, constants), dtype=float)
    if not np.all(np.isfinite(loss)):
        return np.nan, np.nan, np.nan, "no finite prediction"
    best = int(np.argmin(loss))
    outside = np.flatnonzero(loss > loss[best] + tolerance)
    below, above = outside[outside < best], outside[outside > best]
    low = VOCAB_GRID[below[-1] + 1] if below.size else VOCAB_GRID[0]
    high = VOCAB_GRID[above[0] - 1] if above.size else VOCAB_GRID[-1]
    if np.ptp(loss) < 1e-9:
        note = "the loss does not depend on V"
    elif best in (0, count - 1):
        note = f"the loss {'rises' if best == 0 else 'falls'} with V all the way: no optimum"
    else:
        note = ""
    return VOCAB_GRID[best], low, high, note


def vocabulary_check(candidate, constants):
    """Why a form's vocabulary decision contradicts Tao et al. (2024), or None."""
    vector = next(iter(constants.values()))
    previous = 0.0
    for size, characters, theirs in zip(TAO_SIZES, TAO_CHARACTERS, TAO_VOCABS):
        best, low, high, note = form_optimum(candidate.predict, vector, size, characters)
        where = f"at {size / 1e9:g}B"
        if note:
            return f"{note} ({where})"
        if not theirs / FACTOR <= best <= theirs * FACTOR:
            return f"optimum {best / 1e3:.0f}K {where}, {best / theirs:.2f} x Tao et al.'s {theirs / 1e3:.0f}K"
        if best <= previous:
            return f"optimum does not grow with size {where}"
        if low < best / BASIN_FACTOR or high > best * BASIN_FACTOR:
            return f"basin {low / 1e3:.0f}K-{high / 1e3:.0f}K {where}, beyond a factor 10 of its optimum"
        previous = best
    return None


def vocab_example(table, points=None):
    """The vocabulary a study reports: for the largest requested (else trained) model, at the
    most characters asked about (else seen)."""
    rows = table if points is None or not len(points) else points
    return {"non_vocab_parameters": float(np.max(np.asarray(rows["non_vocab_parameters"], dtype=float))),
            "num_characters": float(np.max(np.asarray(rows["num_characters"], dtype=float)))}


PROTOCOL = Protocol(
    CANDIDATES,
    axes=("vocab_size",),
    source_target={"vocab_size": SOURCE_TARGET},
    checks=vocabulary_check,
    cluster=("non_vocab_parameters", "vocab_size"),
    decision_example=vocab_example,
)

FORM = (
    r"L_u = -\left[A\,n^{-\alpha} + B\,\tilde h^{-\beta} + \frac{C}{v}"
    r" + D\left(\frac{v}{\tilde h}\right)^{\beta}\right]^{-1},"
    r"\quad \tilde h = h\,n^{-\kappa},\ n = \frac{N_{nv}}{10^9},\ v = \frac{V}{10^4},\ h = \frac{H}{10^{10}}"
)
PARAM_NAMES = ["A", "alpha", "B", "beta", "kappa", "C", "D"]
formula = rare_tokens

LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants, protocol=PROTOCOL)
predict, fit = LAW.predict, LAW.fit

# %% [markdown]
# The study of the training runs: the backtests, every form scored from every origin, the
# check, the survivors and the choice, the law refitted on all runs with 100 bootstrap refits
# (runs resampled, seed 0), and intervals calibrated on the backtests.

# %%
RUN = ["non_vocab_parameters", "vocab_size"]
study = LAW.study(table)
evaluation, choice, record = study.evaluation, study.choice, study.record
print(f"reach: {study.reach['vocab_size']:.2f}x in V; runs fitted / scored (rows): "
      + ", ".join(f"{len(b.train)}/{len(b.held)}" for b in study.backtests))
evaluation.summary().drop(columns="kind").round(4)

# %% [markdown]
# R2 at each origin, and the bias (mean of prediction minus truth, in standard deviations of
# the held loss):

# %%
evaluation.table("r2").round(4)

# %%
evaluation.table("bias").round(3)

# %% [markdown]
# The forms with the data counted in tokens and a vocabulary limit forecast best, `v1` first
# (median R2 0.9925); the rare-token forms follow (0.985-0.990), biased towards too high a loss:
# their penalty on a large vocabulary bites early in training, where the data do not show it.
# Without a vocabulary term (the conservative forms, and `tao`, whose vocabulary term the fit
# switches off) the forecast is worst.
#
# What each form, fitted on all runs, decides at the four sizes (optimum in thousands of tokens,
# and as a multiple of Tao et al.'s; the basin at 70B):

# %%
def tokens(vocab):
    """A vocabulary size for a table: 24.6K, 1.2M."""
    return f"{vocab / 1e3:.1f}K" if vocab < 1e5 else f"{vocab / 1e3:.0f}K" if vocab < 1e6 else f"{vocab / 1e6:.3g}M"


TAO = pd.DataFrame({"N": TAO_SIZES, "characters": TAO_CHARACTERS, "tao_vocab": TAO_VOCABS})
rows = []
for c in CANDIDATES:
    fitted_all = record.forms[c.key].params
    row = {"form": c.key}
    for point in TAO.itertuples():
        best, low, high, note = form_optimum(c.predict, fitted_all["all_data"], point.N, point.characters)
        row[f"{point.N / 1e9:g}B"] = "-" if note else f"{tokens(best)} ({best / point.tao_vocab:.2f}x)"
    row["70B basin"] = "-" if note else f"{tokens(low)}-{tokens(high)}"
    row["check"] = vocabulary_check(c, fitted_all) or "passes"
    rows.append(row)
pd.DataFrame(rows).set_index("form")

# %% [markdown]
# Every form whose data term is counted in tokens with a fitted exponent (`v1`, `free-limit`,
# `additive`) recommends 2 to 10 times Tao et al.'s vocabulary, more so the larger the
# model, and calls nearly everything above the optimum equally good: at 70B, v1's basin reaches
# $1.6\times10^8$ tokens. Their vocabulary cost grows only as $v^{0.2}$ and fades with the data, so at
# scale nothing stops the vocabulary from growing. The forms without a vocabulary optimum (no
# term, Tao et al.'s at fixed characters, the published quadratic centred below the grid) give
# no decision at all. The rare-token forms agree with Tao et al. within 26% and keep a basin of
# a factor 4-5; counted in tokens, the rare-token form narrowly misses at 2.87B (1.52 times).
#
# The protocol chooses among the forms that pass: the best by median backtest R2, the forms
# the backtests cannot tell from it (within two standard errors, over runs), their refits on all
# runs with 100 bootstrap refits (runs resampled, seed 0), and their predictions at the target:
# the runs at the largest vocabulary moved one grid step beyond it
# ($V = 64512 \times 1.34 \approx 86\text{K}$), every model size and checkpoint.

# %%
print(choice.reason)
choice.at_target.round(4)

# %%
pd.Series(choice.excluded, name="excluded because", dtype=object).to_frame()

# %% [markdown]
# `rare-tokens` has the best backtest of the forms whose decision is sound. One other sound
# form, `rare-one-size` (the same rare-token limit with κ = α and a free exponent), is within
# two standard errors of it on the backtests, and agrees with it at the target (0.3 bootstrap
# standard deviations apart): the data do not need a combination, and the law is the rare-token
# form. It forecasts the next vocabulary with a median R2 of 0.986 where v1 reached 0.993: it
# gives up a little of the forecast to recommend a vocabulary that can be used.
#
# **History.** The first version of this law (v1) was
# $L = -1/\big(A n^{-\alpha} + B (h v^{-\gamma} n^{-\kappa})^{-\beta} + C/v\big)$ (7 constants), chosen
# by one holdout (fit below 64K, score 64K: R2 0.99298). Scored after release on the held-out
# rows it reached R2 0.98187, below the published form refitted (0.9875), and its decisions were
# 2.5-4.6 times Tao et al.'s compute-optimal vocabularies (184K at 7B, 1.0M at 70B, where they
# find 60-67K and 212-231K), with a "basin" up to $5\times10^8$ tokens at Llama-2-7B's data. The
# protocol still ranks v1 first on the backtests; the decision check excludes it. Its vocabulary
# term was the wrong one: the cost of a large vocabulary, counted only through fewer tokens,
# fades too fast with data. v2 puts the cost where it belongs, in the data each vocabulary entry
# gets (held-out R2 0.9698 after release). Since then the pool, the check and the protocol are
# declared with the law, and the choice is one call, `LAW.study(table)`. The held-out figures
# above are only reported; nothing here was chosen with them.
#
# ## The law
#
# The rare-token form: capacity, data and two vocabulary limits add like resistances,
#
# $$L_u = -\Big[A\,n^{-\alpha} + B\,\tilde h^{-\beta} + \frac{C}{v} + D\Big(\frac{v}{\tilde h}\Big)^{\beta}\Big]^{-1},
# \qquad \tilde h = h\,n^{-\kappa}.$$
#
# The exported law is the protocol's choice, not a copy typed beside it: the cell below fails
# if the protocol picks another form or a combination.

# %%
assert study.chosen == "rare-tokens" and LAW.candidate("rare-tokens").predict is formula
PARAMS_FITTED = study.params

# %% [markdown]
# ## Fitted on all training runs
#
# The constants with 95% intervals from the 100 bootstrap refits the protocol made (runs
# resampled, seed 0):

# %%
draws = choice.draws[choice.best]


def significant(frame, digits=4):
    """Numbers of a table at ``digits`` significant digits (constants span several decades)."""
    return frame.apply(lambda column: column.map(lambda x: f"{x:.{digits}g}") if column.dtype.kind == "f" else column)


significant(study.constants_table.drop(columns="group"))

# %% [markdown]
# What each constant means:
#
# - $A n^{-\alpha}$ is the capacity limit of the non-vocabulary parameters. $\alpha \approx 0.04$ is
#   small because, at equal data, the larger models of this study are not ahead.
# - $B \tilde h^{-\beta}$ is the data limit; $\beta \approx 1$, so this resistance falls roughly as
#   one over the data. $\kappa \approx 0.09$ comes from the study's design (longer runs for larger
#   models, so a larger model is earlier in its schedule at equal characters), not from model
#   size itself: do not carry it to other training designs.
# - $C/v$ is the limit of a small vocabulary. It matters most when the other limits are small
#   (large models, much data), which is why large models prefer large vocabularies.
# - $D (v/\tilde h)^{\beta}$ is the rare-token limit: each of the $V$ entries learns from about
#   $\tilde h / v$ of the data. It is what a vocabulary too large for its data costs.
#
# The two vocabulary limits balance at $v^* = \big(C \tilde h^{\beta} / (\beta D)\big)^{1/(1+\beta)}$,
# close to $\sqrt{C \tilde h / D}$: the best vocabulary grows as the square root of the data,
# and with the model only through the data it is trained on.

# %% tags=["hide-input"]
fitted_loss = fitting.predict_table(formula, table, PARAMS_FITTED, TASK)
residual = table.unigram_normalized_loss - fitted_loss
print(f"R2 on all training rows: {metrics.r2(table.unigram_normalized_loss, fitted_loss):.4f}; "
      f"largest |residual|: {np.abs(residual).max():.3f}")
early = table.num_characters <= table.groupby(RUN).num_characters.transform("min")
fig, axes = plt.subplots(3, 1, figsize=(5.8, 5.8), sharey=True, layout="constrained")
labels = ["non-vocabulary parameters N", "vocabulary size V", "characters seen H"]
for ax, column, label in zip(axes, TASK.input_names, labels):
    ax.scatter(table.loc[~early, column], residual[~early], s=4, alpha=0.4, label="later checkpoints")
    ax.scatter(table.loc[early, column], residual[early], s=6, color="tab:red", label="first (5%) checkpoint")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label, ylabel="loss - law", title=f"Residuals against {label.split()[-1]}")
fig.legend(*axes[0].get_legend_handles_labels(), ncol=2, loc="outside lower center")
vocab_ticks(axes[1])
plt.show()
by_vocab = residual.groupby(table.vocab_size).mean()
by_size = residual.groupby(table.non_vocab_parameters).mean()
print(f"mean residual per vocabulary: {by_vocab.min():.3f} to {by_vocab.max():.3f}; "
      f"per model size: {by_size.min():.3f} to {by_size.max():.3f}")

# %% [markdown]
# Against $V$, the axis the test extrapolates in, the residuals show little trend. Against $N$,
# the runs of each size sit slightly off the law: a smooth law in $N$ cannot follow individual
# model sizes. Against $H$, the residuals form a wave along each run, the imprint of the
# learning-rate schedule (warm-up, then decay), which no law in the data seen alone can follow.
# The first checkpoints (red) fit worst.
#
# ## Prediction intervals, and how often they cover
#
# A 90% prediction interval carries the run-to-run noise (the residuals' spread); the law's own
# spread (the constants' bootstrap, and the spread between the law and the form the backtests
# could not tell from it, `rare-one-size`), multiplied by a new-run scale $s_0 \ge 1$; and an
# extrapolation term that grows with the distance beyond the largest trained vocabulary, in units
# of one grid step (a factor 1.34). The scale and the term are calibrated together on the three
# backtests: the narrowest interval that covers 90% of their held-out rows. The coverage of each
# origin below uses the terms calibrated on the other two; the width is relative to the spread of
# the held loss. Beyond the farthest distance the backtests scored, the whole interval grows by
# the rule the backtests' errors follow (at least in proportion to the distance), and the
# prediction is flagged `beyond_reach`.

# %%
calibration = study.calibration
uncertainty = record.uncertainty
print(f"extrapolation term: {uncertainty.extrapolation_sd[0]:.4f} nats per unit of distance; validated up to "
      f"{calibration.validated_distance:.2f} units, growing as distance^{calibration.growth:.2f} beyond")
calibration.coverage.round(3)

# %% [markdown]
# Calibrated on the other two origins, the intervals cover 92.5%, 83% and 94% of each origin's
# held rows (90% asked), at a width of 0.28 to 0.34 times the spread of the held loss. They need
# no term for the distance (0.0000): the noise and the law's own spread, scaled by the new-run
# scale, cover the backtests' errors one grid step out. Every backtest scores runs one full grid
# step beyond its fit, so the backtests validate the reach up to a distance of 1: one step beyond
# the largest trained vocabulary (86K) is inside it, and only predictions farther out are flagged
# `beyond_reach`, with intervals growing in proportion to the distance (the backtests' errors
# lie at distances too close together to read a faster growth off them).

# %% [markdown]
# ## Extrapolation in vocabulary size
#
# The last checkpoint of four model sizes against $V$, with the law extended to 128K tokens and
# its 90% interval. Beyond the trained vocabularies, the characters a run would see are
# extrapolated with the measured characters per token. Past one grid step beyond 64K (86K, the
# distance the backtests validated) the interval grows fast with the distance, and leaves the
# plot before 128K.

# %% tags=["hide-input"]
vocab_grid = np.geomspace(4096, 131072, 60)
fig, ax = plt.subplots(figsize=(5.8, 2.9), layout="constrained")
for size in sizes[[0, 2, 4, 5]]:
    rows = final[final.non_vocab_parameters == size]
    run_tokens = rows.num_characters.iloc[0] / vocabs[0] ** token_slope  # up to a constant
    grid = {"non_vocab_parameters": np.full(vocab_grid.size, size), "vocab_size": vocab_grid,
            "num_characters": run_tokens * vocab_grid**token_slope}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        band = LAW.predict(grid, record, interval=0.9)
    color = cmap(list(sizes).index(size) / 5)
    ax.plot(vocab_grid, band.unigram_normalized_loss, color=color, label=f"{size / 1e6:.0f}M")
    ax.fill_between(vocab_grid, band.unigram_normalized_loss_low, band.unigram_normalized_loss_high,
                    color=color, alpha=0.2)
    ax.plot(rows.vocab_size, rows.unigram_normalized_loss, "o", color=color, ms=4)
ax.axvline(vocabs[-1], color="grey", ls="--", lw=0.8)
ax.set(xscale="log", xlabel="vocabulary size V", ylabel="final unigram-normalised loss",
       ylim=(-5.6, -3.6), title="End of each run (dots), the law, 90% interval")
vocab_ticks(ax, largest=131072)
fig.legend(*ax.get_legend_handles_labels(), title="N", loc="outside right upper")
plt.show()

# %%
target = selection.target_grid(table, TASK, {"vocab_size": SOURCE_TARGET})
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    at_target = LAW.predict(target, record, interval=0.9)
width = at_target.unigram_normalized_loss_high - at_target.unigram_normalized_loss_low
print(f"at V = {target.vocab_size.iloc[0]:.0f}: median width of the 90% interval {width.median():.3f} nats, "
      f"{width.median() / table.unigram_normalized_loss.std():.2f} of the loss's spread over all runs")

# %% [markdown]
# Beyond the largest trained vocabulary the law predicts a gently rising loss for the small
# models, whose data cannot feed a large vocabulary, and a nearly flat one for the largest.
#
# **Where not to trust it.**
#
# - At equal characters and little data ($H \lesssim 3\times10^9$), the law predicts a larger model
#   to be slightly *worse*. This reproduces the schedules of this study, where every run's length
#   scales with the model. It is not a property of model size, so κ and the small α should not be
#   carried to other training designs.
# - The first checkpoints of each run fit worst, because warm-up and schedule dominate there; the
#   rare-token limit overstates the cost of a large vocabulary early in training.
# - The law predicts the loss at a given number of characters, not at a given compute. It ignores
#   the extra compute of a larger embedding and softmax, small for large models.
# - Beyond 1.13B parameters the decision leans on Tao et al.'s figures, which the law was checked
#   against, not on these runs.
#
# ## Using the law: which vocabulary?
#
# The loss $-1/R$ rises with the sum of the resistances $R$, so the best vocabulary at given
# non-vocabulary parameters and characters minimises the two terms of $R$ that depend on it,
# $C/v + D (v/\tilde h)^{\beta}$. Setting their derivative to zero gives the closed form above. The
# optimum is flat, so the decision also reports its *basin*: the vocabularies whose predicted loss
# is within `tolerance` nats of the optimum (by root finding on each side), and the cost of
# halving or doubling it. Intervals (80%) pool the bootstrap refits of the law, at half the
# weight, and those of the form the backtests could not tell from it (`rare-one-size`), at the
# other half, so they carry the form's uncertainty as well as the constants'.
#
# A study of your own runs may choose another form of the pool, so the decision answers for any
# form: where the form is not this law's, the optimum is found numerically (the lowest predicted
# loss on a grid of $V$ from $10^3$ to $10^{10}$, refined by golden-section search) and so are the
# ends of the basin (by root finding). A form whose loss has no minimum inside that grid has no
# optimal vocabulary, and says so; a basin that runs to the end of the grid is reported as open
# there, not as an end.

# %% tags=["export"]
def _basin_edge(excess, log_best, direction):
    """The log vocabulary on one side of the optimum where ``excess`` (negative at the optimum) crosses 0."""
    from scipy import optimize  # here, not at import: predicting needs no scipy

    step = 1.0
    while excess(log_best + direction * step) < 0:
        step *= 2.0
    return optimize.brentq(excess, *sorted((log_best, log_best + direction * step)), xtol=1e-10)


#: Where the numerical path looks for an optimum and its basin: 1e3 to 1e10 tokens.
_SEARCH = (3.0 * np.log(10.0), 10.0 * np.log(10.0))
_LOG_GRID = np.linspace(*_SEARCH, 1401)


def _optimum_numerically(fitted, non_vocab_parameters, num_characters, tolerance):
    """The optimum of any form of the pool, its basin and its costs, from ``fitted.predict``."""
    from scipy import optimize  # here, not at import: predicting needs no scipy

    def loss(log_v):
        log_v = np.atleast_1d(np.asarray(log_v, dtype=float))
        with np.errstate(all="ignore"):
            return fitted.predict({"non_vocab_parameters": np.full(log_v.shape, non_vocab_parameters),
                                   "vocab_size": np.exp(log_v), "num_characters": np.full(log_v.shape, num_characters)})

    values = loss(_LOG_GRID)
    where = f"at {non_vocab_parameters:.3g} parameters and {num_characters:.3g} characters"
    if not np.all(np.isfinite(values)):
        raise data.InputError(f"optimal_vocab: this form has no finite prediction {where}")
    i = int(np.argmin(values))
    if i in (0, _LOG_GRID.size - 1) or np.ptp(values) < 1e-12:
        raise data.InputError(f"optimal_vocab: this form has no optimal vocabulary between 1e3 and 1e10 tokens {where}")
    low, high = _LOG_GRID[i - 1], _LOG_GRID[i + 1]
    golden = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(80):
        a, b = high - golden * (high - low), low + golden * (high - low)
        at_a, at_b = loss([a, b])
        low, high = (low, b) if at_a < at_b else (a, high)
    log_best = 0.5 * (low + high)
    best = float(loss(log_best)[0])
    if tolerance >= -best:
        raise data.InputError(
            f"tolerance: {tolerance!r} nats is not below the predicted gain over a unigram model ({-best:.4g} nats)")
    answer = {"vocab_size": float(np.exp(log_best)), "unigram_normalized_loss": best}
    open_ends = []
    for side, direction in (("basin_low", -1), ("basin_high", 1)):
        beyond = np.flatnonzero((values > best + tolerance) & (np.sign(_LOG_GRID - log_best) == direction))
        if beyond.size == 0:
            open_ends.append(f"within {tolerance:g} nats of the optimum {'down' if direction < 0 else 'up'} to "
                             f"{np.exp(_SEARCH[0 if direction < 0 else 1]):.0e} tokens, the end of the search")
            continue
        edge = _LOG_GRID[beyond[-1] if direction < 0 else beyond[0]]
        answer[side] = float(np.exp(optimize.brentq(lambda x: loss(x)[0] - best - tolerance,
                                                    *sorted((log_best, edge)), xtol=1e-10)))
    if open_ends:
        answer["basin_open"] = "; ".join(open_ends)
    answer["cost_of_half"] = float(loss(log_best - np.log(2.0))[0] - best)
    answer["cost_of_double"] = float(loss(log_best + np.log(2.0))[0] - best)
    return answer


@LAW.decision(
    units={"vocab_size": "tokens", "unigram_normalized_loss": "nats", "basin_low": "tokens",
           "basin_high": "tokens", "tolerance": "nats", "cost_of_half": "nats", "cost_of_double": "nats",
           "basin_open": "text"},
    interval=("vocab_size", "unigram_normalized_loss", "basin_low", "basin_high"),
    main=True,
)
def optimal_vocab(fitted, non_vocab_parameters: float, num_characters: float, tolerance: float = 0.01):
    """The vocabulary size that minimises the loss at given non-vocabulary parameters and characters.

    Returns ``vocab_size`` (the optimum: closed form for this law, numerical for another form
    of the pool), the predicted ``unigram_normalized_loss`` there, ``basin_low`` /
    ``basin_high`` (the vocabularies whose predicted loss is within ``tolerance`` nats of the
    optimum; for another form, an end that lies beyond 1e3-1e10 tokens is left out and
    ``basin_open`` says so), and the loss cost of halving and of doubling the optimum.
    """
    tolerance = decide.positive("tolerance", tolerance)
    if fitted.law.formula is not formula:  # another form of the pool: numerically
        answer = _optimum_numerically(fitted, non_vocab_parameters, num_characters, tolerance)
        return {"non_vocab_parameters": non_vocab_parameters, "num_characters": num_characters, **answer,
                "tolerance": tolerance}
    A, alpha, B, beta, kappa, C, D = fitted.constants
    if min(A, B, beta, C, D) <= 0:
        raise data.InputError("params: these constants have no vocabulary optimum (A, B, beta, C and D must be positive)")
    n, h = non_vocab_parameters / 1e9, num_characters / 1e10
    effective = h * n**-kappa
    fixed = A * n**-alpha + B * effective**-beta
    rare = D * effective**-beta  # the rare-token limit is rare * v^beta

    def resistance(v):
        return fixed + C / v + rare * v**beta

    best = (C / (beta * rare)) ** (1.0 / (1.0 + beta))
    loss = -1.0 / resistance(best)
    if tolerance >= -loss:
        raise data.InputError(
            f"tolerance: {tolerance!r} nats is not below the predicted gain over a unigram model ({-loss:.4g} nats)"
        )

    def excess(log_v):
        return resistance(np.exp(log_v)) - 1.0 / (-loss - tolerance)

    low, high = (1e4 * np.exp(_basin_edge(excess, np.log(best), d)) for d in (-1.0, 1.0))
    return {
        "non_vocab_parameters": non_vocab_parameters, "num_characters": num_characters,
        "vocab_size": float(1e4 * best), "unigram_normalized_loss": float(loss),
        "basin_low": float(low), "basin_high": float(high), "tolerance": tolerance,
        "cost_of_half": float(-1.0 / resistance(best / 2) - loss),
        "cost_of_double": float(-1.0 / resistance(best * 2) - loss),
    }


# %% [markdown]
# A second question people ask is narrower: of a few vocabularies I could use (those of existing
# tokenizers, say), which is best for my model and data, and how sure is the law? The decision
# below answers it, with the probability (over the bootstrap refits) that the best stays best.

# %% tags=["export"]
@LAW.decision(
    units={"vocab_sizes": "tokens", "unigram_normalized_loss": "nats", "loss_over_best": "nats",
           "best": "tokens (as text)"},
    interval=("unigram_normalized_loss", "best"),
)
def compare_vocabs(fitted, non_vocab_parameters: float, num_characters: float, vocab_sizes: list):
    """Which of several vocabulary sizes gives the lowest loss at given parameters and characters.

    Returns the predicted ``unigram_normalized_loss`` of each of ``vocab_sizes``, its
    ``loss_over_best``, and the ``best`` one (as text, with the probability that it stays best
    over the bootstrap refits).
    """
    if isinstance(vocab_sizes, (str, bytes)) or not hasattr(vocab_sizes, "__len__") or len(vocab_sizes) < 2:
        raise data.InputError(f"vocab_sizes: expected a list of at least two vocabulary sizes, got {vocab_sizes!r}")
    sizes = [decide.positive("vocab_sizes", v) for v in vocab_sizes]
    count = len(sizes)
    loss = fitted.predict({"non_vocab_parameters": np.full(count, non_vocab_parameters), "vocab_size": sizes,
                           "num_characters": np.full(count, num_characters)})
    best = int(np.argmin(loss))
    return {
        "vocab_sizes": sizes, "unigram_normalized_loss": [float(x) for x in loss],
        "loss_over_best": [float(x - loss[best]) for x in loss], "best": f"{sizes[best]:g}",
        "warnings": fitted.outside(vocab_size=sizes),
    }


# %% [markdown]
# **Against the data.** For each model size, at the characters of the final checkpoint of its
# 4K-vocabulary run, the law's optimum beside the trained vocabulary whose measured loss is
# lowest there (the interpolation of the data section). The last column is what following the
# law would have cost in the data: the measured loss at the trained vocabulary nearest to the
# law's optimum, minus the best measured loss.

# %%
rows = []
for size in sizes:
    characters = per_token.loc[size, vocabs[0]]
    with warnings.catch_warnings():  # the optimum of the largest models may lie beyond 64K
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        decision = optimal_vocab(size, characters, constants=record)
    measured = common[size]
    best = decision.answer["vocab_size"]
    low, high = decision.interval["vocab_size"]
    nearest = vocabs[np.argmin(np.abs(np.log(vocabs / best)))]
    rows.append({
        "N": f"{size / 1e6:.0f}M", "characters": f"{characters:.3g}", "law's best V": tokens(best),
        "80% interval": f"{tokens(low)}-{tokens(high)}",
        "basin (0.01 nats)": f"{tokens(decision.answer['basin_low'])}-{tokens(decision.answer['basin_high'])}",
        "best trained V": tokens(measured.idxmin()), "law / data": round(best / measured.idxmin(), 2),
        "cost of the law's V (measured)": round(measured[nearest] - measured.min(), 3),
    })
against_data = pd.DataFrame(rows)
against_data

# %% [markdown]
# The law's optimum follows the data's, from 7K at 33M to 40K at 1.13B, within a factor 1.75 of
# the measured best at every size (closest at the larger ones), and following it would have cost
# at most 0.033 nats in the data, about the scatter between neighbouring runs.
#
# **Against Tao et al. (2024)**, the check the protocol applied, now with the stored law and its
# 80% intervals (which pool the refits of the law and of `rare-one-size`: at 7B, 61.5K-84.0K,
# where the law's refits alone gave 63.5K-77.3K):

# %%
rows = []
with warnings.catch_warnings():  # all four sizes lie far beyond the trained models
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for point in TAO.itertuples():
        decision = optimal_vocab(point.N, point.characters, constants=record)
        best = decision.answer["vocab_size"]
        low, high = decision.interval["vocab_size"]
        rows.append({
            "N": f"{point.N / 1e9:g}B", "characters": f"{point.characters:.2g}",
            "Tao et al.": tokens(point.tao_vocab) + ("" if point.N in (7e9, 70e9) else " (interpolated)"),
            "law": tokens(best), "law / Tao": round(best / point.tao_vocab, 2), "80% interval": f"{tokens(low)}-{tokens(high)}",
            "basin (0.01 nats)": f"{tokens(decision.answer['basin_low'])}-{tokens(decision.answer['basin_high'])}",
            "cost of V/2": round(decision.answer["cost_of_half"], 4),
        })
against_tao = pd.DataFrame(rows)
against_tao

# %% [markdown]
# Along Tao et al.'s compute-optimal budgets the law's optimum grows as about $N^{0.46}$ (theirs:
# $N^{0.54}$), from 49K at 2.87B to 209K at 70B, within 25% of their figures. The basin is wide
# but bounded: at 70B any vocabulary from about 50K to 900K is within 0.01 nats of the optimum, and
# halving the optimum costs only 0.002 nats there. The figure follows the
# optimum along those budgets from the trained sizes to 70B, with the basin shaded; dots are the
# best trained vocabularies, squares Tao et al.'s figures (the bars their range of three
# approaches).

# %% tags=["hide-input"]
model_grid = np.geomspace(sizes[0], 7e10, 24)
budget_grid = 6.8e11 * (model_grid / 7e9) ** CHARACTER_EXPONENT
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    path = [optimal_vocab(m, c, constants=record) for m, c in zip(model_grid, budget_grid)]
optimum = np.array([d.answer["vocab_size"] for d in path])
fig, ax = plt.subplots(figsize=(5.8, 3.6), layout="constrained")
ax.plot(model_grid, optimum, color="tab:blue", label="the law's optimum")
ax.fill_between(model_grid, [d.answer["basin_low"] for d in path], [d.answer["basin_high"] for d in path],
                color="tab:blue", alpha=0.15, label="its basin (0.01 nats)")
ax.fill_between(model_grid, [d.interval["vocab_size"][0] for d in path], [d.interval["vocab_size"][1] for d in path],
                color="tab:blue", alpha=0.3, lw=0, label="80% interval")
ax.plot(sizes, best_measured.to_numpy(), "o", color="black", ms=5, label="best trained V (data)")
ax.errorbar([7e9, 70e9], [63e3, 220e3], yerr=[[3e3, 8e3], [4e3, 11e3]], fmt="s", color="tab:red", ms=6,
            capsize=3, label="Tao et al. 2024")
ax.axvspan(sizes[0], sizes[-1], color="grey", alpha=0.08, lw=0)
ax.set(xscale="log", yscale="log", xlabel="non-vocabulary parameters N", ylabel="optimal vocabulary size",
       title="Optimal vocabulary against N (grey: trained sizes)")
fig.legend(*ax.get_legend_handles_labels(), ncol=3, loc="outside lower center")
plt.show()
growth = np.polyfit(np.log(model_grid[model_grid > 2e9]), np.log(optimum[model_grid > 2e9]), 1)[0]
print(f"beyond 2B parameters the law's optimum grows as N^{growth:.2f}")

# %% [markdown]
# ## The record
#
# The constants, their bootstrap refits, the noise and extrapolation terms of the intervals,
# the protocol's scores and this page's summary are stored in `laws/vocab.json` (rewritten only
# when they change beyond what another CPU's rounding moves).

# %%
headline = against_tao[against_tao.N == "7B"].iloc[0]
_ = study.store(
    summary={
        "question": "Which vocabulary size gives the lowest loss for a model of N non-vocabulary parameters "
                    "trained on H characters?",
        "headline": (f"A 7B model on 6.8e11 characters: {headline['law']} tokens (80% interval "
                     f"{headline['80% interval']}), where Tao et al. (2024) find 60K-67K."),
        "caveat": "Measured for 33M-1.13B parameters and 4K-64K tokens; the basin is wide, and beyond "
                  "1.13B the optimum rests on the check against Tao et al.",
    },
)

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = LAW.interfaces()

# %% [markdown]
# The stored constants predict what a refit on the training split predicts, to the contract's
# tolerance (relative $10^{-6}$ on every training row, on any machine), and the leaderboard
# interface predicts what `predict` does:

# %%
refit = fit(data.load("vocab"))
assert LAW.same_predictions(table)(PARAMS["all_data"], refit["all_data"], "all_data")
query = {"non_vocab_parameters": 1.1e9, "vocab_size": 32768, "num_characters": 1.6e11}
example = law([query], "all_data")
assert example[0]["unigram_normalized_loss"] == predict({k: [v] for k, v in query.items()})[0]
print(f"predicted unigram-normalised loss, 1.1B model, V = 32K, 1.6e11 characters: "
      f"{example[0]['unigram_normalized_loss']:.4f}")

# %% [markdown]
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, using the same routine,
# with bootstrap intervals (`scalinglaws fit vocab --csv runs.csv` does the same from the
# command line); `scalinglaws.study("vocab", runs)` (`scalinglaws study vocab --csv runs.csv`)
# runs the whole protocol instead, weighing every form of the pool on your runs. As an example, suppose we had only run the four smaller models (up to 316M),
# and then predict the two larger ones:

# %%
import scalinglaws

small_runs = table[table.non_vocab_parameters < 5e8]
own = scalinglaws.fit("vocab", small_runs, bootstrap=20, seed=0)
larger = table[table.non_vocab_parameters > 5e8]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    on_larger = own.predict(larger)
print(f"fitted to {own.rows} rows: R2 {own.r2:.4f}; R2 on the {len(larger)} rows of the two larger models: "
      f"{metrics.r2(larger.unigram_normalized_loss, on_larger):.4f}")
significant(own.intervals.drop(columns="group"))

# %% [markdown]
# Fitted on the four smaller models, the law predicts the rows of the two larger ones far less
# well than it extrapolates in $V$. The bootstrap intervals measure the noise of the rows, not
# the error of extrapolating in model size: α and κ carry this study's schedules, so fit the
# law on runs that span the model sizes you want to predict.
