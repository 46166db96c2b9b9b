"""Sentence- and section-aware chunking: a pure function from a document to chunks with provenance.

Consecutive blocks with the same section label and page are packed sentence by sentence up to the
target size; the next chunk repeats the trailing sentences that fit in the overlap. A chunk never
spans two sections or two PDF pages, so its section label and page number are always exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

import syntok.segmenter as segmenter

from ingest.models import Block, Chunk, Document, chunk_id_for
from medcite.settings import ChunkSettings

Span = tuple[int, int]


def sentence_spans(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans in `text`, shifted by `offset`; syntok handles "et al.", "p<.001", "Dr." etc."""
    spans: list[Span] = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = [token for token in sentence if token.value]
            if tokens:
                spans.append((offset + tokens[0].offset, offset + tokens[-1].offset + len(tokens[-1].value)))
    return spans


def _split_long(span: Span, text: str, size: int) -> Iterator[Span]:
    """A sentence longer than a chunk (tables flattened to text, lists without stops) cut at spaces."""
    start, end = span
    while end - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        cut = cut if cut > start else start + size
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def _pack(spans: list[Span], settings: ChunkSettings) -> Iterator[list[Span]]:
    current: list[Span] = []
    for span in spans:
        if current and span[1] - current[0][0] > settings.size:
            yield current
            overlap: list[Span] = []
            for previous in reversed(current[1:]):
                if current[-1][1] - previous[0] > settings.overlap:
                    break
                overlap.insert(0, previous)
            current = overlap
        current.append(span)
        while len(current) > 1 and span[1] - current[0][0] > settings.size:
            current.pop(0)  # the overlap plus a long sentence would overflow: give up overlap
    if current:
        yield current


def chunk_document(document: Document, settings: ChunkSettings) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    text = document.text
    for (section, page), group in groupby(document.blocks, key=lambda b: (b.section, b.page)):
        blocks: list[Block] = list(group)
        spans: list[Span] = []
        for block in blocks:
            for span in sentence_spans(text[block.start : block.end], block.start):
                spans.extend(_split_long(span, text, settings.size))
        for packed in _pack(spans, settings):
            start, end = packed[0][0], packed[-1][1]
            chunk_text = text[start:end]
            if len(chunk_text) < settings.min_size:
                continue
            chunk_id = chunk_id_for(document.doc_id, chunk_text)
            if chunk_id in seen:  # repeated boilerplate paragraphs within one document
                continue
            seen.add(chunk_id)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id,
                    doc_id=document.doc_id,
                    ordinal=len(chunks),
                    start=start,
                    end=end,
                    text=chunk_text,
                    section=section,
                    page=page,
                    sentences=tuple((a - start, b - start) for a, b in packed),
                )
            )
    return chunks
