"""PubMed abstracts as JSON lines: `pmid`, `title?`, `year?`, `mesh?`, `sections[label, text]`."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.manifest import ManifestEntry
from ingest.models import Document, IngestError, TextBuilder
from ingest.readers.text import decode_utf8


def _abstract(record: dict, entry: ManifestEntry) -> Document:
    pmid = str(record.get("pmid") or "").strip()
    if not pmid.isdigit():
        raise ValueError("missing or non-numeric 'pmid'")
    builder = TextBuilder()
    for section in record.get("sections") or []:
        label = (section.get("label") or "").strip() or None
        builder.add(section.get("text") or "", section=label.title() if label and label.isupper() else label)
    if not builder:
        raise ValueError("no section text")
    year = record.get("year")
    return Document(
        doc_id=f"PMID:{pmid}",
        kind=entry.kind,
        text=builder.text,
        blocks=builder.blocks,
        locator=f"PMID:{pmid}",
        path=entry.path,
        source_id=entry.id,
        # The file carries no titles or journals; showing nothing beats inventing one.
        title=(record.get("title") or "").strip() or None,
        source=(record.get("journal") or "").strip() or None,
        year=int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        mesh=tuple(str(term) for term in record.get("mesh") or ()),
    )


def read_abstracts(path: Path, entry: ManifestEntry, errors: list[str] | None = None) -> list[Document]:
    """All good records; a bad line is reported in `errors` (line number and reason), not fatal."""
    text = decode_utf8(path.read_bytes())
    documents: list[Document] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            document = _abstract(record, entry)
        except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
            if errors is not None:
                errors.append(f"line {number}: {exc}")
            continue
        if document.doc_id in seen:
            if errors is not None:
                errors.append(f"line {number}: duplicate {document.doc_id}")
            continue
        seen.add(document.doc_id)
        documents.append(document)
    if not documents:
        raise IngestError("no usable abstracts in file")
    return documents
