"""Resolve a follow-up against the conversation: hybrid retrieval only finds what the query names ("what dose?" alone
matches every dosing table) and the answer shows the resolved text, so it carries the topic and reads naturally."""

from __future__ import annotations

import re
from itertools import takewhile
from typing import NamedTuple

from qa.followup_forms import APPLIES, SAME, about_then_asked, clause_last, given_result, lower_first, varied
from qa.followup_words import (
    ASPECT,
    AUX,
    CONTEXT,
    DUMMY_IT,
    FOLLOWERS,
    FOR_ASPECT,
    GENERIC,
    OPENERS,
    POPULATION,
    PREDICATE,
    PREPS,
    PRONOUNS,
    PROPERTY,
    QUALIFIERS,
    REFERENT,
    SOCIAL,
    WH,
)
from qa.question_context import (
    context_of,
    name_pronouns,
    points_back,
    replace_person,
    split_question,
    standalone,
    substitute,
    unbound,
)
from qa.question_frame import SLOT as _SLOT
from qa.question_frame import SUBJECTS, Frame, gerund, is_base_verb, kind, parse
from qa.readable import fallback, in_turn, stands_alone

MAX_CHARS = 2000
_W = str.split

_AUX = r"(?:is|are|was|were|do|does|did|should|can|could|would|will|must|might|may)"
_CONNECTIVE = re.compile(
    r"^(and what about|and how about|what about|how about|and what if|what if|and also|and|also|"
    r"but|plus)(?:[\s,]+|$)",
    re.I,
)
_OPENER = re.compile(
    r"^(?:please\s+)?(?:(?:can|could|would) you\s+)?(?:(?:tell me|explain|describe|list|outline|"
    r"give me|i (?:want|would like|need) to know)(?:\s+about)?\s+)?(?:(?:(?:what|which|how|when|why|"
    rf"who|where)(?:'s|\s+{_AUX})?|(?P<yesno>{_AUX})(?:\s+there)?)(?:\s+(?:i|we|you|one))?\s+)?",
    re.I,
)
# Scaffolding in front of the clinical content: "the recommended approach to", "a role for", "(how) to manage".
_META = re.compile(
    r"^(?:(?:(?:the|a|an)\s+)?(?:(?:current|best|recommended|preferred|usual|standard|general|latest|"
    r"appropriate|optimal|right|correct|proper)\s+)*(?:approach(?:es)?|advice|recommendations?|guidance|"
    r"guidelines?|evidence|role|ways?|strateg(?:y|ies)|options?|protocol|consensus|data)\s+(?:to|for|on|"
    r"of|in|regarding|about|around)\s+|(?:(?:manag|treat|handl|approach|deal)\w*(?:\s+with)?|causes|"
    r"increases|reduces|prevents|affects|to)\s+)+",
    re.I,
)
_PASSIVE = re.compile(r"\b(?:be|been|get)\s+\w+(?:ed|en)\b", re.I)
_PRED = re.compile(r"\b(?:" + "|".join(sorted(PREDICATE)) + r")\b", re.I)
# A property of the subject ("the side effects of metformin"): a later "it" means the subject, "they" the property.
_PROPERTY = re.compile(
    r"^(?:the\s+)?(?:(?:most|main|common|usual|typical|maximum|starting|serious)\s+)*((?:side|"
    rf"adverse)[\s-])?({'|'.join(PROPERTY | {'dose', 'doses', 'dosage', 'dosing'})})\s+(?:of|for|"
    r"with|from)\s+(.+)$",
    re.I,
)
_ABOUT_CONTEXT = re.compile(r"^(?:is|are|was|would|does|do|can|could|should|will)\s+(?:that|this)\b", re.I)
_REGARDING = re.compile(r"\((?:regarding|about:) (.+)\)\s*$", re.I)


class Topic(NamedTuple):
    full: str  # the previous question's clinical content, e.g. "the side effects of metformin"
    core: str  # its subject, e.g. "metformin"
    plural: bool  # a plural property was stripped, which a later "they" refers to


