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
pd.set_option("display.max_colwidth", 70)
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
fig, axes = plt.subplots(1, 2, sharey=True)
for ax, unique in zip(axes, [1e8, 4e8]):
    rows = table[table.unique_tokens == unique]
    sizes = np.sort(rows.params.unique())
    cmap = plt.get_cmap("plasma")
    for i, size in enumerate(sizes):
        runs = rows[rows.params == size].sort_values("tokens")
        ax.plot(runs.tokens / unique, runs.loss, "o-", ms=3, color=cmap(i / max(len(sizes) - 1, 1)),
                label=f"{size / 1e6:.0f}M")
    ax.set(xscale="log", xlabel="epochs D/U", title=f"U = {unique / 1e6:.0f}M unique tokens")
    ax.legend(ncol=2, title="N")
axes[0].set_ylabel("loss")
fig.suptitle("At fixed unique data, more epochs first help, then hurt large models")
fig.tight_layout()
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


def repetition_summary(predict, unique_tokens, params, most=1e4):
    """The worth of 4 epochs of repeated data (D_f / D), and the epochs at which a repeated
    token falls below half (``half_value_epoch``) and 1/e (``knee_epoch``) of a fresh one
    (infinite if it does not within ``most`` epochs)."""
    grid = np.geomspace(1.0, most, 161)
    value = repeat_value(predict, unique_tokens, params, grid)

    def crossing(level):
        below = np.flatnonzero(value < level)
        if not below.size:
            return float("inf")
        i = below[0]
        if i == 0:
            return 1.0
        # linear in ln(epochs) between the two grid points around the crossing
        share = (value[i - 1] - level) / (value[i - 1] - value[i])
        return float(np.exp(np.log(grid[i - 1]) + share * (np.log(grid[i]) - np.log(grid[i - 1]))))

    worth = float(fresh_equivalent(predict, unique_tokens, params, 4.0 * unique_tokens)) / (4.0 * unique_tokens)
    return {"worth_of_4_epochs": worth, "half_value_epoch": crossing(0.5), "knee_epoch": crossing(np.exp(-1.0))}


# %% [markdown]
# ## Candidate forms
#
# With $n = N/10^9$, token counts in units of $10^9$, and $x = D/U - 1$ the number of repeated
# epochs (the name each form has in the tables below in bold, its number of constants in
# brackets). *Published:*
#
# 1. **Chinchilla, ignoring U** (5): $L = E + A n^{-\alpha} + B D^{-\beta}$.
# 2. **Muennighoff: D' and N'** (7), the paper's form: Chinchilla's law in the effective data
#    $D' = U + U R_D (1 - e^{-x/R_D})$ and the effective parameters
#    $N' = U_N + U_N R_N (1 - e^{-(N/U_N - 1)/R_N})$, where $U_N = \min(N, N_\text{opt}(U))$ is the
#    compute-optimal model size for the unique data, from the law's own constants.
# 3. **Muennighoff: D' only** (6): the same without $N'$ (the paper finds $R_N$ matters little).
# 4. **additive power laws** (7), the best published form (SLDBench leaderboard, and the honest
#    anchor on its test split): $L = C_0 + C_1 n^{-a} + C_2 D^{-b} + C_3 U^{-c}$.
#
# *Conservative* (they promise less beyond the data):
#
# 5. **Muennighoff's rate, R_D = 15.4** (5): $D'$ with the paper's $R_D$, not fitted: repeated
#    data lose their worth as fast as the paper measured, however long the table's runs were.
# 6. **no gain beyond the data** (6, plus the two largest trained sizes): Muennighoff's
#    data-only law with $N$ and $D$ held at the largest trained values, a persistence
#    reference (nothing more from scale).
#
# *Ours*, each testing one idea:
#
# 7. **v1: D' + log penalty** (7), v1's law: $D'$ plus $P \ln(1 + N/U)\,(1 - e^{-x/R_D})$, an
#    overfitting penalty, zero at one epoch, growing as the repetition budget is used up and with
#    the parameters per unique token;
# 8. **D' + linear penalty** (7): the same penalty linear in $N/U$;
# 9. **D', R_D falling with N** (7): $R_D = R_0 n^{-g}$ (big models memorise sooner);
# 10. **D', R_D set by U/N** (7): $R_D = R_0 (U/N)^{g}$;
# 11. **Kaplan-style, in D'** (6): $L = E + \big(A n^{-\alpha/\beta} + B/D'\big)^{\beta}$;
# 12. **repetition gap** (7): $L = E + A n^{-\alpha} + B D^{-\beta} + C (U^{-c} - D^{-c})$, the
#     additive form made to vanish at one epoch;
# 13. **fresh data + penalty** (7): $L = E + A n^{-\alpha} + B D^{-\beta} + P \ln(1 + N/U)
#     (1 - e^{-x/R_D})$: Chinchilla in the tokens trained on, with repetition entering only
#     through the overfitting penalty; its data exponent is then learnt from the runs' scale,
#     not from how repetition discounts them;
# 14. **fresh data + penalty, a = b** (6): the same with one exponent, as Chinchilla's fits
#     nearly find.

