"""Placing a pinned passage's sentence on a real answer: grounded at its span, cited on its page, undone by removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.models import Filters
from qa.service import AnswerService
from review import placing, workflow
from review.rules import InvalidEdit
from review.store import ReviewStore


@pytest.fixture()
def claimed(searcher, mini_settings, tmp_path: Path):
    store = ReviewStore(tmp_path / "reviews.sqlite")
    answer = AnswerService(searcher, None, mini_settings).ask("When should clinicians offer naloxone?")
    answer = store.submit(answer, {})
    yield store, workflow.claim(store, answer.answer_id, 1, "erin")
    store.close()


def test_a_paged_guideline_sentence_is_cited_on_its_page_and_removal_undoes_it(claimed, searcher) -> None:
    store, answer = claimed
    have = {e.chunk_id for e in answer.evidence}
    hits = searcher.search("opioid dosage tapering risks", k=40, filters=Filters(kinds=("guideline",)))
    passage = next(h.passage for h in hits if h.passage.chunk_id not in have and h.passage.page and h.passage.statements)
    before = answer.model_copy(deep=True)
    answer = workflow.pin(store, answer.answer_id, answer.review.version, "erin", workflow.pinned_evidence(passage))

    ordinal, (start, end, edits) = next(iter(sorted(passage.statements.items())))
    placed = placing.place(store, answer.answer_id, answer.review.version, "erin", passage, (start, end), 1.7)
    [statement] = [s for s in placed.guidelines.points if s.chunk_id == passage.chunk_id]
    assert statement.text == passage.statement_text(ordinal) and tuple(statement.span) == (start, end)
    assert statement.score == 1.0  # clamped to the contract's 0–1
    [reference] = [r for r in placed.references if r.doc_id == passage.doc_id]
    assert statement.refs == [reference.number] and passage.page in reference.pages
    cited = next(c for c in reference.cited_pages if c.page == passage.page)
    assert (passage.chunk_id, start, end) in [tuple(k) for k in cited.cited_by]
    numbers = []
    for s in placed.statements():
        numbers += [n for n in s.refs if n not in numbers]
    assert numbers == list(range(1, len(numbers) + 1)) == sorted(r.number for r in placed.references)
    assert store.history(answer.answer_id)[-1].action == "statement placed"

    with pytest.raises(InvalidEdit, match="not a statement of passage"):
        placing.place(store, answer.answer_id, placed.review.version, "erin", passage, (start, end - 1), 0.5)

    undone = workflow.remove_statement(store, answer.answer_id, placed.review.version, "erin", passage.chunk_id, (start, end))
    pages = lambda a: [(r.number, r.doc_id, r.pages) for r in a.references]  # noqa: E731
    assert pages(undone) == pages(before)
    assert undone.statements() == before.statements()
