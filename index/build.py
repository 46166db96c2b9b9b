"""Build a new index version from the manifest: reuse what is unchanged, embed only new text, switch atomically.

A progressive build publishes keyword search first and the vectors as they come (index/stages.py).
BuildPlan and BuildReport, which both use, are index/plan.py's (imported here for the callers too)."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from contextlib import nullcontext
from contextvars import ContextVar

import numpy as np
from tqdm import tqdm

from core.errors import Conflict
from core.settings import Settings
from index.dense import FILE as DENSE_FILE
from index.dense import build_dense, save_dense, save_sentence_vectors
from index.embedding import Embedder, EmbeddingCache, embed_with_cache, embedding_id, on_backend
from index.layout import IndexLayout
from index.models import INDEX_FORMAT, IndexManifest
from index.plan import BuildPlan, BuildReport, Rows
from index.progress import Progress
from index.stages import chunks_ready, manifest_for, publish_stage, save_bm25, worth_publishing
from index.store import Store
from index.store_writer import StoreWriter
from ingest.abbreviations import definitions, expand
from ingest.manifest import ManifestEntry
from ingest.models import searchable_text
from ingest.pipeline import SourceResult, checksum, read_source

# The executor in effect: None reads and embeds in this process; an index.distributed.RayExecutor (set by
# `with RayExecutor(...)`) fans reading and embedding out over a Ray cluster and builds the same index.
EXECUTOR: ContextVar = ContextVar("medcite_executor", default=None)


class BuildError(Conflict):
    """The build cannot produce a usable index; the previous version stays in service."""


def fingerprint(result: SourceResult) -> str:
    """A source is reusable only if neither its file nor its manifest entry (kind, title, year…) changed."""
    entry = hashlib.sha256(result.entry.model_dump_json(exclude={"sha256"}).encode()).hexdigest()[:16]
    return f"{result.sha256}/{entry}"


def corpus_hash(settings: Settings, checksums: list[SourceResult], removed: set[str]) -> str:
    """Everything that decides the index's content: sources, removals, model and index settings."""
    state = {
        "format": INDEX_FORMAT,
        "model": embedding_id(settings.model_name, settings.embedding_backend),  # the backend is part of the index
        "chunk": settings.chunk.model_dump(),
        "bm25": settings.bm25.model_dump(),
        "dense": settings.dense.index_type,
        "sources": sorted(
            (r.entry.id, r.entry.path, r.entry.format, r.entry.kind, r.sha256 or "") for r in checksums if r.sha256
        ),
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
    progressive: bool = False,
) -> BuildReport:
    """Publish a new version if the corpus changed; `embedder` is only called when something must be embedded.

    `locked`: the caller already holds the index lock (it changed removals or uploads under it).
    `progressive`: publish keyword search first, then chunk vectors, then sentence vectors (index/stages.py).
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
        if current and current.corpus_hash == digest and current.vectors == "complete" and not force:
            report.unchanged, report.version = True, current.version
            report.errors = list(current.skipped)
            report.sources, report.documents, report.chunks = current.sources, current.documents, current.chunks
            report.seconds = time.perf_counter() - started
            return report
        plan = BuildPlan(
            settings, layout, layout.new_build_dir(), good, removed, current, digest, show_progress, executor=EXECUTOR.get()
        )
        plan.progressive, plan.progress, plan.reread = progressive, Progress(layout.progress_file), force
        plan.progress.write()  # phase: reading
        try:
            _build(plan, embedder, report)
        except BaseException:
            shutil.rmtree(plan.build_dir, ignore_errors=True)
            plan.progress.set("failed")
            raise
        layout.prune()
    report.seconds = time.perf_counter() - started
    return report


def _build(plan: BuildPlan, embedder_factory: Callable[[], Embedder], report: BuildReport) -> None:
    """plan → reuse → read → embed → publish; progressive: publish BM25 first, then each kind of vectors."""
    plan.progress.begin("read")
    writer = StoreWriter(plan.build_dir / "store.sqlite")
    rows = Rows()
    reused = _reuse(plan, writer, rows, report)
    reused_ids = {r.entry.id for r in reused}
    fresh = [r for r in plan.sources if r.entry.id not in reused_ids]
    (plan.executor.read if plan.executor else _read)(plan, fresh, writer, rows, report)
    dense_texts, bm25_texts = _index_texts(writer, plan.settings)
    writer.close()
    report.sources = len(reused) + sum(1 for r in fresh if r.sha256 and not r.error and r.entry.id not in plan.removed)
    report.chunks = len(rows.texts)
    if not rows.texts:
        raise BuildError("nothing to index: every source failed or was removed (see the errors)")
    plan.progress.set("embedding chunks", 0, len(dense_texts) + sum(map(len, rows.vector_sentences)))
    if plan.progressive:
        plan.progress.begin("keyword index")
        save_bm25(plan, bm25_texts)
        if worth_publishing(plan, "pending"):  # keyword search now, before any text is embedded
            publish_stage(plan, report, "pending", 0)
    plan.progress.begin("chunk vectors")
    vectors, sentence_vectors = (plan.executor.embed if plan.executor else _embed)(
        plan, dense_texts, rows, embedder_factory, report
    )
    plan.progress.begin("publish")
    _publish(plan, vectors, sentence_vectors, rows, bm25_texts, report)
    plan.progress.begin(None)
    report.stages = dict(plan.progress.stages)
    plan.progress.set("complete", plan.progress.total)


def _reusable(current: IndexManifest | None, settings: Settings, removed: set[str]) -> bool:
    return (
        current is not None
        and current.chunk_settings == settings.chunk.model_dump()
        and current.format == INDEX_FORMAT
        and set(current.removed) <= removed  # an un-removed document must be read again
    )


def _reuse(plan: BuildPlan, writer: StoreWriter, rows: Rows, report: BuildReport) -> list[SourceResult]:
    """Copy unchanged sources over from the version in service; returns them."""
    previous_dir = plan.layout.current_dir()
    if not previous_dir or plan.reread or not _reusable(plan.current, plan.settings, plan.removed):
        return []
    previous = Store(previous_dir / "store.sqlite")
    old = previous.sources()
    previous.close()
    reuse = [r for r in plan.sources if r.entry.id not in plan.removed and old.get(r.entry.id) == fingerprint(r)]
    doc_ids, reused = writer.copy_sources(previous_dir / "store.sqlite", [r.entry.id for r in reuse], plan.removed)
    rows.documents.update(doc_ids)
    rows.texts += [text for text, _, _ in reused]
    rows.sentence_spans += [spans for _, spans, _ in reused]
    rows.vector_sentences += [read for _, _, read in reused]
    report.reused_sources = len(reuse)
    report.documents += len(doc_ids)
    return reuse


def _read(
    plan: BuildPlan, fresh: list[SourceResult], writer: StoreWriter, rows: Rows, report: BuildReport, read: Callable = read_source
) -> None:
    """Read, chunk and store the sources that could not be reused (skipping removed ones and repeats);
    `read` fills a SourceResult in place (index.distributed gives one that takes it from a Ray task)."""
    settings, removed = plan.settings, plan.removed
    for result in tqdm(fresh, desc="reading", unit="file", disable=not plan.show_progress or not fresh):
        if result.entry.id in removed:
            report.removed += 1
            continue
        read(result, settings.source_root(result.entry.path), settings.chunk)
        if result.error:
            report.errors.append((result.entry.path, result.error))
            continue
        report.warnings += [(result.entry.path, w) for w in result.warnings]
        kept = 0
        for document in result.documents:
            if document.doc_id in removed:
                report.removed += 1
                continue
            if document.doc_id in rows.documents:
                report.warnings.append((result.entry.path, f"{document.doc_id} already indexed from another source; skipped"))
                continue
            rows.documents.add(document.doc_id)
            chunks = result.chunks[document.doc_id]
            writer.add_document(document, chunks)
            rows.texts += [c.embedded_text for c in chunks]
            rows.sentence_spans += [c.embedded_sentences for c in chunks]
            rows.vector_sentences += [c.vector_sentences for c in chunks]
            kept += 1
        writer.add_source(result.entry.id, result.entry.path, result.entry.kind, result.entry.format, fingerprint(result), kept)
        report.documents += kept


def _index_texts(writer: StoreWriter, settings: Settings) -> tuple[list[str], list[str]]:
    """Chunk vectors see the title and the chunk; BM25 sees the title and the whole text of a short
    document (an abstract is one unit of evidence: its terms count wherever they occur in it), with each
    abbreviation the document defines followed by its long form (ingest/abbreviations.py), so "morphine
    milligram equivalents" finds a passage that only says "MME". The vectors see the text as written:
    spelling abbreviations out for the model lowered the guideline lead (0.75 to 0.70 on guideline-dev)."""
    defined = {doc_id: found for doc_id, text in writer.document_texts() if (found := definitions([text]))}
    dense_texts, bm25_texts = [], []
    for doc_id, text, title, whole in writer.index_texts(settings.bm25.whole_document_chars):
        dense_texts.append(searchable_text(text, title))
        bm25_texts.append(expand(searchable_text(whole or text, title), defined.get(doc_id, {})))
    return dense_texts, bm25_texts


def _embed(
    plan: BuildPlan, dense_texts: list[str], rows: Rows, embedder_factory: Callable[[], Embedder], report: BuildReport
) -> tuple[np.ndarray, np.ndarray]:
    """Chunk and sentence vectors, from the cache where the text was embedded before. Sentence vectors
    are computed here, once, so composing an answer never embeds document text."""
    settings = plan.settings
    sentences, embedded = _vector_sentences(rows)
    model_id = embedding_id(settings.model_name, settings.embedding_backend)  # cache key: vectors of two backends never mix
    factory = lambda: on_backend(embedder_factory(), settings.embedding_backend, settings.export_root)  # noqa: E731
    cache = EmbeddingCache(settings.embedding_cache_dir)
    try:
        batch = 8 * settings.embed_batch_size
        with tqdm(total=len(rows.texts), desc="embedding chunks", unit="chunk", disable=not plan.show_progress) as bar:
            vectors, report.embedded = embed_with_cache(
                dense_texts,
                model_id,
                factory,
                cache,
                batch_size=batch,
                on_progress=_advance(bar, plan.progress),
            )
        chunks_ready(plan, vectors, report)  # a progressive build publishes passage search now
        sentence_vectors = np.zeros((len(embedded), vectors.shape[1]), dtype=np.float32)
        with tqdm(total=len(sentences), desc="embedding sentences", unit="sentence", disable=not plan.show_progress) as bar:
            if sentences:
                sentence_vectors[embedded], report.embedded_sentences = embed_with_cache(
                    sentences, model_id, factory, cache, batch_size=batch, on_progress=_advance(bar, plan.progress)
                )
    finally:
        cache.close()
    return vectors, sentence_vectors


def _vector_sentences(rows: Rows) -> tuple[list[str], np.ndarray]:
    """The sentences to embed, in row order, and which of every chunk's sentences they are (a mask over all of them,
    in the order the sentence vectors are stored): only those an answer reads (ingest/models.vector_sentences); the
    rest keep a zero vector (on the shipped corpus a sixth of the sentence tokens: never quoted, never read)."""
    sentences, embedded = [], []
    for text, spans, read in zip(rows.texts, rows.sentence_spans, rows.vector_sentences):
        for ordinal, (a, b) in enumerate(spans):
            embedded.append(ordinal in read)
            if ordinal in read:
                sentences.append(text[a:b])
    return sentences, np.asarray(embedded, dtype=bool)


def _advance(bar: tqdm, progress: Progress) -> Callable[[int], None]:
    """embed_with_cache's on_progress: n more texts embedded, on the console bar and in the progress file."""

    def advance(n: int) -> None:
        bar.update(n)
        progress.add(n)

    return advance


def _publish(
    plan: BuildPlan, vectors: np.ndarray, sentence_vectors: np.ndarray, rows: Rows, bm25_texts: list[str], report: BuildReport
) -> None:
    """Write the vector and BM25 files and the manifest, then switch CURRENT to the new version."""
    settings, build_dir = plan.settings, plan.build_dir
    save_sentence_vectors(build_dir, sentence_vectors, [len(spans) for spans in rows.sentence_spans])
    if not (build_dir / DENSE_FILE).exists():  # a published stage's files are linked here: never rewritten
        plan.progress.begin("vector index")
        save_dense(build_dense(vectors, settings.dense), build_dir)
        plan.progress.begin("publish")
    save_bm25(plan, bm25_texts)
    manifest = manifest_for(plan, report, vectors.shape[1])
    plan.layout.publish(build_dir, manifest)
    report.version = manifest.version
    report.published.append(manifest.version)
