# %% [markdown]
# # Learning rate and batch size: a valley made of three power laws
#
# Which peak learning rate and which batch size should a language model of $N$ parameters,
# trained on $D$ tokens, use, and what loss will it reach? Li et al. (2025, "Predictable
# Scale: Part I", the Step Law study) trained thousands of dense models over grids of learning
# rates and batch sizes to answer it.
#
# **Task** `lr_bsz_scaling_law` of SLDBench: `lr`, `bsz` (in sequences of 2048 tokens),
# `data_size` (tokens $D$), `non_embedding_param_size` ($N$) → `lm_loss` (the smoothed final
# training loss), one group. 1730 training runs cover models of 214M to 537M non-embedding
# parameters on 4B to 100B tokens, and a 1.07B model on 20B and 56.9B tokens. The held-out
# test rows are the 1.07B model on 100B tokens, over its whole lr × bsz grid: an extrapolation
# in $N$ and $D$ together. There is no hard limit on constants, but each must earn its place.
#
# This notebook is the source of `scalinglaws.laws.lr_bsz`: the cells tagged `export` are
# written into that module by `scalinglaws export`.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize

from scalinglaws import contract, data, decide, fitting, metrics

pd.set_option("display.precision", 6)
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 170)
plt.rcParams["figure.figsize"] = (9, 3.6)
plt.rcParams["figure.dpi"] = 80

table = data.load("lr_bsz")
TASK = data.task("lr_bsz")
by_slice = table.groupby(["non_embedding_param_size", "data_size"])
summary = by_slice.agg(
    runs=("lm_loss", "size"), lr_min=("lr", "min"), lr_max=("lr", "max"),
    bsz_min=("bsz", "min"), bsz_max=("bsz", "max"), best_loss=("lm_loss", "min"),
).reset_index()
summary.insert(0, "N", [f"{n / 1e6:.0f}M" for n in summary.non_embedding_param_size])  # 1074M = 1.07B
summary.insert(1, "D", [f"{d / 1e9:.3g}B" for d in summary.data_size])
summary.drop(columns=["non_embedding_param_size", "data_size"]).round({"lr_min": 6, "lr_max": 5, "best_loss": 4})

# %% [markdown]
# ## The data
#
# Seventeen (N, D) slices, each a grid of learning rates ($2^{-12}$ to $2^{-5.5}$, in half
# octaves) and ten batch sizes (from 16 to 2048 sequences; each slice has its own ten). Each panel
# below is one slice; the colour is how far a run's loss lies above the best run of its slice
# (blank: no run), and the dots mark the runs within 0.5% of the best: the *basin* that a choice
# of (lr, bsz) should land in.

# %%
sizes = np.sort(table.non_embedding_param_size.unique())
half_octave = np.round(np.log2(table.lr) * 2) / 2  # the lr grid, in half octaves (2^-6.49 joins 2^-6.5)
lr_edges = 2.0 ** (np.arange(-12.25, -5.0, 0.5))


def excess_grid(rows):
    """Cell edges in bsz, and the percent above the slice's best loss on its (half-octave lr) × (bsz) grid."""
    levels = np.sort(rows.bsz.unique())  # each slice has its own 10 batch sizes
    padded = np.r_[levels[0] ** 2 / levels[1], levels, levels[-1] ** 2 / levels[-2]]
    excess = 100 * (rows.lm_loss / rows.lm_loss.min() - 1)
    grid = excess.groupby([half_octave[rows.index], rows.bsz]).mean().unstack()
    return np.sqrt(padded[:-1] * padded[1:]), grid.reindex(index=np.arange(-12, -5.25, 0.5), columns=levels).to_numpy().T


shade = Normalize(0, 5)


def size_label(N):
    return f"{N / 1e6:.0f}M" if N < 1e9 else f"{N / 1e9:.3g}B"


def tokens_label(D):
    return f"{D / 1e9:.3g}B" if D < 1e12 else f"{D / 1e12:.3g}T"


fig, axes = plt.subplots(len(sizes), 4, figsize=(12, 13))
for i, size in enumerate(sizes):
    runs_of_size = table[table.non_embedding_param_size == size]
    tokens = np.sort(runs_of_size.data_size.unique())
    for j in range(4):
        ax = axes[i, j]
        if j >= len(tokens):
            ax.axis("off")
            continue
        rows = runs_of_size[runs_of_size.data_size == tokens[j]]
        bsz_edges, excess = excess_grid(rows)
        mesh = ax.pcolormesh(lr_edges, bsz_edges, excess, cmap="viridis", norm=shade)
        basin = rows[rows.lm_loss <= 1.005 * rows.lm_loss.min()]
        ax.plot(basin.lr, basin.bsz, ".", color="white", ms=4)
        best = rows.loc[rows.lm_loss.idxmin()]
        ax.plot(best.lr, best.bsz, "*", color="red", ms=10)
        ax.set(xscale="log", yscale="log", xlim=(lr_edges[0], lr_edges[-1]), ylim=(11, 3000),
               xlabel="learning rate", ylabel="batch size (sequences)")
        ax.set_title(f"N = {size_label(size)}, D = {tokens_label(tokens[j])}", fontsize=9)
        ax.set_xticks([1e-3, 1e-2], ["$10^{-3}$", "$10^{-2}$"])  # fixed ticks: log locators are slow for 17 panels
        ax.set_yticks([16, 64, 256, 1024], ["16", "64", "256", "1024"])
        ax.minorticks_off()
        ax.tick_params(labelsize=7)
        ax.xaxis.label.set_fontsize(8)
        ax.yaxis.label.set_fontsize(8)
fig.subplots_adjust(left=0.07, right=0.9, bottom=0.05, top=0.94, hspace=0.5, wspace=0.35)
fig.colorbar(mesh, cax=fig.add_axes([0.92, 0.3, 0.015, 0.4]), label="loss above the slice's best run (%)")
fig.suptitle("Loss landscapes: a tilted valley that moves to larger batches with more data "
             "(red star: best run; white dots: within 0.5%)")
plt.show()

# %% [markdown]
# Sections through one slice (215M parameters, 100B tokens) show the valley's shape: loss
# against the learning rate at several batch sizes, and against the batch size at several
# learning rates.

# %%
rows = table[(table.non_embedding_param_size == sizes[0]) & (table.data_size == 1e11)]
fig, axes = plt.subplots(1, 2)
for bsz, color in zip([64, 256, 1024], ["tab:blue", "tab:orange", "tab:green"]):
    section = rows[rows.bsz == bsz].sort_values("lr")
    axes[0].plot(section.lr, section.lm_loss, "o-", color=color, ms=3, label=f"bsz {bsz}")
for lr_exponent, color in zip([-11.0, -9.5, -8.0], ["tab:blue", "tab:orange", "tab:green"]):
    section = rows[half_octave[rows.index] == lr_exponent].sort_values("bsz")
    axes[1].plot(section.bsz, section.lm_loss, "o-", color=color, ms=3, label=f"lr 2^{lr_exponent:g}")
axes[0].set(xscale="log", xlabel="learning rate", ylabel="final loss", ylim=(2.33, 2.5),
            title="Along lr: gentle below, steep above")
axes[1].set(xscale="log", xlabel="batch size (sequences)", ylim=(2.33, 2.5),
            title="Along bsz: steep for large batches")
for ax in axes:
    ax.legend(fontsize=8)
fig.suptitle("215M parameters, 100B tokens: the best lr rises with the batch size")
fig.tight_layout()
plt.show()

# %% [markdown]
# To follow the optimum from slice to slice without the noise of single runs, we fit a
# quadratic in $(\ln \mathrm{lr}, \ln \mathrm{bsz})$ to each slice's runs within 0.08 of its best
# loss: its minimum, its curvatures (how narrow the basin is along each axis), and the tilt
# $d \ln \mathrm{lr}^* / d \ln \mathrm{bsz}$ of the valley floor. The last column is a noise
# floor: the RMSE of a separate quartic in the two logs for each slice (15 constants per slice),
# which no smooth law of all slices can beat.

