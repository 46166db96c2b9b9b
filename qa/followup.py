"""A follow-up in a conversation, recognised and then searched for together with the question it follows.

"and in children?" or "how fast?" names no subject of its own: searched alone it matches every passage on
children or on speed. So a follow-up is asked in turn after the previous question, both as the clinician wrote
them ("My patient on 90 MME/day … How fast should I taper? And if she has only been on it for a few weeks?"), and
the answer says which question it follows. Nothing is spliced into a rewritten question: measured on the guideline
sets' 112 follow-ups, the two questions in turn are as close to a standalone wording as the rewriter this replaced
(docs/ranker.md), and a splice can garble a question while two questions in turn cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import takewhile

from qa.lexicon import ASPECT, DUMMY_IT, FOLLOWERS, GENERIC, OPENERS, QUALIFIERS, REFERENT, SOCIAL

MAX_CHARS = 2000

_CONNECTIVE = re.compile(
    r"^(and what about|and how about|what about|how about|and what if|what if|and also|and|also|"
    r"but|plus)(?:[\s,]+|$)",
    re.I,
)

# "same cutoff for a 15-year-old?", "is it the same in pregnancy?": the earlier question, for someone or somewhere else.
SAME = re.compile(
    r"^(?:(?:is|are|would|does|do) (?:it|that|this|they) )?(?:the )?same(?:\s+[\w-]+){0,2}?\s+"
    r"(?=(?:for|in|with|among|amongst|during|at)\b)",
    re.I,
)
# "does that also hold for babies of HBsAg-positive moms?", "does that include our agency nurses?", "is that true for
# adults too?": the earlier question again, for someone or something else, said as "and for …".
APPLIES = re.compile(
    r"^(?:(?:and|but|so)\s+)?(?:does|do|would|will|can|could|is|are|should)\s+(?:that|this|it|the same(?: \w+)?)\s+"
    r"(?:(?:also|still|then|too)\s+)?(?:(?:hold|apply|go|count|work|stand|be (?:true|the same|the case))\s+"
    r"(?:for|to|in|with)|(?:(?:true|the same|the case|so|valid|recommended)\s+(?:for|in|with))|include|"
    r"cover|extend to)\s+(?=\w)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Understood:
    """What is searched for, and the earlier question it follows (None when the question stands on its own)."""

    text: str
    follow_up_to: str | None = None


def _clean(text: str) -> str:
    text = " ".join(text.split()).lstrip(".,;:-–— ").rstrip("?.!,;: ")
    return text[:1].upper() + text[1:]


def _split(text: str) -> tuple[list[str], list[str]]:  # tokens, and each lower-cased without its punctuation
    tokens = [t for t in text.split() if re.search(r"\w", t)]
    return tokens, [re.sub(r"^[^\w']+|[^\w']+$", "", t.lower().replace("’", "'")) for t in tokens]


def _generic(word: str) -> bool:
    stems = [word[: len(word) - len(s)] for s in ("", "s", "es", "ed", "d", "ing") if word.endswith(s)]
    return any(s in GENERIC or s + "e" in GENERIC for s in stems if s == word or len(s) > 2)


def _head_generic(words: list[str], splitters: frozenset[str]) -> bool:
    """True when all before the first qualifying preposition is generic, i.e. the question names no subject."""
    return all(_generic(word) for word in takewhile(lambda word: word not in splitters, words))


def _find_anaphora(cores: list[str]) -> tuple[int, int, str] | None:
    """(start, end, kind) of the first reference to an earlier subject; kind: pron, poss or mark (left in place)."""
    for i, word in enumerate(cores):
        nxt, after = (cores[i + 1 : i + 3] + [None, None])[:2]
        kind, end = "poss" if word in ("its", "their") else "", i + 1
        if word in ("it", "it's", "they", "them"):
            kind = "mark" if word == "it" and nxt in DUMMY_IT and after in ("to", "that") else "pron"
        elif word in ("this", "that", "these", "those", "the") and nxt in REFERENT and (not after or _generic(after)):
            kind, end = "pron", i + 2
        elif word == "such" or (word in ("this", "these", "those") and nxt and nxt not in FOLLOWERS | ASPECT):
            kind = "mark" if nxt else ""
        elif word in ("this", "that", "these", "those"):  # but "that" before a noun is a conjunction or relative
            kind = "poss" if nxt in ASPECT else "pron" if not nxt or nxt in FOLLOWERS else ""
        if kind:  # a subject named before the pronoun is what it refers to: the question stands on its own
            return None if any(not _generic(c) for c in cores[:i]) else (i, end, kind)
    return None


def is_followup(question: str) -> bool:
    """A connective, a pronoun for an earlier subject, or a short question or fragment that names no subject."""
    words = _split(text := _clean(question))[1]
    if words and set(words) <= SOCIAL:  # "thanks!", "ok": nothing to resolve
        return False
    if not words or _CONNECTIVE.match(text) or SAME.match(text) or APPLIES.match(text):
        return bool(words)
    found = _find_anaphora(words)
    if found and (found[2] != "mark" or sum(not _generic(w) for w in words) <= 1):
        return True
    if words[0] in OPENERS:  # "what dose in CKD?" could be a new question: only one with no subject at all is not
        return len(words) <= 8 and all(map(_generic, words))
    return len(words) <= 10 and _head_generic(words, QUALIFIERS)


def in_turn(previous: str, follow_up: str, max_chars: int = MAX_CHARS) -> str:
    """Both questions as the clinician asked them, the previous one first: 'Which of my patients on opioids should
    get a naloxone prescription? And their family at home?'. The follow-up is then the question sentence and the
    previous question its context (qa/question_context.split_question). Earlier sentences go first if too long."""
    then = " ".join(follow_up.split()).strip(" ?.!,;:")
    then = then[:1].upper() + then[1:] + "?" if len(then) < max_chars else then[:1].upper() + then[1 : max_chars - 2] + "…?"
    before = re.split(
        r"(?<=[.?!])\s+", " ".join(previous.split()).rstrip(" .!,;:") + ("" if previous.rstrip().endswith("?") else "?")
    )
    while before and len(" ".join(before)) + 1 + len(then) > max_chars:
        before = before[1:]
    return " ".join([*before, then])


def resolve(question: str, history: list[str]) -> Understood:
    """The question as searched for: after the conversation's last question when it is a follow-up, else as asked.
    `history` holds the earlier turns as they were searched for, oldest first."""
    if not re.search(r"\w", stripped := question.strip()):
        raise ValueError("the question is empty")
    previous = next((h for h in reversed(history) if re.search(r"\w", h)), None)
    if previous is None or not is_followup(stripped):
        return Understood(stripped)
    return Understood(in_turn(previous, stripped), " ".join(previous.split()))
