"""BM25 tokens: lower-cased words, English stop words dropped, Snowball-stemmed (PyStemmer, C speed)."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

# A short list: BM25's idf already discounts common words; these only waste posting-list work.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves""".split()
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    stem = _stemmer.stemWord(word)
    # Snowball keeps the final y of a noun as i ("colonoscopy" → colonoscopi, "allergy" → allergi) where the
    # adjective or verb loses it ("colonoscope", "colonoscopic" → colonoscop; "allergic" → allerg; "injured"):
    # without that i, a question's "colonoscope" finds the guideline's "colonoscopy".
    if stem.endswith("i") and len(stem) > 4 and not word.endswith("i"):  # "multi", "anti" are not such nouns
        return stem[:-1]
    return stem


def tokenize(text: str) -> list[str]:
    """Tokens for one text; `-` joins compounds ("long-term" stays one token, and so does "covid-19")."""
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in STOP_WORDS]
