"""Readable output, written once: numbers, intervals, aligned rows, small tables, HTML.

Every answer a person reads (a decision on the command line, the repr of a `Result` or of a
fitted law in a notebook) is shown the same way: a number at 4 significant figures (the
uncertainty of a fitted law rarely supports more), with its unit and, beside it, its
interval and the interval's level (``80% interval 61.07e9 to 64.66e9``). Large numbers are
written in engineering notation (``62.97e9``: 63 billion), small ones in scientific
notation (``5.44e-4``). Lists are shown on one line (long ones shortened, the full values in
``--json`` or ``to_dict()``), dicts as indented rows, lists of dicts as small tables. JSON
output keeps full precision and never goes through here.
"""

from __future__ import annotations

import html
import math
from typing import Any, Iterable, Mapping, Sequence

__all__ = ["DIGITS", "aligned", "html_table", "interval", "level", "number", "r2", "rows", "table", "value"]

#: Significant figures of a number shown to a person.
DIGITS = 4

#: A list longer than this is shown as its first and last values.
LIST_ITEMS = 12


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) or type(x).__module__ == "numpy" and hasattr(x, "dtype") and x.dtype.kind in "iuf"


def number(x: Any, digits: int = DIGITS) -> str:
    """``x`` at ``digits`` significant figures: ``24.21``, ``0.001379``, ``62.97e9``, ``5.44e-4``.

    Between 1e-3 and 1e4 a number is written plainly (trailing zeros dropped); above, in
    engineering notation (an exponent that is a multiple of 3, so ``e9`` reads as billions);
    below, in scientific notation. Whole numbers below 1e5 are written whole (``65536``);
    booleans are ``yes`` and ``no``.
    """
    if isinstance(x, bool) or type(x).__name__ == "bool_":
        return "yes" if x else "no"
    if x is None:
        return "none"
    if not _is_number(x):
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e5:
        return str(int(x))
    rounded = float(f"{x:.{digits}g}")
    size = abs(rounded)
    if 1e-3 <= size < 1e4:
        return f"{rounded:.{digits}g}"
    if size < 1e-3:
        mantissa, exponent = f"{rounded:.{digits - 1}e}".split("e")
        return f"{float(mantissa):.{digits}g}e{int(exponent)}"
    exponent = 3 * math.floor(math.log10(size) / 3)
    mantissa = float(f"{rounded / 10**exponent:.{digits}g}")
    if abs(mantissa) >= 1000:  # rounding carried into the next power of 1000
        exponent += 3
        mantissa = float(f"{rounded / 10**exponent:.{digits}g}")
    return f"{mantissa:.{digits}g}e{exponent}"


def r2(value: Any) -> str:
    """An R2 at the precision that tells laws apart: six decimals near 1 (0.999983), else
    four (0.9470)."""
    if value is None or not _is_number(value) or math.isnan(float(value)):
        return "nan"
    return f"{float(value):.6f}" if float(value) > 0.999 else f"{float(value):.4f}"


def level(value: float) -> str:
    """An interval's level as a percentage: ``80%``, ``97.5%``."""
    return f"{100 * float(value):.4g}%"


def interval(low: Any, high: Any, at: float | None, digits: int = DIGITS) -> str:
    """``80% interval 61.07e9 to 64.66e9`` (no level: ``interval ...``)."""
    prefix = f"{level(at)} interval" if at is not None else "interval"
    return f"{prefix} {number(low, digits)} to {number(high, digits)}"


def value(x: Any, digits: int = DIGITS, items: int = LIST_ITEMS) -> str:
    """One value on one line: a number, a name, or a list shown compactly (``1, 2, 4, ..., 512``)."""
    if isinstance(x, Mapping):
        return ", ".join(f"{k} {value(v, digits, items)}" for k, v in x.items())
    if isinstance(x, (list, tuple)) or (type(x).__module__ == "numpy" and getattr(x, "ndim", 0) > 0):
        shown = [value(v, digits, items) for v in list(x)]
        if len(shown) > items:
            head = items // 2
            tail = items - head - 1
            shown = [*shown[:head], "...", *shown[-tail:], f"({len(x)} values)"]
            return ", ".join(shown[:-1]) + " " + shown[-1]
        return ", ".join(shown) if shown else "none"
    return number(x, digits)


