# %% [markdown]
# # Repeated data: what another epoch is worth
#
# When the unique text runs out, a model can still be trained longer by repeating it. How much
# is a repeated token worth against a fresh one, and when does repeating stop helping?
# Muennighoff et al. (2023) trained about 400 models, from 7M to 9B parameters, on up to 1500
# epochs of repeated data, and fitted Chinchilla's law with an *effective* amount of data that
# gives every further epoch less credit.
#
# **Task** `data_constrained_scaling_law` of SLDBench: `unique_tokens` $U$, `params` $N$,
# `tokens` $D$ → `loss`, one group. `tokens` is what the model was trained on, `unique_tokens`
# the size of the data it repeated, so $D/U$ is the number of epochs. The held-out test rows are
# the runs at the two largest token counts and the two largest model sizes; at most 7 constants.
#
# This notebook is the source of `scalinglaws.laws.data_constrained`: the cells tagged `export`
# are written into that module by `scalinglaws export`.

# %% tags=["hide-input"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import data, decide, fitting, metrics, selection

pd.set_option("display.precision", 4)
pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 160)

table = data.load("data_constrained")
TASK = data.task("data_constrained")
epochs = table.tokens / table.unique_tokens
table.assign(epochs=epochs, params_per_unique_token=table.params / table.unique_tokens).describe().loc[
    ["count", "min", "50%", "max"]
].round(4)

# %% [markdown]
# ## The data
#
# 161 runs. Model sizes span 7M to 3.9B parameters, training tokens 0.1B to 300B, unique
# tokens 0.1B to 174B, and epochs from 1 to 3000. Only 27 runs see their data once; 96 repeat
# it more than ten times, so repetition dominates the table.

# %% tags=["hide-input"]
fig, axes = plt.subplots(3, 1, figsize=(5.8, 5.8), sharey=True, layout="constrained")
for ax, column, label in zip(axes, ["params", "tokens", "unique_tokens"],
                             ["parameters N", "training tokens D", "unique tokens U"]):
    points = ax.scatter(table[column], table.loss, c=np.log10(epochs), cmap="viridis", s=14)
    ax.set(xscale="log", xlabel=label, ylabel="loss", title=f"Loss against {label}")
fig.colorbar(points, ax=axes, label="log10 epochs D/U", fraction=0.04)
plt.show()

# %% tags=["hide-input"]
from matplotlib.colors import LogNorm

fig, axes = plt.subplots(1, 2, figsize=(5.8, 2.9), layout="constrained")
shown = table[table.unique_tokens.isin([1e8, 4e8])]
by_size = LogNorm(shown.params.min(), shown.params.max())  # one colour scale for N in both panels
for ax, unique in zip(axes, [1e8, 4e8]):
    rows = table[table.unique_tokens == unique]
    for size in np.sort(rows.params.unique()):
        runs = rows[rows.params == size].sort_values("tokens")
        ax.plot(runs.tokens / unique, runs.loss, "o-", ms=3, lw=1, color=plt.get_cmap("plasma")(by_size(size)))
    ax.set(xscale="log", xlabel="epochs D/U", title=f"U = {unique / 1e6:.0f}M unique tokens")
axes[0].set_ylabel("loss")
fig.colorbar(plt.cm.ScalarMappable(norm=by_size, cmap="plasma"), ax=axes, label="parameters N", fraction=0.05)
fig.suptitle("At fixed unique data, more epochs first help, then hurt large models")
plt.show()

# %% [markdown]
# What the plots show:
#
# - Against parameters and tokens the runs fall towards a floor, as in every Chinchilla-type
#   law, but with a wide spread: at equal $N$ or $D$, the runs that repeated their data many
#   times (yellow) have a higher loss. The unique data matter in their own right.
# - With the unique data fixed, the first epochs help almost as much as fresh data, later ones
#   less and less.
# - The table also shows **real overfitting**: when the model is large for its data, more
#   epochs *raise* the loss. A 421M model on 100M unique tokens reaches 3.80 at 15 epochs, 4.38
#   at 75 and 5.78 at 320; a 619M model on 400M unique tokens gives 3.44 at 55 epochs and 3.76
#   at 228. The best number of epochs falls as the ratio $N/U$ grows. A law whose loss can only
#   fall with more tokens (Muennighoff's, or the additive published form) cannot show this.
# - Some rows no smooth law explains: the tiniest models (7-35M) early in training miss by
#   several tenths, and the two 3.9B runs (26B tokens, 1-2 epochs, loss 2.92 and 2.95) sit
#   about 0.2 above what the smaller models predict (the 2.81B runs reach 2.62 on 36B tokens).
#   These rows argue for a robust fitting loss.
#
# ## One fitting recipe, and one yardstick for repetition
#
# Every form below is fitted by one recipe, the robust fit of Hoffmann et al. (2022) adapted to
# least squares: a Huber loss (scale 0.05) on the residuals of $\log L$, so the dozen rows no
# form explains do not drag the constants; bounded (exponents and scales positive); from a
# fixed grid of the nonlinear constants (exponents, and repetition scales in log) at which the
# constants that enter linearly ($E$, $A$, $B$, $P$, ...) are solved by non-negative least
# squares; the best few of these starts are optimised and the best converged one wins.
# Deterministic. A bootstrap refit starts from the fit to all runs only.
#
# A run shorter than its data ($D < U$) sees only $D$ unique tokens and repeats nothing: every
# form reads $U$ as $\min(U, D)$, the unique tokens actually seen, so its prediction for such a
# run does not depend on how much unused data there was.
#
# To compare forms on what they say about repetition (and to check them against Muennighoff et
# al.), one yardstick that any form defines: the **fresh-equivalent tokens** $D_f$ of a run,
# the number of fresh tokens (one epoch, $U = D_f$) that the form says reach the same loss.
# A repeated token is then worth $\partial D_f / \partial D$ fresh tokens: 1 when repeating is
# as good as new data, 0 when it is useless, negative when it raises the loss. In Muennighoff's
# law $D_f$ is their effective data $D'$, and the $k$-th epoch is worth $e^{-(k-1)/R_D}$, with
# $R_D^* = 15.4$: after about 16 epochs (the *knee*, where the worth falls to $1/e$) repeating
# pays little; up to 4 epochs it is nearly free.

# %% tags=["export"]
import itertools

import numpy as np

from scalinglaws import data, decide, fitting

TASK = data.task("data_constrained")


def _billions(X):
    """Unique tokens seen, parameters and tokens, in units of 10^9.

    A run shorter than its data (tokens < unique_tokens) sees only ``tokens`` unique tokens
    and repeats nothing, so the unique tokens seen are min(U, D).
    """
    tokens = np.asarray(X["tokens"], dtype=float) / 1e9
    unique = np.minimum(np.asarray(X["unique_tokens"], dtype=float) / 1e9, tokens)
    return unique, np.asarray(X["params"], dtype=float) / 1e9, tokens


def _used_share(unique, tokens, scale):
    """1 - exp(-(D/U - 1)/R): the share of a repetition budget of scale R (epochs) used up."""
    return -np.expm1(-(tokens / unique - 1.0) / scale)


_HUBER_SCALE = 0.05


