"""The answer contract of ../shared/answer-format.md, as pydantic models shared by the CLI, API and evaluation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from index.models import Passage
from ingest.design_lexicon import DESIGN_KEYS

Audience = Literal["clinician", "patient"]
ReviewStatus = Literal["submitted", "under_review", "approved", "rejected"]


class TableCell(BaseModel):
    text: str = Field(description="The cell exactly as the table has it.")
    span: tuple[int, int] = Field(description="Character span of the cell in its row's chunk text.")


class AnsweringRow(BaseModel):
    chunk_id: str = Field(description="The row's own chunk: every table row is a chunk, citable like a passage.")
    row: int = Field(ge=0, description="0-based position among the table's body rows.")
    cells: list[TableCell]


class TableExcerpt(BaseModel):
    """The rows of one table that answer, with what heads them: shown as a table, never as prose."""

    doc_id: str
    number: int = Field(ge=1, description="The table's number in its document (1, 2, … in reading order).")
    caption: str | None = Field(description="The table's caption or title, as the document has it.")
    header: list[list[str]] = Field(description="Header rows, one list of column headings per row (may be empty).")
    rows: list[AnsweringRow] = Field(description="The answering body rows, in table order.")
    total_rows: int = Field(ge=1, description="Body rows in the whole table (GET /tables/{doc_id}/{number}).")
    page: int | None = None


class StudyProfile(BaseModel):
    """What a research point rests on: its document's study design, how the design is known, size, year and
    journal (found at ingest, ingest/study.py), and the one line the page and the terminal show for it."""

    design: str | None = Field(description=f"Design key, one of {', '.join(DESIGN_KEYS)}; null when not stated.")
    design_label: str | None = Field(description="The design as shown in full, e.g. 'retrospective cohort or chart review'.")
    status: Literal["known", "predicted", "not stated"] = Field(
        description="known: the record's own indexing terms name it; predicted: read from the abstract by the design "
        "model (shown only when confident and backed by the abstract's words); not stated: no design is shown."
    )
    confidence: float | None = Field(None, description="The design model's probability, when predicted.")
    basis: list[str] = Field(
        default_factory=list, description="What backs the design: the indexing terms, or the abstract's own words."
    )
    participants: int | None = Field(None, description="How many took part, as the abstract states it.")
    year: int | None = None
    journal: str | None = None
    line: str = Field(
        description="The compact line shown under the point, e.g. 'Randomised trial · n = 1,204 · 2019 · Journal'; "
        "'(predicted)' follows a predicted design; a design not stated is left out; empty when nothing is known."
    )


class SourceLink(BaseModel):
    """A table or figure the statement names ("(Table 3)") that its source shows only as an image: medcite has
    not read it, so the answer sends the reader to it in the source."""

    label: str = Field(description="As the source labels it, e.g. 'Table 3'.")
    href: str = Field(description="The source page at the image's anchor.")


class Statement(BaseModel):
    text: str = Field(description="Verbatim sentence from the cited chunk.")
    refs: list[int] = Field(description="Reference numbers; the first is where `span` points.")
    chunk_id: str
    span: tuple[int, int] = Field(description="Character span of `text` in the chunk's text.")
    grade: str | None = Field(None, description="Evidence or recommendation grade the guideline itself states.")
    doc_id: str
    score: float = Field(description="Relevance of the sentence to the question (0–1).")
    table: TableExcerpt | None = Field(
        None, description="Set when the statement is rows of a data table: `text` and `span` are its first row's."
    )
    study: StudyProfile | None = Field(
        None, description="A research point's study (its first reference's document); null for other kinds."
    )
    source_links: list[SourceLink] = Field(
        default_factory=list, description="Tables or figures the sentence names that its source shows only as images."
    )


class GuidelineSection(BaseModel):
    lead: list[Statement] = []
    points: list[Statement] = []
    sections: list[ResearchGroup] = Field(
        [], description="The points under the guideline's own section headings, when they fall under several."
    )
    note: str | None = Field(None, description="Shown instead of statements when no guideline answers.")


class ResearchGroup(BaseModel):
    heading: str
    points: list[Statement]


class ResearchSection(BaseModel):
    sections: list[ResearchGroup] = []
    note: str | None = None


class CitedPage(BaseModel):
    """One page of a paged document that the answer cites, and the passage on it that opens."""

    page: int = Field(ge=1)
    chunk_id: str = Field(description="The first cited passage on this page (what its link opens).")
    span: tuple[int, int] = Field(description="The cited sentence's character span in that passage.")
    cited_by: list[tuple[str, int, int]] = Field(
        default_factory=list, description="The statements (chunk_id, start, end) citing this page."
    )


class Reference(BaseModel):
    """One cited document: numbered by first use, with the pages cited when it is paged (a PDF)."""

    number: int
    kind: Literal["guideline", "research", "reference"]
    title: str | None
    source: str | None
    year: int | None
    doc_id: str
    locator: str = Field(description="The document's own locator: PMID:…, doi:…, its URL or its path (no page).")
    url: str | None = None
    pages: list[int] = Field(default_factory=list, description="Pages cited, ascending; empty when not paged.")
    cited_pages: list[CitedPage] = Field(default_factory=list, description="Per cited page, the passage it opens.")

    @model_validator(mode="after")
    def _pages_agree(self) -> Reference:
        if self.pages != sorted(set(self.pages)):
            raise ValueError(f"reference {self.number}: pages {self.pages} must be ascending, each once")
        if self.cited_pages and [p.page for p in self.cited_pages] != self.pages:
            raise ValueError(f"reference {self.number}: cited pages do not match pages {self.pages}")
        return self

    @classmethod
    def of(cls, passage: Passage, number: int) -> Reference:
        """The reference to the passage's document, pages not yet cited."""
        return cls(
            number=number,
            kind=passage.kind,
            title=passage.title,
            source=passage.source,
            year=passage.year,
            doc_id=passage.doc_id,
            locator=passage.locator,
            url=passage.url,
        )

    def cite(self, passage: Passage, span: tuple[int, int], statement: tuple[str, int, int] | None = None) -> None:
        """Record that the sentence at `span` of the passage is cited by `statement` (the (chunk_id, start, end) it
        is shown as; by default that sentence itself): its page, kept ascending, whose link opens the first passage
        cited there. An unpaged document has nothing to record."""
        if passage.page is None:
            return
        statement = statement or (passage.chunk_id, *span)
        cited = next((c for c in self.cited_pages if c.page == passage.page), None)
        if cited is None:
            cited = CitedPage(page=passage.page, chunk_id=passage.chunk_id, span=span)
            self.cited_pages.append(cited)
            self.cited_pages.sort(key=lambda c: c.page)
            self.pages = [c.page for c in self.cited_pages]
        if statement not in cited.cited_by:
            cited.cited_by.append(statement)


