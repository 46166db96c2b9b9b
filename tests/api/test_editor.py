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


def test_an_uploaded_file_is_searchable_right_after(editor_client, api_settings) -> None:
    client, editor, clinician = editor_client
    auth = {"Authorization": f"Bearer {editor}"}
    text = (
        "# Frostbite first aid\n\nRewarm frostbitten fingers in warm water at 37 to 39 degrees Celsius for 30 minutes. "
        "Do not rub frostbitten skin with snow, because rubbing damages the frozen tissue further.\n"
    )
    before = client.get("/health").json()
    response = client.post(
        "/documents",
        headers=auth,
        data={"kind": "reference", "title": "Frostbite first aid"},
        files={"file": ("../../etc/passwd.md", text.encode(), "text/markdown")},
    )
    assert response.status_code == 201, response.text
    change = response.json()
    [doc_id] = change["doc_ids"]
    assert doc_id.startswith("uploads/") and "passwd" not in doc_id and ".." not in doc_id
    assert change["documents"] == before["documents"] + 1
    hits = client.get("/search", params={"q": "how to rewarm frostbitten fingers", "k": 1}).json()
    assert hits[0]["doc_id"] == doc_id and hits[0]["title"] == "Frostbite first aid"
    stored = list((client.app.state.services.settings.state_dir / "uploads").iterdir())
    assert [p.name for p in stored] == [doc_id.split("/")[1]]


def test_a_bad_upload_is_refused_and_changes_nothing(editor_client) -> None:
    client, editor, clinician = editor_client
    auth = {"Authorization": f"Bearer {editor}"}
    before = client.get("/health").json()
    cases = [
        (("broken.pdf", b"%PDF-1.7 not really a pdf", "application/pdf"), 422, "not a readable PDF"),
        (("empty.md", b"", "text/markdown"), 422, "empty file"),
        (("latin1.md", "Fièvre élevée chez l'enfant.".encode("latin-1"), "text/markdown"), 422, "not valid UTF-8"),
        (("tool.exe", b"MZ\x90\x00", "application/octet-stream"), 422, "not accepted"),
    ]
    for upload, status, reason in cases:
        response = client.post("/documents", headers=auth, data={"kind": "research"}, files={"file": upload})
        assert response.status_code == status and reason in response.json()["detail"], response.text
    refused = client.post(
        "/documents",
        headers={"Authorization": f"Bearer {clinician}"},
        data={"kind": "research"},
        files={"file": ("a.md", b"# A\n\nA sentence long enough to be indexed here.", "text/markdown")},
    )
    assert refused.status_code == 403
    assert client.get("/health").json() == before
    uploads = client.app.state.services.settings.state_dir / "uploads"
    assert not uploads.exists() or not list(uploads.iterdir())


def test_concurrent_uploads_both_land(editor_client) -> None:
    import threading

    client, editor, _ = editor_client
    auth = {"Authorization": f"Bearer {editor}"}
    texts = {
        "gout": "# Gout\n\nAcute gout flares are treated with colchicine, NSAIDs or corticosteroids as early as possible.\n",
        "scabies": "# Scabies\n\nScabies is treated with permethrin cream applied to the whole body "
        "and washed off after 8 to 14 hours.\n",
    }
    responses: dict[str, int] = {}

    def upload(name: str) -> None:
        response = client.post(
            "/documents",
            headers=auth,
            data={"kind": "reference", "title": name},
            files={"file": (f"{name}.md", texts[name].encode(), "text/markdown")},
        )
        responses[name] = response.status_code

    threads = [threading.Thread(target=upload, args=(name,)) for name in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert responses == {"gout": 201, "scabies": 201}
    titles = {
        h["title"]
        for q in ("colchicine for gout flares", "permethrin for scabies")
        for h in client.get("/search", params={"q": q, "k": 1}).json()
    }
    assert titles == {"gout", "scabies"}
