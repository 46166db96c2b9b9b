"""One index version per request, named in the response.

Every request runs inside `app.services.one_version()`, so all the index reads of one request (an
answer and the version it reports, /health and its counts) come from the version its first read got,
even when a new version is published meanwhile. The response names that version in `X-Index-Version`
(requests that never read the index carry none), so a client, or a test with several server
processes, can tell which version served it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.services import one_version

HEADER = b"x-index-version"


class OneVersionPerRequest:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with one_version() as pins:

            async def named(message: Message) -> None:
                if message["type"] == "http.response.start" and pins:
                    searcher = next(iter(pins.values()))
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (HEADER, searcher.manifest.version.encode())]
                await send(message)

            await self.app(scope, receive, named)
