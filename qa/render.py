"""Render one Answer (../shared/answer-format.md) as terminal Markdown or as an HTML fragment.

Both renderers are pure and read the same model, so the CLI and the web page never disagree
on what a clinician sees. Everything taken from a document is untrusted: in Markdown it is
flattened to one line and stripped of control characters (ANSI escapes could rewrite the
terminal); in HTML it is always escaped, and only http(s) URLs ever become links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from html import escape
from urllib.parse import quote

from qa.models import Answer, CitedPage, Reference, ResearchSection, Statement

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_KIND_LABELS = (("guideline", "Guideline"), ("research", "Research"), ("reference", "Reference"))
_STATUS_LABELS = {
    "submitted": "Submitted",
    "under_review": "Under Review",
    "approved": "Approved",
    "rejected": "Rejected",
}
_ABSTAIN = "The index has no sufficiently relevant evidence to answer this question."
_NO_GUIDELINE = "No guideline in the index answers this question."
_NO_RESEARCH = "No research in the index answers this question."
_EVIDENCE_SHOWN, _EVIDENCE_CHARS = 5, 160
# C0, DEL and C1 controls; whitespace among them is collapsed to spaces before this runs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Strict on purpose: no whitespace or control characters that browsers strip before parsing.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f\"'<>`]+", re.IGNORECASE)
# The only locators a reader sees: anything else is a path in our data directory or an in-house id.
_PUBLIC_LOCATOR = re.compile(r"(?:PMID:|doi:)\S", re.IGNORECASE)


# ---------------------------------------------------------------- shared helpers


def _one_line(text: str) -> str:
    """Flatten document text so it cannot break the terminal layout or inject escape codes."""
    return _CONTROL.sub("", " ".join(text.split()))


def _date(updated_at: str) -> str:
    try:
        return datetime.fromisoformat(updated_at).date().isoformat()
    except ValueError:
        return updated_at[:10]  # best effort: still show what the store recorded


def _status(answer: Answer) -> str:
    return _STATUS_LABELS.get(answer.review.status, answer.review.status.replace("_", " ").title())


def _reference_groups(answer: Answer) -> list[tuple[str, list[Reference]]]:
    """Guideline, Research, Reference, in that order, skipping empty kinds; numbers kept as given."""
    groups = [(label, [r for r in answer.references if r.kind == kind]) for kind, label in _KIND_LABELS]
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


def _abstain_text(answer: Answer) -> str:
    notes = [n.strip() for n in (answer.guidelines.note, answer.research.note) if n and n.strip()]
    return " ".join(dict.fromkeys(notes)) or _ABSTAIN


def _excerpt(text: str) -> str:
    flat = _one_line(text)
    return flat if len(flat) <= _EVIDENCE_CHARS else flat[:_EVIDENCE_CHARS].rstrip() + "…"


def _has_statements(answer: Answer) -> bool:
    return bool(answer.guidelines.lead or answer.guidelines.points)


# ---------------------------------------------------------------- Markdown (terminal)


def _stop(s: Statement) -> str:
    """The full stop a graded statement's span ends before (it followed the grade label in the source)."""
    return "" if s.text.rstrip().endswith((".", "!", "?", ")", "]")) else "."


def _md_statement(s: Statement) -> str:
    parts = [_one_line(s.text)]
    if s.grade:
        parts.append(f"[{_one_line(s.grade)}]{_stop(s)}")
    if s.refs:
        parts.append(",".join(str(n).translate(_SUPERSCRIPT) for n in s.refs))
    return " ".join(parts)


def _md_bullets(statements: Iterable[Statement]) -> list[str]:
    return [f"- {_md_statement(s)}" for s in statements]


def _md_groups(section: ResearchSection, empty: str) -> list[str]:
    if not section.sections:
        return [_one_line(section.note or empty), ""]
    lines: list[str] = []
    for group in section.sections:
        lines += [f"#### {_one_line(group.heading)}", *_md_bullets(group.points), ""]
    return lines


def _md_guidelines(answer: Answer) -> list[str]:
    g = answer.guidelines
    if not _has_statements(answer):
        return [_one_line(g.note or _NO_GUIDELINE), ""]
    lines = [" ".join(_md_statement(s) for s in g.lead), ""] if g.lead else []
    return lines + ([*_md_bullets(g.points), ""] if g.points else [])


def _md_abstained(answer: Answer) -> list[str]:
    lines = [_one_line(_abstain_text(answer)), ""]
    if answer.evidence:
        lines.append("Closest passages (for an editor):")
        for ev in answer.evidence[:_EVIDENCE_SHOWN]:
            name = _one_line(ev.title or ev.doc_id)
            lines.append(f'- {name} ({_one_line(ev.locator)}): "{_excerpt(ev.text)}"')
        lines.append("")
    return lines


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


def to_markdown(answer: Answer) -> str:
    lines = [f"## {_one_line(answer.question)}"]
    if answer.understood_as.strip() != answer.question.strip():
        lines.append(f"_Understood as: {_one_line(answer.understood_as)}_")
    lines.append("")
    if answer.abstained:
        lines += _md_abstained(answer)
    else:
        lines += ["### From the Guidelines", "", *_md_guidelines(answer)]
        lines += ["### From the Research", "", *_md_groups(answer.research, _NO_RESEARCH)]
        if answer.reference_pages.sections:
            lines += ["### From Reference Pages", "", *_md_groups(answer.reference_pages, "")]
    if answer.references:
        lines += ["### References", ""]
        live = _live_statements(answer)
        for label, refs in _reference_groups(answer):
            lines += [f"**{label}**", *(_md_reference(r, live) for r in refs), ""]
    approval = f" {_one_line(_approval(answer))}" if _approval(answer) else ""
    lines.append(f"Review status: {_status(answer)}{approval} · Last updated: {_date(answer.review.updated_at)}")
    if answer.newer_evidence_available:
        lines.append(f"_{NEWER}_")
    lines.append(f"_{_one_line(answer.disclaimer)}_")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML (web page)


