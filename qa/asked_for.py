"""What a clinician's question asks for, and the sentences that give it.

A question asking "how long" wants the sentence stating the number, one asking why wants the reason, one
about a patient whose result is not on file wants the guideline's sentence for that case, and so on. Each
kind is a pattern on the question and a pattern on the sentence; qa/lead.py weighs them. They are
properties of questions and guideline prose in any guideline, not of one corpus.
"""

from __future__ import annotations

import re

from index.tokenize import tokenize
from qa.lexicon import AMOUNT_UNITS, CONCENTRATION_UNITS, MEASURE_UNITS, POPULATIONS

# "how long", "how much", "what dose", "when", "within how many days": the asker wants a number.
_ASKS_QUANTITY = re.compile(
    r"\bhow (?:long|often|much|many|soon|fast|quickly|frequently|far|old)\b|\bwhen\b|\bat what\b|\bwhat (?:age|daily|"
    r"dose|dosage|interval|threshold|level|rate|percentage|duration|amount|limit|cutoff|cut-off|frequency|schedule|"
    r"timing|time)\b|\bwithin\b|\bhow (?:fast|slow)\b",
    re.I,
)
_QUANTITY = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several|single|once|twice|daily|weekly|"
    r"monthly|annually|yearly|hours?|days?|weeks?|months?|years?)\b",
    re.I,
)


_POLARITY = re.compile(r"\b([\w]+)[- ](positive|negative)\b", re.I)


_OPPOSITE = {"positive": "negative", "negative": "positive"}


def polarities(text: str) -> set[tuple[str, str]]:
    return {(m.group(1).lower(), m.group(2).lower()) for m in _POLARITY.finditer(text)}


# "…women without documentation of HBsAg test results", "…if the mother's HBsAg status cannot be determined".
_UNKNOWN = re.compile(
    r"\b(?:unknown|without documentation|(?:results?|status) (?:are |is )?(?:pending|unknown|not available)|"
    r"(?:cannot|could not) be determined|results are pending|never been tested|not (?:been )?tested)\b",
    re.I,
)


# "No HBsAg result on file… while we wait for her test?", "she was never tested": the question is about the patient
# whose result is not known, a case guidelines treat apart ("While test results are pending, all infants born to
# women without documentation of HBsAg test results should receive…").
_ASKS_UNKNOWN = re.compile(
    r"\b(?:(?:status|results?|serostatus) (?:is |was |are |were |still )?(?:unknown|pending)|"
    r"unknown (?:status|results?|serostatus)|"
    r"pending (?:results?|tests?)|"
    r"(?:never|not|hasn't|has not|wasn't|was not|hadn't|had not) (?:been )?(?:tested|screened)|"
    r"no (?:\w+ ){0,2}(?:results?|status|documentation|record)\b|"
    r"without (?:\w+ ){0,2}(?:results?|documentation|testing|status)|"
    r"wait(?:ing)? (?:for|on) (?:\w+ ){0,2}(?:results?|tests?|status)|"
    r"results? (?:aren't|are not|isn't|is not) (?:back|in|available))\b",
    re.I,
)


def asks_unknown(question: str) -> bool:
    return bool(_ASKS_UNKNOWN.search(question))


def contradicts(text: str, asked: set[tuple[str, str]]) -> bool:
    """The sentence is about another result of the test the question names: an HBsAg-negative mother's infant,
    or one whose mother's status is unknown, when the question is about an HBsAg-positive one. A test the
    question gives both results of ("HBsAg-positive mother… the infant is HBsAg negative") contradicts nothing."""
    asked = {(test, result) for test, result in asked if (test, _OPPOSITE[result]) not in asked}
    stated = polarities(text)
    if asked and not stated and _UNKNOWN.search(text):
        return any(re.search(rf"\b{re.escape(test)}\b", text, re.I) for test, _ in asked)
    return any((test, _OPPOSITE[result]) in stated and (test, result) not in stated for test, result in asked)


# Who a sentence is about, by class, so "an 80-year-old" meets "older adults" and "a newborn" meets "infants".
_AGE = re.compile(r"\b(\d{1,3})[- ](year|month|week|day)s?[- ]old\b", re.I)


