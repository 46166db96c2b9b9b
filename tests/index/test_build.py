"""Index versions: re-ingest is a no-op, changes re-read only what changed, a failed build changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.bm25 import BM25Index
from index.build import build_index
from index.layout import IndexLayout
from index.search import Searcher
from ingest.catalog import scan
from ingest.manifest import read_manifest, write_manifest
from tests.conftest import settings_for


@pytest.fixture()
def corpus_copy(tmp_path: Path, mini_corpus: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(mini_corpus, target)
    return target


class CountingEmbedder:
    """The real model, counting what it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dimensions, self.calls = inner, inner.name, inner.dimensions, 0

    def embed(self, texts):
        self.calls += len(texts)
        return self.inner.embed(texts)


def _build(settings, embedder, **kwargs):
    return build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False, **kwargs)


def test_reingest_unchanged_is_a_no_op(mini_settings, embedder) -> None:
    counting = CountingEmbedder(embedder)
    before = IndexLayout(mini_settings.index_dir).current_manifest()
    report = _build(mini_settings, counting)
    assert report.unchanged and report.version == before.version and counting.calls == 0
    assert IndexLayout(mini_settings.index_dir).current_manifest() == before


def test_changed_file_replaces_its_chunks_only(corpus_copy: Path, tmp_path: Path, embedding_cache, embedder) -> None:
    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    first = _build(settings, embedder)
    abstracts = corpus_copy / "research/abstracts.jsonl"
    lines = abstracts.read_text(encoding="utf-8").splitlines()
    abstracts.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # drop the last abstract
    write_manifest(settings.manifest, scan(corpus_copy, read_manifest(settings.manifest))[0])
    counting = CountingEmbedder(embedder)
    second = _build(settings, counting)
    assert not second.unchanged and second.version != first.version
    assert second.documents == first.documents - 1
    assert second.reused_sources == first.sources - 1  # every other source copied, not re-read
    assert counting.calls == 0  # the remaining abstracts' chunks were all in the cache
    # --force reads every source again (new ingest rules apply to all), embedding nothing the cache holds
    forced = _build(settings, counting, force=True)
    assert forced.reused_sources == 0 and forced.chunks == second.chunks and counting.calls == 0
    searcher = Searcher.open(settings, embedder)
    import json

    gone = "PMID:" + json.loads(lines[-1])["pmid"]
    assert searcher.store.document(gone) is None
    assert searcher.store.document("PMID:" + json.loads(lines[0])["pmid"]) is not None
    assert len(searcher.store.passages(range(searcher.size))) == searcher.size == second.chunks
    searcher.close()


def test_remove_and_restore_a_document(corpus_copy: Path, tmp_path: Path, embedding_cache, embedder) -> None:
    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    first = _build(settings, embedder)
    layout = IndexLayout(settings.index_dir)
    searcher = Searcher.open(settings, embedder)
    target = searcher.search("flight nurses intubation helicopter", k=1)[0].passage.doc_id
    searcher.close()
    layout.set_removed({target})
    removed = _build(settings, embedder)
    assert removed.documents == first.documents - 1
    searcher = Searcher.open(settings, embedder)
    assert all(h.passage.doc_id != target for h in searcher.search("flight nurses intubation helicopter", k=20))
    searcher.close()
    layout.set_removed(set())
    restored = _build(settings, embedder)
    assert restored.documents == first.documents and restored.chunks == first.chunks


def test_failed_build_leaves_previous_version_in_service(
    corpus_copy: Path, tmp_path: Path, embedding_cache, embedder, monkeypatch
) -> None:
    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    first = _build(settings, embedder)
    layout = IndexLayout(settings.index_dir)
    (corpus_copy / "research/abstracts.jsonl").write_text(
        (corpus_copy / "research/abstracts.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    write_manifest(settings.manifest, scan(corpus_copy, read_manifest(settings.manifest))[0])

    def explode(*args, **kwargs):
        raise RuntimeError("disk full (injected)")

    monkeypatch.setattr(BM25Index, "build", explode)  # fail after the store and vectors are written
    with pytest.raises(RuntimeError, match="injected"):
        _build(settings, embedder)
    assert layout.current_manifest().version == first.version
    assert not list(layout.versions.glob(".building-*"))
    searcher = Searcher.open(settings, embedder)
    assert searcher.size == first.chunks and searcher.search("opioid", k=3)
    searcher.close()
    monkeypatch.undo()
    assert _build(settings, embedder).documents == first.documents - 39


def test_a_manifest_edit_reaches_the_index_without_re_embedding(
    corpus_copy: Path, tmp_path: Path, embedding_cache, embedder
) -> None:
    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    _build(settings, embedder)
    entries = read_manifest(settings.manifest)
    target = next(e for e in entries if e.format == "medquad")
    entries = [
        e.model_copy(update={"kind": "guideline", "title": "Edited title", "year": 2024}) if e is target else e for e in entries
    ]
    write_manifest(settings.manifest, entries)
    counting = CountingEmbedder(embedder)
    report = _build(settings, counting)
    assert report.reused_sources == len(entries) - 1 and counting.calls == 0
    searcher = Searcher.open(settings, embedder)
    document = searcher.store.document(target.path)
    searcher.close()
    # The file's own metadata (its Focus title) still wins over the manifest; kind and year come from the entry.
    assert document["kind"] == "guideline" and document["year"] == 2024


def test_only_the_sentences_an_answer_reads_are_embedded(corpus_copy: Path, tmp_path: Path, embedding_cache, embedder) -> None:
    """A heading or a reference-list line is never quoted: its vector would never be read, so it is never made (a
    zero row keeps the layout). Every statement, the sentence it is quoted with and every graded sentence has one."""
    import numpy as np

    settings = settings_for(corpus_copy, tmp_path / "index", embedding_cache)
    report = _build(settings, embedder)
    searcher = Searcher.open(settings, embedder)
    read = unread = 0
    for passage in searcher.store.passages(range(searcher.size)).values():
        norms = np.linalg.norm(searcher.sentence_vectors_of(passage.row), axis=1)
        wanted = {o for ordinal in passage.statements for o in passage.quoted_sentences(ordinal)} | set(passage.grades)
        assert all(abs(norms[o] - 1) < 1e-2 for o in wanted)
        assert all(norms[o] == 0 for o in range(len(norms)) if o not in wanted)
        read, unread = read + len(wanted), unread + len(norms) - len(wanted)
    assert read and unread  # the mini corpus has both
    # The sources a later version carries over unchanged keep the same vectors, zero rows included.
    before = {p.chunk_id: searcher.sentence_vectors_of(p.row) for p in searcher.store.passages(range(searcher.size)).values()}
    searcher.close()
    abstracts = corpus_copy / "research/abstracts.jsonl"
    abstracts.write_text("\n".join(abstracts.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
    write_manifest(settings.manifest, scan(corpus_copy, read_manifest(settings.manifest))[0])
    assert _build(settings, embedder).reused_sources == report.sources - 1
    searcher = Searcher.open(settings, embedder)
    after = {p.chunk_id: searcher.sentence_vectors_of(p.row) for p in searcher.store.passages(range(searcher.size)).values()}
    searcher.close()
    assert after and all(np.array_equal(vectors, before[chunk_id]) for chunk_id, vectors in after.items())
