"""Review actions as use cases: what an editor does to a stored answer, over the services the edges hold.

Each is one audited, versioned change (review.workflow); unknown answers, stale versions, others'
claims and bad edits are domain errors the edges translate (api/errors.py, medcite/cli).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from app.services import Services
from core.errors import NotFound
from index.models import Passage, QueryError
from index.search import Searcher
from index.tokenize import tokenize
from qa.models import Answer, Audience, EvidenceScores, ReviewStatus
from qa.statements import statement_vector
from review import placing, workflow
from review.qrels import to_jsonl, to_trec
from review.records import Event, Summary
from review.rules import Label


class UnknownPassage(NotFound):
    """A chunk id the current index does not hold."""


def queue(
    services: Services,
    status: ReviewStatus | None,
    limit: int,
    after: tuple[str, str] | None,
    audience: Audience | None = None,
    words: str = "",
) -> list[Summary]:
    """One page of the queue, filtered by the store (status, audience, words of the question)."""
    return services.reviews.summaries(status, limit, after, audience, words)


def read(services: Services, answer_id: str) -> Answer:
    return services.reviews.get(answer_id)


def history(services: Services, answer_id: str) -> list[Event]:
    return services.reviews.history(answer_id)


def claim(services: Services, answer_id: str, version: int, editor: str, take_over: bool = False) -> Answer:
    return workflow.claim(services.reviews, answer_id, version, editor, take_over)


def release(services: Services, answer_id: str, version: int, editor: str) -> Answer:
    return workflow.release(services.reviews, answer_id, version, editor)


def judge(services: Services, answer_id: str, version: int, editor: str, chunk_id: str, label: Label, note: str | None) -> Answer:
    return workflow.judge(services.reviews, answer_id, version, editor, chunk_id, label, note)


def remove_statement(
    services: Services, answer_id: str, version: int, editor: str, chunk_id: str, span: tuple[int, int]
) -> Answer:
    return workflow.remove_statement(services.reviews, answer_id, version, editor, chunk_id, span)


def pin(services: Services, answer_id: str, version: int, editor: str, chunk_id: str) -> Answer:
    """Add a passage found by search to the answer's evidence, scored for the answer's question."""
    searcher = services.searcher()
    passage = _passage(searcher, chunk_id)
    scores = retrieval_scores(searcher, services.reviews.get(answer_id).understood_as, passage)
    return workflow.pin(services.reviews, answer_id, version, editor, workflow.pinned_evidence(passage, scores))


def place(services: Services, answer_id: str, version: int, editor: str, chunk_id: str, span: tuple[int, int]) -> Answer:
    """Quote one statement of a passage in the answer's evidence into the answer, with its reference."""
    searcher = services.searcher()
    passage = _passage(searcher, chunk_id)
    ordinal, _ = placing.find_statement(passage, span)
    question = searcher.embed_query(services.reviews.get(answer_id).understood_as)
    vectors = searcher.sentence_vectors_of(passage.row)  # None while a first run is still embedding
    score = float(statement_vector(passage, ordinal, vectors) @ question) if vectors is not None else 0.0
    return placing.place(services.reviews, answer_id, version, editor, passage, span, score)


def passage(services: Services, chunk_id: str) -> Passage:
    return _passage(services.searcher(), chunk_id)


def _passage(searcher: Searcher, chunk_id: str) -> Passage:
    found = searcher.store.passage(chunk_id)
    if found is None:
        raise UnknownPassage(f"no passage {chunk_id} in the current index")
    return found


def retrieval_scores(searcher: Searcher, question: str, passage: Passage) -> EvidenceScores:
    """The passage's scores for the question as retrieval gives them: from a search when it ranks the passage
    (fused, BM25 and dense, with each retriever's rank), else its own BM25 score and dense cosine (fused 0)."""
    vector = searcher.embed_query(question)
    try:
        hits = searcher.search(question, k=searcher.settings.max_k, vector=vector)
    except QueryError:
        hits = []
    hit = next((h for h in hits if h.passage.chunk_id == passage.chunk_id), None)
    if hit is not None:
        return EvidenceScores(bm25=hit.bm25, dense=hit.dense, fused=hit.fused, bm25_rank=hit.bm25_rank, dense_rank=hit.dense_rank)
    bm25 = float(searcher.bm25.scores(tokenize(question))[passage.row])
    dense = (
        0.0
        if searcher.dense is None
        # no dense index yet on a first run's keyword-only version
        else (float(searcher.dense.reconstruct_batch(np.asarray([passage.row], dtype=np.int64))[0] @ vector))
    )
    return EvidenceScores(bm25=bm25, dense=dense, fused=0.0)


def decide(services: Services, answer_id: str, version: int, editor: str, approve: bool, comment: str | None) -> Answer:
    return workflow.decide(services.reviews, answer_id, version, editor, approve, comment)


def export(services: Services, format: Literal["trec", "jsonl"]) -> str:
    """Editor judgments as TREC qrels, or as a JSONL question set the evaluator reads."""
    rows = services.reviews.judgments()
    return to_trec(rows) if format == "trec" else to_jsonl(rows)
