"""SQLite store of sources, documents and chunks; the chunk's row number is its FAISS id and BM25 column."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from index.models import Passage
from ingest.models import KINDS, Chunk, Document, TableRow
from ingest.study import Study, study_of
from ingest.tables import Table

SCHEMA = """
CREATE TABLE sources (source_id TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL,
                      format TEXT NOT NULL, fingerprint TEXT NOT NULL, documents INTEGER NOT NULL);
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source_id TEXT NOT NULL, kind TEXT NOT NULL,
                        title TEXT, source TEXT, year INTEGER, url TEXT, locator TEXT NOT NULL,
                        path TEXT NOT NULL, mesh TEXT NOT NULL, text TEXT NOT NULL, blocks TEXT NOT NULL,
                        tables TEXT NOT NULL);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
                     ordinal INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
                     section TEXT, page INTEGER, text TEXT NOT NULL, sentences TEXT NOT NULL,
                     grades TEXT NOT NULL, statements TEXT NOT NULL, tbl TEXT);
CREATE INDEX chunks_doc ON chunks (doc_id);
CREATE INDEX documents_source ON documents (source_id);
CREATE TABLE studies (doc_id TEXT PRIMARY KEY, design TEXT, status TEXT NOT NULL, confidence REAL,
                      basis TEXT NOT NULL, participants INTEGER);
"""
# A research document's design, participants, year and journal (ingest/study.py), one query for many ids.
_STUDY_SQL = """
SELECT s.doc_id, s.design, s.status, s.confidence, s.basis, s.participants, d.year, d.source
FROM studies s JOIN documents d ON d.doc_id = s.doc_id
"""

_PASSAGE_SQL = """
SELECT c.row, c.chunk_id, c.doc_id, c.text, c.start, c."end", c.section, c.page, c.sentences, c.grades,
       d.kind, d.title, d.source, d.year, d.url, d.locator, d.path, d.mesh, c.statements, c.tbl
