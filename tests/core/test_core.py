"""The ground floor: domain errors read plainly and map by kind; the SQLite helper's transactions; stores
opened through it still read files written before it (summary columns added, timestamps as stored)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.documents import DuplicateUpload, UnknownDocument
from core.errors import Conflict, Invalid, NotFound, Unavailable
from core.sqlite import Database, utc_now
from index.build import BuildError
from index.models import IndexNotReady, QueryError
from ingest.models import IngestError
from qa.conversations import ConversationStore, UnknownConversation
from review.rules import ClaimedByOther, InvalidEdit, UnknownAnswer
from review.rules import Conflict as ReviewConflict


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (UnknownAnswer, NotFound),
        (UnknownConversation, NotFound),
        (UnknownDocument, NotFound),
        (QueryError, Invalid),
        (InvalidEdit, Invalid),
        (IngestError, Invalid),
        (ReviewConflict, Conflict),
        (ClaimedByOther, Conflict),
        (BuildError, Conflict),
        (DuplicateUpload, Conflict),
        (IndexNotReady, Unavailable),
    ],
)
def test_every_domain_error_is_of_one_kind(error: type[Exception], kind: type[Exception]) -> None:
    assert issubclass(error, kind)


def test_not_found_reads_plainly_and_is_a_key_error() -> None:
    error = UnknownAnswer("no answer a_1")
    assert str(error) == "no answer a_1" and isinstance(error, KeyError)
    assert str(NotFound()) == "not found"


def test_a_failed_transaction_leaves_nothing_and_the_next_one_works(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite")
    with db.transaction() as conn:
        conn.execute("CREATE TABLE t (v INTEGER)")
    with pytest.raises(RuntimeError), db.transaction() as conn:
        conn.execute("INSERT INTO t VALUES (1)")
        with db.transaction() as inner:  # nested: part of the outer one
            inner.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("boom")
    with db.transaction() as conn:
        conn.execute("INSERT INTO t VALUES (3)")
    assert db.execute("SELECT v FROM t") == [(3,)]
    assert db.execute("PRAGMA journal_mode") == [("wal",)]
    db.close()


def test_timestamps_are_utc_iso() -> None:
    assert utc_now().endswith("+00:00") and len(utc_now("seconds")) == 25 and len(utc_now("milliseconds")) == 29


@pytest.mark.parametrize("dropped", [("question", "audience", "statements", "understood_as"), ("understood_as",)])
def test_a_review_file_from_before_the_summary_columns_opens(stored_file: Path, dropped: tuple[str, ...]) -> None:
    """As the first release wrote it, and as the release before the queue's own understood_as column did."""
    from review.store import ReviewStore

    with sqlite3.connect(stored_file) as conn:
        conn.execute("DROP INDEX IF EXISTS answers_created")
        conn.execute("DROP INDEX IF EXISTS answers_status_created")
        for column in dropped:
            conn.execute(f"ALTER TABLE answers DROP COLUMN {column}")
    store = ReviewStore(stored_file)
    try:
        [summary] = store.summaries()
        assert summary.question == "When should clinicians offer naloxone?" and summary.statements > 0
        assert summary.understood_as == store.get(summary.answer_id).understood_as != ""
        assert [s.answer_id for s in store.summaries(words="NALOXONE")] == [summary.answer_id]
        assert len(summary.created_at) == 25  # seconds, as this table always stored them
    finally:
        store.close()


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "submitted"},
        {"audience": "patient"},
        {"words": "naloxone dose"},
        {"status": "approved", "after": ("2026-01-01T00:00:00+00:00", "a_x")},
    ],
)
def test_a_queue_page_reads_its_rows_from_an_index(stored_file: Path, filters: dict) -> None:
    """A page walks the creation-ordered index and stops at its limit: no sort of the whole table, and no stored
    answer parsed to filter (with 5,000 answers the table-wide page took 98 ms; 0.4 ms from the index)."""
    from review.store import ReviewStore, queue_query

    store = ReviewStore(stored_file)
    try:
        sql, args = queue_query(
            filters.get("status"), 51, filters.get("after"), filters.get("audience"), filters.get("words", "")
        )
        plan = " | ".join(row[-1] for row in store._db.execute("EXPLAIN QUERY PLAN " + sql, args))
        assert "answers_created" in plan or "answers_status_created" in plan, plan
        assert "TEMP B-TREE" not in plan and "json" not in sql.lower(), plan
    finally:
        store.close()


def test_a_conversation_file_keeps_its_millisecond_times(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite"
    with ConversationStore(path) as store:
        conversation = store.new()
        store.add_turn(conversation, "q", "q", "{}")
    with ConversationStore(path) as store:
        [turn] = store.turns(conversation)
        assert len(turn.created_at) == 29


@pytest.fixture()
def stored_file(searcher, mini_settings, tmp_path: Path) -> Path:
    from qa.service import AnswerService
    from review.store import ReviewStore

    path = tmp_path / "reviews.sqlite"
    store = ReviewStore(path)
    store.submit(AnswerService(searcher, None, mini_settings).ask("When should clinicians offer naloxone?"), {})
    store.close()
    return path
