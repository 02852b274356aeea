# %% [markdown]
# # Chinchilla: how to split a compute budget between parameters and tokens
#
# Training a language model of $N$ parameters on $D$ tokens costs about $C = 6ND$ floating
# point operations. For a given budget $C$, a larger model sees fewer tokens: which split
# gives the lowest loss? Hoffmann et al. (2022) answered with a law of the loss in $N$ and
# $D$, $L(N, D) = E + A/N^{\alpha} + B/D^{\beta}$, and trained Chinchilla (70B parameters on
# 1.4T tokens) with the answer, on the budget of Gopher (280B parameters on 300B tokens).
# Besiroglu et al. (2024) extracted the runs behind that law from the paper's Figure 4, refitted
# it the way the paper describes, and found other constants than the published ones.
#
# **Task** `chinchilla` (not in SLDBench): `params`, `tokens` → `loss`, one group `all_data`,
# the 245 runs of Hoffmann et al. as Epoch AI extracted them. There is no held-out split: the
# law is judged by backtests along compute. At most 5 constants.
#
# This notebook is the source of `scalinglaws.laws.chinchilla`: the cells tagged `export`
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

table = data.load("chinchilla")
TASK = data.task("chinchilla")
compute = 6 * table.params * table.tokens
#: Chinchilla's budget (the budget of Gopher): 70B parameters on 1.4T tokens, and Gopher's 280B on 300B.
CHINCHILLA = {"compute": 5.76e23, "params": 70e9, "tokens": 1.4e12}
GOPHER = {"compute": 5.76e23, "params": 280e9, "tokens": 300e9}
pd.DataFrame({
    "runs": [len(table)],
    "parameters": [f"{table.params.min() / 1e6:.0f}M to {table.params.max() / 1e9:.1f}B"],
    "tokens": [f"{table.tokens.min() / 1e9:.2f}B to {table.tokens.max() / 1e9:.0f}B"],
    "compute (FLOP)": [f"{compute.min():.1e} to {compute.max():.1e}"],
    "loss": [f"{table.loss.min():.3f} to {table.loss.max():.3f}"],
})

# %% [markdown]
# ## The data
#
# Each run is a point of Hoffmann et al.'s Figure 4: its parameters $N$, its compute $C$ and
# its final loss, with $D = C/(6N)$. Most runs lie on the paper's IsoFLOP profiles (nine
# budgets from $6 \times 10^{18}$ to $3 \times 10^{21}$ FLOP, each a U-shaped curve of the loss
# against $N$); the largest run used $1.3 \times 10^{22}$ FLOP. Chinchilla's budget,
# $5.76 \times 10^{23}$, lies 44 times beyond it.

# %% tags=["hide-input"]
UNDERTRAINED_COLOR = "tab:red"
few_tokens = table.tokens < 0.45 * table.params
fig, axes = plt.subplots(1, 2, sharey=True, layout="constrained")
for ax, column, label in ((axes[0], "params", "parameters N"), (axes[1], "tokens", "tokens D")):
    points = ax.scatter(table[column], table.loss, c=np.log10(compute), cmap="viridis", s=10)
    ax.scatter(table[column][few_tokens], table.loss[few_tokens], marker="x", color=UNDERTRAINED_COLOR,
               s=30, label="fewer than 0.45 tokens per parameter")
    ax.set(xscale="log", xlabel=label, title=f"Loss against {label.split()[0]}")
axes[0].set_ylabel("final loss (nats)")
axes[1].legend(loc="upper right")
fig.colorbar(points, ax=axes, label="log10 compute (FLOP)")
fig.suptitle("245 runs: U-shaped IsoFLOP profiles in N, a floor in N and D")
plt.show()

# %% [markdown]
# Along each budget (one colour) the loss is lowest at an intermediate size: too small a model
# wastes the budget on tokens it cannot use, too large a model sees too few tokens. Five runs
# (red crosses) stand apart: 2.0B to 6.8B parameters trained on 0.25B to 0.81B tokens, all at
# $10^{19}$ FLOP, with fewer than half a token per parameter and losses of 3.4 to 5.0 nats.
# Leaving out these five, and only these, gives back the replication's constants (below): they
# are the points its fit of 240 runs leaves out. The next fewest tokens per parameter is 0.46.
# Every fit in this notebook leaves them out by one rule, *fewer than 0.45 tokens per
# parameter*, which is the replication's choice on these runs and a plain statement on any
# other table. The effect of the rule is shown below, and the
# protocol scores it.
#
# ## Fitting the law their way
#
# Hoffmann et al. (and the replication, to the letter) fit the law in log space:
# $\log L = \mathrm{LSE}(a - \alpha \log N,\; b - \beta \log D,\; e)$ with $A, B, E = e^{a}, e^{b},
# e^{e}$ (so they stay positive), minimising the Huber loss ($\delta = 10^{-3}$) of the log
# residuals with L-BFGS-B from every point of a grid of starts: $a, b \in \{0, 5, \dots, 25\}$,
# $e \in \{-1, -0.5, \dots, 1\}$, $\alpha, \beta \in \{0, 0.5, \dots, 2\}$, 4500 starts; the best
# run wins. To keep this notebook under a minute (it refits the law a few hundred times),
# we evaluate the objective at all 4500 starts and run L-BFGS-B from the 10 lowest: checked
# below against 60. So that the answer does not depend on the machine, the winning run is then
# polished to machine precision by a trust-region least-squares run on the same objective
# (with a Huber threshold of $10^{-3}$, `scipy.optimize.least_squares` minimises exactly this
# sum), and two runs whose costs agree to $10^{-7}$ are a tie, kept in the grid's order.
# A refit of a resampled table (the bootstrap) starts from the fit to all runs.

# %% tags=["export"]
import math

import numpy as np

from scalinglaws import data, decide, fitting
from scalinglaws.law import Law
from scalinglaws.pool import Candidate, Protocol

TASK = data.task("chinchilla")

#: Runs trained on fewer tokens than this per parameter are left out of the fit: on
#: Hoffmann et al.'s runs, the five that Besiroglu et al. leave out (0.04 to 0.40 tokens per
#: parameter; the next run has 0.46).
MIN_TOKENS_PER_PARAM = 0.45

#: The Huber threshold on log residuals (Hoffmann et al. 2022).
HUBER_DELTA = 1e-3

#: Hoffmann et al.'s grid of starts, as (a, b, e, alpha, beta): 4500 points.
START_GRID = fitting.grid_starts(
    np.arange(0.0, 30.0, 5.0), np.arange(0.0, 30.0, 5.0), np.arange(-1.0, 1.5, 0.5),
    np.arange(0.0, 2.5, 0.5), np.arange(0.0, 2.5, 0.5),
)

#: L-BFGS-B runs from the starts where the objective is lowest (a screen of the grid).
SCREENED_STARTS = 10

#: The constants (E, A, B, alpha, beta) of the two-exponent law as its sources printed them.
PUBLISHED = {
    "Besiroglu et al. 2024": [1.82, 482.01, 2085.43, 0.3478, 0.3658],
    "Hoffmann et al. 2022, Approach 3": [1.69, 406.4, 410.7, 0.34, 0.28],
}


def _n(X):
    return np.asarray(X["params"], dtype=float)


def _d(X):
    return np.asarray(X["tokens"], dtype=float)


def two_exponents(X, params):
    """E + A/N^alpha + B/D^beta: Hoffmann et al.'s form."""
    E, A, B, alpha, beta = params
    return E + A * _n(X) ** -alpha + B * _d(X) ** -beta


