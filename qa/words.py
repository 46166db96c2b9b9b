"""Words of the evidence by the role they can play in a heading: the part-of-speech lexicon `lemminflect`
ships (the NIH SPECIALIST lexicon, read from the package: nothing is downloaded), with the generic, vague and
statistical words no heading should be made of. Words the lexicon does not know (drug names, genes, acronyms)
count as nouns. `qa.phrases` builds noun phrases from these."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import lemminflect

from qa.heading_lexicon import (
    FUNCTION_WORDS,
    HEADING_GENERIC,
    HEADING_GENERIC_NOUNS,
    HEADING_SOFT_VAGUE,
    HEADING_VAGUE,
    STATISTICS,
)
from qa.lexicon import UNITS, is_number

_ADJ_SUFFIXES = ("ic", "al", "ous", "ive", "ary", "ory", "ible", "able", "less", "ful", "oid", "ar")
_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\s\w]|_")

# Roles, not parts of speech: a heading only needs to know whether a word may open, join or end a noun phrase.
BREAK, OF, NUM, MOD, WEAK, NOUN = range(6)  # MOD: modifier only; WEAK: heads only a longer phrase


@dataclass(frozen=True, slots=True)
class Word:
    key: str  # lower-cased lemma: plural nouns singular, so "fractures" and "fracture" count as one
    role: int
    plural: bool = False  # a plural noun cannot modify another noun ("Areas Cavity")
    spec: float = 0.0  # how specific: 0 for generic words, 1 for technical terms the lexicon does not know
    head: float = 1.0  # how well it ends a phrase: known nouns best
    soft: bool = False  # a soft vague modifier: opens only a phrase of three or more words
    vague: bool = False  # grammatical in a heading, but never chosen for one ("Further", "Several")
    verbal: bool = False  # a participle: "Delayed Gastric Emptying" reads well, "Treated Patients" less so
    verb: bool = False  # may be a verb too: "influence" after "cholecystectomy" need not extend the term


_BREAK_WORD = Word("", BREAK)


@lru_cache(maxsize=100_000)
def _lemmas(low: str) -> dict:
    return lemminflect.getAllLemmas(low)


@lru_cache(maxsize=20_000)
def _gradable(adjective: str) -> bool:
    """'high' (higher, highest) is an adjective, never a head noun; 'chronic' or 'oral' may be."""
    return "JJR" in lemminflect.getAllInflections(adjective, upos="ADJ")


def _known(low: str) -> Word:
    classes = _lemmas(low)
    nouns = {n.lower() for n in classes.get("NOUN", ())}
    adj = {a.lower() for a in classes.get("ADJ", ())}
    length = min(1.0, 0.35 + 0.06 * len(low)) - 0.08 * (len(classes) - 1)
    if adj and low not in adj:  # comparative or superlative: higher, lowest
        return Word(low, BREAK)
    soft = low in HEADING_SOFT_VAGUE
    if nouns:
        plural = low not in nouns
        key = min(nouns) if plural else low
        generic = low in HEADING_GENERIC_NOUNS or key in HEADING_GENERIC_NOUNS
        spec = 0.1 if soft else 0.0 if generic else max(0.3, length)
        if adj and _gradable(low):
            return Word(key, MOD, spec=spec, soft=soft)
        if (adj or "ADV" in classes) and not plural:
            return Word(key, WEAK, spec=spec, head=0.8, soft=soft, verb="VERB" in classes)
        verb = "VERB" in classes
        return Word(key, NOUN, plural=plural, spec=spec, head=0.95 if verb else 1.0, soft=soft, verb=verb)
    if adj:
        spec = 0.1 if soft else 0.0 if low in HEADING_GENERIC else max(0.3, length)
        return Word(low, MOD, spec=spec, soft=soft, verbal="VERB" in classes and low.endswith(("ed", "ing")))
    return Word(low, BREAK)  # verbs, adverbs, auxiliaries: never in a heading


@lru_cache(maxsize=100_000)
def word(token: str) -> Word:
    """The word's role in a noun phrase, from the lexicon (unknown words: technical nouns)."""
    low = token.lower().replace("’", "'")
    if low == "of":
        return Word(low, OF)
    if low in FUNCTION_WORDS or low in STATISTICS:
        return Word(low, BREAK)
    if is_number(low) or low in UNITS:
        return Word(low, NUM)
    if len(low) < 2 or not low[0].isalnum():
        return Word(low, BREAK)
    if "'" in low and not low.endswith("'s"):
        return Word(low, BREAK)  # "doesn't", "we've"
    if low.endswith("'s"):  # a possessive modifies: "Crohn's Disease"
        base = word(token[:-2])
        return Word(base.key + "'s", MOD if base.role >= MOD else BREAK, spec=base.spec)
    parts = re.split(r"['’-]", token)
    if len(parts) > 1 and is_number(parts[0]):
        return Word(low, MOD, vague=True)  # "24-hour", "Eighty-three": a modifier, never chosen
    if acronym(token) or (any(c.isdigit() for c in low) and any(c.isalpha() for c in low)):
        return Word(low, NOUN, spec=0.9)  # acronyms and codes: HIV, mRNA, CD4, COVID-19 (not "Long-Term")
    if _lemmas(low):
        known = _known(low)
        return replace(known, vague=True) if low in HEADING_VAGUE else known
    if "-" in low:
        parts = low.split("-")
        if parts[0] in FUNCTION_WORDS or parts[0] in HEADING_VAGUE:
            return Word(low, MOD, spec=0.6)  # "in-flight"
        if parts[-1] in FUNCTION_WORDS:
            return Word(low, WEAK, spec=0.6, head=0.8)  # "follow-up": a noun in "Long-Term Follow-Up"
        first = _lemmas(parts[0])
        if first and ("NOUN" not in first or ("ADJ" in first and _gradable(parts[0]))):
            return Word(low, MOD, spec=0.6)  # "long-term", "high-dose", "well-known"
        last = word(parts[-1]) if len(parts[-1]) > 1 else Word(parts[-1], BREAK)
        if last.role in (NOUN, WEAK):
            key = "-".join(parts[:-1] + [last.key])
            return Word(key, last.role, plural=last.plural, spec=0.9, head=last.head)
        return Word(low, MOD, spec=0.6)  # "population-based"
    if low.endswith("ly"):
        return Word(low, BREAK)
    if low.endswith(_ADJ_SUFFIXES):
        return Word(low, MOD, spec=0.9)  # "hemophilic", "endotracheal"
    plural = len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is", "ys", "as", "os"))
    key = low[:-1] if plural else low
    return Word(key, NOUN, plural=plural, spec=0.0 if key in HEADING_GENERIC_NOUNS else 1.0, head=0.95)


def acronym(token: str) -> bool:
    """HIV, pSS, UGI-SBFT: capitals inside a word."""
    return any(any(c.isupper() for c in part[1:]) for part in re.split(r"['’-]", token))


_lemmas("warm"), _gradable("high")  # load the lexicon with the module, not with the first answer