def _e(text: str) -> str:
    return escape(text, quote=True)


def _html_refs(refs: list[int], known: set[int]) -> str:
    # A number missing from the list would be a dangling link; show it, but not as an anchor.
    links = [
        f'<a href="#ref-{n}" class="ref" data-ref="{n}">{n}</a>' if n in known
        else f'<span class="ref">{n}</span>'
        for n in refs
    ]
    return f'<sup class="refs">{",".join(links)}</sup>' if links else ""


def _html_statement(s: Statement, known: set[int]) -> str:
    out = (
        f'<span class="statement" data-chunk-id="{_e(s.chunk_id)}" data-span="{s.span[0]},{s.span[1]}">'
        f"{_e(s.text)}</span>"
    )
    if s.grade:
        out += f' <span class="grade">[{_e(s.grade)}]</span>{_stop(s)}'
    refs = _html_refs(s.refs, known)
    return out + (f" {refs}" if refs else "")


def _html_list(statements: Iterable[Statement], known: set[int]) -> str:
    items = "".join(f"<li>{_html_statement(s, known)}</li>" for s in statements)
    return f"<ul>{items}</ul>" if items else ""


def _html_groups(section: ResearchSection, known: set[int], empty: str) -> str:
    if not section.sections:
        return f'<p class="note">{_e(section.note or empty)}</p>'
    return "".join(f"<h4>{_e(g.heading)}</h4>{_html_list(g.points, known)}" for g in section.sections)


def _html_guidelines(answer: Answer, known: set[int]) -> str:
    g = answer.guidelines
    if not _has_statements(answer):
        return f'<p class="note">{_e(g.note or _NO_GUIDELINE)}</p>'
    lead = " ".join(_html_statement(s, known) for s in g.lead)
    return (f'<p class="lead">{lead}</p>' if lead else "") + _html_list(g.points, known)


def _html_abstained(answer: Answer) -> str:
    out = f'<p class="abstained">{_e(_abstain_text(answer))}</p>'
    if not answer.evidence:
        return out
    items = "".join(
        f'<li><cite>{_e(ev.title or ev.doc_id)}</cite> ({_e(ev.locator)}): '
        f'<q data-chunk-id="{_e(ev.chunk_id)}">{_e(_excerpt(ev.text))}</q></li>'
        for ev in answer.evidence[:_EVIDENCE_SHOWN]
    )
    return out + f'<p>Closest passages (for an editor):</p><ul class="evidence">{items}</ul>'


def _html_page(ref: Reference, page: int, cited: CitedPage | None, pdf: str | None) -> str:
    """A PDF with a public URL opens at the page; otherwise the page opens its cited passage here."""
    if pdf:
        return (f'<a href="{_e(pdf)}#page={page}" class="page" rel="noopener noreferrer" target="_blank">'
                f"{page}</a>")
    if cited is None:
        return f'<span class="page">{page}</span>'
    span = f"{cited.span[0]},{cited.span[1]}"
    href = f"/chunks/{quote(cited.chunk_id, safe='')}?span={span}"
    return (f'<a href="{_e(href)}" class="page" data-ref="{ref.number}" data-chunk-id="{_e(cited.chunk_id)}" '
            f'data-span="{span}">{page}</a>')


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


NEWER = "Newer evidence is available: the index has changed since this answer was approved."


def _approval(answer: Answer) -> str:
    review = answer.review
    if review.status != "approved" or not review.approved_by:
        return ""
    return f"by {review.approved_by} on {_date(review.approved_at or review.updated_at)}"


def _html_footer(answer: Answer) -> str:
    day = _e(_date(answer.review.updated_at))
    newer = f'<p class="newer"><strong>{_e(NEWER)}</strong></p>' if answer.newer_evidence_available else ""
    return (
        f'<footer><p class="review">Review status: <span class="status">{_e(_status(answer))}</span>'
        f'{" " + _e(_approval(answer)) if _approval(answer) else ""} · Last updated: <time datetime="{day}">{day}</time></p>{newer}'
        f'<p class="disclaimer"><em>{_e(answer.disclaimer)}</em></p></footer>'
    )


def to_html(answer: Answer) -> str:
    known = {r.number for r in answer.references}
    parts = ['<article class="answer">', f"<h2>{_e(answer.question)}</h2>"]
    if answer.understood_as.strip() != answer.question.strip():
        parts.append(f'<p class="understood-as"><em>Understood as: {_e(answer.understood_as)}</em></p>')
    if answer.abstained:
        parts.append(_html_abstained(answer))
    else:
        guidelines = _html_guidelines(answer, known)
        research = _html_groups(answer.research, known, _NO_RESEARCH)
        parts.append(f'<section class="guidelines"><h3>From the Guidelines</h3>{guidelines}</section>')
        parts.append(f'<section class="research"><h3>From the Research</h3>{research}</section>')
        if answer.reference_pages.sections:
            pages = _html_groups(answer.reference_pages, known, "")
            parts.append(f'<section class="reference-pages"><h3>From Reference Pages</h3>{pages}</section>')
    parts += [_html_references(answer), _html_footer(answer), "</article>"]
    return "\n".join(p for p in parts if p)
