"""Statement hygiene at ingest, on sentences as the shipped guidelines' PDF and HTML readers produce them."""

from __future__ import annotations

import pytest

from ingest.chunking import sentence_spans
from ingest.hygiene import apply, is_debris, is_reference_list, stands_alone, statement, statements


def _shown(text: str, section: str | None = None) -> list[str]:
    """Every statement of the text as quoted, split into sentences as ingest splits it."""
    return [apply(text, *made[1:]) for made in statements(text, sentence_spans(text), section, {})]


def _quoted(sentence: str, section: str | None = None) -> str | None:
    made = statement(sentence, 0, 0, len(sentence), section)
    return apply(sentence, *made[1:]) if made else None


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (
            "Multimodal therapies are not always available or reimbursed, and disparities in access exist ( 6).",
            "Multimodal therapies are not always available or reimbursed, and disparities in access exist.",
        ),
        (
            "Observational studies indicated an association between coprescription of gabapentinoids (23–25) or "
            "benzodiazepines (26–28) and increased risk for overdose.",
            "Observational studies indicated an association between coprescription of gabapentinoids or "
            "benzodiazepines and increased risk for overdose.",
        ),
        (
            "No evidence of a causal association between these conditions and hepatitis B vaccine has been "
            "demonstrated (159,169,170,179--182).",
            "No evidence of a causal association between these conditions and hepatitis B vaccine has been demonstrated.",
        ),
        (
            "The fatality rate among persons with reported acute hepatitis B is 0.5%--1.5%, with highest rates in "
            "adults aged >60 years (21).",
            "The fatality rate among persons with reported acute hepatitis B is 0.5%–1.5%, with highest rates in "
            "adults aged >60 years.",
        ),
        (
            "Outpatient settings have traditionally lacked infrastructure to support infection prevention activities5,6,7.",
            "Outpatient settings have traditionally lacked infrastructure to support infection prevention activities.",
        ),
        (
            "• When patients have been taking opioids for longer durations, tapers of 10% per month or slower are "
            "likely to be better tolerated than more rapid tapers.",
            "When patients have been taking opioids for longer durations, tapers of 10% per month or slower are "
            "likely to be better tolerated than more rapid tapers.",
        ),
        (
            "-- Infants who are HBsAg positive should receive appropriate follow-up (Appendix A).",
            "Infants who are HBsAg positive should receive appropriate follow-up.",
        ),
        (  # an enumerator inside the sentence is part of its meaning, kept
            "Clinicians should (1) assess risk and (2) offer naloxone to patients at increased risk of overdose.",
            "Clinicians should (1) assess risk and (2) offer naloxone to patients at increased risk of overdose.",
        ),
    ],
)
def test_citation_markers_and_layout_are_cleaned_but_map_back(raw: str, shown: str) -> None:
    assert _quoted(raw) == shown


@pytest.mark.parametrize(
    "debris",
    [
        "Facility does not use multi-dose vials: Not applicable H. Vials are kept in a centralized medication area.",
        "For more information please visit OneandOnlyCampaign.org Key recommendations for safe injection practices "
        "in outpatient settings: 1.",
        "B. Personnel who clean and disinfect patient care areas receive training on cleaning procedures: i.",
        "V arisco T, Shen C, Thornton D. Chronic prescription opioid use predicts stabilization on buprenorphine.",
        "Table 2. Characteristics of the 40 included studies, 2010-2020.",
        "Smith J, Jones K, et al. Opioid tapering. JAMA 2019;321(4):123-130.",
        "MORBIDITY AND MORTALITY WEEKLY REPORT RECOMMENDATIONS",
        "12.3 45.6 78.9 10.1 11.2 13.4 15.6 17.8 19.0 21.2 23.4 25.6",
        "and therefore the opioid dosage should be reduced slowly over weeks",
        "What is (are) adult acute lymphoblastic leukemia?",
        "These findings were consistent across the included trials and settings.",
        "Determining whether or not to initiate opioids for pain 2.",
    ],
)
def test_debris_is_never_a_statement(debris: str) -> None:
    assert _quoted(debris) is None


