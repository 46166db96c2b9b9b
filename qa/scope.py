"""What the guideline says it does not cover, when the question is about exactly that.

Asked about tapering opioids in children, the opioid guideline's answer is first of all that its
recommendations "do not address … children or adolescents aged <18 years". Such scope statements
rarely rank for the question itself, so they are looked for on their own: guideline sentences that
state an exclusion and name something the question asks about beyond the guideline's own subject
(its title's words), such as a population, an age or a condition.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from index.tokenize import tokenize
from qa.lexicon import ALIKE_SETTINGS, NARROWS_NOTHING, SCOPE_POPULATIONS, is_number
from qa.statements import Candidate

_EXCLUSION = re.compile(
    r"\b(?:do(?:es)? not (?:address|apply|cover|include|pertain|focus|replace)|(?:is|are) not (?:intended|applicable|addressed|"
    r"covered|included)|(?:outside|beyond) the scope|(?:is|are) excluded|exclud(?:es|ing)|not within the scope|"
    r"will be (?:published|addressed) separately)\b",
    re.I,
)
_OUTRIGHT = re.compile(
    r"\b(?:do(?:es)? not (?:address|apply|cover|pertain)|(?:is|are) not (?:applicable|addressed|covered)|"
    r"(?:outside|beyond) the scope)\b",
    re.I,
)
# "a 15-year-old", "13-month-old": an age the scope statements write as "aged <18 years", "children".
_MINOR_AGE = re.compile(r"\b(?:(?:1[0-7]|[1-9])[- ]year[- ]old|\d+[- ](?:month|week|day)[- ]old)\b", re.I)
MINORS = "children adolescents pediatric"
# "an unvaccinated 24-year-old", "her dad, who's 48": an adult, whom a guideline for children may leave out.
_ADULT = r"(?:1[89]|[2-5]\d|6[0-4])"  # an older adult is "older" (qa/lead.py), not what "adults" exclude
_ADULT_AGE = re.compile(rf"\b(?:{_ADULT}[- ]year[- ]old|(?:who(?:'s| is)|aged?)\s+{_ADULT}\b|{_ADULT}\s?(?:y/?o|yo)\b)", re.I)
ADULTS = "adults adult"
# A lookahead, so "for a patient with sickle cell disease" yields both phrases.
# "does that also cover our hemodialysis unit?", "does it apply to dental practices?" name what is asked about too.
# "what if he has cancer pain?": a condition the patient has, said with a bare "has" as well.
_CONDITION = re.compile(
    r"(?=\b(?:with|for|who (?:have|has)|(?:has|have|had)(?!\s+(?:to|been|got|gotten|not|no)\b)|having|receiving|"
    r"in|among|cover|covers|apply to|applies to)\s+"
    r"(?:(?:our|my|the|a|an|your|their)\s+)?((?:[\w-]+\s?){1,2}))",
    re.I,
)
# A scope statement speaks about the document ("The recommendations do not address…", "This guideline…").
_ABOUT_ITSELF = re.compile(r"\b(?:recommendations?|guidelines?|guidance|guide|document|statement|report|this)\b", re.I)
# Words every clinical question uses: naming them narrows nothing.
SCOPE_QUERY = "recommendations do not address not intended outside scope excluded"
# Words a scope statement may use for what the question names otherwise: "in hospice" is excluded as
# "palliative care, or end-of-life care".
_SCOPE_TERMS = frozenset().union(*ALIKE_SETTINGS)


def _alike(terms: set[str]) -> set[str]:
    return terms.union(*(same for same in ALIKE_SETTINGS if terms & same))


def _ages(question: str) -> str:
    return " ".join(words for pattern, words in ((_MINOR_AGE, MINORS), (_ADULT_AGE, ADULTS)) if pattern.search(question))


def scope_query(question: str, titles: str = "", max_chars: int = 2000) -> str:
    """The search for scope statements about what this question names, in the guidelines titled `titles` (every
    passage's indexed text holds its document's title, so their words steer the search to those guidelines).
    At most `max_chars`, as every search is: a question near the limit keeps its end, where it asks."""
    words = set(tokenize(question))
    alike = " ".join(sorted(_alike(words) - words))
    added = f"{_ages(question)} {alike} {SCOPE_QUERY}".strip()
    titles = titles[: max(0, (max_chars - len(added)) // 3)]
    room = max(0, max_chars - len(added) - len(titles) - 2)
    return " ".join(part for part in (question[len(question) - room :] if room else "", added, titles) if part)[:max_chars]


def asked_terms(question: str, title: str | None) -> set[str]:
    """Who or what the question narrows to — a population, an age, a condition after "with" or "who have" —
    and that is not the guideline's own subject (its title's words): what a scope may exclude."""
    narrowed = " ".join(m.group(1) for m in _CONDITION.finditer(question))
    words = set(tokenize(question))
    # a population, or one of the settings and conditions guidelines often leave out, however the question names it
    terms = set(tokenize(narrowed)) | (words & SCOPE_POPULATIONS) | (words & _SCOPE_TERMS) | set(tokenize(_ages(question)))
    # "a 1,400 g preemie", "on it for five years": a number, in digits or words, is no scope
    terms = {t for t in terms if not is_number(t)}
    return _alike(terms) - set(tokenize(title or "")) - NARROWS_NOTHING


def may_exclude(text: str) -> bool:
    """Whether a passage states an exclusion anywhere: most do not, and their sentences need not be read. (Its
    statements read a line break as a space, and so does this.)"""
    return bool(_EXCLUSION.search(" ".join(text.split())))


def exclusions(narrows: AbstractSet[str], pool: list[Candidate], documents: set[str]) -> list[Candidate]:
    """Scope statements, of the guideline `documents` the answer draws on, that exclude something the
    question narrows to (`asked_terms(question, None)`) other than the guideline's own subject."""
    found = []
    for candidate in pool:
        if candidate.kind != "guideline" or candidate.hit.passage.doc_id not in documents:
            continue
        if not (_EXCLUSION.search(candidate.text) and _ABOUT_ITSELF.search(candidate.text)):
            continue
        asked = narrows - set(tokenize(candidate.hit.passage.title or ""))
        if asked & set(tokenize(candidate.text)):
            found.append(candidate)
    # "…does not apply to X" says it outright; "covers A, B, C, excluding X" says it in passing
    return sorted(found, key=lambda c: (not _OUTRIGHT.search(c.text), -c.score))