class EvidenceScores(BaseModel):
    bm25: float
    dense: float
    fused: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    rerank: float | None = None


class Evidence(BaseModel):
    chunk_id: str
    doc_id: str
    kind: str
    title: str | None
    source: str | None = None
    year: int | None = None
    locator: str
    text: str
    rank: int
    scores: EvidenceScores
    cited: bool = False
    pinned: bool = Field(False, description="Added by an editor from search.")
    study: StudyProfile | None = Field(None, description="A research passage's study design, size, year and journal.")
    judgment: Literal["relevant", "partly", "not_relevant"] | None = None
    note: str | None = None


class Review(BaseModel):
    status: ReviewStatus = "submitted"
    updated_at: str
    reviewer: str | None = None
    version: int = Field(0, description="Bumped by every change; a change must name the version it edits.")
    approved_by: str | None = None
    approved_at: str | None = None
    comment: str | None = None


class Answer(BaseModel):
    answer_id: str | None = Field(None, description="Set once the answer is stored for review.")
    question: str
    understood_as: str = Field(
        description="What was searched for: the question as asked, or after `follow_up_to` when it is a follow-up."
    )
    follow_up_to: str | None = Field(
        None, description="The conversation's earlier question (as searched for) that this follow-up was asked after."
    )
    conversation_id: str | None = None
    audience: Audience = "clinician"
    abstained: bool = False
    guidelines: GuidelineSection
    research: ResearchSection
    reference_pages: ResearchSection = Field(
        default_factory=ResearchSection, description="Reference-kind sources, only when used."
    )
    references: list[Reference] = []
    evidence: list[Evidence] = []
    review: Review
    index_version: str
    newer_evidence_available: bool = Field(False, description="An approved answer from an older index version.")
    index_note: str | None = Field(
        None, description="Set while the index is still being built: what this answer could not use yet (keyword search only…)."
    )
    disclaimer: str = (
        "Drawn verbatim from the indexed guidelines and literature for clinical professionals; "
        "it does not replace clinical judgement or the full source documents."
    )

    def statements(self) -> list[Statement]:
        """Every statement in reading order."""
        found = self.guidelines.lead + self.guidelines.points
        for group in self.guidelines.sections + self.research.sections + self.reference_pages.sections:
            found += group.points
        return found

    @model_validator(mode="after")
    def _references_agree(self) -> Answer:
        """Every number a statement cites is in the reference list, once: fail where an answer is built."""
        numbers = [r.number for r in self.references]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"reference numbers repeat: {numbers}")
        for statement in self.statements():
            missing = sorted(set(statement.refs) - set(numbers))
            if missing or not statement.refs:
                raise ValueError(f"a statement cites {statement.refs}; the reference list has {numbers}")
            if statement.span[0] > statement.span[1]:
                raise ValueError(f"statement span {statement.span} is reversed")
        return self
