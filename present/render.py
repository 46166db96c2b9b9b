"""Render one Answer (../shared/answer-format.md) as terminal Markdown or as an HTML fragment.

Both renderers are pure and read the same model, so the CLI and the web page never disagree
on what a clinician sees. Everything taken from a document is untrusted: in Markdown it is
flattened to one line and stripped of control characters (ANSI escapes could rewrite the
terminal); in HTML it is always escaped, and only http(s) URLs ever become links.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from present.references import (
    _e,
    _html_references,
    _live_statements,
    _md_reference,
    _one_line,
    _reference_groups,
)
from present.tables import html_table, markdown_table
from qa.models import Answer, ResearchSection, Statement

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
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


# ---------------------------------------------------------------- shared helpers


def _date(updated_at: str) -> str:
    try:
        return datetime.fromisoformat(updated_at).date().isoformat()
    except ValueError:
        return updated_at[:10]  # best effort: still show what the store recorded


def _status(answer: Answer) -> str:
    return _STATUS_LABELS.get(answer.review.status, answer.review.status.replace("_", " ").title())


def _abstain_text(answer: Answer) -> str:
    notes = [n.strip() for n in (answer.guidelines.note, answer.research.note) if n and n.strip()]
    return " ".join(dict.fromkeys(notes)) or _ABSTAIN


def _excerpt(text: str) -> str:
    flat = _one_line(text)
    return flat if len(flat) <= _EVIDENCE_CHARS else flat[:_EVIDENCE_CHARS].rstrip() + "…"


def _has_statements(answer: Answer) -> bool:
    return bool(answer.guidelines.lead or answer.guidelines.points or answer.guidelines.sections)


# ---------------------------------------------------------------- Markdown (terminal)


def _stop(s: Statement) -> str:
    """The full stop a graded statement's span ends before (it followed the grade label in the source)."""
    return "" if s.text.rstrip().endswith((".", "!", "?", ")", "]")) else "."


def _md_refs(s: Statement) -> str:
    return ",".join(str(n).translate(_SUPERSCRIPT) for n in s.refs)


def _md_statement(s: Statement) -> str:
    parts = [_one_line(s.text)]
    if s.grade:
        parts.append(f"[{_one_line(s.grade)}]{_stop(s)}")
    if s.refs:
        parts.append(_md_refs(s))
    if s.source_links:  # tables and figures the source shows as images: sent there, not read
        parts.append("(" + ", ".join(f"[{_one_line(link.label)} in the source]({link.href})" for link in s.source_links) + ")")
    return " ".join(parts)


def _md_bullets(statements: Iterable[Statement]) -> list[str]:
    """A research point ends with its study: "… ² — Randomised trial · n = 1,204 · 2019 · Journal"."""
    lines: list[str] = []
    for s in statements:
        study = _one_line(s.study.line) if s.study and s.study.line else ""
        if s.table:
            lines += ["", *markdown_table(s, _md_refs(s)), *([f"_{study}_"] if study else [])]
        else:
            lines.append(f"- {_md_statement(s)}" + (f" — {study}" if study else ""))
    return lines


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
    prose = [s for s in g.lead if not s.table]
    lines = [" ".join(_md_statement(s) for s in prose), ""] if prose else []
    lines += [line for s in g.lead if s.table for line in markdown_table(s, _md_refs(s))]
    lines += [*_md_bullets(g.points), ""] if g.points else []
    for group in g.sections:
        lines += [f"#### {_one_line(group.heading)}", *_md_bullets(group.points), ""]
    return lines


def _md_abstained(answer: Answer) -> list[str]:
    lines = [_one_line(_abstain_text(answer)), ""]
    if answer.evidence:
        lines.append("Closest passages (for an editor):")
        for ev in answer.evidence[:_EVIDENCE_SHOWN]:
            name = _one_line(ev.title or ev.doc_id)
            lines.append(f'- {name} ({_one_line(ev.locator)}): "{_excerpt(ev.text)}"')
        lines.append("")
    return lines


def to_markdown(answer: Answer) -> str:
    lines = [f"## {_one_line(answer.question)}"]
    if answer.follow_up_to:
        lines.append(f"_Follow-up to: {_one_line(answer.follow_up_to)}_")
    elif answer.understood_as.strip() != answer.question.strip():
        lines.append(f"_Understood as: {_one_line(answer.understood_as)}_")
    if answer.index_note:  # a partial index (a first build still embedding): said before the answer
        lines.append(f"**{_one_line(answer.index_note)}**")
    lines.append("")
    if answer.abstained:
        lines += _md_abstained(answer)
    else:
        pages = (
            ["### From Reference Pages", "", *_md_groups(answer.reference_pages, "")] if answer.reference_pages.sections else []
        )
        patient = answer.audience == "patient"  # plain-language reference pages come first for patients
        lines += pages if patient else []
        lines += ["### From the Guidelines", "", *_md_guidelines(answer)]
        lines += ["### From the Research", "", *_md_groups(answer.research, _NO_RESEARCH)]
        lines += [] if patient else pages
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


