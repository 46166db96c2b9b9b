"""Property-based requests generated from /openapi.json (schemathesis): no 5xx, every response as documented."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from api.app import create_app


@pytest.fixture()
def own_app(api_settings, embedder, tmp_path: Path):
    """The app on a copy of the index: generated editor requests may upload or remove documents."""
    shutil.copytree(api_settings.index_dir, tmp_path / "index")
    settings = api_settings.model_copy(update={"index_dir": tmp_path / "index", "state_dir": tmp_path / "state"})
    with TestClient(create_app(settings, embedder)) as client:
        yield client.app, client.app.state.tokens.create("fuzz", "editor")


def test_generated_requests_get_no_server_error_and_match_the_schema(own_app) -> None:
    """Every operation, with an editor token (so guarded routes are reached too): no 5xx, and each response's
    status, content type and body as /openapi.json documents them."""
    app, token = own_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def conforms(case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

        conforms()
        checked.append(operation.label)
    assert len(checked) >= 15, checked


def test_the_app_factory_builds_an_openapi_schema(api_settings) -> None:
    paths = create_app(api_settings).openapi()["paths"]
    assert {"/ask", "/search", "/chunks/{chunk_id}", "/documents/{doc_id}", "/conversations/{conversation_id}", "/health"} <= set(paths)


def test_the_schema_documents_the_error_responses(api_settings) -> None:
    schema = create_app(api_settings).openapi()
    upload = schema["paths"]["/documents"]["post"]["responses"]
    assert {"401", "403", "409", "413", "422"} <= set(upload)
    claim = schema["paths"]["/answers/{answer_id}/claim"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(claim)
    assert claim["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert schema["components"]["schemas"]["ErrorOut"]["properties"]["detail"]["type"] == "string"
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # our 422 body replaces FastAPI's
