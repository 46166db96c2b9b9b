"""Writing a new index's SQLite store: sources, documents with their chunks and studies, copied or read afresh.
Read by index/store.Store once the build publishes it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ingest.models import Chunk, Document, TableRow, vector_sentences
from ingest.study import study_of

SCHEMA = """
CREATE TABLE sources (source_id TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL,
                      format TEXT NOT NULL, fingerprint TEXT NOT NULL, documents INTEGER NOT NULL);
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source_id TEXT NOT NULL, kind TEXT NOT NULL,
                        title TEXT, source TEXT, year INTEGER, url TEXT, locator TEXT NOT NULL,
                        path TEXT NOT NULL, mesh TEXT NOT NULL, text TEXT NOT NULL, blocks TEXT NOT NULL,
                        tables TEXT NOT NULL, images TEXT NOT NULL);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
                     ordinal INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
                     section TEXT, page INTEGER, text TEXT NOT NULL, sentences TEXT NOT NULL,
                     grades TEXT NOT NULL, statements TEXT NOT NULL, tbl TEXT);
CREATE INDEX chunks_doc ON chunks (doc_id);
CREATE INDEX documents_source ON documents (source_id);
CREATE TABLE studies (doc_id TEXT PRIMARY KEY, design TEXT, status TEXT NOT NULL, confidence REAL,
                      basis TEXT NOT NULL, participants INTEGER);
"""


def _embedded(text: str, sentences: str, table: str | None) -> tuple[str, list[tuple[int, int]]]:
    """A stored chunk's text and sentence spans as the model embeds them (a table row with its headers)."""
    row = TableRow.from_json(json.loads(table)) if table else None
    if row is None:
        return text, [tuple(s) for s in json.loads(sentences)]
    read = row.read(text)
    return read, [(0, len(read))]


def _reused(columns: Sequence) -> tuple[str, list[tuple[int, int]], frozenset[int]]:
    """A stored chunk's (text, sentence spans) as embedded, and the ordinals of the sentences whose vectors are made."""
    text, sentences, grades, statements, table = columns
    embedded, spans = _embedded(text, sentences, table)
    return embedded, spans, vector_sentences(json.loads(sentences), json.loads(statements), json.loads(grades), len(spans))


