"""The long-lived services every use case needs, built once from settings for the CLI and the API.

The searcher follows the published index: when `medcite ingest` (or an upload) switches the
CURRENT version, the next request opens the new one; requests in flight keep the old one. Within
`one_version()` (the API wraps every request in it) every call gets the searcher the first call got,
so a request that reads the index twice (an answer and its version, health and its counts) never
mixes two versions; with several server processes each follows CURRENT the same way on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from core.settings import Settings
from index.embedding import Embedder, SentenceTransformerEmbedder
from index.layout import IndexLayout
from index.search import Searcher
from qa.conversations import ConversationStore
from qa.service import AnswerService
from review.store import ReviewStore

# Per request: Services (by id) → the searcher its first call returned. A dict, not the searcher itself, so
# the worker thread a sync route runs in (a copy of the request's context) fills the request's own pin.
_pinned: ContextVar[dict[int, Searcher] | None] = ContextVar("medcite_pinned_searcher", default=None)


@contextmanager
def one_version() -> Iterator[dict[int, Searcher]]:
    """Every `Services.searcher()` inside gives the same version; yields the pins (empty until a first call)."""
    pins: dict[int, Searcher] = {}
    token = _pinned.set(pins)
    try:
        yield pins
    finally:
        _pinned.reset(token)


def limit_threads(threads: int) -> None:
    """This process's torch threads; onnxruntime's session takes `threads` when it is made (index/embedding.py),
    FAISS's single queries keep `dense.query_threads` and BLAS `query_blas_threads` (both set by the searcher)."""
    import torch

    torch.set_num_threads(threads)


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    # On the configured backend from the start: an onnx-int8 setup never loads the torch model it does not use
    # (a searcher still switches to the backend its index was built with, index/search.py).
    if settings.threads:
        limit_threads(settings.threads)
    return SentenceTransformerEmbedder(
        settings.resolved_model_path(),
        settings.model_name,
        batch_size=settings.embed_batch_size,
        device=settings.device,
        backend=settings.embedding_backend,
        cache_dir=settings.export_root,
        query_runtime=settings.query_embedding,
        threads=settings.threads,
    )


def open_searcher(settings: Settings, embedder: Embedder | None = None) -> Searcher:
    return Searcher.open(settings, embedder or load_embedder(settings))


@dataclass
class Services:
    settings: Settings
    embedder: Embedder
    conversations: ConversationStore
    reviews: ReviewStore
    _searcher: Searcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def searcher(self) -> Searcher:
        pins = _pinned.get()
        if pins is not None and id(self) in pins:
            return pins[id(self)]
        searcher = self._current()
        if pins is not None:
            pins[id(self)] = searcher
        return searcher

    def _current(self) -> Searcher:
        current = IndexLayout(self.settings.index_dir).current_dir()
        searcher = self._searcher
        if searcher is None or current != searcher.directory:
            with self._lock:
                if self._searcher is None or current != self._searcher.directory:
                    self._searcher = Searcher.open(self.settings, self.embedder)
                searcher = self._searcher
        return searcher

    def index_state(self) -> dict:
        """The version in service, how far its vectors go and the build's progress (app/progressive.py)."""
        from app.progressive import index_state

        manifest = self.searcher().manifest
        return index_state(self.settings, manifest.version, manifest.vectors)

    def answers(self) -> AnswerService:
        return AnswerService(self.searcher(), self.conversations, self.settings)

    def close(self) -> None:
        self.conversations.close()
        self.reviews.close()


def open_stores(settings: Settings) -> tuple[ConversationStore, ReviewStore]:
    conversations = ConversationStore(settings.state_dir / "conversations.sqlite")
    try:
        return conversations, ReviewStore(settings.state_dir / "reviews.sqlite")
    except BaseException:
        conversations.close()
        raise


def open_services(settings: Settings, embedder: Embedder | None = None) -> Services:
    """Stores opened and the index checked: a missing index fails here, not on the first question."""
    services = Services(settings, embedder or load_embedder(settings), *open_stores(settings))
    try:
        services.searcher()
    except BaseException:
        services.close()
        raise
    return services
