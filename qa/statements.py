"""Candidate statements: the retrieved passages' quotable sentences, scored for the question.

Sentences, their vectors, grades and which of them are statements (debris dropped, citation markers
cleaned: ingest/hygiene.py) were all computed at ingest; here each statement is only looked up and
scored: how on-topic its document is (qa/relevance.py), and how well the sentence itself answers: its dense
similarity to the question and the question's terms it states.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.models import Hit, Passage
from index.tokenize import tokenize
from ingest.hygiene import apply
from qa.relevance import QuestionTerms, Topicality

CONNECTIVE = re.compile(r"^(however|moreover|furthermore|additionally|in addition|also|similarly|conversely)\b", re.I)
_CLINICIAN_DIRECTED = re.compile(
    r"\b(?:clinicians?|physicians?|providers?|prescribers?|practitioners?|HCP|health[- ]care (?:providers?|personnel)|"
    r"nurses|staff|facilit(?:y|ies))\s+(?:should|must|may|can|need|are (?:advised|encouraged)|(?:also|generally) should)\b",
    re.I,
)
_DESIGN_SECTION = re.compile(
    r"^(abstract: )?(methods?|materials and methods|setting|design|study design|participants|patients|subjects|"
    r"interventions?|measurements|main outcome measures?|data sources|study selection|data extraction)$",
    re.I,
)


@lru_cache(maxsize=1 << 16)
def terms_of(sentence: str) -> frozenset[str]:
    """A sentence's search terms; the same passages come back for related questions, so kept for a while."""
    return frozenset(tokenize(sentence))


def statement_vector(passage: Passage, ordinal: int, vectors: np.ndarray) -> np.ndarray:
    """The statement's meaning from its chunk's sentence vectors: its sentence's, or, for a sentence quoted with
    the one it points back to, the two together (their normalised sum: how the statement reads as a whole, so a
    "They…" close to a question does not rank alone when what it points back to is about something else)."""
    quoted = passage.quoted_sentences(ordinal)
    if len(quoted) == 1:
        return vectors[ordinal]
    summed = vectors[quoted.start : quoted.stop].sum(axis=0)
    return summed / np.linalg.norm(summed)


def term_vector(text: str, dimensions: int) -> np.ndarray:
    """A sentence's terms hashed into a unit vector: what stands for its meaning in a version published
    before its sentence vectors (index/stages.py), so that choosing, merging and grouping statements
    compare wording there (cosine = shared terms) and work unchanged."""
    vector = np.zeros(dimensions, dtype=np.float32)
    for term in terms_of(text) or {text}:
        vector[zlib.crc32(term.encode()) % dimensions] += 1.0
    return vector / np.linalg.norm(vector)


@dataclass(slots=True)
class Candidate:
    hit: Hit
    ordinal: int
    span: tuple[int, int]
    text: str
    vector: np.ndarray
    similarity: float  # the sentence's cosine to the question
    words: float  # share of the question's information (idf-weighted terms) the sentence states
    relevance: float  # the sentence's own answer to the question: mostly meaning, partly words
    topic: float  # how on-topic its document is, relative to the question's best evidence
    score: float  # what ranks statements: topicality, relevance and small editorial preferences
    grade: str | None
    read: str = ""  # how the statement reads to the ranker: a table row with its caption and headers; else `text`

    def __post_init__(self) -> None:
        self.read = self.read or self.text

    @property
    def kind(self) -> str:
        return self.hit.passage.kind


