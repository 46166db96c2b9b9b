"""Corpus and index commands: ingest, stats, remove, manifest (changes through app.documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.kinds import KINDS
from medcite.cli.common import fail, load_settings
from medcite.cli.executors import ADDRESS_HELP, EXECUTOR_HELP, WORKERS_HELP, executor_for


def ingest(
    force: Annotated[
        bool,
        typer.Option(help="Rebuild even if nothing changed: read every source again (embeddings still come from the cache)."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    extra: Annotated[
        list[Path] | None, typer.Option(help="Also index this file (a question set's own corpus); needs --index-dir.")
    ] = None,
    extra_kind: Annotated[str, typer.Option(help="Kind of the --extra files.")] = "research",
    progressive: Annotated[
        bool,
        typer.Option(
            help="Publish keyword search first, then chunk vectors, then sentence vectors, each as a version (a first run)."
        ),
    ] = False,
    executor: Annotated[str, typer.Option(help=EXECUTOR_HELP)] = "local",
    address: Annotated[str | None, typer.Option(help=ADDRESS_HELP)] = None,
    workers: Annotated[int | None, typer.Option(help=WORKERS_HELP)] = None,
) -> None:
    """Read the manifest's sources into a new index version (a no-op when nothing changed)."""
    from app.documents import ingest as build
    from app.services import load_embedder
    from core.settings import Settings

    settings = load_settings()
    if extra and settings.index_dir == Settings.model_fields["index_dir"].default:
        fail("--extra builds a separate index: give --index-dir DIR (the shipped index stays as it is)", 2)
    if extra_kind not in KINDS:
        fail(f"--extra-kind must be one of {', '.join(KINDS)}", 2)

    def settled(listed: list[str], dropped: list[str]) -> None:
        for source in dropped:
            typer.echo(f"removed upload {source}: it was never acknowledged (its process stopped mid-upload)", err=True)
        for source in listed:
            typer.echo(f"kept upload {source}: its index version was published before its process stopped", err=True)

    with executor_for(executor, address, workers):  # ray: reading, chunking and embedding on a Ray cluster
        report = build(
            settings,
            lambda: load_embedder(settings),
            extra or [],
            extra_kind,
            show_progress=not quiet,
            force=force,
            on_settled=settled,
            progressive=progressive,
        )
    for path, reason in report.errors:
        typer.secho(f"skipped {path}: {reason}", err=True, fg=typer.colors.YELLOW)
    for path, warning in report.warnings[:20]:
        typer.echo(f"warning {path}: {warning}", err=True)
    if len(report.warnings) > 20:
        typer.echo(f"… and {len(report.warnings) - 20} more warnings", err=True)
    for version in report.published[:-1]:
        typer.echo(f"published partial index {version} (vectors followed)")
    state = "index is up to date" if report.unchanged else f"published index {report.version}"
    typer.echo(
        f"{state}: {report.sources} sources, {report.documents} documents, {report.chunks} chunks; "
        f"{report.embedded} chunks and {report.embedded_sentences} sentences embedded, "
        f"{report.reused_sources} sources reused unchanged, "
        f"{report.removed} removed, {len(report.errors)} errors; {report.seconds:.1f} s"
    )
    if report.stages:
        typer.echo("stages: " + " · ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.stages.items()))


def stats() -> None:
    """What the current index holds."""
    from index.layout import IndexLayout
    from index.store import Store

    settings = load_settings()
    layout = IndexLayout(settings.index_dir)
    directory, manifest = layout.current_dir(), layout.current_manifest()
    if directory is None or manifest is None:
        fail(f"no index in {settings.index_dir}: run `medcite ingest` first")
    store = Store(directory / "store.sqlite")
    counts = store.counts()
    store.close()
    size = sum(f.stat().st_size for f in directory.iterdir())
    typer.echo(f"version     {manifest.version} (built {manifest.created_at})")
    typer.echo(
        f"model       {manifest.model_name} ({manifest.embedding_backend}), {manifest.dimensions}-d, FAISS "
        f"{manifest.index_type}; vectors {manifest.vectors}"
    )  # pending | chunks | complete (a progressive build)
    typer.echo(f"sources     {manifest.sources}")
    for kind in KINDS:
        typer.echo(f"{kind:<11} {counts['documents'].get(kind, 0)} documents, {counts['chunks'].get(kind, 0)} chunks")
    typer.echo(f"total       {manifest.documents} documents, {manifest.chunks} chunks, {size / 1e6:.1f} MB on disk")
    if manifest.removed:
        typer.echo(f"removed     {', '.join(manifest.removed)}")


def remove(
    ids: Annotated[list[str], typer.Argument(help="Document ids (PMID:…, doi:…, path) or source ids.")],
    undo: Annotated[bool, typer.Option(help="Put previously removed ids back.")] = False,
) -> None:
    """Remove documents or sources from the index (kept out of later ingests), then rebuild."""
    from app.documents import set_removed
    from app.services import load_embedder

    settings = load_settings()
    report = set_removed(settings, ids, lambda: load_embedder(settings), undo=undo)
    typer.echo(f"published index {report.version}: {report.documents} documents, {report.chunks} chunks")


def manifest(
    check: Annotated[bool, typer.Option(help="Only report differences; write nothing.")] = False,
) -> None:
    """Rebuild corpus/manifest.jsonl from the data dir (keeps curated titles, refreshes checksums)."""
    from ingest.catalog import scan
    from ingest.manifest import read_manifest, write_manifest

    settings = load_settings()
    existing = read_manifest(settings.manifest) if settings.manifest.is_file() else []
    entries, skipped = scan(settings.data_dir, existing)
    before = {e.path: e for e in existing}
    changed = [e.path for e in entries if before.get(e.path) != e]
    gone = sorted(set(before) - {e.path for e in entries})
    typer.echo(f"{len(entries)} sources ({len(changed)} new or changed, {len(gone)} gone); {len(skipped)} files not sources")
    if not check:
        write_manifest(settings.manifest, entries)
        typer.echo(f"wrote {settings.manifest}")
