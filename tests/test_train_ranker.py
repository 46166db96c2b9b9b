"""`medcite train-ranker` end to end on the mini corpus's two real guidelines: it builds its guideline-only index,
asks real questions with gold quotes, cross-validates by guideline and writes its report, deterministically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from evaluation.lead_training import collect, fit, hand_model, lead_holds
from evaluation.questions import read_questions
from medcite.cli import app
from qa.lead import LeadModel, load, rank_for_lead
from qa.service import AnswerService

DEV = Path(__file__).resolve().parents[1] / "evaluation" / "sets" / "guideline-dev.jsonl"
# The Hib guideline is in the mini corpus whole; of the opioid guideline only its first pages (gl-03's page 13).
HIB = {"gl-27", "gl-28", "gl-29", "gl-30", "gl-31", "gl-32", "gl-33"}


def question_set(target: Path) -> Path:
    lines = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == "gl-03":
            record["relevant"] = ["guidelines/opioids-first-pages.pdf"]
        elif record["id"] not in HIB:
            continue
        lines.append(json.dumps(record))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def test_the_fit_learns_from_real_pools_and_its_weights_read_back(searcher, mini_settings, tmp_path) -> None:
    service = AnswerService(searcher, None, mini_settings)
    groups = collect(service, read_questions(question_set(tmp_path / "set.jsonl")))
    assert len(groups) == 8 and sum(g.trainable for g in groups) >= 4
    assert all(g.features.shape == (len(g.pool), len(load().names)) for g in groups)
    model = fit(groups, 1.0, {"test": True})
    again = LeadModel.from_json(model.to_json())
    for g in groups:
        scores = again.score(g.features)
        assert np.all((scores > 0) & (scores < 1))  # calibrated: the probability a sentence holds the answer
        assert np.allclose(scores, model.score(g.features), atol=1e-4)
    # fitted on these questions, it leads with their gold at least as often as ranking by retrieval alone does
    by_retrieval = LeadModel(
        model.names,
        np.zeros(len(model.names)),
        np.ones(len(model.names)),
        np.asarray([n == "retrieval" for n in model.names], dtype=float),
    )
    trained = [g for g in groups if g.trainable]
    assert sum(lead_holds(model, g, mini_settings.qa) for g in trained) >= sum(
        lead_holds(by_retrieval, g, mini_settings.qa) for g in trained
    )
    ranked = rank_for_lead(trained[0].pool, trained[0].traits, trained[0].asked, model)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert hand_model().calibration is None  # the hand weights keep today's scores


def test_train_ranker_reports_folds_and_leaves_the_shipped_weights(mini_settings, tmp_path) -> None:
    shipped = load().to_json()
    paraphrase = json.loads(question_set(tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()[1])
    paraphrase.update(id="gl-27-p1", question="recalled PedvaxHIB lot toddler repeat dose?")
    (tmp_path / "para.jsonl").write_text(json.dumps(paraphrase) + "\n", encoding="utf-8")
    blind = dict(paraphrase, id="bl-hi-01", question="Toddler got a dose from a recalled Hib lot: does it need repeating?")
    (tmp_path / "blind.jsonl").write_text(json.dumps(blind) + "\n", encoding="utf-8")
    args = [
        "--data-dir",
        str(mini_settings.data_dir),
        "--manifest",
        str(mini_settings.manifest),
        "--index-dir",
        str(tmp_path / "index"),
        "train-ranker",
        "--set",
        str(question_set(tmp_path / "set.jsonl")),
        "--paraphrases",
        str(tmp_path / "para.jsonl"),
        "--blind",
        str(tmp_path / "blind.jsonl"),
        "--work-dir",
        str(tmp_path / "train"),
    ]
    env = {"MEDCITE_CACHE_DIR": str(mini_settings.embedding_cache_dir)}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "8 questions" in result.output and "1 paraphrases, 1 blind" in result.output
    assert "held-out guideline" in result.output and "worth per s.d.:" in result.output
    report = json.loads((tmp_path / "train" / "report.json").read_text(encoding="utf-8"))
    assert {row["fold"] for row in report["folds"]} <= {
        "guidelines/mmwr_preview_mmwrhtml_mm5650a4.htm",
        "guidelines/opioids-first-pages.pdf",
    }
    assert report["folds"] and all(0 <= row["hand"] <= 1 and 0 <= row["fitted"] <= 1 for row in report["folds"])
    assert set(report["in_sample"]) == {"sets", "tables", "paraphrases", "blind"}
    assert {"blind_hand", "blind_fitted"} <= set(report["pooled"]) and "blind (per fold)" in result.output
    assert {row["fold"] for row in report["tables"]["folds"]} == {row["fold"] for row in report["folds"]}
    assert "hand weights with the table features" in result.output
    assert load().to_json() == shipped  # without --write the shipped model stays
    # the same data give the same fit
    again = CliRunner().invoke(app, args, env=env)
    assert again.exit_code == 0 and json.loads((tmp_path / "train" / "report.json").read_text(encoding="utf-8")) == report


def test_a_missing_question_set_is_one_line(tmp_path) -> None:
    result = CliRunner().invoke(app, ["train-ranker", "--set", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "no question set at" in result.output
