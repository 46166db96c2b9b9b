"""Reading, chunking and embedding fanned out over a Ray cluster: drop-in replacements for the build's
read and embed steps, so a distributed build publishes the same index the local one does.

    with RayExecutor(address=None, workers=None):   # None: start a local Ray instance / every CPU in it
        build_index(...)                            # BuildPlan picks the executor up (index.build.EXECUTOR)

Why Ray and not a pool of our own: it schedules over one machine or many with the same code, moves
results through its object store, restarts nothing we would have to, and is a pip install away.

- Reading: one Ray task per source (`read_source` on a worker), all submitted at once; the driver takes
  the results in manifest order and stores them exactly as the local path does (index.build._read), so
  chunk ids and store rows come out in the same order.
- Embedding: an ActorPool of embedding actors, each loading the model once (same model, backend and
  batch size as the local path). The embedding cache stays on the driver (index.build._embed →
  embed_with_cache): cached texts are looked up first, only misses go to the actors, and every batch
  is written back to the cache as it returns.

Workers read the sources from the paths the driver sees and load the model from its path: on a
cluster of several machines both must be on storage every node mounts, and medcite installed on each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextvars import Token

import numpy as np
import ray
from ray.util import ActorPool

from core.settings import ChunkSettings, Settings
from index.build import EXECUTOR, BuildPlan, BuildReport, Rows, _embed, _read
from index.embedding import Embedder, SentenceTransformerEmbedder
from index.store_writer import StoreWriter
from ingest.pipeline import SourceResult, read_source

# Workers never reach a model hub, and tokenizers must not start threads of their own beside Ray's.
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


@ray.remote(num_cpus=1)
def _read_remote(result: SourceResult, root: str, chunking: ChunkSettings) -> SourceResult:
    from pathlib import Path

    return read_source(result, Path(root), chunking)


@ray.remote(num_cpus=1)
class EmbeddingActor:
    """One model per actor, loaded once; one CPU each (Ray sets its threads to 1)."""

    def __init__(self, path: str, name: str, batch_size: int, device: str, backend: str, cache_dir: str) -> None:
        from pathlib import Path

        self.embedder = SentenceTransformerEmbedder(Path(path), name, batch_size, device, backend, Path(cache_dir))

    def dimensions(self) -> int:
        return self.embedder.dimensions

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed(texts)


class PoolEmbedder:
    """An Embedder whose `embed` splits the texts into the model's batches and maps them over the actor
    pool, in order. embed_with_cache hands it the cache misses, 8 model batches at a time."""

    def __init__(self, actors: list, name: str, batch_size: int) -> None:
        self.pool, self.name, self.batch_size = ActorPool(actors), name, batch_size
        self.dimensions = ray.get(actors[0].dimensions.remote())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        parts = [list(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        vectors = list(self.pool.map(lambda actor, part: actor.embed.remote(part), parts))
        return np.vstack(vectors).astype(np.float32, copy=False).reshape(len(texts), self.dimensions)


class RayExecutor:
    """Connects to Ray (or starts a local instance) on first use; `workers` embedding actors (default: one
    per CPU of the cluster). A context manager: inside it every build (and `medcite eval`) uses Ray."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.address, self.workers = address, workers
        self._started = False  # we called ray.init, so we shut it down
        self._actors: list = []
        self._token: Token | None = None

    def start(self) -> None:
        if not ray.is_initialized():
            ray.init(
                address=self.address,
                include_dashboard=False,
                logging_level=logging.WARNING,
                log_to_driver=False,
                runtime_env={"env_vars": WORKER_ENV},
            )
            self._started = True

    def size(self) -> int:
        """Parallel workers: as asked, else every CPU the cluster has."""
        self.start()
        return self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))

    def read(self, plan: BuildPlan, fresh: list[SourceResult], writer: StoreWriter, rows: Rows, report: BuildReport) -> None:
        """index.build._read with every source read and chunked by a Ray task; stored in manifest order."""
        wanted = [r for r in fresh if r.entry.id not in plan.removed]
        if wanted:
            self.start()
            # A previous build's embedding actors hold every CPU of the cluster (one each): reading tasks would wait
            # for them forever. They load again at the next embedding, if anything is not cached.
            self._release()
        settings = plan.settings
        pending = {
            id(r): _read_remote.remote(
                SourceResult(r.entry, sha256=r.sha256), str(settings.source_root(r.entry.path)), settings.chunk
            )
            for r in wanted
        }

        def take(result: SourceResult, _root: object, _chunking: object) -> SourceResult:
            done: SourceResult = ray.get(pending.pop(id(result)))
            result.documents, result.chunks, result.error, result.warnings = (
                done.documents,
                done.chunks,
                done.error,
                done.warnings,
            )
            return result

        _read(plan, fresh, writer, rows, report, read=take)

    def embed(
        self, plan: BuildPlan, dense_texts: list[str], rows: Rows, embedder_factory: Callable[[], Embedder], report: BuildReport
    ) -> tuple[np.ndarray, np.ndarray]:
        """index.build._embed, the cache on the driver, the misses embedded by the actor pool. The pool
        starts only when something is not cached (`embedder_factory` is not used: actors load the model
        the settings name)."""
        return _embed(plan, dense_texts, rows, lambda: self.embedder(plan.settings), report)

    def embedder(self, settings: Settings) -> PoolEmbedder:
        if not self._actors:
            options = (
                str(settings.resolved_model_path()),
                settings.model_name,
                settings.embed_batch_size,
                settings.device,
                settings.embedding_backend,
                str(settings.export_root),
            )
            # mypy does not apply class decorators: EmbeddingActor is ray.remote's ActorClass at run time
            self._actors = [EmbeddingActor.remote(*options) for _ in range(self.size())]  # type: ignore[attr-defined]
        return PoolEmbedder(self._actors, settings.model_name, settings.embed_batch_size)

    def _release(self) -> None:
        for actor in self._actors:
            ray.kill(actor)
        self._actors = []

    def close(self) -> None:
        self._release()
        if self._started:
            ray.shutdown()
            self._started = False

    def __enter__(self) -> RayExecutor:
        self._token = EXECUTOR.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            EXECUTOR.reset(self._token)
            self._token = None
        self.close()
