"""Candidate statements: the retrieved passages' sentences, scored for the question, debris dropped.

Sentences, their vectors and their grades were all computed at ingest; here each sentence is only
looked up, filtered and scored: dense similarity to the question plus lexical coverage of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.models import Hit
from index.tokenize import tokenize

_WORD = re.compile(r"[A-Za-z]{2,}")
_CAPTION = re.compile(r"^\s*(fig(ure)?|table|box|panel|appendix|abbreviations?|source|note|keywords?)\b\.?\s*[\dA-Z:]", re.I)
_CITATION = re.compile(r"\bet al\b\.?[^.]{0,40}\b(19|20)\d{2}\b|\bdoi:|https?://|www\.|\b\d+\(\d+\):\d+", re.I)
_REFERENTIAL = re.compile(r"^(this|these|those|that|it|its|they|their|them|such|he|she|both|here|there)\b", re.I)
_CONNECTIVE = re.compile(r"^(however|moreover|furthermore|additionally|in addition|also|thus|therefore|similarly|conversely)\b", re.I)
_TERMINAL = re.compile(r"[.!][)\]”\"']?$")
_BULLET = re.compile(r"^(?:[•\-–*·]|\d{1,2}\.(?=\s)|\(?[a-z\d]\)(?=\s))\s*")  # "•", "8. ", "a) "
_DESIGN_SECTION = re.compile(
    r"^(abstract: )?(methods?|materials and methods|setting|design|study design|participants|patients|subjects|"
    r"interventions?|measurements|main outcome measures?|data sources|study selection|data extraction)$",
    re.I,
)


def is_boilerplate(text: str) -> bool:
    """Headers, captions, reference-list entries, table debris, fragments: not statements."""
    words = _WORD.findall(text)
    if len(text) < 40 or len(text) > 700 or len(words) < 6:
        return True
    if text[0].islower() or text[0] == "(" or text.endswith("?") or not _TERMINAL.search(text):
        return True  # a fragment cut at a page or column break, or a question heading
    if text.isupper() or _CAPTION.match(text) or _CITATION.search(text):
        return True
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    return digits > 0.25 * letters or letters < 0.6 * len(text)  # tables flattened into text


def stands_alone(text: str) -> bool:
    """A sentence that opens by pointing back ("This…", "They…") needs its neighbours to make sense."""
    return not _REFERENTIAL.match(_BULLET.sub("", text))


@dataclass(slots=True)
class Candidate:
    hit: Hit
    ordinal: int
    span: tuple[int, int]
    text: str
    vector: np.ndarray
    similarity: float
    coverage: float
    score: float
    grade: str | None

    @property
    def kind(self) -> str:
        return self.hit.passage.kind


def _coverage(question_terms: set[str], text: str) -> float:
    if not question_terms:
        return 0.0
    return len(question_terms & set(tokenize(text))) / len(question_terms)


def candidates(
    hits: list[Hit],
    question: str,
    question_vector: np.ndarray,
    sentence_vectors,  # (row, question vector) → per-sentence vectors of a chunk, in order
    min_similarity: float = 0.0,
    plain_language: bool = False,
) -> list[Candidate]:
    """Every usable sentence of the hits, scored; the same sentence in two overlapping chunks counts once."""
    terms = set(tokenize(question))
    found: dict[tuple[str, str], Candidate] = {}
    for hit in hits:
        passage = hit.passage
        vectors = sentence_vectors(passage.row)
        for ordinal, (start, end) in enumerate(passage.sentences):
            whole = _BULLET.sub("", passage.text[start:end])
            if is_boilerplate(whole) or not stands_alone(whole):
                continue
            grade, length = passage.grades.get(ordinal, (None, end - start))
            start, end = end - len(whole), start + length  # past the bullet; before the grade label
            text = passage.text[start:end]
            key = (passage.doc_id, text)
            vector = np.asarray(vectors[ordinal], dtype=np.float32)
            similarity = float(vector @ question_vector)
            if similarity < min_similarity:
                continue
            coverage = _coverage(terms, text)
            # Absolute, so one threshold means the same for every question; the passage's fused rank
            # is left out: its scale depends on how many lists were fused, and the sentence's own
            # similarity already says what the passage rank would.
            score = 0.7 * similarity + 0.2 * coverage
            if _CONNECTIVE.match(text):
                score -= 0.05
            if grade:
                score += 0.05  # a graded recommendation is the guideline's own bottom line
            elif passage.kind == "research" and _DESIGN_SECTION.match(passage.section or ""):
                score -= 0.1  # how a study was run is not what it found
            if plain_language:
                score -= 0.1 * max(0, len(text) - 180) / 180 + 0.05 * (sum(len(w) > 12 for w in text.split()) > 2)
            if key not in found or found[key].score < score:
                found[key] = Candidate(hit, ordinal, (start, end), text, vector, similarity, coverage, score, grade)
    return sorted(found.values(), key=lambda c: -c.score)
