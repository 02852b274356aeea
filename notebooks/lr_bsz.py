# %% [markdown]
# # Learning rate and batch size: where the valley lies, and how deep
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

# %% tags=["hide-input"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize

from scalinglaws import data, decide, fitting, metrics, selection

pd.set_option("display.precision", 4)
pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 160)

table = data.load("lr_bsz")
TASK = data.task("lr_bsz")
N_, D_ = "non_embedding_param_size", "data_size"
by_slice = table.groupby([N_, D_])
slices = by_slice.agg(
    runs=("lm_loss", "size"), lr_min=("lr", "min"), lr_max=("lr", "max"),
    bsz_min=("bsz", "min"), bsz_max=("bsz", "max"), best_loss=("lm_loss", "min"),
).reset_index()
slices.insert(0, "N", [f"{n / 1e6:.0f}M" for n in slices[N_]])  # 1074M = 1.07B
slices.insert(1, "D", [f"{d / 1e9:.3g}B" for d in slices[D_]])
slices.assign(lr_min=[f"{v:.2e}" for v in slices.lr_min], lr_max=[f"{v:.2e}" for v in slices.lr_max]).drop(
    columns=[N_, D_]).round({"best_loss": 4})

# %% [markdown]
# ## The data
#
# Seventeen (N, D) slices, each a grid of learning rates ($2^{-12}$ to $2^{-5.5}$, in half
# octaves) and about ten batch sizes (from 16 to 2048 sequences). Six of them below, the
# smallest and largest data of the smallest, a middle and the largest model; the colour is how
# far a run's loss lies above the best run of its slice (blank: no run), and the dots mark the
# runs within 0.5% of the best: the *basin* that a choice of (lr, bsz) should land in.

# %% tags=["hide-input"]
sizes = np.sort(table[N_].unique())
half_octave = np.round(np.log2(table.lr) * 2) / 2  # the lr grid, in half octaves (2^-6.49 joins 2^-6.5)
lr_edges = 2.0 ** (np.arange(-12.25, -5.0, 0.5))
shade = Normalize(0, 5)


def excess_grid(rows):
    """Cell edges in bsz, and the percent above the slice's best loss on its (half-octave lr) x (bsz) grid."""
    levels = np.sort(rows.bsz.unique())
    padded = np.r_[levels[0] ** 2 / levels[1], levels, levels[-1] ** 2 / levels[-2]]
    excess = 100 * (rows.lm_loss / rows.lm_loss.min() - 1)
    grid = excess.groupby([half_octave[rows.index], rows.bsz]).mean().unstack()
    return np.sqrt(padded[:-1] * padded[1:]), grid.reindex(index=np.arange(-12, -5.25, 0.5), columns=levels).to_numpy().T


def size_label(N):
    return f"{N / 1e6:.0f}M" if N < 1e9 else f"{N / 1e9:.3g}B"


def tokens_label(D):
    return f"{D / 1e9:.3g}B" if D < 1e12 else f"{D / 1e12:.3g}T"


shown_slices = [(sizes[0], 4e9), (sizes[0], 1e11), (sizes[3], 1e10), (sizes[3], 5e10), (sizes[4], 2e10),
                (sizes[4], 5.69e10)]
fig, axes = plt.subplots(3, 2, figsize=(5.8, 6.7), sharex=True, sharey=True)
for ax, (size, tokens) in zip(axes.ravel(), shown_slices):
    rows = table[(table[N_] == size) & (table[D_] == tokens)]
    bsz_edges, excess = excess_grid(rows)
    mesh = ax.pcolormesh(lr_edges, bsz_edges, excess, cmap="viridis", norm=shade)
    basin = rows[rows.lm_loss <= 1.005 * rows.lm_loss.min()]
    ax.plot(basin.lr, basin.bsz, ".", color="white", ms=5)
    best = rows.loc[rows.lm_loss.idxmin()]
    ax.plot(best.lr, best.bsz, "*", color="red", ms=12)
    ax.set(xscale="log", yscale="log", xlim=(lr_edges[0], lr_edges[-1]), ylim=(11, 3000),
           title=f"N = {size_label(size)}, D = {tokens_label(tokens)}")
    ax.set_xticks([1e-3, 1e-2], ["$10^{-3}$", "$10^{-2}$"])
    ax.set_yticks([16, 64, 256, 1024], ["16", "64", "256", "1024"])
    ax.minorticks_off()
for ax in axes[-1]:
    ax.set_xlabel("learning rate")
for ax in axes[:, 0]:
    ax.set_ylabel("batch size (sequences)")
fig.subplots_adjust(left=0.13, right=0.85, bottom=0.08, top=0.89, hspace=0.3, wspace=0.12)
fig.colorbar(mesh, cax=fig.add_axes([0.87, 0.25, 0.02, 0.5]), label="loss above the slice's best run (%)")
fig.suptitle("A tilted valley that moves to larger batches with more data\n"
             "(red star: best run; white dots: within 0.5% of it)")
plt.show()

# %% [markdown]
# Sections through one slice (215M parameters, 100B tokens) show the valley's shape: loss
# against the learning rate at several batch sizes, and against the batch size at several
# learning rates.

# %% tags=["hide-input"]
rows = table[(table[N_] == sizes[0]) & (table[D_] == 1e11)]
fig, axes = plt.subplots(1, 2, sharey=True, figsize=(5.8, 2.9), layout="constrained")
for bsz, color in zip([64, 256, 1024], ["tab:blue", "tab:orange", "tab:green"]):
    section = rows[rows.bsz == bsz].sort_values("lr")
    axes[0].plot(section.lr, section.lm_loss, "o-", color=color, ms=3, label=f"bsz {bsz}")
for lr_exponent, color in zip([-11.0, -9.5, -8.0], ["tab:blue", "tab:orange", "tab:green"]):
    section = rows[half_octave[rows.index] == lr_exponent].sort_values("bsz")
    axes[1].plot(section.bsz, section.lm_loss, "o-", color=color, ms=3, label=f"lr 2^{lr_exponent:g}")
axes[0].set(xscale="log", xlabel="learning rate", ylabel="final loss", ylim=(2.33, 2.5),
            title="Along lr: steep above")
axes[1].set(xscale="log", xlabel="batch size (sequences)", title="Along bsz: steep for large")
for ax in axes:
    ax.legend(loc="upper center")  # the curves' minima lie below: the top centre is empty
fig.suptitle("215M parameters, 100B tokens: the best lr rises with the batch size")
plt.show()

# %% [markdown]
# To follow the optimum from slice to slice without the noise of single runs, we fit a
# quadratic in $(\ln \mathrm{lr}, \ln \mathrm{bsz})$ to each slice's runs within 0.08 of its best
# loss: its minimum, its curvatures (how narrow the basin is along each axis), and the tilt
# $d \ln \mathrm{lr}^* / d \ln \mathrm{bsz}$ of the valley floor. The last column is a noise
# floor: the RMSE of a separate quartic in the two logs for each slice (15 constants per slice),
# which no smooth law of all slices can beat.

# %% tags=["hide-input"]
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
        "N": rows[N_].iloc[0], "D": rows[D_].iloc[0],
        "lr*": np.exp(u_opt), "bsz*": np.exp(b_opt), "curvature lr": hessian[0, 0],
        "curvature bsz": hessian[1, 1], "tilt": -hessian[0, 1] / hessian[0, 0],
        "noise floor": np.sqrt(np.mean(floor**2)),
    })


shapes = pd.DataFrame([local_shape(rows) for _, rows in by_slice])
print(f"noise floor over all runs (RMSE of the per-slice quartics): "
      f"{np.sqrt(np.average(shapes['noise floor'] ** 2, weights=by_slice.size().to_numpy())):.4f}")
shapes.assign(N=[size_label(n) for n in shapes.N], D=[tokens_label(d) for d in shapes.D]).round(
    {"lr*": 5, "bsz*": 0, "curvature lr": 4, "curvature bsz": 4, "tilt": 2, "noise floor": 4})

# %% [markdown]
# The published rules the data are compared with, Step Law's and DeepSeek LLM's optima, are part
# of the law's module (the pool and the checks below use them):

# %% tags=["export"]
import numpy as np

from scalinglaws import data, decide, fitting
from scalinglaws.law import Law
from scalinglaws.pool import Candidate, Protocol

TASK = data.task("lr_bsz")
_N, _D = "non_embedding_param_size", "data_size"


def step_law_lr(N, D):
    """Step Law's optimal learning rate (Li et al. 2025): 1.79 N^-0.713 D^0.307."""
    return 1.79 * np.asarray(N, dtype=float) ** -0.713 * np.asarray(D, dtype=float) ** 0.307


def step_law_bsz(N, D):
    """Step Law's optimal batch size, 0.58 D^0.571 tokens (no N), in sequences of 2048 tokens."""
    return 0.58 * np.asarray(D, dtype=float) ** 0.571 / 2048 + 0.0 * np.asarray(N, dtype=float)


def deepseek_lr(N, D):
    """DeepSeek LLM's optimal learning rate (Bi et al. 2024), 0.3118 C^-0.125 with C = 6 N D FLOPs."""
    return 0.3118 * (6.0 * np.asarray(N, dtype=float) * np.asarray(D, dtype=float)) ** -0.125


def deepseek_bsz(N, D):
    """DeepSeek LLM's optimal batch size, 0.292 C^0.3271 tokens, in sequences of 2048 tokens."""
    return 0.292 * (6.0 * np.asarray(N, dtype=float) * np.asarray(D, dtype=float)) ** 0.3271 / 2048


# %% tags=["hide-input"]
colors = dict(zip(sizes, plt.get_cmap("viridis")(np.linspace(0, 0.9, len(sizes)))))
tokens_grid = np.geomspace(3e9, 1.2e11, 20)
fig, axes = plt.subplots(3, 1, figsize=(5.8, 6.8), sharex=True, layout="constrained")
for size, rows in shapes.groupby("N"):
    label = size_label(size)
    axes[0].plot(rows.D, rows["lr*"], "o", color=colors[size], label=f"N = {label}")
    axes[0].plot(tokens_grid, step_law_lr(size, tokens_grid), "--", color=colors[size], lw=0.8)
    axes[1].plot(rows.D, rows["bsz*"], "o", color=colors[size])
    axes[2].plot(rows.D, rows["curvature lr"], "o", color=colors[size])
axes[1].plot(tokens_grid, step_law_bsz(1e9, tokens_grid), "--", color="grey", lw=0.8, label="Step Law")
axes[0].set(title="Optimal lr of each slice (dashed: Step Law, one line per N)", ylabel="lr*")
axes[1].set(title="Optimal bsz of each slice (dashed: Step Law, for every N)", ylabel="bsz* (sequences)")
axes[2].set(title="The lr basin widens with D", ylabel="curvature in ln lr", xlabel="tokens D")
for ax in axes:
    ax.set(xscale="log", yscale="log")
