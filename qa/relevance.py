"""Is a passage about the question? Judged on words and meaning, relative to the question's own best evidence.

One absolute cosine threshold cannot serve every corpus and question: a rare drug or gene name that
the model barely knows gives low similarities even in the right paper, while a paper on a related
condition scores high. So each passage gets two signals, both scaled by the best found for this
question, and its topicality is their mean:

- words: the share of the question's information (its terms weighted by idf, so "siponimod" counts
  far more than "patients") found in the passage or its document's title;
- meaning: the passage's dense similarity, as a gap below the best passage's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import numpy as np

from index.models import Hit
from index.tokenize import tokenize

# A passage this far below the best one in cosine similarity has lost all its meaning-topicality.
DENSE_SPAN = 0.25


@dataclass(frozen=True, slots=True)
class QuestionTerms:
    """The question's searchable terms, each weighted by the share of its information it carries."""

    weights: dict[str, float]

    @classmethod
    def of(cls, question: str, idf: Callable[[str], float]) -> QuestionTerms:
        return cls.weighed(tokenize(question), idf)

    @classmethod
    def weighed(cls, tokens: Iterable[str], idf: Callable[[str], float]) -> QuestionTerms:
        """The question's tokens (index/tokenize.py), each weighed by `idf`."""
        raw = {term: idf(term) for term in set(tokens)}
        total = sum(raw.values())
        # Terms the index lacks keep their (highest) weight: a question about something nowhere in the
        # index must not look well matched because its commonest words are found.
        return cls({t: w / total for t, w in raw.items() if w > 0} if total > 0 else {})

    def match(self, tokens: Iterable[str]) -> float:
        """Share (0–1) of the question's information present in these tokens."""
        present = set(tokens)
        return sum(w for t, w in self.weights.items() if t in present)

    @property
    def most_telling(self) -> str | None:
        """The question's most informative term: the one with the highest weight."""
        return max(self.weights, key=lambda term: self.weights[term]) if self.weights else None

    def holding_most_telling(self, hits: list[Hit], present: Callable[[list[str], list[int]], np.ndarray]) -> set[int]:
        """The chunk rows holding the question's most informative term (the one with the highest weight)."""
        rows = [hit.passage.row for hit in hits]
        telling = self.most_telling
        if telling is None or not rows:
            return set()
        held = present([telling], rows)[:, 0]
        return {row for row, has in zip(rows, held) if has}

    def in_passages(self, hits: list[Hit], present: Callable[[list[str], list[int]], np.ndarray]) -> dict[int, float]:
        """Chunk row → share of the question's information in what the index holds for it (its title and
        text, or its whole document when short); `present` answers which terms each row contains."""
        terms = list(self.weights)
        rows = [hit.passage.row for hit in hits]
        if not terms or not rows:
            return dict.fromkeys(rows, 0.0)
        shares = present(terms, rows) @ np.asarray([self.weights[t] for t in terms])
        return dict(zip(rows, shares.tolist()))


@dataclass(frozen=True, slots=True)
class Topicality:
    words: float  # share of the question's information in the title and passage
    meaning: float  # the passage's dense similarity to the question
    score: float  # 0–1, relative to this question's best evidence
    telling: bool = False  # it holds the question's most informative term


def topicality(hits: list[Hit], words: dict[int, float], telling: AbstractSet[int] = frozenset()) -> dict[str, Topicality]:
    """Document id → how on-topic it is: its best retrieved passage against the question's best passage.
    `words` is QuestionTerms.in_passages of the hits, `telling` QuestionTerms.holding_most_telling.

    Per document, not per passage: a paper about the question is about it in its methods section too,
    and a statement from there is judged by its own wording, not by its neighbours'."""
    if not hits:
        return {}
    best_words = max(words.values())
    best_meaning = max(hit.dense for hit in hits)
    out: dict[str, Topicality] = {}
    for hit in hits:
        lexical = words[hit.passage.row] / best_words if best_words > 0 else 1.0
        semantic = max(0.0, 1.0 - (best_meaning - hit.dense) / DENSE_SPAN)
        found = Topicality(words[hit.passage.row], hit.dense, 0.5 * lexical + 0.5 * semantic)
        known = out.get(hit.passage.doc_id)
        if known is None or found.score > known.score:
            out[hit.passage.doc_id] = found
    held = {hit.passage.doc_id for hit in hits if hit.passage.row in telling}
    return {doc: replace(t, telling=doc in held) for doc, t in out.items()}


def on_topic_documents(found: dict[str, Topicality], min_topicality: float, min_words: float) -> set[str]:
    """The documents about the question: those nearly as on-topic as the best one, and those that state at least
    as much of the question's information as it does (and at least `min_words` of it), including its most
    informative term, while still near it in meaning. A long guideline's chunk on "what level of reprocessing
    does a colonoscope need" is farther in meaning than a short page about colonoscopy, which the model finds
    closer, yet it alone says "reprocessing": the rarest, most telling word. A chunk sharing "international"
    and "reliable" with "Is the international normalised ratio (INR) reliable?" says neither "normalised" nor
    "INR"."""
    best = max(found.values(), key=lambda t: t.score)
    floor, nearest = max(best.words, min_words), max(t.meaning for t in found.values())
    return {
        doc
        for doc, t in found.items()
        if t.score >= min_topicality * best.score or t.telling and t.words >= floor and t.meaning > nearest - DENSE_SPAN
    }


def weak(found: dict[str, Topicality], min_words: float, min_meaning: float) -> bool:
    """Nothing retrieved shares much of the question's information or its meaning: better to abstain."""
    return not found or (
        max(t.words for t in found.values()) < min_words and max(t.meaning for t in found.values()) < min_meaning
    )
