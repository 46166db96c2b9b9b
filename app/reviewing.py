"""Review actions as use cases: what an editor does to a stored answer, over the services the edges hold.

Each is one audited, versioned change (review.workflow); unknown answers, stale versions, others'
claims and bad edits are domain errors the edges translate (api/errors.py, medcite/cli).
"""

from __future__ import annotations

from typing import Literal

from app.services import Services
from core.errors import NotFound
from qa.models import Answer, ReviewStatus
from review import workflow
from review.qrels import to_jsonl, to_trec
from review.rules import Label
from review.store import Event, Summary


class UnknownPassage(NotFound):
    """A chunk id the current index does not hold."""


def queue(services: Services, status: ReviewStatus | None, limit: int, after: tuple[str, str] | None) -> list[Summary]:
    return services.reviews.summaries(status, limit, after)


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


def remove_statement(services: Services, answer_id: str, version: int, editor: str, chunk_id: str, span: tuple[int, int]) -> Answer:
    return workflow.remove_statement(services.reviews, answer_id, version, editor, chunk_id, span)


def pin(services: Services, answer_id: str, version: int, editor: str, chunk_id: str) -> Answer:
    """Add a passage found by search to the answer's evidence."""
    passage = services.searcher().store.passage(chunk_id)
    if passage is None:
        raise UnknownPassage(f"no passage {chunk_id} in the current index")
    return workflow.pin(services.reviews, answer_id, version, editor, workflow.pinned_evidence(passage, passage.text))


def decide(services: Services, answer_id: str, version: int, editor: str, approve: bool, comment: str | None) -> Answer:
    return workflow.decide(services.reviews, answer_id, version, editor, approve, comment)


def export(services: Services, format: Literal["trec", "jsonl"]) -> str:
    """Editor judgments as TREC qrels, or as a JSONL question set the evaluator reads."""
    rows = services.reviews.judgments()
    return to_trec(rows) if format == "trec" else to_jsonl(rows)
