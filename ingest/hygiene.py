"""Statement hygiene, once at ingest: which sentences can be quoted as statements, and how they read.

Every reader's text carries layout: PDF bullets and enumerators, checklists with "Not applicable"
boxes, reference lists, numeric citation markers "( 37)", "(220,221)", "activities5,6,7", and
"--" for dashes. A clinician should see none of it. The cleaned statement is described as edits to
the chunk's own text (replace text[a:b] with r), so a quoted statement still maps exactly onto its
source span, which the page highlights and an editor checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.models import TITLE_SECTION

Edit = tuple[int, int, str]  # replace chunk_text[start:end] with the string
# (sentence ordinal, start, end, edits): the statement's span in the chunk text and how it is cleaned.
Statement = tuple[int, int, int, tuple[Edit, ...]]

_WORD = re.compile(r"[A-Za-z]{2,}")
_LEADER = re.compile(
    r"(?:(?:Not applicable\s*(?:\([^)]{0,200}\))?|Notes?:|NOTES?:|[•▪◦●■□☐❑✓\-–—*·]+|[:;,](?=\s)|"
    r"\d{1,2}[.)](?!\d)|\(\d{1,2}\)|\(?[a-z]\)|"
    r"[a-z]\.(?=\s)|[A-Z]\.(?=\s+[A-Z])|(?:i{1,3}|iv|v|vi{1,3})[.)](?=\s)|"
    # a checklist's letter whose stop the PDF lost ("E Adequate time for reprocessing…"); "A" and "I" are words
    r"[B-HJ-Z](?=\s+[A-Z][a-z]))\s+)+"
)
# "…in outpatient settings: 1." — the next item's number was read into the list's lead-in.
_TRAILING_ENUMERATOR = re.compile(r":\s*(?:\d{1,2}|[a-zA-Z]|i{1,3}|iv)[.)]\s*$")
# "…whether or not to initiate opioids for pain 2.": the next item's number after a list entry. A number a
# word takes ("at age 2.", "in 2 doses", "Recommendation 5.") is part of the sentence.
_COUNTED = frozenset(
    "age aged day days week weeks month months year years hour hours minute minutes dose doses step steps phase type "
    "grade level stage category group table figure box appendix and or to of at than from by per every within over "
    "under about approximately least most visit trimester dosage version part page pp p recommendation "
    "recommendations number no chapter section item items class cohort arm times".split()
)
_NEXT_NUMBER = re.compile(r"\b([a-z]+)(\s+\d{1,2}\.\s*)$")
_TRAILING_ITEM = re.compile(r"(?<=[.;])\s+(?:\d{1,2}|[a-z]|i{1,3}|iv)[.)]\s*$")  # "…is anticipated. a."
# Numeric citations: "(37)", "( 220, 221)", "(23–25)", "[12]", "(179--182)"; a lone small number before a
# word is an enumerator "(1) do this", kept.
_NUMBERS = r"\d{1,3}(?:\s*(?:,|–|-|--|—)\s*\d{1,3})*"
_PAREN_CITE = re.compile(rf"\s*(?:\(\s*{_NUMBERS}\s*\)|\[\s*{_NUMBERS}\s*\])")
_EVIDENCE_TYPE = re.compile(r"\s*\(\s*evidence\s+type:?\s*\d\s*\)", re.I)
_GLUED_CITE = re.compile(r"(?<=[a-z]{3})\d{1,3}(?:,\d{1,3})*(?=[.,;:]?(?:\s|$))")
_CROSS_REF = re.compile(
    r"\s*\((?:see\s+)?(?:tables?|box(?:es)?|figures?|fig\.|appendix|appendices|supplement\w*)"
    r"\s*[A-Z\d][\w.–-]*(?:\s*(?:and|,)\s*(?:(?:tables?|box(?:es)?|figures?|appendix)\s*)?"
    r"[A-Z\d][\w.–-]*)*\)",
    re.I,
)
# A link in parentheses: "…for hemodialysis centers (available at: http://www.cdc. gov/dialysis/)". The sentence
# is a statement without it (a link was debris, and the whole sentence with it).
_LINK = re.compile(r"\s*\((?:(?:available|accessible) (?:at|from)|see|at)?:?\s*(?:https?://|www\.)[^()]*\)", re.I)
# A PDF heading read into its first sentence: "Injection Safety Injection safety includes…".
_ECHOED_HEADING = re.compile(r"((?:[A-Z][\w-]*\s){1,5})(?=\1)", re.I)
_CHARACTERS = {"\u00ad": "", "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl"}
_CHARACTER = re.compile("|".join(_CHARACTERS))
_DOUBLE_DASH = re.compile(r"\s*--\s*")
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")

# "Note: Endoscopes should be hung in a vertical position." is a statement once its label goes (_LEADER).
_CAPTION = re.compile(r"^\s*(fig(ure)?|table|box|panel|appendix|abbreviations?|source|keywords?)\b\.?\s*[\dA-Z:]", re.I)
_CITATION = re.compile(
    r"\bet al\b\.?[^.]{0,40}\b(19|20)\d{2}\b|\bdoi:|https?://|www\.|\b\d+\(\d+\):\d+|"
    # "available at: http://…" points at a link; "are available at no cost to employees" is a statement
    r"\b[\w-]+\.(?:org|gov|com|net|edu|int)\b|\bavailable (?:at|from)(?::|\s+(?:https?://|www\.))|\baccessed\b",
    re.I,
)
# "This document does not replace…" names what it points at (the source itself): it stands alone.
_REFERENTIAL = re.compile(
    r"^(?!th(?:is|ese) (?:[\w-]+ ){0,3}(?:documents?|guidelines?|guidance|guides?|reports?|statements?|checklists?|"
    r"recommendations?)\b)(this|these|those|that|it|its|they|their|them|such|he|she|both|here|"
    r"there)\b",
    re.I,
)
# "There was no significant difference…", "It is recommended that…": an expletive subject points at nothing.
_EXPLETIVE = re.compile(
    r"^(?:there (?:is|are|was|were|has|have|had|will|may|might|can|could|should|appears?|seems?|remains?)\b|"
    r"it (?:is|was|has been|may be|might be|would be|remains|seems|appears) (?:not |also |therefore |thus |now |"
    r"generally |especially |particularly |very |highly |often |still )?(?:recommended|advised|advisable|important|"
    r"essential|necessary|critical|crucial|vital|imperative|unclear|unknown|uncertain|possible|impossible|likely|"
    r"unlikely|reasonable|prudent|appropriate|difficult|common|rare|estimated|believed|thought|known|suggested|"
    r"expected|noteworthy|clear|evident|apparent|worth)\b)",
    re.I,
)
# "Providers should return unused vaccine … on the Merck website at http://…/PCHRecall.pdf.": a directive that ends by
# saying where is quoted without the link; "Additional information is available at http://…" only points.
_TRAILING_LINK = re.compile(r"\s+(?:(?:or|and)\s+)?(?:at|from|on|via)\s*:?\s*(?:https?://|www\.)\S+?(?=\.?$)", re.I)
_DIRECTS = re.compile(r"\b(?:should|must|shall|recommends?|recommended)\b", re.I)
# A page's running heading read into the sentence after it: "XI.a. Device Reprocessing (continued) Single-use…".
_CONTINUED = re.compile(
    r"(?:[IVXL]{1,5}\.(?:[a-z]\.)?\s+|\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:[A-Z][\w/&,-]*\s+"
    r"(?:(?:and|of|for|in|on|the|to|or|with)\s+)*){1,8}\(continued\)\s*(?:[–—-]\s*)?"
)
_TERMINAL = re.compile(r"[.!][)\]”\"']?$")
_FORM = re.compile(r"\bnot applicable\b|\byes\s*/?\s*no\b|[☐□✓]", re.I)  # ❑ is also a plain bullet
# A reference-list entry: "Surname AB, Surname CD," authors, "et al.", "2019;12:345", a DOI or a URL.
_REFERENCE_ENTRY = re.compile(
    r"(?:\b[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)? [A-Z]{1,3}(?:,|\.)\s*){2,}|\bet al\.|\b(?:19|20)\d{2};\s*\d+|"
    r"\b(?:19|20)\d{2}\s*\.\s*\d+\s*\(|\bdoi\b|https?://"
)
_AUTHORS = re.compile(r"^(?:[A-Z][\w'’ -]{0,30} [A-Z]{1,3}(?:,|\.)\s*){2,}")
_REFERENCE_SECTION = re.compile(r"^\s*(references?|bibliography|literature cited|works cited|citations)\s*$", re.I)


# Where a list item starts inside what the sentence splitter read as one sentence: "…settings: 1. Use…",
# "…hands. • Wear gloves…". The item becomes a sentence of its own. A checklist's lettered item can follow a
# link with no full stop between them ("…available at: http://…/rr6007a1.htm F. All HCP receive…").
_AFTER_LINK = r"(?:(?<=\.htm)|(?<=\.html)|(?<=\.pdf)|(?<=\.aspx)|(?<=\.asp)|(?<=/))"
_ITEM_START = re.compile(
    r"(?<=[.:;!?])\s+(?=(?:[•▪●■]|[-–—]{1,2}|\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)])\s+[A-Z])|\s+(?=[•▪●■]\s)|"
    rf"{_AFTER_LINK}\s+(?=[A-Z][.)]\s+[A-Z][a-z])"
)


# A checklist's next lettered item run on after a word with no stop, the form's "Yes No" boxes dropped between them:
# "…extend beyond OSHA bloodborne pathogens training B. Infection prevention policies are re-assessed…". Only where
# the item before it ("A.") starts earlier in the text: "chronic hepatitis B. Persons with…" is one letter's name.
_RUN_ON_ITEM = re.compile(r"(?<=[a-z])\s+(?=([B-Z])\.\s+[A-Z][a-z])")


def _run_on_items(text: str, start: int, end: int) -> list[re.Match]:
    return [
        m
        for m in _RUN_ON_ITEM.finditer(text, start, end)
        if re.search(rf"(?:^|\s){chr(ord(m.group(1)) - 1)}\.\s+[A-Z]", text[: m.start()])
    ]


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] split where list items begin inside it."""
    parts, at = [], start
    starts = sorted([*_ITEM_START.finditer(text, start, end), *_run_on_items(text, start, end)], key=lambda m: m.start())
    for match in starts:
        if match.start() < at:
            continue
        if match.start() > at:
            parts.append((at, match.start()))
        at = match.end()
    if end > at:
        parts.append((at, end))
    return parts