def seeded_fit(formula, bounds, grid, linear, logs=(), keep=6, seed_formula=None):
    """The fitting routine of every form here: ``fit(table, start=None) -> {group: constants}``.

    ``grid`` maps the index of each nonlinear constant to its start values; the constants in
    ``linear`` are solved at each grid point by non-negative least squares (on ``seed_formula``
    when the form is not linear in them); those in ``logs`` are fitted in log. The ``keep``
    best starts are optimised with a Huber loss on log residuals; with ``start`` (the fit to
    all runs, for a bootstrap refit), only that start, so that the refit stays in its basin.
    """
    lower, upper = (np.array(b, dtype=float) for b in bounds)
    logs = np.array(logs, dtype=int)
    low, high = lower.copy(), upper.copy()
    low[logs], high[logs] = np.log(lower[logs]), np.log(upper[logs])
    middle = (np.clip(low, -5, 5) + np.clip(high, -5, 5)) / 2
    axes, linear = sorted(grid), list(linear)
    seeder = seed_formula or formula

    def natural(theta):
        out = np.array(theta, dtype=float)
        out[logs] = np.exp(out[logs])
        return out

    def internal(constants):
        out = np.array(constants, dtype=float)
        out[logs] = np.log(np.maximum(out[logs], 1e-300))
        return np.clip(out, low, high)

    def seeds(X, y):
        from scipy import optimize  # imported when fitting: predicting needs no scipy

        starts, costs = [], []
        with np.errstate(all="ignore"):
            for values in itertools.product(*(grid[i] for i in axes)):
                theta = middle.copy()
                theta[axes] = [np.log(v) if i in logs else v for i, v in zip(axes, values)]
                theta[linear] = 0.0
                base = seeder(X, natural(theta))
                columns = []
                for i in linear:
                    one = theta.copy()
                    one[i] = 1.0
                    columns.append(seeder(X, natural(one)) - base)
                basis = np.column_stack(columns)
                if not (np.all(np.isfinite(basis)) and np.all(np.isfinite(base))):
                    continue
                theta[linear] = np.clip(optimize.nnls(basis, y - base)[0], low[linear] + 1e-6, high[linear] - 1e-6)
                cost = float(np.sum((formula(X, natural(theta)) - y) ** 2))
                if np.isfinite(cost):
                    starts.append(theta)
                    costs.append(cost)
        if not starts:
            raise fitting.FitError("no finite starting point on the grid")
        return np.array(starts)[np.argsort(costs, kind="stable")]

    def fit_group(X, y, warm):
        log_y = np.log(y)
        starts = seeds(X, y)[:keep] if warm is None else internal(warm)[None, :]
        # Constants the predictions do not depend on at these runs (the repetition constants,
        # when no run repeats its data) are held where they start: no direction to search.
        # (Probed strictly inside the bounds, so that a scale at zero does not hide its exponent.)
        first = starts[0]
        probe = np.clip(first, low + 1e-3 * (high - low), high - 1e-3 * (high - low))
        with np.errstate(all="ignore"):
            base = formula(X, natural(probe))
            free = np.array([not np.array_equal(formula(X, natural(np.where(np.arange(probe.size) == i, probe + 0.5, probe))), base)
                             for i in range(probe.size)])

        def residuals(theta):
            full = first.copy()
            full[free] = theta
            return np.log(np.maximum(formula(X, natural(full)), 1e-6)) - log_y

        result = fitting.least_squares(residuals, starts[:, free], bounds=(low[free], high[free]), loss="huber",
                                       f_scale=_HUBER_SCALE, max_nfev=2000)
        constants = first.copy()
        constants[free] = result.params
        return [float(v) for v in natural(constants)]

    def fit(table, start=None):
        fitted = {}
        for group, rows in table.groupby(TASK.group_column, sort=False):
            X = {name: rows[name].to_numpy(dtype=float) for name in TASK.input_names}
            y = rows[TASK.target_names[0]].to_numpy(dtype=float)
            if np.any(y <= 0):
                raise data.InputError(f"group {group!r}: this law is fitted on log(loss); every loss must be positive")
            warm = None if start is None or str(group) not in start else start[str(group)]
            try:
                fitted[str(group)] = fit_group(X, y, warm)
            except fitting.FitError as error:
                raise fitting.FitError(f"group {group!r}: {error}") from error
        return fitted

    return fit


def fresh_equivalent(predict, unique_tokens, params, tokens):
    """The fresh tokens worth as much as ``tokens`` trained on ``unique_tokens`` (vectorised).

    ``predict(X)`` is a law with its constants. The answer is the D_f whose one-epoch loss
    (U = D = D_f) equals the loss predicted for the run, by bisection on ln D_f between 10^6
    and 10^16 tokens (a one-epoch loss falls with D_f).
    """
    unique, size, trained = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (unique_tokens, params, tokens)))
    shape, size = unique.shape, size.ravel()
    target = predict({"unique_tokens": unique.ravel(), "params": size, "tokens": trained.ravel()})
    low, high = np.full(target.shape, np.log(1e6)), np.full(target.shape, np.log(1e16))
    for _ in range(52):
        middle = 0.5 * (low + high)
        fresh = np.exp(middle)
        short = predict({"unique_tokens": fresh, "params": size, "tokens": fresh}) > target
        low, high = np.where(short, middle, low), np.where(short, high, middle)
    return np.exp(0.5 * (low + high)).reshape(shape)


def repeat_value(predict, unique_tokens, params, epochs, step=1e-4):
    """What the next token at ``epochs`` (D/U) is worth in fresh tokens: dD_f/dD (vectorised)."""
    epochs = np.asarray(epochs, dtype=float)
    tokens = epochs * unique_tokens
    now = fresh_equivalent(predict, unique_tokens, params, tokens)
    later = fresh_equivalent(predict, unique_tokens, params, tokens * (1.0 + step))
    return (later - now) / (tokens * step)


def _repetition(predict, unique_tokens, params, plan_epochs=(), most=1e4, step=1e-4):
    """One bisection for everything a plan reads off the yardstick: the summary below, and the
    ``repeat_value`` and ``fresh_equivalent`` at ``plan_epochs`` (elementwise, so the same
    numbers as separate calls to `repeat_value` and `fresh_equivalent`)."""
    plan_epochs = np.asarray(plan_epochs, dtype=float)
    grid = np.geomspace(1.0, most, 161)
    epochs = np.concatenate([grid, plan_epochs])
    tokens = np.concatenate([epochs, epochs * (1.0 + step), [4.0]]) * unique_tokens
    fresh = fresh_equivalent(predict, unique_tokens, params, tokens)
    now, later = fresh[: epochs.size], fresh[epochs.size : 2 * epochs.size]
    value = (later - now) / (tokens[: epochs.size] * step)

    def crossing(level):
        below = np.flatnonzero(value[: grid.size] < level)
        if not below.size:
            return float("inf")
        i = below[0]
        if i == 0:
            return 1.0
        # linear in ln(epochs) between the two grid points around the crossing
        share = (value[i - 1] - level) / (value[i - 1] - value[i])
        return float(np.exp(np.log(grid[i - 1]) + share * (np.log(grid[i]) - np.log(grid[i - 1]))))

    summary = {"worth_of_4_epochs": float(fresh[-1]) / (4.0 * unique_tokens), "half_value_epoch": crossing(0.5),
               "knee_epoch": crossing(np.exp(-1.0))}
    return summary, value[grid.size :], now[grid.size :]


def repetition_summary(predict, unique_tokens, params, most=1e4):
    """The worth of 4 epochs of repeated data (D_f / D), and the epochs at which a repeated
    token falls below half (``half_value_epoch``) and 1/e (``knee_epoch``) of a fresh one
    (infinite if it does not within ``most`` epochs)."""
    return _repetition(predict, unique_tokens, params, most=most)[0]


