"""Files given to the service (API uploads): stored under a generated name, checked, then listed.

The client's file name is only used for its extension; nothing it says becomes a path.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from ingest.catalog import format_for
from ingest.manifest import ManifestEntry, read_manifest, write_manifest
from ingest.models import IngestError, Kind
from ingest.pipeline import SourceResult, read_source
from medcite.settings import UPLOADS, Settings

ALLOWED_SUFFIXES = {".pdf", ".txt", ".md", ".markdown", ".htm", ".html", ".nxml", ".xml", ".jsonl"}
MAX_BYTES = 25 * 1024 * 1024


def store_upload(settings: Settings, data: bytes, filename: str, kind: Kind, title: str | None) -> SourceResult:
    """Save, detect the format and read the file once; an unreadable file is deleted and refused."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise IngestError(f"file type {suffix or '(none)'} is not accepted; use one of {', '.join(sorted(ALLOWED_SUFFIXES))}")
    if not data:
        raise IngestError("empty file")
    if len(data) > MAX_BYTES:
        raise IngestError(f"file is {len(data) // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB")
    directory = settings.state_dir / UPLOADS
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}{suffix}"
    target = directory / name
    tmp = directory / f".{name}.part"
    tmp.write_bytes(data)
    os.replace(tmp, target)
    try:
        fmt = format_for(target)
        if fmt is None:
            raise IngestError("XML that is neither JATS nor MedQuAD")
        entry = ManifestEntry(
            id=f"{UPLOADS}/{name.rsplit('.', 1)[0]}", path=f"{UPLOADS}/{name}", kind=kind, format=fmt,
            title=title or None, sha256=hashlib.sha256(data).hexdigest(),
        )
        result = read_source(SourceResult(entry, sha256=entry.sha256), settings.state_dir, settings.chunk)
        if result.error:
            raise IngestError(result.error)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return result


def list_upload(settings: Settings, entry: ManifestEntry) -> None:
    existing = read_manifest(settings.uploads_manifest) if settings.uploads_manifest.is_file() else []
    write_manifest(settings.uploads_manifest, [*existing, entry])


def unlist_upload(settings: Settings, entry: ManifestEntry) -> None:
    """Undo `list_upload` (the rebuild failed): the uploads manifest and the file go back as they were."""
    if settings.uploads_manifest.is_file():
        write_manifest(settings.uploads_manifest, [e for e in read_manifest(settings.uploads_manifest) if e.id != entry.id])
    (settings.state_dir / entry.path).unlink(missing_ok=True)