# One legend for the three panels, below them: no point hidden.
handles = [h for ax in axes[:2] for h in ax.get_legend_handles_labels()[0]]
fig.legend(handles=handles, loc="outside lower center", ncols=3)
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
# $n = N/(5 \cdot 10^8)$; $u, \beta, \delta, \nu$ are their logarithms. Every nonlinear form is
# fitted by least squares on the loss (the metric is on the loss), from a few fixed starts. Each
# form's key, by which it is called (`predict(X, form=key)`), is in code font.
#
# *Published:*
#
# 1. `seed`, **the leaderboard law** (SLDBench's seed for this task, gemini-cli with Gemini 3 Pro
#    Preview): $\ln L$ a full quadratic polynomial in $(\ln \mathrm{lr}, \ln \mathrm{bsz}, \ln D,
#    \ln N)$, 15 constants, by ordinary least squares. Its printed constants come with it
#    (`predict(X, form="seed", published=True)`): they reproduce the seed program's predictions.
# 2. `ridge`, **the best published approach** (SLDBench's best agent): a ridge regression of $L$
#    on 24 features (the four logs, their 10 squares and products, four cubic terms for the skew
#    of the valley, $n^{-0.34}$, $d^{-0.28}$, and four terms in $r = (\text{steps}/10^4)^{-1/2}$),
#    the ridge strength chosen by leaving one model size out (25 constants, stored with the
#    features' means and spreads). Its published 0.983 was fitted on 2702 runs; ours has 1730,
#    and its constants were not printed.
# 3. `step-law`, **Step Law's optima** (Li et al. 2025): a floor $E + A n^{-\alpha} + B d^{-\beta}$
#    plus $c_u \Delta u^2 + c_b \Delta\beta^2$ around Step Law's *printed*
#    $\mathrm{lr}^* = 1.79\,N^{-0.713} D^{0.307}$ and $B^* = 0.58\,D^{0.571}$ tokens (7 fitted
#    constants). Step Law printed its optima, not a loss surface: the printed constants are in the
#    form itself, exactly as printed, and its optimum is theirs whatever the fitted floor and
#    curvatures; the floor and curvatures were never printed, so the form has no published vector.
# 4. `step-law-refit`, **Step Law's structure refitted**: the same with the optima's power laws
#    $u^* = u_0 + a_N \nu + a_D \delta$, $\beta^* = b_0 + b_D \delta$ fitted (12).
#
# *Conservative* (it promises less beyond the data):
#
# 5. `fixed-landscape`: the floor $E + A n^{-\alpha} + B d^{-\beta}$ plus a penalty in lr and
#    bsz alone (three monomials $x^{p} b^{q}$, $x^{p'} b^{q'}$, $(x/b)^{p''}$), the same at every $N$
#    and $D$: the optimum does not move, only the floor falls (13).
#
# *Ours:*
#
# 6. `tilted-valley`, **an asymmetric tilted valley**: form 4 with LINEX penalties (steeper above
#    the optimum than below) in both inputs, $u^*$ moving with $\Delta\beta$ (the tilt), an lr
#    curvature falling as $d^{-\gamma}$ and $\beta^*$ moving with $N$ (17).
# 7. `v1`, **sums of power laws** (this law's first version): the penalty as a sum of monomials in
#    (lr, bsz, D, N), each a mechanism (14):
#
#    $$L = E + A n^{-\alpha} + e^{c_1} x^{p_1} b^{q_1} d^{r_1} + e^{c_2} x^{p_2} (b/d)^{q_2} n^{r_2} + e^{c_3} (x/b)^{p_3} n^{r_3}.$$
#
#    The first term is *under-training*: it falls as the learning rate and the data grow. The
#    second is *too few steps at a high learning rate*: $b/d$ is proportional to 1/steps. The
#    third is *update noise*: it grows with the "temperature" lr/bsz (Adam's square-root-like
#    coupling) and with the model size.
# 8. `v1-data-floor`: v1 plus a data term $B d^{-\beta}$ in the floor (16).
# 9. `noise-d`: v1 with the noise falling with data, $e^{c_3} (x/b)^{p_3} n^{r_3} d^{s_3}$ (15): at
#    the end of a longer run the updates' noise has been averaged over more steps.
# 10. `noise-steps-d`: form 9 with the steps term given its own exponent of $D$,
#     $x^{p_2} (b/d)^{q_2} d^{t_2} n^{r_2}$ (16), testing the tie of $b$ and $d$ in "steps".
# 11. `noise-d-wall`: form 9 plus a **divergence wall** $e^{c_4} x^{p_4} n^{r_4}$ (18): a steep rise
#     at high learning rates, earlier for larger models, where runs begin to diverge.
# 12. `noise-steps-d-wall`: form 10 plus the wall (19).
# 13. `free-monomials`: three monomials, each with an exponent for all four inputs (18).
#
# The pool is part of the law: the cells below are exported with it, so that a study of your own
# runs (`scalinglaws.study("lr_bsz", runs)`) weighs the same forms by the same protocol, and every
# form can be used by its key.

# %% tags=["export"]
# The inputs enter as the logs z = (u, b, d, n) of these ratios: the constants are near 1.
_SCALE = {"lr": 1e-3, "bsz": 256.0, "data_size": 2e10, "non_embedding_param_size": 5e8}


def _logs(X):
    """The inputs as an (n, 4) array of logs u, b, d, n of the scaled lr, bsz, D, N."""
    return np.column_stack([np.log(np.asarray(X[name], dtype=float) / scale) for name, scale in _SCALE.items()])


def per_group(solve):
    """A fitter applying ``solve(rows) -> constants`` to each group (a warm start is not used)."""
    return lambda rows, start=None: {str(g): list(solve(part))
                                     for g, part in rows.groupby(TASK.group_column, sort=False)}


# Published: SLDBench's seed law, ln L quadratic in the raw logs of lr, bsz, D, N (ordinary least
# squares), with its constants named and ordered as the seed program prints them.
SEED_NAMES = ("intercept", "log_lr", "log_bsz", "log_D", "log_N", "log_lr_sq", "log_lr_x_log_bsz",
              "log_lr_x_log_D", "log_lr_x_log_N", "log_bsz_sq", "log_bsz_x_log_D", "log_bsz_x_log_N",
              "log_D_sq", "log_D_x_log_N", "log_N_sq")
#: The seed program's constants for its group all_data, as printed (SLDBench leaderboard,
#: gemini-cli with Gemini 3 Pro Preview, held-out R2 0.763137).
SEED_CONSTANTS = [4.074148228884797, 0.013795306610030877, 0.13922429988111493, -0.24335671551555013,
                  0.04357333285138961, 0.011119851824430099, -0.006260814764151681, -0.0013952921503366438,
                  0.010231103653945809, 0.009278590376023209, -0.008906902516424684, -0.0034179980070617078,
                  0.008885626075669376, -0.00936021606838656, 0.005268771454322093]


def quadratic_design(X):
    """1, the four raw logs, and their 10 squares and products in the seed's order."""
    z = np.column_stack([np.log(np.asarray(X[name], dtype=float)) for name in _SCALE])
    return np.column_stack([np.ones(len(z)), z, *[z[:, i] * z[:, j] for i in range(4) for j in range(i, 4)]])


def quadratic_predict(X, params):
    """The seed law: exp of a full quadratic in the logs of lr, bsz, D, N."""
    return np.exp(quadratic_design(X) @ np.asarray(params, dtype=float))


def _least_squares_log(rows):
    design, y = quadratic_design(rows), np.log(rows["lm_loss"].to_numpy(dtype=float))
    # Columns scaled to unit norm: the raw logs' squares (ln D)^2 ~ 600 would make the design ill-conditioned.
    scale = np.linalg.norm(design, axis=0)
    return np.linalg.lstsq(design / scale, y, rcond=None)[0] / scale


quadratic_fit = per_group(_least_squares_log)


# Published: the best published approach, a ridge regression on 24 features.
def ridge_features(X):
    """The 24 features of SLDBench's best agent's ridge regression."""
    z = _logs(X)
    u, b, d, n = z.T
    products = [z[:, i] * z[:, j] for i in range(4) for j in range(i, 4)]
    steps = np.asarray(X["data_size"], dtype=float) / (2048 * np.asarray(X["bsz"], dtype=float))
    r = (steps / 1e4) ** -0.5
    return np.column_stack([z, *products, u**3, b**3, u**2 * b, u * b**2, np.exp(-0.34 * n),
                            np.exp(-0.28 * d), r, u * r, u**2 * r, b * r])


def ridge_solve(features, y, strength):
    """Ridge on standardised features; stored as [mean (24), sd (24), intercept, weights (24)]."""
    mean, sd = features.mean(0), features.std(0)
    z = (features - mean) / sd
    weights = np.linalg.solve(z.T @ z + strength * len(y) * np.eye(z.shape[1]), z.T @ (y - y.mean()))
    return np.r_[mean, sd, y.mean(), weights]


def ridge_predict(X, params):
    """The ridge regression's loss."""
    params = np.asarray(params)
    return params[48] + ((ridge_features(X) - params[:24]) / params[24:48]) @ params[49:]


def ridge_fit_rows(rows):
    """The ridge fit, its strength chosen by leaving one model size out."""
    features, y = ridge_features(rows), rows["lm_loss"].to_numpy(dtype=float)
    size = rows[_N].to_numpy(dtype=float)
    errors = {}
    for strength in (1e-6, 1e-5, 1e-4, 1e-3, 1e-2):  # chosen by leaving one model size out
        errors[strength] = sum(
            np.sum((y[m] - ridge_predict(rows[m], ridge_solve(features[~m], y[~m], strength))) ** 2)
            for m in (size == s for s in np.unique(size)))
    return ridge_solve(features, y, min(errors, key=errors.get))


RIDGE_NAMES = (*[f"mean_{i}" for i in range(1, 25)], *[f"sd_{i}" for i in range(1, 25)], "intercept",
               *[f"w_{i}" for i in range(1, 25)])


# Valleys: a Chinchilla floor plus a penalty around power-law optima (Step Law's structure).
def linex(x, s):
    """x^2 near 0; for s > 0 it grows exponentially for x > 0 and linearly for x < 0."""
    s = np.where(np.abs(s) < 1e-6, 1e-6, s)
    z = np.clip(s * x, -50, 50)
    return 2.0 * (np.expm1(z) - z) / s**2


VALLEY = {  # name: (lower bound, upper bound, start)
    "E": (0.0, 3.0, 1.5), "A": (0.0, 10.0, 0.4), "alpha": (0.01, 2.0, 0.4), "B": (0.0, 10.0, 0.4),
    "beta": (0.01, 2.0, 0.3), "u0": (-5, 5, 0.4), "aN": (-3, 3, -0.7), "aD": (-3, 3, 0.3),
    "b0": (-5, 5, 0.0), "bD": (-3, 3, 0.5), "bN": (-3, 3, 0.0), "cu": (0.0, 5.0, 0.02),
    "s": (0.0, 10.0, 1.0), "gamma": (-2, 2, 0.3), "cb": (0.0, 5.0, 0.02), "sb": (0.0, 10.0, 0.5),
    "k": (-2, 2, 0.3),
}


