"""Cuts a small real corpus out of the shared data: the first pages of a guideline PDF, some
abstracts, one JATS article, a guideline web page and a few MedQuAD reference pages."""

from __future__ import annotations

import shutil
from itertools import islice
from pathlib import Path

import pypdf

from ingest.catalog import scan
from ingest.manifest import write_manifest

OPIOID_PDF = "guidelines/cdc-opioid-prescribing-guideline-2022-rr7103a1.pdf"
# The first pages (summary, introduction) and the two pages listing the graded recommendations.
PDF_PAGES = [*range(8), 12, 13]
ABSTRACTS = 40
JATS = "research/pmc/pone.0000217.nxml"
GUIDELINE_HTML = "guidelines/mmwr_preview_mmwrhtml_mm5650a4.htm"
MEDQUAD = [
    "reference/1_CancerGov_QA/0000001_1.xml",
    "reference/4_MPlus_Health_Topics_QA/0000001.xml",
    "reference/6_NINDS_QA/0000007.xml",
]


def write_pdf_pages(source: Path, target: Path, pages: list[int]) -> None:
    reader = pypdf.PdfReader(source)
    writer = pypdf.PdfWriter()
    for number in pages:
        writer.add_page(reader.pages[number])
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items() if isinstance(v, str)})
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        writer.write(handle)


def make_mini_corpus(shared: Path, target: Path) -> Path:
    write_pdf_pages(shared / OPIOID_PDF, target / "guidelines" / "opioids-first-pages.pdf", PDF_PAGES)
    abstracts = target / "research" / "abstracts.jsonl"
    abstracts.parent.mkdir(parents=True, exist_ok=True)
    with (shared / "research" / "pubmedqa-abstracts.jsonl").open(encoding="utf-8") as handle:
        abstracts.write_text("".join(islice(handle, ABSTRACTS)), encoding="utf-8")
    for relative in [JATS, GUIDELINE_HTML, *MEDQUAD]:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared / relative, target / relative)
    entries, _ = scan(target, [])
    write_manifest(target / "manifest.jsonl", entries)
    return target
