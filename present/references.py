"""The reference list under an answer: one entry per cited document, never one per passage, numbered as
the answer cites it and grouped Guideline, Research, Reference, with the pages that remaining statements
still cite (a removed statement's pages go with it), each opening the public PDF at `#page=N` or else the
cited passage here; a reader sees PMID/DOI locators and http(s) URLs, never a path inside our data
directory or an in-house id, and document text is always escaped (HTML) or flattened (Markdown)."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote

from qa.models import Answer, CitedPage, Reference

_KIND_LABELS = (("guideline", "Guideline"), ("research", "Research"), ("reference", "Reference"))
# C0, DEL and C1 controls; whitespace among them is collapsed to spaces before this runs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Strict on purpose: no whitespace or control characters that browsers strip before parsing.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f\"'<>`]+", re.IGNORECASE)
# The only locators a reader sees: anything else is a path in our data directory or an in-house id.
_PUBLIC_LOCATOR = re.compile(r"(?:PMID:|doi:)\S", re.IGNORECASE)


def _one_line(text: str) -> str:
    """Flatten document text so it cannot break the terminal layout or inject escape codes."""
    return _CONTROL.sub("", " ".join(text.split()))


def _e(text: str) -> str:
    return escape(text, quote=True)


def _reference_groups(answer: Answer) -> list[tuple[str, list[Reference]]]:
    """Guideline, Research, Reference, in that order (reference pages first for patients, as their answer
    shows them), skipping empty kinds; numbers kept as given."""
    order = _KIND_LABELS[-1:] + _KIND_LABELS[:-1] if answer.audience == "patient" else _KIND_LABELS
    groups = [(label, [r for r in answer.references if r.kind == kind]) for kind, label in order]
    return [(label, refs) for label, refs in groups if refs]


def _reference_meta(ref: Reference) -> str:
    """`Title — Source, 2022.` with missing parts dropped so no 'None' ever reaches a reader."""
    title = (ref.title or "").strip() or "Untitled"
    meta = ", ".join(p for p in ((ref.source or "").strip(), str(ref.year) if ref.year else "") if p)
    text = f"{title} — {meta}" if meta else title
    return text if text.endswith((".", "?", "!")) else text + "."


def _safe_url(url: str | None) -> str | None:
    return url if url and _SAFE_URL.fullmatch(url) else None


def _shown_locator(ref: Reference) -> str | None:
    """PMID and DOI locators as they are; a path (or any other in-house id) never reaches a reader."""
    locator = ref.locator.strip()
    return locator if _PUBLIC_LOCATOR.match(locator) and locator != ref.url else None


def _pdf_url(ref: Reference) -> str | None:
    """The document's public URL when it is a PDF, so a page can open at `#page=N` (an HTML page cannot)."""
    url = _safe_url(ref.url)
    if not url:
        return None
    base = url.split("#", 1)[0]
    return base if base.split("?", 1)[0].lower().endswith(".pdf") else None


def _live_statements(answer: Answer) -> set[tuple[int, str, int, int]]:
    return {(n, s.chunk_id, *s.span) for s in answer.statements() for n in s.refs}


def _cited_pages(ref: Reference, live: set[tuple[int, str, int, int]]) -> list[tuple[int, CitedPage | None]]:
    """The pages still cited (a removed statement's pages go with it), each with the passage it opens."""
    by_page = {c.page: c for c in ref.cited_pages}
    pages = []
    for page in ref.pages:
        cited = by_page.get(page)
        if cited is not None and cited.cited_by and not any((ref.number, *key) in live for key in cited.cited_by):
            continue
        pages.append((page, cited))
    return pages


def _pages_label(count: int) -> str:
    return "p." if count == 1 else "pp."


def _md_pages(ref: Reference, live: set[tuple[int, str, int, int]]) -> str:
    """`pp. 11, 26, 33`; each page a link to the PDF at that page when the document has a public .pdf URL."""
    pages = [page for page, _ in _cited_pages(ref, live)]
    if not pages:
        return ""
    pdf = _pdf_url(ref)
    shown = [f"[{page}]({_one_line(pdf)}#page={page})" if pdf else str(page) for page in pages]
    return f"{_pages_label(len(pages))} {', '.join(shown)}"


def _md_reference(ref: Reference, live: set[tuple[int, str, int, int]]) -> str:
    """Title, issuer, year, PMID/DOI, cited pages and public URL: never a path inside our data directory."""
    parts = [f"{ref.number}. {_one_line(_reference_meta(ref))}"]
    locator = _shown_locator(ref)
    if locator:
        parts.append(_one_line(locator))
    pages = _md_pages(ref, live)
    if pages:
        parts.append(pages)
    if ref.url:
        parts.append(_one_line(ref.url))
    return " ".join(parts)


def _html_page(ref: Reference, page: int, cited: CitedPage | None, pdf: str | None) -> str:
    """A PDF with a public URL opens at the page; otherwise the page opens its cited passage here."""
    if pdf:
        return f'<a href="{_e(pdf)}#page={page}" class="page" rel="noopener noreferrer" target="_blank">{page}</a>'
    if cited is None:
        return f'<span class="page">{page}</span>'
    span = f"{cited.span[0]},{cited.span[1]}"
    href = f"/chunks/{quote(cited.chunk_id, safe='')}?span={span}"
    return (
        f'<a href="{_e(href)}" class="page" data-ref="{ref.number}" data-chunk-id="{_e(cited.chunk_id)}" '
        f'data-span="{span}">{page}</a>'
    )


def _html_pages(ref: Reference, live: set[tuple[int, str, int, int]]) -> str:
    pages = _cited_pages(ref, live)
    if not pages:
        return ""
    pdf = _pdf_url(ref)
    links = ", ".join(_html_page(ref, page, cited, pdf) for page, cited in pages)
    return f' <span class="pages">{_pages_label(len(pages))} {links}</span>'


def _html_reference(ref: Reference, live: set[tuple[int, str, int, int]]) -> str:
    body = _e(_reference_meta(ref))
    locator = _shown_locator(ref)
    if locator:
        body += f' <span class="locator">{_e(locator)}</span>'
    body += _html_pages(ref, live)
    url = _safe_url(ref.url)
    if url:
        body += f' <a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(url)}</a>'
    elif ref.url:
        body += f' <span class="url">{_e(ref.url)}</span>'  # not http(s): shown, never followed
    return f'<li id="ref-{ref.number}" value="{ref.number}">{body}</li>'


def _html_references(answer: Answer) -> str:
    live = _live_statements(answer)
    groups = "".join(
        f'<h4>{label}</h4><ol class="references">{"".join(_html_reference(r, live) for r in refs)}</ol>'
        for label, refs in _reference_groups(answer)
    )
    return f'<section class="references"><h3>References</h3>{groups}</section>' if groups else ""
