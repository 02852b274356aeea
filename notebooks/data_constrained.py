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

# %%
import itertools
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import optimize

from scalinglaws import contract, data, decide, fitting, metrics

pd.set_option("display.precision", 6)
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)
plt.rcParams["figure.figsize"] = (9, 3.6)
plt.rcParams["figure.dpi"] = 80

table = data.load("data_constrained")
TASK = data.task("data_constrained")
epochs = table.tokens / table.unique_tokens
table.assign(epochs=epochs, params_per_unique_token=table.params / table.unique_tokens).describe().loc[
    ["count", "min", "50%", "max"]
]

# %% [markdown]
# ## The data
#
# 161 runs. Model sizes span 7M to 3.9B parameters, training tokens 0.1B to 300B, unique
# tokens 0.1B to 174B, and epochs from 1 to 3000. Only 27 runs see their data once; 96 repeat
# it more than ten times, so repetition dominates the table.

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), sharey=True, layout="constrained")
for ax, column, label in zip(axes, ["params", "tokens", "unique_tokens"],
                             ["parameters N", "training tokens D", "unique tokens U"]):
    points = ax.scatter(table[column], table.loss, c=np.log10(epochs), cmap="viridis", s=14)
    ax.set(xscale="log", xlabel=label, title=f"loss against {column}")
axes[0].set_ylabel("loss")
fig.colorbar(points, ax=axes, label="log10 epochs D/U")
fig.suptitle("Loss against each input, coloured by the number of epochs")
plt.show()

# %%
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
    ax.legend(fontsize=6, ncol=2, title="N", title_fontsize=7)
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
# ## Candidate forms
#
# With $n = N/10^9$ and all token counts in units of $10^9$, and $x = D/U - 1$ the number of
# repeated epochs:
#
# 1. **Chinchilla, ignoring $U$** (5): $L = E + A n^{-\alpha} + B D^{-\beta}$, the baseline.
# 2. **Muennighoff et al. (2023)** (7), the paper's form: Chinchilla's law in the effective data
#    $D' = U + U R_D (1 - e^{-x/R_D})$ and the effective parameters
#    $N' = U_N + U_N R_N (1 - e^{-(N/U_N - 1)/R_N})$, where $U_N = \min(N, N_\text{opt}(U))$ is the
#    compute-optimal model size for the unique data, computed from the law's own constants
#    (Chinchilla's allocation). Each repeated epoch $k$ adds $e^{-(k-1)/R_D}$ of a fresh token.
# 3. **Muennighoff, data only** (6): the same without $N'$ (the paper finds $R_N$ matters little).
# 4. **The best published form** (SLDBench leaderboard, 7): $L = C_0 + C_1 n^{-a} + C_2 D^{-b} + C_3 U^{-c}$,
#    a sum of power laws in all three inputs. (SLDAgent's 0.927 law is published without its
#    form, so it is not refitted here.)
# 5. Our own variants, each testing one idea:
#    - *geometric effective data* (6): $D_\text{eff} = U^{g} D^{1-g}$, a repeat worth a constant power;
#    - *half-life shrinking with size* (7): $D'$ with $R_D = R_0 n^{-g}$ (big models memorise sooner);
#    - *half-life set by unique data per parameter* (7): $D'$ with $R_D = R_0 (U/N)^{g}$;
#    - *Kaplan-style interaction* (6): $L = E + \big(A n^{-\alpha/\beta} + B/D'\big)^{\beta}$;
#    - *an overfitting penalty* (7): $D'$ plus $P\,(N/U)\,(1 - e^{-x/R_D})$, zero at one epoch, growing
#      as the repetition budget is used up and with the parameters per unique token;
#    - *the same with a logarithm* (7): $D'$ plus $P \ln(1 + N/U)\,(1 - e^{-x/R_D})$, which grows
#      more slowly in $N/U$ and stays bounded at sizes far outside the data.
#
# Every form is fitted by one recipe, the robust fit of Hoffmann et al. (2022) adapted to
# least squares: a Huber loss (scale 0.05) on the residuals of $\log L$, so the dozen rows no
# form explains do not drag the constants, bounded (exponents and scales positive), from a
# fixed grid of the nonlinear constants (exponents and $\ln R$) at which the constants that
# enter linearly ($E$, $A$, $B$, $P$, ...) are solved by non-negative least squares; the best
# few of these starts are optimised and the best converged one wins. Deterministic.
#
# The last form is the one this notebook ends up choosing, so its cell is the law's exported code.

# %% tags=["export"]
import warnings

import numpy as np
import pandas as pd
from scipy import optimize

from scalinglaws import contract, data, decide, fitting

TASK = data.task("data_constrained")

FORM = (
    r"L = E + A\,n^{-\alpha} + B\,D'^{\,-\beta} + P\,\ln\!\left(1 + \tfrac{N}{U}\right)"
    r"\left(1 - e^{-(D/U - 1)/R_D}\right),\quad D' = U + U R_D\left(1 - e^{-(D/U - 1)/R_D}\right),"
    r"\quad n = \frac{N}{10^9},\ D', U, D \text{ in } 10^9 \text{ tokens}"
)
PARAM_NAMES = ["E", "A", "alpha", "B", "beta", "R_D", "P"]

