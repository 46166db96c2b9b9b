"""Taking documents out of the index (and putting them back): shared by the CLI and the editor API."""

from __future__ import annotations

from collections.abc import Callable

from index.build import BuildReport, build_index
from index.embedding import Embedder
from index.layout import IndexLayout
from index.models import IndexNotReady
from index.store import Store
from ingest.manifest import read_manifest
from medcite.settings import Settings


class UnknownDocument(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown document"


def set_removed(settings: Settings, ids: list[str], embedder: Callable[[], Embedder], undo: bool = False) -> BuildReport:
    """Remove (or restore) documents or sources, then publish a version without (or with) them.

    Removals persist in the index directory so later ingests keep them out. If the rebuild fails,
    the removal list is put back as it was and the previous version stays in service.
    """
    layout = IndexLayout(settings.index_dir)
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
        return build_index(settings, read_manifest(settings.manifest), embedder, show_progress=False)
    except BaseException:
        layout.set_removed(before)
        raise
