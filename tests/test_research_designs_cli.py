"""Issue #32 in the terminal, on the real mini index: the study line after each research point of
`medcite ask`, `--design` on ask and search, and one error line for an unknown design."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ingest.design_lexicon import DESIGN_KEYS
from medcite.cli import app

APPENDICITIS = "Is there a role for leukocyte and CRP measurements in the diagnosis of acute appendicitis in the elderly?"


@pytest.fixture(scope="module")
def run(mini_settings, tmp_path_factory):
    base = ["--data-dir", str(mini_settings.data_dir), "--manifest", str(mini_settings.manifest)]
    base += ["--index-dir", str(mini_settings.index_dir)]
    env = {
        "MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir),
        "MEDCITE_STATE_DIR": str(tmp_path_factory.mktemp("state")),
    }
    return lambda *args: CliRunner().invoke(app, [*base, *args], env=env)


def test_ask_shows_each_research_points_study(run) -> None:
    result = run("ask", APPENDICITIS)
    assert result.exit_code == 0, result.output
    research = result.output.split("### From the Research")[1].split("### References")[0]
    bullets = [line for line in research.splitlines() if line.startswith("- ")]
    assert bullets and all(line.endswith(" — Case-control · 1999") for line in bullets), bullets


def test_ask_and_search_filter_by_design(run) -> None:
    kept = json.loads(run("ask", APPENDICITIS, "--json", "--design", "case_control").output)
    points = [p for g in kept["research"]["sections"] for p in g["points"]]
    assert points and {p["study"]["design"] for p in points} == {"case_control"}
    other = json.loads(run("ask", APPENDICITIS, "--json", "--design", "randomised_trial", "--design", "animal").output)
    assert all(p["study"]["design"] in ("randomised_trial", "animal") for g in other["research"]["sections"] for p in g["points"])
    found = run("search", "leukocyte CRP appendicitis", "-k", "5", "--kind", "research", "--design", "case_control")
    assert found.exit_code == 0, found.output
    assert "PMID:" in found.output and found.output.count("\n    Case-control") == found.output.count("[research]") == 5


@pytest.mark.parametrize("command", [["ask", APPENDICITIS], ["search", "appendicitis"], ["chat"]])
def test_an_unknown_design_is_one_error_line(run, command: list[str]) -> None:
    result = run(*command, "--design", "rct")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"error: --design must be one of {', '.join(DESIGN_KEYS)} (got 'rct')"
