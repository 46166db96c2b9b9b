"""What reading tables costs at ingest: the shipped guidelines and PMC articles read and chunked with table
reading and without it, alternating, in the same run; the fastest of each counts.

    .venv/bin/python bench/table_reading.py [--rounds 3] [--kind guideline,research]

Prints seconds per pass, the ratio, the tables and table-row chunks found, and the extra texts the model
would embed (one chunk vector and one sentence vector per row). Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import Settings  # noqa: E402
from ingest.manifest import read_manifest  # noqa: E402
from ingest.pipeline import SourceResult, read_source  # noqa: E402


@contextmanager
def without_tables():
    """Every reader as it was before tables: no captioned page laid out, no table taken from markup."""
    with (
        mock.patch("ingest.readers.pdf.read_tables", lambda path, pages: {}),
        mock.patch("ingest.readers.html.take_tables", lambda soup, root: []),
        mock.patch("ingest.readers.jats.take_tables", lambda root, text: []),
    ):
        yield


def read_all(settings: Settings, entries) -> tuple[float, int, int, int]:
    started = time.perf_counter()
    chunks = rows = tables = 0
    for entry in entries:
        result = read_source(SourceResult(entry), settings.source_root(entry.path), settings.chunk)
        for document in result.documents:
            tables += len(document.tables)
            found = result.chunks[document.doc_id]
            chunks += len(found)
            rows += sum(1 for c in found if c.table)
    return time.perf_counter() - started, chunks, rows, tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kind", default="guideline,research", help="kinds of source to read")
    parser.add_argument("--formats", default="pdf,html,jats", help="formats that can hold tables")
    args = parser.parse_args()
    settings = Settings()
    kinds, formats = set(args.kind.split(",")), set(args.formats.split(","))
    entries = [e for e in read_manifest(settings.manifest) if e.kind in kinds and e.format in formats]
    best: dict[str, tuple[float, int, int, int]] = {}
    for _ in range(args.rounds):
        for label in ("with tables", "without"):
            if label == "without":
                with without_tables():
                    run = read_all(settings, entries)
            else:
                run = read_all(settings, entries)
            if label not in best or run[0] < best[label][0]:
                best[label] = run
    on, off = best["with tables"], best["without"]
    print(f"{len(entries)} sources ({', '.join(sorted(formats))}), fastest of {args.rounds} rounds each")
    print(f"  read + chunk with tables  {on[0]:7.2f} s  {on[1]:6d} chunks  {on[3]} tables, {on[2]} row chunks")
    print(f"  read + chunk without      {off[0]:7.2f} s  {off[1]:6d} chunks")
    print(f"  ratio                     {on[0] / off[0]:.2f}x   texts to embed +{on[1] - off[1]} chunks, +{on[2]} sentences")


if __name__ == "__main__":
    main()
