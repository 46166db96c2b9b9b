"""A progressive build (a first run that serves in minutes): keyword search is published before any text
is embedded, then chunk vectors, then sentence vectors; each is a version that answers; a build killed
on the way resumes from the cache, and an unchanged corpus is then a no-op."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import index.build
from app.reviewing import retrieval_scores
from index.build import build_index
from index.layout import IndexLayout
from index.progress import read_progress
from index.search import Searcher
from ingest.manifest import read_manifest
from qa.service import INDEX_NOTES, AnswerService
from tests.conftest import settings_for

QUESTION = "When should clinicians offer naloxone?"


@pytest.fixture()
def corpus_copy(tmp_path: Path, mini_corpus: Path) -> Path:
    shutil.copytree(mini_corpus, tmp_path / "data")
    return tmp_path / "data"


def _build(settings, embedder, **kwargs):
    return build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False, **kwargs)


def _answer(settings, embedder):
    searcher = Searcher.open(settings, embedder)
    try:
        return AnswerService(searcher, None, settings).ask(QUESTION)
    finally:
        searcher.close()


def test_keyword_search_is_published_first_then_chunk_then_sentence_vectors(
    corpus_copy: Path, tmp_path: Path, embedding_cache, embedder, monkeypatch
) -> None:
    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    layout = IndexLayout(settings.index_dir)
    seen = {}
    real = index.build.chunks_ready

    def spy(plan, vectors, report):  # runs once the chunk vectors exist: the keyword-only version is in service
        manifest = layout.current_manifest()
        seen["pending"] = manifest
        seen["pending answer"] = _answer(settings, embedder)
        searcher = Searcher.open(settings, embedder)
        hits = searcher.search("naloxone opioid overdose", k=5)
        seen["pending hits"] = [(h.bm25, h.dense, h.dense_rank) for h in hits]
        seen["dense mode"] = len(searcher.search("naloxone", k=3, mode="dense"))
        seen["progress"] = read_progress(layout.progress_file)
        # An editor scoring a pinned passage meanwhile gets keyword scores, not an error.
        passage = searcher.store.passage(hits[0].passage.chunk_id)
        seen["editor scores"] = [retrieval_scores(searcher, q, passage) for q in (QUESTION, "xylophone quartz")]
        searcher.close()
        real(plan, vectors, report)
        seen["chunks"] = layout.current_manifest()
        seen["chunks answer"] = _answer(settings, embedder)

    monkeypatch.setattr(index.build, "chunks_ready", spy)
    report = _build(settings, embedder, progressive=True)

    pending, chunks, complete = seen["pending"], seen["chunks"], layout.current_manifest()
    assert report.published == [pending.version, chunks.version, complete.version]
    assert [pending.vectors, chunks.vectors, complete.vectors] == ["pending", "chunks", "complete"]
    assert pending.corpus_hash == chunks.corpus_hash == complete.corpus_hash and pending.chunks == complete.chunks
    # The keyword-only version searches by BM25 alone and answers, saying so.
    assert seen["pending hits"] and all(bm25 > 0 and dense == 0 and rank is None for bm25, dense, rank in seen["pending hits"])
    assert seen["dense mode"] == 3  # asked for dense search, it gives its keyword candidates
    first = seen["pending answer"]
    assert first.index_note == INDEX_NOTES["pending"] and not first.abstained and first.statements()
    assert all("naloxone" in s.text.lower() for s in first.guidelines.lead)
    assert seen["chunks answer"].index_note == INDEX_NOTES["chunks"] and seen["chunks answer"].statements()
    assert seen["progress"]["phase"] == "embedding chunks" and seen["progress"]["running"]
    assert all(scores.dense == 0.0 for scores in seen["editor scores"]) and seen["editor scores"][0].bm25 > 0
    # The complete version is what a plain build publishes, and its answers carry no note.
    assert _answer(settings, embedder).index_note is None
    progress = read_progress(layout.progress_file)
    assert progress["phase"] == "complete" and progress["done"] == progress["total"] > report.chunks
    assert not progress["running"]
    # Where the time went, stage by stage, in the build's order: what `medcite ingest` and the first-run bench print.
    stages = ["read", "keyword index", "chunk vectors", "vector index", "sentence vectors", "publish"]
    assert list(report.stages) == list(progress["stages"]) == stages and all(s >= 0 for s in report.stages.values())
    assert _build(settings, embedder, progressive=True).unchanged


def test_a_killed_build_resumes_where_it_stopped(
    corpus_copy: Path, tmp_path: Path, embedding_cache, embedder, monkeypatch
) -> None:
    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    layout = IndexLayout(settings.index_dir)

    def killed(plan, vectors, report):
        raise KeyboardInterrupt  # the server stopped while the chunk vectors were being published

    monkeypatch.setattr(index.build, "chunks_ready", killed)
    with pytest.raises(KeyboardInterrupt):
        _build(settings, embedder, progressive=True)
    monkeypatch.undo()
    pending = layout.current_manifest()
    assert pending.vectors == "pending" and not list(layout.versions.glob(".building-*"))
    assert read_progress(layout.progress_file)["phase"] == "failed"
    searcher = Searcher.open(settings, embedder)
    assert searcher.search("naloxone", k=3)  # still in service
    searcher.close()

    resumed = _build(settings, embedder, progressive=True)  # the keyword-only version is not published again
    assert len(resumed.published) == 2 and resumed.embedded == 0 and resumed.embedded_sentences == 0
    assert [v.name for v in sorted(layout.versions.iterdir())][-1] == resumed.version
    assert layout.current_manifest().vectors == "complete"
    assert _build(settings, embedder, progressive=True).unchanged
    assert _build(settings, embedder).unchanged


def test_a_complete_index_is_never_replaced_by_a_partial_one(
    corpus_copy: Path, tmp_path: Path, embedding_cache, embedder
) -> None:
    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    _build(settings, embedder)
    report = _build(settings, embedder, progressive=True, force=True)  # e.g. a changed corpus: the old index serves meanwhile
    assert len(report.published) == 1 and IndexLayout(settings.index_dir).current_manifest().vectors == "complete"
