"""BM25Okapi over a sparse term × chunk matrix of precomputed per-term scores.

Scores equal rank-bm25's BM25Okapi exactly (same idf, including its floor of
`epsilon × mean idf` for terms in more than half the chunks, which bm25s's "robertson"
variant does not reproduce), but a query costs one sparse row gather and sum: about a
millisecond at 100k chunks where rank-bm25 loops in Python for ~170 ms.

The matrix is saved as three plain .npy arrays and read memory-mapped: at 1M passages it is over a
gigabyte, of which a query touches only its terms' rows, and every serving process shares the pages.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np
from scipy import sparse

from core.settings import BM25Settings

# data, column indices and row pointers of the CSR matrix; versions written before these read bm25.npz.
ARRAYS = ("bm25-data.npy", "bm25-indices.npy", "bm25-indptr.npy")
SHAPE = "bm25-shape.npy"
LEGACY = "bm25.npz"


def saved(directory: Path) -> bool:
    return (directory / ARRAYS[0]).exists() or (directory / LEGACY).exists()


@overload
def _idf(df: np.ndarray, n: int) -> np.ndarray: ...
@overload
def _idf(df: float, n: int) -> float: ...
def _idf(df: np.ndarray | float, n: int) -> np.ndarray | float:
    return np.log(n - df + 0.5) - np.log(df + 0.5)


@dataclass(frozen=True, slots=True)
class Among:
    """Some of the index's chunks (those of one kind of source), for idf counted over them alone."""

    mask: np.ndarray  # one boolean per chunk
    size: int  # how many it selects


