"""Placing a pinned passage's sentence into an answer, pinned evidence's scores, and the server-side queue filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qa.models import Answer
from review import workflow

QUESTION = "When should clinicians offer naloxone?"


@pytest.fixture()
def claimed(fresh_client, bearer):
    """An answer claimed by erin: (client, editor headers, clinician headers, the claimed answer)."""
    editor, clinician = bearer("erin", "editor"), bearer("cole", "clinician")
    answer = fresh_client.post("/ask", json={"question": QUESTION}).json()
    answer = fresh_client.post(f"/answers/{answer['answer_id']}/claim", headers=editor, json={"version": 1}).json()
    return fresh_client, editor, clinician, answer


def pin_new(client, editor, answer: dict, query: str, kind: str) -> tuple[dict, dict]:
    """Pin the first hit of `kind` for `query` that is not yet evidence; (the answer after, the chunk with its sentences)."""
    have = {e["chunk_id"] for e in answer["evidence"]}
    hits = client.get("/search", params={"q": query, "k": 20, "kind": kind}).json()
    hit = next(h for h in hits if h["chunk_id"] not in have)
    pinned = client.post(
        f"/answers/{answer['answer_id']}/evidence",
        headers=editor,
        json={"version": answer["review"]["version"], "chunk_id": hit["chunk_id"]},
    )
    assert pinned.status_code == 200, pinned.text
    return pinned.json(), client.get(f"/chunks/{hit['chunk_id']}").json()


def numbered_by_first_use(answer: dict) -> None:
    statements = Answer.model_validate(answer).statements()
    order: list[int] = []
    for s in statements:
        order += [n for n in s.refs if n not in order]
    assert (
        order == list(range(1, len(order) + 1)) == [r["number"] for r in sorted(answer["references"], key=lambda r: r["number"])]
    )


def test_pinned_evidence_carries_its_title_source_and_real_scores(claimed) -> None:
    client, editor, _, answer = claimed
    after, chunk = pin_new(client, editor, answer, "hypertension blood pressure treatment", "guideline")
    pinned = after["evidence"][-1]
    assert pinned["pinned"] and pinned["chunk_id"] == chunk["chunk_id"]
    assert pinned["title"] == chunk["title"] and pinned["title"] and pinned["title"] != pinned["doc_id"]
    assert pinned["source"] == chunk["source"] and pinned["text"] == chunk["text"] and pinned["kind"] == "guideline"
    scores = pinned["scores"]
    assert scores["dense"] != 0.0  # scored for the answer's question when pinned, not zeros
    assert -1.0 <= scores["dense"] <= 1.0 and scores["bm25"] >= 0.0


def test_a_pinned_sentence_is_placed_verbatim_with_its_reference(claimed) -> None:
    client, editor, _, answer = claimed
    answer_id = answer["answer_id"]
    answer, chunk = pin_new(client, editor, answer, "helicopter intubation flight nurses", "research")
    sentence = chunk["statements"][0]
    assert chunk["text"]  # the quotable sentences come with the passage
    placed = client.post(
        f"/answers/{answer_id}/statements/place",
        headers=editor,
        json={"version": answer["review"]["version"], "chunk_id": chunk["chunk_id"], "span": sentence["span"]},
    )
    assert placed.status_code == 200, placed.text
    placed = placed.json()
    group = next(g for g in placed["research"]["sections"] if g["heading"] == "Added by the editors")
    [statement] = [s for s in group["points"] if s["chunk_id"] == chunk["chunk_id"]]
    assert statement["text"] == sentence["text"] and statement["span"] == sentence["span"]  # grounded: the quote at its span
    assert 0.0 <= statement["score"] <= 1.0
    [reference] = [r for r in placed["references"] if r["number"] == statement["refs"][0]]
    assert reference["doc_id"] == chunk["doc_id"] and reference["title"] == chunk["title"] and reference["kind"] == "research"
    numbered_by_first_use(placed)
    assert next(e for e in placed["evidence"] if e["chunk_id"] == chunk["chunk_id"])["cited"]
    assert placed["review"]["version"] == answer["review"]["version"] + 1

    html = client.get(f"/ui/answers/{answer_id}", headers=editor).json()["html"]
    assert f'data-chunk-id="{chunk["chunk_id"]}" data-span="{sentence["span"][0]},{sentence["span"][1]}"' in html
    assert f'href="#ref-{statement["refs"][0]}"' in html and f'id="ref-{statement["refs"][0]}"' in html

    # A guideline sentence goes among the guideline points, ahead of the research in reading order: renumbered.
    guideline, gchunk = pin_new(client, editor, placed, "hypertension blood pressure treatment", "guideline")
    gsentence = gchunk["statements"][-1]
    again = client.post(
        f"/answers/{answer_id}/statements/place",
        headers=editor,
        json={"version": guideline["review"]["version"], "chunk_id": gchunk["chunk_id"], "span": gsentence["span"]},
    ).json()
    [point] = [s for s in again["guidelines"]["points"] if s["chunk_id"] == gchunk["chunk_id"]]
    assert point["text"] == gsentence["text"] and point["grade"] == gsentence["grade"]
    numbered_by_first_use(again)

    history = client.get(f"/answers/{answer_id}/history", headers=editor).json()
    actions = [e["action"] for e in history]
    assert actions == ["submitted", "claimed", "evidence pinned", "statement placed", "evidence pinned", "statement placed"]
    assert history[3]["after"]["placed"] == sentence["text"] and history[3]["actor"] == "erin"


def test_placing_refuses_what_it_cannot_ground_or_may_not_change(claimed, bearer) -> None:
    client, editor, clinician, answer = claimed
    answer_id = answer["answer_id"]
    answer, chunk = pin_new(client, editor, answer, "helicopter intubation flight nurses", "research")
    version, chunk_id = answer["review"]["version"], chunk["chunk_id"]
    sentence = chunk["statements"][0]

    def place(headers, **body):
        return client.post(
            f"/answers/{answer_id}/statements/place",
            headers=headers,
            json={"version": version, "chunk_id": chunk_id, "span": sentence["span"]} | body,
        )

    half = [sentence["span"][0], sentence["span"][0] + 5]
    refused = place(editor, span=half)
    assert refused.status_code == 422 and "is not a statement of passage" in refused.json()["detail"]
    assert place(clinician).status_code == 403
    assert place({}).status_code == 401
    other = place(bearer("olga", "editor"))
    assert other.status_code == 409 and "claimed by erin" in other.json()["detail"]
    unknown = place(editor, chunk_id="nope")
    assert unknown.status_code == 404
    have = {e["chunk_id"] for e in answer["evidence"]}
    outside = next(h for h in client.get("/search", params={"q": "asthma inhaler", "k": 20}).json() if h["chunk_id"] not in have)
    out = client.get(f"/chunks/{outside['chunk_id']}").json()
    not_evidence = place(editor, chunk_id=out["chunk_id"], span=out["statements"][0]["span"])
    assert not_evidence.status_code == 422 and "pin it first" in not_evidence.json()["detail"]
    assert client.get(f"/answers/{answer_id}", headers=editor).json()["review"]["version"] == version  # nothing changed

    ok = place(editor)
    assert ok.status_code == 200
    twice = place(editor, version=version + 1)
    assert twice.status_code == 422 and "already in the answer" in twice.json()["detail"]

    approved = client.post(f"/answers/{answer_id}/approve", headers=editor, json={"version": version + 1}).json()
    late = place(editor, version=approved["review"]["version"], span=chunk["statements"][-1]["span"])
    assert late.status_code == 409 and "(it is approved)" in late.json()["detail"]


def test_the_queue_filters_on_the_server_across_pages(fresh_client, bearer) -> None:
    client, editor = fresh_client, bearer("erin", "editor")
    base = Answer.model_validate(client.post("/ask", json={"question": QUESTION}).json())
    reviews = client.app.state.services.reviews
    ids = {}
    for i in range(30):
        answer = base.model_copy(deep=True)
        zebra = i < 3  # the oldest three: never on the first page of the unfiltered queue
        answer.question = answer.understood_as = f"Question {i} about {'Zebra_fever' if zebra else 'naloxone'}?"
        answer.audience = "patient" if i % 2 else "clinician"
        answer.review.updated_at = (datetime.now(UTC) - timedelta(hours=1, seconds=-i)).isoformat(timespec="seconds")
        ids[i] = reviews.submit(answer, {}).answer_id
    claimed = workflow.claim(reviews, ids[1], 1, "erin")
    workflow.decide(reviews, ids[1], claimed.review.version, "erin", True, None)

    first = client.get("/answers", headers=editor, params={"limit": 10}).json()
    assert ids[0] not in {a["answer_id"] for a in first["items"]}

    found = client.get("/answers", headers=editor, params={"q": "zebra_FEVER", "limit": 2}).json()
    assert [a["answer_id"] for a in found["items"]] == [ids[2], ids[1]] and found["next_cursor"]
    rest = client.get("/answers", headers=editor, params={"q": "zebra_fever", "limit": 2, "cursor": found["next_cursor"]}).json()
    assert [a["answer_id"] for a in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    assert (
        client.get("/answers", headers=editor, params={"q": "zebra%fever"}).json()["items"] == []
    )  # % is a character, not a wildcard

    approved = client.get("/answers", headers=editor, params={"status": "approved"}).json()["items"]
    assert [a["answer_id"] for a in approved] == [ids[1]]
    patients = client.get("/answers", headers=editor, params={"audience": "patient", "q": "question zebra"}).json()["items"]
    assert [a["answer_id"] for a in patients] == [ids[1]]
    both = client.get("/answers", headers=editor, params={"audience": "clinician", "status": "submitted", "q": "zebra"}).json()[
        "items"
    ]
    assert [a["answer_id"] for a in both] == [ids[2], ids[0]]
    assert client.get("/answers", headers=editor, params={"audience": "nobody"}).status_code == 422