def one_exponent(X, params):
    """E + A/N^alpha + B/D^alpha: one exponent for parameters and tokens."""
    E, A, B, alpha = params
    return E + A * _n(X) ** -alpha + B * _d(X) ** -alpha


def trained_enough(table):
    """The runs a fit uses: at least MIN_TOKENS_PER_PARAM tokens per parameter."""
    return table[table["tokens"] >= MIN_TOKENS_PER_PARAM * table["params"]]


def _log_sum_exp(theta, log_n, log_d):
    """log L at internal constants (a, b, e, alpha[, beta]), and the three terms' shares of L."""
    a, b, e, alpha = theta[:4]
    beta = theta[4] if len(theta) == 5 else alpha
    size, tokens = a - alpha * log_n, b - beta * log_d
    top = np.maximum(np.maximum(size, tokens), e)
    w_size, w_tokens, w_floor = np.exp(size - top), np.exp(tokens - top), np.exp(e - top)
    total = w_size + w_tokens + w_floor
    return top + np.log(total), w_size / total, w_tokens / total, w_floor / total


def _jacobian(theta, log_n, log_d):
    _, p_size, p_tokens, p_floor = _log_sum_exp(theta, log_n, log_d)
    if len(theta) == 5:
        return np.column_stack([p_size, p_tokens, p_floor, -p_size * log_n, -p_tokens * log_d])
    return np.column_stack([p_size, p_tokens, p_floor, -p_size * log_n - p_tokens * log_d])


def _huber_and_gradient(theta, log_n, log_d, log_loss):
    """Hoffmann et al.'s objective: the summed Huber loss of the log residuals, and its gradient."""
    residual = _log_sum_exp(theta, log_n, log_d)[0] - log_loss
    size = np.abs(residual)
    huber = np.where(size <= HUBER_DELTA, 0.5 * residual**2, HUBER_DELTA * (size - 0.5 * HUBER_DELTA))
    slope = np.clip(residual, -HUBER_DELTA, HUBER_DELTA)
    return float(huber.sum()), slope @ _jacobian(theta, log_n, log_d)


def _screen(starts, log_n, log_d, log_loss):
    """The objective at every start, at once."""
    a, b, e, alpha = (starts[:, k, None] for k in range(4))
    beta = starts[:, 4, None] if starts.shape[1] == 5 else alpha
    size, tokens = a - alpha * log_n, b - beta * log_d
    top = np.maximum(np.maximum(size, tokens), e)
    residual = np.abs(top + np.log(np.exp(size - top) + np.exp(tokens - top) + np.exp(e - top)) - log_loss)
    huber = np.where(residual <= HUBER_DELTA, 0.5 * residual**2, HUBER_DELTA * (residual - 0.5 * HUBER_DELTA))
    return huber.sum(axis=1)


def _fit_rows(rows, shared, start, keep):
    from scipy import optimize

    log_n, log_d, log_loss = (np.log(rows[c].to_numpy(dtype=float)) for c in ("params", "tokens", "loss"))
    grid = np.unique(START_GRID[:, :4], axis=0) if shared else START_GRID
    if start is not None:  # a refit of a resample: from the fit to all runs
        E, A, B, *exponents = np.asarray(start, dtype=float)
        starts = np.array([[math.log(max(A, 1e-300)), math.log(max(B, 1e-300)), math.log(max(E, 1e-300)), *exponents]])
    else:
        starts = grid[np.argsort(_screen(grid, log_n, log_d, log_loss), kind="stable")[:keep]]
    best = None
    with np.errstate(all="ignore"):
        for x0 in starts:
            run = optimize.minimize(_huber_and_gradient, x0, args=(log_n, log_d, log_loss), jac=True,
                                    method="L-BFGS-B")
            if not np.isfinite(run.fun) or not np.all(np.isfinite(run.x)):
                continue
            # Costs equal to fitting.TIE_RTOL are a tie: the first start in the grid's order wins.
            if best is None or run.fun < best.fun * (1.0 - fitting.TIE_RTOL):
                best = run
    if best is None:
        raise fitting.FitError("no start of the grid reached a finite loss")
    # Polish the winner to machine precision: the same objective, by a trust-region run.
    polished = fitting.least_squares(
        lambda theta: _log_sum_exp(theta, log_n, log_d)[0] - log_loss, best.x[None, :],
        loss="huber", f_scale=HUBER_DELTA, jac=lambda theta: _jacobian(theta, log_n, log_d),
    ).params
    a, b, e, *exponents = polished
    return [math.exp(e), math.exp(a), math.exp(b), *exponents]


def fit_log_sum_exp(table, *, shared=False, start=None, keep=SCREENED_STARTS,
                    min_tokens_per_param=MIN_TOKENS_PER_PARAM):
    """Fit E + A/N^alpha + B/D^beta (``shared``: beta = alpha) to each group, Hoffmann et al.'s way.

    Returns constants per group as [E, A, B, alpha, beta] ([E, A, B, alpha] when shared).
    """
    fitted = {}
    for group, rows in table.groupby(TASK.group_column, sort=False):
        kept = rows[rows["tokens"] >= min_tokens_per_param * rows["params"]]
        needed = 4 if shared else 5
        if len(kept.drop_duplicates(subset=["params", "tokens"])) < needed:
            raise fitting.FitError(
                f"group {group!r}: {len(kept)} run(s) with at least {min_tokens_per_param:g} tokens per "
                f"parameter; the law needs {needed} distinct runs"
            )
        own = None if start is None or str(group) not in start else start[str(group)]
        fitted[str(group)] = [float(v) for v in _fit_rows(kept, shared, own, keep)]
    return fitted


# %% [markdown]
# The replication's fit, reproduced: the form with its two exponents, fitted to the 240 runs
# the rule keeps, beside the same fit to all 245 runs, the replication's published constants,
# and Hoffmann et al.'s own (their Approach 3, fitted to their full set of runs, which is not
# public).

# %%
FIVE = ["E", "A", "B", "alpha", "beta"]
REPLICATION = dict(zip(FIVE, PUBLISHED["Besiroglu et al. 2024"]))
APPROACH_3 = dict(zip(FIVE, PUBLISHED["Hoffmann et al. 2022, Approach 3"]))

kept_fit = fit_log_sum_exp(table)["all_data"]
all_runs_fit = fit_log_sum_exp(table, min_tokens_per_param=0.0)["all_data"]
wider_grid = fit_log_sum_exp(table, keep=60)["all_data"]
reproduction = pd.DataFrame(
    [dict(zip(FIVE, kept_fit)), dict(zip(FIVE, all_runs_fit)), REPLICATION, APPROACH_3],
    index=["refit, 240 runs (the rule)", "refit, all 245 runs", "Besiroglu et al. 2024", "Hoffmann et al. 2022 (Approach 3)"],
)
reproduction.apply(lambda column: column.map(lambda v: f"{v:.4g}"))

# %% [markdown]
# On the 240 runs the fit gives back the replication's $E$ to the digits it publishes and its
# exponents to within 0.0015; $A$ and $B$ differ by 1% and 3%, well inside their wide
# bootstrap intervals: the loss barely tells a larger $B$ from a larger $\beta$. Running L-BFGS-B
# from 60 screened starts instead of 10 lands on the same optimum:

