"""Each percent script and its executed notebook hold the same cells (the pair agrees)."""

from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("*.py"))


def test_there_are_notebooks():
    assert SOURCES


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_pair_agrees(source):
    executed = source.with_suffix(".ipynb")
    assert executed.is_file(), f"{executed.name} is missing: run python tools/run_notebooks.py {source.stem}"
    script = jupytext.read(source)
    notebook = jupytext.read(executed)
    cells = lambda nb: [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in nb.cells]
    assert cells(script) == cells(notebook), (
        f"{executed.name} is out of date with {source.name}: run python tools/run_notebooks.py {source.stem}"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_executed_notebook_has_outputs_and_no_errors(source):
    notebook = jupytext.read(source.with_suffix(".ipynb"))
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "every code cell has been executed"
    for cell in code:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"{source.stem}: warnings or errors on stderr: {output.text[:200]}"
            )


def test_nbval_compares_numbers_up_to_their_last_digit():
    # conftest.py patches nbval's comparison; if nbval renames its cell class, the patch must
    # not fail silently (it once imported a name nbval 0.11 does not have, and did nothing).
    from nbval.plugin import IPyNbCell

    assert getattr(IPyNbCell.compare_outputs, "aligned", False)
