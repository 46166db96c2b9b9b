"""The lead's ranking rules, scope exclusions and guideline sub-headings, on sentences from real guidelines."""

from __future__ import annotations

from index.tokenize import tokenize
from qa.asked_for import asked_units, asks, contradicts, gives, measured_units, polarities, populations
from qa.lead import rank_for_lead
from qa.lead_features import QuestionTraits
from qa.lexicon import DIRECTIVE
from qa.scope import asked_terms, may_exclude, scope_query
from qa.sections import heading_of
from qa.statements import Candidate


def asked(kind: str, question: str) -> bool:
    return kind in asks(question)


OPIOID_TITLE = "CDC Clinical Practice Guideline for Prescribing Opioids for Pain — United States, 2022"


def test_questions_asking_for_a_number() -> None:
    assert asked("quantity", "How fast should the taper go?")
    assert asked("quantity", "What daily dose should make me stop and rethink?")
    assert asked("quantity", "When should I check serologies after the series?")
    assert not asked("quantity", "Should I prescribe naloxone with opioids?")


def test_what_a_guideline_requires_is_a_directive_but_who_requires_it_is_not() -> None:
    assert DIRECTIVE.search(
        "Semi-critical items (e.g., endoscopes used for colonoscopy) require, at a minimum, "
        "high-level disinfection prior to reuse."
    )
    assert not DIRECTIVE.search("Patients who require long-term opioid therapy were interviewed.")
    assert not DIRECTIVE.search(
        "Certain circumstances (e.g., severe traumatic injuries) might require use of opioids for durations of >7 days."
    )


def test_a_conditional_recommendation_in_grade_wording_is_a_directive_but_what_evidence_suggests_is_not() -> None:
    assert DIRECTIVE.search("We suggest offering self-testing as an additional approach.")
    assert DIRECTIVE.search("The panel suggests a shorter course for adults.")
    assert not DIRECTIVE.search("Studies suggest that breastfeeding poses no additional risk.")
    assert not DIRECTIVE.search("These results suggest that involving patients in decisions improves adherence.")


def test_a_question_counting_in_a_unit_meets_sentences_stating_that_unit() -> None:
    def stated(question: str, sentence: str) -> bool:
        return any(unit.search(sentence) for unit in asked_units(question))

    question = "1,300 g preemie got vaccine and HBIG at birth. How many more hep B doses does she need, and when?"
    assert stated(question, "3 additional doses of vaccine (for a total of 4 doses) should be administered beginning at 1 month.")
    assert not stated(question, "All infants born to HBsAg-positive women should receive HBIG (0.5 mL) <12 hours of birth.")
    assert stated("How many days' supply is usually enough?", "A few days or less are often sufficient.")
    assert stated("How often should I check the PDMP?", "Clinicians should review PDMP data at least every 3 months.")
    assert stated("How much Hib vaccine should we order?", "Order only a supply for up to 4 weeks in units of 10.")
    assert asked_units("Should I prescribe naloxone with opioids?") == ()


def test_the_population_asked_about_meets_its_class_in_a_sentence() -> None:
    assert populations("What should I put in place for an 80-year-old on chronic opioids?") == {"older"}
    assert "older" in populations("Clinicians should implement interventions to mitigate risks among older adults.")
    assert populations("Is it safe to give the hepatitis B vaccine to a pregnant patient?") == {"pregnancy"}
    assert "pregnancy" in populations("Pregnancy is not a contraindication to vaccination.")
    assert populations("I have a 13-month-old with sickle cell disease.") == {"infants"}
    assert populations("Same cutoff for a 15-year-old?") == {"adolescents"}
    assert populations("How fast should the taper go?") == set()


def test_a_question_about_using_two_things_together_meets_concurrent_use() -> None:
    assert asked("together", "Patient is on long-term clonazepam and now needs an opioid. Is it OK to prescribe both?")
    assert asked("together", "Can I give the Hib and hepatitis B vaccines at the same visit?")
    assert not asked("together", "Which of my patients on opioids should get a naloxone prescription?")
    assert gives(
        "together",
        "Clinicians should use particular caution when prescribing opioid pain medication and benzodiazepines concurrently.",
    )
    assert gives("together", "Hepatitis B vaccine may be administered simultaneously with other vaccines.")
    assert not gives("together", "Clinicians should offer naloxone when prescribing opioids.")


