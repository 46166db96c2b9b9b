"""Latency of a whole answer (`medcite ask` without the terminal), per stage, on the current index.

    .venv/bin/python bench/answer_latency.py [--scale 100000] [--queries 100]

With --scale the index is tiled in memory as in search_latency.py. Prints p50/p95; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))

from search_latency import percentiles, scale  # noqa: E402

from app.services import open_searcher  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.models import Filters  # noqa: E402
from qa.compose import compose  # noqa: E402
from qa.service import AnswerService  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    settings = Settings()
    searcher = open_searcher(settings)
    if args.scale:
        size = searcher.size
        scale(searcher, args.scale)
        real = searcher.sentence_vectors_of
        searcher.sentence_vectors_of = lambda row: real(row % size)
    service = AnswerService(searcher, None, settings)
    path = settings.data_dir / "eval" / "pubmedqa-dev.jsonl"
    questions = [json.loads(line)["question"] for line in path.open(encoding="utf-8")][: args.queries]
    questions += ["What is the recommended approach to tapering opioids?", "How is hepatitis B vaccine given to infants?"]
    stages: dict[str, list[float]] = {"embed": [], "retrieve": [], "statements": [], "compose": [], "total": []}
    for question in questions:
        t0 = time.perf_counter()
        read = service.read(question)  # the question's vectors and terms
        t1 = time.perf_counter()
        hits = service._retrieve(read, Filters())
        t2 = time.perf_counter()
        pool = service.statements(read, hits)
        t3 = time.perf_counter()
        compose(question, read, hits, pool, settings.qa, searcher.manifest.version)
        t4 = time.perf_counter()
        for name, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
            stages[name].append(value)
    print(f"index: {searcher.size} chunks, {len(questions)} questions (answers composed, nothing stored)")
    for name, values in stages.items():
        print(f"  {name:<11} {percentiles(values)}")


if __name__ == "__main__":
    main()