# The fit works on [E, A, alpha, B, beta, ln R_D, P]. Bounds keep every scale and exponent
# positive and P >= 0 (repetition cannot help beyond the credit D' gives it).
_LOWER = np.array([0.0, 0.0, 0.01, 0.0, 0.01, -3.0, 0.0])
_UPPER = np.array([10.0, 1e3, 3.0, 1e3, 3.0, 8.0, 10.0])
# A grid of 36 starts over (alpha, beta, ln R_D); E, A, B and P enter linearly and are solved
# at each by non-negative least squares; the 4 best starts are optimised.
_GRID = fitting.grid_starts([0.2, 0.4, 0.7], [0.2, 0.4, 0.7], [0.0, 1.5, 2.7, 4.0])
_LINEAR = [0, 1, 3, 6]
_KEEP = 4
_HUBER_SCALE = 0.05


def _scaled(X):
    return (
        np.asarray(X["unique_tokens"], dtype=float) / 1e9,
        np.asarray(X["params"], dtype=float) / 1e9,
        np.asarray(X["tokens"], dtype=float) / 1e9,
    )


def _law_and_jacobian(theta, u, n, d):
    """The law at internal constants ``theta`` and its derivatives in them (analytic)."""
    E, A, alpha, B, beta, log_r, P = theta
    r = np.exp(log_r)
    repeats = d / u - 1.0
    fresh_share = np.exp(-repeats / r)
    used = 1.0 - fresh_share
    effective = u + u * r * used
    overfit = np.log1p(n / u)
    size_term = n**-alpha
    data_term = effective**-beta
    value = E + A * size_term + B * data_term + P * overfit * used
    d_used = -fresh_share * repeats / r  # d used / d ln R_D
    d_effective = u * (r * used - fresh_share * repeats)  # d D' / d ln R_D
    jacobian = np.column_stack([
        np.ones_like(value),
        size_term,
        -A * size_term * np.log(n),
        data_term,
        -B * data_term * np.log(effective),
        -beta * B * data_term / effective * d_effective + P * overfit * d_used,
        overfit * used,
    ])
    return value, jacobian


def predict(X, params):
    """Loss for inputs ``X`` (columns unique_tokens, params, tokens) with constants ``params``."""
    E, A, alpha, B, beta, R_D, P = params
    u, n, d = _scaled(X)
    used = 1.0 - np.exp(-(d / u - 1.0) / R_D)
    effective = u + u * R_D * used
    return E + A * n**-alpha + B * effective**-beta + P * np.log1p(n / u) * used


def _fit_rows(u, n, d, y):
    starts, costs = [], []
    with np.errstate(all="ignore"):
        for alpha, beta, log_r in _GRID:
            theta = np.array([1.0, 1.0, alpha, 1.0, beta, log_r, 1.0])
            _, basis = _law_and_jacobian(theta, u, n, d)
            theta[_LINEAR] = optimize.nnls(basis[:, _LINEAR], y)[0]
            value, _ = _law_and_jacobian(theta, u, n, d)
            cost = float(np.sum((value - y) ** 2))
            starts.append(theta)
            costs.append(cost if np.isfinite(cost) else np.inf)
    best_starts = np.array(starts)[np.argsort(costs, kind="stable")[:_KEEP]]
    log_y = np.log(y)

    def residuals(theta):
        value, _ = _law_and_jacobian(theta, u, n, d)
        return np.log(np.maximum(value, 1e-12)) - log_y

    def jacobian(theta):
        value, J = _law_and_jacobian(theta, u, n, d)
        return J / np.maximum(value, 1e-12)[:, None]

    result = fitting.least_squares(
        residuals, best_starts, bounds=(_LOWER, _UPPER), loss="huber", f_scale=_HUBER_SCALE,
        jac=jacobian, max_nfev=3000,
    )
    constants = result.params.copy()
    constants[5] = np.exp(constants[5])
    return [float(v) for v in constants]


def fit(table):
    """Fit each group on its own: Huber loss on log residuals, NNLS-seeded multi-start."""
    fitted = {}
    for group, rows in table.groupby(TASK.group_column, sort=False):
        u, n, d = _scaled(rows)
        y = rows[TASK.target_names[0]].to_numpy(dtype=float)
        try:
            fitted[str(group)] = _fit_rows(u, n, d, y)
        except fitting.FitError as error:
            raise fitting.FitError(f"group {group!r}: {error}") from error
    return fitted


# %% [markdown]
# The other candidates are fitted by the same recipe through a small helper (the grid of
# nonlinear constants, NNLS for the linear ones, the 6 best starts optimised, finite-difference
# derivatives). Their constants are internal vectors (with $\ln R$ in place of $R$).

