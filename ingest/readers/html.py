"""CDC article pages (MMWR, Emerging Infectious Diseases, Preventing Chronic Disease) as documents.

The corpus spans four generations of CDC page layout: 2005-2008 table layouts in windows-1252 with
broken markup, the 2015 "syndicate" template, and the current Bootstrap templates. Rules below name the
furniture actually found in those pages; anything unrecognised falls through as text.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag, XMLParsedAsHTMLWarning

from ingest.manifest import ManifestEntry
from ingest.models import Document, IngestError, TextBuilder, clean_text
from ingest.readers.html_chrome import END_MATTER, JUNK_BLOCK, content_root, is_byline, strip_chrome
from ingest.readers.html_images import image_labels
from ingest.readers.html_meta import (
    attribute,
    decode_html,
    fix_mojibake,
    inline_text,
    journal_of,
    meta_tags,
    node_string,
    title_of,
    year_of,
)
from ingest.readers.html_tables import MARKER, take_tables
from ingest.tables import RawTable

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_PSEUDO_LEVEL = 7  # old MMWR subheadings are bold paragraphs; they rank below every real heading
_BLOCKS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "section",
    "article",
    "main",
    "center",
    "pre",
    "hr",
    "td",
    "th",
    "tr",
    "body",
}
# Never article prose: page chrome, widgets, and figures/tables (debris for sentence retrieval).
_BROKEN_HEADING = re.compile(r"h<+(?:h([1-6]))?")  # "<H<H4>" parses as an element named "h<h4"


def _label(text: str, limit: int = 80) -> str:
    text = clean_text(text).rstrip(" :.")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _bold_only(p: Tag) -> str | None:
    """The text of a short paragraph that is entirely bold (a heading in all but tag), else None."""
    text = inline_text(p)
    if not text or len(text) > 120 or text.endswith(".") or p.find(list(_BLOCKS - {"p"})):
        return None
    bold = "".join(b.get_text() for b in p.find_all(["b", "strong"]) if not b.find_parent(["b", "strong"]))
    return text if re.sub(r"\s+", "", bold) == re.sub(r"\s+", "", p.get_text()) else None


def _bold_lead(p: Tag) -> tuple[str, list[PageElement]] | None:
    """A paragraph opening with a bold run and a line break (PCD abstracts): (the run, the rest)."""
    nodes = [n for n in p.children if not (isinstance(n, NavigableString) and not n.strip())]
    if (
        len(nodes) > 2
        and isinstance(nodes[0], Tag)
        and nodes[0].name in ("b", "strong")
        and isinstance(nodes[1], Tag)
        and nodes[1].name == "br"
        and 0 < len(inline_text(nodes[0])) <= 80
    ):
        return inline_text(nodes[0]), nodes[2:]
    return None


def _is_box(tag: Tag) -> bool:
    """A container holding its own heading and text (MMWR's summary box): its heading ends with it.

    A wrapper around a lone heading (EID wraps each <h3> in a div) does not count.
    """
    children = [c for c in tag.children if isinstance(c, Tag)]
    for index, child in enumerate(children):
        if child.name in _HEADINGS:
            return any(c.name in ("p", "ul", "ol", "div") and c.get_text(strip=True) for c in children[index + 1 :])
    return False


class _Walker:
    """Emits one block per paragraph-like element, labelled with the nearest heading above it."""

    def __init__(self, builder: TextBuilder, title: str | None, tables: Sequence[RawTable] = ()) -> None:
        self.builder = builder
        self.tables = tables
        self.title = clean_text(title or "").casefold()
        self.section: str | None = None
        self.heading_label: str | None = None  # label of the last real (h1-h6) heading
        self.skip_level: int | None = None  # inside end matter opened by a heading of this level
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = clean_text(fix_mojibake("".join(self.buffer)))
        self.buffer = []
        if text and self.skip_level is None and not JUNK_BLOCK.fullmatch(text) and not is_byline(text):
            self.builder.add(text, section=self.section)

    def heading(self, text: str, level: int) -> None:
        if not text or JUNK_BLOCK.fullmatch(text) or is_byline(text):  # PCD sets authors as an <h4>
            return
        if self.skip_level is not None and level > self.skip_level:
            return
        self.skip_level = level if END_MATTER.fullmatch(text) else None
        # The article title as a label says nothing the document title does not.
        folded = text.casefold()
        is_title = folded == self.title or (len(folded) >= 40 and (folded in self.title or self.title in folded))
        label = None if is_title else _label(text)
        if level < _PSEUDO_LEVEL:
            self.section = self.heading_label = label
        elif self.heading_label and len(self.heading_label) <= 20 and label:
            self.section = _label(f"{self.heading_label}: {label}")  # "Abstract: Methods"
        else:
            self.section = label

    def visit(self, nodes: list[PageElement]) -> None:
        for child in nodes:
            if isinstance(child, NavigableString):
                self.buffer.append(node_string(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name in _HEADINGS:
                self.flush()
                self.heading(inline_text(child), _HEADINGS[child.name])
            elif child.name == MARKER:  # a data table is data even in end matter (a glossary's terms)
                self.flush()
                raw = self.tables[int(str(child["n"]))]  # str: bs4 types an attribute as possibly a list
                raw.caption = raw.caption or self.section  # untitled: its heading names it
                self.builder.add_table(raw, section=self.section)
            elif broken := _BROKEN_HEADING.fullmatch(child.name):
                self.broken_heading(child, int(broken.group(1) or 0))
            elif child.name == "br":
                self.buffer.append("\n")
            elif child.name == "p" and (label := _bold_only(child)):
                self.flush()
                self.heading(label, _PSEUDO_LEVEL)
            elif child.name == "p" and (lead := _bold_lead(child)):
                self.flush()
                self.heading(lead[0], _PSEUDO_LEVEL)
                self.visit(lead[1])
                self.flush()
            elif child.name in _BLOCKS:
                self.flush()
                before = (self.section, self.heading_label)
                self.visit(list(child.children))
                self.flush()
                if _is_box(child):
                    # Only the label is restored: MMWR puts table notes after its boxed References.
                    self.section, self.heading_label = before
            else:
                self.visit(list(child.children))

    def broken_heading(self, tag: Tag, level: int) -> None:
        """`<H<H4>Title</H4>` (rr5416a1) parses as an unclosed "h<h4" element wrapping the rest of the
        page: its inline lead is the heading, everything after it ordinary content."""
        children = list(tag.children)
        split = next(
            (i for i, c in enumerate(children) if isinstance(c, Tag) and (c.name in _BLOCKS or c.name in _HEADINGS)),
            len(children),
        )
        self.flush()
        if level:
            lead = "".join(c.get_text() if isinstance(c, Tag) else node_string(c) for c in children[:split])
            self.heading(clean_text(fix_mojibake(lead)), level)
            children = children[split:]
        self.visit(children)


def read_html(path: Path, entry: ManifestEntry) -> list[Document]:
    with warnings.catch_warnings():
        # XHTML (an XML declaration, then HTML) is read as the HTML it is; bs4 warns it looks like XML.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(decode_html(path.read_bytes()), "lxml")
    meta = meta_tags(soup)
    # Metadata first: stripping the chrome below removes datelines the year may come from.
    title = title_of(soup, meta) or entry.title
    journal = journal_of(soup, meta) or entry.issuer
    year = year_of(soup, meta) or entry.year
    doi = meta.get("citation_doi")
    url = meta.get("og:url")
    if not url:
        canonical = soup.find("link", rel="canonical")
        href = (attribute(canonical, "href") or "") if canonical else ""
        url = href if href.startswith("http") else None  # EID's canonical link is site-relative
    root = content_root(soup)
    tables = take_tables(soup, root)
    images = image_labels(root)  # before the chrome goes: figures and their images are stripped with it
    strip_chrome(root)
    builder = TextBuilder()
    walker = _Walker(builder, title, tables)
    walker.visit([root])
    walker.flush()
    if not builder:
        raise IngestError("no article text found")
    doc_id = f"doi:{doi}" if doi else entry.path
    return [
        Document(
            doc_id=doc_id,
            kind=entry.kind,
            text=builder.text,
            blocks=builder.blocks,
            locator=doc_id,
            path=entry.path,
            source_id=entry.id,
            title=title,
            source=journal,
            year=year,
            url=url or entry.url,
            tables=builder.tables,
            images=images,
        )
    ]
