"""PDF reader: text per page with page numbers kept, headings found from font style.

pypdf's text visitor reports each run's font and size; a line set entirely in a larger or bold
face than the body text is a heading and becomes the section label of what follows. Lines that
repeat on many pages (running heads, footers) are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import lemminflect
import pypdf
from pypdf.errors import PdfReadError

from ingest.manifest import ManifestEntry
from ingest.models import Document, IngestError, TextBuilder
from ingest.readers.common import file_document
from ingest.readers.pdf_tables import CAPTION, read_tables
from ingest.tables import RawTable

_BOLD = re.compile(r"bold|semibold|black|heavy|demi", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[A-Za-z]")
_DOT_LEADER = re.compile(r"(\.\s?){6,}")  # table-of-contents lines


@dataclass(slots=True)
class _Line:
    text: str
    size: float
    heading_style: bool


def _page_lines(page: pypdf.PageObject) -> list[_Line]:
    lines: list[_Line] = []
    parts: list[str] = []
    styles: list[tuple[float, bool, int]] = []

    def flush() -> None:
        text = "".join(parts).strip()
        if text:
            weighted = [s for s in styles if s[2] > 0]
            size = max((s[0] for s in weighted), default=0.0)
            heading = bool(weighted) and all(s[1] for s in weighted)
            lines.append(_Line(text, size, heading))
        parts.clear()
        styles.clear()

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        name = str(font.get("/BaseFont", "")) if font else ""
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i > 0:
                flush()
            if piece:
                parts.append(piece)
                styles.append((round(size * scale, 1), bool(_BOLD.search(name)), len(piece.strip())))

    page.extract_text(visitor_text=visit)
    flush()
    return lines


def _body_size(pages: list[list[_Line]]) -> float:
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _repeated_lines(pages: list[list[_Line]]) -> set[str]:
    """Running heads and footers: the same line (numbers ignored) on a third of the pages or more."""
    if len(pages) < 4:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_DIGITS.sub("#", line.text) for line in lines[:3] + lines[-3:]})
    return {key for key, n in counts.items() if n >= max(3, len(pages) // 3)}


def _is_heading(line: _Line, body: float) -> bool:
    text = line.text
    if len(text) > 120 or not _LETTER.search(text) or text.endswith((".", ",", ";")) or not text[0].isupper():
        return False
    if not (line.size >= body + 0.9 or (line.heading_style and line.size >= body - 0.5)):
        return False
    # Headings are short or title-cased; a bold sentence in running text is emphasis, not a heading.
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) <= 3 or sum(w[0].isupper() for w in words) >= len(words) / 2


_MAX_HEADING = 150


def _take_heading(pending: list[_Line], paragraph: list[str], section: str | None) -> str | None:
    """The new section label; a run of emphasised lines too long to be a heading stays body text.

    Lines of one size are one wrapped heading; a change of size starts a sub-heading
    ("Introduction — Background").
    """
    if not pending:
        return section
    groups: list[list[str]] = []
    for i, line in enumerate(pending):
        if i == 0 or line.size != pending[i - 1].size:
            groups.append([])
        groups[-1].append(line.text)
    heading = " — ".join(" ".join(group) for group in groups)
    if len(heading) > _MAX_HEADING:
        paragraph.extend(line.text for line in pending)
    else:
        section = heading
    pending.clear()
    return section


def _join_lines(lines: list[str]) -> str:
    """Soft line breaks become spaces, except after a hyphen ("decision-" + "making")."""
    out = lines[0]
    for line in lines[1:]:
        out += line if out.endswith("-") and out[-2:-1].isalpha() else " " + line
    return out


_SPACE = re.compile(r"\s+")
# "M ultiply", "T apentadol", "S ubstance": pypdf sets a space after a word's first capital where the PDF
# kerns it apart. "Category B recommendations", "hepatitis B and", "Schedule V drugs" are letters standing
# alone, so the two are joined only when what follows the capital is no word of the lexicon (lemminflect's)
# and none this document uses anywhere else.
_SPLIT_CAPITAL = re.compile(r"(?<![\w.])([A-Z]) ([a-z]{2,})\b")
_WORDS = re.compile(r"[a-z]+")
# A bullet set in a symbol font that pypdf maps to "ï" ("…with ï acute pain, ï subacute pain…"): alone between
# spaces it is no letter of a word ("naïve" has it inside), so it is read as the bullet it is.
_GLYPH_BULLET = re.compile(r"(?<!\S)ï(?=\s|$)")


def rejoin_split_capitals(pages: list[list[_Line]]) -> int:
    """Join kerned-apart first capitals in place, and read a bullet glyph as a bullet; returns how many
    capitals were joined."""
    text = "\n".join(line.text for lines in pages for line in lines)
    everywhere = Counter(_WORDS.findall(text.lower()))
    after_capital = Counter(m.group(2).lower() for m in _SPLIT_CAPITAL.finditer(text))
    # a word seen only right after a lone capital is the rest of that word, not a word of its own
    alone = {w for w, n in after_capital.items() if everywhere[w] > n or lemminflect.getAllLemmas(w)}
    joined = 0

    def join(match: re.Match) -> str:
        nonlocal joined
        if match.group(2).lower() in alone:
            return match.group(0)
        joined += 1
        return match.group(1) + match.group(2)

    for lines in pages:
        for line in lines:
            line.text = _GLYPH_BULLET.sub("•", _SPLIT_CAPITAL.sub(join, line.text))
    return joined


def _table_lines(tables: list[RawTable]):  # noqa: ANN202 - a predicate on a line's text
    """Whether a line of the page's text is part of one of its tables (caption, header or a row): read as a
    table, it is not also prose ("Opioid Conversion factor* Codeine 0.15 …" as a sentence). Notes stay
    prose: they are sentences."""
    if not tables:
        return lambda text: False
    squashed = "\x00".join(
        _SPACE.sub("", " ".join([t.caption or "", *(c for row in t.header + t.rows for c in row)])) for t in tables
    )
    cells = {_SPACE.sub("", c) for t in tables for row in t.header + t.rows for c in row}
    return lambda text: len(key := _SPACE.sub("", text)) >= 3 and (key in squashed and not key.isdigit() or key in cells)


def _open(path: Path) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("encrypted PDF: a password is required")
        _ = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"not a readable PDF ({type(exc).__name__}: {str(exc)[:120]})") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        if "encrypt" in str(exc).lower() or "crypt" in type(exc).__name__.lower():
            raise IngestError(f"encrypted PDF that cannot be opened ({exc})") from exc
        raise IngestError(f"not a readable PDF ({type(exc).__name__}: {str(exc)[:120]})") from exc
    return reader


def read_pdf(path: Path, entry: ManifestEntry) -> list[Document]:
    reader = _open(path)
    try:
        pages = [_page_lines(page) for page in reader.pages]
    except Exception as exc:
        raise IngestError(f"PDF text could not be extracted ({type(exc).__name__}: {str(exc)[:120]})") from exc
    rejoin_split_capitals(pages)
    body = _body_size(pages)
    repeated = _repeated_lines(pages)
    captioned = [n for n, lines in enumerate(pages, start=1) if any(CAPTION.match(line.text) for line in lines)]
    tables = read_tables(path, captioned)
    builder = TextBuilder()
    section: str | None = None

    def emit(paragraph: list[str], section: str | None, page: int) -> None:
        if paragraph:
            builder.add(_join_lines(paragraph), section=section, page=page)
            paragraph.clear()

    for number, lines in enumerate(pages, start=1):
        paragraph: list[str] = []
        pending_heading: list[_Line] = []
        in_table = _table_lines(tables.get(number, []))
        for line in lines:
            if _DIGITS.sub("#", line.text) in repeated or _DOT_LEADER.search(line.text) or in_table(line.text):
                continue
            if _is_heading(line, body):
                emit(paragraph, section, number)
                pending_heading.append(line)
                continue
            section = _take_heading(pending_heading, paragraph, section)
            paragraph.append(line.text)
        section = _take_heading(pending_heading, paragraph, section)
        emit(paragraph, section, number)
        for table in tables.get(number, []):  # after the page's prose: a table block never splits a paragraph
            builder.add_table(table, section=section, page=number)
    if not builder:
        raise IngestError("no extractable text (a scanned PDF needs OCR first)")
    meta: Mapping[str, object] = reader.metadata or {}
    title = str(meta.get("/Title") or "").strip() or entry.title
    author = str(meta.get("/Author") or "").strip()
    return [file_document(entry, builder, title, author or entry.issuer)]
