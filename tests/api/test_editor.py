"""Editor-only routes: bearer tokens decide; the index changes only for an editor."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture()
def editor_client(api_settings, embedder, tmp_path: Path):
    shutil.copytree(api_settings.index_dir, tmp_path / "index", ignore=shutil.ignore_patterns("cache"))
    settings = api_settings.model_copy(update={"index_dir": tmp_path / "index", "state_dir": tmp_path / "state"})
    with TestClient(create_app(settings, embedder)) as client:
        tokens = client.app.state.tokens
        yield client, tokens.create("ed", "editor"), tokens.create("cli", "clinician")


def test_only_an_editor_removes_a_document(editor_client) -> None:
    client, editor, clinician = editor_client
    target = "PMID:10135926"
    before = client.get("/health").json()
    missing = client.delete(f"/documents/{target}")
    assert missing.status_code == 401 and "missing bearer token" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.delete(f"/documents/{target}", headers={"Authorization": "Bearer mc_not-a-token"})
    assert wrong.status_code == 401 and "invalid or revoked" in wrong.json()["detail"]
    forbidden = client.delete(f"/documents/{target}", headers={"Authorization": f"Bearer {clinician}"})
    assert forbidden.status_code == 403 and "editor role" in forbidden.json()["detail"]
    assert client.get("/health").json() == before  # refused requests changed nothing

    done = client.delete(f"/documents/{target}", headers={"Authorization": f"Bearer {editor}"})
    assert done.status_code == 200 and done.json()["by"] == "ed"
    assert done.json()["version"] != before["version"] and done.json()["documents"] == before["documents"] - 1
    assert client.get(f"/documents/{target}").status_code == 404
    hits = client.get("/search", params={"q": "helicopter intubation flight nurses", "k": 10}).json()
    assert target not in {h["doc_id"] for h in hits}

    unknown = client.delete("/documents/PMID:1", headers={"Authorization": f"Bearer {editor}"})
    assert unknown.status_code == 404 and "not in the index: PMID:1" in unknown.json()["detail"]


def test_clinician_routes_accept_a_valid_token_and_refuse_a_bad_one(editor_client) -> None:
    client, editor, clinician = editor_client
    ok = client.get("/search", params={"q": "naloxone"}, headers={"Authorization": f"Bearer {clinician}"})
    assert ok.status_code == 200
    bad = client.get("/search", params={"q": "naloxone"}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
