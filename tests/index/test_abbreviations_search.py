"""Keyword search finds a passage by the words an abbreviation it uses stands for, where its document defines it."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

from index.models import Filters
from tests.index.test_any_corpus import _build

# Long enough (> bm25.whole_document_chars) that BM25 scores each chunk alone: the last section only says "DGE".
DEFINITION = (
    "Delayed gastric emptying (DGE) is a frequent complication after pylorus-preserving "
    "pancreaticoduodenectomy (PPPD) and prolongs hospital stay. "
)
FILLER = (
    "Patients were followed in the outpatient clinic by the surgical team, and their oral intake, weight and "
    "laboratory values were recorded at every visit according to the department's standard protocol. "
)
LATER = "DGE after PPPD resolved within three weeks in most patients and needed no reoperation."
TEXT = "# Background\n\n" + DEFINITION + FILLER * 3 + "\n\n# Methods\n\n" + FILLER * 30 + "\n\n# Conclusions\n\n" + LATER + "\n"


def _corpus(text: str, shared: Path) -> dict[str, str]:
    """The document among twenty real abstracts, so that its words are rare, as in any real index."""
    with (shared / "research/pubmedqa-abstracts.jsonl").open(encoding="utf-8") as handle:
        others = [json.dumps(json.loads(line)) for line in islice(handle, 20)]
    return {"research/dge.md": text, "research/others.jsonl": "\n".join(others) + "\n"}


def test_the_long_form_finds_a_passage_written_in_the_short_form(tmp_path, shared_data, embedding_cache, embedder) -> None:
    settings, searcher, _ = _build(tmp_path, _corpus(TEXT, shared_data), embedding_cache, embedder)
    query = "delayed gastric emptying after pylorus-preserving pancreaticoduodenectomy"  # the long forms only
    hits = searcher.search(query, k=5, mode="bm25", filters=Filters())
    holding = [h for h in hits if LATER in h.passage.text and DEFINITION.strip() not in h.passage.text]
    assert holding and holding[0].bm25 > 0, [h.passage.text[:80] for h in hits]
    assert "Delayed gastric emptying (DGE) after" not in holding[0].passage.text  # shown and quoted as written
    # without the definition nothing says what DGE is: the same words find only passages that spell them out
    plain = TEXT.replace(DEFINITION, "Gastric emptying after pancreaticoduodenectomy was studied. " + FILLER)
    _, searcher, _ = _build(tmp_path / "plain", _corpus(plain, shared_data), embedding_cache, embedder)
    hits = searcher.search(query, k=5, mode="bm25", filters=Filters())
    assert not [h for h in hits if LATER in h.passage.text and "Gastric emptying after" not in h.passage.text and h.bm25 > 0]