# %%
np.testing.assert_allclose(two_exponents(table, wider_grid), two_exponents(table, kept_fit), rtol=1e-9)
print("10 and 60 screened starts: the same predictions to 1e-9")

# %% [markdown]
# The five under-trained runs matter: with them, the fit moves $\beta$ from 0.37 to 0.45 and
# $B$ six-fold, to bend the data term up for runs the form cannot follow (a 6.8B model on 0.25B
# tokens is far from the regime the law describes). Hoffmann et al.'s own constants do not fit
# these runs at all:

# %% tags=["hide-input"]
def fit_quality(constants, rows):
    predicted = two_exponents(rows, constants)
    residual = np.log(rows.loss.to_numpy()) - np.log(predicted)
    return {"R2 on the loss": metrics.r2(rows.loss.to_numpy(), predicted),
            "median log residual": float(np.median(residual)),
            "median |log residual|": float(np.median(np.abs(residual)))}


kept_runs = trained_enough(table)
pd.DataFrame(
    {name: fit_quality([row[k] for k in FIVE], kept_runs) for name, row in reproduction.iterrows()}
).T.round(4)

# %% [markdown]
# On the 240 runs, the refit and the replication's constants leave a median error of about
# 0.3% of the loss, with no bias. Approach 3's constants predict too high a loss, by 1.8% in the
# median, and their R2 on the loss is 0.966 against 0.994: their floor is lower ($E = 1.69$) but
# their data term much flatter ($\beta = 0.28$, $B = 411$), a law for another set of runs. The
# replication traces this to the published fit itself (it suggests the optimiser stopped early,
# and finds the published confidence intervals far too narrow for the roughly 400 runs behind
# them). What matters here is the allocation: $\beta < \alpha$ says tokens are worth less than
# parameters at scale, and Approach 3 allocates accordingly (below).
#
# ## Candidate forms
#
# Every form is fitted to the same runs (the rule above) with the same objective (Huber loss of
# the log residuals, $\delta = 10^{-3}$), so that the protocol compares forms, not fitting
# recipes, except where the recipe is the point.
#
# *Published:*
#
# 1. **Chinchilla** (`two-exponents`; Hoffmann et al. 2022, fitted as by Besiroglu et al. 2024):
#    $L = E + A/N^{\alpha} + B/D^{\beta}$. Five constants. Its printed constants (the
#    replication's, and Hoffmann et al.'s Approach 3) come with it:
#    `predict(X, form="two-exponents", published=True)`.
# 2. **Chinchilla on all 245 runs** (`all-runs`): the same, without leaving out the five
#    under-trained runs (the rule is a choice; the protocol scores it).
# 3. **Kaplan et al. (2020) with a floor** (`kaplan-floor`):
#    $L = E + \big((N_c/N)^{\alpha/\beta} + D_c/D\big)^{\beta}$, the form of the first joint law
#    of $N$ and $D$, where data and parameters interact (an overfitting term) instead of adding up.
#
# *Conservative* (they promise less beyond the data):
#
# 4. **Tail only** (`tail-only`): the Chinchilla form fitted to the runs within 1.5 decades of
#    compute below the largest, trusting the nearest runs only.
# 5. **Compute only** (`compute-only`): $L = E + K\,(C / 10^{21})^{-\gamma}$ with $C = 6ND$: the
#    loss of the best runs falls with compute towards a floor, and the allocation is ignored. A
#    reference: it cannot choose a split.
#
# *Ours:*
#
# 6. **One exponent** (`one-exponent`): $L = E + A/N^{\alpha} + B/D^{\alpha}$, four constants.
#    Hoffmann et al.'s Approaches 1 and 2 found that parameters and tokens should grow at the
#    same rate with compute ($N_\mathrm{opt} \propto C^{0.50}$ and $C^{0.49}$); with one exponent
#    that is exact, and the compute-optimal ratio of tokens to parameters is a constant,
#    $(B/A)^{1/\alpha}$.
#
# The pool is part of the law: the cell below is exported with it, so that a study of your own
# runs (`scalinglaws.study("chinchilla", runs)`) weighs the same forms by the same protocol, and
# every form can be used by its key.

# %% tags=["export"]
def kaplan_with_floor(X, params):
    """E + ((Nc/N)^(alpha/beta) + Dc/D)^beta, with Nc and Dc as their logs."""
    E, log_nc, log_dc, alpha, beta = params
    return E + (np.exp((log_nc - np.log(_n(X))) * alpha / beta) + np.exp(log_dc - np.log(_d(X)))) ** beta


def compute_only(X, params):
    """E + K (C / 1e21)^-gamma, with C = 6 N D."""
    E, K, gamma = params
    return E + K * (6 * _n(X) * _d(X) / 1e21) ** -gamma


def huber_fit(formula, starts, bounds, keep=None):
    """A form fitted by fitting.fit_groups on the runs the rule keeps, Huber loss on log residuals."""
    def fit(rows, start=None):
        return fitting.fit_groups(formula, trained_enough(rows), TASK, starts, bounds=bounds, start=start,
                                  keep=keep, log_residuals=True, loss="huber", f_scale=HUBER_DELTA)
    return fit


def tail_fit(rows, start=None):
    """The two-exponent fit on the runs within 1.5 decades of compute below the largest."""
    budget = 6 * rows["params"] * rows["tokens"]
    return fit_log_sum_exp(rows[budget >= budget.max() / 10**1.5], start=start)


def fit_constants(table, start=None):
    """Hoffmann et al.'s fit (Huber loss of log residuals, L-BFGS-B from a grid), one exponent."""
    return fit_log_sum_exp(table, shared=True, start=start)


FIVE_CONSTANTS = ("E", "A", "B", "alpha", "beta")
CANDIDATES = [
    Candidate("Chinchilla: E + A/N^alpha + B/D^beta", "5", key="two-exponents", kind="published",
              origin="Hoffmann 2022; Besiroglu 2024", param_names=FIVE_CONSTANTS, published=PUBLISHED,
              fit=lambda rows, start=None: fit_log_sum_exp(rows, start=start), predict=two_exponents),
    Candidate("Chinchilla on all runs (no rule)", "5", key="all-runs", kind="published",
              origin="Besiroglu 2024 without the rule", param_names=FIVE_CONSTANTS,
              fit=lambda rows, start=None: fit_log_sum_exp(rows, start=start, min_tokens_per_param=0.0),
              predict=two_exponents),
    Candidate("Kaplan with a floor: E + ((Nc/N)^(alpha/beta) + Dc/D)^beta", "5", key="kaplan-floor",
              kind="published", origin="Kaplan 2020 + floor", param_names=("E", "log_Nc", "log_Dc", "alpha", "beta"),
              fit=huber_fit(kaplan_with_floor, fitting.grid_starts([1.5, 2.0], [30.0, 35.0], [20.0, 25.0],
                                                                   [0.1, 0.3, 0.6], [0.1, 0.3, 0.6]),
                            ([0.0, 0.0, 0.0, 0.01, 0.01], [5.0, 80.0, 80.0, 3.0, 3.0]), keep=10),
              predict=kaplan_with_floor),
    Candidate("tail only: Chinchilla on the top 1.5 decades of compute", "5", key="tail-only",
              kind="conservative", origin="reference", param_names=FIVE_CONSTANTS, fit=tail_fit,
              predict=two_exponents),
    Candidate("compute only: E + K (C/1e21)^-gamma", "3", key="compute-only", kind="conservative",
              origin="reference", param_names=("E", "K", "gamma"),
              fit=huber_fit(compute_only, fitting.grid_starts([1.5, 2.0], [0.2, 1.0], [0.05, 0.2]),
                            ([0.0, 0.0, 0.001], [5.0, 50.0, 3.0])),
              predict=compute_only),
    Candidate("one exponent: E + A/N^alpha + B/D^alpha", "4", key="one-exponent", kind="ours", origin="ours",
              param_names=("E", "A", "B", "alpha"), fit=fit_constants, predict=one_exponent),
]

