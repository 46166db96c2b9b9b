"""Embedding throughput at ingest: torch fp32 vs onnx-int8 in the same run, on real chunks and sentences.

    .venv/bin/python bench/ingest_speed.py [--chunks 96] [--sentences 288] [--threads 1] [--rounds 2]

Reads a few shipped documents (the guidelines of the corpus manifest) through the project's own reader
and chunker, samples chunk texts (title + chunk, as the dense index sees them) and sentences (as the
answer composer's vectors are made), and embeds the same sample with each backend. Prints texts/s per
backend, the int8/fp32 ratio, and the cosine between the two backends' vectors (mean and min).
Figures only; nothing here asserts a time. The int8 model is exported into the cache dir on first use
(the time is printed) and reused afterwards. The backends alternate round by round and each one's
fastest round counts, so a busy spell on a shared machine does not land on one backend only.

    .venv/bin/python bench/ingest_speed.py --first-run [--port 8765]

times `make run`'s command (`medcite serve --ingest`) on the shipped corpus with a fresh index dir and an
empty embedding cache (both temporary): seconds until the page answers (keyword search), until chunk
vectors, until the full index, and the build's seconds per stage (reading, keyword index, chunk vectors,
vector index, sentence vectors, publishing). It embeds the whole corpus: tens of minutes on 2 cores.
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

import numpy as np  # noqa: E402
import torch  # noqa: E402

from core.settings import Settings  # noqa: E402
from index.embedding import SentenceTransformerEmbedder  # noqa: E402
from index.onnx_int8 import int8_export_dir  # noqa: E402
from ingest.manifest import read_manifest  # noqa: E402
from ingest.models import searchable_text  # noqa: E402
from ingest.pipeline import checksum, read_source  # noqa: E402


def corpus_texts(settings: Settings, kind: str, documents: int) -> tuple[list[str], list[str]]:
    """(chunk texts as embedded, sentences) of the first `documents` sources of one kind in the manifest."""
    chunks, sentences = [], []
    for entry in [e for e in read_manifest(settings.manifest) if e.kind == kind][:documents]:
        result = read_source(checksum(entry, settings.source_root(entry.path)), settings.source_root(entry.path), settings.chunk)
        if result.error:
            print(f"  skipped {entry.path}: {result.error}")
            continue
        for document in result.documents:
            for chunk in result.chunks[document.doc_id]:
                chunks.append(searchable_text(chunk.text, document.title))
                sentences += [chunk.text[a:b] for a, b in chunk.sentences]
    return chunks, sentences


def timed(embedder: SentenceTransformerEmbedder, texts: list[str], batch: int) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    vectors = np.vstack([embedder.embed(texts[i : i + batch]) for i in range(0, len(texts), batch)])
    return vectors, time.perf_counter() - started


def compare(fp32, int8, texts: list[str], batch: int, rounds: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Both backends on the same texts, alternating round by round so a busy spell on a shared machine
    hits both; each backend's fastest round counts."""
    fp32.embed(texts[:16]), int8.embed(texts[:16])  # warm-up: first-call allocations are not throughput
    fp32_s = int8_s = float("inf")
    for _ in range(rounds):
        a, seconds = timed(fp32, texts, batch)
        fp32_s = min(fp32_s, seconds)
        b, seconds = timed(int8, texts, batch)
        int8_s = min(int8_s, seconds)
    return a, b, fp32_s, int8_s


def first_run(port: int) -> None:
    """Time-to-page and time-to-full-index of a first `make run` (fresh index, empty cache), from /health."""
    import json
    import subprocess
    import tempfile
    import urllib.request

    root = Path(tempfile.mkdtemp(prefix="medcite-first-run-"))
    env = {**os.environ, **{f"MEDCITE_{k}_DIR": str(root / k.lower()) for k in ("INDEX", "CACHE", "STATE")}}
    command = [sys.executable, "-c", "from medcite.cli import main; main()", "serve", "--ingest", "--port", str(port)]
    started, seen = time.perf_counter(), {}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while server.poll() is None and "complete" not in seen:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                    state = json.load(response)["index"]
            except OSError:
                time.sleep(1)
                continue
            seen.setdefault("page", time.perf_counter() - started)
            seen.setdefault(state["vectors"], time.perf_counter() - started)
            time.sleep(2)
    finally:
        server.terminate()
        server.wait()
    for label, what in [
        ("page", "page answers (keyword search)"),
        ("chunks", "chunk vectors published"),
        ("complete", "full index (sentence vectors) published"),
    ]:
        print(f"{what:<42} {seen[label]:>8.0f} s" if label in seen else f"{what:<42} (not reached)")
    try:  # the build's own account of where the time went (index/progress.py), stage by stage
        stages = json.loads((root / "index" / "state" / "progress.json").read_text(encoding="utf-8")).get("stages", {})
    except (OSError, ValueError):
        stages = {}
    for stage, seconds in stages.items():
        print(f"  stage {stage:<34} {seconds:>8.0f} s")
    print(f"(index and cache in {root}; delete it when done)")


