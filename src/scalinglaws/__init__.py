"""scalinglaws: documented, validated scaling laws for the eight SLDBench tasks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("scalinglaws")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
