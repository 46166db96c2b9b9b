"""What a (question, guideline sentence) pair looks like to the lead ranker: one table of generic features.

The question is read once into `QuestionTraits`; each feature is then a number for one candidate sentence.
No feature names a corpus's subject: each is a retrieval signal or a pairing of a kind of question with a
kind of sentence (asked how long → states a number; asked why → gives a reason). How much each is worth is
not decided here but fitted (evaluation/lead_training.py) and stored in qa/lead_weights.json.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from qa.asked_for import asked_units, asks, contradicts, gives, measured_units, polarities, populations
from qa.lexicon import DESCRIPTION, DIRECTIVE
from qa.statements import CONNECTIVE, Candidate, terms_of


@dataclass(frozen=True, slots=True)
class QuestionTraits:
    """What the question asks for, read once: every feature takes this, never the question text again."""

    terms: frozenset[str]
    asks: frozenset[str]  # the kinds of qa/asked_for.py it asks for: "quantity", "reason", …
    units: tuple[re.Pattern[str], ...]
    results: frozenset[tuple[str, str]]
    who: frozenset[str]
    measured: frozenset[str]

    @classmethod
    def of(cls, question: str, terms: frozenset[str] | None = None) -> QuestionTraits:
        """`terms`: the question's tokens, when already read."""
        return cls(
            terms=terms_of(question) if terms is None else terms,
            asks=asks(question),
            units=asked_units(question),
            results=frozenset(polarities(question)),
            who=frozenset(populations(question)),
            measured=frozenset(measured_units(question)),
        )


class Context(NamedTuple):
    """What a feature may know besides the candidate: the question and the pool it is ranked in."""

    traits: QuestionTraits
    asked: np.ndarray | None  # the question sentence's vector, when the question opens with its case
    best_bm25: float  # the pool's highest passage BM25, so a passage's BM25 is relative to this question's


class Feature(NamedTuple):
    name: str
    description: str
    value: Callable[[Candidate, Context], float]


def _met(kind: str) -> Callable[[Candidate, Context], float]:
    """Asked for this kind (qa/asked_for.py), and the sentence gives it."""
    return lambda c, x: float(kind in x.traits.asks and gives(kind, c.read))


_PERMITTED = _met("permission")


def _directive(c: Candidate, x: Context) -> bool:
    return bool(DIRECTIVE.search(c.read) or c.grade or _PERMITTED(c, x))


def _asked_shift(c: Candidate, x: Context) -> float:
    return float(c.vector @ x.asked) - c.similarity if x.asked is not None else 0.0


def _heading(c: Candidate, x: Context) -> float:
    section = terms_of(c.hit.passage.section or "") if c.hit is not None else frozenset()
    return len(section & x.traits.terms) / len(x.traits.terms) if x.traits.terms else 0.0


def _bm25(c: Candidate, x: Context) -> float:
    return c.hit.bm25 / x.best_bm25 if c.hit is not None and x.best_bm25 > 0 else 0.0


def _rank(c: Candidate, x: Context) -> float:
    return 1.0 / (1.0 + c.hit.rank) if c.hit is not None else 0.0


def _row_named(c: Candidate, x: Context) -> float:
    """A table row: the share of its first cell's terms (what the row is about: "Methadone") in the question."""
    row = c.hit.passage.table if c.hit is not None else None
    if row is None or not row.cells:
        return 0.0
    a, b = row.cells[0]
    key = terms_of(c.hit.passage.text[a:b])
    return len(key & x.traits.terms) / len(key) if key else 0.0


def _column_named(c: Candidate, x: Context) -> float:
    """A table row whose other columns' headings ("Conversion factor") hold a term of the question."""
    row = c.hit.passage.table if c.hit is not None else None
    if row is None or not row.header:
        return 0.0
    headings = terms_of(" ".join(h for line in row.header for h in line[1:]))
    return float(bool(headings & x.traits.terms))


