"""MedQuAD health-topic pages (NIH and CDC question/answer pairs) as documents."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ingest.manifest import ManifestEntry
from ingest.models import Document, IngestError, TextBuilder, clean_text

_ISSUERS = {
    "CancerGov": "National Cancer Institute (cancer.gov)",
    "MPlusHealthTopics": "MedlinePlus",
    "NIDDK": "National Institute of Diabetes and Digestive and Kidney Diseases",
    "NINDS": "National Institute of Neurological Disorders and Stroke",
    "NIHSeniorHealth": "NIHSeniorHealth",
    "NHLBI": "National Heart, Lung, and Blood Institute",
    "CDC": "Centers for Disease Control and Prevention",
}
# Most files use <Document source=…><Focus><QAPairs><QAPair><Question><Answer>; four NINDS files use
# an older lower-case schema (<doc corpus=…><doctitle-focus><qaPairs><pair><question><answer>).
_FOCUS = {"focus", "doctitle-focus"}
_PAIR = {"qapair", "pair"}
# Pseudo-bullets: "…lymphocytes.    - Leukemia may…" (a dash after a run of spaces or at a line start),
# " - " right after punctuation ("…nerve cells. - Neurofibrillary tangles…") or before a capital
# ("risk factors include - Smoking"). A " - " between lower-case words is an ordinary dash
# ("carcinoma - cancer in the outer part") and stays.
_BULLET = re.compile(r"(?:^|[ \t]{2,}|(?<=[.,;:!?])[ \t]+)-[ \t]+(?=\S)|[ \t]+-[ \t]+(?=[A-Z])")
# Four or more spaces inside a line is page layout: a paragraph break that lost its newline.
_LAYOUT_BREAK = re.compile(r"[ \t]{4,}")


def _name(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _paragraphs(answer: str) -> list[str]:
    """Answer text as paragraphs: one per source line, and one per pseudo-bullet within a line."""
    paragraphs: list[str] = []
    for line in answer.splitlines():
        for piece in (p for chunk in _BULLET.split(line.strip()) for p in _LAYOUT_BREAK.split(chunk)):
            piece = clean_text(piece)
            if piece:
                paragraphs.append(piece)
    return paragraphs


def _question(text: str) -> str:
    # MedQuAD's templated questions end in " ?" and sometimes "? ?".
    text = clean_text(text)
    return re.sub(r"\s*\?(\s*\?)*$", "?", text)


def read_medquad(path: Path, entry: ManifestEntry) -> list[Document]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"not well-formed XML: {exc}") from None
    pairs = [e for e in root.iter() if _name(e) in _PAIR]
    # The root is <Document>, <doc> or (once, in the CDC set) <DiseaseFile>; the pairs are what count.
    if not pairs and not any(_name(e) == "qapairs" for e in root.iter()):
        raise IngestError(f"not a MedQuAD document (no QAPairs under <{root.tag}>)")

    focus = next((clean_text("".join(e.itertext())) for e in root.iter() if _name(e) in _FOCUS), "")
    code = (root.get("source") or root.get("corpus") or "").strip()
    url = (root.get("url") or "").strip() or entry.url

    builder = TextBuilder()
    for pair in pairs:
        question = next((_question("".join(e.itertext())) for e in pair if _name(e) == "question"), "")
        answer = next(("".join(e.itertext()) for e in pair if _name(e) == "answer"), "")
        paragraphs = _paragraphs(answer)
        if not paragraphs:
            continue  # an unanswered pair carries nothing to retrieve
        # One block per pair: the paragraphs stay apart ("\n\n") so the sentence splitter sees each bullet.
        builder.add("\n\n".join(paragraphs), section=question or None)
    if not builder:
        raise IngestError("no answers in MedQuAD document")
    return [
        Document(
            doc_id=entry.path,
            kind=entry.kind,
            text=builder.text,
            blocks=builder.blocks,
            locator=url or entry.path,
            path=entry.path,
            source_id=entry.id,
            title=focus or entry.title,
            source=_ISSUERS.get(code, code) or entry.issuer,
            year=entry.year,
            url=url,
        )
    ]
