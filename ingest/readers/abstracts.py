"""Article records as JSON lines: an id (`pmid`, `doi` or `id`), `title?`, `year?`, `journal?`, `mesh?`,
`publication_types?` (PubMed's, e.g. "Randomized Controlled Trial"), and the
text as `sections[label, text]` or a plain `abstract` (or `text`). A record with only a title is indexed too:
many PubMed records, older ones especially, have no abstract, and their title is what there is to find."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.manifest import ManifestEntry
from ingest.models import TITLE_SECTION, Document, IngestError, TextBuilder, clean_text
from ingest.readers.text import decode_utf8

_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.I)


def _identity(record: dict) -> tuple[str, str, str | None]:
    """(document id, locator, url) from the first identifier the record has: PMID, then DOI, then its own id."""
    pmid = str(record.get("pmid") or "").strip()
    if pmid:
        if not pmid.isdigit():
            raise ValueError(f"non-numeric 'pmid' {pmid[:40]!r}")
        return f"PMID:{pmid}", f"PMID:{pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    doi = str(record.get("doi") or "").strip()
    if doi:
        match = _DOI.match(doi)
        if not match:
            raise ValueError(f"'doi' {doi[:60]!r} is not a DOI (10.xxxx/…)")
        return f"doi:{match.group(1)}", f"doi:{match.group(1)}", f"https://doi.org/{match.group(1)}"
    own = str(record.get("id") or "").strip()
    if own:
        if len(own) > 200 or any(c.isspace() for c in own):
            raise ValueError("'id' must be one word of at most 200 characters")
        return own, own, None
    raise ValueError("no 'pmid', 'doi' or 'id'")


def _link(value: object) -> str | None:
    """A record's own link, only when it is a web address (it becomes a link on the pages)."""
    link = str(value or "").strip()
    return link if re.match(r"^https?://\S+$", link) else None


def _year(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip()[:4].isdigit():
        return int(value.strip()[:4])  # "2019" or "2019-05-02"
    return None


def _terms(record: dict, key: str) -> tuple[str, ...]:
    value = record.get(key) or ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(f"'{key}' must be a list of terms")
    return tuple(str(term) for term in value)


def _text(record: dict, builder: TextBuilder) -> None:
    for section in record.get("sections") or []:
        label = (section.get("label") or "").strip() or None
        builder.add(section.get("text") or "", section=label.title() if label and label.isupper() else label)
    if not builder:
        plain = record.get("abstract") or record.get("text")
        if isinstance(plain, str):
            builder.add(plain)


def _abstract(record: dict, entry: ManifestEntry) -> Document:
    doc_id, locator, url = _identity(record)
    title = clean_text(str(record.get("title") or "")) or None
    builder = TextBuilder()
    _text(record, builder)
    if not builder and title:
        # Title-only record: the title is its text, so it can be found and cited like any passage.
        builder.add(title, section=TITLE_SECTION)
    if not builder:
        raise ValueError("no title and no text")
    return Document(
        doc_id=doc_id,
        kind=entry.kind,
        text=builder.text,
        blocks=builder.blocks,
        locator=locator,
        path=entry.path,
        source_id=entry.id,
        # A record without a title or journal shows none; nothing is invented.
        title=title,
        source=clean_text(str(record.get("journal") or "")) or None,
        year=_year(record.get("year")),
        url=_link(record.get("url")) or url,
        mesh=tuple(str(term) for term in record.get("mesh") or ()),
        index_terms=_terms(record, "mesh") + _terms(record, "publication_types"),
    )


def read_abstracts(path: Path, entry: ManifestEntry, errors: list[str] | None = None) -> list[Document]:
    """All good records; a bad line is reported in `errors` (line number and reason), not fatal."""
    text = decode_utf8(path.read_bytes())
    documents: list[Document] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            document = _abstract(record, entry)
        except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
            if errors is not None:
                errors.append(f"line {number}: {exc}")
            continue
        if document.doc_id in seen:
            if errors is not None:
                errors.append(f"line {number}: duplicate {document.doc_id}")
            continue
        seen.add(document.doc_id)
        documents.append(document)
    if not documents:
        raise IngestError("no usable abstracts in file")
    return documents