# %% [markdown]
# ## Choosing the law: the selection protocol
#
# Every law in this package is chosen by one protocol on the training runs (see the Method
# page), and the same code runs it here and on your runs. This task has no held-out split; its
# target is Chinchilla's budget, $5.76 \times 10^{23}$ FLOP, 44 times the compute of the largest
# run. So the extrapolation axis is compute, $C = 6ND$ (derived from the inputs), and each
# backtest scores the runs up to 44 times beyond its forecast origin (the **reach**: how far the
# target lies beyond the runs, computed from the data, not chosen). Compute is continuous here
# (each run has its own), so the package's rule puts the **origins** a step apart from the
# largest run down, each moved into the widest gap between runs near its place. The step is half
# a reach or, where the runs span too little for that, an eighth of their span; here the latter,
# a factor of about 3 (half a decade). The step's first place, $5 \times 10^{21}$ FLOP, leaves
# only the largest run to score and is dropped: the four origins lie at $1.0 \times 10^{21}$,
# $4.7 \times 10^{20}$, $1.5 \times 10^{20}$ and $3.3 \times 10^{19}$ FLOP.
#
# **Checks against the literature.** A form can forecast the loss and still make the decision
# the law exists for absurdly. Hoffmann et al.'s Approaches 1 and 2 put the compute-optimal
# model at Chinchilla's budget at 67B and 63B parameters (about 22 tokens per parameter), and
# the replication's law at about 20 tokens per parameter; a form whose optimum at
# $5.76 \times 10^{23}$ FLOP lies outside 40B to 130B parameters or 10 to 35 tokens per
# parameter contradicts all three, and the protocol does not choose it. The check is about
# Hoffmann et al.'s own runs: on other runs (another corpus, tokenizer or schedule) a study shows
# it but does not apply it.
#
# The survivors (every form the backtests cannot tell from the best) are compared at the target:
# the IsoFLOP profile at the target budget, from 2 to 200 tokens per parameter.

# %% tags=["export"]
def training_compute(X):
    """Training compute C = 6 N D (FLOP)."""
    return 6.0 * _n(X) * _d(X)


#: Chinchilla's budget: the task's target.
CHINCHILLA_BUDGET = 5.76e23


def compute_optimal(predict, budget):
    """The compute-optimal (N, D) of a loss ``predict(X)`` at a budget (FLOP), numerically; None
    if it has no interior optimum between 10^6 parameters and 10^6 tokens."""
    log_n = np.linspace(np.log(1e6), np.log(budget / 6 / 1e6), 801)
    with np.errstate(all="ignore"):
        loss = predict({"params": np.exp(log_n), "tokens": budget / 6 / np.exp(log_n)})
    if not np.any(np.isfinite(loss)):
        return None
    i = int(np.nanargmin(loss))
    if i in (0, len(log_n) - 1) or np.nanmax(loss) - np.nanmin(loss) < 1e-9:
        return None
    low, high = log_n[i - 1], log_n[i + 1]
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = high - golden * (high - low), low + golden * (high - low)
        at_a, at_b = predict({"params": np.exp([a, b]), "tokens": budget / 6 / np.exp([a, b])})
        low, high = (low, b) if at_a < at_b else (a, high)
    size = math.exp(0.5 * (low + high))
    return size, budget / 6 / size


def contradicts_the_literature(candidate, constants):
    """Why a fitted form's split of Chinchilla's budget contradicts Hoffmann et al., or None."""
    group = next(iter(constants))
    found = compute_optimal(lambda X: candidate.predict(X, constants[group]), CHINCHILLA_BUDGET)
    if found is None:
        return "no compute-optimal size at 5.76e23 FLOP"
    size, tokens = found
    if not (40e9 <= size <= 130e9 and 10 <= tokens / size <= 35):
        return f"at 5.76e23 FLOP: {size / 1e9:.0f}B parameters, {tokens / size:.0f} tokens per parameter"
    return None


def isoflop_target(table, reach, points=None):
    """The IsoFLOP profile where the survivors are compared: the requested points, or the
    largest run's compute times the reach, from 2 to 200 tokens per parameter."""
    if points is not None and len(points):
        return points[[TASK.group_column, *TASK.input_names]].drop_duplicates().reset_index(drop=True)
    budget = float(training_compute(table).max()) * reach.get("compute", 1.0)
    sizes = np.sqrt(budget / (6.0 * np.geomspace(2.0, 200.0, 9)))
    groups = list(dict.fromkeys(table[TASK.group_column]))
    import pandas as pd

    return pd.concat([pd.DataFrame({TASK.group_column: g, "params": sizes, "tokens": budget / 6.0 / sizes})
                      for g in groups], ignore_index=True)


PROTOCOL = Protocol(
    CANDIDATES,
    axes=("compute",),
    derived={"compute": training_compute},
    source_target={"compute": CHINCHILLA_BUDGET},
    target=isoflop_target,
    checks=contradicts_the_literature,
    fit_rows=trained_enough,
)

FORM = r"L(N, D) = E + \frac{A}{N^{\alpha}} + \frac{B}{D^{\alpha}}"
PARAM_NAMES = ["E", "A", "B", "alpha"]
formula = one_exponent

LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants, protocol=PROTOCOL)
predict, fit = LAW.predict, LAW.fit

# %% [markdown]
# The study of the training runs: backtests, scores, survivors, the choice, the fit on all runs
# with 100 bootstrap refits, and intervals calibrated on the backtests.

# %%
study = LAW.study(table)
evaluation, choice = study.evaluation, study.choice
print(f"reach: {study.reach['compute']:.1f}x in compute; runs fitted / scored: "
      + ", ".join(f"{len(b.train)}/{len(b.held)}" for b in study.backtests))
evaluation.summary().drop(columns="kind").round(4)

# %% [markdown]
# R2 per origin, and the mean signed error (bias, in standard deviations of the held loss;
# positive: the form predicts too high a loss beyond its data):

# %%
evaluation.table("r2").round(4)

# %%
evaluation.table("bias").round(3)

# %% [markdown]
# The forecasts are harder than the R2 on the training runs suggests: the held runs span a
# narrow range of losses, and the extraction from a figure adds noise of a few thousandths
# of a nat. Leaving the five under-trained runs in makes the forecasts worse, and the Kaplan
# form and the compute-only reference miss by more. The versions of the Chinchilla form
# fitted to the kept runs lead.
#
# Then the survivors: the best form that passes the checks, and every form the backtests cannot
# tell from it (its excess squared error over the best is within two standard errors, over
# runs), refitted on all runs, bootstrapped (100 resamples of the runs), and compared at the
# target.

# %%
print(choice.reason)
for name, reason in choice.excluded.items():
    print(f"excluded: {name}: {reason}")
choice.at_target.round(4)

