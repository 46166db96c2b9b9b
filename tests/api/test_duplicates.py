"""The same file is indexed once: a second upload of the same bytes is refused with 409, storing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

SOURCE = "reference/6_NINDS_QA/0000007"  # a MedQuAD page of the mini corpus
TEXT = b"# Chilblains\n\nChilblains are painful inflamed patches on the skin after exposure to cold, damp air.\n"


@pytest.fixture()
def editor(api_settings, embedder, tmp_path: Path):
    shutil.copytree(api_settings.index_dir, tmp_path / "index", ignore=shutil.ignore_patterns("cache"))
    settings = api_settings.model_copy(update={"index_dir": tmp_path / "index", "state_dir": tmp_path / "state"})
    with TestClient(create_app(settings, embedder)) as client:
        yield client, {"Authorization": f"Bearer {client.app.state.tokens.create('ed', 'editor')}"}, settings


def _upload(client: TestClient, auth: dict, name: str, data: bytes, kind: str = "reference"):  # noqa: ANN202
    return client.post("/documents", headers=auth, data={"kind": kind}, files={"file": (name, data, "text/plain")})


def test_uploading_the_same_file_twice_is_refused(editor) -> None:
    client, auth, settings = editor
    first = _upload(client, auth, "chilblains.md", TEXT)
    assert first.status_code == 201, first.text
    [doc_id] = first.json()["doc_ids"]
    health = client.get("/health").json()

    [stored] = (settings.state_dir / "uploads").iterdir()
    source = f"uploads/{stored.stem}"  # the source id, which DELETE /documents also takes
    assert doc_id.startswith(source)

    again = _upload(client, auth, "renamed.txt", TEXT)  # another name, the same bytes
    assert again.status_code == 409 and f"source {source}" in again.json()["detail"], again.text
    assert client.get("/health").json() == health
    assert list((settings.state_dir / "uploads").iterdir()) == [stored]


def test_uploading_an_indexed_source_is_refused(editor) -> None:
    client, auth, settings = editor
    data = (settings.data_dir / f"{SOURCE}.xml").read_bytes()
    health = client.get("/health").json()
    response = _upload(client, auth, "page.xml", data)
    assert response.status_code == 409 and SOURCE in response.json()["detail"], response.text
    assert client.get("/health").json() == health
    uploads = settings.state_dir / "uploads"
    assert not uploads.exists() or not list(uploads.iterdir())
