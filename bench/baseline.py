"""medcite's document ranking against a plain pipeline on the same records and questions, in one run.

    .venv/bin/python bench/baseline.py RECORDS.jsonl QUESTIONS.jsonl --index-dir DIR [--limit N]

The plain pipeline is what an afternoon gives: rank-bm25's BM25Okapi over lower-cased whitespace
tokens of title + abstract, the packaged MiniLM over the same whole text, and RRF (k = 60). medcite
is asked as a client asks `/search?k=100`: each document keeps the rank of its first passage.
Prints nDCG@10 and Recall@10 per mode for both, and medcite's ratio to the baseline; asserts nothing.
Build DIR first: `medcite --manifest var/dev/empty.jsonl --index-dir DIR ingest --extra RECORDS.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ir_measures  # noqa: E402
import numpy as np  # noqa: E402
from ir_measures import R, nDCG  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from app.services import open_searcher  # noqa: E402
from core.settings import Settings  # noqa: E402

MEASURES = [nDCG @ 10, R @ 10]
DEPTH = 100


def _doc_id(record: dict) -> str:
    if record.get("pmid"):
        return f"PMID:{record['pmid']}"
    return f"doi:{record['doi']}" if record.get("doi") else str(record["id"])


def _text(record: dict) -> str:
    body = " ".join(s.get("text") or "" for s in record.get("sections") or []) or record.get("abstract") or ""
    return f"{record.get('title') or ''} {body}".strip()


def _rrf(*rankings: list[str], k: int = 60) -> list[str]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + 1 / (k + rank)
    return sorted(fused, key=lambda d: -fused[d])


def baseline_runs(records: list[dict], questions: list[dict], embedder) -> dict[str, dict[str, list[str]]]:
    ids = [_doc_id(r) for r in records]
    texts = [_text(r) for r in records]
    bm25 = BM25Okapi([t.lower().split() for t in texts])
    vectors = embedder.embed(texts)
    runs: dict[str, dict[str, list[str]]] = {"bm25": {}, "dense": {}, "hybrid": {}}
    for q in questions:
        lexical = [ids[i] for i in np.argsort(-bm25.get_scores(q["question"].lower().split()))[:DEPTH]]
        semantic = [ids[i] for i in np.argsort(-(vectors @ embedder.embed([q["question"]])[0]))[:DEPTH]]
        runs["bm25"][q["id"]], runs["dense"][q["id"]] = lexical, semantic
        runs["hybrid"][q["id"]] = _rrf(lexical, semantic)[:DEPTH]
    return runs


def medcite_runs(searcher, questions: list[dict]) -> dict[str, dict[str, list[str]]]:
    runs: dict[str, dict[str, list[str]]] = {"bm25": {}, "dense": {}, "hybrid": {}}
    for mode in runs:
        for q in questions:
            docs: list[str] = []
            for hit in searcher.search(q["question"], k=DEPTH, mode=mode):
                if hit.passage.doc_id not in docs:
                    docs.append(hit.passage.doc_id)
            runs[mode][q["id"]] = docs
    return runs


def score(questions: list[dict], run: dict[str, list[str]]) -> dict[str, float]:
    qrels = [ir_measures.Qrel(q["id"], doc, 1) for q in questions for doc in q["relevant"]]
    scored = [ir_measures.ScoredDoc(qid, doc, float(DEPTH - i)) for qid, docs in run.items() for i, doc in enumerate(docs)]
    return {str(m): v for m, v in ir_measures.calc_aggregate(MEASURES, qrels, scored).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    records = [json.loads(line) for line in args.records.open(encoding="utf-8") if line.strip()]
    questions = [json.loads(line) for line in args.questions.open(encoding="utf-8") if line.strip()]
    questions = questions[: args.limit or None]
    searcher = open_searcher(Settings(index_dir=args.index_dir))
    plain = baseline_runs(records, questions, searcher.embedder)
    ours = medcite_runs(searcher, questions)
    print(f"{len(questions)} questions, {len(records)} records")
    print(f"{'mode':<7} {'baseline nDCG@10 / R@10':>24} {'medcite nDCG@10 / R@10':>24} {'ratio nDCG':>11}")
    for mode in ("bm25", "dense", "hybrid"):
        b, m = score(questions, plain[mode]), score(questions, ours[mode])
        print(
            f"{mode:<7} {b['nDCG@10']:>12.3f} / {b['R@10']:.3f} {m['nDCG@10']:>14.3f} / {m['R@10']:.3f} "
            f"{m['nDCG@10'] / b['nDCG@10']:>10.3f}"
        )


if __name__ == "__main__":
    main()
