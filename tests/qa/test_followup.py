"""Follow-up resolution: follow-ups carry the previous topic in natural wording; standalone questions pass unchanged."""

from __future__ import annotations

import re

import pytest

from qa.followup import MAX_CHARS, is_followup, resolve, topic_of

OPIOIDS = "What is the recommended approach to tapering opioids?"
METFORMIN = "What are the side effects of metformin?"
HYPERTENSION = "What is the first-line treatment for hypertension?"


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9-]+", text.lower()))


# (history, follow-up, expected understood-as, words of the earlier topic that must survive)
RESOLVED = [
    # fragments append to the previous question
    ([OPIOIDS], "and in children?", "What is the recommended approach to tapering opioids in children?", {"tapering", "opioids"}),
    ([METFORMIN], "in pregnancy?", "What are the side effects of metformin in pregnancy?", {"side", "effects", "metformin"}),
    ([METFORMIN], "for older adults?", "What are the side effects of metformin for older adults?", {"metformin"}),
    (
        [OPIOIDS],
        "what about pregnant women?",
        "What is the recommended approach to tapering opioids in pregnant women?",
        {"opioids"},
    ),
    ([METFORMIN], "children?", "What are the side effects of metformin in children?", {"metformin"}),
    ([METFORMIN], "what if she is pregnant?", "What are the side effects of metformin if she is pregnant?", {"metformin"}),
    ([METFORMIN], "or insulin?", "What are the side effects of metformin or insulin?", {"side", "effects", "metformin"}),
    # short generic questions get the topic joined to their aspect noun, or appended
    ([OPIOIDS], "what dose?", "What dose for tapering opioids?", {"tapering", "opioids"}),
    ([METFORMIN], "what is the dose?", "What is the dose for metformin?", {"metformin"}),
    ([METFORMIN], "dosage?", "What is the dosage for metformin?", {"metformin"}),
    (["What is lisinopril?"], "side effects?", "What are the side effects of lisinopril?", {"lisinopril"}),
    ([METFORMIN], "any side effects in children?", "Any side effects of metformin in children?", {"metformin"}),
    (["What is gout?"], "what are the guidelines?", "What are the guidelines for gout?", {"gout"}),
    (
        [METFORMIN],
        "what is the usual dose in older adults?",
        "What is the usual dose for metformin in older adults?",
        {"metformin"},
    ),
    ([OPIOIDS], "how long?", "How long (regarding tapering opioids)?", {"tapering", "opioids"}),
    ([METFORMIN], "how often?", "How often (regarding the side effects of metformin)?", {"side", "effects", "metformin"}),
    # anaphora: the pronoun is replaced by the topic where that is simple
    (["What is metformin?"], "what are its side effects?", "What are the side effects of metformin?", {"metformin"}),
    ([METFORMIN], "is it safe in pregnancy?", "Is metformin safe in pregnancy?", {"metformin"}),
    (["What are kidney stones?"], "how are they treated?", "How are kidney stones treated?", {"kidney", "stones"}),
    (
        ["What are the complications of diabetes?"],
        "how are they treated?",
        "How are the complications of diabetes treated?",
        {"complications", "diabetes"},
    ),
    (["What is gout?"], "how is this condition treated?", "How is gout treated?", {"gout"}),
    ([METFORMIN], "is this dose safe?", "Is the dose for metformin safe?", {"metformin"}),
    ([METFORMIN], "Is there evidence that it works?", "Is there evidence that metformin works?", {"metformin"}),
    (
        [HYPERTENSION],
        "is it safe in pregnancy?",
        "Is the first-line treatment for hypertension safe in pregnancy?",
        {"first-line", "treatment", "hypertension"},
    ),
    ([METFORMIN], "what about its interactions?", "What about the interactions of metformin?", {"metformin"}),
    (
        [METFORMIN],
        "how should it be dosed in patients with severe renal impairment?",
        "How should metformin be dosed in patients with severe renal impairment?",
        {"metformin"},
    ),
    # and otherwise the topic is appended
    (
        ["What is heart failure?"],
        "how should such patients be monitored?",
        "How should such patients be monitored (regarding heart failure)?",
        {"heart", "failure"},
    ),
    # a new topic replaces the old one in the same frame (it used to be appended: "What about diabetes (regarding the
    # first-line treatment for hypertension)?", which retrieval read as a question about hypertension)
    ([HYPERTENSION], "what about diabetes?", "What is the first-line treatment for diabetes?", {"first-line", "treatment"}),
]