def _clean(text: str) -> str:
    text = " ".join(text.split()).lstrip(".,;:-–— ").rstrip("?.!,;: ")
    return text[:1].upper() + text[1:]


def _split(text: str) -> tuple[list[str], list[str]]:  # tokens, and each lower-cased without its punctuation
    tokens = [t for t in text.split() if re.search(r"\w", t)]
    return tokens, [re.sub(r"^[^\w']+|[^\w']+$", "", t.lower().replace("’", "'")) for t in tokens]


def _generic(word: str) -> bool:
    stems = [word[: len(word) - len(s)] for s in ("", "s", "es", "ed", "d", "ing") if word.endswith(s)]
    return any(s in GENERIC or s + "e" in GENERIC for s in stems if s == word or len(s) > 2)


def _head_generic(words: list[str], splitters: frozenset[str]) -> bool:
    """True when all before the first qualifying preposition is generic, i.e. the question names no subject."""
    return all(_generic(word) for word in takewhile(lambda word: word not in splitters, words))


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "sis", "us"))


def _find_anaphora(cores: list[str]) -> tuple[int, int, str] | None:
    """(start, end, kind) of the first reference to an earlier subject; kind: pron, poss or mark (left in place)."""
    for i, word in enumerate(cores):
        nxt, after = (cores[i + 1 : i + 3] + [None, None])[:2]
        kind, end = "poss" if word in ("its", "their") else "", i + 1
        if word in ("it", "it's", "they", "them"):
            kind = "mark" if word == "it" and nxt in DUMMY_IT and after in ("to", "that") else "pron"
        elif word in ("this", "that", "these", "those", "the") and nxt in REFERENT and (not after or _generic(after)):
            kind, end = "pron", i + 2
        elif word == "such" or (word in ("this", "these", "those") and nxt and nxt not in FOLLOWERS | ASPECT):
            kind = "mark" if nxt else ""
        elif word in ("this", "that", "these", "those"):  # but "that" before a noun is a conjunction or relative
            kind = "poss" if nxt in ASPECT else "pron" if not nxt or nxt in FOLLOWERS else ""
        if kind:  # a subject named before the pronoun is what it refers to: the question stands on its own
            return None if any(not _generic(c) for c in cores[:i]) else (i, end, kind)
    return None


def is_followup(question: str) -> bool:
    """A connective, a pronoun for an earlier subject, or a short question or fragment that names no subject."""
    words = _split(text := _clean(question))[1]
    if words and set(words) <= SOCIAL:  # "thanks!", "ok": nothing to resolve
        return False
    if not words or _CONNECTIVE.match(text) or SAME.match(text) or APPLIES.match(text):
        return bool(words)
    found = _find_anaphora(words)
    if found and (found[2] != "mark" or sum(not _generic(w) for w in words) <= 1):
        return True
    if words[0] in OPENERS:  # "what dose in CKD?" could be a new question: only one with no subject at all is not
        return len(words) <= 8 and all(map(_generic, words))
    return len(words) <= 10 and _head_generic(words, QUALIFIERS)


def topic_of(question: str) -> Topic:
    """Strip the interrogative and generic scaffolding off a question, keeping its clinical content."""
    prev = _clean(question)
    text = regarding.group(1) if (regarding := _REGARDING.search(prev)) else prev
    opener = _OPENER.match(text)  # matches always; "Is metformin safe in pregnancy" is about metformin in pregnancy
    text = _PRED.sub(" ", text[opener.end() :]) if opener.group("yesno") else text[opener.end() :]
    text = " ".join(_PASSIVE.sub(" ", _META.sub("", text)).split()) or prev
    words = text.split()  # "How should I taper opioids", "when should clinicians offer X": the act, as a gerund
    subject = 1 if len(words) > 2 and words[0].lower() in SUBJECTS else 0
    if (
        (subject or re.search(r"\b(?:i|we|you|one)\s*$", opener.group(), re.I))
        and len(words) > subject + 1
        and is_base_verb(words[subject].lower())
    ):
        text = " ".join([gerund(words[subject]), *words[subject + 1 :]])
    text = lower_first(text) if prev.startswith(text) else text  # a sentence-initial capital is not the topic's
    prop = _PROPERTY.match(text)
    return Topic(text, prop.group(3), _plural(prop.group(2).lower())) if prop else Topic(text, text, False)