# %%
def local_shape(rows):
    u, b, y = np.log(rows.lr.to_numpy()), np.log(rows.bsz.to_numpy()), rows.lm_loss.to_numpy()
    near = y < y.min() + 0.08
    design = np.column_stack([np.ones(near.sum()), u[near], b[near], u[near] ** 2, b[near] ** 2, u[near] * b[near]])
    c = np.linalg.lstsq(design, y[near], rcond=None)[0]
    hessian = np.array([[2 * c[3], c[5]], [c[5], 2 * c[4]]])
    u_opt, b_opt = np.linalg.solve(hessian, -c[1:3])
    quartic = np.column_stack([u**i * b**j for i in range(5) for j in range(5 - i)])
    floor = y - quartic @ np.linalg.lstsq(quartic, y, rcond=None)[0]
    return pd.Series({
        "N": rows.non_embedding_param_size.iloc[0], "D": rows.data_size.iloc[0],
        "lr*": np.exp(u_opt), "bsz*": np.exp(b_opt), "curvature lr": hessian[0, 0],
        "curvature bsz": hessian[1, 1], "tilt": -hessian[0, 1] / hessian[0, 0],
        "noise floor": np.sqrt(np.mean(floor**2)),
    })


shapes = pd.DataFrame([local_shape(rows) for _, rows in by_slice])
shown = shapes.assign(N=[f"{n / 1e6:.0f}M" for n in shapes.N], D=[f"{d / 1e9:.3g}B" for d in shapes.D])
print(f"noise floor over all runs (RMSE of the per-slice quartics): "
      f"{np.sqrt(np.average(shapes['noise floor'] ** 2, weights=by_slice.size().to_numpy())):.4f}")
shown.round({"lr*": 5, "bsz*": 0, "curvature lr": 4, "curvature bsz": 4, "tilt": 2, "noise floor": 4})

# %%
def step_law_lr(N, D):
    return 1.79 * np.asarray(N, dtype=float) ** -0.713 * np.asarray(D, dtype=float) ** 0.307


def step_law_bsz(N, D):
    """Step Law's batch size (it does not depend on N), converted from tokens to sequences of 2048."""
    return 0.58 * np.asarray(D, dtype=float) ** 0.571 / 2048


colors = dict(zip(sizes, plt.get_cmap("viridis")(np.linspace(0, 0.9, len(sizes)))))
tokens_grid = np.geomspace(3e9, 1.2e11, 20)
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for size, rows in shapes.groupby("N"):
    label = f"{size / 1e6:.0f}M"
    axes[0].plot(rows.D, rows["lr*"], "o", color=colors[size], label=label)
    axes[0].plot(tokens_grid, step_law_lr(size, tokens_grid), "--", color=colors[size], lw=0.8)
    axes[1].plot(rows.D, rows["bsz*"], "o", color=colors[size], label=label)
    axes[2].plot(rows.D, rows["curvature lr"], "o", color=colors[size], label=label)
axes[1].plot(tokens_grid, step_law_bsz(1e9, tokens_grid), "--", color="grey", lw=0.8, label="Step Law")
axes[0].set(title="Optimal lr (dashed: Step Law)", ylabel="lr* of the local quadratic")
axes[1].set(title="Optimal batch size (dashed: Step Law)", ylabel="bsz* (sequences)")
axes[2].set(title="The lr basin widens with D", ylabel="curvature in ln lr")
for ax in axes:
    ax.set(xscale="log", yscale="log", xlabel="tokens D")
    ax.legend(fontsize=7, title="N", title_fontsize=7)
fig.tight_layout()
plt.show()

# %% [markdown]
# What the data say:
#
# - **A tilted, asymmetric valley.** Within a slice the best learning rate rises with the batch
#   size (the tilt grows from about 0.2 at 4B tokens to about 0.6 at 100B), so a penalty centred
#   on one $\mathrm{lr}^*(N, D)$ with no coupling to the batch size cannot fit it. Along the
#   learning rate the low side is gentle and the high side steep, with jumps near divergence
#   above about $2^{-7}$; along the batch size the large-batch side (too few steps) is steep.
# - **Where the optimum sits.** $\mathrm{lr}^*$ falls with $N$ and rises slowly with $D$;
#   $\mathrm{bsz}^*$ grows roughly like $D^{0.6}$ and hardly depends on $N$, as Step Law found.
#   Step Law's formulas (dashed) track the batch size well and the learning rate within a factor
#   of about two.
# - **The basin widens with data.** The curvature in $\ln \mathrm{lr}$ falls about threefold from
#   4B to 100B tokens; the curvature in $\ln \mathrm{bsz}$ changes less.
# - **The runs are noisy.** Even a quartic per slice leaves an RMSE of about 0.011 overall (0.001
#   to 0.007 on the smoother slices, 0.014 to 0.019 on others), mostly from erratic high-lr runs: a
#   law for all slices with an RMSE of 0.02 is within a factor of two of what is achievable.
#
# ## Candidate forms
#
# In the formulas, $x = \mathrm{lr}/10^{-3}$, $b = \mathrm{bsz}/256$, $d = D/(2\cdot 10^{10})$ and
# $n = N/(5 \cdot 10^8)$; $u, \beta, \delta, \nu$ are their logarithms.
#
# 1. **(a) The leaderboard law** (SLDBench): $\ln L$ a full quadratic polynomial in
#    $(u, \beta, \delta, \nu)$, 15 constants, fitted by ordinary least squares.
# 2. **(b) The best published approach** (SLDBench's best agent): a ridge regression of $L$ on 24
#    features: the four logs, their 10 squares and products, four cubic terms for the skew of the
#    valley ($u^3, \beta^3, u^2\beta, u\beta^2$), $n^{-0.34}$ and $d^{-0.28}$, and $r, ur, u^2r, \beta r$
#    with $r = (\text{steps}/10^4)^{-1/2}$, steps $= D / (2048\,\mathrm{bsz})$; the ridge strength is
#    chosen by leave-one-model-size-out cross-validation inside the fitting rows (25 constants
#    with the intercept). Its published 0.983 was fitted on 2702 runs; ours has 1730.
# 3. **(c) Structured laws**: $L = E + A n^{-\alpha} + B d^{-\beta} + $ a penalty in
#    $\Delta u = u - u^*(N, D)$ and $\Delta\beta = \beta - \beta^*(D)$, with power laws
#    $u^* = u_0 + a_N \nu + a_D \delta$ and $\beta^* = b_0 + b_D \delta$ as Step Law reports them:
#    - (c0) the penalty $c_u \Delta u^2 + c_b \Delta\beta^2$ around Step Law's *published* optima (7);
#    - (c1) the same with fitted optima (12);
#    - (c2) separate curvatures above and below $\mathrm{lr}^*$ (13), because too high a learning
#      rate hurts more;
#    - (c3) instead a smooth asymmetric LINEX penalty $2(e^{s\Delta u} - 1 - s\Delta u)/s^2$ in lr (13);
#    - (c4) c3 with a tilted valley, $u^*$ moving with the batch size as $k\,\Delta\beta$ (14);
#    - (c5) c4 with the lr curvature falling as $d^{-\gamma}$ and a LINEX penalty in bsz too (16);
#    - (c6) c5 with $\beta^*$ depending on $N$ (17).
# 4. **(d) Our own: sums of power laws.** The penalty as a sum of a few monomials in
#    (lr, bsz, D, N), each a mechanism:
#
#    $$L = E + A n^{-\alpha} + e^{c_1} x^{p_1} b^{q_1} d^{r_1} + e^{c_2} x^{p_2} (b/d)^{q_2} n^{r_2} + e^{c_3} (x/b)^{p_3} n^{r_3}.$$
#
#    The first term is *under-training*: it falls as the learning rate and the data grow. The
#    second is *too few steps at a high learning rate*: $b/d$ is proportional to 1/steps. The
#    third is *update noise*: it grows with the "temperature" lr/bsz (Adam's square-root-like
#    coupling) and with the model size. Variants: (d1) three free monomials in all four inputs (18);
#    (d2) the first term free (15); (d3) the first term tied to lr × steps (13); **(d4) the form
#    above (14)**; (d5) d4 plus a data term $B d^{-\beta}$ (16).
#
# Form d4 is the one this notebook ends up choosing, so its cell is the law's exported code.

