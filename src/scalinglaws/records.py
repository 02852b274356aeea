"""A law's record: its constants, training ranges, uncertainty, validation and provenance.

One format, read and written here only. A law's notebook stores its record in
``laws/<module>.json``; ``scalinglaws fit --out`` writes the same format for constants
fitted to a user's own runs, so that every command and function that takes constants
(``--constants FILE``, ``constants=``) takes either.

A record is rewritten only when what it says changes: constants are compared through
what they predict on the training rows (another CPU's kernels move the last digits of a
fit, and constants in a flat direction move more while predicting the same), and every
other number to a relative tolerance. A re-run on another machine leaves the file, and
``git status``, as they were.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

from .data import InputError, task as _task

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMAT",
    "Form",
    "DRAW_RTOL",
    "PREDICTION_RTOL",
    "Record",
    "Uncertainty",
    "read",
    "stored",
    "stored_path",
    "jsonable",
    "table_digest",
    "texts_agree",
    "training_ranges",
    "write",
    "write_atomic",
]

#: Version of the record format.
FORMAT = 2

#: Two sets of constants are the same law when their predictions on every training row
#: agree to this relative tolerance: the contract that holds on every machine.
PREDICTION_RTOL = 1e-6

#: Bootstrap draws (of the law and of its pool's forms) are read only through the spread of
#: many, and a refit of a resample in a flat direction stops a little apart on another CPU
#: (one of domain_mixture's 35-constant draws moved its predictions by 3.6e-6 under another
#: OpenBLAS kernel): their predictions are the same to this relative tolerance.
DRAW_RTOL = 1e-4

#: Numbers other than constants (scores, noise, intervals) are the same to this tolerance:
#: they come from many fits, some of candidates with flat directions, and are read at a few
#: significant digits.
NUMBER_RTOL = 1e-3
NUMBER_ATOL = 1e-4

#: A number as text: what `texts_agree` compares digit by digit.
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

LAWS_DIR = Path(__file__).resolve().parent / "laws"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Uncertainty:
    """What a prediction interval is made of, per group.

    ``draws``: bootstrap refits of the constants (resampling ``unit``: runs, cells of
    repeated runs, mixtures). ``noise_sd``: run-to-run noise of the target, one value per
    target. ``extrapolation_sd``: the extra spread per unit of extrapolation distance, one
    value per target, calibrated on the backtests of the selection protocol; a unit is
    ``reach[axis]`` (in log for sizes) beyond the training range along an axis, the
    distance from the training data to the task's target. ``validated_distance``: the
    farthest distance (in those units) at which the backtests scored a run; beyond it the
    interval's half-width grows as (distance / validated_distance) ** ``growth`` (the
    backtests' error against distance, at least linear) and the point is flagged.
    ``new_run_scale``: per target, the factor (at least 1) on the law's own spread (its refits,
    combined forms and survivors) for a run it was not fitted on, calibrated with the
    extrapolation term.
    ``coverage``: what the calibration measured on the backtests (for the reader;
    predictions do not use it).
    """

    unit: str
    draws: dict[str, list[list[float]]]
    noise_sd: dict[str, list[float]]
    extrapolation_sd: list[float]
    reach: dict[str, float] = field(default_factory=dict)
    coverage: dict[str, Any] = field(default_factory=dict)
    validated_distance: float | None = None
    growth: float | None = None
    new_run_scale: list[float] | None = None

    def to_dict(self) -> dict[str, Any]:
        body = {
            "unit": self.unit,
            "noise_sd": self.noise_sd,
            "extrapolation_sd": self.extrapolation_sd,
            "reach": self.reach,
        }
        if self.validated_distance is not None:
            body["validated_distance"] = self.validated_distance
        if self.growth is not None:
            body["growth"] = self.growth
        if self.new_run_scale is not None:
            body["new_run_scale"] = list(self.new_run_scale)
        body["coverage"] = self.coverage
        body["draws"] = self.draws
        return body


@dataclass(frozen=True)
class Form:
    """A candidate form of the law's pool, fitted to the same runs as the law.

    ``role`` says what the protocol made of it: ``law`` (the chosen form), ``member`` (of
    the law's combination), ``survivor`` (the backtests cannot tell it from the law: its
    refits, ``draws``, widen the decisions' intervals), or ``candidate``. ``weight`` is its
    weight in the combination (members only).
    """

    name: str
    param_names: list[str]
    params: dict[str, list[float]]
    role: str = "candidate"
    draws: dict[str, list[list[float]]] = field(default_factory=dict)
    weight: float | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "role": self.role, "param_names": list(self.param_names),
                                "params": self.params}
        if self.weight is not None:
            body["weight"] = self.weight
        if self.draws:
            body["draws"] = self.draws
        return body


@dataclass(frozen=True)
class Record:
    """Everything a law stores besides its code (see the module's docstring)."""

    task: str
    param_names: list[str]
    params: dict[str, list[float]]
    training_range: dict[str, tuple[float, float]] = field(default_factory=dict)
    training_range_by_group: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    uncertainty: Uncertainty | None = None
    validation: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return _task(self.task).module

    def ranges(self, group: str | None = None) -> dict[str, tuple[float, float]]:
        """The (min, max) of every input over the rows the constants were fitted on (of ``group``)."""
        if group is not None and group in self.training_range_by_group:
            return self.training_range_by_group[group]
        return self.training_range

    def constants(self, group: str) -> list[float]:
        """One group's constants, or an `InputError` that lists the known groups."""
        if group not in self.params:
            raise InputError(
                f"unknown group {group!r} for {self.module}; the groups are: {', '.join(self.params)}"
            )
        return self.params[group]

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "format": FORMAT,
            "task": _task(self.task).name,
            "param_names": list(self.param_names),
            "params": self.params,
            "training_range": {k: list(v) for k, v in self.training_range.items()},
            "training_range_by_group": {
                g: {k: list(v) for k, v in r.items()} for g, r in self.training_range_by_group.items()
            },
        }
        for name in ("summary", "validation", "provenance"):
            if getattr(self, name):
                record[name] = getattr(self, name)
        if self.uncertainty is not None:
            record["uncertainty"] = self.uncertainty.to_dict()
        if self.forms:
            record["forms"] = {key: form.to_dict() for key, form in self.forms.items()}
        return record

    def survivors(self) -> dict[str, Form]:
        """The forms the backtests could not tell from the law, other than the law's own."""
        return {key: f for key, f in self.forms.items() if f.role == "survivor"}

    def to_json(self) -> str:
        body = self.to_dict()
        body["digest"] = _digest(body)
        return _dumps(body) + "\n"


# ---------------------------------------------------------------- reading


def _fail(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}")


def _numbers(values: Any, where: str, what: str, count: int | None = None) -> list[float]:
    if not isinstance(values, list):
        raise _fail(where, f"{what} must be a list of numbers, got {type(values).__name__}")
    if count is not None and len(values) != count:
        raise _fail(where, f"{what} has {len(values)} value(s), the law has {count}")
    out = []
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _fail(where, f"{what}: value {i} is {value!r}, not a finite number")
        out.append(float(value))
    return out


def _ranges(values: Any, where: str) -> dict[str, tuple[float, float]]:
    if not isinstance(values, dict):
        raise _fail(where, "a training range must map inputs to [low, high]")
    return {str(k): tuple(_numbers(v, where, f"the range of {k}", 2)) for k, v in values.items()}


def from_dict(body: Any, where: str = "record") -> Record:
    """A `Record` from its JSON form, or an `InputError` saying what is wrong."""
    if not isinstance(body, dict):
        raise _fail(where, f"not a record of constants (a JSON object), got {type(body).__name__}")
    for key in ("task", "param_names", "params"):
        if key not in body:
            raise _fail(where, f"not a record of constants: no {key!r}")
    t = _task(body["task"])
    names = body["param_names"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _fail(where, "param_names must be a list of names")
    params = body["params"]
    if not isinstance(params, dict) or not params:
        raise _fail(where, "params must map each group to its constants")
    constants = {
        str(g): _numbers(v, where, f"group {g!r}", len(names)) for g, v in params.items()
    }
    uncertainty = None
    if body.get("uncertainty"):
        u = body["uncertainty"]
        draws = {
            str(g): [_numbers(d, where, f"a bootstrap draw of {g!r}", len(names)) for d in rows]
            for g, rows in u.get("draws", {}).items()
        }
        uncertainty = Uncertainty(
            unit=str(u.get("unit", "")),
            draws=draws,
            noise_sd={str(g): _numbers(v, where, f"noise of {g!r}", len(t.targets))
                      for g, v in u.get("noise_sd", {}).items()},
            extrapolation_sd=_numbers(u.get("extrapolation_sd", [0.0] * len(t.targets)), where,
                                      "extrapolation_sd", len(t.targets)),
            reach={str(k): float(v) for k, v in u.get("reach", {}).items()},
            coverage=u.get("coverage", {}),
            validated_distance=(None if u.get("validated_distance") is None
                                else _numbers([u["validated_distance"]], where, "validated_distance", 1)[0]),
            growth=None if u.get("growth") is None else _numbers([u["growth"]], where, "growth", 1)[0],
            new_run_scale=(None if u.get("new_run_scale") is None
                           else _numbers(u["new_run_scale"], where, "new_run_scale", len(t.targets))),
        )
    forms = {}
    for key, f in (body.get("forms") or {}).items():
        if not isinstance(f, dict) or not isinstance(f.get("param_names"), list) or not isinstance(f.get("params"), dict):
            raise _fail(where, f"form {key!r} must give param_names and params")
        count = len(f["param_names"])
        forms[str(key)] = Form(
            name=str(f.get("name", key)), param_names=[str(n) for n in f["param_names"]],
            params={str(g): _numbers(v, where, f"form {key!r}, group {g!r}", count) for g, v in f["params"].items()},
            role=str(f.get("role", "candidate")),
            draws={str(g): [_numbers(d, where, f"a draw of form {key!r}", count) for d in rows]
                   for g, rows in (f.get("draws") or {}).items()},
            weight=None if f.get("weight") is None else float(f["weight"]),
        )
    return Record(
        task=t.module,
        param_names=list(names),
        params=constants,
        training_range=_ranges(body.get("training_range", {}), where),
        training_range_by_group={
            str(g): _ranges(r, where) for g, r in body.get("training_range_by_group", {}).items()
        },
        uncertainty=uncertainty,
        validation=body.get("validation", {}),
        summary=body.get("summary", {}),
        provenance=body.get("provenance", {}),
        forms=forms,
    )


def read(path: str | os.PathLike) -> Record:
    """Read a record (a law's ``laws/<module>.json`` or a file from ``scalinglaws fit --out``)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a file of constants")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise InputError(f"{path}: no such file of constants") from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from error
    try:
        body = json.loads(text)
    except ValueError as error:
        raise InputError(f"{path} is not JSON ({error})") from error
    return from_dict(body, str(path))


def stored_path(module: str) -> Path:
    """Where the notebook of a law stores its record."""
    return LAWS_DIR / f"{_task(module).module}.json"


_CACHE: dict[str, tuple[float, Record]] = {}


def stored(module: str) -> Record:
    """The record a law's notebook stored (read once, again if the file changes)."""
    path = stored_path(module)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"{path} is missing: run notebooks/{_task(module).module}.py to fit and store the law"
        ) from error
    cached = _CACHE.get(str(path))
    if cached is None or cached[0] != stamp:
        cached = (stamp, read(path))
        _CACHE[str(path)] = cached
    return cached[1]


def verify_digest(path: str | os.PathLike) -> str | None:
    """None if the file's digest matches its content, else what is wrong (a hand edit, say)."""
    body = json.loads(Path(path).read_text(encoding="utf-8"))
    digest = body.pop("digest", None)
    if digest is None:
        return "it has no digest"
    if digest != _digest(body):
        return "its content does not match its digest (edited by hand?)"
    return None


# ---------------------------------------------------------------- writing


def training_ranges(table: pd.DataFrame, module: str, derived: Mapping[str, Callable] | None = None
                    ) -> tuple[dict, dict]:
    """The (min, max) of every input over a table, overall and per group; and of every axis
    ``derived`` from the inputs (compute, say)."""
    t = _task(module)

    def span(rows):
        out = {n: (float(rows[n].min()), float(rows[n].max())) for n in t.input_names}
        for axis, function in (derived or {}).items():
            values = np.asarray(function({n: rows[n].to_numpy(dtype=float) for n in t.input_names}), dtype=float)
            out[axis] = (float(values.min()), float(values.max()))
        return out

    by_group = {str(g): span(rows) for g, rows in table.groupby(t.group_column, sort=False)}
    return span(table), by_group


def table_digest(table: pd.DataFrame) -> str:
    """A short digest of a table's content: a record says which data its constants come from."""
    text = table.to_csv(index=False, float_format="%.17g", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write(
    record: Record,
    path: str | os.PathLike | None = None,
    *,
    same_predictions: Callable[[Sequence[float], Sequence[float], str], bool] | None = None,
) -> bool:
    """Write ``record`` (to its law's ``laws/<module>.json`` by default) unless the file already
    says the same; return whether the file was written.

    ``same_predictions(old, new, group, form=None, rtol=PREDICTION_RTOL)`` tells whether two
    constant vectors (of the law, or of one of its stored forms) predict the same on the
    training rows (see `PREDICTION_RTOL`; bootstrap draws are compared at `DRAW_RTOL`);
    without it, constants are compared as numbers.
    """
    path = Path(path) if path is not None else stored_path(record.task)
    if path.is_file():
        try:
            old = read(path)
        except InputError:
            old = None
        if old is not None and verify_digest(path) is None and _same(old, record, same_predictions):
            return False
    write_atomic(path, record.to_json())
    _CACHE.pop(str(path), None)
    return True


def _same(old: Record, new: Record, same_predictions) -> bool:
    if old.param_names != new.param_names or set(old.params) != set(new.params):
        return False

    def agree(a, b, group, form=None, rtol=PREDICTION_RTOL):
        """Two constant vectors of the law (or of its pool's ``form``) say the same."""
        if same_predictions is None:
            return _close(a, b)
        return same_predictions(a, b, group, form=form, rtol=rtol)

    def draws_agree(old_rows, new_rows, group, form=None):
        return len(old_rows) == len(new_rows) and all(
            agree(x, y, group, form, DRAW_RTOL) for x, y in zip(old_rows, new_rows))

    if not all(agree(old.params[g], new.params[g], g) for g in new.params):
        return False
    if (old.uncertainty is None) != (new.uncertainty is None):
        return False
    if new.uncertainty is not None:
        a, b = old.uncertainty.to_dict(), new.uncertainty.to_dict()
        draws_a, draws_b = a.pop("draws"), b.pop("draws")
        if set(draws_a) != set(draws_b) or not _close(a, b):
            return False
        if not all(draws_agree(draws_a[g], draws_b[g], g) for g in draws_b):
            return False
    if set(old.forms) != set(new.forms):
        return False
    for key, form in new.forms.items():
        was = old.forms[key]
        if (was.param_names, was.role, set(was.params), set(was.draws)) != (form.param_names, form.role, set(form.params), set(form.draws)):
            return False
        if (was.weight is None) != (form.weight is None) or (form.weight is not None and not _close(was.weight, form.weight)):
            return False
        if not all(agree(was.params[g], form.params[g], g, key) for g in form.params):
            return False
        if not all(draws_agree(was.draws[g], rows, g, key) for g, rows in form.draws.items()):
            return False
    rest = lambda r: {k: v for k, v in r.to_dict().items() if k not in ("params", "uncertainty", "forms")}  # noqa: E731
    return _close(rest(old), rest(new))


def _close(a: Any, b: Any) -> bool:
    """Structures equal, with numbers compared to a relative tolerance."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= NUMBER_RTOL * max(abs(a), abs(b)) + NUMBER_ATOL
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str):
        return texts_agree(a, b)
    return a == b


def _last_digit(token: str) -> float:
    """The value of one unit in the last printed digit of a number written as text."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
    return 10.0 ** (int(exponent or 0) - decimals)


def texts_agree(a: str, b: str) -> bool:
    """Whether two texts say the same, up to the last printed digit of their numbers.

    The words must be identical and the numbers as many; each pair of numbers may differ
    by one unit in the last digit either prints (a rounding that flipped on another CPU:
    ``0.9923`` and ``0.9924``, ``3.79e+04`` and ``3.78e+04``), and no more.
    """
    if a == b:
        return True
    words_a, words_b = _NUMBER.split(a), _NUMBER.split(b)
    if words_a != words_b:
        return False
    for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)):
        if x == y:
            continue
        unit = max(_last_digit(x), _last_digit(y))
        if abs(float(x) - float(y)) > 1.01 * unit:
            return False
    return True


def jsonable(value: Any) -> Any:
    """JSON-ready: numpy scalars and arrays as Python numbers and lists, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def _digest(body: dict[str, Any]) -> str:
    canonical = json.dumps(jsonable(body), sort_keys=True, allow_nan=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _dumps(value: Any, indent: int = 0) -> str:
    """JSON with one level of indentation per nesting, and lists of numbers on one line."""
    value = jsonable(value)
    pad = " " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {_dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return json.dumps(value, allow_nan=True)
        items = [f"{pad}{_dumps(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    return json.dumps(value, allow_nan=True)


def with_provenance(record: Record, **entries: Any) -> Record:
    """A copy of ``record`` with more provenance."""
    return replace(record, provenance={**record.provenance, **entries})