def test_a_real_statement_passes() -> None:
    sentence = "Clinicians should offer naloxone when prescribing opioids to patients at increased risk."
    assert not is_debris(sentence) and _quoted(sentence) == sentence


def test_a_list_inside_one_sentence_becomes_its_items() -> None:
    text = (
        "Key recommendations for safe injection practices in outpatient settings: 1. Use aseptic technique to "
        "avoid contamination of sterile injection equipment. 2. Do not administer medications from a syringe to "
        "multiple patients, even if the needle is changed."
    )
    shown = _shown(text)
    assert shown == [
        "Use aseptic technique to avoid contamination of sterile injection equipment.",
        "Do not administer medications from a syringe to multiple patients, even if the needle is changed.",
    ]


def test_a_lettered_checklist_item_after_a_link_is_its_own_statement() -> None:
    text = (
        "E. Facility follows recommendations of the ACIP for immunization of HCP. Note: Immunization of "
        "Health-Care Personnel: Recommendations of the ACIP available at: http://www.cdc. "
        "gov/mmwr/preview/mmwrhtml/rr6007a1.htm F. All HCP receive baseline tuberculosis (TB) screening prior "
        "to placement; HCP receive repeat testing, if appropriate, based upon the facility-level risk assessment."
    )
    shown = _shown(text, "Elements to be assessed")
    assert shown == [
        "Facility follows recommendations of the ACIP for immunization of HCP.",
        "All HCP receive baseline tuberculosis (TB) screening prior to placement; HCP receive repeat testing, if "
        "appropriate, based upon the facility-level risk assessment.",
    ]


def test_a_link_in_parentheses_is_cut_from_its_statement() -> None:
    sentence = (
        "This document does not replace existing, more-detailed guidance for hemodialysis centers or dental "
        "practices (available at: http://www.cdc. gov/dialysis/ and http://www.cdc.gov/oralhealth/ "
        "infectioncontrol/index.html)."
    )
    assert _quoted(sentence) == (
        "This document does not replace existing, more-detailed guidance for hemodialysis centers or dental practices."
    )
    # "This document…" names what it points at; "This approach…" needs the sentence before it
    assert stands_alone("This clinical practice guideline does not apply to patients in end-of-life care.")
    assert not stands_alone("This approach reduces the risk of overdose.")


def test_reference_lists_are_dropped_whole() -> None:
    entries = [
        "Sullivan MD, Turner JA, DiLodovico C, et al. Prescription opioid taper support for outpatients with chronic pain.",
        "Dowell D, Haegerich TM, Chou R. CDC guideline for prescribing opioids for chronic pain. JAMA 2016;315:1624-45.",
        "The conundrum of opioid tapering in long-term opioid therapy for chronic pain: a commentary.",
        "Agnoli A, Xing G, Tancredi DJ, et al. Association of dose tapering with overdose. JAMA 2021;326:411-9.",
    ]
    assert is_reference_list(entries, None)
    assert is_reference_list(["A perfectly ordinary sentence about tapering opioids slowly."], "References")
    assert not is_reference_list(["Tapers of 10% per month or slower are likely to be better tolerated."] * 3, None)


def test_a_checklist_item_keeps_its_statement_without_the_form() -> None:
    """The outpatient guide states some expectations only in its checklist: the item is kept, its boxes are not."""
    text = (
        "Not applicable (Facility does not use tubing or connectors) G. Multi-dose vials are dated by HCP when "
        "they are first opened and discarded within 28 days unless the manufacturer specifies a different date."
    )
    shown = _shown(text, "Elements to be assessed")
    assert shown == [
        "Multi-dose vials are dated by HCP when they are first opened and discarded within 28 days unless "
        "the manufacturer specifies a different date."
    ]


