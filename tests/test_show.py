"""Readable output: numbers at 4 significant figures, units and intervals beside them, the
edge of a search said as such, and short reprs of results and fitted laws."""

import json
import warnings

import numpy as np
import pytest

import scalinglaws
from scalinglaws import data, decide, show
from scalinglaws.law import Law


@pytest.mark.parametrize("value, text", [
    (62.9716e9, "62.97e9"), (5.76e23, "576e21"), (24.2093, "24.21"), (0.0013786, "0.001379"),
    (5.4397e-4, "5.44e-4"), (551.606, "551.6"), (9999.6, "10e3"), (1.0, "1"), (512, "512"),
    (65536.0, "65536"), (np.float64(2.5), "2.5"), (np.int64(3), "3"), (True, "yes"), (False, "no"),
    (0.0, "0"), (-1.5e10, "-15e9"), (float("nan"), "nan"), (float("inf"), "inf"), (None, "none"),
])
def test_numbers_at_four_significant_figures(value, text):
    assert show.number(value) == text


def test_intervals_lists_and_aligned_rows():
    assert show.interval(61.07e9, 64.66e9, 0.8) == "80% interval 61.07e9 to 64.66e9"
    assert show.interval(1, 2, 0.975) == "97.5% interval 1 to 2"
    assert show.value([1.0, 2.0, 4.0]) == "1, 2, 4"
    long = show.value(list(range(30)))
    assert long.startswith("0, 1, 2, 3, 4, 5, ...") and long.endswith("(30 values)")
    lines = show.aligned([["a", "1", "x"], ["longer", "22", "y"], "free text", ["b", "", ""]])
    assert lines == ["a       1   x", "longer  22  y", "free text", "b"]
    assert show.r2(0.9999824) == "0.999982" and show.r2(0.947) == "0.9470" and show.r2(-0.019) == "-0.0190"


# ------------------------------------------------------------------ a fake law with a search


def _formula(X, constants):
    return constants[0] * np.asarray(X["num_params"], dtype=float) ** -constants[1] + 0 * X["parallel_size"]


def _fit(table):
    return {g: [1.0, 0.1] for g in table["group"].unique()}


def _fake_law() -> Law:
    law = Law("parallel", "L = a N^{-b}", ["a", "b"], _formula, _fit)

    @law.decision(units={"threshold": "parameters", "best": "parameters"}, main=True)
    def threshold(fitted, target: float, top: float = 1e12):
        """The smallest size whose loss is below target, searched up to top."""
        sizes = np.geomspace(1e6, top, 61)
        loss = fitted.predict({"num_params": sizes, "parallel_size": np.ones_like(sizes)})
        below = sizes[loss <= target]
        found = float(below[0]) if below.size else float(top)
        return {"target": target, "threshold": found, "best": float(sizes[np.argmin(loss)]),
                "searched": {"threshold": [1e6, top], "best": [1e6, None]}}

    return law


def test_an_answer_at_the_edge_of_its_search_says_so():
    law = _fake_law()
    reached = law.decide(None, 0.1, constants=[1.0, 0.1])  # 1e10 parameters reach 0.1
    assert reached.edges == {} and reached.answer["threshold"] == pytest.approx(1e10)
    assert "searched" not in reached.answer and reached.searched["threshold"] == [1e6, 1e12]
    assert "edge" not in repr(reached)
    missed = law.decide(None, 0.01, constants=[1.0, 0.1])  # not within 1e12
    assert missed.edges == {"threshold": "at least 1e12"}
    text = repr(missed)
    assert "threshold  at least 1e12  parameters  the edge of the range searched, 1e6 to 1e12" in text
    body = missed.to_dict()
    json.dumps(body)
    assert body["threshold"] == 1e12 and body["threshold_searched"] == [1e6, 1e12]
    assert body["threshold_edge"] == "at least 1e12: the edge of the range searched"
    # An end given as None is no edge: the best size sits at the top of the grid, which is
    # the answer of a loss that keeps falling, not an edge on that side.
    assert "best" not in missed.edges
    with pytest.raises(ValueError, match="answers that do not exist"):
        decide.Result("parallel", "x", None, {"a": 1}, searched={"b": [0, 1]})


def test_a_result_reads_in_aligned_rows_and_as_html():
    from scalinglaws.laws import chinchilla, parallel

    result = chinchilla.allocate(compute=1e21)
    text = repr(result)
    assert "np.float64" not in text and "draws" not in text
    lines = text.splitlines()
    assert lines[0] == "chinchilla allocate (group all_data)"
    params = next(line for line in lines if line.strip().startswith("params"))
    assert "parameters" in params and "80% interval" in params
    assert str(result) == text
    assert "<table" in result._repr_html_() and "80% interval" in result._repr_html_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decide.ExtrapolationWarning)
        beyond = parallel.equivalent_parameters(1e9, 8, group="pile")
    assert "warning: parallel_size = 8 is outside" in repr(beyond)
    # an input the decision repeats is shown with its column's description
    assert any(line.split()[:2] == ["num_params", "1e9"] and "parameters of the base model" in line
               for line in repr(beyond).splitlines())


def test_a_fitted_law_reads_as_its_intervals_table():
    fitted = scalinglaws.fit("chinchilla", data.load("chinchilla"), bootstrap=5, seed=0)
    text = repr(fitted)
    assert text.startswith("chinchilla law fitted to 245 runs: R2 ")
    assert "95% intervals from 5 bootstrap refits" in text and "identified" in text
    assert len(text.splitlines()) == 2 + len(fitted.param_names)
    assert "draws" not in text and "np.float64" not in text
    assert "<table" in fitted._repr_html_()
    many = scalinglaws.fit("sft", data.load("sft"), bootstrap=0)
    assert "38 more groups: .constants, .intervals" in repr(many)
