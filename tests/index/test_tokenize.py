"""BM25 tokens: a noun and its adjective or verb meet ("colonoscope" / "colonoscopy", "allergy" / "allergic")."""

from __future__ import annotations

import pytest

from index.tokenize import tokenize


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("colonoscope", "colonoscopy"),
        ("endoscopic", "endoscopy"),
        ("allergic", "allergies"),
        ("neuropathic", "neuropathy"),
        ("injured", "injury"),
        ("familial", "family"),
        ("diagnose", "diagnosis"),
        ("metastases", "metastasis"),
    ],
)
def test_forms_of_one_word_share_a_token(one: str, other: str) -> None:
    assert tokenize(one) == tokenize(other)


def test_words_ending_in_i_and_stop_words_stay_as_they_were() -> None:
    assert tokenize("anti multi MRI") == ["anti", "multi", "mri"]
    assert tokenize("What is the dose for a child?") == ["dose", "child"]
    assert tokenize("long-term covid-19") == ["long-term", "covid-19"]