# %% tags=["export"]
import numpy as np

from scalinglaws import contract, data, decide, fitting

TASK = data.task("lr_bsz")

FORM = (
    r"L = E + A\,n^{-\alpha} + e^{c_1} x^{p_1} b^{q_1} d^{r_1}"
    r" + e^{c_2} x^{p_2} (b/d)^{q_2} n^{r_2} + e^{c_3} (x/b)^{p_3} n^{r_3},"
    r"\quad x=\frac{\mathrm{lr}}{10^{-3}},\ b=\frac{\mathrm{bsz}}{256},"
    r"\ d=\frac{D}{2\cdot10^{10}},\ n=\frac{N}{5\cdot10^{8}}"
)
PARAM_NAMES = ["E", "A", "alpha", "c1", "p1", "q1", "r1", "c2", "p2", "q2", "r2", "c3", "p3", "r3"]

# Inputs are used as logs of these ratios (u, b, d, n): the constants are on a scale near 1.
_SCALE = {"lr": 1e-3, "bsz": 256.0, "data_size": 2e10, "non_embedding_param_size": 5e8}
# Exponents of the three penalty terms on (u, b, d, n): term k's log is c_k + logs @ _TERMS[k] @ theta_k.
_TERMS = (
    np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=float),  # x^p1 b^q1 d^r1
    np.array([[1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1]], dtype=float),  # x^p2 (b/d)^q2 n^r2
    np.array([[1, 0], [-1, 0], [0, 0], [0, 1]], dtype=float),  # (x/b)^p3 n^r3
)
# Four fixed starts (alpha in {0.2, 0.4}, all penalty terms scaled by 1 or 1/e); all reach one optimum.
_START = np.array([1.0, 0.6, 0.3, -0.9, -0.2, 0.1, -0.2, -3.0, 0.4, 0.5, 0.3, -1.9, 0.35, 0.2])
_STARTS = np.array([
    _START + np.r_[0.0, 0.0, alpha - _START[2], shift, 0, 0, 0, shift, 0, 0, 0, shift, 0, 0]
    for alpha in (0.2, 0.4) for shift in (0.0, -1.0)
])
# Only the floor, its scale and the size exponent are bounded; the penalty exponents are free
# because their signs are what the data decide.
_BOUNDS = (np.r_[0.0, 0.0, 0.01, np.full(11, -np.inf)], np.r_[3.0, 10.0, 2.0, np.full(11, np.inf)])


def _logs(X):
    """The inputs as an (n, 4) array of logs u, b, d, n of the scaled lr, bsz, D, N."""
    return np.column_stack([np.log(np.asarray(X[name], dtype=float) / scale) for name, scale in _SCALE.items()])


def _loss_and_jacobian(logs, params):
    params = np.asarray(params, dtype=float)
    size = np.exp(-params[2] * logs[:, 3])
    loss = params[0] + params[1] * size
    columns = [np.ones(len(logs)), size, -params[1] * logs[:, 3] * size]
    i = 3
    for design in _TERMS:
        projected = logs @ design
        term = np.exp(np.clip(params[i] + projected @ params[i + 1 : i + 1 + design.shape[1]], -50.0, 50.0))
        loss = loss + term
        columns += [term, *(term[:, None] * projected).T]
        i += 1 + design.shape[1]
    return loss, np.column_stack(columns)


def predict(X, params):
    """Final loss for inputs ``X`` (columns lr, bsz, data_size, non_embedding_param_size)."""
    return _loss_and_jacobian(_logs(X), params)[0]


def _fit(table, starts):
    fitted = {}
    for group, rows in table.groupby(TASK.group_column, sort=False):
        logs, loss = _logs(rows), rows["lm_loss"].to_numpy(dtype=float)
        try:
            result = fitting.least_squares(
                lambda theta: _loss_and_jacobian(logs, theta)[0] - loss, starts, bounds=_BOUNDS,
                jac=lambda theta: _loss_and_jacobian(logs, theta)[1],
            )
        except fitting.FitError as error:
            raise fitting.FitError(f"group {group!r}: {error}") from error
        fitted[str(group)] = result.params.tolist()
    return fitted


def fit(table):
    """Least squares on the loss itself (analytic Jacobian), from four fixed starts, per group."""
    return _fit(table, _STARTS)


# %%
def _per_group(solve):
    """A fitter that applies ``solve(rows) -> constants`` to each group of a table."""
    return lambda rows: {str(g): list(solve(part)) for g, part in rows.groupby("group", sort=False)}


# (a) the leaderboard law: log L quadratic in the four logs
def _quadratic_design(X):
    z = _logs(X)
    products = [z[:, i] * z[:, j] for i in range(4) for j in range(i, 4)]
    return np.column_stack([np.ones(len(z)), z, *products])


def quadratic_predict(X, params):
    return np.exp(_quadratic_design(X) @ np.asarray(params))


quadratic_fit = _per_group(
    lambda rows: np.linalg.lstsq(_quadratic_design(rows), np.log(rows.lm_loss.to_numpy()), rcond=None)[0]
)


# (b) the published ridge regression on 24 features
def _ridge_features(X):
    z = _logs(X)
    u, b, d, n = z.T
    products = [z[:, i] * z[:, j] for i in range(4) for j in range(i, 4)]
    steps = np.asarray(X["data_size"], dtype=float) / (2048 * np.asarray(X["bsz"], dtype=float))
    r = (steps / 1e4) ** -0.5
    return np.column_stack([z, *products, u**3, b**3, u**2 * b, u * b**2, np.exp(-0.34 * n),
                            np.exp(-0.28 * d), r, u * r, u**2 * r, b * r])


def _ridge_solve(features, y, strength):
    """Ridge on standardised features; the constants are [mean (24), sd (24), intercept, weights (24)]."""
    mean, sd = features.mean(0), features.std(0)
    z = (features - mean) / sd
    weights = np.linalg.solve(z.T @ z + strength * len(y) * np.eye(z.shape[1]), z.T @ (y - y.mean()))
    return np.r_[mean, sd, y.mean(), weights]


def ridge_predict(X, params):
    params = np.asarray(params)
    return params[48] + ((_ridge_features(X) - params[:24]) / params[24:48]) @ params[49:]


def _ridge_fit_rows(rows):
    features, y = _ridge_features(rows), rows.lm_loss.to_numpy()
    sizes_of_rows = rows.non_embedding_param_size.to_numpy()
    errors = {}
    for strength in (1e-6, 1e-5, 1e-4, 1e-3, 1e-2):  # leave one model size out
        errors[strength] = sum(
            np.sum((y[m] - ridge_predict(rows[m], _ridge_solve(features[~m], y[~m], strength))) ** 2)
            for m in (sizes_of_rows == s for s in np.unique(sizes_of_rows))
        )
    return _ridge_solve(features, y, min(errors, key=errors.get))


ridge_fit = _per_group(_ridge_fit_rows)


# (c) structured laws: optimum power laws and a penalty around them
def _linex(x, s):
    """x^2 near 0; for s > 0 it grows exponentially for x > 0 and linearly for x < 0."""
    s = np.where(np.abs(s) < 1e-6, 1e-6, s)
    z = np.clip(s * x, -50, 50)
    return 2.0 * (np.expm1(z) - z) / s**2


_VALLEY = {  # name: (lower bound, upper bound, start)
    "E": (0.0, 3.0, 1.5), "A": (0.0, 10.0, 0.4), "alpha": (0.01, 2.0, 0.4), "B": (0.0, 10.0, 0.4),
    "beta": (0.01, 2.0, 0.3), "u0": (-5, 5, 0.4), "aN": (-3, 3, -0.7), "aD": (-3, 3, 0.3),
    "b0": (-5, 5, 0.0), "bD": (-3, 3, 0.5), "bN": (-3, 3, 0.0), "cu": (0.0, 5.0, 0.02),
    "cu_hi": (0.0, 5.0, 0.05), "s": (0.0, 10.0, 1.0), "gamma": (-2, 2, 0.3), "cb": (0.0, 5.0, 0.02),
    "sb": (0.0, 10.0, 0.5), "k": (-2, 2, 0.3),
}


