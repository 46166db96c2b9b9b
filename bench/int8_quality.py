"""Answer and retrieval quality of two eval runs of the same question sets, question by question (issue 34).

    .venv/bin/python bench/int8_quality.py --a DIR_A --b DIR_B SET.jsonl [SET.jsonl …] [--resamples 10000] [--seed 0]

DIR_A and DIR_B each hold one `medcite eval SET --modes hybrid --out DIR/<stem>` output per set, <stem> being the
set file's name without its suffix (e.g. A = the torch fp32 index, B = the onnx-int8 index). Per question, from
runs.jsonl: lead_holds_gold and gold_page_cited (evaluation/answer_checks.py; sets with gold_quote / gold_pages),
citation_precision and statement_precision (as evaluation/metrics.py; a question counts where both runs define
the value, i.e. neither answer is empty), MRR@10 and R@10 of the hybrid ranking (metrics.per_question). Gold is
read as document ids, as the shipped sets give it. For each set and pooled over all given sets: mean A, mean B,
mean paired difference B − A, its 95% paired bootstrap interval (questions resampled, seeded) and the two-sided
sign-flip randomisation p-value (metrics.paired_randomisation). Also counted: questions whose lead text, cited
document set or hybrid top 10 differ.

Criterion: B passes when, for every metric on every set and pooled, the 95% paired bootstrap interval of B − A
contains 0 (no significant difference at the 5% level). An interval containing 0 is an absence of evidence of a
difference, not a proof of equivalence: its width (printed) says how large a difference the set could have shown.
Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from evaluation import answer_checks as checks  # noqa: E402
from evaluation.metrics import paired_randomisation, per_question  # noqa: E402
from evaluation.questions import Question, read_questions  # noqa: E402
from evaluation.runner import read_runs  # noqa: E402

METRICS = ("lead_holds_gold", "gold_page_cited", "citation_precision", "statement_precision", "MRR@10", "R@10")
MODE = "hybrid"
Values = dict[str, dict[str, float]]  # metric → {question id → value}; a question without a value is absent


def read_run(directory: Path) -> tuple[dict[str, list[str]], dict[str, dict]]:
    """(hybrid ranking, answer record) per question id from one eval output dir's runs.jsonl."""
    rankings: dict[str, list[str]] = {}
    answers: dict[str, dict] = {}
    for record in read_runs(directory / "runs.jsonl"):
        if record["kind"] == "retrieval" and record.get("mode") == MODE:
            rankings[record["id"]] = record["docs"]
        elif record["kind"] == "answer":
            answers[record["id"]] = record
    return rankings, answers


def values(questions: list[Question], rankings: dict[str, list[str]], answers: dict[str, dict]) -> Values:
    """Each metric's per-question value, computed as evaluation/metrics.py computes it before averaging."""
    out: Values = {name: {} for name in METRICS}
    for q in questions:
        gold, record = {d for d, grade in q.relevant.items() if grade > 0}, answers.get(q.id)
        if record is None or not gold:
            continue
        if quote := q.extra.get("gold_quote"):
            out["lead_holds_gold"][q.id] = float(checks.holds(record["lead"], quote, q.extra.get("key_numbers") or ()))
        if pages := q.extra.get("gold_pages"):
            cited = {p for doc in gold for p in record["cited_pages"].get(doc, [])}
            out["gold_page_cited"][q.id] = float(bool(cited & set(pages)))
        if cited_docs := set(record["cited_docs"]):
            out["citation_precision"][q.id] = len(cited_docs & gold) / len(cited_docs)
        if statements := record.get("statement_docs"):
            out["statement_precision"][q.id] = sum(bool(gold & set(docs)) for docs in statements) / len(statements)
    judged = [q for q in questions if q.relevant]
    for name, by_q in per_question(judged, {q.id: rankings.get(q.id, []) for q in judged}).items():
        if name in out:
            out[name] = by_q
    return out


def bootstrap_diff(diff: np.ndarray, resamples: int, seed: int) -> tuple[float, float]:
    """95% percentile interval of the mean paired difference, questions resampled with replacement."""
    rng = np.random.default_rng(seed)
    batches = [min(1000, resamples - start) for start in range(0, resamples, 1000)]  # bounded memory on the pooled set
    means = np.concatenate([diff[rng.integers(0, len(diff), size=(n, len(diff)))].mean(axis=1) for n in batches])
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def compare(a: dict[str, float], b: dict[str, float], resamples: int, seed: int) -> dict | None:
    """Paired figures over the questions both runs have a value for."""
    ids = sorted(set(a) & set(b))
    if not ids:
        return None
    va, vb = np.array([a[i] for i in ids]), np.array([b[i] for i in ids])
    low, high = bootstrap_diff(vb - va, resamples, seed)
    p = paired_randomisation(vb, va, seed)
    return {"n": len(ids), "a": va.mean(), "b": vb.mean(), "diff": (vb - va).mean(), "ci": (low, high), "p": p}


