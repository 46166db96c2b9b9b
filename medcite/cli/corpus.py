"""Corpus and index commands: ingest, stats, remove, manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ingest.models import KINDS, IngestError
from medcite.cli.common import State, fail


def ingest(
    force: Annotated[bool, typer.Option(help="Rebuild even if nothing changed.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    extra: Annotated[Optional[list[Path]], typer.Option(help="Also index this file (a question set's own corpus); needs --index-dir.")] = None,
    extra_kind: Annotated[str, typer.Option(help="Kind of the --extra files.")] = "research",
) -> None:
    """Read the manifest's sources into a new index version (a no-op when nothing changed)."""
    from index.build import BuildError, build_index
    from index.maintenance import recover_uploads
    from ingest.catalog import format_for
    from ingest.manifest import corpus_entries, extra_entry
    from medcite.services import load_embedder
    from medcite.settings import Settings

    settings = State.settings()
    if extra and settings.index_dir == Settings.model_fields["index_dir"].default:
        fail("--extra builds a separate index: give --index-dir DIR (the shipped index stays as it is)", 2)
    if extra_kind not in KINDS:
        fail(f"--extra-kind must be one of {', '.join(KINDS)}", 2)
    try:
        listed, dropped = recover_uploads(settings) or ([], [])  # a killed upload is settled before its listing is read
        for source in dropped:
            typer.echo(f"removed upload {source}: it was never acknowledged (its process stopped mid-upload)", err=True)
        for source in listed:
            typer.echo(f"kept upload {source}: its index version was published before its process stopped", err=True)
        entries = corpus_entries(settings.manifest, settings.uploads_manifest)
        for path in extra or []:
            fmt = format_for(path) if path.is_file() else None
            if fmt is None:
                fail(f"--extra {path}: not a file medcite can read (pdf, html, JATS/MedQuAD xml, jsonl, txt, md)")
            entries.append(extra_entry(path, extra_kind, fmt))  # type: ignore[arg-type]
        report = build_index(settings, entries, lambda: load_embedder(settings), show_progress=not quiet, force=force)
    except (IngestError, BuildError, FileNotFoundError) as exc:
        fail(str(exc))
    for path, reason in report.errors:
        typer.secho(f"skipped {path}: {reason}", err=True, fg=typer.colors.YELLOW)
    for path, warning in report.warnings[:20]:
        typer.echo(f"warning {path}: {warning}", err=True)
    if len(report.warnings) > 20:
        typer.echo(f"… and {len(report.warnings) - 20} more warnings", err=True)
    state = "index is up to date" if report.unchanged else f"published index {report.version}"
    typer.echo(
        f"{state}: {report.sources} sources, {report.documents} documents, {report.chunks} chunks; "
        f"{report.embedded} chunks and {report.embedded_sentences} sentences embedded, "
        f"{report.reused_sources} sources reused unchanged, "
        f"{report.removed} removed, {len(report.errors)} errors; {report.seconds:.1f} s"
    )


def stats() -> None:
    """What the current index holds."""
    from index.layout import IndexLayout
    from index.store import Store

    settings = State.settings()
    layout = IndexLayout(settings.index_dir)
    directory, manifest = layout.current_dir(), layout.current_manifest()
    if directory is None or manifest is None:
        fail(f"no index in {settings.index_dir}: run `medcite ingest` first")
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


def remove(
    ids: Annotated[list[str], typer.Argument(help="Document ids (PMID:…, doi:…, path) or source ids.")],
    undo: Annotated[bool, typer.Option(help="Put previously removed ids back.")] = False,
) -> None:
    """Remove documents or sources from the index (kept out of later ingests), then rebuild."""
    from index.build import BuildError
    from index.maintenance import UnknownDocument, set_removed
    from index.models import IndexNotReady
    from medcite.services import load_embedder

    settings = State.settings()
    try:
        report = set_removed(settings, ids, lambda: load_embedder(settings), undo=undo)
    except (UnknownDocument, IndexNotReady, BuildError, IngestError) as exc:
        fail(str(exc))
    typer.echo(f"published index {report.version}: {report.documents} documents, {report.chunks} chunks")


def manifest(
    check: Annotated[bool, typer.Option(help="Only report differences; write nothing.")] = False,
) -> None:
    """Rebuild corpus/manifest.jsonl from the data dir (keeps curated titles, refreshes checksums)."""
    from ingest.catalog import scan
    from ingest.manifest import read_manifest, write_manifest

    settings = State.settings()
    existing = read_manifest(settings.manifest) if settings.manifest.is_file() else []
    entries, skipped = scan(settings.data_dir, existing)
    before = {e.path: e for e in existing}
    changed = [e.path for e in entries if before.get(e.path) != e]
    gone = sorted(set(before) - {e.path for e in entries})
    typer.echo(f"{len(entries)} sources ({len(changed)} new or changed, {len(gone)} gone); {len(skipped)} files not sources")
    if not check:
        write_manifest(settings.manifest, entries)
        typer.echo(f"wrote {settings.manifest}")
