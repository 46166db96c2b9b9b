"""A published version is read memory-mapped (shared page cache, not a copy per process), older BM25 files
still load, and IVF, the approximate dense index for large corpora, finds what exact search finds."""

from __future__ import annotations

import mmap
import shutil
from pathlib import Path

import numpy as np
from scipy import sparse

from core.settings import DenseSettings
from index.bm25 import ARRAYS, SHAPE, BM25Index
from index.build import build_index
from index.dense import build_dense, load_dense, save_dense, search_dense
from index.models import Filters
from index.search import Searcher
from ingest.manifest import read_manifest
from tests.conftest import settings_for


def _mapped(array: np.ndarray) -> bool:
    while array is not None and not isinstance(array, mmap.mmap):
        array = getattr(array, "base", None)
    return isinstance(array, mmap.mmap)


def test_bm25_matrix_and_sentence_vectors_are_mapped_not_copied(searcher) -> None:
    matrix = searcher.bm25.matrix
    assert all(_mapped(a) for a in (matrix.data, matrix.indices, matrix.indptr))
    assert _mapped(searcher.sentence_vectors) and _mapped(searcher.sentence_offsets)
    assert searcher.search("opioid tapering", k=3, mode="bm25")[0].bm25 > 0


def test_a_version_with_the_older_bm25_file_reads_the_same(searcher, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(searcher.directory, old)
    sparse.save_npz(old / "bm25.npz", searcher.bm25.matrix.tocsr(), compressed=False)
    for name in (*ARRAYS, SHAPE):
        (old / name).unlink()
    legacy = BM25Index.load(old)
    tokens = ["opioid", "taper", "pain"]
    assert np.array_equal(legacy.scores(tokens), searcher.bm25.scores(tokens))
    assert legacy.vocabulary == searcher.bm25.vocabulary


def test_ivf_probing_every_list_is_exact_and_keeps_to_filters(searcher, tmp_path: Path) -> None:
    vectors = searcher.dense.reconstruct_n(0, searcher.dense.ntotal)
    settings = DenseSettings(index_type="ivf", ivf_nlist=4, ivf_nprobe=4)
    save_dense(build_dense(vectors, settings), tmp_path)
    ivf = load_dense(tmp_path, settings)
    assert ivf.nlist == 4 and ivf.nprobe == 4
    query = searcher.embed_query("naloxone for opioid overdose")
    exact = search_dense(searcher.dense, query, 10, None)
    approx = search_dense(ivf, query, 10, None)
    assert approx[1].tolist() == exact[1].tolist()
    np.testing.assert_allclose(approx[0], exact[0], rtol=1e-5)
    allowed = searcher.kinds == 1  # research only
    rows = search_dense(ivf, query, 10, allowed)[1]
    assert len(rows) and allowed[rows].all()
    assert np.allclose(ivf.reconstruct_batch(rows[:3]), vectors[rows[:3]], atol=1e-6)


def test_an_ivf_index_serves_hybrid_search_with_filters(
    mini_corpus: Path, embedding_cache: Path, embedder, tmp_path: Path
) -> None:
    settings = settings_for(mini_corpus, tmp_path / "index", embedding_cache, dense=DenseSettings(index_type="ivf"))
    report = build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
    searcher = Searcher.open(settings, embedder)
    try:
        assert searcher.manifest.index_type == "ivf" and report.chunks == searcher.dense.ntotal
        hits = searcher.search("opioid dosage threshold for chronic pain", k=5, filters=Filters(kinds=("guideline",)))
        assert hits and all(h.passage.kind == "guideline" and h.dense > 0 for h in hits)
    finally:
        searcher.close()
