"""Which guideline statements answer the question, as opposed to being on its topic.

Retrieval scores say a sentence is about the question; a clinician's lead must also be the kind of
sentence that answers: what to do (a recommendation, a directive), and, when the question asks how
long, how much, how often or when, the sentence that states the number. A guideline's background
("studies found…", "median use was…") is context, kept for the points below the lead. These are
properties of sentences and questions in any guideline, not of one corpus; the weights are small
against the retrieval score they adjust, so a far better match still wins. A question about a reaction, an
allergy or a contraindication puts the guideline's caution ahead of its routine advice.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.tokenize import tokenize
from qa.statements import Candidate

DIRECTIVE_BONUS = 0.04
QUANTITY_BONUS = 0.04
DESCRIPTION_PENALTY = 0.04
CONTRADICTION_PENALTY = 0.08
POPULATION_BONUS = 0.04
TOGETHER_BONUS = 0.04
UNKNOWN_BONUS = 0.04  # asked about a patient whose result is not known: as for a population asked about
REASON_BONUS = 0.04  # asked why: the sentence giving a reason
MEASURE_BONUS = 0.04  # given a measured value: the sentence with a threshold in its unit
RISK_BONUS = 0.04  # asked whether it is safe: the sentence about the risk
UNIT_BONUS = 0.03  # on top of the quantity bonus: the number is in the unit asked about
CAUTION_BONUS = 0.05  # a little over the others: asked about a reaction, the caution goes first
ASKED_WEIGHT = 0.2  # half the weight meaning carries in a statement's score

_DIRECTIVE = re.compile(
    r"\b(?:should|must|shall|recommend(?:s|ed)?|is indicated|are indicated|is contraindicated|is not a contraindication|"
    r"(?:is|are) (?:often |usually )?(?:sufficient|appropriate|preferred|required|necessary|not necessary|not needed)|"
    r"(?:do|does|need) not need|need not|avoid|"
    # "Semi-critical items … require, at a minimum, high-level disinfection"; not "patients who require…", "might require"
    r"(?<!who )(?<!that )(?<!which )(?<!may )(?<!might )(?<!could )requires?)\b|"
    r"^(?:Do not|Never|Always|Use|Wear|Perform|Discard|Clean|Offer|Give|"
    r"Administer|Ensure|Consider|Test|Screen|Vaccinate|Avoid|Remove|Store|Keep|Dispose|Report)\b",
    re.I,
)
_DESCRIPTION = re.compile(
    r"\b(?:stud(?:y|ies)|trials?|review(?:s|ed)?|survey(?:s|ed)?|meta-analys[ie]s|cohort|found|reported|observed|"
    r"median|estimated|participants|respondents|odds ratio|hazard ratio|95% CI)\b",
    re.I,
)
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


def _polarities(text: str) -> set[tuple[str, str]]:
    return {(m.group(1).lower(), m.group(2).lower()) for m in _POLARITY.finditer(text)}


# "…women without documentation of HBsAg test results", "…if the mother's HBsAg status cannot be determined".
_UNKNOWN = re.compile(r"\b(?:unknown|without documentation|(?:results?|status) (?:are |is )?(?:pending|unknown|not available)|"
                      r"(?:cannot|could not) be determined|results are pending|never been tested|not (?:been )?tested)\b", re.I)


# "No HBsAg result on file… while we wait for her test?", "she was never tested": the question is about the patient
# whose result is not known, a case guidelines treat apart ("While test results are pending, all infants born to
# women without documentation of HBsAg test results should receive…").
_ASKS_UNKNOWN = re.compile(
    r"\b(?:(?:status|results?|serostatus) (?:is |was |are |were |still )?(?:unknown|pending)|unknown (?:status|results?|serostatus)|"
    r"pending (?:results?|tests?)|(?:never|not|hasn't|has not|wasn't|was not|hadn't|had not) (?:been )?(?:tested|screened)|"
    r"no (?:\w+ ){0,2}(?:results?|status|documentation|record)\b|"
    r"without (?:\w+ ){0,2}(?:results?|documentation|testing|status)|"
    r"wait(?:ing)? (?:for|on) (?:\w+ ){0,2}(?:results?|tests?|status)|results? (?:aren't|are not|isn't|is not) (?:back|in|available))\b",
    re.I,
)


def asks_unknown(question: str) -> bool:
    return bool(_ASKS_UNKNOWN.search(question))


def contradicts(text: str, asked: set[tuple[str, str]]) -> bool:
    """The sentence is about another result of the test the question names: an HBsAg-negative mother's infant,
    or one whose mother's status is unknown, when the question is about an HBsAg-positive one. A test the
    question gives both results of ("HBsAg-positive mother… the infant is HBsAg negative") contradicts nothing."""
    asked = {(test, result) for test, result in asked if (test, _OPPOSITE[result]) not in asked}
    stated = _polarities(text)
    if asked and not stated and _UNKNOWN.search(text):
        return any(re.search(rf"\b{re.escape(test)}\b", text, re.I) for test, _ in asked)
    return any((test, _OPPOSITE[result]) in stated and (test, result) not in stated for test, result in asked)


# Who a sentence is about, by class, so "an 80-year-old" meets "older adults" and "a newborn" meets "infants".
_POPULATIONS = {
    "older": frozenset(tokenize("older elderly geriatric")),
    "children": frozenset(tokenize("child children kids pediatric paediatric")),
    "infants": frozenset(tokenize("infant infants newborn newborns neonate neonates neonatal baby babies toddler toddlers")),
    "adolescents": frozenset(tokenize("adolescent adolescents teen teens teenager teenagers")),
    "pregnancy": frozenset(tokenize("pregnant pregnancy prenatal antenatal postpartum breastfeeding lactating")),
    "staff": frozenset(tokenize("staff personnel worker workers hcp employee employees")),
}
_AGE = re.compile(r"\b(\d{1,3})[- ](year|month|week|day)s?[- ]old\b", re.I)


def populations(text: str) -> set[str]:
    words = set(tokenize(text))
    found = {name for name, terms in _POPULATIONS.items() if words & terms}
    for number, unit in _AGE.findall(text):
        years = int(number) if unit.lower() == "year" else 0
        found.add("older" if years >= 65 else "adolescents" if years >= 12 and years < 18 else
                  "children" if unit.lower() == "year" and years < 12 else "infants" if unit.lower() != "year" else "adults")
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
_ASKS_CAUTION = re.compile(r"\b(?:anaphyla\w*|allerg\w*|reactions?|contraindicat\w*|adverse (?:events?|reactions?)|"
                           r"is it safe|precautions?)\b", re.I)
_CAUTION = re.compile(r"\b(?:contraindicat\w*|precautions?|should not|must not|not be (?:given|administered|used)|"
                      r"avoid\w*|not recommended)\b", re.I)
_REACTION = re.compile(r"\b(?:anaphyla\w*|allerg\w*|hypersensitiv\w*|reactions?|adverse events?|contraindicat\w*|"
                       r"precautions?)\b", re.I)


# "Why was the vaccine recalled?": the asker wants the reason, which a guideline gives as "because…", "as a
# precautionary measure", "is associated with…", not the instruction that follows from it.
_ASKS_REASON = re.compile(r"\bwhy\b|\bwhat (?:is|was|are|were) the reasons?\b|\bhow come\b", re.I)
_REASON = re.compile(r"\b(?:because|due to|owing to|as a result of|precaution\w*|the reasons?|reasons? (?:for|why)|"
                     r"in order to|so that|(?:is|are|was|were) associated with|leads? to|led to|results? in|resulted in|"
                     r"caus(?:e|es|ed|ing))\b", re.I)
# "anti-HBs 4 mIU/mL", "on 120 MME/day": the question gives a measured value, so the sentence with the threshold in
# that unit ("anti-HBs levels <10 mIU/mL should be revaccinated") is the one to compare it with.
_MEASURE = re.compile(r"\d(?:[\d.,]*\d)?\s*((?:m?IU|mg|mcg|µg|g|mmol|mEq|mL|ng|pg)/(?:mL|dL|L|kg|min|day|d)|"
                      r"MME(?:/day)?|mIU|mg|mcg|µg|mmHg|mm Hg)(?![\w/])", re.I)


def measured_units(text: str) -> set[str]:
    return {unit.lower().replace(" ", "") for unit in _MEASURE.findall(text)}


# "Is it actually safe to put off the booster? Won't those toddlers be at risk?": the sentence that speaks to the
# risk ("deferral … is not likely to result in an increased risk for Hib disease") answers before the directive.
_ASKS_RISK = re.compile(r"\b(?:is (?:it|that|this) (?:actually |really |still )?safe|safe to|at (?:increased |higher |any )?risk|"
                        r"in danger|dangerous|harmful)\b", re.I)
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
    "time": (re.compile(r"\bhow (?:long|soon)\b|\bhow many (?:\w+ )?(?:hours?|days?|weeks?|months?|years?)\b|"
                        r"\bduration\b", re.I),
             re.compile(r"\b(?:hours?|days?|weeks?|months?|years?)\b", re.I)),
    "frequency": (re.compile(r"\bhow (?:often|frequently)\b|\bwhat interval\b|\bfrequency\b", re.I),
                  re.compile(r"\b(?:every|annually|yearly|monthly|weekly|daily|once|twice|times? (?:a|per)|"
                             r"at least (?:once|annually|weekly|monthly))\b|\binterval", re.I)),
    "doses": (re.compile(r"\bhow many (?:\w+ ){0,3}(?:doses?|shots?|injections?)\b", re.I), re.compile(r"\bdoses?\b", re.I)),
    "amount": (re.compile(r"\bhow much\b|\bwhat (?:daily )?(?:dose|dosage)\b", re.I),
               re.compile(r"\b(?:mg|mcg|µg|mL|MME|units?|dosages?)\b", re.I)),
}


def asked_units(question: str) -> tuple[re.Pattern[str], ...]:
    """How the sentences that state what the question counts say it (none when it counts nothing)."""
    return tuple(stated for asks, stated in _UNITS.values() if asks.search(question))


# "Can she breastfeed right away?", "Is that allowed?", "Is it OK to use it on multiple patients?": a yes/no question
# about what may be done is answered by what the guideline permits or forbids ("… may be breast fed beginning
# immediately after birth", "They may not be reprocessed except by…"), as much as by what it directs.
_ASKS_PERMISSION = re.compile(
    r"^(?:(?:so|and|but|ok|okay|then|also|now)[,:]? )?(?:can|may|could)\b|[.?;:] *(?:so |and |but )?(?:can|may|could) (?:i|we|she|he|they|you|it|the|this|that)\b|"
    r"\bis (?:it|that|this) (?:ok|okay|safe|acceptable|allowed|appropriate|fine|permissible|permitted)\b|"
    r"\b(?:allowed|permitted)\?",
    re.I,
)
_PERMISSION = re.compile(r"\b(?:may|can) (?:not |also |still )?(?:be (?:\w+ )?\w+(?:ed|en)|receive|continue|remain)\b|"
                         r"\b(?:is|are) (?:not )?(?:permitted|allowed|acceptable)\b", re.I)


def asks_permission(question: str) -> bool:
    return bool(_ASKS_PERMISSION.search(question))


def answering(
    candidate: Candidate, quantity: bool, units: tuple[re.Pattern[str], ...] = (), permission: bool = False
) -> float:
    """The candidate's score as a lead: its retrieval score, adjusted for the kind of sentence it is."""
    text = candidate.text
    score = candidate.score
    if _DIRECTIVE.search(text) or candidate.grade or permission and _PERMISSION.search(text):
        score += DIRECTIVE_BONUS
    elif _DESCRIPTION.search(text):
        score -= DESCRIPTION_PENALTY
    if quantity and _QUANTITY.search(text):
        score += QUANTITY_BONUS
        if any(u.search(text) for u in units):
            score += UNIT_BONUS
    return score


