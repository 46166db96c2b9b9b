"""`medcite ask` and `POST /ask` are one use case (app/asking.py): both store the answer for review and
both give the answer editors approved, on the same state."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from medcite.cli import app

QUESTION = "When should clinicians offer naloxone?"


def _cli(mini_settings, state: Path, *args: str):  # noqa: ANN001
    base = ["--data-dir", str(mini_settings.data_dir), "--manifest", str(mini_settings.manifest),
            "--index-dir", str(mini_settings.index_dir)]
    env = {"MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir), "MEDCITE_STATE_DIR": str(state)}
    result = CliRunner().invoke(app, [*base, *args], env=env)
    assert result.exit_code == 0, result.output
    return result


def test_cli_and_api_ask_alike(fresh_client, bearer, mini_settings, tmp_path: Path) -> None:
    editor = bearer("erin", "editor")
    state = tmp_path / "state"  # the fresh client's state dir: the CLI shares its review store

    from_cli = json.loads(_cli(mini_settings, state, "ask", QUESTION, "--json").output)
    assert from_cli["answer_id"] and from_cli["review"]["status"] == "submitted"
    from_api = fresh_client.post("/ask", json={"question": QUESTION}).json()
    assert from_api["answer_id"] and from_api["answer_id"] != from_cli["answer_id"]
    assert [s["text"] for s in from_api["guidelines"]["lead"]] == [s["text"] for s in from_cli["guidelines"]["lead"]]
    queue = fresh_client.get("/answers", headers=editor).json()["items"]
    assert {from_cli["answer_id"], from_api["answer_id"]} <= {item["answer_id"] for item in queue}

    answer_id = from_cli["answer_id"]  # approve the one the CLI stored
    fresh_client.post(f"/answers/{answer_id}/claim", headers=editor, json={"version": 1})
    approved = fresh_client.post(f"/answers/{answer_id}/approve", headers=editor, json={"version": 2})
    assert approved.status_code == 200, approved.text

    again_cli = json.loads(_cli(mini_settings, state, "ask", QUESTION, "--json").output)
    again_api = fresh_client.post("/ask", json={"question": QUESTION}).json()
    for again in (again_cli, again_api):
        assert again["answer_id"] == answer_id and again["review"]["status"] == "approved"