def aligned(rows: Iterable[Sequence[str] | str], indent: str = "", gap: str = "  ",
            widest: int | Sequence[int] = 36) -> list[str]:
    """Rows of cells with every column aligned; a cell wider than ``widest`` (one limit, or one
    per column) does not widen its column (a long list or sentence just pushes the rest of its
    own row to the right), and
    trailing empty cells leave no trailing spaces. A row given as one string is a line of its
    own, kept as it is (after ``indent``)."""
    rows = [r if isinstance(r, str) else [c for c in r] for r in rows]
    for r in rows:
        while not isinstance(r, str) and r and r[-1] == "":
            r.pop()
    cell_rows = [r for r in rows if not isinstance(r, str)]
    count = max((len(r) for r in cell_rows), default=0)
    limits = [widest] * count if isinstance(widest, int) else [*widest, *[widest[-1]] * count][:count]
    widths = []
    for j in range(count):
        cells = [len(r[j]) for r in cell_rows if j < len(r) - 1 and len(r[j]) <= limits[j]]
        widths.append(max(cells, default=0))
    lines = []
    for r in rows:
        if isinstance(r, str):
            lines.append((indent + r).rstrip())
            continue
        cells = [cell.ljust(widths[j]) if j < len(r) - 1 else cell for j, cell in enumerate(r)]
        lines.append((indent + gap.join(cells)).rstrip())
    return lines


def table(records: Sequence[Mapping[str, Any]], indent: str = "", digits: int = DIGITS) -> list[str]:
    """A list of dicts as a small aligned table, its keys as the header."""
    columns = list(dict.fromkeys(k for r in records for k in r))
    body = [[value(r.get(c, ""), digits) for c in columns] for r in records]
    return aligned([columns, *body], indent=indent, widest=10**6)


def html_table(header: Sequence[str] | None, rows: Iterable[Sequence[str]], css: str = "scalinglaws") -> str:
    """Rows of already formatted text cells as an HTML table (escaped here)."""
    head = ""
    if header:
        head = "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead>"
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{css}">{head}<tbody>{body}</tbody></table>'


def _numbers_only(x: Any) -> bool:
    return all(_is_number(v) or isinstance(v, bool) for v in x)


def rows(result: Any, more: str = "to_dict()", indent: str = "", cells: bool = False,
         warnings: bool = True) -> list:
    """A decision's `scalinglaws.decide.Result` as aligned lines: each answer, its value, its
    unit, then its interval (``80% interval a to b``), how often the refits agree on a named
    answer, or where a search ended; lists on one line, dicts and notes as indented rows,
    lists of dicts as a small table; the warnings last. ``more`` says where the values left
    out are (per-value intervals, long lists). With ``cells``, the rows as ``[answer, value,
    unit, interval]`` cells instead (for an HTML table)."""
    out: list = []
    edges = result.edges
    at = result.level
    for key, x in result.answer.items():
        unit = result.unit(key)
        note = ""
        bounds = result.interval.get(key)
        if key in result.probability:
            note = f"in {result.probability[key]:.0%} of the refits"
        if isinstance(x, Mapping):
            out.append([key, "", unit, ""])
            out += [[f"  {k}", value(v), "", ""] for k, v in x.items()]
            continue
        if isinstance(x, (list, tuple)) and x and all(isinstance(v, Mapping) for v in x):
            out.append([key, "", unit, ""])
            if cells:
                out += [[f"  {i + 1}", value(r), "", ""] for i, r in enumerate(x)]
            else:
                out += table(x, indent="  ")
            continue
        if isinstance(x, (list, tuple)) and x and all(isinstance(v, str) for v in x) and sum(map(len, x)) > 60:
            out.append([key, "", unit, ""])
            out += [["", f"- {v}", "", ""] if cells else f"  - {v}" for v in x]
            continue
        if isinstance(x, (list, tuple)):
            if bounds is not None and _numbers_only(x) and len(x):
                note = f"{level(at)} intervals per value: {more}" if at is not None else ""
            if len(x) > LIST_ITEMS and not note:
                note = f"all values: {more}"
            out.append([key, value(x), unit, note])
            continue
        shown = value(x)
        if key in edges:
            low, high = result.searched[key]
            shown = edges[key]
            span = (f"{value(low)} to {value(high)}" if low is not None and high is not None
                    else f"up to {value(high)}" if high is not None else f"from {value(low)}")
            note = f"the edge of the range searched, {span}"
        if bounds is not None and _is_number(x) and len(bounds) == 2 and _is_number(bounds[0]):
            low, high = bounds
            if not (low == high == x):  # an interval of no width around an input says nothing
                note = "; ".join(filter(None, [note, interval(low, high, at)]))
        out.append([key, shown, unit, note])
    if warnings:
        out += [["warning", w, "", ""] if cells else f"warning: {w}" for w in result.warnings]
    if cells:
        return out
    return aligned(out, indent=indent, widest=(10**6, 24, 36))


