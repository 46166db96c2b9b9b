"""The retention period, applied: by `medcite purge` and hourly by the server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.services import open_stores
from core.settings import Settings
from qa.conversations import ConversationStore
from review.store import ReviewStore


def purge(settings: Settings, reviews: ReviewStore, conversations: ConversationStore) -> tuple[int, int]:
    """Apply the retention period: (answers, conversations) deleted. Untouched answers and idle
    conversations older than `review.retention_days` go; approved answers and editors' audit stay.
    Each store's cutoff is written in the precision its timestamps are stored in."""
    cutoff = datetime.now(UTC) - timedelta(days=settings.review.retention_days)
    answers = reviews.purge(cutoff.isoformat(timespec="seconds"))
    return answers, conversations.purge(cutoff.isoformat(timespec="milliseconds"))


def purge_stored(settings: Settings) -> tuple[int, int]:
    """The purge on the stores in the state dir, opened for it and closed after."""
    conversations, reviews = open_stores(settings)
    try:
        return purge(settings, reviews, conversations)
    finally:
        reviews.close()
        conversations.close()
