"""What the review store returns: queue entries, audit events and an editor's judgment of one passage."""

from __future__ import annotations

from dataclasses import dataclass

from review.rules import Label


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


@dataclass(frozen=True, slots=True)
class Judgment:
    """An editor's label for one passage of an answer's evidence, filed with the change that made it."""

    chunk_id: str
    label: Label
    note: str | None
