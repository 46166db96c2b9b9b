"""Metadata of CDC article pages: decoding, title, journal, year; and the mojibake repair they need."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.dammit import EncodingDetector

from ingest.models import IngestError, clean_text

_JOURNALS = (
    ("Emerging Infectious Diseases", re.compile(r"Emerging Infectious Diseases?\b", re.I)),
    ("Preventing Chronic Disease", re.compile(r"Preventing Chronic Disease", re.I)),
    ("MMWR", re.compile(r"\bMMWR\b|Morbidity and Mortality Weekly Report", re.I)),
)
_TITLE_CHROME = [
    re.compile(r"\s+-\s+Volume\s+\d+,\s*Number\b.*$", re.I),  # EID: "… - Volume 18, Number 5—May 2012 - …"
    re.compile(r"\s*\|\s*MMWR\s*$", re.I),
    re.compile(r"\s+-\s+CDC\s*$"),
    re.compile(r"^(Preventing Chronic Disease|MMWR|Emerging Infectious Diseases?)\s*[|:]\s*", re.I),
]
_ISSUE_ID = re.compile(r"[A-Z][a-z]+ \d{4}: [\w.-]+")  # old PCD <title>: "…: January 2008: 06_0131"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_PAGE_DATES = [
    re.compile(r"Volume\s+\d+[^\n]{0,40}?\b" + _MONTH + r"\s+(?:\d{1,2},\s*)?((?:19|20)\d{2})\b"),
    re.compile(_MONTH + r"\s+\d{1,2},\s+((?:19|20)\d{2})\s*/\s*\d+\s*\("),  # MMWR: "December 16, 2022 / 71(50)"
]
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
# UTF-8 decoded as cp1252/Latin-1 and re-encoded ("â\x80\x94" for "—"): a lead byte and its continuations.
_CONT = (
    "[\x80-\xbf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018"
    "\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)
_MOJIBAKE = re.compile(f"[\xc2-\xdf]{_CONT}|[\xe0-\xef]{_CONT}{{2}}|[\xf0-\xf4]{_CONT}{{3}}")


def fix_mojibake(text: str) -> str:
    """Repair double-encoded UTF-8 (CDC's meta tags and some titles carry "â\x80\x94" for "—")."""

    def repair(match: re.Match[str]) -> str:
        raw = bytearray()
        for char in match.group(0):
            try:
                raw += char.encode("cp1252")
            except UnicodeEncodeError:
                raw += char.encode("latin-1")  # C1 controls, which cp1252 leaves unmapped
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return match.group(0)  # not mojibake after all: leave it

    return _MOJIBAKE.sub(repair, text)


def decode_html(raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise IngestError("binary data, not HTML")
    # The declared charset is the truth (old MMWR/PCD pages say windows-1252); undeclared means UTF-8.
    declared = EncodingDetector.find_declared_encoding(raw, is_html=True, search_entire_document=False)
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else declared or "utf-8"
    try:
        text = raw.decode(encoding)
    except LookupError:
        raise IngestError(f"unknown declared charset {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise IngestError(f"not valid {encoding.upper()} at byte {exc.start}") from None
    if not re.search(r"<\s*(!doctype\s+html|html|head|body|p|div|h[1-6])\b", text, re.IGNORECASE):
        raise IngestError("not an HTML document")
    return text


def node_string(node: PageElement) -> str:
    return str(node) if type(node) is NavigableString else ""  # not comments, doctypes, CDATA


def inline_text(tag: Tag) -> str:
    """Text of a heading-like element: inline markup joined without inventing spaces, <br> as one."""
    parts = [
        node_string(d) if isinstance(d, NavigableString) else " " if isinstance(d, Tag) and d.name == "br" else ""
        for d in tag.descendants
    ]
    return clean_text(fix_mojibake("".join(parts)))


def attribute(tag: Tag, name: str) -> str | None:
    """A single-valued attribute (bs4 types every attribute as possibly a list of values, but reads only
    class, rel and the other multi-valued attributes of HTML as lists)."""
    value = tag.get(name)
    assert not isinstance(value, list), f"{name} is a multi-valued attribute"
    return value


def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (attribute(tag, "name") or attribute(tag, "property") or "").strip().lower()
        value = clean_text(fix_mojibake(attribute(tag, "content") or ""))
        if key and value:
            found.setdefault(key, value)
    return found


def title_of(soup: BeautifulSoup, meta: dict[str, str]) -> str | None:
    def strip(title: str) -> str:
        for pattern in _TITLE_CHROME:
            title = pattern.sub("", title)
        return title.strip()

    for key in ("citation_title", "og:title", "dc.title"):
        if meta.get(key):  # EID's og:title holds markup ("<em>Staphylococcus</em>")
            return strip(BeautifulSoup(meta[key], "lxml").get_text()) or None
    tag = soup.find("title")
    # Old MMWR <title>s hold literal markup ("<I>Haemophilus</I>"), which <title> keeps as text.
    title = strip(clean_text(fix_mojibake(BeautifulSoup(tag.get_text(), "lxml").get_text()))) if tag else ""
    if title and not _ISSUE_ID.fullmatch(title):
        return title
    heading = soup.find("h1")
    if heading is None:
        return None
    for kicker in heading.find_all(class_="featuretext"):  # "ORIGINAL RESEARCH" above the title
        kicker.decompose()
    return inline_text(heading) or None


def journal_of(soup: BeautifulSoup, meta: dict[str, str]) -> str | None:
    if meta.get("citation_journal_title"):
        return meta["citation_journal_title"]
    # Only what the page says about itself: site name, <title>, MMWR's own meta fields.
    title = soup.find("title")
    evidence = [meta.get("og:site_name", ""), title.get_text(" ") if title else ""]
    evidence += ["MMWR" for key in meta if key.startswith("mmwr")]
    return next((name for name, pattern in _JOURNALS if any(pattern.search(e) for e in evidence)), None)


def year_of(soup: BeautifulSoup, meta: dict[str, str]) -> int | None:
    for key in ("citation_publication_date", "citation_date", "date", "year"):
        if match := _YEAR.search(meta.get(key, "")):
            return int(match.group(1))
    body_text = re.sub(r"\s+", " ", soup.body.get_text(" ")) if soup.body else ""
    for pattern in _PAGE_DATES:
        if match := pattern.search(body_text):
            return int(match.group(1))
    if match := _YEAR.search(meta.get("dc.date", "")):  # last-modified on CDC pages: a late resort
        return int(match.group(1))
    return None
