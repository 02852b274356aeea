# %% [markdown]
# # Fine-tuning: how the loss falls with fine-tuning data, for 14 base models and 3 datasets
#
# Which base model should be fine-tuned, and on how much data? Lin et al. (2024, "Selecting
# Large Language Model to Fine-tune via Rectified Scaling Law") fine-tuned 14 base models on
# growing subsets of three datasets and found that the loss does not follow a plain power law
# in the data size: it starts on a plateau (the "pre-power" phase) and only then turns into
# a power law. A law of these curves lets a practitioner rank base models at a data size they
# have not run yet.
#
# **Task** `sft_scaling_law` of SLDBench: `sft_data_size` → `sft_loss`, 42 groups named
# like `('gpt2', 'flan')` (14 base models × 3 datasets), 12 training sizes each from 200 to
# 409600 examples, doubling. The held-out test rows are `sft_data_size = 819200` in every
# group: one doubling past the training data. At most 4 constants per group, one form for all.
#
# This notebook is the source of `scalinglaws.laws.sft`: the cells tagged `export` are
# written into that module by `scalinglaws export`.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import ScalarFormatter
from scipy import stats

from scalinglaws import contract, data, fitting, metrics

pd.set_option("display.precision", 6)
pd.set_option("display.max_colwidth", 60)
pd.set_option("display.width", 170)
pd.set_option("display.max_rows", 60)
plt.rcParams["figure.figsize"] = (12, 3.8)
plt.rcParams["figure.dpi"] = 80

table = data.load("sft")
TASK = data.task("sft")
parts = table.group.str.strip("()").str.split("', '", expand=True)
table = table.assign(model=parts[0].str.strip("'"), dataset=parts[1].str.strip("'"))
table["short"] = table.model.str.split("/").str[-1]
DATASETS = sorted(table.dataset.unique())
MODELS = sorted(table.model.unique())
print(f"{table.group.nunique()} groups: {len(MODELS)} base models x {len(DATASETS)} datasets "
      f"({', '.join(DATASETS)}); sizes per group: {table.groupby('group').size().unique().tolist()}")
table.groupby("dataset").agg(groups=("group", "nunique"), smallest=("sft_data_size", "min"),
                             largest=("sft_data_size", "max"), lowest_loss=("sft_loss", "min"),
                             highest_loss=("sft_loss", "max")).round(4)

# %% [markdown]
# ## The data
#
# Loss against data size for every group, on log axes, one panel per dataset.

# %%
fig, axes = plt.subplots(1, 3)
for ax, (dataset, rows) in zip(axes, table.groupby("dataset")):
    for short, curve in rows.groupby("short"):
        ax.plot(curve.sft_data_size, curve.sft_loss, "o-", ms=2.5, lw=1, label=short)
    ax.set(xscale="log", yscale="log", xlabel="fine-tuning examples D", ylabel="fine-tuning loss",
           title=f"{dataset}: loss against D")
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(ScalarFormatter())
    ax.tick_params(axis="y", which="minor", labelsize=7)
axes[0].legend(fontsize=6, ncol=2)
fig.suptitle("A plateau at small D, then a power law; gigaword turns sharply, wikiword is nearly straight")
fig.tight_layout()
plt.show()

# %% [markdown]
# The shape is easier to see in the **local exponent**, the log-log slope between two
# neighbouring sizes, $\alpha(D) = \ln(L(D/2)/L(D)) / \ln 2$: a pure power law
# $L \propto D^{-\alpha}$ has a constant one, a plateau has one near zero, and a curve
# bending towards a floor has one that falls.

# %%
table = table.sort_values(["group", "sft_data_size"]).reset_index(drop=True)
table["local_exponent"] = -table.groupby("group").sft_loss.transform(lambda s: np.log(s).diff()) / np.log(2)
fig, axes = plt.subplots(1, 3, sharey=True)
for ax, (dataset, rows) in zip(axes, table.groupby("dataset")):
    for short, curve in rows.groupby("short"):
        ax.plot(curve.sft_data_size, curve.local_exponent, "o-", ms=2.5, lw=1, label=short)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set(xscale="log", xlabel="fine-tuning examples D", ylabel="local exponent ln(L(D/2)/L(D)) / ln 2",
           title=f"{dataset}: local log-log slope")
axes[0].legend(fontsize=6, ncol=2)
fig.suptitle("The pre-power phase (slope near 0), the turn, and a power law at the top")
fig.tight_layout()
plt.show()

# %% [markdown]
# Three shapes:
#
# - **gigaword** is sigmoidal in $\ln D$: the slope is near zero up to about 1600 examples (the
#   pre-power phase the rectified law was built for), rises through the turn, then settles;
# - **wikiword**, and the strongest base models everywhere, have a nearly constant slope: a
#   power law over the whole range;
# - several **flan** curves still *steepen* at the largest size.
#
# What matters for a forecast one doubling ahead is the local shape at the top. Comparing the
# local exponent at 409600 with the one two doublings earlier (a change of more than 15%
# either way counts as bending):

# %%
top = table[table.sft_data_size >= 102400].pivot(index="group", columns="sft_data_size", values="local_exponent")
ratio = top[409600.0] / top[102400.0]
shape = pd.cut(ratio, [-np.inf, 0.85, 1.15, np.inf], labels=["flattening", "power law", "steepening"])
pd.crosstab(table.drop_duplicates("group").set_index("group").dataset, shape.rename("shape at the top"))

