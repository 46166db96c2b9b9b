"""The HTTP API against the real app on the mini index (TestClient), and once on a real uvicorn server."""

from __future__ import annotations

import httpx

QUESTION = "When should clinicians offer naloxone?"


def test_ask_returns_the_answer_format(client) -> None:
    response = client.post("/ask", json={"question": QUESTION})
    assert response.status_code == 200
    answer = response.json()
    assert answer["question"] == QUESTION and answer["conversation_id"].startswith("c_")
    lead = answer["guidelines"]["lead"][0]
    assert lead["grade"] == "Category A, evidence type 4" and lead["refs"] == [1]
    reference = answer["references"][0]
    assert reference["number"] == 1 and "#page=" not in reference["locator"] and reference["pages"]
    assert answer["review"]["status"] == "submitted" and answer["index_version"]
    assert {"bm25", "dense", "fused"} <= set(answer["evidence"][0]["scores"])
    chunk = client.get(f"/chunks/{lead['chunk_id']}", params={"span": f"{lead['span'][0]},{lead['span'][1]}"}).json()
    start, end = chunk["highlight"]
    assert chunk["text"][start:end] == lead["text"]


def test_follow_up_and_conversation_history(client) -> None:
    first = client.post("/ask", json={"question": "What is the recommended approach to tapering opioids?"}).json()
    follow = client.post("/ask", json={"question": "and in children?", "conversation_id": first["conversation_id"]}).json()
    assert follow["understood_as"] == "What is the recommended approach to tapering opioids? And in children?"
    assert follow["follow_up_to"] == first["understood_as"] and first["follow_up_to"] is None
    history = client.get(f"/conversations/{first['conversation_id']}").json()
    assert [t["question"] for t in history["turns"]] == [
        "What is the recommended approach to tapering opioids?",
        "and in children?",
    ]
    assert history["turns"][1]["answer"]["understood_as"] == follow["understood_as"]


def test_search_documents_and_health(client) -> None:
    hits = client.get("/search", params={"q": "helicopter intubation", "k": 3, "kind": "research"}).json()
    assert len(hits) == 3 and hits[0]["doc_id"] == "PMID:10135926" and hits[0]["scores"]["bm25_rank"] == 1
    document = client.get("/documents/PMID:10135926").json()
    assert document["year"] == 1994 and "Air Ambulances" in document["mesh"]
    assert document["text"][hits[0]["start"] : hits[0]["end"]] == hits[0]["text"]
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["chunks"] > 100 and health["embedding_backend"] == "torch"
    assert client.get("/docs").status_code == 200 and "/ask" in client.get("/openapi.json").json()["paths"]


def test_bad_requests_get_a_reason_and_no_trace(client) -> None:
    cases = [
        (client.post("/ask", json={"question": "x" * 1_000_000}), 422, "at most 20000 characters"),
        (client.post("/ask", json={"question": "x" * 5_000}), 422, "the limit is 2000"),
        (client.post("/ask", json={"question": "   "}), 422, "the question is empty"),
        (client.post("/ask", content=b"{not json", headers={"content-type": "application/json"}), 422, "JSON"),
        (client.post("/ask", json={"question": "pain", "kinds": ["blog"]}), 422, "guideline"),
        (client.post("/ask", json={"question": "pain", "conversation_id": "c_000000000000"}), 404, "no conversation"),
        (client.get("/search", params={"q": "pain", "k": 100_000}), 422, "less than or equal to 200"),
        (client.get("/chunks/0000"), 404, "no passage 0000"),
        (client.get("/chunks/" + "a" * 20, params={"span": "5,1"}), 404, "no passage"),
        (client.get("/documents/PMID:1"), 404, "no document PMID:1"),
        (client.get("/conversations/c_nope"), 404, "no conversation"),
    ]
    for response, status, reason in cases:
        assert response.status_code == status, (response.request.url, response.text)
        assert reason in response.text, response.text
        assert "Traceback" not in response.text


def test_the_page_is_served(client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'id="ask-form"' in page.text and "/static/page.js" in page.text
    assert client.get("/static/page.js").status_code == 200


def test_real_uvicorn_server_answers(server) -> None:
    response = httpx.post(f"{server}/ask", json={"question": QUESTION}, timeout=60)
    assert response.status_code == 200 and response.json()["guidelines"]["lead"]
    fragment = httpx.post(f"{server}/ui/answer", json={"question": QUESTION}, timeout=60).json()
    assert fragment["html"].startswith('<article class="answer">') and fragment["conversation_id"]
