"""The laws, one module per SLDBench task, each generated from ``notebooks/<module>.py``.

``from scalinglaws.laws import parallel`` imports one; ``available()`` lists those
that have landed (a module and its fitted constants), so nothing here is a hand-kept list.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from ..data import TASKS, task

__all__ = ["available", "get"]

_HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Module names of the laws that exist, in the order of the task table."""
    return [m for m in TASKS if (_HERE / f"{m}.py").is_file() and (_HERE / f"{m}.json").is_file()]


def get(name: str) -> ModuleType:
    """The law module of a task (by module or SLDBench name)."""
    module = task(name).module
    if module not in available():
        raise ModuleNotFoundError(
            f"no law for {module} yet; the laws are: {', '.join(available()) or 'none'}"
        )
    return importlib.import_module(f"{__name__}.{module}")
