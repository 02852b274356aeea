"""README.md runs as written: every ```python block (in order, in one namespace, as a reader
would run them one after another) and every `scalinglaws ...` line of every ```bash block, in
a temporary directory, so that the README cannot drift from the package."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("scalinglaws")

#: Lines of a bash block that are the repository's own jobs, run by CI itself, not here.
NOT_HERE = ("bash scripts/",)


def blocks(text: str) -> list[tuple[str, str, int]]:
    """``(language, code, line)`` for every fenced block of README."""
    found = []
    for match in re.finditer(r"^```(\w+)\n(.*?)^```", text, re.S | re.M):
        found.append((match.group(1), match.group(2), text[: match.start()].count("\n") + 1))
    return found


def commands(code: str) -> list[list[str]]:
    """The command lines of a bash block, without their comments."""
    out = []
    for line in code.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            out.append(words)
    return out


def test_the_readme_has_blocks_to_run():
    kinds = [language for language, _, _ in blocks((ROOT / "README.md").read_text(encoding="utf-8"))]
    assert kinds.count("python") >= 3 and kinds.count("bash") >= 3


def test_every_readme_block_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    namespace: dict = {"__name__": "__readme__"}
    for language, code, line in blocks((ROOT / "README.md").read_text(encoding="utf-8")):
        if language == "python":
            try:
                exec(compile(code, f"README.md, block at line {line}", "exec"), namespace)
            except Exception as error:  # say which block, then fail with the traceback
                pytest.fail(f"README.md, python block at line {line}: {type(error).__name__}: {error}")
        elif language == "bash":
            for words in commands(code):
                command = " ".join(words)
                if command.startswith(NOT_HERE):
                    continue
                assert words[0] == "scalinglaws", (
                    f"README.md, bash block at line {line}: the test does not know how to run {command!r}")
                result = subprocess.run([str(SCRIPT), *words[1:]], capture_output=True, text=True, env=env,
                                        timeout=600)
                assert result.returncode == 0, f"README.md line {line}: {command}\n{result.stderr}"
                assert result.stdout.strip(), f"README.md line {line}: {command} printed nothing"
        else:
            pytest.fail(f"README.md, block at line {line}: no way to run a {language!r} block")
