"""How many took part, as an abstract states it: "1,204 patients were randomized", "a total of 312 women",
"(n = 56)". An int, or None when the abstract does not say it plainly.

Precision comes before recall: a wrong number beside a citation misleads more than a missing one. So a
count is taken only where the words around it make it the study's own sample (ingest/design_lexicon.py:
SAMPLE_VERBS, TOTAL, STUDY_NOUNS), subgroups ("14 patients (9%) had …") and the screened or excluded are
not, controls are added to the cases, and two different sample sizes in one abstract give None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.participant_lexicon import NOT_SAMPLE, NUMBER_WORDS, PEOPLE, SAMPLE_VERBS, SOURCE_NOUNS, STUDY_NOUNS, TOTAL


def _alternatives(words: tuple[str, ...]) -> str:
    # Longest first, so "pregnant women" is preferred to "women" and "a total of" to "total of".
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_UNIT = "|".join(w for w, n in NUMBER_WORDS.items() if n < 20)
_TENS = "|".join(w for w, n in NUMBER_WORDS.items() if n >= 20)
_WORD_NUMBER = rf"(?:(?:{_TENS})(?:[-\s](?:{_UNIT}))?|{_UNIT})"
_SPELLED = rf"(?:(?:a|one|two|three|four|five|six|seven|eight|nine)\s+hundred(?:\s+and)?(?:\s+{_WORD_NUMBER})?|{_WORD_NUMBER})"
# Digits with thousands grouped by commas or (thin) spaces, never part of a decimal, ratio, range or date.
_DIGITS = r"(?<![\w.,/±:+-])(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:\s\d{3})+(?![\d.])|\d+)(?![.,]?\d|\s*%|/|-\w)"
# Words between a number and its noun ("Thirty-two anisometropic hyperopic children"), but no word that ends
# the phrase first ("3 days and patients") and no digits.
_STOP = (
    "and",
    "or",
    "of",
    "with",
    "in",
    "at",
    "on",
    "for",
    "to",
    "from",
    "by",
    "than",
    "the",
    "a",
    "an",
    "who",
    "which",
    "that",
    "were",
    "was",
    "had",
    "are",
    "is",
    "these",
    "those",
    "their",
    "years",
    "year",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "times",
    "vs",
    "versus",
    "hundred",
    *NUMBER_WORDS,
)
_MODIFIER = rf"(?:(?!(?:{'|'.join(_STOP)})\b)[A-Za-z][\w'’-]*,?)"
COUNT = re.compile(
    rf"(?P<num>{_DIGITS}|\b{_SPELLED}\b)(?P<mods>(?:\s+{_MODIFIER}){{0,4}}?)\s+(?P<noun>{_alternatives(PEOPLE)})\b",
    re.IGNORECASE,
)
_CLAUSE = r"(?:[^.;]|\.(?=\d))"  # a character of the same clause: decimals ("73.2") do not end it
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\d])")
_SAMPLE = _alternatives(SAMPLE_VERBS)
_TIER_ONE_BEFORE = re.compile(rf"(?:\b(?:{_alternatives(TOTAL)}),?|\b(?:{_alternatives(STUDY_NOUNS)})\s+(?:{_SAMPLE}))\s+$", re.I)
_TIER_ONE_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:[\w-]+\s+){0,6}?(?:participated|took\s+part)\b", re.I)
_TIER_TWO_BEFORE = re.compile(
    rf"(?:\b(?:{_SAMPLE})\s+(?:(?:the\s+)?(?:medical\s+)?(?:{_alternatives(SOURCE_NOUNS)})\s+(?:of|from|on)\s+)?"
    rf"|\b(?:{_alternatives(SOURCE_NOUNS)})\s+(?:of|from|on)\s+"
    rf"|(?:^|[,;:]\s*)(?:of|out\s+of|among)\s+(?:the\s+|all\s+|these\s+)?"
    rf"|\b(?:{_SAMPLE})\b[^.;]{{0,80}}\bin\s+)$",
    re.I,
)
_TIER_TWO_AFTER = re.compile(rf"^{_CLAUSE}{{0,160}}?\b(?:were|was|had\s+been|have\s+been)\s+(?:\w+ly\s+)?(?:{_SAMPLE})\b", re.I)
_NEGATIVE_BEFORE = re.compile(rf"\b(?:{_alternatives(NOT_SAMPLE)})\s+(?:\w+\s+){{0,2}}$", re.I)
_NEGATIVE_AFTER = re.compile(
    rf"^\s*(?:\([^)]*\)\s*)?(?:\w+\s+){{0,3}}?(?:were\s+|was\s+)?(?:{_alternatives(NOT_SAMPLE)})\b", re.I
)
# "6 of 7 controls", "1 out of 7 patients": a share of a group, not a group; "(40 cases)": a part of a count.
_PART_BEFORE = re.compile(r"(?:\d\s+(?:out\s+)?of\s+(?:the\s+)?|\(\s*)$", re.I)
_SUBGROUP_AFTER = re.compile(
    r"^\s*\(\s*[\d.,]+\s*%|^\s*per\b|^\s*\([^)]*%[^)]*\)\s*(?:had|were|was|did|developed|reported)\b", re.I
)
_CONTROL_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:[\w-]+\s+){0,4}?(?:as\s+(?:a\s+)?controls?\b|served\s+as\b)", re.I)
# "97 patients with A and 65 with B", "18 persons with A and 18 healthy elderly": a second group not counted;
# "116 were identified, and 77 of them were included": a pool, then the sample. Neither count alone is the study's.
_UNCLEAR_AFTER = re.compile(
    rf"^{_CLAUSE}{{0,80}}?\band\s+(?:\d+|{_SPELLED})\s+(?!(?:years?|months?|weeks?|days?|hours?|minutes?)\b)[a-z]"
    rf"|^{_CLAUSE}*?\bof\s+(?:them|these|those|whom)\b{_CLAUSE}{{0,40}}?\b(?:were|was)\s+(?:\w+ly\s+)?(?:{_SAMPLE})\b",
    re.I,
)
# Controls told of in a sentence of their own are added to the cases only when it says they are more.
_ADDED = re.compile(r"^\s*(?:in\s+addition|additionally|also|furthermore|moreover)\b", re.I)
_PARENTHESES = re.compile(r"\([^()]*\)")
_AND_NEXT = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:[\w-]+\s+){0,3}?and\s+$", re.I)
_N_EQUALS = re.compile(rf"\b[nN]\s*=\s*({_DIGITS})(?!\s*[;,]\s*[\d.]+\s*%)")
_WHOLE_SAMPLE = re.compile(rf"\b(?:{_alternatives(STUDY_NOUNS)}|total|comprised|consisted|included|enrolled)\b", re.I)
_PEOPLE_BEFORE = re.compile(rf"\b(?:{_alternatives(PEOPLE)})\s*[(\[,]?\s*$", re.I)


def number(text: str) -> int | None:
    """ "1,204", "25 866", "Forty-six", "One hundred and ninety" as an int; None when it is not a count."""
    text = text.strip().lower()
    if text[:1].isdigit():
        return int(re.sub(r"[,\s]", "", text))
    total = 0
    for word in re.split(r"[-\s]+", text):
        if word == "hundred":
            total = max(total, 1) * 100
        elif word in NUMBER_WORDS:
            total += NUMBER_WORDS[word]
        elif word not in ("and", "a"):
            return None
    return total or None


@dataclass(slots=True)
class _Count:
    value: int
    start: int
    end: int
    noun: str
    joined: bool = False  # two counts joined by "and" ("25 patients and 20 healthy controls")


def _counts(sentence: str) -> list[_Count]:
    """People counts in a sentence; "74 patients with A and 216 patients with B" is one count of 290."""
    found = [
        _Count(n, m.start(), m.end(), m.group("noun").lower()) for m in COUNT.finditer(sentence) if (n := number(m.group("num")))
    ]
    merged: list[_Count] = []
    for count in found:
        last = merged[-1] if merged else None
        if last and _AND_NEXT.match(sentence[last.end : count.start]):
            merged[-1] = _Count(last.value + count.value, last.start, count.end, count.noun, joined=True)
        else:
            merged.append(count)
    return merged


def _sample(sentence: str, count: _Count) -> str | None:
    """'sample' or 'control' when the words around a count make it (part of) the study's sample, else None."""
    before, after = sentence[max(0, count.start - 120) : count.start], sentence[count.end :]
    if (
        _PART_BEFORE.search(before)
        or _SUBGROUP_AFTER.match(after)
        or _NEGATIVE_BEFORE.search(before)
        or _NEGATIVE_AFTER.match(after)
    ):
        return None
    if (count.noun == "controls" or _CONTROL_AFTER.match(after)) and not count.joined:
        return "control"
    if _UNCLEAR_AFTER.match(after) or _ADDED.match(sentence):
        return "unclear"  # "In addition, 33 patients …": more than the sample told of elsewhere
    if _TIER_ONE_BEFORE.search(before) or _TIER_ONE_AFTER.match(after) or _TIER_TWO_BEFORE.search(before):
        return "sample"
    clause = _TIER_TWO_AFTER.match(after)
    if clause and not COUNT.search(_PARENTHESES.sub("", after[: clause.end()])):
        return "sample"
    return None


