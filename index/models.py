"""Records that leave `index`: search filters, hits with every score, and the version manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from core.errors import Invalid, Unavailable
from ingest.design_lexicon import DESIGN_KEYS
from ingest.hygiene import apply
from ingest.models import Kind, SourceImage, TableRow, quoted_range

if TYPE_CHECKING:
    from ingest.study import Study

Mode = Literal["bm25", "dense", "hybrid"]
# What a version's vectors cover. A progressive first build publishes "pending" (store and BM25 only: keyword
# search), then "chunks" (dense passage search), then "complete" (sentence vectors too); see index/stages.py.
Vectors = Literal["pending", "chunks", "complete"]
STAGES: tuple[Vectors, ...] = ("pending", "chunks", "complete")

# Bumped whenever the files of a version or the way text is read and split change, so older indexes are rebuilt.
# 14: labels of tables and figures a page shows only as images; 13: research studies (design, participants);
# 12: data tables, a chunk per body row; 11: a colon left over from a section label is not quoted; 10: a sentence
# that points back is quoted with the one before it
INDEX_FORMAT = 14


class IndexNotReady(Unavailable):
    """The index is missing, unreadable or cannot answer; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Filters:
    kinds: tuple[Kind, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    # Research documents of these study designs only (ingest/design_lexicon.DESIGN_KEYS); other kinds pass.
    designs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [d for d in self.designs if d not in DESIGN_KEYS]
        if unknown:
            raise QueryError(f"unknown study design {unknown[0]!r}: use one of {', '.join(DESIGN_KEYS)}")

    @property
    def active(self) -> bool:
        return bool(self.kinds) or self.year_from is not None or self.year_to is not None or bool(self.designs)


@dataclass(slots=True)
class Passage:
    """A chunk with the metadata of its document: what a hit, an API or a citation shows."""

    row: int
    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    section: str | None
    page: int | None
    sentences: list[tuple[int, int]]
    grades: dict[int, tuple[str, int]]  # sentence ordinal → (grade, length without the grade label)
    kind: Kind
    title: str | None
    source: str | None
    year: int | None
    url: str | None
    locator: str
    path: str
    mesh: list[str] = field(default_factory=list)
    # sentence ordinal → (start, end, edits) of the quotable ones, cleaned at ingest (ingest/hygiene.py)
    statements: dict[int, tuple[int, int, tuple[tuple[int, int, str], ...]]] = field(default_factory=dict)
    table: TableRow | None = None  # set when the chunk is one body row of a data table
    study: Study | None = None  # a research document's design, participants, year and journal (ingest/study.py)
    images: tuple[SourceImage, ...] = ()  # its document's tables and figures shown only as images, by label

    def quoted_sentences(self, ordinal: int) -> range:
        """The ordinals of the sentences the statement keyed `ordinal` quotes: its own, and those before it when it
        opens by pointing back ("They…") and is quoted with them (ingest/hygiene.py)."""
        return quoted_range(self.sentences, ordinal, self.statements[ordinal][0])

    def statement_text(self, ordinal: int) -> str | None:
        """The sentence as quoted: its span with citation markers and layout removed; None when not quotable."""
        found = self.statements.get(ordinal)
        return apply(self.text, *found) if found else None

    @property
    def citation_locator(self) -> str:
        """PMID/DOI as they are; a file gets its page: guide.pdf#page=4."""
        if self.page is not None and self.locator == self.path:
            return f"{self.path}#page={self.page}"
        return self.locator


@dataclass(slots=True)
class Hit:
    passage: Passage
    rank: int
    fused: float
    bm25: float
    dense: float
    bm25_rank: int | None  # None: outside that retriever's candidate list
    dense_rank: int | None


class IndexManifest(BaseModel):
    version: str
    format: int = 1
    created_at: str
    model_name: str
    embedding_backend: str = "torch"  # index/embedding.py BACKENDS; versions from before backends were torch
    dimensions: int
    corpus_hash: str
    documents: int
    chunks: int
    sources: int
    index_type: str
    chunk_settings: dict
    bm25_settings: dict
    removed: list[str] = []
    skipped: list[tuple[str, str]] = []  # (file, reason) for sources that could not be read
    vectors: Vectors = "complete"  # versions from before progressive builds were complete


class QueryError(Invalid, ValueError):
    """A search request that cannot be served as asked (empty, too long, k too large)."""
