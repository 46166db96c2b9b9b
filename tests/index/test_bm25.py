"""The sparse BM25 must score exactly like rank-bm25's BM25Okapi on real chunks."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from core.settings import BM25Settings
from index.bm25 import Among, BM25Index
from index.tokenize import tokenize


def _chunk_tokens(searcher) -> list[list[str]]:
    passages = searcher.store.passages(range(searcher.size))
    return [tokenize(passages[row].text) for row in range(searcher.size)]


def test_scores_equal_rank_bm25_on_real_chunks(searcher) -> None:
    corpus = _chunk_tokens(searcher)
    reference = BM25Okapi(corpus)
    ours = BM25Index.build(corpus, BM25Settings())
    queries = [
        "opioid dosage threshold for chronic pain",
        "helicopter intubation flight nurses",
        "bone marrow leukemia lymphocytes",
        "what are the symptoms and treatment",
        "pain pain pain opioid",  # repeated query terms count repeatedly, as in BM25Okapi
        "zzzz-not-a-word",
    ]
    for query in queries:
        tokens = tokenize(query)
        np.testing.assert_allclose(ours.scores(tokens), reference.get_scores(tokens), rtol=1e-5, atol=1e-5)


def test_terms_in_more_than_half_the_chunks_use_the_epsilon_floor(searcher) -> None:
    corpus = _chunk_tokens(searcher)
    document_frequency: dict[str, int] = {}
    for tokens in corpus:
        for term in set(tokens):
            document_frequency[term] = document_frequency.get(term, 0) + 1
    frequent = [t for t, n in document_frequency.items() if n > len(corpus) / 2]
    # Real chunks rarely have such terms; add a corpus-wide token to be sure the case is exercised.
    if not frequent:
        corpus = [tokens + ["medcitecommon"] for tokens in corpus]
        frequent = ["medcitecommon"]
    reference = BM25Okapi(corpus)
    ours = BM25Index.build(corpus, BM25Settings())
    assert reference.idf[frequent[0]] == reference.epsilon * reference.average_idf
    np.testing.assert_allclose(
        ours.scores([frequent[0], "pain"]), reference.get_scores([frequent[0], "pain"]), rtol=1e-5, atol=1e-5
    )


def test_save_and_load_round_trip(tmp_path, searcher) -> None:
    corpus = _chunk_tokens(searcher)[:50]
    index = BM25Index.build(corpus, BM25Settings())
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    tokens = tokenize("opioid pain")
    np.testing.assert_array_equal(loaded.scores(tokens), index.scores(tokens))


def test_tokenizer_stems_and_drops_stop_words() -> None:
    assert tokenize("The Opioids were tapered") == ["opioid", "taper"]
    assert tokenize("long-term COVID-19") == ["long-term", "covid-19"]


def test_idf_among_some_chunks_is_their_own_index_idf(searcher) -> None:
    """What a kind's search and its sentences' weights use (index/search.py): the idf BM25Okapi gives when
    only those chunks are indexed."""
    corpus = _chunk_tokens(searcher)
    ours = BM25Index.build(corpus, BM25Settings())
    mask = np.zeros(len(corpus), dtype=bool)
    mask[::3] = True
    among = Among(mask, int(mask.sum()))
    alone = BM25Okapi([tokens for tokens, kept in zip(corpus, mask) if kept])
    terms = [t for t, idf in alone.idf.items() if idf > 0][:200]
    assert terms
    for term in terms:
        assert ours.idf(term, among) == pytest.approx(alone.idf[term])
    assert ours.idf("nosuchtermanywhere", among) == pytest.approx(np.log(among.size + 0.5) - np.log(0.5))
