"""Asking, and reading conversations back."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.auth import Clinician
from app import asking
from api.deps import ServicesDep
from api.errors import responses
from api.schemas import CONVERSATION_ID, AskRequest, ConversationOut, Turn
from index.models import Filters
from qa.models import Answer

router = APIRouter(tags=["answers"], responses=responses(401, 403, 404, 413, 422))


def answer(services: ServicesDep, body: AskRequest) -> Answer:
    """The answer editors approved for this question (same filters and audience), else a new one stored for review."""
    filters = Filters(kinds=tuple(dict.fromkeys(body.kinds)), year_from=body.year_from, year_to=body.year_to)
    return asking.ask(services, body.question, body.conversation_id, filters, body.audience)


@router.post("/ask", response_model=Answer, summary="Answer a question from the index, with references")
def ask(body: AskRequest, services: ServicesDep, who: Clinician) -> Answer:
    return answer(services, body)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def conversation(conversation_id: str, services: ServicesDep, who: Clinician) -> ConversationOut:
    import re

    if not re.fullmatch(CONVERSATION_ID, conversation_id) or not services.conversations.exists(conversation_id):
        raise HTTPException(404, f"no conversation {conversation_id}")
    turns = []
    for t in services.conversations.turns(conversation_id):
        shown = services.reviews.find(t.answer_id) if t.answer_id else None
        if shown is not None:  # an approved answer reused here was first asked elsewhere, maybe in other words
            shown.question, shown.conversation_id = t.question, conversation_id
        turns.append(Turn(number=t.number, question=t.question, understood_as=t.understood_as, created_at=t.created_at,
                          answer_id=t.answer_id, answer=shown))
    return ConversationOut(conversation_id=conversation_id, turns=turns)