_AGREE = {v: pair for pair in (("is", "are"), ("was", "were"), ("does", "do"), ("has", "have")) for v in pair}


def _plural_subject(subject: str) -> bool:
    """'the side effects of metformin', 'kidney stones': plural; 'tapering opioids', 'hepatitis B vaccination': not."""
    words = _split(subject)[1]
    if not words or (words[0].endswith("ing") and gerund(words[0][:-3]) == words[0]):
        return False
    head = list(takewhile(lambda w: w not in PREPS, words))[-1:] or words[-1:]
    return _plural(head[0]) and head[0] not in ("series", "diabetes", "herpes", "measles", "mumps", "rabies")


def _rewrite(text: str, topic: Topic, lead: str) -> tuple[str, str]:
    """(template, topic text) for a follow-up that names no subject of its own or refers to one by a pronoun."""

    def join(aspect: str, subject: str) -> str:  # "dose for tapering opioids", not "dose of tapering opioids"
        return f"{'for' if aspect in FOR_ASPECT or subject.split(' ', 1)[0].lower().endswith('ing') else 'of'} {_SLOT}"

    tokens, cores = _split(text)
    if (found := _find_anaphora(cores)) and found[2] != "mark":  # a "mark" stays and the topic is appended
        start, end, kind = found
        plural = cores[start] in ("they", "them", "their", "these", "those") and topic.plural
        subject = topic.full if plural else topic.core
        new = f"{_SLOT} is" if cores[start] == "it's" else _SLOT
        if kind == "poss":  # "its side effects" -> "the side effects of metformin"
            end, last = start + 1, None
            while end < len(cores) and cores[end] not in AUX | PREPS | WH | PRONOUNS:
                last, end = (end if cores[end] in ASPECT else last), end + 1
            end = last + 1 if last is not None else end
            phrase = " ".join(tokens[start + 1 : end]).rstrip("?.!,;:")
            new = f"the {phrase} {join(cores[end - 1], subject)}" if phrase else f"{_SLOT}'s"
        tail = re.search(r"[^\w']*$", tokens[end - 1]).group()  # punctuation stays after the swapped words
        if start == 1 and kind == "pron" and cores[0] in _AGREE:  # "is it safe?" -> "are safe injection practices"
            verb = _AGREE[cores[0]][_plural_subject(subject)]
            tokens[0] = verb.capitalize() if tokens[0][:1].isupper() else verb
        return lead + " ".join(tokens[:start] + [new + tail] + tokens[end:]), subject
    # No pronoun: attach the subject to the first aspect noun ("what dose in CKD" -> "what dose of X in CKD").
    for i, word in enumerate(cores if _head_generic(cores, CONTEXT) else []):
        if word in ASPECT and (i + 1 == len(cores) or cores[i + 1] not in ("of", "for", "about")):
            tail = re.search(r"[^\w']*$", tokens[i]).group()
            tokens[i] = f"{tokens[i][: len(tokens[i]) - len(tail)]} {join(word, topic.core)}{tail}"
            out = " ".join(tokens)
            if not lead and cores[0] not in OPENERS | PREPS:  # a bare "side effects?" reads better as a question
                out = f"What {'are' if _plural(word) else 'is'} the {lower_first(out)}"
            return lead + out, topic.core
    return f"{lead}{text} (regarding {_SLOT})", topic.full


_EXAMPLE = re.compile(r"^(?:e\.\s?g\.|eg|i\.\s?e\.|such as|like|for example|for instance)(?:[\s,]+|$)", re.I)
CONNECTIVES = frozenset(_W("and or but also plus what about how if e.g eg"))
_FRAME_PREPS = frozenset(_W("in for among amongst during at within across about regarding on"))
_ANAPHORA = frozenset(_W("it it's its they them their this that these her his"))


