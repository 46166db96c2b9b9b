"""`medcite` command line: ingest, search, stats, remove, manifest, serve.

Domain errors are turned into one `error: …` line and a non-zero exit here, at the edge.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from ingest.models import KINDS, IngestError  # noqa: E402
from medcite.settings import Settings  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True, help="medcite: answers for clinicians from guidelines and research.")


class _State:
    overrides: dict[str, object] = {}

    @classmethod
    def settings(cls, **more: object) -> Settings:
        try:
            return Settings(**{**cls.overrides, **{k: v for k, v in more.items() if v is not None}})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise typer.BadParameter(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def _fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


@app.callback()
def main_options(
    data_dir: Annotated[Optional[Path], typer.Option(help="Corpus data directory (default ../shared/data).")] = None,
    index_dir: Annotated[Optional[Path], typer.Option(help="Index directory (default var/index).")] = None,
    manifest: Annotated[Optional[Path], typer.Option(help="Corpus manifest (default corpus/manifest.jsonl).")] = None,
) -> None:
    _State.overrides = {
        k: v.resolve() for k, v in {"data_dir": data_dir, "index_dir": index_dir, "manifest": manifest}.items() if v is not None
    }


@app.command()
def ingest(
    force: Annotated[bool, typer.Option(help="Rebuild even if nothing changed.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Read the manifest's sources into a new index version (a no-op when nothing changed)."""
    from index.build import BuildError, build_index
    from ingest.manifest import read_manifest
    from medcite.services import load_embedder

    settings = _State.settings()
    try:
        entries = read_manifest(settings.manifest)
        report = build_index(settings, entries, lambda: load_embedder(settings), show_progress=not quiet, force=force)
    except (IngestError, BuildError, FileNotFoundError) as exc:
        _fail(str(exc))
    for path, reason in report.errors:
        typer.secho(f"skipped {path}: {reason}", err=True, fg=typer.colors.YELLOW)
    for path, warning in report.warnings[:20]:
        typer.echo(f"warning {path}: {warning}", err=True)
    if len(report.warnings) > 20:
        typer.echo(f"… and {len(report.warnings) - 20} more warnings", err=True)
    state = "index is up to date" if report.unchanged else f"published index {report.version}"
    typer.echo(
        f"{state}: {report.sources} sources, {report.documents} documents, {report.chunks} chunks; "
        f"{report.embedded} chunks embedded, {report.reused_sources} sources reused unchanged, "
        f"{report.removed} removed, {len(report.errors)} errors; {report.seconds:.1f} s"
    )


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", help="Number of hits.")] = 10,
    mode: Annotated[str, typer.Option(help="bm25 | dense | hybrid")] = "hybrid",
    kind: Annotated[Optional[list[str]], typer.Option(help="Only this kind (guideline, research, reference); repeatable.")] = None,
    year_from: Annotated[Optional[int], typer.Option(help="Only documents from this year on.")] = None,
    year_to: Annotated[Optional[int], typer.Option(help="Only documents up to this year.")] = None,
) -> None:
    """Ranked passages with their fused, BM25 and dense scores and where each came from."""
    from index.models import Filters, IndexNotReady, QueryError
    from medcite.services import open_searcher

    if mode not in ("bm25", "dense", "hybrid"):
        _fail(f"--mode must be bm25, dense or hybrid (got {mode!r})", 2)
    for value in kind or []:
        if value not in KINDS:
            _fail(f"--kind must be one of {', '.join(KINDS)} (got {value!r})", 2)
    settings = _State.settings()
    try:
        searcher = open_searcher(settings)
        hits = searcher.search(question, k=k, mode=mode, filters=Filters(tuple(kind or ()), year_from, year_to))  # type: ignore[arg-type]
    except (IndexNotReady, QueryError, FileNotFoundError) as exc:
        _fail(str(exc))
    if not hits:
        typer.echo("no passages matched")
    for hit in hits:
        p = hit.passage
        ranks = f"bm25 #{hit.bm25_rank or '-'} {hit.bm25:.2f} · dense #{hit.dense_rank or '-'} {hit.dense:.3f}"
        typer.secho(f"{hit.rank:>2}. [{p.kind}] {p.title or p.doc_id}", bold=True)
        origin = ", ".join(str(x) for x in (p.source, p.year) if x)
        typer.echo(f"    {origin + ' · ' if origin else ''}{p.citation_locator}" + (f" · {p.section}" if p.section else ""))
        typer.echo(f"    fused {hit.fused:.4f} · {ranks}")
        typer.echo(textwrap.indent(textwrap.fill(textwrap.shorten(p.text, 300), 96), "    "))


