"""Search, and the exact text behind a citation: chunks and whole documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.auth import Clinician
from api.contract import check_length
from api.deps import ServicesDep
from api.errors import responses
from api.schemas import (
    SEARCH_TEXT,
    ChunkOut,
    Design,
    DocumentOut,
    PassageOut,
    SearchHit,
    Section,
)
from index.models import Filters, Mode
from ingest.design_lexicon import DESIGN_KEYS
from ingest.models import Kind

router = APIRouter(tags=["passages"], responses=responses(400, 401, 403, 404, 413, 422))


@router.get("/search", response_model=list[SearchHit], summary="Ranked passages with BM25, dense and fused scores")
def search(
    services: ServicesDep,
    who: Clinician,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=20_000,
            json_schema_extra={"pattern": SEARCH_TEXT},
            description="What to look for: at most the server's limit (max_query_chars) in characters, not only spaces.",
        ),
    ],
    k: Annotated[int, Query(ge=1, le=200)] = 10,
    mode: Mode = "hybrid",
    kind: Annotated[list[Kind], Query(max_length=3)] = [],  # noqa: B006 - FastAPI copies defaults
    year_from: Annotated[int | None, Query(ge=1800, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1800, le=2100)] = None,
    design: Annotated[
        list[Design],
        Query(max_length=len(DESIGN_KEYS), description="Only research of this study design; repeatable. Other kinds pass."),
    ] = [],  # noqa: B006 - FastAPI copies defaults
) -> list[SearchHit]:
    filters = Filters(tuple(dict.fromkeys(kind)), year_from, year_to, tuple(dict.fromkeys(design)))
    hits = services.searcher().search(check_length(q, services.settings), k=k, mode=mode, filters=filters)
    return [SearchHit.of_hit(h) for h in hits]


@router.get("/chunks/{chunk_id}", response_model=ChunkOut, summary="A passage, with the cited span if given")
def chunk(
    chunk_id: str,
    services: ServicesDep,
    who: Clinician,
    span: Annotated[str | None, Query(pattern=r"^\d{1,7},\d{1,7}$", description="start,end within the passage")] = None,
) -> ChunkOut:
    passage = services.searcher().store.passage(chunk_id)
    if passage is None:
        raise HTTPException(404, f"no passage {chunk_id} in the current index")
    highlight = None
    if span:
        start, end = (int(x) for x in span.split(","))
        if not 0 <= start <= end <= len(passage.text):
            raise HTTPException(422, f"span {span} is outside the passage (length {len(passage.text)})")
        highlight = (start, end)
    return ChunkOut(**PassageOut.of(passage).model_dump(), highlight=highlight, statements=ChunkOut.quotable(passage))


@router.get("/documents/{doc_id:path}", response_model=DocumentOut, summary="A whole document's text and metadata")
def document(doc_id: str, services: ServicesDep, who: Clinician) -> DocumentOut:
    record = services.searcher().store.document(doc_id)
    if record is None:
        raise HTTPException(404, f"no document {doc_id} in the current index")
    sections = [Section(start=b[0], end=b[1], section=b[2], page=b[3]) for b in record["blocks"]]
    return DocumentOut(
        doc_id=record["doc_id"],
        kind=record["kind"],
        title=record["title"],
        source=record["source"],
        year=record["year"],
        url=record["url"],
        locator=record["locator"],
        mesh=record["mesh"],
        text=record["text"],
        sections=sections,
    )