def _reframe(rest: str, words: list[str], connected: bool, prev: str) -> Frame | None:
    """The previous question with the part a fragment varies replaced: a population, a setting, or (after a
    connective or "for") its topic. None for anything else: a clause, a pronoun, an aspect, "with renal impairment"."""
    if set(words) & (WH | AUX | _ANAPHORA | {"if", "not"}) or (words[0] in QUALIFIERS and words[0] not in _FRAME_PREPS):
        return None
    prep, phrase = (rest.split(None, 1) + [""])[:2] if words[0] in _FRAME_PREPS else ("", rest)
    phrase = lower_first(phrase.strip(" ,;:?!."))
    if not phrase:
        return None
    frame, found = parse(prev), kind(phrase)
    if (
        found == "population"
        and not frame.agent
        and not any(q.kind == "population" for q in frame.qualifiers)
        and (swapped := replace_person(prev, phrase))
    ):  # "apply to a 13-month-old …" -> "… to close contacts"
        return Frame("", swapped.rstrip("?"))
    if found == "population" and prep.lower() not in ("at", "about", "regarding", "on"):
        return frame.with_population(phrase, prep.lower())
    if found == "setting" and prep.lower() not in ("for", "about", "regarding", "during", "among", "amongst"):
        return frame.with_setting(phrase, prep.lower())
    nouns = _split(phrase)[1]
    if found or any(w in ASPECT or w in POPULATION for w in nouns) or all(map(_generic, nouns)):
        return None  # "and the dose?" joins the topic as an aspect of it: see _rewrite
    if prep.lower() in ("", "for", "about", "regarding", "on") and (connected or prep):
        return frame.with_topic(phrase)
    return None


def _fit(template: str, topic: str) -> str:
    out = _clean(template.replace(_SLOT, topic)) + "?"
    if len(out) > MAX_CHARS:  # cut the topic by the overflow, so that the follow-up's own words survive
        out = _clean(template.replace(_SLOT, topic[: max(0, len(topic) - (len(out) - MAX_CHARS) - 1)] + "…")) + "?"
    return out if len(out) <= MAX_CHARS else out[: MAX_CHARS - 1] + "?"


def resolve(question: str, history: list[str]) -> str:
    """The question as understood: a follow-up rewritten to carry the previous topic, anything else just stripped.
    The frame is the previous question's question sentence, its context naming what pronouns stand for; a rewrite
    that does not read as a question gives way to the follow-up with the previous topic beside it, or after the
    previous question whole when its topic is no phrase."""
    if not re.search(r"\w", stripped := question.strip()):
        raise ValueError("the question is empty")
    at = next((i for i in range(len(history) - 1, -1, -1) if re.search(r"\w", history[i])), None)
    if at is None:
        return stripped
    sentence, context = standalone(history[at])
    sentence = clause_last(sentence)

    def fall_back() -> str:  # the previous topic is worked out only when a rewrite gives way; after a case, the
        # question sentence's topic alone ("a 2-shot option") loses the case, so both questions go in turn
        return in_turn(history[at], stripped) if context else fallback(stripped, topic_of(sentence).full, history[at])

    follow_up = is_followup(stripped)
    if follow_up:
        sentence, stripped = given_result(sentence, stripped, history[at])
    # After questions asked in turn, the next one is asked in turn too; so after "… wants to detox. Is that a reasonable
    # plan?", whose question is about its context.
    if follow_up and (split_question(history[at])[0].endswith("?") or context and _ABOUT_CONTEXT.match(sentence)):
        return in_turn(history[at], stripped)
    out = _resolve(stripped, [*history[:at], sentence]) if follow_up else stripped
    if not out:  # no rewrite reads as one question
        return fall_back()
    asked = _fit(_CONNECTIVE.sub("", _clean(stripped)), "")
    if (
        out.lower() in (stripped.lower(), asked.lower()) or "(regarding " in out and unbound(stripped)
    ):  # left as asked: its pronouns may still need the subject
        if points_back(stripped):  # "at what age are those babies most at risk?": only the last question says which
            return in_turn(history[at], stripped)
        if not unbound(stripped):
            return out
        out = name_pronouns(asked, context, sentence) or asked
        if unbound(out):
            return fall_back()
    elif context:  # the follow-up's own pronouns: "if she'd only been on them" -> "if my patient had … on oxycodone"
        out = substitute(out, context_of(context))
    return out if stands_alone(out, stripped, history[at]) else fall_back()