def valley(step_law=False, asymmetric=False):
    """(constants' names, predict, fit) of a floor E + A n^-alpha + B d^-beta plus a penalty in
    du = u - u*(N, D) and db = b - b*(N, D): symmetric and quadratic, or (asymmetric) a LINEX penalty
    in both, a tilted valley (u* moves with db), an lr curvature falling as d^-gamma and b* moving with N."""
    names = ["E", "A", "alpha", "B", "beta"] + ([] if step_law else ["u0", "aN", "aD", "b0", "bD"])
    names += ["cu", "cb"] + (["bN", "s", "gamma", "sb", "k"] if asymmetric else [])

    def law(X, params):
        q = dict(zip(names, params))
        u, b, d, n = _logs(X).T
        floor = q["E"] + q["A"] * np.exp(-q["alpha"] * n) + q["B"] * np.exp(-q["beta"] * d)
        if step_law:
            N, D = np.asarray(X[_N]), np.asarray(X[_D])
            u_opt, b_opt = np.log(step_law_lr(N, D) / 1e-3), np.log(step_law_bsz(N, D) / 256)
        else:
            u_opt = q["u0"] + q["aN"] * n + q["aD"] * d
            b_opt = q["b0"] + q["bD"] * d + (q["bN"] * n if asymmetric else 0.0)
        db = b - b_opt
        if not asymmetric:
            return floor + q["cu"] * (u - u_opt) ** 2 + q["cb"] * db**2
        du = u - u_opt - q["k"] * db
        return floor + q["cu"] * np.exp(-q["gamma"] * d) * linex(du, q["s"]) + q["cb"] * linex(db, q["sb"])

    lower, upper, start = (np.array([VALLEY[k][i] for k in names], dtype=float) for i in range(3))
    starts = np.repeat(start[None], 4, axis=0)
    starts[:, [names.index("alpha"), names.index("beta")]] = fitting.grid_starts([0.2, 0.5], [0.2, 0.5])

    def fit(rows, start=None):
        return fitting.fit_groups(law, rows, TASK, starts, bounds=(lower, upper), keep=1, start=start)

    return tuple(names), law, fit


# Sums of power laws: a floor plus terms exp(c_k + theta_k . (design_k^T logs)), each a monomial;
# the columns of a design say which logs (u, b, d, n) each exponent multiplies.
LOW = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]], float)       # x^p1 b^q1 d^r1: under-training
STEPS = np.array([[1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1]], float)    # x^p2 (b/d)^q2 n^r2: too few steps
NOISE = np.array([[1, 0], [-1, 0], [0, 0], [0, 1]], float)                # (x/b)^p3 n^r3: update noise
NOISE_D = np.array([[1, 0, 0], [-1, 0, 0], [0, 0, 1], [0, 1, 0]], float)  # (x/b)^p3 n^r3 d^s3
STEPS_D = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, -1, 1, 0], [0, 0, 0, 1]], float)  # x^p2 (b/d)^q2 d^t2 n^r2
WALL = np.array([[1, 0], [0, 0], [0, 0], [0, 1]], float)                  # x^p4 n^r4: divergence
FREE = np.eye(4)                                                          # x^p b^q d^r n^s
FIXED_LOW, FIXED_NOISE = np.array([[1, 0], [0, 1], [0, 0], [0, 0]], float), NOISE[:, :1]  # lr and bsz only


def _power_loss(z, params, designs, floor="size", jacobian=True):
    """The loss of a floor plus power-law terms at the logs z, and (if ``jacobian``) its
    derivatives in the constants. ``floor`` is ``size`` (E + A n^-alpha) or ``chinchilla``
    (+ B d^-beta)."""
    params = np.asarray(params, dtype=float)
    size = np.exp(-params[2] * z[:, 3])
    loss = params[0] + params[1] * size
    columns = [np.ones(len(z)), size, -params[1] * z[:, 3] * size]
    i = 3
    if floor == "chinchilla":
        tokens = np.exp(-params[4] * z[:, 2])
        loss = loss + params[3] * tokens
        columns += [tokens, -params[3] * z[:, 2] * tokens]
        i = 5
    for design in designs:
        projected = z @ design
        term = np.exp(np.clip(params[i] + projected @ params[i + 1 : i + 1 + design.shape[1]], -50.0, 50.0))
        loss = loss + term
        if jacobian:
            columns += [term, *(term[:, None] * projected).T]
        i += 1 + design.shape[1]
    return loss, (np.column_stack(columns) if jacobian else None)


def _power_starts(term_starts, floor="size"):
    """Four fixed starts: alpha 0.2 or 0.4, every penalty term at its start or 1/e of it."""
    start = np.r_[[1.0, 0.6, 0.3], [0.3, 0.3] if floor == "chinchilla" else [], np.concatenate(term_starts)]
    head = 5 if floor == "chinchilla" else 3
    offsets = np.cumsum([head] + [len(s) for s in term_starts])[:-1]
    starts = np.repeat(start[None], 4, axis=0)
    starts[:, 2] = [0.2, 0.2, 0.4, 0.4]
    starts[:, offsets] += np.array([0.0, -1.0, 0.0, -1.0])[:, None]
    # Only the floor, its scale and its exponents are bounded; the penalty exponents are free
    # because their signs are what the data decide.
    lower = np.r_[0.0, 0.0, 0.01, [0.0, 0.01] if floor == "chinchilla" else [], np.full(len(start) - head, -np.inf)]
    upper = np.r_[3.0, 10.0, 2.0, [10.0, 2.0] if floor == "chinchilla" else [], np.full(len(start) - head, np.inf)]
    return starts, (lower, upper)


def power_terms(designs, term_starts, names, floor="size"):
    """(constants' names, predict, fit) of a floor plus a sum of power-law terms: least squares
    on the loss with an analytic Jacobian from four starts (`_power_starts`), the two of least
    initial cost optimised; a warm start (a bootstrap refit) is optimised alone."""
    starts, bounds = _power_starts(term_starts, floor)

    def predict(X, params):
        return _power_loss(_logs(X), params, designs, floor, jacobian=False)[0]

    def fit(rows, start=None):
        fitted = {}
        for group, part in rows.groupby(TASK.group_column, sort=False):
            z, loss = _logs(part), part["lm_loss"].to_numpy(dtype=float)
            warm = start is not None and str(group) in start
            try:
                result = fitting.least_squares(
                    lambda q: _power_loss(z, q, designs, floor, jacobian=False)[0] - loss,
                    np.atleast_2d(np.asarray(start[str(group)], dtype=float)) if warm else starts,
                    bounds=bounds, jac=lambda q: _power_loss(z, q, designs, floor)[1], keep=None if warm else 2)
            except fitting.FitError as error:
                raise fitting.FitError(f"group {group!r}: {error}") from error
            fitted[str(group)] = result.params.tolist()
        return fitted

    head = ("E", "A", "alpha", "B", "beta") if floor == "chinchilla" else ("E", "A", "alpha")
    return (*head, *names), predict, fit


# Starting exponents of each term (from a rough fit), shared by the variants.
T_LOW, T_STEPS, T_NOISE, T_WALL = [-0.9, -0.2, 0.1, -0.2], [-3.0, 0.4, 0.5, 0.3], [-1.9, 0.35, 0.2], [-8.0, 3.0, 0.0]
T_FREE_LOW, T_FREE_STEPS, T_FREE_NOISE = ([-1.7, -0.4, 0.13, -0.28, -0.15], [-3.0, 0.34, 0.54, -0.65, 0.35],
                                          [-2.2, 0.38, -0.37, -0.11, 0.22])
LOW_NAMES, STEPS_NAMES, NOISE_NAMES = ("c1", "p1", "q1", "r1"), ("c2", "p2", "q2", "r2"), ("c3", "p3", "r3")
NOISE_D_NAMES, STEPS_D_NAMES, WALL_NAMES = ("c3", "p3", "r3", "s3"), ("c2", "p2", "q2", "t2", "r2"), ("c4", "p4", "r4")

# The law: form 11, the v1 terms with the update noise falling with D, plus the divergence wall.
_TERMS = (LOW, STEPS, NOISE_D, WALL)
_NAMES, _predict, _fit = power_terms(_TERMS, [T_LOW, T_STEPS, T_NOISE + [0.0], T_WALL],
                                     LOW_NAMES + STEPS_NAMES + NOISE_D_NAMES + WALL_NAMES)


def formula(X, params):
    """Final loss for inputs ``X`` (columns lr, bsz, data_size, non_embedding_param_size)."""
    return _predict(X, params)


def fit_constants(table, start=None):
    """Least squares on the loss (analytic Jacobian) per group, from the fixed starts or ``start``."""
    return _fit(table, start=start)


def _candidate(key, name, kind, origin, built, **extra):
    names, predict, fit = built
    return Candidate(name, str(len(names)), fit=fit, predict=predict, origin=origin, kind=kind, key=key,
                     param_names=names, **extra)


CANDIDATES = [
    _candidate("seed", "leaderboard: ln L quadratic in the four logs", "published",
               "SLDBench seed (gemini-cli, Gemini 3 Pro Preview)", (SEED_NAMES, quadratic_predict, quadratic_fit),
               published={"SLDBench seed (gemini-cli, Gemini 3 Pro Preview)": SEED_CONSTANTS}),
    Candidate("best published: ridge on 24 features", "25", key="ridge", kind="published",
              origin="SLDBench best agent", param_names=RIDGE_NAMES, fit=per_group(ridge_fit_rows),
              predict=ridge_predict),
    _candidate("step-law", "Step Law's optima, symmetric valley", "published", "Li et al. 2025", valley(step_law=True)),
    _candidate("step-law-refit", "Step Law's structure refitted", "published", "Li et al. 2025", valley()),
    _candidate("fixed-landscape", "fixed landscape: the valley does not move", "conservative", "reference",
               power_terms([FIXED_LOW, FIXED_LOW, FIXED_NOISE], [T_LOW[:3], [-3.0, 0.4, 0.5], T_NOISE[:2]],
                           ("c1", "p1", "q1", "c2", "p2", "q2", "c3", "p3"), floor="chinchilla")),
    _candidate("tilted-valley", "asymmetric tilted valley", "ours", "ours", valley(asymmetric=True)),
    _candidate("v1", "v1: low lr + steps + noise", "ours", "v1 of this law",
               power_terms([LOW, STEPS, NOISE], [T_LOW, T_STEPS, T_NOISE], LOW_NAMES + STEPS_NAMES + NOISE_NAMES)),
    _candidate("v1-data-floor", "v1 + B d^-beta", "ours", "ours",
               power_terms([LOW, STEPS, NOISE], [T_LOW, T_STEPS, T_NOISE], LOW_NAMES + STEPS_NAMES + NOISE_NAMES,
                           floor="chinchilla")),
    _candidate("noise-d", "v1, noise falling with D", "ours", "ours",
               power_terms([LOW, STEPS, NOISE_D], [T_LOW, T_STEPS, T_NOISE + [0.0]],
                           LOW_NAMES + STEPS_NAMES + NOISE_D_NAMES)),
    _candidate("noise-steps-d", "v1, noise and steps with own D", "ours", "ours",
               power_terms([LOW, STEPS_D, NOISE_D], [T_LOW, T_STEPS + [0.0], T_NOISE + [0.0]],
                           LOW_NAMES + STEPS_D_NAMES + NOISE_D_NAMES)),
    _candidate("noise-d-wall", "v1, noise falling with D + wall", "ours", "ours",
               (_NAMES, formula, fit_constants)),
    _candidate("noise-steps-d-wall", "v1, noise and steps with own D + wall", "ours", "ours",
               power_terms([LOW, STEPS_D, NOISE_D, WALL], [T_LOW, T_STEPS + [0.0], T_NOISE + [0.0], T_WALL],
                           LOW_NAMES + STEPS_D_NAMES + NOISE_D_NAMES + WALL_NAMES)),
    _candidate("free-monomials", "three free monomials", "ours", "ours",
               power_terms([FREE, FREE, FREE], [T_FREE_LOW, T_FREE_STEPS, T_FREE_NOISE],
                           ("c1", "p1", "q1", "r1", "s1", "c2", "p2", "q2", "r2", "s2", "c3", "p3", "q3", "r3", "s3"))),
]

