"""Request bodies are bounded, and a guarded route's token checked, before the app reads a byte.

FastAPI parses a route's body (spooling multipart files to disk) before its dependencies run, so a
token dependency alone would let anyone make the server read and store an arbitrarily large upload.
"""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import Role, authenticate
from ingest.uploads import MAX_BYTES

JSON_LIMIT = 1024 * 1024
UPLOAD_LIMIT = MAX_BYTES + 256 * 1024  # the file plus the multipart envelope and the small form fields
# (method, path) → the role its token must hold and its body limit; every other request gets JSON_LIMIT
GUARDED: dict[tuple[str, str], tuple[Role, int]] = {("POST", "/documents"): ("editor", UPLOAD_LIMIT)}


class TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {_size(limit)}")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.2f} MB"


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        role, limit = GUARDED.get((scope["method"], scope["path"].rstrip("/") or "/"), (None, JSON_LIMIT))
        try:
            if role is not None:
                authenticate(scope["app"].state.tokens, headers.get("authorization"), role)
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                raise TooLarge(limit)
        except HTTPException as exc:
            return await _refuse(exc, scope, send)

        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # no or a wrong Content-Length: count what actually arrives
                    raise TooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge as exc:  # raised where nothing turned it into a response already
            if started:
                raise
            await _refuse(exc, scope, send)


async def _refuse(exc: HTTPException, scope: Scope, send: Send) -> None:
    # The body is left unread; the server discards it (and closes the connection) after this response.
    response = JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
