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

# %% tags=["hide-input"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from scalinglaws import data, decide, fitting, metrics, selection

pd.set_option("display.precision", 4)
pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 160)

table = data.load("u_shape")
BENCHMARKS = sorted(table.group.unique())

# %% [markdown]
# The law's code starts here: the task, and the mean score of a benchmark's largest models,
# which the table below shows and one candidate form (persistence) predicts.

# %% tags=["export"]
import numpy as np

from scalinglaws import data, fitting
from scalinglaws.law import Law
from scalinglaws.pool import Candidate, Protocol

TASK = data.task("u_shape")


def late_mean(rows):
    """Mean score of the quarter of the rows with the most compute (at least 5 rows)."""
    k = max(5, int(round(len(rows) / 4)))
    return float(rows.sort_values("log_flops", kind="mergesort")["brier_score"].iloc[-k:].mean())


# %% tags=["hide-input"]
def noise(rows):
    """Scatter of the score between neighbouring models: the std of successive differences / sqrt(2)."""
    return float(np.std(np.diff(rows.sort_values("log_flops", kind="mergesort").brier_score)) / np.sqrt(2))


overview = pd.DataFrame([
    {"benchmark": g, "rows": len(r), "last log_flops": r.log_flops.max(),
     "smallest models": r.nsmallest(3, "log_flops").brier_score.mean(), "worst": r.brier_score.min(),
     "largest quarter": late_mean(r), "noise": noise(r)}
    for g, r in table.groupby("group")
]).set_index("benchmark")
overview.round(3)

# %% [markdown]
# ## The data
#
# Each benchmark has 19 to 54 models between $10^{20.1}$ and $10^{23.3}$ FLOPs. The models are
# one family evaluated on every benchmark: all benchmarks share the smallest model
# (log_flops $= -0.90$) and the same grid of sizes, but each benchmark's training rows stop
# at its own threshold: at 0.86 for hindu_knowledge, 1.43 for mmlu and
# conceptual_combinations, 1.80 for arithmetic, 1.92 for analogical_similarity and 2.28 for
# the other four. Beyond that line (dotted in the figure) lie the held-out models.

# %% tags=["hide-input"]
def benchmark_grid(title):
    """A 3 x 3 grid of panels sharing the x axis, one x label and one y label for the figure."""
    fig, axes = plt.subplots(3, 3, sharex=True, sharey=True, figsize=(5.8, 5.0), layout="constrained")
    for ax in axes.ravel():
        ax.xaxis.set_major_locator(MaxNLocator(4))
    fig.supxlabel("log_flops (log10 FLOPs / 1e21)", fontsize=10)
    fig.supylabel("brier_score (negated)", fontsize=10)
    fig.suptitle(title)
    return fig, axes


fig, axes = benchmark_grid("Easy-question score against compute\n(dotted: each benchmark's last training model)")
for ax, benchmark in zip(axes.ravel(), BENCHMARKS):
    rows = table[table.group == benchmark]
    ax.plot(rows.log_flops, rows.brier_score, ".", color="black", ms=4)
    ax.axvline(rows.log_flops.max(), color="grey", ls=":", lw=1)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_title(benchmark.replace("_", " "), fontsize=8)
    ax.set_ylim(-0.85, 0.03)
plt.show()

# %% [markdown]
# The data show three phases rather than a single U:
#
# 1. **A fast early rise.** The smallest models are poor, and the score improves quickly
#    within about one decade of compute. On arithmetic it goes from -0.77 to about -0.2. The
#    same rise appears on abstract_narrative_understanding, parsinlu_qa_mc,
#    conceptual_combinations, arc and hellaswag.
# 2. **A slow dip.** After the rise, the score sinks slowly:
#    - mmlu goes from -0.43 to about -0.55 over two decades;
#    - hindu_knowledge goes from -0.40 to about -0.45 (its data end at 0.86);
#    - parsinlu_qa_mc drops back from about -0.35 to -0.47;
#    - analogical_similarity stays flat at about -0.55.
# 3. **The recovery.** It is visible only on abstract_narrative_understanding, which climbs
#    steadily from -0.68 to about -0.19 (its largest quarter), and on arc and hellaswag, which
#    are already near 0 (-0.02 and -0.002 in their largest quarter). mmlu's last two models hint at it, no more.
#
# The noise is large compared with these trends: the scatter between neighbouring models is
# 0.02 to 0.06 on most benchmarks and about 0.1 on abstract_narrative_understanding and
# arithmetic, while after the early rise each benchmark moves by only 0.05 to 0.15 over one
# to two decades. Some models are bad on several benchmarks at once (the one at log_flops
# 1.43 on arc, hellaswag and abstract_narrative_understanding). The held-out models lie where
# most benchmarks' training rows show no recovery yet: that is what makes this the hardest
# SLDBench task, and what the choice of a law must be honest about.
#
# ## Candidate forms
#
# Every form is fitted by least squares on the score itself (the metric is the squared error
# of the score), per benchmark unless it shares constants; all stay within 6 constants per
# benchmark.
#
# *Published:*
#
# 1. **Quadratic with upward curvature** (`quadratic`; SLDBench's honest anchor, after Wu & Lo's
#    polynomial fits): $y_0 + k\,(x - m)^2$ with $k \ge 0$, per benchmark. Written as
#    $a + b\,(x-1) + k\,(x-1)^2$, $k \ge 0$, it is linear in its constants and is fitted
#    exactly (the same family, with its limit $k = 0$ a straight line).
# 2. **Leaderboard form** (`leaderboard`; SLDBench's best, 0.9316 held out, chosen with the test in view):
#    $a (x-c)^2 + b (x-c) + d\,e^{-e|x-c|} + f$, 6 constants, fitted by profile least
#    squares: $a, b, d, f$ solved linearly at each point of a grid of $(c, e)$ (19 quantiles
#    of the benchmark's log_flops, 13 rates from 0.25 to 16), the best point kept.
#
# *Conservative* (they promise less beyond the data):
#
# 3. **Persistence of the last level** (`persistence`): the mean score of each benchmark's largest quarter
#    of models, held constant (1 constant).
# 4. **Monotone saturating** (`saturating`): $c + B\,e^{-r (x+1)}$, $r > 0$, per benchmark (3 constants). The
#    score moves monotonically from the smallest models ($x = -1$, $10^{20}$ FLOPs) towards a
#    plateau $c$: it captures the early rise or a sinking that levels off, and never turns.
# 5. **Transient and plateau with one rate** (`one-rate`): the same form with the rate $r$ shared by all
#    benchmarks (2 + 1 shared): one speed of the early transient everywhere.
# 6. **Tail-only linear trend** (`tail-linear`): a straight line through each benchmark's last decade of
#    models, clipped to the score's range $[-2, 0]$.
#
# *Ours:*
#
# 7. **v1, transient + Gaussian dip** (`v1`) with shared rate and curvature (3 + 2 shared):
#    $-\big[A e^{-\alpha (x+1)} + \exp(l + v (x-1) - w (x-1)^2)\big]$; the recovery is the
#    Gaussian's fall, with one curvature $w$ for all.
# 8. **Quadratic with one curvature for all** (`one-curvature`): $a + b\,(x-1) + k\,(x-1)^2$ with $k \ge 0$
#    shared (2 + 1 shared): a U whose width is borrowed from every benchmark, so that a
#    benchmark whose data stop at its bottom still gets a recovery.
#
# Neither the leaderboard entry nor Wu & Lo print constants for these benchmarks that this
# package holds, so no form here comes with published constants (`published=`): each is
# fitted to the runs. The pool is part of the law: the cell below is exported with it, so that
# a study of your own runs (`scalinglaws.study("u_shape", runs)`) weighs the same eight forms by
# the same protocol, and every form can be used by its key (`predict(X, form="quadratic")`).