def apply(text: str, start: int, end: int, edits: Iterable[Edit]) -> str:
    """The statement as shown: text[start:end] with its edits applied."""
    out, at = [], start
    for a, b, replacement in edits:
        out.append(text[at:a])
        out.append(replacement)
        at = b
    out.append(text[at:end])
    return "".join(out)


def _edits(text: str, start: int, end: int) -> list[Edit]:
    """Citation markers, cross-references and layout characters inside text[start:end], as edits."""
    found: list[Edit] = []
    window = text[start:end]

    def add(a: int, b: int, replacement: str) -> None:
        a, b = a + start, b + start
        if all(b <= x or a >= y for x, y, _ in found):
            found.append((a, b, replacement))

    for match in _PAREN_CITE.finditer(window):
        after = window[match.end() : match.end() + 2].lstrip()
        inner = re.sub(r"\D+", " ", match.group()).split()
        lone_enumerator = len(inner) == 1 and int(inner[0]) <= 9 and after[:1].isalpha() and "[" not in match.group()
        if not lone_enumerator:
            add(match.start(), match.end(), "")
    for pattern in (_EVIDENCE_TYPE, _CROSS_REF, _LINK):
        for match in pattern.finditer(window):
            add(match.start(), match.end(), "")
    for match in _GLUED_CITE.finditer(window):
        add(match.start(), match.end(), "")
    for match in _DOUBLE_DASH.finditer(window):
        before, after = window[match.start() - 1 : match.start()], window[match.end() : match.end() + 1]
        between_digits = (before.isdigit() or before == "%") and after.isdigit()  # "0.5%--1.5%", "1990--2004"
        add(match.start(), match.end(), "–" if between_digits else " — ")
    for match in _CHARACTER.finditer(window):
        add(match.start(), match.end(), _CHARACTERS[match.group()])
    for match in _LINE_BREAK.finditer(window):  # a sentence the page's markup broke reads as one line
        add(match.start(), match.end(), " ")
    return sorted(found)