class StoreWriter:
    """Fills a new store; rows are numbered in insertion order, which is the vector order."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path)
        self._db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        self.rows = 0

    def add_source(self, source_id: str, path: str, kind: str, format: str, fingerprint: str, documents: int) -> None:
        self._db.execute("INSERT INTO sources VALUES (?,?,?,?,?,?)", (source_id, path, kind, format, fingerprint, documents))

    def add_document(self, doc: Document, chunks: Sequence[Chunk]) -> None:
        blocks = [[b.start, b.end, b.section, b.page] for b in doc.blocks]
        self._db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.doc_id,
                doc.source_id,
                doc.kind,
                doc.title,
                doc.source,
                doc.year,
                doc.url,
                doc.locator,
                doc.path,
                json.dumps(list(doc.mesh)),
                doc.text,
                json.dumps(blocks),
                json.dumps([t.to_json() for t in doc.tables]),
                json.dumps([[i.label, i.anchor] for i in doc.images]),
            ),
        )
        study = study_of(doc)  # found here, at ingest, so that no question waits for it
        if study is not None:
            self._db.execute(
                "INSERT INTO studies VALUES (?,?,?,?,?,?)",
                (doc.doc_id, study.design, study.status, study.confidence, json.dumps(list(study.basis)), study.participants),
            )
        self._db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    self.rows + i,
                    c.chunk_id,
                    c.doc_id,
                    c.ordinal,
                    c.start,
                    c.end,
                    c.section,
                    c.page,
                    c.text,
                    json.dumps(c.sentences),
                    json.dumps(c.grades),
                    json.dumps(c.statements),
                    json.dumps(c.table.to_json()) if c.table else None,
                )
                for i, c in enumerate(chunks)
            ),
        )
        self.rows += len(chunks)

    def copy_sources(
        self, previous: Path, source_ids: Sequence[str], skip_docs: Iterable[str]
    ) -> tuple[list[str], list[tuple[str, list[tuple[int, int]], frozenset[int]]]]:
        """Carry unchanged sources over from the previous version, except documents in `skip_docs`.

        Returns the copied documents' ids and their chunks' (text, sentence spans) as embedded with the ordinals of the
        sentences whose vectors are made (ingest/models.vector_sentences), in row order.
        """
        if not source_ids:
            return [], []
        self._db.execute("ATTACH DATABASE ? AS old", (str(previous),))
        try:
            self._db.execute("CREATE TEMP TABLE keep (source_id TEXT PRIMARY KEY)")
            self._db.execute("CREATE TEMP TABLE skip (doc_id TEXT PRIMARY KEY)")
            self._db.executemany("INSERT INTO keep VALUES (?)", ((s,) for s in source_ids))
            self._db.executemany("INSERT OR IGNORE INTO skip VALUES (?)", ((d,) for d in skip_docs))
            wanted = "source_id IN (SELECT source_id FROM keep) AND doc_id NOT IN (SELECT doc_id FROM skip)"
            self._db.execute("INSERT INTO sources SELECT * FROM old.sources WHERE source_id IN (SELECT source_id FROM keep)")
            self._db.execute(f"INSERT INTO documents SELECT * FROM old.documents WHERE {wanted}")
            if self._db.execute("SELECT 1 FROM old.sqlite_master WHERE name = 'studies'").fetchone():
                # A store from before studies has none: its documents stay without one until read again.
                self._db.execute(
                    f"INSERT INTO studies SELECT * FROM old.studies WHERE doc_id IN "
                    f"(SELECT doc_id FROM old.documents WHERE {wanted})"
                )
            doc_ids = [r[0] for r in self._db.execute(f"SELECT doc_id FROM old.documents WHERE {wanted}")]
            old_chunks = self._db.execute(
                f"""SELECT chunk_id, doc_id, ordinal, start, "end", section, page, text, sentences, grades, statements, tbl
                    FROM old.chunks
                    WHERE doc_id IN (SELECT doc_id FROM old.documents WHERE {wanted}) ORDER BY row"""
            ).fetchall()
            self._db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                ((self.rows + i, *values) for i, values in enumerate(old_chunks)),
            )
            self.rows += len(old_chunks)
            self._db.commit()
        finally:
            self._db.execute("DROP TABLE IF EXISTS temp.keep")
            self._db.execute("DROP TABLE IF EXISTS temp.skip")
            self._db.execute("DETACH DATABASE old")
        return doc_ids, [_reused(values[7:12]) for values in old_chunks]

    def index_texts(self, whole_document_chars: int) -> Iterator[tuple[str, str, str | None, str | None]]:
        """Per chunk row, in order: its document's id, its text as embedded (a table row with its caption and
        headers), its document's title, and the whole document text when the document is at most
        `whole_document_chars` long (else None)."""
        self._db.commit()
        for doc_id, text, sentences, table, title, whole in self._db.execute(
            """SELECT c.doc_id, c.text, c.sentences, c.tbl, d.title, CASE WHEN length(d.text) <= ? THEN d.text END
               FROM chunks c JOIN documents d ON d.doc_id = c.doc_id ORDER BY c.row""",
            (whole_document_chars,),
        ):
            yield doc_id, _embedded(text, sentences, table)[0] if table else text, title, whole

    def document_texts(self) -> Iterator[tuple[str, str]]:
        """(doc_id, whole text) of every document, one at a time."""
        self._db.commit()
        yield from self._db.execute("SELECT doc_id, text FROM documents")

    def close(self) -> None:
        self._db.commit()
        self._db.close()
