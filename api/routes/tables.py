"""A whole data table, as a table statement's "show whole table" link opens it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api.auth import Clinician
from api.deps import ServicesDep
from api.errors import responses

router = APIRouter(tags=["passages"], responses=responses(400, 401, 403, 404, 413, 422))


class TableOut(BaseModel):
    """Every cell is quoted exactly; the spans point into the document's text (GET /documents/{doc_id})."""

    doc_id: str
    number: int = Field(description="1, 2, … in the document's reading order.")
    title: str | None = Field(description="The document's title.")
    caption: str | None
    page: int | None
    header: list[list[str]] = Field(description="Header rows of column headings (may be empty).")
    rows: list[list[str]] = Field(description="Every body row's cells.")
    row_chunks: list[str] = Field(description="Each body row's chunk id (GET /chunks/{chunk_id}).")
    footnotes: list[str]
    span: tuple[int, int] = Field(description="The table's span in the document text.")


@router.get("/tables", response_model=TableOut, summary="A document's data table, whole")
def table(
    services: ServicesDep,
    who: Clinician,
    doc_id: Annotated[str, Query(min_length=1, max_length=2_000, description="The document's id.")],
    number: Annotated[int, Query(ge=1, le=100_000, description="The table's number in the document.")],
) -> TableOut:
    store = services.searcher().store
    found = store.table(doc_id, number)
    if found is None:
        raise HTTPException(404, f"no table {number} in document {doc_id} of the current index")
    table, text = found
    record = store.document(doc_id) or {}
    cells = lambda rows: [[text[a:b] for a, b in row] for row in rows]  # noqa: E731
    return TableOut(
        doc_id=doc_id,
        number=number,
        title=record.get("title"),
        caption=table.caption,
        page=table.page,
        header=cells(table.header),
        rows=cells(table.rows),
        row_chunks=store.table_rows(doc_id, number),
        footnotes=[text[a:b] for a, b in table.footnotes],
        span=(table.start, table.end),
    )
