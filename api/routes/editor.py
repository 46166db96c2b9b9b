"""Editor-only changes to the index."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from pydantic import BaseModel

from api.auth import Editor
from api.deps import ServicesDep
from api.errors import responses
from app import documents
from ingest.models import Kind
from ingest.uploads import MAX_BYTES

# The token and the body size of an upload are checked before its body is read (api.limits).
router = APIRouter(tags=["editor"], responses=responses(400, 401, 403, 404, 409, 413, 422))


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
    if len(data) > MAX_BYTES:  # within the body limit only by the multipart envelope's allowance
        raise HTTPException(413, f"{file.filename}: the file is over the {MAX_BYTES // (1024 * 1024)} MB limit")
    doc_ids, report = documents.upload(services.settings, data, file.filename or "", kind, title, lambda: services.embedder)
    return IndexChange(
        version=report.version or "", documents=report.documents, chunks=report.chunks, by=who.name, doc_ids=doc_ids
    )


@router.delete("/documents/{doc_id:path}", response_model=IndexChange, summary="Remove a document (editor)")
def remove_document(doc_id: str, services: ServicesDep, who: Editor) -> IndexChange:
    report = documents.set_removed(services.settings, [doc_id], lambda: services.embedder)
    return IndexChange(version=report.version or "", documents=report.documents, chunks=report.chunks, by=who.name)
