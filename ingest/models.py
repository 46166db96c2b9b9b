"""The records that leave `ingest`: documents with provenance, and the chunks cut from them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.errors import Invalid
from core.kinds import KINDS, Kind  # noqa: F401 - re-exported: ingest's records name their kind
from ingest.tables import RawTable, Table, is_data_table, lay_out, row_context

# The section label of a block that holds a document's title as its text (title-only records).
TITLE_SECTION = "Title"


class IngestError(Invalid):
    """A source that cannot be read; the message is the reason, shown next to the file name."""


@dataclass(frozen=True, slots=True)
class Block:
    """A contiguous span of a document's text under one section label (and on one PDF page)."""

    start: int
    end: int
    section: str | None = None
    page: int | None = None
    table: int | None = None  # the number of the data table this block lays out (ingest/tables.py)


@dataclass(frozen=True, slots=True)
class SourceImage:
    """A table, figure or box the source shows only as an image (ingest/readers/html_images.py): its label
    ("Table 3") and its anchor in the source page, so that a statement naming it can link to it."""

    label: str
    anchor: str


@dataclass(slots=True)
class Document:
    doc_id: str
    kind: Kind
    text: str
    blocks: list[Block]
    locator: str
    path: str
    source_id: str = ""
    title: str | None = None
    source: str | None = None  # issuer (guidelines, reference pages) or journal (research)
    year: int | None = None
    url: str | None = None
    mesh: tuple[str, ...] = ()
    tables: list[Table] = field(default_factory=list)
    # What an indexer or publisher says the document is (MeSH headings, publication types, article types):
    # its design label is read from these (ingest/design_labels.py), never from its keywords.
    index_terms: tuple[str, ...] = ()
    images: tuple[SourceImage, ...] = ()  # labelled tables and figures shown only as images