# %% tags=["export"]
def _x(X):
    return np.asarray(X["log_flops"], dtype=float)


def _benchmarks(rows):
    """(name, log_flops, score) of each benchmark of a table, in the table's order."""
    return [(str(g), r["log_flops"].to_numpy(dtype=float), r["brier_score"].to_numpy(dtype=float))
            for g, r in rows.groupby(TASK.group_column, sort=False)]


def quadratic(X, params):
    """a + b (x - 1) + k (x - 1)^2, k >= 0: y0 + k (x - m)^2 written linearly."""
    a, b, k = params
    u = _x(X) - 1.0
    return a + b * u + k * u * u


def _nonnegative_curvature(basis, y):
    """Least squares with the last column's coefficient >= 0 (else that column dropped)."""
    coef = np.linalg.lstsq(basis, y, rcond=None)[0]
    if coef[-1] < 0:
        coef = np.r_[np.linalg.lstsq(basis[:, :-1], y, rcond=None)[0], 0.0]
    return coef


def quadratic_fit(rows, start=None):
    """Each benchmark on its own, exactly (linear least squares with k >= 0)."""
    out = {}
    for g, x, y in _benchmarks(rows):
        u = x - 1.0
        out[g] = _nonnegative_curvature(np.column_stack([np.ones_like(u), u, u * u]), y).tolist()
    return out


def one_curvature_fit(rows, start=None):
    """a and b per benchmark, one curvature k >= 0 for all, exactly."""
    parts = _benchmarks(rows)
    blocks = []
    for i, (_, x, _) in enumerate(parts):
        u = x - 1.0
        block = np.zeros((len(x), 2 * len(parts) + 1))
        block[:, 2 * i], block[:, 2 * i + 1], block[:, -1] = 1.0, u, u * u
        blocks.append(block)
    coef = _nonnegative_curvature(np.vstack(blocks), np.concatenate([y for _, _, y in parts]))
    return {g: [float(coef[2 * i]), float(coef[2 * i + 1]), float(coef[-1])] for i, (g, _, _) in enumerate(parts)}


def leaderboard(X, params):
    """a (x - c)^2 + b (x - c) + d exp(-e |x - c|) + f: SLDBench's best entry."""
    a, b, c, d, e, f = params
    u = _x(X) - c
    return a * u * u + b * u + d * np.exp(-e * np.abs(u)) + f


def leaderboard_fit(rows, start=None):
    """Profile least squares on a grid of (c, e): a, b, d, f solved linearly at each point.

    The best grid point wins; points whose costs agree to 1e-6 are a tie kept by grid order.
    (A nonlinear polish from there lands on different optima on different CPUs: the form is
    ill-conditioned wherever exp(-e|x - c|) is nearly a line.)
    """
    fitted = {}
    for g, x, y in _benchmarks(rows):
        best = None
        for c in np.quantile(x, np.linspace(0.05, 0.95, 19)):
            for e in np.geomspace(0.25, 16.0, 13):
                u = x - c
                basis = np.column_stack([u * u, u, np.exp(-e * np.abs(u)), np.ones_like(u)])
                a, b, d, f = np.linalg.lstsq(basis, y, rcond=1e-8)[0]
                cost = float(np.sum((basis @ [a, b, d, f] - y) ** 2))
                if best is None or cost < best[0] * (1 - 1e-6) - 1e-12:
                    best = (cost, [float(a), float(b), float(c), float(d), float(e), float(f)])
        fitted[g] = best[1]
    return fitted


def persistence(X, params):
    """The last level, held constant."""
    return np.full(np.shape(_x(X)), params[0], dtype=float)


def persistence_fit(rows, start=None):
    """The mean score of each benchmark's largest quarter of models."""
    return {str(g): [late_mean(r)] for g, r in rows.groupby(TASK.group_column, sort=False)}


# The plateau c is a score (at most 0, at least -2); B is free in sign; the rate r per decade
# is positive (at 20 the transient is gone within the first tenth of a decade).
_BOUNDS = ([-2.0, -5.0, 0.05], [0.0, 5.0, 20.0])
_RATES = (0.3, 1.0, 3.0, 8.0)


def formula(X, params):
    """The easy-question score at ``X["log_flops"]``: monotone from the smallest models to a plateau c."""
    c, B, r = params
    x = np.asarray(X["log_flops"], dtype=float)
    return c + B * np.exp(-r * (x + 1.0))


def _jacobian(x):
    def jacobian(params):
        c, B, r = params
        decay = np.exp(-r * (x + 1.0))
        return np.column_stack([np.ones_like(x), decay, -B * (x + 1.0) * decay])

    return jacobian


def fit_constants(table, start=None):
    """Fit each benchmark on its own: for each of four rates, c and B by linear least squares;
    the two best of these starts (and ``start``, if given) then optimised in all three."""
    fitted = {}
    for group, rows in table.groupby(TASK.group_column, sort=False):
        x = rows["log_flops"].to_numpy(dtype=float)
        y = rows["brier_score"].to_numpy(dtype=float)
        starts = [list(start[str(group)])] if start is not None and str(group) in start else []
        for r in _RATES:
            basis = np.column_stack([np.ones_like(x), np.exp(-r * (x + 1.0))])
            c, B = np.linalg.lstsq(basis, y, rcond=None)[0]
            starts.append([min(c, -1e-3), B, r])
        try:
            result = fitting.least_squares(
                lambda params, x=x, y=y: formula({"log_flops": x}, params) - y, np.array(starts),
                bounds=_BOUNDS, keep=2, jac=_jacobian(x),
            )
        except fitting.FitError as error:
            raise fitting.FitError(f"group {group!r}: {error}") from error
        fitted[str(group)] = result.params.tolist()
    return fitted


