"""Follow-ups after realistic questions: several sentences, pronouns, and a guard that never shows garbled text."""

from __future__ import annotations

import pytest

from qa.followup import resolve
from qa.question_context import points_back
from qa.readable import reads_well, stands_alone
from tests.qa.test_followup import HEP_B, INJECTION, METFORMIN, TAPER

# A previous question of several sentences: the frame is its question sentence; the context names its pronouns.
MULTI_SENTENCE = [
    (
        "My patient has taken sertraline for two years and wants to stop. How slowly should the dose come down?",
        "and if she'd only been on it a month?",
        "How slowly should the dose come down if my patient had only been on sertraline a month?",
    ),
    (
        "I see a 9-month-old with cystic fibrosis. Does the RSV antibody recommendation cover him?",
        "and household contacts of a child with RSV?",
        "Does the RSV antibody recommendation cover household contacts of a child with RSV?",
    ),
    (
        "A man arrives with chest pain and no ECG yet. What should we give while we wait for his troponin?",
        "and if he turns out to be positive?",
        "What should we give if the man turns out to be troponin positive?",
    ),
]


@pytest.mark.parametrize(("previous", "question", "expected"), MULTI_SENTENCE)
def test_a_multi_sentence_question_frames_its_question_sentence(previous: str, question: str, expected: str) -> None:
    assert resolve(question, [previous]) == expected


# Phrasings of an unseen question set (evaluation/sets/guideline-holdout.jsonl, written blind) that once came out
# garbled: a person named at every pronoun, "them" (the meds) read as the patient, a leading clause taken for the
# subject, a population's relative clause taken for a topic, "take it off" losing its particle.
READ_AS_ONE = [
    (
        "Should we still give the measles booster during the outbreak?",
        "and for older kids?",
        "Should we still give the measles booster during the outbreak for older kids?",
    ),
    (
        "My post-op ankle patient still needs oxycodone almost three weeks out. How often should I be seeing him while he "
        "stays on it?",
        "and if he's still taking them after a month?",
        "How often should I be seeing my post-op ankle patient while he stays on oxycodone if he's still taking them "
        "after a month?",
    ),
    (
        "We want to get a long-term, high-dose opioid patient off his meds. Can we just stop them outright?",
        "what if he has cancer pain?",
        "Can we just stop his meds outright if the long-term, high-dose opioid patient has cancer pain?",
    ),
    (
        "Do we actually have to wipe the rubber stopper on a med vial with alcohol before putting a needle in?",
        "what about IV tubing, can it be shared between patients?",
        "Can IV tubing be shared between patients?",
    ),
    (
        "To finish early, can we give the last hep B dose at the 4-month visit?",
        "does that also hold for babies of HBsAg-positive moms?",
        "Can we give the last hep B dose at the 4-month visit to finish early for babies of HBsAg-positive moms?",
    ),
    (
        "A 10-year-old had anaphylaxis after her first hepatitis B shot. Do we go ahead with the rest of the series?",
        "what about a kid who's just sick with a fever today?",
        "Do we go ahead with the rest of the series in a kid who's just sick with a fever today?",
    ),
    (
        "What sort of gloves should we wear for chemotherapy spills?",
        "does that also apply to the pharmacy?",
        "What sort of gloves should we wear for chemotherapy spills in the pharmacy?",
    ),
    (
        "For a new chronic pain patient who needs an opioid, is it better to start with a long-acting formulation or a "
        "short-acting one?",
        "and for a patient with sickle cell pain crises?",
        "Is it better to start with a long-acting formulation or a short-acting one for a patient with sickle cell pain crises?",
    ),
]


@pytest.mark.parametrize(("previous", "question", "expected"), READ_AS_ONE)
def test_unseen_phrasings_read_as_one_question(previous: str, question: str, expected: str) -> None:
    assert resolve(question, [previous]) == expected
    assert reads_well(expected)


