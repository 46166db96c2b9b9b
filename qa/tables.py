"""Table rows as answer statements: a chosen row carries its table's caption and header, and rows of one
table chosen for the same part of the answer are shown together, as one table, in table order."""

from __future__ import annotations

import re

from index.models import Passage
from qa.models import AnsweringRow, SourceLink, Statement, TableCell, TableExcerpt

# "Table 3", "Tables 3 and 5", "Tables 2-4", "Figures 1, 2": a label word and its numbers.
_NAMED = re.compile(r"\b(Tables?|Figures?|Box(?:es)?|Appendix|Exhibits?)\s+(\d+(?:\s*(?:,|and|&|–|-|to)\s*\d+)*)", re.I)
_SINGULAR = {"tables": "table", "figures": "figure", "boxes": "box", "exhibits": "exhibit"}


def _named(text: str) -> list[str]:
    """The labels a sentence names, casefolded, in order: "Tables 2–4" names table 2, table 3 and table 4."""
    labels: list[str] = []
    for word, numbers in _NAMED.findall(text):
        kind = _SINGULAR.get(word.casefold(), word.casefold())
        values = [int(n) for n in re.findall(r"\d+", numbers)]
        if len(values) == 2 and any(mark in numbers for mark in ("–", "-", "to")):
            values = list(range(values[0], values[1] + 1)) if 0 < values[1] - values[0] <= 10 else values
        labels += [f"{kind} {n}" for n in values]
    return list(dict.fromkeys(labels))


def image_links(passage: Passage, span: tuple[int, int]) -> list[SourceLink]:
    """Links to the tables and figures the sentence at `span` names that its source page shows only as images.
    Read from the source's own words: the quoted text has "(Table 3)" taken out (ingest/hygiene.py)."""
    if not passage.images or not passage.url:
        return []
    text = passage.text[span[0] : span[1]]
    shown = {" ".join(image.label.split()).casefold(): image for image in passage.images}
    base = passage.url.split("#")[0]
    return [
        SourceLink(label=shown[label].label, href=f"{base}#{shown[label].anchor}") for label in _named(text) if label in shown
    ]


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