# %% [markdown]
# **The choice.** The Chinchilla form with one exponent for parameters and tokens forecasts
# best (median R2 0.921, against 0.915 for the tail-only fit and 0.883 for two exponents), and
# passes the checks. The checks refuse the tail-only fit (at $5.76 \times 10^{23}$ FLOP it puts
# the optimum at 24B parameters, 162 tokens per parameter) and the compute-only reference (no
# optimum). The two-exponent form survives (the backtests cannot tell it from the one-exponent
# form) and predicts the same loss at the target, within their bootstrap spread, so the protocol
# keeps the best form alone, the one with a constant fewer. The
# replication's $\beta = 0.37$ against $\alpha = 0.35$ is a difference these runs do not
# resolve. Where the two forms do part is the split itself, 44 times beyond the runs: the
# decision below carries both, and shows both.
#
# **History.** This law is new in the package: there is no earlier version, and no SLDBench
# held-out split to score it on after release. Its first version placed its four origins by
# hand, half a decade apart; the package's rule for a continuous axis now places them, about
# half a decade apart too but in the gaps between runs, and picks the same form.
#
# ## The law
#
# $L = E + A/N^{\alpha} + B/D^{\alpha}$, fitted Hoffmann et al.'s way to the runs with at least
# 0.45 tokens per parameter: four constants. The exported law is the protocol's choice, not a
# copy typed beside it: the cell below fails if the protocol picks another form or a
# combination.

# %%
assert study.chosen == "one-exponent" and LAW.candidate("one-exponent").predict is formula
PARAMS_FITTED = study.params
record = study.record
two_name = LAW.candidate("two-exponents").name
two_constants = record.forms["two-exponents"]

# %% [markdown]
# ## Fitted on all training runs
#
# The constants with 95% intervals from the 100 bootstrap refits of the protocol (runs resampled,
# seed 0), beside the two-exponent fit (the survivor) with its own refits, the replication's
# constants and Hoffmann et al.'s.

# %%
draws = choice.draws[choice.best]
FORMATS = {"E": ".3f", "A": ".0f", "B": ".0f", "alpha": ".3f", "beta": ".3f"}


def with_interval(name, value, refits):
    low, high = np.quantile(refits, [0.025, 0.975])
    return f"{value:{FORMATS[name]}} [{low:{FORMATS[name]}}, {high:{FORMATS[name]}}]"


law_constants = dict(zip(PARAM_NAMES, PARAMS_FITTED["all_data"]))
law_constants["beta"] = law_constants["alpha"]
refits = {"law": np.column_stack([draws.draws["all_data"], draws.draws["all_data"][:, 3]]),
          "two": choice.draws[two_name].draws["all_data"]}
pd.DataFrame({
    "this law (one exponent)": [with_interval(k, law_constants[k], refits["law"][:, j]) for j, k in enumerate(FIVE)],
    "two exponents (survivor)": [with_interval(k, v, refits["two"][:, j])
                                 for j, (k, v) in enumerate(zip(FIVE, choice.fits[two_name]["all_data"]))],
    "Besiroglu et al. 2024": [f"{REPLICATION[k]:.4g}" for k in FIVE],
    "Hoffmann et al. 2022": [f"{APPROACH_3[k]:.4g}" for k in FIVE],
}, index=FIVE)

# %% [markdown]
# (The law's $\beta$ is its $\alpha$.) The exponents are pinned down to a few hundredths; $A$ and $B$ much less (they trade against
# the exponent), which is why the decisions below are computed on every refit rather than from
# these intervals. The replication's 80% intervals, from 4000 resamples, are $E$ 1.75 to 1.90,
# $\alpha$ 0.30 to 0.40 and $\beta$ 0.32 to 0.41: the law's constants lie inside all three.

# %% tags=["hide-input"]
fitted_loss = formula(table, PARAMS_FITTED["all_data"])
residual = np.log(table.loss) - np.log(fitted_loss)
kept = ~few_tokens
print(f"R2 on the 240 runs it was fitted to: {metrics.r2(table.loss[kept], fitted_loss[kept]):.4f}; "
      f"median |log residual| {np.median(np.abs(residual[kept])):.4f}")
fig, axes = plt.subplots(1, 2, sharey=True, layout="constrained")
for ax, x, label in ((axes[0], compute, "compute C = 6ND (FLOP)"), (axes[1], table.tokens / table.params, "tokens per parameter")):
    ax.scatter(x[kept], residual[kept], s=8, label="fitted runs")
    ax.scatter(x[few_tokens], residual[few_tokens], marker="x", color=UNDERTRAINED_COLOR, s=30, label="left out")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label)
axes[0].set(ylabel="log loss - log law", ylim=(-0.06, 0.1), title="Against compute")
axes[1].set(title="Against tokens per parameter")
axes[1].legend(loc="upper right")
fig.suptitle("Residuals within a few percent, no trend in compute")
plt.show()

# %% [markdown]
# The residuals show no trend in compute. Against tokens per parameter they rise below about
# one token per parameter: the runs with the fewest tokens lie above the law even among those
# it keeps, the regime where a model has not seen enough data for the form to hold.
#
# ## Prediction intervals, and how often they cover
#
# A 90% prediction interval carries the constants' bootstrap, the spread between the law and
# the forms the backtests could not tell from it (these two scaled by a new-run scale
# $s_0 \ge 1$, calibrated with the extrapolation term; here $s_0 = 1$), the run-to-run noise
# (the residuals' spread, here mostly the noise of reading points off a figure) and an
# extrapolation term that grows with the distance beyond the training runs. That distance is
# measured along compute, in units of the reach (Chinchilla's budget lies at distance 1); the
# term per unit is calibrated on the backtests (the smallest that covers 90% of their held
# runs), and the coverage of each origin is measured with the term calibrated on the other
# three. Beyond the farthest distance the backtests scored, the interval grows by the rule the
# backtests' errors follow (at least in proportion to the distance), and the prediction is
# flagged `beyond_reach`.

# %%
calibration = study.calibration
calibration.coverage.round(3)

# %%
uncertainty = record.uncertainty
print(f"noise {uncertainty.noise_sd['all_data'][0]:.4f} nats; extrapolation term "
      f"{uncertainty.extrapolation_sd[0]:.4f} nats per unit of distance; validated up to "
      f"{calibration.validated_distance:.2f} units, growing as distance^{calibration.growth:.2f} beyond")

# %% [markdown]
# ## Extrapolation to Chinchilla's budget
#
# Left: the loss along the compute-optimal frontier (the best split at each budget, below) up
# to $10^{25}$ FLOP, with its 90% prediction interval, over the training runs. Right: the
# IsoFLOP profile at $5.76 \times 10^{23}$ FLOP, the loss of every split of Chinchilla's budget,
# with Chinchilla's and Gopher's splits marked.

# %% tags=["hide-input"]
E, A, B, alpha = PARAMS_FITTED["all_data"]
RATIO = (B / A) ** (1 / alpha)  # compute-optimal tokens per parameter
budgets = np.geomspace(1e18, 1e25, 60)
frontier_size = np.sqrt(budgets / (6 * RATIO))
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    along = LAW.predict({"params": frontier_size, "tokens": RATIO * frontier_size}, record, interval=0.9)
    sizes = np.geomspace(10e9, 400e9, 60)
    across = LAW.predict({"params": sizes, "tokens": CHINCHILLA["compute"] / 6 / sizes}, record, interval=0.9)
    marked = LAW.predict({"params": [CHINCHILLA["params"], GOPHER["params"]],
                          "tokens": [CHINCHILLA["tokens"], GOPHER["tokens"]]}, record)
