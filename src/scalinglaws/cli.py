"""The ``scalinglaws`` command: list, predict, score, cite, fit, optimize and export the laws.

Options are named after the task's columns (``num_experts`` -> ``--num-experts``), built
from :mod:`scalinglaws.data`'s schema and from the laws that exist, never from a
hand-kept list. Every error is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

__all__ = ["main"]

EXIT_ERROR = 2


class CommandError(Exception):
    """A failure the command reports in one line, without a traceback."""


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _laws() -> list[str]:
    from . import laws

    return laws.available()


def _json(value: Any) -> str:
    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if hasattr(v, "item"):  # numpy scalars
            return clean(v.item())
        return v

    return json.dumps(clean(value), indent=1)


# ---------------------------------------------------------------- list


def _list(args: argparse.Namespace) -> int:
    from . import data, laws

    rows = []
    for module in laws.available():
        t = data.task(module)
        law = laws.get(module)
        rows.append({
            "law": module, "task": t.name, "inputs": t.input_names, "targets": t.target_names,
            "groups": list(law.PARAMS), "constants": list(law.PARAM_NAMES),
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
    return 0


# ---------------------------------------------------------------- predict / score


def _constants(module: str, params_file: str | None) -> dict[str, list[float]]:
    from . import laws
    from .refit import load_fitted

    if params_file is None:
        return laws.get(module).PARAMS
    fitted = load_fitted(params_file)
    if fitted.task != module:
        raise CommandError(f"{params_file} holds constants of the {fitted.task} law, not {module}")
    return fitted.constants


def _group(args: argparse.Namespace, constants: dict[str, list[float]]) -> str:
    if args.group is not None:
        return args.group
    if len(constants) == 1:
        return next(iter(constants))
    raise CommandError(f"--group is required; the groups are: {', '.join(constants)}")


def _predict(args: argparse.Namespace) -> int:
    import pandas as pd

    from . import contract, data, laws

    t = data.task(args.law)
    law = laws.get(t.module)
    constants = _constants(t.module, args.constants)
    if args.csv:
        try:
            frame = pd.read_csv(args.csv)
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {args.csv}: {error}") from error
        if t.group_column in frame.columns and args.group is None:
            groups = frame[t.group_column].astype(str)
        else:
            groups = pd.Series(_group(args, constants), index=frame.index)
    else:
        given = {name: getattr(args, name) for name in t.input_names}
        missing = [_option(n) for n, v in given.items() if v is None]
        if missing:
            raise CommandError(f"missing {', '.join(missing)} (or give --csv FILE)")
        frame = pd.DataFrame([given])
        groups = pd.Series([_group(args, constants)])
    prediction = pd.DataFrame(index=frame.index, columns=t.target_names, dtype=float)
    for group in dict.fromkeys(groups):
        rows = frame[groups == group]
        values = contract.predict_rows(t.module, law.predict, rows, constants, group)
        prediction.loc[rows.index] = values.reshape(len(rows), len(t.targets))
    out = frame[[c for c in frame.columns if c not in t.target_names]].copy()
    for name in t.target_names:
        out[name] = prediction[name]
    if args.json:
        print(_json(out.to_dict("records")))
    elif args.csv:
        out.to_csv(sys.stdout, index=False)
    else:
        for name in t.target_names:
            print(f"{name} = {out[name].iloc[0]:.6g}")
    return 0


def _score(args: argparse.Namespace) -> int:
    from . import data, fitting, laws, metrics

    t = data.task(args.law)
    law = laws.get(t.module)
    table = data.load(t.module, split=args.split, data_dir=args.data)
    prediction = fitting.predict_table(law.predict, table, law.PARAMS, t)
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


def package_bibtex() -> str:
    from . import __version__

    return (
        "@software{scalinglaws,\n"
        "  title   = {scalinglaws: documented, validated scaling laws for large language models},\n"
        "  author  = {{The scalinglaws developers}},\n"
        f"  version = {{{__version__}}},\n"
        "  year    = {2026}\n"
        "}"
    )


def citation(module: str, form: str = "bibtex") -> str:
    """How to cite a law: this package (with version), the source study, and SLDBench."""
    from . import __version__, data, laws

    t = data.task(module)
    law = laws.get(t.module)
    if form == "bibtex":
        return "\n\n".join([package_bibtex(), t.source.bibtex, data.SLDBENCH.bibtex])
    return "\n".join([
        f"The {t.module} law of scalinglaws {__version__}: {' '.join(law.FORM.split())}",
        f"(module scalinglaws.laws.{t.module}, constants fitted on SLDBench's training split of {t.name}).",
        f"Data and original law: {t.source.text}",
        f"Benchmark and split: {data.SLDBENCH.text}",
    ])


def _cite(args: argparse.Namespace) -> int:
    print(citation(args.law, args.format))
    return 0


# ---------------------------------------------------------------- fit / optimize


def _fit(args: argparse.Namespace) -> int:
    import pandas as pd

    from .refit import fit

    try:
        frame = pd.read_csv(args.csv)
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot read {args.csv}: {error}") from error
    fitted = fit(args.law, frame, bootstrap=args.bootstrap, seed=args.seed)
    if args.out:
        fitted.save(args.out)
    if args.json:
        print(_json(fitted.to_dict()))
        return 0
    print(f"{fitted.task} law fitted to {fitted.rows} runs: R2 {fitted.r2:.6f}")
    if fitted.intervals.empty:
        for group, values in fitted.constants.items():
            print(f"  {group}: " + ", ".join(f"{n} = {v:.6g}" for n, v in zip(fitted.param_names, values)))
    else:
        print(fitted.intervals.to_string(index=False, float_format=lambda v: f"{v:.6g}"))
    if args.out:
        print(f"constants written to {args.out}")
    return 0


def _optimize(args: argparse.Namespace) -> int:
    from .decide import ExtrapolationWarning, decision

    function = decision(args.law)
    values = {name: getattr(args, name) for name in inspect.signature(function).parameters}
    with warnings.catch_warnings():
        # The result carries the warnings; print each once on stderr ourselves.
        warnings.simplefilter("ignore", ExtrapolationWarning)
        result = function(**{k: v for k, v in values.items() if v is not None})
    for message in result.get("warnings", []):
        print(f"warning: {message}", file=sys.stderr)
    if args.json:
        print(_json(result))
    else:
        for key, value in result.items():
            if key != "warnings":
                print(f"{key}: {value:.6g}" if isinstance(value, float) else f"{key}: {value}")
    return 0


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
        print("generated laws are in sync with their notebooks")
        return 0
    for path in export.export_all(root):
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


# ---------------------------------------------------------------- parser


def _law_parsers(commands, name: str, help: str, description: str, laws: list[str]):
    command = commands.add_parser(name, help=help, description=description)
    per_law = command.add_subparsers(dest="law", required=True, metavar="LAW", title="laws")
    return {law: per_law.add_parser(law, help=f"{name} with the {law} law", description=description)
            for law in laws}


def _add_inputs(parser: argparse.ArgumentParser, module: str) -> None:
    from . import data

    for column in data.task(module).inputs:
        parser.add_argument(_option(column.name), dest=column.name, type=float, metavar="X",
                            help=column.description)


def _add_decision_options(parser: argparse.ArgumentParser, module: str) -> None:
    from .decide import decision

    function = decision(module)
    parser.description = (inspect.getdoc(function) or "").split("\n\n")[0]
    for name, parameter in inspect.signature(function).parameters.items():
        required = parameter.default is inspect.Parameter.empty
        if name == "group" or isinstance(parameter.default, str) or name == "dataset":
            parser.add_argument(_option(name), dest=name, required=required, metavar="NAME",
                                help="the group (see `scalinglaws list`)" if name == "group" else None)
        elif isinstance(parameter.default, bool):
            parser.add_argument(_option(name), dest=name, action=argparse.BooleanOptionalAction,
                                default=parameter.default)
        elif isinstance(parameter.default, (list, tuple)) or name.endswith("weights"):
            parser.add_argument(_option(name), dest=name, type=float, nargs="+", required=required, metavar="W")
        else:
            parser.add_argument(_option(name), dest=name, type=float, required=required, metavar="X")


def build_parser() -> argparse.ArgumentParser:
    from . import data
    from .decide import DECISIONS

    laws = _laws()
    parser = argparse.ArgumentParser(
        prog="scalinglaws",
        description="Scaling laws for the eight SLDBench tasks: list, predict, score, cite, fit, "
        "optimize and export them.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="the laws, their inputs, targets and groups",
                                  description="List the laws that exist, with inputs, targets and groups.")
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=_list)

    for law, sub in _law_parsers(commands, "predict", "predict with a law",
                                 "Predict a law's target(s) for one point (options named after the inputs) "
                                 "or for every row of a CSV file.", laws).items():
        _add_inputs(sub, law)
        sub.add_argument("--group", help="the group whose constants to use (see `scalinglaws list`)")
        sub.add_argument("--csv", metavar="FILE", help="predict every row of FILE; CSV to stdout")
        # --params names the constants file, except where a task has an input called params.
        names = ["--constants"] + ([] if "params" in data.task(law).input_names else ["--params"])
        sub.add_argument(*names, dest="constants", metavar="JSON", help="constants from `scalinglaws fit --out`")
        sub.add_argument("--json", action="store_true", help="JSON output")
        sub.set_defaults(run=_predict)

    for law, sub in _law_parsers(commands, "score", "R2, NMSE, NMAE of a law on a split",
                                 "Score the exported law on a split of its task (SLDBench's metrics).",
                                 laws).items():
        sub.add_argument("--split", default="train", help="which split (default: train)")
        sub.add_argument("--data", metavar="DIR", help="folder holding <task>/<split>.csv")
        sub.add_argument("--json", action="store_true", help="JSON output")
        sub.set_defaults(run=_score)

    for law, sub in _law_parsers(commands, "cite", "how to cite a law",
                                 "How to cite a law: this package, the source study and SLDBench.",
                                 laws).items():
        sub.add_argument("--format", choices=["bibtex", "text"], default="bibtex", help="default: bibtex")
        sub.set_defaults(run=_cite)

    for law, sub in _law_parsers(commands, "fit", "fit a law's form to your own runs",
                                 "Fit a law's form to a CSV of your runs (the task's column names; a group "
                                 "column optional) and print the constants with bootstrap intervals.",
                                 laws).items():
        sub.add_argument("--csv", metavar="FILE", required=True, help="your runs")
        sub.add_argument("--out", metavar="JSON", help="write the constants here (for predict --params)")
        sub.add_argument("--bootstrap", type=int, default=100, metavar="N", help="refits (default 100; 0: none)")
        sub.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
        sub.add_argument("--json", action="store_true", help="JSON output")
        sub.set_defaults(run=_fit)

    with_decision = [law for law in laws if law in DECISIONS]
    for law, sub in _law_parsers(commands, "optimize", "decide with a law (optimal settings)",
                                 "Answer a law's decision question (for example the optimal learning rate "
                                 "and batch size); warnings on stderr where it extrapolates.",
                                 with_decision).items():
        try:
            _add_decision_options(sub, law)
        except Exception as error:  # a broken law must not stop `scalinglaws export` from mending it
            sub.description = f"unavailable: {type(error).__name__}: {error}"
        sub.add_argument("--json", action="store_true", help="JSON output")
        sub.set_defaults(run=_optimize)

    exporting = commands.add_parser(
        "export", help="write src/scalinglaws/laws/*.py from the notebooks' export cells",
        description="Write src/scalinglaws/laws/<module>.py from the cells of notebooks/<module>.py "
        "tagged export. With --check, write nothing and fail if any generated file differs.",
    )
    exporting.add_argument("--check", action="store_true", help="only check; exit 1 on drift")
    exporting.add_argument("--root", help="repository root (default: this checkout)")
    exporting.set_defaults(run=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .data import DataNotFoundError, InputError
    from .fitting import FitError

    parser = build_parser()
    args = parser.parse_args(argv)
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
