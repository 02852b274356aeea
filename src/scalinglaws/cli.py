"""The ``scalinglaws`` command: list, predict, score, cite, fit, study, optimize and export the laws.

Options are named after the task's columns (``num_experts`` -> ``--num-experts``) and
after the arguments of each law's decisions, built from `scalinglaws.data`'s schema
and from the laws' declared ``LAW`` objects, never from a hand-kept list. Only the law a
command names is imported. Every error is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import re
import sys
import warnings
from pathlib import Path
from typing import Any

from . import show

__all__ = ["build_parser", "citation", "main"]

EXIT_ERROR = 2


class CommandError(Exception):
    """A failure the command reports in one line, without a traceback."""


class _Parser(argparse.ArgumentParser):
    """Every parser of the command: no prefix matching (``--param`` is not ``--params``), a
    negative number (``-1e9``, ``-inf``) is an option's value and not an option, and a help
    text may hold a plain ``%``."""

    _NUMBER = re.compile(r"^-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^-(?:inf|infinity|nan)$", re.IGNORECASE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = self._NUMBER

    def add_argument(self, *args, **kwargs):
        if isinstance(kwargs.get("help"), str) and "%(" not in kwargs["help"]:
            kwargs["help"] = kwargs["help"].replace("%", "%%")
        return super().add_argument(*args, **kwargs)


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _laws() -> list[str]:
    from . import laws

    return laws.available()


def _law(module: str):
    from . import laws

    return laws.get(module).LAW


def _json(value: Any) -> str:
    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
            return clean(v.item())
        return v

    return json.dumps(clean(value), indent=1)


class _Warnings:
    """Collect the warnings a command raises, to print each once on stderr as ``warning: ...``."""

    def __enter__(self):
        self._context = warnings.catch_warnings(record=True)
        self.caught = self._context.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)
        for message in dict.fromkeys(str(w.message) for w in self.caught):
            print(f"warning: {message}", file=sys.stderr)
        return False


# ---------------------------------------------------------------- list


def _list(args: argparse.Namespace) -> int:
    from . import data, records

    rows = []
    for module in _laws():
        t = data.task(module)
        record = records.stored(module)
        law = _law(module)
        main = law.main_decision()
        rows.append({
            "law": module, "task": t.name, "inputs": t.input_names, "targets": t.target_names,
            "groups": list(record.params), "constants": list(record.param_names),
            "benchmark": "SLDBench" if t.benchmark else "none (no held-out split)",
            "decisions": [{"name": d.name, "main": d is main, "question": d.question,
                           "options": [_option(p.name) if p.default is inspect.Parameter.empty
                                       else f"[{_option(p.name)}]" for p in d.arguments]}
                          for d in law.decisions.values()],
        })
    if args.json:
        print(_json(rows))
        return 0
    for row in rows:
        groups = row["groups"]
        shown = ", ".join(groups) if len(groups) <= 6 else f"{len(groups)} groups (`scalinglaws list --json`)"
        print(f"{row['law']} ({row['task']})")
        print(f"  {', '.join(row['inputs'])} -> {', '.join(row['targets'])}")
        print(f"  groups: {shown}")
        for decision in row["decisions"]:
            words = f"optimize {row['law']}" + ("" if decision["main"] else f" {decision['name']}")
            print(f"  decision {decision['name']}: {words} {' '.join(decision['options'])}".rstrip())
    return 0


# ---------------------------------------------------------------- predict / score


def _constants(path: str | None):
    """The record a ``--constants FILE`` names (None: the law's stored constants)."""
    if path is None:
        return None
    from . import records

    return records.read(path)


def _read_csv(path: str):
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot read {path}: {error}") from error


def _predict(args: argparse.Namespace) -> int:
    import numpy as np

    from . import data

    t = data.task(args.law)
    law = _law(t.module)
    constants = _constants(args.constants)
    level = args.interval
    if args.csv:
        frame = _read_csv(args.csv)
        if len(frame) == 0:
            raise CommandError(f"{args.csv} has a header and no rows: nothing to predict")
        if t.group_column in frame.columns and args.group is None:
            groups = frame[t.group_column].astype(str).to_numpy()
        else:
            groups = np.array([args.group] * len(frame), dtype=object)
        columns = data.validate_inputs(t, frame, text=True, whole=True)
    else:
        given = {name: getattr(args, name) for name in t.input_names}
        missing = [_option(n) for n, v in given.items() if v is None]
        if missing:
            raise CommandError(f"missing {', '.join(missing)} (or give --csv FILE)")
        columns = data.validate_inputs(t, {n: [v] for n, v in given.items()}, whole=True)
        groups = np.array([args.group], dtype=object)
    names = [f"{n}{suffix}" for n in t.target_names for suffix in (["", "_low", "_high"] if level else [""])]
    values = np.full((len(groups), len(names)), np.nan)
    with _Warnings():
        for group in dict.fromkeys(groups):
            mask = groups == group
            rows = {n: columns[n][mask] for n in t.input_names}
            _, center, low, high, _ = law.predict_arrays(rows, constants, interval=level, group=group,
                                                         form=args.form, published=args.published or False)
            parts = [center, low, high] if level else [center]
            block = np.stack([np.asarray(p).reshape(mask.sum(), -1) for p in parts], axis=2)
            values[mask] = block.reshape(mask.sum(), -1)  # target by target: value, low, high
    if not args.csv and not args.json:
        width = 3 if level else 1
        rows = []
        for j, column in enumerate(t.targets):
            row = [column.name, show.number(values[0, j * width]), column.description]
            if level:
                row.append(show.interval(values[0, j * width + 1], values[0, j * width + 2], level))
            rows.append(row)
        print("\n".join(show.aligned(rows)))
        return 0
    import pandas as pd

    out = frame[[c for c in frame.columns if c not in t.target_names]].copy() if args.csv else pd.DataFrame()
    for name in t.input_names:
        out[name] = columns[name]
    if args.csv and t.group_column in out:
        out[t.group_column] = out[t.group_column].astype(str)
    for j, name in enumerate(names):
        out[name] = values[:, j]
    if args.json:
        print(_json(out.to_dict("records")))
    else:
        out.to_csv(sys.stdout, index=False)
    return 0


def _score(args: argparse.Namespace) -> int:
    from . import data, fitting, metrics

    t = data.task(args.law)
    law = _law(t.module)
    table = data.load(t.module, split=args.split, data_dir=args.data)
    record = law.record
    unknown = sorted(set(table[t.group_column]) - set(record.params))
    if unknown:
        raise CommandError(f"the table has group(s) the law has no constants for: {', '.join(unknown[:5])}")
    prediction = fitting.predict_table(law.formula, table, record.params, t)
    truth = table[t.target_names].to_numpy()
    result = {"law": t.module, "split": args.split, "rows": len(table),
              **metrics.scores(truth, prediction.reshape(truth.shape))}
    if args.json:
        print(_json(result))
    else:
        print(f"{t.module} on {args.split} ({len(table)} rows): "
              f"R2 {result['r2']:.6f}  NMSE {result['nmse']:.6f}  NMAE {result['nmae']:.6f}")
    return 0


# ---------------------------------------------------------------- cite


def project_url() -> str | None:
    """The project's home (``[project.urls] Homepage`` in pyproject.toml), if it declares one."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        entries = metadata("scalinglaws").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    urls = dict(entry.split(", ", 1) for entry in entries if ", " in entry)
    return urls.get("Homepage") or urls.get("Repository") or next(iter(urls.values()), None)


def package_bibtex() -> str:
    from . import __version__

    url = project_url()
    return (
        "@software{scalinglaws,\n"
        "  title   = {scalinglaws: documented, validated scaling laws for large language models},\n"
        "  author  = {{The scalinglaws developers}},\n"
        f"  version = {{{__version__}}},\n"
        "  year    = {2026}"
        + (f",\n  url     = {{{url}}}" if url else "")
        + "\n}"
    )


def citation(module: str, form: str = "bibtex") -> str:
    """How to cite a law: this package (with version), its source studies, and SLDBench."""
    from . import __version__, data, records

    t = data.task(module)
    sources = [*t.sources, *([t.benchmark] if t.benchmark else [])]
    if form == "bibtex":
        return "\n\n".join([package_bibtex(), *(s.bibtex for s in sources)])
    law = _law(t.module)
    data_line = (f"constants fitted on SLDBench's training split of {t.name}" if t.benchmark
                 else f"constants fitted on the runs of {t.source.text.split('.')[0]}")
    lines = [
        f"The {t.module} law of scalinglaws {__version__}: {show.formula_text(law.form)}",
        f"(module scalinglaws.laws.{t.module}, {data_line}).",
        f"Data and original law: {t.source.text}",
    ]
    lines += [f"Also: {s.text}" for s in t.more_sources]
    if t.benchmark:
        lines.append(f"Benchmark and split: {t.benchmark.text}")
    return "\n".join(lines)


def _cite(args: argparse.Namespace) -> int:
    print(citation(args.law, args.format))
    return 0


# ---------------------------------------------------------------- fit / optimize


def _fit(args: argparse.Namespace) -> int:
    from .refit import fit

    frame = _read_csv(args.csv)
    if len(frame) == 0:
        raise CommandError(f"{args.csv} has a header and no rows: no runs to fit")
    if args.out and Path(args.out).is_dir():
        raise CommandError(f"--out {args.out} is a directory: name a file")
    progress = not (args.quiet or args.json) and sys.stderr.isatty()
    with _Warnings():
        fitted = fit(args.law, frame, bootstrap=args.bootstrap, seed=args.seed, progress=progress)
    if args.out:
        fitted.save(args.out)
    if args.json:
        print(_json(fitted.to_dict()))
        return 0
    print("\n".join(fitted.lines(groups=None, notes=False)))
    if not fitted.intervals.empty:
        loose = fitted.intervals[~fitted.intervals.identified]
        for row in loose.itertuples(index=False):
            print(f"warning: {row.constant} of group {row.group} is not identified by these runs: {row.note}",
                  file=sys.stderr)
    if args.out:
        print(f"constants written to {args.out}")
    return 0


def _optimize(args: argparse.Namespace) -> int:
    law = _law(args.law)
    decision = law.decisions[args.decision] if args.decision else law.main_decision()
    if decision is None:
        raise CommandError(f"the {law.module} law has no decision")
    values = {p.name: getattr(args, p.name, None) for p in decision.arguments}
    missing = [_option(p.name) for p in decision.arguments
               if p.default is inspect.Parameter.empty and values[p.name] is None]
    if missing:
        raise CommandError(f"{decision.name} needs {', '.join(missing)}")
    values = {k: v for k, v in values.items() if v is not None}
    import numpy as np

    for column in law.task.inputs:  # a run has a whole number of streams or experts
        value = values.get(column.name)
        if column.whole and isinstance(value, float) and column.violation(np.array([value])).any():
            raise CommandError(f"{_option(column.name)}: {value:g} is not {column.expected(value)}")
    with warnings.catch_warnings():
        # The result carries its warnings; they are printed once, below.
        from .decide import ExtrapolationWarning

        warnings.simplefilter("ignore", ExtrapolationWarning)
        result = decision.public(**values, constants=_constants(args.constants), group=args.group)
    for message in result.warnings:
        print(f"warning: {message}", file=sys.stderr)
    if args.json:
        print(_json(result.to_dict()))
        return 0
    # Warnings went to stderr, above; the answers, at 4 significant figures, to stdout.
    print("\n".join(result.lines(more="--json", warnings=False)))
    return 0


# ---------------------------------------------------------------- study


def _forms(args: argparse.Namespace) -> int:
    """The law's pool: every form's key, kind, origin, constants, role and validation score."""
    law = _law(args.law)
    record = law.record
    scores = {row["candidate"]: row for row in record.validation.get("candidates", [])}
    rows = []
    for c in law.candidates:
        form = record.forms.get(c.key)
        score = scores.get(c.name, {})
        rows.append({"key": c.key, "name": c.name, "kind": c.kind, "origin": c.origin,
                     "constants": list(c.param_names), "role": form.role if form else "not fitted",
                     "median_r2": score.get("median_r2"), "published": list(c.published or {})})
    if args.json:
        print(_json(rows))
        return 0
    if not rows:
        print(f"the {law.module} law declares no pool of forms")
        return 0
    width = max(len(r["key"]) for r in rows)
    print(f"the forms the protocol weighed for the {law.module} law (median validation R2 on its backtests):")
    for r in rows:
        r2 = f"{r['median_r2']:.4f}" if isinstance(r["median_r2"], float) and math.isfinite(r["median_r2"]) else "  n/a "
        print(f"  {r['key']:<{width}}  {r['kind']:<12} {r2}  {r['role']:<9}  {r['name']}")
        if r["published"]:
            print(f"  {'':<{width}}  printed constants: {'; '.join(r['published'])}")
    return 0




def _at(text: str | None) -> dict[str, float]:
    """``--at params=7e10,tokens=1.4e12`` as a mapping."""
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--at: expected axis=value pairs separated by commas, got {part!r}")
        try:
            out[name.strip().replace("-", "_")] = float(value)
        except ValueError:
            raise CommandError(f"--at: {name.strip()} = {value!r} is not a number") from None
    return out


def _study(args: argparse.Namespace) -> int:
    from . import data
    from .studies import study

    t = data.task(args.law)
    runs = _read_csv(args.csv)
    if len(runs) == 0:
        raise CommandError(f"{args.csv} has a header and no rows: no runs to study")
    at = _at(args.at)
    points = None
    if args.predict:
        points = _read_csv(args.predict)
        if len(points) == 0:
            raise CommandError(f"{args.predict} has a header and no rows: nothing to predict")
        missing = [n for n in t.input_names if n not in points.columns]
        if missing:
            raise CommandError(f"{args.predict} has no column {', '.join(missing)} (the points need every input of "
                               f"the {t.module} law: {', '.join(t.input_names)})")
    elif at and all(n in at for n in t.input_names):
        import pandas as pd

        points = pd.DataFrame({n: [at[n]] for n in t.input_names})
    for path in (args.out, args.report):
        if path and Path(path).is_dir():
            raise CommandError(f"{path} is a directory: name a file")
    quiet = args.quiet or args.json
    with _Warnings() if not quiet else warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        result = study(t.module, runs, at=at or None, points=points, interval=args.interval,
                       bootstrap=args.bootstrap, seed=args.seed, show_progress=not quiet)
    if args.out:
        result.save(args.out)
    if args.report:
        result.report(args.report)
    if args.json:
        print(_json(result.to_dict(interval=args.interval)))
        return 0
    _print_study(result, args)
    return 0


def _print_study(result, args) -> None:
    body = result.to_dict(interval=args.interval)
    t = result.law.task
    print(f"{t.module} law, studied on {body['runs']} runs")
    if body["reach"]:
        print("reach of the backtests: " + ", ".join(f"{axis} x{factor:.3g}" for axis, factor in body["reach"].items()))
    for origin in body["origins"]:
        print(f"  origin {origin['origin']}: {origin['fitted']} runs fitted, {origin['held']} scored")
    if result.evaluation is not None:
        table = result.backtest_table()
        width = max(len(k) for k in table.form)
        print(f"\nforms (median validation R2 over the origins; bias in standard deviations of the held target):")
        for row in table.to_dict("records"):
            r2 = row["median R2"]
            shown = f"{r2:8.4f}" if math.isfinite(r2) else "  failed"
            bias = row["median bias"]
            bias = f"{bias:+6.2f}" if math.isfinite(bias) else "      "
            print(f"  {row['form']:<{width}}  {row['kind']:<12} {shown}  {bias}  {row['role']}"
                  + (f"  (refused: {row['reason']})" if row["reason"] else ""))
    chosen = body["chosen"] if isinstance(body["chosen"], str) else " + ".join(
        f"{w:.2f} {m}" for m, w in zip(body["chosen"]["members"], body["chosen"]["weights"]))
    print(f"\nchosen: {chosen}")
    if result.reason:
        print(f"  {result.reason}")
    print("\nconstants (95% bootstrap intervals):")
    rows = []
    for row in result.constants_table.to_dict("records"):
        group = f"{row['group']}: " if len(result.params) > 1 else ""
        rows.append([f"{group}{row['constant']}", show.number(row["estimate"]),
                     show.interval(row["low_95%"], row["high_95%"], 0.95),
                     "" if row["identified"] else "not identified: " + row["note"]])
    print("\n".join(show.aligned(rows, indent="  ")))
    if body["predictions"]:
        print(f"\npredictions (reach factor: distance beyond the runs, in units of the farthest the "
              "backtests validated):")
        rows = []
        for row in body["predictions"]:
            inputs = ", ".join(f"{n} = {show.number(row[n])}" for n in t.input_names)
            for name in t.target_names:
                rows.append([inputs, f"{name} {show.number(row[name])}",
                             show.interval(row[name + "_low"], row[name + "_high"], body["level"]),
                             f"reach factor {row['reach_factor']:.2f}",
                             "beyond the validated reach" if row["beyond_reach"] else ""])
        print("\n".join(show.aligned(rows, indent="  ")))
    for message in body["warnings"]:
        print(f"warning: {message}", file=sys.stderr)
    if args.out:
        print(f"constants written to {args.out}")
    if args.report:
        print(f"report written to {args.report}")


# ---------------------------------------------------------------- export


def _export(args: argparse.Namespace) -> int:
    from . import export

    root = Path(args.root) if args.root else export.REPOSITORY
    if args.check:
        problems = export.check(root)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print("generated laws and their records are in sync with their notebooks")
        return 0
    written = export.export_all(root)
    for path in written:
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


# ---------------------------------------------------------------- parser


def _law_parsers(commands, name: str, help: str, description: str, laws: list[str], wanted: str | None):
    """A command's parser with one sub-parser per law, built only for the command that was
    asked for (``wanted``; all of them when None): building every law's options for every
    command would cost more than the prediction itself."""
    command = commands.add_parser(name, help=help, description=description)
    command.set_defaults(parser=command)
    per_law = command.add_subparsers(dest="law", required=True, metavar="LAW", title="laws")
    if wanted is not None and wanted != name:
        return {}
    parsers = {law: per_law.add_parser(law, help=f"{name} with the {law} law", description=description)
               for law in laws}
    for parser in parsers.values():
        parser.set_defaults(parser=parser)  # a bad option is reported with this law's usage
    return parsers


def _columns_needed(module: str, short: bool = False) -> str:
    """The columns a table of runs needs for the law, with what each holds."""
    from . import data

    t = data.task(module)
    if short:
        return ", ".join([*t.input_names, *t.target_names]) + f" ({t.group_column} optional)"
    described = "; ".join(f"{c.name} ({c.description})" for c in [*t.inputs, *t.targets])
    return f"Columns: {described}; optionally {t.group_column} (a fit per group)."


def _add_inputs(parser: argparse.ArgumentParser, module: str) -> None:
    from . import data

    for column in data.task(module).inputs:
        parser.add_argument(_option(column.name), dest=column.name, type=float, metavar="X",
                            help=column.description)


def _constants_option(parser: argparse.ArgumentParser, module: str) -> None:
    parser.add_argument("--constants", dest="constants", metavar="FILE",
                        help="constants from `scalinglaws fit --out` (default: the law's stored constants)")


def _kind(parameter: inspect.Parameter) -> str:
    annotation = parameter.annotation
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    default = parameter.default
    if isinstance(default, bool) or text == "bool":
        return "bool"
    if "list" in text or "Sequence" in text or "tuple" in text or isinstance(default, (list, tuple)):
        return "list"
    if isinstance(default, int) or text == "int":
        return "int"
    if isinstance(default, str) or text == "str":
        return "str"
    return "float"


def _decision_help(decision, parameter: inspect.Parameter, module: str) -> str:
    """An option's help: the task's description of the column it names, else the argument's
    name and the unit the decision declares for it; its default, or that it is required."""
    from . import data

    columns = {c.name: c.description for c in data.task(module).inputs}
    words = parameter.name.replace("_", " ")
    unit = decision.units.get(parameter.name)
    if parameter.name in columns:
        text = columns[parameter.name]
    else:
        text = f"{words}: {unit}" if unit else words
    default = parameter.default
    if default is inspect.Parameter.empty:
        return f"{text} (required)"
    if default is None or "default" in text:
        return text
    if isinstance(default, bool):
        return f"{text} (default: {'yes' if default else 'no'})"
    return f"{text} (default: {show.value(default)})"


def _add_decision_options(parser: argparse.ArgumentParser, decision, module: str) -> None:
    for parameter in decision.arguments:
        kind = _kind(parameter)
        help_text = _decision_help(decision, parameter, module)
        options = [_option(parameter.name)]
        if kind == "bool":
            parser.add_argument(*options, dest=parameter.name, action=argparse.BooleanOptionalAction,
                                default=None, help=help_text)
        elif kind == "list":
            parser.add_argument(*options, dest=parameter.name, type=float, nargs="+", metavar="X",
                                help=help_text)
        else:
            parser.add_argument(*options, dest=parameter.name,
                                type={"int": int, "str": str, "float": float}[kind],
                                metavar="NAME" if kind == "str" else "N" if kind == "int" else "X", help=help_text)
    parser.add_argument("--group", help="the group whose constants to use (see `scalinglaws list`)")
    _constants_option(parser, module)
    parser.add_argument("--json", action="store_true", help="JSON output")


def _optimize_parser(sub: argparse.ArgumentParser, module: str) -> None:
    """Options of a law's decisions (imports that law: only for the law the command names)."""
    law = _law(module)
    main = law.main_decision()
    if main is None:
        sub.description = f"the {module} law has no decision"
        return
    sub.description = f"{main.question.rstrip('.')} (with no DECISION). Its decisions: " + "; ".join(
        f"{d.name}: {d.question.rstrip('.')}" for d in law.decisions.values()) + "."
    _add_decision_options(sub, main, module)
    sub.set_defaults(decision=None)
    per_decision = sub.add_subparsers(dest="decision", metavar="DECISION", title="decisions")
    for decision in law.decisions.values():
        parser = per_decision.add_parser(decision.name, help=decision.question, description=decision.question)
        parser.set_defaults(parser=parser)
        _add_decision_options(parser, decision, module)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command's parser; the decision options of ``optimize LAW`` are built only for the
    law that ``argv`` names, so that one command imports one law."""
    argv = sys.argv[1:] if argv is None else argv
    laws = _laws()
    wanted = argv[0] if argv and not argv[0].startswith("-") else None
    from . import __version__

    parser = _Parser(
        prog="scalinglaws",
        description="Scaling laws for large language models (the eight SLDBench tasks and Chinchilla): "
        "list, predict, score, cite, fit, study, optimize and export them, and list their forms.",
    )
    parser.add_argument("--version", action="version", version=f"scalinglaws {__version__}",
                        help="the package's version")
    parser.set_defaults(parser=parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="the laws, their inputs, targets, groups and decisions",
                                  description="List the laws that exist, with inputs, targets, groups, and "
                                  "their decisions with the options each takes.")
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=_list, parser=listing)

    for law, sub in _law_parsers(commands, "predict", "predict with a law",
                                 "Predict a law's target(s) for one point (options named after the inputs) "
                                 "or for every row of a CSV file.", laws, wanted).items():
        _add_inputs(sub, law)
        sub.add_argument("--group", help="the group whose constants to use (see `scalinglaws list`)")
        sub.add_argument("--csv", metavar="FILE", help="predict every row of FILE; CSV to stdout")
        sub.add_argument("--interval", type=float, metavar="LEVEL",
                         help="also give the ends of a prediction interval (0.9 for 90%)")
        sub.add_argument("--form", metavar="KEY",
                         help="predict with another form of the law's pool, by its key (see `scalinglaws forms LAW`)")
        sub.add_argument("--published", nargs="?", const=True, default=None, metavar="SOURCE",
                         help="with --form: the constants its source printed (the first source, or the one named)")
        _constants_option(sub, law)
        sub.add_argument("--json", action="store_true", help="JSON output")
        sub.set_defaults(run=_predict)

    for law, sub in _law_parsers(commands, "score", "R2, NMSE, NMAE of a law on a split",
                                 "Score the law's stored constants on a split of its task (SLDBench's metrics).",
                                 laws, wanted).items():
        sub.add_argument("--split", default="train", help="which split (default: train)")
        sub.add_argument("--data", metavar="DIR", help="folder holding <task>/<split>.csv")
        sub.add_argument("--json", action="store_true", help="JSON output")
        sub.set_defaults(run=_score)

    for law, sub in _law_parsers(commands, "cite", "how to cite a law",
                                 "How to cite a law: this package, the source studies and the benchmark.",
                                 laws, wanted).items():
        sub.add_argument("--format", choices=["bibtex", "text"], default="bibtex", help="default: bibtex")
        sub.set_defaults(run=_cite)

    for law, sub in _law_parsers(commands, "fit", "fit a law's form to your own runs",
                                 "Fit a law's form to a CSV of your runs (the task's column names; a group "
                                 "column optional) and print the constants with bootstrap intervals.",
                                 laws, wanted).items():
        from .refit import MAX_BOOTSTRAP  # here: a fit loads pandas, a prediction must not

        sub.description = f"{sub.description} {_columns_needed(law)}"
        sub.add_argument("--csv", metavar="FILE", required=True,
                         help=f"your runs, one per row, comma-separated, with a header: {_columns_needed(law, short=True)}")
        sub.add_argument("--out", metavar="FILE", help="write the constants here (for --constants)")
        sub.add_argument("--bootstrap", type=int, default=100, metavar="N",
                         help=f"bootstrap refits for the intervals (default 100; 0: none; at most {MAX_BOOTSTRAP})")
        sub.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
        sub.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
        sub.add_argument("--json", action="store_true", help="JSON output (full precision; no progress bar)")
        sub.set_defaults(run=_fit)

    for law, sub in _law_parsers(commands, "forms", "the forms a law's protocol weighed",
                                 "List the candidate forms of a law's pool: key (for predict --form), kind, "
                                 "origin, role in the law, median validation R2, printed constants.",
                                 laws, wanted).items():
        sub.add_argument("--json", action="store_true", help="JSON output")
        sub.set_defaults(run=_forms)

    for law, sub in _law_parsers(commands, "study", "choose and fit a law's form on your own runs (the protocol)",
                                 "Run the selection protocol of a law on a CSV of your runs (the task's column "
                                 "names; a group column optional): backtests from the runs, the choice among the "
                                 "law's forms, constants with bootstrap intervals, and predictions with intervals "
                                 "calibrated on the backtests.", laws, wanted).items():
        sub.add_argument("--csv", metavar="FILE", required=True, help="your runs")
        sub.add_argument("--predict", metavar="FILE",
                         help="points to predict (a CSV with the law's inputs); they also set how far the backtests reach")
        sub.add_argument("--at", metavar="AXIS=X,...",
                         help="where you want predictions, e.g. params=7e10,tokens=1.4e12 (sets the reach)")
        sub.add_argument("--interval", type=float, default=0.9, metavar="LEVEL",
                         help="level of the prediction intervals (default 0.9)")
        sub.add_argument("--bootstrap", type=int, default=None, metavar="N",
                         help="bootstrap refits (default: the law's protocol, 100)")
        sub.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
        sub.add_argument("--out", metavar="FILE", help="write the study's constants here (for --constants)")
        sub.add_argument("--report", metavar="FILE.html", help="write a report notebook rendered as HTML")
        sub.add_argument("--quiet", action="store_true", help="no progress bars")
        sub.add_argument("--json", action="store_true", help="JSON output (full precision)")
        sub.set_defaults(run=_study)

    named = argv[1] if len(argv) > 1 and argv[0] == "optimize" else None
    for law, sub in _law_parsers(commands, "optimize", "decide with a law (optimal settings)",
                                 "Answer one of a law's decision questions (for example the optimal learning "
                                 "rate and batch size): `optimize LAW` runs its main decision, `optimize LAW "
                                 "DECISION` another; warnings on stderr where it extrapolates.", laws, wanted).items():
        sub.set_defaults(run=_optimize, decision=None)
        if law == named:
            try:
                _optimize_parser(sub, law)
            except Exception as error:  # a broken law must not stop `scalinglaws export` from mending it
                sub.description = f"unavailable: {type(error).__name__}: {error}"

    exporting = commands.add_parser(
        "export", help="write src/scalinglaws/laws/*.py from the notebooks' export cells",
        description="Write src/scalinglaws/laws/<module>.py from the cells of notebooks/<module>.py "
        "tagged export. With --check, write nothing and fail if any generated file (or stored "
        "record) is out of date.",
    )
    exporting.add_argument("--check", action="store_true", help="only check; exit 1 on drift")
    exporting.add_argument("--root", help="repository root (default: this checkout)")
    exporting.set_defaults(run=_export, parser=exporting)
    return parser


def _check_options(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """Refuse an option that no parser on the path of ``argv`` (command, law, decision) knows,
    with the usage of the last of them and the nearest known option: argparse would take the
    value after it for a positional (a decision's name) and report that instead."""
    import difflib

    path, known = [parser], set(parser._option_string_actions)
    for word in argv:
        if word.startswith("-"):
            continue
        subparsers = [a for a in path[-1]._actions if isinstance(a, argparse._SubParsersAction)]
        if not subparsers or word not in subparsers[0].choices:
            continue
        path.append(subparsers[0].choices[word])
        known |= set(path[-1]._option_string_actions)
    for word in argv:
        if word == "--":
            break
        name = word.split("=", 1)[0]
        if name.startswith("-") and not _Parser._NUMBER.match(name) and name not in known:
            near = difflib.get_close_matches(name, sorted(known), n=1)
            path[-1].error(f"unrecognized option {name}" + (f" (did you mean {near[0]}?)" if near else ""))


def main(argv: list[str] | None = None) -> int:
    from .data import DataNotFoundError, FitError, InputError

    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    _check_options(parser, argv)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said with the usage of the command, law or decision it was given to
        args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader (head, less) closed the pipe: not an error of ours
        sys.stderr.close()
        return 0
    except (CommandError, InputError, DataNotFoundError, FitError, FileNotFoundError,
            ModuleNotFoundError) as error:
        message = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
        print(f"scalinglaws {args.command}: error: {message}", file=sys.stderr)
        return EXIT_ERROR
