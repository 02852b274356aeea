# %% [markdown]
# # U-shaped scaling: when do a benchmark's easy questions recover?
#
# Wu & Lo (2024) split each benchmark's questions into thirds by difficulty and follow each
# third's score against training compute. On the easiest third, the score first *worsens* as
# models grow and recovers only later: a U shape. On the hardest third the opposite happens.
# The two trends cancel until the easy questions recover, and then the benchmark's score
# jumps. That jump is what is called an emergent ability.
#
# **Task** `easy_question_scaling_law` of SLDBench: `log_flops` → `brier_score`, for 9 benchmarks.
# `log_flops` is $\log_{10}$ of the training FLOPs in units of $10^{21}$, so it is negative below
# $10^{21}$ FLOPs. `brier_score` is the negated Brier score of the easiest third of the
# questions: 0 is perfect and more negative is worse. The held-out test rows are the models
# above each benchmark's compute threshold, so they are all larger than any of that
# benchmark's training models. A law may have at most 6 constants per benchmark.
#
# This notebook is the source of `scalinglaws.laws.u_shape`: the cells tagged `export` are
# written into that module by `scalinglaws export`.

# %%
import dataclasses
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import contract, data, fitting, metrics

pd.set_option("display.precision", 4)
pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 200)
plt.rcParams["figure.figsize"] = (10, 7.5)
plt.rcParams["figure.dpi"] = 80

table = data.load("u_shape")
TASK = data.task("u_shape")
BENCHMARKS = sorted(table.group.unique())


def noise(rows):
    """Scatter of the score between neighbouring models: the std of successive differences / sqrt(2)."""
    return float(np.std(np.diff(rows.sort_values("log_flops", kind="mergesort").brier_score)) / np.sqrt(2))


def late_mean(rows):
    """Mean score of the quarter of the rows with the most compute (at least 5 rows)."""
    k = max(5, int(round(len(rows) / 4)))
    return float(rows.sort_values("log_flops", kind="mergesort").brier_score.iloc[-k:].mean())


summary = pd.DataFrame([
    {"benchmark": g, "rows": len(r), "last log_flops": r.log_flops.max(),
     "smallest models": r.nsmallest(3, "log_flops").brier_score.mean(), "worst": r.brier_score.min(),
     "largest quarter": late_mean(r), "noise": noise(r)}
    for g, r in table.groupby("group")
]).set_index("benchmark")
summary.round(3)

# %% [markdown]
# ## The data
#
# Each benchmark has 19 to 54 models between $10^{20.1}$ and $10^{23.3}$ FLOPs. All benchmarks
# start at the same smallest model (log_flops $= -0.90$), but their last training model differs:
# it is at 0.86 for hindu_knowledge, at 1.43 for mmlu and conceptual_combinations, and at 2.28
# for four of the benchmarks. Beyond that line (dotted in the figure) lie the held-out models.

# %%
fig, axes = plt.subplots(3, 3, sharex=True)
for ax, benchmark in zip(axes.ravel(), BENCHMARKS):
    rows = table[table.group == benchmark]
    ax.plot(rows.log_flops, rows.brier_score, ".", color="black", ms=4)
    ax.axvline(rows.log_flops.max(), color="grey", ls=":", lw=1)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set(title=benchmark, ylim=(-0.85, 0.03))
for ax in axes[-1]:
    ax.set_xlabel("log_flops (log10 FLOPs / 1e21)")
for ax in axes[:, 0]:
    ax.set_ylabel("brier_score")
fig.suptitle("Easy-question score against compute; dotted: each benchmark's last training model")
fig.tight_layout()
plt.show()