def test_a_colon_left_over_from_a_section_label_is_dropped() -> None:
    """PubMedQA sections whose text kept the colon after its label ("CONCLUSIONS" → ": Prophylactic fixation…")."""
    assert _quoted(": Prophylactic fixation with a cephalomedullary nail was not found to be cost-effective.") == (
        "Prophylactic fixation with a cephalomedullary nail was not found to be cost-effective."
    )


def test_a_running_heading_read_into_a_sentence_is_dropped() -> None:
    assert (
        _quoted(
            "XI.a. Device Reprocessing (continued) Single-use devices (SUDs) are labeled by the manufacturer for a single use."
        )
        == "Single-use devices (SUDs) are labeled by the manufacturer for a single use."
    )


def test_a_heading_read_into_its_first_sentence_is_dropped() -> None:
    assert _quoted(
        "Injection Safety Injection safety includes practices intended to prevent transmission of "
        "infectious diseases between one patient and another."
    ) == (
        "Injection safety includes practices intended to prevent transmission of infectious diseases between one "
        "patient and another."
    )


def test_what_follows_a_link_and_a_paragraph_break_reads_as_its_own_sentences() -> None:
    """The Hib recall page: a link's full stop ends its sentence, and a sentence broken by the page's markup is one."""
    text = (
        "Providers should return unused vaccine from these lots using procedures on the Merck website at "
        "http://www.merckvaccines.com/PCHRecall.pdf. Merck has suspended production of its Hib conjugate vaccines "
        "and does not expect to resume\n\ndistribution of these vaccines until the fourth quarter of 2008."
    )
    shown = _shown(text)
    assert shown == [
        "Providers should return unused vaccine from these lots using procedures on the Merck website.",
        "Merck has suspended production of its Hib conjugate vaccines and does not expect to resume distribution of "
        "these vaccines until the fourth quarter of 2008.",
    ]


def test_a_directive_ending_in_a_link_is_quoted_without_it_and_a_pointer_is_not_quoted() -> None:
    assert _quoted(
        "Any adverse events after vaccination should be reported to VAERS; report forms and assistance are "
        "available from CDC at telephone 1-800-822-7967 or at http://www.vaers.hhs.gov."
    ) == (
        "Any adverse events after vaccination should be reported to VAERS; report forms and assistance are available "
        "from CDC at telephone 1-800-822-7967."
    )
    assert (
        _quoted(
            "Additional information regarding Hib vaccine is available at http://www.cdc.gov/vaccines/vpd-vac/hib/default.htm."
        )
        is None
    )


def test_a_sentence_that_points_back_is_quoted_with_the_one_before_it() -> None:
    """The device-reprocessing checklist: "They may not be reprocessed…" says nothing without the sentence naming
    single-use devices; quoted together, and once, they are the answer to "may we reprocess single-use forceps?"."""
    text = (
        "Single-use devices (SUDs) are labeled by the manufacturer for a single use and do not have reprocessing "
        "instructions (12). They may not be reprocessed for reuse except by entities which have complied with FDA "
        "regulatory requirements.\nSelect EPA-registered disinfectants for surfaces."
    )
    made = statements(text, sentence_spans(text), None, {})
    assert [apply(text, *m[1:]) for m in made] == [
        "Single-use devices (SUDs) are labeled by the manufacturer for a single use and do not have reprocessing "
        "instructions. They may not be reprocessed for reuse except by entities which have complied with FDA "
        "regulatory requirements.",
        "Select EPA-registered disinfectants for surfaces.",
    ]
    assert made[0][0] == 1  # keyed by the sentence that points back; index/models.py Passage.quoted_sentences
    # with nothing quotable before it, it is not quoted at all; nor when the two together are too long to read
    assert _shown("Table 3. Dosing. They may not be reprocessed for reuse except by entities cleared by the FDA.") == []
    long = "Single-use devices are labeled for one use only by their manufacturer, " * 5 + "and carry no instructions. "
    shown = _shown(long + "They may not be reprocessed for reuse except by entities cleared by the FDA.")
    assert len(shown) == 1 and not shown[0].endswith("cleared by the FDA.")


