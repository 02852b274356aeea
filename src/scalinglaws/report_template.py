# %% [markdown]
# # A study of your runs
#
# This notebook runs the selection protocol of a law of `scalinglaws` on a table of runs: it
# scores the law's candidate forms by backtests built from the runs, chooses the form (or the
# combination) they support, fits it on all runs with bootstrap refits, and predicts the points
# asked about with intervals calibrated on the backtests. Every number below comes from the
# study; change the parameters in the next cell and run it again (`scalinglaws study --report`
# wrote it, and the runs' CSV beside it).

# %% tags=["parameters"]
law = "chinchilla"
runs_csv = "runs.csv"
points_csv = ""
at = {}
interval = 0.9
bootstrap = 100
seed = 0

# %% tags=["hide-input"]
import warnings

import matplotlib.pyplot as plt
import pandas as pd

import scalinglaws
from scalinglaws import report
from scalinglaws.decide import ExtrapolationWarning

warnings.simplefilter("ignore", ExtrapolationWarning)
runs = pd.read_csv(runs_csv)
points = pd.read_csv(points_csv) if points_csv else None
study = scalinglaws.study(law, runs, points=points, at=at or None, interval=interval, bootstrap=bootstrap, seed=seed)
report.summary(study)

# %% [markdown]
# ## The runs
#
# The target against each extrapolation axis (log scale for sizes); the points asked about are
# marked where they lie.

# %% tags=["hide-input"]
report.plot_runs(study)
plt.show()

# %% [markdown]
# ## The backtests
#
# From each forecast origin, every form is fitted on the runs up to the origin and scored on the
# runs beyond it, as far beyond as the points asked about lie beyond the runs. R2 per origin
# (SLDBench's), the median over origins, and the median bias (mean signed error in standard
# deviations of the held target; positive: too high). Forms refused by a check say why.

# %% tags=["hide-input"]
report.backtests(study)

# %% [markdown]
# How the chosen law's error on the held runs grew with their distance beyond the fitted runs
# (in units of the reach): the intervals grow the same way beyond the farthest distance the
# backtests reached.

# %% tags=["hide-input"]
report.plot_errors(study)
plt.show()

# %% [markdown]
# ## The chosen law and its constants
#
# 95% intervals from the bootstrap refits; a constant the runs do not pin down is marked.

# %% tags=["hide-input"]
report.constants(study)

# %% [markdown]
# ## Predictions

# %% tags=["hide-input"]
report.plot_predictions(study)
plt.show()

# %% tags=["hide-input"]
report.predictions(study)

# %% [markdown]
# ## The decision

# %% tags=["hide-input"]
report.decision(study)

# %% [markdown]
# ## Where not to trust it

# %% tags=["hide-input"]
report.caveats(study)