# %% [markdown]
# The data show three phases rather than a single U:
#
# 1. **A fast early rise.** The smallest models are poor, and the score improves quickly
#    within about one decade of compute. On arithmetic it goes from -0.58 to about -0.2. The
#    same rise appears on abstract_narrative_understanding, parsinlu_qa_mc,
#    conceptual_combinations, arc and hellaswag.
# 2. **A slow dip.** After the rise, the score sinks slowly:
#    - mmlu goes from -0.43 to about -0.55 over two decades;
#    - hindu_knowledge goes from -0.40 to about -0.45, with single models at -0.5 (its data
#      end at 0.86);
#    - parsinlu_qa_mc drops back to about -0.47;
#    - analogical_similarity stays flat at about -0.55.
# 3. **The recovery.** It is visible only on abstract_narrative_understanding, which climbs
#    steadily from -0.68 to about -0.19 (its last quarter), and on arc and hellaswag, which
#    are already near 0 (-0.02 and -0.002). mmlu's last two models hint at it, no more.
#
# The noise is large compared with these trends. The scatter between neighbouring models is
# 0.02 to 0.06 on most benchmarks, and 0.09 to 0.11 on abstract_narrative_understanding and
# arithmetic. After the early rise, each benchmark's trend is only 0.05 to 0.15 over one to two
# decades. Some models are bad on several benchmarks at once; the one at log_flops 1.43, for
# example, is poor on arc, hellaswag and abstract_narrative_understanding. The held-out models
# lie in a recovery that most benchmarks' training rows only begin to show, if at all. That is
# what makes this the hardest SLDBench task.
#
# ## Candidate forms
#
# Every form is fitted by least squares on the score itself, because the metric is the mean
# squared error of the score. Fits use the package's multi-start routine (`fitting.least_squares`,
# `fit_groups`, `fit_shared`), bounded where the form needs it.
#
# - **Reference: persistence.** Each benchmark's mean score over its top quarter of training
#   rows, held constant. It is not a law, since it has no dependence on compute, but it is the
#   level a forecaster would hold, and a law should be judged against it.
# - **(a) The source study's approach.** Wu & Lo fit each difficulty group with a polynomial of
#   low degree in log compute. We fit degrees 1, 2 and 3 per benchmark, with 2 to 4 constants.
# - **(b) The best published form** (SLDBench leaderboard, 0.9316 held out):
#   $a (x-c)^2 + b (x-c) + d\,e^{-e|x-c|} + f$, with 6 constants per benchmark. It is fitted by
#   our routine: for each benchmark, 12 starts are built by variable projection on a grid of
#   $(c, e)$, where $a, b, d, f$ are solved linearly and $c$ is kept inside the data.
# - **(c) Forms that respect what the score is.** Such a form is never above 0, approaches 0 as
#   models become perfect, and dips before it recovers. We model the *badness*
#   $b = -\text{score} \ge 0$:
#   - *Gaussian badness* $b = \exp(l + v (x-1) - w (x-1)^2)$, with $w \ge 0$ (3 constants). The
#     log of the badness is a concave parabola in log compute. The badness rises to a bottom of
#     the score at $x = 1 + v/2w$ and then falls to 0 for ever: a log-normal bump.
#   - *Transient + Gaussian* $b = A e^{-\alpha (x+1)} + \exp(l + v (x-1) - w (x-1)^2)$
#     (5 constants). The Gaussian above plus a decaying term for the fast early rise: $A$ is the
#     excess badness of the smallest models, at $10^{20}$ FLOPs.
# - **(d) Shared shapes.** The curvature of the dip cannot be seen on a benchmark whose data
#   stop at its bottom, so it is borrowed from the benchmarks that show it:
#   - the Gaussian badness with one curvature $w$ for all benchmarks (2 + 1 shared constants);
#   - the transient + Gaussian with the transient's rate $\alpha$ and the curvature $w$ shared
#     (3 + 2 shared constants). This is the law chosen below, so its cell is the exported code.
#
# The research for this notebook also scored, under the same protocols, a logistic-quadratic
# badness, a product of a dip sigmoid and a recovery sigmoid, a decaying power plus a Gaussian
# dip in the score, a double descent, and a transient plus a power law, each alone and with
# shared constants. None of them reached the chosen law's mean validation R2: theirs ranged from
# 0.18 to 0.84. Several of these fits take seconds, so they are left out here.

# %% tags=["export"]
import warnings

import numpy as np

from scalinglaws import contract, data, decide, fitting

TASK = data.task("u_shape")

FORM = (
    r"\mathrm{brier\_score} = -\left[A\,e^{-\alpha\,(x+1)} + "
    r"\exp\!\big(\min\{l + v\,(x-1) - w\,(x-1)^2,\ 0\}\big)\right],\quad x = \mathrm{log\_flops}"
)
PARAM_NAMES = ["A", "alpha", "l", "v", "w"]

# alpha and w are shared by all benchmarks; A, l and v are each benchmark's own. A fit's
# vector is [alpha, w, then A, l, v of each benchmark] (fitting.fit_shared's layout).
# Four fixed starts (alpha in {2, 4} x w in {0.05, 0.3}); all reach the same optimum.
_STARTS = fitting.grid_starts([2.0, 4.0], [0.05, 0.3], [0.2], [np.log(0.4)], [0.0])
_BOUNDS = ([1.0, 0.0, 0.0, -12.0, -5.0], [10.0, 5.0, 2.0, 0.0, 5.0])
# A benchmark fitted alone keeps alpha and w at the packaged shared values.
_OWN_STARTS = fitting.grid_starts([0.05, 0.5], [np.log(0.1), np.log(0.5)], [0.0])


def predict(X, params):
    """Score of the easiest third of a benchmark's questions at ``X["log_flops"]``.

    The badness (minus the score) is a transient that decays from the smallest models,
    plus a log-normal bump: the dip and its recovery. The bump is capped at badness 1,
    so the score never falls below -1 from the bump alone.
    """
    A, alpha, l, v, w = params
    x = np.asarray(X["log_flops"], dtype=float)
    u = x - 1.0
    return -(A * np.exp(-alpha * (x + 1.0)) + np.exp(np.minimum(l + v * u - w * u * u, 0.0)))


def _arrange(shared, own):
    return [own[0], shared[0], own[1], own[2], shared[1]]


def _jacobian(table):
    """The analytic Jacobian of fit_shared's residuals for ``table`` (its layout and row order)."""
    groups = list(dict.fromkeys(table[TASK.group_column]))
    code = table[TASK.group_column].map({g: i for i, g in enumerate(groups)}).to_numpy()
    x = table["log_flops"].to_numpy(dtype=float)
    u, rows = x - 1.0, np.arange(len(x))

    def jacobian(theta):
        alpha, w = theta[0], theta[1]
        own = theta[2:].reshape(len(groups), 3)
        transient = np.exp(-alpha * (x + 1.0))
        q = own[code, 1] + own[code, 2] * u - w * u * u
        bump = np.where(q < 0.0, np.exp(np.minimum(q, 0.0)), 0.0)  # flat where capped
        J = np.zeros((len(x), theta.size))
        J[:, 0] = own[code, 0] * (x + 1.0) * transient
        J[:, 1] = bump * u * u
        J[rows, 2 + 3 * code] = -transient
        J[rows, 3 + 3 * code] = -bump
        J[rows, 4 + 3 * code] = -bump * u
        return J

    return jacobian


