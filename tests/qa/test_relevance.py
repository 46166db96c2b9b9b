"""Relevance relative to the question's own evidence, on the real mini index and the real model."""

from __future__ import annotations

from dataclasses import replace

from index.tokenize import tokenize
from qa.relevance import QuestionTerms, Topicality, on_topic_documents, topicality, weak

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
    telling = terms.holding_most_telling(hits, searcher.terms_present)
    found = topicality(hits, terms.in_passages(hits, searcher.terms_present), telling)
    best = max(found, key=lambda doc: found[doc].score)
    assert best == "PMID:10135926" and found[best].score > 0.9
    # its most informative term is in the paper asked about, and not in every passage retrieved
    assert found[best].telling and 0 < len(telling) < len(hits)
    others = sorted((t.score for doc, t in found.items() if doc != best), reverse=True)
    assert others and others[0] < found[best].score
    assert all(0 <= t.score <= 1 for t in found.values())


def test_weak_evidence_is_told_from_real_evidence(searcher) -> None:
    for question, expected in ((QUESTION, False), ("What is the torque for a bicycle crank bolt?", True)):
        vector = searcher.embed_query(question)
        hits = searcher.search(question, k=30, vector=vector)
        terms = QuestionTerms.of(question, searcher.idf)
        assert weak(topicality(hits, terms.in_passages(hits, searcher.terms_present)), 0.3, 0.35) is expected, question


def test_a_document_stating_more_of_the_question_near_it_in_meaning_is_on_topic() -> None:
    """Figures from the shipped index. "What level of reprocessing does a colonoscope need between patients?": the
    page on Crohn's disease is nearest in meaning, the infection-prevention guide alone says "reprocessing". "Is
    the international normalised ratio (INR) reliable?": a guideline chunk sharing "international" and
    "reliable" is nowhere near it in meaning."""
    colonoscope = {
        "crohns": Topicality(words=0.380, meaning=0.634, score=0.845),
        "colonoscopy": Topicality(words=0.426, meaning=0.578, score=0.774),
        "guide": Topicality(words=0.449, meaning=0.433, score=0.506, telling=True),
        "ibs": Topicality(words=0.331, meaning=0.420, score=0.430),
    }
    assert on_topic_documents(colonoscope, 0.6, 0.3) == {"crohns", "colonoscopy", "guide"}
    inr = {
        "gold": Topicality(words=0.266, meaning=0.402, score=0.663),
        "other": Topicality(words=0.554, meaning=0.263, score=0.645),
        "opioids": Topicality(words=0.326, meaning=0.166, score=0.294),
    }
    assert on_topic_documents(inr, 0.6, 0.3) == {"gold", "other"}
    # without "reprocessing", or far off in meaning, the guide would not be
    assert "guide" not in on_topic_documents({**colonoscope, "guide": replace(colonoscope["guide"], telling=False)}, 0.6, 0.3)
    assert "guide" not in on_topic_documents({**colonoscope, "guide": replace(colonoscope["guide"], meaning=0.35)}, 0.6, 0.3)