def _resolve(stripped: str, history: list[str]) -> str:
    prev = _clean(history[-1])
    text = _clean(stripped)
    text = varied(text)
    if (whole := about_then_asked(text)) is not None:
        return _fit(whole, "")
    conn = _CONNECTIVE.match(text)
    rest, conn = (text[conn.end() :], conn.group(1).lower()) if conn else (text, "")
    rest = _EXAMPLE.sub("", rest)  # "and, e.g., insulin?" names insulin
    words = _split(rest)[1]
    if all(w in PREPS | CONNECTIVES for w in words):
        words = []  # "and in?", "what about the?": nothing new is named
    # A second condition on a question with one ("… if I'm drawing from it" + "and if it went into a room?"), or a
    # condition with a question of its own ("what if it shows X, can I discharge them?"): asked in turn.
    conditional = conn.endswith("what if") or words and words[0] == "if"
    if (
        conditional
        and (re.search(r"\bif\b", prev, re.I) or re.search(rf",\s*(?:{_AUX}|how|what|when|why)\b", rest, re.I))
        or re.search(rf",\s*{_AUX}\s+(?:i|we|you|she|he|they|it|one)\b", rest, re.I)
    ):
        return ""  # "and after delivery, can she breastfeed …?" too: a question of its own after its setting
    if not words or conn.endswith("what if"):  # a bare "and?" asks the previous question again
        return _fit(f"{_SLOT} if {rest}" if words else _SLOT, prev)
    if conn and words[0] in OPENERS and not _find_anaphora(words) and not _head_generic(words, QUALIFIERS):
        return _fit(rest, "")  # "and what causes gout?": a whole question on a subject of its own
    if (frame := _reframe(rest, words, bool(conn), prev)) is not None:
        return _fit(frame.template(), frame.topic)
    population = set(words) <= POPULATION | {"the", "and", "or"}
    if population or (words[0] in QUALIFIERS and not set(words) & WH):
        # A fragment replaces an earlier one with the same preposition ("in children", then "in pregnancy").
        prep, base = "in" if population else words[0], _clean(history[-2]) if len(history) > 1 else ""
        if base and prev.lower().startswith(base.lower() + " ") and _split(prev[len(base) :])[1][:1] == [prep]:
            prev = base
        return _fit(f"{_SLOT} {'in ' if population else ''}{lower_first(rest)}", prev)
    lead = "What about " if conn.endswith("about") else ""
    frame = parse(prev)  # the subject stands in for the pronoun; the previous setting and population go at the end
    topic = topic_of(frame.bare() or prev)
    if frame.agent:  # "Should health-care workers receive X?": "it" is X, "they" the health-care workers
        topic = Topic(frame.topic, frame.topic, False)
        rest = re.sub(r"\b(?:they|them)\b", "\x02one", rest, flags=re.I)  # a generic stand-in until "it" is done
    template, subject = _rewrite(lower_first(rest) if lead else rest, topic, lead)
    template = template.replace("\x02one", frame.agent)
    if frame.qualifiers and "(regarding " not in template:
        own = {q.kind for q in parse(template.replace(_SLOT, subject)).qualifiers}  # unless the follow-up names its own
        template += "".join(q.text() for q in frame.qualifiers if q.kind not in own | {"example"})
    elif "(regarding " in template:
        subject = topic_of(prev).full
    return _fit(template, subject)
