"""The participant reader on real abstracts: precision on 50 that were labelled by reading them
(evaluation/sets/participants-50.jsonl), and the forms it must and must not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.manifest import ManifestEntry
from ingest.participants import number, participants
from ingest.readers.abstracts import read_abstracts
from ingest.study import abstract_text

SAMPLE = Path(__file__).resolve().parents[2] / "evaluation" / "sets" / "participants-50.jsonl"
ABSTRACTS = "research/pubmedqa-abstracts.jsonl"


@pytest.fixture(scope="module")
def abstracts(shared_data: Path) -> dict:
    entry = ManifestEntry(id="research/pubmedqa-abstracts", path=ABSTRACTS, kind="research", format="jsonl")
    return {d.doc_id: d for d in read_abstracts(shared_data / ABSTRACTS, entry)}


def test_precision_on_the_labelled_sample(abstracts) -> None:
    labelled = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(labelled) == 50
    read = [(item, participants(abstract_text(abstracts[item["id"]]))) for item in labelled]
    said = [(item, n) for item, n in read if n is not None]
    right = [item["id"] for item, n in said if n == item["participants"]]
    stated = [item for item in labelled if item["participants"] is not None]
    assert len(right) / len(said) >= 0.9, [(item["id"], n, item["participants"]) for item, n in said if n != item["participants"]]
    assert len(right) / len(stated) >= 0.5  # conservative, not mute


@pytest.mark.parametrize(
    "text, expected",
    [
        ("In all, 1,204 patients were randomized to early or delayed surgery.", 1204),
        ("Consecutive patients (n = 56) were compared before and after the change.", 56),
        ("A total of 312 women took part in the study.", 312),
        ("Forty-six consecutive patients were included.", 46),
        ("The study included 25 866 nonpregnant women; 2957 reported a symptom.", 25866),
        ("We enrolled 25 patients and 20 healthy individuals as a control group.", 45),
        ("Of the 9681 women and 8888 men who attended, 706 women had an event.", 18569),
    ],
)
def test_reads_the_sample_size(text: str, expected: int) -> None:
    assert participants(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fourteen patients (3.5%) had an abnormality on imaging.",  # a subgroup, not the sample
        "We screened 500 patients for eligibility.",  # screened is not enrolled
        "312 eyes of the cohort were examined.",  # eyes are not people
        "Fifty albino rats were randomized into two groups.",  # animals are not participants
        "A total of 55 patients were enrolled. We studied 80 patients in the second phase.",  # two sample sizes
        "One hundred sixteen patients were identified, and 77 of them were included.",  # a pool, then the sample
        "No number is given here.",
    ],
)
def test_says_nothing_when_it_is_not_plain(text: str) -> None:
    assert participants(text) is None


def test_numbers_in_words_and_digits() -> None:
    assert number("One hundred and ninety") == 190
    assert number("thirty-two") == 32
    assert number("2,440,242") == 2440242


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(TypeError, match="abstract's text"):
        participants(None)  # type: ignore[arg-type]
