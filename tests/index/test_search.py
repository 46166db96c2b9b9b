"""Hybrid search on the real mini index: scores, fusion, filters, provenance, refusals."""

from __future__ import annotations

import pytest

from index.models import Filters, QueryError


def test_hits_carry_every_score_and_provenance(searcher) -> None:
    hits = searcher.search("opioid dosage threshold for chronic pain", k=5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert hits[0].passage.kind == "guideline" and hits[0].passage.page is not None
    assert hits[0].passage.citation_locator.endswith(f"#page={hits[0].passage.page}")
    for hit in hits:
        assert hit.fused > 0 and -1 <= hit.dense <= 1 and hit.bm25 >= 0
        assert hit.bm25_rank is not None or hit.dense_rank is not None
        document = searcher.store.document(hit.passage.doc_id)
        assert document["text"][hit.passage.start : hit.passage.end] == hit.passage.text
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)


def test_single_modes_rank_by_their_own_score(searcher) -> None:
    bm25 = searcher.search("helicopter intubation", k=5, mode="bm25")
    assert [h.bm25_rank for h in bm25] == [1, 2, 3, 4, 5][: len(bm25)]
    assert [h.fused for h in bm25] == [h.bm25 for h in bm25]
    dense = searcher.search("helicopter intubation", k=5, mode="dense")
    assert [h.dense_rank for h in dense] == [1, 2, 3, 4, 5]
    assert [h.fused for h in dense] == pytest.approx([h.dense for h in dense], abs=1e-5)


def _top_doc(searcher, query: str, mode: str) -> str:
    return searcher.search(query, k=1, mode=mode)[0].passage.doc_id


def _docs(searcher, query: str, mode: str, k: int = 10) -> list[str]:
    return [h.passage.doc_id for h in searcher.search(query, k=k, mode=mode)]


def test_hybrid_keeps_what_only_bm25_ranks_first(searcher) -> None:
    query = "GRADE framework"  # an exact technical term: lexical match beats meaning here
    lexical = _top_doc(searcher, query, "bm25")
    assert lexical != _top_doc(searcher, query, "dense")
    assert _docs(searcher, query, "hybrid", k=3)[0] == lexical


def test_hybrid_keeps_what_only_dense_ranks_first(searcher) -> None:
    # A paraphrase sharing no stem with the abstract on in-flight intubation.
    query = "putting a breathing tube into the windpipe while flying"
    semantic = _top_doc(searcher, query, "dense")
    assert semantic == "PMID:10135926"
    assert semantic not in _docs(searcher, query, "bm25")
    assert semantic in _docs(searcher, query, "hybrid")


def test_kind_and_year_filters(searcher) -> None:
    for kind in ("guideline", "research", "reference"):
        hits = searcher.search("treatment", k=10, filters=Filters(kinds=(kind,)))
        assert hits and all(h.passage.kind == kind for h in hits)
    recent = searcher.search("treatment outcome", k=10, filters=Filters(year_from=2005), mode="bm25")
    assert all(h.passage.year and h.passage.year >= 2005 for h in recent)
    old = searcher.search("treatment outcome", k=10, filters=Filters(year_to=2000), mode="dense")
    assert old and all(h.passage.year and h.passage.year <= 2000 for h in old)


def test_weighted_fusion_is_an_option(searcher) -> None:
    settings = searcher.settings.model_copy(update={"fusion": searcher.settings.fusion.model_copy(update={"method": "weighted"})})
    original = searcher.settings
    searcher.settings = settings
    try:
        hits = searcher.search("opioid dosage threshold", k=5)
    finally:
        searcher.settings = original
    assert hits and all(0 <= h.fused <= 1 for h in hits)


@pytest.mark.parametrize(
    ("query", "k", "message"),
    [("   ", 10, "empty"), ("x" * 1_000_000, 10, "limit is"), ("pain", 0, "k must be"), ("pain", 10_000, "k must be")],
)
def test_bad_queries_are_refused_with_a_reason(searcher, query: str, k: int, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        searcher.search(query, k=k)


def test_a_query_of_stop_words_still_gets_dense_hits(searcher) -> None:
    hits = searcher.search("what is it", k=3)
    assert hits and all(h.bm25_rank is None for h in hits)
