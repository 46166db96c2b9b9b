"""Domain errors → HTTP status and a readable reason; never a stack trace to the client."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from index.build import BuildError
from index.models import IndexNotReady, QueryError
from qa.conversations import UnknownConversation

log = logging.getLogger("medcite.api")


# Domain error → HTTP status; the message is the reason given to the client.
STATUS: dict[type[Exception], int] = {QueryError: 422, UnknownConversation: 404, BuildError: 409, IndexNotReady: 503}


def install(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        status = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
        return JSONResponse({"detail": str(exc)}, status_code=status)

    for kind in STATUS:
        app.add_exception_handler(kind, domain_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)
