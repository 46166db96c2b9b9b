"""PubMed Central full-text articles (JATS / NLM XML) as documents."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from ingest.manifest import ManifestEntry
from ingest.models import Document, IngestError, TextBuilder, clean_text
from ingest.readers.jats_tables import MARKER, take_tables
from ingest.tables import RawTable

# Floats and apparatus: tables and figures are debris for sentence retrieval, formulas are markup.
_DROP = {
    "table-wrap",
    "table-wrap-group",
    "fig",
    "fig-group",
    "disp-formula",
    "disp-formula-group",
    "chem-struct-wrap",
    "graphic",
    "media",
    "supplementary-material",
    "ref-list",
    "fn-group",
    "inline-graphic",
    "alternatives",
    "object-id",
    "label",
}
# Citation-like cross references whose text ("[12]", "Hites 2004", "*") is noise in a sentence.
_MARKER_XREFS = {"bibr", "fn", "table-fn", "aff", "corresp"}
# Containers whose children are blocks; their own title, if any, is not body text.
_CONTAINERS = {"list", "list-item", "boxed-text", "disp-quote", "statement", "def-list", "def-item", "app", "glossary"}
# BMC and PLoS keep declarations inside <body>; they are not article content.
_SKIP_TITLES = re.compile(
    r"(competing interests?|conflicts? of interest|authors'? contributions?|pre-publication history|"
    r"acknowledge?ments?|funding|abbreviations|supplementary (material|information|data)|"
    r"additional files?|supporting information)\W*$",
    re.IGNORECASE,
)
_SKIP_SEC_TYPES = {"supplementary-material", "COI-statement", "display-objects", "ack", "funding"}
_MARK = "\ue000"  # stands in for a dropped citation until the text is assembled
_SEP = r"[\s,;–—\-]"
# "[1]", "[1–3]", "(Hites 2004; Lema 2007)", "(e.g., [4])": a bracket holding only citations.
_BRACKETED = re.compile(
    rf"\s*[\[(](?:e\.g\.,?\s*|see\s+(?:also\s+)?|cf\.\s*|reviewed\s+in\s+)?{_SEP}*{_MARK}(?:{_SEP}|{_MARK})*[\])]"
)
_BARE = re.compile(rf"\s*{_MARK}(?:{_SEP}*{_MARK})*")
_PUB_TYPES = ("epub", "ppub", "pub", "epub-ppub")


def _local(tag: object) -> str:
    # Namespaced or odd nodes (comments, processing instructions) have non-string or {ns} tags.
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _remove(element: etree._Element) -> None:
    """Remove an element but keep its tail, the text that follows it in the parent."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _mark_citations(root: etree._Element) -> None:
    for xref in root.iter("xref"):
        if xref.get("ref-type") in _MARKER_XREFS:
            for child in list(xref):
                xref.remove(child)
            xref.text = _MARK


def _drop_floats(root: etree._Element) -> None:
    for element in list(root.iter()):
        if _local(element.tag) in _DROP and element.getparent() is not None:
            _remove(element)


def _clean(raw: str) -> str:
    """Assembled text with its citation marks gone, and the brackets and separators they leave."""
    return clean_text(_BARE.sub("", _BRACKETED.sub("", raw)).replace(_MARK, ""))


def _text(element: etree._Element | None) -> str:
    return _clean("".join(element.itertext())) if element is not None else ""


def _year(meta: etree._Element) -> int | None:
    dates = meta.findall("pub-date")
    preferred = [d for d in dates if d.get("pub-type") in _PUB_TYPES or d.get("date-type") == "pub"]
    for date in preferred + dates:
        year = (date.findtext("year") or "").strip()
        if re.fullmatch(r"\d{4}", year):
            return int(year)
    return None


