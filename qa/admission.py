"""Which documents an answer may cite: the probability that a document is evidence for the question, learned.

The rules before it (qa/relevance.py `on_topic_documents`, qa/statements.py `on_topic` and `supporting`) keep
what is near the question's best evidence; near is not the same as about. On an index of guidelines, abstracts
and health pages, a research question ("Does laparoscopic cholecystectomy influence peri-sinusoidal cell
activity?") still brings the health page that says how a cholecystectomy is done, and another abstract that
shares two words. So each document left in the pool gets one probability, from a logistic model over generic
features of the document against the question and against the rest of the pool (below, one row each), and
research and reference pages under the threshold are not cited. The model is a small JSON file beside this module, fitted by
`medcite train-admission` (evaluation/admission_training.py) on questions whose gold documents are known;
no feature names a subject.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.linear import Linear, read_features
from qa.linear import ModelMismatch as ModelMismatch
from qa.relevance import Topicality
from qa.statements import Candidate

WEIGHTS = Path(__file__).with_name("admission_weights.json")


@dataclass(frozen=True, slots=True)
class Document:
    """One document of the pool as the features see it: its retrieval topicality and its statements."""

    doc_id: str
    kind: str
    topic: Topicality
    statements: list[Candidate]


@dataclass(frozen=True, slots=True)
class Pool:
    """What every document is compared with: the best of the whole pool, and of each kind in it."""

    best_meaning: float
    best_words: float
    best_similarity: float
    best_of_kind: dict[str, float]  # kind → the best statement similarity of that kind
    rank: dict[str, int]  # doc → its rank (0 best) by its best statement's score
    rank_in_kind: dict[str, int]


def _similarity(d: Document) -> float:
    return max(c.similarity for c in d.statements)


def _pool(documents: list[Document]) -> Pool:
    by_score = sorted(documents, key=lambda d: -max(c.score for c in d.statements))
    rank_in_kind: dict[str, int] = {}
    seen: dict[str, int] = {}
    for d in by_score:
        rank_in_kind[d.doc_id] = seen.get(d.kind, 0)
        seen[d.kind] = rank_in_kind[d.doc_id] + 1
    best_of_kind: dict[str, float] = {}
    for d in documents:
        best_of_kind[d.kind] = max(best_of_kind.get(d.kind, -1.0), _similarity(d))
    return Pool(
        best_meaning=max(d.topic.meaning for d in documents),
        best_words=max(d.topic.words for d in documents),
        best_similarity=max(_similarity(d) for d in documents),
        best_of_kind=best_of_kind,
        rank={d.doc_id: i for i, d in enumerate(by_score)},
        rank_in_kind=rank_in_kind,
    )


Feature = Callable[[Document, Pool], float]

# name → (what it measures, how). One row per feature; tests/qa/test_admission.py has a test for each.
FEATURES: dict[str, tuple[str, Feature]] = {
    "research": ("the document is research", lambda d, p: float(d.kind == "research")),
    "reference": ("the document is a reference page", lambda d, p: float(d.kind == "reference")),
    "topicality": ("its topicality relative to the question's best evidence", lambda d, p: d.topic.score),
    "words": ("share of the question's information in its best passage and title", lambda d, p: d.topic.words),
    "words_ratio": (
        "that share against the best document's",
        lambda d, p: d.topic.words / p.best_words if p.best_words > 0 else 1.0,
    ),
    "meaning": ("its best passage's cosine to the question", lambda d, p: d.topic.meaning),
    "meaning_gap": ("how far that is below the best passage's", lambda d, p: p.best_meaning - d.topic.meaning),
    "telling": ("it holds the question's most informative term", lambda d, p: float(d.topic.telling)),
    "similarity": ("its best statement's cosine to the question", lambda d, p: _similarity(d)),
    "similarity_gap": ("how far that is below the pool's best statement", lambda d, p: p.best_similarity - _similarity(d)),
    "kind_gap": (
        "…and below the best statement of its own kind",
        lambda d, p: p.best_of_kind[d.kind] - _similarity(d),
    ),
    "guideline_gap": (
        "how far below the best guideline statement it is, for research and reference pages (0 without one)",
        lambda d, p: (
            p.best_of_kind["guideline"] - _similarity(d) if d.kind != "guideline" and "guideline" in p.best_of_kind else 0.0
        ),
    ),
    "statement_words": (
        "share of the question's information its best statement states",
        lambda d, p: max(c.words for c in d.statements),
    ),
    "rank": ("its rank among the pool's documents by its best statement, log", lambda d, p: math.log1p(p.rank[d.doc_id])),
    "rank_in_kind": ("…among documents of its own kind, log", lambda d, p: math.log1p(p.rank_in_kind[d.doc_id])),
    "statements": ("how many of its statements are in the pool, log", lambda d, p: math.log1p(len(d.statements))),
}
NAMES = tuple(FEATURES)


def documents(pool: list[Candidate], topics: Mapping[str, Topicality]) -> list[Document]:
    """The pool's documents, in order of first appearance (the pool is best first)."""
    grouped: dict[str, list[Candidate]] = {}
    for c in pool:
        grouped.setdefault(c.hit.passage.doc_id, []).append(c)
    return [Document(doc, found[0].kind, topics[doc], found) for doc, found in grouped.items() if doc in topics]


def matrix(found: list[Document]) -> np.ndarray:
    """One row per document, one column per feature (NAMES order)."""
    if not found:
        return np.zeros((0, len(NAMES)))
    pool = _pool(found)
    return np.asarray([[feature(d, pool) for _, feature in FEATURES.values()] for d in found], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class AdmissionModel(Linear):
    intercept: float
    threshold: float  # a document is cited when its probability reaches this
    about: dict | None = None  # how it was fitted: data, folds, figures (written by the trainer)

    def probability(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.linear(features) + self.intercept)))

    def to_json(self) -> str:
        return self.dump(intercept=round(self.intercept, 6), threshold=round(self.threshold, 4), about=self.about or {})

    @classmethod
    def from_json(cls, text: str) -> AdmissionModel:
        data = json.loads(text)
        mean, scale, weights = read_features(data, NAMES, "admission weights", "medcite train-admission")
        return cls(NAMES, mean, scale, weights, data["intercept"], data["threshold"], data.get("about"))


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS) -> AdmissionModel | None:
    """The shipped model; None when no model has been fitted (every document is then admitted)."""
    return AdmissionModel.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None


def admitted(
    pool: list[Candidate], topics: Mapping[str, Topicality], model: AdmissionModel | None, threshold: float | None = None
) -> list[Candidate]:
    """The pool less the research and reference pages unlikely to be evidence for the question.

    A guideline is never refused here: which of its sentences lead is the lead ranker's call (qa/lead.py), and
    four guidelines are too few to learn when one is not evidence. When no document at all reaches the
    threshold the pool stays as it is: the model then cannot tell the documents apart, and whether the evidence
    is too weak to answer is the abstention's call (qa/relevance.py `weak`), not this."""
    if model is None or not pool:
        return pool
    found = documents(pool, topics)
    bar = model.threshold if threshold is None else threshold
    likely = {d.doc_id for d, p in zip(found, model.probability(matrix(found))) if p >= bar}
    if not likely:
        return pool
    keep = likely | {d.doc_id for d in found if d.kind == "guideline"}
    return [c for c in pool if c.hit.passage.doc_id in keep]