def valley(lr_side="symmetric", tilt=False, gamma=False, bsz_linex=False, bsz_n=False, step_law=False):
    """(names, predict, fit) of a Chinchilla-like L_opt plus a penalty around power-law optima."""
    names = ["E", "A", "alpha", "B", "beta"]
    if not step_law:
        names += ["u0", "aN", "aD", "b0", "bD"] + (["bN"] if bsz_n else [])
    names += ["cu"] + {"symmetric": [], "split": ["cu_hi"], "linex": ["s"]}[lr_side]
    names += (["gamma"] if gamma else []) + ["cb"] + (["sb"] if bsz_linex else []) + (["k"] if tilt else [])

    def law(X, params):
        q = dict(zip(names, params))
        u, b, d, n = _logs(X).T
        loss = q["E"] + q["A"] * np.exp(-q["alpha"] * n) + q["B"] * np.exp(-q["beta"] * d)
        if step_law:
            N, D = np.asarray(X["non_embedding_param_size"]), np.asarray(X["data_size"])
            u_opt, b_opt = np.log(step_law_lr(N, D) / 1e-3), np.log(step_law_bsz(N, D) / 256)
        else:
            u_opt = q["u0"] + q["aN"] * n + q["aD"] * d
            b_opt = q["b0"] + q["bD"] * d + (q["bN"] * n if bsz_n else 0.0)
        db = b - b_opt
        du = u - u_opt - (q["k"] * db if tilt else 0.0)
        cu = q["cu"] * (np.exp(-q["gamma"] * d) if gamma else 1.0)
        if lr_side == "linex":
            penalty = cu * _linex(du, q["s"])
        elif lr_side == "split":
            penalty = np.where(du > 0, q["cu_hi"] / q["cu"], 1.0) * cu * du**2
        else:
            penalty = cu * du**2
        return loss + penalty + q["cb"] * (_linex(db, q["sb"]) if bsz_linex else db**2)

    lower, upper, start = (np.array([_VALLEY[k][i] for k in names], dtype=float) for i in range(3))
    starts = np.repeat(start[None], 4, axis=0)
    starts[:, [names.index("alpha"), names.index("beta")]] = fitting.grid_starts([0.2, 0.5], [0.2, 0.5])
    fitter = lambda rows: fitting.fit_groups(law, rows, TASK, starts, bounds=(lower, upper), keep=1)
    return names, law, fitter


# (d) sums of power laws: the terms as exponent designs on (u, b, d, n), like the exported law's
_FREE = np.eye(4)


def power_terms(designs, start, data_term=False):
    """(predict, fit) of E + A n^-alpha [+ B d^-beta] + sum_k exp(c_k + logs @ designs[k] @ theta_k)."""
    head = 5 if data_term else 3

    def value(logs, params):
        params = np.asarray(params, dtype=float)
        size = np.exp(-params[2] * logs[:, 3])
        loss = params[0] + params[1] * size
        columns = [np.ones(len(logs)), size, -params[1] * logs[:, 3] * size]
        if data_term:
            tokens = np.exp(-params[4] * logs[:, 2])
            loss = loss + params[3] * tokens
            columns += [tokens, -params[3] * logs[:, 2] * tokens]
        i = head
        for design in designs:
            projected = logs @ design
            term = np.exp(np.clip(params[i] + projected @ params[i + 1 : i + 1 + design.shape[1]], -50, 50))
            loss = loss + term
            columns += [term, *(term[:, None] * projected).T]
            i += 1 + design.shape[1]
        return loss, np.column_stack(columns)

    def fit_rows(rows):
        logs, loss = _logs(rows), rows.lm_loss.to_numpy()
        positions = np.cumsum([head] + [1 + design.shape[1] for design in designs])[:-1]  # where each c_k sits
        starts = np.repeat(np.asarray(start, dtype=float)[None], 4, axis=0)
        starts[:, 2] = [0.2, 0.2, 0.4, 0.4]
        starts[:, positions] += np.array([0.0, -1.0, 0.0, -1.0])[:, None]
        lower = np.r_[0.0, 0.0, 0.01, [0.0, 0.01] if data_term else [], np.full(len(start) - head, -np.inf)]
        upper = np.r_[3.0, 10.0, 2.0, [10.0, 2.0] if data_term else [], np.full(len(start) - head, np.inf)]
        return fitting.least_squares(lambda q: value(logs, q)[0] - loss, starts, bounds=(lower, upper),
                                     jac=lambda q: value(logs, q)[1], keep=2).params

    return (lambda X, params: value(_logs(X), params)[0]), _per_group(fit_rows)


LOW, STEPS, NOISE = _TERMS
LOW_STEPS = np.array([[1, 0], [-1, 0], [1, 0], [0, 1]], dtype=float)  # (x d / b)^p1 n^r1: lr × steps
# Starts: the floor, then each term's log-coefficient and exponents (free terms start from a rough fit).
HEAD, FREE_LOW, FREE_STEPS, FREE_NOISE = [1.0, 0.6, 0.3], [-1.7, -0.4, 0.13, -0.28, -0.15], \
    [-3.0, 0.34, 0.54, -0.65, 0.35], [-2.2, 0.38, -0.37, -0.11, 0.22]
TIED_LOW, TIED_STEPS, TIED_NOISE, LOW_BY_STEPS = list(_START[3:7]), list(_START[7:11]), list(_START[11:]), [-0.9, -0.2, -0.07]


def valley_candidate(name, origin, **options):
    names, law, fitter = valley(**options)
    return fitting.Candidate(name, str(len(names)), fit=fitter, predict=law, origin=origin)


def power_candidate(name, constants, origin, designs, start, data_term=False):
    law, fitter = power_terms(designs, start, data_term)
    return fitting.Candidate(name, constants, fit=fitter, predict=law, origin=origin)


CHOSEN = "(d4) power terms: low lr, steps, noise"
candidates = [
    fitting.Candidate("(a) log L quadratic in the logs", "15", fit=quadratic_fit, predict=quadratic_predict,
                      origin="SLDBench leaderboard law"),
    fitting.Candidate("(b) ridge on 24 features", "25", fit=ridge_fit, predict=ridge_predict,
                      origin="best published approach"),
    valley_candidate("(c0) Step Law optima, symmetric penalty", "Li et al. 2025", step_law=True),
    valley_candidate("(c1) fitted optima, symmetric penalty", "Step Law's structure"),
    valley_candidate("(c2) c1 + split lr curvature", "ours", lr_side="split"),
    valley_candidate("(c3) c1 + LINEX in lr", "ours", lr_side="linex"),
    valley_candidate("(c4) c3 + tilted valley", "ours", lr_side="linex", tilt=True),
    valley_candidate("(c5) c4 + lr curvature d^-gamma + LINEX in bsz", "ours", lr_side="linex", tilt=True,
                     gamma=True, bsz_linex=True),
    valley_candidate("(c6) c5 + bsz* depends on N", "ours", lr_side="linex", tilt=True, gamma=True,
                     bsz_linex=True, bsz_n=True),
    power_candidate("(d1) power terms, three free monomials", "18", "ours", [_FREE, _FREE, _FREE],
                    HEAD + FREE_LOW + FREE_STEPS + FREE_NOISE),
    power_candidate("(d2) power terms, first term free", "15", "ours", [_FREE, STEPS, NOISE],
                    HEAD + FREE_LOW + TIED_STEPS + TIED_NOISE),
    power_candidate("(d3) power terms, first term in lr × steps", "13", "ours", [LOW_STEPS, STEPS, NOISE],
                    HEAD + LOW_BY_STEPS + TIED_STEPS + TIED_NOISE),
    fitting.Candidate(CHOSEN, "14", fit=fit, predict=predict, origin="ours; chosen"),
    power_candidate("(d5) d4 + B d^-beta", "16", "ours", [LOW, STEPS, NOISE],
                    HEAD + [0.3, 0.3] + TIED_LOW + TIED_STEPS + TIED_NOISE, data_term=True),
]