def candidates(
    hits: list[Hit],
    question_vector: np.ndarray,
    sentence_vectors,  # chunk row → per-sentence vectors of that chunk, in order (None: not built yet)
    terms: QuestionTerms,
    topics: dict[str, Topicality],
    similarity_weight: float = 0.8,
    plain_language: bool = False,
) -> list[Candidate]:
    """Every usable sentence of the hits, scored; the same sentence in two overlapping chunks counts once."""
    found: dict[tuple[str, str], Candidate] = {}
    for hit in hits:
        passage = hit.passage
        topic = topics[passage.doc_id].score if passage.doc_id in topics else 0.0
        found_vectors = sentence_vectors(passage.row)
        lexical = found_vectors is None  # no sentence vectors yet: a sentence answers by its words alone
        vectors = np.asarray(found_vectors if not lexical else [], dtype=np.float32)
        for ordinal, (start, end, edits) in passage.statements.items():
            text = apply(passage.text, start, end, edits)
            read = passage.table.read(passage.text) if passage.table else text
            grade = passage.grades.get(ordinal, (None, 0))[0]
            key = (passage.doc_id, text)
            words = terms.match(terms_of(read))
            vector = term_vector(read, len(question_vector)) if lexical else statement_vector(passage, ordinal, vectors)
            similarity = words if lexical else float(vector @ question_vector)
            relevance = similarity_weight * similarity + (1 - similarity_weight) * words
            score = 0.5 * topic + 0.5 * relevance
            if CONNECTIVE.match(text):
                score -= 0.05
            if grade:
                score += 0.05  # a graded recommendation is the guideline's own bottom line
            elif passage.kind == "research" and _DESIGN_SECTION.match(passage.section or ""):
                score -= 0.1  # how a study was run is not what it found
            if plain_language:
                score -= 0.1 * max(0, len(text) - 180) / 180 + 0.05 * (sum(len(w) > 12 for w in text.split()) > 2)
                score -= 0.1 * bool(_CLINICIAN_DIRECTED.search(text))  # "Clinicians should…" speaks past a patient
            if key not in found or found[key].score < score:
                found[key] = Candidate(
                    hit, ordinal, (start, end), text, vector, similarity, words, relevance, topic, score, grade, read
                )
    return sorted(found.values(), key=lambda c: -c.score)


def on_topic(pool: list[Candidate], relative_relevance: float) -> list[Candidate]:
    """Statements (of documents about the question: qa/relevance.py `on_topic_documents`) that answer it nearly
    as well as the best one does. The bar is relative to this question's own evidence, so it means the same for
    a common condition the model knows well and for a new drug it has barely seen."""
    if not pool:
        return []
    bar = relative_relevance * max(c.relevance for c in pool)
    return [c for c in pool if c.relevance >= bar]


def supporting(
    pool: list[Candidate], min_similarity: float, keep_reference: bool = False, telling: str | None = None
) -> list[Candidate]:
    """The pool less research and reference statements not close to the question in their own right, when a
    guideline answers it. The bars of `on_topic` are relative: on an index of guidelines, abstracts and health
    pages, a clinician's guideline question ("How often do we run a spore test on our autoclave?") leaves the
    research that passes them sharing one word with it ("testes", "lysis time tested"). A patient's answer
    keeps its reference pages (`keep_reference`): they are what it leads with. Nor is closeness in meaning
    enough when the statement leaves out the question's most informative term (`telling`): for "What level of
    reprocessing does a colonoscope need between patients?" the model finds "Colonoscopy checks your entire
    colon and rectum" close, but it says nothing of reprocessing."""
    if not any(c.kind == "guideline" for c in pool):
        return pool
    return [
        c
        for c in pool
        if c.kind == "guideline"
        or keep_reference
        and c.kind == "reference"
        or c.similarity >= min_similarity
        and (telling is None or telling in terms_of(c.text))
    ]


def among_own_kind(
    pool: list[Candidate], kind: str, terms: QuestionTerms, similarity_weight: float, lexical: bool = False
) -> list[Candidate]:
    """The pool with the statements of one kind of source scored by `terms` weighed among that kind alone, as in
    an index of that kind only. What ranks a guideline's sentences for the lead then does not shift with the
    research and reference pages indexed beside the guidelines (four dev leads flipped on near-ties when they
    were); what judged the pool as a whole (`on_topic`) keeps the whole index's weights. `lexical`: no sentence
    vectors yet, so a sentence's similarity is its share of the words too (as in `candidates`)."""
    for c in pool:
        if c.kind == kind:
            words = terms.match(terms_of(c.read))
            if lexical:
                c.similarity = words
            relevance = similarity_weight * c.similarity + (1 - similarity_weight) * words
            c.score += 0.5 * (relevance - c.relevance)  # as in `candidates`: half the score is relevance
            c.words, c.relevance = words, relevance
    return sorted(pool, key=lambda c: -c.score)


ALREADY_SHOWN = 0.1  # a follow-up's answer leads with what the conversation has not yet shown


def prefer_new(pool: list[Candidate], shown: set[tuple[str, int, int]]) -> list[Candidate]:
    """The pool with statements earlier turns showed ranked lower (kept: they may still be the answer)."""
    if not shown:
        return pool
    for candidate in pool:
        if (candidate.hit.passage.chunk_id, *candidate.span) in shown:
            candidate.score -= ALREADY_SHOWN
    return sorted(pool, key=lambda c: -c.score)
