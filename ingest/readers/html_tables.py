"""HTML and XHTML `<table>` elements that hold data, taken out of the page before its layout is stripped.

Old pages lay the whole page out in tables, so only innermost tables are candidates, and only those
`ingest/tables.is_data_table` accepts by structure. Each is replaced by a marker element where it
stood, which the reader's walk turns into a table block at that place in the text.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from ingest.readers.html_meta import attribute, fix_mojibake
from ingest.tables import RawTable, is_data_table, spread

MARKER = "medcite-table"


def _cells(row: Tag, header: bool) -> list[str]:
    return spread(
        [(fix_mojibake(c.get_text(" ")), attribute(c, "colspan")) for c in row.find_all(["td", "th"], recursive=False)],
        header,
    )


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows (in thead, tbody, tfoot or directly under it), not those of a nested table."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


_TITLE_CHARS = 150


def _title_before(table: Tag) -> str | None:
    """An untitled table's title: the short line set just before it ("Terms and Abbreviations Used in This
    Report"), when that line reads as a title (no closing full stop), not the end of a paragraph."""
    before = table.find_previous(string=lambda s: bool(s and s.strip()))
    if before is None or before.parent is None:
        return None
    text = " ".join(fix_mojibake(before.parent.get_text(" ")).split())
    return text if text and len(text) <= _TITLE_CHARS and not text.endswith((".", ",", ";")) else None


def raw_table(table: Tag) -> RawTable:
    caption = table.find("caption")
    raw = RawTable(fix_mojibake(caption.get_text(" ")) if caption else _title_before(table))
    for tr in _rows(table):
        section = tr.find_parent(["thead", "tbody", "tfoot"])
        part = section.name if section is not None and section.find_parent("table") is table else None
        cells = tr.find_all(["td", "th"], recursive=False)
        if part == "tfoot":
            raw.footnotes.append(fix_mojibake(tr.get_text(" ")))
        elif part == "thead" or (not raw.rows and cells and all(c.name == "th" for c in cells)):
            raw.header.append(_cells(tr, header=True))
        else:
            raw.rows.append(_cells(tr, header=False))
    return raw


def take_tables(soup: BeautifulSoup, root: Tag) -> list[RawTable]:
    """The data tables under `root`, in document order, each replaced by a marker holding its index."""
    found: list[RawTable] = []
    for table in root.find_all("table"):
        if table.decomposed or table.find("table") is not None:
            continue
        raw = raw_table(table)
        if is_data_table(raw.cleaned()):
            table.replace_with(soup.new_tag(MARKER, attrs={"n": str(len(found))}))
            found.append(raw)
    return found


def keep_markers(table: Tag) -> None:
    """Remove a layout table but keep the data tables taken out of it, where it stood."""
    markers = [m.extract() for m in table.find_all(MARKER)]
    if markers:
        table.replace_with(*markers)
    else:
        table.decompose()
