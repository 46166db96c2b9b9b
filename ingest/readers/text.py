"""Plain text and Markdown: '#' headings become section labels."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.manifest import ManifestEntry
from ingest.models import Document, IngestError, TextBuilder
from ingest.readers.common import file_document

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from exc


def read_text(path: Path, entry: ManifestEntry) -> list[Document]:
    text = decode_utf8(path.read_bytes())
    builder = TextBuilder()
    section: str | None = None
    lines: list[str] = []
    title: str | None = None
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            builder.add("\n".join(lines), section=section)
            lines.clear()
            section = match.group(1).strip()
            title = title or section
        else:
            lines.append(line)
    builder.add("\n".join(lines), section=section)
    if not builder:
        raise IngestError("no text in file")
    return [file_document(entry, builder, entry.title or title, entry.issuer)]
