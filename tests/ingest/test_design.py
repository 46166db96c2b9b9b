"""Study design at ingest, on real records: labels from MeSH and publication types through the lexicon, the
text model that never sees them, the weights file, and the studies table the store keeps."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.settings import ChunkSettings, Settings
from index.store import Store
from index.store_writer import StoreWriter
from ingest.chunking import chunk_document
from ingest.design_labels import label_for
from ingest.design_lexicon import DESIGN_KEYS, TERMS
from ingest.design_model import WEIGHTS, DesignModel, shipped, vectorise
from ingest.manifest import ManifestEntry
from ingest.readers.abstracts import read_abstracts
from ingest.readers.registry import READERS
from ingest.study import Study, model_text, study_of

ABSTRACTS = "research/pubmedqa-abstracts.jsonl"
HTML_ARTICLE = "research/cdc-journals/pcd_issues_2014_14_0289.htm"  # "A retrospective study examined veterans (N = 79)…"
JATS_ARTICLE = "research/pmc/pone.0000217.nxml"
GUIDELINE_PAGE = "guidelines/mmwr_preview_mmwrhtml_mm5650a4.htm"


def entry(path: str, kind: str = "research") -> ManifestEntry:
    fmt = {"jsonl": "jsonl", "htm": "html", "nxml": "jats"}[path.rsplit(".", 1)[1]]
    return ManifestEntry(id=path.rsplit(".", 1)[0], path=path, kind=kind, format=fmt)


@pytest.fixture(scope="module")
def abstracts(shared_data: Path) -> dict:
    return {d.doc_id: d for d in read_abstracts(shared_data / ABSTRACTS, entry(ABSTRACTS))}


def read(shared_data: Path, path: str, kind: str = "research"):
    e = entry(path, kind)
    return READERS[e.format](shared_data / path, e)[0]


def test_the_lexicon_names_only_designs_of_the_fixed_set() -> None:
    assert len(DESIGN_KEYS) == 12
    assert {design for _, design, _, _ in TERMS} <= set(DESIGN_KEYS)


@pytest.mark.parametrize(
    "doc_id, design, basis",
    [
        ("PMID:10575390", "retrospective_cohort", ("Retrospective Studies",)),
        ("PMID:10577397", "animal", ("Animals",)),
        ("PMID:11035130", "randomised_trial", ("Double-Blind Method",)),
    ],
)
def test_mesh_headings_make_the_design_known(abstracts, doc_id: str, design: str, basis: tuple) -> None:
    study = study_of(abstracts[doc_id])
    assert (study.design, study.status, study.basis, study.confidence) == (design, "known", basis, None)
    assert study.year == abstracts[doc_id].year and study.journal is None  # PubMedQA gives no journal


def test_conflicting_or_absent_headings_leave_it_to_the_text(abstracts) -> None:
    both = abstracts["PMID:26285789"]  # Prospective Studies and Retrospective Studies
    assert {"Prospective Studies", "Retrospective Studies"} <= set(both.index_terms)
    assert label_for(both.index_terms) is None and study_of(both).status != "known"
    assert label_for(abstracts["PMID:10135926"].index_terms) is None  # no design heading at all


def test_the_model_never_reads_the_mesh(abstracts) -> None:
    document = abstracts["PMID:10781708"]  # "Retrospective Studies" heading, and a text that never says so
    assert "Retrospective Studies" in document.mesh and "retrospectiv" not in model_text(document).lower()
    model = shipped()
    stripped = replace(document, mesh=(), index_terms=())
    relabelled = replace(document, mesh=("Animals", "Double-Blind Method"), index_terms=("Animals",))
    assert model_text(stripped) == model_text(relabelled) == model_text(document)
    assert model.predict(model_text(stripped)) == model.predict(model_text(relabelled))
    assert study_of(stripped).status in ("predicted", "not stated")


def test_publication_types_in_jsonl_name_the_design(shared_data: Path, tmp_path: Path) -> None:
    record = json.loads((shared_data / ABSTRACTS).read_text(encoding="utf-8").splitlines()[0])
    record.update(mesh=[], publication_types=["Journal Article", "Randomized Controlled Trial"])
    bad = {**record, "pmid": "1", "publication_types": "Review"}
    source = tmp_path / "research" / "typed.jsonl"
    source.parent.mkdir()
    source.write_text(json.dumps(record) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    errors: list[str] = []
    [document] = read_abstracts(source, entry("research/typed.jsonl"), errors)
    study = study_of(document)
    assert (study.design, study.status, study.basis) == ("randomised_trial", "known", ("Randomized Controlled Trial",))
    assert errors == ["line 2: 'publication_types' must be a list of terms"]


def test_a_web_article_is_predicted_from_its_own_words(shared_data: Path) -> None:
    study = study_of(read(shared_data, HTML_ARTICLE))
    assert (study.design, study.status) == ("retrospective_cohort", "predicted")
    assert study.confidence >= shipped().threshold and "retrospective" in study.basis
    assert (study.participants, study.year, study.journal) == (79, 2014, "Preventing Chronic Disease")


def test_jats_article_type_is_a_term_and_keywords_are_not(shared_data: Path) -> None:
    document = read(shared_data, JATS_ARTICLE)
    assert document.index_terms == ("research-article", "Research Article")
    assert not set(document.mesh) & set(document.index_terms)  # keywords stay keywords
    study = study_of(document)
    assert study.status != "known" and (study.year, study.journal) == (2007, "PLoS ONE")


def test_only_research_has_a_study(shared_data: Path) -> None:
    assert study_of(read(shared_data, GUIDELINE_PAGE, kind="guideline")) is None


def test_the_weights_file_is_small_plain_and_checked(tmp_path: Path) -> None:
    assert WEIGHTS.stat().st_size < 300_000
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    model = DesignModel.from_json(data)
    assert set(model.classes) <= set(DESIGN_KEYS) and 0 < model.threshold < 1
    assert model.about["held_out_macro_f1"] > 0.5
    broken = {**data, "terms": [row[:-1] for row in data["terms"]]}
    with pytest.raises(ValueError, match="one weight per class"):
        DesignModel.from_json(broken)
    with pytest.raises(ValueError, match="unknown designs"):
        DesignModel.from_json({**data, "classes": ["opinion", *data["classes"][1:]]})


def test_the_model_weighs_presence_not_counts() -> None:
    from collections import Counter

    once, often = vectorise([Counter(a=1, b=1), Counter(a=7, b=1)], {"a": 0, "b": 1}, np.array([1.0, 2.0]))
    assert np.allclose(once, often) and np.isclose(np.linalg.norm(once), 1.0)


def test_a_study_is_consistent_or_refused() -> None:
    with pytest.raises(ValueError, match="exactly when"):
        Study(None, "known", None, (), None)
    with pytest.raises(ValueError, match="unknown study design"):
        Study("expert opinion", "predicted", 0.9, (), None)
    with pytest.raises(ValueError, match="status"):
        Study("animal", "guessed", 0.9, (), None)


def test_the_store_keeps_studies_and_carries_them_over(shared_data: Path, abstracts, tmp_path: Path) -> None:
    documents = [abstracts["PMID:10575390"], read(shared_data, HTML_ARTICLE), read(shared_data, GUIDELINE_PAGE, kind="guideline")]
    first = tmp_path / "first.sqlite"
    writer = StoreWriter(first)
    for document in documents:
        writer.add_document(document, chunk_document(document, ChunkSettings()))
    writer.close()
    store = Store(first)
    found = store.studies([d.doc_id for d in documents])
    assert set(found) == {documents[0].doc_id, documents[1].doc_id}  # the guideline has none
    assert found[documents[0].doc_id] == study_of(documents[0])
    assert store.study(documents[1].doc_id) == study_of(documents[1])
    assert store.study(documents[2].doc_id) is None
    store.close()

    second = tmp_path / "second.sqlite"  # a rebuild that reuses the sources and drops the web article
    writer = StoreWriter(second)
    writer.copy_sources(first, [d.source_id for d in documents], skip_docs=[documents[1].doc_id])
    writer.close()
    store = Store(second)
    assert set(store.studies([d.doc_id for d in documents])) == {documents[0].doc_id}
    store.close()


def test_a_store_from_before_studies_answers_none(abstracts, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    writer = StoreWriter(path)
    document = abstracts["PMID:10575390"]
    writer.add_document(document, chunk_document(document, ChunkSettings()))
    writer._db.execute("DROP TABLE studies")
    writer.close()
    store = Store(path)
    assert store.study(document.doc_id) is None and store.studies([document.doc_id]) == {}
    store.close()
    writer = StoreWriter(tmp_path / "next.sqlite")  # and a rebuild reusing it still works
    assert writer.copy_sources(path, [document.source_id], skip_docs=[])[0] == [document.doc_id]
    writer.close()


def test_fitting_is_deterministic_and_reads_no_mesh(shared_data: Path, tmp_path: Path) -> None:
    from evaluation.train_design import examples, fit

    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(entry(ABSTRACTS).model_dump_json() + "\n", encoding="utf-8")
    rows, support = examples(Settings(data_dir=shared_data, manifest=manifest))
    assert support["retrospective_cohort"] > 100 and all(r.design in DESIGN_KEYS for r in rows)
    hidden = next(r for r in rows if r.doc_id == "PMID:10781708")
    assert not any("retrospectiv" in term for term in hidden.counts)  # its heading is not in its input
    subset = rows[:150]
    assert fit(subset, 2.0).to_json() == fit(subset, 2.0).to_json()


def test_every_research_document_of_a_built_index_has_its_study(mini_settings) -> None:
    from index.layout import IndexLayout

    store = Store(IndexLayout(mini_settings.index_dir).current_dir() / "store.sqlite")
    research = [doc_id for doc_id, kind in store._db.execute("SELECT doc_id, kind FROM documents") if kind == "research"]
    studies = store.studies(research)
    store.close()
    assert research and set(studies) == set(research)
    assert {s.status for s in studies.values()} >= {"known", "not stated"}
    assert any(s.participants for s in studies.values())


def test_train_design_refuses_bad_input_in_one_line(shared_data: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from medcite.cli import app

    result = CliRunner().invoke(app, ["train-design", "--folds", "1"])
    assert result.exit_code == 2 and "--folds must be between 2 and 20" in result.output
    manifest = tmp_path / "manifest.jsonl"  # research with no design label anywhere: nothing to learn
    manifest.write_text(entry(HTML_ARTICLE).model_dump_json() + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--data-dir", str(shared_data), "--manifest", str(manifest), "train-design"])
    assert result.exit_code == 1 and "carries a design label; nothing to learn from" in result.output