# %% tags=["hide-input"]
def effective_data(u, d, r):
    """Muennighoff's effective data U + U R (1 - exp(-(D/U - 1)/R))."""
    return u + u * r * _used_share(u, d, r)


def chinchilla(X, p):
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4]


def muennighoff_data(X, p):
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, p[5]) ** -p[4]


def muennighoff_paper(X, p):
    E, A, a, B, b, r_d, r_n = p
    u, n, d = _billions(X)
    # U_N: the compute-optimal size for D = U under the law's own constants (Chinchilla's allocation)
    G = (a * A / (b * B)) ** (1.0 / (a + b))
    u_n = np.minimum(n, G ** ((a + b) / a) * u ** (b / a))
    return E + A * effective_data(u_n, n, r_n) ** -a + B * effective_data(u, d, r_d) ** -b


def additive(X, p):
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4] + p[5] * u ** -p[6]


def paper_rate(X, p):
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, 15.4) ** -p[4]


def log_penalty(X, p):
    E, A, alpha, B, beta, r, P = p
    u, n, d = _billions(X)
    used = _used_share(u, d, r)
    return E + A * n**-alpha + B * (u + u * r * used) ** -beta + P * np.log1p(n / u) * used


def linear_penalty(X, p):
    E, A, alpha, B, beta, r, P = p
    u, n, d = _billions(X)
    used = _used_share(u, d, r)
    return E + A * n**-alpha + B * (u + u * r * used) ** -beta + P * (n / u) * used


def half_life_by_size(X, p):
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, p[5] * n ** -p[6]) ** -p[4]


def half_life_by_ratio(X, p):
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, p[5] * (u / n) ** p[6]) ** -p[4]


def kaplan(X, p):
    u, n, d = _billions(X)
    return p[0] + (p[1] * n ** (-p[2] / p[4]) + p[3] / effective_data(u, d, p[5])) ** p[4]


def repetition_gap(X, p):
    u, n, d = _billions(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4] + p[5] * (u ** -p[6] - d ** -p[6])


def fresh_plus_penalty(X, p):
    E, A, alpha, B, beta, r, P = p
    u, n, d = _billions(X)
    return E + A * n**-alpha + B * d**-beta + P * np.log1p(n / u) * _used_share(u, d, r)


def one_exponent_penalty(X, p):
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
WITH_P = ([0, 0, 0.01, 0, 0.01, 0.05, 0], [10, 1e3, 3, 1e3, 3, 3000, 10])
data_only_fit = seeded_fit(muennighoff_data, WITH_R, {**EXPONENTS, **REPEATS}, [0, 1, 3], logs=[5])


def held_fit(rows, start=None):
    base = data_only_fit(rows, start=None if start is None else {g: v[:6] for g, v in start.items()})
    return {g: [*v, float(rows.params.max()), float(rows.tokens.max())] for g, v in base.items()}


