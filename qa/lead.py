"""Which guideline statements answer the question, as opposed to being on its topic.

Retrieval scores say a sentence is about the question; a clinician's lead must also be the kind of
sentence that answers: what to do (a recommendation, a directive), and, when the question asks how
long, how much, how often or when, the sentence that states the number. A guideline's background
("studies found…", "median use was…") is context, kept for the points below the lead. These are
properties of sentences and questions in any guideline, not of one corpus; the weights are small
against the retrieval score they adjust, so a far better match still wins.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.statements import Candidate

DIRECTIVE_BONUS = 0.04
QUANTITY_BONUS = 0.04
DESCRIPTION_PENALTY = 0.04

_DIRECTIVE = re.compile(
    r"\b(?:should|must|shall|recommend(?:s|ed)?|is indicated|are indicated|is contraindicated|is not a contraindication|"
    r"(?:is|are) (?:often |usually )?(?:sufficient|appropriate|preferred|required|necessary|not necessary|not needed)|"
    r"(?:do|does|need) not need|need not|avoid)\b|^(?:Do not|Never|Always|Use|Wear|Perform|Discard|Clean|Offer|Give|"
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


def asks_quantity(question: str) -> bool:
    return bool(_ASKS_QUANTITY.search(question))


def answering(candidate: Candidate, quantity: bool) -> float:
    """The candidate's score as a lead: its retrieval score, adjusted for the kind of sentence it is."""
    text = candidate.text
    score = candidate.score
    if _DIRECTIVE.search(text) or candidate.grade:
        score += DIRECTIVE_BONUS
    elif _DESCRIPTION.search(text):
        score -= DESCRIPTION_PENALTY
    if quantity and _QUANTITY.search(text):
        score += QUANTITY_BONUS
    return score


def rank_for_lead(pool: list[Candidate], question: str) -> list[Candidate]:
    """The guideline pool rescored as answers to this question, best first."""
    quantity = asks_quantity(question)
    rescored = [replace(c, score=answering(c, quantity)) for c in pool]
    return sorted(rescored, key=lambda c: -c.score)
