"""The `medcite` commands on the real mini index, in process (typer's runner) to share the loaded model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcite.cli import app


@pytest.fixture(scope="module")
def run(mini_settings):
    runner = CliRunner()
    base = ["--data-dir", str(mini_settings.data_dir), "--manifest", str(mini_settings.manifest),
            "--index-dir", str(mini_settings.index_dir)]

    def invoke(*args: str):
        return runner.invoke(app, [*base, *args], env={"MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir)})

    return invoke


def test_search_prints_scores_sources_and_pages(run) -> None:
    result = run("search", "opioid dosage threshold for chronic pain", "-k", "3", "--kind", "guideline")
    assert result.exit_code == 0, result.output
    assert re.search(r"^ 1\. \[guideline\] CDC Clinical Practice Guideline for Prescribing Opioids", result.output, re.M)
    assert re.search(r"guidelines/opioids-first-pages\.pdf#page=\d+", result.output)
    assert re.search(r"fused 0\.\d{4} · bm25 #\S+ [\d.]+ · dense #\S+ [\d.-]+", result.output)


def test_search_shows_pmid_for_abstracts(run) -> None:
    result = run("search", "in-flight intubation in a helicopter", "-k", "1", "--mode", "bm25")
    assert result.exit_code == 0 and "PMID:10135926" in result.output


def test_stats(run) -> None:
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert re.search(r"^guideline\s+2 documents, \d+ chunks", result.output, re.M)
    assert re.search(r"^research\s+41 documents", result.output, re.M)
    assert "all-MiniLM-L6-v2, 384-d, FAISS flat" in result.output


def test_ingest_again_is_up_to_date(run) -> None:
    result = run("ingest", "-q")
    assert result.exit_code == 0 and "index is up to date" in result.output and "0 chunks and 0 sentences embedded" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x" * 1_000_000], "error: the question is 1000000 characters; the limit is 2000"),
        (["search", "pain", "--mode", "magic"], "error: --mode must be bm25, dense or hybrid"),
        (["search", "pain", "--kind", "blog"], "error: --kind must be one of guideline, research, reference"),
        (["search", "pain", "-k", "0"], "error: k must be between 1 and 200"),
        (["remove", "PMID:1"], "error: not in the index: PMID:1"),
    ],
)
def test_bad_input_gets_one_error_line(run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_no_index_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--index-dir", str(tmp_path / "none"), "search", "pain"])
    assert result.exit_code == 1 and "run `medcite ingest` first" in result.output
