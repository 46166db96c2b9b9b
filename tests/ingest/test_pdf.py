"""PDF pages: every chunk's page number is the page its text is printed on; headings become sections."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf

from core.settings import ChunkSettings
from ingest.chunking import chunk_document
from ingest.manifest import ManifestEntry
from ingest.readers.pdf import read_pdf

_WORDS = re.compile(r"[A-Za-z]{4,}")


def _pdf(mini_corpus: Path):
    entry = ManifestEntry(id="g", path="guidelines/opioids-first-pages.pdf", kind="guideline", format="pdf")
    return read_pdf(mini_corpus / entry.path, entry)[0]


def test_chunk_pages_match_the_pdf(mini_corpus: Path) -> None:
    document = _pdf(mini_corpus)
    reader = pypdf.PdfReader(mini_corpus / "guidelines/opioids-first-pages.pdf")
    pages = [set(_WORDS.findall(page.extract_text())) for page in reader.pages]
    chunks = chunk_document(document, ChunkSettings())
    assert {c.page for c in chunks} >= set(range(2, 11))
    unique = 0
    for chunk in chunks:
        words = set(_WORDS.findall(chunk.text))
        assert words <= pages[chunk.page - 1], (chunk.page, words - pages[chunk.page - 1])
        unique += [n for n, page in enumerate(pages, start=1) if words <= page] == [chunk.page]
    # Most chunks' words occur on their page only (the summary is repeated, so not all).
    assert unique >= 0.8 * len(chunks)


def test_pdf_metadata_and_headings(mini_corpus: Path) -> None:
    document = _pdf(mini_corpus)
    assert document.title.startswith("CDC Clinical Practice Guideline for Prescribing Opioids")
    assert document.source == "Centers for Disease Control and Prevention"
    sections = {block.section for block in document.blocks}
    assert "Summary" in sections and "Rationale" in sections
    # Running heads are not text: "MMWR / November 4, 2022 / Vol. 71 / No. 3" would repeat on every page.
    assert document.text.count("US Department of Health and Human Services/Centers for Disease") <= 1
