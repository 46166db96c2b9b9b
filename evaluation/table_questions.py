"""Questions a table row answers, made from the tables themselves: broad training data for the lead
ranker's table features, from any corpus with tables, written by no one.

For a row whose first cell names what it is about ("Methadone") and a column with a heading
("Conversion factor*"), the question is "What is the conversion factor for Methadone?" and the gold is
the row. Made from every table of the training guidelines, grouped by guideline like the written sets, so
leave-one-guideline-out never tests a table question on the guideline it was trained on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from evaluation.questions import Question
from index.store import Store
from ingest.tables import CELL_SEPARATOR, Table

_MARKS = re.compile(r"[*†‡§¶]+")


def _heading(text: str) -> str:
    return " ".join(_MARKS.sub("", text).split()).lower()


def questions_of(doc_id: str, table: Table, text: str) -> list[Question]:
    header = [text[a:b] for a, b in table.header[-1]] if table.header else []
    made: list[Question] = []
    for number, cells in enumerate(table.rows):
        values = [text[a:b] for a, b in cells]
        key = _MARKS.sub("", values[0]).strip() if values else ""
        if not key:
            continue
        row = CELL_SEPARATOR.join(v for v in values if v)
        for column in range(1, len(values)):
            heading = _heading(header[column]) if column < len(header) else ""
            if not values[column]:
                continue
            question = f"What is the {heading} for {key}?" if heading else f"What is {key}?"
            made.append(
                Question(
                    id=f"table:{doc_id}:{table.number}:{number}:{column}",
                    question=question,
                    relevant={doc_id: 1},
                    extra={"gold_quote": row},
                )
            )
            if not heading:
                break  # without headings one question per row: what the row says of its key
    return made


def table_questions(store: Store, doc_ids: Iterable[str]) -> list[Question]:
    """Every table question of these documents, in document and row order."""
    found: list[Question] = []
    for doc_id in sorted(set(doc_ids)):
        record = store.document(doc_id)
        if record is None:
            continue
        for data in record.get("tables") or []:
            found += questions_of(doc_id, Table.from_json(data), record["text"])
    return found
