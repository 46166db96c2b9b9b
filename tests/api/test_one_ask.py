"""`medcite ask`, `POST /ask` and the page's `POST /ui/answer` are one use case (app/asking.py): all give
the same answer, store it for review, and give the answer editors approved, on the same state."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from medcite.cli import app

QUESTION = "When should clinicians offer naloxone?"


def _cli(mini_settings, state: Path, *args: str):  # noqa: ANN001
    base = [
        "--data-dir",
        str(mini_settings.data_dir),
        "--manifest",
        str(mini_settings.manifest),
        "--index-dir",
        str(mini_settings.index_dir),
    ]
    env = {"MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir), "MEDCITE_STATE_DIR": str(state)}
    result = CliRunner().invoke(app, [*base, *args], env=env)
    assert result.exit_code == 0, result.output
    return result


def _said(answer: dict) -> tuple:
    """What an answer says and cites, without its ids and times."""
    statements = [s["text"] for s in answer["guidelines"]["lead"] + answer["guidelines"]["points"]]
    statements += [p["text"] for g in answer["research"]["sections"] for p in g["points"]]
    return statements, [r["title"] for r in answer["references"]], answer["understood_as"]


def test_cli_and_api_ask_alike(fresh_client, bearer, mini_settings, tmp_path: Path) -> None:
    editor = bearer("erin", "editor")
    state = tmp_path / "state"  # the fresh client's state dir: the CLI shares its review store

    from_cli = json.loads(_cli(mini_settings, state, "ask", QUESTION, "--json").output)
    assert from_cli["answer_id"] and from_cli["review"]["status"] == "submitted"
    from_api = fresh_client.post("/ask", json={"question": QUESTION}).json()
    assert from_api["answer_id"] and from_api["answer_id"] != from_cli["answer_id"]
    assert _said(from_api) == _said(from_cli) and from_api["guidelines"]["lead"]
    from_page = fresh_client.post("/ui/answer", json={"question": QUESTION}).json()
    page_turn = fresh_client.get(f"/conversations/{from_page['conversation_id']}").json()["turns"][-1]
    assert page_turn["answer_id"] not in (None, from_cli["answer_id"], from_api["answer_id"])
    assert _said(page_turn["answer"]) == _said(from_cli)
    queue = fresh_client.get("/answers", headers=editor).json()["items"]
    assert {from_cli["answer_id"], from_api["answer_id"], page_turn["answer_id"]} <= {item["answer_id"] for item in queue}

    answer_id = from_cli["answer_id"]  # approve the one the CLI stored
    fresh_client.post(f"/answers/{answer_id}/claim", headers=editor, json={"version": 1})
    approved = fresh_client.post(f"/answers/{answer_id}/approve", headers=editor, json={"version": 2})
    assert approved.status_code == 200, approved.text

    again_cli = json.loads(_cli(mini_settings, state, "ask", QUESTION, "--json").output)
    again_api = fresh_client.post("/ask", json={"question": QUESTION}).json()
    again_page = fresh_client.post("/ui/answer", json={"question": QUESTION}).json()
    again_turn = fresh_client.get(f"/conversations/{again_page['conversation_id']}").json()["turns"][-1]
    for again in (again_cli, again_api, again_turn["answer"]):
        assert again["answer_id"] == answer_id and again["review"]["status"] == "approved"
    assert again_turn["answer_id"] == answer_id
