"""A clinician's question is often context, then the question: "My patient has been on oxycodone for five years.
How fast should the taper go?" The frame a follow-up varies is the question sentence; the context sentences name
who and what its pronouns ("she", "them", "it") stand for. Only word classes decide, never particular questions."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import lemminflect

from qa.question_frame import POPULATION

_W = str.split
PERSON = POPULATION - frozenset(
    _W(
        "pregnancy pregnancies lactation lactating breastfeeding postpartum those anyone "
        "everyone population populations group groups"
    )
) | frozenset(_W("someone somebody preemie preemies household family families mom moms mum mums dad dads"))
# Who "she" and "he" stand for when the context names more than one person: "Mom's result came back positive; the
# baby got the vaccine. … and if she was never tested?" is about Mom.
_FEMALE = frozenset(_W("woman women mother mothers mom moms mum mums girl girls wife daughter"))
_MALE = frozenset(_W("man men father fathers dad dads boy boys husband son"))
_AGE = re.compile(r"^\d+[-\s]?(?:day|week|month|year)s?-old$", re.I)
_NO_ARTICLE = frozenset(_W("mom mum dad someone somebody anyone anybody everyone everybody"))  # "if mom was never tested"
_DETERMINERS = frozenset(_W("a an the my our your this that these those his her their some"))
_STOP = frozenset(
    _W(
        "i we you he she it they them him me us is are was were be been being do does did should can could would will "
        "must might may shall has have had of in for on at to with without from by about into after before during while "
        "and or but if when because than as so who whom which what that there just now also still only already"
    )
)
_POST = frozenset(_W("with on"))  # "a 13-month-old with sickle cell disease", "a patient on long-term opioids"
_SINGULAR_PERSON = frozenset(_W("she he him she's he's she'd he'd"))
_PLURAL = frozenset(_W("they them"))
_GOT = frozenset(_W("got gets received receives took takes taken taking needs needed"))
_BEEN = frozenset(_W("been is are was were be being stays stay remains"))
_ACTS = frozenset(
    _W(
        "stop stopping taper tapering start starting continue continuing prescribe prescribing repeat "
        "repeating give giving use using discard discarding switch switching restart restarting"
    )
)
# Acts whose object is a drug, never a person: "stop them outright" is the meds even when the context names no drug.
_DRUG_ACTS = frozenset(
    _W(
        "stop stopping taper tapering continue continuing prescribe prescribing repeat repeating "
        "discard discarding restart restarting take taking"
    )
)
_DUMMY = frozenset(
    _W(
        "too ok okay better best safe reasonable appropriate necessary possible advisable true worth "
        "important acceptable fine wise needed required alright matter matters"
    )
)


class Context(NamedTuple):
    person: str  # "my patient", "a 13-month-old with sickle cell disease", "our clinic staff"
    plural: bool  # the person is a group: "they" and "them" can stand for it
    thing: str  # what the person is on or got: "oxycodone", "a dose of PedvaxHIB"
    female: str = ""  # the first person named as a woman ("mom"), for "she"; "" when none is
    male: str = ""


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


@lru_cache(maxsize=4096)
def _pos(word: str) -> frozenset[str]:
    return frozenset(lemminflect.getAllLemmas(word))


def _core(token: str) -> str:
    return re.sub(r"^[^\w']+|[^\w']+$", "", token.lower().replace("’", "'"))


def _unowned(text: str) -> str:
    return re.sub(r"['’]s$", "", text)  # "Mom's result": Mom


def _is_person(word: str) -> bool:
    word = _unowned(word)
    return word in PERSON or bool(_AGE.match(word))


def _modifier(word: str) -> bool:  # a word that can sit in front of a noun: not a verb-only form, not a function word
    pos = _pos(word)
    if word.endswith("ing") and "VERB" in pos:  # "switching a patient", "using it"
        return False
    return bool(word) and word not in _STOP | _DETERMINERS and (not pos or bool(pos & {"NOUN", "ADJ", "PROPN", "NUM"}))


def _phrase(tokens: list[str], head: int, post: frozenset[str]) -> tuple[int, int]:
    """The noun phrase around tokens[head]: modifiers and one determiner before it, a postmodifier after it."""
    start = head
    while (
        start > 0
        and _modifier(_core(tokens[start - 1]))
        and (
            not re.search(r"[,.;:]$", tokens[start - 1])
            # "a long-term, high-dose opioid patient": a comma between two modifiers still inside the phrase
            or tokens[start - 1].endswith(",")
            and start > 1
            and start < head
            and (_core(tokens[start - 2]) in _DETERMINERS or _modifier(_core(tokens[start - 2])))
        )
    ):
        start -= 1
    if start > 0 and _core(tokens[start - 1]) in _DETERMINERS:
        start -= 1
    end = head + 1
    if end < len(tokens) and not re.search(r"[,.;:?]$", tokens[head]) and _core(tokens[end]) in post:
        end += 1
        while (
            end < len(tokens)
            and _core(tokens[end]) not in _STOP
            and _core(tokens[end]) not in _DETERMINERS
            and (
                not _pos(_core(tokens[end]))
                or "VERB" not in _pos(_core(tokens[end]))
                or _pos(_core(tokens[end])) & {"NOUN", "ADJ"}
                or _core(tokens[end]).endswith("ed")
            )
        ):
            end += 1  # "with suspected measles": a participle is a modifier here
            if re.search(r"[,.;:?]$", tokens[end - 1]):
                break
        if end == head + 2:  # nothing after the preposition: "a toddler with" is "a toddler"
            end = head + 1
    return start, end


def _text(tokens: list[str], start: int, end: int) -> str:
    return " ".join(tokens[start:end]).rstrip(",.;:?!")


def _run(tokens: list[str], cores: list[str], at: int) -> int:
    """The end of the noun phrase that starts at tokens[at] ("a dose of PedvaxHIB"), or 0 for none."""
    end = at + (at < len(cores) and cores[at] in _DETERMINERS)
    while end < len(cores) and _modifier(cores[end]) and (end == at or not re.search(r"[,.;:]$", tokens[end - 1])):
        end += 1
    if end > at and end + 1 < len(cores) and cores[end] == "of" and not re.search(r"[,.;:]$", tokens[end - 1]):
        return _run(tokens, cores, end + 1) or end
    return end if end > at and cores[end - 1] not in _DETERMINERS else 0


def context_of(context: str) -> Context:
    """Who the context is about and what they are on; empty strings where it names none."""
    tokens = context.split()
    cores = [_core(t) for t in tokens]
    people, covered = [], 0  # (phrase, plural, head word) of each person, in order
    for i, word in enumerate(cores):
        if (
            i >= covered and _is_person(word) and not (i and cores[i - 1] in ("of", "to"))
        ):  # "a mother" of a baby is not the subject
            while i + 1 < len(cores) and _is_person(cores[i + 1]) and not re.search(r"[,.;:]$", tokens[i]):
                i += 1  # "a pregnant patient": the head is the last word
            nxt = [_pos(w) for w in cores[i + 1 : i + 3]] + [frozenset(), frozenset()]
            owner = bool(re.search(r"['’]s$", cores[i]))  # "Mom's surface antigen": she may be Mom, the subject is not
            if (
                not owner
                and cores[i + 1 : i + 2]
                and cores[i + 1] not in _STOP
                and not re.search(r"[,.;:]$", tokens[i])
                and (nxt[0] == {"NOUN"} or "NOUN" in nxt[0] and "NOUN" in nxt[1])
            ):
                continue  # "the toddler booster dose": a modifier, not a person
            start, covered = (i, i + 1) if owner else _phrase(tokens, i, _POST)
            person = _unowned(_text(tokens, start, covered))
            if cores[start] in _DETERMINERS or _is_person(cores[start]):  # "A toddler" mid-sentence: "a toddler"
                person = person[:1].lower() + person[1:]
            if _is_person(cores[start]) and not owner and cores[start] not in _NO_ARTICLE and not re.search(r"s$", cores[i]):
                person = f"the {person}"  # "Kid with suspected measles, …": mid-sentence, "the kid with suspected measles"
            head = _unowned(cores[i])
            people.append((person, head.endswith("s") and head not in ("someone", "somebody"), head, owner))
    person, plural = next((p[:2] for p in people if not p[3]), ("", False))
    female = next((phrase for phrase, _, head, _ in people if head in _FEMALE), "")
    male = next((phrase for phrase, _, head, _ in people if head in _MALE), "")
    thing = ""
    for i, word in enumerate(
        cores[:-1]
    ):  # "has been on oxycodone", "a patient on opioids", "got a dose of X", "a patient off his meds"
        if (
            word in ("on", "off") and i and (cores[i - 1] in _BEEN or _is_person(cores[i - 1])) or word in _GOT
        ) and not _is_person(cores[i + 1]):
            if end := _run(tokens, cores, i + 1):
                thing = _text(tokens, i + 1, end)
                break
    return Context(person, plural, thing, female, male)


def _replacement(cores: list[str], i: int, ctx: Context) -> str:
    word, nxt = cores[i], (cores[i + 1] if i + 1 < len(cores) else "")
    prev = cores[i - 1] if i else ""
    named = (ctx.female if word.startswith("she") else ctx.male) or ("" if ctx.plural else ctx.person)
    if word in _SINGULAR_PERSON and named:
        return re.sub(r"^(?:a|an)\s", "the ", named)  # "a woman" named again: "the woman"
    if word in _PLURAL:
        if prev in ("on", "off", "from") or prev in _ACTS | _DRUG_ACTS and ctx.thing:  # "been on them", "stop them": the drug
            return ctx.thing
        if prev in _DRUG_ACTS:
            return ""  # a drug the context does not name: the pronoun stays
        if word == "them" or ctx.plural:  # "see them back": a patient; but "they get" needs a plural subject
            return re.sub(r"^(?:a|an)\s", "the ", ctx.person)
    if word == "it" and ctx.thing and nxt not in _DUMMY and prev != "worth" and not (nxt in ("is", "'s") and i == 0):
        return ctx.thing
    return ""


def substitute(question: str, ctx: Context) -> str:
    """The question with each pronoun the context clearly names replaced: 'apply to him?' -> 'apply to a
    13-month-old with sickle cell disease?'. Unclear pronouns stay."""
    if not (ctx.person or ctx.thing or ctx.female or ctx.male):
        return question
    tokens = question.split()
    cores = [_core(t) for t in tokens]
    # Named once, as English does: "seeing my patient while he stays on it", not the patient again for every "he".
    named = {phrase.lower() for phrase in ctx if isinstance(phrase, str) and phrase and phrase.lower() in question.lower()}
    out = []
    for i, token in enumerate(tokens):
        new = _replacement(cores, i, ctx)
        key = re.sub(r"^(?:a|an|the)\s", "", new.lower())
        if not new or any(re.sub(r"^(?:a|an|the)\s", "", n) == key for n in named):
            out.append(token)
            continue
        named.add(new.lower())
        contraction = re.match(r"(?i)^\w+(['’](?:s|d))", token)
        tail = re.search(r"[^\w']*$", token).group()
        if contraction:  # "she'd only been" -> "the patient had only been"; "she's" -> "the patient is"
            new += " had" if contraction.group(1)[1:].lower() == "d" else " is"
        if i == 0 or token[:1].isupper() and i == 0:
            new = new[:1].upper() + new[1:]
        out.append(new + tail)
    return " ".join(out)


