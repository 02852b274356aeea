# %% [markdown]
# # Mixture of experts: what more experts are worth
#
# A mixture-of-experts (MoE) layer routes each token to a few of $E$ expert feed-forward
# blocks, so the parameter count grows with $E$ while the compute per token barely does. How
# does the loss fall with the dense (non-expert) size $N$ and with the number of experts $E$,
# and what will a 1.3B-parameter model gain from experts when only models up to 368M have
# been measured?
#
# **Task** `moe_scaling_law` of SLDBench (data of Krajewski et al. 2024): `num_experts`,
# `dense_parameter_count` → `loss_validation`, one group `all_data`, 193 training runs. The
# held-out test rows are the largest model (1.31B dense parameters) at every expert count; at
# most 6 constants.
#
# This notebook is the source of `scalinglaws.laws.moe`: the cells tagged `export` are
# written into that module by `scalinglaws export`.

# %% tags=["hide-input"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import data, decide, fitting, metrics, selection

pd.set_option("display.precision", 4)
pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 160)

table = data.load("moe")
TASK = data.task("moe")
TARGET_SIZE = 1.31e9
table.groupby("dense_parameter_count").agg(
    runs=("loss_validation", "size"), expert_counts=("num_experts", "nunique"),
    lowest_loss=("loss_validation", "min"), highest_loss=("loss_validation", "max"),
).round(4)

# %% [markdown]
# ## The data
#
# Five dense sizes (16.5M to 368M) by ten expert counts ($E = 1, 2, 4, \dots, 512$). Most
# cells hold three runs, some up to 13, that differ in settings the table does not record
# (granularity, training length), and the spread inside a cell is large: up to 0.09 nats.

# %% tags=["hide-input"]
cell = table.groupby(["dense_parameter_count", "num_experts"]).loss_validation
cells = cell.mean().rename("loss").reset_index()
sizes = np.sort(table.dense_parameter_count.unique())
experts = np.sort(table.num_experts.unique())
fig, axes = plt.subplots(1, 2, layout="constrained")
cmap = plt.get_cmap("viridis")
for i, e in enumerate(experts):
    rows = cells[cells.num_experts == e]
    axes[0].plot(rows.dense_parameter_count, rows.loss, "o-", ms=3, color=cmap(i / (len(experts) - 1)))
axes[0].set(xscale="log", xlabel="dense parameters N", ylabel="mean loss of the cell",
            title="Loss against N, per E")
axes[0].xaxis.set_minor_formatter(plt.NullFormatter())
scale = plt.cm.ScalarMappable(cmap=cmap, norm=plt.matplotlib.colors.LogNorm(experts[0], experts[-1]))
bar = fig.colorbar(scale, ax=axes[0], label="experts E", ticks=[1, 8, 64, 512])
bar.ax.set_yticklabels(["1", "8", "64", "512"])
bar.ax.minorticks_off()
for n in sizes:
    rows = table[table.dense_parameter_count == n]
    by_n = cells[cells.dense_parameter_count == n]
    line, = axes[1].plot(by_n.num_experts, by_n.loss, "o-", ms=3, label=f"{n / 1e6:.0f}M")
    axes[1].scatter(rows.num_experts, rows.loss_validation, s=6, alpha=0.35, color=line.get_color())
axes[1].set(xlabel="experts E", ylabel="loss", title="Loss against E, per N")
axes[1].set_xscale("log", base=2)
fig.legend(*axes[1].get_legend_handles_labels(), title="N (lines: cell means; dots: runs)", ncol=5,
           loc="outside lower center")
fig.suptitle("Both size and experts lower the loss; the expert gain shrinks with size")
plt.show()

# %% [markdown]
# The gain of each doubling of experts, measured as the difference of the cells' mean
# losses, in nats (rows: dense size; columns: the doubling):

# %% tags=["hide-input"]
means = cell.mean().unstack()
counts = cell.size().unstack()
measured_gain = means.to_numpy()[:, :-1] - means.to_numpy()[:, 1:]
doublings = [f"{e:g}->{2 * e:g}" for e in experts[:-1]]
size_labels = [f"{n / 1e6:.1f}M" for n in sizes]
pd.DataFrame(measured_gain, index=size_labels, columns=doublings).round(3)

# %% [markdown]
# What the data say:
#
# - **Diminishing returns in $E$, but not from the start.** The first doubling ($E = 1 \to 2$)
#   gains nothing measurable (it is negative at three sizes out of five); most later doublings
#   gain 0.03 to 0.09 nats each, with no hard saturation up to 512.
# - **The benefit of experts shrinks with size**: $L(1) - L(512)$ falls from 0.55 nats at
#   16.5M to 0.25 at 368M, at about the rate of the reducible loss itself.
# - **The noise is large.** Runs of one cell differ by 0.055 nats (pooled standard deviation),
#   so one doubling's measured gain carries a standard error of 0.035 to 0.065 nats, as large
#   as the gain. And the mean of each 368M cell, used as a prediction, explains only part of
#   the variance of the 368M runs (the noise ceiling of a score there):

# %%
pooled_sd = float(np.sqrt((cell.var().fillna(0.0) * (counts.stack() - 1)).sum() / (counts.stack() - 1).sum()))
top = table[table.dense_parameter_count == sizes[-1]]
ceiling = metrics.r2(top.loss_validation, top.groupby("num_experts").loss_validation.transform("mean"))
print(f"pooled run-to-run sd within a cell: {pooled_sd:.3f} nats; "
      f"noise ceiling at 368M (R2 of the cell means): {ceiling:.4f}")