@pytest.mark.parametrize(
    "sentence",
    [
        "There was no statistically significant difference in mortality between the two groups at one year.",
        "It is recommended that all infants receive the hepatitis B vaccine birth dose within 24 hours.",
        "It is not known whether buprenorphine is excreted into human milk in clinically relevant amounts.",
    ],
)
def test_an_expletive_there_or_it_stands_alone(sentence: str) -> None:
    assert stands_alone(sentence) and _quoted(sentence) == sentence
    assert not stands_alone("It is used to treat moderate to severe pain in adults.")


def test_a_few_words_cut_off_before_a_name_rejoin_their_sentence() -> None:
    """The Hib recall page again: "Failure to use" ends a paragraph and "PRP-OMP vaccines…" opens the next, which
    alone says the opposite of the guideline. A list after its lead-in, and a heading, stay as they were."""
    text = (
        "Compared with PRP-TT conjugate vaccines, PRP-OMP vaccines lead to a more rapid seroconversion within the "
        "first 6 months of life (6,7). Failure to use\n\nPRP-OMP vaccines for the first dose is associated with "
        "excess cases of Hib disease in AI/AN infants."
    )
    assert (
        "Failure to use PRP-OMP vaccines for the first dose is associated with excess cases of Hib disease in AI/AN "
        "infants." in _shown(text)
    )
    listed = "Hepatitis B is common. Tests include\n\nCT scan\n\nMRI scan\n\nHBsAg testing is advised for all of them."
    assert not any("include CT" in s or "include HBsAg" in s for s in _shown(listed))
    heading = "Hib vaccine supply\n\nCDC recommends that providers continue to vaccinate children."
    assert _shown(heading) == ["CDC recommends that providers continue to vaccinate children."]


def test_a_checklist_letter_without_its_stop_is_not_quoted() -> None:
    assert _quoted(
        "E Adequate time for reprocessing is allowed to ensure adherence to all steps recommended by the device manufacturer."
    ) == ("Adequate time for reprocessing is allowed to ensure adherence to all steps recommended by the device manufacturer.")
    assert _quoted("A Hib vaccine shortage is expected to last until the fourth quarter of 2008.") == (
        "A Hib vaccine shortage is expected to last until the fourth quarter of 2008."
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Note: Endoscopes should be hung in a vertical position.", "Endoscopes should be hung in a vertical position."),
        (
            "C. Following an exposure event, post-exposure evaluation and follow-up, including prophylaxis as appropriate, "
            "are available at no cost to employee.",
            "Following an exposure event, post-exposure evaluation and follow-up, "
            "including prophylaxis as appropriate, are available at no cost to employee.",
        ),
        ("Note: A guide for creating an exposure control plan is available at: http://www.osha.gov/plan.pdf.", None),
    ],
)
def test_a_note_label_and_an_offer_available_at_no_cost_are_not_debris(raw: str, shown: str | None) -> None:
    assert _quoted(raw) == shown


def test_a_checklist_item_run_on_after_a_note_is_split_but_a_letter_name_is_not() -> None:
    text = (
        "A. Written infection prevention policies are available and current. Note: Policies should extend beyond "
        "OSHA bloodborne pathogens training B. Infection prevention policies are re-assessed at least annually."
    )
    shown = _shown(text, "Elements to be assessed")
    assert shown == [
        "Written infection prevention policies are available and current.",
        "Infection prevention policies are re-assessed at least annually.",
    ]
    one = "Infants are at high risk for chronic hepatitis B. Persons with chronic infection should be referred for care."
    assert [one[a:b] for a, b in sentence_spans(one)] == [one]