# ------------------------------------------------------------------ formulas as plain text

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η", "theta": "θ",
    "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "sum": "Σ", "prod": "Π",
    "neq": "≠", "ne": "≠", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "to": "→", "cdot": "·",
    "times": "×", "infty": "∞", "approx": "≈", "pm": "±",
}
_SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " "}
_DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle"}
_KEPT = {"text", "mathrm", "mathbf", "mathit", "operatorname", "mathsf", "boldsymbol", "mathdefault"}


def _group(text: str, i: int) -> tuple[str, int]:
    """The argument starting at ``text[i]`` (a braced group or one character/command) and the end."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return "", i
    if text[i] == "{":
        depth = 0
        for j in range(i, len(text)):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                return text[i + 1 : j], j + 1
        return text[i + 1 :], len(text)
    if text[i] == "\\":
        j = i + 1
        while j < len(text) and text[j].isalpha():
            j += 1
        return text[i : max(j, i + 2)], max(j, i + 2)
    return text[i], i + 1


def _wrapped(text: str) -> str:
    """``text`` alone if it is one term (``-α``, ``2``, ``N^α``, ``10^-3``), else in parentheses."""
    text = text.strip()
    body = text[1:] if text.startswith("-") else text
    simple = bool(body) and not any(c in " +/·×()[],=≠≤≥→≈" for c in body) and "-" not in body.replace("^-", "")
    return text if simple else f"({text})"


def formula_text(latex: str) -> str:
    """A LaTeX formula (the ``FORM`` of a law) as plain text, for a citation or a terminal:
    ``E + \\frac{A}{N^{\\alpha}}`` becomes ``E + A/N^α``. Covers what the laws' forms use
    (fractions, scripts, Greek letters, aligned lines, spacing, text); commands it does not
    know lose their backslash."""
    out: list[str] = []
    i = 0
    text = latex
    while i < len(text):
        c = text[i]
        if c == "\\":
            if text.startswith("\\\\", i):
                out.append("; ")
                i += 2
                continue
            name, i = _group(text, i)
            name = name[1:]
            if name in ("begin", "end"):
                _, i = _group(text, i)
            elif name in ("frac", "tfrac", "dfrac"):
                top, i = _group(text, i)
                bottom, i = _group(text, i)
                out.append(f"{_wrapped(formula_text(top))}/{_wrapped(formula_text(bottom))}")
            elif name in ("tilde", "hat", "bar"):
                inner, i = _group(text, i)
                out.append(formula_text(inner) + {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304"}[name])
            elif name in _KEPT:
                inner, i = _group(text, i)
                out.append(formula_text(inner))
            elif name in _SPACES:
                out.append(_SPACES[name])
            elif name in _DROPPED:
                pass
            elif name in _SYMBOLS:
                symbol = _SYMBOLS[name]
                out.append(symbol if symbol.isalpha() or symbol in "·×" else f" {symbol} ")
                while symbol.isalpha() and i < len(text) and text[i] == " ":
                    i += 1  # as in LaTeX, a space after a letter's command only ends the command
            else:
                out.append(name)
        elif c in "^_":
            inner, i = _group(text, i + 1)
            out.append(c + _wrapped(formula_text(inner)))
        elif c == "&":
            i += 1
        elif c in "{}":
            i += 1
        elif c == "~":
            out.append(" ")
            i += 1
        else:
            out.append(c)
            i += 1
    plain = "".join(out).replace("\\_", "_")
    plain = " ".join(plain.split())
    for before, after in ((" ,", ","), ("( ", "("), (" )", ")"), (" ;", ";")):
        plain = plain.replace(before, after)
    return plain
