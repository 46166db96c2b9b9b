"""Text → normalised vectors, behind a narrow interface, with a content-hash cache so nothing is embedded twice."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dimensions), rows L2-normalised."""
        ...


class SentenceTransformerEmbedder:
    """A local sentence-transformers model; never reaches a hub (the path must exist)."""

    def __init__(self, path: Path, name: str, batch_size: int = 32, device: str = "cpu") -> None:
        if not Path(path).is_dir():
            raise FileNotFoundError(f"embedding model not found at {path}")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars would clutter CLI output
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.name = name
        self.dimensions = int(self._model.get_embedding_dimension())
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimensions)


def content_key(model_name: str, text: str) -> str:
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """SQLite table of vectors keyed by (model, text) hash; shared by every index version."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(directory / "embeddings.sqlite")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 900):  # SQLite's bound-parameter limit
            batch = keys[i : i + 900]
            marks = ",".join("?" * len(batch))
            for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                ((key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()),
            )

    def close(self) -> None:
        self._db.close()


def embed_with_cache(
    texts: Sequence[str],
    model_name: str,
    load_embedder: Callable[[], Embedder],
    cache: EmbeddingCache,
    batch_size: int = 256,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts` in order, and how many had to be computed.

    The model is loaded only when some text is not cached, so an unchanged re-ingest never loads it.
    """
    keys = [content_key(model_name, text) for text in texts]
    known = cache.get_many(keys)
    missing = list(dict.fromkeys(key for key in keys if key not in known))
    text_for = dict(zip(keys, texts))
    if on_progress:
        on_progress(len(texts) - len(missing))
    embedder = load_embedder() if missing else None
    for i in range(0, len(missing), batch_size):
        batch = missing[i : i + batch_size]
        vectors = embedder.embed([text_for[key] for key in batch])
        fresh = dict(zip(batch, vectors))
        cache.put_many(fresh)  # committed per batch, so an interrupted ingest keeps its work
        known.update(fresh)
        if on_progress:
            on_progress(len(batch))
    if not keys:
        raise ValueError("nothing to embed")
    return np.vstack([known[key] for key in keys]).astype(np.float32, copy=False), len(missing)