# %% [markdown]
# ## Choosing the form by validation
#
# The test rows extrapolate to a larger model and more data, so the protocol does the same
# inside the training split: every candidate is refitted on the runs of the models below 1B
# parameters (1579 runs) and scored, with SLDBench's R2, on the 151 runs of the 1.07B model
# (20B and 56.9B tokens) that it has not seen. A second protocol, as a check, holds out each
# model size's largest data size (511 runs), since the test also extrapolates in $D$.
#
# All nonlinear candidates use the package's multi-start least squares on the loss. The chosen
# law optimises from all four of its starts; the other forms screen their four starts by the
# initial cost and optimise the best one (c, no analytic Jacobian) or two (d), which reaches the
# same optimum as all four here and keeps this notebook fast.

# %%
inner, held = fitting.extrapolation_holdout(table, "non_embedding_param_size", k=1)
validation = fitting.validation_table(candidates, [(inner, held)], TASK)
largest_d = fitting.extrapolation_holdout(table, "data_size", k=1, by="non_embedding_param_size")
check = fitting.validation_table(candidates, [largest_d], TASK)
print(f"fit on {len(inner)} runs below 1B parameters, score on {len(held)} runs of the 1.07B model; "
      f"check: score on {len(largest_d[1])} runs at each size's largest D")
scores = validation[["candidate", "constants", "origin", "r2", "nmae"]].assign(r2_largest_D=check.r2)
scores.round({"r2": 4, "nmae": 4, "r2_largest_D": 4})

# %% [markdown]
# The sums of power laws extrapolate best to the 1.07B model: d1, d2 and d4 all reach R2 0.957
# to 0.959 on its unseen runs, against 0.929 for the leaderboard quadratic (a) and 0.898 for the
# ridge regression (b) refitted on our table. The structured penalties (c) improve step by step
# as they gain asymmetry, tilt and a widening basin, but stop near 0.93 with more constants than
# d4. The check protocol separates the forms more sharply: the quadratic (a) falls to 0.46 when it
# has to extrapolate in $D$, and of the power-term forms d4, d1 and d5 hold up (0.89 to 0.93)
# while d2 and d3 do not.
#
# We choose **d4**: on the protocol it is as good as the best (0.0016 below d2, which
# loses 0.06 on the check), it has the fewest constants of the forms that hold up on both
# protocols, and each term has a mechanism. d1 frees four more exponents for no gain on the
# first protocol; d5's data term helps on the check (0.93) but fits to a correction that acts
# only at small $D$ and is nearly zero at the test's 100B tokens, so it does not earn its two
# constants where it matters.
#
# The decision this law is for is the optimum, so the same protocol asks where each fit *without*
# the 1.07B model puts the optimum of the 1.07B runs: the measured run nearest to it (in
# $\ln \mathrm{lr}$, $\ln \mathrm{bsz}$) should lie within 0.5% of the best measured run. The
# optimum of each form is found by a search on a dense log grid (lr from $10^{-4}$ to 0.05, bsz
# from 8 to 8192).

# %%
def grid_optimum(law, params, N, D, points=121):
    lr_grid, bsz_grid = np.meshgrid(np.geomspace(1e-4, 5e-2, points), np.geomspace(8, 8192, points), indexing="ij")
    grid = {"lr": lr_grid.ravel(), "bsz": bsz_grid.ravel(), "data_size": np.full(points**2, D),
            "non_embedding_param_size": np.full(points**2, N)}
    best = int(np.nanargmin(law(grid, params)))
    return grid["lr"][best], grid["bsz"][best]


def basin_check(rows, lr, bsz, tolerance=0.005):
    """The measured run nearest (lr, bsz) in the logs, and its loss relative to the slice's best run."""
    nearest = rows.iloc[int(np.argmin(np.log(rows.lr / lr) ** 2 + np.log(rows.bsz / bsz) ** 2))]
    gap = nearest.lm_loss / rows.lm_loss.min() - 1
    return nearest, gap, "in" if gap <= tolerance else "OUT"


checked = []
for c in candidates:
    if c.name[:4] not in ("(a) ", "(b) ", "(c5)", "(d1)", "(d4)"):
        continue
    params = c.fit(inner)["all_data"]
    for tokens, rows in held.groupby("data_size"):
        lr, bsz = grid_optimum(c.predict, params, rows.non_embedding_param_size.iloc[0], tokens)
        nearest, gap, verdict = basin_check(rows, lr, bsz)
        checked.append({"candidate": c.name, "D": f"{tokens / 1e9:.3g}B", "predicted lr*": lr,
                        "predicted bsz*": round(bsz), "nearest run lr": nearest.lr, "nearest run bsz": nearest.bsz,
                        "its loss above the best (%)": 100 * gap, "basin": verdict})
pd.DataFrame(checked).round({"predicted lr*": 6, "nearest run lr": 6, "its loss above the best (%)": 2})

# %% [markdown]
# All but the ridge regression put the 1.07B model's optimum in its measured basin; the ridge
# regression's optimum runs off to the edge of the search range (lr $= 10^{-4}$), where its cubic
# features are unconstrained. d4 lands closest to the best run at 20B tokens.
#
# ## The law, fitted on all training runs

# %%
PARAMS_FITTED = fit(table)
constants = PARAMS_FITTED["all_data"]
pd.DataFrame([constants], columns=PARAM_NAMES, index=["all_data"]).round(4)

# %% [markdown]
# Uncertainty by bootstrap: 100 refits on resampled runs (seed 0), each started from the full
# fit's constants (from the four fixed starts every refit reaches the same optimum, only slower),
# with 95% percentile intervals.

# %%
warm_fit = lambda rows: _fit(rows, np.array([constants]))
draws = fitting.bootstrap(warm_fit, table, n=100, seed=0)
print(f"bootstrap refits: {draws.attempted - draws.failed} of {draws.attempted} converged")
fitting.intervals(PARAMS_FITTED, draws, PARAM_NAMES).round(4)

# %%
fitted_loss = predict(table, constants)
residual = table.lm_loss - fitted_loss
smooth = (table.non_embedding_param_size == sizes[-1]) & (table.data_size == 5.69e10)
print(f"on all training runs: R2 {metrics.r2(table.lm_loss, fitted_loss):.4f}, "
      f"RMSE {np.sqrt(np.mean(residual**2)):.4f} nats; on the 1.07B model at 56.9B tokens: "
      f"RMSE {np.sqrt(np.mean(residual[smooth] ** 2)):.4f} (its noise floor {shapes['noise floor'].iloc[-1]:.4f})")
fig, axes = plt.subplots(1, 4, figsize=(13, 3.4), sharey=True)
for ax, column, label in zip(axes, TASK.input_names, ["learning rate", "batch size (sequences)", "tokens D",
                                                      "parameters N"]):
    ax.scatter(table[column], residual, s=3, alpha=0.3)
    mean = residual.groupby(table[column] if column != "lr" else half_octave).mean()
    levels = mean.index.to_numpy() if column != "lr" else 2.0 ** mean.index.to_numpy()
    ax.plot(levels, mean.to_numpy(), "o-", color="tab:red", ms=3, label="mean")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label, title=f"against {label.split(' (')[0]}")
    ax.legend(fontsize=7)
axes[0].set(ylabel="loss - law (nats)", ylim=(-0.15, 0.3))
axes[3].set_xticks([2e8, 5e8, 1e9], ["200M", "500M", "1B"])
axes[3].minorticks_off()
fig.suptitle("Residuals: no trend in N or D; positive only where high-lr runs start to diverge")
fig.tight_layout()
plt.show()

# %% [markdown]
# The residuals average zero against the model size and the batch size (except a few runs at
# bsz 16), and against the data size within about 0.01 nats (the 11.4B and 14.2B slices sit
# slightly low, the largest-D slices slightly high). Against the learning rate the means wiggle
# by a few thousandths of a nat until the highest rates ($2^{-6}$ and above), where some runs
# diverge and lie well above any smooth law.
#
# ## Extrapolation: the 1.07B model on 100B tokens
#
# The held-out slice. Below, sections of the 1.07B model's landscape at the two measured data
# sizes (dots: runs) and at 100B tokens (dashed, with the band of the bootstrap refits),
# along the learning rate at a batch size of 512 and along the batch size at lr $= 2^{-10}$.

