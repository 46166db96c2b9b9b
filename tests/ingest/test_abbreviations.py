"""Abbreviations a document defines, found in real abstract and guideline text, and spelled out for the index."""

from __future__ import annotations

import json

import pytest

from ingest.abbreviations import definitions, expand


def test_definitions_in_a_real_abstract(shared_data) -> None:
    with (shared_data / "research/pubmedqa-abstracts.jsonl").open(encoding="utf-8") as handle:
        records = {r["pmid"]: r for r in map(json.loads, handle)}
    found = definitions(s["text"] for s in records["10331115"]["sections"])
    assert found.get("PET") == "positron-emission tomography", found


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("limit dosage to <50 morphine milligram equivalents (MME) per day", "MME", "morphine milligram equivalents"),
        ("American Indian/Alaska Native (AI/AN) children also are at increased risk", "AI/AN", "American Indian/Alaska Native"),
        (
            "after pylorus-preserving pancreaticoduodenectomy (PPPD) in 40 patients",
            "PPPD",
            "pylorus-preserving pancreaticoduodenectomy",
        ),
        (
            "as recommended by the Advisory Committee on Immunization Practices (ACIP).",
            "ACIP",
            "Advisory Committee on Immunization Practices",
        ),
        ("infants born to hepatitis B surface antigen (HBsAg)-positive mothers", "HBsAg", "hepatitis B surface antigen"),
    ],
)
def test_the_long_form_is_the_words_that_spell_the_short_form(text: str, short: str, long: str) -> None:
    assert definitions([text]) == {short: long}


@pytest.mark.parametrize(
    "text",
    [
        "Patients (n = 40) were randomised (p < 0.05).",
        "The rate fell (95% CI 0.2-0.4) over two years (2010).",
        "Pain scores improved (see Table 2).",
        "as described earlier (Smith).",
    ],
)
def test_parentheses_that_define_nothing_define_nothing(text: str) -> None:
    assert definitions([text]) == {}


def test_later_uses_are_spelled_out_and_the_definition_left_as_written() -> None:
    defined = definitions(["Delayed gastric emptying (DGE) is common after pylorus-preserving pancreaticoduodenectomy (PPPD)."])
    assert expand("Delayed gastric emptying (DGE) is common.", defined) == "Delayed gastric emptying (DGE) is common."
    assert expand("DGE after PPPD seems to be of minor clinical importance.", defined) == (
        "Delayed gastric emptying (DGE) after pylorus-preserving pancreaticoduodenectomy (PPPD) seems to be of minor "
        "clinical importance."
    )


def test_only_whole_short_forms_are_spelled_out() -> None:
    defined = {"OR": "odds ratio", "AN": "anorexia nervosa"}
    assert expand("ORAL intake or an OR of 2; AI/AN children; AN-related", defined) == (
        "ORAL intake or an odds ratio (OR) of 2; AI/AN children; AN-related"
    )
    assert expand("no abbreviations here", {}) == "no abbreviations here"
