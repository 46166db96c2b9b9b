"""Each feature of the lead ranker (qa/lead_features.py) on real guideline sentences: it tells the sentence that
has the property from one that does not. What a feature is worth is the fit's business, not these tests'."""

from __future__ import annotations

import numpy as np
import pytest

from qa.lead import LeadModel, ModelMismatch, load, rank_for_lead
from qa.lead_features import FEATURES, NAMES, QuestionTraits, context, matrix
from qa.statements import Candidate

TAPER = (
    "When patients have been taking opioids for longer durations (e.g., for ≥1 year), tapers of 10% per month or "
    "slower are likely to be better tolerated than more rapid tapers."
)
STUDY = "In one study, the median duration of opioid use reported by participants was 3 months."


def candidate(
    text: str, similarity: float = 0.6, words: float = 0.5, topic: float = 1.0, score: float = 0.7, grade: str | None = None
) -> Candidate:
    return Candidate(
        None,
        0,
        (0, len(text)),
        text,
        np.zeros(3, dtype=np.float32),
        similarity,
        words,
        0.8 * similarity + 0.2 * words,
        topic,
        score,
        grade,
    )


# feature → (question, a sentence with more of it, a sentence with less)
CASES: dict[str, tuple[str, Candidate, Candidate]] = {
    "retrieval": ("How fast should a taper go?", candidate(TAPER, score=0.8), candidate(STUDY, score=0.6)),
    "similarity": ("How fast should a taper go?", candidate(TAPER, similarity=0.7), candidate(STUDY, similarity=0.4)),
    "words": ("How fast should a taper go?", candidate(TAPER, words=0.6), candidate(STUDY, words=0.1)),
    "topic": ("How fast should a taper go?", candidate(TAPER, topic=1.0), candidate(STUDY, topic=0.6)),
    "graded": (
        "Should I offer naloxone?",
        candidate("Clinicians should offer naloxone.", grade="B, 4"),
        candidate("Clinicians should offer naloxone."),
    ),
    "directive": ("How fast should a taper go?", candidate("Clinicians should taper slowly."), candidate(STUDY)),
    "description": ("How fast should a taper go?", candidate(STUDY), candidate("Clinicians should taper slowly.")),
    "states_number": ("Should I taper?", candidate(TAPER), candidate("Clinicians should taper slowly.")),
    "quantity_met": ("How fast should a taper go?", candidate(TAPER), candidate("Clinicians should taper slowly.")),
    "unit_met": (
        "How many days' supply is usually enough?",
        candidate("A few days or less are often sufficient."),
        candidate("Three or fewer doses are often sufficient."),
    ),
    "contradicts": (
        "Baby born to a mother who is HBsAg-positive: what do we give?",
        candidate("For infants born to HBsAg-negative mothers, the first dose should be given before discharge."),
        candidate("All infants born to HBsAg-positive women should receive HBIG <12 hours of birth."),
    ),
    "population_met": (
        "What should I put in place for an 80-year-old on chronic opioids?",
        candidate("Clinicians should implement interventions to mitigate risks among older adults."),
        candidate("Clinicians should implement interventions to mitigate risks."),
    ),
    "unknown_met": (
        "A woman arrives in labor with no HBsAg result on file. What should the newborn get?",
        candidate(
            "While test results are pending, all infants born to women without documentation of "
            "HBsAg test results should receive the first dose <12 hours of birth."
        ),
        candidate("All infants born to HBsAg-positive women should receive HBIG <12 hours of birth."),
    ),
    "reason_met": (
        "Why was the vaccine recalled?",
        candidate("The lots were recalled as a precautionary measure."),
        candidate("The lots were recalled in December."),
    ),
    "risk_met": (
        "Is it safe to put off the booster?",
        candidate("Deferral is not likely to result in an increased risk."),
        candidate("Providers should defer the booster dose."),
    ),
    "measure_met": (
        "Infant's anti-HBs is 4 mIU/mL. What now?",
        candidate("Infants with anti-HBs levels <10 mIU/mL should be revaccinated."),
        candidate("Infants should be tested 1–2 months after the final dose."),
    ),
    "together_met": (
        "Is it OK to prescribe both?",
        candidate("Clinicians should use caution when prescribing opioids and benzodiazepines concurrently."),
        candidate("Clinicians should use caution when prescribing opioids."),
    ),
    "caution_met": (
        "Is a yeast allergy a contraindication to the vaccine?",
        candidate("Vaccination is contraindicated for persons with a history of hypersensitivity to yeast."),
        candidate("All adolescents should complete the vaccine series."),
    ),
    "permission_met": (
        "Can she breastfeed right away?",
        candidate("Infants of HBsAg-positive mothers may be breast fed beginning immediately after birth."),
        candidate("Infants of HBsAg-positive mothers receive HBIG at birth."),
    ),
    "connective": (
        "How fast should a taper go?",
        candidate("However, some patients taper faster."),
        candidate("Some patients taper faster."),
    ),
    "length": ("How fast should a taper go?", candidate(TAPER), candidate("Clinicians should taper slowly.")),
}
# Features of the passage and the question sentence: none without a retrieved passage or a question sentence.
RETRIEVED = {"asked_shift", "passage_bm25", "passage_rank", "heading", "row_asked"}


