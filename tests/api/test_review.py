"""Editor review through the API: submitted → under review → approved, judgments, edits, audit, export."""

from __future__ import annotations

import json

import pytest

QUESTION = "When should clinicians offer naloxone?"


@pytest.fixture()
def review(fresh_client, bearer):
    return fresh_client, bearer("erin", "editor"), bearer("cole", "clinician")


def test_an_answer_walks_from_submitted_to_approved(review) -> None:
    client, editor, clinician = review
    answer = client.post("/ask", json={"question": QUESTION}).json()
    answer_id = answer["answer_id"]
    assert answer["review"]["status"] == "submitted" and answer["review"]["version"] == 1
    assert client.get(f"/answers/{answer_id}", headers=clinician).status_code == 403  # not approved yet
    assert [a["answer_id"] for a in client.get("/answers?status=submitted", headers=editor).json()["items"]] == [answer_id]
    assert client.get("/answers", headers=clinician).status_code == 403

    early = client.post(f"/answers/{answer_id}/approve", headers=editor, json={"version": 1})
    assert early.status_code == 409 and "allowed next states are: under_review" in early.json()["detail"]
    claimed = client.post(f"/answers/{answer_id}/claim", headers=editor, json={"version": 1}).json()
    assert claimed["review"] == claimed["review"] | {"status": "under_review", "reviewer": "erin", "version": 2}
    stale = client.post(f"/answers/{answer_id}/claim", headers=editor, json={"version": 1})
    assert stale.status_code == 409 and "is at version 2, not 1" in stale.json()["detail"]

    evidence = claimed["evidence"]
    judged = client.post(
        f"/answers/{answer_id}/judgments",
        headers=editor,
        json={"version": 2, "chunk_id": evidence[0]["chunk_id"], "label": "relevant", "note": "the rec"},
    ).json()
    judged = client.post(
        f"/answers/{answer_id}/judgments",
        headers=editor,
        json={"version": 3, "chunk_id": evidence[-1]["chunk_id"], "label": "not_relevant"},
    ).json()
    assert judged["evidence"][0]["judgment"] == "relevant" and judged["review"]["version"] == 4
    unknown = client.post(
        f"/answers/{answer_id}/judgments", headers=editor, json={"version": 4, "chunk_id": "nope", "label": "partly"}
    )
    assert unknown.status_code == 422 and "not in this answer's evidence" in unknown.json()["detail"]

    last = (judged["guidelines"]["lead"] + judged["guidelines"]["points"])[-1]
    edited = client.post(
        f"/answers/{answer_id}/statements/remove",
        headers=editor,
        json={"version": 4, "chunk_id": last["chunk_id"], "span": last["span"]},
    ).json()
    remaining = edited["guidelines"]["lead"] + edited["guidelines"]["points"]
    assert last["text"] not in [s["text"] for s in remaining]
    cited = sorted({n for s in remaining + [p for g in edited["research"]["sections"] for p in g["points"]] for n in s["refs"]})
    assert cited == [r["number"] for r in edited["references"]] == list(range(1, len(cited) + 1))

    extra = client.get("/search", params={"q": "helicopter intubation", "k": 1}).json()[0]
    pinned = client.post(
        f"/answers/{answer_id}/evidence", headers=editor, json={"version": 5, "chunk_id": extra["chunk_id"]}
    ).json()
    assert pinned["evidence"][-1] | {"pinned": True, "chunk_id": extra["chunk_id"]} == pinned["evidence"][-1]

    approved = client.post(f"/answers/{answer_id}/approve", headers=editor, json={"version": 6, "comment": "checked"}).json()
    assert approved["review"] | {"status": "approved", "approved_by": "erin", "comment": "checked"} == approved["review"]
    assert client.get(f"/answers/{answer_id}").json()["review"]["status"] == "approved"  # readable by anyone now

    history = client.get(f"/answers/{answer_id}/history", headers=editor).json()
    assert [e["action"] for e in history] == [
        "submitted",
        "claimed",
        "judged",
        "judged",
        "statement removed",
        "evidence pinned",
        "approved",
    ]
    assert [e["version"] for e in history] == [1, 2, 3, 4, 5, 6, 7]
    assert history[1]["before"] == {"status": "submitted", "reviewer": None} and history[1]["actor"] == "erin"

    again = client.post("/ask", json={"question": "when should clinicians offer naloxone"}).json()
    assert again["answer_id"] == answer_id and again["review"]["status"] == "approved"
    assert again["newer_evidence_available"] is False and again["question"] == "when should clinicians offer naloxone"


def test_rejected_answers_and_judgments_export(review) -> None:
    client, editor, _ = review
    answer = client.post("/ask", json={"question": "Does helicopter transport impair intubation by flight nurses?"}).json()
    answer_id = answer["answer_id"]
    client.post(f"/answers/{answer_id}/claim", headers=editor, json={"version": 1})
    target = next(e for e in answer["evidence"] if e["doc_id"] == "PMID:10135926")
    client.post(
        f"/answers/{answer_id}/judgments",
        headers=editor,
        json={"version": 2, "chunk_id": target["chunk_id"], "label": "relevant"},
    )
    rejected = client.post(f"/answers/{answer_id}/reject", headers=editor, json={"version": 3, "comment": "thin"}).json()
    assert rejected["review"]["status"] == "rejected"
    again = client.post(f"/answers/{answer_id}/approve", headers=editor, json={"version": 4})
    assert again.status_code == 409 and "under_review" in again.json()["detail"]

    trec = client.get("/judgments/export", params={"format": "trec"}, headers=editor).text
    assert f"{answer_id} 0 PMID:10135926 2\n" in trec
    [line] = client.get("/judgments/export", params={"format": "jsonl"}, headers=editor).text.splitlines()
    question_set = json.loads(line)
    # The evaluation question-set shape (../shared/data/eval/pubmedqa-dev.jsonl): id, question, relevant.
    assert question_set["id"] == answer_id and question_set["relevant"] == ["PMID:10135926"]
    assert question_set["question"] == "Does helicopter transport impair intubation by flight nurses?"
    assert question_set["relevance"] == {"PMID:10135926": 2}


def test_review_routes_refuse_unknown_ids_and_non_editors(review) -> None:
    client, editor, clinician = review
    assert client.post("/answers/a_000000000000/claim", headers=editor, json={"version": 1}).status_code == 404
    assert client.get("/answers/a_000000000000/history", headers=editor).status_code == 404
    assert client.post("/answers/a_000000000000/claim", headers=clinician, json={"version": 1}).status_code == 403
    assert client.get("/judgments/export", headers=clinician).status_code == 403
