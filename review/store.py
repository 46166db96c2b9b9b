"""Stored answers under review: status, versions, judgments and an append-only audit trail, in SQLite.

Every change is one SQLite transaction that checks the answer's version first (optimistic
concurrency: a stale edit is refused, never merged), applies the change, bumps the version and
appends an audit event with the state before and after. A crash mid-way leaves nothing applied.

Storage stays bounded: the queue is read as summaries (question, status, audience, statement
count are columns of their own), and `purge` deletes answers nobody ever touched once they are
older than the retention period. Approved answers and every editor's audit events are kept.
Timestamps in this file are ISO 8601 UTC to the second.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from core.ids import ANSWER, new_id
from core.sqlite import Database, utc_now
from qa.models import Answer, ReviewStatus
from review.records import Event, Judgment, Summary
from review.rules import (  # noqa: F401 - the errors and vocabulary are re-exported for the store's callers
    GRADE,
    TRANSITIONS,
    ClaimedByOther,
    Conflict,
    InvalidEdit,
    Label,
    UnknownAnswer,
    legacy_question_key,
    question_key,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY, question_key TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,
    reviewer TEXT, answer TEXT NOT NULL, settings TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS answers_status ON answers (status);
CREATE INDEX IF NOT EXISTS answers_question ON answers (question_key, status);
CREATE TABLE IF NOT EXISTS judgments (
    answer_id TEXT NOT NULL, chunk_id TEXT NOT NULL, doc_id TEXT NOT NULL, label TEXT NOT NULL, note TEXT,
    editor TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (answer_id, chunk_id));
CREATE TABLE IF NOT EXISTS events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, version INTEGER NOT NULL, before TEXT, after TEXT);
CREATE INDEX IF NOT EXISTS events_answer ON events (answer_id, event_id);
CREATE INDEX IF NOT EXISTS answers_created ON answers (created_at, answer_id);
CREATE INDEX IF NOT EXISTS answers_status_created ON answers (status, created_at, answer_id);
"""
# Summary columns added after the first release; filled from the stored answer on open.
SUMMARY_COLUMNS = {"question": "TEXT", "audience": "TEXT", "statements": "INTEGER", "understood_as": "TEXT"}
# The queue is read newest first from the (created_at, answer_id) indexes: a page reads its own rows, never each
# stored answer in the table (with 5,000 answers a page took 98 ms, parsing every one for its understood question).


def now() -> str:
    return utc_now("seconds")


def _summary_fields(answer: Answer) -> tuple[str, str, int, str]:
    return answer.question, answer.audience, len(answer.statements()), answer.understood_as


def queue_query(status: str | None, limit: int, after: tuple[str, str] | None, audience: str | None, words: str):
    """The SQL and its arguments for one page of the queue (ReviewStore.summaries)."""
    sql = (
        "SELECT answer_id, question, understood_as, status, audience, created_at, updated_at,"
        " CASE WHEN status = 'under_review' THEN reviewer END, statements, version FROM answers WHERE 1 = 1"
    )
    args: list = []
    if status:
        sql, args = sql + " AND status = ?", [*args, status]
    if audience:
        sql, args = sql + " AND audience = ?", [*args, audience]
    for word in words.lower().split()[:10]:
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql += " AND (lower(question) LIKE ? ESCAPE '\\' OR lower(understood_as) LIKE ? ESCAPE '\\')"
        args += [like, like]
    if after is not None:
        sql, args = sql + " AND (created_at, answer_id) < (?, ?)", [*args, *after]
    return sql + " ORDER BY created_at DESC, answer_id DESC LIMIT ?", [*args, limit]


