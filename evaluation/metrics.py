"""Metrics from runs: retrieval (ir-measures, the pytrec_eval implementations) with bootstrap intervals
and paired randomisation tests between modes; answer quality; latency percentiles."""

from __future__ import annotations

from itertools import combinations

import ir_measures
import numpy as np
from ir_measures import RR, R, nDCG

from evaluation.questions import Question

MEASURES = {"R@1": R @ 1, "R@5": R @ 5, "R@10": R @ 10, "R@50": R @ 50, "MRR@10": RR @ 10, "nDCG@10": nDCG @ 10}
RESAMPLES = 2000
DEPTH_SCORE = 1000  # rankings become scores DEPTH_SCORE − rank for ir-measures


def bootstrap_ci(values: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """95% percentile interval of the mean over questions."""
    if len(values) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(RESAMPLES, len(values)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def paired_randomisation(a: np.ndarray, b: np.ndarray, seed: int = 0) -> float:
    """Two-sided p-value that mean(a − b) is 0, by random sign flips of the per-question differences."""
    diff = a - b
    if not diff.any():
        return 1.0
    rng = np.random.default_rng(seed)
    signs = rng.choice((-1.0, 1.0), size=(RESAMPLES * 5, len(diff)))
    observed = abs(diff.mean())
    return float(((np.abs((signs * diff).mean(axis=1)) >= observed - 1e-12).sum() + 1) / (len(signs) + 1))


def per_question(questions: list[Question], rankings: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """measure name → {question id → value}; a question with no ranking scores 0."""
    qrels = [ir_measures.Qrel(q.id, doc, grade) for q in questions for doc, grade in q.relevant.items()]
    run = [ir_measures.ScoredDoc(qid, doc, float(DEPTH_SCORE - i)) for qid, docs in rankings.items() for i, doc in enumerate(docs)]
    values = {name: {q.id: 0.0 for q in questions} for name in MEASURES}
    by_measure = {measure: name for name, measure in MEASURES.items()}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels, run):
        values[by_measure[metric.measure]][metric.query_id] = float(metric.value)
    return values





def retrieval_summary(questions: list[Question], runs: dict[str, dict[str, list[str]]]) -> dict:
    """Per mode: mean and 95% CI of each measure; per pair of modes: the paired test's p-value."""
    ids = [q.id for q in questions if q.relevant]
    judged = [q for q in questions if q.relevant]
    values = {mode: per_question(judged, rankings) for mode, rankings in runs.items()}
    summary: dict = {"questions": len(ids), "modes": {}, "paired": {}}
    for mode, measures in values.items():
        summary["modes"][mode] = {}
        for name, by_q in measures.items():
            array = np.array([by_q[i] for i in ids])
            low, high = bootstrap_ci(array)
            summary["modes"][mode][name] = {"mean": float(array.mean()) if len(array) else 0.0, "ci95": [low, high]}
    for a, b in combinations(values, 2):
        summary["paired"][f"{a} vs {b}"] = {
            name: paired_randomisation(np.array([values[a][name][i] for i in ids]), np.array([values[b][name][i] for i in ids]))
            for name in MEASURES
        }
    summary["per_question"] = {mode: {"MRR@10": measures["MRR@10"], "R@10": measures["R@10"]} for mode, measures in values.items()}
    return summary


def answer_summary(questions: list[Question], answers: dict[str, dict]) -> dict:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    precision, gold_in, rouge = [], [], []
    statements = grounded = abstained = 0
    for q in questions:
        record = answers.get(q.id)
        if record is None:
            continue
        statements += record["statements"]
        grounded += record["grounded"]
        abstained += record["abstained"]
        gold = {doc for doc, grade in q.relevant.items() if grade > 0}
        cited = set(record["cited_docs"])
        if cited and gold:
            precision.append(len(cited & gold) / len(cited))
        if gold:
            gold_in.append(bool(cited & gold))
        if q.reference_answer and record["text"]:
            rouge.append(scorer.score(q.reference_answer, record["text"])["rougeL"].fmeasure)
    n = len([q for q in questions if q.id in answers])
    mean = lambda xs: float(np.mean(xs)) if xs else None  # noqa: E731
    return {
        "answers": n,
        "citation_precision": mean(precision),
        "gold_in_answer": mean(gold_in),
        "grounding_rate": grounded / statements if statements else None,
        "abstention_rate": abstained / n if n else None,
        "rouge_l": mean(rouge),
        "statements_per_answer": statements / n if n else None,
    }


def latency_summary(stages: dict[str, list[float]]) -> dict:
    return {
        stage: {f"p{p}": float(np.percentile(ms, p)) for p in (50, 95, 99)} | {"n": len(ms)}
        for stage, ms in stages.items()
        if ms
    }
