"""The long-lived services every use case needs, built once from settings for the CLI and the API.

The searcher follows the published index: when `medcite ingest` (or an upload) switches the
CURRENT version, the next request opens the new one; requests in flight keep the old one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from core.settings import Settings
from index.embedding import Embedder, SentenceTransformerEmbedder
from index.layout import IndexLayout
from index.search import Searcher
from qa.conversations import ConversationStore
from qa.service import AnswerService
from review.store import ReviewStore


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(
        settings.resolved_model_path(), settings.model_name, batch_size=settings.embed_batch_size, device=settings.device
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
