"""Research sub-headings: readable noun phrases from the evidence, on real abstracts and the real model."""

from __future__ import annotations

import dataclasses
import json
import re
from functools import lru_cache

import lemminflect
import numpy as np
import pytest

from core.settings import Settings
from index.models import Hit, Passage
from ingest.models import TITLE_SECTION
from qa.phrases import is_readable_heading, pretty
from qa.select import Chosen, choose
from qa.statements import Candidate
from qa.topics import group_statements, subject

# Questions of the PubMedQA dev set with the gold abstract and three abstracts that share its words:
# what a retrieval for that question brings back.
ANSWERS = {
    "Is there a role for leukocyte and CRP measurements in the diagnosis of acute appendicitis in the elderly?": [
        "10340286",
        "19683101",
        "23860049",
        "20571467",
    ],
    "Can medical students contribute to quality assurance programmes in day surgery?": [
        "10354335",
        "22251324",
        "20121683",
        "20306735",
    ],
    "Does laparoscopic cholecystectomy influence peri-sinusoidal cell activity?": [
        "10430303",
        "12098035",
        "22970993",
        "16968183",
    ],
    "Is the international normalised ratio (INR) reliable?": ["15141797", "10605400", "27394685", "15151701"],
    "Is there a relationship between rheumatoid arthritis and periodontal disease?": [
        "10783841",
        "11570976",
        "23449952",
        "18800356",
    ],
    "Can tailored interventions increase mammography use among HMO women?": ["10808977", "10749257", "21880023", "25957366"],
}
BAD = [
    "Receptor Siponimod and Binds High",
    "Hemophilic Pseudotumor and Caused Describe",
    "Areas Cavity",
]


@lru_cache(maxsize=1)
def abstracts() -> dict[str, dict]:
    path = Settings().data_dir / "research" / "pubmedqa-abstracts.jsonl"
    with path.open(encoding="utf-8") as handle:
        return {a["pmid"]: a for a in map(json.loads, handle)}


def passage(pmid: str, text: str, row: int, mesh: list[str], section: str | None = "RESULTS", title=None) -> Passage:
    return Passage(
        row=row,
        chunk_id=f"PMID:{pmid}:{row}",
        doc_id=f"PMID:{pmid}",
        text=text,
        start=0,
        end=len(text),
        section=section,
        page=None,
        sentences=[(0, len(text))],
        grades={},
        kind="research",
        title=title,
        source=None,
        year=None,
        url=None,
        locator=f"PMID:{pmid}",
        path="research/pubmedqa-abstracts.jsonl",
        mesh=mesh,
    )


def candidate(p: Passage, vector: np.ndarray, score: float) -> Candidate:
    """A candidate sentence; every score field the ranking keeps (similarity, relevance, …) set to `score`."""
    hit = Hit(p, p.row, score, 0.0, score, None, p.row)
    given = {"hit": hit, "ordinal": 0, "span": (0, len(p.text)), "text": p.text, "vector": vector, "grade": None}
    return Candidate(**{f.name: given.get(f.name, score) for f in dataclasses.fields(Candidate)})


def answer(embedder, question: str, pmids: list[str], with_mesh: bool) -> list[Chosen]:
    """The 8 statements an answer would show: sentences of the abstracts most like the question, diverse."""
    found = []
    for pmid in pmids:
        record = abstracts()[pmid]
        for section in record["sections"]:
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", section["text"]):
                if 40 <= len(sentence) <= 400:
                    found.append((pmid, section["label"], sentence, record["mesh"] if with_mesh else []))
    vectors = embedder.embed([s for _, _, s, _ in found])
    question_vector = embedder.embed([question])[0]
    pool = [
        candidate(passage(pmid, text, row, mesh, section), vector, float(vector @ question_vector))
        for row, ((pmid, section, text, mesh), vector) in enumerate(zip(found, vectors))
    ]
    pool.sort(key=lambda c: -c.score)
    return choose(pool, limit=8, min_score=0.0, mmr_lambda=0.7, duplicate=0.9)


