"""Chunks keep exact provenance: offsets into the document text, section labels, pages, sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import ChunkSettings
from ingest.chunking import chunk_document, sentence_spans
from ingest.manifest import read_manifest
from ingest.pipeline import checksum, read_source


@pytest.fixture(scope="module")
def sources(mini_corpus: Path):
    results = []
    for entry in read_manifest(mini_corpus / "manifest.jsonl"):
        result = read_source(checksum(entry, mini_corpus), mini_corpus, ChunkSettings())
        assert result.error is None, (entry.path, result.error)
        results.append(result)
    return results


def test_every_chunk_points_at_its_text(sources) -> None:
    total = 0
    for result in sources:
        for document in result.documents:
            for chunk in result.chunks[document.doc_id]:
                assert document.text[chunk.start : chunk.end] == chunk.text
                for start, end in chunk.sentences:
                    assert 0 <= start < end <= len(chunk.text)
                    assert chunk.text[start:end].strip() == chunk.text[start:end]
                total += 1
    assert total > 100


def test_chunks_respect_size_sections_and_pages(sources) -> None:
    settings = ChunkSettings()
    for result in sources:
        for document in result.documents:
            for chunk in result.chunks[document.doc_id]:
                assert settings.min_size <= len(chunk.text) <= settings.size
                inside = [b for b in document.blocks if b.start <= chunk.start and chunk.end <= b.end]
                spanning = [b for b in document.blocks if b.start < chunk.end and chunk.start < b.end]
                assert all((b.section, b.page) == (chunk.section, chunk.page) for b in spanning), chunk.chunk_id
                assert inside or len(spanning) > 1


def test_abstract_sections_are_carried(sources) -> None:
    abstracts = next(r for r in sources if r.entry.format == "jsonl")
    labels = {c.section for chunks in abstracts.chunks.values() for c in chunks}
    assert {"Results", "Conclusions"} <= labels
    document = abstracts.documents[0]
    assert document.doc_id.startswith("PMID:") and document.title is None and document.year


def test_overlap_repeats_trailing_sentences(sources) -> None:
    guideline = next(r for r in sources if r.entry.format == "pdf")
    chunks = guideline.chunks[guideline.documents[0].doc_id]
    overlapping = [(a, b) for a, b in zip(chunks, chunks[1:]) if b.start < a.end]
    assert overlapping, "consecutive chunks in one section should share a sentence"
    for a, b in overlapping:
        assert b.end > a.end and a.end - b.start <= ChunkSettings().overlap + 1


def test_sentence_splitter_keeps_abbreviations_together() -> None:
    text = "Smith et al. reported a 36% reduction (p<.001). Dr. Jones gave 5 mg/kg i.v. twice daily."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Smith et al. reported a 36% reduction (p<.001).",
        "Dr. Jones gave 5 mg/kg i.v. twice daily.",
    ]


def test_a_sentence_longer_than_a_chunk_is_cut_at_spaces(sources) -> None:
    from ingest.models import Document, TextBuilder

    builder = TextBuilder()
    builder.add(" ".join(f"word{i}" for i in range(600)) + ".")
    document = Document("x", "research", builder.text, builder.blocks, "x", "x")
    chunks = chunk_document(document, ChunkSettings(size=500, overlap=50))
    assert len(chunks) >= 9 and all(len(c.text) <= 500 for c in chunks)
    assert chunks[-1].text.endswith("word599.")
    assert all(document.text[c.start : c.end] == c.text for c in chunks)
