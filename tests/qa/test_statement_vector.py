"""A sentence quoted with the one it points back to is matched to questions by the meaning of both."""

from __future__ import annotations

import numpy as np

from index.models import Passage
from ingest.chunking import sentence_spans
from ingest.hygiene import statements
from qa.statements import statement_vector

# The outpatient checklist's device-reprocessing page, as its PDF reader gives it.
TEXT = (
    "Medical devices are labeled by the manufacturer as either reusable or single-use. Single-use devices (SUDs) "
    "are labeled by the manufacturer for a single use and do not have reprocessing instructions. They may not be "
    "reprocessed for reuse except by entities which have complied with FDA regulatory requirements and have "
    "received FDA clearance to reprocess specific SUDs."
)


def _passage() -> Passage:
    spans = sentence_spans(TEXT)
    quotable = {o: (a, b, e) for o, a, b, e in statements(TEXT, spans, None, {})}
    return Passage(
        row=0,
        chunk_id="c",
        doc_id="d",
        text=TEXT,
        start=0,
        end=len(TEXT),
        section=None,
        page=7,
        sentences=spans,
        grades={},
        kind="guideline",
        title=None,
        source=None,
        year=None,
        url=None,
        locator="d.pdf",
        path="d.pdf",
        statements=quotable,
    )


def test_a_joined_statement_means_what_both_its_sentences_say(embedder) -> None:
    passage = _passage()
    assert sorted(passage.statements) == [0, 2]  # the second sentence is quoted within the third's statement
    assert list(passage.quoted_sentences(2)) == [1, 2] and list(passage.quoted_sentences(0)) == [0]
    vectors = embedder.embed([TEXT[a:b] for a, b in passage.sentences])
    joined = statement_vector(passage, 2, vectors)
    assert np.isclose(np.linalg.norm(joined), 1.0, atol=1e-5)
    question = embedder.embed(["Can we reprocess single-use biopsy forceps ourselves?"])[0]
    # Before, only the sentence naming SUDs was quotable, and it says nothing of reprocessing them; quoted with the
    # sentence that does, the statement is nearer the question, and is the sum of both sentences' meaning
    assert float(joined @ question) > float(vectors[1] @ question) + 0.05
    summed = vectors[1] + vectors[2]
    assert np.allclose(joined, summed / np.linalg.norm(summed), atol=1e-6)
    assert np.array_equal(statement_vector(passage, 0, vectors), vectors[0])
