"""Asking (app/asking.py) on real SQLite stores flows one way: compose → store → record the turn. The turn
names the stored answer's id when it is written and is never patched afterwards; an answer given again
is a copy, the one in the review store stays as the editors left it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app import asking
from app.services import open_services
from review.workflow import claim, decide

QUESTION = "When should clinicians offer naloxone?"


@pytest.fixture()
def services(mini_settings, embedder, tmp_path: Path):
    services = open_services(mini_settings.model_copy(update={"state_dir": tmp_path / "state"}), embedder)
    db = sqlite3.connect(services.conversations.path)  # a turn is written once: patching one fails the ask
    db.execute("CREATE TRIGGER turns_written_once BEFORE UPDATE ON turns BEGIN SELECT RAISE(ABORT, 'a turn was patched'); END")
    db.commit()
    db.close()
    yield services
    services.close()


def test_each_turn_names_its_stored_answer_and_is_never_patched(services) -> None:
    first = asking.ask(services, QUESTION)
    follow = asking.ask(services, "and in children?", first.conversation_id)
    assert first.answer_id and follow.answer_id and first.answer_id != follow.answer_id
    assert follow.conversation_id == first.conversation_id

    turns = services.conversations.turns(first.conversation_id)
    assert [t.answer_id for t in turns] == [first.answer_id, follow.answer_id]
    for turn, given in zip(turns, (first, follow)):
        stored = services.reviews.get(turn.answer_id)
        assert stored == given and stored.conversation_id == first.conversation_id
        assert turn.understood_as == stored.understood_as
        assert turn.shown == [(s.chunk_id, *s.span) for s in stored.statements()]
    shown = asking.conversation(services, first.conversation_id)
    assert [s.answer for s in shown] == [first, follow]


def test_an_approved_answer_is_given_as_a_copy(services) -> None:
    first = asking.ask(services, QUESTION)
    claim(services.reviews, first.answer_id, 1, "erin")
    decide(services.reviews, first.answer_id, 2, "erin", True, None)
    approved = services.reviews.get(first.answer_id)

    again = asking.ask(services, QUESTION)  # a new conversation, the same understood question
    assert again.answer_id == first.answer_id and again.review.status == "approved"
    assert again.conversation_id not in (None, first.conversation_id) and not again.newer_evidence_available
    assert [t.answer_id for t in services.conversations.turns(again.conversation_id)] == [first.answer_id]
    (turn,) = asking.conversation(services, again.conversation_id)
    assert turn.answer.conversation_id == again.conversation_id and turn.answer.answer_id == first.answer_id
    assert services.reviews.get(first.answer_id) == approved  # stored once, as approved: never rewritten
    assert services.reviews.get(first.answer_id).conversation_id == first.conversation_id