@app.command()
def stats() -> None:
    """What the current index holds."""
    from index.layout import IndexLayout
    from index.store import Store

    settings = _State.settings()
    layout = IndexLayout(settings.index_dir)
    directory, manifest = layout.current_dir(), layout.current_manifest()
    if directory is None or manifest is None:
        _fail(f"no index in {settings.index_dir}: run `medcite ingest` first")
    store = Store(directory / "store.sqlite")
    counts = store.counts()
    store.close()
    size = sum(f.stat().st_size for f in directory.iterdir())
    typer.echo(f"version     {manifest.version} (built {manifest.created_at})")
    typer.echo(f"model       {manifest.model_name}, {manifest.dimensions}-d, FAISS {manifest.index_type}")
    typer.echo(f"sources     {manifest.sources}")
    for kind in KINDS:
        typer.echo(f"{kind:<11} {counts['documents'].get(kind, 0)} documents, {counts['chunks'].get(kind, 0)} chunks")
    typer.echo(f"total       {manifest.documents} documents, {manifest.chunks} chunks, {size / 1e6:.1f} MB on disk")
    if manifest.removed:
        typer.echo(f"removed     {', '.join(manifest.removed)}")


@app.command()
def remove(
    ids: Annotated[list[str], typer.Argument(help="Document ids (PMID:…, doi:…, path) or source ids.")],
    undo: Annotated[bool, typer.Option(help="Put previously removed ids back.")] = False,
) -> None:
    """Remove documents or sources from the index (kept out of later ingests), then rebuild."""
    from index.layout import IndexLayout
    from index.store import Store

    settings = _State.settings()
    layout = IndexLayout(settings.index_dir)
    removed = layout.removed()
    if undo:
        unknown = [i for i in ids if i not in removed]
        if unknown:
            _fail(f"not removed: {', '.join(unknown)}")
        removed -= set(ids)
    else:
        directory = layout.current_dir()
        if directory is None:
            _fail(f"no index in {settings.index_dir}: run `medcite ingest` first")
        store = Store(directory / "store.sqlite")
        known = store.sources()
        unknown = [i for i in ids if i not in known and store.document(i) is None and i not in removed]
        store.close()
        if unknown:
            _fail(f"not in the index: {', '.join(unknown)}")
        removed |= set(ids)
    layout.set_removed(removed)
    ingest(force=False, quiet=True)


@app.command()
def manifest(
    check: Annotated[bool, typer.Option(help="Only report differences; write nothing.")] = False,
) -> None:
    """Rebuild corpus/manifest.jsonl from the data dir (keeps curated titles, refreshes checksums)."""
    from ingest.catalog import scan
    from ingest.manifest import read_manifest, write_manifest

    settings = _State.settings()
    existing = read_manifest(settings.manifest) if settings.manifest.is_file() else []
    entries, skipped = scan(settings.data_dir, existing)
    before = {e.path: e for e in existing}
    changed = [e.path for e in entries if before.get(e.path) != e]
    gone = sorted(set(before) - {e.path for e in entries})
    typer.echo(f"{len(entries)} sources ({len(changed)} new or changed, {len(gone)} gone); {len(skipped)} files not sources")
    if not check:
        write_manifest(settings.manifest, entries)
        typer.echo(f"wrote {settings.manifest}")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the web page and API."""
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(_State.settings()), host=host, port=port, log_level="info")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