# %% [markdown]
# Most curves are power laws at the top, a third still steepen, and only four flatten (by
# noisy steps: t5-base on gigaword is the clearest). No curve levels off towards a floor
# inside the data, so a floor is not identifiable from these runs, and a law that must have
# one will put it just below the last points and flatten too early. The small-$D$ end, in turn,
# is noisy and shaped differently from the top: a 4-constant curve that has to fit the plateau
# closely may bend in the wrong place at the top.
#
# ## Candidate forms
#
# Every form below is fitted per group. Most are *separable*: a transform of the loss is
# linear in two constants given the other two, $T(L) = c_0 + c_1\,\varphi(\ln D;\theta)$. We fit
# them by variable projection: $(c_0, c_1)$ in closed form by weighted linear least squares
# (with their sign constraints), $\theta$ by the package's `fitting.least_squares` (bounded trf)
# from the best point of a fixed grid, screened at once. This is faster and more reliable
# than a four-dimensional multi-start search.
#
# (a) **Leaderboard law** (SLDBench): $L = a + b \ln D$. Two constants; a logarithmic law
#     cannot bend.
#
# (b) **Rectified scaling law** (Lin et al. 2024): $L = E + B/(D_l + D^{\beta})$, where $D_l$
#     is the "pre-learned data" of the base model. With $D_0 = D_l^{1/\beta}$ and
#     $A = B/D_l$ it is $E + A/(1 + (D/D_0)^{\beta})$: a logistic sigmoid in $\ln D$ from $E + A$
#     down to the floor $E$.
#
# (c) **The best published forms** (SLDBench leaderboard): $L_\infty + A/(D^{\alpha} + c)$ (R2
#     0.999306) and $c + A/(1 + (D/D_0)^b)$ (0.999265). Both are the *same family* as (b), written
#     with other constants ($\alpha = \beta$, $c = D_l = D_0^{\beta}$); they differ from (b) only in
#     how they were fitted. We fit the family once, with and without the floor constrained to be
#     non-negative, and, as our own variant, with weights (below).
#
# (d) Our own forms, each testing one idea:
#    - *offset power law* $L = E + A (1 + D/D_0)^{-\alpha}$: the usual data law with an offset
#      $D_0$ for the pre-learned data;
#    - *Box-Cox in $\ln D$* (3 constants): $\ln L = a - k\,\mathrm{BC}_\lambda(\ln(D/10^5))$, where
#      $\mathrm{BC}_\lambda(u) = (e^{\lambda u} - 1)/\lambda$; the local log-log slope changes by a
#      factor $2^{\lambda}$ per doubling: $\lambda < 0$ flattens, $\lambda = 0$ is a pure power law,
#      $\lambda > 0$ keeps speeding up;
#    - **smoothly broken power law** $L = A\,(1 + (D/D_0)^{b})^{-c}$: Caballero et al.'s
#      broken neural scaling law with one break, an initial slope of zero and no floor. Its local
#      log-log slope, $-\mathrm{d}\ln L/\mathrm{d}\ln D = bc/(1 + (D_0/D)^{b})$, rises from 0 on the
#      plateau to $bc$ after the break, so it covers all three shapes: a break inside the data
#      (gigaword), a break well below the data (a pure power law, straight curves), a break at or
#      past the largest size (still speeding up). It never invents a floor the data do not show.
#
# **Weights.** Each residual is multiplied by $\sqrt{D/D_{\max}}$: squared weights proportional
# to $D$, which are inverse-variance weights if the run-to-run noise of a model fine-tuned on a
# random sample of $D$ examples shrinks like $D^{-1/2}$. They keep the noisy plateau from
# dictating the shape at the top. We try the forms with and without them (and the broken power
# law with a power 0.75 instead of 0.5), and a reference that is not a law: the line through
# the last two points (the last drop per doubling repeats), which gauges the noise of a
# one-doubling forecast.
#
# The broken power law with $\sqrt{D}$ weights is the one chosen below, so its cell is the
# exported law. It is fitted in log space, $\ln L = a - c\,\mathrm{softplus}(b(x - x_0))$ with
# $x = \ln(D/10^4)$, $a = \ln A$ and $x_0 = \ln(D_0/10^4)$: linear in $(a, c)$ given $(b, x_0)$.

# %% tags=["export"]
import numpy as np
import pandas as pd

from scalinglaws import contract, data, decide, fitting

TASK = data.task("sft")

FORM = r"L(D) = A\,\left(1 + (D/D_0)^{b}\right)^{-c}"
PARAM_NAMES = ["A", "D0", "b", "c"]

# The break is searched for in (b, x0), x0 = ln(D0 / 1e4): a fixed 7 x 15 grid screened to
# its best point, then bounded trf. D0 may lie far outside the data (0.06 to 1.6e9): below
# it for a pure power law, above it for a curve still speeding up at its largest size.
_D_SCALE = 1e4
_STARTS = fitting.grid_starts([0.1, 0.2, 0.35, 0.6, 1.0, 1.7, 3.0], np.linspace(-6.0, 8.0, 15))
_BOUNDS = ([0.01, -12.0], [10.0, 12.0])


def _softplus(z):
    return np.logaddexp(0.0, z)


def predict(X, params):
    """Fine-tuning loss at ``X["sft_data_size"]`` with one group's constants [A, D0, b, c]."""
    A, D0, b, c = (float(v) for v in params)
    D = np.asarray(X["sft_data_size"], dtype=float)
    return A * np.exp(-c * _softplus(b * (np.log(D) - np.log(D0))))


def _projection(p, t, w):
    """Weighted least squares of t ~ a - c p for each row of p, with c >= 0: (a, c, residuals)."""
    W = w * w
    S, St = W.sum(), (W * t).sum()
    Sp, Spp, Spt = (W * p).sum(1), (W * p * p).sum(1), (W * p * t).sum(1)
    det = S * Spp - Sp * Sp
    with np.errstate(all="ignore"):
        slope = (S * Spt - Sp * St) / det
    usable = np.isfinite(slope) & (det > 1e-14 * S * np.maximum(Spp, 1e-300)) & (slope <= 0)
    slope = np.where(usable, slope, 0.0)  # c = 0 (a flat curve) when the fit wants c < 0
    a = np.where(usable, (St - slope * Sp) / S, St / S)
    return a, -slope, w * (a[:, None] + slope[:, None] * p - t)


