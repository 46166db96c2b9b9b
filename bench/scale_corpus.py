"""An honest synthetic scale corpus, written as a real index in the project's own format. Never shipped.

    .venv/bin/python bench/scale_corpus.py --passages 1000000 [--source DIR] [--out var/scale] [--dense flat,ivf]

Seeds: the chunks, chunk vectors and sentence vectors of a real index version (`--source`: an index
dir, default the configured one; nothing is embedded). Each synthetic document is a run of 1–8
consecutive chunks of one seed document, each chunk perturbed (bench/perturb.py), under its seed's
title (perturbed too). Kinds follow a mix closer to a large corpus than a guideline set: 5 % guideline
(which keep their graded sentences), 75 % research, 20 % reference. Writes <out>/<N>/ as an index dir
(versions/…, CURRENT): store.sqlite, BM25 arrays, sentences.npy (float16), one version per dense index
type in `--dense` (hard links share every other file; CURRENT is the last), and the chunk vectors
(chunk-vectors.npy, float32) beside it for exact recall. Everything is streamed in batches.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import faiss  # noqa: E402
import numpy as np  # noqa: E402
import perturb  # noqa: E402

from core.settings import DenseSettings, Settings  # noqa: E402
from index.bm25 import BM25Index  # noqa: E402
from index.dense import build_dense, save_dense  # noqa: E402
from index.layout import IndexLayout  # noqa: E402
from index.models import INDEX_FORMAT, IndexManifest  # noqa: E402
from index.store_writer import SCHEMA  # noqa: E402
from index.tokenize import tokenize  # noqa: E402
from ingest.models import searchable_text  # noqa: E402

KIND_MIX = {"guideline": 0.05, "research": 0.75, "reference": 0.20}
BATCH = 20_000  # chunks per write batch


def load_seed(directory: Path) -> dict:
    db = sqlite3.connect(f"file:{directory / 'store.sqlite'}?mode=ro", uri=True)
    chunks = [
        {
            "doc": doc,
            "section": section,
            "page": page,
            "text": text,
            "sentences": json.loads(sentences),
            "grades": json.loads(grades),
            "statements": json.loads(statements),
        }
        for doc, section, page, text, sentences, grades, statements in db.execute(
            'SELECT doc_id, section, page, text, sentences, grades, statements FROM chunks ORDER BY row'
        )
    ]
    docs = {row[0]: row[1:] for row in db.execute("SELECT doc_id, kind, title, source, year, url FROM documents")}
    db.close()
    runs: dict[str, list[int]] = {}
    for row, chunk in enumerate(chunks):
        runs.setdefault(chunk["doc"], []).append(row)
    dense = faiss.read_index(str(directory / "dense.faiss"))
    return {
        "chunks": chunks,
        "docs": docs,
        "runs": list(runs.items()),
        "vectors": dense.reconstruct_n(0, dense.ntotal),
        "sentences": np.load(directory / "sentences.npy"),
        "offsets": np.load(directory / "sentence-offsets.npy"),
        "manifest": IndexManifest.model_validate_json((directory / "manifest.json").read_text(encoding="utf-8")),
    }


def plan(seed: dict, passages: int, rng: np.random.Generator) -> list[tuple[str, list[int], str]]:
    """(seed doc, seed chunk rows, kind) per synthetic document, `passages` chunks in all."""
    weights = np.asarray([len(rows) for _, rows in seed["runs"]], dtype=np.float64)
    picks = rng.choice(len(weights), size=passages, p=weights / weights.sum())
    kinds = rng.choice(list(KIND_MIX), size=passages, p=list(KIND_MIX.values()))
    out, total, i = [], 0, 0
    while total < passages:
        doc, rows = seed["runs"][picks[i]]
        length = int(min(rng.geometric(0.3), 8, len(rows), passages - total))
        start = int(rng.integers(len(rows) - length + 1))
        out.append((doc, rows[start : start + length], str(kinds[i])))
        total, i = total + length, i + 1
    return out


def _title(title: str | None, rng: np.random.Generator) -> str | None:
    if not title:
        return title
    words = title.split()
    keep = rng.random(len(words)) >= perturb.DROP
    return " ".join(w for w, k in zip(words, keep) if k) or title


class Postings:
    """BM25's (term, chunk, tf) triples, gathered per batch as arrays (Python lists of 100M+ would not fit)."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.tfs: list[int] = []
        self.lengths: list[int] = []

    def add(self, column: int, counts: Counter, length: int) -> None:
        for term, tf in counts.items():
            self.rows.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
            self.cols.append(column)
            self.tfs.append(tf)
        self.lengths.append(length)

    def flush(self) -> None:
        self.parts.append((np.asarray(self.rows, np.int32), np.asarray(self.cols, np.int32), np.asarray(self.tfs, np.float32)))
        self.rows, self.cols, self.tfs = [], [], []

    def index(self, settings) -> BM25Index:
        self.flush()
        rows, cols, tfs = (np.concatenate([p[i] for p in self.parts]) for i in range(3))
        self.parts = []
        return BM25Index.from_postings(self.vocabulary, rows, cols, tfs, np.asarray(self.lengths, np.float64), settings)


