"""A guideline's sentences are ranked as in an index of the guidelines alone. What research and reference pages
are indexed beside the guidelines changes how rare a question's words are across the index; weighed that way, a
near-tie between two guideline sentences for the lead flipped when abstracts were added (four of forty dev
questions). Searching one kind and ranking its sentences now weigh each word by its rarity among that kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import build_index
from index.models import Filters
from index.search import Searcher
from index.tokenize import tokenize
from ingest.manifest import read_manifest
from qa.service import AnswerService

QUESTIONS = [
    "When should clinicians offer naloxone?",
    "What dosage of opioids should prompt a careful reassessment of benefits and risks?",
    "How long should opioids be prescribed for acute pain?",
    "Should clinicians use urine drug testing before starting opioids for chronic pain?",
    "What should clinicians do before tapering a patient on long-term opioids?",
]


@pytest.fixture(scope="module")
def guidelines_alone(mini_settings, embedder, tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The mini corpus's guidelines, and nothing else, in an index of their own."""
    entries = [e for e in read_manifest(mini_settings.manifest) if e.kind == "guideline"]
    settings = mini_settings.model_copy(update={"index_dir": Path(tmp_path_factory.mktemp("guidelines-alone"))})
    report = build_index(settings, entries, lambda: embedder, show_progress=False)
    assert not report.errors and {e.kind for e in read_manifest(mini_settings.manifest)} > {"guideline"}
    searcher = Searcher.open(settings, embedder)
    yield searcher
    searcher.close()


def test_idf_among_guidelines_is_the_guideline_index_idf(searcher, guidelines_alone) -> None:
    terms = {t for q in QUESTIONS for t in tokenize(q)} | {"nosuchtermanywhere"}
    changed = 0
    for term in terms:
        assert searcher.idf(term, kind="guideline") == pytest.approx(guidelines_alone.idf(term))
        changed += searcher.idf(term) != pytest.approx(guidelines_alone.idf(term))
    assert changed  # the whole index's weights differ: what the kind's own weights correct


def test_guideline_lead_is_the_one_the_guidelines_alone_give(searcher, guidelines_alone, mini_settings) -> None:
    mixed, alone = AnswerService(searcher, None, mini_settings), AnswerService(guidelines_alone, None, mini_settings)
    for question in QUESTIONS:
        lead = [s.text for s in mixed.ask(question).guidelines.lead]
        assert lead and lead == [s.text for s in alone.ask(question).guidelines.lead], question


def test_searching_one_kind_weighs_words_among_that_kind(searcher, guidelines_alone) -> None:
    """BM25 restricted to guidelines weighs each term by the guidelines' own idf, so it finds what the guidelines'
    own index finds first; only length normalisation (average chunk length) is the whole index's."""
    for question in QUESTIONS:
        ours = searcher.search(question, k=20, mode="bm25", filters=Filters(kinds=("guideline",)))
        theirs = guidelines_alone.search(question, k=20, mode="bm25")
        assert all(h.passage.kind == "guideline" for h in ours)
        assert ours[0].passage.chunk_id == theirs[0].passage.chunk_id, question