# %% [markdown]
# The runs at one size vary little (their losses span a few tenths of a nat, most of it
# noise), so an R2 there is dominated by a constant offset: a form that predicts the right
# *level* at a new size scores well whatever its shape in $E$. We look at the bias per origin
# beside the R2.
#
# ## Candidate forms
#
# Each form is fitted by the package's routine (`fitting.fit_groups`: bounded multi-start
# least squares on the loss itself, since the metric is on the loss), with $x = N / 10^8$ and
# $s = \ln^2 E$. At most 6 constants each, except two references. Each has a key (in
# brackets), by which it can be used: `predict(X, form="seed")`.
#
# *Published:*
#
# 1. **The seed law** (`seed`; SLDBench's starting point, held-out R2 0.8327):
#    $L = A E^{-\alpha} N^{-\beta} + L_0$ (4), with $N$ in parameters as the seed program has
#    it. Its printed constants come with it: `predict(X, form="seed", published=True)`
#    evaluates the seed program's law ($A = 43.48$, $\alpha = 0.0740$, $\beta = 0.1990$,
#    $L_0 = 1.617$).
# 2. **Routed language models** (Clark et al. 2022): $\ln L = a \ln x + b \ln \hat E + c \ln x
#    \ln \hat E + d$ with a saturating $\hat E$ (two more constants: where saturation starts
#    and its ceiling) (`clark`, 6), and the same with $\hat E = E$ (`clark-plain`, 4).
# 3. **The leaderboard's best form** (`leaderboard`; SLDBench, 0.9632 held out, but chosen
#    with the test rows in view): $L = a x^{-b} / (1 + c\,s) + d \tanh(e E) + f$ (6): experts
#    divide the reducible loss, plus a size-independent term that saturates within the first
#    few dozen experts.
# 4. **The second published form** (`ratio`, 0.9616): $L = L_\infty + A / (x^{a} + g E^{b} / (1 + E/E_0))$ (6).
#
# *Conservative* (they promise less beyond the data):
#
# 5. **A benefit that does not shrink with size** (`constant-benefit`) and saturates in $E$:
#    $L = L_0 + A x^{-\alpha} - G\,s / (1 + c\,s)$ (5).
# 6. **A dense power law plus the measured offset of each expert count** (`offset-per-expert`),
#    $L = L_0 + A x^{-\alpha} + \delta_E$, and (7) **times the measured factor of each expert
#    count** (`factor-per-expert`), $L = L_0 + A x^{-\alpha} m_E$ (3 + 9 each: references that
#    say "what was measured at each $E$, moved to a new size", not laws within the limit).
#
# (A benefit capped at a fraction $g$ of the reducible loss, $L = L_0 + A x^{-\alpha} (1 - g
# (1 - E^{-\beta}))$, fits best with no cap, $g = 1$, where it is the seed law: it would only
# repeat it.)
#
# *Ours*, each testing one idea the plots raise:
#
# 8. *v1's law* (`v1`): $L = L_0 + A x^{-\alpha} / (1 + c\,s)$ (4);
# 9. the same with a free power (`free-power`), $1 + c \ln^p E$ (5);
# 10. *experts also lower the floor* (`lower-floor`): $L = L_0 + (A x^{-\alpha} - D) / (1 + c\,s)$ (5);
# 11. *a size-independent routing term* (`routing-term`): $L = L_0 + A x^{-\alpha} / (1 + c\,s) + D (1 - 1/E)$ (5);
# 12. *the experts' share shrinks with size* (`shrinking-share`): $L = L_0 + A x^{-\alpha} / (1 + c\,s\,x^{-\gamma})$ (5);
# 13. *two power laws* (`two-powers`): $L = L_0 + A x^{-\alpha} - B x^{-\beta} s / (1 + c\,s)$ (6).
#
# The pool is part of the law: the cell below is exported with it, so that a study of your own
# runs (`scalinglaws.study("moe", runs)`) weighs the same forms by the same protocol.

# %% tags=["export"]
import numpy as np

from scalinglaws import data, decide, fitting
from scalinglaws.law import Law
from scalinglaws.pool import Candidate, Protocol

TASK = data.task("moe")

#: The seed law's constants (A, alpha, beta, L0) as SLDBench's leaderboard printed them.
SEED_SOURCE = "SLDBench seed (gemini-cli, Gemini 2.5 Flash)"
SEED_CONSTANTS = [43.47573060740084, 0.07398280187051419, 0.19898571805319756, 1.6170183728670307]


def _x(X):
    return np.asarray(X["dense_parameter_count"], dtype=float) / 1e8


def _e(X):
    return np.asarray(X["num_experts"], dtype=float)


def seed_law(X, params):
    """A E^-alpha N^-beta + L0, with N in parameters: the seed program's law."""
    A, alpha, beta, L0 = params
    N = np.asarray(X["dense_parameter_count"], dtype=float)
    return A * _e(X) ** -alpha * N**-beta + L0


def _seed_scaled(X, params):
    """The seed law with its scale as a log at x = N / 1e8, where a fit is well conditioned."""
    log_A, alpha, beta, L0 = params
    return np.exp(log_A - alpha * np.log(_e(X)) - beta * np.log(_x(X))) + L0


_SEED_GRID = fitting.grid_starts([-1, 0], [0.05], [0.1, 0.3], [0.5, 1.5])
_SEED_BOUNDS = ([-np.inf, 0, 0, 0], [np.inf, 2, 2, 5])


def fit_seed(rows, start=None):
    """The seed form, fitted as log A at x = N / 1e8 and returned as the seed's (A, alpha, beta, L0)."""
    scaled = None if start is None else {
        g: [float(np.log(v[0]) - v[2] * np.log(1e8)), v[1], v[2], v[3]] for g, v in start.items()}
    fitted = fitting.fit_groups(_seed_scaled, rows, TASK, _SEED_GRID, bounds=_SEED_BOUNDS, start=scaled)
    return {g: [float(np.exp(v[0] + v[2] * np.log(1e8))), v[1], v[2], v[3]] for g, v in fitted.items()}


def _saturating_experts(E, log_start, log_max):
    start, most = np.exp(log_start), np.exp(log_max)
    inverse = np.maximum(1.0 / start - 1.0 / most, 1e-12)
    return 1.0 / (1.0 / (E - 1.0 + 1.0 / inverse) + 1.0 / most)


def clark(X, params):
    """ln L bilinear in ln x and the log of a saturating expert count (Clark et al. 2022)."""
    a, b, c, d, log_start, log_max = params
    lx, le = np.log(_x(X)), np.log(_saturating_experts(_e(X), log_start, log_max))
    return np.exp(a * lx + b * le + c * lx * le + d)


def clark_plain(X, params):
    """ln L bilinear in ln x and ln E."""
    d, a, b, c = params
    lx, le = np.log(_x(X)), np.log(_e(X))
    return np.exp(d + a * lx + b * le + c * lx * le)


def leaderboard(X, params):
    """Validation loss: experts divide the reducible loss by 1 + c ln^2 E, and a
    size-independent term d tanh(e E) saturates within the first few dozen experts."""
    a, b, c, d, e, f = params
    E = _e(X)
    return a * _x(X) ** -b / (1.0 + c * np.log(E) ** 2) + d * np.tanh(e * E) + f


def ratio(X, params):
    """L_inf + A / (x^a + g E^b / (1 + E/E0)), with A, g and E0 as logs."""
    L_inf, log_A, a, log_g, b, log_E0 = params
    E = _e(X)
    return L_inf + np.exp(log_A) / (_x(X) ** a + np.exp(log_g) * E**b / (1 + E / np.exp(log_E0)))


def constant_benefit(X, params):
    """L0 + A x^-alpha - G s / (1 + c s), s = ln^2 E."""
    L0, A, alpha, G, c = params
    s = np.log(_e(X)) ** 2
    return L0 + A * _x(X) ** -alpha - G * s / (1 + c * s)


def _per_expert(X, values, empty):
    index = np.clip(np.round(np.log2(_e(X))).astype(int), 0, len(values))
    return np.concatenate([[empty], values])[index]


def offset_per_expert(X, params):
    """L0 + A x^-alpha + delta_E: the measured offset of each expert count 2..512."""
    L0, A, alpha = params[:3]
    return L0 + A * _x(X) ** -alpha + _per_expert(X, np.asarray(params[3:]), 0.0)


def factor_per_expert(X, params):
    """L0 + A x^-alpha m_E: the measured factor of each expert count 2..512."""
    L0, A, alpha = params[:3]
    return L0 + A * _x(X) ** -alpha * _per_expert(X, np.asarray(params[3:]), 1.0)


def v1(X, params):
    """L0 + A x^-alpha / (1 + c s): this law's first version."""
    L0, A, alpha, c = params
    return L0 + A * _x(X) ** -alpha / (1.0 + c * np.log(_e(X)) ** 2)


def free_power(X, params):
    L0, A, alpha, c, p = params
    return L0 + A * _x(X) ** -alpha / (1 + c * np.log(_e(X)) ** p)


def lower_floor(X, params):
    L0, A, alpha, c, D = params
    return L0 + (A * _x(X) ** -alpha - D) / (1 + c * np.log(_e(X)) ** 2)


