"""Reading the shared corpus's files in reader tests: the data dir, a manifest entry for a file, and the checks every
document a reader makes must pass."""

from __future__ import annotations

from pathlib import Path

from ingest.manifest import ManifestEntry
from ingest.models import Document

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def entry(path: str, fmt: str, kind: str = "research", **extra: object) -> ManifestEntry:
    return ManifestEntry(id=Path(path).stem, path=path, kind=kind, format=fmt, **extra)


def only(documents: list[Document]) -> Document:
    assert len(documents) == 1
    return documents[0]


def assert_spans(doc: Document) -> None:
    """Blocks lie inside the text, in order, without overlap, and each covers real text."""
    assert doc.blocks
    previous_end = 0
    for block in doc.blocks:
        assert previous_end <= block.start < block.end <= len(doc.text)
        span = doc.text[block.start : block.end]
        assert span.strip() and span == span.strip()
        previous_end = block.end


def sections(doc: Document) -> set[str | None]:
    return {block.section for block in doc.blocks}