# %% [markdown]
# ## Choosing the law: the selection protocol
#
# Every law in this package is chosen by one protocol on the training split (see the Method
# page), and the same code runs it here and on your runs. The test slice, the 1.07B model on 100B
# tokens, lies beyond the training data in two ways, and the backtests reproduce both, as far
# beyond as the test lies. This law declares its own rules for that (exported with it, and run
# on your runs too; `source_target`, the target of the packaged table, is the 1.07B model at
# 100B tokens, and on your runs it is the largest model at the longest run's data, or the point
# you ask about):
#
# - **The reach** (`test_reach`), in $N$: how far the target's model size lies beyond the next
#   smaller model measured (1.07B over 537M, a factor **2.0**: as far as a fit without the
#   1.07B model must reach to it), or beyond the largest model when the target is larger; in
#   $D$: how far the target's data lie beyond the longest run of the target's model (56.9B for
#   the 1.07B model, to the test's 100B: a factor **1.76**).
# - **The origins** (`test_origins`), the test's situation at one and two steps back. One step:
#   $N \le$ 537M (the largest model unseen, as in v1's holdout), $D \le$ 56.9B (the longest run
#   of the largest model: the 80B and 100B runs of the small models are held), and both at once.
#   Two steps: $D \le$ 40B, the smallest data level within one reach of 56.9B (the 50B and 56.9B
#   runs held, among them the 1.07B model's 56.9B slice while its 20B slice is fitted: the test's
#   own situation one reach back), and both at once with the next model down ($N \le$ 429M,
#   $D \le$ 40B). In $N$ alone the second step (fit up to 429M, score 537M) is left out: it
#   scores a model 1.25 times the largest fitted, not the reach's factor 2, and the $N$ origin
#   is already there at full reach.
#
# Each backtest fits on the runs at or below its thresholds and scores the runs beyond them, at
# most the reach beyond (`selection.backtests_beyond`). The protocol reports, per origin,
# SLDBench's R2 and the mean signed error (bias, in standard deviations of the held loss).
#
# **Checks against the literature.** The decision this law is for is the optimum, so before a
# form can be chosen its optimum is checked against what is known (`literature_check`): a law
# whose loss keeps falling as the learning rate goes to zero or the batch size to infinity
# contradicts every study of the question, and at a size the literature has settled, 7B
# parameters on 2T tokens, the optimum must fall within a factor 3 of the published choices:
# Step Law's formulas give lr $1.02\times10^{-3}$ and 2992 sequences there, DeepSeek's (Bi et
# al. 2024, $\eta = 0.3118\,C^{-0.125}$, $B = 0.292\,C^{0.3271}$ tokens with $C \approx 6ND$) lr
# $4.2\times10^{-4}$ and 4493 sequences, which is what DeepSeek LLM 7B used (lr
# $4.2\times10^{-4}$, 2304 sequences of 4096 tokens). The optimum of a form is found on a fine
# grid in $(\ln \mathrm{lr}, \ln \mathrm{bsz})$. The check is about the source study's setting:
# on your runs (another tokenizer, schedule or data) a study shows it, but does not apply it.
#
# Then the survivors: every form the backtests cannot tell from the best one (its excess squared
# error over the best is within two standard errors, over runs, at the median origin), refitted
# on all runs and bootstrapped, and compared where it matters (`test_target`): over the lr × bsz
# settings of the runs, at the largest model with its data moved by the reach (the 1.07B model
# at 100B tokens).

# %% tags=["export"]
#: Where the packaged table's target lies: the held-out slice, the 1.07B model (2^30 non-embedding
#: parameters) on 100B tokens.
SOURCE_TARGET = {_N: 1073741824.0, _D: 1e11}


def _levels(values):
    from scalinglaws import selection  # pandas: imported when a study runs

    return selection.levels(np.asarray(values, dtype=float), True)


def _near(value, grid):
    """``value`` snapped to a level of ``grid`` within the levels' tolerance (2%), else itself."""
    from scalinglaws.selection import LEVEL_TOLERANCE

    close = grid[np.abs(np.log(grid / value)) <= np.log1p(LEVEL_TOLERANCE)]
    return float(close[np.argmin(np.abs(np.log(close / value)))]) if close.size else float(value)


def _longest_run(table, size):
    """The largest data size measured for the model of that size (its level, within 2%)."""
    sizes = table[_N].to_numpy(dtype=float)
    return float(table[_D].to_numpy(dtype=float)[np.abs(np.log(sizes / size)) <= np.log1p(0.02)].max())


def _two_steps(grid):
    """Two steps of the median spacing of the four largest levels (the package's generic reach)."""
    top = grid[-4:]
    return float(np.exp(np.median(np.diff(np.log(top))))) ** 2 if top.size > 1 else None


def test_reach(table, at=None):
    """How far the backtests score beyond their fits: the test's distances. In N, how far the
    target's size (``at``, else the largest model; snapped to a measured size within 2%) lies
    beyond the largest model measured below it; in D, how far the target's data (``at``, else the
    longest run) lie beyond the longest run of the largest model at or below the target's size.
    Where the target is not beyond, two steps of the largest levels' spacing, as the generic rule."""
    at = dict(at or {})
    sizes, datas = _levels(table[_N]), _levels(table[_D])
    size = _near(at.get(_N, sizes[-1]), sizes)
    below = sizes[sizes < size / 1.02]
    reach = {}
    if size > sizes[-1] * 1.02:
        reach[_N] = float(size / sizes[-1])
    elif below.size:
        reach[_N] = float(size / below[-1])
    elif _two_steps(sizes):
        reach[_N] = _two_steps(sizes)
    model = sizes[sizes <= size * 1.02][-1] if (sizes <= size * 1.02).any() else sizes[0]
    longest = _longest_run(table, model)
    wanted = _near(at.get(_D, datas[-1]), datas)
    if wanted > longest * 1.02:
        reach[_D] = float(wanted / longest)
    elif _two_steps(datas):
        reach[_D] = _two_steps(datas)
    return reach


def test_origins(table, reach):
    """The forecast origins: the test's situation one step back (N: the largest model left out;
    D: up to the longest run of the largest model; both at once) and two steps back (D: the
    smallest data level within one reach of the first D threshold; both at once, with the next
    model down). An origin needs three held runs."""
    from scalinglaws import selection

    sizes, datas = _levels(table[_N]), _levels(table[_D])
    steps = {_N: [float(v) for v in sizes[-2:-4:-1]]} if _N in reach else {}
    if _D in reach:
        longest = _longest_run(table, sizes[-1])
        first = longest if longest < datas[-1] / 1.02 else float(datas[-2]) if datas.size > 1 else None
        if first is not None:
            back = datas[datas >= first / reach[_D] / 1.02]
            steps[_D] = [first] + ([float(back[0])] if back.size and back[0] < first / 1.02 else [])
    n, d = steps.get(_N, []), steps.get(_D, [])
    wanted = [({_N: n[0]} if n else None), ({_D: d[0]} if d else None), ({_D: d[1]} if len(d) > 1 else None),
              ({_N: n[0], _D: d[0]} if n and d else None), ({_N: n[1], _D: d[1]} if len(n) > 1 and len(d) > 1 else None)]
    origins = [o for o in wanted if o is not None]
    return [b for b in selection.backtests_beyond(table, TASK, origins, reach) if len(b.held) >= selection.MIN_HELD]


def test_target(table, reach, points=None):
    """Where the survivors are compared: the requested points, or every lr x bsz setting of the
    runs at the largest model with its longest run's data moved by the reach in D."""
    from scalinglaws import selection

    if points is not None and len(points):
        return points[[TASK.group_column, *TASK.input_names]].drop_duplicates().reset_index(drop=True)
    size = float(_levels(table[_N])[-1])
    return selection.target_grid(table, TASK, {_N: size, _D: _longest_run(table, size) * reach.get(_D, 1.0)})


def grid_optimum(predict, params, N, D, points=161):
    """The (lr, bsz) of least loss on a grid from lr 1e-6 to 1 and bsz 1 to 1e6; None at the grid's edge."""
    u, b = np.meshgrid(np.linspace(np.log(1e-6), 0.0, points), np.linspace(0.0, np.log(1e6), points), indexing="ij")
    grid = {"lr": np.exp(u.ravel()), "bsz": np.exp(b.ravel()), _D: np.full(u.size, D), _N: np.full(u.size, N)}
    with np.errstate(all="ignore"):
        i, j = np.unravel_index(np.nanargmin(predict(grid, params)), u.shape)
    return None if {i, j} & {0, points - 1} else (float(np.exp(u[i, j])), float(np.exp(b[i, j])))


def literature_check(candidate, constants):
    """Why a form's optimum contradicts what is known, or None: an optimum must exist at the
    target and at 7B parameters on 2T tokens, and lie there within a factor 3 of Step Law's and
    DeepSeek's rules."""
    group = next(iter(constants))
    for N, D in [(SOURCE_TARGET[_N], SOURCE_TARGET[_D]), (7e9, 2e12)]:
        found = grid_optimum(candidate.predict, constants[group], N, D)
        if found is None:
            return f"no optimum in lr and bsz at N = {N:.3g}, D = {D:.3g}: the loss falls to the edge of the search"
    lr, bsz = found  # at 7B parameters, 2T tokens
    lr_range = (deepseek_lr(7e9, 2e12) / 3, step_law_lr(7e9, 2e12) * 3)
    bsz_range = (step_law_bsz(7e9, 2e12) / 3, deepseek_bsz(7e9, 2e12) * 3)
    if not lr_range[0] <= lr <= lr_range[1] or not bsz_range[0] <= bsz <= bsz_range[1]:
        return (f"its optimum at 7B / 2T (lr {lr:.2e}, bsz {bsz:.0f}) lies beyond a factor 3 of Step Law's "
                "and DeepSeek's")
    return None


