"""A claimed answer belongs to its claimant: another editor is refused unless they take it over (audited)."""

from __future__ import annotations

import pytest


@pytest.fixture()
def two_editors(fresh_client, bearer):
    client = fresh_client
    ada, bob = bearer("ada", "editor"), bearer("bob", "editor")
    answer = client.post("/ask", json={"question": "When should clinicians offer naloxone?"}).json()
    claimed = client.post(f"/answers/{answer['answer_id']}/claim", headers=ada, json={"version": 1})
    assert claimed.status_code == 200 and claimed.json()["review"]["reviewer"] == "ada"
    return client, ada, bob, claimed.json()


def test_only_the_claimant_acts_on_a_claimed_answer(two_editors) -> None:
    client, ada, bob, answer = two_editors
    answer_id, chunk = answer["answer_id"], answer["evidence"][0]["chunk_id"]
    attempts = {
        "approve": {"version": 2},
        "reject": {"version": 2, "comment": "no"},
        "release": {"version": 2},
        "claim": {"version": 2},
        "judgments": {"version": 2, "chunk_id": chunk, "label": "relevant"},
    }
    for action, body in attempts.items():
        refused = client.post(f"/answers/{answer_id}/{action}", headers=bob, json=body)
        assert refused.status_code == 409, (action, refused.text)
        assert "claimed by ada" in refused.json()["detail"] and "take_over" in refused.json()["detail"]
    stored = client.get(f"/answers/{answer_id}", headers=ada).json()["review"]
    assert stored | {"status": "under_review", "reviewer": "ada", "version": 2} == stored  # nothing changed

    approved = client.post(f"/answers/{answer_id}/approve", headers=ada, json={"version": 2})
    assert approved.status_code == 200 and approved.json()["review"]["approved_by"] == "ada"


def test_another_editor_may_take_a_claim_over(two_editors) -> None:
    client, ada, bob, answer = two_editors
    answer_id = answer["answer_id"]
    taken = client.post(f"/answers/{answer_id}/claim", headers=bob, json={"version": 2, "take_over": True})
    assert taken.status_code == 200, taken.text
    assert taken.json()["review"] | {"status": "under_review", "reviewer": "bob", "version": 3} == taken.json()["review"]
    assert client.post(f"/answers/{answer_id}/approve", headers=ada, json={"version": 3}).status_code == 409
    assert client.post(f"/answers/{answer_id}/approve", headers=bob, json={"version": 3}).status_code == 200

    history = client.get(f"/answers/{answer_id}/history", headers=ada).json()
    assert [(e["action"], e["actor"]) for e in history] == [
        ("submitted", "system"),
        ("claimed", "ada"),
        ("taken over", "bob"),
        ("approved", "bob"),
    ]
    assert history[2]["before"] == {"status": "under_review", "reviewer": "ada"}
    assert history[2]["after"] == {"reviewer": "bob", "status": "under_review"}
