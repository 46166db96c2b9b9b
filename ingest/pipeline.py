"""Manifest entries → documents → chunks, one source at a time; bad sources become reasons, not crashes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.settings import ChunkSettings
from ingest.chunking import chunk_document
from ingest.manifest import ManifestEntry, verify_source
from ingest.models import Chunk, Document, IngestError
from ingest.readers.abstracts import read_abstracts
from ingest.readers.registry import READERS


@dataclass(slots=True)
class SourceResult:
    entry: ManifestEntry
    sha256: str | None = None
    documents: list[Document] = field(default_factory=list)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)  # doc_id → its chunks
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def checksum(entry: ManifestEntry, data_dir: Path) -> SourceResult:
    """Verify a source without reading it: enough to tell whether it changed."""
    try:
        _, digest = verify_source(entry, data_dir)
    except IngestError as exc:
        return SourceResult(entry, error=str(exc))
    except OSError as exc:
        return SourceResult(entry, error=f"cannot read file ({exc.strerror or exc})")
    return SourceResult(entry, sha256=digest)


def read_source(result: SourceResult, data_dir: Path, chunking: ChunkSettings) -> SourceResult:
    """Parse and chunk a verified source in place; any failure is recorded as the source's error."""
    entry = result.entry
    path = data_dir / entry.path
    try:
        if entry.format == "jsonl":
            documents = read_abstracts(path, entry, errors=result.warnings)
        else:
            documents = READERS[entry.format](path, entry)
        for document in documents:
            chunks = chunk_document(document, chunking)
            if not chunks:
                result.warnings.append(f"{document.doc_id}: no text long enough to index")
                continue
            result.documents.append(document)
            result.chunks[document.doc_id] = chunks
        if not result.documents:
            raise IngestError("no indexable text")
    except IngestError as exc:
        result.error = str(exc)
        result.documents.clear()
        result.chunks.clear()
    except OSError as exc:
        result.error = f"cannot read file ({exc.strerror or exc})"
    except RecursionError:
        result.error = "document nesting too deep to parse"
    return result
