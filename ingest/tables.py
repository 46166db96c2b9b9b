"""Data tables, as every reader finds them: caption, header rows, body rows of cells, footnotes.

A reader hands over a `RawTable` (cell texts as the source has them); `is_data_table` decides by
structure whether it is a table of data or layout set in rows (a checklist of sentences with
"Yes No" boxes, a one-column box, a page grid). A data table is laid into the document text as one
block, one line per row and " | " between cells, so every cell is a span of the document text like
any sentence, and each body row becomes a chunk of its own (ingest/chunking.py): citable, found by
its caption and column headers, shown as a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Span = tuple[int, int]
CELL_SEPARATOR = " | "
_SPACES = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]")

# What sets a data table apart from layout in rows: a grid of two or more columns of values (a name, a
# dose, a factor), not a column of sentences. On the shipped guidelines the conversion table's cells are
# ≤ 32 characters; the checklists' first column is sentences ("A. Facility has written policies…"),
# beside "Yes No" boxes.
MIN_COLUMNS = 2
MIN_ROWS = 2
MAX_CELL = 300
SENTENCE_WORDS = 8
SENTENCE_CHARS = 100


def cell_text(text: str | None) -> str:
    """A cell's text on one line: layout whitespace collapsed; the separator cannot occur inside a cell."""
    return _SPACES.sub(" ", (text or "").replace("|", "/")).strip()


def spread(cells: list[tuple[str, str | None]], header: bool) -> list[str]:
    """A markup row's (text, colspan) cells, one per column: a header cell spanning columns heads each of
    them, a body cell spanning columns fills the first (the rest are empty, not repeats of a value)."""
    out: list[str] = []
    for text, colspan in cells:
        try:
            span = max(1, min(int(colspan or 1), 50))
        except ValueError:
            span = 1
        out += [text] * span if header else [text] + [""] * (span - 1)
    return out


@dataclass(slots=True)
class RawTable:
    """A table as a reader found it, before it is placed in the document text."""

    caption: str | None
    header: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    def cleaned(self) -> RawTable:
        rows = [[cell_text(c) for c in row] for row in self.rows]
        header = [[cell_text(c) for c in row] for row in self.header]
        return RawTable(
            cell_text(self.caption) or None,
            [row for row in header if any(row)],
            [row for row in rows if any(row)],
            [note for note in map(cell_text, self.footnotes) if note],
        )


def is_data_table(table: RawTable) -> bool:
    """Rows of short values in two or more columns; anything else is prose laid out in a grid."""
    rows = table.rows
    if len(rows) < MIN_ROWS:
        return False
    filled = [row for row in rows if sum(bool(c) for c in row) >= MIN_COLUMNS]
    if len(filled) < max(MIN_ROWS, len(rows) // 2):
        return False
    cells = [c for row in rows for c in row if c]
    if not cells or not any(_LETTERS.search(c) for c in cells):
        return False
    if max(map(len, cells)) > MAX_CELL:
        return False
    return not any(_mostly_sentences(column) for column in zip(*(row + [""] * (_width(rows) - len(row)) for row in rows)))


def _width(rows: list[list[str]]) -> int:
    return max(map(len, rows))


def _is_sentence(cell: str) -> bool:
    return len(cell) >= SENTENCE_CHARS or len(cell.split()) >= SENTENCE_WORDS and cell.rstrip().endswith((".", ";", ":"))


def _mostly_sentences(column: tuple[str, ...]) -> bool:
    filled = [c for c in column if c]
    return bool(filled) and sum(map(_is_sentence, filled)) * 2 > len(filled)


@dataclass(frozen=True, slots=True)
class Table:
    """A data table placed in its document's text: every part is a span of `Document.text`."""

    number: int  # 1, 2, … in document order
    caption: str | None
    caption_span: Span | None
    header: tuple[tuple[Span, ...], ...]
    rows: tuple[tuple[Span, ...], ...]
    footnotes: tuple[Span, ...]
    page: int | None
    start: int
    end: int

    def row_span(self, row: int) -> Span:
        cells = self.rows[row]
        return cells[0][0], cells[-1][1]

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "caption": self.caption,
            "caption_span": self.caption_span,
            "header": self.header,
            "rows": self.rows,
            "footnotes": self.footnotes,
            "page": self.page,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_json(cls, data: dict) -> Table:
        spans = lambda rows: tuple(tuple(tuple(c) for c in row) for row in rows)  # noqa: E731
        caption_span = data.get("caption_span")
        return cls(
            data["number"],
            data.get("caption"),
            tuple(caption_span) if caption_span else None,
            spans(data["header"]),
            spans(data["rows"]),
            tuple(tuple(s) for s in data["footnotes"]),
            data.get("page"),
            data["start"],
            data["end"],
        )


def lay_out(table: RawTable, offset: int) -> tuple[str, dict]:
    """The block text of a table starting at `offset` in the document text, and its parts' spans there:
    the caption line, one line per header and body row (cells joined by CELL_SEPARATOR), the footnotes."""
    lines: list[str] = []
    position = offset
    spans: dict = {"caption": None, "header": [], "rows": [], "footnotes": []}

    def line(cells: list[str]) -> list[Span]:
        """One line of the non-empty cells joined; an empty cell is a zero-width span where it would be, so
        columns stay in place and no line starts or ends in a separator."""
        nonlocal position
        found: list[Span] = []
        written: list[str] = []
        for cell in cells:
            if cell and written:
                position += len(CELL_SEPARATOR)
            found.append((position, position + len(cell)))
            position += len(cell)
            written += [cell] if cell else []
        lines.append(CELL_SEPARATOR.join(written))
        position += 1  # the line break
        return found

    width = max(len(row) for row in table.header + table.rows)
    pad = lambda row: row + [""] * (width - len(row))  # noqa: E731 - every row as wide as the table
    if table.caption:
        spans["caption"] = line([table.caption])[0]
    spans["header"] = [line(pad(row)) for row in table.header]
    spans["rows"] = [line(pad(row)) for row in table.rows]
    spans["footnotes"] = [line([note])[0] for note in table.footnotes]
    return "\n".join(lines), spans


def row_context(caption: str | None, header: list[list[str]], cells: list[str]) -> str:
    """How a row reads to search and to the model: its caption, then each cell under its column's header
    ("Opioid: Methadone; Conversion factor*: 4.7"), so a row holding only a name and a number is found by
    the words of the question that its caption and headers hold."""
    names = [" ".join(filter(None, column)) for column in zip(*header)] if header else []
    parts = [f"{names[i]}: {cell}" if i < len(names) and names[i] else cell for i, cell in enumerate(cells) if cell]
    row = "; ".join(parts)
    return f"{caption}. {row}" if caption else row