# %% [markdown]
# ## Candidate forms
#
# With $n = N/10^9$, token counts in units of $10^9$, and $x = D/U - 1$ the number of repeated
# epochs (each form's key, the name it has in the tables below, in code font; its number of
# constants in brackets). *Published:*
#
# 1. `chinchilla` (5): Chinchilla's law ignoring $U$, $L = E + A n^{-\alpha} + B D^{-\beta}$.
# 2. `muennighoff` (7), the paper's form: Chinchilla's law in the effective data
#    $D' = U + U R_D (1 - e^{-x/R_D})$ and the effective parameters
#    $N' = U_N + U_N R_N (1 - e^{-(N/U_N - 1)/R_N})$, where $U_N = \min(N, N_\text{opt}(U))$ is the
#    compute-optimal model size for the unique data, from the law's own constants.
# 3. `muennighoff-data` (6): the same without $N'$ (the paper finds $R_N$ matters little).
# 4. `additive` (7), the best published form (SLDBench leaderboard, and the honest anchor on its
#    test split): $L = C_0 + C_1 n^{-a} + C_2 D^{-b} + C_3 U^{-c}$.
#
# *Conservative* (they promise less beyond the data):
#
# 5. `paper-rate` (5): $D'$ with the paper's $R_D = 15.4$, not fitted: repeated data lose their
#    worth as fast as the paper measured, however long the table's runs were.
# 6. `no-gain` (6, plus the two largest trained sizes): Muennighoff's data-only law with $N$ and
#    $D$ held at the largest trained values, a persistence reference (nothing more from scale).
#
# *Ours*, each testing one idea:
#
# 7. `v1` (7), v1's law: $D'$ plus $P \ln(1 + N/U)\,(1 - e^{-x/R_D})$, an overfitting penalty,
#    zero at one epoch, growing as the repetition budget is used up and with the parameters per
#    unique token;
# 8. `linear-penalty` (7): the same penalty linear in $N/U$;
# 9. `rd-by-size` (7): $D'$ with $R_D = R_0 n^{-g}$ (big models memorise sooner);
# 10. `rd-by-ratio` (7): $D'$ with $R_D = R_0 (U/N)^{g}$;
# 11. `kaplan` (6): Kaplan-style, in $D'$: $L = E + \big(A n^{-\alpha/\beta} + B/D'\big)^{\beta}$;
# 12. `repetition-gap` (7): $L = E + A n^{-\alpha} + B D^{-\beta} + C (U^{-c} - D^{-c})$, the
#     additive form made to vanish at one epoch;
# 13. `fresh-penalty` (7): $L = E + A n^{-\alpha} + B D^{-\beta} + P \ln(1 + N/U)
#     (1 - e^{-x/R_D})$: Chinchilla in the tokens trained on, with repetition entering only
#     through the overfitting penalty; its data exponent is then learnt from the runs' scale,
#     not from how repetition discounts them;
# 14. `fresh-penalty-one-exponent` (6): the same with one exponent, as Chinchilla's fits nearly
#     find.
#
# **Printed constants.** Muennighoff et al. printed their law's constants, and they come with
# the form `muennighoff`: `predict(X, form="muennighoff", published=True)`. They fitted
# $R_D^* = 15.387756$ and $R_N^* = 5.309743$ with $E$, $A$, $B$, $\alpha$, $\beta$ held at a
# Chinchilla-form fit to C4, printed as $(\ln A, \ln B, \ln E, \alpha, \beta) = (6.255414,
# 7.3049974, 0.6254804, 0.3526596, 0.3526596)$, for $N$ and $D$ counted in parameters and
# tokens. Our forms count them in units of $10^9$, so $A N^{-\alpha} = A\,10^{-9\alpha}\,n^{-\alpha}$:
# the form's $A$ is $e^{6.255414}\,10^{-9 \times 0.3526596} = 0.3489$, its $B$ is
# $e^{7.3049974}\,10^{-9 \times 0.3526596} = 0.9967$, and $E = e^{0.6254804} = 1.869$, $\alpha$,
# $\beta$, $R_D$, $R_N$ are unchanged (exponents and ratios of token counts do not depend on the
# unit; $U_N$, the compute-optimal size for $U$ from the same constants, scales with the unit
# too). The Chinchilla-form fit to C4 is also the printed constants of `chinchilla`, beside
# Hoffmann et al.'s Approach 3 (MassiveText, another tokenizer: its losses are not comparable
# with these runs), converted the same way. These are conversions, not fits: a test computes
# Muennighoff's law in tokens and parameters and compares.
#
# The pool is part of the law: the cells below are exported with it, so that a study of your
# own runs (`scalinglaws.study("data_constrained", runs)`) weighs the same forms by the same
# protocol, and every form can be used by its key.

# %% tags=["export"]
import math

from scalinglaws.law import Law
from scalinglaws.pool import Candidate, Protocol


def effective_data(u, d, r):
    """Muennighoff's effective data U + U R (1 - exp(-(D/U - 1)/R))."""
    return u + u * r * _used_share(u, d, r)


def chinchilla(X, p):
    """E + A n^-alpha + B D^-beta: Chinchilla's law, ignoring U."""
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4]


def muennighoff_data(X, p):
    """Chinchilla's law in Muennighoff's effective data D'."""
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, p[5]) ** -p[4]


def muennighoff_paper(X, p):
    """Muennighoff et al.'s law: Chinchilla's in the effective parameters N' and data D'."""
    E, A, a, B, b, r_d, r_n = p
    u, n, d = _billions(X)
    # U_N: the compute-optimal size for D = U under the law's own constants (Chinchilla's allocation)
    G = (a * A / (b * B)) ** (1.0 / (a + b))
    u_n = np.minimum(n, G ** ((a + b) / a) * u ** (b / a))
    return E + A * effective_data(u_n, n, r_n) ** -a + B * effective_data(u, d, r_d) ** -b


def additive(X, p):
    """C0 + C1 n^-a + C2 D^-b + C3 U^-c: the SLDBench leaderboard's best published form."""
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4] + p[5] * u ** -p[6]


#: Muennighoff et al.'s R_D*, as the conservative form `paper-rate` holds it (rounded to 15.4).
PAPER_RATE = 15.4


def paper_rate(X, p):
    """Chinchilla's law in D' with R_D held at the paper's 15.4."""
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, PAPER_RATE) ** -p[4]


def log_penalty(X, p):
    """v1: D' plus the overfitting penalty P ln(1 + N/U) (1 - exp(-(D/U - 1)/R_D))."""
    E, A, alpha, B, beta, r, P = p
    u, n, d = _billions(X)
    used = _used_share(u, d, r)
    return E + A * n**-alpha + B * (u + u * r * used) ** -beta + P * np.log1p(n / u) * used


def linear_penalty(X, p):
    """D' plus a penalty linear in N/U."""
    E, A, alpha, B, beta, r, P = p
    u, n, d = _billions(X)
    used = _used_share(u, d, r)
    return E + A * n**-alpha + B * (u + u * r * used) ** -beta + P * (n / u) * used


def half_life_by_size(X, p):
    """D' with R_D = R_0 n^-g."""
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, p[5] * n ** -p[6]) ** -p[4]


def half_life_by_ratio(X, p):
    """D' with R_D = R_0 (U/N)^g."""
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, p[5] * (u / n) ** p[6]) ** -p[4]


def kaplan(X, p):
    """E + (A n^(-alpha/beta) + B/D')^beta."""
    u, n, d = _billions(X)
    return p[0] + (p[1] * n ** (-p[2] / p[4]) + p[3] / effective_data(u, d, p[5])) ** p[4]


def repetition_gap(X, p):
    """E + A n^-alpha + B D^-beta + C (U^-c - D^-c)."""
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4] + p[5] * (u ** -p[6] - d ** -p[6])


def fresh_plus_penalty(X, p):
    """The law: loss for inputs ``X`` (columns unique_tokens, params, tokens) with constants
    ``p`` = (E, A, alpha, B, beta, R_D, P): Chinchilla in the tokens trained on plus the
    overfitting penalty P ln(1 + N/U) (1 - exp(-(D/U - 1)/R_D))."""
    E, A, alpha, B, beta, r, P = p
    u, n, d = _billions(X)
    return E + A * n**-alpha + B * d**-beta + P * np.log1p(n / u) * _used_share(u, d, r)


def one_exponent_penalty(X, p):
    """fresh_plus_penalty with beta = alpha."""
    E, A, alpha, B, r, P = p
    return fresh_plus_penalty(X, [E, A, alpha, B, alpha, r, P])


def held_at_the_data(X, p):
    """Muennighoff's data-only law, with N and D held at the largest trained values."""
    n = np.minimum(np.asarray(X["params"], dtype=float), p[6])
    d = np.minimum(np.asarray(X["tokens"], dtype=float), p[7])
    u = np.minimum(np.asarray(X["unique_tokens"], dtype=float), d)
    return muennighoff_data({"unique_tokens": u, "params": n, "tokens": d}, p[:6])


EXPONENTS = {2: [0.2, 0.4, 0.7], 4: [0.2, 0.4, 0.7]}
REPEATS = {5: [1.0, 4.5, 15.0, 55.0]}  # repetition scales R (epochs), fitted in log
SCALES = ([0, 0, 0.01, 0, 0.01], [10, 1e3, 3, 1e3, 3])
WITH_R = ([0, 0, 0.01, 0, 0.01, 0.05], [10, 1e3, 3, 1e3, 3, 3000])
# Bounds keep every scale and exponent positive, P >= 0 (repetition cannot lower the loss below
# fresh data) and R_D in [0.05, 3000] epochs (fitted in log).
WITH_P = ([0, 0, 0.01, 0, 0.01, 0.05, 0], [10, 1e3, 3, 1e3, 3, 3000, 10])
data_only_fit = seeded_fit(muennighoff_data, WITH_R, {**EXPONENTS, **REPEATS}, [0, 1, 3], logs=[5])