def test_a_question_about_a_reaction_or_allergy_meets_the_guidelines_caution() -> None:
    assert asked("caution", "A 10-year-old had anaphylaxis after her first hepatitis B shot. Do we go ahead with the series?")
    assert asked("caution", "Is a yeast allergy a contraindication to hep B vaccine?")
    assert asked("caution", "Is it safe to give the hepatitis B vaccine to a pregnant patient?")
    assert not asked("caution", "I just started someone on opioids. When should I check benefits and harms?")
    assert not asked("caution", "What should I put in place to limit opioid side effects in an 80-year-old?")
    assert gives(
        "caution",
        "Persons with a history of serious adverse events (e.g., anaphylaxis) after receipt of "
        "hepatitis B vaccine should not receive additional doses.",
    )
    assert gives("caution", "Hepatitis B vaccination is contraindicated for persons with a history of hypersensitivity to yeast.")
    assert not gives("caution", "All children aged 11–12 years should complete the vaccine series if incompletely vaccinated.")
    assert not gives(
        "caution", "For preterm infants weighing <2,000 g, the birth dose should not be counted as part of the series."
    )


def test_a_sentence_about_the_opposite_test_result_contradicts_the_question() -> None:
    asked = polarities("Baby born to a mother who is HBsAg-positive: what do we give?")
    assert contradicts("For infants born to HBsAg-negative mothers, the first dose should be given before discharge.", asked)
    assert not contradicts("All infants born to HBsAg-positive women should receive HBIG <12 hours of birth.", asked)
    assert not contradicts("Infants of HBsAg-negative and HBsAg-positive mothers both receive a birth dose.", asked)
    assert not contradicts("Clinicians should offer naloxone.", set())
    # a known result is not an unknown one: "preemie born to an HBsAg-positive mom" is not "while results are pending"
    assert contradicts(
        "While test results are pending, all infants born to women without documentation of HBsAg test "
        "results should receive the first dose.",
        asked,
    )
    assert contradicts("These infants should receive HBIG if the mother's HBsAg status cannot be determined.", asked)
    assert not contradicts("Testing for HBsAg should be done at every pregnancy.", asked)
    # the mother's result and the infant's: both results given, neither contradicts
    both = polarities("Infant of an HBsAg-positive mother: HBsAg negative, anti-HBs 4 mIU/mL. What now?")
    assert not contradicts("HBsAg-negative infants with anti-HBs levels <10 mIU/mL should be revaccinated.", both)
    assert not contradicts("While test results are pending, infants should receive the first dose.", set())


def _ranked(question: str, texts: tuple[str, ...]) -> list[Candidate]:
    pool = [Candidate(None, i, (0, len(t)), t, None, 0.8, 0.5, 0.7, 1.0, 0.82 - 0.01 * i, None) for i, t in enumerate(texts)]
    return rank_for_lead(pool, QuestionTraits.of(question))


def _leads(question: str, *texts: str) -> str:
    """Which of these guideline sentences leads for the question, the first a little ahead on retrieval: the rule
    under test decides."""
    return _ranked(question, texts)[0].text


def _edge(question: str, first: str, second: str) -> float:
    """How far the second sentence ranks above the first for the question (posed as `_leads` poses them)."""
    scores = {c.text: c.score for c in _ranked(question, (first, second))}
    return scores[second] - scores[first]