def participants(abstract: str) -> int | None:
    """The number of people the study took in, as the abstract states it; None unless it is plain."""
    if not isinstance(abstract, str):
        raise TypeError(f"participants() reads an abstract's text, not {type(abstract).__name__}")
    samples: dict[int, int] = {}  # sample size → the sentence it is stated in
    controls: list[tuple[int, int, bool]] = []  # (count, sentence, said to be in addition)
    sentences = _SENTENCE_END.split(abstract)
    for number_, sentence in enumerate(sentences):
        counts = _counts(sentence)
        roles = [_sample(sentence, count) for count in counts]
        if "unclear" in roles or (len(counts) > 2 and any(roles)):
            return None  # a pool and its sample, or a list of groups ("5 controls with A, 7 with B …")
        for count, role in zip(counts, roles):
            if role == "sample":
                samples.setdefault(count.value, number_)
            elif role == "control":
                controls.append((count.value, number_, bool(_ADDED.match(sentence))))
    if len(samples) == 1:
        ((value, where),) = samples.items()
        if all(at == where or added for _, at, added in controls):
            return value + sum(n for n, _, _ in controls)
        return None  # controls told of apart: perhaps among the cases already counted
    if samples or controls:
        return None  # two different sample sizes, or controls without the cases: not plain
    stated = [(s, m) for s in sentences for m in _N_EQUALS.finditer(s)]
    if len(stated) == 1:  # one "n = …" and it names people or the whole sample ("patients (n = 56)")
        sentence, match = stated[0]
        before = sentence[max(0, match.start() - 60) : match.start()]
        if _WHOLE_SAMPLE.search(before) or _PEOPLE_BEFORE.search(before):
            return number(match.group(1))
    return None
