"""Which guideline sentences lead the answer: a linear model over the features of qa/lead_features.py.

Retrieval says a sentence is about the question; the lead must also be the kind of sentence that answers
it. Both are features; the model is a small JSON file beside this module (the features' means, scales and
weights, and optionally a calibration that turns the linear score into the probability that a sentence
holds the answer). `medcite train-ranker` fits one and cross-validates it against the weights shipped;
`--write` replaces them with whichever of the fit and the earlier hand-set weights leads better on questions
written blind, held out for both; since 2026-12-04 that is the fit (docs/ranker.md has the figures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.lead_features import NAMES, QuestionTraits, context, matrix
from qa.linear import Linear, read_features
from qa.linear import ModelMismatch as ModelMismatch
from qa.statements import Candidate

WEIGHTS = Path(__file__).with_name("lead_weights.json")


@dataclass(frozen=True, slots=True)
class LeadModel(Linear):
    # (a, b): score = sigmoid(a * linear + b); None leaves the linear score as it is.
    calibration: tuple[float, float] | None = None
    about: dict | None = None  # how it was fitted: data, folds, figures (written by the trainer)

    def score(self, features: np.ndarray) -> np.ndarray:
        if self.calibration is None:
            return self.linear(features)
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * self.linear(features) + b)))

    def to_json(self) -> str:
        calibration = None if self.calibration is None else [round(v, 6) for v in self.calibration]
        return self.dump(calibration=calibration, about=self.about or {})

    @classmethod
    def from_json(cls, text: str) -> LeadModel:
        data = json.loads(text)
        mean, scale, weights = read_features(data, NAMES, "lead weights", "medcite train-ranker")
        calibration = data.get("calibration")
        return cls(NAMES, mean, scale, weights, tuple(calibration) if calibration else None, data.get("about"))


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS) -> LeadModel:
    return LeadModel.from_json(path.read_text(encoding="utf-8"))


def rank_for_lead(
    pool: list[Candidate], traits: QuestionTraits, asked: np.ndarray | None = None, model: LeadModel | None = None
) -> list[Candidate]:
    """The guideline pool rescored as answers to the question `traits` were read from, best first. `asked`: the
    vector of the question sentence alone when the question opens with its case (qa/question.py)."""
    if not pool:
        return []
    model = model or load()
    scores = model.score(matrix(pool, context(pool, traits, asked)))
    rescored = [replace(c, score=float(s)) for c, s in zip(pool, scores)]
    return sorted(rescored, key=lambda c: -c.score)