def rank_for_lead(pool: list[Candidate], question: str, asked=None) -> list[Candidate]:
    """The guideline pool rescored as answers to this question, best first. `asked`: the vector of the question
    sentence alone when the question opens with its case ("My patient has been on oxycodone for five years…
    How fast should the taper go?"): the case found the evidence, the question sentence says which part answers."""
    quantity, results, who = asks_quantity(question), _polarities(question), populations(question)
    together, caution, unknown = asks_together(question), asks_caution(question), asks_unknown(question) and not results
    units, reason, measured = asked_units(question), asks_reason(question), measured_units(question)
    permission, risk = asks_permission(question), asks_risk(question)
    rescored = []
    for c in pool:
        score = answering(c, quantity, units, permission) - CONTRADICTION_PENALTY * contradicts(c.text, results)
        if who & populations(c.text):
            score += POPULATION_BONUS
        if unknown and _UNKNOWN.search(c.text):
            score += UNKNOWN_BONUS
        if reason and _REASON.search(c.text):
            score += REASON_BONUS
        if risk and _RISK.search(c.text):
            score += RISK_BONUS
        if measured and measured & measured_units(c.text):
            score += MEASURE_BONUS
        if together and _TOGETHER.search(c.text):
            score += TOGETHER_BONUS
        if caution and is_caution(c.text):
            score += CAUTION_BONUS
        if asked is not None:
            score += ASKED_WEIGHT * (float(c.vector @ asked) - c.similarity)
        rescored.append(replace(c, score=score))
    return sorted(rescored, key=lambda c: -c.score)
