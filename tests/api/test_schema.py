"""Property-based requests generated from /openapi.json (schemathesis): no input may produce a 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app


def test_no_generated_request_gets_a_server_error(client) -> None:
    # The session's TestClient has run the lifespan, so the app's services are loaded.
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_5xx(case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, case.body, case.query, response.text[:300])

        no_5xx()
        checked.append(operation.label)
    assert len(checked) >= 6, checked


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