def routing_term(X, params):
    L0, A, alpha, c, D = params
    E = _e(X)
    return L0 + A * _x(X) ** -alpha / (1 + c * np.log(E) ** 2) + D * (1 - 1 / E)


def shrinking_share(X, params):
    L0, A, alpha, c, gamma = params
    return L0 + A * _x(X) ** -alpha / (1 + c * np.log(_e(X)) ** 2 * _x(X) ** -gamma)


def two_powers(X, params):
    L0, A, alpha, B, beta, c = params
    s = np.log(_e(X)) ** 2
    return L0 + A * _x(X) ** -alpha - B * _x(X) ** -beta * s / (1 + c * s)


def alone(law_predict, starts, bounds, keep=None):
    """A fitter of one form on each group, by the package's routine (warm-startable)."""
    grid = fitting.grid_starts(*starts)
    return lambda rows, start=None: fitting.fit_groups(law_predict, rows, TASK, grid, bounds=bounds,
                                                        keep=keep, start=start)


# 8 starts; the scale a, the exponent b, the experts' strength c and the rate e are positive,
# the saturating term d is free in sign.
_STARTS = fitting.grid_starts([0.8], [0.2, 0.5], [0.01], [-0.1, 0.1], [0.05, 1.0], [1.5])
_BOUNDS = ([0.0, 0.0, 0.0, -5.0, 0.0, 0.0], [50.0, 3.0, 10.0, 5.0, 10.0, 5.0])


def fit_constants(table, start=None):
    """Multi-start least squares on the loss (deterministic); ``start`` warm-starts a refit."""
    return fitting.fit_groups(leaderboard, table, TASK, _STARTS, bounds=_BOUNDS, start=start)


INF = np.inf
_EXPERT_COUNTS = [2**k for k in range(1, 10)]
_PER_EXPERT_BOUNDS = {"offset": ([0, 0, 0] + [-2] * 9, [5, 50, 3] + [2] * 9),
                      "factor": ([0, 0, 0] + [0] * 9, [5, 50, 3] + [3] * 9)}
_FLOOR_SIZE = ("L0", "A", "alpha")
CANDIDATES = [
    Candidate("seed: A E^-alpha N^-beta + L0", "4", key="seed", kind="published", origin="SLDBench seed law",
              param_names=("A", "alpha", "beta", "L0"), published={SEED_SOURCE: SEED_CONSTANTS},
              fit=fit_seed, predict=seed_law),
    Candidate("Clark: ln L bilinear in ln x and saturating ln E", "6", key="clark", kind="published",
              origin="Clark et al. 2022", param_names=("a", "b", "c", "d", "log_start", "log_max"),
              fit=alone(clark, [[-0.05], [-0.02], [0.0, 0.005], [0.9], [np.log(1.01), np.log(8)],
                                [np.log(64), np.log(1e3), np.log(1e5)]],
                        ([-2, -2, -2, -INF, np.log(1.0001), np.log(1.01)], [2, 2, 2, INF, np.log(1e4), np.log(1e7)])),
              predict=clark),
    Candidate("Clark without saturation", "4", key="clark-plain", kind="published", origin="Clark et al. 2022",
              param_names=("d", "a", "b", "c"),
              fit=alone(clark_plain, [[0.9], [-0.05], [-0.02], [0.0, 0.005]], ([-INF, -2, -2, -1], [INF, 2, 2, 1])),
              predict=clark_plain),
    Candidate("leaderboard: a x^-b / (1 + c s) + d tanh(e E) + f", "6", key="leaderboard", kind="published",
              origin="SLDBench leaderboard (0.9632)", param_names=("a", "b", "c", "d", "e", "f"),
              fit=fit_constants, predict=leaderboard),
    Candidate("ratio: L_inf + A / (x^a + g E^b / (1 + E/E0))", "6", key="ratio", kind="published",
              origin="published (0.9616)", param_names=("L_inf", "log_A", "a", "log_g", "b", "log_E0"),
              fit=alone(ratio, [[0.5, 1.5], [0], [0.1, 0.4], [-3], [0.3, 1], [np.log(1e4)]],
                        ([0, -INF, 0, -INF, 0, 0], [5, INF, 3, INF, 3, np.log(1e7)])),
              predict=ratio),
    Candidate("benefit not shrinking with size: L0 + A x^-alpha - G s / (1 + c s)", "5", key="constant-benefit",
              kind="conservative", origin="reference", param_names=(*_FLOOR_SIZE, "G", "c"),
              fit=alone(constant_benefit, [[1.0, 1.8], [0.5, 1.0], [0.1, 0.3], [0.01, 0.05], [0.0, 0.05]],
                        ([0, 0, 0, 0, 0], [5, 50, 3, 5, 10])),
              predict=constant_benefit),
    Candidate("dense power law + measured offset per E", "3 + 9", key="offset-per-expert", kind="conservative",
              origin="reference", param_names=(*_FLOOR_SIZE, *(f"delta_{e}" for e in _EXPERT_COUNTS)),
              fit=alone(offset_per_expert, [[1.0, 1.8], [0.5, 1.0], [0.1, 0.3, 0.6], *[[0.0]] * 9],
                        _PER_EXPERT_BOUNDS["offset"], keep=4),
              predict=offset_per_expert),
    Candidate("dense power law x measured factor per E", "3 + 9", key="factor-per-expert", kind="conservative",
              origin="reference", param_names=(*_FLOOR_SIZE, *(f"m_{e}" for e in _EXPERT_COUNTS)),
              fit=alone(factor_per_expert, [[1.0, 1.8], [0.5, 1.0], [0.1, 0.3, 0.6], *[[1.0]] * 9],
                        _PER_EXPERT_BOUNDS["factor"], keep=4),
              predict=factor_per_expert),
    Candidate("v1: L0 + A x^-alpha / (1 + c s)", "4", key="v1", origin="ours (v1)", param_names=(*_FLOOR_SIZE, "c"),
              fit=alone(v1, [[1.0, 1.8], [0.5, 1.0], [0.1, 0.25, 0.5], [0.003, 0.02, 0.1]],
                        ([0.0] * 4, [5.0, 50.0, 3.0, 10.0]), keep=4),
              predict=v1),
    Candidate("free power: L0 + A x^-alpha / (1 + c ln^p E)", "5", key="free-power", origin="ours",
              param_names=(*_FLOOR_SIZE, "c", "p"),
              fit=alone(free_power, [[0.5, 1.5], [0.4, 1.0], [0.1, 0.4], [0.007, 0.05], [1, 2]],
                        ([0, 0, 0, 0, 0.5], [5, 50, 3, 10, 4])),
              predict=free_power),
    Candidate("lower floor: L0 + (A x^-alpha - D) / (1 + c s)", "5", key="lower-floor", origin="ours",
              param_names=(*_FLOOR_SIZE, "c", "D"),
              fit=alone(lower_floor, [[0.5, 1.5], [0.4, 1.0], [0.1, 0.4], [0.007, 0.05], [-0.3, 0.3]],
                        ([0, 0, 0, 0, -2], [5, 50, 3, 10, 2])),
              predict=lower_floor),
    Candidate("routing term: L0 + A x^-alpha / (1 + c s) + D (1 - 1/E)", "5", key="routing-term", origin="ours",
              param_names=(*_FLOOR_SIZE, "c", "D"),
              fit=alone(routing_term, [[0.5, 1.5], [0.4, 1.0], [0.1, 0.4], [0.007, 0.05], [-0.05, 0.05]],
                        ([0, 0, 0, 0, -1], [5, 50, 3, 10, 1])),
              predict=routing_term),
    Candidate("shrinking share: L0 + A x^-alpha / (1 + c s x^-gamma)", "5", key="shrinking-share", origin="ours",
              param_names=(*_FLOOR_SIZE, "c", "gamma"),
              fit=alone(shrinking_share, [[1.0, 1.8], [0.5, 1.0], [0.1, 0.3], [0.01, 0.05], [0.0, 0.2]],
                        ([0, 0, 0, 0, -2], [5, 50, 3, 10, 2])),
              predict=shrinking_share),
    Candidate("two powers: L0 + A x^-alpha - B x^-beta s / (1 + c s)", "6", key="two-powers", origin="ours",
              param_names=(*_FLOOR_SIZE, "B", "beta", "c"),
              fit=alone(two_powers, [[1.0, 1.8], [0.5, 1.0], [0.1, 0.3], [0.05, 0.2], [0.1, 0.3], [0.0, 0.05]],
                        ([0, 0, 0, 0, -2, 0], [5, 50, 3, 10, 3, 10])),
              predict=two_powers),
]

