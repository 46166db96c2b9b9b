"""A misspelt setting fails at start with its name and the nearest valid one, instead of running on the default."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from core.settings import QASettings, Settings, check_environment
from medcite.cli import app


def test_a_misspelt_nested_key_in_the_environment_names_the_one_meant(monkeypatch) -> None:
    monkeypatch.setenv("MEDCITE_QA__MIN_TOPICALTY", "0.1")
    with pytest.raises(
        ValidationError, match="unknown setting MEDCITE_QA__MIN_TOPICALTY; did you mean MEDCITE_QA__MIN_TOPICALITY"
    ):
        Settings()


def test_a_misspelt_top_level_key_and_a_group_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="did you mean MEDCITE_THREADS"):
        check_environment({"MEDCITE_TRHEADS": "2"})
    with pytest.raises(ValueError, match="unknown setting MEDCITE_RANKER"):
        check_environment({"MEDCITE_RANKER__C": "2"})
    with pytest.raises(ValueError, match="MEDCITE_THREADS has no parts"):
        check_environment({"MEDCITE_THREADS__MAX": "2"})


def test_valid_keys_and_what_is_not_a_setting_pass() -> None:
    check_environment(
        {"MEDCITE_QA__LEAD": "2", "MEDCITE_THREADS": "1", "MEDCITE_WORKERS": "2", "PATH": "/bin", "MEDCITE_QA": '{"lead": 2}'}
    )


def test_a_group_given_an_unknown_key_in_code_refuses_it() -> None:
    with pytest.raises(ValidationError, match="min_topicalty"):
        QASettings(min_topicalty=0.1)
    with pytest.raises(ValidationError):
        Settings(qa={"min_topicalty": 0.1})


def test_the_cli_says_so_in_one_line() -> None:
    result = CliRunner().invoke(app, ["stats"], env={"MEDCITE_QA__MIN_TOPICALTY": "0.1"})
    assert result.exit_code == 2
    assert "MEDCITE_QA__MIN_TOPICALITY" in result.output and "Traceback" not in result.output
