"""The review store on real answers: a change that fails half-way leaves nothing applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.service import AnswerService
from review.store import Conflict, ReviewStore


@pytest.fixture()
def stored(searcher, mini_settings, tmp_path: Path):
    store = ReviewStore(tmp_path / "reviews.sqlite")
    answer = AnswerService(searcher, None, mini_settings).ask("When should clinicians offer naloxone?")
    yield store, store.submit(answer, {"qa": "defaults"})
    store.close()


def test_a_failure_inside_a_change_rolls_everything_back(stored) -> None:
    store, answer = stored
    from review.workflow import claim

    claim(store, answer.answer_id, 1, "erin")
    chunk = answer.evidence[0].chunk_id

    def explode(answer):  # judged, then the process dies before the change completes
        store._db.execute(
            "INSERT INTO judgments VALUES (?,?,?,?,?,?,?)", (answer.answer_id, chunk, "d", "relevant", None, "erin", "t")
        )
        raise RuntimeError("power cut (injected)")

    with pytest.raises(RuntimeError, match="injected"):
        store.change(answer.answer_id, 2, "erin", "judged", explode)
    assert store.get(answer.answer_id).review.version == 2
    assert store.judgments() == [] and [e.action for e in store.history(answer.answer_id)] == ["submitted", "claimed"]


def test_an_edit_that_would_break_the_answer_is_refused(stored) -> None:
    store, answer = stored

    def break_refs(answer):
        answer.guidelines.lead[0].refs = [99]
        return {}

    with pytest.raises(ValueError, match="cites"):
        store.change(answer.answer_id, 1, "erin", "edited", break_refs)
    assert store.get(answer.answer_id).guidelines.lead[0].refs == [1]


def test_two_editors_cannot_both_claim(stored) -> None:
    store, answer = stored
    from review.workflow import claim

    claim(store, answer.answer_id, 1, "erin")
    with pytest.raises(Conflict, match="version 2, not 1"):
        claim(store, answer.answer_id, 1, "omar")
    assert store.get(answer.answer_id).review.reviewer == "erin"