def test_a_question_about_an_unknown_result_leads_with_what_to_do_while_it_is_unknown() -> None:
    """The hepatitis B guideline's labour-ward case: the mother's result is not on file. The sentence for that case
    leads over ones as close to the question about what to do once the result is known."""
    question = "A woman arrives in labor with no HBsAg result on file. What should the newborn get while we wait for her test?"
    assert asked("unknown", question)
    assert asked("unknown", "and if she was never tested at all?") and asked(
        "unknown", "Her HIV test results are pending; start ART?"
    )
    assert not asked("unknown", "Is there no test for spores?") and not asked("unknown", "Workup for fever of unknown origin?")
    assert not asked("unknown", "Patient pending surgery: how many days of opioids?")
    pending = (
        "While test results are pending, all infants born to women without documentation of HBsAg test results "
        "should receive the first dose of single-antigen hepatitis B vaccine (without HBIG) <12 hours of birth."
    )
    known = (
        "Although infants who require postexposure immunoprophylaxis should be identified by maternal HBsAg testing, "
        "administering a birth dose to infants even without HBIG serves as a safety net."
    )
    assert _leads(question, known, pending) == pending
    assert _leads("What should the newborn of an HBsAg-positive mother get?", known, pending) == known


def test_a_why_question_leads_with_the_reason() -> None:
    question = "Why does it matter which Hib product an Alaska Native infant gets for the very first dose?"
    assert asked("reason", question) and asked("reason", "What was the reason for the recall?")
    assert not asked("reason", "Which Hib vaccines were not affected by the recall?")
    risk = "American Indian/Alaska Native (AI/AN) infants also are at increased risk for Hib disease, particularly early."
    reason = (
        "Failure to use PRP-OMP vaccines for the first dose is associated with excess cases of Hib disease in "
        "AI/AN infants living in communities where Hib transmission is ongoing."
    )
    assert _leads(question, risk, reason) == reason
    assert _leads("Which Hib product should an Alaska Native infant get first?", risk, reason) == risk


def test_a_measured_value_in_the_question_meets_the_threshold_in_its_unit() -> None:
    question = "Post-vaccination labs on an infant of an HBsAg-positive mother: HBsAg negative, anti-HBs 4 mIU/mL. What now?"
    assert measured_units(question) == {"miu/ml"} and measured_units("He takes 120 mg/day.") == {"mg/day"}
    # a unit is a unit of the lexicon, a "per" part one too: not the name after a slash, nor a word after a number
    assert measured_units("Give 0.5 mL; taper by 10% per month; 5 mg/acetaminophen 325 mg.") == {"ml", "%", "mg"}
    assert measured_units("He takes 120 MME/day for 5 years.") == set()
    other = "Anti-HBc testing of infants is not recommended because maternal anti-HBc might be detected to age 24 months."
    threshold = (
        "HBsAg-negative infants with anti-HBs levels <10 mIU/mL should be revaccinated with a second 3-dose "
        "series and retested 1–2 months after the final dose."
    )
    assert _leads(question, other, threshold) == threshold


def test_a_question_about_what_may_be_done_meets_what_the_guideline_permits() -> None:
    question = (
        "New mom is HBsAg positive. Can she breastfeed right away, or should she wait until the baby has had "
        "HBIG and the vaccine?"
    )
    assert asked("permission", question) and asked("permission", "Our GI suite reprocesses single-use forceps. Is that allowed?")
    assert asked("permission", "Is it OK to go back into a vial with the same syringe?")
    assert not asked("permission", "How many doses does she need?") and not asked("permission", "What can we give instead?")
    timing = (
        "If the mother is determined to be HBsAg positive, her infant's vaccine series is completed on the "
        "schedule for infants born to HBsAg-positive mothers, with HBIG at birth."
    )
    permitted = "Infants of HBsAg-positive mothers may be breast fed beginning immediately after birth."
    assert _leads(question, timing, permitted) == permitted
    # asked what to do, not whether it may be done, the permission gains nothing from being one
    assert _edge(question, timing, permitted) > _edge("What do infants of HBsAg-positive mothers receive?", timing, permitted)


def test_asked_whether_it_is_safe_the_sentence_about_the_risk_leads() -> None:
    question = "Is it actually safe to put off the 12-15 month Hib booster for now? Won't those toddlers be at risk?"
    assert asked("risk", question) and asked("risk", "Is it safe to give the hepatitis B vaccine to a pregnant patient?")
    assert not asked("risk", "When is the Hib booster given?")
    schedule = "Hib conjugate vaccines are given as a primary series followed by a booster dose at age 12–15 months."
    risk = (
        "Short-term deferral of the booster dose among children aged 12–15 months is not likely to result in an "
        "increased risk for Hib disease because of continued protection from the primary series."
    )
    assert _leads(question, schedule, risk) == risk
    assert _leads("Which Hib vaccine do toddlers get as the booster?", schedule, risk) == schedule


