"""Every law has every piece that "Adding a law" (docs/adding.md) lists."""

import json

import pytest

from scalinglaws import data, laws, records

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py") if p.stem in data.TASKS)


def test_every_law_notebook_is_a_task():
    everything = {p.stem for p in (ROOT / "notebooks").glob("*.py")}
    assert everything - set(NOTEBOOKS) == {"index", "validation"}  # the Results and validation pages


@pytest.mark.parametrize("module", NOTEBOOKS)
def test_a_law_has_every_piece(module):
    t = data.task(module)
    assert t.rows == len(data.load(module)), "the task's row count matches its shipped table"
    assert (ROOT / "notebooks" / f"{module}.ipynb").is_file(), "the executed notebook pair"
    assert (ROOT / "src" / "scalinglaws" / "laws" / f"{module}.py").is_file(), "the exported module"
    assert records.stored_path(module).is_file(), "the stored record"
    assert module in laws.available()
    assert (ROOT / "tests" / f"test_{module}.py").is_file(), "its own tests"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| {module} |" in readme, "a row in README's table of laws"
    datasets = (ROOT / "src" / "scalinglaws" / "datasets" / "README.md").read_text(encoding="utf-8")
    assert (t.name if t.benchmark else t.collection) in datasets, "its data's provenance"
    summary = records.stored(module).summary
    assert {"question", "headline", "caveat"} <= set(summary), "the card's summary in its record"
    cells = json.loads((ROOT / "notebooks" / f"{module}.ipynb").read_text(encoding="utf-8"))["cells"]
    assert any("export" in c.get("metadata", {}).get("tags", []) for c in cells)


def test_the_adding_page_lists_the_steps():
    page = (ROOT / "docs" / "adding.md").read_text(encoding="utf-8")
    for piece in ("data.py", "datasets", "notebooks/mylaw.py", "scalinglaws export", "run_notebooks.py",
                  "tests/test_mylaw.py", "README.md", "study.store", "Candidate", "Protocol"):
        assert piece in page
