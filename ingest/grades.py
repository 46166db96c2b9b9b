"""Evidence and recommendation grades as guidelines state them, parsed once at ingest.

Only what the text itself says: "(recommendation category: A; evidence type: 2)" (CDC 2022),
"(Category IA)" (CDC/HICPAC), "(Grade B)", "(Level of evidence: II)", "(strong recommendation,
low-quality evidence)". A sentence ending in such a label gets the grade; the label is trimmed
from the statement span so the answer shows the grade once, not twice.
"""

from __future__ import annotations

import re

_LABELS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\(\s*recommendation\s+category:?\s*([AB])\s*[;,]\s*evidence\s+type:?\s*([1-4])\s*\)", re.I),
        "Category {0}, evidence type {1}",
    ),
    (re.compile(r"\(\s*category\s+(I{1,3}[ABC]?|IV|[ABC])\s*\)", re.I), "Category {0}"),
    (re.compile(r"\(\s*grade\s+([A-D][+-]?|I{1,3}|IV)\s*\)", re.I), "Grade {0}"),
    (re.compile(r"\(\s*(?:level\s+of\s+evidence|evidence\s+level):?\s*([A-C]|I{1,3}|IV|[1-5][ab]?)\s*\)", re.I), "Level {0}"),
    (
        re.compile(
            r"\(\s*(strong|conditional|weak)\s+recommendation\s*[;,]\s*(high|moderate|low|very\s+low)[- ]quality\s+evidence\s*\)",
            re.I,
        ),
        "{0} recommendation, {1}-quality evidence",
    ),
]
_TRAILING = re.compile(r"[\s.;,]*$")
_CODE = re.compile(r"[a-d][+-]?|[iv]+[abc]?|\d[ab]?", re.I)


def find_grade(sentence: str) -> tuple[str, int] | None:
    """(grade label, length of the sentence without the label) when the sentence ends with a grade."""
    for pattern, template in _LABELS:
        for match in pattern.finditer(sentence):
            if _TRAILING.fullmatch(sentence[match.end() :]):
                label = template.format(*(g.upper() if _CODE.fullmatch(g) else g.lower() for g in match.groups()))
                return label[0].upper() + label[1:], len(sentence[: match.start()].rstrip())
    return None
