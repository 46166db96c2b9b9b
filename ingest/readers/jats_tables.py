"""JATS `<table-wrap>`: a table's label and caption, header and body rows, and its footnotes, taken out
of the article before floats are dropped, each replaced by a marker element where its paragraph ends."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ingest.tables import RawTable, spread

MARKER = "medcite-table"
Text = Callable[[etree._Element | None], str]  # the reader's own: an element's text with citation marks removed


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _cells(row: etree._Element, header: bool, _text: Text) -> list[str]:
    return spread([(_text(c), c.get("colspan")) for c in row if _local(c.tag) in ("td", "th")], header)


def raw_table(wrap: etree._Element, _text: Text) -> RawTable:
    label, caption = _text(wrap.find("label")), _text(wrap.find("caption"))
    title = f"{label}. {caption}" if label and caption else label or caption or None
    raw = RawTable(title)
    for row in wrap.iter("tr"):
        part = next((_local(a.tag) for a in row.iterancestors() if _local(a.tag) in ("thead", "tbody", "tfoot")), None)
        cells = [c for c in row if _local(c.tag) in ("td", "th")]
        if part == "thead" or (not raw.rows and cells and all(_local(c.tag) == "th" for c in cells)):
            raw.header.append(_cells(row, True, _text))
        elif part == "tfoot":
            raw.footnotes.append(_text(row))
        else:
            raw.rows.append(_cells(row, False, _text))
    raw.footnotes += [_text(fn) for fn in wrap.iter("fn")]
    return raw


def take_tables(root: etree._Element, text: Text) -> list[RawTable]:
    """Every table-wrap, in document order, replaced by a marker; a table inside a paragraph is marked
    after that paragraph, so the paragraph's text never holds its cells."""
    found: list[RawTable] = []
    for wrap in list(root.iter("table-wrap")):
        parent = wrap.getparent()
        if parent is None:
            continue
        marker = etree.Element(MARKER, n=str(len(found)))
        found.append(raw_table(wrap, text))
        host = wrap
        while host.getparent() is not None and _local(host.getparent().tag) in ("p", "list-item", "list"):
            host = host.getparent()
        tail, wrap.tail = wrap.tail, None
        previous = wrap.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + (tail or "")
        else:
            parent.text = (parent.text or "") + (tail or "")
        parent.remove(wrap)
        if host is wrap:
            parent.insert(0 if previous is None else parent.index(previous) + 1, marker)
        else:
            host.addnext(marker)
    return found
