"""Checks an answer as a clinician reads it: does the lead hold the gold evidence, is the gold page
cited, and how many statements are debris or repeat another.

Written independently of ingest/hygiene.py on purpose: these rules judge the output, and a defect
in the ingest rules must show up here rather than be shared by both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TOKEN = re.compile(r"[a-z0-9]+(?:[.%][0-9]+%?)?")
_STOP = frozenset(
    "a an the of to in on for and or with by at from as is are was were be been that this these those it its "
    "should can may might will would than then which who whom whose not no".split()
)
_DEBRIS = [
    re.compile(r"^\s*(?:[•▪●■\-–—*·]|\d{1,2}[.)]\s|[A-Za-z][.)]\s+[A-Z]|\(\w\)\s)"),  # a leading bullet or enumerator
    re.compile(r"(?::|\s\d{1,2}[.)]|:\s*\w[.)])\s*$"),  # a list's lead-in or a stub of the next item
    re.compile(r"\(\s*\d{1,3}(?:\s*[,–-]+\s*\d{1,3})*\s*\)[\s.,;]*(?:\(|$|[A-Z]|[.,;])|\[\s*\d"),  # citation markers
    re.compile(r"(?<=[a-z]{3})\d{1,3}(?:,\d{1,3})+[.,;]"),  # superscript citations read as digits
    re.compile(r"--|https?://|www\.|\b[\w-]+\.(?:org|gov|com)\b", re.I),
    re.compile(r"\bnot applicable\b|\bet al\b|\b(?:19|20)\d{2};\s*\d", re.I),
    re.compile(r"^(?:[A-Z][\w'’ -]{0,30} [A-Z]{1,3},\s*){2,}"),  # an author list
]


def normalise(text: str) -> list[str]:
    """Lower-case word tokens with dashes unified, so "10% per month" matches across typography."""
    text = text.lower().replace("–", "-").replace("—", "-").replace("≥", ">=").replace("≤", "<=")
    return _TOKEN.findall(text)


def _content(text: str) -> set[str]:
    return {t for t in normalise(text) if t not in _STOP}


def holds(statements: Sequence[str], quote: str, numbers: Sequence[str] = (), share: float = 0.8) -> bool:
    """The statements hold the quote: one of them states ≥ `share` of its content words, or together they
    state every key number with the quote's words around it (a rephrased summary of the same point)."""
    wanted = _content(quote)
    if not wanted:
        return False
    for statement in statements:
        if len(wanted & _content(statement)) >= share * len(wanted):
            return True
    if numbers:
        joined = " ".join(" ".join(normalise(s)) for s in statements)
        return all(" ".join(normalise(n)) in joined for n in numbers) and len(
            wanted & _content(" ".join(statements))
        ) >= 0.5 * len(wanted)
    return False


def is_debris(statement: str, title: bool = False) -> bool:
    """A statement no clinician should be shown: layout residue, a fragment, a reference entry. A
    title-only record's `title` is its claim and needs no full stop."""
    text = statement.strip()
    words = re.findall(r"[A-Za-z]{2,}", text)
    ended = title or re.search(r"[.!)\]”]$", text)
    if len(words) < (3 if title else 5) or not text[:1].isupper() and not text[:1].isdigit() or not ended:
        return True
    return any(pattern.search(text) for pattern in _DEBRIS)


def duplicates(statements: Sequence[str], overlap: float = 0.8) -> int:
    """Statements that say what an earlier one in the same answer said: ≥ `overlap` of the shorter one's
    content words shared with it."""
    seen: list[set[str]] = []
    count = 0
    for statement in statements:
        words = _content(statement)
        if words and any(len(words & s) >= overlap * min(len(words), len(s)) for s in seen if s):
            count += 1
        seen.append(words)
    return count