# %% [markdown]
# ## Choosing the law: the selection protocol
#
# The test size, 1.31B, lies a factor $1.31\text{B} / 368\text{M} = 3.56$ beyond the largest
# training size: that is the protocol's reach (`source_target` below; on your own runs the
# reach comes from the points you ask about, or from the spacing of your largest sizes). Each
# backtest fits on the runs up to a forecast origin in $N$ and scores the runs up to 3.56 times
# beyond it. The origins are the measured sizes from the second largest down; the sizes are
# 16.5M, 27.3M, 57.4M, 132M and 368M (each 1.7 to 2.8 times the one before), so every origin
# scores exactly the next size. An origin needs three sizes to fit on, because every form has
# three size constants (a floor, a scale and an exponent) that two sizes cannot separate: that
# leaves two origins, $N \le 132\text{M} \to 368\text{M}$ and $N \le 57.4\text{M} \to
# 132\text{M}$. The unit of every standard error and bootstrap is a cell of repeated runs (the
# default cluster, the inputs).
#
# **What is known.** Before a form can be the law, its decision must agree with the measured
# runs: at every measured size, the gain it predicts for each doubling of experts (from one
# measured count to the next) must lie within 2.5 standard errors of the measured difference of
# the cells' mean losses (the standard errors from the pooled run-to-run spread and the cells'
# run counts), with the same sign wherever the measured gain exceeds two standard errors; so
# must the whole gain from 1 to 512 experts. And a law must keep the task's limit of 6
# constants: the two per-$E$ references are scored, never chosen. The check is about Krajewski
# et al.'s runs: on other runs a study shows it but does not apply it.
#
# The protocol is exported with the pool (the cell below), and the law is the form it chooses.

# %% tags=["export"]
#: The held-out size of SLDBench's task: the largest model, 1.31B dense parameters.
TARGET_SIZE = 1.31e9
#: How many standard errors of a measured gain a form's predicted gain may be off.
TOLERANCE = 2.5


def measured_gains(table):
    """The gain of each doubling of experts measured in ``table``: per size (rows) and doubling
    (columns), the difference of the cells' mean losses and its standard error (from the pooled
    run-to-run spread within a cell and the cells' run counts); ``span``: the whole gain from the
    fewest to the most experts, with ``span_se``."""
    cell = table.groupby(["dense_parameter_count", "num_experts"]).loss_validation
    means, counts = cell.mean().unstack(), cell.size().unstack()
    dof = counts.stack() - 1
    pooled = float(np.sqrt((cell.var().fillna(0.0) * dof).sum() / dof.sum()))
    m, n = means.to_numpy(), counts.to_numpy()
    return {
        "sizes": means.index.to_numpy(dtype=float), "experts": means.columns.to_numpy(dtype=float),
        "means": m, "counts": n, "pooled_sd": pooled,
        "gain": m[:, :-1] - m[:, 1:], "gain_se": pooled * np.sqrt(1.0 / n[:, :-1] + 1.0 / n[:, 1:]),
        "span": m[:, 0] - m[:, -1], "span_se": pooled * np.sqrt(1.0 / n[:, 0] + 1.0 / n[:, -1]),
    }


_SOURCE = {}


def _source_gains():
    """The measured gains of Krajewski et al.'s runs (the packaged table), computed once."""
    if not _SOURCE:
        _SOURCE.update(measured_gains(data.load("moe")))
    return _SOURCE


def contradicts_measurements(candidate, constants):
    """Why a fitted form cannot be the law, or None: more constants than the task allows, or a
    gain per doubling of experts (or from 1 to 512 experts) that contradicts the measured runs."""
    vector = next(iter(constants.values()))
    if len(vector) > TASK.max_constants_per_group:
        return f"{len(vector)} constants, above the task's limit of {TASK.max_constants_per_group}"
    m = _source_gains()
    sizes, experts = m["sizes"], m["experts"]
    grid = {"num_experts": np.tile(experts, len(sizes)), "dense_parameter_count": np.repeat(sizes, len(experts))}
    with np.errstate(all="ignore"):
        loss = np.asarray(candidate.predict(grid, vector), dtype=float).reshape(len(sizes), len(experts))
    gain = loss[:, :-1] - loss[:, 1:]
    z = (gain - m["gain"]) / m["gain_se"]
    if not np.all(np.isfinite(z)):
        return "no finite prediction at the measured runs"
    i, j = np.unravel_index(np.argmax(np.abs(z)), z.shape)
    label, doubling = f"{sizes[i] / 1e6:.1f}M", f"{experts[j]:g}->{experts[j + 1]:g}"
    if abs(z[i, j]) > TOLERANCE:
        return (f"predicts {gain[i, j]:.3f} nats for E = {doubling} at {label}; "
                f"measured {m['gain'][i, j]:.3f} +- {m['gain_se'][i, j]:.3f}")
    wrong_sign = (m["gain"] > 2 * m["gain_se"]) & (gain <= 0)
    if wrong_sign.any():
        i, j = np.argwhere(wrong_sign)[0]
        return (f"predicts no gain for E = {experts[j]:g}->{experts[j + 1]:g} at {sizes[i] / 1e6:.1f}M, "
                "where one is measured")
    span_z = (loss[:, 0] - loss[:, -1] - m["span"]) / m["span_se"]
    if np.max(np.abs(span_z)) > TOLERANCE:
        i = int(np.argmax(np.abs(span_z)))
        return (f"predicts {loss[i, 0] - loss[i, -1]:.3f} nats from E = {experts[0]:g} to {experts[-1]:g} at "
                f"{sizes[i] / 1e6:.1f}M; measured {m['span'][i]:.3f} +- {m['span_se'][i]:.3f}")
    return None


def plan_example(table, points=None):
    """The experts plan a study reports: at the largest requested size, else the largest run's."""
    rows = table if points is None or not len(points) else points
    return {"dense_parameter_count": float(np.max(np.asarray(rows["dense_parameter_count"], dtype=float)))}


PROTOCOL = Protocol(
    CANDIDATES,
    axes=("dense_parameter_count",),
    source_target={"dense_parameter_count": TARGET_SIZE},
    checks=contradicts_measurements,
    decision_example=plan_example,
)