def fit(table):
    """Fit all benchmarks jointly: alpha and w shared, A, l, v per benchmark.

    A table with a single benchmark (SLDBench's evaluator fits one group at a time) keeps
    alpha and w at the packaged values fitted on all nine benchmarks, and fits A, l, v.
    """
    groups = table[TASK.group_column].unique()
    if len(groups) == 1:
        packaged = next(iter(contract.load_params("u_shape").values()))
        alpha, w = packaged[1], packaged[4]

        def alone(X, own):
            return predict(X, [own[0], alpha, own[1], own[2], w])

        fitted = fitting.fit_groups(alone, table, TASK, _OWN_STARTS, bounds=(_BOUNDS[0][2:], _BOUNDS[1][2:]))
        return {g: [own[0], alpha, own[1], own[2], w] for g, own in fitted.items()}
    return fitting.fit_shared(predict, table, TASK, 2, _arrange, _STARTS, bounds=_BOUNDS, jac=_jacobian(table))


# %%
def polynomial(degree):
    """(a): a polynomial of the given degree in log_flops - 1, per benchmark (numpy's exact fit)."""
    def fit_polynomial(rows):
        return {g: np.polyfit(r.log_flops - 1.0, r.brier_score, degree).tolist()
                for g, r in rows.groupby("group", sort=False)}
    return fit_polynomial


def polynomial_predict(X, params):
    return np.polyval(params, np.asarray(X["log_flops"], dtype=float) - 1.0)


def persistence_fit(rows):
    return {g: [late_mean(r)] for g, r in rows.groupby("group", sort=False)}


def persistence_predict(X, params):
    return np.full(np.shape(X["log_flops"]), params[0], dtype=float)


def published_predict(X, params):
    a, b, c, d, e, f = params
    u = np.asarray(X["log_flops"], dtype=float) - c
    return a * u * u + b * u + d * np.exp(-e * np.abs(u)) + f


def published_jacobian(x):
    def jacobian(t):
        a, b, c, d, e, f = t
        u = x - c
        k = np.exp(-e * np.abs(u))
        return np.column_stack([u * u, u, -2 * a * u - b + d * e * np.sign(u) * k, k, -d * np.abs(u) * k, np.ones_like(u)])
    return jacobian


def published_fit(rows):
    """(b): per benchmark, 12 starts by variable projection on a (c, e) grid, then all 6 constants."""
    fitted = {}
    for g, r in rows.groupby("group", sort=False):
        x, y = r.log_flops.to_numpy(), r.brier_score.to_numpy()
        starts = []
        for c in np.quantile(x, [0.2, 0.4, 0.6, 0.8]):
            for e in (0.5, 2.0, 8.0):
                u = x - c
                basis = np.column_stack([u * u, u, np.exp(-e * np.abs(u)), np.ones_like(u)])
                a, b, d, f = np.linalg.lstsq(basis, y, rcond=None)[0]
                starts.append([a, b, c, d, e, f])
        bounds = ([-np.inf, -np.inf, x.min(), -np.inf, 0.05, -np.inf], [np.inf, np.inf, x.max(), np.inf, 20.0, np.inf])
        result = fitting.least_squares(lambda t: published_predict({"log_flops": x}, t) - y, np.array(starts),
                                       bounds=bounds, max_nfev=400, jac=published_jacobian(x))
        fitted[g] = result.params.tolist()
    return fitted


def gaussian_predict(X, params):
    l, v, w = params
    u = np.asarray(X["log_flops"], dtype=float) - 1.0
    return -np.exp(np.minimum(l + v * u - w * u * u, 0.0))


