"""Which reader handles which manifest format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.manifest import Format, ManifestEntry
from ingest.models import Document
from ingest.readers.abstracts import read_abstracts
from ingest.readers.html import read_html
from ingest.readers.jats import read_jats
from ingest.readers.medquad import read_medquad
from ingest.readers.pdf import read_pdf
from ingest.readers.text import read_text

Reader = Callable[[Path, ManifestEntry], list[Document]]

READERS: dict[Format, Reader] = {
    "pdf": read_pdf,
    "html": read_html,
    "jats": read_jats,
    "medquad": read_medquad,
    "jsonl": read_abstracts,
    "text": read_text,
}
