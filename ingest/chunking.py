"""Sentence- and section-aware chunking: a pure function from a document to chunks with provenance.

Consecutive blocks with the same section label and page are packed sentence by sentence up to the
target size; the next chunk repeats the trailing sentences that fit in the overlap. A chunk never
spans two sections or two PDF pages, so its section label and page number are always exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import groupby

import syntok.segmenter as segmenter

from core.settings import ChunkSettings
from ingest.grades import find_grade
from ingest.hygiene import list_items, statements
from ingest.models import TITLE_SECTION, Block, Chunk, Document, TableRow, chunk_id_for
from ingest.tables import Table

Span = tuple[int, int]


_PAREN_STOP = re.compile(r"(?<=\)\.)\s+(?=[A-Z])")
_CITATION_HEAD = re.compile(r"\((?:\d+(?:[–-]\d+)?,?\s*)+\)[.;]?")


def sentence_spans(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans in `text`, shifted by `offset`; syntok handles "et al.", "p<.001", "Dr." etc."""
    spans: list[Span] = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = [token for token in sentence if token.value]
            if tokens:
                spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
    spans = _join_broken(text, _join_semicolons(text, _reattach_citations(text, spans)))
    spans = [part for span in spans for part in _split_after_parenthesis(text, span)]
    spans = [part for span in spans for part in _split_after_link(text, span)]
    spans = [item for a, b in spans for item in list_items(text, a, b)]
    return [(offset + a, offset + b) for a, b in spans]


def _split_after_parenthesis(text: str, span: Span) -> Iterator[Span]:
    """syntok misses "…(220,221). Some patients…": a closing parenthesis, a stop and a capital end a sentence."""
    start, end = span
    for match in _PAREN_STOP.finditer(text, start, end):
        yield start, match.start()
        start = match.end()
    yield start, end


# "…on the Merck website at http://www.merckvaccines.com/PCHRecall.pdf. Additional information…": syntok reads the
# link and its full stop as one token, so the sentences after it ran on into one (and that one, holding a link,
# was never quoted).
_LINK_STOP = re.compile(r"(?:https?://|www\.)\S*?\.(?=\s+[A-Z])")


def _split_after_link(text: str, span: Span) -> Iterator[Span]:
    start, end = span
    for match in _LINK_STOP.finditer(text, start, end):
        cut = match.end()
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    yield start, end


_STOPS = ".!?:;)]\"”"
_ACRONYM = re.compile(r"[A-Z][\w-]*[A-Z]")  # "PRP-OMP", "HBsAg", "FDA": a name, not only a sentence's first word


