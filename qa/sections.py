"""Guideline points under the guideline's own section headings, as a reference page shows them.

The heading is the section the cited passage sits in ("Tapering Rate", "Hand Hygiene"), cleaned of
recommendation numbers; sections that name a part of the document rather than a topic
("Supporting Rationale", "Background") or a table's header row give none. Points are grouped only
when that yields more than one heading: a single heading over every point says nothing.
"""

from __future__ import annotations

import re

from qa.select import Chosen

_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_NUMBERED = re.compile(r"^(?:(?:section|part|chapter|recommendations?)\s+)?[\dIVX]+(?:\.\d+)*[.:)]?\s+", re.I)
_LEADING = re.compile(r"^(?:introduction|background|appendix\s+\w+)\s*[—–:-]\s*", re.I)
# Names of a document's parts, not of a topic a clinician asked about.
_STRUCTURAL = re.compile(
    r"^(?:abstract|summary|introduction|background|rationale|supporting rationale|implementation considerations|"
    r"discussion|conclusions?(?: and future directions)?|methods?|results|overview|key points|notes?|references|"
    r"acknowledg\w*|appendix|contents|scope(?: and audience)?|purpose|definitions?)$",
    re.I,
)
MAX_WORDS = 9


def heading_of(section: str | None) -> str | None:
    """A section label as a sub-heading, or None when it names no topic."""
    if not section:
        return None
    text = _LEADING.sub("", _NUMBERED.sub("", _PARENTHETICAL.sub("", section))).strip(" .:;—–-")
    words = text.split()
    if not words or len(words) > MAX_WORDS or _STRUCTURAL.match(text) or not any(w[:1].isalpha() for w in words):
        return None
    if "/" in text and len(words) > 5:
        return None  # a table's column headers read as one line ("Elements to be assessed … Notes/Areas …")
    if text.isupper():
        text = text.capitalize()
    return text


def group_points(points: list[Chosen]) -> tuple[list[Chosen], list[tuple[str, list[Chosen]]]]:
    """(points before any heading, [(heading, points)]) in reading order. A point whose section names no
    topic joins the group of the point before it; when fewer than two headings result, nothing is grouped."""
    loose: list[Chosen] = []
    groups: dict[str, list[Chosen]] = {}
    last: str | None = None
    for chosen in points:
        heading = heading_of(chosen.main.hit.passage.section) or last
        if heading is None:
            loose.append(chosen)
        else:
            groups.setdefault(heading, []).append(chosen)
            last = heading
    if len(groups) < 2:
        return points, []
    return loose, list(groups.items())
