"""The frame of a question: its opener, its topic and the qualifiers after the topic (a population, a setting,
examples), so that a follow-up can replace the part it varies and keep the rest.

"What are the recommendations for | hepatitis B vaccination | for adults and health-care workers" is an opener, a
topic and a population; "What are | safe injection practices | in outpatient settings | , e.g. single-dose vials" an
opener, a topic, a setting and examples; "How should I taper | long-term opioids" an opener whose verb a pronoun
follow-up reads as "tapering long-term opioids". Word classes (population and setting heads), not phrases, decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import lemminflect

SLOT = "\x00"  # where the topic goes in a template, so that only the topic is cut when the result is too long
_W = str.split
# Heads of a population phrase ("pregnant women", "health-care workers", "infants born to HBsAg-positive mothers").
POPULATION = frozenset(
    _W(
        "child children kid kids infant infants neonate neonates newborn newborns baby babies toddler toddlers adolescent "
        "adolescents teen teens teenager teenagers youth youths adult adults elderly woman women man men girl girls boy "
        "boys person persons people individual individuals patient patients worker workers personnel staff clinician "
        "clinicians physician physicians nurse nurses provider providers student students traveler travelers traveller "
        "travellers resident residents mother mothers father fathers parent parents partner partners recipient recipients "
        "donor donors user users smoker smokers drinker drinkers survivor survivors veteran veterans athlete athletes "
        "immigrant immigrants refugee refugees prisoner prisoners inmate inmates msm population populations caregiver "
        "caregivers employee employees contacts group groups pregnancy pregnancies pregnant lactation lactating "
        "breastfeeding postpartum those anyone everyone"
    )
)
# Heads and modifiers of a setting ("outpatient settings", "long-term care facilities", "the ICU", "home").
SETTING = frozenset(
    _W(
        "setting settings hospital hospitals clinic clinics facility facilities center centers centre centres home homes "
        "ward wards unit units department departments office offices community communities school schools prison prisons "
        "jail jails institution institutions environment environments pharmacy pharmacies laboratory laboratories lab labs "
        "room rooms theatre theatres theater theaters shelter shelters camp camps country countries site sites workplace "
        "workplaces ambulance ambulances hospice hospices practice care icu icus nicu picu ed er"
    )
)
SETTING_MODIFIERS = frozenset(_W("outpatient inpatient ambulatory residential institutional"))
# Head nouns of a topic that is itself guidance: a new topic in its place reads "the recommendations for X".
GUIDANCE = frozenset(
    _W(
        "practice practices recommendation recommendations guideline guidelines guidance precaution precautions measure "
        "measures procedure procedures protocol protocols policy policies standard standards strategy strategies "
        "intervention interventions step steps requirement requirements option options principle principles"
    )
)
# Words that open the clinical content of a copular question: "the first-line treatment for", "the side effects of".
SCAFFOLD = frozenset(
    _W(
        "the a an current recommended best preferred usual standard first-line second-line initial main most common "
        "appropriate optimal typical general latest recommendation recommendations guideline guidelines guidance advice "
        "approach approaches treatment treatments management therapy therapies option options strategy strategies side "
        "effect effects adverse dose doses dosage dosing risk risks benefit benefits indication indications "
        "contraindication contraindications role evidence criteria sign signs symptom symptoms cause causes complication "
        "complications duration prognosis diagnosis prevention screening test tests testing interactions efficacy safety "
        "schedule timing use way ways precautions requirements"
    )
)
SUBJECTS = frozenset(_W("i we you one they clinicians physicians doctors providers prescribers nurses pharmacists"))
PREDICATES = frozenset(
    _W(
        "safe effective recommended indicated contraindicated necessary needed required ok "
        "appropriate useful beneficial harmful dangerous"
    )
)
_POSTMODIFIER = frozenset(
    _W(
        "with without who whose that which aged age born receiving undergoing on taking having "
        "living from at in of during after before under over between younger older than"
    )
)
_POPULATION_PREPS = frozenset(_W("in for among amongst of during"))
_SETTING_PREPS = frozenset(_W("in at within across inside outside throughout"))
_BE = frozenset(_W("is are was were"))
_AUX = _BE | frozenset(_W("do does did should can could would will must might may shall has have"))
_WH = re.compile(r"^(?:what|which|who|how(?:\s+(?:long|often|much|many|soon|quickly))?|when|why|where)\b", re.I)
_SPLIT = re.compile(
    r"(?:,\s*|\(\s*|\s)"
    r"(?P<eg>e\.\s?g\.,?|eg,?|i\.\s?e\.,?|such as|including|for example,?|for instance,?)"
    r"(?=\s)|\s(?P<prep>in|for|among|amongst|of|at|during|within|across|inside|outside|throughout|with|"
    r"without|to|on|from)(?=\s)",
    re.I,
)
_DETERMINERS = frozenset(_W("the a an all any some most"))
_PARTICLES = frozenset(_W("off out up down back away over"))
_PREPOSITIONS = frozenset(_W("for to at on in of with from about into by"))  # a topic never starts with one


def _lower(text: str) -> list[str]:
    return [re.sub(r"^[^\w≥≤<>']+|[^\w']+$", "", w.lower()) for w in text.split()]


def _last_part(word: str) -> str:
    return word.rsplit("-", 1)[-1]


def kind(phrase: str) -> str:
    """'population', 'setting' or '' for a noun phrase, from its head (the words before any postmodifier)."""
    words = [w for w in _lower(phrase) if w]
    if any(re.fullmatch(r"\d+-(?:year|month|week|day)s?-olds?", w) for w in words[:3]):  # "a 15-year-old (with …)"
        return "population"
    # "a kid who's just sick": a contracted "who" starts a postmodifier too
    postmodifier = (
        i
        for i, w in enumerate(words)
        if i and (w in _POSTMODIFIER or w.split("'")[0] in _POSTMODIFIER or re.match(r"[\d≥≤<>]", w))
    )
    cut = next(postmodifier, len(words))
    head = [w for w in words[:cut] if w not in _DETERMINERS]
    conjuncts = [c for c in re.split(r"\b(?:and|or|&)\b|,", " ".join(head)) if c.strip()]
    if not conjuncts:
        return ""
    lasts = [_last_part(c.split()[-1]) for c in conjuncts]
    # "agency and volunteer nurses": modifiers joined before one population head
    shared_head = lasts[-1] in POPULATION and all(
        len([w for w in c.split() if w not in ("our", "my", "your", "their", "his", "her")]) == 1 for c in conjuncts[:-1]
    )
    if all(w in POPULATION for w in lasts) or shared_head or (head and head[-1] in ("pregnant", "elderly")):
        return "population"
    if set(head) & SETTING_MODIFIERS or all(w in SETTING or w.upper() in ("ICU", "ED") for w in lasts):
        return "setting" if not (head[-1] == "care" and len(head) == 1) else ""
    return ""


@dataclass(frozen=True)
class Qualifier:
    prep: str  # "in", "for" or "e.g." for examples
    phrase: str
    kind: str  # population, setting or example

    def text(self) -> str:
        return f", {self.prep} {self.phrase}" if self.kind == "example" else f" {self.prep} {self.phrase}"


@dataclass(frozen=True)
class Frame:
    before: str  # "What are the recommendations for", "How should I taper", "Is"
    topic: str  # "hepatitis B vaccination", "long-term opioids", "metformin"
    after: str = ""  # "safe", "be tapered"
    qualifiers: tuple[Qualifier, ...] = ()
    gerund: str = ""  # "tapering": the topic is the object of a verb a pronoun follow-up names as an activity
    copular: bool = False  # "What is/are <topic>": the topic is the whole complement
    agent: str = ""  # "Should | health-care workers | receive | <topic>": a population doing something to the topic
    verb: str = ""

    def template(self) -> str:
        """The question with SLOT in place of the topic."""
        head = " ".join(p for p in (self.before, self.agent, self.verb, SLOT, self.after) if p)
        return head + "".join(q.text() for q in self.qualifiers)

    def bare(self) -> str:
        """The question without its qualifiers."""
        return " ".join(p for p in (self.before, self.agent, self.verb, self.topic, self.after) if p)

    def _qualified(self, new: Qualifier) -> Frame:
        kept = [q for q in self.qualifiers if q.kind != "example"]  # examples went with the words they illustrated
        at = next((i for i, q in enumerate(kept) if q.kind == new.kind), None)
        if at is None:
            kept.append(new)
        else:
            kept[at] = replace(new, prep=new.prep or kept[at].prep)
        return replace(self, qualifiers=tuple(kept))

    def with_population(self, phrase: str, prep: str = "") -> Frame:
        """A new population replaces the old one (its preposition kept unless the follow-up names one)."""
        if self.agent:
            return replace(self, agent=phrase, qualifiers=tuple(q for q in self.qualifiers if q.kind != "example"))
        return (
            self._qualified(Qualifier(prep, phrase, "population"))
            if prep or self._has("population")
            else self._qualified(Qualifier("in", phrase, "population"))
        )

    def with_setting(self, phrase: str, prep: str = "") -> Frame:
        default = "at" if _lower(phrase)[-1:] == ["home"] else "in"
        return self._qualified(Qualifier(prep or ("" if self._has("setting") else default), phrase, "setting"))

    def with_topic(self, topic: str) -> Frame | None:
        """A new topic in the old one's place; the setting and population stay, the examples go. None where the
        question had no frame to put it in."""
        kept = tuple(q for q in self.qualifiers if q.kind != "example")
        # No frame found (its aspect would be lost: "what level of …"); a topic led by a preposition ("reach | for an
        # opioid") or one that is a setting or population ("Can | our clinic | share …"): not what a new topic replaces.
        if (
            not self.before
            or _lower(self.topic)[:1]
            and _lower(self.topic)[0] in _PREPOSITIONS
            or kind(self.topic) in ("setting", "population")
            and not kind(topic)
        ):
            return None
        if self.copular:  # "What are safe injection practices" -> "... for hand hygiene"
            head = _lower(self.topic)[-1:]
            before = (
                "What are the recommendations for"
                if head and head[0] in GUIDANCE
                else "What are"
                if _plural(_lower(topic)[-1:])
                else "What is"
            )
            return Frame(before, topic, "", kept)
        words = self.topic.split()
        if len(words) == 2 and words[0].lower() in ("it", "them", "this", "that") and words[1].lower() in _PARTICLES:
            topic = f"{topic} {words[1]}"  # "take it off" -> "take the gown and gloves off"
        return replace(self, topic=topic, qualifiers=kept)

    def _has(self, kind_: str) -> bool:
        return any(q.kind == kind_ for q in self.qualifiers)


def _plural(words: list[str]) -> bool:
    return bool(words) and words[0].endswith("s") and not words[0].endswith(("ss", "sis", "us"))


@lru_cache(maxsize=4096)
def _lemmas(word: str) -> dict:
    return lemminflect.getAllLemmas(word)


def is_base_verb(word: str) -> bool:
    return word in _lemmas(word).get("VERB", ())


def _verbal(word: str, loose: bool) -> bool:
    """A verb form or predicate that ends a question's subject: "be", "transmitted", "safe" ("cause" only loosely)."""
    lemmas = _lemmas(word)
    verb = "VERB" in lemmas and (loose or "NOUN" not in lemmas)
    return word in PREDICATES or word in ("be", "been", "being") or verb


