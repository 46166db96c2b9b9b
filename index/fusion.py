"""Combining ranked lists: reciprocal-rank fusion, or weighted min–max-normalised scores."""

from __future__ import annotations

import numpy as np

from core.settings import FusionSettings


def rrf(rankings: list[np.ndarray], k: int) -> dict[int, float]:
    """Σ 1/(k + rank) over the lists a row appears in (ranks start at 1)."""
    fused: dict[int, float] = {}
    for rows in rankings:
        for rank, row in enumerate(rows.tolist(), start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank)
    return fused


def _minmax(scores: np.ndarray) -> np.ndarray:
    if len(scores) == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    return np.ones_like(scores) if high == low else (scores - low) / (high - low)


def weighted(bm25: tuple[np.ndarray, np.ndarray], dense: tuple[np.ndarray, np.ndarray], dense_weight: float) -> dict[int, float]:
    """w·dense + (1−w)·bm25 over each list's normalised scores; a row missing from a list scores 0 there."""
    fused: dict[int, float] = {}
    for (rows, scores), weight in ((bm25[0], bm25[1]), 1 - dense_weight), ((dense[0], dense[1]), dense_weight):
        for row, score in zip(rows.tolist(), _minmax(scores).tolist()):
            fused[row] = fused.get(row, 0.0) + weight * score
    return fused


def fuse(bm25: tuple[np.ndarray, np.ndarray], dense: tuple[np.ndarray, np.ndarray], settings: FusionSettings) -> dict[int, float]:
    """Each argument is (rows best first, their scores); returns row → fused score."""
    if settings.method == "weighted":
        return weighted(bm25, dense, settings.dense_weight)
    return rrf([bm25[0], dense[0]], settings.rrf_k)