def held_fit(rows, start=None):
    """The data-only fit, with the largest trained N and D as two more (held) constants."""
    base = data_only_fit(rows, start=None if start is None else {g: v[:6] for g, v in start.items()})
    return {g: [*v, float(rows["params"].max()), float(rows["tokens"].max())] for g, v in base.items()}


# The law's fit: a grid of 36 starts over (alpha, beta, R_D); E, A, B and P are solved at each by
# NNLS; the 6 best are optimised.
fit_constants = seeded_fit(fresh_plus_penalty, WITH_P, {**EXPONENTS, **REPEATS}, [0, 1, 3, 6], logs=[5])


def _per_billion(ln_scale, exponent):
    """A printed scale of a term S X^-exponent, X counted in units (tokens, parameters), for X
    counted in units of 10^9 as these forms do: S 10^(-9 exponent)."""
    return math.exp(ln_scale - exponent * math.log(1e9))


#: Muennighoff et al. 2023 (datablations, utils/parametric_fit.ipynb; the paper's Table and README):
#: (ln A, ln B, ln E, alpha, beta) of the Chinchilla-form fit to C4 that their law holds fixed,
#: and R_D*, R_N* fitted with it.
MUENNIGHOFF_PRINTED = {"ln_A": 6.255414, "ln_B": 7.3049974, "ln_E": 0.6254804, "alpha": 0.3526596,
                       "beta": 0.3526596, "R_D": 15.387756, "R_N": 5.309743}
_M = MUENNIGHOFF_PRINTED
_C4_BASE = [math.exp(_M["ln_E"]), _per_billion(_M["ln_A"], _M["alpha"]), _M["alpha"],
            _per_billion(_M["ln_B"], _M["beta"]), _M["beta"]]
#: The printed constants of the published forms, in each form's parametrisation (N, D, U in 10^9).
PUBLISHED = {
    "muennighoff": {"Muennighoff et al. 2023": [*_C4_BASE, _M["R_D"], _M["R_N"]]},
    "chinchilla": {
        "Muennighoff et al. 2023, Chinchilla-form fit to C4": _C4_BASE,
        "Hoffmann et al. 2022, Approach 3 (MassiveText)": [1.69, _per_billion(math.log(406.4), 0.34), 0.34,
                                                          _per_billion(math.log(410.7), 0.28), 0.28],
    },
}

CHINCHILLA_NAMES = ("E", "A", "alpha", "B", "beta")
PENALTY_NAMES = (*CHINCHILLA_NAMES, "R_D", "P")
CANDIDATES = [
    Candidate("Chinchilla, ignoring U", "5", key="chinchilla", kind="published", origin="Hoffmann et al. 2022",
              param_names=CHINCHILLA_NAMES, published=PUBLISHED["chinchilla"],
              fit=seeded_fit(chinchilla, SCALES, EXPONENTS, [0, 1, 3]), predict=chinchilla),
    Candidate("Muennighoff: D' and N'", "7", key="muennighoff", kind="published", origin="Muennighoff et al. 2023",
              param_names=(*CHINCHILLA_NAMES, "R_D", "R_N"), published=PUBLISHED["muennighoff"],
              fit=seeded_fit(muennighoff_paper, ([0, 0, 0.01, 0, 0.01, 0.05, 0.05], [10, 1e3, 3, 1e3, 3, 3000, 3000]),
                             {**EXPONENTS, 5: [1.0, 15.0, 55.0], 6: [1.0, 15.0, 55.0]}, [0, 1, 3], logs=[5, 6],
                             seed_formula=lambda X, p: muennighoff_data(X, p[:6])),
              predict=muennighoff_paper),
    Candidate("Muennighoff: D' only", "6", key="muennighoff-data", kind="published", origin="Muennighoff et al. 2023",
              param_names=(*CHINCHILLA_NAMES, "R_D"), fit=data_only_fit, predict=muennighoff_data),
    Candidate("additive power laws", "7", key="additive", kind="published", origin="SLDBench best published",
              param_names=("C0", "C1", "a", "C2", "b", "C3", "c"),
              fit=seeded_fit(additive, ([0, 0, 0.01, 0, 0.01, 0, 0.01], [10, 1e3, 3, 1e3, 3, 1e3, 3]),
                             {**EXPONENTS, 6: [0.2, 0.4, 0.7]}, [0, 1, 3, 5]),
              predict=additive),
    Candidate("Muennighoff's rate, R_D = 15.4", "5", key="paper-rate", kind="conservative",
              origin="Muennighoff et al. 2023", param_names=CHINCHILLA_NAMES,
              fit=seeded_fit(paper_rate, SCALES, EXPONENTS, [0, 1, 3]), predict=paper_rate),
    Candidate("no gain beyond the data", "6 + 2", key="no-gain", kind="conservative", origin="reference",
              param_names=(*CHINCHILLA_NAMES, "R_D", "N_max", "D_max"), fit=held_fit, predict=held_at_the_data),
    Candidate("v1: D' + log penalty", "7", key="v1", origin="ours (v1)", param_names=PENALTY_NAMES,
              fit=seeded_fit(log_penalty, WITH_P, {**EXPONENTS, **REPEATS}, [0, 1, 3, 6], logs=[5]),
              predict=log_penalty),
    Candidate("D' + linear penalty", "7", key="linear-penalty", origin="ours", param_names=PENALTY_NAMES,
              fit=seeded_fit(linear_penalty, WITH_P, {**EXPONENTS, **REPEATS}, [0, 1, 3, 6], logs=[5]),
              predict=linear_penalty),
    Candidate("D', R_D falling with N", "7", key="rd-by-size", origin="ours", param_names=(*CHINCHILLA_NAMES, "R_0", "g"),
              fit=seeded_fit(half_life_by_size, (WITH_R[0] + [-2], WITH_R[1] + [3]),
                             {**EXPONENTS, **REPEATS, 6: [0.0, 0.5, 1.0]}, [0, 1, 3], logs=[5]),
              predict=half_life_by_size),
    Candidate("D', R_D set by U/N", "7", key="rd-by-ratio", origin="ours", param_names=(*CHINCHILLA_NAMES, "R_0", "g"),
              fit=seeded_fit(half_life_by_ratio, (WITH_R[0] + [-2], WITH_R[1] + [3]),
                             {**EXPONENTS, **REPEATS, 6: [0.0, 0.3, 0.6]}, [0, 1, 3], logs=[5]),
              predict=half_life_by_ratio),
    Candidate("Kaplan-style, in D'", "6", key="kaplan", origin="ours", param_names=(*CHINCHILLA_NAMES, "R_D"),
              fit=seeded_fit(kaplan, WITH_R, {**EXPONENTS, **REPEATS}, [0, 1, 3], logs=[5]), predict=kaplan),
    Candidate("repetition gap", "7", key="repetition-gap", origin="ours", param_names=(*CHINCHILLA_NAMES, "C", "c"),
              fit=seeded_fit(repetition_gap, ([0, 0, 0.01, 0, 0.01, 0, 0.01], [10, 1e3, 3, 1e3, 3, 1e3, 3]),
                             {**EXPONENTS, 6: [0.2, 0.4, 0.7]}, [0, 1, 3, 5]),
              predict=repetition_gap),
    Candidate("fresh data + penalty", "7", key="fresh-penalty", origin="ours", param_names=PENALTY_NAMES,
              fit=fit_constants, predict=fresh_plus_penalty),
    Candidate("fresh data + penalty, a = b", "6", key="fresh-penalty-one-exponent", origin="ours",
              param_names=("E", "A", "alpha", "B", "R_D", "P"),
              fit=seeded_fit(one_exponent_penalty, ([0, 0, 0.01, 0, 0.05, 0], [10, 1e3, 3, 1e3, 3000, 10]),
                             {2: [0.2, 0.4, 0.7], 4: REPEATS[5]}, [0, 1, 3, 5], logs=[4]),
              predict=one_exponent_penalty),
]