@dataclass(frozen=True, slots=True)
class TableRow:
    """Where a chunk that is one body row of a data table sits: which table and row, what heads it."""

    table: int  # Table.number
    row: int  # 0-based body row
    caption: str | None
    header: tuple[tuple[str, ...], ...]  # the header rows' cell texts
    cells: tuple[tuple[int, int], ...]  # each cell's span in the chunk text
    rows: int  # body rows in the whole table

    def read(self, chunk_text: str) -> str:
        """The row as search and the model read it (ingest/tables.row_context)."""
        return row_context(self.caption, [list(h) for h in self.header], [chunk_text[a:b] for a, b in self.cells])

    def to_json(self) -> dict:
        return {
            "table": self.table,
            "row": self.row,
            "caption": self.caption,
            "header": self.header,
            "cells": self.cells,
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> TableRow | None:
        if not data:
            return None
        return cls(
            data["table"],
            data["row"],
            data.get("caption"),
            tuple(tuple(h) for h in data["header"]),
            tuple(tuple(c) for c in data["cells"]),
            data["rows"],
        )


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str
    section: str | None
    page: int | None
    # Sentence spans relative to the chunk text, found once at ingest so answers need not re-split.
    sentences: tuple[tuple[int, int], ...] = ()
    # (sentence ordinal, grade the guideline states, sentence length without the grade label)
    grades: tuple[tuple[int, str, int], ...] = ()
    # The sentences that can be quoted, cleaned: (ordinal, start, end, edits) as ingest/hygiene.py makes them.
    statements: tuple = ()
    table: TableRow | None = None  # set when the chunk is one row of a data table

    @property
    def embedded_text(self) -> str:
        """What the model and BM25 read for the chunk's one sentence when it is a table row (its caption and
        headers with it); the chunk text otherwise."""
        return self.table.read(self.text) if self.table else self.text

    @property
    def embedded_sentences(self) -> list[tuple[int, int]]:
        """Sentence spans in `embedded_text`."""
        return [(0, len(self.embedded_text))] if self.table else list(self.sentences)

    @property
    def vector_sentences(self) -> frozenset[int]:
        return vector_sentences(self.sentences, self.statements, self.grades, len(self.embedded_sentences))


def quoted_range(sentences: Sequence[Sequence[int]], ordinal: int, start: int) -> range:
    """The ordinals of the sentences the statement keyed `ordinal` (starting at `start`) quotes: its own, and those
    before it when it opens by pointing back ("They…") and is quoted with them (ingest/hygiene.py)."""
    first = ordinal
    while first > 0 and start < sentences[first][0]:
        first -= 1
    return range(first, ordinal + 1)


def vector_sentences(
    sentences: Sequence[Sequence[int]], statements: Iterable[Sequence], grades: Iterable[Sequence], embedded: int
) -> frozenset[int]:
    """The ordinals of a chunk's sentences whose vectors an answer reads: each statement's with the sentences it is
    quoted with, and each graded sentence, of the `embedded` the chunk has vectors for (a table row has one). The
    others (headings, debris, reference lists) are never quoted, so their vectors are never made (index/build.py)."""
    read = {int(grade[0]) for grade in grades}
    for ordinal, start, *_ in statements:
        read.update(quoted_range(sentences, ordinal, start))
    return frozenset(o for o in read if o < embedded)


def searchable_text(chunk_text: str, title: str | None) -> str:
    """What BM25 and the dense model see for a chunk: its document's title, then the chunk.

    A passage rarely names its paper's subject in every sentence ("Patients receiving it had…");
    the title does, so each chunk carries it into the index. Shown and cited text stays the chunk's.
    """
    title = (title or "").strip()
    if not title or chunk_text.startswith(title):
        return chunk_text
    return f"{title}\n{chunk_text}"


def chunk_id_for(doc_id: str, text: str) -> str:
    """Content-addressed: the same text in the same document always gets the same id."""
    return hashlib.sha256(f"{doc_id}\x00{text}".encode()).hexdigest()[:20]


_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\s*\n\s*\n\s*")
_LINE_BREAKS = re.compile(r" ?\n ?")


def clean_text(text: str, keep_lines: bool = False) -> str:
    """Collapse layout whitespace; paragraphs become one blank line, soft line breaks a space."""
    text = text.replace("\x00", "")
    text = _SPACES.sub(" ", text)
    paragraphs = _BLANK_LINES.split(text)
    if keep_lines:
        paragraphs = [_LINE_BREAKS.sub("\n", p).strip() for p in paragraphs]
    else:
        paragraphs = [_LINE_BREAKS.sub(" ", p).strip() for p in paragraphs]
    return "\n\n".join(p for p in paragraphs if p)


@dataclass
class TextBuilder:
    """Concatenates blocks of text into one document text while recording each block's span."""

    separator: str = "\n\n"
    _parts: list[str] = field(default_factory=list)
    _length: int = 0
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def add(self, text: str, section: str | None = None, page: int | None = None, keep_lines: bool = False) -> None:
        text = clean_text(text, keep_lines=keep_lines)
        if not text:
            return
        start = self._start()
        self._parts.append(text)
        self._length += len(text)
        self.blocks.append(Block(start, self._length, section, page))

    def _start(self) -> int:
        """Where the next block starts, after the separator from the one before."""
        if self._parts:
            self._parts.append(self.separator)
            self._length += len(self.separator)
        return self._length

    def add_table(self, raw: RawTable, section: str | None = None, page: int | None = None) -> Table | None:
        """Lay out a data table as one block (ingest/tables.py); None, and nothing added, when it is layout."""
        raw = raw.cleaned()
        if not is_data_table(raw):
            return None
        start = self._start()
        text, spans = lay_out(raw, start)
        self._parts.append(text)
        self._length += len(text)
        table = Table(
            len(self.tables) + 1,
            raw.caption,
            spans["caption"],
            tuple(map(tuple, spans["header"])),
            tuple(map(tuple, spans["rows"])),
            tuple(spans["footnotes"]),
            page,
            start,
            self._length,
        )
        self.tables.append(table)
        self.blocks.append(Block(start, self._length, raw.caption or section, page, table.number))
        return table

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def __bool__(self) -> bool:
        return bool(self._parts)
