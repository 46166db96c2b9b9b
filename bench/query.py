"""Query-time figures on scale corpora (bench/scale_corpus.py), one fresh process per size. Asserts nothing.

    nice -n 10 .venv/bin/python bench/query.py [--sizes 19000,100000,1000000] [--root var/scale] [--queries 200]

Per size: hybrid search p50/p95 through `Searcher.search` (given the question's vector: a first, cold pass and a second, warm
one; and the whole call embedding it), whole answers p50/p95 through `AnswerService.ask` (composed, not
stored; cold and warm passes; the warm pass interleaved, question by question, with the same answers as the
searcher gave them before issue #17's query-path work, for a ratio under the same load), the question's embedding
on the query runtime against torch's, resident memory after warm-up
(VmRSS, split into private and file-backed pages: mapped index files are shared page cache), the index
on disk, its build time, recall@10 of the approximate dense list against the exact flat one on the same
query vectors, and BM25 top-100 against rank-bm25 on the same tokens (only up to --rank-bm25-max chunks:
rank-bm25 keeps a Python dict per passage, which does not fit in memory at 1M). Questions are the real
ones of the eval sets in <data_dir>/eval/*.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from app.services import load_embedder  # noqa: E402
from core.settings import Settings  # noqa: E402
from index.dense import search_dense  # noqa: E402
from index.models import IndexManifest  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.selection import top as _top  # noqa: E402
from index.tokenize import tokenize  # noqa: E402
from ingest.models import searchable_text  # noqa: E402
from qa.service import AnswerService  # noqa: E402


def questions(settings: Settings) -> list[str]:
    found = []
    for path in sorted((settings.data_dir / "eval").glob("*.jsonl")):
        found += [json.loads(line)["question"] for line in path.open(encoding="utf-8") if line.strip()]
    return found


def memory() -> dict[str, float]:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "RssAnon", "RssFile")}


def pct(samples: list[float]) -> tuple[float, float]:
    ms = np.asarray(samples) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def timed(call, items) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        call(item)
        out.append(time.perf_counter() - t)
    return out


def interleaved(service: AnswerService, asked: list[str]) -> tuple[list[float], list[float]]:
    """Each answer twice in a row, as configured and as the searcher answered before issue #17's query-path work
    (the question embedded by torch, each kind's dense candidates by FAISS's filtered IVF search, BLAS on every core;
    BM25 candidate selection, graded sentences and terms_present are the current code in both), alternating which
    goes first: a ratio under the same load."""
    searcher = service.searcher
    embedder, scanned = searcher.embedder, searcher._dense_scanned
    query = getattr(embedder, "_query", None)

    def as_before(on: bool) -> None:
        searcher._dense_scanned = None if on else scanned
        if query is not None:
            embedder._query = embedder._runtime if on else query
        from threadpoolctl import threadpool_limits  # BLAS: every core before, query_blas_threads now (untimed)

        threadpool_limits(limits=os.cpu_count() if on else searcher.settings.query_blas_threads, user_api="blas")

    now, before = [], []
    try:
        for i, q in enumerate(asked):
            for old in (False, True) if i % 2 == 0 else (True, False):
                as_before(old)
                t = time.perf_counter()
                service.ask(q)
                (before if old else now).append(time.perf_counter() - t)
    finally:
        as_before(False)
    return now, before


def versions(root: Path) -> dict[str, Path]:
    """index type → version dir (scale_corpus writes one version per dense index type)."""
    found = {}
    for directory in sorted((root / "versions").iterdir()):
        if (directory / "manifest.json").is_file():
            found[IndexManifest.model_validate_json((directory / "manifest.json").read_text()).index_type] = directory
    return found


def rank_bm25_ratio(searcher: Searcher, asked: list[str], depth: int) -> dict:
    """rank-bm25's BM25Okapi over the very tokens medcite's matrix holds (title + text, or the short document
    whole): same scores by construction, so only the speed differs."""
    from rank_bm25 import BM25Okapi

    texts = searcher.store._db.execute(
        """SELECT c.text, d.title, CASE WHEN length(d.text) <= ? THEN d.text END
           FROM chunks c JOIN documents d ON d.doc_id = c.doc_id ORDER BY c.row""",
        (searcher.settings.bm25.whole_document_chars,),
    )
    okapi = BM25Okapi([tokenize(searchable_text(whole or text, title)) for text, title, whole in texts])
    tokens = [tokenize(q) for q in asked]
    theirs = timed(lambda t: np.argpartition(-okapi.get_scores(t), depth)[:depth], tokens)
    ours = timed(lambda t: _top(searcher.bm25.scores(t), depth), tokens)
    same = np.mean([np.allclose(okapi.get_scores(t), searcher.bm25.scores(t), rtol=1e-4, atol=1e-4) for t in tokens[:10]])
    return {
        "rank_bm25_p50_ms": pct(theirs)[0],
        "medcite_bm25_p50_ms": pct(ours)[0],
        "rank_bm25_ratio": pct(theirs)[0] / pct(ours)[0],
        "same_scores": float(same),
        "rank_bm25_queries": len(tokens),
    }


def one(size: int, root: Path, n_queries: int, n_answers: int, rank_bm25_max: int) -> dict:
    index_dir = root / str(size)
    settings = Settings(index_dir=index_dir)
    found = versions(index_dir)
    approx_type = "ivf" if "ivf" in found else next(iter(found))
    # One thread per question: with two (torch's default here) a question took 774 ms instead of 74 ms on the
    # loaded 2-core machine, the threads fighting other processes for both cores; a server answers many at once.
    torch.set_num_threads(1)
    embedder = load_embedder(settings)
    started = time.perf_counter()
    searcher = Searcher(found[approx_type], embedder, settings)
    opened = time.perf_counter() - started
    asked = questions(settings)
    warm, asked = asked[-30:], asked[:n_queries]
    service = AnswerService(searcher, None, settings)
    for q in warm:
        service.ask(q)
    rss = memory()
    vectors = [searcher.embed_query(q) for q in asked]
    given = dict(zip(asked, vectors))
    # Each question's first pass reads its index pages from disk into the page cache (cold); a long-running
    # server mostly finds them there, as the second pass does (warm). Both are reported.
    cold = timed(lambda q: searcher.search(q, k=10, mode="hybrid", vector=given[q]), asked)
    hybrid = timed(lambda q: searcher.search(q, k=10, mode="hybrid", vector=given[q]), asked)
    whole = timed(lambda q: searcher.search(q, k=10, mode="hybrid"), asked)
    cold_answers = timed(service.ask, asked[:n_answers])
    answers, baseline = interleaved(service, asked[:n_answers])
    after = memory()
    tokens = [tokenize(q) for q in asked]
    out = {
        "size": size,
        "dense": approx_type,
        "open_s": opened,
        "queries": len(asked),
        "answers": min(n_answers, len(asked)),
        "hybrid_cold_ms": pct(cold),
        "hybrid_ms": pct(hybrid),
        "hybrid_with_embedding_ms": pct(whole),
        "embed_ms": pct(timed(searcher.embed_query, asked)),
        "embed_torch_ms": pct(timed(lambda q: searcher.embedder.embed([q]), asked)),
        "query_runtime": getattr(searcher.embedder, "query_runtime", "torch"),
        "bm25_top100_ms": pct(timed(lambda t: _top(searcher.bm25.scores(t), 100), tokens)),
        "answer_cold_ms": pct(cold_answers),
        "answer_ms": pct(answers),
        "answer_baseline_ms": pct(baseline),
        "rss_warm_mb": rss,
        "rss_end_mb": after,
        "load_average": os.getloadavg(),
        "disk_gb": sum(p.stat().st_size for p in found[approx_type].iterdir()) / 1e9,
        "build_s": json.loads((index_dir / "build-seconds.json").read_text()),
    }
    out["approx_dense_ms"] = pct(timed(lambda v: search_dense(searcher.dense, v, 100, None), vectors))
    if "flat" in found and approx_type != "flat":
        exact = Searcher(found["flat"], embedder, settings)
        out["flat_dense_ms"] = pct(timed(lambda v: search_dense(exact.dense, v, 100, None), vectors))
        truth = [set(search_dense(exact.dense, v, 10, None)[1].tolist()) for v in vectors]
        for kind in [t for t in found if t != "flat"]:
            other = searcher if kind == approx_type else Searcher(found[kind], embedder, settings)
            found_rows = [set(search_dense(other.dense, v, 10, None)[1].tolist()) for v in vectors]
            prefix = "" if kind == approx_type else f"{kind}_"
            out[f"{prefix}recall_at_10"] = float(np.mean([len(t & f) / len(t) for t, f in zip(truth, found_rows)]))
            if prefix:
                out[f"{prefix}dense_ms"] = pct(timed(lambda v, other=other: search_dense(other.dense, v, 100, None), vectors))
                other.close()
        exact.close()
    if size <= rank_bm25_max:
        out.update(rank_bm25_ratio(searcher, asked[:50], 100))
    return out


def row(r: dict) -> str:
    b = r["build_s"]
    build = sum(v for k, v in b.items() if k.startswith(("store", f"dense {r['dense']}")))
    ratio = f"{r['rank_bm25_ratio']:.0f}x" if "rank_bm25_ratio" in r else "n/a"
    return (
        f"{r['size']:>9,} {r['dense']:>5} {r['hybrid_cold_ms'][0]:7.1f} {r['hybrid_ms'][0]:7.1f} {r['hybrid_ms'][1]:7.1f} "
        f"{r['hybrid_with_embedding_ms'][0]:7.1f} {r['embed_ms'][0]:6.1f} {r['embed_torch_ms'][0]:6.1f} "
        f"{r['answer_baseline_ms'][0]:7.1f} {r['answer_ms'][0]:7.1f} "
        f"{r['answer_ms'][1]:7.1f} {r['rss_warm_mb']['VmRSS']:7.0f} {r['rss_warm_mb']['RssAnon']:7.0f} "
        f"{r['disk_gb']:6.2f} {build:7.0f} {r.get('recall_at_10', float('nan')):6.3f} {ratio:>6}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="19000,100000,1000000")
    parser.add_argument("--root", type=Path, default=Path("var/scale"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--answers", type=int, default=60)
    parser.add_argument("--rank-bm25-max", type=int, default=100_000)
    parser.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(one(args.one, args.root.resolve(), args.queries, args.answers, args.rank_bm25_max)))
        return
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        if not (args.root / str(size) / "CURRENT").exists():
            print(f"{size}: no corpus (python bench/scale_corpus.py --passages {size})")
            continue
        done = subprocess.run([sys.executable, __file__, "--one", str(size), *sys.argv[1:]], capture_output=True, text=True)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"{size}: failed\n{done.stderr[-2000:]}")
            continue
        results.append(json.loads(line[7:]))
        print(json.dumps(results[-1]), flush=True)
    print(
        f"\n{'passages':>9} {'dense':>5} {'cold50':>7} {'hyb50':>7} {'hyb95':>7} {'+emb50':>7} {'emb50':>6} {'torch':>6} "
        f"{'before':>7} {'ans50':>7} {'ans95':>7} {'RSS MB':>7} "
        f"{'anon MB':>7} {'disk GB':>6} {'build s':>7} {'R@10':>6} {'bm25x':>6}"
    )
    for r in results:
        print(row(r))


if __name__ == "__main__":
    main()