def one_rate_fit(rows, start=None):
    """Variable projection: for a shared rate, each benchmark's c and B are a linear fit."""
    parts = _benchmarks(rows)

    def solve(rate):
        residuals, coefs = [], []
        for _, x, y in parts:
            basis = np.column_stack([np.ones_like(x), np.exp(-rate * (x + 1.0))])
            coef = np.linalg.lstsq(basis, y, rcond=None)[0]
            coefs.append(coef)
            residuals.append(basis @ coef - y)
        return np.concatenate(residuals), coefs

    starts = np.array([[0.5], [1.5], [4.0]])
    if start is not None:
        starts = np.vstack([[next(iter(start.values()))[2]], starts])
    rate = float(fitting.least_squares(lambda t: solve(t[0])[0], starts, bounds=([0.1], [20.0])).params[0])
    return {g: [float(c), float(B), rate] for (g, _, _), (c, B) in zip(parts, solve(rate)[1])}


def tail_linear(X, params):
    """A straight line through the last decade of models, clipped to the score's range [-2, 0]."""
    a, b, top = params
    return np.clip(a + b * (_x(X) - top), -2.0, 0.0)


def tail_linear_fit(rows, start=None):
    out = {}
    for g, x, y in _benchmarks(rows):
        top = float(x.max())
        tail = x >= top - 1.0
        b, a = np.polyfit(x[tail] - top, y[tail], 1)
        out[g] = [float(a), float(b), top]
    return out


def transient_and_dip(X, params):
    """v1: -[A exp(-alpha (x + 1)) + exp(l + v (x - 1) - w (x - 1)^2)]."""
    A, alpha, l, v, w = params
    x = _x(X)
    u = x - 1.0
    return -(A * np.exp(-alpha * (x + 1.0)) + np.exp(np.minimum(l + v * u - w * u * u, 0.0)))


def _v1_jacobian(rows):
    """The analytic Jacobian of fit_shared's residuals (its layout and row order)."""
    groups = list(dict.fromkeys(rows[TASK.group_column]))
    code = rows[TASK.group_column].map({g: i for i, g in enumerate(groups)}).to_numpy()
    x = rows["log_flops"].to_numpy(dtype=float)
    u, index = x - 1.0, np.arange(len(x))

    def jacobian(theta):
        alpha, w = theta[0], theta[1]
        own = theta[2:].reshape(len(groups), 3)
        transient = np.exp(-alpha * (x + 1.0))
        q = own[code, 1] + own[code, 2] * u - w * u * u
        bump = np.where(q < 0.0, np.exp(np.minimum(q, 0.0)), 0.0)
        J = np.zeros((len(x), theta.size))
        J[:, 0] = own[code, 0] * (x + 1.0) * transient
        J[:, 1] = bump * u * u
        J[index, 2 + 3 * code] = -transient
        J[index, 3 + 3 * code] = -bump
        J[index, 4 + 3 * code] = -bump * u
        return J

    return jacobian


def v1_fit(rows, start=None):
    return fitting.fit_shared(
        transient_and_dip, rows, TASK, 2, lambda shared, own: [own[0], shared[0], own[1], own[2], shared[1]],
        fitting.grid_starts([2.0, 4.0], [0.05, 0.3], [0.2], [np.log(0.4)], [0.0]),
        bounds=([1.0, 0.0, 0.0, -12.0, -5.0], [10.0, 5.0, 2.0, 0.0, 5.0]), start=start,
        unarrange=lambda c: ([c[1], c[4]], [c[0], c[2], c[3]]), jac=_v1_jacobian(rows),
    )


CANDIDATES = [
    Candidate("quadratic, k >= 0: y0 + k (x - m)^2", "3", quadratic_fit, quadratic, key="quadratic",
              kind="published", origin="SLDBench's honest anchor (Wu & Lo's polynomials)", param_names=("a", "b", "k")),
    Candidate("leaderboard: a(x-c)^2 + b(x-c) + d exp(-e|x-c|) + f", "6", leaderboard_fit, leaderboard,
              key="leaderboard", kind="published", origin="SLDBench leaderboard",
              param_names=("a", "b", "c", "d", "e", "f")),
    Candidate("persistence of the last level", "1", persistence_fit, persistence, key="persistence",
              kind="conservative", origin="reference", param_names=("level",)),
    Candidate("monotone saturating: c + B exp(-r (x+1))", "3", fit_constants, formula, key="saturating",
              kind="conservative", origin="ours", param_names=("c", "B", "r")),
    Candidate("transient and plateau, one rate", "2 + 1 shared", one_rate_fit, formula, key="one-rate",
              kind="conservative", origin="ours", param_names=("c", "B", "r")),
    Candidate("tail-only linear trend (last decade)", "2", tail_linear_fit, tail_linear, key="tail-linear",
              kind="conservative", origin="reference", param_names=("a", "b", "top")),
    Candidate("v1: transient + Gaussian dip, shared alpha and w", "3 + 2 shared", v1_fit, transient_and_dip,
              key="v1", kind="ours", origin="ours (v1)", param_names=("A", "alpha", "l", "v", "w")),
    Candidate("quadratic, one curvature k >= 0 for all", "2 + 1 shared", one_curvature_fit, quadratic,
              key="one-curvature", kind="ours", origin="ours", param_names=("a", "b", "k")),
]