# %%
largest = table[table.non_embedding_param_size == sizes[-1]]
lr_line, bsz_line = np.geomspace(2.0**-12.5, 2.0**-5.5, 80), np.geomspace(16, 4096, 80)
fig, axes = plt.subplots(1, 2)
for tokens, color in zip([2e10, 5.69e10, 1e11], ["tab:blue", "tab:orange", "tab:green"]):
    for ax, grid, key, fixed in ((axes[0], lr_line, "lr", ("bsz", 512.0)), (axes[1], bsz_line, "bsz", ("lr", 2.0**-10))):
        inputs = {key: grid, fixed[0]: np.full(80, fixed[1]), "data_size": np.full(80, tokens),
                  "non_embedding_param_size": np.full(80, sizes[-1])}
        measured = tokens < 1e11
        ax.plot(grid, predict(inputs, constants), "-" if measured else "--", color=color,
                label=f"D = {tokens / 1e9:.3g}B" + ("" if measured else " (held out)"))
        band = np.quantile([predict(inputs, d) for d in draws.draws["all_data"]], [0.025, 0.975], axis=0)
        ax.fill_between(grid, *band, color=color, alpha=0.25)
        runs = largest[(largest.data_size == tokens) & np.isclose(largest[fixed[0]], fixed[1], rtol=0.02)]
        ax.plot(runs[key], runs.lm_loss, "o", color=color, ms=4)
axes[0].set(xscale="log", xlabel="learning rate", ylabel="loss", ylim=(2.0, 2.6), title="1.07B model, bsz = 512")
axes[1].set(xscale="log", xlabel="batch size (sequences)", ylim=(2.0, 2.6), title="1.07B model, lr = 2^-10")
for ax in axes:
    ax.legend(fontsize=7)
fig.suptitle("The law at the held-out 100B tokens (dashed) lies below the measured slices, band 95%")
fig.tight_layout()
plt.show()

# %% [markdown]
# **What the law says.** $E + A n^{-\alpha}$ is the loss a model of size $N$ tends to with ideal
# hyperparameters and unlimited data ($\alpha \approx 0.25$; $E$ and $A$ trade off against each
# other, so $E$ is not a trustworthy irreducible loss). The three penalty terms are monomials, and
# each exponent has a reading:
#
# - *Under-training*, $e^{c_1} x^{p_1} b^{q_1} d^{r_1}$: $p_1 \approx -0.22$ (a higher learning rate
#   trains faster), $r_1 \approx -0.20$ (more data helps: this term is why the loss falls with $D$),
#   $q_1 \approx 0.09$ (a larger batch means fewer steps). It sets the gentle low-lr side.
# - *Too few steps at a high learning rate*, $e^{c_2} x^{p_2} (b/d)^{q_2} n^{r_2}$: grows as
#   steps$^{-0.51}$ and lr$^{0.46}$, more for larger models ($r_2 \approx 0.35$). It is the steep
#   large-batch side and part of the high-lr wall.
# - *Update noise*, $e^{c_3} (x/b)^{p_3} n^{r_3}$: grows with the temperature lr/bsz to the power
#   0.34, more for larger models ($r_3 \approx 0.25$). It is the high-lr wall, it tilts the valley
#   (a larger batch tolerates a higher learning rate), and it is why $\mathrm{lr}^*$ falls with $N$.
#
# In $(\ln \mathrm{lr}, \ln \mathrm{bsz})$ the law is a sum of exponentials of linear functions, so
# it is convex: a unique optimum, which has a closed form (below).
#
# **Where not to trust it.** At learning rates near divergence (about $2^{-6.5}$ and above at
# these sizes) real runs jump while the law rises smoothly. Far beyond the data (above about 10B
# parameters or 1T tokens) the floor $E$ is poorly identified, so the predicted loss is only
# indicative; the optimum's location is more robust than its loss. In sample, the largest-D
# slices sit about 0.005 above the law, so at 1.07B and 100B tokens the law may be about that
# much too low. And the law's shape error on a smooth slice (RMSE about 0.01 on the 1.07B model at
# 56.9B tokens, against a noise floor of 0.001 there) limits how well any single slice is fitted.
#
# ## The exported law
#
# The constants are stored in `laws/lr_bsz.json`; the module reads them back as `PARAMS`, and
# builds the leaderboard's `law(input_data, group)` and the evaluator's `fit_scaling_law` /
# `scaling_law_func` from `predict` and `fit`.

# %%
stored = contract.save_params(
    "lr_bsz", PARAMS_FITTED, PARAM_NAMES, table, validation=validation, chosen=CHOSEN,
    protocol="fit on N < 1e9, score on the 1.07B model's runs (20B and 56.9B tokens)",
)
print(f"stored the constants in src/scalinglaws/laws/{stored.name}")

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = contract.interfaces("lr_bsz", predict, fit)

# %% [markdown]
# The stored constants are exactly those `fit` finds on the training split, and the
# leaderboard interface predicts what `predict` does:

# %%
assert PARAMS == fit(data.load("lr_bsz"))
example = law([{"lr": 2.0**-10, "bsz": 512, "data_size": 1e11, "non_embedding_param_size": 1.07e9}], "all_data")
assert example[0]["lm_loss"] == predict({"lr": [2.0**-10], "bsz": [512], "data_size": [1e11],
                                         "non_embedding_param_size": [1.07e9]}, PARAMS["all_data"])[0]
print(f"predicted loss of a 1.07B model on 100B tokens at lr 2^-10, bsz 512: {example[0]['lm_loss']:.4f}")

# %% [markdown]
# ## Using the law: which learning rate and batch size?
#
# Write the three penalty terms as $t_k = \exp(g_k + w_k \cdot (u, \beta))$, where $w_k$ holds the
# exponents of lr and bsz ($w_1 = (p_1, q_1)$, $w_2 = (p_2, q_2)$, $w_3 = (p_3, -p_3)$) and $g_k$
# the rest (which depends on $N$ and $D$). At the optimum the gradient $\sum_k w_k t_k$ vanishes:
# two equations for three terms, so the terms stand in fixed ratios $t_k = \lambda \pi_k$, where
# $\sum_k \pi_k w_k = 0$ and $\sum_k \pi_k = 1$ (all $\pi_k > 0$ for the fitted exponents). Then
# $g_k + w_k \cdot (u^*, \beta^*) = \ln \lambda + \ln \pi_k$ are three linear equations for
# $u^*$, $\beta^*$ and $\ln\lambda$. So $\mathrm{lr}^*$ and $\mathrm{bsz}^*$ are exact power laws in
# $N$ and $D$, and the optimal loss is $L^* = E + A n^{-\alpha} + \lambda(N, D)$ with $\lambda$ a
# monomial in $N$ and $D$: Step Law's power laws and a Chinchilla-like $L^*$ follow from the form
# without being imposed.
#
# The basin is the region where the loss is within a tolerance (0.5%) of $L^*$. It is convex, and
# its extent along lr is the set of learning rates for which *some* batch size stays within the
# tolerance (and the same along bsz); `optimum` finds its ends by bisection on the law minimised
# over the other input.

# %% tags=["export"]
def _weights(params):
    """Exponents of lr and bsz in the three penalty terms, and the ratios pi_k of the terms at the optimum."""
    p = np.asarray(params, dtype=float)
    w = np.array([[p[4], p[5]], [p[8], p[9]], [p[12], -p[12]]])
    pi = np.linalg.solve(np.vstack([w.T, np.ones(3)]), np.array([0.0, 0.0, 1.0]))
    if np.any(pi <= 0):
        raise ValueError("these constants do not give the law a minimum in lr and bsz")
    return w, pi


def _rest(params, N, D):
    """The logs g_k of the three penalty terms at lr = 1e-3, bsz = 256, for each (N, D): shape (m, 3)."""
    p = np.asarray(params, dtype=float)
    n = np.log(np.asarray(N, dtype=float) / _SCALE["non_embedding_param_size"])
    d = np.log(np.asarray(D, dtype=float) / _SCALE["data_size"])
    return np.stack([p[3] + p[6] * d, p[7] - p[9] * d + p[10] * n, p[11] + p[13] * n], axis=-1)