@pytest.mark.parametrize(("history", "question", "expected", "topic_words"), RESOLVED)
def test_follow_ups_carry_the_previous_topic(history: list[str], question: str, expected: str, topic_words: set[str]) -> None:
    assert is_followup(question)
    understood = resolve(question, history)
    assert understood == expected
    assert topic_words <= words(understood)
    assert understood[0].isupper() and understood.endswith("?") and not understood.endswith("??")


STANDALONE = [
    "What causes gout?",
    "How is hepatitis B transmitted?",
    "Metformin dosing in CKD?",
    "Which drugs are safe in pregnancy?",
    "Is it true that statins cause diabetes?",
    "What is the first-line treatment for hypertension?",
    "Is metformin safe and is it effective in CKD?",  # "it" refers to metformin, named in the same question
    "What is the most appropriate first-line antihypertensive for a patient with diabetes and chronic kidney disease?",
]


@pytest.mark.parametrize("question", STANDALONE)
@pytest.mark.parametrize("history", [[], [METFORMIN], [OPIOIDS, "What dose for tapering opioids?"]])
def test_standalone_questions_pass_unchanged(question: str, history: list[str]) -> None:
    assert resolve(f"  {question} ", history) == question


@pytest.mark.parametrize("question", ["what dose?", "and in children?", "is it safe in pregnancy?", "how long?"])
def test_without_history_nothing_is_resolved(question: str) -> None:
    assert resolve(question, []) == question
    assert resolve(question, ["", "  "]) == question


def test_a_new_topic_mid_conversation_is_not_a_follow_up() -> None:
    history = [METFORMIN, "Is metformin safe in pregnancy?"]
    assert not is_followup("What causes gout?")
    assert resolve("What causes gout?", history) == "What causes gout?"
    assert resolve("what dose?", [*history, "What causes gout?"]) == "What dose for gout?"


def test_a_chain_of_follow_ups_keeps_the_original_topic() -> None:
    history = ["What is metformin?"]
    for question in ["what are its side effects?", "in children?", "and in pregnancy?", "what dose?", "is it safe?"]:
        understood = resolve(question, history)
        assert "metformin" in words(understood)
        history.append(understood)
    assert history[1:] == [
        "What are the side effects of metformin?",
        "What are the side effects of metformin in children?",
        "What are the side effects of metformin in pregnancy?",
        "What dose for metformin in pregnancy?",
        "Is metformin safe in pregnancy?",  # the pronoun stands for the subject, the population stays at the end
    ]


def test_a_fragment_replaces_the_previous_fragment_with_the_same_preposition() -> None:
    history = [OPIOIDS, resolve("and in children?", [OPIOIDS])]
    assert resolve("and in pregnancy?", history) == "What is the recommended approach to tapering opioids in pregnancy?"
    assert resolve("with renal impairment?", history) == (
        "What is the recommended approach to tapering opioids in children with renal impairment?"
    )


def test_an_appended_topic_is_found_again_in_the_next_turn() -> None:
    history = [OPIOIDS, resolve("how long?", [OPIOIDS])]
    assert resolve("how often?", history) == "How often (regarding tapering opioids)?"


def test_whitespace_and_case_are_normalised() -> None:
    assert resolve("  AND   in   children ?? ", [f"  {METFORMIN.lower()}  "]) == (
        "What are the side effects of metformin in children?"
    )
    previous = "what is the recommended approach to tapering opioids"
    assert resolve("WHAT DOSE?", [previous]) == "WHAT DOSE for tapering opioids?"
    assert resolve("and?", [METFORMIN]) == METFORMIN


