"""Batch evaluation on the real mini index: metrics with intervals, resumable runs, report, compare,
and editor judgments exported by the API read back as a question set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from evaluation.evaluate import compare, evaluate
from evaluation.metrics import bootstrap_ci, paired_randomisation
from evaluation.questions import QuestionSetError, read_questions
from medcite.cli import app


@pytest.fixture(scope="module")
def question_set(tmp_path_factory, mini_corpus: Path, shared_data: Path) -> Path:
    """The PubMedQA dev questions whose abstracts are in the mini corpus, plus one with no answer."""
    pmids = {"PMID:" + json.loads(line)["pmid"] for line in (mini_corpus / "research/abstracts.jsonl").open()}
    lines = [line for line in (shared_data / "eval/pubmedqa-dev.jsonl").open() if json.loads(line)["relevant"][0] in pmids]
    lines.append(json.dumps({"id": "nonsense", "question": "purple elephants dancing on quantum bicycles", "relevant": []}) + "\n")
    path = tmp_path_factory.mktemp("sets") / "mini-dev.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_metrics_intervals_answers_and_report(question_set, searcher, mini_settings, tmp_path) -> None:
    questions = read_questions(question_set)
    results = evaluate(questions, "mini", searcher, mini_settings, ["bm25", "dense", "hybrid"], tmp_path / "run", progress=False)
    hybrid = results["retrieval"]["modes"]["hybrid"]
    assert results["retrieval"]["questions"] == len(questions) - 1  # the question with no gold is not scored
    assert hybrid["R@10"]["mean"] >= 0.9 and hybrid["R@10"]["ci95"][0] <= hybrid["R@10"]["mean"] <= hybrid["R@10"]["ci95"][1]
    assert set(results["retrieval"]["paired"]) == {"bm25 vs dense", "bm25 vs hybrid", "dense vs hybrid"}
    answers = results["answers"]
    assert answers["grounding_rate"] == 1.0 and answers["answers"] == len(questions)
    assert 0 < answers["abstention_rate"] < 1 and answers["rouge_l"] > 0 and answers["gold_in_answer"] > 0.5
    assert {"hybrid search", "answer retrieve", "answer compose"} <= set(results["latency_ms"])
    report = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert report.count("data:image/png;base64,") == 3 and "Worst questions" in report
    lines = (tmp_path / "run" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 * len(questions)


def test_a_killed_run_resumes_where_it_stopped(question_set, searcher, mini_settings, tmp_path) -> None:
    questions = read_questions(question_set)
    out = tmp_path / "run"
    evaluate(questions[:3], "mini", searcher, mini_settings, ["bm25"], out, progress=False)
    with (out / "runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "retrieval", "mode": "bm25", "id": "cut sho')  # killed mid-write
    results = evaluate(questions, "mini", searcher, mini_settings, ["bm25"], out, progress=False)
    records = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines() if line.endswith("}")]
    keys = [(r["kind"], r["id"]) for r in records]
    assert len(keys) == len(set(keys)) == 2 * len(questions)  # nothing run twice, nothing missing
    assert results["retrieval"]["modes"]["bm25"]["R@10"]["mean"] > 0.8


def test_compare_two_runs(question_set, searcher, mini_settings, tmp_path) -> None:
    questions = read_questions(question_set)
    evaluate(questions, "mini", searcher, mini_settings, ["bm25"], tmp_path / "a", progress=False)
    evaluate(questions, "mini", searcher, mini_settings, ["dense", "bm25"], tmp_path / "b", progress=False)
    delta = compare(tmp_path / "a", tmp_path / "b")
    assert delta["metrics"]["bm25"]["MRR@10"] == 0.0 and delta["questions"]["bm25"] == {"better": [], "worse": []}


def test_csv_sets_and_qrels(tmp_path: Path) -> None:
    (tmp_path / "set.csv").write_text('id,question,relevant,reference_answer\nq1,"Is INR reliable?",PMID:1;PMID:2,Yes.\n')
    (tmp_path / "set.qrels").write_text("q1 0 PMID:3 2\n")
    [q] = read_questions(tmp_path / "set.csv")
    assert q.relevant == {"PMID:1": 1, "PMID:2": 1} and q.reference_answer == "Yes."
    [q] = read_questions(tmp_path / "set.csv", tmp_path / "set.qrels")
    assert q.relevant == {"PMID:3": 2}
    (tmp_path / "bad.jsonl").write_text('{"id": "x"}\n')
    with pytest.raises(QuestionSetError, match="bad.jsonl:1: every question needs"):
        read_questions(tmp_path / "bad.jsonl")


def test_statistics_behave() -> None:
    values = np.array([1.0] * 50 + [0.0] * 50)
    low, high = bootstrap_ci(values)
    assert low < 0.5 < high and high - low < 0.3
    assert paired_randomisation(np.ones(40), np.zeros(40)) < 0.01
    assert paired_randomisation(values, values) == 1.0


def test_cli_eval_prints_the_table(question_set, mini_settings, tmp_path) -> None:
    base = ["--data-dir", str(mini_settings.data_dir), "--manifest", str(mini_settings.manifest), "--index-dir", str(mini_settings.index_dir)]
    result = CliRunner().invoke(app, [*base, "eval", str(question_set), "--modes", "hybrid", "-q", "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "hybrid  R@1 " in result.output and "grounding_rate 1.000" in result.output
    bad = CliRunner().invoke(app, [*base, "eval", str(question_set), "--modes", "magic"])
    assert bad.exit_code == 2 and "error: --modes" in bad.output


def test_a_set_with_its_own_corpus_runs_on_a_separate_index(mini_settings, shared_data: Path, tmp_path) -> None:
    abstracts = (shared_data / "research/pubmedqa-abstracts.jsonl").read_text(encoding="utf-8").splitlines()
    dev = {json.loads(line)["relevant"][0]: line for line in (shared_data / "eval/pubmedqa-dev.jsonl").open()}
    extra = [line for line in abstracts[40:] if "PMID:" + json.loads(line)["pmid"] in dev][:3]
    (tmp_path / "own-corpus.jsonl").write_text("\n".join(extra) + "\n", encoding="utf-8")
    (tmp_path / "own-set.jsonl").write_text("".join(dev["PMID:" + json.loads(line)["pmid"]] for line in extra), encoding="utf-8")
    base = ["--data-dir", str(mini_settings.data_dir), "--manifest", str(mini_settings.manifest)]
    env = {"MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir)}
    refused = CliRunner().invoke(app, [*base, "ingest", "-q", "--extra", str(tmp_path / "own-corpus.jsonl")], env=env)
    assert refused.exit_code == 2 and "give --index-dir" in refused.output
    separate = [*base, "--index-dir", str(tmp_path / "extra-index")]
    built = CliRunner().invoke(app, [*separate, "ingest", "-q", "--extra", str(tmp_path / "own-corpus.jsonl")], env=env)
    from index.layout import IndexLayout

    shipped = IndexLayout(mini_settings.index_dir).current_manifest().documents
    assert built.exit_code == 0 and f"{shipped + 3} documents" in built.output, built.output
    result = CliRunner().invoke(app, [*separate, "eval", str(tmp_path / "own-set.jsonl"), "--modes", "hybrid", "-q",
                                      "--out", str(tmp_path / "own-run")], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "own-run/results.json").read_text())["retrieval"]["modes"]["hybrid"]["R@10"]["mean"] == 1.0


def test_a_run_directory_refuses_other_settings(question_set, searcher, mini_settings, tmp_path) -> None:
    from evaluation.runner import RunDirError

    questions = read_questions(question_set)[:2]
    evaluate(questions, "mini", searcher, mini_settings, ["bm25"], tmp_path / "run", progress=False)
    other = mini_settings.model_copy(update={"fusion": mini_settings.fusion.model_copy(update={"method": "weighted"})})
    with pytest.raises(RunDirError, match="other settings \\(fusion\\)"):
        evaluate(questions, "mini", searcher, other, ["bm25"], tmp_path / "run", progress=False)
