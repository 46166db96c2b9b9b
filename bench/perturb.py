"""How bench/scale_corpus.py makes a new passage out of a real one: its words and vectors, perturbed.

Exact copies would give every term a document frequency that is a multiple of the seed's and every
vector a twin, so BM25's idf and FAISS's clustering would see an unrealistic corpus. Each synthetic
passage is a real chunk with some words dropped and swapped, a few words borrowed from another real
chunk (its "donor"), and, sometimes, its sentences in another order; its vector is the real one plus
a share of the donor's and a little noise, renormalised, so text and vector drift the same way.
Graded guideline sentences stay verbatim: their grade label and quoted span must still hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DROP = 0.10  # share of words dropped from a sentence
SWAP = 0.05  # share of adjacent word pairs swapped
BORROW = 1.0  # mean words borrowed from the donor, per sentence
SHUFFLE = 0.3  # chance a passage's sentences are reordered
DONOR_WEIGHT = 0.25  # share of the donor's vector mixed in
NOISE = 0.015  # per-dimension noise: ~0.96 cosine to the unperturbed vector (384-d)


@dataclass(slots=True)
class Passage:
    text: str
    sentences: list[tuple[int, int]]
    order: list[int]  # seed sentence ordinal of each new sentence
    grades: list[tuple[int, str, int]]
    statements: list[tuple[int, int, int, list]]


def _words(sentence: str, donor: list[str], rng: np.random.Generator) -> str:
    words = sentence.split()
    if len(words) > 4:
        keep = rng.random(len(words)) >= DROP
        words = [w for w, k in zip(words, keep) if k] or words
        for i in np.flatnonzero(rng.random(len(words) - 1) < SWAP):
            words[i], words[i + 1] = words[i + 1], words[i]
    for _ in range(rng.poisson(BORROW) if donor else 0):
        words.insert(int(rng.integers(len(words) + 1)), donor[int(rng.integers(len(donor)))])
    return " ".join(words)


def passage(seed: dict, donor_text: str, graded: bool, rng: np.random.Generator) -> Passage:
    """A perturbed copy of a seed chunk (`text`, `sentences`, `grades`, `statements` as the store keeps them);
    `graded`: keep its graded sentences verbatim and their grades (a guideline copy)."""
    text, spans = seed["text"], seed["sentences"]
    grades = {ordinal: (grade, length) for ordinal, grade, length in seed["grades"]} if graded else {}
    order = list(range(len(spans)))
    if len(order) > 1 and not grades and rng.random() < SHUFFLE:
        order = [int(i) for i in rng.permutation(len(order))]
    donor = donor_text.split()
    statements = {ordinal: (a, b, edits) for ordinal, a, b, edits in seed["statements"]}
    parts, new_spans, new_grades, new_statements, at = [], [], [], [], 0
    for new, old in enumerate(order):
        a, b = spans[old]
        verbatim = old in grades
        sentence = text[a:b] if verbatim else _words(text[a:b], donor, rng)
        new_spans.append((at, at + len(sentence)))
        if verbatim:
            new_grades.append((new, *grades[old]))
            if old in statements:  # the cleaned span and its edits, moved with the sentence
                sa, sb, edits = statements[old]
                shift = at - a
                new_statements.append((new, sa + shift, sb + shift, [[e[0] + shift, e[1] + shift, *e[2:]] for e in edits]))
        elif old in statements:
            new_statements.append((new, at, at + len(sentence), []))
        parts.append(sentence)
        at += len(sentence) + 1
    return Passage(" ".join(parts), new_spans, order, new_grades, new_statements)


def vectors(seed: np.ndarray, donors: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """Rows of `seed` (float32), each mixed with its donor row and noised, renormalised to unit length."""
    out = seed.astype(np.float32, copy=True)
    if donors is not None:
        out += DONOR_WEIGHT * donors.astype(np.float32)
    out += rng.normal(0, NOISE, out.shape).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out
