"""What a clinician's question asks for, and the sentences that give it.

A question asking "how long" wants the sentence stating the number, one asking why wants the reason, one about a
patient whose result is not on file wants the guideline's sentence for that case, and so on. Each kind is a pattern
on the question and one on the sentence, both in qa/lexicon.py; qa/lead_features.py makes a feature of each pair,
and how much each is worth is the lead model's weights'. They are properties of clinical questions and guideline
prose, not of one corpus.
"""

from __future__ import annotations

import re

from index.tokenize import tokenize
from qa.lexicon import ASKS, COUNTED, GIVES, POPULATIONS, UNITS

_ASKS = {kind: re.compile(pattern, re.I) for kind, pattern in ASKS.items()}
_GIVES = {kind: re.compile(pattern, re.I) for kind, pattern in GIVES.items()}
_COUNTED = tuple((re.compile(asks, re.I), re.compile(states, re.I)) for asks, states in COUNTED.values())
KINDS: tuple[str, ...] = tuple(ASKS)


def asks(question: str) -> frozenset[str]:
    """The kinds of `ASKS` the question asks for. A question giving a test's result ("…mother who is X-positive")
    knows it, whatever else it says about waiting."""
    found = {kind for kind, pattern in _ASKS.items() if pattern.search(question)}
    if polarities(question):
        found.discard("unknown")
    return frozenset(found)


def gives(kind: str, text: str) -> bool:
    """The sentence gives what a question of this kind asks for; a caution must also be about a reaction."""
    return bool(_GIVES[kind].search(text)) and (kind != "caution" or bool(_GIVES["reaction"].search(text)))


def asked_units(question: str) -> tuple[re.Pattern[str], ...]:
    """How the sentences that state what the question counts say it ("how many days" → days; none when it counts
    nothing): a sentence with the asked unit ("a few days or less") answers before one with any number."""
    return tuple(states for counts, states in _COUNTED if counts.search(question))


# "<word>-positive", "<word> negative": a test's result, so that a sentence about the other result of the same test
# is known to be about another patient.
_POLARITY = re.compile(r"\b([\w]+)[- ](positive|negative)\b", re.I)
_OPPOSITE = {"positive": "negative", "negative": "positive"}


def polarities(text: str) -> set[tuple[str, str]]:
    return {(m.group(1).lower(), m.group(2).lower()) for m in _POLARITY.finditer(text)}


def contradicts(text: str, asked: set[tuple[str, str]]) -> bool:
    """The sentence is about another result of the test the question names: a negative result's case, or one whose
    result is unknown, when the question gives a positive one. A test the question gives both results of (the
    mother's and the infant's) contradicts nothing."""
    asked = {(test, result) for test, result in asked if (test, _OPPOSITE[result]) not in asked}
    stated = polarities(text)
    if asked and not stated and gives("unknown", text):
        return any(re.search(rf"\b{re.escape(test)}\b", text, re.I) for test, _ in asked)
    return any((test, _OPPOSITE[result]) in stated and (test, result) not in stated for test, result in asked)


# Who a sentence is about, by class, so "an 80-year-old" meets "older adults" and "a newborn" meets "infants".
_AGE = re.compile(r"\b(\d{1,3})[- ](year|month|week|day)s?[- ]old\b", re.I)


def _age_class(number: str, unit: str) -> str:
    years = int(number) if unit.lower() == "year" else 0
    if unit.lower() != "year":
        return "infants"
    return "older" if years >= 65 else "adolescents" if 12 <= years < 18 else "children" if years < 12 else "adults"


def populations(text: str) -> set[str]:
    words = set(tokenize(text))
    return {name for name, terms in POPULATIONS.items() if words & terms} | {_age_class(*age) for age in _AGE.findall(text)}


# A value with its unit ("4 mIU/mL", "120 mg/day", "≥140 mm Hg"): the question gives one, and the sentence stating a
# threshold in that unit is the one to compare it with.
_MEASURE = re.compile(r"\d(?:[\d.,]*\d)?\s*([^\W\d_]+|%)(/[^\W\d_]+)?(?![\w/])", re.I)


_PER = UNITS | {"day", "d", "week", "wk", "dose"}


def measured_units(text: str) -> set[str]:
    found = {(unit.lower(), per[1:].lower()) for unit, per in _MEASURE.findall(text) if unit.lower() in UNITS}
    return {f"{unit}/{per}" if per in _PER else unit for unit, per in found}