# %%
def seeded_fitter(law, grid, linear, lower, upper, seed_law=None, keep=6):
    """A fitter for ``law(X, theta)``: NNLS-seeded grid starts, Huber on log residuals.

    ``grid`` maps the index of each nonlinear constant to its start values; ``linear`` lists
    the constants solved by NNLS at each grid point (with ``seed_law`` in place of ``law``
    when the law is not linear in them and a simpler relative gives the seed).
    """
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    middle = (np.clip(lower, -5, 5) + np.clip(upper, -5, 5)) / 2
    keys = sorted(grid)
    seeder = seed_law or law

    def basis(theta, X):
        columns = []
        for i in linear:
            one, zero = theta.copy(), theta.copy()
            one[linear], zero[linear] = 0.0, 0.0
            one[i] = 1.0
            columns.append(seeder(X, one) - seeder(X, zero))
        return np.column_stack(columns)

    def fit_group(X, y):
        starts, costs = [], []
        with np.errstate(all="ignore"):
            for values in itertools.product(*[grid[k] for k in keys]):
                theta = middle.copy()
                theta[keys] = values
                theta[linear] = 1.0
                M = basis(theta, X)
                if not np.all(np.isfinite(M)):
                    continue
                theta[linear] = np.clip(optimize.nnls(M, y)[0], lower[linear] + 1e-6, upper[linear] - 1e-6)
                cost = float(np.sum((law(X, theta) - y) ** 2))
                if np.isfinite(cost):
                    starts.append(theta)
                    costs.append(cost)
        best = np.array(starts)[np.argsort(costs, kind="stable")[:keep]]
        log_y = np.log(y)
        residuals = lambda theta: np.log(np.maximum(law(X, theta), 1e-6)) - log_y
        return fitting.least_squares(residuals, best, bounds=(lower, upper), loss="huber",
                                     f_scale=_HUBER_SCALE, max_nfev=2000).params.tolist()

    def fitter(rows):
        return {str(g): fit_group({c: part[c].to_numpy(dtype=float) for c in TASK.input_names},
                                  part.loss.to_numpy(dtype=float))
                for g, part in rows.groupby("group", sort=False)}

    return fitter


def effective_data(u, d, r):
    """Muennighoff's effective data U + U R (1 - exp(-(D/U - 1)/R))."""
    return u + u * r * -np.expm1(-(d / u - 1.0) / r)


def chinchilla(X, p):
    u, n, d = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4]


def muennighoff_data(X, p):
    u, n, d = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, np.exp(p[5])) ** -p[4]


def muennighoff_paper(X, p):
    E, A, a, B, b, log_rd, log_rn = p
    u, n, d = _scaled(X)
    # U_N: the compute-optimal size for D = U under the law's own constants (Chinchilla's allocation)
    G = (a * A / (b * B)) ** (1.0 / (a + b))
    u_n = np.minimum(n, G ** ((a + b) / a) * u ** (b / a))
    n_eff = effective_data(u_n, n, np.exp(log_rn))
    return E + A * n_eff**-a + B * effective_data(u, d, np.exp(log_rd)) ** -b


def additive(X, p):
    u, n, d = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * d ** -p[4] + p[5] * u ** -p[6]


def geometric(X, p):
    u, n, d = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * (u ** p[5] * d ** (1 - p[5])) ** -p[4]


def half_life_by_size(X, p):
    u, n, d = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, np.exp(p[5]) * n ** -p[6]) ** -p[4]


def half_life_by_ratio(X, p):
    u, n, d = _scaled(X)
    return p[0] + p[1] * n ** -p[2] + p[3] * effective_data(u, d, np.exp(p[5]) * (u / n) ** p[6]) ** -p[4]


def kaplan(X, p):
    u, n, d = _scaled(X)
    return p[0] + (p[1] * n ** (-p[2] / p[4]) + p[3] / effective_data(u, d, np.exp(p[5]))) ** p[4]


def linear_penalty(X, p):
    u, n, d = _scaled(X)
    r = np.exp(p[5])
    used = -np.expm1(-(d / u - 1.0) / r)
    return p[0] + p[1] * n ** -p[2] + p[3] * (u + u * r * used) ** -p[4] + p[6] * (n / u) * used