def _fit_curve(D, loss):
    x, t = np.log(D / _D_SCALE), np.log(loss)
    w = np.sqrt(D / D.max())

    def residuals(theta):
        return _projection(_softplus(theta[0] * (x - theta[1]))[None, :], t, w)[2][0]

    # The whole grid is screened at once (the projection is vectorised over its rows); the
    # best point (the first, on ties) starts the bounded trf polish.
    screen = _projection(_softplus(_STARTS[:, :1] * (x[None, :] - _STARTS[:, 1:])), t, w)[2]
    cost = np.where(np.isfinite(screen).all(1), (screen * screen).sum(1), np.inf)
    b, x0 = fitting.least_squares(residuals, _STARTS[np.argmin(cost)], bounds=_BOUNDS).params
    a, c, _ = _projection(_softplus(b * (x - x0))[None, :], t, w)
    return [float(np.exp(a[0])), float(_D_SCALE * np.exp(x0)), float(b), float(c[0])]


def fit(table):
    """Fit each group on its own: weighted least squares on ln L, weights sqrt(D / D_max)."""
    fitted = {}
    for group, rows in table.groupby(TASK.group_column, sort=False):
        D = rows["sft_data_size"].to_numpy(dtype=float)
        loss = rows["sft_loss"].to_numpy(dtype=float)
        if np.any(~(loss > 0)):
            raise data.InputError(f"group {group!r}: sft_loss must be positive (the law is fitted to its log)")
        try:
            fitted[str(group)] = _fit_curve(D, loss)
        except fitting.FitError as error:
            raise fitting.FitError(f"group {group!r}: {error}") from error
    return fitted


# %% [markdown]
# The competitors share one fitting helper (not exported): a separable form given by its
# transform (the loss or its log), its basis $\varphi$, a start grid and bounds for $\theta$,
# an optional lower bound on $c_0$ (a floor $E \ge 0$), and the power of the weights.

# %%
def _project(phi, t, w, floor):
    """(c0, c1) of t ~ c0 + c1 phi for each row of phi, c1 >= 0 and c0 >= floor (if given)."""
    W = w * w
    S, St = W.sum(), (W * t).sum()
    Sp, Spp, Spt = (W * phi).sum(1), (W * phi * phi).sum(1), (W * phi * t).sum(1)
    det = S * Spp - Sp * Sp
    with np.errstate(all="ignore"):
        c1 = (S * Spt - Sp * St) / det
        c0 = (St - c1 * Sp) / S
    bad = ~np.isfinite(c1) | (det <= 1e-14 * S * np.maximum(Spp, 1e-300))
    c1, c0 = np.where(bad, 0.0, c1), np.where(bad, St / S, c0)
    if floor is not None:
        low = c0 < floor
        c1_at_floor = np.maximum((Spt - floor * Sp) / np.maximum(Spp, 1e-300), 0.0)
        c0, c1 = np.where(low, floor, c0), np.where(low, c1_at_floor, c1)
    negative = c1 < 0
    return np.where(negative, St / S, c0), np.where(negative, 0.0, c1)


def separable(phi, starts, bounds, log=False, floor=None, weight_power=0.0):
    """Fitter and predictor of T(L) = c0 + c1 phi(ln(D/1e4), *theta); constants [c0, c1, *theta]."""

    def predict_form(X, params):
        x = np.log(np.asarray(X["sft_data_size"], dtype=float) / 1e4)
        value = params[0] + params[1] * phi(x, *params[2:])
        return np.exp(value) if log else value

    def fit_curve(D, loss):
        x, t = np.log(D / 1e4), (np.log(loss) if log else loss)
        w = (D / D.max()) ** weight_power

        def residuals(theta):
            basis = phi(x, *theta)[None, :]
            c0, c1 = _project(basis, t, w, floor)
            return w * (c0[0] + c1[0] * basis[0] - t)

        basis = phi(x[None, :], *(starts[:, j:j + 1] for j in range(starts.shape[1])))
        c0, c1 = _project(basis, t, w, floor)
        cost = np.sum((w * (c0[:, None] + c1[:, None] * basis - t)) ** 2, axis=1)
        start = starts[np.argmin(np.where(np.isfinite(cost), cost, np.inf))]
        theta = fitting.least_squares(residuals, start, bounds=bounds).params
        c0, c1 = _project(phi(x, *theta)[None, :], t, w, floor)
        return [float(c0[0]), float(c1[0]), *map(float, theta)]

    def fit_form(rows):
        return {str(g): fit_curve(r.sft_data_size.to_numpy(float), r.sft_loss.to_numpy(float))
                for g, r in rows.groupby("group", sort=False)}

    return fit_form, predict_form


def box_cox(u, lam):
    """(e^(lam u) - 1) / lam, and its limit u at lam = 0."""
    small = np.abs(lam) < 1e-8
    with np.errstate(all="ignore"):
        return np.where(small, u + 0.5 * lam * u * u, np.expm1(lam * u) / np.where(small, 1.0, lam))


def log_law_predict(X, params):
    return params[0] + params[1] * np.log(np.asarray(X["sft_data_size"], dtype=float) / 1e4)


def log_law_fit(rows):
    return fitting.fit_groups(log_law_predict, rows, TASK, np.array([[2.0, -0.1]]))


def last_drop_fit(rows):
    """Not a law: the line in ln D through each group's two largest sizes."""
    out = {}
    for g, r in rows.groupby("group", sort=False):
        r = r.sort_values("sft_data_size")
        (d1, d2), (l1, l2) = r.sft_data_size.to_numpy()[-2:], r.sft_loss.to_numpy()[-2:]
        out[str(g)] = [float(np.log(d2)), float(l2), float((l1 - l2) / np.log(d2 / d1))]
    return out


def last_drop_predict(X, params):
    return params[1] - params[2] * (np.log(np.asarray(X["sft_data_size"], dtype=float)) - params[0])