GAUSSIAN_BOUNDS = ([-12.0, -10.0, 0.0], [0.0, 10.0, 10.0])
TRANSIENT_BOUNDS = ([0.0, 1.0, -12.0, -5.0, 0.0], [2.0, 10.0, 0.0, 5.0, 5.0])
candidates = [
    fitting.Candidate("persistence: mean of the top quarter", "1", persistence_fit, persistence_predict,
                      "reference (not a law)"),
    fitting.Candidate("(a) polynomial, degree 1", "2", polynomial(1), polynomial_predict, "source study"),
    fitting.Candidate("(a) polynomial, degree 2", "3", polynomial(2), polynomial_predict, "source study"),
    fitting.Candidate("(a) polynomial, degree 3", "4", polynomial(3), polynomial_predict, "source study"),
    fitting.Candidate("(b) a(x-c)^2 + b(x-c) + d exp(-e|x-c|) + f", "6", published_fit, published_predict,
                      "best published (SLDBench)"),
    fitting.Candidate(
        "(c) Gaussian badness", "3",
        lambda rows: fitting.fit_groups(
            gaussian_predict, rows, TASK,
            fitting.grid_starts([np.log(0.05), np.log(0.5)], [-1.0, 0.0, 0.5], [0.0, 0.1, 0.5]),
            bounds=GAUSSIAN_BOUNDS, keep=4),
        gaussian_predict, "ours"),
    fitting.Candidate(
        "(c) transient + Gaussian", "5",
        lambda rows: fitting.fit_groups(
            predict, rows, TASK,
            fitting.grid_starts([0.05, 0.3], [3.0], [np.log(0.05), np.log(0.5)], [-0.5, 0.0, 0.3], [0.0, 0.3]),
            bounds=TRANSIENT_BOUNDS, keep=4),
        predict, "ours"),
    fitting.Candidate(
        "(d) Gaussian badness, shared w", "2 + 1 shared",
        lambda rows: fitting.fit_shared(
            gaussian_predict, rows, TASK, 1, lambda shared, own: [own[0], own[1], shared[0]],
            fitting.grid_starts([0.05, 0.3], [np.log(0.4)], [-0.5, 0.0]), bounds=([0.0, -12.0, -10.0], [10.0, 0.0, 10.0])),
        gaussian_predict, "ours"),
    fitting.Candidate("(d) transient + Gaussian, shared alpha and w", "3 + 2 shared", fit, predict, "ours; chosen"),
]

# %% [markdown]
# ## Choosing the form by validation
#
# Per benchmark, we hold back the training rows with the most compute, fit every candidate on
# the rest, and score SLDBench's R2 (and NMAE) on the held-back rows of all benchmarks
# together. Two protocols were fixed before any result was seen, and candidates are ranked by
# the mean of their two R2:
#
# - **P1** holds back the top 25% of each benchmark's rows by compute, and at least 5. That is
#   5 to 14 rows per benchmark and 100 in all, covering the last 0.4 to 0.5 decade. It is a
#   short extrapolation with enough rows in every benchmark, including hindu_knowledge, which
#   has only 19.
# - **P2** holds back the rows in the top third of each benchmark's log_flops range: one decade
#   for most benchmarks and 0.6 for hindu_knowledge. It comes closer to the real split, which
#   extrapolates 1.2 to 2.6 decades. Models are dense at large compute, so P2 holds back about
#   half of the rows (208).
#
# A form is **out** if its prediction rises above 0, falls below -2 (the possible range of the
# negated Brier score), or is not finite anywhere inside a benchmark's held-back log_flops range.

# %%
def top_quarter_holdout(rows):
    """P1: per benchmark, hold back the top 25% of rows by log_flops (at least 5)."""
    held = np.zeros(len(rows), dtype=bool)
    for _, r in rows.groupby("group", sort=False):
        k = max(5, int(round(0.25 * len(r))))
        held[rows.index.get_indexer(r.sort_values("log_flops", kind="mergesort").index[-k:])] = True
    return rows[~held].copy(), rows[held].copy()


def top_third_holdout(rows):
    """P2: per benchmark, hold back the rows in the top third of its log_flops range."""
    held = np.zeros(len(rows), dtype=bool)
    for _, r in rows.groupby("group", sort=False):
        cut = r.log_flops.max() - (r.log_flops.max() - r.log_flops.min()) / 3
        held[rows.index.get_indexer(r.index[r.log_flops > cut])] = True
    return rows[~held].copy(), rows[held].copy()


protocols = {"P1": top_quarter_holdout(table), "P2": top_third_holdout(table)}
pd.DataFrame({name: held.groupby("group").size() for name, (_, held) in protocols.items()}).T

# %%
fitted_in = {}  # (protocol, candidate) -> constants, kept for the range check and the figure


def remembered(candidate, protocol):
    def fit_and_keep(rows):
        fitted_in[protocol, candidate.name] = candidate.fit(rows)
        return fitted_in[protocol, candidate.name]
    return dataclasses.replace(candidate, fit=fit_and_keep)


def leaves_the_score_range(candidate, params, held):
    """(benchmark, lowest, highest) where the prediction leaves [-2, 0] or is not finite in the held-back range."""
    bad = []
    for g, r in held.groupby("group", sort=False):
        grid = {"log_flops": np.linspace(r.log_flops.min(), r.log_flops.max(), 200)}
        with np.errstate(all="ignore"):
            y = np.asarray(candidate.predict(grid, params[g]), dtype=float)
        if not np.all(np.isfinite(y)) or y.max() > 0 or y.min() < -2:
            bad.append((g, float(np.nanmin(y)), float(np.nanmax(y))))
    return bad


scores = {}
for name, split in protocols.items():
    scores[name] = fitting.validation_table([remembered(c, name) for c in candidates], [split], TASK)
validation = scores["P1"][["candidate", "constants", "origin"]].copy()
for name in protocols:
    validation[f"R2 {name}"] = scores[name].r2
    validation[f"NMAE {name}"] = scores[name].nmae
validation["mean R2"] = (validation["R2 P1"] + validation["R2 P2"]) / 2
out, excursions = [], []
for c in candidates:
    reasons = []
    for name, (_, held) in protocols.items():
        bad = leaves_the_score_range(c, fitted_in[name, c.name], held)
        if bad:
            reasons.append(f"{name}: {', '.join(sorted(g for g, _, _ in bad))}")
        excursions += [{"candidate": c.name, "protocol": name, "benchmark": g, "lowest": lo, "highest": hi}
                       for g, lo, hi in bad]
    out.append("; ".join(reasons))
