"""Bearer-token auth: the token file, the FastAPI dependencies and `medcite token …`, on real files."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.auth import MISSING, Clinician, Editor, TokenStore
from medcite.cli.tokens import tokens_app


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "state" / "tokens.json")


def test_create_verify_list_revoke(store: TokenStore) -> None:
    assert store.list() == [] and store.verify("mc_anything") is None  # no file yet = no tokens
    assert (token := store.create("dr.ada@example.org", "clinician")).startswith("mc_") and len(token) > 40
    assert (info := store.verify(token)) and (info.name, info.role) == ("dr.ada@example.org", "clinician")
    assert store.verify(token + "x") is None and store.verify("") is None
    store.create("ed", "editor")
    assert [(t.name, t.role) for t in store.list()] == [("dr.ada@example.org", "clinician"), ("ed", "editor")]
    assert store.revoke("dr.ada@example.org") is True and store.verify(token) is None
    assert store.revoke("dr.ada@example.org") is False


def test_file_keeps_only_hashes_and_is_private(store: TokenStore) -> None:
    token = store.create("ada", "editor")
    raw = store.path.read_bytes()
    assert token.encode() not in raw and token[3:].encode() not in raw
    assert [(set(e), len(e["sha256"])) for e in json.loads(raw)] == [({"name", "role", "sha256", "created_at"}, 64)]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert [p.name for p in store.path.parent.iterdir()] == ["tokens.json"]  # no temp file left behind


def test_invalid_duplicate_and_bad_role_rejected(store: TokenStore) -> None:
    for name in ["", "has space", "a/b", "x" * 65, "ünïcode"]:
        with pytest.raises(ValueError, match="invalid token name"):
            store.create(name, "clinician")
    store.create("ada", "clinician")
    with pytest.raises(ValueError, match="already exists"):
        store.create("ada", "editor")
    with pytest.raises(ValueError, match="invalid role"):
        store.create("bob", "admin")  # type: ignore[arg-type]


def test_second_instance_sees_changes(store: TokenStore) -> None:
    server = TokenStore(store.path)  # as the running server holds its own instance
    assert server.list() == []
    assert server.verify(token := store.create("ada", "clinician")) is not None  # a new file: reloaded
    assert store.revoke("ada") and server.verify(token) is None
    assert store.verify(server.create("bob", "editor")) is not None  # and the other way round


@pytest.fixture
def client(store: TokenStore) -> TestClient:
    app = FastAPI()
    app.state.tokens = store
    app.state.open_access = False

    @app.get("/ask")
    def ask(who: Clinician) -> dict:
        return {"name": who.name, "role": who.role}

    @app.get("/review")
    def review(who: Editor) -> dict:
        return {"name": who.name, "role": who.role}

    return TestClient(app)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_open_access_admits_anonymous_clinicians_only(client: TestClient, store: TokenStore) -> None:
    client.app.state.open_access = True
    assert client.get("/ask").json() == {"name": "anonymous", "role": "clinician"}
    assert client.get("/review").status_code == 401
    assert client.get("/ask", headers=bearer("mc_wrong")).status_code == 401  # a token sent is still checked
    assert client.get("/ask", headers={"Authorization": "Basic x"}).status_code == 401


@pytest.mark.parametrize("header", [None, "Basic x", "Bearer", "Bearer ", "Token abc", "Bearer a b", ""])
def test_missing_or_malformed_header_without_open_access(client: TestClient, header: str | None) -> None:
    response = client.get("/ask", headers={} if header is None else {"Authorization": header})
    assert response.status_code == 401 and response.json()["detail"] == MISSING
    assert response.headers["WWW-Authenticate"] == "Bearer" and "medcite token create" in MISSING


def test_bad_and_revoked_tokens(client: TestClient, store: TokenStore) -> None:
    response = client.get("/ask", headers=bearer("mc_not-a-real-token"))
    assert response.status_code == 401 and response.json()["detail"] == "invalid or revoked token"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    token = store.create("ada", "clinician")
    assert client.get("/ask", headers=bearer(token)).status_code == 200
    assert store.revoke("ada") and client.get("/ask", headers=bearer(token)).status_code == 401


def test_roles(client: TestClient, store: TokenStore) -> None:
    clin, ed = store.create("ada", "clinician"), store.create("eve", "editor")
    assert client.get("/ask", headers=bearer(clin)).json() == {"name": "ada", "role": "clinician"}
    denied = client.get("/review", headers=bearer(clin))
    assert (
        denied.status_code == 403
        and denied.json()["detail"] == "this needs the editor role; your token 'ada' has the clinician role"
    )
    for path in ("/ask", "/review"):  # the scheme is case-insensitive (RFC 9110)
        assert client.get(path, headers={"Authorization": f"bearer {ed}"}).json() == {"name": "eve", "role": "editor"}


@pytest.fixture
def cli(tmp_path: Path):  # global flags live on each invocation's click context: nothing leaks between tests
    app = typer.Typer()
    app.add_typer(tokens_app, name="token")
    env = {"MEDCITE_STATE_DIR": str(tmp_path / "state")}
    return lambda *args: CliRunner().invoke(app, ["token", *args], env=env)


def test_cli_create_list_revoke(cli, tmp_path: Path) -> None:
    created = cli("create", "ada", "--role", "editor")
    assert created.exit_code == 0, created.output
    assert (token := created.stdout.strip()).startswith("mc_") and "\n" not in token  # stdout holds just the token
    assert "store it now: only its hash is kept" in created.stderr
    assert TokenStore(tmp_path / "state" / "tokens.json").verify(token).role == "editor"
    assert cli("create", "bob").exit_code == 0  # clinician by default
    listed = cli("list")
    assert listed.exit_code == 0 and token not in listed.output
    assert [line.split()[:2] for line in listed.output.splitlines()] == [["ada", "editor"], ["bob", "clinician"]]
    assert cli("revoke", "ada").exit_code == 0 and "ada" not in cli("list").output


CLI_ERRORS = [
    (("create", "ada"), "already exists"),
    (("create", "bob", "--role", "admin"), "unknown role"),
    (("create", "bad name"), "invalid token name"),
    (("revoke", "nobody"), "no token named"),
]


@pytest.mark.parametrize(("args", "message"), CLI_ERRORS)
def test_cli_errors(cli, args: tuple[str, ...], message: str) -> None:
    assert "no tokens" in cli("list").output and cli("create", "ada").exit_code == 0
    result = cli(*args)
    assert result.exit_code != 0 and result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