# A rewrite that would not read as a question gives way to the follow-up with the previous topic beside it, or,
# when that topic is no short noun phrase, to both questions as asked, in turn.
FALLBACK = [
    (
        "Once an insulin pen has been primed, how long can we keep it in the fridge?",
        "is that the same for vials?",
        "Once an insulin pen has been primed, how long can we keep it in the fridge? Is that the same for vials?",
    ),
    (
        "Is it OK to split tablets of a modified-release drug?",
        "and if we crush them instead, when?",
        "Is it OK to split tablets of a modified-release drug? And if we crush them instead, when?",
    ),
    (
        "What is the starting dose of metformin?",
        "and if it's not tolerated, what then?",
        "What is the starting dose of metformin? And if it's not tolerated, what then?",
    ),
    # the rewrite's condition would stack on the question's own; a condition with a question of its own
    (
        "Can I carry a multi-dose vial into the exam room if I'm drawing doses for several patients?",
        "and if one already went into a patient's room?",
        "Can I carry a multi-dose vial into the exam room if I'm drawing doses for several patients? And if one already "
        "went into a patient's room?",
    ),
    (
        "How often do I have to check the state PDMP?",
        "what if it shows scripts from another prescriber, can I stop?",
        "How often do I have to check the state PDMP? What if it shows scripts from another prescriber, can I stop?",
    ),
    # the frame's topic is a setting, or led by a preposition: a new thing does not replace it
    (
        "Can our clinic share one glucometer between patients?",
        "and the lancing devices?",
        "Can our clinic share one glucometer between patients? And the lancing devices?",
    ),
    # the question is about its context ("Is that …?"), and so is the follow-up
    (
        "My patient wants to stop drinking on his own at home. Is that a reasonable plan?",
        "and if he has had seizures?",
        "My patient wants to stop drinking on his own at home. Is that a reasonable plan? And if he has had seizures?",
    ),
    # after questions asked in turn, the next is asked in turn too
    (
        "Is it OK to split tablets? And if we crush them instead, when?",
        "and for children?",
        "Is it OK to split tablets? And if we crush them instead, when? And for children?",
    ),
    # a yes/no rewrite that keeps nothing of the previous question ("Is Trumenba?")
    (
        "Is Menveo part of the recall too, or only Bexsero?",
        "what about Trumenba?",
        "Is Menveo part of the recall too, or only Bexsero? What about Trumenba?",
    ),
    (
        "Is Menveo part of the recall too, or only Bexsero?",
        "What about Trumenba?",
        "Is Menveo part of the recall too, or only Bexsero? What about Trumenba?",
    ),
    # "it matters that" is no pronoun, and a clause's end ("vaccine come from") is no topic
    (
        "Where will replacement MenACWY vaccine come from?",
        "and why does it matter that the booster is the same brand?",
        "Where will replacement MenACWY vaccine come from? And why does it matter that the booster is the same brand?",
    ),
    # two phrases side by side, the copula dropped, are no topic to put beside the follow-up
    (
        "Is an egg allergy a contraindication to flu vaccine?",
        "what about a child who had Kawasaki disease?",
        "Is an egg allergy a contraindication to flu vaccine? What about a child who had Kawasaki disease?",
    ),
    # after a case, the question sentence's topic alone ("a single-visit option") would lose the case
    (
        "12-year-old needs MMR catch-up but the family can only come once. Is there a single-visit option?",
        "and his mom, who's 40 and never had it?",
        "12-year-old needs MMR catch-up but the family can only come once. Is there a single-visit option? "
        "And his mom, who's 40 and never had it?",
    ),
    # a setting, then a question of its own
    (
        "My patient is 20 weeks pregnant and on methadone. Should I keep her dose the same?",
        "and after delivery, can she breastfeed on it?",
        "My patient is 20 weeks pregnant and on methadone. Should I keep her dose the same? "
        "And after delivery, can she breastfeed on it?",
    ),
    # "those" points back to what only the previous answer's question says
    (
        "Which flu vaccines are approved for toddlers?",
        "can both of those be given at the same visit?",
        "Which flu vaccines are approved for toddlers? Can both of those be given at the same visit?",
    ),
    (
        "Does a small practice need a trained infection preventionist, or can the office manager do it?",
        "and how often should that person review the policies?",
        "Does a small practice need a trained infection preventionist, or can the office manager do it? "
        "And how often should that person review the policies?",
    ),
    (
        "Which Hib vaccines were unaffected by the recall?",
        "so is there any harm in keeping both brands in stock?",
        "Which Hib vaccines were unaffected by the recall? So is there any harm in keeping both brands in stock?",
    ),
]