def optimum_example(table, points=None):
    """The optimum a study's report answers: at the largest model size and data size requested,
    or of the runs."""
    rows = points if points is not None and len(points) else table
    return {_N: float(rows[_N].max()), _D: float(rows[_D].max())}


PROTOCOL = Protocol(
    CANDIDATES,
    axes=(_N, _D),
    reach=test_reach,
    backtests=test_origins,
    target=test_target,
    source_target=SOURCE_TARGET,
    checks=literature_check,
    decision_example=optimum_example,
    max_origins=5,
)

FORM = (
    r"L = E + A\,n^{-\alpha} + e^{c_1} x^{p_1} b^{q_1} d^{r_1} + e^{c_2} x^{p_2} (b/d)^{q_2} n^{r_2}"
    r" + e^{c_3} (x/b)^{p_3} n^{r_3} d^{s_3} + e^{c_4} x^{p_4} n^{r_4},"
    r"\quad x=\frac{\mathrm{lr}}{10^{-3}},\ b=\frac{\mathrm{bsz}}{256},"
    r"\ d=\frac{D}{2\cdot10^{10}},\ n=\frac{N}{5\cdot10^{8}}"
)
PARAM_NAMES = list(_NAMES)

LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants, protocol=PROTOCOL)
predict, fit = LAW.predict, LAW.fit

# %% [markdown]
# The study of the training runs: backtests, scores, survivors, the choice, the fit on all runs
# with 100 bootstrap refits, and intervals calibrated on the backtests.

# %%
study = LAW.study(table)
evaluation, choice = study.evaluation, study.choice
KEY = {c.name: c.key for c in CANDIDATES}
print(f"reach: N x {study.reach[N_]:.2f}, D x {study.reach[D_]:.2f}")
pd.DataFrame([{"origin": b.origin.replace(N_, "N").replace(D_, "D"), "fitted runs": len(b.train),
               "held runs": len(b.held),
               "held slices (N, D)": ", ".join(f"{size_label(n)} {tokens_label(d)}"
                                              for n, d in b.held.groupby([N_, D_]).size().index)}
              for b in study.backtests])

# %%
evaluation.summary().drop(columns="kind").assign(candidate=lambda s: s.candidate.map(KEY)).round(4)

# %% [markdown]
# Per origin (columns in the order above: $N$; $D$ from 56.9B; $D$ from 40B; both; both, one
# step back), R2 and then the bias:

# %%
ORIGIN_NAMES = ["N", "D", "D back", "N and D", "N and D back"]
evaluation.table("r2").set_axis(ORIGIN_NAMES, axis=1).rename(index=KEY).round(4)

# %%
evaluation.table("bias").set_axis(ORIGIN_NAMES, axis=1).rename(index=KEY).round(3)

# %%
report = [f"{c.key}, fitted on all runs: "
          + (literature_check(c, study.record.forms[c.key].params) or "consistent with the literature")
          for c in CANDIDATES if c.kind == "published"]
report += [choice.reason] + [f"excluded: {KEY[name]}: {reason}" for name, reason in choice.excluded.items()]
print("\n".join(report))  # one print: the output does not depend on when the kernel flushes
choice.at_target.assign(candidate=lambda s: s.candidate.map(KEY)).round(4)

# %% [markdown]
# The seed law with the constants its program printed, and refitted here (the same form), on the
# training runs. Both fit them about equally well (R2 0.972 and 0.973: the leaderboard's agent
# fitted its constants on a training split too); what the backtests measure is how the form
# extrapolates, and along $D$ its quadratic bends the wrong way:

# %%
seed_refit = study.record.forms["seed"].params["all_data"]
print(f"seed, printed constants: R2 {metrics.r2(table.lm_loss, quadratic_predict(table, SEED_CONSTANTS)):.4f} on "
      f"the training runs; refitted: {metrics.r2(table.lm_loss, quadratic_predict(table, seed_refit)):.4f}")

# %% [markdown]
# The backtest along $D$ is the hard one. Fitted on $D \le$ 56.9B, every form of ours predicts
# too low a loss for the 80B and 100B runs (negative bias), `v1` most: its R2 falls to 0.594, its
# bias to $-0.48$ standard deviations; its loss keeps falling with data faster than the runs do.
# Letting the update noise fall with $D$ (`noise-d`) halves that bias and lifts the origin to
# 0.846. The divergence wall (`noise-d-wall`) gains on the three origins whose held runs are of
# the larger models, 429M to 1.07B (0.9608 on $N$), and loses a little on the two that hold the
# smallest models' 80B and 100B runs. The `seed` quadratic and the Step Law valleys miss along
# $D$ altogether, and the fixed landscape, which lets only the floor move, is worst but one: the
# valley does move. The best published form on these backtests is the `ridge` regression (median
# R2 0.9188), then the `seed` (0.8553).
#
# `noise-d-wall` has the best median R2 (0.9470). Three forms cannot be told from it at the
# median origin, `noise-steps-d-wall` (the steps term with its own $D$ exponent) and `noise-steps-d`
# and `noise-d` without the wall, and all four agree at the target, over the 1.07B model's grid at
# 100B tokens, within 1.6 of their bootstrap spreads: the law is `noise-d-wall` alone, and the
# three survivors stay in its intervals. It passes the literature check, as do the published
# forms but the ridge regression, whose loss keeps falling as the learning rate goes to zero (its
# cubic terms are free beyond the data): its optimum is no optimum. (The check is applied only to
# the forms in the running, so the ridge is not listed among the refused: it is out-scored first.)
#
# **History.** The first version of this law (v1, `v1` with 14 constants) was chosen by one
# holdout, the 1.07B model's runs scored by a fit on the smaller models (R2 0.9577). Scored after
# release on the held-out 1.07B model at 100B tokens it reached R2 0.87525: above the honest
# anchor 0.847918, below the leaderboard's best 0.983442 (optimistic: fitted on 2702 runs, and
# chosen by an evaluator that saw the test split). The second version (v2) backtested along $D$
# too, which is where v1 fails, and picked `noise-d-wall`: a median backtest R2 of 0.9470 against
# v1's 0.9075, and 0.9470 against 0.9072 on the origin most like the test (both $N$ and $D$
# beyond the fit); scored after release, it reached 0.9518. This version declares the pool and
# the protocol with the law: the five origins and the reach, once listed by hand, are now the
# law's rules (`test_reach`, `test_origins`), which give the same five backtests on this table,
# and the protocol makes the same choice. Its intervals now carry the survivors' spread. No
# held-out number chose anything here.
#
# ## The law
#
# The protocol's choice, `noise-d-wall`, with its 18 constants. The exported law is the
# protocol's choice, not a copy typed beside it: the cell below fails if the protocol picks
# another form or a combination.

# %%
assert study.chosen == "noise-d-wall" and LAW.candidate("noise-d-wall").predict is formula
PARAMS_FITTED = study.params
record = study.record

# %% [markdown]
# ## Fitted on all training runs
#
# The constants with 95% intervals from the 100 bootstrap refits the protocol made (runs
# resampled, seed 0, each refit started from the full fit):

# %%
draws = choice.draws[choice.best]
fitting.intervals(PARAMS_FITTED, draws, PARAM_NAMES).drop(columns="group").round(3)

# %% [markdown]
# Most constants are pinned to a few hundredths. The floor $E$ and its scale $A$ trade against
# each other (so $E$ is no trustworthy irreducible loss), and the wall is loose: $c_4$ ranges from
# about $-14$ to $-7$ and $p_4$ from 1.9 to 4.2, because a few runs near divergence fix where the
# wall stands, not how steep it is. Each term has a reading:
#
# - *Under-training*, $e^{c_1} x^{p_1} b^{q_1} d^{r_1}$: $p_1 \approx -0.31$ (a higher learning rate
#   trains faster), $r_1 \approx -0.27$ (more data helps: this term is most of why the loss falls with
#   $D$), $q_1 \approx 0.12$ (a larger batch means fewer steps). It sets the gentle low-lr side.
# - *Too few steps at a high learning rate*, $e^{c_2} x^{p_2} (b/d)^{q_2} n^{r_2}$: grows as
#   steps$^{-0.65}$ and lr$^{0.32}$, more for larger models ($r_2 \approx 0.29$). It is the steep
#   large-batch side.
# - *Update noise*, $e^{c_3} (x/b)^{p_3} n^{r_3} d^{s_3}$: grows with the temperature lr/bsz to the
#   power 0.35 and with the model size ($r_3 \approx 0.24$), and falls with data ($s_3 \approx -0.12$).
#   It tilts the valley (a larger batch tolerates a higher learning rate) and is why
#   $\mathrm{lr}^*$ falls with $N$.
# - *Divergence*, $e^{c_4} x^{p_4} n^{r_4}$: negligible at moderate learning rates, it rises steeply
#   (about $\mathrm{lr}^{2.6}$) towards divergence, and earlier for larger models ($r_4 \approx 1.3$).

# %% tags=["hide-input"]
constants = PARAMS_FITTED["all_data"]
fitted_loss = formula(table, constants)
residual = table.lm_loss - fitted_loss
smooth = (table[N_] == sizes[-1]) & (table[D_] == 5.69e10)
print(f"on all training runs: R2 {metrics.r2(table.lm_loss, fitted_loss):.4f}, "
      f"RMSE {np.sqrt(np.mean(residual**2)):.4f} nats; on the 1.07B model at 56.9B tokens: "
      f"RMSE {np.sqrt(np.mean(residual[smooth] ** 2)):.4f} (its noise floor {shapes['noise floor'].iloc[-1]:.4f})")
fig, axes = plt.subplots(2, 2, figsize=(5.8, 4.3), sharey=True, layout="constrained")
for ax, column, label in zip(axes.ravel(), TASK.input_names,
                             ["learning rate", "batch size (sequences)", "tokens D", "parameters N"]):
    ax.scatter(table[column], residual, s=3, alpha=0.3)
    mean = residual.groupby(table[column] if column != "lr" else half_octave).mean()
    levels = mean.index.to_numpy() if column != "lr" else 2.0 ** mean.index.to_numpy()
    ax.plot(levels, mean.to_numpy(), "o-", color="tab:red", ms=3, label="mean")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel=label, title=f"Residuals against {label.split(' (')[0]}", ylim=(-0.15, 0.3))
    ax.legend()
for ax in axes[:, 0]:
    ax.set_ylabel("loss - law (nats)")
axes[1, 1].set_xticks([2e8, 5e8, 1e9], ["200M", "500M", "1B"])
axes[1, 1].minorticks_off()
fig.suptitle("Residuals: no trend in N or D; above the law where high-lr runs diverge")
plt.show()