exponents = {2: [0.2, 0.4, 0.7], 4: [0.2, 0.4, 0.7]}
half_lives = {5: [0.0, 1.5, 2.7, 4.0]}
chinchilla_bounds = ([0, 0, 0.01, 0, 0.01], [10, 1e3, 3, 1e3, 3])
with_r_bounds = ([0, 0, 0.01, 0, 0.01, -3], [10, 1e3, 3, 1e3, 3, 8])
CHOSEN = "own: D' + P ln(1 + N/U) (1 - e^(-x/R_D)) (chosen)"
PAPER = "Muennighoff et al.: D' and N' in Chinchilla"
candidates = [
    fitting.Candidate("Chinchilla, ignores U: E + A n^-a + B D^-b", "5", origin="baseline",
                      fit=seeded_fitter(chinchilla, exponents, [0, 1, 3], *chinchilla_bounds), predict=chinchilla),
    fitting.Candidate(PAPER, "7", origin="Muennighoff et al. 2023",
                      fit=seeded_fitter(muennighoff_paper, {**exponents, 5: [0.0, 2.7, 4.0], 6: [0.0, 2.7, 4.0]},
                                        [0, 1, 3], [0, 0, 0.01, 0, 0.01, -3, -3], [10, 1e3, 3, 1e3, 3, 8, 8],
                                        seed_law=lambda X, p: muennighoff_data(X, p[:6])),
                      predict=muennighoff_paper),
    fitting.Candidate("Muennighoff, data only: D' in Chinchilla", "6", origin="Muennighoff et al. 2023",
                      fit=seeded_fitter(muennighoff_data, {**exponents, **half_lives}, [0, 1, 3], *with_r_bounds),
                      predict=muennighoff_data),
    fitting.Candidate("additive: C0 + C1 n^-a + C2 D^-b + C3 U^-c", "7", origin="SLDBench leaderboard (best published)",
                      fit=seeded_fitter(additive, {**exponents, 6: [0.2, 0.4, 0.7]}, [0, 1, 3, 5],
                                        [0, 0, 0.01, 0, 0.01, 0, 0.01], [10, 1e3, 3, 1e3, 3, 1e3, 3]),
                      predict=additive),
    fitting.Candidate("own: geometric data U^g D^(1-g)", "6", origin="ours",
                      fit=seeded_fitter(geometric, {**exponents, 5: [0.2, 0.5, 0.8]}, [0, 1, 3],
                                        [0, 0, 0.01, 0, 0.01, 0], [10, 1e3, 3, 1e3, 3, 1]),
                      predict=geometric),
    fitting.Candidate("own: D' with R_D = R0 n^-g", "7", origin="ours",
                      fit=seeded_fitter(half_life_by_size, {**exponents, **half_lives, 6: [0.0, 0.5, 1.0]}, [0, 1, 3],
                                        [0, 0, 0.01, 0, 0.01, -3, -2], [10, 1e3, 3, 1e3, 3, 8, 3]),
                      predict=half_life_by_size),
    fitting.Candidate("own: D' with R_D = R0 (U/N)^g", "7", origin="ours",
                      fit=seeded_fitter(half_life_by_ratio, {**exponents, **half_lives, 6: [0.0, 0.3, 0.6]}, [0, 1, 3],
                                        [0, 0, 0.01, 0, 0.01, -3, -2], [10, 1e3, 3, 1e3, 3, 8, 3]),
                      predict=half_life_by_ratio),
    fitting.Candidate("own: Kaplan-style E + (A n^(-a/b) + B/D')^b", "6", origin="ours",
                      fit=seeded_fitter(kaplan, {**exponents, **half_lives}, [0, 1, 3], *with_r_bounds),
                      predict=kaplan),
    fitting.Candidate("own: D' + P (N/U) (1 - e^(-x/R_D))", "7", origin="ours",
                      fit=seeded_fitter(linear_penalty, {**exponents, **half_lives}, [0, 1, 3, 6],
                                        [0, 0, 0.01, 0, 0.01, -3, 0], [10, 1e3, 3, 1e3, 3, 8, 10]),
                      predict=linear_penalty),
    fitting.Candidate(CHOSEN, "7", origin="ours; chosen", fit=fit, predict=predict),
]

# %% [markdown]
# ## Choosing the form by validation
#
# The test rows lie beyond the training rows in two inputs at once: the two largest token
# counts and the two largest model sizes. The protocol mirrors that inside the training split:
# hold out every training row at one of the two largest token counts (250B, 300B) **or** one of
# the two largest model sizes (2.81B, 3.9B), 21 rows, refit every candidate on the other 140
# and score it there. Two more columns hold out the single largest of each (6 rows: the
# strictest, but so few rows that two of them decide it) and the three largest of each (34 rows).
# The choice follows the mirror of the test split ($k = 2$); the others show how robust it is.

# %%
splits = {k: fitting.extrapolation_holdout(table, ["tokens", "params"], k=k) for k in (1, 2, 3)}
print("held-out rows: " + ", ".join(f"k = {k}: {len(held)}" for k, (_, held) in splits.items()))
scores = {k: fitting.validation_table(candidates, [split], TASK) for k, split in splits.items()}
validation = scores[2].assign(
    r2_k1=scores[1].r2, nmae_k1=scores[1].nmae, r2_k3=scores[3].r2, nmae_k3=scores[3].nmae
)
validation.round({"r2": 4, "nmae": 4, "r2_k1": 4, "nmae_k1": 4, "r2_k3": 4, "nmae_k3": 4})[
    ["candidate", "constants", "origin", "r2", "nmae", "r2_k1", "nmae_k1", "r2_k3", "nmae_k3"]
]

# %% [markdown]
# On the protocol's split ($k = 2$) the two forms with an overfitting penalty lead (R2 0.918),
# ahead of Muennighoff's data-only form (0.896), the paper's form (0.889) and the published
# additive form (0.838); on the wider $k = 3$ holdout the lead grows (0.95 against 0.88).
# The half-life variants help on one split and hurt on another; the geometric form is no better
# than ignoring $U$. The paper's $N'$ term adds nothing over $D'$ alone: with it, the score is
# slightly lower on every split. The Kaplan-style interaction is a good 6-constant form (0.902)
# but falls behind on $k = 3$.
#
# The linear and the logarithmic penalty score the same on $k = 2$; we take the logarithm for
# plausibility, not for the score: outside the data the linear penalty grows without bound in
# $N/U$. Fitted on all runs, the two predict for an 8.7B model trained for 3000 epochs on 100M
# unique tokens (87 parameters per unique token; the runs reach 11):