fig, axes = plt.subplots(1, 2, figsize=(5.8, 3.2), layout="constrained")
axes[0].scatter(compute[kept], table.loss[kept], s=5, color="grey", label="training runs")
axes[0].plot(budgets, along.loss, color="tab:blue", label="compute-optimal frontier")
axes[0].fill_between(budgets, along.loss_low, along.loss_high, color="tab:blue", alpha=0.2, label="90% interval")
axes[0].axvline(compute.max(), color="grey", ls=":", lw=0.8)
axes[0].axvline(CHINCHILLA["compute"], color="grey", ls="--", lw=0.8)
axes[0].set(xscale="log", xlabel="compute C (FLOP)", ylabel="loss (nats)", ylim=(1.8, 3.6),
            title="Along the frontier, to 1e25 FLOP")
axes[0].legend()
axes[1].plot(sizes, across.loss, color="tab:blue")
axes[1].fill_between(sizes, across.loss_low, across.loss_high, color="tab:blue", alpha=0.2)
for (name, point), loss in zip((("Chinchilla", CHINCHILLA), ("Gopher", GOPHER)), marked):
    axes[1].plot(point["params"], loss, "o", label=f"{name}: {point['params'] / 1e9:.0f}B, {point['tokens'] / 1e12:.1f}T tokens")
axes[1].set(xscale="log", xlabel="parameters N", ylabel="loss (nats)", title="Every split of 5.76e23 FLOP")
axes[1].legend(loc="upper center", fontsize=8)
fig.suptitle("The law and its 90% interval beyond the runs (dotted: largest run)")
plt.show()

# %% [markdown]
# At Chinchilla's budget the law predicts a loss of about 1.97 nats for the best split, with a
# 90% interval of 1.93 to 2.02 (about ±0.045 nats), most of it the noise of the runs themselves
# (the points were read off a figure; the backtests needed no extra term for the distance). The
# budget lies just past the distance the backtests validated (0.97 units), so the interval there
# is 3% wider than at that distance and the prediction is flagged `beyond_reach`. The profile is
# flat near its minimum: a model twice or half the optimal size costs 0.005 nats, four times
# 0.02.
#
# **Where not to trust it.** The runs reach $1.3 \times 10^{22}$ FLOP and 16B parameters;
# Chinchilla's budget is 44 times further, and the backtests measured forecasts only up to
# 0.97 of that distance (a factor of about 40). The law is the loss of one training setup
# (Hoffmann et al.'s data, tokenizer, cosine schedule matched to the run's length): another
# corpus or vocabulary shifts $E$, $A$ and $B$, and the allocation with them. It does not hold
# for runs with fewer than about one token per parameter (the residuals above), nor for data
# repeated over several epochs (see the data-constrained law). The one exponent is what these runs support, not a law of nature: a
# difference between $\alpha$ and $\beta$ of a few hundredths, which the data cannot resolve,
# would tilt the compute-optimal ratio slowly with the budget.

# %% [markdown]
# ## Using the law: how to split a compute budget
#
# At a budget $C = 6ND$, the loss $E + A N^{-\alpha} + B D^{-\alpha}$ is lowest where the two
# terms are equal, $A N^{-\alpha} = B D^{-\alpha}$: the compute-optimal model is trained on
# $D/N = (B/A)^{1/\alpha}$ tokens per parameter, the same at every budget, and
# $N = \sqrt{C / (6\,D/N)}$. The decision gives the split, or, for a model of a given size, the
# tokens and compute for which that size is the right one; the 80% intervals come from the
# bootstrap refits.

# %% tags=["export"]
@LAW.decision(
    units={"compute": "FLOP", "params": "parameters", "tokens": "tokens",
           "tokens_per_param": "tokens per parameter", "loss": "nats"},
    interval=("params", "tokens", "tokens_per_param", "compute", "loss"),
    main=True,
)
def allocate(fitted, compute: float = None, params: float = None):
    """The compute-optimal split of a budget between parameters and tokens (or the tokens a model size deserves).

    Give ``compute`` (FLOP, with C = 6 N D): the ``params`` and ``tokens`` of the lowest loss at
    that budget. Or give ``params`` (a model size): the ``tokens`` and ``compute`` for which a model
    of that size is compute-optimal. Both answers also give ``tokens_per_param`` and the
    predicted ``loss``; the interval of the quantity given is the quantity itself.
    """
    if compute is None and params is None:
        raise data.InputError("allocate: give compute (FLOP) or params (a model size)")
    if compute is not None and params is not None:
        raise data.InputError("allocate: give compute (FLOP) or params (a model size), not both")
    if fitted.law.param_names != PARAM_NAMES:  # another form of the pool: numerically
        return _allocate_numerically(fitted, compute, params)
    E, A, B, alpha = fitted.constants
    if not (A > 0 and B > 0 and alpha > 0):
        raise data.InputError("allocate: these constants have no compute-optimal split (A, B and alpha must be positive)")
    ratio = (B / A) ** (1.0 / alpha)
    if compute is not None:
        compute = decide.positive("compute", compute)
        params = math.sqrt(compute / (6.0 * ratio))
    else:
        params = decide.positive("params", params)
        compute = 6.0 * ratio * params**2
    tokens = ratio * params
    loss = float(fitted.predict({"params": [params], "tokens": [tokens]})[0])
    return {"compute": compute, "params": params, "tokens": tokens, "tokens_per_param": ratio, "loss": loss}


def _allocate_numerically(fitted, compute, params):
    """allocate for any form: the minimum of the loss along C = 6ND, or the budget whose
    optimum is a given size (the optimum grows with the budget: bisection in log C)."""
    def split(budget):
        found = compute_optimal(fitted.predict, budget)
        if found is None:
            raise data.InputError(f"allocate: this form has no compute-optimal split at {budget:.3g} FLOP")
        return found

    if compute is not None:
        compute = decide.positive("compute", compute)
        size, tokens = split(compute)
    else:
        size = decide.positive("params", params)
        low, high = math.log(6.0 * size**2 * 1e-2), math.log(6.0 * size**2 * 1e4)
        for _ in range(50):
            middle = 0.5 * (low + high)
            low, high = (middle, high) if split(math.exp(middle))[0] < size else (low, middle)
        compute = math.exp(0.5 * (low + high))
        tokens = compute / (6.0 * size)
    loss = float(fitted.predict({"params": [size], "tokens": [tokens]})[0])
    return {"compute": compute, "params": size, "tokens": tokens, "tokens_per_param": tokens / size, "loss": loss}


# %% [markdown]
# The split at a few budgets, from the largest training run to $10^{25}$ FLOP:

# %%
rows = []
for budget in (1e21, 1.3e22, CHINCHILLA["compute"], 1e24, 1e25):
    with warnings.catch_warnings():  # beyond the runs on purpose: the table marks it instead
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        split = allocate(budget, constants=record)
    low, high = split.interval["params"]
    rows.append({"compute": f"{budget:.3g}", "params": f"{split.answer['params'] / 1e9:.1f}B",
                 "80% interval": f"[{low / 1e9:.1f}B, {high / 1e9:.1f}B]",
                 "tokens": f"{split.answer['tokens'] / 1e9:.0f}B",
                 "tokens per param": round(split.answer["tokens_per_param"], 1),
                 "loss": round(split.answer["loss"], 3), "extrapolates": bool(split.warnings)})
splits = pd.DataFrame(rows)
splits

