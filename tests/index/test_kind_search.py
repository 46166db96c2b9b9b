"""An answer searches each kind of source with the same question (qa/service.py). What is kept per question and
per filter so those searches do not each mask and scan every row (issue #17) gives exactly what masking did:
the same BM25 candidates, the same dense rows and scores as FAISS's filtered IVF search, the same hits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.settings import DenseSettings
from index.build import build_index
from index.dense import search_dense
from index.models import Filters
from index.search import Searcher
from index.selection import top as _top
from index.selection import top_of as _top_of
from index.selection import top_rows as _top_rows
from ingest.manifest import read_manifest
from ingest.models import KINDS
from tests.conftest import settings_for

QUESTIONS = [
    "opioid dosage threshold for chronic pain",
    "When should clinicians offer naloxone?",
    "Is there a relationship between rheumatoid arthritis and periodontal disease?",
    "What is adult acute lymphoblastic leukemia?",
    "hand hygiene in outpatient care",
]
FILTERS = [Filters(kinds=(kind,)) for kind in KINDS] + [
    Filters(kinds=("research", "reference")),
    Filters(year_from=2015),
    Filters(kinds=("guideline",), year_to=2022),
]


@pytest.fixture(scope="module")
def ivf(mini_corpus: Path, embedding_cache: Path, embedder, tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """IVF probing 2 of 8 lists: approximate, so a scan that read other lists than the filtered search would show."""
    dense = DenseSettings(index_type="ivf", ivf_nlist=8, ivf_nprobe=2)
    settings = settings_for(mini_corpus, tmp_path_factory.mktemp("ivf") / "index", embedding_cache, dense=dense)
    build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
    searcher = Searcher.open(settings, embedder)
    yield searcher
    searcher.close()


def test_bm25_candidates_of_a_filter_are_those_of_the_masked_scores(searcher) -> None:
    for question in QUESTIONS:
        scored = searcher._bm25_scored(question)
        for filters in FILTERS:
            allowed = searcher._allowed(filters)
            masked = _top(np.where(allowed, scored.scores, 0.0).astype(np.float32), 400)
            rows, _ = scored.rows(searcher.kinds)
            ours = _top_rows(scored.scores, rows[allowed[rows]], 400)
            assert ours.rows.tolist() == masked.rows.tolist() and np.array_equal(ours.scores, masked.scores)


def test_one_ivf_scan_gives_each_filter_what_a_filtered_ivf_search_gives(ivf) -> None:
    assert ivf._dense_scanned is not None and ivf.dense.nprobe < ivf.dense.nlist
    for question in QUESTIONS:
        vector = ivf.embed_query(question)
        scanned = ivf._dense_scanned(vector.tobytes())
        assert 0 < len(scanned.rows) < ivf.dense.ntotal  # only the probed lists
        for filters in FILTERS:
            allowed = ivf._allowed(filters)
            scores, rows = search_dense(ivf.dense, vector, 100, allowed)
            chosen = allowed[scanned.rows]
            ours = _top_of(scanned.rows[chosen], scanned.scores[chosen], 100)
            assert sorted(ours.rows.tolist()) == sorted(rows.tolist())
            np.testing.assert_allclose(ours.scores, scores, rtol=1e-5, atol=1e-6)


def test_filtered_hybrid_search_is_unchanged(ivf) -> None:
    """The whole search, kept per question and filter, against the same search through FAISS's filtered IVF
    search and fully masked BM25 scores (what every search did before)."""
    reference = Searcher(ivf.directory, ivf.embedder, ivf.settings)
    reference._dense_scanned = None  # FAISS's IDSelector search per filter
    try:
        for question in QUESTIONS:
            for filters in FILTERS:
                ours = ivf.search(question, k=16, filters=filters)
                theirs = reference.search(question, k=16, filters=filters)
                assert [h.passage.row for h in ours] == [h.passage.row for h in theirs]
                assert [round(h.fused, 6) for h in ours] == [round(h.fused, 6) for h in theirs]
                if filters.kinds:
                    assert all(h.passage.kind in filters.kinds for h in ours)
    finally:
        reference.close()


def test_graded_sentences_rank_by_their_best_sentence(searcher) -> None:
    """Each chunk once, at its best graded sentence, best first (ties: the lower row), filters kept."""
    for question in QUESTIONS:
        vector = searcher.embed_query(question)
        similarity = searcher._graded_vectors @ vector
        best: dict[int, float] = {}
        for row, score in zip(searcher._graded_rows.tolist(), similarity.tolist()):
            if score > best.get(row, -1.0):
                best[row] = score
        expected = [row for row, _ in sorted(best.items(), key=lambda item: -item[1])[:5]]
        assert [h.passage.row for h in searcher.graded(question, vector, 5)] == expected
        research = searcher.graded(question, vector, 5, Filters(kinds=("research",)))
        assert research == [] or all(h.passage.kind == "research" for h in research)


def test_terms_present_match_the_matrix(searcher) -> None:
    terms = ["opioid", "naloxon", "pain", "periodont", "nosuchterm"]
    rows = list(range(0, searcher.size, max(1, searcher.size // 300)))
    found = searcher.terms_present(terms, rows)
    dense = np.zeros((len(rows), len(terms)), dtype=bool)
    for j, term in enumerate(terms):
        if term in searcher.bm25.vocabulary:
            dense[:, j] = searcher.bm25.matrix[searcher.bm25.vocabulary[term]].toarray()[0, rows] > 0
    assert found.any() and np.array_equal(found, dense)
