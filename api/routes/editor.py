"""Editor-only changes to the index."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from api.auth import Editor
from api.deps import ServicesDep
from index.maintenance import UnknownDocument, set_removed

router = APIRouter(tags=["editor"])


class IndexChange(BaseModel):
    version: str
    documents: int
    chunks: int
    by: str


@router.delete("/documents/{doc_id:path}", response_model=IndexChange, summary="Remove a document (editor)")
def remove_document(doc_id: str, services: ServicesDep, who: Editor) -> IndexChange:
    try:
        report = set_removed(services.settings, [doc_id], lambda: services.embedder)
    except UnknownDocument as exc:
        raise HTTPException(404, str(exc)) from exc
    return IndexChange(version=report.version or "", documents=report.documents, chunks=report.chunks, by=who.name)