# %% [markdown]
# **Checks against the literature.** At Chinchilla's budget the law gives the split below,
# beside Chinchilla itself, the replication's law and Hoffmann et al.'s Approach 3 (both from
# their published constants, with the two-exponent optimum
# $N = G\,(C/6)^{\beta/(\alpha+\beta)}$, $G = (\alpha A / \beta B)^{1/(\alpha+\beta)}$), and the
# paper's Approaches 1 and 2 (its Table 3).

# %%
def two_exponent_split(constants, budget):
    E, A, B, alpha, beta = (constants[k] for k in FIVE)
    size = (alpha * A / (beta * B)) ** (1 / (alpha + beta)) * (budget / 6) ** (beta / (alpha + beta))
    return size, budget / 6 / size


with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    at_chinchilla = allocate(CHINCHILLA["compute"], constants=record)
low, high = at_chinchilla.interval["params"]
ratio_low, ratio_high = at_chinchilla.interval["tokens_per_param"]
two_exponent_sizes = np.array([two_exponent_split(dict(zip(FIVE, d)), CHINCHILLA["compute"])[0]
                               for d in choice.draws[two_name].draws["all_data"]])
two_size, two_tokens = two_exponent_split(dict(zip(FIVE, choice.fits[two_name]["all_data"])), CHINCHILLA["compute"])
two_low, two_high = np.quantile(two_exponent_sizes, [0.1, 0.9])
two_ratios = np.quantile(CHINCHILLA["compute"] / 6 / two_exponent_sizes**2, [0.1, 0.9])
comparison = [{"source": "this law", "params": f"{at_chinchilla.answer['params'] / 1e9:.0f}B [{low / 1e9:.0f}B, {high / 1e9:.0f}B]",
               "tokens": f"{at_chinchilla.answer['tokens'] / 1e12:.2f}T",
               "tokens per param": f"{at_chinchilla.answer['tokens_per_param']:.1f} [{ratio_low:.1f}, {ratio_high:.1f}]"}]
comparison.append({"source": "two exponents (the survivor)",
                   "params": f"{two_size / 1e9:.0f}B [{two_low / 1e9:.0f}B, {two_high / 1e9:.0f}B]",
                   "tokens": f"{two_tokens / 1e12:.2f}T",
                   "tokens per param": f"{two_tokens / two_size:.1f} [{two_ratios[0]:.1f}, {two_ratios[1]:.1f}]"})
for name, constants_of in (("Besiroglu et al. 2024", REPLICATION), ("Hoffmann et al. Approach 3", APPROACH_3)):
    size, tokens = two_exponent_split(constants_of, CHINCHILLA["compute"])
    comparison.append({"source": name, "params": f"{size / 1e9:.0f}B", "tokens": f"{tokens / 1e12:.2f}T",
                       "tokens per param": f"{tokens / size:.1f}"})
for name, size, tokens in (("Hoffmann et al. Approach 1", 67e9, 1.5e12), ("Hoffmann et al. Approach 2", 63e9, 1.4e12),
                           ("Chinchilla (trained)", CHINCHILLA["params"], CHINCHILLA["tokens"])):
    comparison.append({"source": name, "params": f"{size / 1e9:.0f}B", "tokens": f"{tokens / 1e12:.2f}T",
                       "tokens per param": f"{tokens / size:.1f}"})
pd.DataFrame(comparison)

# %% [markdown]
# The law puts the compute-optimal model at Chinchilla's budget at 63B parameters on 1.5T
# tokens, 24 tokens per parameter, as Hoffmann et al.'s Approach 2 (63B) and close to Approach 1
# (67B) and to Chinchilla itself (70B on 1.4T, 20 tokens per parameter). Its 80% interval, 61B
# to 91B, carries two uncertainties: that of the constants (given one exponent the ratio of
# tokens to parameters is fixed at every budget, and the refits move the size by a few percent)
# and that of the form. The two-exponent form, which the backtests could not tell from it and
# which predicts the same loss at this budget, puts the optimum at 73B with an interval from 57B
# to 98B (10 to 29 tokens per parameter): a difference between the exponents that the runs cannot
# resolve moves the split by that much 44 times beyond them. The decision pools the refits of
# both forms, each form counting equally, so the law's interval reaches up towards the
# survivor's. The replication's published constants give 72B. Approach 3's published constants
# give a 32B model on 3.0T tokens, 93 tokens per parameter: its data term is flatter than its
# size term ($\beta = 0.28 < \alpha = 0.34$), so tokens keep paying after parameters stop and
# the split drifts towards data with every budget. That is the inconsistency the replication
# pointed out; on these runs $\beta$ is not smaller than $\alpha$.
#
# Gopher was trained on the same budget with four times the parameters of Chinchilla and a
# fifth of its tokens. The law ranks the two as the paper measured them:

# %%
print(f"loss of Chinchilla's split {marked[0]:.3f}, of Gopher's {marked[1]:.3f}: "
      f"Gopher's costs {marked[1] - marked[0]:.3f} nats more")
assert marked[0] < marked[1]

# %% [markdown]
# For a model of a given size, the same law says how long to train it (24 tokens per parameter)
# and on what budget that size is the right one:

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for model in (7e9, 70e9):
        deserved = allocate(params=model, constants=record)
        low, high = deserved.interval["tokens"]
        print(f"{model / 1e9:.0f}B parameters: {deserved.answer['tokens'] / 1e9:.0f}B tokens "
              f"(80% interval {low / 1e9:.0f}B to {high / 1e9:.0f}B), {deserved.answer['compute']:.2e} FLOP")

# %% [markdown]
# The compute-optimal frontier with its 80% band, the published laws' frontiers, the training
# runs, Chinchilla and Gopher:

# %% tags=["hide-input"]
frontier = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for budget in budgets:
        split = allocate(float(budget), constants=record)
        frontier.append([split.answer["params"], *split.interval["params"]])
frontier = np.array(frontier)
fig, ax = plt.subplots(figsize=(5.8, 3.0))
ax.scatter(compute[kept], table.params[kept], s=5, color="grey", label="training runs")
ax.plot(budgets, frontier[:, 0], color="tab:blue", label="this law")
ax.fill_between(budgets, frontier[:, 1], frontier[:, 2], color="tab:blue", alpha=0.25, label="80% interval")
two_exponent_band = np.quantile(np.array([two_exponent_split(dict(zip(FIVE, d)), budgets)[0]
                                         for d in choice.draws[two_name].draws["all_data"]]), [0.1, 0.9], axis=0)
ax.fill_between(budgets, *two_exponent_band, color="tab:orange", alpha=0.2, label="two exponents, 80% interval")
for name, constants_of, style in (("Besiroglu et al. 2024", REPLICATION, "--"),
                                  ("Hoffmann et al. Approach 3", APPROACH_3, ":")):
    ax.plot(budgets, two_exponent_split(constants_of, budgets)[0], style, color="black", lw=1, label=name)
ax.plot(CHINCHILLA["compute"], CHINCHILLA["params"], "*", ms=12, color="tab:green", label="Chinchilla (70B)")
ax.plot(GOPHER["compute"], GOPHER["params"], "s", ms=7, color="tab:red", label="Gopher (280B)")
ax.axvspan(compute.min(), compute.max(), color="grey", alpha=0.08)
ax.set(xscale="log", yscale="log", xlabel="compute C (FLOP)", ylabel="compute-optimal parameters N",
       title="The compute-optimal frontier: the training runs' compute is shaded")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The same split from two other laws of this package
