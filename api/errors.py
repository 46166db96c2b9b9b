"""Domain errors → HTTP status and a readable reason; never a stack trace to the client."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from core.errors import Conflict, Invalid, NotFound, Unavailable

log = logging.getLogger("medcite.api")


# Domain error kind → HTTP status; the message is the reason given to the client. Every layer's
# errors subclass one of these kinds (core.errors), so no route catches and translates its own.
STATUS: dict[type[Exception], int] = {NotFound: 404, Invalid: 422, Conflict: 409, Unavailable: 503}


class ErrorOut(BaseModel):
    detail: str


_MEANING = {
    401: "Missing, wrong or revoked bearer token", 403: "The token's role may not do this",
    404: "No such item", 409: "Conflicts with the current state (stale version, claimed, duplicate)",
    413: "Request body too large", 422: "Malformed or out-of-range input", 503: "No index yet",
}


def responses(*codes: int) -> dict[int | str, dict]:
    """OpenAPI entries for the error statuses a route really gives, all shaped `{"detail": str}`."""
    return {code: {"model": ErrorOut, "description": _MEANING[code]} for code in codes}


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


def error(status: int, detail: object, headers: dict[str, str] | None = None) -> JSONResponse:
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
        return error(exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)
