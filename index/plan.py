"""What one build works from (BuildPlan) and what it reports (BuildReport), the rows it gathers (Rows) and
what may read and embed them elsewhere (Executor): the types index/build.py and index/stages.py share. Each of
those imports them from here, neither imports the other's back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from core.settings import Settings
from index.layout import IndexLayout
from index.models import IndexManifest
from index.progress import Progress
from ingest.pipeline import SourceResult

if TYPE_CHECKING:
    import numpy as np

    from index.embedding import Embedder
    from index.store_writer import StoreWriter


@dataclass(slots=True)
class BuildReport:
    version: str | None = None
    unchanged: bool = False
    sources: int = 0
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    embedded_sentences: int = 0
    reused_sources: int = 0
    removed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    published: list[str] = field(default_factory=list)  # every version published, partial ones first
    stages: dict[str, float] = field(default_factory=dict)  # seconds per build stage (index/progress.py)


@dataclass(slots=True)
class Rows:
    """The new store's chunks so far, in row (= vector) order: text and sentence spans; and the documents in it."""

    texts: list[str] = field(default_factory=list)
    sentence_spans: list[list[tuple[int, int]]] = field(default_factory=list)
    vector_sentences: list[frozenset[int]] = field(default_factory=list)  # per chunk: the ordinals embedded
    documents: set[str] = field(default_factory=set)


class Executor(Protocol):
    """Reads and embeds a build elsewhere (index.distributed.RayExecutor), in place of index.build's _read and _embed."""

    def read(self, plan: BuildPlan, fresh: list[SourceResult], writer: StoreWriter, rows: Rows, report: BuildReport) -> None: ...

    def embed(
        self, plan: BuildPlan, dense_texts: list[str], rows: Rows, embedder_factory: Callable[[], Embedder], report: BuildReport
    ) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(slots=True)
class BuildPlan:
    """What one build works from: the sources that passed their checksum, the removals, the version in
    service (to reuse from) and the corpus hash the new version will carry."""

    settings: Settings
    layout: IndexLayout
    build_dir: Path
    sources: list[SourceResult]
    removed: set[str]
    current: IndexManifest | None
    digest: str
    show_progress: bool = True
    progressive: bool = False  # see index/stages.py
    progress: Progress = field(default_factory=lambda: Progress(None))  # what /health shows
    executor: Executor | None = None  # None: read and embed in this process (else index.build.EXECUTOR's)
    reread: bool = False  # `--force`: read every source again, reusing nothing from the version in service
