"""`medcite train-admission`: from the index and the question sets with gold documents to the admission model's
figures of record and, when asked, a refitted qa/admission_weights.json. One command, deterministic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.settings import Settings
from evaluation.admission_training import (
    FOLDS,
    Case,
    choose_regularisation,
    choose_threshold,
    collect,
    cross_validate,
    fit,
    held_out,
    medquad_questions,
    report,
    worth,
)
from evaluation.questions import Question, read_questions
from qa.admission import WEIGHTS, load


def train(
    settings: Settings,
    sets: list[Path],
    rewordings: list[Path],
    research: Path | None,
    held_back: int,
    medquad_every: int,
    where: Path,
    write: bool,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Build (or reuse) the index, ask every question with admission off, cross-validate, fit on all."""
    from app.documents import ingest
    from app.services import load_embedder, open_searcher
    from qa.service import AnswerService

    embedder = load_embedder(settings)
    built = ingest(settings, lambda: embedder, show_progress=False)
    if built.errors:  # a source that cannot be read is left out, as `medcite ingest` leaves it
        progress(f"{len(built.errors)} sources left out of the index (unreadable), e.g. {built.errors[0][0]}")
    searcher = open_searcher(settings, embedder)
    # asked with admission off: the pools are what the model judges
    service = AnswerService(
        searcher, None, settings.model_copy(update={"qa": settings.qa.model_copy(update={"admission": False})})
    )

    def indexed(q: Question) -> bool:  # a question whose gold the index lacks teaches only refusals
        return any(searcher.store.document(doc) is not None for doc, grade in q.relevant.items() if grade > 0)

    written = [q for path in sets for q in read_questions(path) if indexed(q)]
    guidelines = sorted({min(q.relevant) for q in written})
    asked: list[tuple[Question, str, bool]] = [(q, "guideline", False) for q in written]
    asked += [(q, "rewording", False) for path in rewordings for q in read_questions(path) if indexed(q)]
    if research is not None:
        found = [q for q in read_questions(research) if indexed(q)]
        asked += [(q, "pubmedqa", i < held_back) for i, q in enumerate(found)]
    asked += [(q, "medquad", False) for q in medquad_questions(settings, medquad_every) if indexed(q)]
    cases: list[Case] = collect(service, asked, {g: i % FOLDS for i, g in enumerate(guidelines)})
    counts = {s: sum(c.source == s and not c.held_out for c in cases) for s in ("guideline", "rewording", "pubmedqa", "medquad")}
    progress(
        f"{len(cases)} questions: {counts['guideline']} guideline, {counts['rewording']} rewordings, "
        f"{counts['pubmedqa']} research, "
        f"{counts['medquad']} reference, {sum(c.held_out for c in cases)} research held out"
    )
    qa = settings.qa
    results = cross_validate(cases, qa, progress)
    trainable = [c for c in cases if c.trains]
    c_value = choose_regularisation(trainable)
    threshold = choose_threshold(fit(trainable, c_value), trainable, qa)
    about = {
        "C": c_value,
        "questions": counts,
        "sets": [p.name for p in sets] + ([research.name] if research else []),
        "rewordings": [p.name for p in rewordings],
        "research_held_out": held_back,
        "medquad_every": medquad_every,
        "cross_validation": results["pooled"],
    }
    model = fit(trainable, c_value, threshold, about)
    results["held_out"] = held_out(model, cases, qa)
    about["held_out"] = results["held_out"]
    results["C"], results["threshold"], results["worth"] = c_value, threshold, worth(model)
    if write:
        WEIGHTS.write_text(model.to_json(), encoding="utf-8")
        load.cache_clear()
    where.mkdir(parents=True, exist_ok=True)
    report(where / "admission-report.json", results)
    return results