Candidate = selection.Candidate
candidates = [
    Candidate("Chinchilla, ignoring U", "5", kind="published", origin="Hoffmann et al. 2022",
              fit=seeded_fit(chinchilla, SCALES, EXPONENTS, [0, 1, 3]), predict=chinchilla),
    Candidate("Muennighoff: D' and N'", "7", kind="published", origin="Muennighoff et al. 2023",
              fit=seeded_fit(muennighoff_paper, ([0, 0, 0.01, 0, 0.01, 0.05, 0.05], [10, 1e3, 3, 1e3, 3, 3000, 3000]),
                             {**EXPONENTS, 5: [1.0, 15.0, 55.0], 6: [1.0, 15.0, 55.0]}, [0, 1, 3], logs=[5, 6],
                             seed_formula=lambda X, p: muennighoff_data(X, p[:6])),
              predict=muennighoff_paper),
    Candidate("Muennighoff: D' only", "6", kind="published",
              origin="Muennighoff et al. 2023", fit=data_only_fit, predict=muennighoff_data),
    Candidate("additive power laws", "7", kind="published", origin="SLDBench best published",
              fit=seeded_fit(additive, ([0, 0, 0.01, 0, 0.01, 0, 0.01], [10, 1e3, 3, 1e3, 3, 1e3, 3]),
                             {**EXPONENTS, 6: [0.2, 0.4, 0.7]}, [0, 1, 3, 5]),
              predict=additive),
    Candidate("Muennighoff's rate, R_D = 15.4", "5", kind="conservative", origin="Muennighoff et al. 2023",
              fit=seeded_fit(paper_rate, SCALES, EXPONENTS, [0, 1, 3]), predict=paper_rate),
    Candidate("no gain beyond the data", "6 + 2", kind="conservative",
              origin="reference", fit=held_fit, predict=held_at_the_data),
    Candidate("v1: D' + log penalty", "7", origin="ours (v1)",
              fit=seeded_fit(log_penalty, WITH_P, {**EXPONENTS, **REPEATS}, [0, 1, 3, 6], logs=[5]),
              predict=log_penalty),
    Candidate("D' + linear penalty", "7", origin="ours",
              fit=seeded_fit(linear_penalty, WITH_P, {**EXPONENTS, **REPEATS}, [0, 1, 3, 6], logs=[5]),
              predict=linear_penalty),
    Candidate("D', R_D falling with N", "7", origin="ours",
              fit=seeded_fit(half_life_by_size, (WITH_R[0] + [-2], WITH_R[1] + [3]),
                             {**EXPONENTS, **REPEATS, 6: [0.0, 0.5, 1.0]}, [0, 1, 3], logs=[5]),
              predict=half_life_by_size),
    Candidate("D', R_D set by U/N", "7", origin="ours",
              fit=seeded_fit(half_life_by_ratio, (WITH_R[0] + [-2], WITH_R[1] + [3]),
                             {**EXPONENTS, **REPEATS, 6: [0.0, 0.3, 0.6]}, [0, 1, 3], logs=[5]),
              predict=half_life_by_ratio),
    Candidate("Kaplan-style, in D'", "6", origin="ours",
              fit=seeded_fit(kaplan, WITH_R, {**EXPONENTS, **REPEATS}, [0, 1, 3], logs=[5]), predict=kaplan),
    Candidate("repetition gap", "7", origin="ours",
              fit=seeded_fit(repetition_gap, ([0, 0, 0.01, 0, 0.01, 0, 0.01], [10, 1e3, 3, 1e3, 3, 1e3, 3]),
                             {**EXPONENTS, 6: [0.2, 0.4, 0.7]}, [0, 1, 3, 5]),
              predict=repetition_gap),
    Candidate("fresh data + penalty", "7", origin="ours",
              fit=seeded_fit(fresh_plus_penalty, WITH_P, {**EXPONENTS, **REPEATS}, [0, 1, 3, 6], logs=[5]),
              predict=fresh_plus_penalty),
    Candidate("fresh data + penalty, a = b", "6", origin="ours",
              fit=seeded_fit(one_exponent_penalty, ([0, 0, 0.01, 0, 0.05, 0], [10, 1e3, 3, 1e3, 3000, 10]),
                             {2: [0.2, 0.4, 0.7], 4: REPEATS[5]}, [0, 1, 3, 5], logs=[4]),
              predict=one_exponent_penalty),
]

