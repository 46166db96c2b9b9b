"""Table statements rendered as tables: Markdown for the terminal, a scrolling HTML table for the page.

Like present/render.py, everything from a document is untrusted: flattened to one line in Markdown,
escaped in HTML. `refs` is the statement's reference marks as the caller renders them.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from present.references import _e, _one_line
from qa.models import Statement


def table_link(s: Statement) -> str:
    """Where the whole table of a table statement opens (GET /tables)."""
    assert s.table is not None
    return f"/tables?doc_id={quote(s.table.doc_id, safe='')}&number={s.table.number}"


def _md_cells(cells: Iterable[str]) -> str:
    return "| " + " | ".join(_one_line(c).replace("|", "/") for c in cells) + " |"


def markdown_table(s: Statement, refs: str) -> list[str]:
    """A table statement as a Markdown table: caption and reference, header, the answering rows."""
    table = s.table
    assert table is not None
    page = f" (p. {table.page})" if table.page else ""
    width = max(len(r.cells) for r in table.rows)
    header = table.header[-1] if table.header else [""] * width
    caption = _one_line(table.caption or "Table")
    caption = caption if caption.lower().startswith("table") else f"Table: {caption}"
    lines = [f"**{caption}**{page} {refs}", "", _md_cells(header), "|" + "---|" * len(header)]
    lines += [_md_cells(c.text for c in row.cells) for row in table.rows]
    return lines + [f"_{len(table.rows)} of {table.total_rows} rows · whole table: {table_link(s)}_", ""]


def html_table(s: Statement, refs: str) -> str:
    """A table statement as a real table: caption with its reference, header, the answering rows (each row
    opens its own passage), a link to the whole table. The table scrolls inside its box, never the page."""
    table = s.table
    assert table is not None
    page = f' <span class="page">p. {table.page}</span>' if table.page else ""
    caption = _e(table.caption or "Table")
    head = "".join("<tr>" + "".join(f'<th scope="col">{_e(c)}</th>' for c in row) + "</tr>" for row in table.header)
    body = "".join(
        f'<tr data-chunk-id="{_e(r.chunk_id)}" data-span="{r.cells[0].span[0]},{r.cells[-1].span[1]}">'
        + "".join(f"<td>{_e(c.text)}</td>" for c in r.cells)
        + "</tr>"
        for r in table.rows
    )
    return (
        # the caption stands for the statement: its reference opens the first answering row's passage
        f'<figure class="table-statement"><figcaption><span class="statement" data-chunk-id="{_e(s.chunk_id)}" '
        f'data-span="{s.span[0]},{s.span[1]}">{caption}</span>{page} {refs}</figcaption>'
        f'<div class="table-scroll" role="region" aria-label="{caption}" tabindex="0"><table>'
        + (f"<thead>{head}</thead>" if head else "")
        + f"<tbody>{body}</tbody></table></div>"
        f'<p class="whole-table"><a href="{_e(table_link(s))}">Show whole table ({table.total_rows} rows)</a></p></figure>'
    )
