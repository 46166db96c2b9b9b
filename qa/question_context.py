"""A clinician's question is often context, then the question: "My patient has been on oxycodone for five years.
How fast should the taper go?" The question sentence is compared with each candidate sentence by meaning on its own
(qa/lead_features.py); the whole question, context included, is what is searched for."""

from __future__ import annotations

import re


def split_question(text: str) -> tuple[str, str]:
    """(context, question sentence): the last sentence ending in '?', the sentences before it as context. A heading
    before a colon ("Baby born to an HBsAg-positive mother: what do we give?") is context too."""
    text = " ".join(text.split())
    sentences = [s for s in re.split(r"(?<=[.?!])\s+(?=[A-Z0-9\"'(])", text) if s.strip()]
    asked = [i for i, s in enumerate(sentences) if s.rstrip().endswith("?")]
    at = asked[-1] if asked else len(sentences) - 1
    context, question = " ".join(sentences[:at]), sentences[at] if sentences else text
    head, colon, tail = question.partition(": ")
    if (
        colon
        and re.search(r"\w", head)
        and re.match(
            r"(?i)(?:what|which|how|when|why|who|where|is|are|do|does|"
            r"should|can|could|would|will|must|may)\b",
            tail,
        )
    ):
        context, question = f"{context} {head}".strip(), tail[:1].upper() + tail[1:]
    return context, question
