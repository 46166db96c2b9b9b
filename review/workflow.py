"""What an editor can do to a stored answer, each as one audited, versioned change."""

from __future__ import annotations

from ingest.tables import CELL_SEPARATOR
from qa.models import Answer, Evidence, EvidenceScores, Reference, ReviewStatus, Statement
from qa.study import profile
from review.records import Judgment
from review.rules import Conflict, InvalidEdit, Label
from review.store import ReviewStore, now


def claim(store: ReviewStore, answer_id: str, version: int, editor: str, take_over: bool = False) -> Answer:
    def edit(answer: Answer) -> dict:
        answer.review.reviewer = editor
        return {"reviewer": editor}

    return store.change(answer_id, version, editor, "claimed", edit, to="under_review", take_over=take_over)


def release(store: ReviewStore, answer_id: str, version: int, editor: str) -> Answer:
    def edit(answer: Answer) -> dict:
        answer.review.reviewer = None
        return {"reviewer": None}

    return store.change(answer_id, version, editor, "released", edit, to="submitted")


def decide(store: ReviewStore, answer_id: str, version: int, editor: str, approve: bool, comment: str | None) -> Answer:
    def edit(answer: Answer) -> dict:
        answer.review.comment = comment
        answer.review.approved_by = editor if approve else None
        answer.review.approved_at = now() if approve else None
        return {"comment": comment, "approved_by": answer.review.approved_by}

    to: ReviewStatus = "approved" if approve else "rejected"
    return store.change(answer_id, version, editor, to, edit, to=to)


def judge(store: ReviewStore, answer_id: str, version: int, editor: str, chunk_id: str, label: Label, note: str | None) -> Answer:
    """Label a passage of the answer's evidence; the label is also filed for the qrels export."""

    def edit(answer: Answer) -> dict:
        evidence = next((e for e in answer.evidence if e.chunk_id == chunk_id), None)
        if evidence is None:
            raise InvalidEdit(f"passage {chunk_id} is not in this answer's evidence")
        if answer.review.status != "under_review":
            raise Conflict(f"judge evidence after claiming the answer (it is {answer.review.status})")
        evidence.judgment, evidence.note = label, note
        return {"chunk_id": chunk_id, "judgment": label, "note": note}

    return store.change(answer_id, version, editor, "judged", edit, judgment=Judgment(chunk_id, label, note))


def remove_statement(
    store: ReviewStore, answer_id: str, version: int, editor: str, chunk_id: str, span: tuple[int, int]
) -> Answer:
    def edit(answer: Answer) -> dict:
        require_claimed(answer)
        removed = _remove(answer, chunk_id, tuple(span))
        renumber(answer)
        return {"removed": removed.text, "chunk_id": chunk_id, "span": list(span)}

    return store.change(answer_id, version, editor, "statement removed", edit)


def pin(store: ReviewStore, answer_id: str, version: int, editor: str, evidence: Evidence) -> Answer:
    def edit(answer: Answer) -> dict:
        require_claimed(answer)
        if any(e.chunk_id == evidence.chunk_id for e in answer.evidence):
            raise InvalidEdit(f"passage {evidence.chunk_id} is already in the evidence")
        evidence.rank = len(answer.evidence) + 1
        evidence.pinned = True
        answer.evidence.append(evidence)
        return {"pinned": evidence.chunk_id}

    return store.change(answer_id, version, editor, "evidence pinned", edit)


def pinned_evidence(passage, scores: EvidenceScores | None = None) -> Evidence:
    """A passage found by search, as evidence an editor adds, with its retrieval scores for the answer's
    question when the caller computed them (app.reviewing does)."""
    return Evidence(
        chunk_id=passage.chunk_id,
        doc_id=passage.doc_id,
        kind=passage.kind,
        title=passage.title,
        source=passage.source,
        year=passage.year,
        locator=passage.citation_locator,
        text=passage.text,
        rank=0,
        scores=scores or EvidenceScores(bm25=0.0, dense=0.0, fused=0.0),
        study=profile(passage.study),
    )


def require_claimed(answer: Answer) -> None:
    if answer.review.status != "under_review":
        raise Conflict(f"edit the answer after claiming it (it is {answer.review.status})")


def _remove(answer: Answer, chunk_id: str, span: tuple[int, ...]) -> Statement:
    lists = [answer.guidelines.lead, answer.guidelines.points]
    lists += [g.points for g in answer.guidelines.sections + answer.research.sections + answer.reference_pages.sections]
    for statements in lists:
        for i, s in enumerate(statements):
            rows = s.table.rows if s.table else []
            row = next((r for r in rows if r.chunk_id == chunk_id and (r.cells[0].span[0], r.cells[-1].span[1]) == span), None)
            if row is not None and len(rows) > 1:  # one row of several goes; the table stays, led by its first row
                assert s.table is not None  # the rows are its table's
                kept = [r for r in rows if r is not row]
                first = kept[0]
                statements[i] = s.model_copy(
                    update={
                        "table": s.table.model_copy(update={"rows": kept}),
                        "chunk_id": first.chunk_id,
                        "span": (first.cells[0].span[0], first.cells[-1].span[1]),
                        "text": CELL_SEPARATOR.join(c.text for c in first.cells if c.text),
                    }
                )
                return s.model_copy(update={"text": CELL_SEPARATOR.join(c.text for c in row.cells if c.text)})
            if s.chunk_id == chunk_id and tuple(s.span) == span:
                return statements.pop(i)
    raise InvalidEdit(f"no statement from {chunk_id} at {list(span)} in this answer")


def renumber(answer: Answer) -> None:
    """References renumbered by first use after a statement goes or is placed; unused ones are dropped."""
    answer.guidelines.sections = [g for g in answer.guidelines.sections if g.points]
    answer.research.sections = [g for g in answer.research.sections if g.points]
    answer.reference_pages.sections = [g for g in answer.reference_pages.sections if g.points]
    old = {r.number: r for r in answer.references}
    mapping: dict[int, int] = {}
    for statement in answer.statements():
        for n in statement.refs:
            mapping.setdefault(n, len(mapping) + 1)
        statement.refs = [mapping[n] for n in statement.refs]
    answer.references = [_still_cited(old[n], new, answer) for n, new in sorted(mapping.items(), key=lambda x: x[1])]
    cited = {s.chunk_id for s in answer.statements()}
    for evidence in answer.evidence:
        evidence.cited = evidence.chunk_id in cited


def _still_cited(ref: Reference, number: int, answer: Answer) -> Reference:
    """The reference renumbered, keeping only the pages a remaining statement citing it still cites."""
    live = {(s.chunk_id, *s.span) for s in answer.statements() if number in s.refs}
    cited = [c for c in ref.cited_pages if not c.cited_by or any(tuple(k) in live for k in c.cited_by)]
    update: dict = {"number": number}
    if ref.cited_pages:
        update |= {"cited_pages": cited, "pages": [c.page for c in cited]}
    return Reference.model_validate(ref.model_dump() | update)
