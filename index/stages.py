"""Progressive builds: which partial versions to publish, and the manifest every version carries.

A first build on a fresh machine would keep the page away until ~19k chunks and ~147k sentences are
embedded. A progressive build (`medcite ingest --progressive`, `medcite serve --ingest`) publishes
the same store three times, each a complete version in itself:

    pending    store and BM25 only: keyword search; answers say the index is still being prepared
    chunks     + chunk vectors: hybrid search; statements are still matched to the question by words
    complete   + sentence vectors: what a plain build publishes

A partial version is published only where it improves on the version in service: never in place of a
complete one (a changed corpus is then built whole while the old index serves), never a stage already
served for the same corpus (a resumed build goes straight to what is missing).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.bm25 import BM25Index
from index.bm25 import saved as bm25_saved
from index.dense import build_dense, save_dense
from index.layout import MANIFEST, IndexLayout
from index.models import INDEX_FORMAT, STAGES, IndexManifest, Vectors
from index.plan import BuildPlan, BuildReport
from index.tokenize import tokenize


def worth_publishing(plan: BuildPlan, stage: Vectors) -> bool:
    current = plan.current
    if not plan.progressive:
        return False
    if current is None or current.format != INDEX_FORMAT:
        return True
    if current.vectors == "complete":
        return False
    return current.corpus_hash != plan.digest or STAGES.index(stage) > STAGES.index(current.vectors)


def manifest_for(plan: BuildPlan, report: BuildReport, dimensions: int, vectors: Vectors = "complete") -> IndexManifest:
    settings, now = plan.settings, datetime.now(UTC)
    return IndexManifest(
        # Microseconds: a restore can bring back an earlier corpus hash within the same second.
        version=f"{now:%Y%m%dT%H%M%S.%f}-{plan.digest[:8]}",
        format=INDEX_FORMAT,
        created_at=now.isoformat(timespec="seconds"),
        model_name=settings.model_name,
        embedding_backend=settings.embedding_backend,
        dimensions=dimensions,
        corpus_hash=plan.digest,
        documents=report.documents,
        chunks=report.chunks,
        sources=report.sources,
        index_type=settings.dense.index_type,
        chunk_settings=settings.chunk.model_dump(),
        bm25_settings=settings.bm25.model_dump(),
        removed=sorted(plan.removed),
        skipped=report.errors,
        vectors=vectors,
    )


def publish_stage(plan: BuildPlan, report: BuildReport, stage: Vectors, dimensions: int) -> None:
    """Publish what the build dir holds as a `stage` version; the build goes on in a new build dir that
    starts with the published files (linked: they are never written again, later stages only add files)."""
    manifest = manifest_for(plan, report, dimensions, stage)
    layout: IndexLayout = plan.layout
    published: Path = layout.publish(plan.build_dir, manifest)
    plan.current = manifest
    report.published.append(manifest.version)
    plan.build_dir = layout.carry_over(published, sorted(p.name for p in published.iterdir() if p.name != MANIFEST))


def save_bm25(plan: BuildPlan, bm25_texts: list[str]) -> None:
    """The BM25 files, unless a published stage's are already linked into the build dir."""
    if not bm25_saved(plan.build_dir):
        BM25Index.build([tokenize(t) for t in bm25_texts], plan.settings.bm25).save(plan.build_dir)


def chunks_ready(plan: BuildPlan, vectors: np.ndarray, report: BuildReport) -> None:
    """Called once the chunk vectors are there: a progressive build publishes passage search with them."""
    plan.progress.set("embedding sentences")
    if worth_publishing(plan, "chunks"):
        plan.progress.begin("vector index")
        save_dense(build_dense(vectors, plan.settings.dense), plan.build_dir)
        publish_stage(plan, report, "chunks", vectors.shape[1])
    plan.progress.begin("sentence vectors")