def _join_broken(text: str, spans: list[Span]) -> list[Span]:
    """A paragraph break inside a sentence (a web page's markup): the part without a closing stop and the rest
    are one sentence. The rest opens in lower case ("…does not expect to resume\n\ndistribution of these vaccines
    until…"), or with a name when the part is a few words left after another sentence ("…(6,7). Failure to use\n\n
    PRP-OMP vaccines for the first dose is associated with excess cases…": alone, the rest says the opposite)."""
    joined: list[Span] = []
    for start, end in spans:
        if (
            joined
            and text[joined[-1][1] - 1] not in _STOPS
            and text[joined[-1][1] : start].isspace()
            and (text[start : start + 1].islower() or _cut_before_name(text, joined[-1], (start, end)))
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _cut_before_name(text: str, part: Span, rest: Span) -> bool:
    """`part` is a few words following a sentence on its line, and `rest` a whole sentence opening with a name:
    not a heading (it would open its line) nor a list (its items have no closing stop)."""
    before = part[0]
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    return (
        len(text[part[0] : part[1]].split()) <= 5
        and before > 0
        and text[before - 1] in ".!?)"
        and bool(_ACRONYM.match(text, rest[0]))
        and text[rest[1] - 1] in ".!?"
    )


def _reattach_citations(text: str, spans: list[Span]) -> list[Span]:
    """syntok breaks "…tapering) (220,221). Some patients…" before the citation; move it back.

    The numeric citation group ends the previous sentence, and what follows it starts the next.
    """
    fixed: list[Span] = []
    for start, end in spans:
        match = _CITATION_HEAD.match(text, start)
        if fixed and match and text[fixed[-1][1] : start].isspace() | (fixed[-1][1] == start):
            fixed[-1] = (fixed[-1][0], match.end())
            rest = match.end()
            while rest < end and text[rest].isspace():
                rest += 1
            if rest < end:
                fixed.append((rest, end))
        else:
            fixed.append((start, end))
    return fixed


def _join_semicolons(text: str, spans: list[Span]) -> list[Span]:
    """syntok ends a sentence at "; " before a capital: "…prior to placement; HCP receive repeat testing…". A
    semicolon joins two clauses of one statement, and the first alone reads as a fragment. (A list whose items
    end in semicolons keeps its bullets, and list_items splits at those afterwards.)"""
    joined: list[Span] = []
    for start, end in spans:
        if joined and text[joined[-1][1] - 1] == ";" and text[joined[-1][1] : start].isspace():
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


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


def _grades(text: str, sentences: tuple[Span, ...]) -> tuple[tuple[int, str, int], ...]:
    """(ordinal, grade, length without the label) of each graded sentence. A label standing alone, as GRADE boxes set
    it under the recommendation ("… every adult. (Strong recommendation, moderate-certainty evidence)", with or
    without brackets), grades the sentence before it."""
    found: dict[int, tuple[str, int]] = {}
    for ordinal, (start, end) in enumerate(sentences):
        sentence = text[start:end]
        grade = find_grade(sentence)
        if grade is None and "recommendation" in sentence.lower():  # a strength-and-certainty label without brackets
            grade = find_grade(f"({sentence.rstrip(' .;,')})")
        if grade is None:
            continue
        label, length = grade
        if length:
            found[ordinal] = grade
        elif ordinal and ordinal - 1 not in found:
            before = sentences[ordinal - 1]
            found[ordinal - 1] = (label, before[1] - before[0])
    return tuple((ordinal, label, length) for ordinal, (label, length) in sorted(found.items()))


def _table_rows(document: Document, table: Table, section: str | None, first: int) -> Iterator[Chunk]:
    """One chunk per body row: quoted whole as its one statement, never split or cleaned like prose."""
    header = tuple(tuple(document.text[a:b] for a, b in row) for row in table.header)
    for number, cells in enumerate(table.rows):
        start, end = table.row_span(number)
        text = document.text[start:end]
        yield Chunk(
            chunk_id=chunk_id_for(document.doc_id, f"table {table.number} row {number}\x00{text}"),
            doc_id=document.doc_id,
            ordinal=first + number,
            start=start,
            end=end,
            text=text,
            section=section,
            page=table.page,
            sentences=((0, len(text)),),
            statements=((0, 0, len(text), ()),),
            table=TableRow(
                table.number, number, table.caption, header, tuple((a - start, b - start) for a, b in cells), len(table.rows)
            ),
        )


def chunk_document(document: Document, settings: ChunkSettings) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    text = document.text
    tables = {t.number: t for t in document.tables}
    for (section, page, table), group in groupby(document.blocks, key=lambda b: (b.section, b.page, b.table)):
        if table is not None:
            chunks += _table_rows(document, tables[table], section, len(chunks))
            continue
        blocks: list[Block] = list(group)
        spans: list[Span] = []
        for block in blocks:
            for span in sentence_spans(text[block.start : block.end], block.start):
                spans.extend(_split_long(span, text, settings.size))
        for packed in _pack(spans, settings):
            start, end = packed[0][0], packed[-1][1]
            chunk_text = text[start:end]
            if len(chunk_text) < settings.min_size and section != TITLE_SECTION:
                continue  # debris; a short title is still what a title-only record has to offer
            chunk_id = chunk_id_for(document.doc_id, chunk_text)
            if chunk_id in seen:  # repeated boilerplate paragraphs within one document
                continue
            seen.add(chunk_id)
            sentences = tuple((a - start, b - start) for a, b in packed)
            grades = _grades(chunk_text, sentences) if document.kind == "guideline" else ()
            quotable = statements(chunk_text, sentences, section, {o: sentences[o][0] + length for o, _, length in grades})
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
                    sentences=sentences,
                    grades=grades,
                    statements=quotable,
                )
            )
    return chunks