# %% [markdown]
# The residuals average zero against the model size, within about 0.01 nats against the data
# size, and against the batch size except a few runs at 16 sequences. Against the learning rate they stay flat until the
# highest rates ($2^{-6}$ and above), where some runs diverge and lie well above any smooth law:
# the wall follows the typical run there, not the erratic ones.
#
# ## Prediction intervals, and how often they cover
#
# A 90% prediction interval carries the constants' bootstrap, the spread between the law and
# the forms the backtests could not tell from it (these two scaled by a new-run scale
# $s_0 \ge 1$, calibrated with the extrapolation term; here $s_0 = 1$), the run-to-run noise
# (the residuals' spread), and an extrapolation term that grows with the distance beyond the
# measured $N$ and $D$ (in units of the test's distance: a factor 2 in $N$, 1.76 in $D$). That
# last term is calibrated on the five backtests, the smallest that covers 90% of their held-out
# runs; each origin's coverage below uses the term calibrated on the other four. The width is
# reported against the spread of the loss over the held runs. Beyond the farthest distance the
# backtests scored, the interval grows by the rule the backtests' errors follow (at least in
# proportion to the distance), and the prediction is flagged `beyond_reach`.

# %%
calibration = study.calibration
uncertainty = record.uncertainty
print(f"noise {uncertainty.noise_sd['all_data'][0]:.4f} nats; extrapolation term "
      f"{calibration.extrapolation_sd[0]:.4f} nats per unit of distance beyond the data; validated up to "
      f"{calibration.validated_distance:.2f} units, growing as distance^{calibration.growth:.2f} beyond")
calibration.coverage.assign(origin=ORIGIN_NAMES).round(3)

# %% [markdown]
# On every origin the intervals cover 96% to 97% of the held runs, more than the 90% they
# promise, with a width of about 0.065 to 0.07 nats: 0.75 to 1.5 times the spread of the held
# loss. Most of that width is the run-to-run noise the residuals measure (0.0185 nats, the erratic
# high-lr runs included), and the calibrated extrapolation term is zero: on these backtests the
# noise term and the survivors' spread already cover more than 90% of the runs beyond the data,
# which lay up to 1.23 reaches beyond their fits; farther than that the intervals grow in
# proportion to the distance. The noise is one number for
# every run, so the intervals are too wide for the smooth runs near the optimum and too narrow
# for the runs that diverge.
#
# ## Extrapolation: the 1.07B model on 100B tokens
#
# The held-out slice. Sections of the 1.07B model's landscape at its two measured data sizes
# (dots: runs) and at 100B tokens (dashed), each with its 90% prediction interval, along the
# learning rate at a batch size of 512 and along the batch size at lr $= 2^{-10}$.

# %% tags=["hide-input"]
largest = table[table[N_] == sizes[-1]]
lr_line, bsz_line = np.geomspace(2.0**-12.5, 2.0**-5.5, 80), np.geomspace(16, 4096, 80)
fig, axes = plt.subplots(1, 2, sharey=True, figsize=(5.8, 3.0), layout="constrained")
for tokens, color in zip([2e10, 5.69e10, 1e11], ["tab:blue", "tab:orange", "tab:green"]):
    for ax, grid, key, fixed in ((axes[0], lr_line, "lr", ("bsz", 512.0)), (axes[1], bsz_line, "bsz", ("lr", 2.0**-10))):
        inputs = {key: grid, fixed[0]: np.full(80, fixed[1]), D_: np.full(80, tokens), N_: np.full(80, sizes[-1])}
        with warnings.catch_warnings():  # the lines run past the measured lr and bsz on purpose
            warnings.simplefilter("ignore", decide.ExtrapolationWarning)
            band = LAW.predict(inputs, record, interval=0.9)
        measured = tokens < 1e11
        ax.plot(grid, band.lm_loss, "-" if measured else "--", color=color,
                label=f"D = {tokens_label(tokens)}" + ("" if measured else " (held out)"))
        ax.fill_between(grid, band.lm_loss_low, band.lm_loss_high, color=color, alpha=0.2)
        runs = largest[(largest[D_] == tokens) & np.isclose(largest[fixed[0]], fixed[1], rtol=0.02)]
        ax.plot(runs[key], runs.lm_loss, "o", color=color, ms=4)
axes[0].set(xscale="log", xlabel="learning rate", ylabel="loss", ylim=(2.0, 2.6), title="1.07B model, bsz = 512")
axes[1].set(xscale="log", xlabel="batch size (sequences)", title="1.07B model, lr = 2^-10")
fig.legend(handles=axes[0].get_legend_handles_labels()[0], loc="outside lower center", ncols=3)  # off the data
fig.suptitle("The law at the held-out 100B tokens (dashed), with 90% prediction intervals")
plt.show()

# %%
target = selection.target_grid(table, TASK, {N_: sizes[-1], D_: 1e11})
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    at_target = LAW.predict(target, record, interval=0.9)
width = at_target.lm_loss_high - at_target.lm_loss_low
print(f"1.07B model, 100B tokens, over its lr x bsz grid ({len(target)} settings): predicted loss "
      f"{at_target.lm_loss.min():.3f} to {at_target.lm_loss.max():.3f}; median width of the 90% interval "
      f"{width.median():.3f} nats")

# %% [markdown]
# At 100B tokens the law puts the 1.07B model's valley about 0.04 nats below its 56.9B slice, its
# floor near lr $1.4\times10^{-3}$ and 550 sequences. The band there (0.063 nats wide at the
# median setting) holds the bootstrap, the survivors' spread and the noise: the record measures
# the distance beyond the data input by input, and 1.07B parameters and 100B tokens each lie
# inside their measured range (the test extrapolates in their combination), so its distance is
# zero. Beyond the data the calibrated extrapolation term adds nothing either (it is zero); the
# band grows only past the distance the backtests validated, 1.23 units: beyond about 2.5B
# parameters or 200B tokens.
#
# **Where not to trust it.** At learning rates near divergence (about $2^{-6.5}$ and above at
# these sizes) real runs jump where the law rises smoothly, and the wall's steepness is loosely
# pinned. Far beyond the data (above about 10B parameters or 1T tokens) the floor $E$ is poorly
# identified and the wall's growth with $N$ ($n^{1.3}$) is read from a factor 5 in model size, so
# the predicted loss is only indicative; the optimum's location is more robust than its loss.
# Every form of ours underestimated the loss along $D$ in the backtests (this one by 0.34 standard
# deviations from $D \le$ 56.9B), so at 100B tokens the law may be somewhat too low. And its shape
# error on a smooth slice (RMSE 0.0064 on the 1.07B model at 56.9B tokens, against a noise floor
# of 0.0012 there) limits how well any single slice is fitted.

# %% [markdown]
# ## Using the law: which learning rate and batch size?
#
# In $(\ln \mathrm{lr}, \ln \mathrm{bsz})$ every penalty term is the exponential of a linear
# function, so the law is a convex function of the two logs, and it has one optimum for each
# $(N, D)$ (when the terms' exponents point inward, as the fitted ones do). `optimum` finds it by
# Newton's method from the best point of a coarse grid (lr and bsz within a factor $e^9$ of
# $10^{-3}$ and 256); it is the minimum over a continuous range, not a point of the data's grid.
#
# The basin is the region where the loss is within a tolerance of the optimal loss $L^*$ (a
# fraction of it: 0.005 is 0.5%). It is convex too, and its extent along lr is the set of
# learning rates for which *some* batch size stays within the tolerance (and the same along
# bsz); `optimum` finds its four ends by regula falsi (the Illinois method) on the law minimised
# over the other input.
# `regret` says how much worse a given (lr, bsz) is than the optimum.

# %% tags=["export"]
_CENTRE = np.log([1e-3, 256.0])  # the search is centred on lr = 1e-3, bsz = 256 ...
_WINDOW = 9.0  # ... and spans a factor e^9 (about 8100) either way in both


def _surface(fitted, N, D):
    """The law's loss at model size N and data D as a function of (ln lr, ln bsz), on arrays."""

    def loss(u, b):
        u, b = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(b, dtype=float))
        X = {"lr": np.exp(u).ravel(), "bsz": np.exp(b).ravel(), "data_size": np.full(u.size, float(D)),
             "non_embedding_param_size": np.full(u.size, float(N))}
        return np.asarray(fitted.predict(X), dtype=float).reshape(u.shape)

    return loss


def _minimum(loss):
    """(ln lr*, ln bsz*, L*) of a convex loss surface: the best point of a coarse grid, then Newton."""
    grid = np.linspace(-_WINDOW, _WINDOW, 73)
    uu, bb = np.meshgrid(_CENTRE[0] + grid, _CENTRE[1] + grid, indexing="ij")
    with np.errstate(all="ignore"):
        values = loss(uu, bb)
    if not np.isfinite(values).any():
        raise data.InputError("the law has no finite loss at these inputs")
    i, j = np.unravel_index(np.nanargmin(values), values.shape)
    if {int(i), int(j)} & {0, grid.size - 1}:
        raise data.InputError("with these constants the loss keeps falling beyond a factor e^9 from lr = 1e-3, "
                              "bsz = 256: the law has no optimum in lr and bsz")
    z, h = np.array([uu[i, j], bb[i, j]]), 1e-3
    probe = h * np.array([[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]])
    for _ in range(40):
        f = loss(z[0] + probe[:, 0], z[1] + probe[:, 1])
        gradient = np.array([f[1] - f[2], f[3] - f[4]]) / (2 * h)
        cross = (f[5] - f[6] - f[7] + f[8]) / (4 * h**2)
        hessian = np.array([[f[1] - 2 * f[0] + f[2], 0.0], [0.0, f[3] - 2 * f[0] + f[4]]]) / h**2
        hessian[0, 1] = hessian[1, 0] = cross
        positive = hessian[0, 0] > 0 and np.linalg.det(hessian) > 0
        step = -np.linalg.solve(hessian, gradient) if positive else -gradient
        scale = 1.0
        while scale > 1e-8 and loss(z[0] + scale * step[0], z[1] + scale * step[1]) > f[0]:
            scale /= 2
        z = z + scale * step
        if np.max(np.abs(scale * step)) < 1e-10:
            break
    return float(z[0]), float(z[1]), float(loss(z[0], z[1]))