# %% [markdown]
# ## Choosing the law: the selection protocol
#
# Every law in this package is chosen by one protocol on the training split (see the Method
# page), and the same code runs it here and on your runs. **How far to look ahead** (the
# reach). The held-out rows of a benchmark are the models above its last training model. The
# training split itself says how far such models reach: the benchmarks share one family of
# models, and the tops of their training ranges are spread from 0.86 (hindu_knowledge) to
# 2.28 (four benchmarks), so models exist at least 1.4 decades beyond the shortest
# benchmark's data, and 0.4 to 0.9 decades beyond four others. The reach of every backtest is
# that spread, rounded to a tenth of a decade: each holds out, per benchmark, the models up to
# 1.4 decades beyond its forecast origin. This is the law's own rule, computed from the
# runs: on your runs it is the spread of the tops of your benchmarks' ranges, unless you ask
# about points (`at=` or `points=`), whose distance beyond the runs then sets the reach (with
# a single benchmark, or tops that do not differ, the package's generic rule: two steps of the
# spacing of the largest models).
#
# **Origins.** Forecast origins sit at the $k$-th largest model of each benchmark
# ($k = 1, 2, \dots$: benchmarks measured on different stretches of the grid are aligned by
# rank). The first few origins hold out only the last one to five models, a tenth of the
# reach. The rule keeps the origins from the first one whose held-out models reach at least
# half of the reach beyond it (in the median benchmark), and then every fifth model back,
# four origins in all: each benchmark is fitted on ever less and scored on ever longer
# extrapolations, as in the real split. A benchmark with too few models to fit on (fewer than
# three below the origin) drops out of the deeper origins.
#
# **The target** where the surviving forms are compared: per benchmark, a quarter, half,
# three quarters and all of the reach beyond its last training model. A form whose
# prediction leaves the range of the score, $[-2, 0]$ (a negated Brier score), within the
# reach beyond a benchmark's data is refused: it contradicts what the quantity is. That check
# is applied to the source study's benchmarks (on your runs a study shows it, beside the
# generic check that every form predicts a finite score at the target).

# %% tags=["export"]
#: How far beyond a benchmark's data the law was backtested on its training split (decades of
#: compute): the spread of the tops of the benchmarks' training ranges (`reach_of`), 0.86 to 2.28.
REACH = 1.4
#: Origins: every this many models back, and this many of them.
ORIGIN_STEP, ORIGINS = 5, 4


def _tops(table):
    return table.groupby(TASK.group_column)["log_flops"].max()


def reach_of(table, at=None):
    """How far beyond its data each benchmark is backtested (decades of ``log_flops``).

    With ``at`` (the largest ``log_flops`` asked about) beyond a benchmark's data: as far as it
    lies beyond the benchmark whose data stop first. Otherwise the spread of the tops of the
    benchmarks' ranges, rounded to a tenth of a decade (models of one family exist that far
    beyond the shortest benchmark); with a single benchmark, or no spread, the package's
    generic rule (two steps of the spacing of the largest models).
    """
    tops = _tops(table)
    wanted = None if not at else at.get("log_flops")
    if wanted is not None and wanted > tops.min() + 1e-9:
        return {"log_flops": float(wanted - tops.min())}
    spread = round(float(tops.max() - tops.min()), 1)
    if spread > 0:
        return {"log_flops": spread}
    from scalinglaws import selection

    return selection.generic_reach(table, TASK, PROTOCOL, None)


def _held_span(backtest):
    """How far the held rows reach beyond the fitted ones (decades), in the median benchmark."""
    fitted_top = _tops(backtest.train)
    held_top = _tops(backtest.held)
    return float((held_top - fitted_top[held_top.index]).median())


def origins_of(table, reach):
    """The forecast origins: the k-th largest model of each benchmark (aligned by rank), from
    the first origin whose held models reach half the reach beyond it (in the median
    benchmark), then every `ORIGIN_STEP`-th model back, `ORIGINS` in all."""
    from scalinglaws import selection

    span = reach.get("log_flops")
    if not span:
        return []
    every = selection.backtests_along(table, TASK, "log_flops", reach=span, by=TASK.group_column, max_origins=60)
    if not every:
        return []
    spans = [_held_span(b) for b in every]
    first = next((k for k, s in enumerate(spans) if s >= span / 2), int(np.argmax(spans)))
    return every[first::ORIGIN_STEP][:ORIGINS]


def beyond_each_benchmark(table, reach, points=None):
    """Where the survivors are compared: the requested points, or per benchmark a quarter, half,
    three quarters and all of the reach beyond its last model."""
    import pandas as pd

    group = TASK.group_column
    if points is not None and len(points):
        return points[[group, "log_flops"]].drop_duplicates().reset_index(drop=True)
    span = reach.get("log_flops", 0.0)
    return pd.DataFrame([{group: g, "log_flops": top + span * f} for g, top in _tops(table).items()
                         for f in (0.25, 0.5, 0.75, 1.0)])


_SOURCE_TOPS = {}


def leaves_the_score_range(candidate, constants):
    """The benchmarks on which a fitted form leaves [-2, 0] within the reach beyond the source
    study's data (beyond its largest model for a benchmark it did not measure), or None."""
    if not _SOURCE_TOPS:
        _SOURCE_TOPS.update(_tops(data.load(TASK.module)).to_dict())
    bad = []
    for g, values in constants.items():
        top = _SOURCE_TOPS.get(g, max(_SOURCE_TOPS.values()))
        grid = {"log_flops": np.linspace(top, top + REACH, 57)}
        with np.errstate(all="ignore"):
            y = np.asarray(candidate.predict(grid, values), dtype=float)
        if not np.all(np.isfinite(y)) or y.max() > 1e-9 or y.min() < -2.0:
            bad.append(g)
    return f"leaves the score's range [-2, 0] beyond the data on {', '.join(bad)}" if bad else None


PROTOCOL = Protocol(
    CANDIDATES,
    axes=("log_flops",),
    by=TASK.group_column,
    reach=reach_of,
    backtests=origins_of,
    target=beyond_each_benchmark,
    checks=leaves_the_score_range,
    decision_example=lambda table, points: {},
    description=("origins at the k-th largest model of each benchmark (aligned by rank): from the first whose "
                 "held models reach half the reach beyond it, every fifth model back, four in all; each scores the "
                 "models up to the reach beyond it (the spread of the tops of the benchmarks' ranges, or as far as "
                 "the points asked about lie beyond the runs)"),
)

FORM = r"\mathrm{brier\_score} = c + B\,e^{-r\,(x + 1)},\quad x = \mathrm{log\_flops}"
PARAM_NAMES = ["c", "B", "r"]

LAW = Law(TASK, FORM, PARAM_NAMES, formula, fit_constants, protocol=PROTOCOL)
predict, fit = LAW.predict, LAW.fit

# %% [markdown]
# The study of the training rows: the reach and the origins from the rule, every form refitted
# and scored at every origin, the survivors, the choice, the fit on all rows with 100
# bootstrap refits, and intervals calibrated on the backtests.

