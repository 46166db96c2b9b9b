"""Builds the long-lived services from settings, once, for the CLI and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from index.embedding import SentenceTransformerEmbedder
from index.search import Searcher
from medcite.settings import Settings
from qa.conversations import ConversationStore
from qa.reviews import ReviewStore


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(
        settings.resolved_model_path(), settings.model_name, batch_size=settings.embed_batch_size, device=settings.device
    )


def open_searcher(settings: Settings, embedder: SentenceTransformerEmbedder | None = None) -> Searcher:
    return Searcher.open(settings, embedder or load_embedder(settings))


def purge(settings: Settings, reviews: ReviewStore, conversations: ConversationStore) -> tuple[int, int]:
    """Apply the retention period: (answers, conversations) deleted. Untouched answers and idle
    conversations older than `review.retention_days` go; approved answers and editors' audit stay."""
    cutoff = datetime.now(UTC) - timedelta(days=settings.review.retention_days)
    answers = reviews.purge(cutoff.isoformat(timespec="seconds"))
    return answers, conversations.purge(cutoff.isoformat(timespec="milliseconds"))
