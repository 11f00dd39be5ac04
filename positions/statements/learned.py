"""Linear models over named features, stored as plain JSON: fitted with scikit-learn, applied without it.

A model file holds its classes, one weight per (feature, class) and the intercepts, so it can be read,
diffed and loaded without unpickling anything; prediction is a sparse dot product and a softmax.
"""

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

Features = Mapping[str, float]


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    weights: Mapping[str, tuple[float, ...]]  # feature → one weight per class (binary: one weight)
    intercepts: tuple[float, ...]
    meta: Mapping = None

    def scores(self, features: Features, *, intercepts: bool = True) -> list[float]:
        out = list(self.intercepts) if intercepts else [0.0] * len(self.intercepts)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for k, w in enumerate(row):
                    out[k] += w * value
        return out

    def probabilities(self, features: Features) -> dict[str, float]:
        return self.probabilities_of(self.scores(features))

    def probabilities_of(self, scores: list[float]) -> dict[str, float]:
        """The class probabilities of summed scores (`scores`, intercepts included)."""
        if len(self.classes) == 2 and len(scores) == 1:
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, scores[0]))))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def best(self, features: Features) -> tuple[str, float]:
        probabilities = self.probabilities(features)
        label = max(self.classes, key=lambda c: (probabilities[c], c))
        return label, probabilities[label]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "classes": list(self.classes),
            "intercepts": [round(v, 6) for v in self.intercepts],
            "meta": dict(self.meta or {}),
            "weights": {k: [round(v, 6) for v in row] for k, row in sorted(self.weights.items())},
        }
        path.write_text(json.dumps(record, indent=0, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        record = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            classes=tuple(record["classes"]),
            weights={k: tuple(v) for k, v in record["weights"].items()},
            intercepts=tuple(record["intercepts"]),
            meta=record.get("meta") or {},
        )


def fit(
    rows: Iterable[Features], labels: Iterable[str], *, c: float = 1.0, balanced: bool = False, meta=None
) -> LinearModel:
    """Logistic regression (L2, lbfgs, a fixed seed) on the rows; weights under 1e-4 are dropped."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels = list(rows), list(labels)
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(rows)
    sample_weight = None
    if balanced:
        # each class weighed by the square root of its rarity: rare kinds count, without drowning the common
        # one (as sample weights: scikit-learn reads "0" and "1" as numbers when matching class weights)
        counts = {label: labels.count(label) for label in set(labels)}
        weights = {label: (len(labels) / (len(counts) * n)) ** 0.5 for label, n in counts.items()}
        sample_weight = [weights[label] for label in labels]
    model = LogisticRegression(C=c, max_iter=2000, random_state=0, solver="lbfgs")
    model.fit(matrix, labels, sample_weight=sample_weight)
    classes = tuple(str(k) for k in model.classes_)
    coef = model.coef_
    weights = {}
    for j, name in enumerate(vectorizer.get_feature_names_out()):
        row = tuple(float(coef[k, j]) for k in range(coef.shape[0]))
        if any(abs(w) >= 1e-4 for w in row):
            weights[name] = row
    return LinearModel(classes, weights, tuple(float(v) for v in model.intercept_), meta or {})
