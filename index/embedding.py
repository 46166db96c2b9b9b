"""Text → normalised vectors, behind a narrow interface, with a content-hash cache so nothing is embedded twice.

Two backends give vectors of the same model (all-MiniLM-L6-v2 by default):

    torch       sentence-transformers in fp32, on a GPU when one is there (`device="auto"`)
    onnx-int8   the same weights exported once to ONNX, fused and quantized to int8 (index/onnx_int8.py);
                CPU only; about 2x faster on one core, cosine >= 0.98 to fp32 (figures: `make bench`).

Their vectors are close but not equal, so they never mix: the backend is part of the cache key and of
the index manifest (`embedding_id`), and a searcher embeds queries with the backend its index was built with.

A question is one short text, where torch spends most of its time in per-module Python: on the torch backend
`embed_query` runs the same fp32 weights exported to ONNX (`query_runtime="onnx-fp32"`, index/onnx_int8.py),
whose vectors equal torch's to float rounding, in a third of the time. Batches (ingest) stay on torch.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

BACKENDS: tuple[str, ...] = ("torch", "onnx-int8")
QUERY_RUNTIMES: tuple[str, ...] = ("auto", "torch", "onnx-fp32")


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dimensions), rows L2-normalised."""
        ...


def embedding_id(model_name: str, backend: str) -> str:
    """What vectors are keyed and recorded by. Plain torch keeps the bare model name, so caches and
    indexes made before backends existed stay valid; any other backend is named after it."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}: use one of {', '.join(BACKENDS)}")
    return model_name if backend == "torch" else f"{model_name}+{backend}"


def resolve_device(device: str) -> str:
    """ "auto": the GPU when torch sees one, else the CPU; anything else as given."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class _TorchRuntime:
    def __init__(self, path: Path, device: str) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars would clutter CLI output
        self.model = SentenceTransformer(str(path), device=device, local_files_only=True)
        dimensions = self.model.get_embedding_dimension()
        if dimensions is None:  # what int(None) raised
            raise TypeError(f"{path}: the model does not state its embedding dimension")
        self.dimensions = int(dimensions)

    def embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )


class SentenceTransformerEmbedder:
    """A local sentence-transformers model on one backend; never reaches a hub (the path must exist).

    `for_backend` gives the same model on another backend; siblings share what either has loaded.
    `cache_dir`: where the ONNX exports are kept (the caller's Settings.export_root); the onnx-int8
    backend and the onnx-fp32 query runtime need it, plain torch does not.
    """

    def __init__(
        self,
        path: Path,
        name: str,
        batch_size: int = 32,
        device: str = "cpu",
        backend: str = "torch",
        cache_dir: Path | None = None,
        _runtimes: dict | None = None,
        query_runtime: str = "torch",
        threads: int = 0,
    ) -> None:
        if not Path(path).is_dir():
            raise FileNotFoundError(f"embedding model not found at {path}")
        if query_runtime not in QUERY_RUNTIMES:
            raise ValueError(f"unknown query runtime {query_runtime!r}: use one of {', '.join(QUERY_RUNTIMES)}")
        self.path, self.name, self.batch_size, self.backend = Path(path), name, batch_size, backend
        self.id = embedding_id(name, backend)  # validates the backend
        self._device, self._cache_dir, self._threads = device, cache_dir, threads
        self._runtimes = {} if _runtimes is None else _runtimes
        self._runtime = self._runtimes.get(backend) or self._load()
        self._runtimes[backend] = self._runtime
        self.dimensions = self._runtime.dimensions
        self._wanted_query_runtime = query_runtime
        self.query_runtime = self._query_runtime_name(query_runtime)
        if self.query_runtime == "onnx-fp32" and "query:onnx-fp32" not in self._runtimes:
            self._runtimes["query:onnx-fp32"] = self._load_query_runtime()
        self._query = self._runtimes["query:onnx-fp32"] if self.query_runtime == "onnx-fp32" else self._runtime

    def _query_runtime_name(self, wanted: str) -> str:
        """What embeds a single question. onnx-fp32 only stands in for torch on the CPU (same weights, same
        precision); "auto" takes it when onnxruntime is installed, else torch."""
        if self.backend != "torch" or wanted == "torch" or not isinstance(self._runtime, _TorchRuntime):
            return self.backend
        on_cpu = str(self._runtime.model.device) == "cpu"
        if wanted == "auto":
            try:
                import onnxruntime  # noqa: F401
            except ImportError:
                return "torch"
            return "onnx-fp32" if on_cpu else "torch"
        if not on_cpu:
            raise ValueError("query_embedding=onnx-fp32 runs on the CPU; the model is on " + str(self._runtime.model.device))
        return wanted

    def _load_query_runtime(self):  # noqa: ANN202 - an index.onnx_int8.OnnxRuntime
        try:
            from index.onnx_int8 import OnnxRuntime, export_fp32
        except ImportError as err:
            raise RuntimeError("query_embedding=onnx-fp32 needs onnxruntime: pip install -e '.[onnx]'") from err
        return OnnxRuntime(self.path, export_fp32(self.path, self._export_dir("query_embedding=onnx-fp32")), self._threads)

    def _load(self):  # noqa: ANN202 - a _TorchRuntime or an index.onnx_int8.OnnxRuntime
        if self.backend == "torch":
            return _TorchRuntime(self.path, resolve_device(self._device))
        try:
            from index.onnx_int8 import OnnxRuntime, export_int8
        except ImportError as err:
            raise RuntimeError("the onnx-int8 embedding backend needs onnxruntime: pip install -e '.[onnx]'") from err
        return OnnxRuntime(self.path, export_int8(self.path, self._export_dir("the onnx-int8 backend")))

    def _export_dir(self, what: str) -> Path:
        """Where the ONNX exports live: the caller's (Settings.export_root), never read from the environment here."""
        if self._cache_dir is None:
            raise ValueError(f"{what} needs the directory of its ONNX exports: pass cache_dir (Settings.export_root)")
        return self._cache_dir

    def for_backend(self, backend: str, cache_dir: Path | None = None) -> SentenceTransformerEmbedder:
        if backend == self.backend:
            return self
        return SentenceTransformerEmbedder(
            self.path,
            self.name,
            self.batch_size,
            self._device,
            backend,
            cache_dir or self._cache_dir,
            self._runtimes,
            query_runtime=self._wanted_query_runtime,
            threads=self._threads,
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._runtime.embed(list(texts), self.batch_size)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimensions)

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, on the query runtime (see the module's docstring)."""
        return np.asarray(self._query.embed([text], 1), dtype=np.float32).reshape(self.dimensions)


def on_backend(embedder: Embedder, backend: str, cache_dir: Path | None = None) -> Embedder:
    """`embedder`, or the same model on `backend` when it runs another one. An embedder that knows no
    backends (a test double around the torch model) is taken as it is."""
    switch = getattr(embedder, "for_backend", None)
    if switch is None or getattr(embedder, "backend", backend) == backend:
        return embedder
    return switch(backend, cache_dir)


def content_key(model_name: str, text: str) -> str:
    """`model_name`: the embedding_id (model and backend) the vector was made with."""
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
    # Each distinct text once (a sentence that is its whole chunk, repeated boilerplate), shortest first
    # so batches hold texts of similar length and pad little.
    missing = list(dict.fromkeys(key for key in keys if key not in known))
    text_for = dict(zip(keys, texts))
    missing.sort(key=lambda key: len(text_for[key]))
    if on_progress:
        on_progress(len(texts) - len(missing))
    if missing:
        embedder = load_embedder()
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