#
# Two other laws describe the loss in parameters and data. The data-constrained law
# (Muennighoff et al. 2023, C4, models up to 3.9B parameters) is Chinchilla's form with a
# penalty for repeated data that vanishes at one epoch; with every token fresh ($U = D$) it
# gives a split of its own. The vocabulary law (Tao et al. 2024, SlimPajama, up to 1.1B
# non-vocabulary parameters) predicts the loss from the non-vocabulary parameters, the
# vocabulary and the characters trained on; at a standard vocabulary of 32K it too gives a split,
# once characters are converted to tokens: we assume 4 characters per token, typical of a 32K
# tokenizer on English web text (the vocabulary runs record characters only). Each split is the
# minimum of the law's loss along $C = 6ND$, found numerically.

# %%
from scalinglaws.laws import data_constrained, vocab

STANDARD_VOCAB, CHARACTERS_PER_TOKEN = 32000.0, 4.0


def fresh_data_loss(X, constants):
    """The data-constrained law at one epoch: every token is unique (U = D)."""
    return data_constrained.formula({"unique_tokens": X["tokens"], "params": X["params"], "tokens": X["tokens"]},
                                    constants)


def count(value):
    return f"{value / 1e12:.3g}T" if value >= 1e12 else f"{value / 1e9:.3g}B"


def standard_vocab_loss(X, constants):
    """The vocabulary law at V = 32K, with CHARACTERS_PER_TOKEN characters per token."""
    size = np.asarray(X["params"], dtype=float)
    return vocab.formula({"non_vocab_parameters": size, "vocab_size": np.full(size.shape, STANDARD_VOCAB),
                          "num_characters": CHARACTERS_PER_TOKEN * np.asarray(X["tokens"], dtype=float)}, constants)


rows = []
for budget in (1e20, 1e21, CHINCHILLA["compute"]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        ours = allocate(budget, constants=record).answer
    splits_of = {"this law": (ours["params"], ours["tokens"]),
                 "data-constrained, one epoch": compute_optimal(lambda X: fresh_data_loss(X, data_constrained.PARAMS["all_data"]), budget),
                 "vocabulary, V = 32K": compute_optimal(lambda X: standard_vocab_loss(X, vocab.PARAMS["all_data"]), budget)}
    for name, (size, tokens) in splits_of.items():
        rows.append({"compute": f"{budget:.3g}", "law": name, "params": count(size), "tokens": count(tokens),
                     "tokens per param": round(tokens / size, 1)})
pd.DataFrame(rows)

# %% [markdown]
# The three laws do not agree, and not by a little.
#
# - **The data-constrained law** trains on 57 tokens per parameter at $10^{20}$ FLOP and 93 at
#   Chinchilla's budget: a smaller model on more data, and more so with every budget. Its size
#   exponent is larger than its data exponent ($\alpha = 0.51 > \beta = 0.45$), so the split
#   tilts towards data as compute grows, where this law's one exponent keeps the ratio fixed.
#   Its constants come from other runs (C4, another tokenizer and schedule, models up to 3.9B
#   trained mostly on repeated data) and its floor is higher (2.31 nats on C4): the split is a
#   property of a corpus and a training recipe, not of language models in general.
# - **The vocabulary law** gives about 6 tokens per parameter at $10^{20}$ FLOP, one at
#   $10^{21}$, and nothing sensible at Chinchilla's budget (a model of trillions of parameters on
#   a few billion tokens). Its runs cannot answer this question: each model size was trained
#   once, to 110 to 200 characters per parameter, and the law was fitted to checkpoints along
#   those runs, whose learning rate had not yet decayed. How a model of one size does on
#   another number of tokens, trained for that length, is not in its data. Hoffmann et al.
#   trained every point of an IsoFLOP profile to its own length for this reason: one schedule
#   for all lengths, as in Kaplan et al. (2020), had led to too large models.
#   The vocabulary law answers which vocabulary to use for a given split, not the split.
#
# Only this law was fitted to runs designed for the question. The other two are not wrong on
# their own questions; their allocations should not be used.

# %% [markdown]
# ## The record
#
# The constants, their bootstrap refits, the noise and extrapolation terms of the intervals,
# the protocol's scores and this page's summary are stored in `laws/chinchilla.json`
# (rewritten only when they change beyond what another CPU's rounding moves).

# %%
headline = at_chinchilla.answer
headline_low, headline_high = at_chinchilla.interval["params"]
_ = study.store(
    summary={
        "question": "How should a compute budget be split between model parameters and training tokens?",
        "headline": (f"At Chinchilla's 5.76e23 FLOP: {headline['params'] / 1e9:.0f}B parameters (80% interval "
                     f"{headline_low / 1e9:.0f}B to {headline_high / 1e9:.0f}B) on {headline['tokens'] / 1e12:.2f}T "
                     f"tokens, {headline['tokens_per_param']:.0f} tokens per parameter at every budget."),
        "caveat": (f"The interval pools one exponent for N and D with two (alone: {two_low / 1e9:.0f}B to "
                    f"{two_high / 1e9:.0f}B), which the runs cannot tell apart; fitted on one paper's runs up "
                    "to 1.3e22 FLOP: other data, tokenizers or schedules shift the split."),
    },
)

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = LAW.interfaces()

# %% [markdown]
# The stored constants predict what a refit on the training runs predicts, to the contract's
# tolerance (relative $10^{-6}$ on every training row, on any machine), and the leaderboard
# interface predicts what `predict` does:

# %%
refit = fit(data.load("chinchilla"))
assert LAW.same_predictions(table)(PARAMS["all_data"], refit["all_data"], "all_data")
example = law([{"params": 1e9, "tokens": 20e9}], "all_data")
assert example[0]["loss"] == predict({"params": [1e9], "tokens": [20e9]})[0]
print(f"predicted loss of a 1B model trained on 20B tokens: {example[0]['loss']:.4f}")

# %% [markdown]
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same
# routine and bootstrap intervals (`scalinglaws fit chinchilla --csv runs.csv` does the same
# from the command line), and its result answers the decision with those constants. Here, as
# if we had only the runs up to $10^{20}$ FLOP, a hundredth of the largest:

# %%
import scalinglaws

small_runs = table[compute <= 1e20]
own = scalinglaws.fit("chinchilla", small_runs, bootstrap=30, seed=0)
print(f"fitted to {len(trained_enough(small_runs))} of its {own.rows} runs (the others have under 0.45 tokens per parameter)")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    from_small = own.decide(None, CHINCHILLA["compute"])
low, high = from_small.interval["params"]
print(f"their split of 5.76e23 FLOP: {from_small.answer['params'] / 1e9:.0f}B parameters "
      f"(80% interval {low / 1e9:.0f}B to {high / 1e9:.0f}B), "
      f"{from_small.answer['tokens_per_param']:.1f} tokens per parameter")
own.intervals.drop(columns=["group", "note"]).assign(
    **{c: own.intervals[c].map(lambda v: f"{v:.4g}") for c in ("estimate", "std_error", "low_95%", "high_95%")})

# %% [markdown]
# From runs a hundred times below the largest, the split of Chinchilla's budget comes out
# within a few percent of the fit to all runs, though the constants themselves move (a higher
# floor, a larger exponent, $A$ and $B$ with wide intervals): the split depends on the ratio of
# the two terms, which small IsoFLOP profiles already measure. Fit your own runs on IsoFLOP
# profiles (several sizes at each budget, each trained to its own length), with at least one
# token per parameter.
