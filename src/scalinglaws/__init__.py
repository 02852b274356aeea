"""scalinglaws: documented, validated scaling laws for the eight SLDBench tasks.

``from scalinglaws.laws import moe`` gives a law; ``scalinglaws.fit("moe", frame)``
fits its form to your own runs (see :mod:`scalinglaws.refit`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("scalinglaws")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__", "fit"]


def __getattr__(name):
    # Lazy, so that `import scalinglaws` stays light (no scipy until a fit is asked for).
    if name == "fit":
        from .refit import fit

        return fit
    raise AttributeError(f"module 'scalinglaws' has no attribute {name!r}")
