"""The word classes qa/ reads questions and sentences with, in one place: question words and auxiliaries, who a
question is about (populations), where care happens (settings), what names no subject of its own, the units
quantities are stated in, and the kinds of question and the sentences that answer each. The words no research
sub-heading is made of are in qa/heading_lexicon.py. Classes of words any clinical text uses; no word of one
corpus's subject (a drug, test, disease, device or organisation) belongs here or anywhere in qa/.

Lists are written as one string of words each (`_W`), and those compared with tokenised text are tokenised the
same way (index/tokenize.py: lower-cased and stemmed).
"""

from __future__ import annotations

import re

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
        # a duration ("on it for 5 years", "for a few weeks") is no population: an age is read as one (qa/scope.py)
        " hour hours day days week weeks month months year years few several"
    )
)
# Settings and kinds of care a scope statement may name otherwise than the question: "in hospice" is excluded as
# "palliative care, or end-of-life care" (qa/scope.py); each group tokenised.
ALIKE_SETTINGS = [
    frozenset(tokenize(words))
    for words in (
        "hospice palliative end-of-life terminal terminally",
        "dialysis hemodialysis haemodialysis",
        "dental dentist dentists dentistry",
        # "my post-op patients still on the surgical ward" and "do not apply to … patients who are hospitalized"
        "hospital hospitals hospitalized hospitalised hospitalization inpatient inpatients ward wards admitted",
    )
]

# Units a quantity is stated in, lower-case: a heading never ends on one (qa/words.py), and a value the question
# gives ("4 mIU/mL", "120 mg/day") meets the sentence stating a value in the same unit (qa/asked_for.py).
UNITS = frozenset(
    _W("mg kg g ml l dl mmol mol meq mmhg cm mm km h hr hrs min mins sec mcg ug µg ng pg iu miu bpm kcal kda nm um %")
)

# The sentence that advises (a directive) and the one that tells how a study was run or what it found (a
# description: a guideline's background, not its advice); qa/lead_features.py makes a feature of each.
DIRECTIVE = re.compile(
    r"\b(?:should|must|shall|recommend(?:s|ed)?|is indicated|are indicated|is contraindicated|is not a contraindication|"
    r"(?:is|are) (?:often |usually )?(?:sufficient|appropriate|preferred|required|necessary|not necessary|not needed)|"
    r"(?:do|does|need) not need|need not|avoid|"
    # GRADE's wording for a conditional recommendation: "We suggest …", "The panel suggests …"
    r"(?:we|panel|committee|group) suggests?|"
    # "Semi-critical items … require, at a minimum, high-level disinfection"; not "patients who require…", "might require"
    r"(?<!who )(?<!that )(?<!which )(?<!may )(?<!might )(?<!could )requires?)\b|"
    r"^(?:Do not|Never|Always|Use|Wear|Perform|Discard|Clean|Offer|Give|"
    r"Administer|Ensure|Consider|Test|Screen|Vaccinate|Avoid|Remove|Store|Keep|Dispose|Report)\b",
    re.I,
)
DESCRIPTION = re.compile(
    r"\b(?:stud(?:y|ies)|trials?|review(?:s|ed)?|survey(?:s|ed)?|meta-analys[ie]s|cohort|found|reported|observed|"
    r"median|estimated|participants|respondents|odds ratio|hazard ratio|95% CI)\b",
    re.I,
)


