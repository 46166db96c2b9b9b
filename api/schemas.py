"""Request and response bodies of the HTTP API (the answer itself is qa.models.Answer)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from index.models import Filters, Hit, Passage
from ingest.design_lexicon import DESIGN_KEYS
from ingest.models import Kind
from qa.models import Answer, Audience, ReviewStatus, StudyProfile
from qa.study import profile

CONVERSATION_ID = r"^c_[0-9a-f]{12}$"
# What the question must hold besides its length, as the server checks it (qa.service, index.search): a letter or
# digit (in any script) once the surrounding whitespace is stripped. Stated in the schema, checked by the server,
# whose messages ("the question is empty", "… has no words …") say which rule failed.
QUESTION_WORD = r"\w"
SEARCH_TEXT = r"\S"


def _json_integer(value: object) -> object:
    # A body is JSON: "3" and true are not integers there, though pydantic's lax mode would take them as 3 and 1.
    if isinstance(value, (str, bool)):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# A study design key (ingest/design_lexicon.DESIGN_KEYS): listed in the schema, checked by index.models.Filters,
# whose 422 names every valid key (a pydantic enum error would be cut short).
Design = Annotated[str, Field(max_length=40, json_schema_extra={"enum": list(DESIGN_KEYS)})]
JsonInt = Annotated[int, BeforeValidator(_json_integer)]  # an integer as the schema says it: 3 or 3.0, never "3"
# The bounds before the validator: so placed they reach the schema as minimum/maximum on `Year | None` too.
Year = Annotated[int, Field(ge=1800, le=2100), BeforeValidator(_json_integer)]


class AskRequest(BaseModel):
    question: str = Field(
        min_length=1,
        max_length=20_000,
        json_schema_extra={"pattern": QUESTION_WORD},
        description="The clinical question: at most the server's limit (max_query_chars) in characters, with a word in it.",
    )
    conversation_id: str | None = Field(None, pattern=CONVERSATION_ID, description="Continue this conversation.")
    kinds: list[Kind] = Field(default_factory=list, max_length=3, description="Only these kinds of source.")
    year_from: Year | None = None
    year_to: Year | None = None
    designs: list[Design] = Field(
        default_factory=list,
        max_length=len(DESIGN_KEYS),
        description="Only research of these study designs (GET /search: `design`, repeated); guidelines and "
        "reference pages are not filtered. An unknown key is a 422 naming the valid ones.",
    )
    audience: Audience = "clinician"

    def filters(self) -> Filters:
        return Filters(
            kinds=tuple(dict.fromkeys(self.kinds)),
            year_from=self.year_from,
            year_to=self.year_to,
            designs=tuple(dict.fromkeys(self.designs)),
        )


class Scores(BaseModel):
    fused: float
    bm25: float
    dense: float
    bm25_rank: int | None
    dense_rank: int | None


class SourceMeta(BaseModel):
    """What identifies a document and where it comes from."""

    doc_id: str
    kind: Kind
    title: str | None
    source: str | None
    year: int | None
    url: str | None
    locator: str


class PassageOut(SourceMeta):
    chunk_id: str
    section: str | None
    page: int | None
    text: str
    start: int = Field(description="Offset of the passage in its document's text.")
    end: int
    study: StudyProfile | None = Field(None, description="A research document's study design, size, year and journal.")

    @classmethod
    def of(cls, p: Passage) -> PassageOut:
        return cls(
            study=profile(p.study),
            chunk_id=p.chunk_id,
            doc_id=p.doc_id,
            kind=p.kind,
            title=p.title,
            source=p.source,
            year=p.year,
            url=p.url,
            locator=p.citation_locator,
            section=p.section,
            page=p.page,
            text=p.text,
            start=p.start,
            end=p.end,
        )


class SearchHit(PassageOut):
    rank: int
    scores: Scores

    @classmethod
    def of_hit(cls, hit: Hit) -> SearchHit:
        scores = Scores(fused=hit.fused, bm25=hit.bm25, dense=hit.dense, bm25_rank=hit.bm25_rank, dense_rank=hit.dense_rank)
        return cls(**PassageOut.of(hit.passage).model_dump(), rank=hit.rank, scores=scores)


class Quotable(BaseModel):
    """A sentence of a passage that can be quoted as a statement: `text` is what is quoted from `span`."""

    span: tuple[int, int]
    text: str
    grade: str | None


class ChunkOut(PassageOut):
    highlight: tuple[int, int] | None = Field(None, description="The cited span within `text`, when asked for.")
    statements: list[Quotable] = Field(default_factory=list, description="The passage's quotable sentences, in order.")

    @staticmethod
    def quotable(p: Passage) -> list[Quotable]:
        return [
            Quotable(span=(a, b), text=p.statement_text(o) or "", grade=p.grades.get(o, (None, 0))[0])
            for o, (a, b, _) in sorted(p.statements.items())
        ]


class Section(BaseModel):
    start: int
    end: int
    section: str | None
    page: int | None


class DocumentOut(SourceMeta):
    mesh: list[str]
    text: str
    sections: list[Section]


class Turn(BaseModel):
    number: int
    question: str
    understood_as: str
    created_at: str
    answer_id: str | None = Field(None, description="The stored answer this turn showed.")
    answer: Answer | None = Field(description="The answer shown; null once retention removed it (or it was never stored).")


class ConversationOut(BaseModel):
    conversation_id: str
    turns: list[Turn]


class QueueItem(BaseModel):
    """A stored answer as the review queue lists it (GET /answers/{answer_id} has the whole answer)."""

    answer_id: str
    question: str
    understood_as: str
    status: ReviewStatus
    audience: Audience
    created_at: str
    updated_at: str
    claimed_by: str | None = Field(description="The editor holding the claim while it is under review.")
    statements: int
    version: int


class QueuePage(BaseModel):
    items: list[QueueItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class Health(BaseModel):
    status: str
    version: str
    model: str
    embedding_backend: str = Field(description="torch | onnx-int8: what the index's vectors, and questions, are embedded with.")
    documents: int
    chunks: int
    sources: int


class PageAnswer(BaseModel):
    conversation_id: str | None
    understood_as: str
    html: str