# %% [markdown]
# ## Choosing the law: the selection protocol
#
# Every law in this package is chosen by one protocol on the training split (see the Method
# page), and the same code runs it here and on your runs. The test rows lie beyond the training
# rows in two inputs at once: the two largest model sizes and the two largest token counts. How
# far beyond is not in the training split, so the package's rule reads it from the spacing of
# the largest values: among the four largest distinct values of each axis, consecutive values
# differ by a median factor of 1.39 in parameters and 1.44 in tokens, so the test's two further
# values lie about two such steps, a factor of about 1.9 in parameters and 2.1 in tokens, beyond
# the largest training value. That is the **reach** of every backtest (the package's generic
# rule; the law declares no `source_target`, since where the test rows lie is not in the
# training split, and a study of your runs reaches as far as the points you ask about).
#
# The **origins** move back in both axes at once: the $k$-th origin fits on the runs at or below
# the $(k+1)$-th largest value of both parameters and tokens ($k = 1, \dots, 5$: from 2.81B
# and 250B down to 619M and 60B) and scores the runs beyond either threshold within the reach,
# as the test split does. This is the package's generic rule for axes whose runs sit on levels
# (here 18 model sizes and 27 token counts, each shared by many runs), with five origins. Five
# origins, not v1's one holdout: that single holdout (21 rows) was dominated by heavily
# repeated runs, where the overfitting penalty earned its R2, while the task's extrapolation is
# mostly one of scale. The protocol reports the R2 *and* the mean signed error (bias, in
# standard deviations of the held loss) at every origin.
#
# The **independent unit** is a repetition curve: the runs of one model size on one unique
# dataset (70 curves). Their errors are shared (the two 3.9B runs miss together; a curve at
# 100M unique tokens overfits together), so a handful of heavily repeated curves must not pass
# for dozens of independent runs when the protocol asks whether two forms differ.
#
# **Checks against Muennighoff et al.** Each form's decisions are checked against what
# Muennighoff et al. measured, with the yardstick above, at a model given 20 unique tokens per
# parameter (Chinchilla's compute-optimal data, so that one epoch is the plan without a data
# constraint): a 1B model on 20B unique tokens. A form is refused if 4 epochs of repeated data
# are worth less than 80% of fresh data (Muennighoff's law: 93%, "nearly free"), or if its knee
# lies outside a factor 3 of the paper's $1 + R_D^* = 16.4$ epochs. The check is about the
# source study's runs: on your runs a study shows it, but does not apply it.
#
# Then the survivors (every form the backtests cannot tell from the best: its excess error
# within two standard errors over curves at the median origin) are refitted on all runs,
# bootstrapped (100 refits, curves resampled, seed 0), and compared at the target: the runs at
# the largest value of each axis, moved by the reach along it.

# %% tags=["export"]
#: Forecast origins of the backtests (the generic rule: the k-th largest level of both axes
#: back, k = 1 .. ORIGINS).
ORIGINS = 5
#: The independent unit: a repetition curve, the runs of one model size on one unique dataset.
CURVE = ("params", "unique_tokens")


#: Where the checks look: a 1B model on 20B unique tokens, 20 per parameter.
REFERENCE = {"unique_tokens": 2e10, "params": 1e9}


def agrees_with_muennighoff(candidate, constants):
    """Why a fitted form's repetition contradicts Muennighoff et al., or None: at the reference,
    4 epochs must be worth at least 80% of fresh data and the knee lie within a factor 3 of 16.4."""
    group = next(iter(constants))
    summary = repetition_summary(lambda X: candidate.predict(X, constants[group]),
                                 REFERENCE["unique_tokens"], REFERENCE["params"])
    if summary["worth_of_4_epochs"] < 0.8:
        return f"4 epochs of repeated data are worth {summary['worth_of_4_epochs']:.2f} of fresh data, not nearly all"
    if not 16.4 / 3 <= summary["knee_epoch"] <= 16.4 * 3:
        return f"its knee is at {summary['knee_epoch']:.4g} epochs, not near 16"
    return None


def _epochs(X):
    """Epochs D/U of a run (below 1 for a run shorter than its data)."""
    return np.asarray(X["tokens"], dtype=float) / np.asarray(X["unique_tokens"], dtype=float)


def _params_per_unique_token(X):
    """Parameters per unique token N/U."""
    return np.asarray(X["params"], dtype=float) / np.asarray(X["unique_tokens"], dtype=float)


def plan_example(table, points=None):
    """The plan a study's report answers: for the largest requested point, or the largest
    model's most repeated run, its unique tokens, tokens and parameters."""
    rows = points if points is not None and len(points) else table
    largest = rows[rows["params"] == rows["params"].max()]
    row = largest.iloc[int(np.argmax(_epochs(largest)))]
    return {"unique_tokens": float(row["unique_tokens"]), "tokens": float(row["tokens"]),
            "params": float(row["params"])}


PROTOCOL = Protocol(
    CANDIDATES,
    axes=("params", "tokens"),
    # Not extrapolation axes: the record keeps their training ranges, which the plan warns outside of.
    derived={"epochs": _epochs, "params_per_unique_token": _params_per_unique_token},
    checks=agrees_with_muennighoff,
    cluster=CURVE,
    decision_example=plan_example,
    max_origins=ORIGINS,
)

FORM = (
    r"L = E + A\,n^{-\alpha} + B\,D^{-\beta} + P\,\ln\!\left(1 + \tfrac{N}{U}\right)"
    r"\left(1 - e^{-(D/U - 1)/R_D}\right),\quad n = \frac{N}{10^9},\ D, U \text{ in } 10^9"
    r" \text{ tokens},\ U \to \min(U, D)"
)
PARAM_NAMES = list(PENALTY_NAMES)
formula = fresh_plus_penalty

LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants, protocol=PROTOCOL)
predict, fit = LAW.predict, LAW.fit

# %% [markdown]
# The study of the training runs: backtests, scores, survivors, the choice, the fit on all runs
# with 100 bootstrap refits, and intervals calibrated on the backtests.

# %%
study = LAW.study(table)
evaluation, choice = study.evaluation, study.choice
KEY = {c.name: c.key for c in CANDIDATES}
print("reach: " + ", ".join(f"{axis} x{factor:.2f}" for axis, factor in study.reach.items()))
pd.DataFrame([{"origin": b.origin, "fit on": len(b.train), "held": len(b.held),
               "held with > 16 epochs": int((b.held.tokens / b.held.unique_tokens > 16).sum())}
              for b in study.backtests])

# %%
evaluation.summary().assign(candidate=lambda s: s.candidate.map(KEY)).round(4)

# %% [markdown]
# Per origin, the R2 and the bias:

# %%
def short(origin):
    return origin.replace("params <= ", "N <= ").replace("tokens <= ", "D <= ")


evaluation.table("r2").rename(index=KEY, columns=short).round(4)

# %%
evaluation.table("bias").rename(index=KEY, columns=short).round(3)

# %% [markdown]
# Two forms lead: `fresh-penalty` (median R2 0.967) and its one-exponent twin (0.967), ahead of
# `v1` (0.941), `rd-by-size` and `linear-penalty` (0.93), Muennighoff's forms (0.89-0.90)
# and the published `additive` form (0.84). They are also among the least biased at the middle
# origins (bias within ±0.04 standard deviations from the 2.16B origin down), where `v1` is
# biased upwards at every one (+0.03 to +0.11): holding out the runs above 1.5B parameters or
# 91B tokens, v1 predicts too high a loss at scale, as the trust issue found.
#
# **Where they are not ahead.** At the first origin (fit up to 2.81B and 250B, 6 held runs) the
# conservative forms and Muennighoff's score higher (0.89-0.92 against 0.84): two of those six
# runs are the 3.9B runs, which every form predicts about 0.2 too low (the bias is negative for
# every form there), and with so few rows those two misses make most of the score.
#
# ## Survivors, the literature, and the choice

# %%
print(choice.reason)
pd.Series({KEY[name]: reason for name, reason in choice.excluded.items()}, name="refused").to_frame()

# %%
choice.at_target.assign(candidate=lambda s: s.candidate.map(KEY)).round(4)