# %%
study = LAW.study(table)
evaluation, choice = study.evaluation, study.choice
tops = table.groupby("group").log_flops.max()
assert study.reach == {"log_flops": REACH} == {"log_flops": round(float(tops.max() - tops.min()), 1)}
print(f"tops of the benchmarks' ranges: {tops.min():.2f} to {tops.max():.2f}; reach {study.reach['log_flops']} decades")
pd.DataFrame([{"origin": b.origin, "benchmarks": b.held.group.nunique(), "fitted rows": len(b.train),
               "held rows": len(b.held), "median span held (decades)": round(_held_span(b), 2)}
              for b in study.backtests])

# %% [markdown]
# The protocol refits every candidate at every origin and reports SLDBench's R2 and the mean
# signed error (bias, prediction minus truth, in standard deviations of the held score).

# %%
evaluation.summary().drop(columns="kind").round(4)

# %%
evaluation.table("r2").round(3)

# %% [markdown]
# The held scores span all nine benchmarks, from arc and hellaswag near 0 to mmlu and
# analogical_similarity near -0.55, so a pooled R2 is mostly earned by getting each
# benchmark's level right; it can hide a shared offset. The bias per origin shows it:

# %%
evaluation.table("bias").round(3)

# %% [markdown]
# Then the survivors: every form the backtests cannot tell from the best (within two standard
# errors at the median origin), refitted on all training rows, bootstrapped (100 refits,
# models resampled within each benchmark) and compared at the target.

# %%
print(choice.reason)
for name, reason in choice.excluded.items():
    print(f"excluded: {name}: {reason}")
choice.at_target.round(4)

# %% [markdown]
# **What the backtests say.** The monotone saturating form (`saturating`) has the best median
# R2 (0.855) and the best mean rank, and no other form comes within two standard errors of it;
# persistence (`persistence`, 0.839) and the tail-only trend (`tail-linear`, 0.797) come
# next. Its bias stays within ±0.12 standard deviations at every origin, while persistence
# drifts to -0.23 at the deepest origin.
#
# - **Every form that builds in a recovery loses.** The published quadratic (`quadratic`)
#   bends up as soon as its curvature is positive and blows up at two of the four origins (R2
#   down to -58); the leaderboard form (`leaderboard`) blows up at every origin (R2 from -29
#   to -944: its exponential bump and its parabola extrapolate the noise of a benchmark's last
#   models); borrowing one curvature for all benchmarks (`one-curvature`) tames the quadratic
#   but still overshoots (bias +0.45 to +0.48 at every origin: it predicts a recovery that
#   does not come within 1.4 decades). v1's Gaussian dip (`v1`), with its shared curvature,
#   blows up at the deepest origin.
# - **What the data identify** is the early rise and where each benchmark levels off, not
#   the dip's width or the recovery's rate: inside the training split, a recovery shows only
#   on abstract_narrative_understanding (and as the approach to 0 of arc and hellaswag). A
#   form that promises one elsewhere is betting on what the data cannot see; the protocol
#   declines that bet.
# - **Identifiability.** No form survives beside the best, so there is nothing to combine:
#   the law is the monotone saturating form alone. Its bootstrap spread at the target is
#   about 0.01 in score: small, and a statement about *this* form. It does not include the
#   possibility of a recovery, which is the real uncertainty beyond the data; the prediction
#   intervals below add what the backtests measured beyond the data.
#
# **History.** The first version of this law (v1) was the transient + Gaussian dip with a
# shared rate and curvature (3 + 2 shared constants), chosen by the mean R2 of two holdouts
# (0.872) against a pool without any conservative form. Scored after release on the held-out
# models, it reached R2 **-0.019**, far below SLDBench's honest anchor, the quadratic with
# $k \ge 0$ (0.3807; the leaderboard's best, chosen with the test in view, is 0.9316). The
# trust issue found why: the training rows do not show the recovery, so the dip's width and
# depth were not identified, and v1 committed to one. v2 lets the protocol choose from a pool
# with published, conservative and our own forms; it picks one of the forms that promise
# least beyond the data. Scored after release on the held-out models, it reached R2 0.042:
# above v1, far below the published quadratic (0.381 with the entry's own constants, 0.118
# refitted by this package's routines). That quadratic blows up on these backtests: the backtests
# measure forecasts inside the training split, where most benchmarks have not recovered, and
# if the held-out models recover as Wu & Lo describe, a monotone law will under-predict them.
# No backtest on the training split can tell how soon that happens; the law says so instead
# of guessing. v2's 90% intervals covered 55% of the held-out models, which lie up to 2.0
# decades beyond each benchmark's data, while the backtests reached 1.4 decades: the
# intervals did not grow beyond the distance the backtests validated. They now do (see
# *Prediction intervals* below); the form, its constants and the backtests are v2's. The
# pool and the protocol are now part of the law (exported with it), and this page's choice
# is `LAW.study(table)`, the code that studies your runs: the same four origins, the same
# scores, the same choice.
#
# ## The law
#
# Per benchmark, three constants: the plateau $c$ the score levels off at, the distance $B$
# of the smallest models ($10^{20}$ FLOPs) from it ($B < 0$: the score improves with compute;
# $B > 0$: it sinks), and the rate $r$ per decade. The exported law is the protocol's choice,
# not a copy typed beside it: the cell below fails if the protocol picks another form or a
# combination.

# %%
assert study.chosen == "saturating" and LAW.candidate("saturating").predict is formula
assert LAW.candidate("saturating").fit is fit_constants
PARAMS_FITTED = study.params
record = study.record

# %% [markdown]
# ## Fitted on all training rows
#
# What the law predicts for each benchmark, with 95% intervals from the protocol's 100
# bootstrap refits (models resampled within each benchmark, seed 0): whether the score
# improves or sinks with compute, and the predicted score at the benchmark's last model and
# 1.4 decades beyond it. The constants themselves are not shown: on the benchmarks still
# sinking (mmlu, hindu_knowledge) the plateau $c$ lies beyond the data and trades off with the
# rate $r$ (its bootstrap interval reaches from -1.8 to -0.5 on mmlu), and where the transient
# is small the rate is hardly constrained; what they predict is.

# %%
draws = choice.draws[choice.best].draws


def at(x, constants):
    return float(formula({"log_flops": [x]}, constants)[0])


def interval(values):
    low, high = np.quantile(values, [0.025, 0.975])
    return f"[{low:.3f}, {high:.3f}]"


rows = []
for benchmark in BENCHMARKS:
    top, refits = tops[benchmark], draws[benchmark]
    rows.append({
        "benchmark": benchmark, "trend": "improves" if PARAMS_FITTED[benchmark][1] < 0 else "sinks",
        "improves in refits": round(float(np.mean(refits[:, 1] < 0)), 2),
        "at last model": round(at(top, PARAMS_FITTED[benchmark]), 3),
        "last model, 95%": interval([at(top, d) for d in refits]),
        "at last + 1.4": round(at(top + REACH, PARAMS_FITTED[benchmark]), 3),
        "last + 1.4, 95%": interval([at(top + REACH, d) for d in refits]),
    })