# %% [markdown]
# ## Choosing the law: the selection protocol
#
# Every law in this package is chosen by one protocol on the training split (see the Method
# page). The test rows lie beyond the training rows in two inputs at once: the two largest model
# sizes and the two largest token counts. How far beyond is not in the training split, so we
# read it from the spacing of the largest values: among the four largest distinct values of
# each axis, consecutive values differ by a median factor of 1.39 in parameters and 1.44 in
# tokens, so the test's two further values lie about two such steps, a factor of about 1.9 in
# parameters and 2.1 in tokens, beyond the largest training value. That is the **reach** of
# every backtest.
#
# The **origins** move back in both axes at once: the $k$-th origin fits on the runs at or below
# the $(k+1)$-th largest value of both parameters and tokens ($k = 1, \dots, 5$: from 2.81B
# and 250B down to 619M and 60B) and scores the runs beyond either threshold within the reach,
# as the test split does. Five origins, not v1's one holdout: that single holdout (21 rows) was
# dominated by heavily repeated runs, where the overfitting penalty earned its R2, while the
# task's extrapolation is mostly one of scale. The protocol reports the R2 *and* the mean signed
# error (bias, in standard deviations of the held loss) at every origin.
#
# The **independent unit** is a repetition curve: the runs of one model size on one unique
# dataset (70 curves). Their errors are shared (the two 3.9B runs miss together; a curve at
# 100M unique tokens overfits together), so a handful of heavily repeated curves must not pass
# for dozens of independent runs when the protocol asks whether two forms differ.

# %%
def step(values, count=4):
    """The median factor between consecutive values among the ``count`` largest."""
    largest = np.unique(values)[-count:]
    return float(np.exp(np.median(np.diff(np.log(largest)))))


reach = {axis: step(table[axis]) ** 2 for axis in ("params", "tokens")}
params_grid, tokens_grid = np.unique(table.params), np.unique(table.tokens)
origins = [{"params": params_grid[-1 - k], "tokens": tokens_grid[-1 - k]} for k in range(1, 6)]
backtests = selection.backtests_beyond(table, TASK, origins, reach)
print("reach: " + ", ".join(f"{axis} x{factor:.2f}" for axis, factor in reach.items()))
pd.DataFrame([{"origin": b.origin, "fit on": len(b.train), "held": len(b.held),
               "held with > 16 epochs": int((b.held.tokens / b.held.unique_tokens > 16).sum())} for b in backtests])

# %%
CURVE = ["params", "unique_tokens"]
evaluation = selection.evaluate(candidates, backtests, TASK, cluster=CURVE)
evaluation.summary().round(4)

# %% [markdown]
# Per origin, the R2 and the bias:

# %%
def short(origin):
    return origin.replace("params <= ", "N <= ").replace("tokens <= ", "D <= ")


evaluation.table("r2").rename(columns=short).round(4)

# %%
evaluation.table("bias").rename(columns=short).round(3)

