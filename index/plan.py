"""What one build works from (BuildPlan) and what it reports (BuildReport): the types index/build.py
and index/stages.py share. Each of those imports them from here, neither imports the other's back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.settings import Settings
from index.layout import IndexLayout
from index.models import IndexManifest
from index.progress import Progress
from ingest.pipeline import SourceResult


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
    executor: object | None = None  # None: read and embed in this process (else index.build.EXECUTOR's)
    reread: bool = False  # `--force`: read every source again, reusing nothing from the version in service