# %% [markdown]
# The checks refuse four forms. `chinchilla` (ignoring $U$) makes a repeated token as good as a
# fresh one forever. The published `additive` form says the opposite: 4 epochs of repeated data
# are worth under half of fresh data, because its $U^{-c}$ term charges for every token not
# seen, repeated or not. `rd-by-ratio`, the half-life set by data per parameter, puts the knee
# at hundreds of epochs. And `no-gain`, the persistence reference, carries the largest trained
# $N$ and $D$ among its numbers, eight per group: a yardstick above the task's limit of seven,
# which the protocol scores but never makes the law.
#
# Seven forms survive: the backtests cannot tell them from `fresh-penalty` (Muennighoff's two
# forms among them, since at the median origin their extra error is within two standard errors
# over curves). At the target every one agrees with the best form
# within their bootstrap spreads (the spreads are 0.02-0.045 nats, the forms' means lie within
# 0.05 of each other, at most 1.5 of their combined spreads apart), so the data do not call for
# a combination: the law is the best form, `fresh-penalty`, Chinchilla in the tokens trained on
# plus the overfitting penalty. The survivors stay in the law's intervals: its predictions and
# decisions carry their spread.
#
# **History.** The first version of this law (v1) was Muennighoff's effective data $D'$ plus
# the bounded overfitting penalty $P \ln(1 + N/U)(1 - e^{-x/R_D})$ (7 constants), chosen by one
# holdout of the two largest token counts and model sizes, where it scored R2 0.918. Scored after
# release on the held-out test rows, it reached R2 0.94171, below the honest anchor (0.983974,
# the additive form with its entry's own constants). The second version (v2) scored the five
# origins and their bias, counted repetition curves rather than runs as evidence, and checked
# each form's repetition decisions against Muennighoff et al.: it kept v1's penalty but dropped
# the effective data $D'$ from the data term, since with $D'$ the data exponent is learnt mostly
# from how repetition discounts the many small repeated runs, and the backtests show that law
# biased upwards at scale; without it, the penalty carries repetition and the exponent follows
# the runs' scale. v2 scored 0.9501 on the held-out rows after release. This version declares
# the pool and the protocol with the law (the same five origins, now from the law's rule, and
# the same choice); its intervals now carry the survivors' spread and grow beyond the validated
# reach. (The held-out figures are reported here, never used to choose.)
#
# ## The law
#
# $$L = E + A\,n^{-\alpha} + B\,D^{-\beta} + P \ln\!\Big(1 + \frac{N}{U}\Big)\Big(1 - e^{-(D/U - 1)/R_D}\Big)$$
#
# with $n = N/10^9$ and $D$ in units of $10^9$ tokens, $U$ read as $\min(U, D)$. At one epoch
# (and for a run shorter than its data) the penalty vanishes and the law *is* Chinchilla's in
# the tokens trained on. Repetition costs nothing in the data term; what it costs is the
# penalty: zero at one epoch, approaching $P \ln(1 + N/U)$ as the epochs use up a budget of
# about $R_D$ epochs, and larger the more parameters the model has per unique token.
#
# The exported law is the protocol's choice, not a copy typed beside it: the cell below fails if
# the protocol picks another form or a combination.

# %%
assert study.chosen == "fresh-penalty" and LAW.candidate("fresh-penalty").predict is formula
PARAMS_FITTED = study.params
record = study.record

# %% [markdown]
# ## Fitted on all training runs
#
# The constants with 95% intervals from the protocol's 100 bootstrap refits (repetition curves
# resampled, seed 0):

# %%
draws = choice.draws[choice.best]
constants_table = fitting.intervals(PARAMS_FITTED, draws, PARAM_NAMES)
constants_table.drop(columns="group").set_index("constant").apply(
    lambda column: column.map(lambda v: float(f"{v:.4g}"))
)

# %% [markdown]
# What the constants say:
#
# - $E \approx 2.3$ is the irreducible loss; $A n^{-\alpha}$ and $B D^{-\beta}$ are Chinchilla's
#   terms for model size and data, with $\alpha \approx 0.5$ and $\beta \approx 0.45$.
# - $P \approx 1$ nat is the scale of the overfitting penalty and $R_D \approx 110$ epochs the
#   budget it uses up: a model with as many parameters as unique tokens ($N/U = 1$) pays up to
#   $P \ln 2 \approx 0.7$ nats once it has repeated its data a few hundred times, a model with
#   one parameter per twenty unique tokens at most $P \ln 1.05 \approx 0.05$.
# - The size term is the least certain ($A$ and $\alpha$ trade against each other: the tiny
#   models and the large ones disagree about it); $R_D$ and $P$ are pinned by the many repeated
#   runs, to within about 15% below and 40-50% above (95 to 165 epochs, 0.93 to 1.45 nats).

# %% tags=["hide-input"]
fitted_loss = formula(table, PARAMS_FITTED["all_data"])
residual = table.loss - fitted_loss
print(f"R2 on all training runs: {metrics.r2(table.loss, fitted_loss):.4f}; "
      f"median |residual| / loss: {np.median(np.abs(residual) / table.loss):.4f}")
fig, axes = plt.subplots(2, 2, figsize=(5.8, 4.3), sharey=True, layout="constrained")
ratio = table.params / table.unique_tokens
for ax, values, label in zip(axes.flat, [table.params, table.tokens, table.unique_tokens, epochs],
                             ["parameters N", "training tokens D", "unique tokens U", "epochs D/U"]):
    points = ax.scatter(values, residual, c=np.log10(ratio), cmap="coolwarm", s=12)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label, title=f"Residuals against {label.split()[-1]}")
for ax in axes[:, 0]:
    ax.set_ylabel("loss - law (nats)")
fig.colorbar(points, ax=axes, label="log10 N/U", fraction=0.04)
fig.suptitle("Large misses only for tiny models, heavy overfitting and the 3.9B runs")
plt.show()

# %% [markdown]
# Most runs are within a few percent. The misses are where the table said they would be: the
# smallest models early in training (both signs), heavy overfitting (large $N/U$, many epochs:
# the penalty saturates in epochs while the measured loss keeps climbing; the 421M model at 320
# epochs on 100M unique tokens measures 5.78), and the two 3.9B runs, about 0.2 above the law.
#
# ## Prediction intervals, and how often they cover
#
# A 90% prediction interval carries the constants' bootstrap, the spread between the law and
# the forms the backtests could not tell from it (these two scaled by a new-run scale
# $s_0 \ge 1$, calibrated with the extrapolation term; here $s_0 = 1$), the run-to-run noise (the
# residuals' spread) and an extrapolation term that grows with the distance beyond the training
# range (in units of the reach: a factor 1.9 in parameters, 2.1 in tokens). That term is
# calibrated on the backtests: the smallest that covers 90% of their held-out runs. The coverage
# at each origin is measured with the term calibrated on the other four. Beyond the farthest
# distance the backtests scored, the interval grows by the rule the backtests' errors follow (at
# least in proportion to the distance), and the prediction is flagged `beyond_reach`.

# %%
calibration = study.calibration
calibration.coverage.round(3)

# %%
uncertainty = record.uncertainty
summary = calibration.summary()
print(f"90% intervals cover {summary['covered']:.2f} of the held-out runs; median width "
      f"{summary['median_width_over_spread']:.2f} standard deviations of the held loss; noise "
      f"{uncertainty.noise_sd['all_data'][0]:.3f} nats, extrapolation term {uncertainty.extrapolation_sd[0]:.4f} "
      f"nats per unit of distance, validated up to {calibration.validated_distance:.2f} units, growing as "
      f"distance^{calibration.growth:.2f} beyond")

# %% [markdown]
# The intervals cover every held-out run at every origin: they are too wide rather than too
# narrow (1.5 standard deviations of the held loss wide, at the median origin). The run-to-run
# noise term is the root mean square of the residuals (0.18 nats), which the dozen runs no form
# explains (tiny models, heavy overfitting, the 3.9B pair) inflate; with the survivors' spread it
# covers the backtests, so the calibrated extrapolation term is zero. The backtests scored runs
# up to 0.94 reaches beyond their fits: beyond that the intervals grow in proportion to the
# distance. A typical run lies
# within ±0.07 nats of the law (the median residual is 2% of the loss); read the band as what
# the worst-behaved runs can do, not as the law's typical error.
#
# ## Extrapolation beyond the training range
#
# The law with its 90% prediction interval, up to 3T training tokens and 20B parameters. Left:
# unique data never runs out ($U = D$, one epoch), where the law is Chinchilla's. Right: 4B
# unique tokens, repeated.

