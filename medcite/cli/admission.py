"""`medcite train-admission`: refit which documents an answer may cite (qa/admission.py, evaluation/train_admission.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from medcite.cli.common import fail, load_settings

SETS = Path(__file__).resolve().parents[2] / "evaluation" / "sets"
FIGURES = ("statement_precision", "citation_precision", "off_topic_share", "gold_cited", "lead_holds_gold", "gold_page_cited")


def _row(name: str, figures: dict) -> str:
    cells = "  ".join("   —  " if figures.get(f) is None else f"{figures[f]:.3f} " for f in FIGURES)
    return f"{name:<34} {int(figures['questions']):>4}  {cells}"


def train_admission(
    sets: Annotated[
        list[Path] | None,
        typer.Option("--set", help="A guideline question set with gold documents (default: the four guideline sets)."),
    ] = None,
    paraphrases: Annotated[
        list[Path] | None,
        typer.Option(help="Rewordings scored per fold, never trained on (default: guideline-dev-paraphrases.jsonl)."),
    ] = None,
    research: Annotated[
        Path | None, typer.Option(help="Research questions with gold abstracts (default: pubmedqa-dev.jsonl in the data dir).")
    ] = None,
    held_out: Annotated[int, typer.Option(help="The research set's first N questions: reported, never trained on.")] = 100,
    medquad_every: Annotated[int, typer.Option(help="A question from every N-th MedQuAD reference page.")] = 5,
    write: Annotated[
        bool, typer.Option("--write", help="Replace qa/admission_weights.json with the model fitted on all.")
    ] = False,
    work_dir: Annotated[Path | None, typer.Option(help="Where admission-report.json is written (default var/train).")] = None,
) -> None:
    """Fit the admission model on questions whose gold documents are known, asked of the index (built first
    when it is not); print cross-validated answer figures with and without it. Deterministic."""
    from evaluation.train_admission import train

    settings = load_settings()
    chosen = sets or sorted(p for p in SETS.glob("guideline-*.jsonl") if "paraphrase" not in p.name)
    extra = paraphrases if paraphrases is not None else sorted(SETS.glob("guideline-*paraphrase*.jsonl"))
    research = research or (settings.data_dir / "eval" / "pubmedqa-dev.jsonl")
    for path in [*chosen, *extra, research]:
        if not path.is_file():
            fail(f"no question set at {path}", 2)
    if held_out < 0 or medquad_every < 1:
        fail("--held-out must be ≥ 0 and --medquad-every ≥ 1", 2)
    where = work_dir or settings.index_dir.parent / "train"
    results = train(settings, chosen, extra, research, held_out, medquad_every, where, write, progress=typer.echo)
    typer.echo(f"{'':<34} {'n':>4}  " + "  ".join(f[:6] for f in FIGURES))
    for stage in ("before", "after"):
        for source, figures in results["pooled"][stage].items():
            typer.echo(_row(f"held-out folds, {source}, {stage}", figures))
    held = results["held_out"]
    if held["before"]["questions"]:
        typer.echo(_row("held-out research, before", held["before"]))
        typer.echo(_row("held-out research, after", held["after"]))
    typer.echo(f"C {results['C']}, threshold {results['threshold']}")
    typer.echo("worth per s.d.: " + ", ".join(f"{name} {weight:+.2f}" for name, weight in results["worth"]))
    typer.echo(f"wrote {where / 'admission-report.json'}" + (" and qa/admission_weights.json" if write else ""))
