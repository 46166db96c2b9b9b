"""Table rows as answer statements: a chosen row carries its table's caption and header, and rows of one
table chosen for the same part of the answer are shown together, as one table, in table order."""

from __future__ import annotations

from index.models import Passage
from qa.models import AnsweringRow, Statement, TableCell, TableExcerpt


def excerpt(passage: Passage) -> TableExcerpt | None:
    """The one-row table excerpt of a passage that is a table row; None for prose."""
    row = passage.table
    if row is None:
        return None
    cells = [TableCell(text=passage.text[a:b], span=(a, b)) for a, b in row.cells]
    return TableExcerpt(
        doc_id=passage.doc_id,
        number=row.table,
        caption=row.caption,
        header=[list(h) for h in row.header],
        rows=[AnsweringRow(chunk_id=passage.chunk_id, row=row.row, cells=cells)],
        total_rows=row.rows,
        page=passage.page,
    )


def together(statements: list[Statement]) -> list[Statement]:
    """Rows of the same table merged into the first of them (its place, all their references)."""
    merged: list[Statement] = []
    first: dict[tuple[str, int], Statement] = {}
    for statement in statements:
        table = statement.table
        if table is None:
            merged.append(statement)
            continue
        key = (table.doc_id, table.number)
        if key not in first:
            first[key] = statement
            merged.append(statement)
            continue
        into = first[key]
        assert into.table is not None
        rows = sorted(into.table.rows + table.rows, key=lambda r: r.row)
        refs = into.refs + [r for r in statement.refs if r not in into.refs]
        lead = rows[0]
        source = into if lead.chunk_id == into.chunk_id else statement
        replaced = into.model_copy(
            update={
                "table": into.table.model_copy(update={"rows": rows}),
                "refs": refs,
                "text": source.text,
                "chunk_id": source.chunk_id,
                "span": source.span,
                "score": max(into.score, statement.score),
            }
        )
        merged[merged.index(into)] = replaced
        first[key] = replaced
    return merged
