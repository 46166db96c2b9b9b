"""Asking, and reading conversations back."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.auth import Clinician
from api.deps import ServicesDep
from api.schemas import CONVERSATION_ID, AskRequest, ConversationOut, Turn
from index.models import Filters
from qa.models import Answer

router = APIRouter(tags=["answers"])


def answer(services: ServicesDep, body: AskRequest) -> Answer:
    """A fresh answer, stored for review; or, when editors approved one for the same question, that one."""
    filters = Filters(kinds=tuple(dict.fromkeys(body.kinds)), year_from=body.year_from, year_to=body.year_to)
    fresh = services.answers().ask(body.question, body.conversation_id, filters, body.audience)
    approved = services.reviews.approved_for(fresh.understood_as) if not filters.active else None
    if approved is not None and approved.audience == fresh.audience:
        approved.question, approved.conversation_id = fresh.question, fresh.conversation_id
        approved.newer_evidence_available = approved.index_version != fresh.index_version
        return approved
    settings = services.settings.model_dump(mode="json", include={"qa", "fusion", "bm25", "chunk", "model_name"})
    return services.reviews.submit(fresh, settings)


@router.post("/ask", response_model=Answer, summary="Answer a question from the index, with references")
def ask(body: AskRequest, services: ServicesDep, who: Clinician) -> Answer:
    return answer(services, body)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def conversation(conversation_id: str, services: ServicesDep, who: Clinician) -> ConversationOut:
    import re

    if not re.fullmatch(CONVERSATION_ID, conversation_id) or not services.conversations.exists(conversation_id):
        raise HTTPException(404, f"no conversation {conversation_id}")
    turns = [
        Turn(number=t.number, question=t.question, understood_as=t.understood_as, created_at=t.created_at,
             answer=Answer.model_validate_json(t.answer_json))
        for t in services.conversations.turns(conversation_id)
    ]
    return ConversationOut(conversation_id=conversation_id, turns=turns)
