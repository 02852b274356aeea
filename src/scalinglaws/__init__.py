"""scalinglaws: documented, validated scaling laws for large language models.

One law for each of the eight tasks of SLDBench (Lin et al. 2025) and for Chinchilla's
compute-optimal runs (Hoffmann et al. 2022), each derived in a notebook that chooses it by
one selection protocol on the training data and exports it here.

- ``from scalinglaws.laws import moe`` gives a law: ``moe.predict(X, interval=0.9)``,
  ``moe.fit(table)``, ``moe.PARAMS``, its decisions (``moe.LAW.decisions``), and SLDBench's
  interfaces ``law``, ``fit_scaling_law``, ``scaling_law_func``.
- ``scalinglaws.study("chinchilla", runs, points=...)`` runs the protocol that chose a law on
  your own runs: its pool of forms, backtests from the runs, the choice, calibrated intervals
  that grow beyond the validated reach, the law's decisions, a report (`scalinglaws.studies`).
- ``scalinglaws.fit("moe", runs)`` fits a law's form to your own runs, with bootstrap
  intervals (`scalinglaws.refit`).
- ``scalinglaws.data.load(task)`` reads a task's training table (shipped with the package).
- ``scalinglaws.laws.available()`` lists the laws; ``scalinglaws`` on the command line
  lists, predicts, scores, cites, fits and decides with them.
"""

__all__ = ["__version__", "fit", "study", "Study"]


def __getattr__(name):
    # Lazy, so that `import scalinglaws` stays light (no scipy until a fit is asked for, no
    # package metadata until a version is).
    if name == "fit":
        from .refit import fit

        return fit
    if name in ("study", "Study"):
        from . import studies as module

        return getattr(module, name)
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("scalinglaws")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0+unknown"
    raise AttributeError(f"module 'scalinglaws' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