def gerund(verb: str) -> str:
    forms = lemminflect.getInflection(verb.lower(), "VBG")
    return forms[0] if forms else verb + "ing"


def _qualifiers(text: str) -> tuple[str, tuple[Qualifier, ...]]:
    """Split trailing populations, settings and examples off a question, right to left."""
    end, found = len(text), []
    points = list(_SPLIT.finditer(text))[-16:]  # a long question is scanned from its end only
    for match in reversed(points):
        if match.start() >= end or match.start() == 0:
            continue
        phrase = text[match.end() : end].strip(" ,;()")
        if not phrase:
            continue
        prep = (match.group("prep") or "").lower()
        if match.group("eg"):
            found.append(Qualifier(match.group("eg").rstrip(","), phrase, "example"))
        elif (k := kind(phrase)) and prep in (_POPULATION_PREPS if k == "population" else _SETTING_PREPS):
            found.append(Qualifier(match.group("prep"), phrase, k))
        else:
            continue
        end = match.start()
    return text[:end].rstrip(" ,;("), tuple(reversed(found))


def _scaffold_end(words: list[str]) -> int:
    """How many words of 'the first-line treatment for hypertension' are scaffolding ('the ... for'), or 0."""
    end = 0
    for i, word in enumerate(words):
        if word in ("of", "for", "to", "on", "about", "regarding") and i > end:
            end = i + 1
        elif word not in SCAFFOLD:
            break
    return end