# %% [markdown]
# Two forms lead: fresh-data scaling plus the overfitting penalty (median R2 0.967) and its
# one-exponent twin (0.967), ahead of v1's law (0.941), the other penalty and half-life forms
# (0.93), Muennighoff's forms (0.89-0.90) and the published additive form (0.84). They are also
# among the least biased at the middle origins (bias within ±0.04 standard deviations from the
# 2.16B origin down), where v1's law is biased upwards at every one (+0.03 to +0.11): holding out
# the runs above 1.5B parameters or 91B tokens, v1 predicts too high a loss at scale, as the
# trust issue found.
#
# **Where they are not ahead.** At the first origin (fit up to 2.81B and 250B, 6 held runs) the
# conservative forms and Muennighoff's score higher (0.90-0.92 against 0.84): two of those six
# runs are the 3.9B runs, which every form predicts about 0.2 too low (the bias is negative for
# every form there), and with so few rows those two misses make most of the score.
#
# ## Survivors, the literature, and the choice
#
# Every form the backtests cannot tell from the best (its excess error within two standard
# errors over curves at the median origin) is refitted on all runs, bootstrapped (100 refits,
# curves resampled, seed 0), and compared at the target: the runs at the two largest values of
# each axis, moved two steps further along it.
#
# Before that, each form's decisions are checked against what Muennighoff et al. measured, with
# the yardstick above, at a model given 20 unique tokens per parameter (Chinchilla's
# compute-optimal data, so that one epoch is the plan without a data constraint): a 1B model on
# 20B unique tokens. A form is refused if 4 epochs of repeated data are worth less than 80% of
# fresh data (Muennighoff's law: 93%, "nearly free"), or if its knee lies outside a factor 3 of
# the paper's $1 + R_D^* = 16.4$ epochs.

# %%
REFERENCE = {"unique_tokens": 2e10, "params": 1e9}


def agrees_with_muennighoff(candidate, constants):
    group = next(iter(constants))
    summary = repetition_summary(lambda X: candidate.predict(X, constants[group]),
                                 REFERENCE["unique_tokens"], REFERENCE["params"])
    if summary["worth_of_4_epochs"] < 0.8:
        return f"4 epochs of repeated data are worth {summary['worth_of_4_epochs']:.2f} of fresh data, not nearly all"
    if not 16.4 / 3 <= summary["knee_epoch"] <= 16.4 * 3:
        return f"its knee is at {summary['knee_epoch']:.4g} epochs, not near 16"
    return None


target = pd.concat([
    table[table[axis].isin(np.unique(table[axis])[-2:])].assign(**{axis: lambda rows, a=axis: rows[a] * reach[a]})
    for axis in ("params", "tokens")
])[["group", *TASK.input_names]].drop_duplicates().reset_index(drop=True)
choice = selection.choose(evaluation, table, target, bootstrap=100, seed=0, checks=agrees_with_muennighoff)
print(choice.reason)
pd.Series(choice.excluded, name="refused").to_frame()

# %%
choice.at_target.round(4)

# %% [markdown]
# The checks refuse three forms. Chinchilla ignoring $U$ makes a repeated token as good as a
# fresh one forever. The published additive form says the opposite: 4 epochs of repeated data
# are worth under half of fresh data, because its $U^{-c}$ term charges for every token not
# seen, repeated or not. The half-life set by data per parameter puts the knee at hundreds of
# epochs.
#
# Every remaining form the backtests cannot reject agrees with the best one at the target
# within their bootstrap spread (the bootstrap spreads are 0.02-0.04 nats, the forms' means lie
# within 0.04 of each other), so the data do not call for a combination: the law is the
# best form, **fresh-data scaling plus the overfitting penalty**.
#
# **History.** The first version of this law (v1) was Muennighoff's effective data $D'$ plus
# the bounded overfitting penalty $P \ln(1 + N/U)(1 - e^{-x/R_D})$ (7 constants), chosen by one
# holdout of the two largest token counts and model sizes, where it scored R2 0.918. Scored after
# release on the held-out test rows, it reached R2 0.94171, below the honest anchor (0.983974,
# the additive form refitted). The protocol now scores five origins and their bias, counts
# repetition curves rather than runs as evidence, and checks each form's repetition decisions
# against Muennighoff et al. What it picks keeps v1's penalty but drops the effective data $D'$
# from the data term: with $D'$, the data exponent is learnt mostly from how repetition
# discounts the many small repeated runs, and the backtests show that law biased upwards at
# scale; without it, the penalty carries repetition and the exponent follows the runs' scale.
# (The held-out figures are reported here, never used to choose.)
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

# %% tags=["export"]
from scalinglaws.law import Law

