"""The JATS and MedQuAD readers on the real shared corpus's XML, plus the inputs they must refuse."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from lxml import etree

from ingest.models import Document, IngestError
from ingest.readers.jats import read_jats
from ingest.readers.medquad import read_medquad
from tests.utils.documents import DATA, assert_spans, entry, only, sections

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
