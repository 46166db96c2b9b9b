"""A research point's study as a clinician weighs it: one compact line ("Randomised trial · n = 1,204 · 2019 ·
Journal"), and the strength of its design, by which the points under a research sub-heading are ordered.

The study itself is found at ingest (ingest/study.py) and travels with each passage (index/store.py); nothing
here reads the index.
"""

from __future__ import annotations

from ingest.study import Study
from qa.models import StudyProfile
from qa.select import Chosen

# Strongest first: the order of the usual evidence hierarchy for questions of effect. Syntheses of studies,
# then trials, cohorts (prospective before retrospective), case-control, cross-sectional, case reports and
# series; then expert opinion (a guideline or consensus statement among research papers, a narrative review,
# editorials and letters), animal studies and laboratory work, which say least about patients. A design not
# stated ranks after every stated one.
STRENGTH: tuple[str, ...] = (
    "systematic_review",
    "randomised_trial",
    "prospective_cohort",
    "retrospective_cohort",
    "case_control",
    "cross_sectional",
    "case_report",
    "guideline",
    "narrative_review",
    "other",
    "animal",
    "laboratory",
)
_RANK = {design: rank for rank, design in enumerate(STRENGTH)}
NOT_STATED = len(STRENGTH)

# How a design reads in the line: short, capitalised (ingest/design_lexicon.DESIGNS has the full labels).
SHORT: dict[str, str] = {
    "systematic_review": "Systematic review",
    "randomised_trial": "Randomised trial",
    "prospective_cohort": "Prospective cohort",
    "retrospective_cohort": "Retrospective cohort",
    "case_control": "Case-control",
    "cross_sectional": "Cross-sectional",
    "case_report": "Case report",
    "guideline": "Guideline or consensus",
    "narrative_review": "Narrative review",
    "other": "Other design",
    "animal": "Animal study",
    "laboratory": "Laboratory study",
}
# A more exact name when what backs the design says it (its indexing terms or the abstract's words).
_EXACT = (
    ("systematic_review", "meta-analy", "Meta-analysis"),
    ("case_report", "series", "Case series"),
    ("guideline", "delphi", "Consensus (Delphi)"),
    ("other", "editorial", "Editorial"),
    ("other", "letter", "Letter"),
    ("other", "comment", "Commentary"),
)
JOURNAL_CHARS = 60  # a longer journal name is cut, with an ellipsis, so the line stays one short line


def strength(design: str | None) -> int:
    """0 for the strongest design; NOT_STATED for none."""
    return _RANK.get(design, NOT_STATED) if design else NOT_STATED


def design_name(study: Study) -> str | None:
    if study.design is None:
        return None
    basis = " ".join(study.basis).casefold()
    exact = next((name for design, word, name in _EXACT if design == study.design and word in basis), None)
    return exact or SHORT.get(study.design, study.design.replace("_", " ").capitalize())


def study_line(study: Study) -> str:
    """ "Randomised trial · n = 1,204 · 2019 · Journal"; a predicted design says so; what is unknown is left out."""
    parts = []
    name = design_name(study)
    if name:
        parts.append(f"{name} (predicted)" if study.status == "predicted" else name)
    if study.participants:
        parts.append(f"n = {study.participants:,}")
    if study.year:
        parts.append(str(study.year))
    journal = " ".join((study.journal or "").split())
    if journal:
        parts.append(journal if len(journal) <= JOURNAL_CHARS else journal[: JOURNAL_CHARS - 1].rstrip() + "…")
    return " · ".join(parts)


def profile(study: Study | None) -> StudyProfile | None:
    """The study as the answer carries it (qa/models.StudyProfile); None for a document that is not research."""
    if study is None:
        return None
    return StudyProfile(
        design=study.design,
        design_label=study.design_label,
        status=study.status,
        confidence=study.confidence,
        basis=list(study.basis),
        participants=study.participants,
        year=study.year,
        journal=study.journal,
        line=study_line(study),
    )


def by_design(group: list[Chosen]) -> list[Chosen]:
    """Strongest design first; at equal strength (and among designs not stated) the more relevant first."""

    def design(chosen: Chosen) -> str | None:
        study = chosen.main.hit.passage.study
        return study.design if study else None

    return sorted(group, key=lambda c: (strength(design(c)), -c.main.score))