@pytest.mark.parametrize(
    ("question", "full", "core"),
    [
        (OPIOIDS, "tapering opioids", "tapering opioids"),
        (METFORMIN, "the side effects of metformin", "metformin"),
        ("Is metformin safe in pregnancy?", "metformin in pregnancy", "metformin in pregnancy"),
        ("How should hypertension be treated in pregnancy?", "hypertension in pregnancy", "hypertension in pregnancy"),
        ("Is there a role for aspirin in primary prevention?", *["aspirin in primary prevention"] * 2),
        ("Tell me about gout", "gout", "gout"),
        ("What's the best way to manage hyperkalaemia?", "hyperkalaemia", "hyperkalaemia"),
        ("Metformin side effects?", "metformin side effects", "metformin side effects"),
        ("How long (regarding tapering opioids)?", "tapering opioids", "tapering opioids"),
    ],
)
def test_the_topic_keeps_the_clinical_content_only(question: str, full: str, core: str) -> None:
    topic = topic_of(question)
    assert (topic.full, topic.core) == (full, core)


def test_the_result_is_capped_by_cutting_the_topic() -> None:
    previous = "What is the recommended approach to " + "tapering opioids " * 200 + "?"
    understood = resolve("dosage in children with renal impairment?", [previous])
    assert len(understood) <= MAX_CHARS
    assert understood.startswith("What is the dosage for tapering opioids")
    assert understood.endswith("in children with renal impairment?")
    assert resolve("and in children?", [previous]).endswith("… in children?")


def test_an_empty_question_is_refused() -> None:
    with pytest.raises(ValueError):
        resolve("  ? ", [METFORMIN])


INJECTION = "What are safe injection practices in outpatient settings, e.g. single-dose vials?"
HEP_B = "What are the recommendations for hepatitis B vaccination for adults and health-care workers?"
TAPER = "How should I taper long-term opioids?"
INFLUENZA = "Should health-care workers receive influenza vaccine?"

