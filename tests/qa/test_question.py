"""The question read once (qa/question.py), on the real mini index and the real model: what every later stage
takes is what each used to read from the text itself."""

from __future__ import annotations

from functools import partial

import numpy as np

from qa.lead_features import QuestionTraits
from qa.question import Question
from qa.relevance import QuestionTerms
from qa.scope import asked_terms
from qa.service import AnswerService

CASE = "My patient, a 15-year-old, has been on oxycodone since surgery. How fast should the taper go?"


def test_a_question_is_read_into_its_vectors_terms_traits_and_scope(searcher) -> None:
    read = Question.read(CASE, searcher)
    assert read.text == CASE
    assert np.allclose(read.vector, searcher.embed_query(CASE))
    assert read.asked is not None and np.allclose(read.asked, searcher.embed_query("How fast should the taper go?"))
    assert read.terms == QuestionTerms.of(CASE, searcher.idf)
    assert read.guideline_terms == QuestionTerms.of(CASE, partial(searcher.idf, kind="guideline"))
    assert read.guideline_terms != read.terms  # rarity among the guidelines is not rarity in the whole index
    assert read.traits == QuestionTraits.of(CASE) and "quantity" in read.traits.asks
    assert read.narrows == asked_terms(CASE, None) and {"children", "adolesc"} <= read.narrows


def test_a_question_without_its_case_has_no_second_vector(searcher) -> None:
    read = Question.read("How fast should a long-term opioid taper go?", searcher)
    assert read.asked is None and not read.narrows


def test_gathering_reads_the_question_once_and_keeps_it(searcher, mini_settings) -> None:
    found = AnswerService(searcher, None, mini_settings).gather(CASE)
    again = Question.read(CASE, searcher)
    assert found.question.terms == again.terms and found.question.traits == again.traits
    assert np.allclose(found.question.vector, again.vector)
    assert found.pool and found.hits