def generate(seed: dict, docs: list, version_dir: Path, vectors_path: Path, settings: Settings, rng: np.random.Generator) -> dict:
    chunks, seed_docs = seed["chunks"], seed["docs"]
    n = sum(len(rows) for _, rows, _ in docs)
    per_chunk = np.diff(seed["offsets"])
    n_sentences = int(sum(per_chunk[rows].sum() for _, rows, _ in docs))
    dims = seed["vectors"].shape[1]
    chunk_vectors = np.lib.format.open_memmap(vectors_path, mode="w+", dtype=np.float32, shape=(n, dims))
    sentence_vectors = np.lib.format.open_memmap(
        version_dir / "sentences.npy", mode="w+", dtype=np.float16, shape=(n_sentences, dims)
    )
    offsets = np.zeros(n + 1, dtype=np.int64)
    db = sqlite3.connect(version_dir / "store.sqlite")
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
    postings = Postings()
    row = sentence_at = 0
    batch_seed, batch_donor, batch_sentences, chunk_rows, doc_rows = [], [], [], [], []
    whole_chars = settings.bm25.whole_document_chars

    # The memory maps are passed in, not closed over: their names are deleted below, once written.
    def flush(chunk_vectors: np.memmap, sentence_vectors: np.memmap) -> None:
        nonlocal batch_seed, batch_donor, batch_sentences, chunk_rows, doc_rows
        start = row - len(batch_seed)
        chunk_vectors[start:row] = perturb.vectors(seed["vectors"][batch_seed], seed["vectors"][batch_donor], rng)
        idx = np.asarray(batch_sentences, dtype=np.int64)
        s0 = offsets[start]
        sentence_vectors[s0 : s0 + len(idx)] = perturb.vectors(seed["sentences"][idx], None, rng).astype(np.float16)
        db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
        db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", chunk_rows)
        db.commit()
        postings.flush()
        batch_seed, batch_donor, batch_sentences, chunk_rows, doc_rows = [], [], [], [], []

    for number, (seed_doc, rows, kind) in enumerate(docs):
        _, title, source, year, url = seed_docs[seed_doc]
        doc_id = f"SYN:{number:07d}"
        title = _title(title, rng)
        year = int(year + rng.integers(-10, 1)) if year else None
        made = []
        for seed_row in rows:
            donor = int(rng.integers(len(chunks)))
            p = perturb.passage(chunks[seed_row], chunks[donor]["text"], kind == "guideline", rng)
            made.append((seed_row, donor, p))
        text = "\n\n".join(p.text for _, _, p in made)
        whole = len(text) <= whole_chars
        whole_counts = Counter(tokenize(searchable_text(text, title))) if whole else None
        at, blocks = 0, []
        for ordinal, (seed_row, donor, p) in enumerate(made):
            seed_chunk = chunks[seed_row]
            start, end = at, at + len(p.text)
            blocks.append([start, end, seed_chunk["section"], seed_chunk["page"]])
            at = end + 2
            counts = whole_counts or Counter(tokenize(searchable_text(p.text, title)))
            postings.add(row, counts, sum(counts.values()))
            chunk_rows.append(
                (
                    row,
                    f"syn{row:09d}",
                    doc_id,
                    ordinal,
                    start,
                    end,
                    seed_chunk["section"],
                    seed_chunk["page"],
                    p.text,
                    json.dumps(p.sentences),
                    json.dumps(p.grades),
                    json.dumps(p.statements),
                    None,
                )
            )
            base = int(seed["offsets"][seed_row])
            batch_sentences += [base + o for o in p.order]
            sentence_at += len(p.order)
            offsets[row + 1] = sentence_at
            batch_seed.append(seed_row)
            batch_donor.append(donor)
            row += 1
        doc_rows.append(
            (
                doc_id,
                "synthetic",
                kind,
                title,
                source,
                year,
                url,
                doc_id,
                f"synthetic/{number}",
                "[]",
                text,
                json.dumps(blocks),
                "[]",
                "[]",
            )
        )
        if len(batch_seed) >= BATCH:
            flush(chunk_vectors, sentence_vectors)
            print(f"  {row:,} / {n:,} chunks", flush=True)
    if batch_seed:
        flush(chunk_vectors, sentence_vectors)
    db.execute("INSERT INTO sources VALUES ('synthetic', 'synthetic', 'research', 'jsonl', 'synthetic', ?)", (len(docs),))
    db.commit()
    db.close()
    np.save(version_dir / "sentence-offsets.npy", offsets)
    chunk_vectors.flush()
    sentence_vectors.flush()
    del chunk_vectors, sentence_vectors
    postings.index(settings.bm25).save(version_dir)
    return {"chunks": n, "documents": len(docs), "sentences": n_sentences}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, required=True)
    parser.add_argument("--source", type=Path, default=None, help="Seed index dir (default: settings.index_dir).")
    parser.add_argument("--out", type=Path, default=Path("var/scale"))
    parser.add_argument("--dense", default="flat,ivf", help="Dense index types, one version each; CURRENT is the last.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--add-dense", action="store_true", help="Only add --dense versions to an existing corpus.")
    args = parser.parse_args()
    settings = Settings()
    source = IndexLayout(args.source or settings.index_dir).current_dir()
    if source is None:
        sys.exit(f"no index in {args.source or settings.index_dir}: build one (medcite ingest) or pass --source")
    rng = np.random.default_rng(args.seed)
    seed = load_seed(source)
    root = (args.out / str(args.passages)).resolve()
    layout = IndexLayout(root)
    if args.add_dense:  # beside the versions already there, sharing their files
        published = layout.current_dir()
        common = sorted(p.name for p in published.iterdir() if p.name not in ("dense.faiss", "manifest.json"))
        seconds = json.loads((root / "build-seconds.json").read_text())
        counts = {k: seconds[k] for k in ("chunks", "documents", "sentences")}
    else:
        build_dir = layout.new_build_dir()
        started = time.perf_counter()
        docs = plan(seed, args.passages, rng)
        counts = generate(seed, docs, build_dir, root / "chunk-vectors.npy", settings, rng)
        seconds = {"store, BM25, sentence vectors": time.perf_counter() - started}
        common = sorted(p.name for p in build_dir.iterdir())
    vectors = np.load(root / "chunk-vectors.npy", mmap_mode="r")
    for i, kind in enumerate(args.dense.split(",")):
        if i or args.add_dense:
            build_dir = layout.carry_over(published, common)
        t = time.perf_counter()
        dense = DenseSettings(**{**settings.dense.model_dump(), "index_type": kind})
        save_dense(build_dense(vectors, dense), build_dir)
        seconds[f"dense {kind}"] = time.perf_counter() - t
        now = datetime.now(UTC)
        manifest = IndexManifest(
            version=f"{now:%Y%m%dT%H%M%S.%f}-{kind}",
            format=INDEX_FORMAT,
            created_at=now.isoformat(timespec="seconds"),
            model_name=seed["manifest"].model_name,
            embedding_backend=seed["manifest"].embedding_backend,
            dimensions=vectors.shape[1],
            corpus_hash=f"synthetic-{args.passages}-{args.seed}-{seed['manifest'].corpus_hash}",
            documents=counts["documents"],
            chunks=counts["chunks"],
            sources=1,
            index_type=kind,
            chunk_settings=seed["manifest"].chunk_settings,
            bm25_settings=settings.bm25.model_dump(),
        )
        published = layout.publish(build_dir, manifest)
        print(f"published {published}")
    (root / "build-seconds.json").write_text(json.dumps({**seconds, **counts, "seed": str(source)}, indent=1))
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in seconds.items()}), counts)


if __name__ == "__main__":
    main()