def is_debris(text: str) -> bool:
    """Headers, captions, reference-list entries, table rows, list stubs and fragments: not statements."""
    words = _WORD.findall(text)
    if len(text) < 40 or len(text) > 700 or len(words) < 6:
        return True
    if text[0].islower() or text[0] in "([" or text.endswith("?") or not _TERMINAL.search(text):
        return True  # a fragment cut at a page or column break, a question heading, a list's lead-in
    if text.isupper() or _CAPTION.match(text) or _CITATION.search(text) or _FORM.search(text) or _AUTHORS.match(text):
        return True
    letters = sum(map(str.isalpha, text))
    digits = sum(map(str.isdigit, text))
    return digits > 0.25 * letters or letters < 0.6 * len(text)


def stands_alone(text: str) -> bool:
    """A sentence that opens by pointing back ("This…", "They…") needs its neighbours to make sense; one that
    opens with "There were…" or "It is recommended that…" does not."""
    return not _REFERENTIAL.match(text) or bool(_EXPLETIVE.match(text))


def statement(text: str, ordinal: int, start: int, end: int, section: str | None = None, alone: bool = True) -> Statement | None:
    """The sentence text[start:end] as a clean statement, or None when it is debris (or, with `alone`, when it
    does not stand alone)."""
    leader = _LEADER.match(text, start, end)
    if leader:
        start = leader.end()
    continued = _CONTINUED.match(text, start, end)
    if continued:
        start = continued.end()
    echoed = _ECHOED_HEADING.match(text, start, end)
    if echoed:
        start = echoed.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    item = _TRAILING_ITEM.search(text, start, end)
    if item:
        end = item.start()
    number = _NEXT_NUMBER.search(text, start, end)
    if number and number.group(1) not in _COUNTED:
        end = number.start(2)  # what is left has no full stop: a list entry, never a statement
    stub = _TRAILING_ENUMERATOR.search(text, start, end)
    if stub:
        end = stub.start() + 1  # keep the colon: a list's lead-in is not a statement, and reads as one
    edits = _edits(text, start, end)
    link = _TRAILING_LINK.search(text, start, end)
    if link and _DIRECTS.search(text, start, link.start()):
        edits = sorted([e for e in edits if e[1] <= link.start()] + [(link.start(), link.end(), "")])
    shown = apply(text, start, end, edits)
    if section == TITLE_SECTION:  # a title-only record's title: often no final stop, still the record's claim
        return (ordinal, start, end, tuple(edits)) if len(_WORD.findall(shown)) >= 4 else None
    if is_debris(shown) or alone and not stands_alone(shown):
        return None
    return ordinal, start, end, tuple(edits)


