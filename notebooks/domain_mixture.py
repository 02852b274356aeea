# %% [markdown]
# # Data mixtures: what each domain's share does to every domain's loss
#
# A language model is trained on a mixture of domains (web text, code, books, ...). Change the
# mixture and the validation loss on every domain moves: a domain's own share matters most, but
# the other domains help or hurt it too. Ye et al. (2024, "Data Mixing Laws") trained models of
# four sizes on mixtures of five domains and asked whether the losses are predictable from the
# proportions, so that a good mixture can be chosen before training on it.
#
# **Task** `domain_mixture_scaling_law` of SLDBench: the five proportions
# `proportion_domain_1..5` (summing to 1) → the five losses `loss_domain_1..5`, one group per
# model size (70M, 160M, 305M, 410M) with the same 20 training mixtures each. The held-out test
# rows are 6 *other* mixtures at each of the same sizes, so the law has to interpolate between
# mixtures, not extrapolate in size. At most 35 constants per group (7 per domain); SLDBench's R2
# is averaged over the five targets.
#
# This notebook is the source of `scalinglaws.laws.domain_mixture`: the cells tagged `export`
# are written into that module by `scalinglaws export`.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import contract, data, decide, fitting, metrics

pd.set_option("display.precision", 6)
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)
plt.rcParams["figure.figsize"] = (9, 3.6)
plt.rcParams["figure.dpi"] = 80