# %%
far = pd.DataFrame({"unique_tokens": [1e8], "params": [8.7e9], "tokens": [3e11]})
linear_far = linear_penalty(far, candidates[8].fit(table)["all_data"])[0]
print(f"linear penalty: {linear_far:.1f}; logarithmic penalty: {predict(far, fit(table)['all_data'])[0]:.1f}; "
      f"a uniform guess over GPT-2's 50257 tokens: {np.log(50257):.1f}")

# %% [markdown]
# A loss far above that of guessing uniformly is absurd; the logarithm stays below it.
#
# **Where the chosen law is not ahead.** On the strictest holdout ($k = 1$, 6 rows) the paper's
# form and the data-only form score higher than ours. Two of those six rows are the two 3.9B
# runs, which every form predicts about 0.2 too low; with so few rows, those two misses make
# up most of the score. The held-out rows and the two fits:

# %%
inner_1, held_1 = splits[1]
paper_1 = candidates[1].fit(inner_1)["all_data"]
chosen_1 = fit(inner_1)["all_data"]
strict = held_1[TASK.input_names + ["loss"]].assign(
    paper=muennighoff_paper(held_1, paper_1), chosen=predict(held_1, chosen_1)
)
print(strict.round(3).to_string())
largest = held_1.params == held_1.params.max()
for name in ("paper", "chosen"):
    print(f"{name:>6}: R2 on all 6 rows {metrics.r2(strict.loss, strict[name]):.4f}; "
          f"on the 4 rows at 300B tokens {metrics.r2(strict.loss[~largest], strict[name][~largest]):.4f}; "
          f"mean error on the 3.9B rows {np.mean(strict.loss[largest] - strict[name][largest]):+.3f}")

# %% [markdown]
# Both forms miss the two 3.9B runs by about 0.2 in the same direction; the paper's form misses
# them by about 0.01 less, and on the four rows at 300B tokens it is ahead by about 0.002 in R2.
# Of only six rows, these two carry about 90% of the squared error, so that small difference
# decides the column. We do not read more into it: the two 3.9B runs look inconsistent with the
# rest of the table (they sit above the 2.81B runs trained on more data), and no form here
# explains them. If the held-out large models behave like these two runs, every form will
# under-predict them.
#
# ## The law, fitted on all training runs

# %%
PARAMS_FITTED = fit(table)
pd.DataFrame(PARAMS_FITTED, index=PARAM_NAMES).T.round(4)

# %% [markdown]
# Uncertainty by bootstrap: 60 refits on resampled runs (seed 0), with 95% percentile intervals.

# %%
draws = fitting.bootstrap(fit, table, n=60, seed=0)
print(f"bootstrap refits: {draws.attempted - draws.failed} of {draws.attempted} converged")
fitting.intervals(PARAMS_FITTED, draws, PARAM_NAMES).round(4)

# %% [markdown]
# What the constants say:
#
# - $E \approx 2.33$ is the irreducible loss; $A n^{-\alpha}$ and $B D'^{-\beta}$ are Chinchilla's
#   terms for model size and data ($\alpha \approx 0.52$, $\beta \approx 0.45$). At one epoch ($D = U$)
#   both repetition terms vanish and the law *is* Chinchilla's.
# - $R_D \approx 114$ epochs is Muennighoff's repetition half-life, in the sense that the $k$-th
#   epoch adds $e^{-(k-1)/R_D}$ of a fresh token to $D'$. It is larger than the paper's 15.4
#   because part of the loss of value from repetition is now carried by the penalty.
# - $P \approx 0.82$ nats is the scale of the overfitting penalty: zero at one epoch, rising
#   as the same repetition budget is used up, and growing with $\ln(1 + N/U)$, the parameters per
#   unique token. It makes the loss rise with epochs when the model is large for its data, and
#   the best number of epochs fall as $N/U$ grows, as in the runs.

# %%
fitted_loss = predict(table, PARAMS_FITTED["all_data"])
residual = table.loss - fitted_loss
print(f"R2 on all training runs: {metrics.r2(table.loss, fitted_loss):.4f}; "
      f"median |residual| / loss: {np.median(np.abs(residual) / table.loss):.4f}")
fig, axes = plt.subplots(2, 2, figsize=(9, 6.4), sharey=True, layout="constrained")
ratio = table.params / table.unique_tokens
for ax, values, label in zip(axes.flat, [table.params, table.tokens, table.unique_tokens, epochs],
                             ["parameters N", "training tokens D", "unique tokens U", "epochs D/U"]):
    points = ax.scatter(values, residual, c=np.log10(ratio), cmap="coolwarm", s=12)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label, title=f"residuals against {label.split()[-1]}")
for ax in axes[:, 0]:
    ax.set_ylabel("loss - law")
fig.colorbar(points, ax=axes, label="log10 N/U")
fig.suptitle("Residuals: large misses only for tiny models and heavy overfitting (red)")
plt.show()

