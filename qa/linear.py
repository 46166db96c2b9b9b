"""What qa/'s fitted linear models (qa/lead.py, qa/admission.py) share: standardised features times weights, and the
file format, per feature a mean, a scale and a weight, checked against the features the code defines, so a model
fitted on other features is refused by name."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np


class ModelMismatch(ValueError):
    """A weights file fitted on other features than its module defines."""


@dataclass(frozen=True, slots=True)
class Linear:
    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray

    def linear(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean) / self.scale) @ self.weights

    def dump(self, **fields: object) -> str:
        """The model as its JSON file: the features first, then `fields` in the order given."""
        features = {
            n: {"mean": round(float(m), 6), "scale": round(float(s), 6), "weight": round(float(w), 6)}
            for n, m, s, w in zip(self.names, self.mean, self.scale, self.weights)
        }
        return json.dumps({"features": features, **fields}, indent=1, ensure_ascii=False) + "\n"


def read_features(data: dict, names: tuple[str, ...], what: str, refit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, scale, weight) columns in `names` order; ModelMismatch naming the command that refits `what`."""
    found = tuple(data["features"])
    if found != names:
        missing, extra = sorted(set(names) - set(found)), sorted(set(found) - set(names))
        raise ModelMismatch(f"{what} do not match the features (missing {missing}, unknown {extra}): refit with `{refit}`")
    column = lambda key: np.asarray([data["features"][n][key] for n in names], dtype=np.float64)  # noqa: E731
    return column("mean"), column("scale"), column("weight")
