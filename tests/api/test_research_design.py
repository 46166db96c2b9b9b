"""Issue #32 over HTTP, on the real app and the mini index: a research point's study and line in the answer
JSON, the `designs` filter on POST /ask and /ui/answer and `design` on GET /search, a 422 naming the valid
keys for an unknown one, and the OpenAPI description of it all."""

from __future__ import annotations

from ingest.design_lexicon import DESIGN_KEYS

APPENDICITIS = "Is there a role for leukocyte and CRP measurements in the diagnosis of acute appendicitis in the elderly?"


def research_points(answer: dict) -> list[dict]:
    return [p for group in answer["research"]["sections"] for p in group["points"]]


def test_a_research_point_carries_its_study_and_line(client) -> None:
    answer = client.post("/ask", json={"question": APPENDICITIS}).json()
    points = research_points(answer)
    assert points
    for point in points:
        study = point["study"]
        assert study["design"] == "case_control" and study["status"] == "known"
        assert study["design_label"] == "case-control" and study["year"] == 1999 and "Case-Control Studies" in study["basis"]
        assert study["line"] == "Case-control · 1999"
    assert all(p["study"] is None for p in answer["guidelines"]["lead"] + answer["guidelines"]["points"])
    cited = [e for e in answer["evidence"] if e["kind"] == "research" and e["cited"]]
    assert cited and all(e["study"]["line"] for e in cited)


def test_the_designs_filter_on_ask(client) -> None:
    kept = client.post("/ask", json={"question": APPENDICITIS, "designs": ["case_control", "randomised_trial"]}).json()
    assert {p["study"]["design"] for p in research_points(kept)} == {"case_control"}
    other = client.post("/ask", json={"question": APPENDICITIS, "designs": ["randomised_trial"]}).json()
    assert all(p["study"]["design"] == "randomised_trial" for p in research_points(other))
    assert not any(p["doc_id"] in {q["doc_id"] for q in research_points(kept)} for p in research_points(other))
    assert all(e["kind"] != "research" or e["study"]["design"] == "randomised_trial" for e in other["evidence"])
    page = client.post("/ui/answer", json={"question": APPENDICITIS, "designs": ["case_control"]})
    assert page.status_code == 200 and 'class="study">Case-control · 1999</span>' in page.json()["html"]


def test_the_design_filter_on_search(client) -> None:
    hits = client.get("/search", params={"q": "leukocyte CRP appendicitis", "k": 20, "design": "case_control"}).json()
    research = [h for h in hits if h["kind"] == "research"]
    assert research and all(h["study"]["design"] == "case_control" for h in research)
    assert any(h["kind"] != "research" for h in hits), "other kinds are not filtered"
    none = client.get(
        "/search", params={"q": "leukocyte CRP appendicitis", "k": 20, "kind": "research", "design": "animal"}
    ).json()
    assert all(h["study"]["design"] == "animal" for h in none)


def test_an_unknown_design_is_a_422_naming_the_valid_keys(client) -> None:
    for response in (
        client.post("/ask", json={"question": APPENDICITIS, "designs": ["rct"]}),
        client.post("/ui/answer", json={"question": APPENDICITIS, "designs": ["case_control", "rct"]}),
        client.get("/search", params={"q": "appendicitis", "design": "rct"}),
    ):
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert detail.startswith("unknown study design 'rct': use one of ") and all(key in detail for key in DESIGN_KEYS)
    for bad in ("case_control", [1], ["x" * 41], [None], ["case_control"] * 13):
        response = client.post("/ask", json={"question": APPENDICITIS, "designs": bad})
        assert response.status_code == 422 and "designs" in response.json()["detail"], (bad, response.text)


def test_openapi_describes_the_study_and_the_filter(client) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    designs = components["AskRequest"]["properties"]["designs"]
    assert designs["items"]["enum"] == list(DESIGN_KEYS) and "Only research of these study designs" in designs["description"]
    study = components["StudyProfile"]["properties"]
    assert {"design", "design_label", "status", "confidence", "participants", "year", "journal", "line", "basis"} <= set(study)
    assert "Randomised trial · n = 1,204" in study["line"]["description"]
    assert study["status"]["enum"] == ["known", "predicted", "not stated"]
    search = next(p for p in schema["paths"]["/search"]["get"]["parameters"] if p["name"] == "design")
    assert search["schema"]["items"]["enum"] == list(DESIGN_KEYS)