FORM = (
    r"L(N, E) = \frac{a\,x^{-b}}{1 + c\,\ln^{2} E} + d\,\tanh(e\,E) + f,"
    r" \quad x = N / 10^{8}"
)
PARAM_NAMES = ["a", "b", "c", "d", "e", "f"]
formula = leaderboard

LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants, protocol=PROTOCOL)
predict, fit = LAW.predict, LAW.fit

# %% [markdown]
# The study of the training runs: the backtests, every form scored from both origins, the
# survivors, the checks, the choice, the law refitted on all runs with 100 bootstrap refits
# (cells of repeated runs resampled, seed 0), and intervals calibrated on the backtests.

# %%
study = LAW.study(table)
evaluation, choice = study.evaluation, study.choice
print(f"reach: {study.reach['dense_parameter_count']:.2f}x in N; runs fitted / scored: "
      + ", ".join(f"{len(b.train)}/{len(b.held)}" for b in study.backtests))
evaluation.summary().drop(columns="kind").round(4)

# %% [markdown]
# R2 and bias (mean of prediction minus truth, in standard deviations of the held losses)
# per origin; the noise ceilings are 0.7359 at 368M and 0.9752 at 132M:

# %%
short = {b.origin: f"{b.origin.split('<= ')[1]} -> {b.held.dense_parameter_count.max() / 1e6:.0f}M"
         for b in study.backtests}
pd.concat({"R2": evaluation.table("r2"), "bias": evaluation.table("bias")}, axis=1).rename(columns=short).round(4)

# %% [markdown]
# The forms split by their **bias**. The pure power laws in $E$ (`seed`, `clark`, `ratio`) and
# the forms whose benefit does not shrink with size under-predict the loss at 368M by 0.4 to
# 0.5 standard deviations when they fit up to 132M: they extrapolate the experts' gain as if it
# did not shrink with size. `v1` and `shrinking-share` over-predict it by 0.2 to 0.3 at both
# origins. `leaderboard` and `lower-floor` stay within 0.1 standard deviations at both origins.
#
# ### Survivors, and the choice
#
# The best form that passes the checks, and every form the backtests cannot tell from it (its
# excess squared error over the best is within two standard errors, over cells), refitted on
# all runs, bootstrapped, and compared at the target: the measured settings moved to 1.31B.

# %%
print(study.choice.reason)
pd.Series(study.choice.excluded, name="excluded because", dtype=object).to_frame()

# %%
study.choice.at_target.round(4)

# %% [markdown]
# ### Identifiability: do the data decide?
#
# Every form refitted on all 193 runs and compared at 1.31B, the size the law must
# forecast. Forms that fit the training runs about equally well disagree there by up to a
# tenth of a nat on average over expert counts (below), where each form's bootstrap spread
# is about 0.01 (the table above): one noisy holdout cannot choose between all of them.
# The two backtests and their bias do part of the work: the forms that survive them (bold
# lines) agree at 1.31B within their bootstrap spread (`gap_in_sd` below 2 above).

# %% tags=["hide-input"]
record = study.record
survivors = [LAW.candidate(name).key for name in choice.survivors]
at_target = {}
for c in CANDIDATES:
    at_target[c.key] = np.asarray(c.predict({"num_experts": experts, "dense_parameter_count":
                                             np.full(experts.size, TARGET_SIZE)}, record.forms[c.key].params["all_data"]))
fig, ax = plt.subplots(figsize=(5.8, 5.8), layout="constrained")
markers = ["o", "s", "^", "v", "D", "P", "X", "*", "<", ">", "h", "p", "d", "8"]
styles = plt.get_cmap("tab20")
for k, (key, loss) in enumerate(at_target.items()):
    survivor = key in survivors
    ax.plot(experts, loss, "-" if survivor else "--", marker=markers[k % len(markers)], ms=4 if survivor else 3,
            lw=1.6 if survivor else 0.8, alpha=1.0 if survivor else 0.7, color=styles(k / len(at_target)),
            label=key + (" (survivor)" if survivor else ""))
ax.set_xscale("log", base=2)
ax.set(xlabel="experts E", ylabel="predicted loss at 1.31B", title="Every form fitted on all runs, at 1.31B")
fig.legend(ncol=2, loc="outside lower center")
plt.show()
spread = pd.Series({key: float(np.mean(loss)) for key, loss in at_target.items()})
print(f"mean predicted loss at 1.31B: {spread.min():.3f} to {spread.max():.3f} over all forms, "
      f"{spread[survivors].min():.3f} to {spread[survivors].max():.3f} over the survivors")

# %% [markdown]
# **History.** The first version of this law (v1) was $L_0 + A (N/10^8)^{-\alpha} / (1 + c
# \ln^2 E)$, chosen by one holdout (fit below 368M, score at 368M; validation R2 0.6843 against
# a noise ceiling of 0.736). Scored after release on the held-out 1.31B runs it reached R2
# **0.5216**, below the seed law (0.8327). The backtests show why, after the fact but without
# the test rows: v1's law over-predicts the loss at the next size from both origins (a
# positive bias of about 0.2 standard deviations), and at a size whose runs vary little, a
# constant offset is most of the R2. Its single holdout score (among the best there)
# could not separate forms whose predictions at 1.31B differ by more than their bootstrap
# spread; a second origin and the bias tell them apart (at the 57.4M origin v1's law scores
# 0.8677, the leaderboard's form 0.9642). The protocol picked the leaderboard's form in v2,
# refitted on the training runs only: the best median R2 over both origins and the smallest
# bias, and its survivors agree with it at 1.31B, so no combination is needed. (The
# leaderboard's own held-out score for this form, 0.9632, was reached with the test rows in
# view and played no part here; v2's law scored 0.5282 on the held-out rows, which judges the
# protocol and chose nothing here.) Since then the pool and the protocol are declared with
# the law, and the choice is one call, `LAW.study(table)`: the same origins, scores and choice.
#
# ## The law
#
# `leaderboard`, with its six constants. The exported law is the protocol's choice, not a
# copy typed beside it: the cell below fails if the protocol picks another form or a
# combination.

# %%
assert study.chosen == "leaderboard" and LAW.candidate("leaderboard").predict is formula
PARAMS_FITTED = study.params

# %% [markdown]
# ## Fitted on all training runs
#
# The constants with 95% intervals from the 100 bootstrap refits the protocol made (cells of
# repeated runs resampled, seed 0). Each constant is shown to the precision its interval
# supports.

# %%
draws = choice.draws[choice.best]
print(f"bootstrap refits: {draws.attempted - draws.failed} of {draws.attempted} converged")
study.constants_table[["constant", "estimate", "low_95%", "high_95%", "identified"]].round(3)

# %% [markdown]
# A dense model ($E = 1$) follows $a x^{-b} + d \tanh(e) + f$ with an exponent
# $b \approx 0.25$. Experts divide the reducible part $a x^{-b}$ by $1 + c \ln^2 E$ with
# $c \approx 0.014$, a benefit that shrinks with size like $x^{-b}$; the term $d \tanh(e E)$
# with $d \approx -0.10$ nats adds a gain that does not depend on size and is complete by
# $E \approx 30$ ($1/e \approx 12$ experts). The floor $f$ and the rate $e$ are the least
# determined (their intervals are wide), but what they predict in the measured range is not:

# %% tags=["hide-input"]
fitted_loss = fitting.predict_table(formula, table, PARAMS_FITTED, TASK)
residual = table.loss_validation - fitted_loss
print(f"R2 on all training runs: {metrics.r2(table.loss_validation, fitted_loss):.4f}; "
      f"of the cell means: {metrics.r2(cells.loss, predict(cells, PARAMS_FITTED['all_data'])):.4f}")
fig, axes = plt.subplots(1, 2, sharey=True, layout="constrained")
for ax, column, label in zip(axes, ["dense_parameter_count", "num_experts"], ["dense parameters N", "experts E"]):
    ax.scatter(table[column], residual, s=8, alpha=0.5)
    by_value = residual.groupby(table[column]).mean()
    ax.plot(by_value.index, by_value.to_numpy(), "o-", color="tab:red", label="mean per value")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label, title=f"Residuals against {label.split()[-1]}")
axes[1].set_xscale("log", base=2)
axes[0].set_ylabel("loss - law (nats)")
axes[0].xaxis.set_minor_formatter(plt.NullFormatter())
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center")
fig.suptitle("No trend with size or experts; the spread is the run-to-run noise")
plt.show()

# %% [markdown]
# ## Prediction intervals, and how often they cover
#
# A 90% prediction interval carries the constants' bootstrap, the run-to-run noise (the
# residuals' spread, 0.05 nats: the interval is for one run, not for a cell's mean), and an
# extrapolation term that grows with the distance beyond the measured sizes, in units of the
# target's distance (a factor 3.56 in $N$). That last term is calibrated on the two
# backtests; each origin's coverage below uses the term calibrated on the other one. The
# spread between the law and the forms the backtests could not tell from it is added too, and
# beyond the farthest distance the backtests scored, the whole interval grows by the rule the
# backtests' errors follow (at least in proportion to the distance), and the prediction is
# flagged `beyond_reach`.

# %%
calibration = study.calibration
uncertainty = record.uncertainty
print(f"extrapolation term: {calibration.extrapolation_sd[0]:.4f} nats per unit of distance; validated up to "
      f"{calibration.validated_distance:.2f} units, growing as distance^{calibration.growth:.2f} beyond")
calibration.coverage.round(3)

# %% [markdown]
# The run-to-run noise dominates: with the constants' bootstrap and the survivors' spread it
# already covers 91% and 100% of the held runs at the two origins, so the calibrated
# extrapolation term is zero, and the interval is about 1.4 to 1.8 times the spread of the held
# losses. Coverage was measured on two origins only (80 runs), so it is a rough check, not a
# guarantee. The farthest held run lies 0.81 units of distance beyond its fit (368M is 2.8
# times 132M, where 1.31B is 3.56 times 368M): 1.31B lies beyond what the backtests validated,
# by a factor 1.24, and its interval grows by that factor (the backtests scored two distances
# only, too few to read how errors grow with distance, so the rule takes the slowest growth it
# allows, in proportion): 0.21 nats wide at 1.31B.

# %% [markdown]
# ## Extrapolation to 1.31B and beyond
#
# The law's prediction for four expert counts from 16M to 10B dense parameters, with its
# 90% prediction interval (dots: the cells' means); the dashed line is 1.31B, the held-out size, and the dotted line the
# farthest size the backtests validated (0.81 units of distance beyond 368M, about 1.0B).
# Beyond it the interval grows in proportion to the distance: at 10B it spans about 0.6 nats,
# which says that the law predicts little there for one run.

# %% tags=["hide-input"]
size_grid = np.geomspace(1.5e7, 1e10, 60)
fig, ax = plt.subplots(figsize=(5.8, 2.9), layout="constrained")
for i, e in enumerate(experts[::3]):
    grid = {"num_experts": np.full(size_grid.size, e), "dense_parameter_count": size_grid}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        band = LAW.predict(grid, record, interval=0.9)
    color = cmap(i / 3)
    ax.plot(size_grid, band.loss_validation, color=color, label=f"E = {e:g}")
    ax.fill_between(size_grid, band.loss_validation_low, band.loss_validation_high, color=color, alpha=0.15)
    rows = cells[cells.num_experts == e]
    ax.plot(rows.dense_parameter_count, rows.loss, "o", color=color)
ax.axvline(TARGET_SIZE, color="grey", ls="--", lw=0.8)
validated = sizes[-1] * (TARGET_SIZE / sizes[-1]) ** calibration.validated_distance
ax.axvline(validated, color="grey", ls=":", lw=0.8)
ax.set(xscale="log", xlabel="dense parameters N", ylabel="loss", ylim=(1.5, 3.4),
       title="The law and its 90% interval for one run")
fig.legend(*ax.get_legend_handles_labels(), title="dashed: 1.31B\ndotted: validated\nreach", loc="outside right upper")
plt.show()

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    at_test = LAW.predict({"num_experts": experts, "dense_parameter_count": np.full(experts.size, TARGET_SIZE)},
                          record, interval=0.9)
at_test = at_test.assign(width=at_test.loss_validation_high - at_test.loss_validation_low)
print(f"at 1.31B: median width of the 90% interval {at_test.width.median():.3f} nats")
at_test[["num_experts", "loss_validation", "loss_validation_low", "loss_validation_high"]].round(3).T

# %% [markdown]
# How far the surviving forms, each refitted on all runs, stay together beyond the data (the
# mean predicted loss over the ten expert counts):