def reingest(settings: Settings) -> None:
    """`medcite ingest` on the configured index when nothing changed: checksums only, no new version."""
    import subprocess

    from index.layout import IndexLayout

    layout = IndexLayout(settings.index_dir)
    before = layout.current_dir()
    if before is None:
        print(f"\nre-ingest of an unchanged corpus: no index in {settings.index_dir} (run `make index` first)")
        return
    command = [sys.executable, "-c", "from medcite.cli import main; main()", "ingest", "-q"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    same = "unchanged" if layout.current_dir() == before else f"replaced by {layout.current_dir().name}"
    print(
        f"\nre-ingest of an unchanged corpus ({settings.index_dir}): {seconds:.1f} s, exit {done.returncode}, "
        f"published version {same}; the process's start and model load included"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", default="guideline", help="which sources of the manifest to read")
    parser.add_argument("--documents", type=int, default=4)
    parser.add_argument("--chunks", type=int, default=96, help="chunk texts sampled")
    parser.add_argument("--sentences", type=int, default=288, help="sentences sampled")
    parser.add_argument("--threads", type=int, default=1, help="torch and onnxruntime threads (the issue's figures: 1)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per backend; the fastest counts")
    parser.add_argument("--first-run", action="store_true", help="time a first `make run` instead (see above)")
    parser.add_argument("--port", type=int, default=8765, help="the --first-run server's port")
    args = parser.parse_args()
    if args.first_run:
        return first_run(args.port)

    settings = Settings()
    torch.set_num_threads(args.threads)  # onnxruntime sessions take the same count
    started = time.perf_counter()
    chunks, sentences = corpus_texts(settings, args.kind, args.documents)
    rng = random.Random(0)
    sample = {
        "chunks": rng.sample(chunks, min(args.chunks, len(chunks))),
        "sentences": rng.sample(sentences, min(args.sentences, len(sentences))),
    }
    print(
        f"read {args.documents} {args.kind} sources in {time.perf_counter() - started:.1f}s: {len(chunks)} chunks, "
        f"{len(sentences)} sentences; sampled {len(sample['chunks'])} + {len(sample['sentences'])}; "
        f"{args.threads} thread(s), cpu, best of {args.rounds} alternating rounds"
    )

    path, batch = settings.resolved_model_path(), 8 * settings.embed_batch_size  # as index/build.py batches
    started = time.perf_counter()
    fp32 = SentenceTransformerEmbedder(path, settings.model_name, settings.embed_batch_size, device="cpu")
    print(f"torch fp32 loaded in {time.perf_counter() - started:.1f}s")
    exported = (int8_export_dir(path, settings.cache_dir) / "meta.json").is_file()
    started = time.perf_counter()
    int8 = fp32.for_backend("onnx-int8", settings.export_root)
    what = "loaded (export reused)" if exported else "exported and loaded"
    print(f"onnx-int8 {what} in {time.perf_counter() - started:.1f}s ({int8_export_dir(path, settings.cache_dir)})")

    print(f"\n{'texts':<10} {'n':>5} {'fp32/s':>8} {'int8/s':>8} {'ratio':>6} {'cos mean':>9} {'cos min':>8}")
    total = {"fp32": 0.0, "int8": 0.0, "n": 0}
    cosines = []
    for name, texts in sample.items():
        if not texts:
            continue
        a, b, fp32_s, int8_s = compare(fp32, int8, texts, batch, args.rounds)
        cosine = (a * b).sum(axis=1)
        cosines.append(cosine)
        total["fp32"] += fp32_s
        total["int8"] += int8_s
        total["n"] += len(texts)
        print(
            f"{name:<10} {len(texts):>5} {len(texts) / fp32_s:>8.1f} {len(texts) / int8_s:>8.1f} "
            f"{fp32_s / int8_s:>5.2f}x {cosine.mean():>9.4f} {cosine.min():>8.4f}"
        )
    every = np.concatenate(cosines)
    print(
        f"{'all':<10} {total['n']:>5} {total['n'] / total['fp32']:>8.1f} {total['n'] / total['int8']:>8.1f} "
        f"{total['fp32'] / total['int8']:>5.2f}x {every.mean():>9.4f} {every.min():>8.4f}"
    )
    print("\n(texts/s on a shared machine vary from run to run; the ratio, measured in one run, is the figure to compare)")

    from ray_workers import ray_workers  # bench/ray_workers.py: `--executor ray` with 1 vs 2 workers, same sample

    ray_workers(settings, [*sample["chunks"], *sample["sentences"]], args.rounds)
    reingest(settings)


if __name__ == "__main__":
    main()
