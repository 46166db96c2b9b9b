"""What of a CDC page is not the article: navigation, share bars, CME blurbs, bylines and end matter.
The rules name the furniture actually found in the shipped pages' four generations of layout (ingest/readers/html.py)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from ingest.models import IngestError, clean_text
from ingest.readers.html_tables import keep_markers

_MARKER = re.compile(r"[\s*†‡§¶#‖,]*")  # a <sup> holding only footnote symbols
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "iframe",
    "svg",
    "img",
    "figure",
    "figcaption",
    "table",
    "map",
    "object",
    "embed",
    "dialog",
    "math",
]
# Class or id names (whole) of CDC page furniture.
_DROP_ATTR = re.compile(
    r"modal|right-col-info|no-syndicate|attachment-card|cme|onthispage\w*|social\w*|share\w*|breadcrumbs?|"
    r"dateline|title-bar|fourth-level-nav|tp-related-pages|section-nav-area|visual-element|footnote(-text)?|"
    r"references|articlereferences|author-affiliations|authors|affiliations?|topLinkStyle|psmall|smallgrey|"
    r"peerreviewed|featuretext|header|logoContainer|eidlogo|metrics|altmetric-embed|print-link|archivedbox|"
    r"plugin-legend|preFoot|cr|blockquote-indent|followup|tp-on-this-page|figure|liv|large-img|Author-Names|"
    r"Early-Release-Disclaimer|contribAff",
    re.IGNORECASE,
)
# Headings that open end matter: everything under one, up to the next heading of its level or higher, goes.
END_MATTER = re.compile(
    r"(references?|reference list|literature cited|acknowledge?ments?|footnotes?|author information|"
    r"about the authors?|author affiliations|suggested citation|cite this article|figures?|tables?|"
    r"post-test.*|article tools|navigate this article|on this page|related (pages|links|materials)|"
    r"file formats help.*|learning objectives|cme activity|medscape cme|disclosures?|conflicts? of interest|"
    r"article metrics|mmwr home|morbidity and mortality weekly report.*|glossary\b.*|.+ team|"
    r"(figures?|tables?|box(es)?)\b\s*\w{0,3}\s*[.:—-].*)\W*",
    re.IGNORECASE,
)
# One-paragraph furniture inside the article container: links, notices, bylines, affiliations.
JUNK_BLOCK = re.compile(
    r"(top|top of page|back to top|return to top|print|view suggested citation|cite this article|view larger|"
    r"peer reviewed|(page|date) last (reviewed|updated).*|content source.*|corresponding (author|preparer).*|"
    r"suggested citation for this article.*|\**\s*questions or messages regarding errors.*|disclaimer\b.*|"
    r"persons using assistive technology.*|use of trade names and commercial sources.*|"
    r"references to non-cdc sites.*|please note:.*|prepared by\b.*|doi: ?10\.\S+|"
    r"the material in this report originated.*|this report has been corrected.*|"
    r"on [a-z]+ \d{1,2}(, \d{4})?, this report was posted .*|.*conversion might result in character translation.*|"
    r".*\(view author affiliations\)|high-resolution jpg for print.*|"
    r"mmwr and morbidity and mortality weekly report are service marks.*|"
    r"1 ?[A-Z][^;]{3,300}(; ?\d+ ?[A-Z][^;]{3,300})+)\W*",  # "1Division of …, CDC; 2Westat Inc., …"
    re.IGNORECASE | re.DOTALL,
)
_BYLINE = re.compile(r"[A-Z][\w.'-]+( [A-Z][\w.'-]*)+,? (PhD|MD|MPH|MSc?|DrPH|RN|BA|MA|DDS|MBA|MSPH)\b")
_CME = re.compile(r"medscape cme|earning cme credit", re.IGNORECASE)


def content_root(soup: BeautifulSoup) -> Tag:
    def prose(tag: Tag) -> int:
        return sum(len(p.get_text()) for p in tag.find_all("p"))

    # Modern CDC pages mark the syndicated (article) part with class "syndicate".
    candidates = soup.find_all(class_=re.compile(r"^syndicate$")) or soup.find_all("main")
    if candidates:
        return max(candidates, key=prose)
    # Old table-layout pages: the layout cell holding the most paragraph text (broken markup can nest
    # paragraphs in junk elements, so climb from the best parent to its cell).
    scores: dict[int, tuple[int, Tag]] = {}
    for p in soup.find_all("p"):
        parent = p.parent
        assert parent is not None  # found in the document: a p always has a parent
        score = scores.get(id(parent), (0, parent))[0]
        scores[id(parent)] = (score + len(p.get_text()), parent)
    if not scores:
        raise IngestError("no article text found")
    best = max(scores.values(), key=lambda item: item[0])[1]
    return best if best.name in ("td", "th", "body") else best.find_parent(["td", "th", "body"]) or best


def strip_chrome(root: Tag) -> None:
    for tag in root.find_all(_DROP_TAGS):
        if tag.decomposed:
            continue
        if tag.name == "table":
            keep_markers(tag)  # the data tables taken out of it stay where they were (ingest/readers/html_tables.py)
        else:
            tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        if any(_DROP_ATTR.fullmatch(name) for name in [*(tag.get("class") or []), str(tag.get("id") or "")]):
            tag.decompose()
        elif tag.name == "sup" and (tag.find("a") or _MARKER.fullmatch(tag.get_text())):
            tag.decompose()  # footnote and citation markers, not exponents
    # EID wraps its Medscape CME activity (objectives, disclosures, post-test) in a plain div.
    for heading in root.find_all(list(_HEADINGS)):
        if not heading.decomposed and _CME.fullmatch(clean_text(heading.get_text(" "))):
            box = heading.find_parent("div")
            if box is not None and box is not root:
                box.decompose()


def is_byline(text: str) -> bool:
    return len(text) < 300 and not text.endswith(".") and bool(_BYLINE.match(text))
