"""Abbreviations a document defines ("delayed gastric emptying (DGE)"), so that keyword search finds a later
sentence's "DGE after PPPD" for a question that spells the words out.

Definitions are found as Schwartz & Hearst do (PSB 2003): a short form in parentheses after a long form whose
words hold the short form's characters in order, the first starting a word; words whose initials spell it are
tried first ("morphine milligram equivalents (MME)", not "milligram equivalents"). Only BM25's text changes
(index/build.py); what is shown and quoted stays the document's own, and the vectors see it as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DEFINED = re.compile(r"\(\s*([A-Za-z0-9][\w/&.+-]{0,9})\s*[);,]")
_WORD = re.compile(r"[\w'/&+-]+")


def _window(before: str, letters: list[str]) -> list[str]:
    return _WORD.findall(before)[-min(len(letters) + 5, 2 * len(letters)) :]


def spelled_by_initials(before: str, short: str) -> str | None:
    """The last words before "(short)" whose initials spell it, each part of a hyphenated word counting ("morphine
    milligram equivalents (MME)", "anti-inflammatory (AI)"), or None."""
    letters = [c.lower() for c in short if c.isalnum()]
    words = _window(before, letters)
    for n in range(1, len(words) + 1):
        initials = "".join(part[0].lower() for w in words[-n:] for part in re.split(r"[-/]", w) if part)
        if initials == "".join(letters):
            return " ".join(words[-n:])
    return None


def _long_form(before: str, short: str) -> str | None:
    """The words just before "(short)" that spell it (Schwartz & Hearst's match, right to left), or None."""
    letters = [c.lower() for c in short if c.isalnum()]
    if not letters or not any(c.isalpha() for c in letters) or len(letters) < 2:
        return None
    # First the words whose initials spell it ("morphine milligram equivalents (MME)", not "milligram equivalents")
    initials = spelled_by_initials(before, short)
    if initials is not None:
        return initials
    words = _window(before, letters)
    text = " ".join(words)
    s, t = len(letters) - 1, len(text) - 1
    while s >= 0:
        while t >= 0 and (text[t].lower() != letters[s] or s == 0 and t > 0 and text[t - 1].isalnum()):
            t -= 1
        if t < 0:
            return None
        s, t = s - 1, t - 1
    start = text.rfind(" ", 0, t + 1) + 1
    found = text[start:].strip()
    return found if len(found) > len(short) and not found.lower().startswith(short.lower()) else None


def definitions(texts: Iterable[str]) -> dict[str, str]:
    """Short form → long form for every abbreviation the texts define (the first definition wins)."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            short = match.group(1).rstrip(".")
            if short in found or short.islower() or short.isdigit() or " " in short:
                continue
            head = text[max(0, match.start() - 200) : match.start()]
            head = re.split(r"[.;:!?()\[\]]\s", head)[-1]  # the long form is in the same clause
            long = _long_form(head, short)
            if long:
                found[short] = long
    return found


def expand(text: str, defined: dict[str, str]) -> str:
    """The text with each defined short form it uses written as "long form (short form)", except where the text
    defines it itself."""
    if not defined:
        return text
    pattern = re.compile(
        r"(?<![\w/-])(" + "|".join(re.escape(s) for s in sorted(defined, key=len, reverse=True)) + r")(?![\w/-])"
    )

    def one(match: re.Match) -> str:
        short, long = match.group(1), defined[match.group(1)]
        before = text[: match.start()].rstrip("( ")
        if text[max(0, match.start() - 1) : match.start()] == "(" and before.lower().endswith(long.lower()):
            return short  # the definition itself
        return f"{long} ({short})"

    return pattern.sub(one, text)