sigmoid_grid = fitting.grid_starts([0.1, 0.2, 0.35, 0.6, 1.0, 1.7, 3.0], np.linspace(-6, 8, 15))
logistic = lambda x, beta, x0: 1.0 / (1.0 + np.exp(beta * (x - x0)))           # 1 / (1 + (D/D0)^beta)
offset_power = lambda x, alpha, x0: np.exp(-alpha * np.logaddexp(0.0, x - x0))  # (1 + D/D0)^-alpha
broken = lambda x, b, x0: -np.logaddexp(0.0, b * (x - x0))                    # ln L = a - c softplus
box_cox_basis = lambda x, lam: -box_cox(x - np.log(10.0), lam)                 # u = ln(D / 1e5)
forms = {
    "rectified": (logistic, sigmoid_grid, ([1e-3, -12.0], [5.0, 12.0])),
    "offset": (offset_power, fitting.grid_starts([0.05, 0.1, 0.175, 0.3, 0.5], np.linspace(-6, 8, 15)),
               ([1e-3, -12.0], [5.0, 12.0])),
    "broken": (broken, sigmoid_grid, ([0.01, -12.0], [10.0, 12.0])),
    "box_cox": (box_cox_basis, np.linspace(-3, 3, 61)[:, None], ([-3.0], [3.0])),
}


def candidate(name, constants, origin, form, **options):
    phi, starts, bounds = forms[form]
    fit_form, predict_form = separable(phi, starts, bounds, **options)
    return fitting.Candidate(name, constants, fit_form, predict_form, origin)


CHOSEN = "(d) broken power law A (1 + (D/D0)^b)^-c, sqrt(D) weights"
RECTIFIED = "(b) = (c) rectified E + A / (1 + (D/D0)^beta), E >= 0"
candidates = [
    fitting.Candidate("reference, not a law: the last drop per doubling repeats", "2",
                      last_drop_fit, last_drop_predict, "noise gauge"),
    fitting.Candidate("(a) a + b ln D", "2", log_law_fit, log_law_predict, "SLDBench leaderboard"),
    candidate(RECTIFIED, "4", "Lin et al. 2024; = best published", "rectified", floor=0.0),
    candidate("(b) = (c) same, E free", "4", "Lin et al. 2024; = best published", "rectified"),
    candidate("(b) = (c) same, E >= 0, sqrt(D) weights", "4", "ours", "rectified", floor=0.0, weight_power=0.5),
    candidate("(d) offset power law E + A (1 + D/D0)^-alpha, E >= 0", "4", "ours", "offset", floor=0.0),
    candidate("(d) same, sqrt(D) weights", "4", "ours", "offset", floor=0.0, weight_power=0.5),
    candidate("(d) Box-Cox ln L = a - k BC_lam(ln D), weights D/Dmax", "3", "ours", "box_cox", log=True,
              weight_power=1.0),
    candidate("(d) broken power law, unweighted", "4", "ours", "broken", log=True),
    candidate("(d) broken power law, weights (D/Dmax)^0.75", "4", "ours", "broken", log=True, weight_power=0.75),
    fitting.Candidate(CHOSEN, "4", fit, predict, "ours; chosen"),
]

# %% [markdown]
# ## Choosing the form by validation
#
# The protocol of the issue (**V1**): refit every candidate on each group's sizes up to 204800
# and score it on 409600, one doubling ahead as the test is, with SLDBench's R2 over all 42
# groups together. One doubling is a single, noisy look, so three more folds of the training
# split stand next to it as robustness columns: **V2** fits up to 102400 and scores 204800,
# **V3** fits up to 102400 and scores 409600 (two doublings ahead), **V4** fits up to 51200 and
# scores 102400. The column **bad** counts, over the four folds, the group fits whose predictions
# at twice the last fitted size, at 819200 and at 1.6M are not finite, not decreasing, or not
# below the last fitted loss (the issue asks for none).

# %%
fitted_in_folds = {}


def remembered(c):
    """The candidate, with each fold's constants kept (to check the extrapolation far beyond the fold)."""
    def fit_and_keep(rows):
        params = c.fit(rows)
        fitted_in_folds[c.name, float(rows.sft_data_size.max())] = params
        return params
    return fitting.Candidate(c.name, c.constants, fit_and_keep, c.predict, c.origin)


def fold(fit_up_to, score_at):
    rows = table[TASK.columns]
    return rows[rows.sft_data_size <= fit_up_to], rows[rows.sft_data_size == score_at]


folds = {"V1": fold(204800, 409600), "V2": fold(102400, 204800), "V3": fold(102400, 409600),
         "V4": fold(51200, 102400)}
assert folds["V1"][0].equals(fitting.extrapolation_holdout(table[TASK.columns], "sft_data_size", k=1)[0])
tracked = [remembered(c) for c in candidates]
scores = {name: fitting.validation_table(tracked, [split], TASK) for name, split in folds.items()}


def bad_fits(c):
    count = 0
    for cut in (204800.0, 102400.0, 51200.0):
        last = table[table.sft_data_size <= cut].sort_values("sft_data_size").groupby("group").sft_loss.last()
        for group, params in fitted_in_folds[c.name, cut].items():
            ahead = c.predict({"sft_data_size": np.array([2 * cut, 819200.0, 1638400.0])}, params)
            count += not (np.all(np.isfinite(ahead)) and ahead[0] < last[group] and np.all(np.diff(ahead) < 0))
    return count


validation = scores["V1"][["candidate", "constants", "origin", "r2", "nmae"]].copy()
for name in ("V2", "V3", "V4"):
    validation[f"r2_{name}"] = scores[name].r2
validation["bad"] = [bad_fits(c) for c in candidates]
validation.round({"r2": 5, "nmae": 4, "r2_V2": 5, "r2_V3": 5, "r2_V4": 5}).rename(
    columns={"r2": "r2_V1", "nmae": "nmae_V1"})

