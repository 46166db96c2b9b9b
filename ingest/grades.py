"""Evidence and recommendation grades as guidelines state them, parsed once at ingest.

Only what the text itself says, in the grading systems guidelines use: CDC's "(recommendation category: A; evidence
type: 2)" and HICPAC's "(Category IA)"; a letter or number grade, "(Grade B)", "(Grade 1C)", "(Level of evidence:
II)"; GRADE's strength and certainty, "(strong recommendation, low-quality evidence)", "(conditional recommendation,
moderate-certainty evidence)", "(strong recommendation; very low certainty of evidence)"; and the strength-and-quality
ratings of the US treatment guidelines, "(AI)", "(BIII)". A sentence ending in such a label gets the grade; the label is
trimmed from the statement span so the answer shows the grade once, not twice.
"""

from __future__ import annotations

import re

from ingest.abbreviations import spelled_by_initials

_GRADE = r"(strong|conditional|weak|discretionary)\s+recommendation(?:\s+(?:for|against)(?:\s+the\s+\w+)?)?"
_CERTAINTY = (
    r"(high|moderate|low|very[\s-]+low)(?:[\s-]+(quality|certainty)\s+evidence|\s+(quality|certainty)\s+of\s+(?:the\s+)?evidence)"
)
# Case-sensitive: a rating is capitals; "(AI)" after the words it abbreviates is no rating (find_grade).
_RATING = re.compile(r"\(\s*([ABC])(I{1,3})\s*\)")
_LABELS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\(\s*recommendation\s+category:?\s*([AB])\s*[;,]\s*evidence\s+type:?\s*([1-4])\s*\)", re.I),
        "Category {0}, evidence type {1}",
    ),
    (re.compile(r"\(\s*category\s+(I{1,3}[ABC]?|IV|[ABC])\s*\)", re.I), "Category {0}"),
    (re.compile(r"\(\s*grade\s+([A-D][+-]?|[12][A-D]|I{1,3}|IV)\s*\)", re.I), "Grade {0}"),
    (re.compile(r"\(\s*(?:level\s+of\s+evidence|evidence\s+level):?\s*([A-C]|I{1,3}|IV|[1-5][ab]?)\s*\)", re.I), "Level {0}"),
    (re.compile(rf"\(\s*{_GRADE}\s*[;,]\s*{_CERTAINTY}\s*\)", re.I), "{0} recommendation, {1}-{2} evidence"),
    (_RATING, "Rating {0}{1}"),
]
_TRAILING = re.compile(r"[\s.;,]*$")
_CODE = re.compile(r"[a-d][+-]?|[12][a-d]|[iv]+[abc]?|\d[ab]?", re.I)


def find_grade(sentence: str) -> tuple[str, int] | None:
    """(grade label, length of the sentence without the label) when the sentence ends with a grade."""
    for pattern, template in _LABELS:
        for match in pattern.finditer(sentence):
            if not _TRAILING.fullmatch(sentence[match.end() :]):
                continue
            groups = [g for g in match.groups() if g is not None]
            if pattern is _RATING and spelled_by_initials(sentence[: match.start()], "".join(groups)):
                continue
            label = template.format(
                *(g.upper() if _CODE.fullmatch(g) else " ".join(g.lower().replace("-", " ").split()) for g in groups)
            )
            return label[0].upper() + label[1:], len(sentence[: match.start()].rstrip())
    return None
