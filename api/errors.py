"""Domain errors → HTTP status and a readable reason; never a stack trace to the client."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from core.errors import Conflict, Invalid, NotFound, Unavailable

log = logging.getLogger("medcite.api")


# Domain error kind → HTTP status; the message is the reason given to the client. Every layer's
# errors subclass one of these kinds (core.errors), so no route catches and translates its own.
STATUS: dict[type[Exception], int] = {NotFound: 404, Invalid: 422, Conflict: 409, Unavailable: 503}


class ErrorOut(BaseModel):
    detail: str


_MEANING = {
    400: "Malformed request: a body that cannot be parsed (not UTF-8, a broken multipart form), or, from the HTTP "
    "server itself and as text/plain, a request it cannot read (e.g. a URL and headers over 16 KB)",
    401: "Missing, wrong or revoked bearer token",
    403: "The token's role may not do this",
    404: "No such item",
    409: "Conflicts with the current state (stale version, claimed, duplicate)",
    413: "Request body too large",
    422: "Malformed or out-of-range input",
    503: "No index yet",
}


ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}  # api.contract puts ErrorOut in the components


def responses(*codes: int) -> dict[int | str, dict]:
    """OpenAPI entries for the error statuses a route really gives, all shaped `{"detail": str}` and sent as
    JSON whatever the route's own media type (a 400 from the HTTP server itself is plain text). The content
    is spelled out rather than given as a `model`, which FastAPI would file under the route's media type."""
    entries: dict[int | str, dict] = {}
    for code in codes:
        content: dict[str, dict] = {"application/json": {"schema": ERROR_SCHEMA}}
        if code == 400:
            content["text/plain"] = {"schema": {"type": "string"}}
        entries[code] = {"description": _MEANING[code], "content": content}
    return entries


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def allowed_methods(request: Request) -> set[str]:
    """Every method some route of the app answers at this request's path: a path's methods may sit on several
    routes, in several routers, so each method is tried against the app's own matching (mounts, which answer
    any method themselves, left out)."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    return {
        method
        for method in METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    }


def _clean(text: object, limit: int) -> str:
    # Lone surrogates cannot be encoded as UTF-8: replaced, so rendering the error never fails.
    text = str(text).encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_detail(exc: RequestValidationError, shown: int = 3) -> str:
    """Where and what, for the first few errors; the input itself is never echoed (it may be huge or unencodable)."""
    errors = exc.errors()
    parts = [
        f"{_clean('.'.join(str(p) for p in e.get('loc', ())), 60)}: {_clean(e.get('msg', 'invalid'), 120)}"
        for e in errors[:shown]
    ]
    more = f" (and {len(errors) - shown} more)" if len(errors) > shown else ""
    return "; ".join(parts) + more


def error(status: int, detail: object, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": _clean(detail, 1000)}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        status = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
        return error(status, exc)

    for kind in STATUS:
        app.add_exception_handler(kind, domain_error)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, validation_detail(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        headers = exc.headers
        if exc.status_code == 405 and (methods := allowed_methods(request)):
            # Starlette names only the first route matching the path; the path may have more (GET and DELETE
            # /documents/{doc_id} are two routes), and Allow must list them all.
            headers = {**(headers or {}), "Allow": ", ".join(sorted(methods))}
        return error(exc.status_code, exc.detail, headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)