@pytest.fixture(scope="module")
def without_mesh(embedder) -> dict[str, list[Chosen]]:
    return {q: answer(embedder, q, pmids, with_mesh=False) for q, pmids in ANSWERS.items()}


@pytest.fixture(scope="module")
def with_mesh(embedder) -> dict[str, list[Chosen]]:
    return {q: answer(embedder, q, pmids, with_mesh=True) for q, pmids in ANSWERS.items()}


def only_verb_or_adverb(word: str) -> bool:
    classes = set(lemminflect.getAllLemmas(word.lower()))
    return bool(classes) and classes <= {"VERB", "AUX", "ADV"}


def test_the_word_lists_of_old_are_not_readable_headings() -> None:
    for heading in BAD:
        assert not is_readable_heading(heading), heading


@pytest.mark.parametrize(
    "heading",
    [
        "Bone Marrow and Nutritional Deficiencies",
        "Acute Appendicitis and Leukocyte Count",
        "HIV",
        "mRNA Vaccines",
        "Quality of Life",
        "Type 2 Diabetes Mellitus",
        "Intratracheal Intubation",
        "Long-Term Follow-Up",
        "Crohn's Disease",
        "Further Findings",
    ],
)
def test_noun_phrases_are_readable(heading: str) -> None:
    assert is_readable_heading(heading)


@pytest.mark.parametrize(
    "heading",
    [
        "High",
        "Significantly",
        "Binds",
        "25",
        "25 mg",
        "Patients of",
        "The Outcome",
        "Outcome and",
        "Fracture Fracture",
        "Bone Marrow and Marrow Fat",
        "Caused",
        "Lower Higher",
        "Rates Outcome",
        "Describe the Area",
        "",
        "Aims (2010)",
    ],
)
def test_verbs_stray_adjectives_stop_words_repeats_and_numbers_are_not(heading: str) -> None:
    assert not is_readable_heading(heading)


def test_headings_from_abstracts_without_mesh_read_as_noun_phrases(without_mesh) -> None:
    for question, chosen in without_mesh.items():
        groups = group_statements(chosen, 4, question)
        headings = [h for h, _ in groups]
        assert len(groups) >= 2 and sum(len(g) for _, g in groups) == len(chosen) == 8
        for heading in headings:
            assert is_readable_heading(heading), (question, headings)
            assert not any(only_verb_or_adverb(w) for w in heading.split()), heading
            assert not re.search(r"\b(and|of)$|^(and|of|the)\b", heading, re.I), heading
        assert len({h.lower() for h in headings}) == len(headings), headings  # distinct groups, distinct names
        assert not any(h in {"Further Findings", "Additional Findings"} for h in headings), headings


def test_headings_name_what_the_group_says(without_mesh) -> None:
    """Each heading's words come from the evidence: the group's sentences (or the question's subject)."""
    for question, chosen in without_mesh.items():
        topic = subject(question, [c.main.text for c in chosen])
        for heading, group in group_statements(chosen, 4, question):
            label = heading[len(topic) + len(" and ") :] if topic and heading.startswith(f"{topic} and ") else heading
            text = " ".join(c.main.text for c in group).lower()
            for word in re.findall(r"[\w'-]+", label.lower()):
                if word not in ("of", "and") and not (topic and word in topic.lower()):
                    assert word.rstrip("s") in text, (heading, word)


def test_subject_joins_only_when_it_reads_well(without_mesh) -> None:
    question = next(iter(ANSWERS))
    chosen = without_mesh[question]
    topic = subject(question, [c.main.text for c in chosen])
    assert topic == "Acute Appendicitis"
    headings = [h for h, _ in group_statements(chosen, 4, question)]
    assert any(h.startswith("Acute Appendicitis and ") for h in headings), headings
    for heading in headings:
        rest = heading.removeprefix("Acute Appendicitis and ")
        if rest != heading:
            assert "appendicitis" not in rest.lower(), heading  # the subject never twice in one heading