@dataclass(slots=True)
class BM25Index:
    vocabulary: dict[str, int]
    matrix: sparse.csr_matrix  # terms × chunks, each cell idf(t) · tf-saturation(t, chunk)
    mean_idf: float = 0.0  # over the vocabulary, before the floor: what the floor for common terms is a share of

    @property
    def size(self) -> int:
        return self.matrix.shape[1]

    @classmethod
    def build(cls, corpus: Sequence[Sequence[str]], settings: BM25Settings) -> BM25Index:
        n_docs = len(corpus)
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths = np.zeros(n_docs, dtype=np.float64)
        for doc, tokens in enumerate(corpus):
            lengths[doc] = len(tokens)
            for term, tf in Counter(tokens).items():
                rows.append(vocabulary.setdefault(term, len(vocabulary)))
                cols.append(doc)
                tfs.append(tf)
        return cls.from_postings(
            vocabulary,
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            np.asarray(tfs, dtype=np.float64),
            lengths,
            settings,
        )

    @classmethod
    def from_postings(
        cls,
        vocabulary: dict[str, int],
        row_idx: np.ndarray,
        col_idx: np.ndarray,
        tf: np.ndarray,
        lengths: np.ndarray,
        settings: BM25Settings,
    ) -> BM25Index:
        """From (term, chunk, term frequency) triples and each chunk's length in tokens: what `build` counts,
        given directly by a builder that streams its corpus (bench/scale_corpus.py at 1M passages)."""
        n_docs = len(lengths)
        tf = tf.astype(np.float64, copy=False)
        df = np.bincount(row_idx, minlength=len(vocabulary)).astype(np.float64)
        idf = _idf(df, n_docs)
        mean_idf = float(idf.mean()) if len(idf) else 0.0
        if len(idf):
            idf = np.where(idf < 0, settings.epsilon * mean_idf, idf)
        avgdl = lengths.sum() / n_docs if n_docs else 1.0
        norm = settings.k1 * (1 - settings.b + settings.b * lengths[col_idx] / (avgdl or 1.0))
        values = (idf[row_idx] * tf * (settings.k1 + 1) / (tf + norm)).astype(np.float32)
        del norm
        matrix = sparse.csr_matrix((values, (row_idx, col_idx)), shape=(len(vocabulary), n_docs))
        matrix.sum_duplicates()  # canonical: each term's chunks ascending, once (what `present` searches)
        return cls(vocabulary, matrix, mean_idf)

    def document_frequency(self, term: str, among: Among | None = None) -> int:
        """How many chunks (of those `among` selects) hold the term."""
        row = self.vocabulary.get(term)
        if row is None:
            return 0
        start, end = int(self.matrix.indptr[row]), int(self.matrix.indptr[row + 1])
        return end - start if among is None else int(np.count_nonzero(among.mask[self.matrix.indices[start:end]]))

    def idf(self, term: str, among: Among | None = None) -> float:
        """How much finding the term says, as BM25's idf (never below 0), among all chunks or those `among`
        selects. A term no chunk contains gets the idf of document frequency 0: asked for and found nowhere,
        it is as telling as a term can be."""
        n = self.size if among is None else among.size
        return max(float(_idf(self.document_frequency(term, among), n)), 0.0)

    def _okapi_idf(self, term: str, among: Among | None, epsilon: float) -> float:
        """The idf BM25Okapi weighs the term by, its floor included (for a subset, the whole index's floor)."""
        found = float(_idf(self.document_frequency(term, among), self.size if among is None else among.size))
        return found if found >= 0 else epsilon * self.mean_idf

    def present(self, terms: Sequence[str], columns: Sequence[int]) -> np.ndarray:
        """(len(columns), len(terms)) booleans: which terms each chunk's indexed text contains."""
        found = np.zeros((len(columns), len(terms)), dtype=bool)
        known = [(j, self.vocabulary[t]) for j, t in enumerate(terms) if t in self.vocabulary]
        if not known or not len(columns):
            return found
        # A binary search of each term's posting list (its chunks, ascending: the matrix is canonical, see
        # `from_postings` and `load`) for the wanted columns; slicing the rows out with scipy copied whole
        # posting lists, hundreds of thousands of entries for a common term at 1M passages.
        wanted = np.asarray(columns, dtype=np.int64)
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        for j, row in known:
            start, end = int(indptr[row]), int(indptr[row + 1])
            if start == end:
                continue
            posting = indices[start:end]
            at = np.minimum(np.searchsorted(posting, wanted), end - start - 1)
            found[:, j] = (posting[at] == wanted) & (data[start + at] > 0)
        return found

    def scores(self, query_tokens: Sequence[str], among: Among | None = None, epsilon: float = 0.25) -> np.ndarray:
        """One score per chunk; a repeated query word counts as often as it is repeated, as in BM25Okapi.
        With `among`, each term is weighed by its idf among those chunks, as if the index held only them
        (`epsilon`: the floor the index was built with); the other chunks' scores then mean nothing."""
        counts = Counter(t for t in query_tokens if t in self.vocabulary)
        if not counts:
            return np.zeros(self.size, dtype=np.float32)
        terms = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if among is not None:
            # the matrix holds each term's idf over all chunks: rescaled to its idf among these
            weights *= np.asarray(
                [self._okapi_idf(t, among, epsilon) / (self._okapi_idf(t, None, epsilon) or 1.0) for t in counts],
                dtype=np.float32,
            )
        return np.asarray(self.matrix[terms].T @ weights, dtype=np.float32).ravel()

    def save(self, directory: Path) -> None:
        matrix = self.matrix
        matrix.sum_duplicates()
        index_dtype = np.int32 if max(matrix.nnz, *matrix.shape) < 2**31 else np.int64  # what scipy keeps unconverted
        for name, array in zip(
            ARRAYS, (matrix.data.astype(np.float32), matrix.indices.astype(index_dtype), matrix.indptr.astype(index_dtype))
        ):
            np.save(directory / name, array)
        np.save(directory / SHAPE, np.asarray(matrix.shape, dtype=np.int64))
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        (directory / "bm25-vocabulary.json").write_text(json.dumps(terms), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        terms = json.loads((directory / "bm25-vocabulary.json").read_text(encoding="utf-8"))
        if (directory / ARRAYS[0]).exists():
            data, indices, indptr = (np.load(directory / name, mmap_mode="r") for name in ARRAYS)
            shape = tuple(int(n) for n in np.load(directory / SHAPE))
            matrix = sparse.csr_matrix((data, indices, indptr), shape=shape, copy=False)
        else:
            matrix = sparse.load_npz(directory / LEGACY).tocsr()
            matrix.sum_duplicates()  # in RAM: made canonical here (the mapped arrays were saved canonical)
        df = np.diff(np.asarray(matrix.indptr)).astype(np.float64)
        return cls({term: i for i, term in enumerate(terms)}, matrix, float(_idf(df, matrix.shape[1]).mean()) if len(df) else 0.0)
