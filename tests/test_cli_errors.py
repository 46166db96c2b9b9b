"""The installed `medcite` script (its own `main()`, not typer's test runner): a usage mistake or a mistyped setting is
one `error:` line on stderr and exit status 2, as every other error is one line; `medcite` alone shows its help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MEDCITE = Path(sys.executable).with_name("medcite")


def medcite(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(MEDCITE), *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=300)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "pain", "--k", "3"), "error: No such option: --k (Possible options: --kind) (see `medcite search --help`)"),
        (("search",), "error: Missing argument 'question'. (see `medcite search --help`)"),
        (("show-chunk", "x"), "error: No such command 'show-chunk'. (see `medcite --help`)"),
    ],
)
def test_a_usage_mistake_is_one_error_line(args: tuple[str, ...], message: str) -> None:
    done = medcite(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [message]


def test_a_mistyped_setting_is_one_line_naming_the_setting_meant(tmp_path: Path) -> None:
    done = medcite("--index-dir", str(tmp_path / "none"), "search", "pain", MEDCITE_QA__CANDIDATEZ="3")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: Invalid value: unknown setting MEDCITE_QA__CANDIDATEZ; did you mean MEDCITE_QA__CANDIDATES?"
    ]


def test_medcite_alone_shows_its_help() -> None:
    done = medcite()
    assert done.returncode == 2
    assert "Usage: medcite" in done.stdout + done.stderr and "train-ranker" in done.stdout + done.stderr
