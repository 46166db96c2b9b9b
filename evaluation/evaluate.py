"""From a question set to results.json, runs.jsonl and report.html; and the comparison of two runs."""

from __future__ import annotations

import json
from pathlib import Path

from core.settings import Settings
from evaluation.metrics import answer_summary, design_mix, latency_summary, retrieval_summary
from evaluation.questions import Question
from evaluation.report import write_report
from evaluation.runner import read_runs, run
from index.search import Searcher


def gold_as_documents(questions: list[Question], searcher: Searcher) -> None:
    """Gold given as chunk ids counts for the chunk's document (metrics are at document level)."""
    for q in questions:
        mapped: dict[str, int] = {}
        for key, grade in q.relevant.items():
            passage = searcher.store.passage(key) if searcher.store.document(key) is None else None
            doc = passage.doc_id if passage else key
            mapped[doc] = max(grade, mapped.get(doc, 0))
        q.relevant = mapped


def with_indexed_gold(questions: list[Question], searcher: Searcher) -> set[str]:
    """Ids of questions with a gold document in the index: the ones where abstaining is a miss."""
    return {
        q.id
        for q in questions
        if any(grade > 0 and searcher.store.document(doc) is not None for doc, grade in q.relevant.items())
    }


def heading_sample(questions: list[Question], answers: dict[str, dict], size: int = 20) -> list[dict]:
    """The first answers, in set order, that have research sub-headings (older records list none)."""
    sample = [
        {"id": q.id, "question": q.question, "headings": answers[q.id]["headings"]}
        for q in questions
        if answers.get(q.id, {}).get("headings")
    ]
    return sample[:size]


def evaluate(
    questions: list[Question],
    set_name: str,
    searcher: Searcher,
    settings: Settings,
    modes: list[str],
    out: Path,
    progress: bool = True,
) -> dict:
    gold_as_documents(questions, searcher)
    runs_path = run(questions, searcher, settings, modes, out, progress)
    wanted = {q.id for q in questions}
    rankings: dict[str, dict[str, list[str]]] = {m: {} for m in modes}
    answers: dict[str, dict] = {}
    stages: dict[str, list[float]] = {**{f"{m} search": [] for m in modes}, "answer retrieve": [], "answer compose": []}
    for record in read_runs(runs_path):
        if record["id"] not in wanted:
            continue
        if record["kind"] == "retrieval" and record["mode"] in rankings:
            rankings[record["mode"]][record["id"]] = record["docs"]
            stages[f"{record['mode']} search"].append(record["ms"]["retrieve"])
        elif record["kind"] == "answer":
            answers[record["id"]] = record
            stages["answer retrieve"].append(record["ms"].get("retrieve", 0.0))
            stages["answer compose"].append(record["ms"].get("compose", 0.0))
    retrieval = retrieval_summary(questions, rankings)
    per_question = retrieval.pop("per_question")
    results = {
        "set": set_name,
        "questions": len(questions),
        "index_version": searcher.manifest.version,
        "settings": settings.model_dump(mode="json", exclude={"api"}),
        "modes": modes,
        "retrieval": retrieval,
        "answers": answer_summary(questions, answers, with_indexed_gold(questions, searcher)),
        "research_designs": design_mix(list(answers.values())),
        "latency_ms": latency_summary(stages),
        "per_question": per_question,
    }
    (out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    main_mode = "hybrid" if "hybrid" in modes else modes[0]
    scores = per_question[main_mode]["MRR@10"]
    worst = sorted((q for q in questions if q.relevant), key=lambda q: scores.get(q.id, 0.0))[:10]
    write_report(
        out,
        results,
        stages,
        [
            {
                "id": q.id,
                "question": q.question,
                "gold": sorted(q.relevant),
                "retrieved": rankings[main_mode].get(q.id, []),
                "mrr": scores.get(q.id, 0.0),
            }
            for q in worst
        ],
        heading_sample(questions, answers),
    )
    return results


def compare(a: Path, b: Path) -> dict:
    """Per-metric deltas (B − A) and the questions whose MRR@10 got better or worse, per mode."""
    ra = json.loads((a / "results.json").read_text(encoding="utf-8"))
    rb = json.loads((b / "results.json").read_text(encoding="utf-8"))
    out: dict = {"metrics": {}, "questions": {}}
    for mode in set(ra["retrieval"]["modes"]) & set(rb["retrieval"]["modes"]):
        out["metrics"][mode] = {
            name: rb["retrieval"]["modes"][mode][name]["mean"] - stats["mean"]
            for name, stats in ra["retrieval"]["modes"][mode].items()
        }
        before, after = ra["per_question"][mode]["MRR@10"], rb["per_question"][mode]["MRR@10"]
        common = set(before) & set(after)
        out["questions"][mode] = {
            "better": sorted(q for q in common if after[q] > before[q]),
            "worse": sorted(q for q in common if after[q] < before[q]),
        }
    for key in set(ra["answers"]) & set(rb["answers"]):
        if isinstance(ra["answers"][key], (int, float)) and isinstance(rb["answers"][key], (int, float)):
            out["metrics"].setdefault("answers", {})[key] = rb["answers"][key] - ra["answers"][key]
    return out
