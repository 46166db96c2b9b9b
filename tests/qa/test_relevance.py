"""Relevance relative to the question's own evidence, on the real mini index and the real model."""

from __future__ import annotations

from index.tokenize import tokenize
from qa.relevance import QuestionTerms, topicality, weak

QUESTION = "Does helicopter transport impair endotracheal intubation by flight nurses?"


def test_rare_terms_carry_the_question(searcher) -> None:
    terms = QuestionTerms.of(QUESTION + " in patients", searcher.idf)
    weights = terms.weights
    assert abs(sum(weights.values()) - 1) < 1e-9
    assert weights[tokenize("helicopter")[0]] > weights.get(tokenize("patients")[0], 0.0)
    # A term found nowhere in the index still counts: a question about it is not well matched elsewhere.
    unknown = QuestionTerms.of("zyxwvutase deficiency in patients", searcher.idf)
    assert unknown.weights[tokenize("zyxwvutase")[0]] == max(unknown.weights.values())
    assert unknown.match(tokenize("deficiency in patients")) <= 0.5


def test_the_paper_asked_about_is_the_most_on_topic(searcher) -> None:
    vector = searcher.embed_query(QUESTION)
    hits = searcher.search(QUESTION, k=30, vector=vector)
    terms = QuestionTerms.of(QUESTION, searcher.idf)
    found = topicality(hits, terms.in_passages(hits, searcher.terms_present))
    best = max(found, key=lambda doc: found[doc].score)
    assert best == "PMID:10135926" and found[best].score > 0.9
    others = sorted((t.score for doc, t in found.items() if doc != best), reverse=True)
    assert others and others[0] < found[best].score
    assert all(0 <= t.score <= 1 for t in found.values())


def test_weak_evidence_is_told_from_real_evidence(searcher) -> None:
    for question, expected in ((QUESTION, False), ("What is the torque for a bicycle crank bolt?", True)):
        vector = searcher.embed_query(question)
        hits = searcher.search(question, k=30, vector=vector)
        terms = QuestionTerms.of(question, searcher.idf)
        assert weak(topicality(hits, terms.in_passages(hits, searcher.terms_present)), 0.3, 0.35) is expected, question