JOINED_CHARS = 450  # a sentence quoted with the one it points back to still reads at a glance


def _with_antecedent(text: str, before: Statement, ordinal: int, start: int, end: int, section: str | None) -> Statement | None:
    """ "Single-use devices… do not have reprocessing instructions. They may not be reprocessed except by…": a
    sentence that points back is quoted with the statement just before it, as one statement (keyed by its own
    ordinal; the sentence vectors of both stand for it, qa/statements.py). None when the two are not one
    run of prose: something between them (a trimmed list stub), a list item, or too long together."""
    made = statement(text, ordinal, start, end, section, alone=False)
    if made is None or made[1] != start or text[before[2] : start].strip():
        return None
    gap = () if text[before[2] : start] == " " else ((before[2], start, " "),)
    joined: Statement = (ordinal, before[1], made[2], (*before[3], *gap, *made[3]))
    shown = apply(text, *joined[1:])
    return joined if len(shown) <= JOINED_CHARS and not is_debris(shown) else None


def is_reference_list(sentences: list[str], section: str | None) -> bool:
    """A chunk of a bibliography: its section says so, or most of its sentences look like entries."""
    if section and _REFERENCE_SECTION.match(section):
        return True
    entries = sum(bool(_REFERENCE_ENTRY.search(s)) for s in sentences)
    return entries >= 3 and entries >= 0.4 * len(sentences)


def statements(text: str, spans: Iterable[tuple[int, int]], section: str | None, ends: dict[int, int]) -> tuple[Statement, ...]:
    """Every quotable statement of a chunk; `ends` overrides a sentence's end (a trimmed grade label)."""
    spans = list(spans)
    raw = [text[a:b] for a, b in spans]
    if is_reference_list(raw, section):
        return ()
    found: list[Statement] = []
    for ordinal, (a, b) in enumerate(spans):
        made = statement(text, ordinal, a, b, section)
        if made is None and found and found[-1][0] == ordinal - 1 and ordinal - 1 not in ends and ordinal not in ends:
            made = _with_antecedent(text, found[-1], ordinal, a, b, section)
            if made is not None:
                found.pop()  # quoted within the joined statement, never twice
        if made is not None and ordinal in ends:  # judged whole; quoted without its grade label
            _, start, end, edits = made
            made = (ordinal, start, min(end, ends[ordinal]), tuple(e for e in edits if e[1] <= ends[ordinal]))
        if made is not None:
            found.append(made)
    return tuple(found)