def populations(text: str) -> set[str]:
    words = set(tokenize(text))
    found = {name for name, terms in POPULATIONS.items() if words & terms}
    for number, unit in _AGE.findall(text):
        years = int(number) if unit.lower() == "year" else 0
        found.add(
            "older"
            if years >= 65
            else "adolescents"
            if years >= 12 and years < 18
            else "children"
            if unit.lower() == "year" and years < 12
            else "infants"
            if unit.lower() != "year"
            else "adults"
        )
    return found


# "Is it OK to prescribe both?", "can I give them at the same visit?": the question is about using two things
# together, and a guideline says so as "concurrently", "concomitant", "in combination", "simultaneously".
_ASKS_TOGETHER = re.compile(r"\b(?:both|together|combin(?:e|ed|ing)|at the same (?:time|visit)|same (?:day|visit))\b", re.I)
_TOGETHER = re.compile(
    r"\b(?:concurrent(?:ly)?|concomitant(?:ly)?|in combination|combined with|together with|simultaneous(?:ly)?|"
    r"co-?(?:prescrib\w*|administ\w*|use)|at the same (?:time|visit)|same (?:day|visit))\b",
    re.I,
)


# "She had anaphylaxis after the first shot; do we go ahead?", "Is a yeast allergy a contraindication?": the asker
# must see the guideline's contraindication or precaution first, though "complete the series" may match the
# question's words better.
_ASKS_CAUTION = re.compile(
    r"\b(?:anaphyla\w*|allerg\w*|reactions?|contraindicat\w*|adverse (?:events?|reactions?)|"
    r"is it safe|precautions?)\b",
    re.I,
)
_CAUTION = re.compile(
    r"\b(?:contraindicat\w*|precautions?|should not|must not|not be (?:given|administered|used)|"
    r"avoid\w*|not recommended)\b",
    re.I,
)
_REACTION = re.compile(
    r"\b(?:anaphyla\w*|allerg\w*|hypersensitiv\w*|reactions?|adverse events?|contraindicat\w*|"
    r"precautions?)\b",
    re.I,
)


# "Why was the vaccine recalled?": the asker wants the reason, which a guideline gives as "because…", "as a
# precautionary measure", "is associated with…", not the instruction that follows from it.
_ASKS_REASON = re.compile(r"\bwhy\b|\bwhat (?:is|was|are|were) the reasons?\b|\bhow come\b", re.I)
_REASON = re.compile(
    r"\b(?:because|due to|owing to|as a result of|precaution\w*|the reasons?|reasons? (?:for|why)|"
    r"in order to|so that|(?:is|are|was|were) associated with|leads? to|led to|results? in|resulted in|"
    r"caus(?:e|es|ed|ing))\b",
    re.I,
)
# "anti-HBs 4 mIU/mL", "on 120 MME/day": the question gives a measured value, so the sentence with the threshold in
# that unit ("anti-HBs levels <10 mIU/mL should be revaccinated") is the one to compare it with.
_MEASURE = re.compile(
    rf"\d(?:[\d.,]*\d)?\s*({CONCENTRATION_UNITS}|{MEASURE_UNITS})(?![\w/])",
    re.I,
)


def measured_units(text: str) -> set[str]:
    return {unit.lower().replace(" ", "") for unit in _MEASURE.findall(text)}


# "Is it actually safe to put off the booster? Won't those toddlers be at risk?": the sentence that speaks to the
# risk ("deferral … is not likely to result in an increased risk for Hib disease") answers before the directive.
_ASKS_RISK = re.compile(
    r"\b(?:is (?:it|that|this) (?:actually |really |still )?safe|safe to|at (?:increased |higher |any )?risk|"
    r"in danger|dangerous|harmful)\b",
    re.I,
)
_RISK = re.compile(r"\b(?:risks?|safe(?:ty|ly)?|unsafe|harm\w*|danger\w*)\b", re.I)


def asks_risk(question: str) -> bool:
    return bool(_ASKS_RISK.search(question))


