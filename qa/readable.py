"""The readability guard on a rewritten follow-up, and the fallbacks that always read well. The page shows the
rewrite as "Understood as: …", so a garbled splice ("Is Once a multi-dose vial has , how long …") is worse than the
follow-up as asked with the previous question's topic beside it, or after the previous question whole."""

from __future__ import annotations

import re

import lemminflect

from qa.question_context import unbound

_W = str.split
WH = frozenset(_W("what which how when why who whom whose where what's how's"))
AUX = frozenset(_W("is are was were do does did should can could would will must might may shall has have had am"))
OPENERS = WH | AUX | frozenset(_W("any tell explain describe list please compare"))
_MODALS = frozenset(_W("should can could would will must might may shall do does did"))
_SUBJECTS = frozenset(_W("i we you they he she it"))
_PREPS = frozenset(_W("of in for at on with to from by about into"))
_ARTICLES = frozenset(_W("a an the"))
# Words after which a clause may start again with an inverted modal: "how often, and can I …", "if so, should we …"
_CLAUSE = WH | frozenset(_W("and or but if whether that so then when while because"))
_PRONOUNS = frozenset(_W("it it's its they them their this that these those i we you he she"))
_SUBORDINATE = frozenset(_W("if when while because unless whether although"))
_HANGS = frozenset(_W("while if because unless although"))  # never right after a preposition
_NOT_TOPIC = (
    WH
    | AUX
    | frozenset(
        _W(
            "it it's that this they them she he i we you of in for at on to with by from about up if after during once "
            "fast often long much many soon kind level type just still also only the being our my your"
        )
    )
)


def _words(text: str) -> list[str]:
    return [re.sub(r"^[^\w']+|[^\w']+$", "", w.lower().replace("’", "'")) for w in text.split()]


def reads_well(text: str) -> bool:
    """A single question that reads as one: an opener, one '?' at the end, no orphaned punctuation, no repeated or
    stacked prepositions, no 'of which', no second inverted clause spliced into the first."""
    body = text.strip()
    if not body.endswith("?") or body.count("?") != 1 or re.search(r"[.!;]\s+[A-Z]", body):
        return False
    if re.search(r"\s[,.;:)]|\(\s|,\s*,|\(\s*\)", body) or re.search(r"\bof which\b", body, re.I):
        return False
    words = [w for w in _words(body) if w]
    if not words or words[0] not in OPENERS and not body.lower().startswith("what about "):
        return False
    for i in range(1, len(words)):
        a, b = words[i - 1], words[i]
        if a == b and a not in ("that", "had"):  # "in in", "the the"
            return False
        if a in _PREPS and (b in _PREPS - {"to"} or b in _HANGS):  # "of in", "kid with while": a dangling preposition
            return False
        if a == "being" and b.endswith("ing"):  # "should being handing out"
            return False
    # A modal followed by a subject pronoun mid-sentence starts a second question ("Does kind of disinfectant should
    # we use …") unless a wh-word, conjunction or comma opened a new clause just before.
    tokens, open_ = body.split(), False
    for i, word in enumerate(words):
        if word in _MODALS and i + 1 < len(words) and words[i + 1] in _SUBJECTS and i and not open_:
            return False
        if word in AUX:
            open_ = False
        if word in _CLAUSE or tokens[i].endswith(","):
            open_ = True
    return True


def _clause_parts(words: list[str]) -> bool:
    """Parts of a clause rather than one noun phrase: two phrases side by side, their copula dropped ("a yeast
    allergy a contraindication to hep B vaccine"), or a clause's end ("replacement vaccine come from")."""
    return bool(words) and (
        words[-1] in _PREPS or any(a not in _PREPS | _ARTICLES and b in _ARTICLES for a, b in zip(words, words[1:]))
    )


def topic_phrase(topic: str) -> str:
    """The topic when it reads as a short noun phrase ("tapering opioids"), else ''."""
    words = _words(topic)
    if len(words) > 8 or set(words) & _SUBORDINATE:  # "carrying a vial … if I'm drawing doses from it": a clause
        return ""
    if _clause_parts(words):
        return ""
    verb = words[1] in lemminflect.getAllLemmas(words[1]).get("VERB", ()) if len(words) > 1 else False
    if (
        words
        and not (words[0].endswith("ing") and verb)
        and words[0] not in _NOT_TOPIC
        and not set(words) & (WH | AUX)
        and not re.search(r"[,;:?]", topic)
    ):
        return topic
    return ""


