"""Which guideline statements answer the question, as opposed to being on its topic.

Retrieval scores say a sentence is about the question; a clinician's lead must also be the kind of
sentence that answers: what to do (a recommendation, a directive), and, when the question asks how
long, how much, how often or when, the sentence that states the number. A guideline's background
("studies found…", "median use was…") is context, kept for the points below the lead. These are
properties of sentences and questions in any guideline, not of one corpus; the weights are small
against the retrieval score they adjust, so a far better match still wins. A question about a reaction, an
allergy or a contraindication puts the guideline's caution ahead of its routine advice. What each kind of
question asks for, and the sentences that give it, is in qa/asked_for.py; here they are weighed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.asked_for import (
    about_unknown_result, asked_units, asks_caution, asks_permission, asks_quantity, asks_reason, asks_risk, asks_together,
    asks_unknown, contradicts, gives_reason, is_caution, measured_units, permits_or_forbids, polarities, populations,
    speaks_to_risk, states_quantity, states_together,
)
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


def answering(
    candidate: Candidate, quantity: bool, units: tuple[re.Pattern[str], ...] = (), permission: bool = False
) -> float:
    """The candidate's score as a lead: its retrieval score, adjusted for the kind of sentence it is."""
    text = candidate.text
    score = candidate.score
    if _DIRECTIVE.search(text) or candidate.grade or permission and permits_or_forbids(text):
        score += DIRECTIVE_BONUS
    elif _DESCRIPTION.search(text):
        score -= DESCRIPTION_PENALTY
    if quantity and states_quantity(text):
        score += QUANTITY_BONUS
        if any(u.search(text) for u in units):
            score += UNIT_BONUS
    return score


def rank_for_lead(pool: list[Candidate], question: str, asked=None) -> list[Candidate]:
    """The guideline pool rescored as answers to this question, best first. `asked`: the vector of the question
    sentence alone when the question opens with its case ("My patient has been on oxycodone for five years…
    How fast should the taper go?"): the case found the evidence, the question sentence says which part answers."""
    quantity, results, who = asks_quantity(question), polarities(question), populations(question)
    together, caution, unknown = asks_together(question), asks_caution(question), asks_unknown(question) and not results
    units, reason, measured = asked_units(question), asks_reason(question), measured_units(question)
    permission, risk = asks_permission(question), asks_risk(question)
    rescored = []
    for c in pool:
        score = answering(c, quantity, units, permission) - CONTRADICTION_PENALTY * contradicts(c.text, results)
        if who & populations(c.text):
            score += POPULATION_BONUS
        if unknown and about_unknown_result(c.text):
            score += UNKNOWN_BONUS
        if reason and gives_reason(c.text):
            score += REASON_BONUS
        if risk and speaks_to_risk(c.text):
            score += RISK_BONUS
        if measured and measured & measured_units(c.text):
            score += MEASURE_BONUS
        if together and states_together(c.text):
            score += TOGETHER_BONUS
        if caution and is_caution(c.text):
            score += CAUTION_BONUS
        if asked is not None:
            score += ASKED_WEIGHT * (float(c.vector @ asked) - c.similarity)
        rescored.append(replace(c, score=score))
    return sorted(rescored, key=lambda c: -c.score)
