"""Request bodies: a guarded upload's token and size are checked before its body is read; every body is capped;
malformed input gets a short 422, never a 5xx or an echo of the input."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.limits import JSON_LIMIT, UPLOAD_LIMIT
from tests.api.conftest import serve

CHUNK = 1024 * 1024
BIG = 30 * CHUNK  # over the 25 MB upload cap


class ReadCounter:
    """Wraps the app to count the body bytes it pulled from the server: what it never read, it never spooled to disk.
    (Spooled uploads are unnamed O_TMPFILE files on Linux, so a directory listing could not show them.)"""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app, self.read = app, 0

    def __getattr__(self, name: str):  # noqa: ANN204 - `state` etc. of the wrapped app
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        async def counted():  # noqa: ANN202
            message = await receive()
            self.read += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


@pytest.fixture()
def guarded(api_settings, embedder, tmp_path: Path):
    shutil.copytree(api_settings.index_dir, tmp_path / "index", ignore=shutil.ignore_patterns("cache"))
    settings = api_settings.model_copy(update={"index_dir": tmp_path / "index", "state_dir": tmp_path / "state"})
    app = ReadCounter(create_app(settings, embedder))
    with serve(app) as url:
        token = app.app.state.tokens.create("ed", "editor")
        clinician = app.app.state.tokens.create("cli", "clinician")
        yield url, app, token, clinician, settings.state_dir / "uploads"


def _stream(total: int = BIG):  # noqa: ANN202 - chunked: no Content-Length to trust
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.md"\r\nContent-Type: text/markdown\r\n\r\n'
    yield head
    for _ in range(total // CHUNK):
        yield b"a" * CHUNK


def _post(url: str, token: str | None, **headers: str) -> httpx.Response:
    headers = {"content-type": "multipart/form-data; boundary=b", **headers}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return httpx.post(f"{url}/documents", content=_stream(), headers=headers, timeout=60)


def test_an_upload_without_an_editor_token_is_refused_before_its_body_is_read(guarded) -> None:
    url, app, editor, clinician, uploads = guarded
    missing = _post(url, None)
    assert missing.status_code == 401 and "missing bearer token" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    assert _post(url, "mc_not-a-token").status_code == 401
    forbidden = _post(url, clinician)
    assert forbidden.status_code == 403 and "editor role" in forbidden.json()["detail"]
    assert app.read < CHUNK, f"the app read {app.read} bytes of bodies it refused"
    assert not uploads.exists() or not list(uploads.iterdir())


def test_an_editor_upload_over_the_cap_gets_413(guarded) -> None:
    url, app, editor, _, uploads = guarded
    declared = _post(url, editor, **{"content-length": str(BIG + 100)})  # refused from the header alone
    assert declared.status_code == 413 and "too large" in declared.json()["detail"]
    assert app.read == 0
    streamed = _post(url, editor)  # no Content-Length: refused once the count passes the cap
    assert streamed.status_code == 413 and "too large" in streamed.json()["detail"]
    assert app.read <= UPLOAD_LIMIT + CHUNK
    assert not uploads.exists() or not list(uploads.iterdir())
    assert httpx.get(f"{url}/health").status_code == 200  # the server goes on serving


def test_json_bodies_are_capped(client) -> None:
    response = client.post(
        "/ask", content=b'{"question": "' + b"x" * JSON_LIMIT + b'"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "too large" in response.json()["detail"]


def test_malformed_unicode_gets_a_short_422(client) -> None:
    response = client.post("/ask", content=b'{"question": "\\ud800 naloxone"}', headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "question" in detail and len(response.content) < 500


def test_a_huge_invalid_field_is_not_echoed(client) -> None:
    response = client.post("/ask", json={"question": "x" * 1_000_000})
    assert response.status_code == 422
    assert len(response.content) < 2048 and "xxxxxxxxxx" not in response.text
    assert response.json() == {"detail": "body.question: String should have at most 20000 characters"}