validation["out on"] = out
validation.round(4)

# %% [markdown]
# The chosen form is the transient + Gaussian with $\alpha$ and $w$ shared. Its mean R2 is 0.872
# (0.904 on P1 and 0.840 on P2), the best of every law here. It beats the source study's
# polynomials and the published form on both protocols.
#
# - **The polynomials and the published form extrapolate badly.** Quadratics bend away as soon
#   as the extrapolation gets longer (degree 2: 0.90 on P1 but 0.54 on P2). Lines and cubics
#   rise above 0, which the score never does, and are out. The published form scores 0.89 on
#   P1, but even there it rises slightly above 0 on arc, hellaswag and
#   abstract_narrative_understanding. On P2 it diverges on conceptual_combinations, up to +16,
#   so it is out on both protocols.
# - **Forms with more freedom per benchmark collapse on P2.** The per-benchmark transient +
#   Gaussian wins P1 (0.926), but it falls to 0.45 on P2, where the curvature and slope it
#   learns from a few rows carry it off. Sharing $\alpha$ and $w$ is what keeps it stable over a
#   long extrapolation. The simpler Gaussian badness (3 constants) is more robust, but it
#   cannot follow the fast early rise, so it is worse on both protocols.
# - **Persistence beats every law, honestly.** Holding each benchmark's late level (0.918 and
#   0.876) beats the chosen law on both protocols. Inside the training split, the validation
#   rewards a form for keeping the late level and not diverging, and it cannot see a recovery
#   that most benchmarks have not started yet. We still choose a law and not persistence,
#   because the held-out models lie in the recovery that persistence excludes by
#   construction. Among the laws, the chosen one comes closest to persistence on the held-back
#   rows.
#
# Where the forms marked out leave the possible range of the score, inside the held-back range:

# %%
pd.DataFrame(excursions).round(2)

# %% [markdown]
# How each candidate extrapolates on P2, for three benchmarks whose data stop in the dip:

# %%
shown = {"(a) polynomial, degree 2": "(a) degree 2", "(b) a(x-c)^2 + b(x-c) + d exp(-e|x-c|) + f": "(b) published",
         "(c) transient + Gaussian": "(c) transient + Gaussian", "(d) transient + Gaussian, shared alpha and w": "(d) chosen"}
by_name = {c.name: c for c in candidates}
inner, held = protocols["P2"]
fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), sharey=True)
for ax, benchmark in zip(axes, ["mmlu", "parsinlu_qa_mc", "conceptual_combinations"]):
    seen, unseen = inner[inner.group == benchmark], held[held.group == benchmark]
    ax.plot(seen.log_flops, seen.brier_score, ".", color="black", ms=4, label="fitted rows")
    ax.plot(unseen.log_flops, unseen.brier_score, "x", color="black", ms=4, label="held back (P2)")
    grid = {"log_flops": np.linspace(-0.9, table[table.group == benchmark].log_flops.max(), 150)}
    for name, label in shown.items():
        curve = by_name[name].predict(grid, fitted_in["P2", name][benchmark])
        ax.plot(grid["log_flops"], curve, label=label)
    ax.axvline(seen.log_flops.max(), color="grey", ls=":", lw=1)
    ax.set(title=benchmark, xlabel="log_flops", ylim=(-1.0, 0.05))
axes[0].set_ylabel("brier_score")
axes[0].legend(fontsize=7, loc="lower left")
fig.suptitle("P2: fitted on the rows left of the dotted line, scored on the crosses")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The law, fitted on all training rows
#
# $$\text{brier\_score} = -\Big[A\,e^{-\alpha (x+1)} + \exp\big(l + v (x-1) - w (x-1)^2\big)\Big],\qquad x = \text{log\_flops}$$

# %%
PARAMS_FITTED = fit(table)
constants = pd.DataFrame(PARAMS_FITTED, index=PARAM_NAMES).T.loc[BENCHMARKS]
print(f"shared: alpha = {constants.alpha.iloc[0]:.4f}, w = {constants.w.iloc[0]:.4f}")
constants[["A", "l", "v"]].round(4)

# %% [markdown]
# Uncertainty comes from a bootstrap: 60 refits on rows resampled within each benchmark
# (seed 0), with 95% percentile intervals.

# %%
draws = fitting.bootstrap(fit, table, n=60, seed=0)
print(f"bootstrap refits: {draws.attempted - draws.failed} of {draws.attempted} converged")
spread = fitting.intervals(PARAMS_FITTED, draws, PARAM_NAMES)
spread["value"] = [f"{e:.3f} [{lo:.3f}, {hi:.3f}]"
                   for e, lo, hi in spread[["estimate", "low_95%", "high_95%"]].to_numpy()]
shared_draws = draws.draws[BENCHMARKS[0]]
for j, name in ((1, "alpha"), (4, "w")):
    row = spread[(spread.group == BENCHMARKS[0]) & (spread.constant == name)].iloc[0]
    print(f"{name} (shared): {row.value}")
print(f"draws with w < 0.001 (no recovery within reach): {int(np.sum(shared_draws[:, 4] < 1e-3))} of {len(shared_draws)}")
spread.pivot(index="group", columns="constant", values="value").loc[BENCHMARKS, ["A", "l", "v"]]

