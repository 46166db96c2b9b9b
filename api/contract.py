"""The OpenAPI schema as the one statement of what this app accepts and returns.

Routes declare their constraints where FastAPI can state them (pydantic fields, Query(...), Literal enums). What
hangs on the settings of the running app is written into the schema here, from the settings the app was created
with, so the schema a client reads is the one the server enforces: the question's length, the largest k, whether
a clinician's operation needs a token (open access). Also here: the error body every error status documents
(api.errors.responses), and the links from an answer to the review steps that take its id and version.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException

from api.errors import ErrorOut
from core.settings import Settings


def check_length(text: str, settings: Settings) -> str:
    """The question's length as sent, against the server's limit (the search counts it stripped, so a question
    padded with spaces past the limit would otherwise pass where the schema says it may not)."""
    if len(text) > settings.max_query_chars:
        raise HTTPException(422, f"the question is {len(text)} characters; the limit is {settings.max_query_chars}")
    return text


def _question_limits(schema: dict[str, Any], settings: Settings) -> None:
    components = schema.get("components", {}).get("schemas", {})
    for name in ("AskRequest",):
        question = components.get(name, {}).get("properties", {}).get("question")
        if question is not None:
            question["maxLength"] = min(question.get("maxLength", settings.max_query_chars), settings.max_query_chars)
    search = schema.get("paths", {}).get("/search", {}).get("get", {})
    for parameter in search.get("parameters", []):
        bound = parameter.get("schema", {})
        if parameter.get("in") == "query" and parameter["name"] == "q":
            bound["maxLength"] = min(bound.get("maxLength", settings.max_query_chars), settings.max_query_chars)
        if parameter.get("in") == "query" and parameter["name"] == "k":
            bound["maximum"] = min(bound.get("maximum", settings.max_k), settings.max_k)


# Stateful fuzzing follows these links: an answer as any operation returns it names the id and the version the
# next change must be made against (a stale version is a 409), so a review can be walked claim → judge → decide.
ANSWER_SOURCES = [
    ("/ask", "post"),
    ("/answers/{answer_id}", "get"),
    ("/answers/{answer_id}/claim", "post"),
    ("/answers/{answer_id}/release", "post"),
    ("/answers/{answer_id}/judgments", "post"),
    ("/answers/{answer_id}/evidence", "post"),
    ("/answers/{answer_id}/statements/place", "post"),
    ("/answers/{answer_id}/statements/remove", "post"),
    ("/answers/{answer_id}/approve", "post"),
    ("/answers/{answer_id}/reject", "post"),
]
_THIS_ANSWER = {"path.answer_id": "$response.body#/answer_id"}
_ITS_VERSION = {"version": "$response.body#/review/version"}
ANSWER_LINKS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "Read": ("/answers/{answer_id}", "get", None),
    "History": ("/answers/{answer_id}/history", "get", None),
    "Claim": ("/answers/{answer_id}/claim", "post", _ITS_VERSION),
    "Release": ("/answers/{answer_id}/release", "post", _ITS_VERSION),
    "Judge": ("/answers/{answer_id}/judgments", "post", _ITS_VERSION),
    "Pin": ("/answers/{answer_id}/evidence", "post", _ITS_VERSION),
    "PlaceStatement": ("/answers/{answer_id}/statements/place", "post", _ITS_VERSION),
    "RemoveStatement": ("/answers/{answer_id}/statements/remove", "post", _ITS_VERSION),
    "Approve": ("/answers/{answer_id}/approve", "post", _ITS_VERSION),
    "Reject": ("/answers/{answer_id}/reject", "post", _ITS_VERSION),
}


def _links(schema: dict[str, Any]) -> None:
    paths = schema.get("paths", {})

    def operation(path: str, method: str) -> dict[str, Any] | None:
        return paths.get(path, {}).get(method)

    for path, method in ANSWER_SOURCES:
        source = operation(path, method)
        ok = source and source.get("responses", {}).get("200")
        if not ok:
            continue
        links = ok.setdefault("links", {})
        for name, (target_path, target_method, body) in ANSWER_LINKS.items():
            target = operation(target_path, target_method)
            if target is None or "operationId" not in target:
                continue
            links[name] = {"operationId": target["operationId"], "parameters": dict(_THIS_ANSWER)}
            if body is not None:
                links[name]["requestBody"] = dict(body)
    ask, conversation = operation("/ask", "post"), operation("/conversations/{conversation_id}", "get")
    if ask and conversation and "200" in ask.get("responses", {}):
        ask["responses"]["200"].setdefault("links", {})["Conversation"] = {
            "operationId": conversation["operationId"],
            "parameters": {"path.conversation_id": "$response.body#/conversation_id"},
        }


def _open_access(schema: dict[str, Any], settings: Settings) -> None:
    """Under open access a clinician's operation needs no token (one sent is still checked): its security
    requirement becomes optional, `[{}, {"bearer": ["clinician"]}]`."""
    if not settings.api.open_access:
        return
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if operation.get("security") == [{"bearer": ["clinician"]}]:
                operation["security"] = [{}, *operation["security"]]


def install(app: FastAPI, settings: Settings) -> None:
    """Build the schema once, as FastAPI does, then complete it with this app's settings."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ErrorOut.model_json_schema()
            _question_limits(schema, settings)
            _links(schema)
            _open_access(schema, settings)
        built = app.openapi_schema
        assert built is not None  # FastAPI.openapi keeps the schema it builds in app.openapi_schema
        return built

    app.openapi = openapi  # type: ignore[method-assign]
