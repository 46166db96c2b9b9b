"""`medcite eval --executor ray` gives the local run's records (same answers per question, same order,
the same run-directory files) and the same metrics; a follow-up stays in its question's conversation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.evaluate import evaluate
from evaluation.questions import read_questions

FOLLOW_UP = {
    "id": "nal",
    "question": "When should clinicians offer naloxone?",
    "relevant": ["guidelines/opioids-first-pages.pdf"],
    "reference_answer": "strategies to mitigate risk, including offering naloxone",
    "follow_up": "what about patients with sickle cell disease?",
    "follow_up_standalone": "When should clinicians offer naloxone to patients with sickle cell disease?",
}


@pytest.fixture(scope="module")
def question_set(tmp_path_factory, mini_corpus: Path, shared_data: Path) -> Path:
    """A few PubMedQA dev questions whose abstracts are in the mini corpus, a guideline question with a
    follow-up, and one with no answer."""
    pmids = {"PMID:" + json.loads(line)["pmid"] for line in (mini_corpus / "research/abstracts.jsonl").open()}
    lines = [line for line in (shared_data / "eval/pubmedqa-dev.jsonl").open() if json.loads(line)["relevant"][0] in pmids][:5]
    lines.insert(2, json.dumps(FOLLOW_UP) + "\n")
    lines.append(
        json.dumps({"id": "nonsense", "question": "purple elephants dancing on quantum bicycles", "relevant": []}) + "\n"
    )
    path = tmp_path_factory.mktemp("ray-sets") / "mini-dev.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _records(run: Path) -> list[dict]:
    """runs.jsonl without the timings (the only thing that may differ)."""
    return [{k: v for k, v in json.loads(line).items() if k != "ms"} for line in (run / "runs.jsonl").open(encoding="utf-8")]


def _files(run: Path) -> list[str]:
    """The run directory's files; SQLite's -wal/-shm exist only while a connection is open."""
    return sorted(p.name for p in run.iterdir() if not p.name.endswith(("-wal", "-shm")))


def _metrics(results: dict) -> dict:
    return {k: v for k, v in results.items() if k != "latency_ms"}


def test_ray_eval_matches_the_local_run(ray_local, question_set, searcher, mini_settings, tmp_path) -> None:
    from app.services import open_searcher
    from index.distributed import RayExecutor

    modes = ["bm25", "dense", "hybrid"]
    # Opened as the Ray workers open theirs (the settings' own query embedding), so both sides embed alike.
    local_searcher = open_searcher(mini_settings)
    local = evaluate(
        read_questions(question_set), "mini", local_searcher, mini_settings, modes, tmp_path / "local", progress=False
    )
    local_searcher.close()
    with RayExecutor(workers=2):
        distributed = evaluate(
            read_questions(question_set), "mini", searcher, mini_settings, modes, tmp_path / "ray", progress=False
        )
    records = _records(tmp_path / "ray")
    assert len(records) == 4 * len(read_questions(question_set))
    assert records == _records(tmp_path / "local")  # same answers per question, in the same order
    assert _metrics(distributed) == _metrics(local)
    assert (
        _files(tmp_path / "ray")
        == _files(tmp_path / "local")
        == ["conversations.sqlite", "report.html", "results.json", "run-info.json", "runs.jsonl"]
    )
    follow_up = next(r for r in records if r["kind"] == "answer" and r["id"] == "nal")["follow_up"]
    assert follow_up and "sickle cell" in follow_up["understood_as"] and "naloxone" in follow_up["understood_as"].lower()


def test_ray_eval_resumes_a_partial_run(ray_local, question_set, searcher, mini_settings, tmp_path) -> None:
    """A run cut short locally is finished on Ray: only the missing records are added, in order."""
    from index.distributed import RayExecutor

    questions = read_questions(question_set)
    evaluate(questions[:2], "mini", searcher, mini_settings, ["hybrid"], tmp_path / "run", progress=False)
    with RayExecutor(workers=2):
        evaluate(read_questions(question_set), "mini", searcher, mini_settings, ["hybrid"], tmp_path / "run", progress=False)
    ids = [(r["kind"], r["id"]) for r in _records(tmp_path / "run")]
    assert ids == [(kind, q.id) for q in questions for kind in ("retrieval", "answer")]


@pytest.mark.parametrize("command", [["ingest"], ["eval", "set.jsonl"]])
def test_without_ray_the_cli_says_how_to_get_it(command, monkeypatch) -> None:
    import sys

    from typer.testing import CliRunner

    from medcite.cli import app

    monkeypatch.setitem(sys.modules, "ray", None)  # as if the extra were not installed
    monkeypatch.delitem(sys.modules, "index.distributed", raising=False)
    result = CliRunner().invoke(app, [*command, "--executor", "ray"])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == ["error: --executor ray needs Ray, an optional extra: pip install -e '.[ray]'"]
    assert "Traceback" not in result.output
