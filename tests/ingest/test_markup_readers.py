"""The HTML, JATS and MedQuAD readers on the real shared corpus, plus the inputs they must refuse."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from lxml import etree

from ingest.catalog import SUFFIXES, format_for
from ingest.manifest import ManifestEntry
from ingest.models import Document, IngestError
from ingest.readers.html import read_html
from ingest.readers.jats import read_jats
from ingest.readers.medquad import read_medquad

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
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


def entry(path: str, fmt: str, kind: str = "research", **extra: object) -> ManifestEntry:
    return ManifestEntry(id=Path(path).stem, path=path, kind=kind, format=fmt, **extra)


def only(documents: list[Document]) -> Document:
    assert len(documents) == 1
    return documents[0]


def assert_spans(doc: Document) -> None:
    """Blocks lie inside the text, in order, without overlap, and each covers real text."""
    assert doc.blocks
    previous_end = 0
    for block in doc.blocks:
        assert previous_end <= block.start < block.end <= len(doc.text)
        span = doc.text[block.start : block.end]
        assert span.strip() and span == span.strip()
        previous_end = block.end


def sections(doc: Document) -> set[str | None]:
    return {block.section for block in doc.blocks}


# --- HTML ---------------------------------------------------------------------------------------


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


# --- JATS ---------------------------------------------------------------------------------------

with (DATA / "research/pmc/LICENSES.tsv").open(encoding="utf-8") as _handle:
    PMC_ROWS = list(csv.DictReader(_handle, delimiter="\t"))


def read_article(name: str) -> Document:
    relative = f"research/pmc/{name}"
    return only(read_jats(DATA / relative, entry(relative, "jats")))


@pytest.mark.parametrize("row", PMC_ROWS, ids=[row["file"] for row in PMC_ROWS])
def test_jats_metadata_matches_the_licence_table(row: dict[str, str]) -> None:
    doc = read_article(row["file"])
    assert doc.title and doc.source == row["journal"] and doc.year == int(row["year"])
    assert doc.doc_id == doc.locator == f"PMID:{row['pmid']}"
    # No citation debris ("[12]", "[1-9]", "()" left by "(Hites 2004)") and no empty brackets.
    assert not re.search(r"(?<![A-Za-z])\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\]", doc.text)
    assert not re.search(r"\(\s*[;,]?\s*\)|\[\s*\]", doc.text)
    assert_spans(doc)


def test_jats_sections_text_and_tables() -> None:
    doc = read_article("1472-6831-8-11.nxml")
    assert doc.title.startswith("The Dutch version of the Oral Health Impact Profile (OHIP-NL)")
    assert {"Abstract: Methods", "Study sample and procedure", "Results", "Discussion"} <= sections(doc)
    assert "The purpose of this study was to make a cross-culturally adapted, Dutch version" in doc.text
    # "[1]" was an <xref ref-type="bibr"> right after "disease"; its text goes, the sentence stays whole.
    assert "the role of psychosocial factors in health and disease. In order to study" in doc.text
    # A table cell is in its table's block, never in prose (ingest/readers/jats_tables.py).
    prose = " ".join(doc.text[b.start : b.end] for b in doc.blocks if b.table is None)
    assert "Total OHIP-NL (49)" not in prose
    assert any(doc.text[a:b] == "Total OHIP-NL (49)" for t in doc.tables for row in t.rows for a, b in row)
    assert "Competing interests" not in sections(doc) and "Pre-publication history" not in sections(doc)


def test_jats_author_year_citations_and_keywords() -> None:
    doc = read_article("ehp-116-1694.nxml")
    assert "Hites 2004" not in doc.text
    assert "thyroid hormone" in doc.mesh and len(doc.mesh) == 9
    assert doc.blocks[0].section == "Abstract: Background"


SYNTHETIC_JATS = """<?xml version="1.0"?>
<article><front><journal-meta><journal-title-group><journal-title>Test Journal</journal-title></journal-title-group>
</journal-meta><article-meta><article-id pub-id-type="doi">10.1/x</article-id>
<title-group><article-title>Hand <italic>hygiene</italic> works</article-title></title-group>
<pub-date pub-type="collection"><year>2019</year></pub-date><pub-date pub-type="epub"><year>2018</year></pub-date>
<abstract><p>Washing hands helps.</p></abstract></article-meta></front>
<body><sec><title>Methods</title><p>We counted [<xref ref-type="bibr" rid="b1">1</xref>,<xref ref-type="bibr" rid="b2">2</xref>] \
events (<xref ref-type="bibr" rid="b3">Smith 2004</xref>) in clinics <xref ref-type="bibr" rid="b4">[4]</xref>.</p>
<table-wrap><caption><p>TABLE CAPTION TEXT</p></caption><table><tr><td>CELL TEXT</td></tr></table></table-wrap>
<fig><caption><p>FIGURE CAPTION TEXT</p></caption></fig>
<sec><title>Sub <bold>analysis</bold></title><p>Rates fell (see <xref ref-type="fig" rid="f1">Figure 1</xref>).</p>
<p>Steps:<list><list-item><p>Wet hands.</p></list-item><list-item><p>Rub.</p></list-item></list> Then dry.</p></sec></sec>
<sec><title>Competing interests</title><p>None.</p></sec></body>
<back><ack><p>Thanks to everyone.</p></ack>\
<ref-list><ref id="b1"><mixed-citation>Ref one.</mixed-citation></ref></ref-list></back>
</article>"""


def test_jats_structure_on_a_small_article(tmp_path: Path) -> None:
    path = tmp_path / "a.nxml"
    path.write_text(SYNTHETIC_JATS, encoding="utf-8")
    doc = only(read_jats(path, entry("a.nxml", "jats")))
    assert (doc.title, doc.source, doc.year, doc.doc_id) == ("Hand hygiene works", "Test Journal", 2018, "doi:10.1/x")
    labelled = [(b.section, doc.text[b.start : b.end]) for b in doc.blocks]
    assert labelled == [
        ("Abstract", "Washing hands helps."),
        ("Methods", "We counted events in clinics."),
        ("Sub analysis", "Rates fell (see Figure 1)."),
        ("Sub analysis", "Steps:"),
        ("Sub analysis", "Wet hands."),
        ("Sub analysis", "Rub."),
        ("Sub analysis", "Then dry."),
    ]
    assert_spans(doc)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<article><front><article-meta>", "not well-formed XML"),
        ("<?xml version='1.0'?><html><body/></html>", "not a JATS article"),
        (
            "<article><front><article-meta><title-group><article-title>T</article-title></title-group>"
            "</article-meta></front><body/></article>",
            "no abstract or body text",
        ),
    ],
)
def test_unusable_jats_is_refused(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.nxml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=reason):
        read_jats(path, entry("bad.nxml", "jats"))


# --- MedQuAD ------------------------------------------------------------------------------------


def read_topic(relative: str) -> Document:
    return only(read_medquad(DATA / relative, entry(relative, "medquad", "reference")))


def test_cancergov_topic() -> None:
    relative = "reference/1_CancerGov_QA/0000001_1.xml"
    doc = read_topic(relative)
    root = etree.parse(str(DATA / relative)).getroot()
    answered = [pair for pair in root.iter("QAPair") if (pair.findtext("Answer") or "").strip()]
    assert doc.title == root.findtext("Focus") == "Adult Acute Lymphoblastic Leukemia"
    assert doc.url == doc.locator == "https://www.cancer.gov/types/leukemia/patient/adult-all-treatment-pdq"
    assert doc.source == "National Cancer Institute (cancer.gov)" and doc.year is None
    assert doc.doc_id == relative
    assert len(doc.blocks) == len(answered) == 7
    for block, pair in zip(doc.blocks, answered):
        question = " ".join(pair.findtext("Question").split())
        assert block.section.rstrip("?") == question.rstrip(" ?")
        assert doc.text[block.start : block.end]
    # The "    - " pseudo-bullets become paragraphs of their own.
    first = doc.text[doc.blocks[0].start : doc.blocks[0].end]
    assert first.startswith("Key Points\n\nAdult acute lymphoblastic leukemia (ALL) is a type of cancer")
    assert "\n\nLeukemia may affect red blood cells, white blood cells, and platelets.\n\n" in first
    assert not re.search(r"\s{2,}-\s|  ", doc.text.replace("\n\n", "\n"))
    assert_spans(doc)


def test_other_medquad_schemas() -> None:
    ninds = read_topic("reference/6_NINDS_QA/0000007.xml")  # lower-case <doc>/<pair> schema
    assert ninds.title == "Holmes-Adie" and ninds.source == "National Institute of Neurological Disorders and Stroke"
    assert ninds.blocks[0].section == "what is holmes-adie syndrome?"
    cdc = read_topic("reference/9_CDC_QA/0000397.xml")  # <DiseaseFile> root
    assert cdc.title == "Parasites - Taeniasis" and cdc.source == "Centers for Disease Control and Prevention"
    assert cdc.blocks[1].section == "Who is at risk for Parasites - Taeniasis?"


def test_topic_without_answers_is_refused() -> None:
    with pytest.raises(IngestError, match="no answers in MedQuAD document"):
        read_topic("reference/5_NIDDK_QA/0000175.xml")


def test_malformed_medquad_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<Document><Focus>x</Focus><QAPairs><QAPair>", encoding="utf-8")
    with pytest.raises(IngestError, match="not well-formed XML"):
        read_medquad(path, entry("x.xml", "medquad", "reference"))


def test_all_medquad_folders_parse() -> None:
    files = sorted(DATA.glob("reference/*/*.xml"))
    assert len(files) == 1726
    refused: list[str] = []
    untitled: list[str] = []
    for path in files:
        relative = path.relative_to(DATA).as_posix()
        try:
            doc = read_topic(relative)
        except IngestError:
            refused.append(relative)
            continue
        assert doc.url and doc.source
        if doc.title is None:
            untitled.append(relative)
        assert_spans(doc)
    # Six NIDDK topics ship with an empty <QAPairs/>; everything else yields a document.
    assert len(refused) == 6 and all(r.startswith("reference/5_NIDDK_QA/") for r in refused)
    # Three CDC topics have an empty <Focus>: no title is made up for them.
    assert untitled == ["reference/9_CDC_QA/0000199.xml", "reference/9_CDC_QA/0000423.xml", "reference/9_CDC_QA/0000424.xml"]


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