def standalone(previous: str) -> tuple[str, str]:
    """(the previous question's question sentence with its context's pronouns resolved, its context)."""
    context, question = split_question(previous)
    return (substitute(question, context_of(context)) if context else question), context


_POINTS_BACK = re.compile(r"\b(?:these|those|both|afterwards?|each case)\b", re.I)


def points_back(text: str) -> bool:
    """Whether the text refers to what an earlier turn named without naming it: "those babies", "both brands",
    "afterwards", "that person" (a noun after "that", not "does that mean")."""
    if _POINTS_BACK.search(text):
        return True
    cores = [_core(t) for t in text.split()]
    return any(a in ("that", "this") and "NOUN" in _pos(b) and "VERB" not in _pos(b) for a, b in zip(cores, cores[1:]))


def unbound(text: str) -> bool:
    """Whether a pronoun in the text stands for something it does not name itself: "which vaccines should we be
    offering them?" (a wh-phrase is not what "them" is), but not "can I wash the gloves and reuse them?"."""
    cores = [_core(t) for t in text.split()]
    named, wh = False, False
    for i, word in enumerate(cores):
        if word in ("what", "which", "whose"):
            wh = True
        elif wh and (word in _STOP or "VERB" in _pos(word) and "NOUN" not in _pos(word)):
            wh = False
        if word in _SINGULAR_PERSON | _PLURAL | {"it"}:
            if word == "it" and i + 1 < len(cores) and cores[i + 1] in _DUMMY:
                continue
            return not named
        after_subject = i and cores[i - 1] in ("i", "we", "you")  # "should I recheck them": a verb, not a name
        pos = _pos(word)
        if (
            not wh
            and word
            and word not in _STOP
            and not after_subject
            and (
                _is_person(word)
                or i
                and cores[i - 1] in _DETERMINERS - {"that", "this"}
                or not pos
                and word.isalpha()
                or "NOUN" in pos
                and not pos & {"VERB", "ADJ", "ADV"}
            )
        ):
            named = True
    return False


