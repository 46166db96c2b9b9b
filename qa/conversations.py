"""Conversation turns in SQLite, so that a follow-up can be resolved against what the earlier questions meant.

A turn keeps what follow-ups need, not the answer: the question, what it was understood as, the
stored answer's id in the review store (the one copy of the answer) and the statements it showed,
as (chunk_id, start, end). That record is the turn's `answer_json` column, a few hundred bytes,
written once: the answer is stored before its turn is recorded (qa/service.py), so a turn is never patched.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Self

from core.errors import NotFound
from core.ids import CONVERSATION, new_id
from core.sqlite import Database, utc_now

if TYPE_CHECKING:
    from qa.models import Answer

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    number INTEGER NOT NULL,
    question TEXT NOT NULL,
    understood_as TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, number)
);
"""


class UnknownConversation(NotFound):
    """A conversation id this store never issued (a NotFound, so the edges answer 404)."""


@dataclass(frozen=True)
class Turn:
    number: int
    question: str
    understood_as: str
    answer_json: str  # the turn's record: {"answer_id": …, "shown": [[chunk_id, start, end], …]}
    created_at: str  # ISO-8601, UTC

    @property
    def record(self) -> dict:
        try:
            data = json.loads(self.answer_json)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def answer_id(self) -> str | None:
        value = self.record.get("answer_id")
        return value if isinstance(value, str) else None

    @property
    def shown(self) -> list[tuple[str, int, int]]:
        return [(c, int(a), int(b)) for c, a, b in self.record.get("shown") or []]


def turn_record(answer: Answer) -> str:
    """What a turn keeps of its answer: the stored answer's id and the statements shown."""
    shown = [[s.chunk_id, s.span[0], s.span[1]] for s in answer.statements()]
    return json.dumps({"answer_id": answer.answer_id, "shown": shown}, separators=(",", ":"))


def _now() -> str:  # this file's timestamps are to the millisecond (turn order within a second)
    return utc_now("milliseconds")


class ConversationStore:
    """One SQLite file shared by the app's threads; other processes may open the same file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = Database(self.path, foreign_keys=True)
        try:
            with self._write() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise RuntimeError(f"{self.path} has conversation schema {version}; this knows {SCHEMA_VERSION}")
                for statement in filter(str.strip, SCHEMA.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self._compact(conn)
        except BaseException:
            self._db.close()  # a refused file is not left open
            raise

    def _write(self):  # noqa: ANN202 - a write transaction (core.sqlite)
        return self._db.transaction()

    def new(self) -> str:
        with self._write() as conn:
            while True:  # a 48-bit id collides only in theory, but a collision must not raise
                conversation_id = new_id(CONVERSATION)
                if not self._exists(conn, conversation_id):
                    conn.execute("INSERT INTO conversations (id, created_at) VALUES (?, ?)", (conversation_id, _now()))
                    return conversation_id

    @staticmethod
    def _compact(conn: sqlite3.Connection) -> None:
        """Turns written before answers were stored once held the whole answer: keep only their record."""
        from qa.models import Answer

        rows = conn.execute(
            "SELECT rowid, answer_json FROM turns"
            " WHERE json_valid(answer_json) AND json_type(answer_json, '$.guidelines') IS NOT NULL"
        ).fetchall()
        for rowid, whole in rows:
            conn.execute(
                "UPDATE turns SET answer_json = ? WHERE rowid = ?", (turn_record(Answer.model_validate_json(whole)), rowid)
            )

    def add_turn(self, conversation_id: str, question: str, understood_as: str, answer: Answer | str) -> int:
        """Append a turn and return its number, counted from 1 within the conversation.

        `answer`: the answer shown (its record is kept, see `turn_record`), or a record already made."""
        answer_json = answer if isinstance(answer, str) or answer is None else turn_record(answer)
        with self._write() as conn:
            if not self._exists(conn, conversation_id):
                raise UnknownConversation(f"unknown conversation {conversation_id!r}; start a new one")
            (number,) = conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            conn.execute(
                "INSERT INTO turns (conversation_id, number, question, understood_as, answer_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, number, question, understood_as, answer_json, _now()),
            )
            return number

    def turns(self, conversation_id: str) -> list[Turn]:
        with self._db.read() as conn:
            if not self._exists(conn, conversation_id):
                raise UnknownConversation(f"unknown conversation {conversation_id!r}; start a new one")
            rows = conn.execute(
                "SELECT number, question, understood_as, answer_json, created_at FROM turns"
                " WHERE conversation_id = ? ORDER BY number",
                (conversation_id,),
            ).fetchall()
        return [Turn(*row) for row in rows]

    def history(self, conversation_id: str) -> list[str]:
        """The understood-as questions, oldest first: what follow-up resolution needs."""
        return [turn.understood_as for turn in self.turns(conversation_id)]

    def shown(self, conversation_id: str) -> set[tuple[str, int, int]]:
        """Every statement (chunk_id, start, end) the conversation's turns so far have shown."""
        return {statement for turn in self.turns(conversation_id) for statement in turn.shown}

    def purge(self, before: str) -> int:
        """Delete conversations with no turn since `before` (ISO-8601 UTC); returns how many went."""
        with self._write() as conn:
            old = (
                "SELECT id FROM conversations c"
                " WHERE COALESCE((SELECT MAX(created_at) FROM turns t WHERE t.conversation_id = c.id), c.created_at) < ?"
            )
            conn.execute(f"DELETE FROM turns WHERE conversation_id IN ({old})", (before,))
            return conn.execute(f"DELETE FROM conversations WHERE id IN ({old})", (before,)).rowcount

    def exists(self, conversation_id: str) -> bool:
        with self._db.read() as conn:
            return self._exists(conn, conversation_id)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _exists(conn: sqlite3.Connection, conversation_id: str) -> bool:
        return conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is not None