def parse(question: str) -> Frame:
    """The question's frame; one it cannot read has an empty opener and the whole question as its topic."""
    text = " ".join(question.split()).rstrip("?.!,;: ")
    head, quals = _qualifiers(text)
    tokens = head.split()
    words = _lower(head)
    wh = _WH.match(head)
    n_wh = len(wh.group().split()) if wh else 0
    aux = words[n_wh] if n_wh < len(words) and words[n_wh] in _AUX else ""
    if not aux or n_wh + 1 >= len(words):
        return Frame("", head, "", quals)
    rest, start = words[n_wh + 1 :], n_wh + 1
    if aux in _BE and wh and words[0] in ("what", "which", "who"):  # "What are the side effects of | metformin"
        skip = _scaffold_end(rest)
        copular = skip == 0
        return Frame(" ".join(tokens[: start + skip]), " ".join(tokens[start + skip :]), "", quals, copular=copular)
    if rest[0] in SUBJECTS and len(rest) > 2 and is_base_verb(rest[1]):  # "How should I | taper | long-term opioids"
        obj = start + 2 + _scaffold_end(rest[2:])
        return Frame(" ".join(tokens[: start + 2]), " ".join(tokens[obj:]), "", quals, gerund=gerund(rest[1]))
    # "How should | opioids | be tapered", "Is | metformin | safe": the subject runs up to its verb or predicate
    verb = next((i for i in range(1, len(rest)) if _verbal(rest[i], aux not in _BE)), None)
    if (
        verb is not None
        and verb + 1 < len(rest)
        and rest[verb - 1] not in SUBJECTS
        and is_base_verb(rest[verb])
        and kind(" ".join(tokens[start : start + verb])) == "population"
    ):
        obj = start + verb + 1 + _scaffold_end(rest[verb + 1 :])
        agent, verb_text = " ".join(tokens[start : start + verb]), " ".join(tokens[start + verb : obj])
        return Frame(" ".join(tokens[:start]), " ".join(tokens[obj:]), "", quals, agent=agent, verb=verb_text)
    if verb is None:
        return Frame(" ".join(tokens[:start]), " ".join(tokens[start:]), "", quals)
    return Frame(" ".join(tokens[:start]), " ".join(tokens[start : start + verb]), " ".join(tokens[start + verb :]), quals)
