"""Follow-ups after realistic questions: several sentences, pronouns, and a guard that never shows garbled text."""

from __future__ import annotations

import pytest

from qa.followup import resolve
from qa.readable import reads_well
from tests.qa.test_followup import HEP_B, INJECTION, METFORMIN, TAPER


# A previous question of several sentences: the frame is its question sentence; the context names its pronouns.
MULTI_SENTENCE = [
    ("My patient has taken sertraline for two years and wants to stop. How slowly should the dose come down?",
     "and if she'd only been on it a month?",
     "How slowly should the dose come down if my patient had only been on sertraline a month?"),
    ("I see a 9-month-old with cystic fibrosis. Does the RSV antibody recommendation cover him?",
     "and household contacts of a child with RSV?",
     "Does the RSV antibody recommendation cover household contacts of a child with RSV?"),
    ("A man arrives with chest pain and no ECG yet. What should we give while we wait for his troponin?",
     "and if he turns out to be positive?",
     "What should we give while we wait for his troponin if the man turns out to be positive?"),
]


@pytest.mark.parametrize(("previous", "question", "expected"), MULTI_SENTENCE)
def test_a_multi_sentence_question_frames_its_question_sentence(previous: str, question: str, expected: str) -> None:
    assert resolve(question, [previous]) == expected


# A rewrite that would not read as a question gives way to the follow-up with the previous topic beside it.
FALLBACK = [
    ("Once an insulin pen has been primed, how long can we keep it in the fridge?", "is that the same for vials?",
     "Is that the same for vials (about: once an insulin pen has been primed, how long can we keep it in the "
     "fridge)?"),
    ("What sort of gloves should we wear for chemotherapy spills?", "does that also apply to the pharmacy?",
     "Does that also apply to the pharmacy (about: what sort of gloves should we wear for chemotherapy spills)?"),
    ("Is it OK to split tablets of a modified-release drug?", "and if we crush them instead, when?",
     "When, if we crush them instead (about: is it OK to split tablets of a modified-release drug)?"),
]


@pytest.mark.parametrize(("previous", "question", "expected"), FALLBACK)
def test_a_garbled_rewrite_falls_back_to_the_follow_up_with_its_topic(
    previous: str, question: str, expected: str
) -> None:
    assert resolve(question, [previous]) == expected
    assert reads_well(expected)


@pytest.mark.parametrize("garbled", [
    "Is Once a pen has , how long can we keep it?",
    "Does sort of gloves should we wear also apply to the pharmacy?",
    "Where should being giving out leaflets to visitors sit?",
    "The dose of which in children of my patients should be lowered?",
    "What dose in in children?",
    "How fast should it go? What about children?",
])
def test_the_guard_refuses_garbled_text(garbled: str) -> None:
    assert not reads_well(garbled)


@pytest.mark.parametrize("previous", [HEP_B, TAPER, INJECTION, METFORMIN])
@pytest.mark.parametrize("question", ["and how often should they be checked?", "what about, e.g.,?", "and if so, how?"])
def test_every_rewrite_reads_well(previous: str, question: str) -> None:
    understood = resolve(question, [previous])
    assert reads_well(understood), understood


# A pronoun follow-up takes the subject the previous question names; where none is clear, the fallback.
PRONOUNS = [
    ("Do our ward nurses need a hepatitis B booster?", "which other vaccines should we give them?",
     "Which other vaccines should we give our ward nurses?"),
    ("My patient is on warfarin after a valve replacement. Can she fly long-haul?",
     "how do I make sure she keeps it in range?", "How do I make sure my patient keeps warfarin in range?"),
    ("Should we still give the measles booster during the outbreak?", "how do we make sure they get it later?",
     "How do we make sure they get it later (about: should we still give the measles booster during the "
     "outbreak)?"),
]


@pytest.mark.parametrize(("previous", "question", "expected"), PRONOUNS)
def test_a_pronoun_takes_the_previous_subject(previous: str, question: str, expected: str) -> None:
    assert resolve(question, [previous]) == expected


@pytest.mark.parametrize("question", ["can I wash the gloves and reuse them?", "does the usual screen pick up it?"])
def test_a_pronoun_the_follow_up_names_itself_stays(question: str) -> None:
    assert resolve(question, [METFORMIN]) == question