def value(name: str, question: str, c: Candidate) -> float:
    return float(matrix([c], context([c], QuestionTraits.of(question)))[0, NAMES.index(name)])


def test_every_feature_is_tested_and_named_once() -> None:
    assert len(set(NAMES)) == len(NAMES) == len(FEATURES)
    assert set(CASES) | RETRIEVED == set(NAMES)
    assert all(f.description for f in FEATURES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_feature_tells_the_sentence_with_its_property(name: str) -> None:
    question, more, less = CASES[name]
    assert value(name, question, more) > value(name, question, less)


def test_without_a_passage_or_a_question_sentence_those_features_are_zero() -> None:
    c = candidate(TAPER)
    assert all(value(name, "How fast should a taper go?", c) == 0.0 for name in RETRIEVED)


def test_the_question_sentence_shifts_a_sentence_by_how_much_closer_it_is_to_it() -> None:
    c = candidate(TAPER, similarity=0.5)
    c.vector = np.asarray([1.0, 0.0, 0.0], dtype=np.float32)
    row = matrix([c], context([c], QuestionTraits.of("How fast?"), np.asarray([0.8, 0.6, 0.0], dtype=np.float32)))[0]
    assert row[NAMES.index("asked_shift")] == pytest.approx(0.3)


def test_the_shipped_weights_match_the_features_and_survive_a_round_trip() -> None:
    model = load()
    again = LeadModel.from_json(model.to_json())
    fast = QuestionTraits.of("How fast should a taper go?")
    rows = matrix([candidate(TAPER), candidate(STUDY)], context([candidate(TAPER)], fast))
    assert np.allclose(model.score(rows), again.score(rows), atol=1e-5)
    ranked = rank_for_lead([candidate(STUDY, score=0.71), candidate(TAPER, score=0.7)], fast)
    assert ranked[0].text == TAPER  # a number and advice, asked how fast, over a study's finding nearly as close


def test_weights_for_other_features_are_refused_with_the_command_that_refits() -> None:
    text = load().to_json().replace('"length"', '"sentence_length"')
    with pytest.raises(ModelMismatch, match="train-ranker"):
        LeadModel.from_json(text)


def row_candidate(text: str, cells: tuple[tuple[int, int], ...], header: tuple[tuple[str, ...], ...]) -> Candidate:
    from index.models import Hit, Passage
    from ingest.models import TableRow

    passage = Passage(
        0,
        "c",
        "guide.pdf",
        text,
        0,
        len(text),
        "TABLE. Conversion factors",
        33,
        [(0, len(text))],
        {},
        "guideline",
        "Guide",
        None,
        None,
        None,
        "guide.pdf",
        "guide.pdf",
        table=TableRow(1, 0, "TABLE. Conversion factors", header, cells, 10),
    )
    c = candidate(text)
    c.hit = Hit(passage, 1, 0.5, 10.0, 0.5, 1, 1)
    return c


def test_a_row_is_asked_for_when_the_question_names_its_first_cell_and_another_columns_heading() -> None:
    row = row_candidate("Methadone | 4.7", ((0, 9), (12, 15)), (("Opioid", "Conversion factor*"),))
    assert value("row_asked", "What is the conversion factor for methadone?", row) == 1.0
    assert value("row_asked", "Is methadone a first choice?", row) == 0.0  # named, but its value not asked for
    glossary = row_candidate("Hib | Haemophilus influenzae type b", ((0, 3), (6, 35)), ())
    assert value("row_asked", "Where do I report a reaction to the Hib vaccine?", glossary) == 0.0
