"""Questions made from a table (evaluation/table_questions.py): one per row and valued column, gold the row."""

from __future__ import annotations

from pathlib import Path

from evaluation.table_questions import questions_of
from ingest.manifest import ManifestEntry
from ingest.models import TextBuilder
from ingest.readers.pdf import read_pdf
from ingest.tables import RawTable

OPIOIDS = "guidelines/cdc-opioid-prescribing-guideline-2022-rr7103a1.pdf"


def test_the_conversion_table_gives_one_question_per_opioid(shared_data: Path) -> None:
    entry = ManifestEntry(id=OPIOIDS, path=OPIOIDS, kind="guideline", format="pdf", sha256="0" * 64)
    document = read_pdf(shared_data / OPIOIDS, entry)[0]
    made = questions_of(document.doc_id, document.tables[0], document.text)
    assert len(made) == 10
    methadone = next(q for q in made if "Methadone" in q.question)
    assert methadone.question == "What is the conversion factor for Methadone?"
    assert methadone.extra["gold_quote"] == "Methadone | 4.7" and methadone.relevant == {OPIOIDS: 1}


def test_a_table_without_headings_asks_what_each_row_names() -> None:
    builder = TextBuilder()
    table = builder.add_table(
        RawTable("Terms", [], [["ACIP", "Advisory Committee on Immunization Practices"], ["ALT", "alanine aminotransferase"]])
    )
    made = questions_of("report.htm", table, builder.text)
    assert [q.question for q in made] == ["What is ACIP?", "What is ALT?"]
    assert made[1].extra["gold_quote"] == "ALT | alanine aminotransferase"
