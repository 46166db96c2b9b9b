"""Follow-up phrasings that say the same as a simpler one, and a question put in the order a follow-up varies.

"does that also apply to the pharmacy?" is "and in the pharmacy?"; "same cutoff for a 15-year-old?" is "and for a
15-year-old?"; "what about IV tubing, can it be shared?" is the clause about IV tubing; "To finish early, can we
give the last dose at 4 months?" is framed as "Can we give the last dose at 4 months to finish early?". Word
classes decide, never particular questions (qa/followup.py resolves what these give).
"""

from __future__ import annotations

import re

from qa.question_frame import kind

# "same cutoff for a 15-year-old?", "is it the same in pregnancy?": the earlier question, for someone or somewhere else.
SAME = re.compile(
    r"^(?:(?:is|are|would|does|do) (?:it|that|this|they) )?(?:the )?same(?:\s+[\w-]+){0,2}?\s+(?=(?:for|in|with|among|amongst|during|at)\b)",
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
# "what about IV tubing, can it be shared between patients?": a subject named, then a whole question about it.
_ABOUT_THEN_ASKED = re.compile(
    r"^(?:and\s+)?(?:what|how) about\s+(?P<subject>[^,?]+?),\s*(?P<asked>(?:is|are|can|could|should|"
    r"does|do|would|will|must|may|how|what|when)\b[^?]*\b(?:it|they|them|those|these)\b[^?]*)\??$",
    re.I,
)
# "To finish early, can we give the last dose at 4 months?": a clause before the question it qualifies.
_LEADING_CLAUSE = re.compile(
    r"^(?P<clause>(?:to|in order to|if|when|once|after|before|while|during|since|for)\s[^,?]{3,80}),\s+"
    r"(?P<asked>(?:is|are|was|were|do|does|did|should|can|could|would|will|must|may|how|what|when|"
    r"which|who|why|where)\b[^?]*)\?*$",
    re.I,
)


# "A woman arrives in labor with no HBsAg result on file. What should the newborn get while we wait for her test?",
# then "and if she turns out to be positive?": the result stated replaces the wait for it, and is a result of the
# test the earlier question named.
_WAITING = re.compile(
    r",?\s*\b(?:while|until) (?:we|you|they|i|she|he) (?:wait|are waiting|await)\b"
    r"(?: (?:for|on))?(?: (?:his|her|their|the|its|a|an))? (?P<what>[\w-]+)[^,?]*",
    re.I,
)
_GENERIC_TEST = frozenset({"test", "tests", "result", "results", "labs", "it", "them", "that"})
_RESULT = re.compile(
    r"\b(?:be|is|was|are|were|comes? back|came back|tests?|tested|turns? out(?: to be)?)\s+"
    r"(?P<result>positive|negative)\b",
    re.I,
)
_TEST_NAMED = re.compile(r"\b(?P<test>[A-Za-z]*[A-Z][A-Za-z0-9-]*)\s+(?:results?|status|test(?:ing)?|screen(?:ing)?)\b")


def given_result(sentence: str, follow_up: str, earlier: str) -> tuple[str, str]:
    """(the earlier question sentence, the follow-up) once a follow-up states a result: the earlier wait for it
    dropped ("… while we wait for her test"), and a bare "positive" named as the earlier question's test."""
    stated = _RESULT.search(follow_up)
    if not stated:
        return sentence, follow_up
    waiting = _WAITING.search(sentence)
    sentence = _WAITING.sub("", sentence.rstrip(" ?")) + "?"
    named = _TEST_NAMED.search(earlier)
    test = (
        waiting.group("what")
        if waiting and waiting.group("what").lower() not in _GENERIC_TEST
        else named.group("test")
        if named
        else None
    )
    if test and test.lower() not in follow_up.lower():
        at = stated.start("result")
        follow_up = f"{follow_up[:at]}{test} {follow_up[at:]}"
    return sentence, follow_up


def clause_last(question: str) -> str:
    """The question first and its leading clause after it, so the question's own frame is what a follow-up varies:
    "Can we give the last dose at 4 months to finish early?"."""
    found = _LEADING_CLAUSE.match(question.strip())
    if not found or re.search(
        r"\b(?:it(?! (?:is )?(?:ok|okay|better|safe|necessary|possible|reasonable|best)\b)|they|them|its|their|"
        r"this|these|those)\b",
        found.group("asked"),
        re.I,
    ):
        return question  # "how long can we keep it": a pronoun for the clause's subject must not come before it
    asked = found.group("asked").rstrip(" ?")
    return f"{asked[:1].upper()}{asked[1:]} {lower_first(found.group('clause'))}?"


def _pronoun_is(question: str, subject: str) -> str:
    """The question with its first pronoun replaced by the subject it stands for: "can it be shared" -> "can IV tubing
    be shared"."""
    return re.sub(r"\b(?:it|they|them|those|these)\b", subject.replace("\\", r"\\"), question, count=1, flags=re.I)


def varied(text: str) -> str:
    """A follow-up that asks the earlier question again for someone or somewhere else, as "and for/in …"; else the
    text as it is."""
    if (same := SAME.match(text)) and kind(text[same.end() :].split(None, 1)[-1].strip(" ?.!")):
        return "and " + text[same.end() :]  # "same cutoff for a 15-year-old" varies who, like "and for a 15-year-old"
    if (applies := APPLIES.match(text)) and (found := kind(text[applies.end() :].strip(" ?.!"))):
        return f"and {'for' if found == 'population' else 'in'} {text[applies.end() :]}"  # who or where, else as asked
    return text


def about_then_asked(text: str) -> str | None:
    """ "what about IV tubing, can it be shared between patients?" -> "can IV tubing be shared between patients";
    None for any other form."""
    about = _ABOUT_THEN_ASKED.match(text)
    return _pronoun_is(about.group("asked"), about.group("subject").strip()) if about else None


def lower_first(text: str) -> str:  # "Metformin" mid-sentence is "metformin", but "CKD" stays
    return text[:1].lower() + text[1:] if text[:1].isupper() and text.split(" ", 1)[0][1:].islower() else text
