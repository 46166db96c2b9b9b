"""SQLite store of sources, documents and chunks; the chunk's row number is its FAISS id and BM25 column."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from index.models import Passage
from ingest.design_lexicon import DESIGN_KEYS
from ingest.models import KINDS, SourceImage, TableRow
from ingest.study import Study
from ingest.tables import Table

# A research document's design, participants, year and journal (ingest/study.py), one query for many ids.
_STUDY_SQL = """
SELECT s.doc_id, s.design, s.status, s.confidence, s.basis, s.participants, d.year, d.source
FROM studies s JOIN documents d ON d.doc_id = s.doc_id
"""

_PASSAGE_SQL = """
SELECT c.row, c.chunk_id, c.doc_id, c.text, c.start, c."end", c.section, c.page, c.sentences, c.grades,
       d.kind, d.title, d.source, d.year, d.url, d.locator, d.path, d.mesh, c.statements, c.tbl, d.images
FROM chunks c JOIN documents d ON d.doc_id = c.doc_id
"""


def _passage(row: sqlite3.Row, studies: dict[str, Study]) -> Passage:
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
        study=studies.get(row[2]),
        images=tuple(SourceImage(label, anchor) for label, anchor in json.loads(row[20])),
    )


def _study(row: sqlite3.Row) -> Study:
    return Study(row[1], row[2], row[3], tuple(json.loads(row[4])), row[5], row[6], row[7])


class Store:
    """Read side; opened read-only so a running server can never modify a published version."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        # A store written before studies were kept has no table for them: its documents have none.
        self._studies = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'studies'").fetchone() is not None
        self._every_study: dict[str, Study] | None = None

    @property
    def every_study(self) -> dict[str, Study]:
        """doc_id → Study of every research document, read once (a published version never changes): what
        each passage read here carries, with no query per search."""
        if self._every_study is None:
            rows = self._db.execute(_STUDY_SQL).fetchall() if self._studies else []
            self._every_study = {row[0]: _study(row) for row in rows}
        return self._every_study

    def row_designs(self) -> np.ndarray:
        """Per chunk row, its document's study design as an index into DESIGN_KEYS: -1 when none is stated, and
        for every chunk that is not research."""
        code = {key: i for i, key in enumerate(DESIGN_KEYS)}
        if self._studies:
            found = self._db.execute("SELECT s.design FROM chunks c LEFT JOIN studies s ON s.doc_id = c.doc_id ORDER BY c.row")
            return np.asarray([code.get(design, -1) for (design,) in found], dtype=np.int8)
        return np.full(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0], -1, dtype=np.int8)

    def passages(self, rows: Iterable[int]) -> dict[int, Passage]:
        rows = list(rows)
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        found = self._db.execute(f"{_PASSAGE_SQL} WHERE c.row IN ({marks})", rows)
        return {p.row: p for p in (_passage(row, self.every_study) for row in found)}

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
        return _passage(row, self.every_study) if row else None

    def document(self, doc_id: str) -> dict | None:
        cursor = self._db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        record = dict(zip([c[0] for c in cursor.description], row))
        record["mesh"] = json.loads(record["mesh"])
        record["blocks"] = json.loads(record["blocks"])
        record["tables"] = json.loads(record["tables"])
        record["images"] = json.loads(record["images"])
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
        return {row[0]: _study(row) for row in self._db.execute(f"{_STUDY_SQL} WHERE s.doc_id IN ({marks})", doc_ids)}

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
