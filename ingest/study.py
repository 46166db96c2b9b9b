"""What a clinician weighs a research document by: its design, how many took part, when and where it
appeared. Found once at ingest (index/store.py keeps it beside the document), never at question time.

A design is `known` when indexing terms name it (ingest/design_labels.py), `predicted` when the text model
(ingest/design_model.py) is at least as sure as its calibrated threshold and the abstract's own words back
it, and `not stated` otherwise: nothing is shown rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingest.design_labels import label_for
from ingest.design_lexicon import DESIGN_LABELS
from ingest.design_model import DesignModel, shipped
from ingest.models import Document
from ingest.participants import participants

Status = Literal["known", "predicted", "not stated"]
STATUSES: tuple[Status, ...] = ("known", "predicted", "not stated")
# A full text's abstract is what both readers see; without one marked, its opening stands in, about as
# long as the abstracts the model was fitted on.
OPENING_CHARS = 3000


@dataclass(frozen=True, slots=True)
class Study:
    design: str | None  # a key of ingest/design_lexicon.DESIGNS; None when not stated
    status: Status
    confidence: float | None  # the model's probability when predicted
    basis: tuple[str, ...]  # what backs the design: the indexing terms (known) or the abstract's words (predicted)
    participants: int | None  # as the abstract states it
    year: int | None = None
    journal: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"study status must be one of {STATUSES}, not {self.status!r}")
        if (self.design is None) != (self.status == "not stated"):
            raise ValueError("a study has a design exactly when its design is known or predicted")
        if self.design is not None and self.design not in DESIGN_LABELS:
            raise ValueError(f"unknown study design {self.design!r}")

    @property
    def design_label(self) -> str | None:
        return DESIGN_LABELS[self.design] if self.design else None


def abstract_text(document: Document) -> str:
    """The abstract: its marked blocks ("Abstract", "Abstract: Methods", "Summary…"), else the opening text."""
    marked = [
        document.text[b.start : b.end]
        for b in document.blocks
        if b.section and b.section.casefold().startswith(("abstract", "summary"))
    ]
    return "\n\n".join(marked) if marked else document.text[:OPENING_CHARS]


def model_text(document: Document) -> str:
    """What the design model reads: title and abstract, never the indexing terms (most corpora lack them)."""
    return "\n\n".join(part for part in (document.title or "", abstract_text(document)) if part)


def study_of(document: Document, model: DesignModel | None = None) -> Study | None:
    """The study profile of a research document; None for any other kind."""
    if document.kind != "research":
        return None
    count = participants(abstract_text(document))

    def made(design: str | None, status: Status, confidence: float | None = None, basis: tuple[str, ...] = ()) -> Study:
        return Study(design, status, confidence, basis, count, document.year, document.source)

    label = label_for(document.index_terms)
    if label is not None:
        return made(label.design, "known", None, label.basis)
    model = model or shipped()
    predicted = model.predict(model_text(document)) if model is not None else None
    if predicted is not None and model is not None and model.shown(predicted):
        return made(predicted.design, "predicted", round(predicted.confidence, 3), predicted.cues)
    return made(None, "not stated")
