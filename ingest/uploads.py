"""Files given to the service (API uploads): stored under a generated name, checked, then listed.

The client's file name is only used for its extension; nothing it says becomes a path.

An upload is write-ahead: its file and a pending record (in `<state_dir>/uploads.pending/`) are
made durable before the rebuild, and it is listed in the uploads manifest only once a version
holding it is published. Whatever a killed process left behind is settled by `reconcile`: a
pending upload that was published is listed, any other is deleted, so a later ingest never
indexes a file whose upload was never acknowledged.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from core.settings import UPLOADS, Settings
from ingest.catalog import SUFFIXES, format_for
from ingest.manifest import ManifestEntry, read_manifest, write_manifest
from ingest.models import IngestError, Kind
from ingest.pipeline import SourceResult, read_source

MAX_BYTES = 25 * 1024 * 1024
PENDING = "uploads.pending"


def _durable_write(path: Path, data: bytes) -> None:
    """Write to a temporary name, fsync, rename, fsync the directory: after a crash the file is whole or absent."""
    tmp = path.parent / f".{path.name}.part"
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _sync_dir(path.parent)


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_upload(settings: Settings, data: bytes, filename: str, kind: Kind, title: str | None) -> SourceResult:
    """Save, detect the format and read the file once; an unreadable file is deleted and refused."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(f"file type {suffix or '(none)'} is not accepted; use one of {', '.join(sorted(SUFFIXES))}")
    if not data:
        raise IngestError("empty file")
    if len(data) > MAX_BYTES:
        raise IngestError(f"file is {len(data) // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB")
    directory = settings.state_dir / UPLOADS
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}{suffix}"
    target = directory / name
    _durable_write(target, data)
    try:
        fmt = format_for(target)
        if fmt is None:
            raise IngestError("XML that is neither JATS nor MedQuAD")
        entry = ManifestEntry(
            id=f"{UPLOADS}/{name.rsplit('.', 1)[0]}",
            path=f"{UPLOADS}/{name}",
            kind=kind,
            format=fmt,
            title=title or None,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        result = read_source(SourceResult(entry, sha256=entry.sha256), settings.state_dir, settings.chunk)
        if result.error:
            raise IngestError(result.error)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return result


def _pending_path(settings: Settings, entry: ManifestEntry) -> Path:
    return settings.state_dir / PENDING / f"{Path(entry.path).stem}.json"


def mark_pending(settings: Settings, entry: ManifestEntry) -> None:
    """Record, durably and before the rebuild, that this upload is not yet acknowledged."""
    path = _pending_path(settings, entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    _durable_write(path, entry.model_dump_json().encode())


def commit_upload(settings: Settings, entry: ManifestEntry) -> None:
    """The version holding the upload is published: list it, then drop its pending record."""
    existing = read_manifest(settings.uploads_manifest) if settings.uploads_manifest.is_file() else []
    if all(e.id != entry.id for e in existing):
        write_manifest(settings.uploads_manifest, [*existing, entry])
        _sync_dir(settings.uploads_manifest.parent)
    _pending_path(settings, entry).unlink(missing_ok=True)


def abandon_upload(settings: Settings, entry: ManifestEntry) -> None:
    """The upload never published: its file, then its pending record (in that order, so a crash here is retried)."""
    (settings.state_dir / entry.path).unlink(missing_ok=True)
    _pending_path(settings, entry).unlink(missing_ok=True)


def reconcile(settings: Settings, published: set[str]) -> tuple[list[str], list[str]]:
    """Settle uploads a killed process left pending; `published` is the current version's source ids.

    Must run under the index lock (no upload of this or another process is then in progress).
    Returns (source ids listed, source ids removed); unlisted stray files in the uploads folder go too.
    """
    listed, removed = [], []
    pending_dir = settings.state_dir / PENDING
    for record in sorted(pending_dir.glob("*.json")) if pending_dir.is_dir() else []:
        try:
            entry = ManifestEntry.model_validate_json(record.read_bytes())
        except ValueError:  # a record torn by a crash mid-write never had its rebuild started
            record.unlink(missing_ok=True)
            continue
        if entry.id in published and (settings.state_dir / entry.path).is_file():
            commit_upload(settings, entry)
            listed.append(entry.id)
        else:
            abandon_upload(settings, entry)
            removed.append(entry.id)
    for stray in pending_dir.glob(".*.part") if pending_dir.is_dir() else []:
        stray.unlink(missing_ok=True)
    directory = settings.state_dir / UPLOADS
    if directory.is_dir():
        known = (
            {Path(e.path).name for e in read_manifest(settings.uploads_manifest)}
            if settings.uploads_manifest.is_file()
            else set()
        )
        for path in directory.iterdir():
            if path.is_file() and path.name not in known:  # stored, but the process died before its record
                path.unlink(missing_ok=True)
                if not path.name.startswith("."):
                    removed.append(f"{UPLOADS}/{path.stem}")
    return listed, removed
