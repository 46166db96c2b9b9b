"""Builds the long-lived services from settings, once, for the CLI and the API."""

from __future__ import annotations

from index.embedding import SentenceTransformerEmbedder
from index.search import Searcher
from medcite.settings import Settings
from qa.conversations import ConversationStore
from qa.service import AnswerService


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(
        settings.resolved_model_path(), settings.model_name, batch_size=settings.embed_batch_size, device=settings.device
    )


def answer_service(settings: Settings) -> AnswerService:
    searcher = open_searcher(settings)
    return AnswerService(searcher, ConversationStore(settings.state_dir / "conversations.sqlite"), settings)


def open_searcher(settings: Settings, embedder: SentenceTransformerEmbedder | None = None) -> Searcher:
    return Searcher.open(settings, embedder or load_embedder(settings))