def names_a_thing(phrase: str) -> bool:
    """A noun phrase ("the side effects of metformin"), not a clause ("it to carry needles back, or do they …")."""
    words = _words(phrase)
    return (
        bool(words)
        and words[0] not in _PRONOUNS
        and not set(words) & (WH | AUX | _SUBORDINATE)
        and not _clause_parts(words)
        and not re.search(r"[,;:?]", phrase)
    )


def in_turn(previous: str, follow_up: str, max_chars: int = 2000) -> str:
    """Both questions as the clinician asked them, the previous one first: 'Which of my patients on opioids should
    get a naloxone prescription? And their family at home?'. Where the previous question has no topic to name in a
    phrase, this reads as the conversation did, and is searched as one question asked after its context (the
    follow-up is the question sentence: qa/question_context.split_question). Earlier sentences go first if too long."""
    then = " ".join(follow_up.split()).strip(" ?.!,;:")
    then = then[:1].upper() + then[1:] + "?" if len(then) < max_chars else then[:1].upper() + then[1 : max_chars - 2] + "…?"
    before = re.split(
        r"(?<=[.?!])\s+", " ".join(previous.split()).rstrip(" .!,;:") + ("" if previous.rstrip().endswith("?") else "?")
    )
    while before and len(" ".join(before)) + 1 + len(then) > max_chars:
        before = before[1:]
    return " ".join([*before, then])


def fallback(follow_up: str, topic: str, previous: str, max_chars: int = 2000) -> str:
    """The follow-up as a question on its own, with the previous topic beside it when that is a short noun phrase:
    'What about IV tubing (about: reusing the rest for the next patient)?'; else both questions in turn (in_turn).
    Never a splice of the two."""
    if not (topic := topic_phrase(topic)):
        return in_turn(previous, follow_up, max_chars)
    text = " ".join(follow_up.split()).strip(" ?.!,;:")
    text = _LEADING.sub("", text).strip(" ,")
    words = _words(text)
    trailing = re.search(r",\s*(how|when|why|where|what)$", text, re.I)  # "if we stop it, how?" -> "How, if …"
    if trailing:
        text, words = f"{trailing.group(1)}, {text[: trailing.start()]}", [trailing.group(1).lower()]
    if words and words[0] == "if":
        text = f"What {text}"
    elif words and words[0] not in OPENERS and not text.lower().startswith("what about"):
        text = f"What about {text[:1].lower() + text[1:] if text.split(' ', 1)[0][1:].islower() else text}"
    text = text[:1].upper() + text[1:]
    if len(text) + 2 > max_chars:  # the follow-up's own words first; the topic is cut, or left out, to fit
        return text[: max_chars - 2] + "…?"
    room = max_chars - len(text) - len(" (about: )?")
    if topic and len(topic) > room:
        topic = topic[: room - 1].rstrip() + "…" if room > 20 else ""
    return f"{text} (about: {topic})?" if topic else f"{text}?"


def _content(text: str) -> set[str]:
    return {w for w in _words(text) if len(w) > 2 and w not in _NOT_TOPIC}


_LEADING = re.compile(r"^(?:and|but|also|plus|or|so)(?:[\s,]+|$)", re.I)  # a connective that opens a follow-up
_ABOUT = re.compile(r"^(?:what|how) about\s+", re.I)
_BESIDE = re.compile(r"\((?:regarding|about:) (.+)\)\??\s*$", re.I)


def stands_alone(rewrite: str, asked: str, previous: str = "") -> bool:
    """The rewrite reads as one question, puts only a noun phrase beside itself ("How long (regarding tapering
    opioids)?", never "(regarding it to carry …)"), names what a pronoun it brought in from the previous
    question stands for (not "Which products can I use for it …?"), and, as a yes/no question for a follow-up that
    only names a thing, brings in some word of the previous question: "what about ActHIB?" after "Is Comvax part of
    the recall?" is not "Is ActHIB?"."""
    fragment = names_a_thing(_ABOUT.sub("", _LEADING.sub("", asked.strip(" ?.!"))))
    yes_no = _words(rewrite)[:1] and _words(rewrite)[0] in AUX  # "What is pseudogout?" asks; "Is ActHIB?" does not
    if fragment and yes_no and previous and not (_content(rewrite) - _content(asked)) & _content(previous):
        return False
    beside = _BESIDE.search(rewrite)
    brought = any(
        re.search(rf"\b{w}\b", rewrite, re.I) and not re.search(rf"\b{w}\b", asked, re.I) for w in ("it", "they", "them")
    )
    return reads_well(rewrite) and not (beside and not names_a_thing(beside.group(1))) and not (brought and unbound(rewrite))