# %% [markdown]
# Most runs are within a few percent. The misses are where the table said they would be: the
# smallest models early in training (both signs), and heavy overfitting (large $N/U$, many
# epochs), which the law *under*-predicts: its penalty saturates with epochs while the measured
# loss keeps climbing (the worst run, 421M on 100M unique tokens at 320 epochs, measures 5.78
# and the law says 4.36). The paper's and the additive form miss those runs by more.
#
# ## Extrapolation beyond the training range
#
# The law with its bootstrap band (2.5% to 97.5% of the refits), up to 3T training tokens and
# 20B parameters. Left: unique data never runs out ($U = D$, one epoch), where the law is
# Chinchilla's. Right: 4B unique tokens, repeated.

# %%
token_grid = np.geomspace(1e9, 3e12, 60)
band_draws = draws.draws["all_data"]
fig, axes = plt.subplots(1, 2, sharey=True)
for ax, unique in zip(axes, [None, 4e9]):
    for size, color in zip([2e8, 1.1e9, 3.9e9, 2e10], ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        tokens = token_grid if unique is None else token_grid[token_grid >= unique]
        grid = pd.DataFrame({"unique_tokens": tokens if unique is None else unique, "params": size, "tokens": tokens})
        band = np.quantile([predict(grid, d) for d in band_draws], [0.025, 0.975], axis=0)
        ax.plot(tokens, predict(grid, PARAMS_FITTED["all_data"]), color=color, label=f"{size / 1e9:g}B")
        ax.fill_between(tokens, *band, color=color, alpha=0.25)
    ax.axvline(table.tokens.max(), color="grey", ls="--", lw=0.8)
    ax.set(xscale="log", xlabel="training tokens D",
           title="fresh data (U = D)" if unique is None else f"U = {unique / 1e9:g}B unique tokens")
    ax.legend(fontsize=7, title="N", title_fontsize=7)
axes[0].set_ylabel("predicted loss")
axes[1].set_ylim(2.2, 3.6)
fig.suptitle("The law beyond the data; dashed: the largest training token count")
fig.tight_layout()
plt.show()

# %% [markdown]
# With fresh data the loss keeps falling with size and data, towards $E$. On 4B unique tokens
# the curves flatten after some tens of epochs, and the larger the model, the sooner the loss
# turns up: a 20B model (five parameters per unique token, inside the training range of $N/U$
# but five times the largest trained model) is predicted worse than the 3.9B one after about a
# dozen epochs and worse than the 0.2B one after about 30. That is the penalty at work, and its
# band shows how loosely the data pin it down so far out.
#
# **Where not to trust it.**
# - Heavy overfitting ($N/U \gtrsim 3$ with $\gtrsim 50$ epochs): the penalty saturates in epochs
#   while the real loss keeps climbing, so the law is too optimistic there.
# - $N/U$ far beyond the trained 11, or epochs far beyond 3000: the $\ln(1 + N/U)$ growth is a
#   choice made for plausibility, not a measurement.
# - Tiny models early in training ($N < 40$M, $D \le 1$B): errors of several tenths.
# - The largest models: the two 3.9B runs sit about 0.2 above the law. If larger models behave
#   like them, the law under-predicts their loss.
#
# ## The exported law
#
# The constants are stored in `laws/data_constrained.json`, with the validation table; the
# module reads them back as `PARAMS` and builds the leaderboard's `law(input_data, group)` and
# the evaluator's `fit_scaling_law` / `scaling_law_func` from `predict` and `fit`.

# %%
stored = contract.save_params(
    "data_constrained", PARAMS_FITTED, PARAM_NAMES, table, validation=validation, chosen=CHOSEN,
    protocol="fit below the two largest tokens and params, score on the 21 rows at either (k = 2)",
)
print(f"stored the constants in src/scalinglaws/laws/{stored.name}")

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = contract.interfaces("data_constrained", predict, fit)

# %% [markdown]
# The stored constants are exactly those `fit` finds on the training split, and the
# leaderboard interface predicts what `predict` does:

# %%
assert PARAMS == fit(data.load("data_constrained"))
example = law([{"unique_tokens": 4e9, "params": 2.81e9, "tokens": 1.2e11}], "all_data")
assert example[0]["loss"] == predict({"unique_tokens": [4e9], "params": [2.81e9], "tokens": [1.2e11]},
                                     PARAMS["all_data"])[0]
print(f"predicted loss of a 2.81B model, 30 epochs of 4B unique tokens: {example[0]['loss']:.4f}")

# %% [markdown]
# ## Using the law: how many epochs of repeated data?
#
# **What a repeated token is worth.** Training one token longer at fixed $U$ lowers the loss
# by $-\partial L/\partial D$; one more fresh token at the same effective data lowers it by
# $-\partial L/\partial D'$. Their ratio at epoch $e = D/U$ is
#
# $$v(e) = e^{-(e-1)/R_D}\left[1 - \frac{P \ln(1 + N/U)}{R_D\,U\,\beta B\,D'^{-\beta-1}}\right].$$
#
# Without the penalty this is Muennighoff's $e^{-(e-1)/R_D}$, the same for every model. The
# penalty lowers it for models large against their data; when $v < 0$, another epoch raises the
# loss. $v$ falls with $e$ while it is positive, so the epoch where it crosses one half (beyond
# which a repeated token is worth less than half a fresh one) is unique and found by bisection.
#
# `epochs_plan(unique_tokens, tokens, params)` answers for a budget of unique tokens and of
# training tokens: the predicted loss at each number of epochs up to the budget, the value of a
# repeated token at each, the best number of epochs within the budget, and the half-value epoch.

# %% tags=["export"]
# The training table's range of the two derived quantities the decision depends on
# (the notebook checks them against the data): epochs D/U and parameters per unique token.
_TRAINED_EPOCHS = (1.0, 3000.0)
_TRAINED_PARAMS_PER_UNIQUE_TOKEN = (0.0, 11.0)


def _repeat_value(epochs, params, unique_tokens, constants):
    E, A, alpha, B, beta, R_D, P = constants
    u, n = unique_tokens / 1e9, params / 1e9
    fresh_share = np.exp(-(np.asarray(epochs, dtype=float) - 1.0) / R_D)
    effective = u + u * R_D * (1.0 - fresh_share)
    fresh_gain = beta * B * effective ** (-beta - 1.0)
    return fresh_share * (1.0 - P * np.log1p(n / u) / (R_D * u * fresh_gain))


def _half_value_epoch(params, unique_tokens, constants, fraction=0.5):
    value = lambda e: float(_repeat_value(e, params, unique_tokens, constants)) - fraction
    if value(1.0) < 0:
        return 1.0
    # v falls while positive and stays below the fraction afterwards: one crossing in [1, 1 + 50 R_D].
    return float(optimize.brentq(value, 1.0, 1.0 + 50.0 * constants[5], xtol=1e-9))


def _epoch_grid(most):
    steps = [e for k in range(40) for e in (2**k, 3 * 2**k) if e < most]
    return np.array(sorted({1.0, *map(float, steps), most}))


def _derived_warnings(**values):
    ranges = {"epochs": _TRAINED_EPOCHS, "params_per_unique_token": _TRAINED_PARAMS_PER_UNIQUE_TOKEN}
    notes = []
    for name, value in values.items():
        low, high = ranges[name]
        if not low <= value <= high:
            notes.append(f"{name} = {value:.4g} is outside the training range [{low:.4g}, {high:.4g}] "
                         "of the data_constrained law: the result extrapolates")
    for note in notes:
        warnings.warn(note, decide.ExtrapolationWarning, stacklevel=3)
    return notes


def epochs_plan(unique_tokens, tokens, params, group="all_data"):
    """How many epochs of ``unique_tokens`` to train a ``params`` model on, within ``tokens``.

    Returns a dict with, for each number of epochs from 1 to ``tokens / unique_tokens``:
    ``epochs``, the predicted ``loss``, and ``repeat_value`` (the worth of a repeated token
    against a fresh one: 1 is as good, 0 useless, negative harmful); the loss-minimising
    ``best_epochs`` within the budget and its ``best_loss``; ``half_value_epoch``, beyond which
    a repeated token is worth less than half a fresh one (whether or not it is within the
    budget); and ``warnings`` for inputs outside the training range.
    """
    u = decide.positive("unique_tokens", unique_tokens)
    d = decide.positive("tokens", tokens)
    n = decide.positive("params", params)
    if d < u:
        raise data.InputError(
            f"tokens = {d:.4g} is less than unique_tokens = {u:.4g}: nothing would be repeated; "
            "ask for at least one epoch (tokens >= unique_tokens)"
        )
    constants = contract.group_params("data_constrained", PARAMS, group)
    most = d / u
    notes = decide.range_warnings("data_constrained", unique_tokens=u, tokens=[u, d], params=n)
    notes += _derived_warnings(epochs=most, params_per_unique_token=n / u)
    grid = _epoch_grid(most)
    at = lambda e: predict({"unique_tokens": np.full(e.size, u), "params": np.full(e.size, n), "tokens": e * u},
                           constants)
    fine = np.geomspace(1.0, most, 2001)
    fine_loss = at(fine)
    best = int(np.argmin(fine_loss))
    return {
        "group": group, "unique_tokens": u, "tokens": d, "params": n,
        "epochs": grid.tolist(), "loss": at(grid).tolist(),
        "repeat_value": _repeat_value(grid, n, u, constants).tolist(),
        "best_epochs": float(fine[best]), "best_loss": float(fine_loss[best]),
        "half_value_epoch": _half_value_epoch(n, u, constants),
        "warnings": notes,
    }


# %% [markdown]
# The ranges the decision warns outside of are those of the training table:

# %%
assert (epochs.min(), epochs.max()) == _TRAINED_EPOCHS
assert (table.params / table.unique_tokens).max() <= _TRAINED_PARAMS_PER_UNIQUE_TOKEN[1]
print(f"epochs {epochs.min():g} to {epochs.max():g}; params per unique token up to "
      f"{(table.params / table.unique_tokens).max():.2f}")

# %% [markdown]
# **The value of a repeated token, by epoch**, for a few models and amounts of unique data
# (the grey line is Muennighoff's $e^{-(e-1)/R_D}$, the value without the penalty):

# %%
cases = [(1.1e9, 1.2e10), (8.7e9, 1e11), (4.2e8, 4e8), (2.81e9, 4e9), (2.2e8, 1e8), (1e10, 1e10)]
epoch_axis = np.geomspace(1, 300, 200)
constants = PARAMS["all_data"]
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(epoch_axis, np.exp(-(epoch_axis - 1) / constants[5]), color="grey", lw=2, label="no penalty")
for size, unique in cases:
    ax.plot(epoch_axis, _repeat_value(epoch_axis, size, unique, constants),
            label=f"{size / 1e9:g}B on {unique / 1e9:g}B (N/U = {size / unique:.2g})")
ax.axhline(0.5, color="black", ls=":", lw=0.8)
ax.axhline(0, color="black", lw=0.6)
ax.set(xscale="log", ylim=(-1, 1.05), xlabel="epoch e = D/U", ylabel="repeated token / fresh token",
       title="What the next repeated token is worth against a fresh one")
ax.legend(fontsize=7)
fig.tight_layout()
plt.show()

# %% [markdown]
# The half-value epoch for the same cases, with 95% intervals from the bootstrap refits (and,
# for comparison, that of Muennighoff's data-only law refitted on all runs, the same for every
# model: $1 + R_D \ln 2$):

# %%
rows = []
for size, unique in cases:
    spread = np.quantile([_half_value_epoch(size, unique, d) for d in band_draws], [0.025, 0.975])
    with warnings.catch_warnings():  # the table shows the extrapolation instead
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        plan = epochs_plan(unique, 100 * unique, size)
    rows.append({
        "N": f"{size / 1e9:g}B", "U": f"{unique / 1e9:g}B", "N/U": round(size / unique, 2),
        "value at 4 epochs": round(float(_repeat_value(4.0, size, unique, constants)), 3),
        "half-value epoch": round(plan["half_value_epoch"], 1),
        "95% interval": f"[{spread[0]:.1f}, {spread[1]:.1f}]",
        "best of 100 epochs": round(plan["best_epochs"], 1), "extrapolates": bool(plan["warnings"]),
    })
data_only = candidates[2].fit(table)["all_data"]
print(f"Muennighoff's data-only law: R_D = {np.exp(data_only[5]):.1f}, "
      f"half-value epoch {1 + np.exp(data_only[5]) * np.log(2):.1f} for every model")
pd.DataFrame(rows)

# %% [markdown]
# Up to about 4 epochs a repeated token is worth 0.8 to 0.97 of a fresh one, which agrees with
# Muennighoff et al.'s "up to 4 epochs is almost as good as new data". Beyond that the model's
# size against its data decides: a 1.1B model on 12B unique tokens keeps half the value until
# about 30 epochs, a 10B model on 10B unique tokens only until about 8. Muennighoff's data-only
# law gives one number for every model, about 19 epochs.
#
# A full plan: a 2.81B model, 4B unique tokens and a budget of 120B training tokens (30 epochs):

# %%
plan = epochs_plan(4e9, 1.2e11, 2.81e9)
print(f"best: {plan['best_epochs']:.1f} epochs, loss {plan['best_loss']:.4f}; "
      f"half-value epoch {plan['half_value_epoch']:.1f}; warnings: {plan['warnings']}")
pd.DataFrame({k: plan[k] for k in ("epochs", "loss", "repeat_value")}).round(4)

# %% [markdown]
# The loss still falls up to about 25 epochs, but from the 13th on each repeated token is
# worth less than half a fresh one: with the same compute, finding more unique data would pay
# more than repeating. For a model large against its data (420M parameters on 100M unique
# tokens) the loss turns up within the budget, and the function says where:

# %%
small = epochs_plan(1e8, 1e10, 4.2e8)
print(f"best: {small['best_epochs']:.1f} epochs, loss {small['best_loss']:.4f}; "
      f"half-value epoch {small['half_value_epoch']:.1f}; warnings: {small['warnings']}")
pd.DataFrame({k: small[k] for k in ("epochs", "loss", "repeat_value")}).round(4).T

# %% [markdown]
# The runs of 421M models on 100M unique tokens were best near 27 epochs (the law: about 37),
# and their loss rose faster after that than the law predicts.
#
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same routine
# and bootstrap intervals (`scalinglaws fit data_constrained --csv runs.csv` does the same from
# the command line). Here, as if only models up to 1.1B parameters had been trained:

# %%
import scalinglaws

small_runs = table[table.params <= 1.1e9]
own = scalinglaws.fit("data_constrained", small_runs, bootstrap=20, seed=0)
print(f"fitted to {own.rows} runs: R2 {own.r2:.4f}")
own.intervals.round(4)

# %% [markdown]
# Fitted on the 135 runs up to 1.1B parameters, every constant stays inside the interval of the
# full fit; the floor $E$ moves most (2.41 against 2.33), as a floor does when the largest models
# are missing. The repetition constants $R_D$ and $P$, which the many small repeated runs pin
# down, barely move.
