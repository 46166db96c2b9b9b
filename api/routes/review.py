"""Editor review: the queue, claiming, judging evidence, editing, approving; history and qrels export."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, StrictBool

from api.auth import Clinician, Editor
from api.deps import ServicesDep
from api.errors import responses
from api.schemas import JsonInt, QueueItem, QueuePage
from app import reviewing
from qa.models import Answer, Audience, ReviewStatus
from review.records import Event
from review.rules import Label

# A cursor names the last item of the previous page, `<created_at>~<answer_id>`: any string of this form is a
# position in the queue's order (newest first), so the pattern is the whole of what the server checks.
CURSOR = r"^[0-9][0-9:.+TZ-]{9,39}~[A-Za-z0-9_-]{1,64}$"

# Unknown answers (404), stale versions, illegal transitions and others' claims (409) and bad edits (422)
# reach the client through api.errors' table.
router = APIRouter(tags=["review"], responses=responses(400, 401, 403, 404, 409, 413, 422))


def _position(cursor: str) -> tuple[str, str]:
    """The (created_at, answer_id) a cursor names: CURSOR admits exactly one "~"."""
    created_at, answer_id = cursor.rsplit("~", 1)
    return created_at, answer_id


class Versioned(BaseModel):
    version: JsonInt = Field(ge=1, description="The answer version this change was made against (stale → 409).")


class ClaimIn(Versioned):
    take_over: StrictBool = Field(False, description="Take the answer over from the editor who claimed it (audited).")


class Decision(Versioned):
    comment: str | None = Field(None, max_length=4000)


class JudgmentIn(Versioned):
    chunk_id: str = Field(min_length=1, max_length=64)
    label: Label
    note: str | None = Field(None, max_length=4000)


class StatementRef(Versioned):
    chunk_id: str = Field(min_length=1, max_length=64)
    span: tuple[JsonInt, JsonInt]


class PinIn(Versioned):
    chunk_id: str = Field(min_length=1, max_length=64)


@router.get("/answers", response_model=QueuePage, summary="The review queue, newest first, a page of summaries (editor)")
def queue(
    services: ServicesDep,
    who: Editor,
    status: ReviewStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[
        str | None, Query(max_length=200, pattern=CURSOR, description="`next_cursor` of the previous page.")
    ] = None,
    audience: Audience | None = None,
    q: Annotated[str, Query(max_length=200, description="Words that must all be in the question (any case).")] = "",
) -> QueuePage:
    """Filtered on the server; the cursor pages through the filtered queue (pass the same filters)."""
    found = reviewing.queue(services, status, limit + 1, _position(cursor) if cursor else None, audience, q)
    page = found[:limit]
    more = len(found) > limit
    return QueuePage(
        items=[QueueItem(**asdict(s)) for s in page],
        next_cursor=f"{page[-1].created_at}~{page[-1].answer_id}" if more else None,
    )


@router.get("/answers/{answer_id}", response_model=Answer, summary="One stored answer (approved ones: anyone)")
def read(answer_id: str, services: ServicesDep, who: Clinician) -> Answer:
    answer = reviewing.read(services, answer_id)
    if answer.review.status != "approved" and who.role != "editor":
        raise HTTPException(403, "only approved answers are readable without the editor role")
    return answer


@router.post("/answers/{answer_id}/claim", response_model=Answer)
def claim(answer_id: str, body: ClaimIn, services: ServicesDep, who: Editor) -> Answer:
    return reviewing.claim(services, answer_id, body.version, who.name, body.take_over)


@router.post("/answers/{answer_id}/release", response_model=Answer)
def release(answer_id: str, body: Versioned, services: ServicesDep, who: Editor) -> Answer:
    return reviewing.release(services, answer_id, body.version, who.name)


@router.post("/answers/{answer_id}/judgments", response_model=Answer)
def judge(answer_id: str, body: JudgmentIn, services: ServicesDep, who: Editor) -> Answer:
    return reviewing.judge(services, answer_id, body.version, who.name, body.chunk_id, body.label, body.note)


@router.post("/answers/{answer_id}/statements/remove", response_model=Answer)
def remove_statement(answer_id: str, body: StatementRef, services: ServicesDep, who: Editor) -> Answer:
    return reviewing.remove_statement(services, answer_id, body.version, who.name, body.chunk_id, body.span)


@router.post(
    "/answers/{answer_id}/statements/place",
    response_model=Answer,
    summary="Place one statement of a passage in the evidence (e.g. a pinned one) into the answer, with its reference",
)
def place_statement(answer_id: str, body: StatementRef, services: ServicesDep, who: Editor) -> Answer:
    """`span` is one of the passage's quotable statements (GET /chunks/{chunk_id} lists them); it is quoted
    verbatim as a guideline point, a research point or a reference-page point by the passage's kind."""
    return reviewing.place(services, answer_id, body.version, who.name, body.chunk_id, body.span)


@router.post("/answers/{answer_id}/evidence", response_model=Answer, summary="Pin a passage from search as evidence")
def pin(answer_id: str, body: PinIn, services: ServicesDep, who: Editor) -> Answer:
    return reviewing.pin(services, answer_id, body.version, who.name, body.chunk_id)


# Two routes, not one `/{decision}`: a catch-all segment would also take POST /answers/{id}/history (and any
# other word) and answer 422 where an undeclared method must get 405.
@router.post("/answers/{answer_id}/approve", response_model=Answer, summary="Approve the answer (editor)")
def approve(answer_id: str, body: Decision, services: ServicesDep, who: Editor) -> Answer:
    return reviewing.decide(services, answer_id, body.version, who.name, True, body.comment)


@router.post("/answers/{answer_id}/reject", response_model=Answer, summary="Reject the answer (editor)")
def reject(answer_id: str, body: Decision, services: ServicesDep, who: Editor) -> Answer:
    return reviewing.decide(services, answer_id, body.version, who.name, False, body.comment)


@router.get("/answers/{answer_id}/history", response_model=list[Event])
def history(answer_id: str, services: ServicesDep, who: Editor) -> list[Event]:
    return reviewing.history(services, answer_id)


@router.get(
    "/judgments/export",
    summary="Editor judgments as TREC qrels or as a JSONL question set",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}},
            "description": "TREC qrels (format=trec) or one JSON question per line (format=jsonl)",
        }
    },
)
def export(services: ServicesDep, who: Editor, format: Literal["trec", "jsonl"] = "trec") -> PlainTextResponse:
    media_type = "text/plain" if format == "trec" else "application/x-ndjson"
    return PlainTextResponse(reviewing.export(services, format), media_type=media_type)
