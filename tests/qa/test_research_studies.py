"""Issue #32, the display half, on real indexes: each research point carries its study and its one line, the
points under a research sub-heading are ordered by design strength (or relevance, by the setting), a design
filter restricts research at retrieval, and the evaluation reports the design mix.

A topic index (the PubMedQA abstracts on pregnancy outcome and on C-reactive protein: randomised trials,
cohorts of both directions, case-control and cross-sectional studies, some with no design stated) gives
answers whose sub-headings hold points of several designs; the shared mini index has the guidelines."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from evaluation.metrics import answer_summary, design_mix
from evaluation.questions import Question
from evaluation.report import _table
from index.models import Filters, QueryError
from index.search import Searcher
from ingest.catalog import scan
from ingest.design_lexicon import DESIGN_KEYS
from ingest.manifest import write_manifest
from ingest.study import Study
from qa.models import Answer
from qa.service import AnswerService
from qa.study import NOT_STATED, STRENGTH, profile, strength, study_line
from tests.conftest import built, settings_for

TOPICS = {"Pregnancy Outcome", "C-Reactive Protein"}
QUESTIONS = [
    "Does maternal age affect pregnancy outcome?",
    "Is C-reactive protein a useful marker of infection?",
    "What predicts adverse pregnancy outcome?",
]


@pytest.fixture(scope="module")
def topic_settings(shared_data: Path, embedding_cache: Path, embedder, tmp_path_factory) -> Settings:
    rows = [json.loads(line) for line in (shared_data / "research" / "pubmedqa-abstracts.jsonl").open(encoding="utf-8")]
    data = tmp_path_factory.mktemp("topic-corpus")
    (data / "research").mkdir()
    chosen = [row for row in rows if TOPICS & set(row.get("mesh", []))]
    (data / "research" / "topic.jsonl").write_text("".join(json.dumps(row) + "\n" for row in chosen), encoding="utf-8")
    entries, _ = scan(data, [])
    write_manifest(data / "manifest.jsonl", entries)
    return built(settings_for(data, tmp_path_factory.mktemp("topic-index"), embedding_cache), embedder)


@pytest.fixture(scope="module")
def topic(topic_settings: Settings, embedder) -> Searcher:
    searcher = Searcher.open(topic_settings, embedder)
    yield searcher
    searcher.close()


def service_for(searcher: Searcher, settings: Settings, order: str = "design") -> AnswerService:
    # admission off: these answers are about how points are ordered, so every on-topic abstract stays to be ordered
    qa = settings.qa.model_copy(update={"research_order": order, "admission": False})
    return AnswerService(searcher, None, settings.model_copy(update={"qa": qa}))


@pytest.fixture(scope="module")
def by_design(topic, topic_settings) -> list[Answer]:
    service = service_for(topic, topic_settings)
    return [service.ask(q) for q in QUESTIONS]


@pytest.fixture(scope="module")
def by_relevance(topic, topic_settings) -> list[Answer]:
    service = service_for(topic, topic_settings, "relevance")
    return [service.ask(q) for q in QUESTIONS]


def research_points(answer: Answer):
    return [s for group in answer.research.sections for s in group.points]


def test_strength_ranks_every_design_once() -> None:
    assert sorted(STRENGTH) == sorted(DESIGN_KEYS)
    assert strength("systematic_review") < strength("randomised_trial") < strength("prospective_cohort")
    assert strength("retrospective_cohort") < strength("case_control") < strength("cross_sectional") < strength("case_report")
    assert strength(None) == strength("no such design") == NOT_STATED > max(strength(d) for d in STRENGTH)


def test_the_line_says_design_size_year_and_journal_and_no_more_than_is_known() -> None:
    trial = Study("randomised_trial", "known", None, ("Randomized Controlled Trial",), 1204, 2019, "The Lancet")
    assert study_line(trial) == "Randomised trial · n = 1,204 · 2019 · The Lancet"
    predicted = Study("retrospective_cohort", "predicted", 0.91, ("retrospective",), None, 2014, None)
    assert study_line(predicted) == "Retrospective cohort (predicted) · 2014"
    assert study_line(Study(None, "not stated", None, (), 56, 2007, "PLoS ONE")) == "n = 56 · 2007 · PLoS ONE"
    assert study_line(Study(None, "not stated", None, (), None, None, None)) == ""
    assert study_line(Study("systematic_review", "known", None, ("Meta-Analysis",), None, None, None)) == "Meta-analysis"
    long = study_line(Study("case_report", "known", None, ("Case Reports",), 1, 2001, "A" * 90))
    assert long.startswith("Case report · n = 1 · 2001 · A") and long.endswith("…") and len(long) < 90
    shown = profile(predicted)
    assert shown.design_label == "retrospective cohort or chart review" and shown.confidence == 0.91
    assert shown.status == "predicted" and shown.basis == ["retrospective"] and shown.line == study_line(predicted)
    assert profile(None) is None


def test_every_research_point_carries_its_documents_study(by_design, topic) -> None:
    lines = set()
    for answer in by_design:
        points = research_points(answer)
        assert points, answer.question
        for point in points:
            assert point.study == profile(topic.store.study(point.doc_id))
            lines.add(point.study.line)
        # the review page's evidence rows carry it too
        assert all(e.study == profile(topic.store.study(e.doc_id)) for e in answer.evidence)
    assert any(line.startswith("Retrospective cohort · n = ") for line in lines), lines
    assert any(line.startswith("Case-control · ") for line in lines), lines
    assert any(line and line[0].isdigit() for line in lines), lines  # a design not stated: year only


def test_points_under_a_heading_go_by_design_then_relevance(by_design) -> None:
    mixed = 0
    for answer in by_design:
        for group in answer.research.sections:
            keys = [(strength(p.study.design), -p.score) for p in group.points]
            assert keys == sorted(keys), (answer.question, group.heading, keys)
            mixed += len({p.study.design for p in group.points}) > 1
        numbers = [n for s in answer.statements() for n in s.refs]
        assert sorted(set(numbers)) == [r.number for r in answer.references]
        first_use = list(dict.fromkeys(numbers))
        assert first_use == sorted(first_use), "references are numbered by first use in reading order"
    assert mixed >= 2, "the topic index should give sub-headings mixing designs"


def test_with_the_setting_off_points_go_by_relevance_alone(by_design, by_relevance) -> None:
    reordered = 0
    for designed, relevant in zip(by_design, by_relevance, strict=True):
        assert [g.heading for g in designed.research.sections] == [g.heading for g in relevant.research.sections]
        for a, b in zip(designed.research.sections, relevant.research.sections, strict=True):
            scores = [p.score for p in b.points]
            assert scores == sorted(scores, reverse=True)
            assert sorted((p.chunk_id, p.span) for p in a.points) == sorted((p.chunk_id, p.span) for p in b.points)
            reordered += [p.chunk_id for p in a.points] != [p.chunk_id for p in b.points]
    assert reordered >= 1


def test_a_design_filter_restricts_research_at_retrieval(topic, topic_settings) -> None:
    question = "Does maternal age affect pregnancy outcome?"
    wanted = ("retrospective_cohort", "randomised_trial")
    hits = topic.search(question, k=30, filters=Filters(designs=wanted))
    assert hits and {topic.store.study(h.passage.doc_id).design for h in hits} <= set(wanted)
    everything = topic.search(question, k=30)
    assert {topic.store.study(h.passage.doc_id).design for h in everything} - set(wanted), "the filter must matter here"
    # the per-row designs were read once, when the searcher opened
    assert topic.designs.shape == topic.kinds.shape and (topic.designs >= 0).any()
    answer = service_for(topic, topic_settings).ask(question, filters=Filters(designs=("retrospective_cohort",)))
    points = research_points(answer)
    assert points and {p.study.design for p in points} == {"retrospective_cohort"}
    assert all(p.study.line.startswith("Retrospective cohort") for p in points)
    with pytest.raises(QueryError, match="unknown study design 'rct': use one of systematic_review, randomised_trial"):
        Filters(designs=("rct",))


def test_a_design_filter_leaves_guidelines_and_reference_pages_alone(searcher) -> None:
    question = "When should clinicians offer naloxone?"
    for kind in ("guideline", "reference"):
        plain = searcher.search(question, k=10, filters=Filters(kinds=(kind,)))
        filtered = searcher.search(question, k=10, filters=Filters(kinds=(kind,), designs=("randomised_trial",)))
        assert [(h.passage.chunk_id, round(h.fused, 6)) for h in plain] == [
            (h.passage.chunk_id, round(h.fused, 6)) for h in filtered
        ]
    mixed = searcher.search(question, k=50, filters=Filters(designs=("randomised_trial",)))
    research = [h for h in mixed if h.passage.kind == "research"]
    assert all(h.passage.study.design == "randomised_trial" for h in research)
    assert any(h.passage.kind == "guideline" for h in mixed)
    assert np.all(searcher.designs[searcher.kinds != 1] == -1)  # only research rows have a design (KINDS[1])


def test_the_evaluation_reports_the_design_mix(by_design) -> None:
    records = [{"research_designs": ["randomised_trial", "not stated", "case_control", "case_control"]}, {"research_designs": []}]
    mix = design_mix(records)
    assert list(mix) == ["randomised_trial", "case_control", "not stated"]  # strongest first, not stated last
    assert mix["case_control"] == {"share": 0.5, "mean_share": 0.5, "per_answer": 1.0}
    assert mix["randomised_trial"]["share"] == pytest.approx(0.25) and design_mix([{}]) == {}
    assert "<th>case_control</th><td>0.500</td><td>0.500</td><td>1.000</td>" in _table(mix, 3)
    # from real answers, as the runner records them
    real = [
        {"research_designs": [(s.study.design or "not stated") for s in research_points(a)], "statements": 0, "grounded": 0}
        | {"abstained": a.abstained, "cited_docs": [], "text": ""}
        for a in by_design
    ]
    mix = design_mix(real)
    assert sum(d["share"] for d in mix.values()) == pytest.approx(1.0) and "retrospective_cohort" in mix
    summary = answer_summary([Question(str(i), "?", {}) for i in range(len(real))], {str(i): r for i, r in enumerate(real)})
    assert 0 < summary["research_with_design_share"] <= 1