def asks_reason(question: str) -> bool:
    return bool(_ASKS_REASON.search(question))


def asks_caution(question: str) -> bool:
    return bool(_ASKS_CAUTION.search(question))


def is_caution(text: str) -> bool:
    """A caution about a reaction ("… anaphylaxis … should not receive additional doses"), not any "should not"
    ("the birth dose should not be counted as part of the series")."""
    return bool(_CAUTION.search(text) and _REACTION.search(text))


def asks_together(question: str) -> bool:
    return bool(_ASKS_TOGETHER.search(question))


def asks_quantity(question: str) -> bool:
    return bool(_ASKS_QUANTITY.search(question))


# What a "how many days", "how long" or "how often" question counts, and the words a sentence states it in: a
# sentence with the asked unit ("a few days or less", "3 additional doses") answers before one with any number.
_UNITS = {
    "time": (
        re.compile(
            r"\bhow (?:long|soon)\b|\bhow many (?:\w+ )?(?:hours?|days?|weeks?|months?|years?)\b|"
            r"\bduration\b",
            re.I,
        ),
        re.compile(r"\b(?:hours?|days?|weeks?|months?|years?)\b", re.I),
    ),
    "frequency": (
        re.compile(r"\bhow (?:often|frequently)\b|\bwhat interval\b|\bfrequency\b", re.I),
        re.compile(
            r"\b(?:every|annually|yearly|monthly|weekly|daily|once|twice|times? (?:a|per)|"
            r"at least (?:once|annually|weekly|monthly))\b|\binterval",
            re.I,
        ),
    ),
    "doses": (re.compile(r"\bhow many (?:\w+ ){0,3}(?:doses?|shots?|injections?)\b", re.I), re.compile(r"\bdoses?\b", re.I)),
    "amount": (
        re.compile(r"\bhow much\b|\bwhat (?:daily )?(?:dose|dosage)\b", re.I),
        re.compile(rf"\b(?:{AMOUNT_UNITS})\b", re.I),
    ),
}


def asked_units(question: str) -> tuple[re.Pattern[str], ...]:
    """How the sentences that state what the question counts say it (none when it counts nothing)."""
    return tuple(stated for asks, stated in _UNITS.values() if asks.search(question))


# "Can she breastfeed right away?", "Is that allowed?", "Is it OK to use it on multiple patients?": a yes/no question
# about what may be done is answered by what the guideline permits or forbids ("… may be breast fed beginning
# immediately after birth", "They may not be reprocessed except by…"), as much as by what it directs.
_ASKS_PERMISSION = re.compile(
    r"^(?:(?:so|and|but|ok|okay|then|also|now)[,:]? )?(?:can|may|could)\b|"
    r"[.?;:] *(?:so |and |but )?(?:can|may|could) (?:i|we|she|he|they|you|it|the|this|that)\b|"
    r"\bis (?:it|that|this) (?:ok|okay|safe|acceptable|allowed|appropriate|fine|permissible|permitted)\b|"
    r"\b(?:allowed|permitted)\?",
    re.I,
)
_PERMISSION = re.compile(
    r"\b(?:may|can) (?:not |also |still )?(?:be (?:\w+ )?\w+(?:ed|en)|receive|continue|remain)\b|"
    r"\b(?:is|are) (?:not )?(?:permitted|allowed|acceptable)\b",
    re.I,
)


def asks_permission(question: str) -> bool:
    return bool(_ASKS_PERMISSION.search(question))


# The sentences that give what a question asks for.
def states_quantity(text: str) -> bool:
    return bool(_QUANTITY.search(text))


def about_unknown_result(text: str) -> bool:
    return bool(_UNKNOWN.search(text))


def states_together(text: str) -> bool:
    return bool(_TOGETHER.search(text))


def gives_reason(text: str) -> bool:
    return bool(_REASON.search(text))


def speaks_to_risk(text: str) -> bool:
    return bool(_RISK.search(text))


def permits_or_forbids(text: str) -> bool:
    return bool(_PERMISSION.search(text))
