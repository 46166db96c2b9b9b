"""An approved answer is found again for the same question in other case, punctuation or spacing (same scope)."""

from __future__ import annotations

from review.rules import question_key

QUESTION = "What is adult acute lymphoblastic leukemia?"


def test_question_key_ignores_case_punctuation_and_spacing() -> None:
    same = {
        question_key(q)
        for q in (
            QUESTION,
            "what is adult acute lymphoblastic leukemia",
            "What is  adult acute lymphoblastic leukemia",
            "What is adult acute lymphoblastic leukemia !",
        )
    }
    assert len(same) == 1
    assert question_key("Non-opioid therapy?") == question_key("nonopioid therapy")
    assert question_key(QUESTION, '{"audience": "patient"}') != question_key(QUESTION)


def test_an_approved_answer_is_reused_for_the_normalised_question(fresh_client, bearer) -> None:
    client, editor = fresh_client, bearer("erin", "editor")
    first = client.post("/ask", json={"question": QUESTION}).json()
    answer_id = first["answer_id"]
    client.post(f"/answers/{answer_id}/claim", headers=editor, json={"version": 1}).raise_for_status()
    client.post(f"/answers/{answer_id}/approve", headers=editor, json={"version": 2}).raise_for_status()

    for asked in (
        "what is adult acute lymphoblastic leukemia",
        "What is adult acute lymphoblastic leukemia",
        "  WHAT is adult acute lymphoblastic leukemia??",
    ):
        again = client.post("/ask", json={"question": asked}).json()
        assert again["answer_id"] == answer_id and again["review"]["status"] == "approved", asked
        assert again["question"] == asked.strip()

    patient = client.post("/ask", json={"question": "what is adult acute lymphoblastic leukemia", "audience": "patient"}).json()
    assert patient["answer_id"] != answer_id and patient["review"]["status"] == "submitted"  # same filters and audience only
