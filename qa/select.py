"""Choosing statements: merge near-duplicates (keeping all their sources), then MMR for coverage."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa.statements import Candidate, terms_of


@dataclass(slots=True)
class Chosen:
    """A statement to show, and the other candidates that say the same thing (their sources are cited too)."""

    main: Candidate
    duplicates: list[Candidate] = field(default_factory=list)


def _tokens(text: str) -> frozenset[str]:
    """Content words as search sees them (stemmed, no stop words): "offering naloxone," is "offer naloxon"."""
    return terms_of(text)


def _same(a: Candidate, b: Candidate, threshold: float) -> bool:
    if float(a.vector @ b.vector) >= threshold:
        return True
    ta, tb = _tokens(a.text), _tokens(b.text)
    # Either says most of what the other says ("Tapers of 10% per month…" inside a longer sentence).
    return min(len(ta), len(tb)) >= 5 and len(ta & tb) >= 0.8 * min(len(ta), len(tb))


def without_repeats(pool: list[Candidate], shown: list[Candidate], duplicate: float) -> list[Candidate]:
    """The pool less what says the same as a statement already placed outside `choose` (a scope statement that
    leads): "These recommendations do not apply to … sickle cell disease…" is not a point under "The
    recommendations do not apply to pain related to sickle cell disease…"."""
    return [c for c in pool if not any(_same(s, c, duplicate) for s in shown)]


def choose(
    pool: list[Candidate], limit: int, min_score: float, mmr_lambda: float, duplicate: float, best_first: int = 0
) -> list[Chosen]:
    """Up to `limit` statements above `min_score`, each new one relevant but unlike those already chosen;
    the first `best_first` are simply the best remaining (a lead answers; coverage is the points' job)."""
    remaining = [c for c in pool if c.score >= min_score]
    chosen: list[Chosen] = []
    while remaining and len(chosen) < limit:
        if chosen and len(chosen) >= best_first:
            picked = np.stack([c.main.vector for c in chosen])
            redundancy = np.stack([c.vector for c in remaining]) @ picked.T
            values = [mmr_lambda * c.score - (1 - mmr_lambda) * float(r.max()) for c, r in zip(remaining, redundancy)]
            best = remaining[int(np.argmax(values))]
        else:
            best = remaining[0]
        group = Chosen(best)
        rest = []
        for other in remaining:
            if other is best:
                continue
            if _same(best, other, duplicate):
                if other.hit.passage.doc_id != best.hit.passage.doc_id:
                    group.duplicates.append(other)
            else:
                rest.append(other)
        remaining = rest
        chosen.append(group)
    return chosen
