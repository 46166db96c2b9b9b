"""Statements chosen per section → the answer of ../shared/answer-format.md, with references by first use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from core.settings import QASettings
from index.models import Hit
from qa.lead import rank_for_lead
from qa.models import (
    Answer,
    Audience,
    Evidence,
    EvidenceScores,
    GuidelineSection,
    Reference,
    ResearchGroup,
    ResearchSection,
    Review,
    Statement,
)
from qa.phrases import pretty
from qa.question import Question
from qa.sections import group_points
from qa.select import Chosen, choose, without_repeats
from qa.statements import Candidate
from qa.study import by_design, profile
from qa.tables import excerpt, image_links, together
from qa.topics import group_statements

NO_GUIDELINE = "No guideline in the index addresses this question."
PATIENT_DISCLAIMER = (
    "Quoted from health reference pages, clinical guidelines and research written mostly for health professionals. "
    "It is general information, not medical advice: talk to your doctor, nurse or pharmacist about your own care."
)
NO_RESEARCH = "No research in the index addresses this question."


class _References:
    """Numbers documents in order of first use: one reference per document, listing the pages it is cited on."""

    def __init__(self) -> None:
        self.items: dict[str, Reference] = {}

    def number(self, candidate: Candidate, statement: tuple[str, int, int]) -> int:
        """The reference number of the candidate's document; `statement` is the (chunk_id, start, end) citing it."""
        passage = candidate.hit.passage
        reference = self.items.get(passage.doc_id)
        if reference is None:
            reference = self.items[passage.doc_id] = Reference.of(passage, len(self.items) + 1)
        reference.cite(passage, candidate.span, statement)
        return reference.number


def _statement(chosen: Chosen, references: _References) -> Statement:
    main = chosen.main
    key = (main.hit.passage.chunk_id, *main.span)
    refs = [references.number(main, key)]
    for duplicate in chosen.duplicates:
        number = references.number(duplicate, key)
        if number not in refs:
            refs.append(number)
    return Statement(
        text=main.text,
        refs=refs,
        chunk_id=main.hit.passage.chunk_id,
        span=main.span,
        grade=main.grade,
        doc_id=main.hit.passage.doc_id,
        score=round(main.score, 4),
        table=excerpt(main.hit.passage),
        study=profile(main.hit.passage.study) if main.kind == "research" else None,
        source_links=image_links(main.hit.passage, main.span),
    )


def _pool(candidates: Iterable[Candidate], kind: str) -> list[Candidate]:
    return [c for c in candidates if c.kind == kind]


def _reference_groups(chosen: list[Chosen]) -> list[tuple[str, list[Chosen]]]:
    """Reference pages group under their own titles ("Adult Acute Lymphoblastic Leukemia")."""
    groups: dict[str, list[Chosen]] = {}
    for c in chosen:
        title = c.main.hit.passage.title or c.main.hit.passage.doc_id
        groups.setdefault(pretty(title) if title.islower() else title, []).append(c)
    return list(groups.items())


def _groups(grouped: list[tuple[str, list[Chosen]]], references: _References) -> list[ResearchGroup]:
    return [ResearchGroup(heading=h, points=together([_statement(c, references) for c in group])) for h, group in grouped]


def lead_pool(
    candidates: list[Candidate], scope: Sequence[Candidate], settings: QASettings
) -> tuple[list[Chosen], list[Candidate]]:
    """(the scope statement that leads, if any; the guideline statements the rest of the lead is ranked from)."""
    limits = [Chosen(c) for c in scope[:1]]
    stated = {(c.main.hit.passage.chunk_id, c.main.span) for c in limits}
    pool = [c for c in _pool(candidates, "guideline") if (c.hit.passage.chunk_id, c.span) not in stated]
    return limits, without_repeats(pool, [c.main for c in limits], settings.duplicate_similarity)


def guideline_statements(ranked: list[Candidate], settings: QASettings) -> list[Chosen]:
    """The lead (the best answers as ranked) and the guideline points after it (MMR for coverage)."""
    return choose(
        ranked, settings.lead + settings.guideline_points, 0.0, settings.mmr_lambda, settings.duplicate_similarity, settings.lead
    )


