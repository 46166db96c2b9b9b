"""The `medcite` commands on the real mini index, in process (typer's runner) to share the loaded model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcite.cli import app


@pytest.fixture(scope="module")
def run(mini_settings, tmp_path_factory):
    runner = CliRunner()
    base = [
        "--data-dir",
        str(mini_settings.data_dir),
        "--manifest",
        str(mini_settings.manifest),
        "--index-dir",
        str(mini_settings.index_dir),
    ]
    env = {
        "MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir),
        "MEDCITE_STATE_DIR": str(tmp_path_factory.mktemp("state")),
    }

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, [*base, *args], env=env, input=input)

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
    assert "all-MiniLM-L6-v2 (torch), 384-d, FAISS flat; vectors complete" in result.output


def test_ingest_again_is_up_to_date(run) -> None:
    result = run("ingest", "-q")
    assert (
        result.exit_code == 0 and "index is up to date" in result.output and "0 chunks and 0 sentences embedded" in result.output
    )


def test_ask_prints_a_cited_answer_and_a_conversation_to_follow(run) -> None:
    result = run("ask", "When should clinicians offer naloxone?")
    assert result.exit_code == 0, result.output
    assert "### From the Guidelines" in result.output and "[Category A, evidence type 4]." in result.output
    # One reference per document with its cited pages; no path inside the data dir is shown.
    assert re.search(r"^1\. CDC Clinical Practice Guideline .* pp?\. \d+", result.output, re.M)
    assert "guidelines/" not in result.output.split("### References")[1]
    conversation = re.search(r"--conversation (c_[0-9a-f]{12})", result.output).group(1)
    follow = run("ask", "and in children?", "--conversation", conversation, "--json")
    answer = json.loads(follow.output)
    assert answer["understood_as"] == "When should clinicians offer naloxone? And in children?"
    assert answer["follow_up_to"] == "When should clinicians offer naloxone?"
    assert answer["conversation_id"] == conversation and answer["references"]


def test_chat_keeps_the_conversation(run) -> None:
    result = run("chat", input="What is the recommended approach to tapering opioids?\nand in children?\n\n")
    assert result.exit_code == 0, result.output
    assert "_Follow-up to: What is the recommended approach to tapering opioids?_" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x" * 1_000_000], "error: the question is 1000000 characters; the limit is 2000"),
        (["search", "pain", "--mode", "magic"], "error: --mode must be bm25, dense or hybrid"),
        (["search", "pain", "--kind", "blog"], "error: --kind must be one of guideline, research, reference"),
        (["search", "pain", "-k", "0"], "error: k must be between 1 and 200"),
        (["remove", "PMID:1"], "error: not in the index: PMID:1"),
        (["ask", "   "], "error: the question is empty"),
        (["ask", "pain?", "--audience", "child"], "error: --audience must be clinician or patient"),
        (["ask", "and in children?", "--conversation", "c_nope"], "error: no conversation c_nope"),
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