def differences(questions: list[Question], run_a: tuple, run_b: tuple) -> dict[str, int]:
    """Questions whose lead text, cited document set or hybrid top 10 differ between the runs."""
    (rank_a, ans_a), (rank_b, ans_b) = run_a, run_b
    both = [q.id for q in questions if q.id in ans_a and q.id in ans_b]
    return {
        "answered": len(both),
        "lead differs": sum(ans_a[i]["lead"] != ans_b[i]["lead"] for i in both),
        "cited set differs": sum(set(ans_a[i]["cited_docs"]) != set(ans_b[i]["cited_docs"]) for i in both),
        "top-10 differs": sum(rank_a.get(i, [])[:10] != rank_b.get(i, [])[:10] for i in both),
        "abstained A": sum(ans_a[i]["abstained"] for i in both),
        "abstained B": sum(ans_b[i]["abstained"] for i in both),
    }


def holm(pvalues: list[float], alpha: float = 0.05) -> int:
    """How many of the tests stay significant under Holm's step-down correction."""
    for rank, p in enumerate(sorted(pvalues)):
        if p > alpha / (len(pvalues) - rank):
            return rank
    return len(pvalues)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=Path, required=True, help="eval output root of run A (the reference, e.g. fp32)")
    parser.add_argument("--b", type=Path, required=True, help="eval output root of run B (the candidate, e.g. int8)")
    parser.add_argument("sets", type=Path, nargs="+", help="question set files; DIR/<stem>/runs.jsonl per set")
    parser.add_argument("--resamples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    pooled: dict[str, tuple[dict[str, float], dict[str, float]]] = {name: ({}, {}) for name in METRICS}
    rows: list[tuple[str, str, dict]] = []
    counts: dict[str, dict[str, int]] = {}
    for path in args.sets:
        questions = read_questions(path)
        run_a, run_b = read_run(args.a / path.stem), read_run(args.b / path.stem)
        va, vb = values(questions, *run_a), values(questions, *run_b)
        counts[path.stem] = differences(questions, run_a, run_b)
        for name in METRICS:
            pooled[name][0].update({f"{path.stem}/{i}": v for i, v in va[name].items()})
            pooled[name][1].update({f"{path.stem}/{i}": v for i, v in vb[name].items()})
            if figures := compare(va[name], vb[name], args.resamples, args.seed):
                rows.append((path.stem, name, figures))
    for name in METRICS:
        if figures := compare(*pooled[name], args.resamples, args.seed):
            rows.append(("pooled", name, figures))
    print(f"A = {args.a}   B = {args.b}   paired bootstrap {args.resamples} resamples, seed {args.seed}")
    print(f"{'set':<26} {'metric':<19} {'n':>4} {'mean A':>7} {'mean B':>7} {'B−A':>8} {'95% CI of B−A':>19} {'p':>7}  0 in CI")
    failed = []
    for group, name, f in rows:
        inside = f["ci"][0] <= 0 <= f["ci"][1]
        failed += [] if inside else [f"{group} {name}"]
        means = f"{f['n']:>4} {f['a']:>7.4f} {f['b']:>7.4f} {f['diff']:>+8.4f}"
        print(f"{group:<26} {name:<19} {means} [{f['ci'][0]:+.4f}, {f['ci'][1]:+.4f}] {f['p']:>7.4f}  {inside}")
    columns = ("answered", "lead differs", "cited set differs", "top-10 differs", "abstained A", "abstained B")
    print(f"\n{'set':<26} " + " ".join(f"{c:>{len(c)}}" for c in columns))
    for group, c in counts.items():
        print(f"{group:<26} " + " ".join(f"{c[name]:>{len(name)}}" for name in columns))
    significant = holm([f["p"] for _, _, f in rows])
    print(f"\n{len(rows)} comparisons; {len(failed)} with 0 outside the 95% interval; {significant} significant after Holm")
    if failed:
        print("verdict: B FAILS on " + "; ".join(failed))
    else:
        print("verdict: B PASSES (no metric on any set or pooled differs significantly from A)")
    if args.json:
        table = [{"set": g, "metric": m, **f} for g, m, f in rows]
        args.json.write_text(json.dumps({"rows": table, "differences": counts, "passes": not failed}, indent=1, default=float))


if __name__ == "__main__":
    main()