# %% tags=["hide-input"]
token_axis = np.geomspace(1e9, 3e12, 60)
fig, axes = plt.subplots(1, 2, sharey=True, figsize=(5.8, 3.0), layout="constrained")
lines = []
for ax, unique in zip(axes, [None, 4e9]):
    for size, color in zip([2e8, 1.1e9, 3.9e9, 2e10], ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        tokens = token_axis if unique is None else token_axis[token_axis >= unique]
        grid = {"unique_tokens": tokens if unique is None else np.full(tokens.size, unique),
                "params": np.full(tokens.size, size), "tokens": tokens}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", decide.ExtrapolationWarning)
            band = LAW.predict(grid, record, interval=0.9)
        line, = ax.plot(tokens, band.loss, color=color, label=f"N = {size / 1e9:g}B")
        ax.fill_between(tokens, band.loss_low, band.loss_high, color=color, alpha=0.15)
        lines += [line] if unique is None else []
    ax.axvline(table.tokens.max(), color="grey", ls="--", lw=0.8)
    ax.set(xscale="log", xlabel="training tokens D",
           title="fresh data (U = D)" if unique is None else f"U = {unique / 1e9:g}B unique tokens")
axes[0].set_ylabel("predicted loss")
axes[1].set_ylim(1.9, 4.0)
fig.legend(handles=lines, loc="outside lower center", ncols=4)  # below the axes: no curve hidden
fig.suptitle("The law and its 90% interval; dashed: the largest training token count")
plt.show()

# %% [markdown]
# With fresh data the loss keeps falling with size and data, towards $E$. On 4B unique tokens
# the penalty takes over, and the larger the model, the sooner and the more: the 3.9B model is
# best at about 17 epochs, a 20B model (five parameters per unique token, inside the training
# range of $N/U$ but five times the largest trained model) at about 8; from about 6 epochs it
# falls behind the 3.9B model and, from about 28, behind the 0.2B one. Inside the data the
# band is mostly the noise term (see above); beyond the largest trained token count it widens,
# and past the distance the backtests validated it grows with the distance: the 20B model,
# five times the largest trained size, lies beyond that distance at every token count.
#
# **Where not to trust it.**
# - Heavy overfitting ($N/U \gtrsim 1$ with $\gtrsim 100$ epochs): the penalty saturates in
#   epochs while the real loss keeps climbing, so the law is too optimistic there.
# - $N/U$ far beyond the trained 11, or epochs far beyond 3000: the $\ln(1 + N/U)$ growth is a
#   choice made for plausibility, not a measurement.
# - Tiny models early in training ($N < 40$M, $D \le 1$B): errors of several tenths.
# - The largest models: the two 3.9B runs sit about 0.2 above the law. If larger models behave
#   like them, the law under-predicts their loss.
#
# ## Using the law: how many epochs of repeated data?
#
# `epochs_plan(unique_tokens, tokens, parameters)` answers for a budget of unique tokens and of
# training tokens: the predicted loss at each number of epochs up to the budget, the worth of a
# repeated token at each (in fresh tokens, with the yardstick above), the best number of epochs
# within the budget, the *half-value epoch* beyond which a repeated token is worth less than
# half a fresh one, and the *knee* where it falls to $1/e$ (Muennighoff's $1 + R_D^*$). A budget
# shorter than the data ($D < U$) is one partial epoch: nothing repeats, and the plan says so.

# %% tags=["export"]
def _is_refit(fitted):
    """Whether a decision is being recomputed on a bootstrap refit (of the law or of a survivor) for
    its interval: the constants are not the record's own. A refit whose best number of epochs
    lies at the edge counts there (so that the interval's end reads "at least"); the answer itself
    says "at least" and has no interval."""
    record = fitted.record
    if record is None or fitted.group not in record.params or fitted.constants is None:
        return False
    own = np.asarray(record.params[fitted.group], dtype=float)
    return own.shape != np.shape(fitted.constants) or not np.array_equal(own, fitted.constants)


def _epoch_grid(most):
    steps = [e for k in range(40) for e in (2**k, 3 * 2**k) if 1 < e < most]
    return np.array(sorted({1.0, *map(float, steps), most})) if most >= 1 else np.array([most])


@LAW.decision(
    units={"epochs": "epochs (D/U)", "loss": "nats", "repeat_value": "fresh tokens per repeated token",
           "fresh_equivalent": "tokens", "best_epochs": "epochs", "best_epochs_at_least": "epochs",
           "best_loss": "nats", "half_value_epoch": "epochs", "knee_epoch": "epochs",
           "worth_of_4_epochs": "fresh tokens per token"},
    interval=("best_epochs", "best_loss", "half_value_epoch", "knee_epoch", "worth_of_4_epochs"),
    main=True,
)
def epochs_plan(fitted, unique_tokens: float, tokens: float, params: float):
    """How many epochs of unique_tokens to train a model of that many parameters on, within a budget of tokens.

    For each number of epochs from 1 to ``tokens / unique_tokens``: ``epochs``, the predicted
    ``loss``, ``repeat_value`` (a repeated token's worth in fresh tokens: 1 as good, 0
    useless, negative harmful) and ``fresh_equivalent`` (the fresh tokens worth as much as the
    run). Then the loss-minimising ``best_epochs`` within the budget and its ``best_loss``;
    ``half_value_epoch`` and ``knee_epoch``, beyond which a repeated token is worth less than
    half and 1/e of a fresh one (whether or not within the budget); ``worth_of_4_epochs``,
    the fresh tokens 4 epochs are worth per token trained. Where the loss still falls at the
    end of the budget, the best number of epochs is not found but bounded: the plan gives
    ``best_epochs_at_least`` (the budget's epochs, the edge searched) instead of ``best_epochs``,
    with no interval, ``best_epochs_at_edge`` is true and ``best_epochs_status`` says so in words. (A bootstrap refit at the edge counts
    at the budget's end in the interval of an answer inside it: an interval that ends at the
    budget's end reads "up to at least".) Any form of the law's pool answers:
    the plan reads the loss through ``fitted.predict`` only.
    """
    params = decide.positive("params", params)
    most = tokens / unique_tokens
    notes = []
    if most < 1:
        notes.append(f"tokens = {tokens:.4g} is less than unique_tokens = {unique_tokens:.4g}: one partial "
                     "epoch, nothing is repeated, and the plan is to train on all the tokens")
    grid = _epoch_grid(most)

    def at(e):
        e = np.asarray(e, dtype=float)
        return fitted.predict({"unique_tokens": np.full(e.size, unique_tokens),
                               "params": np.full(e.size, params), "tokens": e * unique_tokens})

    fine = np.geomspace(1.0, most, 2001) if most > 1 else np.array([most])
    fine_loss = at(fine)
    best = int(np.argmin(fine_loss))
    at_edge = most > 1 and best == fine.size - 1
    summary, values, fresh = _repetition(fitted.predict, unique_tokens, params, grid)
    # The derived quantities the plan depends on, against the ranges of the runs the constants
    # were fitted on (the record keeps them: PROTOCOL.derived).
    ranges = fitted.ranges()
    derived = {"params_per_unique_token": params / unique_tokens, **({"epochs": most} if most >= 1 else {})}
    notes += decide.outside_messages(TASK.module, {k: v for k, v in ranges.items() if k in derived}, derived)
    best_answer = {"best_epochs": float(fine[best])}
    status = "within the budget"
    if at_edge and not _is_refit(fitted):
        best_answer = {"best_epochs_at_least": float(most)}
        status = (f"at least {most:.4g} (the edge searched): the loss still falls at the end of the budget, so "
                  "there is no optimum within it and no interval; best_loss is the loss at that edge")
    return {
        "unique_tokens": unique_tokens, "tokens": tokens, "params": params,
        "epochs": grid.tolist(), "loss": at(grid).tolist(),
        "repeat_value": values.tolist(), "fresh_equivalent": fresh.tolist(),
        **best_answer, "best_epochs_at_edge": bool(at_edge), "best_epochs_status": status,
        "best_loss": float(fine_loss[best]),
        **summary, "warnings": notes,
    }


# %% [markdown]
# The plan warns where the epochs $D/U$ or the parameters per unique token $N/U$ lie outside the
# range of the runs the constants were fitted on (the record keeps both ranges). Where the loss
# still falls at the end of the budget, the best number of epochs lies beyond it: the plan says
# "at least" the budget's epochs, flags it (`best_epochs_at_edge`), and gives no interval for a
# number it did not find. Those ranges, for the training table:

# %%
ranges = record.ranges("all_data")
print(f"epochs {ranges['epochs'][0]:g} to {ranges['epochs'][1]:g}; parameters per unique token "
      f"{ranges['params_per_unique_token'][0]:.4f} to {ranges['params_per_unique_token'][1]:.2f}")

# %% [markdown]
# **Checked against Muennighoff et al.** At the reference the checks used (a 1B model on 20B
# unique tokens, 20 per parameter) and at other settings of the table, with 80% intervals from
# the bootstrap refits. Muennighoff's law, with its printed constants, gives 0.93 for the worth
# of 4 epochs, 11.7 for the half-value epoch and 16.4 for the knee at the reference (its
# effective data $D'$ alone gives these at every setting):

# %%
cases = [(1e9, 2e10), (2e8, 4e9), (1.1e9, 1.2e10), (2.81e9, 4e9), (4.2e8, 4e8), (2.2e8, 1e8)]
rows = []
for size, unique in cases:
    with warnings.catch_warnings():  # the table marks the extrapolation instead
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        plan = epochs_plan(unique, 100 * unique, size, constants=record)
    low, high = plan.interval["knee_epoch"]
    rows.append({
        "N": f"{size / 1e9:g}B", "U": f"{unique / 1e9:g}B", "N/U": round(size / unique, 2),
        "worth of 4 epochs": round(plan.answer["worth_of_4_epochs"], 3),
        "half-value epoch": round(plan.answer["half_value_epoch"], 1),
        "knee epoch": round(plan.answer["knee_epoch"], 1), "80% interval": f"[{low:.1f}, {high:.1f}]",
        "best of 100 epochs": (round(plan.answer["best_epochs"], 1) if "best_epochs" in plan.answer
                               else f"at least {plan.answer['best_epochs_at_least']:g}"),
        "extrapolates": any("outside the training range" in w for w in plan.warnings),
    })
pd.DataFrame(rows)

# %% [markdown]
# Up to 4 epochs repeated data keep over 90% of the worth of fresh data at every setting, as
# Muennighoff et al. found ("up to 4 epochs is almost as good as new data"). Beyond that, the
# model and its data decide. Where the unique data are scarce for the model ($N/U$ from 0.7 to
# 2.2: the runs that showed overfitting), the knee is at 10-20 epochs, around the paper's 16.
# Where they are plentiful (20 unique tokens per parameter) the penalty is small and the knee
# comes late: about 35 epochs for a 1B model, 67 for a 0.2B one, two to four times the
# paper's, and the loss still falls after 100 epochs (the plan says "at least 100", the edge it
# searched, and gives no interval for it). The paper's single knee is an average over its runs;
# the law says it is not one number, and is least sure of it where repetition costs little
# either way.
#
# The 80% intervals pool the bootstrap refits of the law and of its seven survivors (the law
# counting as much as the survivors together): the forms the backtests could not tell apart
# disagree about repetition more than the refits of one form do. The forms that read repetition
# off the effective data $D'$ alone (`muennighoff-data`, `kaplan`) put the knee at the same 21-27
# epochs whatever the model and its data (their fitted $R_D$ is 26 and 21 on these runs, not the
# paper's 15), while `rd-by-size`, whose repetition scale falls with $N$, puts it at 3.5 to 7
# epochs for the 1B and 2.81B models. So the intervals are wider than the law's own refits give
# (2.81B on 4B: 8.6 to 23.8 epochs, against 9.1 to 11.6 from the law's refits alone in the
# previous version). For the same reason the best number of epochs of the plan below has an
# interval that reaches the budget's end: some survivors' losses never turn up within it.
#
# A full plan: a 2.81B model, 4B unique tokens and a budget of 120B training tokens (30 epochs):

# %%
plan = epochs_plan(4e9, 1.2e11, 2.81e9, constants=record)
print(f"best: {plan.answer['best_epochs']:.1f} epochs (80% interval {plan.interval['best_epochs'][0]:.1f} to "
      f"{plan.interval['best_epochs'][1]:.1f}), loss {plan.answer['best_loss']:.4f}; half-value epoch "
      f"{plan.answer['half_value_epoch']:.1f} ({plan.interval['half_value_epoch'][0]:.1f} to "
      f"{plan.interval['half_value_epoch'][1]:.1f}); warnings: {plan.warnings}")
pd.DataFrame({k: plan.answer[k] for k in ("epochs", "loss", "repeat_value")}).round(4)

# %% [markdown]
# The loss falls until about 21 epochs (80% interval: 18.5 epochs up to at least the budget's 30)
# and rises after, but from about the 8th epoch on (80% interval 6.9 to 16.3) a repeated token is
# worth less than half a fresh one: with the same compute, finding more unique
# data would pay more than repeating. For a model large against its data (420M parameters on
# 100M unique tokens, four per token) the loss also turns up within the budget:

# %%
small = epochs_plan(1e8, 1e10, 4.2e8, constants=record)
print(f"best: {small.answer['best_epochs']:.1f} epochs, loss {small.answer['best_loss']:.4f}; "
      f"half-value epoch {small.answer['half_value_epoch']:.1f}; warnings: {small.warnings}")
pd.DataFrame({k: small.answer[k] for k in ("epochs", "loss", "repeat_value")}).round(4).T

# %% [markdown]
# The runs of 421M models on 100M unique tokens were best near 27 epochs (the law: 32), and
# their loss rose faster after that than the law predicts.
#
# ## The record
#
# The constants, their bootstrap refits, the noise and extrapolation terms of the intervals,
# the protocol's scores and this page's summary are stored in `laws/data_constrained.json`
# (rewritten only when they change beyond what another CPU's rounding moves).

# %%
headline = plan  # a 2.81B model, 4B unique tokens, 120B tokens: the plan above
low, high = headline.interval["half_value_epoch"]
_ = study.store(
    summary={
        "question": "How much is a repeated token worth against a fresh one, and how many epochs pay?",
        "headline": (f"A 2.81B model on 4B unique tokens: beyond {headline.answer['half_value_epoch']:.1f} "
                     f"epochs (80% interval {low:.1f}-{high:.1f}) a repeated token is worth less than half a "
                     "fresh one."),
        "caveat": "Heavy overfitting (N/U above 1, over 100 epochs) is worse than the law says; models "
                  "beyond 3.9B parameters are extrapolations.",
    },
)

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = LAW.interfaces()

# %% [markdown]
# The stored constants predict what a refit on the training split predicts, to the contract's
# tolerance (relative $10^{-6}$ on every training row, on any machine), and the leaderboard
# interface predicts what `predict` does:

# %%
refit = fit(data.load("data_constrained"))
assert LAW.same_predictions(table)(PARAMS["all_data"], refit["all_data"], "all_data")
example = law([{"unique_tokens": 4e9, "params": 2.81e9, "tokens": 1.2e11}], "all_data")
assert example[0]["loss"] == predict({"unique_tokens": [4e9], "params": [2.81e9], "tokens": [1.2e11]})[0]
print(f"predicted loss of a 2.81B model, 30 epochs of 4B unique tokens: {example[0]['loss']:.4f}")

# %% [markdown]
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same routine
# and bootstrap intervals (`scalinglaws fit data_constrained --csv runs.csv` does the same from
# the command line). Here, as if only models up to 1.1B parameters had been trained:

# %%
import scalinglaws

small_runs = table[table.params <= 1.1e9]
own = scalinglaws.fit("data_constrained", small_runs, bootstrap=30, seed=0)
print(f"fitted to {own.rows} runs: R2 {own.r2:.4f}")
own.intervals.drop(columns=["group", "std_error"]).round(3)

# %% [markdown]
# Fitted on the 135 runs up to 1.1B parameters, every constant stays within 4% of the fit to all
# runs and inside its 95% interval. The data term and the penalty move most ($B$ 1.40 to 1.35,
# $\beta$ 0.45 to 0.47, $P$ 1.04 to 1.01), the size term least ($A$ 0.193 to 0.196, $\alpha$
# 0.507 to 0.504).
#
# Runs that never repeat their data cannot say what repetition costs. Fitted to the 27
# one-epoch runs only, the law's predictions do not depend on $R_D$ and $P$, and the fit says
# so instead of reporting them:

# %%
single = scalinglaws.fit("data_constrained", table[table.tokens <= table.unique_tokens], bootstrap=10, seed=0)
single.intervals[["constant", "identified", "note"]]