FROM chunks c JOIN documents d ON d.doc_id = c.doc_id
"""


def _passage(row: sqlite3.Row) -> Passage:
    return Passage(
        row=row[0],
        chunk_id=row[1],
        doc_id=row[2],
        text=row[3],
        start=row[4],
        end=row[5],
        section=row[6],
        page=row[7],
        sentences=[tuple(s) for s in json.loads(row[8])],
        grades={ordinal: (grade, length) for ordinal, grade, length in json.loads(row[9])},
        kind=row[10],
        title=row[11],
        source=row[12],
        year=row[13],
        url=row[14],
        locator=row[15],
        path=row[16],
        mesh=json.loads(row[17]),
        statements={o: (a, b, tuple(tuple(e) for e in edits)) for o, a, b, edits in json.loads(row[18])},
        table=TableRow.from_json(json.loads(row[19])) if row[19] else None,
    )


def _embedded(text: str, sentences: str, table: str | None) -> tuple[str, list[tuple[int, int]]]:
    """A stored chunk's text and sentence spans as the model embeds them (a table row with its headers)."""
    row = TableRow.from_json(json.loads(table)) if table else None
    if row is None:
        return text, [tuple(s) for s in json.loads(sentences)]
    read = row.read(text)
    return read, [(0, len(read))]


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
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
    ) -> tuple[list[str], list[tuple[str, list[tuple[int, int]]]]]:
        """Carry unchanged sources over from the previous version, except documents in `skip_docs`.

        Returns the copied documents' ids and their chunks' (text, sentence spans) as embedded, in row order.
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
        return doc_ids, [_embedded(values[7], values[8], values[11]) for values in old_chunks]

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


class Store:
    """Read side; opened read-only so a running server can never modify a published version."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        # A store written before studies were kept has no table for them: its documents have none.
        self._studies = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'studies'").fetchone() is not None

    def passages(self, rows: Iterable[int]) -> dict[int, Passage]:
        rows = list(rows)
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        return {p.row: p for p in map(_passage, self._db.execute(f"{_PASSAGE_SQL} WHERE c.row IN ({marks})", rows))}

    def short_document_rows(self, doc_ids: Iterable[str], max_chars: int) -> list[int]:
        """Every chunk row of those documents that are at most `max_chars` long."""
        doc_ids = list(dict.fromkeys(doc_ids))
        if not doc_ids or max_chars <= 0:
            return []
        marks = ",".join("?" * len(doc_ids))
        return [
            row
            for (row,) in self._db.execute(
                f"""SELECT c.row FROM chunks c JOIN documents d ON d.doc_id = c.doc_id
                WHERE c.doc_id IN ({marks}) AND length(d.text) <= ? ORDER BY c.row""",
                (*doc_ids, max_chars),
            )
        ]

    def passage(self, chunk_id: str) -> Passage | None:
        row = self._db.execute(f"{_PASSAGE_SQL} WHERE c.chunk_id = ?", (chunk_id,)).fetchone()
        return _passage(row) if row else None

    def document(self, doc_id: str) -> dict | None:
        cursor = self._db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        record = dict(zip([c[0] for c in cursor.description], row))
        record["mesh"] = json.loads(record["mesh"])
        record["blocks"] = json.loads(record["blocks"])
        record["tables"] = json.loads(record["tables"])
        return record

    def study(self, doc_id: str) -> Study | None:
        """A research document's design, participants, year and journal; None for any other document."""
        return self.studies([doc_id]).get(doc_id)

    def studies(self, doc_ids: Iterable[str]) -> dict[str, Study]:
        """doc_id → Study for those of `doc_ids` that are research documents."""
        doc_ids = list(dict.fromkeys(doc_ids))
        if not doc_ids or not self._studies:
            return {}
        marks = ",".join("?" * len(doc_ids))
        return {
            row[0]: Study(row[1], row[2], row[3], tuple(json.loads(row[4])), row[5], row[6], row[7])
            for row in self._db.execute(f"{_STUDY_SQL} WHERE s.doc_id IN ({marks})", doc_ids)
        }

    def table(self, doc_id: str, number: int) -> tuple[Table, str] | None:
        """A document's data table by number, with the document text its spans point into."""
        found = self._db.execute("SELECT tables, text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if found is None:
            return None
        tables = [Table.from_json(t) for t in json.loads(found[0])]
        table = next((t for t in tables if t.number == number), None)
        return (table, found[1]) if table else None

    def table_rows(self, doc_id: str, number: int) -> list[str]:
        """The chunk ids of a table's body rows, in row order."""
        found = self._db.execute("SELECT chunk_id, tbl FROM chunks WHERE doc_id = ? AND tbl IS NOT NULL ORDER BY row", (doc_id,))
        rows = [(row["row"], chunk_id) for chunk_id, tbl in found if (row := json.loads(tbl))["table"] == number]
        return [chunk_id for _, chunk_id in sorted(rows)]

    def graded_sentences(self) -> list[tuple[int, int]]:
        """(chunk row, sentence ordinal) of every sentence carrying a grade its guideline states."""
        found = []
        for row, grades in self._db.execute("SELECT row, grades FROM chunks WHERE grades != '[]' ORDER BY row"):
            found += [(row, ordinal) for ordinal, _, _ in json.loads(grades)]
        return found

    def sources(self) -> dict[str, str]:
        """source id → fingerprint (file sha256 and manifest entry) it was built from."""
        return dict(self._db.execute("SELECT source_id, fingerprint FROM sources"))

    def row_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per chunk row: kind code (index into KINDS), year (0 when unknown) and document number (rows of one
        document share it), for vectorised filters and per-document ranking."""
        kinds, years, docs = [], [], []
        numbers: dict[str, int] = {}
        for kind, year, doc_id in self._db.execute(
            "SELECT d.kind, d.year, c.doc_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id ORDER BY c.row"
        ):
            kinds.append(KINDS.index(kind))
            years.append(year or 0)
            docs.append(numbers.setdefault(doc_id, len(numbers)))
        return np.asarray(kinds, dtype=np.int8), np.asarray(years, dtype=np.int32), np.asarray(docs, dtype=np.int32)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {"documents": {}, "chunks": {}}
        for kind, n in self._db.execute("SELECT kind, COUNT(*) FROM documents GROUP BY kind"):
            out["documents"][kind] = n
        for kind, n in self._db.execute(
            "SELECT d.kind, COUNT(*) FROM chunks c JOIN documents d ON d.doc_id = c.doc_id GROUP BY d.kind"
        ):
            out["chunks"][kind] = n
        return out

    def close(self) -> None:
        self._db.close()
