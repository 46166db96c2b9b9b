"""What readers share: a document identified by its file rather than by a PMID or DOI."""

from __future__ import annotations

from ingest.manifest import ManifestEntry
from ingest.models import Document, TextBuilder


def file_document(entry: ManifestEntry, builder: TextBuilder, title: str | None, source: str | None) -> Document:
    """Id and locator are the file's path; year and URL come from the manifest."""
    return Document(
        doc_id=entry.path,
        kind=entry.kind,
        text=builder.text,
        blocks=builder.blocks,
        locator=entry.path,
        path=entry.path,
        source_id=entry.id,
        title=title or None,
        source=source,
        year=entry.year,
        url=entry.url,
        tables=builder.tables,
    )
