"""Bounded storage: one stored copy of each answer, a paged queue of summaries, and retention."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qa.conversations import ConversationStore
from qa.models import Answer
from review.store import ReviewStore


def test_a_conversation_keeps_references_not_answers(fresh_client) -> None:
    client = fresh_client
    first = client.post("/ask", json={"question": "What is the recommended approach to tapering opioids?"}).json()
    follow = client.post("/ask", json={"question": "and in children?", "conversation_id": first["conversation_id"]}).json()
    conversations = client.app.state.services.conversations
    turns = conversations.turns(first["conversation_id"])
    assert [t.answer_id for t in turns] == [first["answer_id"], follow["answer_id"]]
    assert all(len(t.answer_json) < 2000 for t in turns)  # a record, not the answer (tens of kB)
    shown = {(s.chunk_id, *s.span) for s in Answer.model_validate(first).statements()}
    assert shown and shown <= conversations.shown(first["conversation_id"])
    assert conversations.history(first["conversation_id"]) == [first["understood_as"], follow["understood_as"]]

    read = client.get(f"/conversations/{first['conversation_id']}").json()
    assert [t["answer"]["answer_id"] for t in read["turns"]] == [first["answer_id"], follow["answer_id"]]
    assert read["turns"][1]["answer"]["question"] == "and in children?"

    # retention removed the first answer: the turn stays, its answer is null
    reviews: ReviewStore = client.app.state.services.reviews
    _age(reviews, first["answer_id"], days=31)
    assert reviews.purge((datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="seconds")) == 1
    read = client.get(f"/conversations/{first['conversation_id']}").json()
    assert read["turns"][0]["answer"] is None and read["turns"][0]["answer_id"] == first["answer_id"]
    assert read["turns"][1]["answer"]["answer_id"] == follow["answer_id"]


def test_the_queue_is_paged_summaries(fresh_client, bearer) -> None:
    client, editor = fresh_client, bearer("erin", "editor")
    asked = [
        client.post("/ask", json={"question": q}).json()["answer_id"]
        for q in ("naloxone for overdose?", "opioid tapering?", "helicopter intubation?")
    ]
    first = client.get("/answers", params={"limit": 2}, headers=editor).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    item = first["items"][0]
    assert set(item) >= {"answer_id", "question", "status", "audience", "created_at", "updated_at", "claimed_by", "statements"}
    assert "evidence" not in item and item["status"] == "submitted" and item["claimed_by"] is None
    second = client.get("/answers", params={"limit": 2, "cursor": first["next_cursor"]}, headers=editor).json()
    assert second["next_cursor"] is None
    assert sorted(i["answer_id"] for i in first["items"] + second["items"]) == sorted(asked)

    client.post(f"/answers/{asked[0]}/claim", headers=editor, json={"version": 1})
    claimed = client.get("/answers", params={"status": "under_review"}, headers=editor).json()["items"]
    assert [(i["answer_id"], i["claimed_by"]) for i in claimed] == [(asked[0], "erin")]

    for bad in ({"limit": 101}, {"limit": 0}, {"cursor": "not-a-cursor"}, {"cursor": "W10"}):
        response = client.get("/answers", params=bad, headers=editor)
        assert response.status_code == 422 and isinstance(response.json()["detail"], str), (bad, response.text)


def _age(store: ReviewStore, answer_id: str, days: int) -> None:
    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    store._db.execute("UPDATE answers SET created_at = ?, updated_at = ? WHERE answer_id = ?", (when, when, answer_id))


def test_retention_deletes_only_answers_nobody_touched(tmp_path: Path, fresh_client) -> None:
    """On a real SQLite file: old untouched answers go; approved, claimed-then-released, rejected and new ones stay."""
    template = Answer.model_validate(
        fresh_client.post("/ask", json={"question": "When should clinicians offer naloxone?"}).json()
    )
    from review import workflow as act

    store = ReviewStore(tmp_path / "reviews.sqlite")
    ids = {name: store.submit(template, {}).answer_id for name in ("old", "old2", "new", "approved", "released", "rejected")}
    act.claim(store, ids["approved"], 1, "erin")
    act.decide(store, ids["approved"], 2, "erin", True, "ok")
    act.claim(store, ids["released"], 1, "erin")
    act.release(store, ids["released"], 2, "erin")
    act.claim(store, ids["rejected"], 1, "erin")
    act.decide(store, ids["rejected"], 2, "erin", False, "thin")
    for name in ("old", "old2", "approved", "released", "rejected"):
        _age(store, ids[name], days=45)

    cutoff = (datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="seconds")
    assert store.purge(cutoff) == 2
    assert store.purge(cutoff) == 0
    store.close()

    with sqlite3.connect(tmp_path / "reviews.sqlite") as db:
        left = {row[0] for row in db.execute("SELECT answer_id FROM answers")}
        audited = {row[0] for row in db.execute("SELECT DISTINCT answer_id FROM events")}
    assert left == {ids[n] for n in ("new", "approved", "released", "rejected")}
    assert audited == left  # the audit trail of every kept answer is whole; the purged ones had only their submission
    reopened = ReviewStore(tmp_path / "reviews.sqlite")
    assert [e.action for e in reopened.history(ids["approved"])] == ["submitted", "claimed", "approved"]
    reopened.close()


def test_idle_conversations_are_purged(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite"
    with ConversationStore(path) as store:
        old, recent = store.new(), store.new()
        store.add_turn(old, "q", "q", '{"answer_id": "a_1", "shown": [["c1", 0, 5]]}')
        store.add_turn(recent, "q", "q", '{"answer_id": "a_2", "shown": []}')
        past = (datetime.now(UTC) - timedelta(days=40)).isoformat(timespec="milliseconds")
        store._db.execute("UPDATE turns SET created_at = ? WHERE conversation_id = ?", (past, old))
        store._db.execute("UPDATE conversations SET created_at = ?", (past,))
        assert store.shown(old) == {("c1", 0, 5)}
        assert store.purge((datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="milliseconds")) == 1
        assert not store.exists(old) and store.exists(recent)


def test_the_purge_command(tmp_path: Path, fresh_client) -> None:
    from typer.testing import CliRunner

    from medcite.cli import app

    template = Answer.model_validate(
        fresh_client.post("/ask", json={"question": "When should clinicians offer naloxone?"}).json()
    )
    store = ReviewStore(tmp_path / "reviews.sqlite")
    _age(store, store.submit(template, {}).answer_id, days=10)
    store.submit(template, {})
    store.close()
    env = {"MEDCITE_STATE_DIR": str(tmp_path), "MEDCITE_REVIEW__RETENTION_DAYS": "7"}
    result = CliRunner().invoke(app, ["purge"], env=env)
    assert result.exit_code == 0 and "deleted 1 unreviewed answers" in result.output, result.output