# Kinds of question, each with what asks it (matched on the question) and what gives it (on a sentence): regular
# expressions, case-insensitive. qa/asked_for.py pairs them; qa/lead_features.py makes a feature of each pair.
ASKS = {
    # "how long", "what dose", "when", "within how many days": the asker wants a number
    "quantity": r"\bhow (?:long|often|much|many|soon|fast|quickly|frequently|far|old)\b|\bwhen\b|\bat what\b|\bwhat "
    r"(?:age|daily|dose|dosage|interval|threshold|level|rate|percentage|duration|amount|limit|cutoff|cut-off|frequency|"
    r"schedule|timing|time)\b|\bwithin\b|\bhow (?:fast|slow)\b",
    # "no result on file", "never tested", "while we wait for the test": the patient whose result is not known, a case
    # guidelines treat apart ("While test results are pending, …")
    "unknown": r"\b(?:(?:status|results?|serostatus) (?:is |was |are |were |still )?(?:unknown|pending)|"
    r"unknown (?:status|results?|serostatus)|pending (?:results?|tests?)|"
    r"(?:never|not|hasn't|has not|wasn't|was not|hadn't|had not) (?:been )?(?:tested|screened)|"
    r"no (?:\w+ ){0,2}(?:results?|status|documentation|record)\b|without (?:\w+ ){0,2}(?:results?|documentation|testing|status)|"
    r"wait(?:ing)? (?:for|on) (?:\w+ ){0,2}(?:results?|tests?|status)|"
    r"results? (?:aren't|are not|isn't|is not) (?:back|in|available))\b",
    # "Is it OK to prescribe both?", "at the same visit?": using two things together
    "together": r"\b(?:both|together|combin(?:e|ed|ing)|at the same (?:time|visit)|same (?:day|visit))\b",
    # "She had a reaction after the first dose; do we go ahead?": the contraindication or precaution comes first
    "caution": r"\b(?:anaphyla\w*|allerg\w*|reactions?|contraindicat\w*|adverse (?:events?|reactions?)|is it safe|"
    r"precautions?)\b",
    "reason": r"\bwhy\b|\bwhat (?:is|was|are|were) the reasons?\b|\bhow come\b",
    # "Is it actually safe to put off the next dose? Won't they be at risk?"
    "risk": r"\b(?:is (?:it|that|this) (?:actually |really |still )?safe|safe to|at (?:increased |higher |any )?risk|"
    r"in danger|dangerous|harmful)\b",
    # "Can she breastfeed right away?", "Is that allowed?": a yes/no question about what may be done
    "permission": r"^(?:(?:so|and|but|ok|okay|then|also|now)[,:]? )?(?:can|may|could)\b|"
    r"[.?;:] *(?:so |and |but )?(?:can|may|could) (?:i|we|she|he|they|you|it|the|this|that)\b|"
    r"\bis (?:it|that|this) (?:ok|okay|safe|acceptable|allowed|appropriate|fine|permissible|permitted)\b|"
    r"\b(?:allowed|permitted)\?",
}
GIVES = {
    "quantity": r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several|single|once|twice|daily|"
    r"weekly|monthly|annually|yearly|hours?|days?|weeks?|months?|years?)\b",
    # "…women without documentation of test results", "…if the mother's status cannot be determined"
    "unknown": r"\b(?:unknown|without documentation|(?:results?|status) (?:are |is )?(?:pending|unknown|not available)|"
    r"(?:cannot|could not) be determined|results are pending|never been tested|not (?:been )?tested)\b",
    "together": r"\b(?:concurrent(?:ly)?|concomitant(?:ly)?|in combination|combined with|together with|simultaneous(?:ly)?|"
    r"co-?(?:prescrib\w*|administ\w*|use)|at the same (?:time|visit)|same (?:day|visit))\b",
    # a caution about a reaction: both a caution and a reaction ("… anaphylaxis … should not receive additional doses"),
    # not any "should not" ("the birth dose should not be counted as part of the series")
    "caution": r"\b(?:contraindicat\w*|precautions?|should not|must not|not be (?:given|administered|used)|avoid\w*|"
    r"not recommended)\b",
    "reaction": r"\b(?:anaphyla\w*|allerg\w*|hypersensitiv\w*|reactions?|adverse events?|contraindicat\w*|precautions?)\b",
    # a reason: "because…", "as a precautionary measure", "is associated with…", not the instruction that follows
    "reason": r"\b(?:because|due to|owing to|as a result of|precaution\w*|the reasons?|reasons? (?:for|why)|in order to|"
    r"so that|(?:is|are|was|were) associated with|leads? to|led to|results? in|resulted in|caus(?:e|es|ed|ing))\b",
    "risk": r"\b(?:risks?|safe(?:ty|ly)?|unsafe|harm\w*|danger\w*)\b",
    # what may be done: "… may be breast fed beginning immediately after birth", "They may not be reprocessed"
    "permission": r"\b(?:may|can) (?:not |also |still )?(?:be (?:\w+ )?\w+(?:ed|en)|receive|continue|remain)\b|"
    r"\b(?:is|are) (?:not )?(?:permitted|allowed|acceptable)\b",
}
# What a "how many …" or "how often" question counts, and the words a sentence states it in: (asks, states).
COUNTED = {
    "time": (
        r"\bhow (?:long|soon)\b|\bhow many (?:\w+ )?(?:hours?|days?|weeks?|months?|years?)\b|\bduration\b",
        r"\b(?:hours?|days?|weeks?|months?|years?)\b",
    ),
    "frequency": (
        r"\bhow (?:often|frequently)\b|\bwhat interval\b|\bfrequency\b",
        r"\b(?:every|annually|yearly|monthly|weekly|daily|once|twice|times? (?:a|per)|at least (?:once|annually|weekly|"
        r"monthly))\b|\binterval",
    ),
    "doses": (r"\bhow many (?:\w+ ){0,3}(?:doses?|shots?|injections?)\b", r"\bdoses?\b"),
    "amount": (r"\bhow much\b|\bwhat (?:daily )?(?:dose|dosage)\b", r"\b(?:mg|mcg|µg|ml|units?|dosages?)\b"),
}

NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million half twice
    once""".split()
)
_NUMERAL = re.compile(r"[\d.,]+(?:st|nd|rd|th|s)?")


def is_number(token: str) -> bool:
    """A number in digits ("1,400", "2nd", "1990s") or in words ("five", "twice")."""
    return bool(_NUMERAL.fullmatch(token)) or token.lower() in NUMBER_WORDS
