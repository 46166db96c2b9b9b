"""FastAPI application: services loaded once at startup and handed to routes as dependencies.

The clinician page arrives with the API issue; for now `/` says what is indexed and `/health`
reports the index version.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from index.layout import IndexLayout
from medcite.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        yield

    app = FastAPI(title="medcite", lifespan=lifespan)

    @app.get("/health")
    def health(request: Request) -> dict:
        manifest = IndexLayout(request.app.state.settings.index_dir).current_manifest()
        if manifest is None:
            return {"status": "no index", "version": None}
        return {"status": "ok", "version": manifest.version, "documents": manifest.documents, "chunks": manifest.chunks}

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> str:
        manifest = IndexLayout(request.app.state.settings.index_dir).current_manifest()
        status = (
            f"Index {escape(manifest.version)}: {manifest.documents} documents, {manifest.chunks} passages."
            if manifest
            else "No index yet: run <code>medcite ingest</code>."
        )
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>medcite</title></head>"
            "<body><h1>medcite</h1><p>Answers for clinicians from clinical guidelines and research.</p>"
            f"<p>{status}</p><p>Search from the command line for now: <code>medcite search \"question\"</code>.</p>"
            "</body></html>"
        )

    return app
