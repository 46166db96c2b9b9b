"""The review vocabulary: statuses and their transitions, judgment labels, and the errors of the workflow."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from core.errors import Conflict as _Conflict
from core.errors import Invalid, NotFound

Label = Literal["relevant", "partly", "not_relevant"]
GRADE: dict[str, int] = {"relevant": 2, "partly": 1, "not_relevant": 0}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("under_review",),
    "under_review": ("approved", "rejected", "submitted"),
    "rejected": ("under_review",),
    "approved": ("under_review",),
}


class UnknownAnswer(NotFound):
    """An answer id never stored, or removed by retention."""


class Conflict(_Conflict):
    """A stale version or an illegal transition; the message says what is allowed."""


class ClaimedByOther(Conflict):
    """Another editor holds the claim; only they may change the answer, unless it is taken over."""


class InvalidEdit(Invalid, ValueError):
    """An edit that names something the answer does not have."""


def question_key(question: str, scope: str = "") -> str:
    """Questions that differ only in case, spacing or punctuation are the same question: NFKC, case-folded,
    hyphens and apostrophes dropped ("non-opioid" = "nonopioid", "patient's" = "patients"), every other
    punctuation mark read as a space, spaces collapsed. The scope (filters, audience) stays exact."""
    text = unicodedata.normalize("NFKC", question).casefold()
    text = re.sub(r"['\u2019\u2018`\u00ad-]|(?<=\w)[\u2010-\u2015](?=\w)", "", text)
    text = " ".join(re.sub(r"[^\w]+|_", " ", text).split())
    return text + (f" |{scope}" if scope else "")


def legacy_question_key(question: str, scope: str = "") -> str:
    """The key answers stored before the normalised key were filed under (case, spacing, final ?.! only)."""
    return re.sub(r"\s+", " ", question.lower()).strip(" ?.!") + (f" |{scope}" if scope else "")
