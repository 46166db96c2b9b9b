"""`medcite search`: ranked passages with every score and their provenance."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Annotated

import typer

from core.kinds import KINDS
from medcite.cli.common import designs, fail, load_settings

if TYPE_CHECKING:
    from index.models import Mode

MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")


def search(
    question: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", help="Number of hits.")] = 10,
    mode: Annotated[str, typer.Option(help="bm25 | dense | hybrid")] = "hybrid",
    kind: Annotated[list[str] | None, typer.Option(help="Only this kind (guideline, research, reference); repeatable.")] = None,
    year_from: Annotated[int | None, typer.Option(help="Only documents from this year on.")] = None,
    year_to: Annotated[int | None, typer.Option(help="Only documents up to this year.")] = None,
    design: Annotated[
        list[str] | None, typer.Option(help="Only research of this study design (e.g. randomised_trial); repeatable.")
    ] = None,
) -> None:
    """Ranked passages with their fused, BM25 and dense scores and where each came from."""
    from app.services import open_searcher
    from index.models import Filters
    from qa.study import study_line

    if mode not in MODES:
        fail(f"--mode must be bm25, dense or hybrid (got {mode!r})", 2)
    for value in kind or []:
        if value not in KINDS:
            fail(f"--kind must be one of {', '.join(KINDS)} (got {value!r})", 2)
    filters = Filters(tuple(kind or ()), year_from, year_to, designs(design))  # type: ignore[arg-type]
    searcher = open_searcher(load_settings())
    hits = searcher.search(question, k=k, mode=mode, filters=filters)
    if not hits:
        typer.echo("no passages matched")
    for hit in hits:
        p = hit.passage
        ranks = f"bm25 #{hit.bm25_rank or '-'} {hit.bm25:.2f} · dense #{hit.dense_rank or '-'} {hit.dense:.3f}"
        typer.secho(f"{hit.rank:>2}. [{p.kind}] {p.title or p.doc_id}", bold=True)
        origin = ", ".join(str(x) for x in (p.source, p.year) if x)
        typer.echo(f"    {origin + ' · ' if origin else ''}{p.citation_locator}" + (f" · {p.section}" if p.section else ""))
        if p.study is not None and (line := study_line(p.study)):
            typer.echo(f"    {line}")
        typer.echo(f"    fused {hit.fused:.4f} · {ranks}")
        typer.echo(textwrap.indent(textwrap.fill(textwrap.shorten(p.text, 300), 96), "    "))