@pytest.mark.parametrize(("previous", "question", "expected"), FALLBACK)
def test_a_garbled_rewrite_falls_back_to_the_follow_up_with_its_topic(previous: str, question: str, expected: str) -> None:
    assert resolve(question, [previous]) == expected
    if "(about: " in expected or expected.count("?") == 1:
        assert reads_well(expected)
    else:  # in turn: the previous question whole, then the follow-up as asked
        asked = question.strip().rstrip("?")
        assert expected.startswith(previous) and expected.endswith(asked[:1].upper() + asked[1:] + "?")


@pytest.mark.parametrize(
    "garbled",
    [
        "Is Once a pen has , how long can we keep it?",
        "Does sort of gloves should we wear also apply to the pharmacy?",
        "Where should being giving out leaflets to visitors sit?",
        "The dose of which in children of my patients should be lowered?",
        "What dose in in children?",
        "How fast should it go? What about children?",
        "Where do we keep the boy with while the ambulance comes?",
    ],
)
def test_the_guard_refuses_garbled_text(garbled: str) -> None:
    assert not reads_well(garbled)


@pytest.mark.parametrize("previous", [HEP_B, TAPER, INJECTION, METFORMIN])
@pytest.mark.parametrize("question", ["and how often should they be checked?", "what about, e.g.,?", "and if so, how?"])
def test_every_rewrite_reads_well(previous: str, question: str) -> None:
    understood = resolve(question, [previous])
    assert reads_well(understood), understood


# A pronoun follow-up takes the subject the previous question names; where none is clear, the fallback.
PRONOUNS = [
    # "she" is the person named as a woman, a possessive one too; "is it too late" keeps its "it"
    (
        "Mom's surface antigen came back positive; the baby only got the vaccine at birth. Is it too late for HBIG?",
        "and if she was never tested at all?",
        "Is it too late for HBIG if mom was never tested at all?",
    ),
    (
        "The baby is three weeks old and his mother has the flu. Can she still breastfeed?",
        "and if she has a fever?",
        "Can his mother still breastfeed if she has a fever?",
    ),
    # a person named without an article reads with one mid-sentence, with what qualifies them
    (
        "Toddler with suspected chickenpox in our waiting room, we're sending him to the ER by ambulance. What should we "
        "tell the crew?",
        "and where does he wait while the ambulance comes?",
        "Where does the toddler with suspected chickenpox wait while the ambulance comes?",
    ),
    (
        "Do our ward nurses need a hepatitis B booster?",
        "which other vaccines should we give them?",
        "Which other vaccines should we give our ward nurses?",
    ),
    (
        "My patient is on warfarin after a valve replacement. Can she fly long-haul?",
        "how do I make sure she keeps it in range?",
        "How do I make sure my patient keeps warfarin in range?",
    ),
    (
        "Should we still give the measles booster during the outbreak?",
        "how do we make sure they get it later?",
        "Should we still give the measles booster during the outbreak? How do we make sure they get it later?",
    ),
]


@pytest.mark.parametrize(("previous", "question", "expected"), PRONOUNS)
def test_a_pronoun_takes_the_previous_subject(previous: str, question: str, expected: str) -> None:
    assert resolve(question, [previous]) == expected


@pytest.mark.parametrize("question", ["can I wash the gloves and reuse them?", "does the usual screen pick up it?"])
def test_a_pronoun_the_follow_up_names_itself_stays(question: str) -> None:
    assert resolve(question, [METFORMIN]) == question


def test_a_yes_no_rewrite_must_keep_something_of_the_previous_question() -> None:
    assert not stands_alone("Is Trumenba?", "what about Trumenba?", "Is Menveo part of the recall too?")
    assert stands_alone("What is pseudogout?", "what about pseudogout?", "What is gout?")
    assert stands_alone("Is Trumenba part of the recall too?", "what about Trumenba?", "Is Menveo part of the recall too?")


def test_what_points_back_without_naming() -> None:
    assert points_back("at what age are those babies most at risk?")
    assert points_back("how often should that person review our policies?")
    assert points_back("and when should we check her serologies afterwards?")
    assert not points_back("Does that mean he isn't taking it?")
    assert not points_back("Is that a reasonable plan?")
    assert not points_back("Can the IV tubing set itself be used for another patient?")
