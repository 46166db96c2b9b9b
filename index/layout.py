"""On-disk layout of an index directory, and the atomic switch between versions.

    <index_dir>/CURRENT            name of the published version (replaced atomically)
    <index_dir>/versions/<name>/   store.sqlite, dense.faiss, bm25-*.npy, manifest.json
    <index_dir>/removed.json       documents and sources removed with `medcite remove`
    <index_dir>/state/progress.json   the running build's phase and progress (index/progress.py)

A build writes into versions/.building-*; only a complete directory is renamed into place and
named in CURRENT, so a crash mid-build leaves the previous version in service. A progressive build
publishes several versions in turn (keyword search first, vectors later); each is complete in itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.models import IndexManifest

MANIFEST = "manifest.json"


class IndexLayout:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.versions = root / "versions"
        self._current = root / "CURRENT"
        self._removed = root / "removed.json"
        self.progress_file = root / "state" / "progress.json"

    def current_dir(self) -> Path | None:
        try:
            name = self._current.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        directory = self.versions / name
        return directory if (directory / MANIFEST).is_file() else None

    def current_manifest(self) -> IndexManifest | None:
        directory = self.current_dir()
        if directory is None:
            return None
        return IndexManifest.model_validate_json((directory / MANIFEST).read_text(encoding="utf-8"))

    def new_build_dir(self) -> Path:
        self.versions.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".building-", dir=self.versions))

    def publish(self, build_dir: Path, manifest: IndexManifest) -> Path:
        (build_dir / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        for path in build_dir.iterdir():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        final = self.versions / manifest.version
        build_dir.rename(final)
        pointer = self.root / ".CURRENT.tmp"
        pointer.write_text(manifest.version + "\n", encoding="utf-8")
        with pointer.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(pointer, self._current)
        return final

    def carry_over(self, published: Path, names: list[str]) -> Path:
        """A new build dir holding these files of a published version: hard links (a published version is
        never written again), or copies where the file system cannot link."""
        build_dir = self.new_build_dir()
        for name in names:
            try:
                os.link(published / name, build_dir / name)
            except OSError:
                shutil.copy2(published / name, build_dir / name)
        return build_dir

    def prune(self, keep: int = 2) -> None:
        """Drop old versions and abandoned builds; the current one and the one before it stay."""
        current = self.current_dir()
        for path in self.versions.glob(".building-*"):
            shutil.rmtree(path, ignore_errors=True)
        done = sorted((p for p in self.versions.iterdir() if (p / MANIFEST).is_file()), key=lambda p: p.name)
        for path in done[:-keep]:
            if path != current:
                shutil.rmtree(path, ignore_errors=True)

    def removed(self) -> set[str]:
        try:
            return set(json.loads(self._removed.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return set()

    def set_removed(self, ids: set[str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self._removed.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(ids), indent=1), encoding="utf-8")
        os.replace(tmp, self._removed)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time (a CLI ingest and an API upload must not build concurrently)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
