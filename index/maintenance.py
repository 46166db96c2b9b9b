"""Taking documents out of the index (and putting them back): shared by the CLI and the editor API."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from index.build import BuildReport, build_index
from index.embedding import Embedder
from index.layout import IndexLayout
from index.models import IndexNotReady
from index.store import Store
from ingest.manifest import corpus_entries, read_manifest
from ingest.models import IngestError, Kind
from ingest.pipeline import SourceResult
from medcite.settings import Settings


class UnknownDocument(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown document"


class DuplicateUpload(Exception):
    """The same bytes are already listed as an upload or indexed as a source."""


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

    A file that cannot be read is refused before anything is listed; a failed rebuild unlists it.
    """
    from ingest.uploads import store_upload

    _refuse_duplicate(settings, IndexLayout(settings.index_dir), hashlib.sha256(data).hexdigest())  # before storing
    result = store_upload(settings, data, filename, kind, title)
    layout = IndexLayout(settings.index_dir)
    try:
        with layout.lock():  # the uploads list and the rebuild, one editor at a time
            return _add_upload(settings, layout, result, embedder)
    except BaseException:
        (settings.state_dir / result.entry.path).unlink(missing_ok=True)
        raise


def _add_upload(
    settings: Settings, layout: IndexLayout, result: SourceResult, embedder: Callable[[], Embedder]
) -> tuple[list[str], BuildReport]:
    from ingest.uploads import list_upload, unlist_upload

    _refuse_duplicate(settings, layout, result.entry.sha256 or "")  # again under the lock: a concurrent upload
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
    list_upload(settings, result.entry)
    try:
        report = build_index(
            settings, corpus_entries(settings.manifest, settings.uploads_manifest), embedder, show_progress=False, locked=True
        )
    except BaseException:
        unlist_upload(settings, result.entry)
        raise
    return [d.doc_id for d in result.documents], report


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
