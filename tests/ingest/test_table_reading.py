"""Data tables read from the shipped guidelines as tables: the PDF's conversion table, the HTML report's table of
terms; the PDF's checklists and boxes stay prose. Every cell is a span of the document text."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from core.settings import ChunkSettings
from ingest.chunking import chunk_document
from ingest.manifest import ManifestEntry
from ingest.models import Document
from ingest.readers.html import read_html
from ingest.readers.pdf import read_pdf
from ingest.tables import RawTable, is_data_table

OPIOIDS = "guidelines/cdc-opioid-prescribing-guideline-2022-rr7103a1.pdf"
OUTPATIENT = "guidelines/cdc-outpatient-infection-prevention-guide-2016.pdf"
HEPATITIS = "guidelines/mmwr_preview_mmwrhtml_rr5416a1.htm"


def _entry(path: str, fmt: str) -> ManifestEntry:
    return ManifestEntry(id=path, path=path, kind="guideline", format=fmt, sha256="0" * 64)


@pytest.fixture(scope="module")
def opioids(shared_data: Path) -> Document:
    return read_pdf(shared_data / OPIOIDS, _entry(OPIOIDS, "pdf"))[0]


def cells(document: Document, rows) -> list[list[str]]:
    return [[document.text[a:b] for a, b in row] for row in rows]


def test_the_conversion_table_of_the_opioid_guideline_is_read_as_a_table(opioids: Document) -> None:
    [table] = opioids.tables
    assert table.page == 33
    assert "Morphine milligram equivalent doses for commonly prescribed opioids" in table.caption
    assert cells(opioids, table.header) == [["Opioid", "Conversion factor*"]]
    body = cells(opioids, table.rows)
    assert ["Methadone", "4.7"] in body and ["Codeine", "0.15"] in body
    assert ["Fentanyl transdermal (in mcg/hr)", "2.4"] in body
    assert len(body) == 10 and all(len(row) == 2 for row in body)
    assert any(note.startswith("* Multiply the dose") for note in (opioids.text[a:b] for a, b in table.footnotes))
    # Read as a table, its rows are not prose too; its notes are sentences and stay prose.
    prose = " ".join(opioids.text[b.start : b.end] for b in opioids.blocks if b.table is None)
    assert "Methadone 4.7" not in prose and "Codeine 0.15" not in prose
    assert "Multiply the dose for each opioid by the conversion factor" in prose


def test_each_row_is_a_chunk_quoted_whole_and_found_by_its_caption_and_headers(opioids: Document) -> None:
    rows = [c for c in chunk_document(opioids, ChunkSettings()) if c.table]
    methadone = next(c for c in rows if c.text.startswith("Methadone"))
    assert methadone.text == "Methadone | 4.7" and methadone.page == 33
    assert [methadone.text[a:b] for a, b in methadone.table.cells] == ["Methadone", "4.7"]
    assert methadone.statements == ((0, 0, len(methadone.text), ()),)
    assert opioids.text[methadone.start : methadone.end] == methadone.text
    read = methadone.embedded_text
    assert "Morphine milligram equivalent" in read and "Conversion factor*: 4.7" in read and "Opioid: Methadone" in read
    assert len({c.chunk_id for c in rows}) == len(rows) == 10


def test_a_first_capital_kerned_apart_is_joined_and_a_letter_standing_alone_is_not(opioids: Document) -> None:
    assert "M ultiply" not in opioids.text and "Multiply the dose" in opioids.text
    assert "T apentadol" not in opioids.text
    assert "category B recommendations" in opioids.text.replace("Category", "category")


def test_the_hepatitis_reports_terms_table_is_read_as_a_table(shared_data: Path) -> None:
    document = read_html(shared_data / HEPATITIS, _entry(HEPATITIS, "html"))[0]
    [table] = document.tables
    assert table.caption == "Terms and Abbreviations Used in This Report"
    body = cells(document, table.rows)
    assert ["ACIP", "Advisory Committee on Immunization Practices"] in body
    assert ["Anti-HBs", "antibody to hepatitis B surface antigen"] in body
    assert table.header == ()


def test_checklists_and_boxes_stay_prose(shared_data: Path) -> None:
    document = read_pdf(shared_data / OUTPATIENT, _entry(OUTPATIENT, "pdf"))[0]
    assert document.tables == []
    # The checklist grids and recommendation boxes are ruled tables to a layout reader; by structure they are prose.
    with pdfplumber.open(shared_data / OUTPATIENT) as pdf:
        checklist = pdf.pages[21].extract_tables()[0]  # "Elements to be assessed | Assessment | Notes"
        box = pdf.pages[6].extract_tables()[0]  # "Key administrative recommendations …" in one column
    for grid in (checklist, box):
        raw = RawTable(None, [], [[c or "" for c in row] for row in grid]).cleaned()
        assert not is_data_table(raw)
    assert "Elements to be assessed" in checklist[0][0]


def test_a_short_value_grid_is_data_and_sentences_in_a_grid_are_not() -> None:
    doses = RawTable("Table 1. Doses", [["Age", "Dose"]], [["2-5 years", "5 mg"], ["6-11 years", "10 mg"]])
    assert is_data_table(doses.cleaned())
    sentences = RawTable(None, [], [["Hand hygiene is performed before and after every contact with a patient.", "Yes No"]] * 3)
    assert not is_data_table(sentences.cleaned())
    assert not is_data_table(RawTable("Table 2. One row", [["A", "B"]], [["x", "1"]]).cleaned())


def test_a_jats_table_wrap_is_read_with_its_label_caption_and_header(shared_data: Path) -> None:
    from ingest.readers.jats import read_jats

    path = "research/pmc/1471-2180-11-174.nxml"
    document = read_jats(shared_data / path, ManifestEntry(id=path, path=path, kind="research", format="jats", sha256="0" * 64))[
        0
    ]
    first = document.tables[0]
    assert first.caption.startswith("Table 1. Effects of holin allelic sequences")
    assert cells(document, first.header) == [["Strain", "na", "MLT (min)", "SD (min)"]]
    assert ["IN61", "274", "45.7", "2.92"] in cells(document, first.rows)
    prose = " ".join(document.text[b.start : b.end] for b in document.blocks if b.table is None)
    assert "IN61 274 45.7" not in prose  # the cells are not read into a paragraph too


def test_a_row_with_empty_cells_keeps_its_columns_and_no_dangling_separator() -> None:
    from ingest.models import TextBuilder

    builder = TextBuilder()
    builder.add("Before the table.")
    table = builder.add_table(RawTable("Table 3. Doses", [["", "Dose", "Notes"]], [["Adults", "20 mg", ""], ["", "10 mg", "x"]]))
    text = builder.text
    assert [[text[a:b] for a, b in row] for row in table.rows] == [["Adults", "20 mg", ""], ["", "10 mg", "x"]]
    lines = text[table.start : table.end].split("\n")
    assert lines[1:] == ["Dose | Notes", "Adults | 20 mg", "10 mg | x"]
    assert all(line == line.strip() for line in lines)