def compose(
    asked: str,
    question: Question,
    hits: list[Hit],
    candidates: list[Candidate],
    settings: QASettings,
    index_version: str,
    audience: Audience = "clinician",
    conversation_id: str | None = None,
    scope: Sequence[Candidate] = (),
) -> Answer:
    """`asked`: the question as the clinician wrote it; `question`: as understood and read (qa/question.py).
    `scope`: the guidelines' statements that they do not cover what was asked (qa/scope.py); one leads."""
    # `candidates` are already on-topic (qa/statements.on_topic): choosing is about coverage and duplicates.
    pick = lambda pool, limit, best=0: choose(pool, limit, 0.0, settings.mmr_lambda, settings.duplicate_similarity, best)  # noqa: E731
    patient = audience == "patient"
    # Ranked as answers (qa/lead.py), then chosen in one pass: the lead is the best answer, and no point
    # below it repeats it.
    limits, guideline_pool = lead_pool(candidates, scope, settings)
    guideline = guideline_statements(rank_for_lead(guideline_pool, question.traits, question.asked), settings)
    research = pick(_pool(candidates, "research"), settings.research_points // 2 if patient else settings.research_points)
    reference = pick(_pool(candidates, "reference"), settings.reference_points * (2 if patient else 1))

    references = _References()
    # Numbered in reading order: a patient's answer opens with the reference pages.
    reference_groups = _groups(_reference_groups(reference), references) if patient else []
    lead = together([_statement(c, references) for c in limits + guideline[: settings.lead]])
    loose, grouped = group_points(guideline[settings.lead :])
    points = together([_statement(c, references) for c in loose])
    guideline_groups = _groups(grouped, references)
    research_grouped = group_statements(research, settings.research_groups, question.text)  # each group by relevance
    if settings.research_order == "design":  # ordered before numbering: references stay numbered by first use
        research_grouped = [(heading, by_design(group)) for heading, group in research_grouped]
    research_groups = _groups(research_grouped, references)
    reference_groups = reference_groups if patient else _groups(_reference_groups(reference), references)
    cited = {s.chunk_id for s in lead + points} | {
        s.chunk_id for g in guideline_groups + research_groups + reference_groups for s in g.points
    }
    cited |= {d.hit.passage.chunk_id for c in guideline + research + reference for d in c.duplicates}
    abstained = not (lead or research_groups or reference_groups)
    return Answer(
        question=asked,
        understood_as=question.text,
        conversation_id=conversation_id,
        audience=audience,
        abstained=abstained,
        guidelines=GuidelineSection(lead=lead, points=points, sections=guideline_groups, note=None if lead else NO_GUIDELINE),
        research=ResearchSection(sections=research_groups, note=None if research_groups else NO_RESEARCH),
        reference_pages=ResearchSection(sections=reference_groups),
        references=sorted(references.items.values(), key=lambda r: r.number),
        # Per-kind retrieval ranks are not comparable across kinds; meaning is, so editors see the closest first.
        evidence=[
            _evidence(hit, rank, hit.passage.chunk_id in cited)
            for rank, hit in enumerate(sorted(hits, key=lambda h: -h.dense), start=1)
        ],
        review=Review(updated_at=datetime.now(UTC).isoformat(timespec="seconds")),
        index_version=index_version,
        **({"disclaimer": PATIENT_DISCLAIMER} if patient else {}),
    )


def _evidence(hit: Hit, rank: int, cited: bool) -> Evidence:
    p = hit.passage
    return Evidence(
        chunk_id=p.chunk_id,
        doc_id=p.doc_id,
        kind=p.kind,
        title=p.title,
        source=p.source,
        year=p.year,
        locator=p.citation_locator,
        text=p.text,
        rank=rank,
        cited=cited,
        study=profile(p.study),
        scores=EvidenceScores(
            bm25=round(hit.bm25, 4),
            dense=round(hit.dense, 4),
            fused=round(hit.fused, 6),
            bm25_rank=hit.bm25_rank,
            dense_rank=hit.dense_rank,
        ),
    )
