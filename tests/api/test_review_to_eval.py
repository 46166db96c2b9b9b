"""#5's judgments export is a question set the evaluator (#6) reads as it is."""

from __future__ import annotations

from evaluation.evaluate import evaluate
from evaluation.questions import read_questions


def test_exported_judgments_round_trip_into_the_evaluator(client, searcher, mini_settings, tmp_path) -> None:
    from api.auth import TokenStore

    token = TokenStore(client.app.state.services.settings.state_dir / "tokens.json").create("eval-ed", "editor")
    editor = {"Authorization": f"Bearer {token}"}
    answer = client.post("/ask", json={"question": "Does helicopter transport impair intubation by flight nurses?"}).json()
    client.post(f"/answers/{answer['answer_id']}/claim", headers=editor, json={"version": 1})
    gold = next(e for e in answer["evidence"] if e["doc_id"] == "PMID:10135926")
    client.post(
        f"/answers/{answer['answer_id']}/judgments",
        headers=editor,
        json={"version": 2, "chunk_id": gold["chunk_id"], "label": "relevant"},
    )
    exported = tmp_path / "judged.jsonl"
    exported.write_text(client.get("/judgments/export", params={"format": "jsonl"}, headers=editor).text)
    qrels = tmp_path / "judged.qrels"
    qrels.write_text(client.get("/judgments/export", params={"format": "trec"}, headers=editor).text)
    questions = read_questions(exported, qrels)
    mine = [q for q in questions if q.id == answer["answer_id"]]
    assert mine and mine[0].relevant == {"PMID:10135926": 2}
    results = evaluate(mine, "judged", searcher, mini_settings, ["hybrid"], tmp_path / "judged", progress=False)
    assert results["retrieval"]["modes"]["hybrid"]["R@1"]["mean"] == 1.0
