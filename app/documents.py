"""Changing what the index holds: ingest, uploads, removals (and undoing them), for the CLI and the editor API.

Each change takes the index lock, rebuilds, and publishes a new version or leaves the previous one
in service; an upload is one recoverable unit (ingest.uploads) settled at the next start if killed.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from core.errors import Conflict, NotFound
from core.settings import Settings
from index.build import BuildReport, build_index
from index.embedding import Embedder
from index.layout import IndexLayout
from index.models import IndexNotReady
from index.store import Store
from ingest.catalog import format_for
from ingest.manifest import corpus_entries, extra_entry, read_manifest
from ingest.models import IngestError, Kind
from ingest.pipeline import SourceResult


class UnknownDocument(NotFound):
    """A document or source id the index does not hold (or, undoing, never removed)."""


class DuplicateUpload(Conflict):
    """The same bytes are already listed as an upload or indexed as a source."""


def ingest(
    settings: Settings,
    embedder: Callable[[], Embedder],
    extra: Sequence[Path] = (),
    extra_kind: Kind = "research",
    show_progress: bool = True,
    force: bool = False,
    on_settled: Callable[[list[str], list[str]], None] = lambda kept, dropped: None,
    progressive: bool = False,
) -> BuildReport:
    """Build from the manifest, the uploads and `extra` files, after settling uploads a killed process
    left pending (`on_settled` hears which were kept and which removed, before the build starts).
    `progressive`: keyword search is published first, the vectors as they are ready (index/stages.py)."""
    extras = []
    for path in extra:
        fmt = format_for(path) if path.is_file() else None
        if fmt is None:
            raise IngestError(f"--extra {path}: not a file medcite can read (pdf, html, JATS/MedQuAD xml, jsonl, txt, md)")
        extras.append(extra_entry(path, extra_kind, fmt))
    on_settled(*(recover_uploads(settings) or ([], [])))  # a killed upload is settled before its listing is read
    entries = corpus_entries(settings.manifest, settings.uploads_manifest) + extras
    return build_index(settings, entries, embedder, show_progress=show_progress, force=force, progressive=progressive)


def upload(
    settings: Settings, data: bytes, filename: str, kind: Kind, title: str | None, embedder: Callable[[], Embedder]
) -> tuple[list[str], BuildReport]:
    """`add_upload`, its refusals naming the file."""
    try:
        return add_upload(settings, data, filename, kind, title, embedder)
    except IngestError as exc:
        raise IngestError(f"{filename}: {exc}") from exc


def set_removed(settings: Settings, ids: list[str], embedder: Callable[[], Embedder], undo: bool = False) -> BuildReport:
    """Remove (or restore) documents or sources, then publish a version without (or with) them.

    Removals persist in the index directory so later ingests keep them out. If the rebuild fails,
    the removal list is put back as it was and the previous version stays in service.
    """
    layout = IndexLayout(settings.index_dir)
    with layout.lock():  # read-modify-write of the removal list and the rebuild, one editor at a time
        return _set_removed(settings, layout, ids, embedder, undo)


def _set_removed(
    settings: Settings, layout: IndexLayout, ids: list[str], embedder: Callable[[], Embedder], undo: bool
) -> BuildReport:
    before = layout.removed()
    if undo:
        unknown = [i for i in ids if i not in before]
        if unknown:
            raise UnknownDocument(f"not removed: {', '.join(unknown)}")
        after = before - set(ids)
    else:
        directory = layout.current_dir()
        if directory is None:
            raise IndexNotReady(f"no index in {settings.index_dir}: run `medcite ingest` first")
        store = Store(directory / "store.sqlite")
        try:
            known = store.sources()
            unknown = [i for i in ids if i not in known and store.document(i) is None and i not in before]
        finally:
            store.close()
        if unknown:
            raise UnknownDocument(f"not in the index: {', '.join(unknown)}")
        after = before | set(ids)
    layout.set_removed(after)
    try:
        return build_index(
            settings, corpus_entries(settings.manifest, settings.uploads_manifest), embedder, show_progress=False, locked=True
        )
    except BaseException:
        layout.set_removed(before)
        raise


def add_upload(
    settings: Settings, data: bytes, filename: str, kind: Kind, title: str | None, embedder: Callable[[], Embedder]
) -> tuple[list[str], BuildReport]:
    """Store, check and index one uploaded file; returns its document ids and the new version's report.

    One recoverable unit (ingest.uploads): the file and a pending record are durable before the
    rebuild; the upload is listed only after its version is published. A failure here removes it
    at once; a kill is settled by `recover_uploads` at the next server start or ingest.
    """
    from ingest.uploads import abandon_upload, commit_upload, mark_pending, store_upload

    layout = IndexLayout(settings.index_dir)
    with layout.lock():  # one editor at a time, and nothing pending of ours is ever seen by `recover_uploads`
        _refuse_duplicate(settings, layout, hashlib.sha256(data).hexdigest())  # before storing
        result = store_upload(settings, data, filename, kind, title)
        try:
            _refuse_clashes(layout, result)
            mark_pending(settings, result.entry)
            entries = corpus_entries(settings.manifest, settings.uploads_manifest) + [result.entry]
            report = build_index(settings, entries, embedder, show_progress=False, locked=True)
        except BaseException:
            abandon_upload(settings, result.entry)
            raise
        commit_upload(settings, result.entry)
    return [d.doc_id for d in result.documents], report


def recover_uploads(settings: Settings, wait: bool = True) -> tuple[list[str], list[str]] | None:
    """Settle uploads a killed process left pending (see ingest.uploads.reconcile): (listed, removed).

    `wait=False` (server start): when another process holds the index lock, skip; it is then either
    an ingest, which recovers first itself, or a live upload, which must not be touched.
    """
    from ingest.uploads import reconcile

    layout = IndexLayout(settings.index_dir)
    layout.root.mkdir(parents=True, exist_ok=True)
    with (layout.root / ".lock").open("w") as handle:  # the same lock as IndexLayout.lock, optionally not waiting
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        try:
            directory = layout.current_dir()
            published: set[str] = set()
            if directory is not None:
                store = Store(directory / "store.sqlite")
                try:
                    published = set(store.sources())
                finally:
                    store.close()
            return reconcile(settings, published)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _refuse_clashes(layout: IndexLayout, result: SourceResult) -> None:
    removed = [d.doc_id for d in result.documents if d.doc_id in layout.removed()]
    if removed:
        raise IngestError(f"removed from the index earlier (restore them instead): {', '.join(removed)}")
    directory = layout.current_dir()
    if directory is not None:
        store = Store(directory / "store.sqlite")
        try:
            clash = [d.doc_id for d in result.documents if store.document(d.doc_id) is not None]
        finally:
            store.close()
        if clash:
            raise IngestError(f"already in the index: {', '.join(clash)}")


def _refuse_duplicate(settings: Settings, layout: IndexLayout, sha256: str) -> None:
    if settings.uploads_manifest.is_file():
        for entry in read_manifest(settings.uploads_manifest):
            if entry.sha256 == sha256:
                raise DuplicateUpload(f"this file is already uploaded as source {entry.id}")
    directory = layout.current_dir()
    if directory is None:
        return
    store = Store(directory / "store.sqlite")
    try:
        # a source's fingerprint starts with its file's sha256 (index.build.fingerprint)
        same = sorted(source for source, fp in store.sources().items() if fp.split("/", 1)[0] == sha256)
    finally:
        store.close()
    if same:
        raise DuplicateUpload(f"this file is already indexed as source {', '.join(same)}")
