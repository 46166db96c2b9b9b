"""Bad sources are reported with a reason naming the file; the rest of the ingest goes on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from index.build import build_index
from index.layout import IndexLayout
from ingest.manifest import ManifestEntry, read_manifest, write_manifest
from ingest.models import IngestError
from tests.conftest import settings_for
from tests.utils.corpus import write_pdf_pages


@pytest.fixture()
def bad_corpus(tmp_path: Path, mini_corpus: Path) -> Path:
    data = tmp_path / "data"
    (data / "research").mkdir(parents=True)
    (data / "guidelines").mkdir()
    shutil.copyfile(mini_corpus / "research/abstracts.jsonl", data / "research/good.jsonl")
    (data / "guidelines/corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n")
    write_pdf_pages(mini_corpus / "guidelines/opioids-first-pages.pdf", data / "guidelines/plain.pdf", [0, 1])
    writer = pypdf.PdfWriter(clone_from=data / "guidelines/plain.pdf")
    writer.encrypt(user_password="secret", owner_password="owner")
    with (data / "guidelines/encrypted.pdf").open("wb") as handle:
        writer.write(handle)
    (data / "guidelines/plain.pdf").unlink()
    (data / "guidelines/empty.md").write_bytes(b"")
    (data / "guidelines/latin1.md").write_bytes("# Fièvre\n\nLa fièvre est une élévation de la température.".encode("latin-1"))
    (data / "research/mismatch.md").write_text("# Note\n\nA real sentence about hand hygiene in clinics.", encoding="utf-8")
    (data / "research/broken.jsonl").write_text('{"pmid": "1", "sections": [\n', encoding="utf-8")

    def entry(path: str, fmt: str, kind: str = "guideline", **extra: object) -> ManifestEntry:
        return ManifestEntry(id=path, path=path, kind=kind, format=fmt, **extra)

    entries = [
        entry("research/good.jsonl", "jsonl", "research"),
        entry("guidelines/corrupt.pdf", "pdf"),
        entry("guidelines/encrypted.pdf", "pdf"),
        entry("guidelines/empty.md", "text"),
        entry("guidelines/latin1.md", "text"),
        entry("guidelines/missing.pdf", "pdf"),
        entry("research/mismatch.md", "text", "research", sha256="0" * 64),
        entry("research/broken.jsonl", "jsonl", "research"),
    ]
    write_manifest(data / "manifest.jsonl", entries)
    return data


def test_each_bad_source_gets_one_reason_and_good_ones_are_indexed(
    bad_corpus: Path, tmp_path: Path, embedding_cache, embedder
) -> None:
    settings = settings_for(bad_corpus, tmp_path / "index", embedding_cache)
    report = build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
    reasons = dict(report.errors)
    assert "not a readable PDF" in reasons["guidelines/corrupt.pdf"]
    assert "encrypted" in reasons["guidelines/encrypted.pdf"]
    assert reasons["guidelines/empty.md"] == "empty file"
    assert "not valid UTF-8" in reasons["guidelines/latin1.md"]
    assert "missing" in reasons["guidelines/missing.pdf"]
    assert "sha256 mismatch" in reasons["research/mismatch.md"]
    assert "no usable abstracts" in reasons["research/broken.jsonl"]
    assert len(report.errors) == 7 and all("\n" not in reason for _, reason in report.errors)
    assert report.sources == 1 and report.documents == 40 and IndexLayout(settings.index_dir).current_dir()
    again = build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
    assert again.unchanged and again.errors == report.errors  # an up-to-date index still names what it skipped


def test_bad_jsonl_lines_are_skipped_with_line_numbers(tmp_path: Path, mini_corpus: Path, embedding_cache, embedder) -> None:
    data = tmp_path / "data"
    (data / "research").mkdir(parents=True)
    lines = (mini_corpus / "research/abstracts.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    lines.insert(1, "{not json")
    lines.append(json.dumps({"pmid": "abc", "sections": []}))
    (data / "research/a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_manifest(data / "manifest.jsonl", [ManifestEntry(id="a", path="research/a.jsonl", kind="research", format="jsonl")])
    settings = settings_for(data, tmp_path / "index", embedding_cache)
    report = build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False)
    assert report.documents == 3 and not report.errors
    assert [w.split(":")[0] for _, w in report.warnings] == ["line 2", "line 5"]


def test_a_bad_manifest_line_is_a_clear_error(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text('{"id": "x", "path": "a.pdf", "kind": "novel", "format": "pdf"}\n', encoding="utf-8")
    with pytest.raises(IngestError, match=r"manifest.jsonl:1: bad manifest entry"):
        read_manifest(manifest)


def test_cli_reports_bad_sources_one_line_each(bad_corpus: Path, tmp_path: Path, embedding_cache) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "medcite",
            "--data-dir",
            str(bad_corpus),
            "--manifest",
            str(bad_corpus / "manifest.jsonl"),
            "--index-dir",
            str(tmp_path / "cli-index"),
            "ingest",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "MEDCITE_CACHE_DIR": str(embedding_cache)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 7
    assert any(line.startswith("skipped guidelines/corrupt.pdf: not a readable PDF") for line in skipped)
    assert "7 errors" in result.stdout and "40 documents" in result.stdout