def _closed_form(params, N, D):
    """The optimal lr, bsz (sequences) and loss of the law at each (N, D), vectorised."""
    p = np.asarray(params, dtype=float)
    N, D = np.broadcast_arrays(np.atleast_1d(np.asarray(N, dtype=float)), np.atleast_1d(np.asarray(D, dtype=float)))
    w, pi = _weights(p)
    solution = np.linalg.solve(np.column_stack([w, -np.ones(3)]), (np.log(pi) - _rest(p, N, D)).T)
    u, b, log_penalty = solution
    floor = p[0] + p[1] * (N / _SCALE["non_embedding_param_size"]) ** -p[2]
    return _SCALE["lr"] * np.exp(u), _SCALE["bsz"] * np.exp(b), floor + np.exp(log_penalty)


def _least_penalty(offsets, slopes):
    """min over s of sum_k exp(offsets[..., k] + slopes[..., k] s), by bisection on its derivative (vectorised)."""
    low, high = np.full(offsets.shape[:-1], -60.0), np.full(offsets.shape[:-1], 60.0)
    for _ in range(45):
        middle = (low + high) / 2
        rising = np.sum(slopes * np.exp(np.clip(offsets + slopes * middle[..., None], -300, 300)), -1) > 0
        high, low = np.where(rising, middle, high), np.where(rising, low, middle)
    s = (low + high) / 2
    return np.sum(np.exp(np.clip(offsets + slopes * s[..., None], -300, 300)), -1)


def _basin(params, N, D, tolerance, span=12.0):
    """Ends of the basin {L <= (1 + tolerance) L*} along lr and bsz: (lr range, bsz range, cut).

    Along each input the law is first minimised over the other one; that profile is convex, and
    its crossings of the tolerance are found by bisection, for the four ends at once. ``cut`` is
    True if an end lies more than ``span`` nats from the optimum (the range stops there).
    """
    p = np.asarray(params, dtype=float)
    w, _ = _weights(p)
    lr, bsz, best = (float(v[0]) for v in _closed_form(p, N, D))
    rest = _rest(p, np.atleast_1d(N), np.atleast_1d(D))[0]
    floor = p[0] + p[1] * (N / _SCALE["non_embedding_param_size"]) ** -p[2]
    allowed = (1 + tolerance) * best - floor  # the penalty the basin tolerates
    axis, direction = np.array([0, 0, 1, 1]), np.array([-1.0, 1.0, -1.0, 1.0])  # lr low/high, bsz low/high
    centre = np.log([lr / _SCALE["lr"], bsz / _SCALE["bsz"]])[axis]
    low, high = np.zeros(4), np.full(4, span)
    for _ in range(40):
        middle = (low + high) / 2
        offsets = rest + w[:, axis].T * (centre + direction * middle)[:, None]
        inside = _least_penalty(offsets, w[:, 1 - axis].T) <= allowed
        low, high = np.where(inside, middle, low), np.where(inside, high, middle)
    ends = np.array([_SCALE["lr"], _SCALE["lr"], _SCALE["bsz"], _SCALE["bsz"]]) * np.exp(centre + direction * low)
    return [float(ends[0]), float(ends[1])], [float(ends[2]), float(ends[3])], bool(np.any(low >= span - 1e-6))


def _optimum(params, N, D, tolerance=0.005):
    lr, bsz, loss = (float(v[0]) for v in _closed_form(params, N, D))
    lr_basin, bsz_basin, cut = _basin(params, N, D, tolerance)
    notes = ["the basin reaches beyond a factor e^12 from the optimum; its range is cut there"] if cut else []
    return {"non_embedding_param_size": N, "data_size": D, "lr": lr, "bsz": bsz, "lm_loss": loss,
            "tolerance": tolerance, "lr_basin": lr_basin, "bsz_basin": bsz_basin, "warnings": notes}


def optimum(non_embedding_param_size, data_size, tolerance=0.005):
    """The learning rate and batch size that minimise the final loss for a model size and a data size.

    Returns a dict with the optimal ``lr`` and ``bsz`` (in sequences of 2048 tokens; exact, from the
    law's closed form over a continuous range), the predicted ``lm_loss`` there, and the basin
    within ``tolerance`` (relative, 0.005 = 0.5%) of that loss: ``lr_basin`` is the range of learning
    rates for which some batch size stays within it, ``bsz_basin`` the same for batch sizes. The
    ``warnings`` name any input or optimum outside the training range.
    """
    N = decide.positive("non_embedding_param_size", non_embedding_param_size)
    D = decide.positive("data_size", data_size)
    tolerance = decide.positive("tolerance", tolerance)
    result = _optimum(contract.group_params("lr_bsz", PARAMS, "all_data"), N, D, tolerance)
    result["warnings"] += decide.range_warnings(
        "lr_bsz", non_embedding_param_size=N, data_size=D, lr=result["lr"], bsz=result["bsz"]
    )
    return result


# %% [markdown]
# The optimum at each slice of the data, at the held-out slice, and beyond, next to Step Law's
# published rules $\mathrm{lr}^* = 1.79\,N^{-0.713} D^{0.307}$ and $B^* = 0.58\,D^{0.571}$ tokens,
# and the loss the law predicts at Step Law's choice:

# %%
settings = [(2.15e8, 4e9), (2.15e8, 1e11), (5.37e8, 5e10), (1.07e9, 2e10), (1.07e9, 5.69e10), (1.07e9, 1e11),
            (7e9, 1e12), (7e10, 1e13)]
rows = []
for N, D in settings:
    with warnings.catch_warnings():  # beyond the data the table marks it instead
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        choice = optimum(N, D)
    step = {"lr": [step_law_lr(N, D)], "bsz": [step_law_bsz(N, D)], "data_size": [D], "non_embedding_param_size": [N]}
    rows.append({
        "N": size_label(N), "D": tokens_label(D), "lr*": f"{choice['lr']:.2e}", "bsz*": round(choice["bsz"]),
        "L*": round(choice["lm_loss"], 4),
        "lr basin": f"{choice['lr_basin'][0]:.1e} - {choice['lr_basin'][1]:.1e}",
        "bsz basin": f"{choice['bsz_basin'][0]:.0f} - {choice['bsz_basin'][1]:.0f}",
        "Step Law lr": f"{step['lr'][0]:.2e}", "Step Law bsz": round(step["bsz"][0]),
        "law's loss there (%)": round(100 * (predict(step, constants)[0] / choice["lm_loss"] - 1), 2),
        "extrapolates": bool(choice["warnings"]),
    })
pd.DataFrame(rows)

# %% [markdown]
# Since $\ln\mathrm{lr}^*$ and $\ln\mathrm{bsz}^*$ are linear in $\ln N$ and $\ln D$, the law's
# rules can be written exactly in Step Law's form, with bootstrap intervals from the same 100
# refits:

# %%
def rules(params):
    """(lr prefactor, N exponent, D exponent, bsz-in-tokens prefactor, N exponent, D exponent)."""
    lr, bsz, _ = _closed_form(params, [1.0, np.e, 1.0], [1.0, 1.0, np.e])
    tokens = np.log(bsz * 2048)
    return [lr[0], np.log(lr[1] / lr[0]), np.log(lr[2] / lr[0]), np.exp(tokens[0]), tokens[1] - tokens[0],
            tokens[2] - tokens[0]]


ours = rules(constants)
spread = np.quantile([rules(d) for d in draws.draws["all_data"]], [0.025, 0.975], axis=0)
pd.DataFrame({
    "this law": np.round(ours, 3), "low 95%": np.round(spread[0], 3), "high 95%": np.round(spread[1], 3),
    "Step Law": [1.79, -0.713, 0.307, 0.58, 0.0, 0.571],
}, index=["lr: prefactor", "lr: exponent of N", "lr: exponent of D", "B (tokens): prefactor",
          "B: exponent of N", "B: exponent of D"])

