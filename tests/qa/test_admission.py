"""Which documents an answer may cite (qa/admission.py): each feature tells the document that has more of its
property from one with less; the model reads back; on the real mini index it removes only documents under its
threshold and never empties a pool. What each feature is worth is the fit's business, not these tests'."""

from __future__ import annotations

import numpy as np
import pytest

from qa.admission import FEATURES, NAMES, AdmissionModel, Document, ModelMismatch, admitted, documents, load, matrix
from qa.relevance import Topicality
from qa.service import AnswerService
from qa.statements import Candidate


def candidate(similarity: float = 0.6, words: float = 0.5, score: float = 0.7) -> Candidate:
    vector = np.zeros(3, dtype=np.float32)
    return Candidate(None, 0, (0, 1), "x", vector, similarity, words, similarity, 1.0, score, None)  # type: ignore[arg-type]


def document(
    doc_id: str,
    kind: str = "research",
    score: float = 0.8,
    words: float = 0.5,
    meaning: float = 0.6,
    telling: bool = False,
    statements: list[Candidate] | None = None,
) -> Document:
    return Document(doc_id, kind, Topicality(words, meaning, score, telling), statements or [candidate()])


GUIDELINE = document("g", "guideline", statements=[candidate(similarity=0.8, score=0.9)])
BEST = document("best", score=1.0, words=0.8, meaning=0.7, statements=[candidate(similarity=0.7, words=0.7, score=0.9)])

# feature → (a pool, the document with more of the feature, the one with less); the rest of the pool is context
CASES: dict[str, tuple[list[Document], str, str]] = {
    "research": ([GUIDELINE, document("r")], "r", "g"),
    "reference": ([GUIDELINE, document("p", "reference")], "p", "g"),
    "topicality": ([BEST, document("low", score=0.4)], "best", "low"),
    "words": ([BEST, document("few", words=0.1)], "best", "few"),
    "words_ratio": ([BEST, document("few", words=0.2)], "best", "few"),
    "meaning": ([BEST, document("far", meaning=0.3)], "best", "far"),
    "meaning_gap": ([BEST, document("far", meaning=0.3)], "far", "best"),
    "telling": ([BEST, document("t", telling=True)], "t", "best"),
    "similarity": ([BEST, document("far", statements=[candidate(similarity=0.2)])], "best", "far"),
    "similarity_gap": ([BEST, document("far", statements=[candidate(similarity=0.2)])], "far", "best"),
    "kind_gap": ([GUIDELINE, BEST, document("far", statements=[candidate(similarity=0.2)])], "far", "best"),
    "guideline_gap": ([GUIDELINE, document("far", statements=[candidate(similarity=0.2)])], "far", "g"),
    "statement_words": ([BEST, document("few", statements=[candidate(words=0.1)])], "best", "few"),
    "rank": ([BEST, document("second", statements=[candidate(score=0.5)])], "second", "best"),
    "rank_in_kind": (
        [GUIDELINE, BEST, document("second", statements=[candidate(score=0.5)])],
        "second",
        "best",
    ),
    "statements": ([BEST, document("many", statements=[candidate(), candidate(), candidate()])], "many", "best"),
}


def test_every_feature_has_a_case() -> None:
    assert set(CASES) == set(FEATURES) and tuple(FEATURES) == NAMES


@pytest.mark.parametrize("name", list(CASES))
def test_each_feature_tells_more_from_less(name: str) -> None:
    pool, more, less = CASES[name]
    values = dict(zip((d.doc_id for d in pool), matrix(pool)[:, NAMES.index(name)]))
    assert values[more] > values[less], (name, values)


def test_the_shipped_model_reads_back_and_refuses_other_features() -> None:
    model = load()
    assert model is not None and model.names == NAMES and 0 < model.threshold < 1
    again = AdmissionModel.from_json(model.to_json())
    features = matrix([GUIDELINE, BEST, document("far", "reference", score=0.2, meaning=0.2)])
    assert np.allclose(again.probability(features), model.probability(features), atol=1e-5)
    assert np.all((model.probability(features) > 0) & (model.probability(features) < 1))
    text = model.to_json().replace('"telling"', '"renamed"')
    with pytest.raises(ModelMismatch, match="train-admission"):
        AdmissionModel.from_json(text)


def test_the_shipped_model_prefers_the_document_nearer_the_question() -> None:
    model = load()
    assert model is not None
    near, far = matrix([BEST, document("far", score=0.3, words=0.1, meaning=0.3, statements=[candidate(0.2, 0.1, 0.3)])])
    assert model.probability(np.vstack([near, far]))[0] > model.probability(np.vstack([near, far]))[1]


# On the mini index its pool holds six abstracts, of which the shipped model finds one likely evidence.
BROAD = "What do studies find about mortality in elderly patients?"


def _pool(searcher, settings, question: str):  # noqa: ANN001, ANN202 - the session's searcher and settings
    service = AnswerService(searcher, None, settings)
    service.admission = None
    found = service.gather(question)
    return found.pool, service.topics(found.question, found.hits)


def test_on_the_real_index_only_documents_under_the_threshold_go(searcher, mini_settings) -> None:
    pool, topics = _pool(searcher, mini_settings, BROAD)
    found = documents(pool, topics)
    assert len(found) >= 3
    model = load()
    assert model is not None
    chance = dict(zip((d.doc_id for d in found), model.probability(matrix(found))))
    bar = float(np.median(list(chance.values())))
    kept = {c.hit.passage.doc_id for c in admitted(pool, topics, model, bar)}
    guidelines = {d.doc_id for d in found if d.kind == "guideline"}  # never refused here: the lead ranker's call
    assert kept == {doc for doc, p in chance.items() if p >= bar} | guidelines and kept < set(chance)
    # no document reaching the bar: the model cannot tell them apart, and the pool stays whole
    assert admitted(pool, topics, model, 1.01) == pool
    assert admitted(pool, topics, None) == pool


def test_the_service_admits_for_clinicians_only(searcher, mini_settings) -> None:
    question = BROAD
    on = AnswerService(searcher, None, mini_settings)
    off_settings = mini_settings.model_copy(update={"qa": mini_settings.qa.model_copy(update={"admission": False})})
    off = AnswerService(searcher, None, off_settings)
    assert on.admission is not None and off.admission is None
    found = off.gather(question)
    expected = admitted(found.pool, off.topics(found.question, found.hits), on.admission)
    given = [(c.hit.passage.doc_id, c.text) for c in on.gather(question).pool]
    assert given == [(c.hit.passage.doc_id, c.text) for c in expected]
    assert len({doc for doc, _ in given}) < len({c.hit.passage.doc_id for c in found.pool})  # some were not admitted
    texts = lambda service: [c.text for c in service.gather(question, audience="patient").pool]  # noqa: E731
    assert texts(on) == texts(off)  # a patient's answer leads with its reference pages: not fitted for it
