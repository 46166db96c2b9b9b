"""Build a new index version from the manifest: reuse what is unchanged, embed only new text, switch atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from index.bm25 import BM25Index
from index.dense import build_dense, save_dense, save_sentence_vectors
from index.embedding import Embedder, EmbeddingCache, embed_with_cache
from index.layout import IndexLayout
from index.models import INDEX_FORMAT, IndexManifest
from index.store import Store, StoreWriter
from index.tokenize import tokenize
from ingest.manifest import ManifestEntry
from ingest.models import searchable_text
from ingest.pipeline import SourceResult, checksum, read_source
from medcite.settings import Settings


class BuildError(Exception):
    """The build cannot produce a usable index; the previous version stays in service."""


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


def fingerprint(result: SourceResult) -> str:
    """A source is reusable only if neither its file nor its manifest entry (kind, title, year…) changed."""
    entry = hashlib.sha256(result.entry.model_dump_json(exclude={"sha256"}).encode()).hexdigest()[:16]
    return f"{result.sha256}/{entry}"


def corpus_hash(settings: Settings, checksums: list[SourceResult], removed: set[str]) -> str:
    """Everything that decides the index's content: sources, removals, model and index settings."""
    state = {
        "format": INDEX_FORMAT,
        "model": settings.model_name,
        "chunk": settings.chunk.model_dump(),
        "bm25": settings.bm25.model_dump(),
        "dense": settings.dense.index_type,
        "sources": sorted((r.entry.id, r.entry.path, r.entry.format, r.entry.kind, r.sha256 or "") for r in checksums if r.sha256),
        "removed": sorted(removed),
        "metadata": sorted(r.entry.model_dump_json() for r in checksums if r.sha256),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def build_index(
    settings: Settings,
    entries: list[ManifestEntry],
    embedder: Callable[[], Embedder],
    show_progress: bool = True,
    force: bool = False,
    locked: bool = False,
) -> BuildReport:
    """Publish a new version if the corpus changed; `embedder` is only called when something must be embedded.

    `locked`: the caller already holds the index lock (it changed removals or uploads under it).
    """
    started = time.perf_counter()
    layout = IndexLayout(settings.index_dir)
    report = BuildReport()
    with nullcontext() if locked else layout.lock():
        removed = layout.removed()
        checksums = [checksum(entry, settings.source_root(entry.path)) for entry in entries]
        report.errors += [(r.entry.path, r.error) for r in checksums if r.error]
        good = [r for r in checksums if r.sha256]
        digest = corpus_hash(settings, checksums, removed)
        current = layout.current_manifest()
        if current and current.corpus_hash == digest and not force:
            report.unchanged, report.version = True, current.version
            report.errors = [tuple(e) for e in current.skipped]
            report.sources, report.documents, report.chunks = current.sources, current.documents, current.chunks
            report.seconds = time.perf_counter() - started
            return report
        build_dir = layout.new_build_dir()
        try:
            report = _build(settings, layout, build_dir, good, removed, current, digest, embedder, show_progress, report)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        layout.prune()
    report.seconds = time.perf_counter() - started
    return report


def _reusable(current: IndexManifest | None, settings: Settings, removed: set[str]) -> bool:
    return (
        current is not None
        and current.chunk_settings == settings.chunk.model_dump()
        and current.format == INDEX_FORMAT
        and set(current.removed) <= removed  # an un-removed document must be read again
    )


def _build(
    settings: Settings,
    layout: IndexLayout,
    build_dir: Path,
    good: list[SourceResult],
    removed: set[str],
    current: IndexManifest | None,
    digest: str,
    embedder_factory: Callable[[], Embedder],
    show_progress: bool,
    report: BuildReport,
) -> BuildReport:
    writer = StoreWriter(build_dir / "store.sqlite")
    texts: list[str] = []
    sentence_spans: list[list[tuple[int, int]]] = []
    seen_docs: set[str] = set()
    previous_dir = layout.current_dir()
    reuse: list[SourceResult] = []
    if previous_dir and _reusable(current, settings, removed):
        previous = Store(previous_dir / "store.sqlite")
        old = previous.sources()
        previous.close()
        reuse = [r for r in good if r.entry.id not in removed and old.get(r.entry.id) == fingerprint(r)]
        doc_ids, reused = writer.copy_sources(previous_dir / "store.sqlite", [r.entry.id for r in reuse], removed)
        seen_docs.update(doc_ids)
        texts += [text for text, _ in reused]
        sentence_spans += [spans for _, spans in reused]
        report.reused_sources = len(reuse)
        report.documents += len(doc_ids)
    reused_ids = {r.entry.id for r in reuse}
    fresh = [r for r in good if r.entry.id not in reused_ids]
    for result in tqdm(fresh, desc="reading", unit="file", disable=not show_progress or not fresh):
        if result.entry.id in removed:
            report.removed += 1
            continue
        read_source(result, settings.source_root(result.entry.path), settings.chunk)
        if result.error:
            report.errors.append((result.entry.path, result.error))
            continue
        report.warnings += [(result.entry.path, w) for w in result.warnings]
        kept = 0
        for document in result.documents:
            if document.doc_id in removed:
                report.removed += 1
                continue
            if document.doc_id in seen_docs:
                report.warnings.append((result.entry.path, f"{document.doc_id} already indexed from another source; skipped"))
                continue
            seen_docs.add(document.doc_id)
            chunks = result.chunks[document.doc_id]
            writer.add_document(document, chunks)
            texts += [c.text for c in chunks]
            sentence_spans += [list(c.sentences) for c in chunks]
            kept += 1
        writer.add_source(result.entry.id, result.entry.path, result.entry.kind, result.entry.format, fingerprint(result), kept)
        report.documents += kept
    # Chunk vectors see the title and the chunk; BM25 sees the title and the whole text of a short
    # document (an abstract is one unit of evidence: its terms count wherever they occur in it).
    dense_texts, bm25_texts = [], []
    for text, title, whole in writer.index_texts(settings.bm25.whole_document_chars):
        dense_texts.append(searchable_text(text, title))
        bm25_texts.append(searchable_text(whole or text, title))
    writer.close()
    report.sources = len(reuse) + sum(1 for r in fresh if r.sha256 and not r.error and r.entry.id not in removed)
    report.chunks = len(texts)

    if not texts:
        raise BuildError("nothing to index: every source failed or was removed (see the errors)")
    sentences = [text[a:b] for text, spans in zip(texts, sentence_spans) for a, b in spans]
    cache = EmbeddingCache(settings.embedding_cache_dir)
    try:
        batch = 8 * settings.embed_batch_size
        with tqdm(total=len(texts), desc="embedding chunks", unit="chunk", disable=not show_progress) as bar:
            vectors, report.embedded = embed_with_cache(
                dense_texts, settings.model_name, embedder_factory, cache, batch_size=batch, on_progress=bar.update
            )
        # Sentence vectors are computed here, once, so composing an answer never embeds document text.
        with tqdm(total=len(sentences), desc="embedding sentences", unit="sentence", disable=not show_progress) as bar:
            sentence_vectors, report.embedded_sentences = embed_with_cache(
                sentences, settings.model_name, embedder_factory, cache, batch_size=batch, on_progress=bar.update
            )
    finally:
        cache.close()
    save_sentence_vectors(build_dir, sentence_vectors, [len(spans) for spans in sentence_spans])
    save_dense(build_dense(vectors, settings.dense), build_dir)
    BM25Index.build([tokenize(t) for t in bm25_texts], settings.bm25).save(build_dir)

    now = datetime.now(UTC)
    manifest = IndexManifest(
        # Microseconds: a restore can bring back an earlier corpus hash within the same second.
        version=f"{now:%Y%m%dT%H%M%S.%f}-{digest[:8]}",
        format=INDEX_FORMAT,
        created_at=now.isoformat(timespec="seconds"),
        model_name=settings.model_name,
        dimensions=vectors.shape[1],
        corpus_hash=digest,
        documents=report.documents,
        chunks=report.chunks,
        sources=report.sources,
        index_type=settings.dense.index_type,
        chunk_settings=settings.chunk.model_dump(),
        bm25_settings=settings.bm25.model_dump(),
        removed=sorted(removed),
        skipped=report.errors,
    )
    layout.publish(build_dir, manifest)
    report.version = manifest.version
    return report

