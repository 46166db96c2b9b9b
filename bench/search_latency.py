"""Search latency on the current index, optionally scaled up in memory to a target chunk count.

    .venv/bin/python bench/search_latency.py [--scale 100000] [--queries 200]

Scaling tiles the real BM25 matrix and vectors (vectors with a little noise, re-normalised) so
FAISS and BM25 do the work they would at that size; passages are fetched from the real store.
Prints p50/p95 per stage and per mode. Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402

from app.services import open_searcher  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.bm25 import BM25Index  # noqa: E402
from index.dense import build_dense  # noqa: E402


class _WrappingStore:
    """Rows past the real index map back onto real passages."""

    def __init__(self, store, size: int) -> None:
        self._store, self._size = store, size

    def __getattr__(self, name: str):  # the rest (documents' rows, titles) from the real store
        return getattr(self._store, name)

    def passages(self, rows):
        rows = list(rows)
        real = self._store.passages({r % self._size for r in rows})
        return {r: real[r % self._size] for r in rows}


def scale(searcher, target: int) -> None:
    size = searcher.size
    copies = -(-target // size)
    vectors = searcher.dense.reconstruct_n(0, size)
    rng = np.random.default_rng(0)
    tiled = np.vstack([vectors] + [vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32) for _ in range(copies - 1)])[
        :target
    ]
    tiled /= np.linalg.norm(tiled, axis=1, keepdims=True)
    searcher.dense = build_dense(tiled, searcher.settings.dense)
    matrix = sparse.hstack([searcher.bm25.matrix] * copies, format="csr")[:, :target]
    searcher.bm25 = BM25Index(searcher.bm25.vocabulary, matrix.tocsr(), searcher.bm25.mean_idf)
    searcher.kinds = np.resize(searcher.kinds, target)
    searcher.years = np.resize(searcher.years, target)
    searcher.designs = np.resize(searcher.designs, target)
    # Each copy's chunks belong to documents of their own.
    copy = np.arange(target) // size
    searcher.documents = np.resize(searcher.documents, target) + copy.astype(np.int32) * (int(searcher.documents.max()) + 1)
    searcher.caches()
    searcher.store = _WrappingStore(searcher.store, size)


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    return f"p50 {statistics.median(ms):6.2f} ms   p95 {p(0.95):6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0, help="Tile the index to this many chunks (0: as built).")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--questions", type=Path, default=None, help="JSONL with a 'question' field (default: the dev set).")
    args = parser.parse_args()
    settings = Settings()
    searcher = open_searcher(settings)
    if args.scale:
        scale(searcher, args.scale)
    path = args.questions or settings.data_dir / "eval" / "pubmedqa-dev.jsonl"
    questions = [json.loads(line)["question"] for line in path.open(encoding="utf-8")][: args.queries]
    print(
        f"index: {searcher.size} chunks ({searcher.manifest.version}), FAISS {settings.dense.index_type}, "
        f"{faiss.omp_get_max_threads()} FAISS thread(s), {len(questions)} queries"
    )

    embed = [0.0] * len(questions)
    vectors = []
    for i, q in enumerate(questions):
        t = time.perf_counter()
        vectors.append(searcher.embedder.embed([q])[0])
        embed[i] = time.perf_counter() - t
    print(f"  embed question       {percentiles(embed)}")
    from index.dense import search_dense
    from index.selection import top as _top
    from index.tokenize import tokenize

    bm25, dense = [], []
    for q, v in zip(questions, vectors):
        t = time.perf_counter()
        _top(searcher.bm25.scores(tokenize(q)), settings.fusion.candidates)
        bm25.append(time.perf_counter() - t)
        t = time.perf_counter()
        search_dense(searcher.dense, v, settings.fusion.candidates, None)
        dense.append(time.perf_counter() - t)
    print(f"  bm25 top-100         {percentiles(bm25)}")
    # A search of one kind weighs its terms by their idf among that kind (index/bm25.py): the smallest kind,
    # whose rescaling differs most, against the whole index's scores, question by question.
    if searcher._among:
        among = min(searcher._among.values(), key=lambda a: a.size)
        kind = []
        for q in questions:
            t = time.perf_counter()
            _top(searcher.bm25.scores(tokenize(q), among, settings.bm25.epsilon), settings.fusion.candidates)
            kind.append(time.perf_counter() - t)
        ratio = statistics.median(k / b for k, b in zip(kind, bm25))
        print(f"  bm25 among one kind  {percentiles(kind)}   (median {ratio:.2f}x the whole index's, same questions)")
    print(f"  faiss top-100        {percentiles(dense)}")
    for mode in ("bm25", "dense", "hybrid"):
        times = []
        for q in questions:
            t = time.perf_counter()
            searcher.search(q, k=10, mode=mode)
            times.append(time.perf_counter() - t)
        print(f"  search {mode:<7} k=10  {percentiles(times)}   (whole call, incl. embedding and passage fetch)")


if __name__ == "__main__":
    main()