# %% [markdown]
# The smoothly broken power law with $\sqrt{D}$ weights extrapolates best on the protocol's
# split (V1 R2 0.9988 against 0.9944 for the rectified law, the best published family, and
# 0.945 for the leaderboard's logarithmic law), and also on V3 and V4; on V2 it is second,
# behind the same form with weights $(D/D_{\max})^{0.75}$. Those two weightings are within noise
# of each other on every fold; we keep the power 0.5 because it has a reason (the $D^{-1/2}$
# noise), not because it scored best. None of its 126 fits (V2 and V3 share theirs) is "bad".
#
# What the table says about the other forms:
#
# - The logarithmic law (a) cannot bend: it misses every curve that is still turning, and 8 of
#   its fits predict, one doubling ahead, a loss above the last one fitted: a straight line in
#   $\ln D$, pulled up by the plateau, lags behind a curve that is still bending down.
# - The rectified law and the published forms are one family, a sigmoid in $\ln D$ with a floor.
#   Fitted closely to the plateau, it flattens gigaword too early and cannot keep a flan curve
#   speeding up. Weights help it (0.9964) but the floor still pulls the forecast up.
# - The 3-constant Box-Cox form is close on V1 (0.9981) but clearly worse two doublings ahead
#   (V3 0.974 against 0.988): the fewer constants do not buy a safer forecast.
# - The last-drop reference reaches 0.9975: a one-doubling forecast cannot be much better than
#   the noise of a single doubling. The weighted broken power law (with either weight power) is
#   the only form that beats it on every fold.
#
# The published forms (c) are not separate rows because they are the rectified law (b) with
# other names for its constants. A numerical check of the identity, from the rectified fit of
# one group converted into both published parametrisations:

# %%
E, A_r, beta, x0 = fitted_in_folds[RECTIFIED, 204800.0]["('gpt2', 'gigaword')"]
D0_r = 1e4 * np.exp(x0)
sizes = np.array([200.0, 6400.0, 409600.0, 819200.0])
rectified = E + A_r * D0_r**beta / (D0_r**beta + sizes**beta)                 # E + B / (D_l + D^beta)
published_1 = E + (A_r * D0_r**beta) / (sizes**beta + D0_r**beta)            # L_inf + A / (D^alpha + c)
published_2 = E + A_r / (1 + (sizes / D0_r) ** beta)                           # c + A / (1 + (D/D0)^b)
print("largest difference between the three parametrisations:",
      f"{max(np.abs(rectified - published_1).max(), np.abs(rectified - published_2).max()):.1e}")

# %% [markdown]
# Per group, the chosen law's V1 errors (fit up to 204800, predict 409600) and the rectified
# law's, side by side:

# %%
held = folds["V1"][1].set_index("group").sft_loss
errors = pd.DataFrame({
    "measured": held,
    "chosen_error": pd.Series({g: predict({"sft_data_size": [409600.0]}, p)[0]
                               for g, p in fitted_in_folds[CHOSEN, 204800.0].items()}) - held,
    "rectified_error": pd.Series({g: candidates[2].predict({"sft_data_size": [409600.0]}, p)[0]
                                  for g, p in fitted_in_folds[RECTIFIED, 204800.0].items()}) - held,
})
V1_RMSE = float(np.sqrt(np.mean(errors.chosen_error**2)))
print(f"V1 RMSE: chosen {V1_RMSE:.4f}, rectified {np.sqrt(np.mean(errors.rectified_error**2)):.4f}; "
      f"largest |error| of the chosen law: {errors.chosen_error.abs().max():.4f} "
      f"({errors.chosen_error.abs().idxmax()})")
fig, ax = plt.subplots(figsize=(12, 4.4))
order = errors.sort_values("chosen_error").index
ax.bar(np.arange(42) - 0.2, errors.loc[order, "chosen_error"], 0.4, label="chosen")
ax.bar(np.arange(42) + 0.2, errors.loc[order, "rectified_error"], 0.4, label="rectified (b)")
ax.set_xticks(np.arange(42), [g.strip("()").replace("'", "").split("/")[-1] for g in order],
              rotation=90, fontsize=6)
ax.axhline(0, color="grey", lw=0.6)
ax.set(ylabel="predicted - measured at 409600", title="V1 forecast errors per group (fit up to 204800)")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The rectified law's errors are mostly positive, up to 0.11 (Cerebras-256M on flan): its floor
# makes it flatten too early, on gigaword after the turn and on the flan curves that still
# steepen. The chosen law's errors stay within ±0.033.
#
# ## The law, fitted on all training sizes
#
# Constants per group, with what they predict one and two doublings past the data: the
# issue's robustness check is that every prediction at 819200 and 1.6M is finite and below the
# group's measured loss at 409600. $\alpha_\infty = bc$ is the power-law exponent after the break.

# %%
PARAMS_FITTED = fit(table[TASK.columns])
measured_top = table[table.sft_data_size == 409600].set_index("group").sft_loss
constants = pd.DataFrame(PARAMS_FITTED, index=PARAM_NAMES).T.sort_index()
constants["alpha_inf"] = constants.b * constants.c
for size, label in ((819200.0, "L_819200"), (1638400.0, "L_1.6M")):
    constants[label] = [predict({"sft_data_size": [size]}, PARAMS_FITTED[g])[0] for g in constants.index]
constants.insert(5, "L_409600", measured_top[constants.index])
robust = (np.isfinite(constants[["L_819200", "L_1.6M"]]).all(axis=1)
          & (constants.L_819200 < constants.L_409600) & (constants["L_1.6M"] < constants.L_819200))
print(f"robustness: {int(robust.sum())} of {len(robust)} groups predict finite losses at 819200 and 1.6M, "
      "below the loss at 409600 and decreasing")
assert robust.all()
shown = constants.copy()
shown["D0"] = shown.D0.map(lambda v: f"{v:.3g}")
shown.index = [g.strip("()").replace("'", "") for g in shown.index]
shown.round(4)

# %% [markdown]
# Three kinds of fit appear:
#
# - **A break inside the data** ($D_0$ of a few thousand, mostly gigaword): the plateau, the turn,
#   then a power law with exponent $\alpha_\infty \approx 0.15$-$0.22$.
# - **A break below the data** ($D_0$ well under 200, often with a large $b$): the curve is a
#   pure power law over the whole range ($L \approx A (D/D_0)^{-bc}$), and $A$ and $D_0$ trade
#   off against each other; only the exponent $bc$ and the level are pinned down.
# - **A break not reached yet** ($D_0$ at its upper bound, 1.63e9): the curve is still speeding
#   up at 409600. There $\ln L \approx \ln A - c\,(D/D_0)^{b}$, and only that combination is
#   identified, not $D_0$ and $c$ separately; the predictions one doubling ahead are stable, but
#   this regime drops faster and faster and must not be followed far.
#
# The fit's in-sample quality, and its residuals against the data size:

# %%
fitted_loss = fitting.predict_table(predict, table, PARAMS_FITTED, TASK)
residual = table.sft_loss - fitted_loss
print(f"R2 on all 504 training rows: {metrics.r2(table.sft_loss, fitted_loss):.5f}; "
      f"RMSE at D = 409600: {np.sqrt(np.mean(residual[table.sft_data_size == 409600] ** 2)):.4f}, "
      f"at D <= 1600: {np.sqrt(np.mean(residual[table.sft_data_size <= 1600] ** 2)):.4f}; "
      f"largest |residual| {residual.abs().max():.3f} ({table.group[residual.abs().idxmax()]} "
      f"at D = {table.sft_data_size[residual.abs().idxmax()]:.0f})")
fig, axes = plt.subplots(1, 3, sharey=True)
for ax, (dataset, rows) in zip(axes, table.assign(residual=residual).groupby("dataset")):
    for short, curve in rows.groupby("short"):
        ax.plot(curve.sft_data_size, curve.residual, "o-", ms=2.5, lw=0.8)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set(xscale="log", xlabel="fine-tuning examples D", ylabel="loss - law", title=f"{dataset}: residuals")
fig.suptitle("Residuals: rough on the plateau (down-weighted on purpose), within a few thousandths at the top")
fig.tight_layout()
plt.show()

# %% [markdown]
# The weights buy the forecast at the price of the plateau: the law is within a few
# thousandths at the largest sizes and about 0.09 off (RMSE) at $D \le 1600$, where it mostly
# sits below the data; bart-base on wikiword, whose first sizes lie far above the power law
# that the rest of its curve follows, is off by 0.4 at $D = 200$. For the plateau itself (the
# loss with little data), fit the same form without weights.
#
# ## Uncertainty and extrapolation
#
# A bootstrap of the twelve groups shown below (four base models on each dataset): 50 refits on
# the sizes resampled within each group (seed 0), 95% percentile intervals of the constants
# and of the predictions.

# %%
SHOWN_MODELS = ["t5-base", "facebook/opt-1.3b", "cerebras/Cerebras-GPT-256M", "gpt2"]
shown_groups = [f"('{m}', '{d}')" for d in DATASETS for m in SHOWN_MODELS]
subset = table.loc[table.group.isin(shown_groups), TASK.columns]
draws = fitting.bootstrap(fit, subset, n=50, seed=0)
print(f"bootstrap refits: {draws.attempted - draws.failed} of {draws.attempted} converged")
boot = fitting.intervals({g: PARAMS_FITTED[g] for g in shown_groups}, draws, PARAM_NAMES)
boot = boot[boot.group.str.contains("flan")].assign(group=lambda f: f.group.str.strip("()").str.replace("'", ""))
boot.set_index(["group", "constant"]).map(lambda v: f"{v:.4g}")

# %% [markdown]
# (Flan groups shown.) Where the break is not reached (t5-base, Cerebras-256M), $D_0$ stays at
# its bound in nearly every refit and $c$ carries the curvature; where the curve is a power
# law over most of the range (opt-1.3b), $D_0$ and $c$ are barely identified and their intervals
# span the bounds. The constants are not what to read; the predictions are (refits that happen
# to miss the largest sizes widen their band).
#
# The extrapolation: measured sizes (dots), the law fitted on all sizes (line) with its
# bootstrap band up to 1.6M, the chosen law fitted on V1's sizes (dashed) and the rectified law
# fitted on the same (dotted). Grey lines: the last training size (409600) and the held-out
# size (819200).

# %%
grid = np.geomspace(200, 1.6384e6, 120)
fig, axes = plt.subplots(3, 4, figsize=(13, 9.5), sharex=True)
for i, group in enumerate(shown_groups):
    ax = axes.ravel()[i]
    rows = table[table.group == group]
    band = np.quantile([predict({"sft_data_size": grid}, d) for d in draws.draws[group]], [0.025, 0.975], axis=0)
    ax.fill_between(grid, *band, color="tab:blue", alpha=0.25, lw=0)
    ax.plot(grid, predict({"sft_data_size": grid}, PARAMS_FITTED[group]), color="tab:blue", label="law, all sizes")
    ax.plot(grid, predict({"sft_data_size": grid}, fitted_in_folds[CHOSEN, 204800.0][group]), "--",
            color="tab:orange", label="law, fit up to 204800")
    ax.plot(grid, candidates[2].predict({"sft_data_size": grid}, fitted_in_folds[RECTIFIED, 204800.0][group]),
            ":", color="tab:green", label="rectified, fit up to 204800")
    ax.plot(rows.sft_data_size, rows.sft_loss, "o", color="black", ms=3)
    for size in (409600, 819200):
        ax.axvline(size, color="grey", lw=0.6)
    model, dataset = group.strip("()").replace("'", "").split(", ")
    ax.set(xscale="log", title=f"{model.split('/')[-1]}, {dataset}")
    if i % 4 == 0:
        ax.set_ylabel("fine-tuning loss")
    if i >= 8:
        ax.set_xlabel("fine-tuning examples D")
axes[0, 0].legend(fontsize=7)
fig.suptitle("Extrapolation to 1.6M examples: the law and its bootstrap band")
fig.tight_layout()
plt.show()

# %% [markdown]
# **What the law means.** $A$ is the loss of the plateau, what the base model gives before the
# fine-tuning data start to pay off (only roughly fitted, see above). $D_0$ is the break, the
# data size where the local exponent reaches half of its final value: the role the rectified law
# gives to the "pre-learned data" $D_l$. $b$ is the sharpness of the break and $bc$ the power-law
# exponent after it.
#
# **Where not to trust it.** One doubling past the data is what validation supports (V1 RMSE
# about 0.014 per group, V2 0.025); two doublings are weaker (V3 R2 0.988); beyond that, do not
# trust it. The law has no floor: the loss goes to zero as $D \to \infty$, so it cannot predict
# saturation. For the groups whose break is not reached ($D_0$ at the bound), the
# still-speeding-up regime eventually falls too fast (at 1.6M, Cerebras-256M and LaMini-774M on
# flan already predict drops near 0.25 per doubling). Two base models whose predictions differ
# by less than about 0.02 cannot be told apart.
#
# ## The exported law
#
# The constants are stored in `laws/sft.json`; the module reads them back as `PARAMS`, and builds
# the leaderboard's `law(input_data, group)` and the evaluator's `fit_scaling_law` /
# `scaling_law_func` from `predict` and `fit`.

