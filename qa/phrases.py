"""Noun phrases from the evidence, and whether a heading reads as one.

Research sub-headings are taken from the words of the evidence itself, so they must read as a
clinician's sub-heading ("Bone Marrow Fat", "Quality of Life"), never as a list of frequent words
("Receptor Siponimod and Binds High"). This module tells the words apart, finds the noun phrases
of a text and judges a heading; `qa.topics` decides which phrase names which group.

Noun phrases are told apart with the part-of-speech lexicon that `lemminflect` ships (the NIH
SPECIALIST lexicon, read from the package: nothing is downloaded). A heading is a run of
adjectives and nouns that ends in a noun, 1–4 words, optionally "X of Y": never a verb, an
adverb or a stray adjective, never a stop word at either end, never a word twice, never a number
alone. Words the lexicon does not know (drug names, genes, acronyms) count as nouns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.words import _BREAK_WORD, _TOKEN, BREAK, MOD, NOUN, NUM, OF, WEAK, Word, acronym, word

__all__ = ["OF", "Phrase", "acronym", "is_readable_heading", "pretty", "scan", "title", "word"]


def pretty(label: str) -> str:
    """'Anemia, Aplastic' → 'Aplastic Anemia'; words title-cased, acronyms and inner capitals kept."""
    if label.count(",") == 1:
        head, qualifier = (p.strip() for p in label.split(","))
        label = f"{qualifier} {head}"
    return " ".join(w if any(c.isupper() for c in w[1:]) else w[:1].upper() + w[1:] for w in label.split())


def title(label: str) -> str:
    """`pretty`, with "of" and "and" kept small inside ('Quality of Life') and each part of a
    hyphenated word capitalised ('Non-Small Cell', 'Long-Term Follow-Up')."""
    words = []
    for i, w in enumerate(pretty(label).split()):
        if i and w.lower() in ("of", "and"):
            w = w.lower()
        elif "-" in w and not acronym(w):
            w = "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
        words.append(w)
    return " ".join(words)


def _noun_phrase(words: list[Word]) -> bool:
    """The shape of a noun phrase: modifiers then a head noun, optionally "X of Y", no word twice."""
    if not 1 <= len(words) <= 4 or words[0].role in (OF, NUM) or words[-1].role == OF:
        return False
    last = words[-1]
    if not (last.role == NOUN or (last.role == WEAK and len(words) > 1)):
        return False
    ofs = [i for i, w in enumerate(words) if w.role == OF]
    if len(ofs) > 1 or (ofs and words[ofs[0] - 1].role not in (NOUN, WEAK)):
        return False
    for i, w in enumerate(words):
        if w.role == BREAK:
            return False
        if w.plural and i + 1 < len(words) and words[i + 1].role != OF:
            return False
    keys = [w.key for w in words if w.role != OF]
    return len(keys) == len(set(keys))


def is_readable_heading(text: str) -> bool:
    """True when `text` reads as a sub-heading: noun phrases (at most three, joined by "and"),
    each 1–4 words of adjectives and nouns ending in a noun (or "X of Y"); no verb, adverb, stop
    word at either end, repeated word, or number alone."""
    return _readable(text)


@lru_cache(maxsize=20_000)
def _readable(text: str) -> bool:
    parts = re.split(r"\s+and\s+", text.strip(), flags=re.I)
    if not text.strip() or len(parts) > 3:
        return False
    seen: list[str] = []
    for part in parts:
        tokens = part.split()
        if not tokens or any(not _TOKEN.fullmatch(t) or not t[0].isalnum() for t in tokens):
            return False
        words = [word(t) for t in tokens]
        if not _noun_phrase(words):
            return False
        seen += [w.key for w in words if w.role != OF]
    return len(seen) == len(set(seen))


@dataclass(slots=True)
class Phrase:
    key: tuple[str, ...]
    surface: tuple[str, ...]
    spec: float
    cut: bool = False  # cut before the term's own head: "Bone Marrow" of "bone marrow fat"
    left_cut: bool = False  # cut from a longer term on the left: "Syndrome" of "Sjögren's syndrome"

    @property
    def content(self) -> frozenset[str]:
        return frozenset(k for k in self.key if k != "of")


def scan(text: str) -> tuple[list[Phrase], frozenset[str]]:
    """Every noun phrase of 1–4 words in `text` that could name a topic (the rules of `_noun_phrase`),
    and the keys of all its words."""
    found: list[Phrase] = []
    keys: set[str] = set()
    segment: list[tuple[str, Word]] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        w = word(token) if token[0].isalnum() else _BREAK_WORD
        keys.add(w.key)
        if w.role >= MOD and not w.vague or w.role == OF:
            segment.append((token, w))
        elif segment:
            _spans(segment, found)
            segment = []
    if segment:
        _spans(segment, found)
    return found, frozenset(keys)


def _spans(segment: list[tuple[str, Word]], found: list[Phrase]) -> None:
    words = [w for _, w in segment]
    n = len(words)
    for i in range(n):
        first = words[i]
        if first.role == OF:
            continue
        keys: set[str] = set()
        specs: list[float] = []
        ofs = 0
        for j in range(i, min(i + 4, n)):
            w = words[j]
            if w.role == OF:
                if ofs or words[j - 1].role < WEAK:
                    break
                ofs += 1
                continue
            if w.key in keys or (j > i and words[j - 1].plural):
                break  # a word twice, or a plural noun modifying another ("Areas Cavity")
            keys.add(w.key)
            specs.append(w.spec)
            if not (w.role == NOUN or (w.role == WEAK and j > i)):
                continue
            if first.soft and len(specs) < 3:
                continue
            best = sorted(specs, reverse=True)
            if best[0] < 0.5:
                continue  # nothing specific in it
            spec = sum(x * f for x, f in zip(best, (1.0, 0.7, 0.5, 0.35))) * w.head
            if first.verbal:
                spec *= 0.8
            left_cut = i > 0 and words[i - 1].role != OF and not words[i - 1].plural and words[i - 1].spec > 0
            if left_cut:
                spec *= 0.9  # cut from a longer term on the left ("Cell Lung Cancer")
            cut = j + 1 < n and words[j + 1].role >= WEAK and not w.plural
            if cut and words[j + 1].verb:
                cut, spec = False, spec * 0.9  # "cholecystectomy" in "laparoscopic cholecystectomy influence"
            elif cut:
                spec *= 0.6  # cut before the term's own head ("Non-Small Cell" of "non-small cell lung carcinoma")
            key = tuple(x.key for x in words[i : j + 1])
            found.append(Phrase(key, tuple(t for t, _ in segment[i : j + 1]), spec, cut, left_cut))
