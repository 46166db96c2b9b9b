"""Asking: the one way a question becomes an answer, for the API, the pages and the CLI alike.

An answer editors approved for the same understood question (same filters and audience) is given
again, marked when the index has changed since; otherwise a new answer is composed and stored for
review. Data flows one way: compose → store → record the conversation's turn, which names the
stored copy's id; nothing is patched afterwards, and no answer is changed in place (copies are).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.services import Services
from index.models import Filters
from qa.conversations import Turn, UnknownConversation
from qa.models import Answer, Audience

REVIEWED_SETTINGS = {"qa", "fusion", "bm25", "chunk", "model_name"}  # stored with each answer, for editors


def review_scope(filters: Filters, audience: Audience) -> str:
    """What an approved answer is valid for besides its question (designs only when filtered: the scopes of
    answers approved before the filter existed stay as they were)."""
    scope = {"kinds": sorted(filters.kinds), "from": filters.year_from, "to": filters.year_to, "audience": audience}
    return json.dumps(scope | ({"designs": sorted(filters.designs)} if filters.designs else {}))


def ask(
    services: Services,
    question: str,
    conversation_id: str | None = None,
    filters: Filters = Filters(),
    audience: Audience = "clinician",
) -> Answer:
    scope = review_scope(filters, audience)
    version = services.searcher().manifest.version
    settings = services.settings.model_dump(mode="json", include=REVIEWED_SETTINGS)

    def approved(understood: str) -> Answer | None:
        found = services.reviews.approved_for(understood, scope)
        if found is None:
            return None
        return found.model_copy(update={"newer_evidence_available": found.index_version != version})

    def store(composed: Answer) -> Answer:  # the one stored copy, with its id: the turn then names it
        return services.reviews.submit(composed, settings, scope)

    return services.answers().ask(question, conversation_id, filters, audience, reuse=approved, keep=store)


@dataclass(frozen=True)
class ShownTurn:
    turn: Turn
    answer: Answer | None  # the stored answer as this conversation showed it; None once retention removed it


def conversation(services: Services, conversation_id: str) -> list[ShownTurn]:
    """A conversation's turns, oldest first, each with the one stored copy of its answer."""
    if not services.conversations.exists(conversation_id):
        raise UnknownConversation(f"no conversation {conversation_id}")
    shown = []
    for turn in services.conversations.turns(conversation_id):
        stored = services.reviews.find(turn.answer_id) if turn.answer_id else None
        if stored is not None:  # an approved answer reused here was first asked elsewhere, maybe in other words
            stored = stored.model_copy(update={"question": turn.question, "conversation_id": conversation_id})
        shown.append(ShownTurn(turn, stored))
    return shown
