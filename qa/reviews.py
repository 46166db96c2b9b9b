"""Editor review of stored answers: status transitions, judgments, edits, and an append-only audit trail.

Every change is one SQLite transaction that checks the answer's version first (optimistic
concurrency: a stale edit is refused, never merged), applies the change, bumps the version and
appends an audit event with the state before and after. A crash mid-way leaves nothing applied.

Storage stays bounded: the queue is read as summaries (question, status, audience, statement
count are columns of their own), and `purge` deletes answers nobody ever touched once they are
older than the retention period. Approved answers and every editor's audit events are kept.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from qa.models import Answer, ReviewStatus

Label = Literal["relevant", "partly", "not_relevant"]
GRADE: dict[str, int] = {"relevant": 2, "partly": 1, "not_relevant": 0}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("under_review",),
    "under_review": ("approved", "rejected", "submitted"),
    "rejected": ("under_review",),
    "approved": ("under_review",),
}

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
"""
# Summary columns added after the first release; filled from the stored answer on open.
SUMMARY_COLUMNS = {"question": "TEXT", "audience": "TEXT", "statements": "INTEGER"}


class UnknownAnswer(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown answer"


class Conflict(Exception):
    """A stale version or an illegal transition; the message says what is allowed."""


class ClaimedByOther(Conflict):
    """Another editor holds the claim; only they may change the answer, unless it is taken over."""


class InvalidEdit(ValueError):
    """An edit that names something the answer does not have."""


@dataclass(frozen=True, slots=True)
class Summary:
    """One queue entry: enough to choose an answer, not the answer."""

    answer_id: str
    question: str
    understood_as: str
    status: str
    audience: str
    created_at: str
    updated_at: str
    claimed_by: str | None
    statements: int
    version: int


@dataclass(frozen=True, slots=True)
class Event:
    event_id: int
    answer_id: str
    at: str
    actor: str
    action: str
    version: int
    before: dict | None
    after: dict | None


def question_key(question: str, scope: str = "") -> str:
    """Questions that differ only in case, spacing or punctuation are the same question: NFKC, case-folded,
    hyphens and apostrophes dropped ("non-opioid" = "nonopioid", "patient's" = "patients"), every other
    punctuation mark read as a space, spaces collapsed. The scope (filters, audience) stays exact."""
    text = unicodedata.normalize("NFKC", question).casefold()
    text = re.sub(r"['\u2019\u2018`\u00ad-]|(?<=\w)[\u2010-\u2015](?=\w)", "", text)
    text = " ".join(re.sub(r"[^\w]+|_", " ", text).split())
    return text + (f" |{scope}" if scope else "")


def _legacy_question_key(question: str, scope: str = "") -> str:
    """The key answers stored before the normalised key were filed under (case, spacing, final ?.! only)."""
    return re.sub(r"\s+", " ", question.lower()).strip(" ?.!") + (f" |{scope}" if scope else "")


def _summary_fields(answer: Answer) -> tuple[str, str, int]:
    return answer.question, answer.audience, len(answer.statements())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ReviewStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._add_summary_columns()

    def _add_summary_columns(self) -> None:
        with self._transaction() as db:
            present = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
            for name, kind in SUMMARY_COLUMNS.items():
                if name not in present:
                    db.execute(f"ALTER TABLE answers ADD COLUMN {name} {kind}")
            for answer_id, stored in db.execute("SELECT answer_id, answer FROM answers WHERE statements IS NULL").fetchall():
                db.execute(
                    "UPDATE answers SET question = ?, audience = ?, statements = ? WHERE answer_id = ?",
                    (*_summary_fields(Answer.model_validate_json(stored)), answer_id),
                )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def submit(self, answer: Answer, settings: dict, scope: str = "") -> Answer:
        """Store a freshly composed answer as `submitted`; returns it with its id.

        `scope` (filters, audience) is part of the question's identity: an answer approved for a
        research-only or patient question is never given for the plain clinician question.
        """
        answer = answer.model_copy(deep=True)
        answer.answer_id = "a_" + secrets.token_hex(6)
        answer.review.status, answer.review.version = "submitted", 1
        now = answer.review.updated_at
        with self._transaction() as db:
            db.execute(
                "INSERT INTO answers (answer_id, question_key, status, version, reviewer, answer, settings, created_at,"
                " updated_at, question, audience, statements) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (answer.answer_id, question_key(answer.understood_as, scope), "submitted", 1, None,
                 answer.model_dump_json(), json.dumps(settings), now, now, *_summary_fields(answer)),
            )
            self._event(db, answer.answer_id, "system", "submitted", 1, None, {"status": "submitted"})
        return answer

    def get(self, answer_id: str) -> Answer:
        row = self._db.execute("SELECT answer FROM answers WHERE answer_id = ?", (answer_id,)).fetchone()
        if row is None:
            raise UnknownAnswer(f"no answer {answer_id}")
        return Answer.model_validate_json(row[0])

    def find(self, answer_id: str) -> Answer | None:
        """The stored answer, or None when it was never stored or retention removed it."""
        try:
            return self.get(answer_id)
        except UnknownAnswer:
            return None

    def summaries(
        self, status: ReviewStatus | None = None, limit: int = 50, after: tuple[str, str] | None = None
    ) -> list[Summary]:
        """The queue, newest first, one page: `after` is the (created_at, answer_id) the previous page ended on.

        Ordered by creation (never changes), so paging neither skips nor repeats an answer edited meanwhile."""
        sql = (
            "SELECT answer_id, question, json_extract(answer, '$.understood_as'), status, audience, created_at, updated_at,"
            " CASE WHEN status = 'under_review' THEN reviewer END, statements, version FROM answers WHERE 1 = 1"
        )
        args: list = []
        if status:
            sql, args = sql + " AND status = ?", [status]
        if after is not None:
            sql, args = sql + " AND (created_at, answer_id) < (?, ?)", [*args, *after]
        rows = self._db.execute(sql + " ORDER BY created_at DESC, answer_id DESC LIMIT ?", [*args, limit]).fetchall()
        return [Summary(*row) for row in rows]

    def purge(self, before: str) -> int:
        """Delete answers submitted before `before` (ISO-8601 UTC) that no editor ever touched; returns how many.

        Untouched: still `submitted` and no event but the submission (a claimed then released answer has
        an editor's audit trail and stays). Their lone submission event goes with them."""
        untouched = (
            "SELECT a.answer_id FROM answers a WHERE a.status = 'submitted' AND a.created_at < ?"
            " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.answer_id = a.answer_id AND e.action != 'submitted')"
            " AND NOT EXISTS (SELECT 1 FROM judgments j WHERE j.answer_id = a.answer_id)"
        )
        with self._transaction() as db:
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
        keys = list(dict.fromkeys((question_key(question, scope), _legacy_question_key(question, scope))))
        marks = ",".join("?" * len(keys))
        row = self._db.execute(
            f"SELECT answer FROM answers WHERE question_key IN ({marks}) AND status = 'approved' ORDER BY updated_at DESC LIMIT 1",
            keys,
        ).fetchone()
        return Answer.model_validate_json(row[0]) if row else None

    def change(
        self, answer_id: str, version: int, actor: str, action: str, edit: Callable[[Answer], dict], to: str | None = None,
        take_over: bool = False,
    ) -> Answer:
        """Apply `edit` (which mutates the answer and returns what changed) as one audited, versioned step.

        An answer under review belongs to its claimant: anyone else is refused unless `take_over`,
        which is audited as "taken over" (the claimant before, the new one after)."""
        with self._transaction() as db:
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
            answer.review.version = current + 1
            answer.review.updated_at = _now()
            if to is not None:
                answer.review.status = to
                after = {**after, "status": to}
            Answer.model_validate(answer.model_dump())  # an edit must leave a valid answer
            db.execute(
                "UPDATE answers SET answer = ?, version = ?, status = ?, reviewer = ?, updated_at = ?, statements = ?"
                " WHERE answer_id = ?",
                (answer.model_dump_json(), current + 1, answer.review.status, answer.review.reviewer,
                 answer.review.updated_at, len(answer.statements()), answer_id),
            )
            self._event(db, answer_id, actor, action, current + 1, before, after)
            return answer

    def judge(self, answer_id: str, version: int, actor: str, chunk_id: str, label: Label, note: str | None) -> Answer:
        def edit(answer: Answer) -> dict:
            evidence = next((e for e in answer.evidence if e.chunk_id == chunk_id), None)
            if evidence is None:
                raise InvalidEdit(f"passage {chunk_id} is not in this answer's evidence")
            if answer.review.status != "under_review":
                raise Conflict(f"judge evidence after claiming the answer (it is {answer.review.status})")
            evidence.judgment, evidence.note = label, note
            self._db.execute(
                "INSERT OR REPLACE INTO judgments VALUES (?,?,?,?,?,?,?)",
                (answer_id, chunk_id, evidence.doc_id, label, note, actor, _now()),
            )
            return {"chunk_id": chunk_id, "judgment": label, "note": note}

        return self.change(answer_id, version, actor, "judged", edit)

    def history(self, answer_id: str) -> list[Event]:
        self.get(answer_id)
        rows = self._db.execute(
            "SELECT event_id, answer_id, at, actor, action, version, before, after FROM events WHERE answer_id = ? ORDER BY event_id",
            (answer_id,),
        ).fetchall()
        return [Event(*r[:6], json.loads(r[6]) if r[6] else None, json.loads(r[7]) if r[7] else None) for r in rows]

    def judgments(self) -> list[tuple[str, str, str, str, int]]:
        """(answer id, question, doc id, chunk id, grade) for every judged passage."""
        rows = self._db.execute(
            "SELECT j.answer_id, a.answer, j.doc_id, j.chunk_id, j.label FROM judgments j "
            "JOIN answers a ON a.answer_id = j.answer_id ORDER BY j.answer_id, j.chunk_id"
        ).fetchall()
        return [(r[0], json.loads(r[1])["understood_as"], r[2], r[3], GRADE[r[4]]) for r in rows]

    @staticmethod
    def _event(db: sqlite3.Connection, answer_id: str, actor: str, action: str, version: int, before, after) -> None:
        db.execute(
            "INSERT INTO events (answer_id, at, actor, action, version, before, after) VALUES (?,?,?,?,?,?,?)",
            (answer_id, _now(), actor, action, version, json.dumps(before) if before else None, json.dumps(after)),
        )

    def close(self) -> None:
        self._db.close()