def test_title_only_records_are_named_by_what_they_say_never_by_their_section(embedder) -> None:
    """A title-only record's one sentence is its title, in a section labelled "Title": a part of a paper, not a
    topic, so it never names a group (it once headed 456 of 500 PubMedQA answers on a title-only index)."""
    for question, pmids in ANSWERS.items():
        # the title a title-only record would have: its conclusion's first sentence (as bench/dev_sets.py makes them)
        titles = [
            next(s["text"] for s in reversed(abstracts()[pmid]["sections"]) if "CONCLU" in s["label"].upper())
            .split(". ")[0]
            .rstrip(".")
            for pmid in pmids
        ]
        vectors = embedder.embed(titles)
        question_vector = embedder.embed([question])[0]
        pool = sorted(
            (
                candidate(passage(pmid, text, row, [], TITLE_SECTION, title=text), vector, float(vector @ question_vector))
                for row, (pmid, text, vector) in enumerate(zip(pmids, titles, vectors))
            ),
            key=lambda c: -c.score,
        )
        headings = [h for h, _ in group_statements(choose(pool, 8, 0.0, 0.7, 0.9), 4, question)]
        assert headings and all(is_readable_heading(h) for h in headings), headings
        assert not any(re.search(r"\btitles?\b", h, re.I) for h in headings), (question, headings)


def test_mesh_terms_still_name_groups_when_present(with_mesh) -> None:
    used = 0
    for question, chosen in with_mesh.items():
        for heading, group in group_statements(chosen, 4, question):
            assert is_readable_heading(heading), heading
            terms = {pretty(m).lower() for c in group for m in c.main.hit.passage.mesh}
            used += any(t in heading.lower() for t in terms)
    assert used >= 10  # nearly every group is named by one of its documents' MeSH terms


def test_document_titles_count_as_evidence(embedder) -> None:
    texts = [
        "The difference between the two settings was not significant (chi 2 = 0.3; p>0.05).",
        "These results were not significantly different.",
    ]
    title = "Oral endotracheal intubation in air medical transport"
    vectors = embedder.embed(texts)
    chosen = [
        Chosen(candidate(passage("10135926", t, i, [], title=title), v, 0.5 - i / 10))
        for i, (t, v) in enumerate(zip(texts, vectors))
    ]
    [(heading, _)] = group_statements(chosen, 4, "Does helicopter transport impair intubation by flight nurses?")
    assert heading in {"Oral Endotracheal Intubation", "Air Medical Transport", "Endotracheal Intubation"}, heading


def test_no_noun_phrase_gives_a_neutral_heading_never_a_word_list(embedder) -> None:
    texts = ["These differences were not significant.", "They were similar in both groups (p = 0.4)."]
    vectors = embedder.embed(texts)
    chosen = [Chosen(candidate(passage("1", t, i, []), v, 0.5)) for i, (t, v) in enumerate(zip(texts, vectors))]
    [(heading, group)] = group_statements(chosen, 4, "Is it reliable?")
    assert heading == "Further Findings" and len(group) == 2


def test_pretty_is_unchanged() -> None:
    assert pretty("Anemia, Aplastic") == "Aplastic Anemia"
    assert pretty("bone marrow") == "Bone Marrow"
    assert pretty("mRNA vaccines and HIV") == "mRNA Vaccines And HIV"
    assert pretty("quality of life") == "Quality Of Life"


def test_naming_is_repeatable_and_leaves_the_statements_as_chosen(without_mesh) -> None:
    """The same evidence always gets the same headings, and naming never reorders or drops what was chosen.
    (Its cost is part of composing, measured by bench/answer_latency.py; a test does not time it.)"""
    for question, chosen in without_mesh.items():
        before = [id(c) for c in chosen]
        first = group_statements(chosen, 4, question)
        again = group_statements(chosen, 4, question)
        assert [(h, [id(c) for c in g]) for h, g in first] == [(h, [id(c) for c in g]) for h, g in again]
        assert [id(c) for c in chosen] == before
        assert sorted(id(c) for _, g in first for c in g) == sorted(before)
