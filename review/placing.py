"""An editor places one sentence of a passage in the answer's evidence into the answer.

The sentence must be one of the passage's quotable statements (cleaned at ingest, ingest/hygiene.py):
the statement's text is exactly `Passage.statement_text(ordinal)` and its span is that statement's
span in the passage, so the answer stays grounded. It goes where composed statements of its kind go
(guideline → a guideline point, research → a research group, reference → a group titled by its
document) and its document's reference is added, or reused, and renumbered by first use exactly as
after a removal (review.workflow.renumber).
"""

from __future__ import annotations

from index.models import Passage
from qa.models import Answer, Reference, ResearchGroup, Statement
from qa.study import profile
from qa.tables import excerpt, image_links
from review.rules import Conflict, InvalidEdit
from review.store import ReviewStore
from review.workflow import renumber, require_claimed

ADDED_RESEARCH = "Added by the editors"


def quotable(passage: Passage) -> list[tuple[int, tuple[int, int], str]]:
    """(ordinal, span, text as quoted) of every sentence of the passage that can be placed, in order."""
    return [(o, (a, b), passage.statement_text(o) or "") for o, (a, b, _) in sorted(passage.statements.items())]


def find_statement(passage: Passage, span: tuple[int, int]) -> tuple[int, str]:
    """The ordinal and quoted text of the passage's statement at `span`; InvalidEdit when there is none."""
    for ordinal, at, text in quotable(passage):
        if at == tuple(span):
            return ordinal, text
    raise InvalidEdit(f"{list(span)} is not a statement of passage {passage.chunk_id}: place one of its quotable sentences")


def place(
    store: ReviewStore, answer_id: str, version: int, editor: str, passage: Passage, span: tuple[int, int], score: float
) -> Answer:
    """Quote the passage's statement at `span` into the answer (one audited, versioned change).

    `score`: the sentence's relevance to the answer's question (0–1), as composed statements carry."""
    ordinal, text = find_statement(passage, span)
    start, end = span  # a tuple, whatever sequence the caller gave: find_statement found it to be a pair
    span = (start, end)

    def edit(answer: Answer) -> dict:
        require_claimed(answer)
        evidence = next((e for e in answer.evidence if e.chunk_id == passage.chunk_id), None)
        if evidence is None:
            raise InvalidEdit(f"passage {passage.chunk_id} is not in this answer's evidence: pin it first")
        if evidence.text != passage.text:
            raise Conflict(f"passage {passage.chunk_id} changed in the index since it was added: pin it again")
        if any(s.chunk_id == passage.chunk_id and tuple(s.span) == span for s in answer.statements()):
            raise InvalidEdit(f"that sentence of {passage.chunk_id} is already in the answer")
        reference = _reference(answer, passage, span)
        statement = Statement(
            text=text,
            refs=[reference.number],
            chunk_id=passage.chunk_id,
            span=span,
            grade=passage.grades.get(ordinal, (None, 0))[0],
            doc_id=passage.doc_id,
            score=round(min(max(score, 0.0), 1.0), 4),
            table=excerpt(passage),  # a table row is placed as a table statement (one row, its caption and header)
            study=profile(passage.study) if passage.kind == "research" else None,
            source_links=image_links(passage, span),
        )
        where = _insert(answer, passage, statement)
        answer.abstained = False
        renumber(answer)
        return {"placed": text, "chunk_id": passage.chunk_id, "span": list(span), "section": where}

    return store.change(answer_id, version, editor, "statement placed", edit)


def _reference(answer: Answer, passage: Passage, span: tuple[int, int]) -> Reference:
    """The document's reference (a new one gets a number past the others; renumbering orders them)."""
    reference = next((r for r in answer.references if r.doc_id == passage.doc_id), None)
    if reference is None:
        reference = Reference.of(passage, max((r.number for r in answer.references), default=0) + 1)
        answer.references.append(reference)
    reference.cite(passage, span)
    return reference


def _insert(answer: Answer, passage: Passage, statement: Statement) -> str:
    """Append the statement where its kind goes; returns where, for the audit trail."""
    if passage.kind == "guideline":
        answer.guidelines.points.append(statement)
        answer.guidelines.note = None
        return "guideline points"
    if passage.kind == "research":
        section, heading = answer.research, ADDED_RESEARCH
    else:
        section, heading = answer.reference_pages, passage.title or passage.doc_id
    group = next((g for g in section.sections if g.heading == heading), None)
    if group is None:
        group = ResearchGroup(heading=heading, points=[])
        section.sections.append(group)
    group.points.append(statement)
    section.note = None
    return f"{passage.kind}: {heading}"