table = data.load("domain_mixture")
TASK = data.task("domain_mixture")
SHARES, LOSSES = TASK.input_names, TASK.target_names
SIZES = list(dict.fromkeys(table.group))
PARAMETERS = {size: float(size[:-1]) * 1e6 for size in SIZES}
mixture_id = table.groupby(SHARES, sort=True).ngroup().rename("mixture")
print(f"{len(table)} runs: {mixture_id.nunique()} mixtures × {len(SIZES)} model sizes ({', '.join(SIZES)})")
levels = pd.DataFrame({
    "domain": range(1, 6),
    "levels of its share in training": [", ".join(f"{v:g}" for v in np.unique(table[s])) for s in SHARES],
    "mixtures at share 0": [int((table[s] == 0).sum() // len(SIZES)) for s in SHARES],
})
levels

# %% [markdown]
# ## The data
#
# The mixtures sit on a lattice: each share takes a few levels, and the largest shares differ a
# lot between domains (domain 5 reaches 3/4, domain 3 never exceeds 3/32). Two things make this
# design harder than it looks: only **one** mixture leaves out domain 5 entirely, and domain 2
# has only three levels.
#
# First, each domain's loss against its own share, at every model size:

# %%
colors = dict(zip(SIZES, ["tab:blue", "tab:orange", "tab:green", "tab:red"]))
fig, axes = plt.subplots(1, 5, figsize=(13, 3.2))
for i, ax in enumerate(axes):
    for size, rows in table.groupby("group", sort=False):
        mean = rows.groupby(SHARES[i])[LOSSES[i]].mean()
        ax.plot(rows[SHARES[i]], rows[LOSSES[i]], "o", ms=3, alpha=0.5, color=colors[size])
        ax.plot(mean.index, mean.to_numpy(), "-", color=colors[size], label=size)
    ax.set(xlabel=f"share of domain {i + 1}", ylabel=f"loss on domain {i + 1}" if i == 0 else "",
           title=f"domain {i + 1}")
axes[-1].legend(fontsize=7)
fig.suptitle("A domain's own share: a big first step from 0, then diminishing returns; size shifts the curves down")
fig.tight_layout()
plt.show()

# %% [markdown]
# The first few percent of a domain buy most of the gain: at 160M, domain 4's loss falls from
# 1.95 with none of it to about 1.50 at 1/16 and only to 1.36 at 1/4; domain 3's from 3.27 to
# 2.91 at 1/32. Domain 2 is the exception: its loss falls almost linearly in its share. Larger
# models shift every curve down by a similar amount (0.5 to 0.6 nats from 70M to 410M) without
# changing its shape much.
#
# The scatter around each curve is not noise: it is what the *other* domains do. To see it
# without any law, take each loss minus the mean loss of the mixtures with the same own share
# at the same size, and plot that deviation against every other share (all sizes; the line is a
# least-squares slope over them):

# %%
deviation = pd.DataFrame(index=table.index)
for i in range(5):
    same_own = table.groupby(["group", SHARES[i]])[LOSSES[i]].transform("mean")
    deviation[LOSSES[i]] = table[LOSSES[i]] - same_own
slopes = np.full((5, 5), np.nan)
fig, axes = plt.subplots(5, 5, figsize=(12, 9.5), sharex="col", sharey="row")
for i in range(5):
    for j in range(5):
        ax = axes[i, j]
        if i == j:
            ax.text(0.5, 0.5, "own share\n(see above)", ha="center", va="center", transform=ax.transAxes, color="grey")
        else:
            for size in SIZES:
                rows = (table.group == size).to_numpy()
                ax.plot(table.loc[rows, SHARES[j]], deviation.loc[rows, LOSSES[i]], "o", ms=3, color=colors[size],
                        alpha=0.6, label=size)
            slopes[i, j] = np.polyfit(table[SHARES[j]], deviation[LOSSES[i]], 1)[0]
            x = np.array([0.0, table[SHARES[j]].max()])
            ax.plot(x, slopes[i, j] * (x - table[SHARES[j]].mean()), "k-", lw=1)
            ax.set_title(f"slope {slopes[i, j]:+.2f}", fontsize=8)
        ax.axhline(0, color="grey", lw=0.5)
        if i == 4:
            ax.set_xlabel(f"share of domain {j + 1}")
        if j == 0:
            ax.set_ylabel(f"loss {i + 1} - mean\nat same own share", fontsize=8)
axes[0, 1].legend(fontsize=6)
fig.suptitle("Each loss (rows), its own share held fixed, against every other share (columns)")
fig.tight_layout()
plt.show()

# %% [markdown]
# At a fixed own share, the losses still move with the rest of the mixture. Domains 2 and 3
# lose less when domain 5 fills more of the rest and more when domains 1 and 4 do; domain 1
# loses more with domains 2 and 3 than with 4 and 5; domain 5's loss hardly cares what fills
# the rest (slopes of at most 0.03). The slopes are marginal (more of one domain means less of
# the others), so they are a hint, not a measurement; the fitted law below measures the transfer
# (the map of "which domains help which"). A law of the own share alone ignores all of it. Note
# also that the four colours sit on top of each other: a mixture deviates the same way at every
# model size, which will matter for validation.
#
# ## Candidate forms
#
# With $p_j$ the share of domain $j$ and $L_i$ the loss on domain $i$; constants per domain and
# per model size unless said otherwise:
#
# 1. **The leaderboard law** (SLDBench): $L_i = L_{\infty,i} - a_i\,p_i^{\,b_i}$ (3 per domain,
#    own share only).
# 2. **The data mixing law of Ye et al. (2024)**: $L_i = c_i + k_i \exp\big(\sum_j t_{ij} p_j\big)$
#    (7 per domain; since $\sum_j p_j = 1$ one $t_{ij}$ is redundant, so $t_{ii} = 0$: 6 free).
# 3. **The best published form** (SLDBench leaderboard, 0.9983 held out):
#    $L_i = b_i + \sum_j W_{ij}\,p_j^{\,a_i}$ (7 per domain), refitted by our routine, and two
#    variants that share its exponents across sizes: $a_i$ per domain, and one $a$ for all.
# 4. **Ours.** The plots suggest a diminishing-return power of the own share plus a small
#    linear effect of what fills the rest:
#    - *own power + linear transfer*, $L_i = c_i + W_i\,p_i^{\,a_i} + \sum_{j\neq i} u_{ij}\,p_j$
#      (7 per domain);
#    - the same with **one exponent $a$** for all domains and sizes (the own-share curves have
#      the same shape), with $u_{ij}$ per size, or **$u_{ij}$ shared by the sizes** (the transfer
#      is a property of the domains; the size lives in $c_i$ and $W_i$): 31 per group;
#    - *logarithmic own term*, $L_i = c_i - k_i \ln(p_i + e) + \sum_{j\neq i} u_{ij} p_j$, one $e$;
#    - *effective data*, $L_i = c_i + k_i \big(p_i + \sum_{j\neq i} w_{ij} p_j\big)^{-b_i}$: other
#      domains count as a fraction $w_{ij}$ of own data ($b_i$, $w_{ij}$ shared by sizes).
#
# All of them are linear in most constants once a few nonlinear ones (exponents, offsets) are
# fixed. So they are fitted by *variable projection*: for given nonlinear constants the linear
# ones are the exact least-squares solution, and the nonlinear ones are found by the package's
# `fitting.least_squares` from a fixed grid of starts (the two best polished, the best converged
# start wins), on the loss itself (squared error, what the metric scores).
#
# The chosen law (one exponent, transfer shared by sizes) is the exported cell:

# %% tags=["export"]
import warnings

import numpy as np
import pandas as pd

from scalinglaws import contract, data, decide, fitting

TASK = data.task("domain_mixture")

FORM = (
    r"L_i(\mathbf p) = c_i + W_i\,p_i^{\,a} + \sum_{j\neq i} u_{ij}\,p_j,"
    r"\quad a,\ u_{ij}\ \text{shared by all model sizes}"
)
_DOMAINS = 5
_OTHERS = [[j for j in range(_DOMAINS) if j != i] for i in range(_DOMAINS)]
PARAM_NAMES = (
    [f"c_{i + 1}" for i in range(_DOMAINS)]
    + [f"W_{i + 1}" for i in range(_DOMAINS)]
    + ["a"]
    + [f"u_{i + 1}_{j + 1}" for i in range(_DOMAINS) for j in _OTHERS[i]]
)

# The exponent a is the only nonlinear constant: a fixed grid of 12 starts, the 2 best polished.
_EXPONENT_STARTS = fitting.grid_starts([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.55, 0.75, 1.0, 1.5, 2.0])
_EXPONENT_BOUNDS = ([1e-3], [5.0])


def _shares(X):
    return np.column_stack([np.asarray(X[name], dtype=float) for name in TASK.input_names])


def _unpack(params):
    """c (5,), W (5,), a, and the transfer matrix U (5, 5) with a zero diagonal."""
    p = np.asarray(params, dtype=float)
    transfer = np.zeros((_DOMAINS, _DOMAINS))
    for i in range(_DOMAINS):
        transfer[i, _OTHERS[i]] = p[11 + 4 * i : 15 + 4 * i]
    return p[0:5], p[5:10], p[10], transfer


def predict(X, params):
    """The five losses, shape (n, 5), for the proportions in ``X`` with one model size's constants."""
    c, W, a, transfer = _unpack(params)
    P = _shares(X)
    return c + W * P**a + P @ transfer.T


def _linear_part(shares, losses, a):
    """For a fixed exponent the law is linear: per domain, one least-squares solve over all sizes.

    Per size: columns [1, p_i^a] (c_i, W_i); shared by the sizes: columns p_j, j != i (u_ij).
    Returns each domain's coefficients and the residuals of all domains.
    """
    n_sizes, n_rows = len(shares), sum(len(P) for P in shares)
    coefficients, residuals = [], []
    for i in range(_DOMAINS):
        design = np.zeros((n_rows, 2 * n_sizes + 4))
        start = 0
        for b, P in enumerate(shares):
            rows = slice(start, start + len(P))
            design[rows, 2 * b] = 1.0
            design[rows, 2 * b + 1] = P[:, i] ** a
            design[rows, 2 * n_sizes :] = P[:, _OTHERS[i]]
            start += len(P)
        target = np.concatenate([Y[:, i] for Y in losses])
        beta = np.linalg.lstsq(design, target, rcond=None)[0]
        coefficients.append(beta)
        residuals.append(target - design @ beta)
    return coefficients, np.concatenate(residuals)


def fit(table):
    """Fit all model sizes jointly: c_i, W_i per size; a and u_ij shared (repeated in every size's constants)."""
    groups = list(dict.fromkeys(table[TASK.group_column]))
    parts = [table[table[TASK.group_column] == g] for g in groups]
    shares = [_shares(part) for part in parts]
    losses = [part[TASK.target_names].to_numpy(dtype=float) for part in parts]
    best = fitting.least_squares(
        lambda theta: _linear_part(shares, losses, theta[0])[1],
        _EXPONENT_STARTS, bounds=_EXPONENT_BOUNDS, keep=2,
    )
    a = float(best.params[0])
    beta, _ = _linear_part(shares, losses, a)
    n = len(groups)
    transfer = [float(v) for i in range(_DOMAINS) for v in beta[i][2 * n :]]
    return {
        str(g): [float(beta[i][2 * b]) for i in range(_DOMAINS)]
        + [float(beta[i][2 * b + 1]) for i in range(_DOMAINS)]
        + [a]
        + transfer
        for b, g in enumerate(groups)
    }


# %% [markdown]
# The other candidates share one notebook helper: a form given as the columns of its linear part,
# with the scope of its nonlinear constants (per domain and size, per domain, per size, or one
# set for all) and which columns' coefficients the sizes share.

# %%
class LinearGivenTheta:
    """A mixture law that is linear in its constants once the nonlinear ones (theta) are fixed.

    ``own(theta, P, i)``: columns of domain i's law whose coefficients each size fits for itself;
    ``shared(theta, P, i)``: columns whose coefficients all sizes share. ``scope`` says over which
    rows one theta is fitted: "domain and size", "domain" (shared by sizes), "size" (shared by
    domains) or "all". A group's constants: for each domain, theta then its coefficients.
    """

    def __init__(self, own, shared, n_theta, starts, bounds, scope):
        self.own, self.shared, self.n_theta = own, shared or (lambda theta, P, i: P[:, :0]), n_theta
        self.starts, self.bounds, self.scope = starts, bounds, scope

    def _solve(self, theta, shares, losses, domains):
        solution, residuals = {}, []
        n_sizes, n_rows = len(shares), sum(len(P) for P in shares)
        for i in domains:
            blocks = [(self.own(theta, P, i), self.shared(theta, P, i)) for P in shares]
            n_own = blocks[0][0].shape[1]
            design = np.zeros((n_rows, n_sizes * n_own + blocks[0][1].shape[1]))
            start = 0
            for b, (own, shared) in enumerate(blocks):  # per-size columns block-diagonal, shared ones stacked
                design[start:start + len(own), b * n_own:(b + 1) * n_own] = own
                design[start:start + len(own), n_sizes * n_own:] = shared
                start += len(own)
            target = np.concatenate([Y[:, i] for Y in losses])
            beta = np.linalg.lstsq(design, target, rcond=None)[0]
            solution[i] = [np.concatenate([beta[b * n_own:(b + 1) * n_own], beta[n_sizes * n_own:]]) for b in range(n_sizes)]
            residuals.append(target - design @ beta)
        return solution, np.concatenate(residuals)

    def fit(self, rows):
        groups = list(dict.fromkeys(rows.group))
        shares = [_shares(rows[rows.group == g]) for g in groups]
        losses = [rows.loc[rows.group == g, LOSSES].to_numpy(dtype=float) for g in groups]
        every_size, every_domain = list(range(len(groups))), list(range(5))
        jobs = {
            "domain and size": [([b], [i]) for i in every_domain for b in every_size],
            "domain": [(every_size, [i]) for i in every_domain],
            "size": [([b], every_domain) for b in every_size],
            "all": [(every_size, every_domain)],
        }[self.scope]
        constants = {}
        for sizes, domains in jobs:
            part = ([shares[b] for b in sizes], [losses[b] for b in sizes])
            best = fitting.least_squares(lambda theta: self._solve(theta, *part, domains)[1],
                                         self.starts, bounds=self.bounds, keep=2)
            solution, _ = self._solve(best.params, *part, domains)
            for i in domains:
                for k, b in enumerate(sizes):
                    constants[(b, i)] = np.concatenate([best.params, solution[i][k]])
        return {g: np.concatenate([constants[(b, i)] for i in every_domain]).tolist() for b, g in enumerate(groups)}

    def predict(self, X, params):
        P, p = _shares(X), np.asarray(params, dtype=float)
        out, k = np.empty((len(P), 5)), 0
        for i in range(5):
            theta = p[k:k + self.n_theta]
            columns = np.hstack([self.own(theta, P, i), self.shared(theta, P, i)])
            out[:, i] = columns @ p[k + self.n_theta:k + self.n_theta + columns.shape[1]]
            k += self.n_theta + columns.shape[1]
        return out


ones = lambda P: np.ones((len(P), 1))
EXPONENT = (_EXPONENT_STARTS, _EXPONENT_BOUNDS)
OFFSET = (fitting.grid_starts(np.log([1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3])), ([np.log(1e-6)], [np.log(3.0)]))


def ye_columns(theta, P, i):
    t = np.zeros(5)
    t[_OTHERS[i]] = theta
    return np.hstack([ones(P), np.exp(P @ t)[:, None]])


def effective_data_columns(theta, P, i):
    w = np.ones(5)
    w[_OTHERS[i]] = theta[1:]
    return np.hstack([ones(P), (np.maximum(P @ w, 1e-9) ** -theta[0])[:, None]])


own_power = lambda theta, P, i: np.hstack([ones(P), P[:, [i]] ** theta[0]])
own_power_and_transfer = lambda theta, P, i: np.hstack([ones(P), P[:, [i]] ** theta[0], P[:, _OTHERS[i]]])
published = lambda theta, P, i: np.hstack([ones(P), P ** theta[0]])
log_own_and_transfer = lambda theta, P, i: np.hstack([ones(P), -np.log(P[:, [i]] + np.exp(theta[0])), P[:, _OTHERS[i]]])

forms = {
    "leaderboard": LinearGivenTheta(own_power, None, 1, *EXPONENT, "domain and size"),
    "ye": LinearGivenTheta(ye_columns, None, 4, fitting.grid_starts(*[[-3.0, 0.0, 3.0]] * 4),
                           ([-40.0] * 4, [40.0] * 4), "domain and size"),
    "published": LinearGivenTheta(published, None, 1, *EXPONENT, "domain and size"),
    "published, a_i shared": LinearGivenTheta(published, None, 1, *EXPONENT, "domain"),
    "published, one a": LinearGivenTheta(published, None, 1, *EXPONENT, "all"),
    "effective data": LinearGivenTheta(effective_data_columns, None, 5,
                                       fitting.grid_starts([0.1, 0.4], *[[0.01, 0.1]] * 4),
                                       ([1e-3] + [0.0] * 4, [5.0] + [10.0] * 4), "domain"),
    "own power + transfer": LinearGivenTheta(own_power_and_transfer, None, 1, *EXPONENT, "domain and size"),
    "one a": LinearGivenTheta(own_power_and_transfer, None, 1, *EXPONENT, "all"),
    "log own": LinearGivenTheta(log_own_and_transfer, None, 1, *OFFSET, "all"),
}


def each_size_alone(rows):
    """The chosen law as SLDBench's evaluator fits it: every size on its own (a and u per size)."""
    return {g: fit(part)[g] for g, part in rows.groupby("group", sort=False)}


def candidate(name, constants, origin, key):
    return fitting.Candidate(name, constants, origin=origin, fit=forms[key].fit, predict=forms[key].predict)


CHOSEN = "c_i + W_i p_i^a + sum u_ij p_j; one a, u_ij shared by sizes"
candidates = [
    candidate("L_inf_i - a_i p_i^b_i", "15", "SLDBench leaderboard", "leaderboard"),
    candidate("c_i + k_i exp(sum_j t_ij p_j)", "35 (30 free)", "Ye et al. 2024", "ye"),
    candidate("b_i + sum_j W_ij p_j^a_i", "35", "best published", "published"),
    candidate("b_i + sum_j W_ij p_j^a_i; a_i shared by sizes", "35 (5 shared)", "published, shared", "published, a_i shared"),
    candidate("b_i + sum_j W_ij p_j^a; one a", "31 (1 shared)", "published, shared", "published, one a"),
    candidate("c_i + k_i (p_i + sum w_ij p_j)^-b_i; b, w shared", "35 (25 shared)", "ours", "effective data"),
    candidate("c_i + W_i p_i^a_i + sum u_ij p_j", "35", "ours", "own power + transfer"),
    candidate("c_i + W_i p_i^a + sum u_ij p_j; one a", "31 (1 shared)", "ours", "one a"),
    fitting.Candidate("c_i + W_i p_i^a + sum u_ij p_j; each size alone", "31", origin="ours (evaluator)",
                      fit=each_size_alone, predict=predict),
    fitting.Candidate(CHOSEN, "31 (21 shared)", origin="ours; chosen", fit=fit, predict=predict),
    candidate("c_i - k_i ln(p_i + e) + sum u_ij p_j; one e", "31 (1 shared)", "ours", "log own"),
]

# %% [markdown]
# ## Choosing the form by cross-validation over mixtures
#
# The held-out rows are new mixtures at the same four sizes, so the protocol holds out
# mixtures: 5-fold cross-validation over the 20 mixtures, with seeded folds (seed 0), scored
# with SLDBench's R2 on each fold's held-out rows. **A held-out mixture is held out at all four
# sizes at once.** Row-level folds within each size (`fitting.kfold(table, 5, seed,
# by="group")`) would hold a mixture out at one size while the fit still sees it at the other
# three, and the errors of one mixture are shared by the sizes: the residuals of the best
# published form, fitted to each size alone, correlate
# across sizes for the same mixture and domain:

# %%
published_fit = forms["published"].fit(table)
residual = table[LOSSES].to_numpy() - fitting.predict_table(forms["published"].predict, table, published_fit, TASK)
order = np.argsort(mixture_id.to_numpy(), kind="stable")  # every size's rows in mixture order
by_size = {size: residual[order][(table.group.to_numpy()[order] == size)].ravel() for size in SIZES}
pd.DataFrame(np.corrcoef([by_size[s] for s in SIZES]), index=SIZES, columns=SIZES).round(2)

# %% [markdown]
# Correlations of 0.69 to 0.86: a mixture that one size "likes" more than the law says, the others
# like too. A law that shares constants across sizes, as ours does, would learn the held-out
# mixture's own quirk from its rows at the other sizes and look better than it is. So the folds
# are built here from seeded permutations of the mixtures (a notebook helper; `fitting.kfold`
# draws rows):

# %%
def mixture_folds(rows, k, seed):
    """Seeded K-fold splits (train, held) over mixtures: a held mixture is held at every size."""
    mixture = rows.groupby(SHARES, sort=True).ngroup().to_numpy()
    order = np.random.default_rng(seed).permutation(mixture.max() + 1)
    for fold in np.array_split(order, k):
        held = np.isin(mixture, fold)
        yield rows[~held].copy(), rows[held].copy()


splits = list(mixture_folds(table, 5, seed=0))
validation = fitting.validation_table(candidates, splits, TASK)
validation.round({"r2": 5, "r2_fold_mean": 5, "r2_fold_std": 5, "nmae": 4})[
    ["candidate", "constants", "origin", "r2", "r2_fold_mean", "r2_fold_std", "nmae"]
]

# %% [markdown]
# (`r2` pools the out-of-fold predictions of all folds; `r2_fold_mean` and `r2_fold_std` are
# over the 5 folds.)
#
# **The chosen law wins**: one exponent for every domain and size, and a transfer matrix shared
# by the sizes, has the best pooled R2 (0.9923), the best fold mean (0.9935) and the lowest NMAE
# (0.055), with 4 constants per size fewer than the published form (and 61 free constants for
# the four sizes, against 124 when each size has its own $a$ and $u_{ij}$). The margins over its
# two relatives (one $a$ with the transfer per size; each size fitted alone) are small, 0.001 in
# R2, so the choice rests as much on parsimony as on the score. The effective-data form comes
# next (0.9915 pooled, a smaller spread over folds but a higher NMAE, 0.072); Ye et al.'s
# exponential form trails at 0.968; the own-share-only leaderboard law and every form with an
# exponent per domain and size fail catastrophically in one fold. With a second seed (seeds 0
# and 1, 10 folds) the chosen law keeps the best fold mean (0.9927) and NMAE, while its pooled
# R2 (0.99142) ties with the effective-data form's (0.99144); the second seed is left out here to
# keep the notebook fast.
#
# **The catastrophic rows have one cause.** Only one mixture has no domain 5. When its fold is
# held out, no training row has $p_5 = 0$, and a form with its own exponent for domain 5 can put
# that exponent near 0, turning $W p_5^{a}$ into a step that the training rows cannot see. At the
# held-out mixture the prediction is then wild. Fold by fold, for the published form and the
# chosen law:

# %%
per_fold = []
for k, (train, held) in enumerate(splits):
    truth = held[LOSSES].to_numpy()
    scores = {"fold": k, "holds the mixture without domain 5": bool((held.proportion_domain_5 == 0).any())}
    for name, fitter, law_predict in [("published", forms["published"].fit, forms["published"].predict),
                                      ("chosen", fit, predict)]:
        guess = fitting.predict_table(law_predict, held, fitter(train), TASK)
        scores[f"R2, {name}"] = round(metrics.r2(truth, guess), 4)
    per_fold.append(scores)
pd.DataFrame(per_fold)

# %% [markdown]
# And the error at that one mixture when it is left out of the fit:

# %%
no_domain_5 = (table.proportion_domain_5 == 0).to_numpy()
rows_out = []
for name, fitter, law_predict in [
    ("best published, b_i + sum_j W_ij p_j^a_i", forms["published"].fit, forms["published"].predict),
    ("chosen", fit, predict),
]:
    constants = fitter(table[~no_domain_5])
    guess = fitting.predict_table(law_predict, table[no_domain_5], constants, TASK)
    error = guess - table.loc[no_domain_5, LOSSES].to_numpy()
    rows_out.append({"law": name, "largest |error| at that mixture": round(float(np.abs(error).max()), 3),
                     "RMS error, loss on domain 5": round(float(np.sqrt(np.mean(error[:, 4] ** 2))), 3)})
pd.DataFrame(rows_out)

# %% [markdown]
# With one exponent shared by all five domains, domain 5's behaviour near zero is borrowed from
# the four domains that have zero-share mixtures: the error there falls from 65 nats RMS to 0.2.
# That fold stays the hardest for the chosen law too (0.978). On the other folds the published
# form is good, R2 0.995 to 0.997, though below the chosen law in every fold: it is not a bad
# law, but it depends on the test mixtures sitting on levels the training set already has.
# Sharing the transfer across sizes then lowers the variance further: four sizes estimate each
# $u_{ij}$.
#
# **What row-level folds would have said.** The same comparison with
# `fitting.kfold(table, 5, seed=0, by="group")`, for the chosen law, the same form
# fitted to each size alone, and one $a$ with transfer per size:

# %%
row_splits = list(fitting.kfold(table, 5, seed=0, by="group"))
kin = {"c_i + W_i p_i^a + sum u_ij p_j; one a", "c_i + W_i p_i^a + sum u_ij p_j; each size alone", CHOSEN}
row_level = fitting.validation_table([c for c in candidates if c.name in kin], row_splits, TASK)
row_level.round({"r2": 5, "r2_fold_mean": 5, "r2_fold_std": 5, "nmae": 4})[
    ["candidate", "constants", "r2", "r2_fold_mean", "r2_fold_std", "nmae"]
]

# %% [markdown]
# Row-level folds flatter the shared law (0.9976 pooled, against 0.9923 over mixtures) because
# it sees the held mixture at the other sizes, while the forms fitted per size, which cannot,
# score the same or lower (0.989 to 0.991). Over mixtures, the honest protocol, sharing still
# wins, by less.
#
# **How SLDBench's evaluator behaves.** Its `fit_scaling_law(X, y)` sees one model size alone,
# so with our law it fits $a$ and $u_{ij}$ from that size only: the row "each size alone" above
# (0.9915 pooled, 0.9927 fold mean, against 0.9923 and 0.9935 for the joint fit). The evaluator
# can score the law unchanged and loses about 0.001 of cross-validated R2; `fit(table)` with all
# sizes, the routine that produced the stored constants, is the better fit. Its exponents per
# size:

# %%
evaluator_exponents = {size: constants[10] for size, constants in each_size_alone(table).items()}
print("a fitted on each size alone: " + ", ".join(f"{s} {a:.3f}" for s, a in evaluator_exponents.items()))

# %% [markdown]
# ## The law, fitted on all training runs
#
# $$L_i(\mathbf p) = c_i + W_i\,p_i^{\,a} + \sum_{j\neq i} u_{ij}\,p_j,$$
#
# with $c_i$, $W_i$ per model size and $a$, $u_{ij}$ shared by the sizes: 10 + 21 = 31 constants
# per size (the shared values repeated in each size's vector).

# %%
PARAMS_FITTED = fit(table)
fitted = pd.DataFrame(PARAMS_FITTED, index=PARAM_NAMES)
in_sample = fitting.predict_table(predict, table, PARAMS_FITTED, TASK)
print(f"a = {fitted.loc['a', SIZES[0]]:.4f}; R2 on all training runs {metrics.r2(table[LOSSES].to_numpy(), in_sample):.5f}")
fitted.iloc[:10].round(4)

# %%
_, _, _, transfer = _unpack(PARAMS_FITTED[SIZES[0]])
fig, ax = plt.subplots(figsize=(5.2, 4.2))
shown = np.where(np.eye(5, dtype=bool), np.nan, transfer)
image = ax.imshow(shown, cmap="RdBu_r", vmin=-0.6, vmax=0.6)
for i in range(5):
    for j in range(5):
        if i != j:
            ax.text(j, i, f"{transfer[i, j]:.2f}", ha="center", va="center", fontsize=9)
ax.set_xticks(range(5), [f"{j + 1}" for j in range(5)])
ax.set_yticks(range(5), [f"{i + 1}" for i in range(5)])
ax.set(xlabel="share of domain j", ylabel="loss on domain i", title="Transfer u_ij (shared by sizes); blue helps")
fig.colorbar(image, ax=ax, label="change of L_i per unit share of j")
fig.tight_layout()
plt.show()

# %% [markdown]
# How to read the map: at a fixed own share $p_i$, moving a share $\delta$ from domain $k$ to
# domain $j$ changes $L_i$ by $(u_{ij} - u_{ik})\,\delta$. Only the differences within a row are
# transfer in the strict sense, since the common part of a row is a linear own-share term
# ($\sum_{j\ne i} p_j = 1 - p_i$). Domain 2's row is all positive: its own gain is mostly linear
# in its share (its $W_2$ is small). For domain 3, domain 5 and domain 2 help most and domain 1
# least (0.18 per unit share between 5 and 1); for domain 1, domains 4 and 5 help more than
# domain 2; domain 5's loss hardly depends on what fills the rest.
#
# Uncertainty by a bootstrap over mixtures: 100 resamples (seed 0) of the 20 mixtures with
# replacement, each mixture with its rows at all four sizes, since its errors are shared by the
# sizes. (`fitting.bootstrap` resamples the rows of the table it is given, so it is given a table
# of mixtures and a fit that expands them into their runs.) 95% percentile intervals, shown for
# 410M; $a$ and $u_{ij}$ are the same at every size:

# %%
runs_of_mixture = {m: rows for m, rows in table.groupby(mixture_id, sort=True)}
mixtures = pd.DataFrame({"mixture": sorted(runs_of_mixture)})


def fit_mixtures(sample):
    return fit(pd.concat([runs_of_mixture[m] for m in sample.mixture], ignore_index=True))


draws = fitting.bootstrap(fit_mixtures, mixtures, n=100, seed=0, by=None)
print(f"bootstrap refits: {draws.attempted - draws.failed} of {draws.attempted} converged")
bands = fitting.intervals(PARAMS_FITTED, draws, PARAM_NAMES)
bands[bands.group == SIZES[-1]].drop(columns="group").round(4).set_index("constant")

# %% [markdown]
# $c_3$ and the $u_{3j}$ are loose one by one (±0.4) but move together: domain 3's share never
# exceeds 3/32, so $\sum_{j\ne 3} p_j$ is close to 1 in every mixture and the common level of
# row 3 of $u$ trades off against $c_3$. Their differences, and the predicted losses inside the
# training box, are much tighter (see the bands below). The same holds, less strongly, for the
# intercepts of every domain, so their trend with size is shown relative to the smallest model:

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for name, ax in zip(["c", "W"], axes):
    for i in range(5):
        k = PARAM_NAMES.index(f"{name}_{i + 1}")
        # Intercepts relative to the smallest model: each bootstrap draw refits all sizes at once.
        reference = PARAMS_FITTED[SIZES[0]][k] if name == "c" else 0.0
        drawn = draws.draws[SIZES[0]][:, k] if name == "c" else 0.0
        value = np.array([PARAMS_FITTED[s][k] - reference for s in SIZES])
        low, high = np.quantile([draws.draws[s][:, k] - drawn for s in SIZES], [0.025, 0.975], axis=1)
        ax.errorbar([PARAMETERS[s] * (1 + 0.03 * (i - 2)) for s in SIZES], value,
                    yerr=[value - low, high - value], fmt="o-", ms=4, capsize=2, label=f"domain {i + 1}")
    ax.set(xscale="log", xlabel="model parameters N")
axes[0].set(ylabel=f"c_i(N) - c_i({SIZES[0]})", title="Intercepts, relative to the smallest model")
axes[1].set(ylabel="own-share gain W_i", title="Own-share gains")
axes[0].legend(fontsize=7)
fig.suptitle("The size lives in the intercepts; the own-share gain W_i barely moves (95% bootstrap intervals)")
fig.tight_layout()
plt.show()

# %% [markdown]
# The intercepts fall with size on every domain, by 0.48 to 0.59 nats from 70M to 410M, each
# step in $\log N$ smaller than the last (as a power law towards a floor would), and the
# bootstrap pins the differences within about 0.01 nats. The own-share gain $W_i$ is nearly
# flat (domains 1 and 4 lose a little, from about −1.1 to −0.95). The exponent $a \approx 0.29$
# (interval about 0.24 to 0.34) is well below 1: the
# slope of $W_i p_i^{a}$ is infinite at $p_i = 0$, which is the big first step of the data.
#
# Residuals against each domain's own share:

# %%
residual = table[LOSSES].to_numpy() - in_sample
fig, axes = plt.subplots(1, 5, figsize=(13, 3.0), sharey=True)
for i, ax in enumerate(axes):
    for size in SIZES:
        rows = (table.group == size).to_numpy()
        ax.scatter(table.loc[rows, SHARES[i]] * (1 + 0.04 * (SIZES.index(size) - 1.5)), residual[rows, i],
                   s=10, color=colors[size], label=size)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel=f"share of domain {i + 1}", title=f"loss on domain {i + 1}")
axes[0].set_ylabel("loss - law (nats)")
axes[-1].legend(fontsize=7)
fig.suptitle("Residuals: a few hundredths of a nat, no trend in the own share")
fig.tight_layout()
plt.show()
print("RMS residual per domain (nats): " + ", ".join(f"{v:.4f}" for v in np.sqrt((residual**2).mean(0))))

# %% [markdown]
# The residuals, 0.007 to 0.013 nats RMS per domain, are about the scatter between neighbouring
# mixtures, and they have no trend in the own share.
#
# ## Beyond the training mixtures
#
# The law can be evaluated anywhere on the simplex, but it was fitted inside a box: no share
# above its training maximum. Along one ray per domain (its share from 0 to 1, the rest split
# equally among the other four) at 410M, with the band of the bootstrap refits (2.5% to 97.5%);
# the dashed line is the largest training share of that domain:

# %%
box = table[SHARES].max().to_numpy()
grid = np.linspace(0.0, 1.0, 101)
fig, axes = plt.subplots(1, 5, figsize=(13, 3.2))
for i, ax in enumerate(axes):
    ray = np.tile((1.0 - grid)[:, None] / 4.0, (1, 5))
    ray[:, i] = grid
    X = pd.DataFrame(ray, columns=SHARES)
    curve = predict(X, PARAMS_FITTED[SIZES[-1]])[:, i]
    band = np.quantile([predict(X, d)[:, i] for d in draws.draws[SIZES[-1]]], [0.025, 0.975], axis=0)
    ax.plot(grid, curve, color="tab:red")
    ax.fill_between(grid, *band, color="tab:red", alpha=0.25)
    ax.axvline(box[i], color="grey", ls="--", lw=0.8)
    ax.set(xlabel=f"share of domain {i + 1}", title=f"loss on domain {i + 1}")
axes[0].set_ylabel(f"predicted loss, {SIZES[-1]}")
fig.suptitle("Each loss against its own share (others equal): the band widens past the training maximum (dashed)")
fig.tight_layout()
plt.show()

# %% [markdown]
# Inside the box the band is a few hundredths of a nat wide. Beyond it, the transfer terms are
# straight lines extrapolated and the band opens, most for domain 3, measured only up to 3/32.
#
# A direct check of extrapolation along one share: fit the law without the mixtures at the
# largest training share of a domain and predict them (domain 5 is left out: its largest share,
# 3/4, is in 12 of the 20 mixtures).

# %%
edge = []
for i in range(4):
    at_edge = (table[SHARES[i]] == box[i]).to_numpy()
    guess = fitting.predict_table(predict, table[at_edge], fit(table[~at_edge]), TASK)
    truth = table.loc[at_edge, LOSSES].to_numpy()
    edge.append({"held out": f"{SHARES[i]} = {box[i]:g}", "mixtures": int(at_edge.sum() // len(SIZES)),
                 "fitted up to": f"{table.loc[~at_edge, SHARES[i]].max():g}",
                 "R2": round(metrics.r2(truth, guess), 4), "RMS error": round(float(np.sqrt(np.mean((truth - guess) ** 2))), 4)})
pd.DataFrame(edge)

# %% [markdown]
# Extrapolating the share of domain 1 from 1/4 to 1/2 fails (R2 0.04, a quarter of a nat RMS);
# the other edges hold (R2 0.96 to 0.99, 0.02 to 0.05 nats RMS).
#
# ## What the law says, and where not to trust it
#
# - $c_i$ (per size): the loss on domain $i$ at $p_i \to 0$ with the rest of the mixture in a
#   domain of zero transfer; it carries the model size and falls with it.
# - $W_i < 0$ (per size) and $a$ (shared): the gain from domain $i$'s own data, a diminishing
#   return $p_i^{a}$ with the same shape for all domains and sizes.
# - $u_{ij}$ (shared): linear transfer from domain $j$ to domain $i$; negative helps.
#
# **Do not trust it** outside the training box ($p_1 > 1/2$, $p_2 > 3/16$, $p_3 > 3/32$,
# $p_4 > 1/4$, $p_5 > 3/4$): transfer is linear there by assumption, not by evidence, and the
# one extrapolation we could test in domain 1 failed. Domain 2's own-share curve rests
# on three levels, and domain 5's behaviour near zero on one mixture plus the shared exponent.
# There is no law in the model size: $c_i$ and $W_i$ are fitted per size, and another size needs
# its own runs (their trend in $\log N$ is smooth, but it was not validated). The cross-validated
# R2 on new mixtures is about 0.991 to 0.993; the in-sample 0.9986 is an upper reference, not an
# expectation for the held-out mixtures.
#
# ## The exported law
#
# The constants are stored in `laws/domain_mixture.json` with the validation table; the module
# reads them back as `PARAMS` and builds the leaderboard's `law(input_data, group)` and the
# evaluator's `fit_scaling_law` / `scaling_law_func` from `predict` and `fit`.

# %%
stored = contract.save_params(
    "domain_mixture", PARAMS_FITTED, PARAM_NAMES, table, validation=validation, chosen=CHOSEN,
    protocol="5-fold CV over mixtures (a mixture held out at every size at once), seed 0",
)
print(f"stored the constants in src/scalinglaws/laws/{stored.name}")

# %% tags=["export"]
PARAMS, law, fit_scaling_law, scaling_law_func = contract.interfaces("domain_mixture", predict, fit)

# %% [markdown]
# The stored constants are exactly those `fit` finds on the training split, and the
# leaderboard interface predicts what `predict` does:

# %%
assert PARAMS == fit(data.load("domain_mixture"))
uniform = {name: 0.2 for name in SHARES}
example = law([uniform], "410M")[0]
assert list(example.values()) == predict(pd.DataFrame([uniform]), PARAMS["410M"])[0].tolist()
print("predicted losses of a 410M model on the uniform mixture: "
      + ", ".join(f"{name} {value:.4f}" for name, value in example.items()))

# %% [markdown]
# ## Using the law: the best mixture
#
# Which mixture minimises the mean loss over the five domains (or a weighted loss, for a reader
# who cares about some domains more) for a model size? With $W_i < 0$ and $0 < a < 1$ the
# objective $F(\mathbf p) = \sum_i w_i L_i(\mathbf p)$ is strictly convex in the shares of the
# domains with a positive weight, so the optimum on the simplex is unique and follows from the
# optimality conditions. With $g_j = \sum_i w_i u_{ij}$ (the transfer the weighted objective gets
# from domain $j$), $\partial F/\partial p_j = a\,w_j W_j\,p_j^{a-1} + g_j$ rises from $-\infty$ at
# $p_j = 0$, and at the optimum every share not at a bound has the same slope $\lambda$:
#
# $$p_j(\lambda) = \left(\frac{g_j - \lambda}{-a\,w_j W_j}\right)^{1/(a-1)}\ \text{clipped to}\ [0, \bar p_j],$$
#
# increasing in $\lambda$; $\lambda$ is found by bisection so that the shares sum to 1. A domain
# with weight 0 enters only through transfer, linearly: it takes its upper bound $\bar p_j$ if
# $g_j < \lambda$ and nothing otherwise. The upper bounds $\bar p_j$ are the training maxima by
# default (the law is trusted there), or 1 for the whole simplex.

# %% tags=["export"]
def _optimal_shares(params, weights, upper):
    """Shares on {p >= 0, sum p = 1, p <= upper} minimising sum_i w_i L_i(p) (w >= 0, sum w = 1)."""
    _, W, a, transfer = _unpack(params)
    if not 0.0 < a < 1.0 or np.any(W[weights > 0] >= 0):
        raise ValueError("the optimum needs 0 < a < 1 and W_i < 0 for the weighted domains")
    g = transfer.T @ weights
    scale = np.where(weights > 0, -a * weights * W, 1.0)

    def shares_at(slope):
        with np.errstate(over="ignore", divide="ignore"):  # a share beyond its bound is clipped anyway
            inner = (np.maximum(g - slope, 1e-300) / scale) ** (1.0 / (a - 1.0))
        continuous = np.where(slope < g, np.minimum(inner, upper), upper)
        return np.where(weights > 0, continuous, np.where(slope > g, upper, 0.0))

    low, high = g.min() - 1.0, g.max() + 1.0
    while shares_at(low).sum() >= 1.0:
        low = g.min() - 2.0 * (g.min() - low)
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if shares_at(middle).sum() < 1.0:
            low = middle
        else:
            high = middle
    below, above = shares_at(low), shares_at(high)
    jump = above - below  # non-zero only where a share moves between low and high (the marginal domain)
    return below + (1.0 - below.sum()) * jump / jump.sum()


def optimal_mixture(group, weights=None, within_training_range=True):
    """The mixture of the five domains that minimises the mean (or weighted) loss for a model size.

    ``weights``: five non-negative numbers with a positive sum (default: equal, the mean loss).
    ``within_training_range``: keep every share at most its largest value in the training
    mixtures (default), or search the whole simplex. Returns the shares, the predicted loss per
    domain, the weighted loss and that of the uniform mixture, the shares held at their training
    maximum, and ``warnings``: where the result extrapolates, or where the optimum on the whole
    simplex would leave the training range.
    """
    params = contract.group_params("domain_mixture", PARAMS, group)
    if weights is None:
        weights = [1.0] * _DOMAINS
    if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__") or len(weights) != _DOMAINS:
        raise data.InputError(f"weights: expected five numbers, one per domain, got {weights!r}")
    for i, value in enumerate(weights):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise data.InputError(f"weights[{i}] (domain {i + 1}): expected a number, got {value!r}")
        if not np.isfinite(value) or value < 0:
            raise data.InputError(f"weights[{i}] (domain {i + 1}): {value!r} is not a non-negative number")
    w = np.asarray(weights, dtype=float)
    if w.sum() <= 0:
        raise data.InputError("weights must sum to a positive number (at least one domain must count)")
    w = w / w.sum()
    if isinstance(within_training_range, str) or within_training_range not in (0, 1):
        raise data.InputError(f"within_training_range: expected True or False, got {within_training_range!r}")
    training = contract.load_training_range("domain_mixture")
    maximum = np.array([training[name][1] for name in TASK.input_names])
    upper = maximum if within_training_range else np.ones(_DOMAINS)
    p = _optimal_shares(params, w, upper)
    shares = dict(zip(TASK.input_names, map(float, p)))
    if within_training_range:
        free = _optimal_shares(params, w, np.ones(_DOMAINS))
        outside = [j for j in range(_DOMAINS) if free[j] > maximum[j] * (1 + 1e-9)]
        notes = [
            f"the optimum on the whole simplex has {TASK.input_names[j]} = {free[j]:.4g}, outside the "
            f"training range [0, {maximum[j]:.4g}]; this mixture holds it at the training maximum "
            "(the law would want more of that domain but cannot vouch for it)"
            for j in outside
        ]
        for note in notes:
            warnings.warn(note, decide.ExtrapolationWarning, stacklevel=2)
    else:
        notes = decide.range_warnings("domain_mixture", **shares)
    losses = predict({name: [v] for name, v in shares.items()}, params)[0]
    uniform = predict({name: [1.0 / _DOMAINS] for name in TASK.input_names}, params)[0]
    return {
        "group": group,
        "weights": [float(v) for v in w],
        "within_training_range": bool(within_training_range),
        "mixture": shares,
        "losses": dict(zip(TASK.target_names, map(float, losses))),
        "weighted_loss": float(losses @ w),
        "uniform_weighted_loss": float(uniform @ w),
        "held_at_training_maximum": [
            name for name, v, m in zip(TASK.input_names, p, maximum) if v >= m * (1 - 1e-9)
        ],
        "warnings": notes,
    }


# %% [markdown]
# For each size: the uniform mixture, the best training mixture (measured), the law's optimum
# inside the training box and on the whole simplex (the last extrapolates: the table says so
# instead of printing the warning).

# %%
measured_mean = table.assign(mean_loss=table[LOSSES].mean(axis=1))
rows_out, optima = [], {}
for size in SIZES:
    with warnings.catch_warnings():  # the optimum on the whole simplex extrapolates; the table marks it
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        inside = optimal_mixture(size)
        anywhere = optimal_mixture(size, within_training_range=False)
    optima[size] = (inside, anywhere)
    best = measured_mean[measured_mean.group == size].nsmallest(1, "mean_loss").iloc[0]
    best_predicted = predict(best[SHARES].to_frame().T.astype(float), PARAMS[size])[0].mean()
    for name, shares, predicted, measured, extrapolates in [
        ("uniform", [0.2] * 5, inside["uniform_weighted_loss"], np.nan, True),
        ("best training mixture", best[SHARES].to_numpy(float), best_predicted, best.mean_loss, False),
        ("optimum in the training box", list(inside["mixture"].values()), inside["weighted_loss"], np.nan, False),
        ("optimum on the whole simplex", list(anywhere["mixture"].values()), anywhere["weighted_loss"], np.nan,
         bool(anywhere["warnings"])),
    ]:
        rows_out.append({"size": size, "mixture": name, "shares": " / ".join(f"{v:.3f}" for v in shares),
                         "predicted mean loss": round(float(predicted), 4),
                         "measured mean loss": round(float(measured), 4), "extrapolates": extrapolates})
pd.DataFrame(rows_out)

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, k, title in [(axes[0], 0, "inside the training box"), (axes[1], 1, "on the whole simplex (extrapolates)")]:
    bottom = np.zeros(len(SIZES))
    for j in range(5):
        heights = np.array([list(optima[s][k]["mixture"].values())[j] for s in SIZES])
        ax.bar(SIZES, heights, bottom=bottom, label=f"domain {j + 1}")
        bottom += heights
    ax.set(xlabel="model size", title=title)
axes[0].set_ylabel("share")
axes[1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
fig.suptitle("The mixture that minimises the mean loss over the five domains, per model size")
fig.tight_layout()
plt.show()

# %% [markdown]
# Inside the box, the best mixture for the mean loss keeps domain 3 at its training maximum at
# every size (the law "wants more domain 3": on the whole simplex it would take about a
# quarter), and gives domain 5 a share that grows with size (0.32 at 70M to 0.41 at 410M). The
# predicted gain over the best training mixture is about 0.01 nats, the size of the residuals
# (the law's prediction for that mixture is itself 0.002 to 0.012 above its measured loss). The
# decision mostly says that the best measured mixture is already close to optimal, and that
# more domain 3 than 3/32 is the one direction the data cannot vouch for. The uniform mixture
# itself leaves the box (20% of domain 3).
#
# How firm is the in-box optimum? The same decision under each bootstrap refit at 410M, 90%
# intervals of the shares:

# %%
upper = box
equal = np.full(5, 0.2)
bootstrap_optima = np.array([_optimal_shares(d, equal, upper) for d in draws.draws[SIZES[-1]]])
pd.DataFrame(np.quantile(bootstrap_optima, [0.05, 0.5, 0.95], axis=0), index=["5%", "median", "95%"],
             columns=[f"domain {j + 1}" for j in range(5)]).round(3)

# %% [markdown]
# Domain 3 sits at its bound in every refit; domain 1 is pinned within about ±0.03, domains 4
# and 5 within about ±0.06, and domain 2 least (0.04 to 0.19): its loss is nearly linear in its
# share, so the objective is flat along it.
#
# A weighted example: a reader who only cares about domain 3, at 410M.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", decide.ExtrapolationWarning)
    only_3 = optimal_mixture("410M", weights=[0, 0, 1, 0, 0])
print(f"warnings: {len(caught)}" + "".join(f"\n- {note}" for note in only_3["warnings"]))
pd.DataFrame({"share": only_3["mixture"].values(), "predicted loss": only_3["losses"].values()},
             index=[f"domain {j + 1}" for j in range(5)]).round(4)

# %% [markdown]
# Domain 3 gets its training maximum, and the rest goes to the domains that help it most:
# domain 5 up to its own maximum (3/4, $u_{35} = -0.25$) and the remainder to domain 2
# ($u_{32} = -0.23$). `optimal_mixture` returns plain numbers (JSON-ready), with a clear error
# for an unknown size, weights that are negative or do not sum to a positive number, and a
# `warnings` entry (and an `ExtrapolationWarning`) when the result, or the unconstrained
# optimum, leaves the training range.

# %% [markdown]
# ## Fitting the law to your own runs
#
# `scalinglaws.fit` fits this form to any table with the task's columns (a `group` column
# for model sizes, optional), with the same routine and bootstrap intervals over runs
# (`scalinglaws fit domain_mixture --csv runs.csv` from the command line). Here, as if only
# the three smaller sizes had been trained, with the 410M runs as the check:

# %%
import scalinglaws

small_sizes = table[table.group != "410M"]
own = scalinglaws.fit("domain_mixture", small_sizes, bootstrap=20, seed=0)
print(f"fitted to {own.rows} runs of {len(own.constants)} sizes: R2 {own.r2:.5f}")
own.intervals[own.intervals.constant.isin(["a", "u_3_5", "u_3_2"])].drop_duplicates("constant").round(4)

# %% [markdown]
# The shared exponent and the transfer into domain 3 come out close to the fit on all four
# sizes. A law fitted on some sizes has no constants for another size ($c_i$ and $W_i$ are per
# size): to predict a new size, fit a run or two there, or interpolate $c_i, W_i$ in size.
