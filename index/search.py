"""Hybrid search over one published index version: BM25 and dense candidates, fused, with every score kept.

A version a progressive build published before its vectors were ready (index/stages.py) is searched as
far as it goes: BM25 only while `manifest.vectors` is "pending" (dense scores read 0), and without
sentence vectors until it is "complete" (`sentence_vectors_of` gives None).
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from functools import lru_cache, partial
from pathlib import Path

import faiss
import numpy as np

from core.settings import Settings
from index.bm25 import Among, BM25Index
from index.dense import load_dense, load_sentence_vectors, search_dense
from index.embedding import Embedder, on_backend
from index.fusion import fuse
from index.layout import MANIFEST, IndexLayout
from index.models import (
    INDEX_FORMAT,
    Filters,
    Hit,
    IndexManifest,
    IndexNotReady,
    Mode,
    QueryError,
)
from index.selection import Ranked, bm25_scored, dense_scan, filter_mask, kind_idf, kinds_only, top, top_of, top_rows
from index.store import Store
from ingest.models import KINDS


def _limit_blas(threads: int) -> None:
    """BLAS threads of this process, as FAISS's OpenMP threads above: a search multiplies a question's vector with
    a few hundred or thousand others, where a second BLAS thread costs more than it saves, and on a busy machine
    far more (waiting for a core: 13.7 ms instead of 0.3 for the 1,240 graded sentences at 1M passages)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # comes with sentence-transformers (scikit-learn); without it BLAS keeps its default
        return
    threadpool_limits(limits=threads, user_api="blas")


