"""Tables in a PDF, read from the layout of the words on the page (pdfplumber) under a "Table" caption.

pypdf reads a page's text in reading order but not where each word sits, so a table comes out as one
run of names and numbers. pdfplumber gives every word's box. Guidelines caption their data tables
("TABLE. Morphine milligram equivalent doses…", "Table 2. Recommended doses…"), and set them with or
without ruling lines, often in one column of a two-column page; so a table is read from the words
below its caption, in the caption's column: lines by their vertical overlap, cells by the gaps
between words, columns by the header's cells. Only pages whose text holds a caption are opened
(finding tables on every page would cost seconds per hundred pages). What
`ingest/tables.is_data_table` rejects stays prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from ingest.tables import RawTable

CAPTION = re.compile(r"^\s*(?:TABLE|Table)\s*(?:[A-Z]?\d+[A-Za-z]?)?\s*[.:—–-]\s*\S")
_FOOTNOTE = re.compile(r"^\s*(?:[*†‡§¶#]|\w\s|sources?\b|abbreviations?\b|notes?\b|adapted from\b)", re.I)


@dataclass(slots=True)
class _Segment:
    """Words of one line that run together: a cell, a caption line or a stretch of prose."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float = 0.0


def _lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into lines by vertical overlap (a superscript "†" sits a little higher than its word)."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        for line in reversed(lines[-3:]):
            top, bottom = line[0]["top"], line[0]["bottom"]  # the line's first word: lines never grow into the next
            overlap = min(bottom, word["bottom"]) - max(top, word["top"])
            if overlap >= 0.5 * min(bottom - top, word["bottom"] - word["top"]):
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _segments(line: list[dict]) -> list[_Segment]:
    """A line cut where the gap between two words is wider than a character or two: cells, or columns."""
    found: list[_Segment] = []
    for word in line:
        size = float(word.get("size") or 8.0)
        if found and word["x0"] - found[-1].x1 <= max(6.0, size):
            last = found[-1]
            joiner = "" if word["x0"] - last.x1 < 0.5 else " "
            found[-1] = _Segment(
                last.x0,
                word["x1"],
                min(last.top, word["top"]),
                max(last.bottom, word["bottom"]),
                last.text + joiner + word["text"],
                max(last.size, size),
            )
        else:
            found.append(_Segment(word["x0"], word["x1"], word["top"], word["bottom"], word["text"], size))
    return found


def _fit(column: _Segment, segment: _Segment) -> float:
    """How well a segment sits under a header cell: their overlap, or minus the distance between their centres."""
    overlap = min(column.x1, segment.x1) - max(column.x0, segment.x0)
    return overlap if overlap > 0 else -abs((column.x0 + column.x1) / 2 - (segment.x0 + segment.x1) / 2)


def _columns(header: list[_Segment], row: list[_Segment]) -> list[str]:
    """A row's segments placed under the header cells whose extent they overlap most (or lie nearest)."""
    cells = [""] * len(header)
    for segment in row:
        fits = [_fit(column, segment) for column in header]
        best = max(range(len(header)), key=fits.__getitem__)
        cells[best] = f"{cells[best]} {segment.text}".strip()
    return cells


def _table_below(caption: _Segment, words: list[dict], right: float) -> RawTable | None:
    """The caption's table: caption lines, a header, the rows, then its notes, in the caption's column."""
    inside = [w for w in words if w["x0"] >= caption.x0 - 2 and w["x1"] <= right and w["top"] >= caption.top - 1]
    column = [_segments(line) for line in _lines(inside)]
    if not column:
        return None
    captions, rest = [column[0]], column[1:]
    while rest and len(rest[0]) == 1 and not _FOOTNOTE.match(rest[0][0].text) and len(captions) < 4:
        captions.append(rest.pop(0))
    if not rest or len(rest[0]) < 2:
        return None
    header, body = rest[0], rest[1:]
    table = RawTable(" ".join(s.text for line in captions for s in line), [[s.text for s in header]])
    height = header[0].bottom - header[0].top
    previous = header[0].bottom
    for i, line in enumerate(body):
        if line[0].top - previous > 2.5 * height:
            break  # the table has ended and the column goes on with prose
        single = len(line) == 1
        if single and (_FOOTNOTE.match(line[0].text) or i + 1 >= len(body) or len(body[i + 1]) == 1):
            _notes(table, body[i:], height, max(s.size for s in header))
            break
        table.rows.append(_columns(header, line))
        previous = line[-1].bottom
    return table


def _notes(table: RawTable, lines: list[list[_Segment]], height: float, size: float) -> None:
    """The notes under a table: each opens with a mark or a label ("*", "Sources:"), the rest continue it.
    They are set no larger than the table (`size`); larger text below them is the page's prose again."""
    previous = lines[0][0].top
    for line in lines:
        text = " ".join(s.text for s in line)
        if line[0].top - previous > 2.5 * height or max(s.size for s in line) > size + 0.5:
            break
        if _FOOTNOTE.match(text) or not table.footnotes:
            table.footnotes.append(text)
        else:
            table.footnotes[-1] += " " + text
        previous = line[0].bottom


def _page_tables(page) -> list[RawTable]:
    words = page.extract_words(extra_attrs=["size"])
    lines = [_segments(line) for line in _lines(words)]
    found: list[RawTable] = []
    for line in lines:
        for i, segment in enumerate(line):
            if not CAPTION.match(segment.text):
                continue
            # The column ends where the next column's text starts on the caption's line, else at the page edge.
            right = line[i + 1].x0 - 1 if i + 1 < len(line) else float(page.width)
            table = _table_below(segment, words, right)
            if table is not None:
                found.append(table)
    return found


def read_tables(path: Path, pages: list[int]) -> dict[int, list[RawTable]]:
    """Tables under captions on the given 1-based pages, page by page; a page pdfplumber cannot lay out
    yields none (its text is still read by pypdf)."""
    found: dict[int, list[RawTable]] = {}
    if not pages:
        return found
    try:
        with pdfplumber.open(path) as pdf:
            for number in pages:
                try:
                    found[number] = _page_tables(pdf.pages[number - 1])
                except Exception:  # noqa: BLE001 - a damaged page's layout is optional; its text is not
                    found[number] = []
    except Exception:  # noqa: BLE001 - pypdf has read the file; a layout reader failing costs only tables
        return {}
    return found