def name_pronouns(text: str, context: str, question: str) -> str:
    """The text with the pronouns the previous question names replaced, the context's names first; '' if none."""
    own, asked = context_of(context), context_of(question)
    ctx = Context(
        own.person or asked.person,
        own.plural if own.person else asked.plural,
        own.thing or asked.thing,
        own.female or asked.female,
        own.male or asked.male,
    )
    out = substitute(text, ctx)
    return out if out != text and not unbound(out) else ""


def replace_person(question: str, phrase: str) -> str:
    """The question with the person it asks about (after a verb or preposition, not its subject) replaced by phrase,
    a 'who …' clause kept; '' when it names none."""
    tokens = question.rstrip("?").split()
    cores = [_core(t) for t in tokens]
    for i, word in enumerate(cores):
        if (
            i < 2
            or not _is_person(word)
            or cores[i - 1] in _STOP - frozenset(_W("of in for on at to with"))
            or i + 1 < len(cores)
            and _is_person(cores[i + 1])
        ):
            continue
        start, end = _phrase(tokens, i, _POST)  # a "who …" clause stays: "kids who never got X" -> "adults who …"
        if start and _core(tokens[start - 1]) in _AUX_WH:
            return ""
        return " ".join([*tokens[:start], phrase, *tokens[end:]]) + "?"
    return ""


_AUX_WH = frozenset(_W("is are do does did should can could would will must may what which who how when where"))
