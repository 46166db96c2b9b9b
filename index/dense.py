"""FAISS inner-product index over normalised vectors (cosine similarity): exact flat, HNSW, or IVF.

Indexes are read memory-mapped where FAISS can (flat and IVF): the vectors stay in the OS page cache,
shared by every process serving the same version, instead of one private copy per process.
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from core.settings import DenseSettings

FILE = "dense.faiss"
ADD_BATCH = 65_536  # rows added at a time, so a memory-mapped source is never copied whole
# k-means needs ~39 points per list to place centroids well; more only slows training.
TRAIN_PER_LIST = 64
# IO_FLAG_MMAP_IFC maps the codes of flat indexes and IVF inverted lists (FAISS ≥ 1.10); older FAISS reads into RAM.
MMAP = getattr(faiss, "IO_FLAG_MMAP_IFC", 0)


def ivf_lists(n: int, settings: DenseSettings) -> int:
    """Inverted lists: the setting, or about √n (a scan of nprobe/√n of the rows per query)."""
    wanted = settings.ivf_nlist or int(round(math.sqrt(max(n, 1))))
    return max(1, min(wanted, n // 39 or 1))


def build_dense(vectors: np.ndarray, settings: DenseSettings, seed: int = 0) -> faiss.Index:
    """`vectors` may be a np.memmap: rows are read batch by batch."""
    n, dimensions = vectors.shape
    index: faiss.Index
    if settings.index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dimensions, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = max(40, settings.hnsw_m * 2)
        index.hnsw.efSearch = settings.hnsw_ef_search
    elif settings.index_type == "ivf":
        nlist = ivf_lists(n, settings)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimensions), dimensions, nlist, faiss.METRIC_INNER_PRODUCT)
        if n:
            sample = np.sort(np.random.default_rng(seed).choice(n, min(n, TRAIN_PER_LIST * nlist), replace=False))
            index.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
        index.nprobe = settings.ivf_nprobe
    else:
        index = faiss.IndexFlatIP(dimensions)
    for start in range(0, n, ADD_BATCH):
        index.add(np.ascontiguousarray(vectors[start : start + ADD_BATCH], dtype=np.float32))
    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()  # reconstruct(row) for the dense score of a BM25-only hit; saved with the index
    return index


def save_dense(index: faiss.Index, directory: Path) -> None:
    faiss.write_index(index, str(directory / FILE))


def load_dense(directory: Path, settings: DenseSettings) -> faiss.Index:
    # HNSW's graph cannot be mapped; flat and IVF vectors can (see MMAP).
    path = str(directory / FILE)
    try:
        index = faiss.read_index(path, MMAP) if MMAP else faiss.read_index(path)
    except RuntimeError:
        index = faiss.read_index(path)
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = settings.hnsw_ef_search
    if isinstance(index, faiss.IndexIVF):
        index.nprobe = settings.ivf_nprobe
    return index


def search_dense(index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, rows) for one query vector; `allowed` is a boolean mask over rows, or None."""
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    params: faiss.SearchParameters | None = None
    if allowed is not None:
        bitmap = np.packbits(allowed.astype(np.uint8), bitorder="little")
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        # faiss's stubs (1.15) lack SearchParametersHNSW and SearchParametersIVF and the keyword constructors
        # the SWIG classes accept
        if isinstance(index, faiss.IndexHNSWFlat):
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch)  # type: ignore[attr-defined]
        elif isinstance(index, faiss.IndexIVF):
            params = faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe)  # type: ignore[call-arg]
        else:
            params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
    scores, rows = index.search(query, k, params=params)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]


def save_sentence_vectors(directory: Path, vectors: np.ndarray, per_chunk: list[int]) -> None:
    """Sentence vectors in chunk-row order (float16 halves the size; cosine ranks are unaffected),
    and the offsets of each chunk's first sentence."""
    np.save(directory / "sentences.npy", vectors.astype(np.float16))
    np.save(directory / "sentence-offsets.npy", np.concatenate([[0], np.cumsum(per_chunk)]).astype(np.int64))


def load_sentence_vectors(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    # Both mapped: at 1M passages the offsets alone are 64 MB, and a request reads two of them.
    return np.load(directory / "sentences.npy", mmap_mode="r"), np.load(directory / "sentence-offsets.npy", mmap_mode="r")
