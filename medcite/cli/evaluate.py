"""`medcite eval` and `medcite eval-compare`: question sets in, metrics and a report out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from medcite.cli.common import fail, load_settings
from medcite.cli.executors import ADDRESS_HELP, EXECUTOR_HELP, WORKERS_HELP, executor_for

MODES = ("bm25", "dense", "hybrid")


def eval_command(
    question_set: Annotated[Path, typer.Argument(help="JSONL or CSV: id, question, relevant[, reference_answer, relevance]")],
    modes: Annotated[str, typer.Option(help="Comma-separated retrieval modes.")] = "bm25,dense,hybrid",
    k: Annotated[int, typer.Option("-k", help="Cut-off shown in the summary table (Recall@k, nDCG@k).")] = 10,
    out: Annotated[Path | None, typer.Option(help="Run directory (default var/eval/<set name>).")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N questions.")] = None,
    qrels: Annotated[Path | None, typer.Option(help="TREC qrels overriding the set's relevance.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    executor: Annotated[str, typer.Option(help=EXECUTOR_HELP)] = "local",
    address: Annotated[str | None, typer.Option(help=ADDRESS_HELP)] = None,
    workers: Annotated[int | None, typer.Option(help=WORKERS_HELP)] = None,
) -> None:
    """Run a question set through every mode and the answer composer; resumable; writes a report.
    With --executor ray the questions are answered in parallel by Ray actors (same records, same order)."""
    from app.services import open_searcher
    from evaluation.evaluate import evaluate
    from evaluation.questions import read_questions

    chosen = [m.strip() for m in modes.split(",") if m.strip()]
    if not chosen or any(m not in MODES for m in chosen):
        fail(f"--modes takes a comma-separated list of {', '.join(MODES)} (got {modes!r})", 2)
    if k not in (1, 5, 10, 50):
        fail("-k must be one of 1, 5, 10, 50 (the cut-offs measured)", 2)
    parallel = executor_for(executor, address, workers)  # before any work: a missing Ray is one line
    settings = load_settings()
    questions = read_questions(question_set, qrels)[: limit or None]
    searcher = open_searcher(settings)
    target = out or settings.index_dir.parent / "eval" / question_set.stem
    with parallel:
        results = evaluate(questions, question_set.name, searcher, settings, chosen, target, progress=not quiet)
    typer.echo(f"{results['questions']} questions · index {results['index_version']}")
    for mode, stats in results["retrieval"]["modes"].items():
        cells = "  ".join(
            f"{name} {stats[name]['mean']:.3f} [{stats[name]['ci95'][0]:.3f},{stats[name]['ci95'][1]:.3f}]"
            for name in ("R@1", f"R@{k}", "MRR@10", f"nDCG@{10 if k != 1 else 10}")
        )
        typer.echo(f"{mode:<7} {cells}")
    answers = results["answers"]
    typer.echo(
        "answers "
        + "  ".join(f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}" for key, value in answers.items())
    )
    typer.echo(f"wrote {target / 'results.json'}, {target / 'runs.jsonl'}, {target / 'report.html'}")


def eval_compare(
    a: Annotated[Path, typer.Argument(help="Earlier run directory.")],
    b: Annotated[Path, typer.Argument(help="Later run directory.")],
) -> None:
    """Per-metric deltas (B − A) and which questions got better or worse."""
    from evaluation.evaluate import compare

    for directory in (a, b):
        if not (directory / "results.json").is_file():
            fail(f"{directory} has no results.json: run `medcite eval … --out {directory}` first")
    typer.echo(json.dumps(compare(a, b), indent=1))


SETS = Path(__file__).resolve().parents[2] / "evaluation" / "sets"
# Sets train-ranker scores per fold and never trains on, by name, with the files each is by default; every other
# guideline set is trained on.
HELD_OUT = {"paraphrases": "guideline-*paraphrase*.jsonl", "blind": "guideline-blind*.jsonl"}


def train_ranker(
    sets: Annotated[
        list[Path] | None, typer.Option("--set", help="A question set with gold quotes (default: the four guideline sets).")
    ] = None,
    paraphrases: Annotated[
        list[Path] | None,
        typer.Option(
            help="Rewordings scored per fold, never trained on (default: guideline-dev-paraphrases.jsonl when present)."
        ),
    ] = None,
    blind: Annotated[
        list[Path] | None,
        typer.Option(
            help="Questions written blind on the same guidelines, scored per fold, never trained on "
            "(default: guideline-blind*.jsonl)."
        ),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Replace qa/lead_weights.json with the better of the fit and the hand weights on the questions "
            "written blind (held out for both).",
        ),
    ] = False,
    work_dir: Annotated[
        Path | None, typer.Option(help="Where the guideline-only index and report.json are kept (default var/train).")
    ] = None,
) -> None:
    """Fit the lead ranker on the guideline question sets and report leave-one-guideline-out figures, the
    hand weights beside the fit; deterministic, from the shipped guidelines in the data dir."""
    from evaluation.train_lead import train

    defaults = {name: sorted(SETS.glob(pattern)) for name, pattern in HELD_OUT.items()}
    chosen = sets or sorted(set(SETS.glob("guideline-*.jsonl")).difference(*defaults.values()))
    given = {"paraphrases": paraphrases, "blind": blind}
    extra = {name: files if (files := given[name]) is not None else defaults[name] for name in HELD_OUT}
    for path in [*chosen, *(p for files in extra.values() for p in files)]:
        if not path.is_file():
            fail(f"no question set at {path}", 2)
    settings = load_settings()
    where = work_dir or settings.index_dir.parent / "train"
    results = train(settings, chosen, extra, where, write, progress=typer.echo)
    typer.echo(f"{'held-out guideline':<52} {'n':>3}  hand   fitted")
    for row in results["folds"]:
        typer.echo(f"{row['fold']:<52} {row['questions']:>3}  {row['hand']:.3f}  {row['fitted']:.3f}")
    pooled = results["pooled"]
    if "hand" in pooled:
        typer.echo(f"{'pooled':<52} {'':>3}  {pooled['hand']:.3f}  {pooled['fitted']:.3f}")
    for name in extra:
        if f"{name}_hand" in pooled:
            typer.echo(f"{name + ' (per fold)':<52} {'':>3}  {pooled[name + '_hand']:.3f}  {pooled[name + '_fitted']:.3f}")
    tables = results["tables"]["pooled"]
    typer.echo(f"hand weights with the table features (weights {results['table_weights']}), held out:")
    for name in ("written", "tables", *extra):
        if f"{name}_hand" in tables:
            typer.echo(f"  {name + ' questions':<50} {'':>3}  {tables[name + '_hand']:.3f} → {tables[name + '_with_tables']:.3f}")
    typer.echo("worth per s.d.: " + ", ".join(f"{name} {weight:+.2f}" for name, weight in results["worth"]))
    typer.echo(f"the better held out, which --write ships: {'the fit' if results['choice'] == 'fitted' else 'the hand weights'}")
    typer.echo(f"wrote {where / 'report.json'}" + (" and qa/lead_weights.json" if write else ""))
