"""Builds or refreshes the corpus manifest by scanning the data dir.

Kind and licence come from where a file sits (the data README's table); curated fields already in
the manifest (title, issuer, year, URL) are kept, checksums are refreshed. Metadata inside the
files is read at ingest time and wins over anything here.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.manifest import Format, ManifestEntry, file_sha256
from ingest.models import Kind

# (folder prefix, kind, licence); first match wins.
RULES: list[tuple[str, Kind, str]] = [
    ("guidelines/", "guideline", "US public domain"),
    ("research/pmc/", "research", "see research/pmc/LICENSES.tsv"),
    ("research/cdc-journals/", "research", "US public domain"),
    ("research/", "research", "MIT (PubMedQA)"),
    ("reference/", "reference", "CC BY 4.0 (MedQuAD)"),
]


_BY_SUFFIX: dict[str, Format] = {
    ".pdf": "pdf",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".nxml": "jats",
    ".jsonl": "jsonl",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
}


SUFFIXES = frozenset(_BY_SUFFIX) | {".xml"}  # every name ending a file medcite can read


def format_for(path: Path) -> Format | None:
    """The format a file's name suggests; MedQuAD and JATS are told apart from other XML by content."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        head = path.read_bytes()[:2000].lower()
        if b"<qapairs" in head or b"<focus" in head or b"<doctitle-focus" in head:
            return "medquad"
        return "jats" if b"<article" in head else None
    return _BY_SUFFIX.get(suffix)


def _pmc_licences(data_dir: Path) -> dict[str, str]:
    table = data_dir / "research" / "pmc" / "LICENSES.tsv"
    if not table.is_file():
        return {}
    with table.open(encoding="utf-8") as handle:
        return {row["file"]: row["license"] for row in csv.DictReader(handle, delimiter="\t")}


def scan(data_dir: Path, existing: list[ManifestEntry]) -> tuple[list[ManifestEntry], list[str]]:
    """Entries for every recognised file under `data_dir`, and the paths skipped (unknown formats)."""
    by_path = {entry.path: entry for entry in existing}
    licences = _pmc_licences(data_dir)
    entries: list[ManifestEntry] = []
    skipped: list[str] = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(data_dir).as_posix()
        rule = next((r for r in RULES if relative.startswith(r[0])), None)
        fmt = format_for(path) if rule else None
        if rule is None or fmt is None or relative.startswith("eval/"):
            skipped.append(relative)
            continue
        old = by_path.get(relative)
        entry = ManifestEntry(
            id=old.id if old else relative.rsplit(".", 1)[0],
            path=relative,
            kind=rule[1],
            format=fmt,
            licence=licences.get(path.name, rule[2]) if old is None or old.licence is None else old.licence,
            sha256=file_sha256(path),
        )
        if old:
            entry = entry.model_copy(update={"title": old.title, "issuer": old.issuer, "year": old.year, "url": old.url})
        entries.append(entry)
    return entries, skipped
