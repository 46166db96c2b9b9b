"""`medcite train-admission` end to end on the mini corpus: it builds the index, asks real guideline, research and
reference questions with gold documents, cross-validates, reports, and refits deterministically."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from medcite.cli import app
from qa.admission import load
from tests.test_train_ranker import question_set


def test_train_admission_reports_folds_and_leaves_the_shipped_weights(mini_settings, shared_data, tmp_path) -> None:
    shipped = load()
    assert shipped is not None
    args = [
        "--data-dir",
        str(mini_settings.data_dir),
        "--manifest",
        str(mini_settings.manifest),
        "--index-dir",
        str(tmp_path / "index"),
        "train-admission",
        "--set",
        str(question_set(tmp_path / "set.jsonl")),
        "--research",
        str(shared_data / "eval" / "pubmedqa-dev.jsonl"),
        "--held-out",
        "4",
        "--medquad-every",
        "1",
        "--work-dir",
        str(tmp_path / "train"),
    ]
    env = {"MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir)}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "8 guideline" in result.output and "3 reference" in result.output and "4 research held out" in result.output
    report = json.loads((tmp_path / "train" / "admission-report.json").read_text(encoding="utf-8"))
    assert report["folds"] and all(0 < row["threshold"] < 1 for row in report["folds"])
    for stage in ("before", "after"):
        assert set(report["pooled"][stage]) == {"guideline", "rewording", "pubmedqa", "medquad"}
    held = report["held_out"]
    assert held["before"]["questions"] == held["after"]["questions"] == 4
    assert 0 <= held["after"]["statement_precision"] <= 1 and "worth per s.d.:" in result.output
    assert load().to_json() == shipped.to_json()  # without --write the shipped model stays
    again = CliRunner().invoke(app, args, env=env)
    assert again.exit_code == 0
    assert json.loads((tmp_path / "train" / "admission-report.json").read_text(encoding="utf-8")) == report


def test_a_missing_research_set_is_one_line(tmp_path) -> None:
    result = CliRunner().invoke(app, ["train-admission", "--research", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "no question set at" in result.output