FEATURES: tuple[Feature, ...] = (
    Feature(
        "retrieval",
        "the statement's retrieval score: document topicality and sentence relevance (qa/statements.py)",
        lambda c, x: c.score,
    ),
    Feature("similarity", "cosine of the sentence to the whole question", lambda c, x: c.similarity),
    Feature("words", "share of the question's information (idf-weighted terms) the sentence states", lambda c, x: c.words),
    Feature("topic", "how on-topic the sentence's document is, relative to the best", lambda c, x: c.topic),
    Feature(
        "asked_shift", "cosine to the question sentence alone minus cosine to the whole question (a case first)", _asked_shift
    ),
    Feature("passage_bm25", "the passage's BM25, relative to the best in the pool", _bm25),
    Feature("passage_rank", "1 / (1 + the passage's fused retrieval rank)", _rank),
    Feature("heading", "share of the question's terms in the passage's section heading", _heading),
    Feature("graded", "the guideline states a grade for the sentence", lambda c, x: float(bool(c.grade))),
    Feature(
        "directive",
        "a recommendation: should/must/recommend, an imperative, a grade, or (asked whether it may be "
        "done) what is permitted or forbidden",
        lambda c, x: float(_directive(c, x)),
    ),
    Feature(
        "description",
        "a study's finding, not advice (and not a directive)",
        lambda c, x: float(not _directive(c, x) and bool(DESCRIPTION.search(c.read))),
    ),
    Feature("states_number", "the sentence states a number or an amount of time", lambda c, x: float(gives("quantity", c.read))),
    Feature("quantity_met", "asked how long/much/often/when, and the sentence states a number", _met("quantity")),
    Feature(
        "unit_met",
        "asked for a count of a unit (days, doses, mg), and the sentence states that unit",
        lambda c, x: float("quantity" in x.traits.asks and any(u.search(c.read) for u in x.traits.units)),
    ),
    Feature(
        "contradicts",
        "the sentence is about the other result of a test the question gives a result of",
        lambda c, x: float(contradicts(c.read, set(x.traits.results))),
    ),
    Feature(
        "population_met",
        "the sentence names the class of person the question is about (older adults, infants)",
        lambda c, x: float(bool(x.traits.who & populations(c.read))),
    ),
    Feature("unknown_met", "asked about a result not known, and the sentence is about that case", _met("unknown")),
    Feature("reason_met", "asked why, and the sentence gives a reason", _met("reason")),
    Feature("risk_met", "asked whether it is safe, and the sentence speaks of risk or safety", _met("risk")),
    Feature(
        "measure_met",
        "the question gives a measured value, and the sentence states a value in its unit",
        lambda c, x: float(bool(x.traits.measured & measured_units(c.read))),
    ),
    Feature("together_met", "asked about using two things together, and the sentence speaks of concurrent use", _met("together")),
    Feature(
        "caution_met", "asked about a reaction or contraindication, and the sentence is a caution about one", _met("caution")
    ),
    Feature("permission_met", "asked whether something may be done, and the sentence permits or forbids", _PERMITTED),
    Feature(
        "connective",
        "the sentence opens with a connective (However, Moreover…): it leans on what came before",
        lambda c, x: float(bool(CONNECTIVE.match(c.read))),
    ),
    Feature("length", "log of the sentence's length in words", lambda c, x: math.log(1 + len(c.read.split()))),
    Feature(
        "row_asked",
        "a table row, and the question names what its first cell names and one of its other "
        "columns' headings: it asks for the row's value (naming the row alone, as a glossary's, does not)",
        lambda c, x: _row_named(c, x) * _column_named(c, x),
    ),
)
NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def context(pool: list[Candidate], traits: QuestionTraits, asked: np.ndarray | None = None) -> Context:
    best = max((c.hit.bm25 for c in pool if c.hit is not None), default=0.0)
    return Context(traits, asked, best)


def matrix(pool: list[Candidate], x: Context) -> np.ndarray:
    """One row per candidate, one column per feature of `FEATURES`, in that order."""
    return np.asarray([[f.value(c, x) for f in FEATURES] for c in pool], dtype=np.float64).reshape(len(pool), len(FEATURES))
