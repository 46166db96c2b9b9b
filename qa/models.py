"""The answer contract of ../shared/answer-format.md, as pydantic models shared by the CLI, API and evaluation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Audience = Literal["clinician", "patient"]
ReviewStatus = Literal["submitted", "under_review", "approved", "rejected"]


class Statement(BaseModel):
    text: str = Field(description="Verbatim sentence from the cited chunk.")
    refs: list[int] = Field(description="Reference numbers; the first is where `span` points.")
    chunk_id: str
    span: tuple[int, int] = Field(description="Character span of `text` in the chunk's text.")
    grade: str | None = Field(None, description="Evidence or recommendation grade the guideline itself states.")
    doc_id: str
    score: float = Field(description="Relevance of the sentence to the question (0–1).")


class GuidelineSection(BaseModel):
    lead: list[Statement] = []
    points: list[Statement] = []
    note: str | None = Field(None, description="Shown instead of statements when no guideline answers.")


class ResearchGroup(BaseModel):
    heading: str
    points: list[Statement]


class ResearchSection(BaseModel):
    sections: list[ResearchGroup] = []
    note: str | None = None


class Reference(BaseModel):
    number: int
    kind: Literal["guideline", "research", "reference"]
    title: str | None
    source: str | None
    year: int | None
    doc_id: str
    locator: str
    url: str | None = None


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
    locator: str
    text: str
    rank: int
    scores: EvidenceScores
    cited: bool = False


class Review(BaseModel):
    status: ReviewStatus = "submitted"
    updated_at: str
    reviewer: str | None = None


class Answer(BaseModel):
    question: str
    understood_as: str
    conversation_id: str | None = None
    audience: Audience = "clinician"
    abstained: bool = False
    guidelines: GuidelineSection
    research: ResearchSection
    reference_pages: ResearchSection = Field(default_factory=ResearchSection, description="Reference-kind sources, only when used.")
    references: list[Reference] = []
    evidence: list[Evidence] = []
    review: Review
    index_version: str
    disclaimer: str = (
        "Drawn verbatim from the indexed guidelines and literature for clinical professionals; "
        "it does not replace clinical judgement or the full source documents."
    )
