"""Embedding throughput of `--executor ray` (index/distributed.py) with 1 and 2 local workers.

    .venv/bin/python bench/ray_workers.py [--documents 4] [--texts 384] [--rounds 2]

(`make bench` runs it after bench/ingest_speed.py's fp32/int8 figures, on the same sample.) Starts a local Ray
instance with one CPU per actor of both pools, so the two configurations alternate round by round and
each one's fastest round counts (a busy spell on a shared machine does not land on one of them only).
Each actor is one CPU (Ray sets its threads to 1) and loads the model once. The texts are handed to
the pool the way the build hands it cache misses (8 model batches per call). Figures only, not asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import Settings  # noqa: E402
from ingest.manifest import read_manifest  # noqa: E402
from ingest.models import searchable_text  # noqa: E402
from ingest.pipeline import checksum, read_source  # noqa: E402


def sample_texts(settings: Settings, kind: str, documents: int, size: int) -> list[str]:
    """Chunk texts (title + chunk) and sentences of the first `documents` sources of a kind, sampled."""
    texts: list[str] = []
    for entry in [e for e in read_manifest(settings.manifest) if e.kind == kind][:documents]:
        root = settings.source_root(entry.path)
        result = read_source(checksum(entry, root), root, settings.chunk)
        for document in result.documents:
            for chunk in result.chunks[document.doc_id]:
                texts.append(searchable_text(chunk.text, document.title))
                texts += [chunk.text[a:b] for a, b in chunk.sentences]
    return random.Random(0).sample(texts, min(size, len(texts)))


def ray_workers(settings: Settings, texts: list[str], rounds: int, counts: tuple[int, ...] = (1, 2)) -> None:
    """texts/s through the actor pool with each worker count, and the ratio to 1 worker."""
    try:
        import ray

        from index.distributed import WORKER_ENV, RayExecutor
    except ModuleNotFoundError:
        print("\nray: not installed (pip install -e '.[ray]'); the 1 vs 2 workers figures are skipped")
        return
    started = time.perf_counter()
    ray.init(num_cpus=sum(counts), include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": WORKER_ENV})
    print(f"\nray {ray.__version__}: local instance started in {time.perf_counter() - started:.1f}s")
    batch = 8 * settings.embed_batch_size  # what the build hands the pool per call (index/build.py)
    executors = {n: RayExecutor(workers=n) for n in counts}
    try:
        pools = {}
        for n, executor in executors.items():
            started = time.perf_counter()
            pools[n] = executor.embedder(settings)
            pools[n].embed(texts[: n * settings.embed_batch_size])  # every actor has loaded its model
            print(f"  {n} worker(s): actors started and model loaded in {time.perf_counter() - started:.1f}s")
        best = {n: float("inf") for n in counts}
        for _ in range(rounds):
            for n, pool in pools.items():
                started = time.perf_counter()
                for i in range(0, len(texts), batch):
                    pool.embed(texts[i : i + batch])
                best[n] = min(best[n], time.perf_counter() - started)
        print(f"\n{'workers':<8} {'texts':>6} {'texts/s':>8} {'vs 1':>6}")
        for n in counts:
            print(f"{n:<8} {len(texts):>6} {len(texts) / best[n]:>8.1f} {best[counts[0]] / best[n]:>5.2f}x")
        print(f"(best of {rounds} alternating rounds; {os.cpu_count()} cores here, shared with other processes)")
    finally:
        for executor in executors.values():
            executor.close()
        ray.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", default="guideline", help="which sources of the manifest to read")
    parser.add_argument("--documents", type=int, default=4)
    parser.add_argument(
        "--texts", type=int, default=384, help="chunk texts and sentences sampled (bench/ingest_speed.py: 96 + 288)"
    )
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    settings = Settings()
    started = time.perf_counter()
    texts = sample_texts(settings, args.kind, args.documents, args.texts)
    print(f"read {args.documents} {args.kind} sources and sampled {len(texts)} texts in {time.perf_counter() - started:.1f}s")
    ray_workers(settings, texts, args.rounds)


if __name__ == "__main__":
    main()