# %%
fig, axes = plt.subplots(1, 2)
tokens_grid = np.geomspace(3e9, 1e12, 40)
for size in (2.15e8, 1.07e9, 7e9):
    lr, bsz, _ = _closed_form(constants, size, tokens_grid)
    band = np.quantile([_closed_form(d, size, tokens_grid)[:2] for d in draws.draws["all_data"]], [0.025, 0.975], axis=0)
    for ax, values, low, high, step in ((axes[0], lr, band[0][0], band[1][0], step_law_lr(size, tokens_grid)),
                                        (axes[1], bsz, band[0][1], band[1][1], step_law_bsz(size, tokens_grid))):
        line, = ax.plot(tokens_grid, values, label=f"N = {size_label(size)}")
        ax.fill_between(tokens_grid, low, high, color=line.get_color(), alpha=0.25)
        ax.plot(tokens_grid, step, "--", color=line.get_color(), lw=0.8)
for size, rows in shapes.groupby("N"):
    axes[0].plot(rows.D, rows["lr*"], "o", color="grey", ms=3)
    axes[1].plot(rows.D, rows["bsz*"], "o", color="grey", ms=3)
axes[0].set(ylabel="optimal learning rate", title="lr*: the law (band 95%) and Step Law (dashed)")
axes[1].set(ylabel="optimal batch size (sequences)", title="bsz*: the law and Step Law (dashed)")
for ax in axes:
    ax.axvline(1e11, color="grey", ls=":", lw=0.8)
    ax.set(xscale="log", yscale="log", xlabel="tokens D")
    ax.legend(fontsize=7)
fig.suptitle("Optima against data (grey dots: local quadratic of each measured slice; dotted: 100B)")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Where the law and Step Law differ.** On the batch size they agree: $B^* \propto D^{0.59}$ here
# against $D^{0.571}$, with almost no dependence on $N$ (exponent $-0.05$, against none). On the
# learning rate they differ: the law's exponents are about two thirds of Step Law's in $N$
# ($-0.48$ against $-0.713$) and about a third in $D$ (0.11 against 0.307). Step Law fitted its
# rules across a much wider range of model sizes than these 214M to 1.07B, so at 7B parameters and
# beyond its learning rate deserves more trust than this extrapolation. But the difference costs
# little: the valley is long and flat along the learning rate, and everywhere in the table the
# law's loss at Step Law's choice is within 0.4% of its optimum, inside its own basin.
#
# The landscape the law predicts, for a slice of the data, the held-out slice and two
# extrapolations (the white line bounds the 0.5% basin; star: the law's optimum; cross: Step Law):

# %%
fig, axes = plt.subplots(1, 4, figsize=(13, 3.6))
for ax, (N, D) in zip(axes, [(2.15e8, 1e11), (1.07e9, 1e11), (7e9, 1e12), (7e10, 1e13)]):
    lr, bsz, best = (float(v[0]) for v in _closed_form(constants, N, D))
    lr_grid, bsz_grid = np.meshgrid(lr * np.geomspace(1 / 20, 20, 90), bsz * np.geomspace(1 / 20, 20, 90), indexing="ij")
    grid = {"lr": lr_grid.ravel(), "bsz": bsz_grid.ravel(), "data_size": np.full(lr_grid.size, D),
            "non_embedding_param_size": np.full(lr_grid.size, N)}
    excess = 100 * (predict(grid, constants).reshape(lr_grid.shape) / best - 1)
    mesh = ax.pcolormesh(lr_grid, bsz_grid, excess, cmap="viridis", norm=shade, shading="auto")
    ax.contour(lr_grid, bsz_grid, excess, levels=[0.5], colors="white", linewidths=1)
    ax.plot(lr, bsz, "*", color="red", ms=10)
    ax.plot(step_law_lr(N, D), step_law_bsz(N, D), "x", color="black", ms=8)
    ax.set(xscale="log", yscale="log", xlabel="learning rate", title=f"N = {size_label(N)}, D = {tokens_label(D)}")
    ax.minorticks_off()
axes[0].set_ylabel("batch size (sequences)")
fig.subplots_adjust(left=0.06, right=0.9, bottom=0.15, top=0.82, wspace=0.3)
fig.colorbar(mesh, cax=fig.add_axes([0.92, 0.15, 0.012, 0.67]), label="loss above the optimum (%)")
fig.suptitle("The law's landscapes (each ×20 around its optimum): the basin runs along the lr-bsz diagonal")
plt.show()

# %% [markdown]
# The closed form is the minimum over a continuous range, not a point of the data's grid; a
# numerical search of the law (Nelder-Mead in $\ln\mathrm{lr}, \ln\mathrm{bsz}$ from the grid's
# corners) finds the same optimum:

# %%
from scipy import optimize

for N, D in [(1.07e9, 1e11), (7e9, 1e12)]:
    section = lambda z: predict({"lr": [np.exp(z[0])], "bsz": [np.exp(z[1])], "data_size": [D],
                                 "non_embedding_param_size": [N]}, constants)[0]
    searched = min((optimize.minimize(section, start, method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12})
                    for start in ([np.log(2.0**-12), np.log(32)], [np.log(2.0**-6), np.log(2048)])),
                   key=lambda result: result.fun)
    lr, bsz, best = (float(v[0]) for v in _closed_form(constants, N, D))
    print(f"N = {N:.3g}, D = {D:.3g}: closed form lr {lr:.4e}, bsz {bsz:.1f}, loss {best:.6f}; "
          f"search lr {np.exp(searched.x[0]):.4e}, bsz {np.exp(searched.x[1]):.1f}, loss {searched.fun:.6f}")

# %% [markdown]
# ## Fitting the law to your own runs, and the held-out optimum
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same routine
# and bootstrap intervals (`scalinglaws fit lr_bsz --csv runs.csv` does the same from the command
# line). Here, as if we had only run the models below 1B parameters, the validation protocol's
# fit, whose optimum for the 1.07B model we compare with that model's measured runs:

# %%
import scalinglaws

small_runs = table[table.non_embedding_param_size < 1e9]
own = scalinglaws.fit("lr_bsz", small_runs, bootstrap=10, seed=0)
print(f"fitted to {own.rows} runs: R2 {own.r2:.4f}")
own.intervals.round(4)

# %%
rows = []
for tokens, measured in held.groupby("data_size"):
    choice = _optimum(own.constants["all_data"], sizes[-1], tokens)
    nearest, gap, verdict = basin_check(measured, choice["lr"], choice["bsz"])
    best = measured.loc[measured.lm_loss.idxmin()]
    rows.append({
        "D": f"{tokens / 1e9:.3g}B", "predicted lr*": f"{choice['lr']:.2e}", "predicted bsz*": round(choice["bsz"]),
        "predicted L*": round(choice["lm_loss"], 4), "nearest run (lr, bsz)": f"{nearest.lr:.2e}, {nearest.bsz:.0f}",
        "its loss": round(nearest.lm_loss, 4), "best run (lr, bsz)": f"{best.lr:.2e}, {best.bsz:.0f}",
        "best loss": round(best.lm_loss, 4), "gap (%)": round(100 * gap, 2), "in the 0.5% basin": verdict == "in",
    })
full_fit_gaps = [basin_check(rows_of_slice, *(float(v[0]) for v in _closed_form(constants, N, D)[:2]))[1]
                 for (N, D), rows_of_slice in by_slice]
print(f"with the full fit, the measured run nearest the law's optimum is within {100 * max(full_fit_gaps):.2f}% "
      f"of the best run on every one of the {len(full_fit_gaps)} slices")
pd.DataFrame(rows)

# %% [markdown]
# Fitted without the 1.07B model, the law puts that model's optimum at runs within 0.1% of its
# best measured runs, at both data sizes: inside the measured basin. With the full fit the same
# check passes on all 17 slices of the training data. On the held-out 100B tokens the law
# predicts lr* $\approx 1.2\times10^{-3}$ and bsz* $\approx 540$ sequences, with a basin from about
# $5\times10^{-4}$ to $2.5\times10^{-3}$ in lr and 210 to 1270 in bsz.
