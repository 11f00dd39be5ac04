"""Linear models fitted with scikit-learn, stored as plain JSON and applied without it."""

import json
import math

import pytest

from positions.statements.learned import LinearModel, fit

BINARY_ROWS = [
    {"cue": 1.0, "near": 1.0}, {"cue": 1.0}, {"cue": 1.0, "far": 1.0}, {"cue": 1.0, "near": 0.5},
    {"far": 1.0}, {"far": 1.0, "pronoun": 1.0}, {"pronoun": 1.0}, {"far": 0.5},
]  # fmt: skip
BINARY_LABELS = ["1", "1", "1", "1", "0", "0", "0", "0"]
KIND_ROWS = [
    {"w=reject": 1.0}, {"w=reject": 1.0, "neg": 1.0}, {"w=refuse": 1.0, "neg": 1.0},
    {"w=propose": 1.0}, {"w=offer": 1.0}, {"w=propose": 1.0, "we": 1.0},
    {"w=warn": 1.0}, {"w=retaliate": 1.0}, {"w=warn": 1.0, "we": 1.0},
]  # fmt: skip
KIND_LABELS = ["rejection"] * 3 + ["proposal"] * 3 + ["threat"] * 3


def test_it_fits_a_binary_model_that_predicts_its_training_labels():
    model = fit(BINARY_ROWS, BINARY_LABELS, c=10.0)
    assert model.classes == ("0", "1")
    assert all(len(row) == 1 for row in model.weights.values())  # one weight per feature for two classes
    assert [model.best(row)[0] for row in BINARY_ROWS] == BINARY_LABELS
    assert model.weights["cue"][0] > 0 > model.weights["far"][0]
    p = model.probabilities({"cue": 1.0})
    assert set(p) == {"0", "1"} and p["0"] + p["1"] == pytest.approx(1.0) and p["1"] > 0.5


def test_it_fits_three_classes_that_predict_their_training_labels():
    model = fit(KIND_ROWS, KIND_LABELS, c=10.0, meta={"examples": len(KIND_ROWS)})
    assert model.classes == ("proposal", "rejection", "threat")
    assert all(len(row) == 3 for row in model.weights.values())
    assert [model.best(row)[0] for row in KIND_ROWS] == KIND_LABELS
    assert sum(model.probabilities({"w=warn": 1.0}).values()) == pytest.approx(1.0)
    assert model.meta == {"examples": 9}


def test_it_fits_balanced_kinds_too():
    rows = [*KIND_ROWS, {"w=offer": 1.0, "we": 1.0}, {"w=propose": 1.0, "neg": 0.5}]
    labels = [*KIND_LABELS, "proposal", "proposal"]
    model = fit(rows, labels, c=10.0, balanced=True)
    assert [model.best(row)[0] for row in rows] == labels


def test_it_ignores_features_it_was_not_fitted_on():
    model = fit(BINARY_ROWS, BINARY_LABELS)
    assert model.probabilities({"cue": 1.0, "never-seen": 5.0}) == model.probabilities({"cue": 1.0})
    assert model.scores({}) == list(model.intercepts)


def test_it_applies_hand_written_weights_as_a_sigmoid_and_a_softmax():
    binary = LinearModel(("0", "1"), {"a": (2.0,)}, (-1.0,))
    assert binary.probabilities({"a": 1.0})["1"] == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert binary.probabilities({"a": 1000.0})["1"] == pytest.approx(1.0)  # no overflow
    three = LinearModel(("x", "y", "z"), {"a": (1.0, 0.0, -1.0)}, (0.0, 0.0, 0.0))
    p = three.probabilities({"a": 1.0})
    total = math.e + 1 + 1 / math.e
    assert p == pytest.approx({"x": math.e / total, "y": 1 / total, "z": (1 / math.e) / total})
    assert three.best({"a": 1.0}) == ("x", pytest.approx(math.e / total))


def test_it_loads_what_it_saved_with_the_same_probabilities(tmp_path):
    for rows, labels in ((BINARY_ROWS, BINARY_LABELS), (KIND_ROWS, KIND_LABELS)):
        model = fit(rows, labels, meta={"examples": len(rows)})
        path = tmp_path / "sub" / "model.json"
        model.save(path)
        loaded = LinearModel.load(path)
        assert loaded.classes == model.classes
        assert loaded.meta == {"examples": len(rows)}
        for row in [*rows, {}, {"unknown": 1.0}]:
            assert loaded.probabilities(row) == pytest.approx(model.probabilities(row), abs=1e-5)
        assert [loaded.best(row)[0] for row in rows] == list(labels)


def test_it_stores_a_model_as_plain_json(tmp_path):
    path = tmp_path / "model.json"
    fit(KIND_ROWS, KIND_LABELS, meta={"examples": 9}).save(path)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(record) == ["classes", "intercepts", "meta", "weights"]
    assert record["classes"] == ["proposal", "rejection", "threat"]
    assert record["meta"] == {"examples": 9}
    assert len(record["intercepts"]) == 3
    assert list(record["weights"]) == sorted(record["weights"])
    assert all(isinstance(w, float) for row in record["weights"].values() for w in row)


def test_it_writes_the_same_bytes_when_fitted_twice_on_the_same_data(tmp_path):
    for rows, labels in ((BINARY_ROWS, BINARY_LABELS), (KIND_ROWS, KIND_LABELS)):
        fit(rows, labels).save(tmp_path / "first.json")
        fit(list(rows), list(labels)).save(tmp_path / "second.json")
        assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()


def test_it_fits_balanced_binary_labels_too():
    """The binary models' labels are "0" and "1", as the linker, relevance and issue models use them."""
    rows = [*BINARY_ROWS, {"far": 1.0}, {"far": 1.0, "pronoun": 0.5}]
    labels = [*BINARY_LABELS, "0", "0"]
    model = fit(rows, labels, c=10.0, balanced=True)
    assert [model.best(row)[0] for row in rows] == labels