# %%
beyond = {}
for key in survivors:
    row = {}
    for size in (TARGET_SIZE, 1e10):
        grid = {"num_experts": experts, "dense_parameter_count": np.full(experts.size, size)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", decide.ExtrapolationWarning)
            row[f"{size / 1e9:.3g}B"] = float(np.mean(LAW.predict(grid, LAW.form_record(key, record), form=key)))
    beyond[key] = row
pd.DataFrame(beyond).T.round(3)

# %% [markdown]
# **Where not to trust it.** The law was chosen on two backtests of one size step each. The
# interval above is for one run, and 1.31B lies beyond the validated reach (`beyond_reach`);
# for the mean of a cell at 1.31B the constants' bootstrap alone is about 0.01 nats, while
# the surviving forms differ there by up to 0.026 nats,
# and beyond 1.31B they part further: at 10B their mean predictions span about 1.97 to 2.03
# nats, this law at the top (the most cautious about what size and experts still give).
# The term $d \tanh(e E)$ is a gain that does not shrink with size: measured between 16.5M
# and 368M, it may not hold at 10B. Beyond 512
# experts the $1/\ln^2 E$ tail is the weakest part: the data cannot tell a slow saturation
# from a ceiling there. The law predicts the mean of a cell; single runs differ by about
# 0.05 nats through settings that are not inputs (granularity, training tokens).

# %% [markdown]
# ## Using the law: how many experts are worth it?
#
# Two decisions. `experts_plan(dense_parameter_count, min_gain=0.02, max_doublings=9)` gives
# the predicted loss at $E = 1, 2, 4, \dots, 2^{9} = 512$ (the measured range; more with
# `max_doublings`), the gain in nats of each doubling, and `threshold_experts`: the largest
# $E$ up to which every doubling, from the most valuable one on, still gains at least
# `min_gain` nats. The gain per doubling rises from little at $E = 1$ to a peak and then
# falls, so the threshold is sought past the peak (by bisection on $\ln E$); it is 1 if no
# doubling gains that much. If every doubling up to the top of the search gains that much,
# there is no threshold to report: the top of a search is not an answer, so the plan says
# `threshold_status: not reached within 512 experts` and gives no number (and no interval),
# with the share of bootstrap refits that agree. `expert_doubling(dense_parameter_count,
# num_experts)` answers one question: what does going from $E$ to $2E$ experts gain? Both
# carry 80% intervals, and warn only when a size or an expert count lies outside the measured
# range. The intervals pool the bootstrap refits of the law and of the forms the backtests
# could not tell from it (the law at half weight, the others sharing the other half equally),
# so they carry the form's uncertainty as well as the constants'. The decisions use only the
# law's predictions, so they answer for any form of the pool (`LAW.form_view("v1")`, or a
# study of your runs that chooses another form).

# %% tags=["export"]
def _losses(fitted, size, counts):
    counts = np.asarray(counts, dtype=float)
    return fitted.predict({"num_experts": counts, "dense_parameter_count": np.full(counts.shape, size)})


def _threshold(fitted, size, min_gain, top):
    """``(threshold, status)``: the largest E <= top such that every doubling ending at or below
    E, from the most valuable doubling on, gains at least ``min_gain`` nats, and "reached"; 1.0
    and "no doubling gains ..." if none does; None and "not reached within ... experts" if every
    doubling up to ``top`` does (the top of a search is not a threshold)."""
    ends = np.exp(np.linspace(np.log(2.0), np.log(top), 1201))
    gains = _losses(fitted, size, ends / 2) - _losses(fitted, size, ends)
    peak = int(np.argmax(gains))
    if gains[peak] < min_gain:
        return 1.0, f"no doubling gains {min_gain:g} nats"
    short = np.flatnonzero(gains[peak:] < min_gain)
    if short.size == 0:
        return None, f"not reached within {top:,.0f} experts"
    low, high = np.log(ends[peak + short[0] - 1]), np.log(ends[peak + short[0]])
    for _ in range(50):  # bisection on ln E: past the peak, the gain falls with E
        middle = 0.5 * (low + high)
        gain = _losses(fitted, size, [np.exp(middle) / 2])[0] - _losses(fitted, size, [np.exp(middle)])[0]
        low, high = (middle, high) if gain >= min_gain else (low, middle)
    return float(np.exp(low)), "reached"


@LAW.decision(
    units={"dense_parameter_count": "parameters", "min_gain": "nats",
           "max_doublings": "doublings of E searched (9: to 512)", "num_experts": "experts",
           "loss": "nats", "doubling_gain": "nats, from each E to 2E", "peak_gain_experts": "experts",
           "threshold_experts": "experts", "threshold_status": "text: reached, or why there is no threshold"},
    interval=("loss", "doubling_gain", "threshold_experts", "threshold_status"),
    main=True,
)
def experts_plan(fitted, dense_parameter_count: float, min_gain: float = 0.02, max_doublings: int = 9):
    """How far doubling the experts pays at a dense size: the loss and the gain of each doubling.

    Returns ``num_experts`` (1, 2, 4, ..., 2**max_doublings; 512 by default, the measured
    range), the predicted ``loss`` at each, ``doubling_gain`` (the loss saved by going from
    ``num_experts[i]`` to ``num_experts[i + 1]``, in nats; one fewer entry),
    ``peak_gain_experts`` (the E whose doubling gains most), ``threshold_status`` and
    ``threshold_experts``: the largest E up to 2**max_doublings such that every doubling that
    ends at or below it, from the most valuable one on, gains at least ``min_gain`` nats
    (status "reached"; 1.0 with "no doubling gains ..." if no doubling does). If every doubling
    up to 2**max_doublings gains that much, there is no threshold to give: the status says "not
    reached within 512 experts" and ``threshold_experts`` is left out (the top of the search is
    not an answer, and has no interval); ``threshold_status_probability`` says how often the
    bootstrap refits agree with the status.
    """
    min_gain = decide.positive("min_gain", min_gain)
    max_doublings = decide.integer("max_doublings", max_doublings, 1, 30)
    size = dense_parameter_count
    counts = 2.0 ** np.arange(max_doublings + 1)
    loss = _losses(fitted, size, counts)
    gains = loss[:-1] - loss[1:]
    threshold, status = _threshold(fitted, size, min_gain, float(counts[-1]))
    answer = {
        "dense_parameter_count": size, "min_gain": min_gain,
        "num_experts": counts.tolist(), "loss": loss.tolist(), "doubling_gain": gains.tolist(),
        "peak_gain_experts": float(counts[int(np.argmax(gains))]),
    }
    if threshold is not None:
        answer["threshold_experts"] = threshold
    answer["threshold_status"] = status
    return answer


@LAW.decision(
    units={"dense_parameter_count": "parameters", "num_experts": "experts", "loss": "nats",
           "loss_doubled": "nats", "gain": "nats", "relative_gain": "fraction of the loss"},
    interval=("loss", "loss_doubled", "gain", "relative_gain"),
)
def expert_doubling(fitted, dense_parameter_count: float, num_experts: float):
    """What going from num_experts to twice as many experts gains at a dense size, in nats."""
    loss, doubled = _losses(fitted, dense_parameter_count, [num_experts, 2.0 * num_experts])
    return {
        "dense_parameter_count": dense_parameter_count, "num_experts": num_experts,
        "loss": float(loss), "loss_doubled": float(doubled), "gain": float(loss - doubled),
        "relative_gain": float((loss - doubled) / loss),
        "warnings": fitted.outside(num_experts=2.0 * num_experts),
    }


# %% [markdown]
# The plan at each measured size and at 1.31B, with the default `min_gain` of 0.02 nats
# (about 1% of the loss, v1's criterion): the best doubling, the last doubling in the
# measured range, and the threshold with their 80% intervals.

# %%
def show(low_high, digits=3):
    return f"[{low_high[0]:.{digits}f}, {low_high[1]:.{digits}f}]"


def two_digits(count):
    """An expert count to two significant digits (its interval allows no more)."""
    return f"{float(f'{count:.2g}'):,.0f}"


def threshold_text(plan):
    """The threshold as a reader should see it: a number only where one was reached."""
    if "threshold_experts" not in plan.answer:
        return plan.answer["threshold_status"]
    text = two_digits(plan.answer["threshold_experts"])
    if "threshold_experts" in plan.interval:
        low, high = plan.interval["threshold_experts"]
        text += f" [{two_digits(low)}, {two_digits(high)}]"
    return text


rows = []
for size in [*sizes, TARGET_SIZE]:
    with warnings.catch_warnings():  # 1.31B extrapolates; the table marks it instead
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        plan = experts_plan(size, constants=record)
    gains, low, high = (np.array(plan.answer["doubling_gain"]), *np.array(plan.interval["doubling_gain"]))
    best = int(np.argmax(gains))
    rows.append({"N": f"{size / 1e6:.1f}M", "best doubling": doublings[best],
                 "its gain": round(gains[best], 3), "256->512": round(gains[-1], 3),
                 "80% interval": show((low[-1], high[-1])),
                 "threshold E": threshold_text(plan),
                 "refits agreeing": f"{plan.probability['threshold_status']:.0%}",
                 "extrapolates": bool(plan.warnings)})
plans = pd.DataFrame(rows)
plans

# %% [markdown]
# **Checked on the measured runs.** At every measured size the plan's gain per doubling
# against the measured difference of the cells' means, with its standard error (bars: two
# standard errors); the test file asserts the same tolerance as the protocol's check (2.5
# standard errors per doubling, the sign wherever the measured gain exceeds two).

# %% tags=["hide-input"]
gain_se = measured_gains(table)["gain_se"]
fig, ax = plt.subplots(figsize=(5.8, 3.4), layout="constrained")
worst = 0.0
for i, size in enumerate(sizes):
    plan = experts_plan(size, constants=record)
    predicted = np.array(plan.answer["doubling_gain"])
    worst = max(worst, float(np.max(np.abs(predicted - measured_gain[i]) / gain_se[i])))
    shift = 1.0 + 0.04 * (i - 2)
    line, = ax.plot(experts[1:], predicted, "-", label=size_labels[i])
    ax.errorbar(experts[1:] * shift, measured_gain[i], yerr=2 * gain_se[i], fmt="o", ms=3, lw=0.8,
                color=line.get_color())
ax.axhline(0.02, color="grey", ls="--", lw=0.8)
ax.axhline(0.0, color="grey", lw=0.6)
ax.set_xscale("log", base=2)
ax.set(xlabel="experts E after the doubling", ylabel="loss(E/2) - loss(E) (nats)",
       title="Gain of each doubling: the plan (lines), measured (dots)")
fig.legend(*ax.get_legend_handles_labels(), title="dense parameters N", ncol=5, loc="outside lower center")
plt.show()
print(f"largest gap between the plan and a measured doubling: {worst:.2f} standard errors (tolerance 2.5)")

# %% [markdown]
# In the measured range the answer is: **every doubling up to 512 experts still gains more
# than 0.02 nats at every measured size**, in every refit of the law and of its survivors:
# the data give no reason to stop below 512, so the plan gives no threshold there ("not
# reached within 512 experts"), where v2 printed 512, the top of its search, with an interval
# (507 to 512 at 1.31B) as if it were an answer. The most valuable doubling is 8 → 16 (0.05 to
# 0.08 nats), the size-independent term's last push; beyond 32 each doubling gains about the
# same, 0.03 nats at 368M. At 1.31B (an extrapolation in size, flagged) the law expects the
# late doublings to gain about 0.022 nats each, just above 0.02; 85% of the refits agree that
# no threshold is reached within 512 experts.
#
# Where v1 reported a threshold of about 1,760 experts at 1.31B, that number lies beyond
# the measured expert counts, and so does its uncertainty. Asked to search up to $2^{14}$
# experts (`max_doublings=14`, flagged as an extrapolation in $E$), the law gives:

# %%
rows = []
for size in (sizes[-1], TARGET_SIZE):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        wide = experts_plan(size, max_doublings=14, constants=record)
    rows.append({"N": f"{size / 1e6:.1f}M", "threshold E [80% interval]": threshold_text(wide),
                 "refits agreeing": f"{wide.probability['threshold_status']:.0%}",
                 "extrapolates in": ", ".join(w.split(" = ")[0] for w in wide.warnings)})
pd.DataFrame(rows)

# %% [markdown]
# At 368M the law finds no threshold within 16,384 experts either (64% of the refits
# agree). At 1.31B it finds one, about 1,600 experts, but some refits find none within the
# search, so the decision gives no interval: the end of a search is not a value to take a
# quantile of. The law's own refits show how loose it is:

# %%
own = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for draw in record.uncertainty.draws["all_data"]:
        own.append(experts_plan(TARGET_SIZE, max_doublings=14, constants=draw).answer.get("threshold_experts", np.inf))
own = np.array(own)
low, high = np.quantile(own, [0.1, 0.9], method="inverted_cdf")
print(f"1.31B: the law's {own.size} refits put the threshold between {two_digits(low)} and "
      + (f"{two_digits(high)}" if np.isfinite(high) else "beyond 16,384") + " experts (10th to 90th percentile); "
      f"{int(np.sum(~np.isfinite(own)))} find none within 16,384")

# %% [markdown]
# The late doublings gain close to 0.02 nats for a long way, so where they fall below it is not
# determined, and no decision should rest on it. For a single question, `expert_doubling`:

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    doubling = expert_doubling(TARGET_SIZE, 64, constants=record)
at_368 = expert_doubling(sizes[-1], 64, constants=record)
print("\n".join(f"{label}, 64 -> 128 experts: gain {result.answer['gain']:.3f} nats "
                f"(80% interval {show(result.interval['gain'])}); warnings: {len(result.warnings)}"
                for label, result in (("1.31B", doubling), ("368M", at_368))))

# %% [markdown]
# The law's answer sits at the low end of its own interval: the interval pools the refits of
# the law (at half weight) and of its five survivors (the other half), and every survivor
# expects a larger gain from 64 to 128 experts (0.034 to 0.038 nats at 368M, against the
# law's 0.031). The law is the most cautious of the forms the data cannot tell apart; the
# interval says how much more the others promise.
#
# ## The record
#
# The constants, their bootstrap refits, the noise and extrapolation terms of the intervals,
# the protocol's scores and this page's summary are stored in `laws/moe.json` (rewritten only
# when they change beyond what another CPU's rounding moves).

# %%
headline = plans[plans.N == "1310.0M"].iloc[0]
_ = study.store(
    summary={
        "question": "How much does each doubling of the experts lower the loss of an MoE model, and up to "
                    "how many experts does it pay?",
        "headline": (f"At every measured size (16.5M-368M), every doubling up to 512 experts gains more than "
                     f"0.02 nats; at 1.31B (extrapolated), 64 -> 128 experts gains {doubling.answer['gain']:.3f} "
                     f"nats (80% interval {show(doubling.interval['gain'])})."),
        "caveat": "Measured for 16.5M-368M dense parameters and up to 512 experts; the size-independent "
                  "tanh term and the tail beyond 512 experts are the weakest parts.",
    },
)

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = LAW.interfaces()

# %% [markdown]
# The stored constants predict what a refit on the training split predicts, to the
# contract's tolerance (relative $10^{-6}$ on every training row, on any machine), and the
# leaderboard interface predicts what `predict` does:

# %%
refit = fit(data.load("moe"))
assert LAW.same_predictions(table)(PARAMS["all_data"], refit["all_data"], "all_data")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    example = law([{"num_experts": 64, "dense_parameter_count": TARGET_SIZE}], "all_data")
    assert example[0]["loss_validation"] == predict({"num_experts": [64], "dense_parameter_count": [TARGET_SIZE]})[0]
print(f"predicted loss of a 1.31B model with 64 experts: {example[0]['loss_validation']:.4f}")

# %% [markdown]
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same
# routine and bootstrap intervals (`scalinglaws fit moe --csv runs.csv` does the same from the
# command line); `scalinglaws.study("moe", runs)` (`scalinglaws study moe --csv runs.csv`) runs
# the whole protocol instead, weighing every form of the pool on your runs. Here, as if we had
# only run the three smallest sizes:

# %%
import scalinglaws

small_runs = table[table.dense_parameter_count < 1e8]
own = scalinglaws.fit("moe", small_runs, bootstrap=30, seed=0)
print(f"fitted to {own.rows} runs: R2 {own.r2:.4f}")
own.intervals[["constant", "estimate", "low_95%", "high_95%", "identified"]].round(3)

# %% [markdown]
# From three sizes (16.5M to 57.4M) the experts' terms $c$, $d$ and $e$ land within about a
# third of the full fit, but the scale, the exponent and the floor trade off against each
# other: the floor $f$ comes out 0.16 lower and its interval spans 0.8 nats. Fit the size
# terms on your own runs only when they span a decade of sizes or more.
