"""The study-design classifier as it runs at ingest: binary tf-idf over a small vocabulary and a multinomial
logistic regression, read from a JSON file of plain numbers and applied with numpy.

No pickle: the file is data (vocabulary, idf, coefficients, threshold) that any version of any library
reads the same way, and fitting (evaluation/train_design.py) is the only place scikit-learn is used.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.design_lexicon import CUES, DESIGN_KEYS

WEIGHTS = Path(__file__).with_name("design_model.json")
_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
_OWN_BEFORE = re.compile(r"\b(?:this|we|our|a|an)\s+(?:[\w-]+\s+){0,2}$", re.I)
_OWN_AFTER = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:study|studies|analysis|review|trial|survey|design|cohort)\b", re.I)
_CUES = [(re.compile(rf"\b{re.escape(phrase)}\b", re.I), design) for phrase, design in CUES]


@dataclass(frozen=True, slots=True)
class Cue:
    design: str
    phrase: str  # as the lexicon spells it
    own: bool  # the study speaking of itself ("this retrospective study"), not of others ("previous trials")


def cues(text: str) -> list[Cue]:
    """The design lexicon's phrases found in the text, one per phrase (its own use preferred)."""
    found = []
    lowered = text.lower()
    for (pattern, design), (phrase, _) in zip(_CUES, CUES):
        # A plain substring test first: most phrases are absent, and it is ten times cheaper than the pattern.
        matches = list(pattern.finditer(text)) if phrase.lower() in lowered else ()
        if matches:
            own = any(
                _OWN_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) or _OWN_AFTER.match(text[m.end() : m.end() + 40])
                for m in matches
            )
            found.append(Cue(design, phrase, own))
    return found


def terms(text: str, found: list[Cue] | None = None) -> Counter:
    """Words and adjacent word pairs, lower-cased, and "cue:<design>" (and "own cue:<design>") for the
    design lexicon's phrases found. Digits alone are dropped: a count or a year says nothing about design."""
    words = _WORD.findall(text.lower())
    counts = Counter(words + [f"{a} {b}" for a, b in zip(words, words[1:])])
    for cue in cues(text) if found is None else found:
        counts[f"cue:{cue.design}"] = 1
        if cue.own:
            counts[f"own cue:{cue.design}"] = 1
    return counts


def vectorise(counts: list[Counter], vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
    """Presence × idf, each row scaled to unit length (rows with no known term stay zero). How often a term
    recurs is not counted: a subject named ten times says nothing about design, and held out, presence
    scored 0.78 macro-F1 where sublinear counts (1 + log n) scored 0.74."""
    matrix = np.zeros((len(counts), len(vocabulary)), dtype=np.float64)
    for row, count in enumerate(counts):
        for term in count:
            column = vocabulary.get(term)
            if column is not None:
                matrix[row, column] = 1.0
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


@dataclass(frozen=True, slots=True)
class Prediction:
    design: str
    confidence: float
    cues: tuple[str, ...]  # the design lexicon's phrases for `design` that the text holds


@dataclass(frozen=True)
class DesignModel:
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # classes × vocabulary
    intercept: np.ndarray
    threshold: float  # below this top probability a prediction is not shown (chosen on held-out records)
    about: dict

    def probabilities(self, counts: list[Counter]) -> np.ndarray:
        """Per text (as `terms` counts it), the probability of each of `classes` (rows sum to 1)."""
        scores = vectorise(counts, self.vocabulary, self.idf) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def unlearnt(self, counts: Counter) -> str | None:
        """A design the text says it is ("this systematic review") that the model has no class for: it would
        name one of its own instead, with a confidence that means nothing here."""
        return next((d for d in DESIGN_KEYS if d not in self.classes and counts.get(f"own cue:{d}")), None)

    def predict(self, text: str) -> Prediction | None:
        """The likeliest design, its probability and the text's phrases that back it; None when the text
        says it is a design the model has not learnt."""
        found = cues(text)
        counts = terms(text, found)
        if self.unlearnt(counts):
            return None
        p = self.probabilities([counts])[0]
        best = int(p.argmax())
        design = self.classes[best]
        return Prediction(design, float(p[best]), tuple(c.phrase for c in found if c.design == design))

    def shown(self, prediction: Prediction | None) -> bool:
        """Whether a prediction may be shown: at least as sure as the threshold, and backed by the text's own
        words. Held out, predictions without such words were right fewer than half the time."""
        return prediction is not None and bool(prediction.cues) and prediction.confidence >= self.threshold

    def to_json(self) -> dict:
        ordered = sorted(self.vocabulary, key=lambda term: self.vocabulary[term])
        return {
            "about": self.about,
            "classes": list(self.classes),
            "threshold": self.threshold,
            "intercept": [round(float(v), 5) for v in self.intercept],
            # One row per term: the term, its idf, then its weight for each class in `classes` order.
            "terms": [
                [t, round(float(self.idf[i]), 4), *(round(float(w), 4) for w in self.coef[:, i])] for i, t in enumerate(ordered)
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> DesignModel:
        classes = tuple(data["classes"])
        unknown = set(classes) - set(DESIGN_KEYS)
        if unknown:
            raise ValueError(f"design model names unknown designs {sorted(unknown)}")
        rows = data["terms"]
        if any(len(r) != 2 + len(classes) for r in rows):
            raise ValueError("design model: every term row must hold the term, its idf and one weight per class")
        return cls(
            classes=classes,
            vocabulary={r[0]: i for i, r in enumerate(rows)},
            idf=np.array([r[1] for r in rows], dtype=np.float64),
            coef=np.array([r[2:] for r in rows], dtype=np.float64).T.reshape(len(classes), len(rows)),
            intercept=np.array(data["intercept"], dtype=np.float64),
            threshold=float(data["threshold"]),
            about=data.get("about", {}),
        )

    def write(self, path: Path = WEIGHTS) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def shipped() -> DesignModel | None:
    """The model in the repository; None when none has been fitted yet (designs then come from labels only)."""
    if not WEIGHTS.is_file():
        return None
    try:
        return DesignModel.from_json(json.loads(WEIGHTS.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{WEIGHTS.name} is not a usable design model ({exc}); refit it: medcite train-design --write") from None
