"""The conversation store on a real SQLite file: round trip, numbering, errors, sharing and concurrency."""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qa.conversations import ConversationStore, Turn, UnknownConversation


@pytest.fixture
def store(tmp_path: Path):
    with ConversationStore(tmp_path / "state" / "conversations.sqlite") as store:
        yield store


def test_round_trip(store: ConversationStore) -> None:
    conversation = store.new()
    assert re.fullmatch(r"c_[0-9a-f]{12}", conversation)
    assert store.exists(conversation) and store.turns(conversation) == [] and store.history(conversation) == []

    assert store.add_turn(conversation, "What is metformin?", "What is metformin?", '{"a": 1}') == 1
    assert store.add_turn(conversation, "its side effects?", "What are the side effects of metformin?", '{"a": 2}') == 2

    turns = store.turns(conversation)
    assert [(t.number, t.question, t.understood_as, t.answer_json) for t in turns] == [
        (1, "What is metformin?", "What is metformin?", '{"a": 1}'),
        (2, "its side effects?", "What are the side effects of metformin?", '{"a": 2}'),
    ]
    assert all(isinstance(t, Turn) for t in turns)
    created = datetime.fromisoformat(turns[0].created_at)
    assert created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=1)
    assert store.history(conversation) == ["What is metformin?", "What are the side effects of metformin?"]


def test_numbering_is_per_conversation(store: ConversationStore) -> None:
    first, second = store.new(), store.new()
    assert first != second
    assert [store.add_turn(first, "q", "q", "{}") for _ in range(3)] == [1, 2, 3]
    assert store.add_turn(second, "q", "q", "{}") == 1
    assert store.add_turn(first, "q", "q", "{}") == 4


def test_unknown_conversation(store: ConversationStore) -> None:
    assert not store.exists("c_000000000000")
    with pytest.raises(UnknownConversation) as raised:
        store.add_turn("c_000000000000", "q", "q", "{}")
    assert isinstance(raised.value, KeyError)
    assert str(raised.value) == "unknown conversation 'c_000000000000'; start a new one"
    with pytest.raises(UnknownConversation):
        store.history("c_000000000000")


def test_a_failed_write_leaves_nothing_behind(store: ConversationStore) -> None:
    conversation = store.new()
    with pytest.raises(sqlite3.IntegrityError):
        store.add_turn(conversation, "q", "q", None)  # type: ignore[arg-type]  # NOT NULL fails after the count
    assert store.turns(conversation) == []
    assert store.add_turn(conversation, "q", "q", "{}") == 1  # the store is usable, no transaction left open


def test_schema_version_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite"
    ConversationStore(path).close()
    ConversationStore(path).close()  # reopening an existing file keeps it
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 2")
    with pytest.raises(RuntimeError, match="schema 2"):
        ConversationStore(path)


def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite"
    with ConversationStore(path) as one, ConversationStore(path) as two:
        conversation = one.new()
        assert two.exists(conversation)
        assert two.add_turn(conversation, "q1", "u1", "{}") == 1
        assert one.add_turn(conversation, "q2", "u2", "{}") == 2
        assert one.history(conversation) == two.history(conversation) == ["u1", "u2"]


def test_concurrent_turns_are_numbered_uniquely(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite"
    with ConversationStore(path) as shared, ConversationStore(path) as other:
        conversation = shared.new()
        numbers: list[int] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def worker(index: int) -> None:
            store = shared if index % 2 else other  # threads on one connection and on a second one, same file
            barrier.wait()
            try:
                for turn in range(10):
                    numbers.append(store.add_turn(conversation, f"q{index}.{turn}", f"u{index}.{turn}", "{}"))
            except BaseException as exc:  # noqa: BLE001 - reported below, a thread cannot fail the test itself
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert sorted(numbers) == list(range(1, 81))
        assert [t.number for t in shared.turns(conversation)] == list(range(1, 81))
