"""Follow-ups: recognised, then asked in turn after the question they follow, both as the clinician wrote them;
standalone questions pass as asked. Nothing is ever spliced into a rewritten question."""

from __future__ import annotations

import pytest

from qa.followup import MAX_CHARS, Understood, is_followup, resolve
from qa.question_context import split_question

OPIOIDS = "What is the recommended approach to tapering opioids?"
METFORMIN = "What are the side effects of metformin?"
TAPER = "My patient on 90 MME/day of oxycodone wants to come down. How fast should I taper?"
INJECTION = "What are safe injection practices in outpatient settings, e.g. single-dose vials?"
HEP_B = "What are the recommendations for hepatitis B vaccination for adults and health-care workers?"

FOLLOW_UPS = [
    "and in children?",
    "in pregnancy?",
    "what about pregnant women?",
    "children?",
    "what if she is pregnant?",
    "or insulin?",
    "what dose?",
    "dosage?",
    "side effects?",
    "how long?",
    "what are its side effects?",
    "is it safe in pregnancy?",
    "how are they treated?",
    "how is this condition treated?",
    "how should such patients be monitored?",
    "what about diabetes?",
    "and if she has only been on it for a few weeks?",
    "same cutoff for a 15-year-old?",
    "does that also hold for babies of HBsAg-positive moms?",
    "and?",
]

STANDALONE = [
    "What causes gout?",
    "How is hepatitis B transmitted?",
    "Metformin dosing in CKD?",
    "Which drugs are safe in pregnancy?",
    "Is it true that statins cause diabetes?",
    "Is metformin safe and is it effective in CKD?",  # "it" refers to metformin, named in the same question
    "What is the most appropriate first-line antihypertensive for a patient with diabetes and chronic kidney disease?",
]

SOCIAL_OR_NONSENSE = ["thanks!", "hello", "ok", "Thank you very much", "asdf qwerty", "42", "🙂 thanks"]


@pytest.mark.parametrize("question", FOLLOW_UPS)
def test_a_follow_up_is_asked_after_the_question_it_follows(question: str) -> None:
    assert is_followup(question)
    understood = resolve(question, [TAPER])
    assert understood.follow_up_to == TAPER
    # the previous question verbatim, then the follow-up verbatim: its words are never moved or replaced
    assert understood.text.startswith(TAPER + " ")
    asked = understood.text[len(TAPER) + 1 :]
    assert asked.rstrip("?").lower() == question.strip().rstrip("?").lower()
    assert asked[0].isupper() and asked.endswith("?")
    # what is compared by meaning with each sentence is the follow-up; the earlier question is its context
    assert split_question(understood.text) == (TAPER, asked)


@pytest.mark.parametrize("question", STANDALONE + SOCIAL_OR_NONSENSE)
@pytest.mark.parametrize("history", [[], [METFORMIN], [OPIOIDS, f"{OPIOIDS} What dose?"]])
def test_a_question_that_stands_alone_passes_as_asked(question: str, history: list[str]) -> None:
    assert resolve(f"  {question} ", history) == Understood(question, None)


@pytest.mark.parametrize("question", ["what dose?", "and in children?", "is it safe in pregnancy?", "how long?"])
def test_without_history_a_follow_up_is_asked_alone(question: str) -> None:
    assert resolve(question, []) == Understood(question)
    assert resolve(question, ["", "  "]) == Understood(question)


def test_a_new_topic_mid_conversation_starts_afresh_and_the_next_follow_up_follows_it() -> None:
    history = [METFORMIN, f"{METFORMIN} Is it safe in pregnancy?"]
    assert resolve("What causes gout?", history) == Understood("What causes gout?")
    assert resolve("what dose?", [*history, "What causes gout?"]) == Understood(
        "What causes gout? What dose?", "What causes gout?"
    )


def test_a_chain_of_follow_ups_keeps_every_earlier_question_in_order() -> None:
    history = ["What is metformin?"]
    for question in ["what are its side effects?", "in children?", "what dose?"]:
        understood = resolve(question, history)
        assert understood.follow_up_to == history[-1]
        history.append(understood.text)
    assert history[-1] == "What is metformin? What are its side effects? In children? What dose?"


def test_whitespace_is_normalised_and_a_question_mark_added() -> None:
    understood = resolve("  and   in   children ?? ", [f"  {METFORMIN}  "])
    assert understood == Understood(f"{METFORMIN} And in children?", METFORMIN)


def test_a_long_conversation_drops_its_earliest_sentences_first() -> None:
    previous = " ".join(f"Sentence number {i} about tapering opioids." for i in range(200)) + " How fast?"
    understood = resolve("and in children?", [previous])
    assert len(understood.text) <= MAX_CHARS
    assert understood.text.endswith("How fast? And in children?")
    assert "Sentence number 0 " not in understood.text


@pytest.mark.parametrize("question", ["and for ", "what about ", "is it safe in ", "and in children with "])
def test_a_very_long_follow_up_is_capped_and_keeps_its_own_words(question: str) -> None:
    long_question = question + "hand hygiene " * 3000 + "?"
    understood = resolve(long_question, [INJECTION, HEP_B * 40])
    assert len(understood.text) <= MAX_CHARS and understood.text[0].isupper() and understood.text.endswith("?")
    assert "hand hygiene" in understood.text


def test_an_empty_question_is_refused() -> None:
    with pytest.raises(ValueError):
        resolve("  ? ", [METFORMIN])


@pytest.mark.parametrize(
    ("text", "context", "sentence"),
    [
        (TAPER, "My patient on 90 MME/day of oxycodone wants to come down.", "How fast should I taper?"),
        (METFORMIN, "", METFORMIN),
        ("Baby born to an HBsAg-positive mother: what do we give?", "Baby born to an HBsAg-positive mother", "What do we give?"),
        ("Tapering opioids in children", "", "Tapering opioids in children"),
    ],
)
def test_a_question_is_its_context_then_its_question_sentence(text: str, context: str, sentence: str) -> None:
    assert split_question(text) == (context, sentence)