# %%
fitted_score = fitting.predict_table(predict, table, PARAMS_FITTED, TASK)
residual = table.brier_score - fitted_score
print(f"R2 on all training rows: {metrics.r2(table.brier_score, fitted_score):.4f}; "
      f"largest |residual|: {np.abs(residual).max():.3f}")
fig, ax = plt.subplots(figsize=(9, 3.8))
for benchmark in BENCHMARKS:
    mask = table.group == benchmark
    ax.plot(table.log_flops[mask], residual[mask], ".", ms=5, label=benchmark)
ax.axhline(0, color="grey", lw=0.8)
ax.set(xlabel="log_flops", ylabel="score - law", title="Residuals against log_flops, all benchmarks")
ax.legend(fontsize=7, ncol=3)
fig.tight_layout()
plt.show()

# %% [markdown]
# The residuals have no trend in compute. Their spread is the noise measured above, largest on
# abstract_narrative_understanding and arithmetic, and a few models that are bad on several
# benchmarks at once show up as shared negative residuals.
#
# ## Extrapolation to log_flops = 3.5
#
# Below is the law for every benchmark up to $10^{24.5}$ FLOPs, with the band of the bootstrap
# refits (2.5% to 97.5%). The dotted line marks each benchmark's last training model.

# %%
grid = {"log_flops": np.linspace(-0.9, 3.5, 177)}
fig, axes = plt.subplots(3, 3, sharex=True)
for ax, benchmark in zip(axes.ravel(), BENCHMARKS):
    rows = table[table.group == benchmark]
    band = np.quantile([predict(grid, d) for d in draws.draws[benchmark]], [0.025, 0.975], axis=0)
    ax.fill_between(grid["log_flops"], *band, color="tab:orange", alpha=0.3, lw=0)
    ax.plot(grid["log_flops"], predict(grid, PARAMS_FITTED[benchmark]), color="tab:orange")
    ax.plot(rows.log_flops, rows.brier_score, ".", color="black", ms=3)
    ax.axvline(rows.log_flops.max(), color="grey", ls=":", lw=1)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set(title=benchmark, ylim=(-1.05, 0.03))
for ax in axes[-1]:
    ax.set_xlabel("log_flops")
for ax in axes[:, 0]:
    ax.set_ylabel("brier_score")
fig.suptitle("The law (line) and its bootstrap band to log_flops = 3.5; dotted: last training model")
fig.tight_layout()
plt.show()

# %%
ahead = pd.DataFrame({
    f"score at log_flops {x}": {b: float(predict({"log_flops": [x]}, PARAMS_FITTED[b])[0]) for b in BENCHMARKS}
    for x in (2.5, 3.5)
})
beyond = {b: predict({"log_flops": np.linspace(table[table.group == b].log_flops.max(), 3.5, 100)}, PARAMS_FITTED[b])
          for b in BENCHMARKS}
ahead["lowest beyond the data"] = [float(beyond[b].min()) for b in BENCHMARKS]
ahead["highest beyond the data"] = [float(beyond[b].max()) for b in BENCHMARKS]
ahead.round(4)

# %% [markdown]
# **What the law says.** The badness of the easy questions is the sum of two mechanisms.
#
# - **The transient** $A\,e^{-\alpha(x+1)}$. The smallest models, at $10^{20}$ FLOPs
#   ($x = -1$), carry an excess badness $A$ that fades quickly as compute grows. Its rate is
#   $\alpha$, shared by all benchmarks: with $\alpha \approx 3.4$ per decade it falls by a
#   factor $e$ every 0.3 decade and is gone by $x \approx 0.5$. This is the early rise.
# - **The dip and its recovery** $\exp(l + v(x-1) - w(x-1)^2)$, a log-normal bump.
#   - $l$ is the log badness at $10^{22}$ FLOPs.
#   - $v$ is its slope per decade there. When $v > 0$ the benchmark is still sinking into the
#     dip; when $v < 0$ it is recovering.
#   - $w$ is the curvature, shared by all benchmarks: every dip turns into a recovery with the
#     same sharpness.
#
#   The bottom of the dip is at $x^* = 1 + v/2w$. Past it the score rises monotonically
#   towards 0. The bump is capped at badness 1; the cap is never active on the data.
#
# Whatever its constants, the law never predicts a score above 0.
#
# **Where not to trust it.**
#
# - **The recovery rate is the weak point.** The curvature $w \approx 0.036$ per decade² is
#   barely identified: its bootstrap interval reaches 0, where no recovery is predicted at all.
#   It comes almost entirely from the mild curvature of mmlu, hindu_knowledge and parsinlu_qa_mc
#   inside their training range. The law therefore predicts a *slow* recovery: mmlu and
#   hindu_knowledge stay near -0.52 up to $10^{24.5}$ FLOPs. If the held-out large models
#   recover quickly, as the source study describes, the law will under-predict that recovery on
#   mmlu, hindu_knowledge, conceptual_combinations and analogical_similarity. Those benchmarks
#   hold most of the held-out rows, so the held-out R2 may fall well short of the 0.93 target.
#   We did not tune the law towards a faster recovery: nothing in the training split supports a
#   larger $w$, and every form with a stronger built-in recovery validated worse. The bootstrap
#   band is the honest statement of this uncertainty: at $x = 3.5$ it spans -0.74 to -0.26 for
#   mmlu and -0.85 to -0.22 for hindu_knowledge.
# - **Arithmetic is noisy and has outlier models.** In 8 of the 60 bootstrap draws its badness
#   climbs to the cap (a score of -1) by $x = 3.5$. Those resamples repeat its outlier models
#   (near -0.44 at log_flops 1.13 and 1.80), which give it a steep slope $v$ into the dip. Its
#   band is wide beyond $x \approx 2$.
# - **The early range.** $\alpha$ is poorly identified, and its interval spans its bounds, but it
#   matters only below $x \approx 0.5$. Below $x = -1$ the transient grows without limit, so do
#   not use the law for models smaller than $10^{20}$ FLOPs.
#
# ## The exported law
#
# The constants are stored in `laws/u_shape.json`. The module reads them back as `PARAMS` and
# builds the leaderboard's `law(input_data, group)` and the evaluator's `fit_scaling_law` /
# `scaling_law_func` from `predict` and `fit`.
#
# SLDBench's evaluator fits one benchmark at a time. Fitted alone, the per-benchmark transient +
# Gaussian is the unstable candidate of the table above (0.45 on P2), so `fit` keeps $\alpha$ and
# $w$ at the packaged values fitted on all nine benchmarks when it is given a single benchmark,
# and fits only $A$, $l$ and $v$. They are part of the law, like a fixed exponent. Given $\alpha$
# and $w$, the joint fit separates by benchmark, so the evaluator's constants are the joint
# fit's, to the optimiser's tolerance.