FORM = (
    r"L = E + A\,n^{-\alpha} + B\,D^{-\beta} + P\,\ln\!\left(1 + \tfrac{N}{U}\right)"
    r"\left(1 - e^{-(D/U - 1)/R_D}\right),\quad n = \frac{N}{10^9},\ D, U \text{ in } 10^9"
    r" \text{ tokens},\ U \to \min(U, D)"
)
PARAM_NAMES = ["E", "A", "alpha", "B", "beta", "R_D", "P"]


def formula(X, params):
    """Loss for inputs ``X`` (columns unique_tokens, params, tokens) with constants ``params``."""
    E, A, alpha, B, beta, R_D, P = params
    unique, size, tokens = _billions(X)
    return E + A * size**-alpha + B * tokens**-beta + P * np.log1p(size / unique) * _used_share(unique, tokens, R_D)


# Bounds keep every scale and exponent positive, P >= 0 (repetition cannot lower the loss
# below fresh data) and R_D in [0.05, 3000] epochs (fitted in log). A grid of 36 starts over
# (alpha, beta, R_D); E, A, B and P are solved at each by NNLS; the 6 best are optimised.
fit_constants = seeded_fit(
    formula,
    bounds=([0, 0, 0.01, 0, 0.01, 0.05, 0], [10, 1e3, 3, 1e3, 3, 3000, 10]),
    grid={2: [0.2, 0.4, 0.7], 4: [0.2, 0.4, 0.7], 5: [1.0, 4.5, 15.0, 55.0]},
    linear=[0, 1, 3, 6],
    logs=[5],
)

LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants)
predict, fit = LAW.predict, LAW.fit

# %% [markdown]
# The exported law is the protocol's choice, not a copy typed beside it: the cell below fails
# if the protocol picks another form, or if the exported form or its fit differ from the
# candidate it scored.

# %%
by_name = {c.name: c for c in candidates}
assert choice.members == [choice.best] and by_name[choice.best].predict is fresh_plus_penalty
probe = [2.3, 0.2, 0.5, 1.4, 0.45, 100.0, 1.0]
np.testing.assert_allclose(formula(table, probe), fresh_plus_penalty(table, probe), rtol=1e-12)
PARAMS_FITTED = choice.fits[choice.best]
assert LAW.same_predictions(table)(fit_constants(table)["all_data"], PARAMS_FITTED["all_data"], "all_data")

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
#   models and the large ones disagree about it); $R_D$ and $P$ are pinned to within about a
#   third by the many repeated runs.

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
# A 90% prediction interval carries the constants' bootstrap, the run-to-run noise (the
# residuals' spread) and an extrapolation term that grows with the distance beyond the
# training range (in units of the reach: a factor 1.9 in parameters, 2.1 in tokens). That last
# term is calibrated on the backtests: the smallest that covers 90% of their held-out runs.
# The coverage at each origin is measured with the term calibrated on the other four.

# %%
calibration = selection.calibrate(
    fit_constants, formula, backtests, TASK, len(PARAM_NAMES),
    reach={axis: float(np.log(factor)) for axis, factor in reach.items()},
    level=0.9, bootstrap=30, seed=0, cluster=CURVE,
)
calibration.coverage.round(3)

# %%
uncertainty = selection.uncertainty(
    table, TASK, formula, PARAMS_FITTED, draws, calibration, len(PARAM_NAMES),
    unit="repetition curves (runs of one model size on one unique dataset), resampled",
)
summary = calibration.summary()
print(f"90% intervals cover {summary['covered']:.2f} of the held-out runs; median width "
      f"{summary['median_width_over_spread']:.2f} standard deviations of the held loss")