class Searcher:
    """Loads a version once (FAISS, BM25 matrix, row metadata); `search` is then read-only and thread-safe."""

    def __init__(self, directory: Path, embedder: Embedder, settings: Settings) -> None:
        self.directory = directory
        self.settings = settings
        self.manifest = IndexManifest.model_validate_json((directory / MANIFEST).read_text(encoding="utf-8"))
        if self.manifest.format != INDEX_FORMAT:
            raise IndexNotReady(f"index {self.manifest.version} has an older format: run `medcite ingest` to rebuild it")
        if self.manifest.vectors != "pending" and embedder.dimensions != self.manifest.dimensions:
            raise IndexNotReady(
                f"index was built with {self.manifest.model_name} ({self.manifest.dimensions}-d) but the model "
                f"gives {embedder.dimensions}-d vectors: run `medcite ingest --force`"
            )
        # Queries are embedded with the backend the index was built with, whatever the settings say now.
        self.embedder = on_backend(embedder, self.manifest.embedding_backend, settings.export_root)
        self.store = Store(directory / "store.sqlite")
        # A replaced version is dropped by the server, and requests still using it hold it until they end;
        # its database is closed when the last of them lets go (an sqlite3 connection would otherwise
        # wait for the cyclic collector: it references itself through its statement cache).
        weakref.finalize(self, self.store.close)
        self.bm25 = BM25Index.load(directory)
        self.dense = load_dense(directory, settings.dense) if self.manifest.vectors != "pending" else None
        self.kinds, self.years, self.documents = self.store.row_arrays()
        self.designs = self.store.row_designs()  # a design filter then needs no query
        self.caches()
        self.sentence_vectors = self.sentence_offsets = self._graded_vectors = None  # until the version is complete
        if self.manifest.vectors == "complete":
            self.sentence_vectors, self.sentence_offsets = load_sentence_vectors(directory)
        graded = self.store.graded_sentences()
        self._graded_rows = np.asarray([row for row, _ in graded], dtype=np.int64)
        # An index without guidelines (research only, a single upload) has no graded sentences at all.
        if self.sentence_vectors is not None:
            self._graded_vectors = np.zeros((len(graded), self.manifest.dimensions), dtype=np.float32)
            assert self.sentence_offsets is not None  # loaded with the sentence vectors
            for i, (row, ordinal) in enumerate(graded):
                self._graded_vectors[i] = self.sentence_vectors[self.sentence_offsets[row] + ordinal]
        faiss.omp_set_num_threads(settings.dense.query_threads)
        _limit_blas(settings.query_blas_threads)

    def caches(self) -> None:
        """(Re)derive what is kept per filter and per question from the index arrays (bench/search_latency.py
        tiles the arrays of a loaded version, then calls this)."""
        self._kind_masks: dict[str, np.ndarray] = {kind: self.kinds == code for code, kind in enumerate(KINDS)}
        for mask in self._kind_masks.values():
            mask.flags.writeable = False
        # An answer searches each kind with the same question: score BM25 once per question.
        # Not a bound method: a cache holding `self` would make a reference cycle, and a replaced
        # version would then stay open (files, memory) until the cyclic collector ran.
        self._among: dict[str, Among] = {
            kind: Among(mask, int(mask.sum())) for kind, mask in self._kind_masks.items() if not mask.all()
        }
        self._bm25_scored = lru_cache(maxsize=32)(partial(bm25_scored, self.bm25, self.settings.bm25.epsilon, self._among))
        # Likewise the rows an IVF search scans, once per question vector (the kinds' searches select among them).
        self._dense_scanned = (
            lru_cache(maxsize=8)(partial(dense_scan, self.dense)) if isinstance(self.dense, faiss.IndexIVF) else None
        )
        self._idf = lru_cache(maxsize=4096)(partial(kind_idf, self.bm25, self._among))
        self._filter_masks = lru_cache(maxsize=64)(partial(filter_mask, self.size, self._kind_masks, self.years, self.designs))

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder) -> Searcher:
        directory = IndexLayout(settings.index_dir).current_dir()
        if directory is None:
            raise IndexNotReady(f"no index in {settings.index_dir}: run `medcite ingest` first")
        return cls(directory, embedder, settings)

    @property
    def size(self) -> int:
        return self.bm25.size

    def idf(self, term: str, kind: str | None = None) -> float:
        """How rare a (tokenized) term is in this index, or among one kind of source; a term no passage has is
        the rarest."""
        return self._idf(term, kind)

    def terms_present(self, terms: list[str], rows: list[int]) -> np.ndarray:
        """Which of these (tokenized) terms each chunk's indexed text holds: its title and its text, or its
        whole document when that is short. Read from the BM25 matrix, so nothing is tokenized again."""
        return self.bm25.present(terms, rows)

    def embed_query(self, text: str) -> np.ndarray:
        one = getattr(self.embedder, "embed_query", None)  # a question alone, on the embedder's fastest runtime
        return one(text) if one is not None else self.embedder.embed([text])[0]

    @property
    def complete(self) -> bool:
        """Whether every kind of vector is there; else answers match by words more than by meaning."""
        return self.manifest.vectors == "complete"

    def sentence_vectors_of(self, row: int) -> np.ndarray | None:
        """The vectors of a chunk's sentences, in order (computed at ingest); None before they are built."""
        if self.sentence_vectors is None:
            return None
        assert self.sentence_offsets is not None  # loaded with the sentence vectors
        start, end = self.sentence_offsets[row], self.sentence_offsets[row + 1]
        return np.asarray(self.sentence_vectors[start:end], dtype=np.float32)

    def _scored(self, query: str, filters: Filters):
        """The question's BM25 scores for a search under `filters`: one kind searched alone weighs its terms by
        their idf among that kind, and so ranks as that kind's own index would, whatever else is indexed."""
        single = kinds_only(replace(filters, designs=())) and len(filters.kinds) == 1  # a design filter weighs as its kind
        return self._bm25_scored(query, filters.kinds[0] if single else None)

    def graded(self, query: str, vector: np.ndarray, k: int, filters: Filters = Filters()) -> list[Hit]:
        """Chunks holding the graded recommendations closest to the query: a guideline's bottom lines,
        which plain passage ranking can miss when the surrounding text says more about the topic."""
        if not len(self._graded_rows):
            return []
        allowed = self._allowed(filters)
        if self._graded_vectors is None:  # no sentence vectors yet: the graded chunks BM25 scores highest
            found = self._scored(query, filters).scores[self._graded_rows]
            similarity = np.where(found > 0, found, -np.inf)  # a chunk without the query's words is not found
        else:
            similarity = self._graded_vectors @ vector
        # Each chunk's best graded sentence (a chunk may hold several), above -1; best first, ties by row.
        rows = self._graded_rows
        keep = similarity > -1.0
        if allowed is not None:
            keep &= allowed[rows]
        rows, similarity = rows[keep], similarity[keep]
        order = np.lexsort((rows, -similarity))
        rows, similarity = rows[order], similarity[order]
        _, first = np.unique(rows, return_index=True)  # a row's first place in that order is its best sentence
        first.sort()
        ranked = list(zip(rows[first][:k].tolist(), similarity[first][:k].tolist()))
        # Fused scores on the RRF scale (one list), so they compare with ordinary hits'.
        fused = [(row, 1.0 / (self.settings.fusion.rrf_k + rank)) for rank, (row, _) in enumerate(ranked, start=1)]
        none = Ranked(np.zeros(0, np.int64), np.zeros(0, np.float32))
        return self._hits(fused, vector, self._scored(query, filters).scores, none, none)

    def siblings(self, hits: list[Hit], query: str, vector: np.ndarray, filters: Filters = Filters()) -> list[Hit]:
        """The other chunks of the short documents among `hits`. Such a document is scored by BM25 as a
        whole and listed once, but an answer wants all of it: its findings may sit in another section."""
        have = {h.passage.row for h in hits}
        rows = self.store.short_document_rows((h.passage.doc_id for h in hits), self.settings.bm25.whole_document_chars)
        rows = [row for row in rows if row not in have]
        none = Ranked(np.zeros(0, np.int64), np.zeros(0, np.float32))
        return self._hits([(row, 0.0) for row in rows], vector, self._scored(query, filters).scores, none, none)

    def close(self) -> None:
        self.store.close()

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        """The rows a filter lets through (read-only, kept for the next search with the same filter)."""
        return self._filter_masks(filters) if filters.active else None

    def check(self, query: str, k: int) -> str:
        query = query.strip()
        if not query:
            raise QueryError("the question is empty")
        if len(query) > self.settings.max_query_chars:
            raise QueryError(f"the question is {len(query)} characters; the limit is {self.settings.max_query_chars}")
        if not 1 <= k <= self.settings.max_k:
            raise QueryError(f"k must be between 1 and {self.settings.max_k} (got {k})")
        return query

    def search(
        self, query: str, k: int = 10, mode: Mode = "hybrid", filters: Filters = Filters(), vector: np.ndarray | None = None
    ) -> list[Hit]:
        """Top-k chunks; `vector` is the query's embedding when the caller already has it."""
        query = self.check(query, k)
        if self.dense is None and mode == "dense":
            mode = "hybrid"  # no chunk vectors yet: keyword candidates, scored as a fused list
        allowed = self._allowed(filters)
        depth = max(k, self.settings.fusion.candidates)
        scored = self._scored(query, filters)
        bm25_scores = scored.scores  # a hit is always an allowed row, whose score no filter changes
        vector = self.embed_query(query) if vector is None else vector
        bm25 = Ranked(np.zeros(0, np.int64), np.zeros(0, np.float32))
        if mode != "dense":
            if allowed is None:
                candidates = top(bm25_scores, 4 * depth)
            else:  # among the rows scoring above zero only: the same candidates, in the same order, as a masked scan
                rows, codes = scored.rows(self.kinds)
                rows = rows[self._kind_codes_allowed(filters, codes)] if kinds_only(filters) else rows[allowed[rows]]
                candidates = top_rows(bm25_scores, rows, 4 * depth)
            bm25 = self._one_per_document(candidates, vector, depth)
        dense = Ranked(np.zeros(0, np.int64), np.zeros(0, np.float32))
        if mode != "bm25" and self.dense is not None:
            if allowed is not None and self._dense_scanned is not None:
                scanned = self._dense_scanned(np.ascontiguousarray(vector, dtype=np.float32).tobytes())
                chosen = allowed[scanned.rows]
                dense = top_of(scanned.rows[chosen], scanned.scores[chosen], min(depth, self.dense.ntotal))
            else:
                scores, rows = search_dense(self.dense, vector, depth, allowed)
                dense = Ranked(rows.astype(np.int64), scores)
        if mode == "hybrid":
            fused = fuse((bm25.rows, bm25.scores), (dense.rows, dense.scores), self.settings.fusion)
        else:
            single = bm25 if mode == "bm25" else dense
            fused = dict(zip(single.rows.tolist(), single.scores.tolist()))
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return self._hits(best, vector, bm25_scores, bm25, dense)

    def _kind_codes_allowed(self, filters: Filters, codes: np.ndarray) -> np.ndarray:
        wanted = [KINDS.index(kind) for kind in filters.kinds]
        return codes == wanted[0] if len(wanted) == 1 else np.isin(codes, wanted)

    def _one_per_document(self, ranked: Ranked, vector: np.ndarray, depth: int) -> Ranked:
        """A short document is scored by BM25 as a whole, so its chunks tie; one list entry per such document
        (the chunk closest in meaning), or a single abstract would fill four places of the list and crowd
        out other documents, in BM25 rankings and in fusion alike. Long documents' passages keep their own."""
        if not len(ranked.rows):
            return ranked
        docs = self.documents[ranked.rows]
        scores = ranked.scores
        tied = np.zeros(len(ranked.rows), dtype=bool)
        tied[1:] = (docs[1:] == docs[:-1]) & (scores[1:] == scores[:-1])
        tied[:-1] |= tied[1:]
        if not tied.any():
            return Ranked(ranked.rows[:depth], scores[:depth])
        closeness = self._closeness(ranked.rows[tied], vector)
        meaning = np.full(len(ranked.rows), np.inf, dtype=np.float32)
        meaning[tied] = closeness
        order = np.lexsort((-meaning, docs, -scores))  # by score, then document, then closest first
        keep = np.ones(len(order), dtype=bool)
        keep[1:] = ~((docs[order][1:] == docs[order][:-1]) & (scores[order][1:] == scores[order][:-1]))
        chosen = order[keep]
        chosen = chosen[np.argsort(-scores[chosen], kind="stable")][:depth]
        return Ranked(ranked.rows[chosen], scores[chosen])

    def _closeness(self, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """Cosine of these chunks to the query vector; 0 while the version has no chunk vectors."""
        if self.dense is None:
            return np.zeros(len(rows), dtype=np.float32)
        return self.dense.reconstruct_batch(rows.astype(np.int64)) @ vector

    def _hits(
        self, best: list[tuple[int, float]], vector: np.ndarray, bm25_scores: np.ndarray, bm25: Ranked, dense: Ranked
    ) -> list[Hit]:
        rows = [row for row, _ in best]
        if not rows:
            return []
        passages = self.store.passages(rows)
        dense_scores = self._closeness(np.asarray(rows), vector)
        bm25_rank = {row: i for i, row in enumerate(bm25.rows.tolist(), start=1)}
        dense_rank = {row: i for i, row in enumerate(dense.rows.tolist(), start=1)}
        return [
            Hit(
                passage=passages[row],
                rank=rank,
                fused=float(score),
                bm25=float(bm25_scores[row]),
                dense=float(dense_scores[i]),
                bm25_rank=bm25_rank.get(row),
                dense_rank=dense_rank.get(row),
            )
            for i, (rank, (row, score)) in enumerate(zip(range(1, len(rows) + 1), best))
        ]
