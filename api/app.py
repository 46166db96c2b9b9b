"""FastAPI application: services loaded once at startup (lifespan) and handed to routes as dependencies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import contract, errors
from api.auth import TokenStore
from api.deps import Services, ServicesDep
from api.health import HealthOut
from api.limits import BodyLimit
from api.routes import answers, editor, pages, passages, review, tables
from api.versioning import OneVersionPerRequest
from app.documents import recover_uploads
from app.retention import purge
from app.services import open_services
from core.settings import Settings
from index.embedding import Embedder

log = logging.getLogger("medcite.api")
PURGE_EVERY_S = 3600


async def _apply_retention(services: Services) -> None:
    """The retention purge at start, then hourly: storage stays bounded however many questions arrive."""
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
        recovered = recover_uploads(settings, wait=False)  # uploads a killed server left unacknowledged
        if recovered and any(recovered):
            log.warning("uploads settled at start: listed %s, removed %s", *recovered)
        services = open_services(settings, embedder)  # fails at startup, not on the first question, when there is no index
        app.state.services = services
        app.state.tokens = TokenStore(settings.state_dir / "tokens.json")
        app.state.open_access = settings.api.open_access
        retention = asyncio.create_task(_apply_retention(services))
        try:
            yield
        finally:
            retention.cancel()
            services.close()

    app = FastAPI(
        title="medcite",
        version="0.1.0",
        description="Answers for clinicians quoted from clinical guidelines and research, every sentence referenced.",
        lifespan=lifespan,
    )
    errors.install(app)
    contract.install(app, settings)  # the schema states this app's own limits
    app.add_middleware(BodyLimit)
    app.add_middleware(OneVersionPerRequest)  # outermost: the whole request, routes and errors alike, on one version
    app.include_router(answers.router)
    app.include_router(passages.router)
    app.include_router(tables.router)
    app.include_router(editor.router)
    app.include_router(review.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")

    @app.get("/health", response_model=HealthOut, tags=["service"], responses=errors.responses(400, 413))
    def health(services: ServicesDep) -> HealthOut:
        m = services.searcher().manifest
        return HealthOut(
            status="ok",
            version=m.version,
            model=m.model_name,
            embedding_backend=m.embedding_backend,
            documents=m.documents,
            chunks=m.chunks,
            sources=m.sources,
            index=services.index_state(),  # vectors still being built after a first run: which, and how far
        )

    return app
