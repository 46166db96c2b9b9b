"""The clinician-facing answer checks that `medcite eval` reports: each able to fail."""

from __future__ import annotations

from evaluation.answer_checks import duplicates, holds, is_debris


def test_lead_holds_the_gold_quote_across_typography() -> None:
    quote = "tapers of 10% per month or slower are likely to be better tolerated than more rapid tapers"
    lead = [
        "When patients have been taking opioids for longer durations (e.g., for ≥1 year), tapers of 10% per "
        "month or slower are likely to be better tolerated than more rapid tapers."
    ]
    assert holds(lead, quote, ["10%"])
    assert not holds(["Clinicians should regularly reevaluate benefits and risks of continued opioid therapy."], quote, ["10%"])


def test_key_numbers_alone_do_not_make_a_lead_hold_the_gold() -> None:
    quote = "HBIG (0.5 mL) <12 hours of birth, administered at different injection sites"
    assert not holds(["Give 0.5 mL of something within 12 hours."], quote, ["0.5 mL", "12 hours"])
    assert holds(
        ["Infants should receive hepatitis B vaccine and HBIG 0.5 mL within 12 hours of birth at different injection sites."],
        quote,
        ["0.5 mL", "12 hours"],
    )


def test_debris_rules() -> None:
    for debris in [
        "C. Facility routinely audits adherence to hand hygiene recommendations.",
        "Key recommendations for safe injection practices in outpatient settings: 1.",
        "Multimodal care is costly and disparities in access exist ( 6).",
        "The fatality rate is 0.5%--1.5% among adults.",
        "Not applicable (Facility does not use multi-dose vials) H. Vials are kept centrally.",
        "Sullivan MD, Turner JA, DiLodovico C, et al. Prescription opioid taper support.",
        "the dosage should then be reduced",
    ]:
        assert is_debris(debris), debris
    assert not is_debris("Clinicians should offer naloxone when prescribing opioids to patients at increased risk.")
    assert not is_debris("Clinicians should reevaluate benefits and risks with patients [Category A, evidence type 4].")


def test_duplicates_count_statements_repeating_an_earlier_one() -> None:
    texts = [
        "Tapers of 10% per month or slower are likely to be better tolerated than more rapid tapers.",
        "Tapers of approximately 10% per month or slower are likely to be better tolerated than more rapid tapers.",
        "Clinicians should offer naloxone when prescribing opioids to patients at increased risk.",
    ]
    assert duplicates(texts) == 1 and duplicates(texts[1:]) == 0


def test_a_title_only_record_states_its_title() -> None:
    title = "Pre-flight intubation of patients likely to need it during air medical transport in a helicopter"
    assert is_debris(title) and not is_debris(title, title=True)
    assert is_debris("Sullivan MD, Turner JA, DiLodovico C, et al. Prescription opioid taper support", title=True)
