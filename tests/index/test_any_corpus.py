"""Any corpus serves and answers: research only, titled records, title-only records, guidelines only, reference
pages only, a single record. Built with the real model and FAISS from real abstracts and pages."""

from __future__ import annotations

import json
import shutil
from itertools import islice
from pathlib import Path

import pytest

from index.build import build_index
from index.models import Filters
from index.search import Searcher
from ingest.catalog import scan
from ingest.manifest import read_manifest, write_manifest
from qa.service import AnswerService
from tests.conftest import settings_for


def _records(shared: Path, n: int) -> list[dict]:
    with (shared / "research/pubmedqa-abstracts.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in islice(handle, n)]


def _titled(record: dict) -> dict:
    """The record with its conclusions moved out of the text into a title (a real sentence of the paper)."""
    sections = record["sections"]
    conclusion = next(s for s in reversed(sections) if "CONCLU" in s["label"].upper())
    rest = [s for s in sections if s is not conclusion]
    return {"pmid": record["pmid"], "year": record["year"], "title": conclusion["text"].split(". ")[0], "sections": rest}


def _build(tmp_path: Path, files: dict[str, str], embedding_cache: Path, embedder, shared: Path | None = None):
    data = tmp_path / "data"
    for relative, content in files.items():
        (data / relative).parent.mkdir(parents=True, exist_ok=True)
        if shared is not None and content == "copy":
            shutil.copyfile(shared / relative, data / relative)
        else:
            (data / relative).write_text(content, encoding="utf-8")
    entries, _ = scan(data, [])
    write_manifest(data / "manifest.jsonl", entries)
    settings = settings_for(data, tmp_path / "index", embedding_cache)
    report = build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
    assert not report.errors, report.errors
    searcher = Searcher.open(settings, embedder)
    return settings, searcher, AnswerService(searcher, None, settings)


@pytest.fixture(scope="module")
def titled(tmp_path_factory, shared_data, embedding_cache, embedder):
    records = [_titled(r) for r in _records(shared_data, 12)]
    records.append({"doi": "10.1000/title-only.1", "title": records[0]["title"].replace(records[0]["title"][:1], "", 1)})
    records.append({"id": "own-7", "title": "Title-only record", "year": "2019-04-01"})
    lines = "\n".join(json.dumps(r) for r in records) + "\n"
    settings, searcher, service = _build(
        tmp_path_factory.mktemp("titled"), {"research/records.jsonl": lines}, embedding_cache, embedder
    )
    yield records, searcher, service
    searcher.close()


def test_research_only_index_serves_and_answers(titled) -> None:
    records, searcher, service = titled
    question = records[3]["title"]
    answer = service.ask(question)
    assert not answer.abstained and answer.research.sections
    assert f"PMID:{records[3]['pmid']}" in {r.doc_id for r in answer.references}
    assert answer.guidelines.note  # no guideline in the index: said, not failed


def test_titles_are_searchable_by_bm25_and_dense(titled) -> None:
    records, searcher, _ = titled
    record = records[5]
    for mode in ("bm25", "dense"):
        hits = searcher.search(record["title"], k=3, mode=mode)
        assert hits[0].passage.doc_id == f"PMID:{record['pmid']}", mode
        # The title is searchable, but the passage shown and cited is the document's own text.
        assert not hits[0].passage.text.startswith(record["title"])
        assert hits[0].passage.title == record["title"]


def test_short_documents_are_scored_by_bm25_as_a_whole(titled) -> None:
    """An abstract's terms count wherever they occur in it; its chunks tie, and the ranking lists it once."""
    from index.tokenize import tokenize

    records, searcher, _ = titled
    hits = searcher.search(records[2]["title"], k=10, mode="bm25")
    docs = [h.passage.doc_id for h in hits]
    assert docs[0] == f"PMID:{records[2]['pmid']}" and len(docs) == len(set(docs))
    scores = searcher.bm25.scores(tokenize(records[2]["title"]))
    rows = (searcher.documents == searcher.documents[hits[0].passage.row]).nonzero()[0]
    assert len(rows) >= 2 and len({round(float(scores[r]), 4) for r in rows}) == 1


def test_title_only_records_and_other_identifiers_are_indexed(titled) -> None:
    _, searcher, _ = titled
    by_doi = searcher.store.document("doi:10.1000/title-only.1")
    assert by_doi is not None and by_doi["url"] == "https://doi.org/10.1000/title-only.1"
    own = searcher.store.document("own-7")
    assert own is not None and own["year"] == 2019 and own["text"] == "Title-only record"
    hits = searcher.search("title-only record", k=5, mode="bm25")
    assert "own-7" in {h.passage.doc_id for h in hits}


def test_off_topic_documents_are_not_cited(titled) -> None:
    """A question about one paper is answered from that paper, not padded from its neighbours."""
    records, _, service = titled
    for record in records[:6]:
        answer = service.ask(record["title"])
        cited = {r.doc_id for r in answer.references}
        assert f"PMID:{record['pmid']}" in cited
        assert len(cited) <= 2, (record["title"], cited)


def test_unrelated_question_abstains(titled) -> None:
    _, _, service = titled
    answer = service.ask("What is the torque specification for a bicycle crank bolt?")
    assert answer.abstained and not answer.statements()


def test_guidelines_only_and_reference_only_indexes_answer(tmp_path, mini_corpus, embedding_cache, embedder) -> None:
    for name, kept in (("guidelines", "guidelines/"), ("reference", "reference/")):
        files = {
            str(p.relative_to(mini_corpus)): p.read_text(encoding="utf-8", errors="ignore")
            for p in mini_corpus.rglob("*")
            if p.is_file() and str(p.relative_to(mini_corpus)).startswith(kept) and p.suffix != ".pdf"
        }
        pdfs = [p for p in mini_corpus.rglob("*.pdf") if str(p.relative_to(mini_corpus)).startswith(kept)]
        root = tmp_path / name
        for pdf in pdfs:
            target = root / "data" / pdf.relative_to(mini_corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, target)
        _, searcher, service = _build(root, files, embedding_cache, embedder)
        question = "When should opioids be tapered?" if name == "guidelines" else "What are the symptoms of the condition?"
        answer = service.ask(question, filters=Filters())
        assert answer.statements() or answer.abstained
        assert answer.research.note  # no research: said, not failed
        searcher.close()