# %%
stored = contract.save_params(
    "u_shape", PARAMS_FITTED, PARAM_NAMES, table,
    validation=validation.rename(columns={"mean R2": "r2"}).assign(nmae=(validation["NMAE P1"] + validation["NMAE P2"]) / 2),
    chosen="(d) transient + Gaussian, shared alpha and w",
    protocol="mean R2 of P1 (top 25% of each benchmark's rows held back) and P2 (top third of its log_flops range)",
)
print(f"stored the constants in src/scalinglaws/laws/{stored.name}")

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = contract.interfaces("u_shape", predict, fit)

# %% [markdown]
# The stored constants are exactly those `fit` finds on the training split. The leaderboard
# interface predicts what `predict` does, and the evaluator's one-benchmark fit gives back the
# joint fit's constants:

# %%
assert PARAMS == fit(data.load("u_shape"))
example = law([{"log_flops": 2.5}], "mmlu")
assert example[0]["brier_score"] == predict({"log_flops": [2.5]}, PARAMS["mmlu"])[0]
mmlu = table[table.group == "mmlu"]
alone = fit_scaling_law(mmlu[["log_flops"]].to_numpy(), mmlu.brier_score.to_numpy())
np.testing.assert_allclose(alone, PARAMS["mmlu"], atol=1e-4)
print(f"predicted easy-question score of mmlu at 10^23.5 FLOPs: {example[0]['brier_score']:.4f}")

# %% [markdown]
# ## Using the law: when does the easy-question score recover?
#
# For a benchmark, `recovery` gives two points of the dip, in closed form:
#
# - **The bottom of the dip**, $x^* = 1 + v/2w$: the maximum of the bump. Past it the predicted
#   score rises monotonically towards 0.
# - **Half recovery**, $x_{1/2} = x^* + \sqrt{\ln 2 / w}$: where the bump's badness has fallen
#   to half its value at the bottom.
#
# Both are given in log_flops and in training FLOPs ($10^{21} \cdot 10^{x}$). The transient is an
# earlier, separate phenomenon and is left out of the definition; beyond $x = 1$ it is below
# 0.1% of $A$. When $w = 0$ the law predicts no recovery at all, and the function says so.
# The result's `warnings` name every point that lies beyond the training range, both the
# range of all the data and the benchmark's own.

# %% tags=["export"]
def _dip_points(params):
    """(bottom, half recovery) of the bump in log_flops; (None, None) when w = 0 (no recovery)."""
    A, alpha, l, v, w = params
    if w <= 0:
        return None, None
    bottom = 1.0 + v / (2.0 * w)
    return bottom, bottom + float(np.sqrt(np.log(2.0) / w))


def _benchmark_range(group):
    """log_flops range of the benchmark's training rows, as stored with the constants."""
    return contract.load_training_range(TASK.module, group)["log_flops"]


def _flops(log_flops):
    with np.errstate(over="ignore"):
        value = 1e21 * 10.0 ** float(log_flops)
    return value if np.isfinite(value) else None


