"""Selecting the best rows of score vectors: top k of a full vector, of the rows a question scored (BM25) or an
IVF search scanned, and the masks that filter them. What index/search.py builds its hybrid search from."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import faiss
import numpy as np

from index.bm25 import Among, BM25Index
from index.models import Filters
from index.tokenize import tokenize
from ingest.design_lexicon import DESIGN_KEYS


@dataclass(slots=True)
class Ranked:
    rows: np.ndarray  # best first
    scores: np.ndarray


def top(scores: np.ndarray, k: int) -> Ranked:
    """Top-k of a full score vector via argpartition (no full sort); zero or masked scores excluded."""
    return top_rows(scores, np.flatnonzero(scores > 0), k)


class Scored:
    """One question's BM25 scores over every row, and (computed once, when a filtered search first needs them)
    the rows scoring above zero and their kinds: each kind's search then selects among those, instead of
    masking and scanning every row of the index once per kind."""

    __slots__ = ("scores", "_rows", "_kinds", "_lock")
    _rows: np.ndarray | None
    _kinds: np.ndarray | None

    def __init__(self, scores: np.ndarray) -> None:
        scores.flags.writeable = False  # shared through the cache
        self.scores, self._rows, self._kinds, self._lock = scores, None, None, threading.Lock()

    def rows(self, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows scoring above zero, ascending; their kind codes)."""
        if self._rows is None:
            with self._lock:
                if self._rows is None:
                    rows = np.flatnonzero(self.scores > 0)
                    if len(self.scores) < 2**31:  # half the memory for each of the cached questions
                        rows = rows.astype(np.int32)
                    self._kinds = kinds[rows]
                    self._rows = rows
        assert self._kinds is not None  # set before _rows
        return self._rows, self._kinds


def bm25_scored(bm25: BM25Index, epsilon: float, among: dict[str, Among], query: str, kind: str | None = None) -> Scored:
    """The question's BM25 scores; with a kind, weighed by its terms' idf among that kind's chunks (`among`:
    the kinds that are part of the index only; a kind that is all of it needs no reweighing)."""
    return Scored(bm25.scores(tokenize(query), among.get(kind) if kind else None, epsilon))


def kind_idf(bm25: BM25Index, among: dict[str, Among], term: str, kind: str | None = None) -> float:
    return bm25.idf(term, among.get(kind) if kind else None)


def dense_scan(index: faiss.Index, key: bytes) -> Ranked:
    """Every row an IVF search for this vector scans (its nprobe lists), with its score: the rows a filtered
    search of the same vector would choose among, so one scan serves every kind's search of an answer."""
    query = np.frombuffer(key, dtype=np.float32).reshape(1, -1)
    limits, scores, rows = index.range_search(query, -np.inf)
    return Ranked(rows[limits[0] : limits[1]].astype(np.int64), scores[limits[0] : limits[1]])


def top_of(rows: np.ndarray, scores: np.ndarray, k: int) -> Ranked:
    """The k best of candidate rows with their scores, best first (ties: the lower row first)."""
    if len(rows) > k:
        part = np.argpartition(scores, -k)[-k:]
        rows, scores = rows[part], scores[part]
    order = np.lexsort((rows, -scores))
    return Ranked(rows[order], scores[order])


def top_rows(scores: np.ndarray, rows: np.ndarray, k: int) -> Ranked:
    """`top` of the scores masked to `rows` (ascending, each scoring above zero), without the full mask."""
    if len(rows) > k:
        part = np.argpartition(scores[rows], -k)[-k:]
        rows = rows[part]
    order = np.argsort(-scores[rows], kind="stable")
    rows = rows[order]
    return Ranked(rows, scores[rows])


def kinds_only(filters: Filters) -> bool:
    return bool(filters.kinds) and filters.year_from is None and filters.year_to is None and not filters.designs


def filter_mask(
    size: int, kind_masks: dict[str, np.ndarray], years: np.ndarray, designs: np.ndarray, filters: Filters
) -> np.ndarray:
    mask = np.ones(size, dtype=bool)
    if filters.kinds:
        mask = np.logical_or.reduce([kind_masks[k] for k in filters.kinds])
    if filters.year_from is not None:
        mask &= years >= filters.year_from
    if filters.year_to is not None:
        mask &= (years <= filters.year_to) & (years > 0)
    if filters.designs:  # research of those designs; guidelines and reference pages are not research
        wanted = np.isin(designs, [DESIGN_KEYS.index(d) for d in filters.designs])
        mask &= ~kind_masks["research"] | wanted
    mask.flags.writeable = False
    return mask