pd.DataFrame(rows).set_index("benchmark")

# %% tags=["hide-input"]
fitted_score = fitting.predict_table(formula, table, PARAMS_FITTED, TASK)
residual = table.brier_score - fitted_score
print(f"R2 on all training rows: {metrics.r2(table.brier_score, fitted_score):.4f}; "
      f"largest |residual|: {np.abs(residual).max():.3f}")
fig, ax = plt.subplots(figsize=(5.8, 3.6), layout="constrained")
for benchmark in BENCHMARKS:
    mask = table.group == benchmark
    ax.plot(table.log_flops[mask], residual[mask], ".", ms=5, label=benchmark)
ax.axhline(0, color="grey", lw=0.8)
ax.set(xlabel="log_flops", ylabel="score - law", title="Residuals against log_flops, all benchmarks")
fig.legend(ncol=2, loc="outside lower center")
plt.show()

# %% [markdown]
# The residuals have the spread of the noise measured above. The largest are single models
# far below their benchmark's level (by up to 0.27, on arithmetic and
# abstract_narrative_understanding), several of them poor on other benchmarks too (log_flops
# 1.13, 1.43, 1.80): a model's own quirks, which no law of compute alone can follow.
#
# ## Prediction intervals, and how often they cover
#
# A 90% prediction interval carries the constants' bootstrap, the scatter of the models
# around the law (the residuals' spread), and an extrapolation term that grows with the
# distance beyond the benchmark's data, in units of the reach (1.4 decades). That last term
# is calibrated on the backtests: the smallest that covers 90% of their held-out models. The
# coverage of each origin below uses the term calibrated on the other three; the width is
# reported against the spread of the held score. (No other form survived, so there is no
# spread between forms to add.)

# %%
calibration = study.calibration
calibration.coverage.round(3)

# %%
uncertainty = record.uncertainty
validated = calibration.validated_distance * study.reach["log_flops"]
print(f"held-out models inside their 90% interval: {calibration.summary()['covered']:.1%}")
print(f"extrapolation term: {calibration.extrapolation_sd[0]:.3f} per reach; "
      f"scatter around the law: {min(v[0] for v in uncertainty.noise_sd.values()):.3f} to "
      f"{max(v[0] for v in uncertainty.noise_sd.values()):.3f}")
print(f"validated up to {validated:.2f} decades beyond a benchmark's data "
      f"({calibration.validated_distance:.3f} of the reach); beyond it the interval grows as "
      f"distance^{calibration.growth:.2f}")

# %% [markdown]
# The backtests need no extrapolation term: the models' scatter around the law (0.02 to 0.09
# in score, per benchmark) and the bootstrap already cover 91% of their held-out models (83%
# at the shallowest origin, 97% at the deepest), with a median width close to the held
# score's standard deviation. So within the distance the backtests validated, 1.39 decades
# beyond a benchmark's data (the farthest held-out model any origin scored), the interval
# does not widen with the distance.
#
# **Beyond the validated distance** the backtests say nothing, and the interval no longer
# stays put: the whole interval is multiplied by the distance over the validated one, raised
# to the power at which the backtests' errors grew with distance. Here their errors grew no
# faster than the distance itself, so the power is the protocol's floor, 1: 2.0 decades
# beyond the data the interval is multiplied by 1.43, 2.8 decades beyond by 2.0, on top of the
# widening of the constants' own spread, and every such prediction says so (`beyond_reach`,
# with its `reach_factor`, the distance in units of the validated one). For mmlu, whose plateau
# lies beyond its data, the 90% interval is 0.12 wide at its last model, 0.16 at the validated
# distance, 0.28 at 2.0 decades and 0.47 at 2.8:

# %%
decades = np.array([0.0, 0.35, 0.7, 1.05, validated, 1.4, 2.0, 2.8])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    growth = LAW.predict({"log_flops": tops["mmlu"] + decades}, record, interval=0.9, group="mmlu")
growth.insert(0, "decades beyond", decades)
growth.assign(width=growth.brier_score_high - growth.brier_score_low).round(3)

# %% [markdown]
# ## Extrapolation
#
# The law for every benchmark up to twice the reach (2.8 decades) beyond its last training
# model, with its 90% prediction interval: darker up to the validated distance, lighter beyond
# it, where the interval grows by the rule. The dotted line marks the last training model.

# %% tags=["hide-input"]
fig, axes = benchmark_grid("The law and its 90% interval (clipped at 0): darker\nwithin the validated "
                           "distance, lighter beyond it")
