"""Editor-only changes to the index."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from pydantic import BaseModel

from api.auth import Editor
from api.deps import ServicesDep
from index.maintenance import UnknownDocument, add_upload, set_removed
from ingest.models import IngestError, Kind
from ingest.uploads import MAX_BYTES

router = APIRouter(tags=["editor"])


class IndexChange(BaseModel):
    version: str
    documents: int
    chunks: int
    by: str
    doc_ids: list[str] = []


@router.post("/documents", response_model=IndexChange, status_code=201, summary="Add a document by upload (editor)")
def upload_document(
    services: ServicesDep,
    who: Editor,
    file: Annotated[UploadFile, File(description="PDF, HTML, JATS/MedQuAD XML, abstracts JSONL, text or Markdown")],
    kind: Annotated[Kind, Form()],
    title: Annotated[str | None, Form(max_length=500)] = None,
) -> IndexChange:
    data = file.file.read(MAX_BYTES + 1)
    try:
        doc_ids, report = add_upload(services.settings, data, file.filename or "", kind, title, lambda: services.embedder)
    except IngestError as exc:
        raise HTTPException(422, f"{file.filename}: {exc}") from exc
    return IndexChange(
        version=report.version or "", documents=report.documents, chunks=report.chunks, by=who.name, doc_ids=doc_ids
    )


@router.delete("/documents/{doc_id:path}", response_model=IndexChange, summary="Remove a document (editor)")
def remove_document(doc_id: str, services: ServicesDep, who: Editor) -> IndexChange:
    try:
        report = set_removed(services.settings, [doc_id], lambda: services.embedder)
    except UnknownDocument as exc:
        raise HTTPException(404, str(exc)) from exc
    return IndexChange(version=report.version or "", documents=report.documents, chunks=report.chunks, by=who.name)