# %%
stored = contract.save_params(
    "sft", PARAMS_FITTED, PARAM_NAMES, table, validation=validation, chosen=CHOSEN,
    protocol="fit each group on sizes up to 204800, score on 409600",
)
print(f"stored the constants in src/scalinglaws/laws/{stored.name}")

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = contract.interfaces("sft", predict, fit)

# %% [markdown]
# The stored constants are exactly those `fit` finds on the training split, and the
# leaderboard interface predicts what `predict` does:

# %%
assert PARAMS == fit(data.load("sft"))
example = law([{"sft_data_size": 819200}], "('t5-base', 'flan')")
assert example[0]["sft_loss"] == predict({"sft_data_size": [819200.0]}, PARAMS["('t5-base', 'flan')"])[0]
print(f"predicted loss of t5-base fine-tuned on 819200 flan examples: {example[0]['sft_loss']:.4f}")

# %% [markdown]
# ## Using the law: which base model, and how much data?
#
# Two decisions. **Which base model** to fine-tune on a dataset, for a given amount of
# fine-tuning data: rank the 14 base models by their predicted loss there. **How much data** a
# base model needs to reach a target loss: the law inverts in closed form,
#
# $$D^* = D_0\,\left(e^{\ln(A/L^*)/c} - 1\right)^{1/b}, \qquad 0 < L^* < A,$$
#
# computed in logs so that it does not overflow.

# %% tags=["export"]
def _model_and_dataset(group):
    model, dataset = group.strip()[1:-1].rsplit(",", 1)
    return model.strip().strip("'\""), dataset.strip().strip("'\"")


def _datasets():
    return sorted({_model_and_dataset(group)[1] for group in PARAMS})


def rank_base_models(dataset, sft_data_size):
    """Base models ranked by their predicted fine-tuning loss on ``dataset`` at ``sft_data_size`` examples.

    Returns a dict with the ``ranking`` (best first: model, group, predicted ``sft_loss``), the
    ``best`` model, the ``margin`` of the best over the second (in loss; margins below the
    law's forecast error, about 0.02 one doubling past the data, are not resolved), and
    ``warnings`` when the data size lies outside the training range.
    """
    known = _datasets()
    if not isinstance(dataset, str) or dataset not in known:
        raise data.InputError(f"unknown dataset {dataset!r}; the datasets are: {', '.join(known)}")
    size = decide.positive("sft_data_size", sft_data_size)
    notes = decide.range_warnings("sft", sft_data_size=size)
    ranking = []
    for group, constants in PARAMS.items():
        model, on = _model_and_dataset(group)
        if on == dataset:
            loss = float(predict({"sft_data_size": [size]}, constants)[0])
            ranking.append({"model": model, "group": group, "sft_loss": loss})
    ranking.sort(key=lambda entry: entry["sft_loss"])
    return {
        "dataset": dataset, "sft_data_size": size, "ranking": ranking, "best": ranking[0]["model"],
        "margin": ranking[1]["sft_loss"] - ranking[0]["sft_loss"], "warnings": notes,
    }


def data_for_loss(group, target_loss):
    """The fine-tuning data size at which ``group``'s law reaches ``target_loss`` (closed form).

    Refuses a target the law cannot reach by fine-tuning: one at or above the group's plateau
    ``A`` (no fine-tuning data are needed, and the law is not fitted for that), or one below
    what a flat fit (c = 0) or any finite data size gives. Returns a dict with
    ``sft_data_size`` and ``warnings`` when it lies outside the training range.
    """
    A, D0, b, c = contract.group_params("sft", PARAMS, group)
    target = decide.positive("target_loss", target_loss)
    if target >= A:
        raise data.InputError(
            f"target_loss {target:.4g} is not below the plateau A = {A:.4g} of {group}: the base "
            "model is predicted to reach it without fine-tuning data")
    if c <= 0:
        raise data.InputError(f"target_loss {target:.4g} is unreachable for {group}: its fitted curve is flat")
    z = np.log(A / target) / c  # softplus(b ln(D / D0)) = z
    log_size = np.log(D0) + (z + np.log(-np.expm1(-z))) / b  # ln(expm1(z)) without overflow
    if not np.isfinite(log_size) or log_size > 700:
        raise data.InputError(
            f"target_loss {target:.4g} is unreachable for {group}: it needs more than any finite data size")
    size = float(np.exp(log_size))
    notes = decide.range_warnings("sft", sft_data_size=size)
    return {"group": group, "target_loss": target, "sft_data_size": size, "warnings": notes}


# %% [markdown]
# **Which base model at 819200 examples**, the held-out size, for each dataset (top three), with
# the measured best at 409600 for reference:

# %%
rows = []
with warnings.catch_warnings():  # 819200 extrapolates; the table marks it instead
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    picks = {dataset: rank_base_models(dataset, 819200) for dataset in DATASETS}
for dataset, pick in picks.items():
    at_top = table[(table.dataset == dataset) & (table.sft_data_size == 409600)].set_index("model").sft_loss
    rows.append({
        "dataset": dataset,
        "law's top 3 at 819200 (predicted loss)": ", ".join(
            f"{e['model'].split('/')[-1]} {e['sft_loss']:.3f}" for e in pick["ranking"][:3]),
        "margin": round(pick["margin"], 4),
        "measured best at 409600": f"{at_top.idxmin().split('/')[-1]} {at_top.min():.3f}",
        "extrapolates": bool(pick["warnings"]),
    })
pd.DataFrame(rows)