# (previous question, follow-up, understood as): the follow-up's kind decides which part of the frame it replaces
REFRAMED = [
    # a new topic: the old topic and its examples go, the setting and population stay
    (INJECTION, "and for hand hygiene?", "What are the recommendations for hand hygiene in outpatient settings?"),
    (INJECTION, "what about needle disposal?", "What are the recommendations for needle disposal in outpatient settings?"),
    (
        HEP_B,
        "and hepatitis A vaccination?",
        "What are the recommendations for hepatitis A vaccination for adults and health-care workers?",
    ),
    (TAPER, "what about benzodiazepines?", "How should I taper benzodiazepines?"),
    ("What are the side effects of metformin?", "what about insulin?", "What are the side effects of insulin?"),
    ("Is metformin safe in pregnancy?", "what about insulin?", "Is insulin safe in pregnancy?"),
    ("How is hepatitis B transmitted?", "and hepatitis C?", "How is hepatitis C transmitted?"),
    ("What is gout?", "what about pseudogout?", "What is pseudogout?"),
    (INFLUENZA, "what about hepatitis B vaccine?", "Should health-care workers receive hepatitis B vaccine?"),
    # a new population replaces the old one, coordinated or postmodified, and keeps its preposition
    (HEP_B, "what about pregnant women?", "What are the recommendations for hepatitis B vaccination for pregnant women?"),
    (
        "What are the recommendations for hepatitis B vaccination for adults, including health care workers?",
        "what about pregnant women?",
        "What are the recommendations for hepatitis B vaccination for pregnant women?",
    ),
    (
        HEP_B,
        "and for infants born to HBsAg-positive mothers?",
        "What are the recommendations for hepatitis B vaccination for infants born to HBsAg-positive mothers?",
    ),
    (
        HEP_B,
        "what about adults aged ≥ 18 years?",
        "What are the recommendations for hepatitis B vaccination for adults aged ≥ 18 years?",
    ),
    (TAPER, "and in children?", "How should I taper long-term opioids in children?"),
    (
        "How should I taper long-term opioids in patients with chronic pain?",
        "what about adolescents?",
        "How should I taper long-term opioids in adolescents?",
    ),
    ("Is metformin safe in pregnancy?", "and in older adults?", "Is metformin safe in older adults?"),
    (INFLUENZA, "and students?", "Should students receive influenza vaccine?"),
    (
        "When should clinicians offer naloxone?",
        "what about patients with chronic kidney disease?",
        "When should clinicians offer naloxone in patients with chronic kidney disease?",
    ),  # clinicians act: kept
    (INJECTION, "what about the elderly?", "What are safe injection practices in outpatient settings in the elderly?"),
    # a new setting replaces the old one and keeps the population
    (INJECTION, "and in hospitals?", "What are safe injection practices in hospitals?"),
    (INJECTION, "and at home?", "What are safe injection practices at home?"),
    (
        "What vaccines are recommended for adults aged ≥ 18 years in long-term care facilities?",
        "what about hospitals?",
        "What vaccines are recommended for adults aged ≥ 18 years in hospitals?",
    ),
    (
        HEP_B,
        "in long-term care facilities?",
        "What are the recommendations for hepatitis B vaccination for adults and health-care workers in long-term care "
        "facilities?",
    ),
    # a pronoun stands for the subject (an act as a gerund); the previous setting and population follow it
    (TAPER, "how long should that take?", "How long should tapering long-term opioids take?"),
    (TAPER, "is it safe in pregnancy?", "Is tapering long-term opioids safe in pregnancy?"),
    (TAPER, "what if they refuse?", "How should I taper long-term opioids if they refuse?"),
    (HEP_B, "is it safe in pregnancy?", "Is hepatitis B vaccination safe in pregnancy?"),
    (INJECTION, "is it safe?", "Are safe injection practices safe in outpatient settings?"),
    (
        "How should I taper long-term opioids in patients with chronic pain?",
        "how long should that take?",
        "How long should tapering long-term opioids take in patients with chronic pain?",
    ),
    (INFLUENZA, "how often should they get it?", "How often should health-care workers get influenza vaccine?"),
    (
        "What are the side effects of metformin in children?",
        "what is the usual dose in older adults?",
        "What is the usual dose for metformin in older adults?",
    ),
    # a whole question after a connective stands on its own; an empty fragment asks the previous question again
    ("What are the side effects of metformin?", "and what causes gout?", "What causes gout?"),
    (METFORMIN, "and, e.g., insulin?", "What are the side effects of insulin?"),
    (METFORMIN, "what about the?", METFORMIN),
    (METFORMIN, "and in?", METFORMIN),
    # "the same … for someone else": the question again, for the population or setting named
    (
        "What daily opioid dose should make me stop and rethink before titrating a chronic pain patient any higher?",
        "same cutoff for a 15-year-old?",
        "What daily opioid dose should make me stop and rethink before titrating a 15-year-old any higher?",
    ),
    (
        "How long can a multi-dose vial be used after opening?",
        "is it the same in outpatient clinics?",
        "How long can a multi-dose vial be used after opening in outpatient clinics?",
    ),
    # a result stated replaces the wait for it, and is the result of the test the earlier question named
    (
        "A woman arrives in labor with no HBsAg result on file. What should the newborn get while we wait for her test?",
        "and if she turns out to be positive?",
        "What should the newborn get if the woman turns out to be HBsAg positive?",
    ),
]


@pytest.mark.parametrize(("previous", "question", "expected"), REFRAMED)
def test_a_follow_up_replaces_the_part_it_varies(previous: str, question: str, expected: str) -> None:
    understood = resolve(question, [previous])
    assert understood == expected
    assert not re.search(r"\b(\w+) \1\b|e\.g\.\W*\?|\(regarding", understood)  # no "in in", no dangling e.g.


GREETINGS_AND_NONSENSE = ["thanks!", "hello", "ok", "Thank you very much", "asdf qwerty", "42", "🙂 thanks"]


@pytest.mark.parametrize("question", GREETINGS_AND_NONSENSE)
def test_greetings_and_nonsense_pass_unchanged(question: str) -> None:
    assert not is_followup(question)
    assert resolve(question, [INJECTION, HEP_B]) == question


@pytest.mark.parametrize("question", ["and for ", "what about ", "is it safe in ", "and in children with "])
def test_very_long_inputs_are_capped_and_keep_the_follow_up(question: str) -> None:
    long_question = question + "hand hygiene " * 3000 + "?"
    history = [INJECTION.replace("vials", "vials in clinics for children " * 500), HEP_B * 40]
    understood = resolve(long_question, history)
    assert len(understood) <= MAX_CHARS and understood[0].isupper() and understood.endswith("?")
    assert "hand hygiene" in understood