# %% [markdown]
# The intervals cover every held-out run at every origin: they are too wide rather than too
# narrow. The run-to-run noise term is the root mean square of the residuals (0.18 nats), which
# the dozen runs no form explains (tiny models, heavy overfitting, the 3.9B pair) inflate; it
# alone covers the backtests, so the calibrated extrapolation term is zero. A typical run lies
# within ±0.07 nats of the law (the median residual is 2% of the loss); read the band as what
# the worst-behaved runs can do, not as the law's typical error.
#
# ## Extrapolation beyond the training range
#
# The law with its 90% prediction interval, up to 3T training tokens and 20B parameters. Left:
# unique data never runs out ($U = D$, one epoch), where the law is Chinchilla's. Right: 4B
# unique tokens, repeated.

# %% tags=["hide-input"]
record = LAW.make_record(PARAMS_FITTED, table, uncertainty=uncertainty, source="notebooks/data_constrained.py")
token_axis = np.geomspace(1e9, 3e12, 60)
fig, axes = plt.subplots(1, 2, sharey=True)
for ax, unique in zip(axes, [None, 4e9]):
    for size, color in zip([2e8, 1.1e9, 3.9e9, 2e10], ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        tokens = token_axis if unique is None else token_axis[token_axis >= unique]
        grid = {"unique_tokens": tokens if unique is None else np.full(tokens.size, unique),
                "params": np.full(tokens.size, size), "tokens": tokens}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", decide.ExtrapolationWarning)
            band = LAW.predict(grid, record, interval=0.9)
        ax.plot(tokens, band.loss, color=color, label=f"{size / 1e9:g}B")
        ax.fill_between(tokens, band.loss_low, band.loss_high, color=color, alpha=0.15)
    ax.axvline(table.tokens.max(), color="grey", ls="--", lw=0.8)
    ax.set(xscale="log", xlabel="training tokens D",
           title="fresh data (U = D)" if unique is None else f"U = {unique / 1e9:g}B unique tokens")
    ax.legend(title="N")
axes[0].set_ylabel("predicted loss")
axes[1].set_ylim(1.9, 4.0)
fig.suptitle("The law and its 90% interval; dashed: the largest training token count")
fig.tight_layout()
plt.show()

# %% [markdown]
# With fresh data the loss keeps falling with size and data, towards $E$. On 4B unique tokens
# the penalty takes over, and the larger the model, the sooner and the more: the 3.9B model is
# best at about 17 epochs, a 20B model (five parameters per unique token, inside the training
# range of $N/U$ but five times the largest trained model) at about 8, after which it falls
# behind the 3.9B model and, from about 29 epochs, behind the 0.2B one. The band is the same
# width inside and beyond the data (the noise term dominates it, see above).
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
# The training runs' range of the two derived quantities the plan depends on (the notebook
# checks them against the table): epochs D/U and parameters per unique token N/U.
_TRAINED = {"epochs": (1.0, 3000.0), "params_per_unique_token": (0.003297, 10.96)}
_SOURCE = "notebooks/data_constrained.py"


def _epoch_grid(most):
    steps = [e for k in range(40) for e in (2**k, 3 * 2**k) if 1 < e < most]
    return np.array(sorted({1.0, *map(float, steps), most})) if most >= 1 else np.array([most])


@LAW.decision(
    units={"epochs": "epochs (D/U)", "loss": "nats", "repeat_value": "fresh tokens per repeated token",
           "fresh_equivalent": "tokens", "best_epochs": "epochs", "best_loss": "nats",
           "half_value_epoch": "epochs", "knee_epoch": "epochs", "worth_of_4_epochs": "fresh tokens per token"},
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
    the fresh tokens 4 epochs are worth per token trained.
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
    summary = repetition_summary(fitted.predict, unique_tokens, params)
    record = fitted.record
    if record is not None and record.provenance.get("source") == _SOURCE:
        for name, value in (("epochs", most), ("params_per_unique_token", params / unique_tokens)):
            low, high = _TRAINED[name]
            if not low <= value <= high:
                notes.append(f"{name} = {value:.4g} is outside the training range [{low:.4g}, {high:.4g}] "
                             "of the data_constrained law: the result extrapolates")
    return {
        "unique_tokens": unique_tokens, "tokens": tokens, "params": params,
        "epochs": grid.tolist(), "loss": at(grid).tolist(),
        "repeat_value": repeat_value(fitted.predict, unique_tokens, params, grid).tolist(),
        "fresh_equivalent": fresh_equivalent(fitted.predict, unique_tokens, params, grid * unique_tokens).tolist(),
        "best_epochs": float(fine[best]), "best_loss": float(fine_loss[best]),
        **summary, "warnings": notes,
    }


# %% [markdown]
# The ranges the plan warns outside of are those of the training table:

# %%
np.testing.assert_allclose([epochs.min(), epochs.max()], _TRAINED["epochs"], rtol=1e-3)
np.testing.assert_allclose((table.params / table.unique_tokens).agg(["min", "max"]),
                           _TRAINED["params_per_unique_token"], rtol=1e-3)
print(f"epochs {epochs.min():g} to {epochs.max():g}; parameters per unique token "
      f"{(table.params / table.unique_tokens).min():.4f} to {(table.params / table.unique_tokens).max():.2f}")

# %% [markdown]
# **Checked against Muennighoff et al.** At the reference the checks used (a 1B model on 20B
# unique tokens, 20 per parameter) and at other settings of the table, with 80% intervals from
# the bootstrap refits. Muennighoff's law gives 0.93 for the worth of 4 epochs, 11.7 for the
# half-value epoch and 16.4 for the knee, at every setting:

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
        "best of 100 epochs": round(plan.answer["best_epochs"], 1), "extrapolates": bool(plan.warnings),
    })