# %% [markdown]
# Gigaword and wikiword are clear calls: t5-base leads by 0.07-0.09, several times the forecast
# error. **Flan is a close call.** The law predicts that t5-base, whose flan curve is still
# speeding up (drops per doubling 0.095, 0.110, 0.121 at the top), overtakes opt-1.3b, the
# measured best at 409600, whose curve is straight (about 0.07 per doubling). How sure is that?

# %%
flan_pair = ["('t5-base', 'flan')", "('facebook/opt-1.3b', 'flan')"]
at_test = {g: np.array([predict({"sft_data_size": [819200.0]}, d)[0] for d in draws.draws[g]]) for g in flan_pair}
margin = picks["flan"]["margin"]
p_fit = float(np.mean(at_test[flan_pair[0]] < at_test[flan_pair[1]]))
p_forecast = float(stats.norm.cdf(margin / (np.sqrt(2) * V1_RMSE)))
print(f"t5-base {np.median(at_test[flan_pair[0]]):.3f} [{np.quantile(at_test[flan_pair[0]], 0.025):.3f}, "
      f"{np.quantile(at_test[flan_pair[0]], 0.975):.3f}], opt-1.3b {np.median(at_test[flan_pair[1]]):.3f} "
      f"[{np.quantile(at_test[flan_pair[1]], 0.025):.3f}, {np.quantile(at_test[flan_pair[1]], 0.975):.3f}] (bootstrap)")
print(f"P(t5-base best on flan at 819200): {p_fit:.2f} from the bootstrap of the fit; "
      f"{p_forecast:.2f} with the V1 forecast error ({V1_RMSE:.4f} per group) instead")

# %% [markdown]
# Neither way is it a sure call. The bootstrap's intervals overlap (refits that miss the
# largest sizes forecast from further back and predict higher losses), and with the error the
# law actually makes one doubling ahead (V1 RMSE, about 0.02 on a difference of two groups) the
# margin of 0.012 is worth a probability of about 0.7. Two more checks, inside the training
# data and across forms:

# %%
checks = []
for name, cut, at in (("V1", 204800.0, 409600.0), ("V2", 102400.0, 204800.0), ("V4", 51200.0, 102400.0)):
    measured = table[table.sft_data_size == at].set_index("group").sft_loss
    for dataset in DATASETS:
        groups = [g for g in measured.index if g.endswith(f"'{dataset}')")]
        law_pick = min(groups, key=lambda g: predict({"sft_data_size": [at]}, fitted_in_folds[CHOSEN, cut][g])[0])
        checks.append({"fold": name, "predicts": int(at), "dataset": dataset,
                       "measured best": measured[groups].idxmin(), "law's pick": law_pick,
                       "agree": law_pick == measured[groups].idxmin()})
checks = pd.DataFrame(checks)
print(f"the law named the measured best base model in {int(checks.agree.sum())} of {len(checks)} checks")
flan = table[table.dataset == "flan"][TASK.columns]
by_form = []
for c in candidates[1:]:
    fitted = c.fit(flan)
    pred = {g: c.predict({"sft_data_size": [819200.0]}, p)[0] for g, p in fitted.items()}
    first, second = sorted(pred, key=pred.get)[:2]
    by_form.append({"candidate": c.name, "flan pick at 819200": first.strip("()").split(",")[0].strip("'"),
                    "runner-up": second.strip("()").split(",")[0].strip("'"),
                    "margin": round(pred[second] - pred[first], 4)})
pd.DataFrame(by_form)

# %% [markdown]
# Fitted up to 51200, 102400 and 204800, the law named the measured best base model at the next
# size for all three datasets every time, including flan's switch from opt-6.7b (best at 102400)
# to opt-1.3b (best from 204800). Across forms, every weighted fit picks t5-base on flan at
# 819200, and the unweighted fits (the rectified law, the logarithmic law, the offset power law)
# pick opt-1.3b; those are the forms that validate worse. **The law's flan pick at 819200 is
# t5-base, with a probability of roughly 0.65-0.7 of being right**: opt-1.3b, the measured best
# at 409600, is a close alternative, and a person choosing between the two should run both.
#
# **How much data for a target loss.** For each dataset, the three base models that reach a
# target loss with the least data:

# %%
rows = []
with warnings.catch_warnings():  # sizes beyond 409600 extrapolate; the table marks them instead
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    for dataset, target in (("flan", 1.6), ("gigaword", 0.9), ("wikiword", 1.3)):
        needs = [data_for_loss(g, target) for g in PARAMS if g.endswith(f"'{dataset}')")]
        for need in sorted(needs, key=lambda n: n["sft_data_size"])[:3]:
            rows.append({"dataset": dataset, "target loss": target, "group": need["group"],
                         "examples needed": f"{need['sft_data_size']:.3g}", "extrapolates": bool(need["warnings"])})
pd.DataFrame(rows)

# %% [markdown]
# Every size beyond 409600 is an extrapolation, and the function says so in its `warnings`;
# trust it one doubling out (to about 820K), not further.
#
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same routine
# and bootstrap intervals (`scalinglaws fit sft --csv runs.csv` from the command line). Here, as
# if we had fine-tuned t5-base on flan only up to 51200 examples:

# %%
import scalinglaws

own_runs = table[(table.group == "('t5-base', 'flan')") & (table.sft_data_size <= 51200)][TASK.columns]
own = scalinglaws.fit("sft", own_runs, bootstrap=30, seed=0)
forecast = own.predict([{"sft_data_size": 409600}])[0]
print(f"fitted to {own.rows} runs: R2 {own.r2:.5f}; predicted loss at 409600: {forecast:.3f} "
      f"(measured {measured_top[flan_pair[0]]:.3f})")
own.intervals.set_index(["group", "constant"]).map(lambda v: f"{v:.4g}")

# %% [markdown]
# Nine runs up to 51200 examples pin the level but not the break: the interval of $D_0$ spans
# its whole range, and three doublings ahead the forecast (1.776) is 0.06 above the measured
# loss, because at 51200 the curve has not yet shown that it keeps steepening. Fit the law on
# runs that reach within a doubling or two of the size you want to predict.
