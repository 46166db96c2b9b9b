"""The corpus manifest: one entry per source file, read by ingestion, verified by checksum."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from ingest.models import IngestError, Kind

Format = Literal["pdf", "html", "jats", "medquad", "jsonl", "text"]


class ManifestEntry(BaseModel):
    id: str = Field(description="Stable source id, e.g. 'cdc-opioids-2022'.")
    path: str = Field(description="Path relative to the data dir.")
    kind: Kind
    format: Format
    title: str | None = None
    issuer: str | None = Field(None, description="Issuing body (guidelines, reference pages) or journal (research).")
    year: int | None = None
    licence: str | None = None
    url: str | None = None
    sha256: str | None = None


def read_manifest(path: Path) -> list[ManifestEntry]:
    if not path.is_file():
        raise IngestError(f"manifest not found: {path}")
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entry = ManifestEntry.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            reason = str(exc).splitlines()[0]
            raise IngestError(f"{path}:{number}: bad manifest entry: {reason}") from exc
        if entry.id in seen:
            raise IngestError(f"{path}:{number}: duplicate source id {entry.id!r}")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def corpus_entries(manifest: Path, uploads: Path) -> list[ManifestEntry]:
    """The shipped manifest plus the sources uploaded through the API (if any)."""
    entries = read_manifest(manifest)
    if uploads.is_file():
        ids = {e.id for e in entries}
        entries += [e for e in read_manifest(uploads) if e.id not in ids]
    return entries


def extra_entry(path: Path, kind: Kind, format: Format) -> ManifestEntry:
    """A file outside the data dir (a question set's own corpus), listed by its absolute path."""
    return ManifestEntry(id=f"extra/{path.stem}", path=str(path.resolve()), kind=kind, format=format)


def write_manifest(path: Path, entries: list[ManifestEntry]) -> None:
    lines = [entry.model_dump_json(exclude_none=True) for entry in entries]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_source(entry: ManifestEntry, data_dir: Path) -> tuple[Path, str]:
    """The file's path and checksum, or an IngestError saying why it cannot be used."""
    path = data_dir / entry.path
    if not path.is_file():
        raise IngestError("file listed in the manifest is missing")
    digest = file_sha256(path)
    if entry.sha256 and digest != entry.sha256:
        raise IngestError(f"sha256 mismatch: manifest has {entry.sha256[:12]}…, file has {digest[:12]}…")
    if path.stat().st_size == 0:
        raise IngestError("empty file")
    return path, digest