pd.DataFrame(rows)

# %% [markdown]
# Up to 4 epochs repeated data keep over 90% of the worth of fresh data at every setting, as
# Muennighoff et al. found ("up to 4 epochs is almost as good as new data"). Beyond that, the
# model and its data decide. Where the unique data are scarce for the model ($N/U$ from 0.7 to
# 2.2: the runs that showed overfitting), the knee is at 10-20 epochs, around the paper's 16.
# Where they are plentiful (20 unique tokens per parameter) the penalty is small and the knee
# comes late: about 35 epochs for a 1B model, 67 for a 0.2B one, two to four times the
# paper's. The paper's single knee is an average over its runs; the law says it is not one
# number, and is least sure of it where repetition costs little either way.
#
# A full plan: a 2.81B model, 4B unique tokens and a budget of 120B training tokens (30 epochs):

# %%
plan = epochs_plan(4e9, 1.2e11, 2.81e9, constants=record)
print(f"best: {plan.answer['best_epochs']:.1f} epochs, loss {plan.answer['best_loss']:.4f}; "
      f"half-value epoch {plan.answer['half_value_epoch']:.1f}; warnings: {plan.warnings}")
pd.DataFrame({k: plan.answer[k] for k in ("epochs", "loss", "repeat_value")}).round(4)

# %% [markdown]
# The loss falls until about 21 epochs and rises after, but from about the 8th epoch on a
# repeated token is worth less than half a fresh one: with the same compute, finding more unique
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
headline = epochs_plan(4e9, 1.2e11, 2.81e9, constants=record)
low, high = headline.interval["half_value_epoch"]
_ = LAW.store(
    PARAMS_FITTED, table, uncertainty=uncertainty,
    validation=selection.validation_record(
        evaluation, choice,
        protocol="five origins at successively smaller params and tokens, each scoring the runs up to "
                 "x1.9 params and x2.1 tokens beyond (the test's two further values); curves as units"),
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
# Fitted on the 135 runs up to 1.1B parameters, the repetition constants $R_D$ and $P$, which the
# many small repeated runs pin down, barely move; the size term moves most, as it does when the
# largest models are missing.
#
# Runs that never repeat their data cannot say what repetition costs. Fitted to the 27
# one-epoch runs only, the law's predictions do not depend on $R_D$ and $P$, and the fit says
# so instead of reporting them:

# %%
single = scalinglaws.fit("data_constrained", table[table.tokens <= table.unique_tokens], bootstrap=10, seed=0)
single.intervals[["constant", "identified", "note"]]
