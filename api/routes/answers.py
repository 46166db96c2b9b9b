"""Asking, and reading conversations back: thin over app.asking (the CLI's ask is the same use case)."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import Clinician
from api.contract import check_length
from api.deps import ServicesDep
from api.errors import responses
from api.schemas import AskRequest, ConversationOut, Turn
from app import asking
from qa.models import Answer

router = APIRouter(tags=["answers"], responses=responses(400, 401, 403, 404, 413, 422))


@router.post("/ask", response_model=Answer, summary="Answer a question from the index, with references")
def ask(body: AskRequest, services: ServicesDep, who: Clinician) -> Answer:
    """The answer editors approved for this question (same filters and audience), else a new one stored for review."""
    question = check_length(body.question, services.settings)
    return asking.ask(services, question, body.conversation_id, body.filters(), body.audience)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def conversation(conversation_id: str, services: ServicesDep, who: Clinician) -> ConversationOut:
    turns = [
        Turn(
            number=s.turn.number,
            question=s.turn.question,
            understood_as=s.turn.understood_as,
            created_at=s.turn.created_at,
            answer_id=s.turn.answer_id,
            answer=s.answer,
        )
        for s in asking.conversation(services, conversation_id)
    ]
    return ConversationOut(conversation_id=conversation_id, turns=turns)
