"""FastAPI application: services loaded once at startup (lifespan) and handed to routes as dependencies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import errors
from api.auth import TokenStore
from api.deps import Services, ServicesDep
from api.limits import BodyLimit
from api.routes import answers, editor, pages, passages, review
from api.schemas import Health
from index.embedding import Embedder
from medcite.settings import Settings
from qa.conversations import ConversationStore
from qa.reviews import ReviewStore

log = logging.getLogger("medcite.api")
PURGE_EVERY_S = 3600


async def _apply_retention(services: Services) -> None:
    """The retention purge at start, then hourly: storage stays bounded however many questions arrive."""
    from medcite.services import purge

    while True:
        try:
            answers, conversations = await asyncio.to_thread(purge, services.settings, services.reviews, services.conversations)
            if answers or conversations:
                log.info("retention: deleted %d unreviewed answers and %d idle conversations", answers, conversations)
        except Exception:  # noqa: BLE001 - a failed purge is retried next hour; serving goes on
            log.exception("retention purge failed")
        await asyncio.sleep(PURGE_EVERY_S)


def create_app(settings: Settings, embedder: Embedder | None = None) -> FastAPI:
    """`embedder` lets tests share one loaded model; otherwise the configured model is loaded at startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from index.maintenance import recover_uploads
        from medcite.services import load_embedder

        recovered = recover_uploads(settings, wait=False)  # uploads a killed server left unacknowledged
        if recovered and any(recovered):
            log.warning("uploads settled at start: listed %s, removed %s", *recovered)
        conversations = ConversationStore(settings.state_dir / "conversations.sqlite")
        reviews = ReviewStore(settings.state_dir / "reviews.sqlite")
        services = Services(settings, embedder or load_embedder(settings), conversations, reviews)
        services.searcher()  # fail at startup, not on the first question, when there is no index
        app.state.services = services
        app.state.tokens = TokenStore(settings.state_dir / "tokens.json")
        app.state.open_access = settings.api.open_access
        retention = asyncio.create_task(_apply_retention(services))
        try:
            yield
        finally:
            retention.cancel()
            conversations.close()
            reviews.close()

    app = FastAPI(
        title="medcite",
        version="0.1.0",
        description="Answers for clinicians quoted from clinical guidelines and research, every sentence referenced.",
        lifespan=lifespan,
    )
    errors.install(app)
    app.add_middleware(BodyLimit)
    app.include_router(answers.router)
    app.include_router(passages.router)
    app.include_router(editor.router)
    app.include_router(review.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")

    @app.get("/health", response_model=Health, tags=["service"])
    def health(services: ServicesDep) -> Health:
        m = services.searcher().manifest
        return Health(status="ok", version=m.version, model=m.model_name, documents=m.documents, chunks=m.chunks, sources=m.sources)

    return app
