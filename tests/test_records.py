"""The one record format: reading, validating, digesting, and writing only on change."""

import json

import numpy as np
import pytest

from scalinglaws import data, records


def _record(**changes):
    body = dict(
        task="parallel", param_names=["E", "A", "alpha", "G"],
        params={"pile": [1.5, 0.5, 0.25, 0.1], "stack": [0.8, 0.3, 0.27, 0.07]},
        training_range={"num_params": (5e8, 4e9), "parallel_size": (1.0, 4.0)},
        validation={"validation_r2": 0.99997, "chosen": "square root"},
        summary={"headline": "8 streams are worth 1.66B [1.65B, 1.68B]"},
    )
    body.update(changes)
    return records.Record(**body)


def test_round_trip_through_json(tmp_path):
    path = tmp_path / "c.json"
    assert records.write(_record(), path)
    again = records.read(path)
    assert again.params == _record().params and again.module == "parallel"
    assert again.training_range["num_params"] == (5e8, 4e9)
    assert records.verify_digest(path) is None


def test_written_only_when_what_it_says_changes(tmp_path):
    path = tmp_path / "c.json"
    records.write(_record(), path)
    before = path.read_text()
    # The last digits of a fit move on another CPU: the file stays as it is.
    nudged = {g: [v * (1 + 1e-9) for v in c] for g, c in _record().params.items()}
    assert not records.write(_record(params=nudged, validation={"validation_r2": 0.999970001, "chosen": "square root"}), path)
    assert not records.write(_record(summary={"headline": "8 streams are worth 1.67B [1.65B, 1.68B]"}), path)
    assert path.read_text() == before
    # A real change is written.
    moved = {g: [v * 1.01 for v in c] for g, c in _record().params.items()}
    assert records.write(_record(params=moved), path)
    assert records.write(_record(validation={"validation_r2": 0.9, "chosen": "square root"}), path)
    assert records.write(_record(summary={"headline": "8 streams are worth 2.1B"}), path)


def test_constants_are_compared_through_predictions(tmp_path):
    path = tmp_path / "c.json"
    records.write(_record(), path)
    flat = {"pile": [9.0, 9.0, 9.0, 9.0], "stack": [9.0, 9.0, 9.0, 9.0]}
    assert not records.write(_record(params=flat), path, same_predictions=lambda a, b, group, **_: True)
    assert records.write(_record(params=flat), path, same_predictions=lambda a, b, group, **_: False)


def test_bootstrap_draws_are_the_same_to_a_looser_tolerance_than_the_constants(tmp_path):
    # A refit of a resample stops a little apart on another CPU; the law's constants may not.
    from scalinglaws.laws import parallel

    path = tmp_path / "c.json"
    stored = records.stored("parallel")
    records.write(stored, path)
    same = parallel.LAW.same_predictions(data.load("parallel"))

    def nudged(rows, factor):  # the floor E scales every prediction by about this factor
        return [[row[0] * factor, *row[1:]] for row in rows]

    def with_draws(factor):
        draws = {g: nudged(rows, factor) for g, rows in stored.uncertainty.draws.items()}
        return records.Record(**{**stored.__dict__, "uncertainty": records.Uncertainty(**{**stored.uncertainty.__dict__, "draws": draws})})

    assert not records.write(with_draws(1 + 1e-5), path, same_predictions=same)
    assert records.write(with_draws(1 + 1e-3), path, same_predictions=same)
    records.write(stored, path)
    constants = {g: nudged([c], 1 + 1e-5)[0] for g, c in stored.params.items()}
    assert records.write(records.Record(**{**stored.__dict__, "params": constants}), path, same_predictions=same)


def test_a_hand_edit_breaks_the_digest(tmp_path):
    path = tmp_path / "c.json"
    records.write(_record(), path)
    path.write_text(path.read_text().replace("1.5", "1.6", 1))
    assert "digest" in records.verify_digest(path)
    assert records.write(_record(), path)  # an edited file is rewritten, not trusted
    assert records.verify_digest(path) is None


@pytest.mark.parametrize(
    "body, message",
    [
        ({"task": "parallel", "param_names": ["E", "A", "alpha", "G"], "params": {"pile": [1, 2, 3]}},
         "group 'pile' has 3 value"),
        ({"task": "parallel", "param_names": ["E", "A", "alpha", "G"], "params": {"pile": [1, 2, float("nan"), 4]}},
         "value 2 is nan, not a finite number"),
        ({"task": "parallel", "param_names": ["E", "A", "alpha", "G"], "params": {"pile": [1, 2, "x", 4]}},
         "value 2 is 'x'"),
        ({"task": "parallel", "param_names": ["E"], "params": {}}, "params must map each group"),
        ({"task": "gpt", "param_names": ["E"], "params": {"g": [1]}}, "unknown task"),
        ({"param_names": ["E"], "params": {"g": [1]}}, "no 'task'"),
        ([1, 2], "not a record of constants"),
    ],
)
def test_a_bad_file_of_constants_says_what_is_wrong(tmp_path, body, message):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(body))
    with pytest.raises(data.InputError, match=message):
        records.read(path)


def test_a_directory_or_no_file_or_not_json(tmp_path):
    with pytest.raises(data.InputError, match="is a directory"):
        records.read(tmp_path)
    with pytest.raises(data.InputError, match="no such file"):
        records.read(tmp_path / "missing.json")
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(data.InputError, match="not JSON"):
        records.read(tmp_path / "x.json")


def test_texts_agree_up_to_the_last_printed_digit():
    assert records.texts_agree("R2 0.9923, bias -0.0085", "R2 0.9924, bias -0.0084")
    assert records.texts_agree("3.789e+04", "3.790e+04")
    assert not records.texts_agree("3.789e+04", "3.784e+04")
    assert not records.texts_agree("R2 0.9923", "R2 0.9926")
    assert not records.texts_agree("loss 1.2", "lass 1.2")
    assert not records.texts_agree("1.2 2.3", "1.2")


def test_every_stored_record_reads(root):
    for path in sorted((root / "src" / "scalinglaws" / "laws").glob("*.json")):
        record = records.read(path)
        assert record.params and all(np.isfinite(v).all() for v in record.params.values())
