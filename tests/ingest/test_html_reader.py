"""The HTML reader on the real shared corpus's web pages, an XHTML chapter, and the pages it must refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.catalog import SUFFIXES, format_for
from ingest.models import Document, IngestError
from ingest.readers.html import read_html
from tests.utils.documents import DATA, assert_spans, entry, only, sections

HTML_FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.glob("*/**/*.htm"))
NAV_WORDS = [
    "Top of Page",
    "Skip directly",
    "Exit Notification",
    "Back to top",
    "Cite This Article",
    "View suggested citation",
    "Page last reviewed",
    "On This Page",
    "Corresponding author",
]
MOJIBAKE = re.compile(r"Ã.|â€|â\x80|\ufffd")


def read_page(relative: str, kind: str = "research") -> Document:
    return only(read_html(DATA / relative, entry(relative, "html", kind)))


def test_modern_mmwr_page() -> None:
    doc = read_page("research/cdc-journals/mmwr_volumes_71_wr_mm7150a5.htm")
    # The page's own metadata is double-encoded UTF-8 ("â\x80\x94"); the reader repairs it.
    assert doc.title == (
        "Notes from the Field: Burkholderia pseudomallei Detected in a Raccoon Carcass Linked to a "
        "Multistate Aromatherapy-Associated Melioidosis Outbreak — Texas, 2022"
    )
    assert doc.source == "MMWR. Morbidity and Mortality Weekly Report"
    assert doc.year == 2022
    assert doc.doc_id == doc.locator == "doi:10.15585/mmwr.mm7150a5"
    assert doc.url == "https://www.cdc.gov/mmwr/volumes/71/wr/mm7150a5.htm"
    assert (
        "Burkholderia pseudomallei, the causative agent of melioidosis, is an environmental gram-negative bacterium" in doc.text
    )
    assert "This is the first reported presumed melioidosis case documented in a raccoon" in doc.text
    for word in NAV_WORDS:
        assert word not in doc.text
    assert "Nat Rev Dis Primers" not in doc.text  # reference list
    assert "Julia K. Petras" not in doc.text  # byline
    assert "Views equals page views" not in doc.text  # metrics widget
    assert_spans(doc)


def test_eid_page() -> None:
    doc = read_page("research/cdc-journals/eid_article_18_5_11-1111_article.htm")
    assert doc.title == "Novel Strain of Andes Virus Associated with Fatal Human Infection, Central Bolivia"
    assert doc.source == "Emerging Infectious Diseases"
    assert doc.year == 2012
    assert doc.doc_id == "doi:10.3201/eid1805.111111"
    assert "Hantaviruses (family Bunyaviridae, genus Hantavirus) are trisegmented negative-strand RNA viruses" in doc.text
    assert {"Abstract", "Serologic Analyses", "Discussion"} <= sections(doc)
    assert "Prospective evaluation of household contacts" not in doc.text  # references
    assert "Dr Cruz is a medical research technologist" not in doc.text  # author bio
    assert "Thumbnail of" not in doc.text and "Figure 1. " not in doc.text  # figure cards
    for word in NAV_WORDS:
        assert word not in doc.text
    assert_spans(doc)


def test_eid_cme_activity_is_not_article_text() -> None:
    doc = read_page("research/cdc-journals/eid_article_18_5_11-1275_article.htm")
    assert "Medscape" not in doc.text and "post-test" not in doc.text.lower()
    assert doc.text.startswith("We determined yearly change in prevalence and risk factors for amebic colitis")


def test_windows_1252_guideline_page_decodes() -> None:
    doc = read_page("guidelines/mmwr_preview_mmwrhtml_rr5416a1.htm", kind="guideline")
    assert not MOJIBAKE.search(doc.text) and not MOJIBAKE.search(doc.title or "")
    assert "Guillain-Barré syndrome" in doc.text  # é is byte 0xE9 in the windows-1252 file
    assert doc.title.startswith("A Comprehensive Immunization Strategy to Eliminate Transmission of Hepatitis B Virus")
    assert doc.source == "MMWR" and doc.year == 2005
    assert doc.doc_id == doc.locator == "guidelines/mmwr_preview_mmwrhtml_rr5416a1.htm"
    # Subheadings are bold paragraphs on these pages; they still label their text.
    assert {"Summary", "Prenatal HBsAg Testing", "Adverse Events"} <= sections(doc)
    for junk in ["Membership List", "Disclaimer", "Date last reviewed", "Return to top", "Glossary"]:
        assert junk not in doc.text


def test_old_pcd_page_takes_its_title_from_the_heading_not_the_title_tag() -> None:
    doc = read_page("research/cdc-journals/pcd_issues_2008_06_0131.htm")
    assert doc.title == (
        "Relationship Between Body Mass Index and Medical Care Expenditures for North Carolina "
        "Adolescents Enrolled in Medicaid in 2004"
    )
    assert doc.source == "Preventing Chronic Disease" and doc.year == 2008
    assert {"Abstract: Methods", "Methods", "Discussion"} <= sections(doc)


def test_manifest_values_are_only_fallbacks() -> None:
    relative = "research/cdc-journals/pcd_issues_2014_14_0289.htm"
    doc = only(
        read_html(
            DATA / relative,
            entry(relative, "html", title="Manifest title", issuer="X", year=1999, url="https://example.org/page"),
        )
    )
    assert doc.title.startswith("Importance of Nutrition Visits") and doc.source == "Preventing Chronic Disease"
    assert doc.year == 2014
    assert doc.url == "https://example.org/page"  # the page itself names no URL


@pytest.mark.parametrize("relative", HTML_FILES)
def test_every_corpus_page_is_clean_article_text(relative: str) -> None:
    doc = read_page(relative)
    assert doc.title and doc.source and doc.year
    assert not MOJIBAKE.search(doc.text) and not MOJIBAKE.search(doc.title)
    for word in NAV_WORDS:
        assert word not in doc.text
    assert_spans(doc)


def test_html_file_count() -> None:
    assert len(HTML_FILES) == 25


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"<html><body><p>Caf\xe9 sentence.</p></body></html>", "not valid UTF-8 at byte"),
        (b'<html><head><meta charset="utf-8"></head><body><p>Caf\xe9.</p></body></html>', "not valid UTF-8"),
        (b"<html><head><title>Empty</title></head><body></body></html>", "no article text"),
        (b"<html><body><main><nav><a href='/'>Home</a></nav></main></body></html>", "no article text"),
        (b"plain words, no markup at all", "not an HTML document"),
    ],
)
def test_unusable_html_is_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        read_html(path, entry("page.htm", "html"))


XHTML_CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head><title>Chapter 3. Treatment</title></head>
<body><div class="chapter"><h1>Chapter 3. Treatment</h1><h2>3.1 Initial therapy</h2>
<p>Adults with a new diagnosis should start therapy within seven days of the diagnosis (AII).</p>
<p>Clinicians should check adherence at every visit during the first year of therapy.</p></div></body></html>"""


def test_an_xhtml_chapter_is_read_as_html_without_a_warning(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    path = tmp_path / "chapter-3.xhtml"
    path.write_text(XHTML_CHAPTER, encoding="utf-8")
    assert format_for(path) == "html" and ".xhtml" in SUFFIXES  # by the catalog, --extra and uploads alike
    doc = only(read_html(path, entry(path.name, "html", "guideline")))
    assert doc.title == "Chapter 3. Treatment"
    assert sections(doc) == {"3.1 Initial therapy"}
    assert doc.text.startswith("Adults with a new diagnosis should start therapy within seven days")
    assert not [w for w in recwarn if "XML" in str(w.message)]
