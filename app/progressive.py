"""A first run that serves in minutes: the index is built progressively beside the server.

`medcite serve --ingest` (what `make run` does) starts a progressive ingest in a background thread
and serves as soon as a version is in service: keyword search first, chunk and sentence vectors as
they are ready, each published as a new version that the next request picks up (app/services.py).
The build writes only into its own build dir and switches CURRENT atomically, so stopping the server
at any moment leaves the last published version in service; the next start resumes, re-embedding
nothing the cache holds, and an unchanged corpus is a no-op.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from app.documents import ingest
from core.errors import Unavailable
from core.settings import Settings
from index.build import BuildReport
from index.embedding import Embedder
from index.layout import IndexLayout
from index.progress import read_progress

log = logging.getLogger("medcite.ingest")


@dataclass
class BackgroundIngest:
    thread: threading.Thread
    report: BuildReport | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


def start(settings: Settings, embedder: Callable[[], Embedder]) -> BackgroundIngest:
    """A progressive ingest in a daemon thread (it stops with the server; the next start resumes it)."""

    def run() -> None:
        try:
            job.report = ingest(settings, embedder, show_progress=False, progressive=True)
            if not job.report.unchanged:
                log.info(
                    "index %s published (%d chunks; %d chunks and %d sentences embedded, %.0f s)",
                    job.report.version,
                    job.report.chunks,
                    job.report.embedded,
                    job.report.embedded_sentences,
                    job.report.seconds,
                )
        except BaseException as exc:  # noqa: BLE001 - reported to whoever waits, and logged
            job.error = exc
            log.exception("index build failed; the version in service (if any) stays")
        finally:
            job.done.set()

    job = BackgroundIngest(threading.Thread(target=run, name="medcite-ingest", daemon=True))
    job.thread.start()
    return job


def wait_for_index(settings: Settings, job: BackgroundIngest, poll_s: float = 0.2) -> None:
    """Return once a version is in service; raise the build's error if it fails before publishing one."""
    layout = IndexLayout(settings.index_dir)
    while layout.current_dir() is None:
        if job.done.wait(poll_s) and layout.current_dir() is None:
            raise job.error or Unavailable("the index build ended without publishing a version")


def index_state(settings: Settings, version: str, vectors: str) -> dict:
    """What /health and the page say about the index: the version in service, how far its vectors go,
    and the running (or last) build's progress."""
    progress = read_progress(IndexLayout(settings.index_dir).progress_file)
    if progress is not None:
        total = progress.get("total") or 0
        progress["percent"] = round(100 * progress.get("done", 0) / total) if total else 0
    return {"version": version, "vectors": vectors, "progress": progress}


SEARCH_NOW = {
    "pending": "answers use keyword search only",
    "chunks": "answers match statements to the question by their words only",
}


def notice(state: dict) -> str | None:
    """The page's line while the version in service lacks vectors; None once it is complete."""
    if state["vectors"] not in SEARCH_NOW:
        return None
    progress = state.get("progress") or {}
    line = f"Still preparing the full index: {SEARCH_NOW[state['vectors']]}"
    if progress.get("running"):
        return f"{line} ({progress['percent']}% done)."
    return f"{line}. The build stopped at {progress.get('percent', 0)}%: `make run` or `medcite ingest` finishes it."