def _basin(loss, u, b, best, tolerance, span=12.0):
    """Ends of the basin {L <= (1 + tolerance) L*} along lr and along bsz, and whether one is cut at span.

    Along each input the law is first minimised over the other one (a grid 0.05 apart within e^8 of its
    optimum, refined by a parabola through the three best points); that profile is convex. Its crossings
    of the tolerance are bracketed on a scan 0.5 apart (in ln) and found by the Illinois method, four
    ends at once.
    """
    allowed = (1.0 + tolerance) * best
    inner = np.linspace(-8.0, 8.0, 321)
    direction = np.array([-1.0, 1.0, -1.0, 1.0])[:, None]  # lr down, lr up, bsz down, bsz up
    along_lr = np.array([True, True, False, False])[:, None, None]

    def profile(t):
        """The least loss at distance t (shape (4, m)) along each of the four rays."""
        ray_u, ray_b = (u + direction * t)[..., None], (b + direction * t)[..., None]
        values = loss(np.where(along_lr, ray_u, u + inner), np.where(along_lr, b + inner, ray_b))
        k = np.clip(np.argmin(values, axis=-1), 1, inner.size - 2)[..., None]
        left, middle, right = (np.take_along_axis(values, k + shift, axis=-1)[..., 0] for shift in (-1, 0, 1))
        curvature = left - 2 * middle + right
        safe = np.where(curvature > 0, curvature, 1.0)
        return np.where(curvature > 0, middle - (right - left) ** 2 / (8 * safe), middle)

    scan = np.linspace(0.0, span, 25)
    outside = profile(np.broadcast_to(scan, (4, scan.size))) > allowed
    cut = ~outside.any(axis=1)
    first = np.where(cut, scan.size - 1, np.argmax(outside, axis=1))
    # The bracket spans a step more on each side, in case the scan's crossing is a rounding off.
    low, high = scan[np.maximum(first - 2, 0)], scan[np.minimum(first + 1, scan.size - 1)]
    # The crossing by the Illinois method (regula falsi that halves a stale end), on the four
    # rays at once: the profile is convex, so a dozen steps reach machine precision.
    f_low, f_high = (profile(np.stack([low, high], axis=1)) - allowed).T
    last = np.zeros(4)  # which end the previous step replaced: 1 the inner, -1 the outer
    for _ in range(12):
        width = f_high - f_low
        middle = np.where(width > 0, high - f_high * (high - low) / np.where(width > 0, width, 1.0), (low + high) / 2)
        middle = np.clip(middle, low, high)
        f = profile(middle[:, None])[:, 0] - allowed
        inside = f <= 0
        # Illinois: an end kept twice in a row counts half, so that both ends converge.
        f_low = np.where(inside, f, np.where(last == -1, f_low / 2, f_low))
        f_high = np.where(inside, np.where(last == 1, f_high / 2, f_high), f)
        last = np.where(inside, 1.0, -1.0)
        low, high = np.where(inside, middle, low), np.where(inside, high, middle)
    low = np.where(cut, span, low)
    ends = np.exp(np.array([u, u, b, b]) + direction[:, 0] * low)
    return [float(ends[0]), float(ends[1])], [float(ends[2]), float(ends[3])], bool(cut.any())


@LAW.decision(
    units={"non_embedding_param_size": "parameters", "data_size": "tokens", "lr": "learning rate (peak)",
           "bsz": "sequences of 2048 tokens", "lm_loss": "nats (smoothed final training loss)",
           "tolerance": "fraction of the optimal loss (0.005 = 0.5%)", "lr_basin": "learning rate",
           "bsz_basin": "sequences of 2048 tokens"},
    interval=("lr", "bsz", "lm_loss"),
    main=True,
)
def optimum(fitted, non_embedding_param_size: float, data_size: float, tolerance: float = 0.005):
    """The learning rate and batch size that minimise the final loss for a model size and a data size.

    Returns the optimal ``lr`` and ``bsz`` (in sequences of 2048 tokens; the minimum of the law over a
    continuous range), the predicted ``lm_loss`` there, and the basin within ``tolerance`` of that loss,
    a fraction of it (0.005: up to 0.5% above the optimal loss): ``lr_basin`` is the range of learning
    rates for which some batch size stays within it, ``bsz_basin`` the same for batch sizes. Intervals
    of lr, bsz and the loss come from the bootstrap refits of the constants.
    """
    tolerance = decide.fraction("tolerance", tolerance)
    loss = _surface(fitted, non_embedding_param_size, data_size)
    u, b, best = _minimum(loss)
    lr_basin, bsz_basin, cut = _basin(loss, u, b, best, tolerance)
    notes = ["the basin reaches beyond a factor e^12 from the optimum; its range is cut there"] if cut else []
    return {"non_embedding_param_size": non_embedding_param_size, "data_size": data_size,
            "lr": float(np.exp(u)), "bsz": float(np.exp(b)), "lm_loss": best, "tolerance": tolerance,
            "lr_basin": lr_basin, "bsz_basin": bsz_basin, "warnings": notes}


@LAW.decision(
    units={"lr": "learning rate (peak)", "bsz": "sequences of 2048 tokens", "non_embedding_param_size": "parameters",
           "data_size": "tokens", "lm_loss": "nats (smoothed final training loss)", "optimal_lm_loss": "nats",
           "regret": "fraction above the optimal loss (0.01 = 1%)"},
    interval=("lm_loss", "regret"),
)
def regret(fitted, lr: float, bsz: float, non_embedding_param_size: float, data_size: float):
    """How much higher the final loss is at a given learning rate and batch size than at the law's optimum.

    Returns the predicted ``lm_loss`` at (lr, bsz), the ``optimal_lm_loss`` for the same model and data,
    and their ratio minus one, ``regret`` (a fraction: 0.01 means 1% above the optimum).
    """
    loss = _surface(fitted, non_embedding_param_size, data_size)
    best = _minimum(loss)[2]
    here = float(loss(np.log(lr), np.log(bsz)))
    return {"lr": lr, "bsz": bsz, "non_embedding_param_size": non_embedding_param_size, "data_size": data_size,
            "lm_loss": here, "optimal_lm_loss": best, "regret": here / best - 1.0}


# %% [markdown]
# The optimum at slices of the data, at the held-out slice and beyond, next to Step Law's rules
# and what their choice costs under this law. The 80% intervals (at three of the settings) pool
# the bootstrap refits of the law and of its three survivors (the law counting as much as the
# three together): they carry the uncertainty of the form as well as that of the constants.

# %%
point = LAW.make_record(PARAMS_FITTED, table, source="notebooks/lr_bsz.py")  # no bootstrap: answers only
settings = [(2.15e8, 4e9), (2.15e8, 1e11), (5.37e8, 5e10), (1.07e9, 5.69e10), (1.07e9, 1e11), (7e10, 1e13)]
WITH_INTERVALS = [(2.15e8, 1e11), (1.07e9, 1e11), (7e10, 1e13)]
rows = []
with warnings.catch_warnings():  # beyond the data the table marks it instead
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for N, D in settings:
        # Intervals (400 optima each: the law's refits and its survivors') where the text reads them.
        best = optimum(N, D, constants=record if (N, D) in WITH_INTERVALS else point)
        step = regret(float(step_law_lr(N, D)), float(step_law_bsz(N, D)), N, D, constants=point)
        (lr_low, lr_high), (bsz_low, bsz_high) = best.interval.get("lr", ["-", "-"]), best.interval.get("bsz", ["-", "-"])
        rows.append({
            "N": size_label(N), "D": tokens_label(D), "lr*": f"{best['lr']:.2e}",
            "lr* 80%": f"{lr_low:.1e} - {lr_high:.1e}" if "lr" in best.interval else "",
            "bsz*": round(best["bsz"]),
            "bsz* 80%": f"{bsz_low:.0f} - {bsz_high:.0f}" if "bsz" in best.interval else "",
            "L*": round(best["lm_loss"], 4),
            "lr basin": f"{best['lr_basin'][0]:.1e} - {best['lr_basin'][1]:.1e}",
            "bsz basin": f"{best['bsz_basin'][0]:.0f} - {best['bsz_basin'][1]:.0f}",
            "Step Law lr": f"{step_law_lr(N, D):.2e}", "Step Law bsz": round(float(step_law_bsz(N, D))),
            "its regret (%)": round(100 * step["regret"], 2), "extrapolates": bool(best.warnings),
        })
        if (N, D) == (1.07e9, 1e11):
            headline_target = best
pd.DataFrame(rows)

# %% [markdown]
# Inside the data the optimum is pinned to within about 20% in the learning rate and 10% in the
# batch size (the 80% intervals at the held-out slice: lr $1.1$ to $1.4\times10^{-3}$ around
# $1.38\times10^{-3}$, 504 to 583 sequences around 552), while the basins are wide: within 0.5% of
# the optimal loss, a factor of about 6 in the learning rate and 7 in the batch size at the
# held-out slice. The intervals pool the law's refits with its survivors', and are wider than
# the law's refits alone gave (about ±5%): the survivors, without the wall or with the
# steps term's own $D$ exponent, put the optimum a little apart. Step Law's choice costs at most
# 0.25% of the loss under this law (215M, 100B tokens) and nothing measurable for the 1.07B
# model. Far beyond the data (70B, 10T tokens) the intervals widen to about a factor 2, and the
# law's batch size (about 3800 sequences, 80% interval 2920 to 5902) is half of Step Law's.
#
# ### Checked against the literature: 7B parameters on 2T tokens
#
# At the size of DeepSeek LLM 7B (about 7B non-embedding parameters, 2T tokens), far beyond the
# data, the law's optimum next to the published choices, and the regret of each under the law:

# %%
N, D = 7e9, 2e12
published = {
    "this law": None,
    "Step Law's formulas": (step_law_lr(N, D), step_law_bsz(N, D)),
    "DeepSeek's formulas": (deepseek_lr(N, D), deepseek_bsz(N, D)),
    "DeepSeek LLM 7B as trained": (4.2e-4, 2304 * 4096 / 2048),
}
rows = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    ours = optimum(N, D, constants=record)
    for name, setting in published.items():
        lr, bsz = (ours["lr"], ours["bsz"]) if setting is None else (float(setting[0]), float(setting[1]))
        cost = regret(lr, bsz, N, D, constants=record)
        rows.append({"choice": name, "lr": f"{lr:.2e}", "bsz (sequences)": round(bsz),
                     "bsz (M tokens)": round(bsz * 2048 / 1e6, 2), "law's loss": round(cost["lm_loss"], 4),
                     "regret (%)": round(100 * cost["regret"], 2),
                     "regret 80% (%)": "-" if setting is None else
                     f"{100 * cost.interval['regret'][0]:.2f} - {100 * cost.interval['regret'][1]:.2f}"})
print(f"the law's optimum: lr {ours['lr']:.2e} (80% interval {ours.interval['lr'][0]:.1e} - "
      f"{ours.interval['lr'][1]:.1e}), bsz {ours['bsz']:.0f} ({ours.interval['bsz'][0]:.0f} - {ours.interval['bsz'][1]:.0f})")
pd.DataFrame(rows)

# %% [markdown]
# At 7B parameters on 2T tokens the law puts the optimum at lr $8.2\times10^{-4}$ and 2172
# sequences (4.4M tokens): a learning rate between DeepSeek's and Step Law's, and a batch smaller
# than both (27% below Step Law's, half of DeepSeek's). The valley is long along the lr-bsz
# diagonal, so the choices cost little: Step Law's 0.06% of the loss, DeepSeek's formulas and its
# 7B model's own setting (a larger batch at a lower learning rate) 0.66% and 0.69%, just outside
# the law's 0.5% basin. Fitted below 1.1B parameters and 100B tokens, the law lands between two
# choices made with far larger models, closer than the factor 3 the protocol's filter asked for.
#
# ### Checked against the measured runs
#
# On every slice of the training data, where does the law's optimum land among the runs? Two
# readings: the measured run *nearest* the optimum (in $\ln \mathrm{lr}$, $\ln \mathrm{bsz}$) and
# the run the law *ranks best* among those measured; each with its measured loss above the
# slice's best run (its regret, in %).

