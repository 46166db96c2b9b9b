"""`medcite train-design`: refit the study-design model from the shipped research records (evaluation/train_design.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from medcite.cli.common import fail, load_settings


def train_design(
    write: Annotated[
        bool, typer.Option("--write", help="Replace ingest/design_model.json with the model fitted on every labelled record.")
    ] = False,
    folds: Annotated[int, typer.Option(help="Held-out folds (grouped by document).")] = 5,
    report: Annotated[Path | None, typer.Option(help="Also write the held-out figures as JSON here.")] = None,
) -> None:
    """Fit the design model on research records whose MeSH or publication types name a design, with those
    terms hidden from it; print held-out precision, recall and macro-F1 and the confidence threshold."""
    from evaluation.train_design import table, train

    if not 2 <= folds <= 20:
        fail("--folds must be between 2 and 20", 2)
    results = train(load_settings(), write=write, folds=folds, progress=typer.echo)
    for line in table(results):
        typer.echo(line)
    if results["set_aside"]:
        typer.echo(f"too few labelled records to learn (read from labels only): {', '.join(results['set_aside'])}")
    if report is not None:
        report.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        typer.echo(f"wrote {report}")
    typer.echo(f"wrote {results['written']}" if write else "not written (add --write to replace ingest/design_model.json)")