def _html_refs(refs: list[int], known: set[int]) -> str:
    # A number missing from the list would be a dangling link; show it, but not as an anchor.
    links = [
        f'<a href="#ref-{n}" class="ref" data-ref="{n}">{n}</a>' if n in known else f'<span class="ref">{n}</span>' for n in refs
    ]
    return f'<sup class="refs">{",".join(links)}</sup>' if links else ""


def _html_statement(s: Statement, known: set[int]) -> str:
    out = f'<span class="statement" data-chunk-id="{_e(s.chunk_id)}" data-span="{s.span[0]},{s.span[1]}">{_e(s.text)}</span>'
    if s.grade:
        out += f' <span class="grade">[{_e(s.grade)}]</span>{_stop(s)}'
    refs = _html_refs(s.refs, known)
    return out + (f" {refs}" if refs else "") + _html_source_links(s)


def _html_source_links(s: Statement) -> str:
    """Tables and figures the sentence names that the source shows only as images: a link to each there."""
    if not s.source_links:
        return ""
    links = ", ".join(
        f'<a class="source-image" href="{_e(link.href)}" rel="noopener noreferrer" target="_blank">'
        f"{_e(link.label)} in the source</a>"
        for link in s.source_links
    )
    return f' <span class="source-images">({links})</span>'


def _html_study(s: Statement) -> str:
    """A research point's study, on a line of its own under it; a predicted design says how it was found."""
    if not (s.study and s.study.line):
        return ""
    how = ""
    if s.study.status == "predicted":
        sure = f", confidence {s.study.confidence:.2f}" if s.study.confidence is not None else ""
        how = f' title="Design read from the abstract by the design model{sure}, not stated in the record"'
    return f'<span class="study"{how}>{_e(s.study.line)}</span>'


def _html_list(statements: Iterable[Statement], known: set[int]) -> str:
    items = "".join(
        f"<li>{html_table(s, _html_refs(s.refs, known)) if s.table else _html_statement(s, known)}{_html_study(s)}</li>"
        for s in statements
    )
    return f"<ul>{items}</ul>" if items else ""


def _html_groups(section: ResearchSection, known: set[int], empty: str) -> str:
    if not section.sections:
        return f'<p class="note">{_e(section.note or empty)}</p>'
    return "".join(f"<h4>{_e(g.heading)}</h4>{_html_list(g.points, known)}" for g in section.sections)


def _html_guidelines(answer: Answer, known: set[int]) -> str:
    g = answer.guidelines
    if not _has_statements(answer):
        return f'<p class="note">{_e(g.note or _NO_GUIDELINE)}</p>'
    lead = " ".join(_html_statement(s, known) for s in g.lead if not s.table)
    tables = "".join(
        html_table(s, _html_refs(s.refs, known)) for s in g.lead if s.table
    )  # a figure cannot sit inside a paragraph
    grouped = "".join(f"<h4>{_e(group.heading)}</h4>{_html_list(group.points, known)}" for group in g.sections)
    return (f'<p class="lead">{lead}</p>' if lead else "") + tables + _html_list(g.points, known) + grouped


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
        f'{" " + _e(_approval(answer)) if _approval(answer) else ""}'
        f' · Last updated: <time datetime="{day}">{day}</time></p>{newer}'
        f'<p class="disclaimer"><em>{_e(answer.disclaimer)}</em></p></footer>'
    )


def to_html(answer: Answer) -> str:
    known = {r.number for r in answer.references}
    audience = " patient" if answer.audience == "patient" else ""
    parts = [f'<article class="answer{audience}">', f"<h2>{_e(answer.question)}</h2>"]
    if answer.follow_up_to:  # the class is the page script's anchor for what it inserts after the question
        parts.append(f'<p class="understood-as"><em>Follow-up to: {_e(answer.follow_up_to)}</em></p>')
    elif answer.understood_as.strip() != answer.question.strip():
        parts.append(f'<p class="understood-as"><em>Understood as: {_e(answer.understood_as)}</em></p>')
    if answer.index_note:  # a partial index (a first build still embedding): said before the answer
        parts.append(f'<p class="index-note" role="note">{_e(answer.index_note)}</p>')
    if answer.abstained:
        parts.append(_html_abstained(answer))
    else:
        guidelines = _html_guidelines(answer, known)
        research = _html_groups(answer.research, known, _NO_RESEARCH)
        pages = []
        if answer.reference_pages.sections:
            grouped = _html_groups(answer.reference_pages, known, "")
            pages = [f'<section class="reference-pages"><h3>From Reference Pages</h3>{grouped}</section>']
        patient = answer.audience == "patient"  # plain-language reference pages come first for patients
        parts += pages if patient else []
        parts.append(f'<section class="guidelines"><h3>From the Guidelines</h3>{guidelines}</section>')
        parts.append(f'<section class="research"><h3>From the Research</h3>{research}</section>')
        parts += [] if patient else pages
    parts += [_html_references(answer), _html_footer(answer), "</article>"]
    return "\n".join(p for p in parts if p)