# %%
def measured_regret(rows, fitted_params):
    """The measured runs nearest the law's optimum and ranked best by the law, with their regret (%)."""
    N, D = rows[N_].iloc[0], rows[D_].iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        best = optimum(N, D, constants=fitted_params)
    nearest = rows.iloc[int(np.argmin(np.log(rows.lr / best["lr"]) ** 2 + np.log(rows.bsz / best["bsz"]) ** 2))]
    ranked = rows.iloc[int(np.argmin(formula(rows, fitted_params.params["all_data"])))]
    lowest = rows.lm_loss.min()
    return {"N": size_label(N), "D": tokens_label(D), "lr*": f"{best['lr']:.2e}", "bsz*": round(best["bsz"]),
            "nearest run (lr, bsz)": f"{nearest.lr:.2e}, {nearest.bsz:.0f}",
            "nearest: regret (%)": round(100 * (nearest.lm_loss / lowest - 1), 2),
            "law's pick (lr, bsz)": f"{ranked.lr:.2e}, {ranked.bsz:.0f}",
            "pick: regret (%)": round(100 * (ranked.lm_loss / lowest - 1), 2)}


on_slices = pd.DataFrame([measured_regret(rows, point) for _, rows in by_slice])
print(f"largest regret of the nearest run: {on_slices['nearest: regret (%)'].max():.2f}%; of the law's pick: "
      f"{on_slices['pick: regret (%)'].max():.2f}%; slices where the law's pick is the best run: "
      f"{int((on_slices['pick: regret (%)'] == 0).sum())} of {len(on_slices)}")
on_slices

# %% [markdown]
# On every slice the measured run nearest the law's optimum is within 0.45% of the best run (0.13%
# and 0.08% on the 1.07B model's two slices): inside the 0.5% basin. The run the law ranks best
# among those measured is within 0.45% of the best run everywhere too, and is the best run on one
# slice. The grid is half an octave apart in lr and up to a factor 2 in bsz, and single runs
# scatter by about 0.5%, so "the best run" is itself uncertain at that level.
#
# At the held-out slice, the 1.07B model on 100B tokens, v1's optimum landed on the slice's
# measured best run (regret 0.00%, measured after release). Rounded to the 1.07B model's grid of
# learning rates and batch sizes, the new optimum is the same run as v1's:

# %%
lr_grid_1b = np.unique(2.0 ** half_octave[largest.index])
bsz_grid_1b = np.unique(largest.bsz)


def on_grid(lr, bsz):
    """The point of the 1.07B model's (half-octave lr) x (bsz) grid nearest (lr, bsz) in the logs."""
    return (lr_grid_1b[np.argmin(np.abs(np.log(lr_grid_1b / lr)))],
            bsz_grid_1b[np.argmin(np.abs(np.log(bsz_grid_1b / bsz)))])


V1_OPTIMUM = (1.18e-3, 544.0)  # v1's optimum at 1.07B / 100B tokens (its notebook, before release)
for name, (lr, bsz) in [("this law", (headline_target["lr"], headline_target["bsz"])), ("v1", V1_OPTIMUM)]:
    lr_point, bsz_point = on_grid(lr, bsz)
    print(f"{name:8s}: lr {lr:.2e}, bsz {bsz:.0f} -> the grid's lr 2^{np.log2(lr_point):g}, bsz {bsz_point:g}")

# %% [markdown]
# The optimal loss along $D$ for three model sizes, up to 2T tokens, with its 90% prediction
# interval (the loss at the law's optimum for each $(N, D)$), and the landscapes the law predicts
# at the held-out slice and beyond (the white line bounds the 0.5% basin; star: the law's optimum;
# cross: Step Law's choice):

# %% tags=["hide-input"]
fig, ax = plt.subplots(layout="constrained")
tokens_grid = np.geomspace(4e9, 2e12, 30)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for size, color in zip([sizes[0], sizes[-1], 7e9], ["tab:blue", "tab:orange", "tab:green"]):
        best = [optimum(size, tokens, constants=point) for tokens in tokens_grid]
        settings_grid = {"lr": [r["lr"] for r in best], "bsz": [r["bsz"] for r in best], D_: tokens_grid,
                         N_: np.full(tokens_grid.size, size)}
        band = LAW.predict(settings_grid, record, interval=0.9)
        ax.plot(tokens_grid, band.lm_loss, color=color, label=f"N = {size_label(size)}")
        ax.fill_between(tokens_grid, band.lm_loss_low, band.lm_loss_high, color=color, alpha=0.2)
        measured = table[table[N_] == size].groupby(D_).lm_loss.min()
        ax.plot(measured.index, measured.to_numpy(), "o", color=color)
ax.axvline(1e11, color="grey", ls=":", lw=0.8)
ax.set(xscale="log", xlabel="tokens D", ylabel="optimal loss L*",
       title="Loss at the optimum (dots: best run; dotted: 100B)")
ax.legend()
plt.show()

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 2, figsize=(5.8, 4.9), sharey=False)
for ax, (N, D) in zip(axes.ravel(), [(2.15e8, 1e11), (1.07e9, 1e11), (7e9, 2e12), (7e10, 1e13)]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        best = optimum(N, D, constants=point)
    lr_grid, bsz_grid = np.meshgrid(best["lr"] * np.geomspace(1 / 20, 20, 90), best["bsz"] * np.geomspace(1 / 20, 20, 90),
                                    indexing="ij")
    grid = {"lr": lr_grid.ravel(), "bsz": bsz_grid.ravel(), D_: np.full(lr_grid.size, D), N_: np.full(lr_grid.size, N)}
    excess = 100 * (formula(grid, constants).reshape(lr_grid.shape) / best["lm_loss"] - 1)
    mesh = ax.pcolormesh(lr_grid, bsz_grid, excess, cmap="viridis", norm=shade, shading="auto")
    ax.contour(lr_grid, bsz_grid, excess, levels=[0.5], colors="white", linewidths=1)
    ax.plot(best["lr"], best["bsz"], "*", color="red", ms=12)
    ax.plot(step_law_lr(N, D), step_law_bsz(N, D), "x", color="black", ms=9)
    ax.set(xscale="log", yscale="log", title=f"N = {size_label(N)}, D = {tokens_label(D)}")
for ax in axes[-1]:
    ax.set_xlabel("learning rate")
for ax in axes[:, 0]:
    ax.set_ylabel("batch size (sequences)")
fig.subplots_adjust(left=0.13, right=0.85, bottom=0.1, top=0.9, hspace=0.35, wspace=0.3)
fig.colorbar(mesh, cax=fig.add_axes([0.87, 0.2, 0.02, 0.6]), label="loss above the optimum (%)")
fig.suptitle("Landscapes x20 around each optimum: a diagonal basin")
plt.show()

# %% [markdown]
# ## The record
#
# The constants, their bootstrap refits, the noise and extrapolation terms of the intervals,
# the protocol's scores and this page's summary are stored in `laws/lr_bsz.json` (rewritten
# only when they change beyond what another CPU's rounding moves).

# %%
headline = headline_target
_ = study.store(
    summary={
        "question": "Which learning rate and batch size minimise the final loss for N parameters and D tokens?",
        "headline": (f"For the 1.07B model on 100B tokens: lr {headline['lr']:.2e} (80% interval "
                     f"{headline.interval['lr'][0]:.1e} - {headline.interval['lr'][1]:.1e}) and "
                     f"{headline['bsz']:.0f} sequences of 2048 tokens ({headline.interval['bsz'][0]:.0f} - "
                     f"{headline.interval['bsz'][1]:.0f})."),
        "caveat": "Fitted on 214M to 1.07B parameters and 4B to 100B tokens: far larger models are extrapolations, "
                  "and near divergence (lr above about 2^-6.5) real runs jump where the law rises smoothly.",
    },
)

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = LAW.interfaces()

# %% [markdown]
# The stored constants predict what a refit on the training split predicts, to the contract's
# tolerance (relative $10^{-6}$ on every training row, on any machine), and the leaderboard
# interface predicts what `predict` does:

# %%
refit = fit(data.load("lr_bsz"))
assert LAW.same_predictions(table)(PARAMS["all_data"], refit["all_data"], "all_data")
example = law([{"lr": 2.0**-10, "bsz": 512, "data_size": 1e11, "non_embedding_param_size": 1.07e9}], "all_data")
assert example[0]["lm_loss"] == predict({"lr": [2.0**-10], "bsz": [512], "data_size": [1e11],
                                         "non_embedding_param_size": [1.07e9]})[0]
print(f"predicted loss of a 1.07B model on 100B tokens at lr 2^-10, bsz 512: {example[0]['lm_loss']:.4f}")

# %% [markdown]
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same routine
# and bootstrap intervals (`scalinglaws fit lr_bsz --csv runs.csv` does the same from the command
# line), and its result answers the decisions (`own.decide("optimum", ...)`, or
# `scalinglaws optimize lr_bsz --constants runs.json`). Here, as if we had only run the models
# below 1B parameters, and then asked where to train the 1.07B model:

# %%
import scalinglaws

small_runs = table[table[N_] < 1e9]
own = scalinglaws.fit("lr_bsz", small_runs, bootstrap=20, seed=0)
print(f"fitted to {own.rows} runs: R2 {own.r2:.4f}")
own.intervals.drop(columns="group").round(3)

# %%
own_slices = pd.DataFrame([measured_regret(rows, own.record) for _, rows in largest.groupby(D_)])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    answer = own.decide("optimum", sizes[-1], 1e11)
print(f"fitted below 1B, the 1.07B model on 100B tokens: lr {answer['lr']:.2e} "
      f"(80% interval {answer.interval['lr'][0]:.1e} - {answer.interval['lr'][1]:.1e}), bsz {answer['bsz']:.0f} "
      f"({answer.interval['bsz'][0]:.0f} - {answer.interval['bsz'][1]:.0f})")
own_slices

# %% [markdown]
# Fitted on the models below 1B parameters only (1579 runs), the penalty's constants stay within
# the full fit's intervals, while the floor is barely identified ($E$ anywhere from 0.01 to 1.39:
# four model sizes from 214M to 537M fix the slope of the floor, not where it ends). The
# decision does not suffer: the optimum this fit gives for the unseen 1.07B model lands on runs
# within 0.13% (20B tokens) and 0.25% (56.9B) of the best measured ones, and for 100B tokens it
# answers lr $1.41\times10^{-3}$ and 573 sequences, within a few percent of the full fit's and on
# the same point of the grid.
