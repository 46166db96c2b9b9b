"""Grades in the house styles guidelines use, read from a sentence's end; and a guideline page in GRADE's wording read,
chunked and graded through the real HTML reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import ChunkSettings
from ingest.chunking import chunk_document
from ingest.grades import find_grade
from ingest.manifest import ManifestEntry
from ingest.readers.html import read_html


@pytest.mark.parametrize(
    ("sentence", "grade"),
    [
        ("Clinicians should offer naloxone (recommendation category: A; evidence type: 4).", "Category A, evidence type 4"),
        ("Perform hand hygiene before touching a patient (Category IA).", "Category IA"),
        ("Offer a statin to adults with kidney disease (Grade 1B).", "Grade 1B"),
        ("Screen every adult once (Grade B)", "Grade B"),
        ("Use the lowest effective dose (Level of evidence: II).", "Level II"),
        ("Offer the test (strong recommendation, high-quality evidence).", "Strong recommendation, high-quality evidence"),
        (
            "Treatment should start on the day of diagnosis (strong recommendation, moderate-certainty evidence).",
            "Strong recommendation, moderate-certainty evidence",
        ),
        (
            "Self-testing may be offered (conditional recommendation; very low certainty of evidence).",
            "Conditional recommendation, very low-certainty evidence",
        ),
        (
            "Offer the vaccine at the first visit (Strong recommendation for the intervention, low-certainty evidence)",
            "Strong recommendation, low-certainty evidence",
        ),
        ("Start treatment within two weeks of diagnosis (AI).", "Rating AI"),
        ("Monitor the viral load every three months (BIII).", "Rating BIII"),
    ],
)
def test_a_sentence_ending_in_a_grade_gets_it_and_its_length_without_it(sentence: str, grade: str) -> None:
    found = find_grade(sentence)
    assert found is not None and found[0] == grade
    assert sentence[: found[1]] == sentence[: sentence.index(" (")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Tools built on artificial intelligence (AI).",  # capitals after the words they abbreviate
        "Models of artificial intelligence (AI) may help triage.",
        "The strong recommendation (Grade B) was later revised by the panel.",  # not at the end
        "Weigh the evidence (low-certainty evidence).",  # a certainty without a strength
        "The dose is shown in the figure (Figure 2).",
        "Clinicians should consider the options (ai).",
    ],
)
def test_what_is_no_grade_is_not_read_as_one(sentence: str) -> None:
    assert find_grade(sentence) is None


PAGE = """<html><head><title>Guidelines on testing and treatment</title></head><body><main>
<h1>Guidelines on testing and treatment</h1>
<h2>Recommendations</h2>
<p>Treatment should be started on the same day as the diagnosis is confirmed, for every adult and adolescent
(strong recommendation, moderate-certainty evidence).</p>
<p>Testing at home may be offered as an additional approach to testing in clinics
(conditional recommendation, low-certainty evidence).</p>
<p>Programmes should review the uptake of testing every year.</p>
</main></body></html>"""


def test_a_guideline_in_grade_wording_is_graded_at_ingest(tmp_path: Path) -> None:
    path = tmp_path / "who-style.htm"
    path.write_text(PAGE, encoding="utf-8")
    entry = ManifestEntry(id="who-style", path=path.name, kind="guideline", format="html")
    [document] = read_html(path, entry)
    chunks = chunk_document(document, ChunkSettings())
    graded = {
        chunk.text[chunk.sentences[ordinal][0] : chunk.sentences[ordinal][0] + length]: grade
        for chunk in chunks
        for ordinal, grade, length in chunk.grades
    }
    assert graded == {
        "Treatment should be started on the same day as the diagnosis is confirmed, for every adult and adolescent": (
            "Strong recommendation, moderate-certainty evidence"
        ),
        "Testing at home may be offered as an additional approach to testing in clinics": (
            "Conditional recommendation, low-certainty evidence"
        ),
    }
    quoted = [chunk.text[start:end] for chunk in chunks for ordinal, start, end, *_ in chunk.statements]
    assert quoted and not [q for q in quoted if "evidence)" in q], "the label is shown as the grade, not quoted"


BOXED = """<html><head><title>Guidelines on testing</title></head><body><main><h1>Guidelines on testing</h1>
<h2>Recommendations</h2>
<p>Treatment should be started on the same day as the diagnosis is confirmed, for every adult and adolescent.
(Strong recommendation, moderate-certainty evidence)</p>
<p>Testing at home may be offered as an additional approach to testing in clinics.</p>
<p>Conditional recommendation, low-certainty evidence.</p>
<p>Programmes should review the uptake of testing every year.</p></main></body></html>"""


def test_a_label_set_under_its_recommendation_grades_the_sentence_before_it(tmp_path: Path) -> None:
    path = tmp_path / "boxed.htm"
    path.write_text(BOXED, encoding="utf-8")
    [document] = read_html(path, ManifestEntry(id="boxed", path=path.name, kind="guideline", format="html"))
    [chunk] = chunk_document(document, ChunkSettings())
    sentence = lambda ordinal: chunk.text[slice(*chunk.sentences[ordinal])]  # noqa: E731
    graded = {sentence(ordinal)[:length]: grade for ordinal, grade, length in chunk.grades}
    assert graded == {
        "Treatment should be started on the same day as the diagnosis is confirmed, for every adult and adolescent.": (
            "Strong recommendation, moderate-certainty evidence"
        ),
        "Testing at home may be offered as an additional approach to testing in clinics.": (
            "Conditional recommendation, low-certainty evidence"
        ),
    }
    quoted = [chunk.text[start:end] for _, start, end, *_ in chunk.statements]
    assert len(quoted) == 3 and not [q for q in quoted if "recommendation," in q], "labels are grades, never statements"