class ReviewStore:
    def __init__(self, path: Path) -> None:
        self._db = Database(path)
        try:
            with self._db.transaction() as db:
                for statement in filter(str.strip, SCHEMA.split(";")):
                    db.execute(statement)
                self._add_summary_columns(db)
        except BaseException:
            self._db.close()
            raise

    @staticmethod
    def _add_summary_columns(db: sqlite3.Connection) -> None:
        present = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
        for name, kind in SUMMARY_COLUMNS.items():
            if name not in present:
                db.execute(f"ALTER TABLE answers ADD COLUMN {name} {kind}")
        missing = " OR ".join(f"{name} IS NULL" for name in SUMMARY_COLUMNS)
        for answer_id, stored in db.execute(f"SELECT answer_id, answer FROM answers WHERE {missing}").fetchall():
            db.execute(
                "UPDATE answers SET question = ?, audience = ?, statements = ?, understood_as = ? WHERE answer_id = ?",
                (*_summary_fields(Answer.model_validate_json(stored)), answer_id),
            )

    def submit(self, answer: Answer, settings: dict, scope: str = "") -> Answer:
        """Store a freshly composed answer as `submitted`; returns it with its id.

        `scope` (filters, audience) is part of the question's identity: an answer approved for a
        research-only or patient question is never given for the plain clinician question.
        """
        answer = answer.model_copy(deep=True)
        answer.answer_id = new_id(ANSWER)
        answer.review.status, answer.review.version = "submitted", 1
        created = answer.review.updated_at
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO answers (answer_id, question_key, status, version, reviewer, answer, settings, created_at,"
                " updated_at, question, audience, statements, understood_as) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    answer.answer_id,
                    question_key(answer.understood_as, scope),
                    "submitted",
                    1,
                    None,
                    answer.model_dump_json(),
                    json.dumps(settings),
                    created,
                    created,
                    *_summary_fields(answer),
                ),
            )
            self._event(db, answer.answer_id, "system", "submitted", 1, None, {"status": "submitted"})
        return answer

    def get(self, answer_id: str) -> Answer:
        rows = self._db.execute("SELECT answer FROM answers WHERE answer_id = ?", (answer_id,))
        if not rows:
            raise UnknownAnswer(f"no answer {answer_id}")
        return Answer.model_validate_json(rows[0][0])

    def find(self, answer_id: str) -> Answer | None:
        """The stored answer, or None when it was never stored or retention removed it."""
        try:
            return self.get(answer_id)
        except UnknownAnswer:
            return None

    def summaries(
        self,
        status: ReviewStatus | None = None,
        limit: int = 50,
        after: tuple[str, str] | None = None,
        audience: str | None = None,
        words: str = "",
    ) -> list[Summary]:
        """The queue, newest first, one page: `after` is the (created_at, answer_id) the previous page ended on.

        Filtered here, not on the page: by status, audience, and `words` (every word in the question or in
        what it was understood as, any case). Ordered by creation (never changes), so paging neither skips
        nor repeats an answer edited meanwhile."""
        return [Summary(*row) for row in self._db.execute(*queue_query(status, limit, after, audience, words))]

    def purge(self, before: str) -> int:
        """Delete answers submitted before `before` (ISO-8601 UTC) that no editor ever touched; returns how many.

        Untouched: still `submitted` and no event but the submission (a claimed then released answer has
        an editor's audit trail and stays). Their lone submission event goes with them."""
        untouched = (
            "SELECT a.answer_id FROM answers a WHERE a.status = 'submitted' AND a.created_at < ?"
            " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.answer_id = a.answer_id AND e.action != 'submitted')"
            " AND NOT EXISTS (SELECT 1 FROM judgments j WHERE j.answer_id = a.answer_id)"
        )
        with self._db.transaction() as db:
            ids = [row[0] for row in db.execute(untouched, (before,)).fetchall()]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM events WHERE answer_id IN ({marks})", chunk)
                db.execute(f"DELETE FROM answers WHERE answer_id IN ({marks})", chunk)
        return len(ids)

    def approved_for(self, question: str, scope: str = "") -> Answer | None:
        """The latest approved answer to the same question (normalised: case, punctuation, spacing) in the
        same scope; answers stored under the older, exact key are still found by that key."""
        keys = list(dict.fromkeys((question_key(question, scope), legacy_question_key(question, scope))))
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT answer FROM answers WHERE question_key IN ({marks}) AND status = 'approved'"
            " ORDER BY updated_at DESC LIMIT 1",
            keys,
        )
        return Answer.model_validate_json(rows[0][0]) if rows else None

    def change(
        self,
        answer_id: str,
        version: int,
        actor: str,
        action: str,
        edit: Callable[[Answer], dict],
        to: ReviewStatus | None = None,
        take_over: bool = False,
        judgment: Judgment | None = None,
    ) -> Answer:
        """Apply `edit` (which mutates the answer and returns what changed) as one audited, versioned step;
        `judgment`, when given, is filed in the same transaction (the qrels export reads it).

        An answer under review belongs to its claimant: anyone else is refused unless `take_over`,
        which is audited as "taken over" (the claimant before, the new one after)."""
        with self._db.transaction() as db:
            row = db.execute("SELECT answer, version, status FROM answers WHERE answer_id = ?", (answer_id,)).fetchone()
            if row is None:
                raise UnknownAnswer(f"no answer {answer_id}")
            answer, current, status = Answer.model_validate_json(row[0]), row[1], row[2]
            if version != current:
                raise Conflict(f"answer {answer_id} is at version {current}, not {version}: reload it and try again")
            holder = answer.review.reviewer if status == "under_review" else None
            taking_over = holder not in (None, actor)
            if taking_over and not take_over:
                raise ClaimedByOther(
                    f"answer {answer_id} is claimed by {holder}: only {holder} may change it "
                    f"(or take it over: POST /answers/{answer_id}/claim with take_over true)"
                )
            if taking_over:
                action = "taken over"
            if to is not None and to not in TRANSITIONS[status] and not (taking_over and to == status):
                allowed = ", ".join(TRANSITIONS[status])
                raise Conflict(f"cannot go from {status} to {to}; from {status} the allowed next states are: {allowed}")
            before = {"status": status, "reviewer": answer.review.reviewer}
            after = edit(answer)
            if judgment is not None:
                self._file_judgment(db, answer, actor, judgment)
            answer.review.version = current + 1
            answer.review.updated_at = now()
            if to is not None:
                answer.review.status = to
                after = {**after, "status": to}
            Answer.model_validate(answer.model_dump())  # an edit must leave a valid answer
            db.execute(
                "UPDATE answers SET answer = ?, version = ?, status = ?, reviewer = ?, updated_at = ?, statements = ?"
                " WHERE answer_id = ?",
                (
                    answer.model_dump_json(),
                    current + 1,
                    answer.review.status,
                    answer.review.reviewer,
                    answer.review.updated_at,
                    len(answer.statements()),
                    answer_id,
                ),
            )
            self._event(db, answer_id, actor, action, current + 1, before, after)
            return answer

    @staticmethod
    def _file_judgment(db: sqlite3.Connection, answer: Answer, actor: str, judgment: Judgment) -> None:
        doc_id = next(e.doc_id for e in answer.evidence if e.chunk_id == judgment.chunk_id)
        db.execute(
            "INSERT OR REPLACE INTO judgments VALUES (?,?,?,?,?,?,?)",
            (answer.answer_id, judgment.chunk_id, doc_id, judgment.label, judgment.note, actor, now()),
        )

    def history(self, answer_id: str) -> list[Event]:
        self.get(answer_id)
        rows = self._db.execute(
            "SELECT event_id, answer_id, at, actor, action, version, before, after FROM events WHERE answer_id = ?"
            " ORDER BY event_id",
            (answer_id,),
        )
        return [
            Event(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]) if r[6] else None, json.loads(r[7]) if r[7] else None)
            for r in rows
        ]

    def judgments(self) -> list[tuple[str, str, str, str, int]]:
        """(answer id, question, doc id, chunk id, grade) for every judged passage."""
        rows = self._db.execute(
            "SELECT j.answer_id, a.understood_as, j.doc_id, j.chunk_id, j.label FROM judgments j "
            "JOIN answers a ON a.answer_id = j.answer_id ORDER BY j.answer_id, j.chunk_id"
        )
        return [(*r[:4], GRADE[r[4]]) for r in rows]

    @staticmethod
    def _event(db: sqlite3.Connection, answer_id: str, actor: str, action: str, version: int, before, after) -> None:
        db.execute(
            "INSERT INTO events (answer_id, at, actor, action, version, before, after) VALUES (?,?,?,?,?,?,?)",
            (answer_id, now(), actor, action, version, json.dumps(before) if before else None, json.dumps(after)),
        )

    def close(self) -> None:
        self._db.close()
