"""Services built once at startup and handed to routes as typed dependencies.

The searcher follows the published index: when `medcite ingest` (or an upload) switches the
CURRENT version, the next request opens the new one; requests in flight keep the old one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from index.embedding import Embedder
from index.layout import IndexLayout
from index.search import Searcher
from medcite.settings import Settings
from qa.conversations import ConversationStore
from qa.reviews import ReviewStore
from qa.service import AnswerService


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

    def answers(self) -> AnswerService:
        return AnswerService(self.searcher(), self.conversations, self.settings)


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
