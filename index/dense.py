"""FAISS inner-product index over normalised vectors (cosine similarity); flat or HNSW."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from core.settings import DenseSettings

FILE = "dense.faiss"


def build_dense(vectors: np.ndarray, settings: DenseSettings) -> faiss.Index:
    dimensions = vectors.shape[1]
    if settings.index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dimensions, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = max(40, settings.hnsw_m * 2)
        index.hnsw.efSearch = settings.hnsw_ef_search
    else:
        index = faiss.IndexFlatIP(dimensions)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save_dense(index: faiss.Index, directory: Path) -> None:
    faiss.write_index(index, str(directory / FILE))


def load_dense(directory: Path, settings: DenseSettings) -> faiss.Index:
    index = faiss.read_index(str(directory / FILE))
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = settings.hnsw_ef_search
    return index


def search_dense(index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, rows) for one query vector; `allowed` is a boolean mask over rows, or None."""
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    params = None
    if allowed is not None:
        bitmap = np.packbits(allowed.astype(np.uint8), bitorder="little")
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        if isinstance(index, faiss.IndexHNSWFlat):
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch)
        else:
            params = faiss.SearchParameters(sel=selector)
    scores, rows = index.search(query, k, params=params)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]


def save_sentence_vectors(directory: Path, vectors: np.ndarray, per_chunk: list[int]) -> None:
    """Sentence vectors in chunk-row order (float16 halves the size; cosine ranks are unaffected),
    and the offsets of each chunk's first sentence."""
    np.save(directory / "sentences.npy", vectors.astype(np.float16))
    np.save(directory / "sentence-offsets.npy", np.concatenate([[0], np.cumsum(per_chunk)]).astype(np.int64))


def load_sentence_vectors(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    return np.load(directory / "sentences.npy", mmap_mode="r"), np.load(directory / "sentence-offsets.npy")
