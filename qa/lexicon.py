"""The word classes qa/ reads questions and sentences with, in one place: question words and auxiliaries, who a
question is about (populations), where care happens (settings), what names no subject of its own, and the units
quantities are stated in. Classes of words any clinical text uses; no word of one corpus's subject (a drug, test,
disease, device or organisation) belongs here or anywhere in qa/.

Lists are written as one string of words each (`_W`), and those compared with tokenised text are tokenised the
same way (index/tokenize.py: lower-cased and stemmed).
"""

from __future__ import annotations

from index.tokenize import tokenize

_W = str.split  # word lists below are written as one string each

# Question words and auxiliaries; populations and property words, as a follow-up is read (qa/followup.py).
WH = frozenset(_W("what which how when why who whom whose where what's how's"))
AUX = frozenset(_W("is are was were be been do does did should can could would will must might may shall has have"))
PRONOUNS = frozenset(_W("i me my we us our you your one it it's its they them their this that these those such there"))
CONTEXT = frozenset(_W("in during with without among after before on under over if while versus vs compared or"))
QUALIFIERS = CONTEXT | {"for"}  # a fragment led by one qualifies the last question: "in children?"
PREPS = QUALIFIERS | frozenset(_W("of to at by about from into between than as per and but also so the a an any no"))
POPULATION = frozenset(
    _W(
        "children child people infants infant neonates newborns babies adolescents teenagers teens "
        "adults adult elderly older younger women men pregnancy pregnant breastfeeding patients"
    )
)
PROPERTY = frozenset(
    _W(
        "effect effects reactions events contraindications interactions risk risks benefits causes "
        "prognosis complications symptoms signs duration efficacy safety diagnosis prevention "
        "indications"
    )
)
FOR_ASPECT = frozenset(
    _W(
        "dose doses dosage dosing treatment treatments therapy management test tests testing "
        "screening monitoring alternatives options guidelines recommendations evidence regimen"
    )
)
ASPECT = PROPERTY | FOR_ASPECT | {"side-effects"}  # a property ("side effects of X") or done for it ("dose for X")
REFERENT = frozenset(_W("drug drugs medication medications medicine condition disease disorder illness infection"))
PREDICATE = frozenset(_W("safe effective recommended indicated contraindicated necessary needed required ok"))
VERBS = frozenset(
    _W(
        "treat manage use give given take taken start stop stopped continue switch avoid prevent test "
        "screen diagnose monitor dose prescribe taper titrate adjust repeat refer check measure reduce "
        "increase change need help work affect apply last happen recommend consider do get make cause"
    )
)
GENERIC = (
    WH
    | AUX
    | PRONOUNS
    | PREPS
    | POPULATION
    | ASPECT
    | PREDICATE
    | VERBS
    | frozenset(
        _W(
            "long often much many more most less usually best good first next still ever main important usual typical "
            "standard appropriate initial maximum daily else again then now soon fast time times day days week weeks month "
            "months year years long-term first-line second-line higher lower high low way ways course role side adverse "
            "common serious okay"
        )
    )
)
OPENERS = WH | AUX | frozenset(_W("tell explain describe list please give define compare any i"))
FOLLOWERS = AUX | PREPS | PREDICATE | VERBS | {"'s"}  # words after "this"/"that" when it stands for a noun
SOCIAL = frozenset(
    _W(
        "hi hello hey hiya thanks thank thx ok okay great cool nice bye goodbye yes no yeah nope sure "
        "cheers good morning afternoon evening you very much please"
    )
)
DUMMY_IT = frozenset(_W("possible necessary advisable reasonable true worth important known likely matter matters"))

# Who a sentence is about, by class, so "an 80-year-old" meets "older adults" and "a newborn" meets "infants"
# (qa/asked_for.populations); tokenised.
POPULATIONS = {
    "older": frozenset(tokenize("older elderly geriatric")),
    "children": frozenset(tokenize("child children kids pediatric paediatric")),
    "infants": frozenset(tokenize("infant infants newborn newborns neonate neonates neonatal baby babies toddler toddlers")),
    "adolescents": frozenset(tokenize("adolescent adolescents teen teens teenager teenagers")),
    "pregnancy": frozenset(tokenize("pregnant pregnancy prenatal antenatal postpartum breastfeeding lactating")),
    "staff": frozenset(tokenize("staff personnel worker workers hcp employee employees")),
}

# Who a guideline's scope statement may leave out: the populations a question narrows to (qa/scope.py); tokenised.
SCOPE_POPULATIONS = frozenset(
    tokenize(
        "children child kids infants newborns neonates adolescents teenagers teens pediatric paediatric minors youth "
        "pregnant pregnancy breastfeeding lactating elderly older geriatric students adults adult women men"
    )
)
# Words every clinical question uses: naming them narrows nothing (qa/scope.py); tokenised.
NARROWS_NOTHING = frozenset(
    tokenize(
        "patient patients people person care treatment therapy use management clinic clinics setting settings health "
        "medical chronic acute condition conditions disease diseases disorder history risk long term long-term example "
        "someone them her him it this that these those one ones same place order addition general case practice result unit units"
    )
)
# Settings and kinds of care a scope statement may name otherwise than the question: "in hospice" is excluded as
# "palliative care, or end-of-life care" (qa/scope.py); each group tokenised.
ALIKE_SETTINGS = [
    frozenset(tokenize(words))
    for words in (
        "hospice palliative end-of-life terminal terminally",
        "cancer cancer-related oncology malignancy malignancies malignant tumor tumour",
        "dialysis hemodialysis haemodialysis",
        "dental dentist dentists dentistry",
        # "my post-op patients still on the surgical ward" and "do not apply to … patients who are hospitalized"
        "hospital hospitals hospitalized hospitalised hospitalization inpatient inpatients ward wards admitted",
    )
]

# Units a measured value is stated in, for a value asked ("anti-HBs 4 mIU/mL", "on 120 MME/day") and a dose
# asked ("how much"): regex alternatives, longest first (qa/asked_for.py).
CONCENTRATION_UNITS = r"(?:m?IU|mg|mcg|µg|g|mmol|mEq|mL|ng|pg)/(?:mL|dL|L|kg|min|day|d)"
MEASURE_UNITS = r"MME(?:/day)?|mIU|mg|mcg|µg|mmHg|mm Hg"
AMOUNT_UNITS = r"mg|mcg|µg|mL|MME|units?|dosages?"
