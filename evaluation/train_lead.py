"""`medcite train-ranker`: from the shipped guidelines and the question sets with gold quotes to the lead
ranker's figures of record and, when asked, a refitted qa/lead_weights.json. One command, deterministic."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

from core.settings import Settings
from evaluation.lead_training import (
    Group,
    choose_regularisation,
    collect,
    cross_validate,
    cross_validate_tables,
    fit,
    fit_table_weights,
    hand_model,
    share,
    with_weights,
    worth,
)
from evaluation.questions import read_questions
from evaluation.table_questions import table_questions
from qa.lead import WEIGHTS, load


def guideline_settings(settings: Settings, where: Path) -> Settings:
    """Settings for an index of the manifest's guidelines alone, kept under `where` (rebuilt only when they change)."""
    where.mkdir(parents=True, exist_ok=True)
    lines = [
        line
        for line in settings.manifest.read_text(encoding="utf-8").splitlines()
        if line.strip() and json.loads(line).get("kind") == "guideline"
    ]
    manifest = where / "guidelines.jsonl"
    text = "\n".join(lines) + "\n"
    if not manifest.is_file() or manifest.read_text(encoding="utf-8") != text:
        manifest.write_text(text, encoding="utf-8")
    return settings.model_copy(update={"manifest": manifest, "index_dir": where / "index"})


def choose_shipped(results: dict) -> str:
    """Which model `--write` ships: the fit or the hand weights (each with its table weights), by the held-out
    figure where neither is in sample. The hand weights were set after reading the written questions' misses, so
    on those the fit is held out and they are not; on questions written blind, nobody tuned either."""
    pooled, tables = results["pooled"], results["tables"]["pooled"]
    if "blind_fitted" in pooled and "blind_with_tables" in tables:
        return "fitted" if pooled["blind_fitted"] > tables["blind_with_tables"] else "hand"
    return "fitted" if pooled.get("fitted", 0.0) > tables.get("written_with_tables", 0.0) else "hand"


def _groups(service, paths: list[Path]) -> list[Group]:  # noqa: ANN001 - qa.service.AnswerService
    return [g for path in paths for g in collect(service, read_questions(path))]


def train(
    settings: Settings,
    sets: list[Path],
    held_out: Mapping[str, list[Path]],
    where: Path,
    write: bool,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Build (or reuse) the guideline index, ask every question, cross-validate by guideline, fit on all.
    `held_out`: named sets (paraphrases, questions written blind) scored per fold and never trained on."""
    from app.documents import ingest
    from app.services import load_embedder, open_searcher
    from qa.service import AnswerService

    trained = guideline_settings(settings, where)
    embedder = load_embedder(trained)
    report = ingest(trained, lambda: embedder, show_progress=False)
    if report.errors:
        raise ValueError(f"the guideline index could not be built: {report.errors[0]}")
    service = AnswerService(open_searcher(trained, embedder), None, trained)
    groups = _groups(service, sets)
    extra = {name: _groups(service, paths) for name, paths in held_out.items() if paths}
    progress(
        f"{len(groups)} questions ({sum(g.labels.any() for g in groups)} with the gold among the candidates)"
        + "".join(f", {len(held)} {name}" for name, held in extra.items())
    )
    qa = trained.qa
    tables = collect(service, table_questions(service.searcher.store, {g.fold for g in groups}))
    progress(f"{len(tables)} questions made from the guidelines' tables")
    results = cross_validate(groups, qa, extra, progress)
    results["tables"] = cross_validate_tables(groups, tables, qa, extra, progress)
    c = choose_regularisation(groups, qa)
    about = {
        "fitted": True,
        "C": c,
        "questions": len(groups),
        "sets": [p.name for p in sets],
        "cross_validation": results["pooled"],
    }
    fitted = fit(groups, c)
    # The table features are constant over the written questions, so the fit leaves them at zero; their weights
    # are chosen on top of each base, on the written and the table questions together.
    fitted_tables = fit_table_weights(groups + tables, qa, fitted)
    model = with_weights(fitted, fitted_tables, {**about, "table_weights": fitted_tables})
    table_weights = fit_table_weights(groups + tables, qa)
    with_tables = with_weights(
        hand_model(),
        table_weights,
        {
            "fitted": False,
            "hand_weights": True,
            "table_weights": table_weights,
            "table_questions": len(tables),
            "cross_validation": results["tables"]["pooled"],
        },
    )
    shipped = load()
    results["in_sample"] = {
        name: {
            "hand": share(hand_model(), chosen, qa),
            "fitted": share(model, chosen, qa),
            "with_tables": share(with_tables, chosen, qa),
            "shipped": share(shipped, chosen, qa),
        }
        for name, chosen in [("sets", groups), ("tables", tables), *extra.items()]
    }
    results["worth"] = worth(model)
    results["C"] = c
    results["table_weights"] = table_weights
    results["fitted_table_weights"] = fitted_tables
    results["choice"] = choice = choose_shipped(results)
    if write:
        best = model if choice == "fitted" else with_tables
        WEIGHTS.write_text(best.to_json(), encoding="utf-8")
        load.cache_clear()
    (where / "report.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results