def recovery(group):
    """Where the law predicts a benchmark's easy-question score to bottom out and to recover.

    Returns a dict with the compute (``*_log_flops`` and ``*_flops``) and the predicted score
    of the dip's bottom and of half recovery (half of the dip's badness gone), whether the law
    predicts a recovery at all (``recovers``; False when the curvature w is 0, and the points
    are then None), a ``statement`` in words, and ``warnings`` naming every point beyond the
    training range of all benchmarks or of this one.
    """
    constants = contract.group_params(TASK.module, PARAMS, group)
    low, high = _benchmark_range(group)
    bottom, half = _dip_points(constants)
    result = {"group": group, "recovers": bottom is not None}
    if bottom is None:
        v = constants[3]
        result["statement"] = (
            "no recovery: the fitted curvature w is 0, so the law's badness "
            + ("grows for ever and the score keeps falling with compute" if v > 0 else
               "keeps falling (the score improves throughout) with no dip to recover from")
        )
        for point in ("bottom", "half_recovery"):
            result.update({f"{point}_log_flops": None, f"{point}_flops": None, f"{point}_brier_score": None})
        result["warnings"] = []
        return result
    for point, x in (("bottom", bottom), ("half_recovery", half)):
        result[f"{point}_log_flops"] = float(x)
        result[f"{point}_flops"] = _flops(x)
        result[f"{point}_brier_score"] = float(predict({"log_flops": [x]}, constants)[0])
    if bottom < low:
        where = "the dip's bottom lies before the benchmark's smallest model: the score is already recovering"
    elif bottom <= high:
        where = "the dip bottoms out inside the benchmark's data"
    else:
        where = "the score is still sinking at the benchmark's largest model; the bottom is an extrapolation"
    result["statement"] = (
        f"{where}; bottom at log_flops {bottom:.2f}, half recovery at log_flops {half:.2f}"
    )
    notes = decide.range_warnings(TASK.module, log_flops=[bottom, half])
    overall = contract.load_training_range(TASK.module)["log_flops"]
    for point, x in (("bottom", bottom), ("half_recovery", half)):
        if overall[0] <= x <= overall[1] and not low <= x <= high:
            message = (f"{point} log_flops = {x:.4g} is outside {group}'s training range "
                       f"[{low:.4g}, {high:.4g}]: the result extrapolates")
            warnings.warn(message, decide.ExtrapolationWarning, stacklevel=2)
            notes.append(message)
    result["warnings"] = notes
    return result


# %% [markdown]
# The recovery points of every benchmark follow, with their 95% bootstrap intervals (from the
# same 60 refits) and the share of refits that put them before $x = 3.5$. The table shows
# where they extrapolate instead of warning.

# %%
def shown_x(x):
    return "none" if x is None else ">10" if x > 10 else "<-3" if x < -3 else f"{x:.2f}"


rows = []
for benchmark in BENCHMARKS:
    with warnings.catch_warnings():  # most points extrapolate; the table marks it instead
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        point = recovery(benchmark)
    refits = [_dip_points(d) for d in draws.draws[benchmark]]
    bottoms = np.array([np.inf if b is None else b for b, _ in refits])
    halves = np.array([np.inf if h is None else h for _, h in refits])
    rows.append({
        "benchmark": benchmark, "last training": round(float(table[table.group == benchmark].log_flops.max()), 2),
        "bottom": shown_x(point["bottom_log_flops"]),
        "bottom 95%": f"[{shown_x(np.quantile(bottoms, 0.025))}, {shown_x(np.quantile(bottoms, 0.975))}]",
        "half recovery": shown_x(point["half_recovery_log_flops"]),
        "half 95%": f"[{shown_x(np.quantile(halves, 0.025))}, {shown_x(np.quantile(halves, 0.975))}]",
        "P(half < 3.5)": round(float(np.mean(halves < 3.5)), 2),
        "extrapolates": bool(point["warnings"]),
    })
pd.DataFrame(rows).set_index("benchmark")

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    mmlu_recovery = recovery("mmlu")
print(mmlu_recovery["statement"])
print(f"bottom: {mmlu_recovery['bottom_flops']:.3g} FLOPs (score {mmlu_recovery['bottom_brier_score']:.3f}); "
      f"half recovery: {mmlu_recovery['half_recovery_flops']:.3g} FLOPs "
      f"(score {mmlu_recovery['half_recovery_brier_score']:.3f})")

# %% [markdown]
# abstract_narrative_understanding, arc and hellaswag are past their dip over all of their data.
# For mmlu, parsinlu_qa_mc, hindu_knowledge and analogical_similarity, the law puts the bottom
# of the dip between about $10^{22}$ and $10^{24}$ FLOPs, mostly near the end of their data or
# beyond it. It puts their half recovery beyond $10^{26}$ FLOPs, with bootstrap intervals that
# reach past $10^{31}$. Read these as "not within the compute of today's training data", not
# as dates. They are exactly the quantities that the barely identified curvature $w$ controls.
#
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns. With several
# benchmarks, $\alpha$ and $w$ are fitted jointly, as above. With a single benchmark (no group
# column), they stay at the packaged values, and only $A$, $l$ and $v$ are fitted. Here we
# pretend that mmlu's rows below $10^{22}$ FLOPs are our own runs:

# %%
import scalinglaws

own_runs = mmlu.loc[mmlu.log_flops < 1.0, ["log_flops", "brier_score"]]
own = scalinglaws.fit("u_shape", own_runs, bootstrap=30, seed=0)
print(f"fitted to {own.rows} runs: R2 {own.r2:.4f}")
own.intervals[own.intervals.constant.isin(["A", "l", "v"])].round(4)

# %% [markdown]
# With these runs alone, $l$ and $v$ come within their intervals of the full fit (-0.63 and
# 0.08). The recovery, however, still rests on the curvature $w$ borrowed from all nine
# benchmarks.