def test_scope_terms_are_who_or_what_the_question_narrows_to() -> None:
    assert asked_terms("How should I taper long-term opioids in children?", OPIOID_TITLE) == {"children"}
    assert {"children", "adolesc"} <= asked_terms("Same cutoff for a 15-year-old?", OPIOID_TITLE)
    assert {"sickl", "cell"} <= asked_terms("Opioids for a patient with sickle cell disease?", OPIOID_TITLE)
    # "for" a condition narrows as "with" one does: "reach for an opioid first for a sickle cell pain crisis?"
    assert {"sickl", "cell"} <= asked_terms("Should I reach for an opioid first for a sickle cell crisis?", OPIOID_TITLE)
    assert asked_terms("How should I taper long-term opioids?", OPIOID_TITLE) == set()
    # how long or how many, in digits or in words, narrows to no one
    assert asked_terms("On oxycodone for 5 years, wants to taper. How fast?", OPIOID_TITLE) == set()
    assert asked_terms("On oxycodone for five years, wants to taper. How fast?", OPIOID_TITLE) == set()
    # an adult's age names adults, whom a guideline for children may leave out; an 80-year-old is "older"
    hep_b = "A Comprehensive Immunization Strategy to Eliminate Transmission of Hepatitis B Virus Infection"
    assert "adult" in asked_terms("And her dad, who's 48 and never had it?", hep_b)
    assert "adult" in asked_terms("And an unvaccinated 24-year-old?", hep_b)
    assert "adult" not in asked_terms("How do I limit side effects in an 80-year-old on chronic opioids?", OPIOID_TITLE)
    assert "adult" not in asked_terms("Is a 3-year-old due a catch-up dose?", hep_b)
    # named otherwise than the scope statement names it: "hospice" is excluded as "end-of-life care"
    hospice = asked_terms("What should I put in place for an 80-year-old on chronic opioids if she's in hospice?", OPIOID_TITLE)
    assert hospice & set(tokenize("This guideline does not apply to palliative care, or end-of-life care."))
    assert may_exclude("The recommendations do not address the use of opioid pain medication in children.")
    assert not may_exclude("Clinicians should offer naloxone to patients at increased risk of overdose.")
    assert may_exclude("This document does not replace existing, more-detailed guidance for hemodialysis centers.")
    assert "hemodialys" in asked_terms("Does that also cover our hemodialysis unit?", "Guide to Infection Prevention")
    ward = asked_terms("Same starting dose for my post-op patients still on the surgical ward?", OPIOID_TITLE)
    assert ward & set(tokenize("The recommendations do not apply to care provided to patients who are hospitalized."))


def test_guideline_sections_as_sub_headings() -> None:
    assert heading_of("Tapering Rate") == "Tapering Rate"
    assert heading_of("Assessing Risk and Addressing Potential Harms of Opioid Use (Recommendations 8, 9, 10)") == (
        "Assessing Risk and Addressing Potential Harms of Opioid Use"
    )
    assert heading_of("HAND HYGIENE") == "Hand hygiene"
    for structural in [
        "Supporting Rationale",
        "Implementation Considerations",
        "Introduction",
        None,
        "",
        "Elements to be assessed Assessment Notes/Areas for Improvement",
    ]:
        assert heading_of(structural) is None, structural


def test_the_scope_search_fits_the_query_limit_and_keeps_the_question_end() -> None:
    question = "My patient has been on opioids for years. " * 50 + "How should I taper opioids in a 15-year-old?"
    query = scope_query(question, OPIOID_TITLE * 40, 2000)
    assert len(query) <= 2000 and "15-year-old" in query and "adolescents" in query
    assert scope_query("And in children?", OPIOID_TITLE).startswith("And in children?")


def test_a_passage_is_read_for_scope_only_when_it_states_an_exclusion() -> None:
    assert may_exclude("Background. The recommendations do not\naddress the use of opioids in children.")
    assert not may_exclude("Clinicians should offer naloxone when prescribing opioids.")
