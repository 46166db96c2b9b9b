"""A research document's design from the terms an indexer gave it (MeSH headings, publication types, JATS
article types), through the one table of such terms (ingest/design_lexicon.TERMS)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ingest.design_lexicon import DESIGN_KEYS, TERMS

# Matching ignores case: "Case Reports" (PubMed) and "case-report" (JATS) are separate rows anyway, and a
# source that capitalises differently must not lose its label.
_BY_TERM: dict[str, list[tuple[str, int, frozenset[str]]]] = {}
for _term, _design, _rank, _unless in TERMS:
    if _design not in DESIGN_KEYS:
        raise ValueError(f"design lexicon: {_term!r} names unknown design {_design!r}")
    _BY_TERM.setdefault(_term.casefold(), []).append((_design, _rank, frozenset(u.casefold() for u in _unless)))


@dataclass(frozen=True, slots=True)
class Label:
    design: str
    basis: tuple[str, ...]  # the terms that decided it, as the record spells them


def label_for(terms: Iterable[str]) -> Label | None:
    """The design the strongest-ranked matching terms agree on; None when none match or they conflict."""
    given = [str(t).strip() for t in terms if str(t).strip()]
    present = {t.casefold() for t in given}
    found: list[tuple[int, str, str]] = []
    for term in given:
        for design, rank, unless in _BY_TERM.get(term.casefold(), ()):
            if not unless & present:
                found.append((rank, design, term))
    if not found:
        return None
    best = min(rank for rank, _, _ in found)
    designs = {design for rank, design, _ in found if rank == best}
    if len(designs) > 1:
        return None
    basis = tuple(dict.fromkeys(term for rank, _, term in found if rank == best))
    return Label(designs.pop(), basis)
