"""The question as understood, read once: its vectors, its terms and what it asks for, in one record that every
stage after retrieval takes (qa/service.py → statements, scope, lead, compose), so none of them parses the text
again."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from index.search import Searcher
from index.tokenize import tokenize
from qa.lead_features import QuestionTraits
from qa.question_context import split_question
from qa.relevance import QuestionTerms
from qa.scope import asked_terms


@dataclass(frozen=True, slots=True)
class Question:
    text: str  # as understood: a follow-up is read with the question before it (qa/followup.py)
    vector: np.ndarray  # the whole question's, context included: what is searched for
    # The question sentence's alone when the question opens with its case ("My patient has been on oxycodone for
    # five years. How fast should the taper go?"): the case finds the evidence, the sentence says which part
    # answers (qa/lead.py). None without a case, or before the index has sentence vectors to compare it with.
    asked: np.ndarray | None
    terms: QuestionTerms  # weighed by their rarity in the whole index
    guideline_terms: QuestionTerms  # weighed by their rarity among the guidelines' passages alone
    traits: QuestionTraits  # what it asks for: a number, a reason, a population… (qa/lead_features.py)
    narrows: frozenset[str]  # who or what it narrows to, that a guideline's scope may exclude (qa/scope.py)

    @classmethod
    def read(cls, text: str, searcher: Searcher) -> Question:
        tokens = tokenize(text)
        context, sentence = split_question(text)
        return cls(
            text=text,
            vector=searcher.embed_query(text),
            asked=searcher.embed_query(sentence) if context and searcher.complete else None,
            terms=QuestionTerms.weighed(tokens, searcher.idf),
            guideline_terms=QuestionTerms.weighed(tokens, partial(searcher.idf, kind="guideline")),
            traits=QuestionTraits.of(text, frozenset(tokens)),
            narrows=frozenset(asked_terms(text, None)),
        )