for ax, benchmark in zip(axes.ravel(), BENCHMARKS):
    rows = table[table.group == benchmark]
    grid = {"log_flops": np.linspace(-0.9, tops[benchmark] + 2 * REACH, 160)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        band = LAW.predict(grid, record, interval=0.9, group=benchmark)
    for part, alpha in ((~band.beyond_reach, 0.35), (band.reach_factor >= 1.0 - 1e-9, 0.15)):
        ax.fill_between(band.log_flops[part], band.brier_score_low[part].clip(upper=0),
                        band.brier_score_high[part].clip(upper=0), color="tab:orange", alpha=alpha, lw=0)
    ax.plot(band.log_flops, band.brier_score, color="tab:orange")
    ax.plot(rows.log_flops, rows.brier_score, ".", color="black", ms=3)
    ax.axvline(tops[benchmark], color="grey", ls=":", lw=1)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_title(benchmark.replace("_", " "), fontsize=8)
    ax.set_ylim(-1.05, 0.03)
plt.show()

# %% [markdown]
# One reach (1.4 decades) beyond each benchmark's last model, just past the validated
# distance:

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    ahead = pd.concat([
        LAW.predict({"log_flops": [tops[b] + REACH]}, record, interval=0.9, group=b).assign(benchmark=b)
        for b in BENCHMARKS
    ]).set_index("benchmark")
ahead = ahead.assign(width=ahead.brier_score_high - ahead.brier_score_low)
ahead.round(3)

# %% [markdown]
# **What the law says.** Beyond its data, each benchmark's score stays near the level it has
# reached: arc and hellaswag near 0, arithmetic at -0.19, abstract_narrative_understanding
# still climbing slowly (from -0.19 at its last model to -0.10 1.4 decades on), and mmlu,
# analogical_similarity, hindu_knowledge, conceptual_combinations and parsinlu_qa_mc between
# -0.59 and -0.39; mmlu and hindu_knowledge keep sinking slowly. The 90% interval 1.4
# decades out is ±0.03 (hellaswag) to ±0.16 (abstract_narrative_understanding, arithmetic):
# mostly the models' scatter around the law, with a bootstrap of the constants of about 0.01.
#
# **Where not to trust it.**
#
# - **If the recovery comes.** The law is monotone: it cannot predict a recovery that a
#   benchmark's training rows do not show. Wu & Lo describe the easy questions recovering
#   at large compute; where that happens within the held-out range (mmlu, hindu_knowledge,
#   conceptual_combinations, analogical_similarity and parsinlu_qa_mc are still at or near
#   their lowest at their last model), the law under-predicts. Its interval grows beyond the
#   distance the backtests validated in proportion to the distance, which is what the
#   backtests' errors did; a recovery they never met can outgrow it. The backtests found no
#   form that predicts that recovery better than holding the level, which is a statement about
#   the training split only.
# - **The dip after the early rise** is missing: parsinlu_qa_mc and conceptual_combinations
#   rise, then sink a little; the law averages the two into a plateau.
# - **Below $10^{20}$ FLOPs** the transient grows without limit: do not use the law for
#   models smaller than the training range.
#
# ## Using the law: where does the easy-question score recover?
#
# `recovery(group)` reads the law's curve over the benchmark's own training range and
# answers only what that range shows:
#
# - the **bottom**: where the score is lowest, when it lies inside the data;
# - the **half recovery**: the first compute past the lowest point at which the badness
#   ($-$score) has fallen to half its value there, when the data reach it.
#
# When the score is still at its lowest at the benchmark's last model, or has not recovered
# half-way by then, the answer is **not identified**: the points are `None` and the statement
# says what the data show and what the law assumes beyond them. A number there would be the
# form's assumption, not a measurement (v1 gave such numbers, beyond $10^{26}$ FLOPs).
# Scores within 0.01 of the lowest count as the lowest (below the models' scatter).

# %% tags=["export"]
#: Scores closer than this to the lowest count as the lowest: far below the models' scatter.
_LEVEL = 0.01


def _flops(log_flops):
    return None if log_flops is None else float(1e21 * 10.0 ** log_flops)


def _first_above(x, score, level):
    """The first x where ``score`` reaches ``level`` (linear between grid points), or None."""
    above = np.flatnonzero(score >= level)
    if above.size == 0:
        return None
    i = int(above[0])
    if i == 0:
        return float(x[0])
    step = (level - score[i - 1]) / (score[i] - score[i - 1])
    return float(x[i - 1] + step * (x[i] - x[i - 1]))


@LAW.decision(
    units={"shape": "what the law does over the benchmark's data",
           "bottom_log_flops": "log10(FLOPs / 1e21)", "bottom_flops": "FLOPs",
           "bottom_brier_score": "negated Brier score", "lowest_brier_score": "negated Brier score",
           "half_recovery_log_flops": "log10(FLOPs / 1e21)", "half_recovery_flops": "FLOPs",
           "half_recovery_brier_score": "negated Brier score", "beyond_brier_score": "negated Brier score",
           "recovers": "True: the data show it; None: not identified", "evidence": "in the data / not identified"},
    interval=("lowest_brier_score", "beyond_brier_score", "evidence"),
    main=True,
)
def recovery(fitted):
    """Where a benchmark's easy-question score bottoms out and recovers, when its data show it.

    Reads the law over the benchmark's training range of log_flops. Returns the ``shape``
    there ("improves from the smallest model", "dips and turns", "at its lowest at the last
    model"), the ``bottom`` (the lowest score, when inside the data) and the
    ``half_recovery`` (the first compute past the lowest point where the badness, minus the
    score, is halved, when the data reach it), each as ``*_log_flops``, ``*_flops`` and
    ``*_brier_score`` (None when not identified); ``recovers`` (True when the data show the
    half recovery, None when they do not), ``evidence`` ("in the data" or "not
    identified"), ``lowest_brier_score`` (the law's lowest score in the data),
    ``beyond_brier_score`` (what the law predicts 1.4 decades beyond the data: its
    assumption, not a measurement) and a ``statement`` in words.
    """
    low, high = fitted.ranges()["log_flops"]
    x = np.linspace(low, high, 401)
    score = fitted.predict({"log_flops": x})
    lowest = float(score.min())
    beyond = float(fitted.predict({"log_flops": [high + REACH]})[0])
    answer = {"shape": "at its lowest at the last model", "recovers": None, "evidence": "not identified",
              "lowest_brier_score": lowest, "beyond_brier_score": beyond}
    for point in ("bottom", "half_recovery"):
        answer.update({f"{point}_log_flops": None, f"{point}_flops": None, f"{point}_brier_score": None})
    assumption = (f"beyond its data the law predicts {beyond:.2f} at log_flops {high + REACH:.2f}, "
                  "which is the form's assumption, not a measurement")
    if score[-1] < lowest + _LEVEL:
        answer["statement"] = (
            f"not identified: the score is at its lowest ({score[-1]:.2f}) at the benchmark's last training "
            f"model (log_flops {high:.2f}); the data do not show where, or whether, it recovers; {assumption}"
        )
        return answer
    bottom = int(np.argmin(score))
    if score[0] < lowest + _LEVEL:
        answer["shape"] = "improves from the smallest model"
        where = f"its smallest model (log_flops {low:.2f}; no dip in the data)"
    else:
        answer.update({"shape": "dips and turns", "bottom_log_flops": float(x[bottom]),
                       "bottom_flops": _flops(float(x[bottom])), "bottom_brier_score": lowest})
        where = f"its bottom at log_flops {x[bottom]:.2f}"
    half = _first_above(x[bottom:], score[bottom:], lowest / 2.0)
    if half is None:
        answer["statement"] = (
            f"not identified: the score rises from {where}, score {lowest:.2f}, to {score[-1]:.2f} at the last "
            f"training model (log_flops {high:.2f}), but its badness is not halved; {assumption}"
        )
        return answer
    answer.update({"recovers": True, "evidence": "in the data", "half_recovery_log_flops": half,
                   "half_recovery_flops": _flops(half),
                   "half_recovery_brier_score": float(fitted.predict({"log_flops": [half]})[0])})
    answer["statement"] = (
        f"recovers in the data: from {where}, score {lowest:.2f}, the badness is halved by log_flops {half:.2f}"
    )
    return answer


# %% [markdown]
# Every benchmark, with the share of the 100 bootstrap refits that give the same evidence and
# the 80% interval of the law's score 1.4 decades beyond the data:

# %%
def shown(log_flops):
    return "-" if log_flops is None else f"{log_flops:.2f}"


rows = []
for benchmark in BENCHMARKS:
    answer = recovery(constants=record, group=benchmark)
    low, high = answer.interval["beyond_brier_score"]
    rows.append({
        "benchmark": benchmark, "last training": round(float(tops[benchmark]), 2),
        "shape": answer.answer["shape"], "evidence": answer.answer["evidence"],
        "same in refits": round(answer.probability["evidence"], 2),
        "half recovery": shown(answer.answer["half_recovery_log_flops"]),
        "lowest score": round(answer.answer["lowest_brier_score"], 3),
        "beyond (law)": round(answer.answer["beyond_brier_score"], 3), "80% interval": f"[{low:.3f}, {high:.3f}]",
    })
recoveries = pd.DataFrame(rows).set_index("benchmark")
recoveries

# %%
print(recovery(constants=record, group="mmlu").answer["statement"])
print(recovery(constants=record, group="abstract_narrative_understanding").answer["statement"])

# %% [markdown]
# **Checked against what is known.** Wu & Lo's U shape says the easy-question score recovers
# at large compute. The decision finds a recovery (the badness halved from its worst level)
# only where this training split shows one, on four benchmarks that improve from their
# smallest model with no dip in the data: abstract_narrative_understanding, whose slow climb
# over three decades (from -0.68 to -0.19 in its largest quarter) is the recovery of the U,
# and arc, hellaswag and arithmetic, where it is the early rise, over within a decade (arc
# and hellaswag are near 0 in their largest quarter: -0.02 and -0.002). On the other five,
# which are at or near their lowest at their last model, it says *not identified* instead of
# a number, in every one of 100 bootstrap refits for mmlu, hindu_knowledge and
# analogical_similarity. v1 put the half recovery of those benchmarks beyond $10^{26}$ FLOPs,
# with intervals past $10^{31}$: numbers set by its assumed curvature, not by the data.
#
# ## The record
#
# The constants, their bootstrap refits, the scatter and extrapolation terms of the
# intervals, the protocol's scores and this page's summary are stored in `laws/u_shape.json`
# (rewritten only when they change beyond what another CPU's rounding moves).

# %%
mmlu_answer = recovery(constants=record, group="mmlu")
mmlu_low, mmlu_high = mmlu_answer.interval["beyond_brier_score"]
_ = study.store(
    summary={
        "question": "Where does a benchmark's easy-question score bottom out and recover, and what will larger "
                    "models score?",
        "headline": (f"The recovery is identified only where the data show it (abstract_narrative_understanding; "
                     f"the early rise of arc, hellaswag, arithmetic); for mmlu it is not identified, and the law holds its "
                     f"score near {mmlu_answer.answer['beyond_brier_score']:.2f} (80% interval "
                     f"[{mmlu_low:.2f}, {mmlu_high:.2f}]) 1.4 decades beyond its data."),
        "caveat": (f"A monotone law: it cannot predict a recovery the training rows do not show; if larger models "
                   f"recover, it under-predicts them. Intervals are validated to {validated:.1f} decades beyond the "
                   "data and widen in proportion to the distance past that."),
    },
)

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = LAW.interfaces()

# %% [markdown]
# The stored constants predict what a refit on the training split predicts, to the
# contract's tolerance (relative $10^{-6}$ on every training row, on any machine); the
# leaderboard interface predicts what `predict` does, and SLDBench's evaluator (one benchmark
# at a time) finds the same constants, since every benchmark is fitted on its own:

# %%
refit = fit(data.load("u_shape"))
for benchmark in PARAMS:
    assert LAW.same_predictions(table)(PARAMS[benchmark], refit[benchmark], benchmark)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    example = law([{"log_flops": 2.5}], "mmlu")
    assert example[0]["brier_score"] == predict({"log_flops": [2.5]}, group="mmlu")[0]
mmlu = table[table.group == "mmlu"]
alone = fit_scaling_law(mmlu[["log_flops"]].to_numpy(), mmlu.brier_score.to_numpy())
assert LAW.same_predictions(table)(alone, PARAMS["mmlu"], "mmlu")
print(f"predicted easy-question score of mmlu at 10^23.5 FLOPs: {example[0]['brier_score']:.3f}")

# %% [markdown]
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns, with the same
# routine and bootstrap intervals (`scalinglaws fit u_shape --csv runs.csv` does the same from
# the command line). `scalinglaws.study("u_shape", runs)` (`scalinglaws study u_shape --csv
# runs.csv`) runs the whole protocol of this page on them instead: the eight forms, the reach
# and origins from your runs, the choice and intervals that grow beyond what your backtests
# validated. Here the form alone, as if mmlu's models below $10^{22}$ FLOPs were our own runs:

# %%
import scalinglaws

own_runs = mmlu.loc[mmlu.log_flops < 1.0, ["log_flops", "brier_score"]]
own = scalinglaws.fit("u_shape", own_runs, bootstrap=30, seed=0)
print(f"fitted to {own.rows} runs: R2 {own.r2:.4f}")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", decide.ExtrapolationWarning)
    own_recovery = own.decide("recovery")
    later = mmlu[mmlu.log_flops >= 1.0].sort_values("log_flops", kind="mergesort")
    own_band = own.predict(later[["log_flops"]], interval=0.9)
    full = predict(later[["log_flops"]], group="mmlu")
print(own_recovery.answer["statement"])
pd.DataFrame({"log_flops": later.log_flops.to_numpy(), "measured": later.brier_score.to_numpy(),
              "own fit": own_band.brier_score.to_numpy(), "own 90% low": own_band.brier_score_low.to_numpy(),
              "own 90% high": own_band.brier_score_high.to_numpy(), "law (all runs)": full}).round(3)

# %% [markdown]
# Fitted on mmlu's 20 models below $10^{22}$ FLOPs, the law forecasts the 12 later ones
# (log_flops 1.09 to 1.43) within its 90% interval, and within 0.02 of the law fitted on all
# of mmlu's models, except the last one (-0.485, the hint of a recovery), which sits at the
# interval's upper edge. The decision answers from these constants alone: the score is at
# its lowest at the last of these runs, so the recovery is not identified. With so few runs
# the plateau $c$ and the rate $r$ are not pinned down (they trade off along the sinking
# trend), which is why the constants are not shown.
