"""The ``scalinglaws`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import export

__all__ = ["main"]


class CommandError(Exception):
    """A failure the command reports in one line, without a traceback."""


def _export(args: argparse.Namespace) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scalinglaws",
        description="Scaling laws for the eight SLDBench tasks: export, inspect and use them.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (CommandError, ValueError, KeyError, FileNotFoundError, ModuleNotFoundError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"scalinglaws {args.command}: error: {message}", file=sys.stderr)
        return 2