class _Emitter:
    """Walks sections in document order, adding one block per paragraph to a TextBuilder."""

    def __init__(self, tables: Sequence[RawTable] = ()) -> None:
        self.builder = TextBuilder()
        self.tables = tables

    def blocks(self, container: etree._Element, label: str | None) -> None:
        """Every paragraph under `container`, labelled by the nearest section title."""
        for child in container:
            name = _local(child.tag)
            if name in ("title", "sec-meta", "caption", ""):
                continue
            if name == MARKER:  # a table-wrap taken out before floats were dropped (ingest/readers/jats_tables.py)
                self.builder.add_table(self.tables[int(child.get("n"))], section=label)
                continue
            if name == "sec":
                heading = _text(child.find("title"))
                if child.get("sec-type") in _SKIP_SEC_TYPES or _SKIP_TITLES.match(heading):
                    continue
                self.blocks(child, heading or label)
            elif name in _CONTAINERS:
                self.blocks(child, label)
            elif name == "p" and any(_local(c.tag) in ("list", "disp-quote", "boxed-text") for c in child):
                self.mixed(child, label)
            else:
                self.builder.add(_text(child), section=label)

    def mixed(self, paragraph: etree._Element, label: str | None) -> None:
        """A <p> that holds a list: its running text and each list item become separate blocks."""
        run = [paragraph.text or ""]
        for child in paragraph:
            if _local(child.tag) in ("list", "disp-quote", "boxed-text"):
                self.builder.add(_clean("".join(run)), section=label)
                run = []
                self.blocks(child, label)
            else:
                run.append("".join(child.itertext()))
            run.append(child.tail or "")
        self.builder.add(_clean("".join(run)), section=label)


def read_jats(path: Path, entry: ManifestEntry) -> list[Document]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"not well-formed XML: {exc}") from None
    if _local(root.tag) != "article":
        raise IngestError(f"not a JATS article (root element <{_local(root.tag) or root.tag}>)")
    # Namespaced JATS (rare in PMC dumps) is flattened so plain paths work.
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = etree.QName(element).localname
    _mark_citations(root)
    tables = take_tables(root, _text)  # before floats go: cells read like paragraphs, citation marks removed
    _drop_floats(root)

    meta = root.find("front/article-meta")
    if meta is None:
        raise IngestError("no <article-meta> in front matter")
    title = _text(meta.find("title-group/article-title")) or entry.title
    journal = _text(root.find("front/journal-meta//journal-title")) or entry.issuer
    ids = {a.get("pub-id-type"): (a.text or "").strip() for a in meta.findall("article-id")}
    pmid, doi = ids.get("pmid"), ids.get("doi")
    doc_id = f"PMID:{pmid}" if pmid else f"doi:{doi}" if doi else entry.path
    keywords = tuple(k for k in (_text(kwd) for kwd in meta.findall("kwd-group/kwd")) if k)
    # The article type and the publisher's heading ("Research Article", "Systematic Review") say what the
    # article is; keywords only what it is about.
    headings = (_text(s) for s in meta.findall("article-categories/subj-group[@subj-group-type='heading']/subject"))
    kind_of = tuple(t for t in (root.get("article-type") or "", *headings) if t)

    emitter = _Emitter(tables)
    for abstract in meta.findall("abstract"):
        # An untitled abstract is "Abstract"; PLoS adds a titled one ("Author Summary").
        label = _text(abstract.find("title")) or "Abstract"
        if abstract.find("sec") is None:
            emitter.blocks(abstract, label)
            continue
        for child in abstract:
            if _local(child.tag) == "sec":
                sub = _text(child.find("title"))
                emitter.blocks(child, f"{label}: {sub}" if sub else label)
            elif _local(child.tag) == "p":
                emitter.builder.add(_text(child), section=label)
    body = root.find("body")
    if body is not None:
        emitter.blocks(body, None)
    builder = emitter.builder
    if not builder:
        raise IngestError("no abstract or body text found")
    return [
        Document(
            doc_id=doc_id,
            kind=entry.kind,
            text=builder.text,
            blocks=builder.blocks,
            locator=doc_id,
            path=entry.path,
            source_id=entry.id,
            title=title or None,
            source=journal or None,
            year=_year(meta) or entry.year,
            url=entry.url or (f"https://doi.org/{doi}" if doi else None),
            mesh=keywords,
            tables=builder.tables,
            index_terms=kind_of,
        )
    ]
