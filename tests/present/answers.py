"""Answers built by hand for the rendering tests: statements, references, evidence, and an HTML tag collector."""

from __future__ import annotations

from html.parser import HTMLParser

from qa.models import (
    Answer,
    Evidence,
    EvidenceScores,
    GuidelineSection,
    Reference,
    ResearchGroup,
    ResearchSection,
    Review,
    Statement,
)

CDC = "cdc-opioids-2022"
QUESTION = "When should naloxone be offered to patients on opioids?"
R1 = (
    "Before starting and periodically during continuation of opioid therapy, clinicians should "
    "evaluate risk for opioid-related harms and should work with patients to incorporate into the "
    "management plan strategies to mitigate risk, including offering naloxone."
)
R2 = "Nonopioid therapies are preferred for subacute and chronic pain."
R3 = "Clinicians should offer naloxone when prescribing opioids to patients at increased risk for overdose."
P1 = (
    "Naloxone co-prescription was associated with a 47% reduction in opioid-related emergency "
    "department visits in the following 6 months."
)
P2 = "Pharmacist-initiated naloxone dispensing increased uptake among patients receiving ≥50 MME/day."
HOSTILE = 'Dose <script>alert(1)</script> "onmouseover=alert(2) x & y'


def stmt(text: str, refs: list[int], *, grade: str | None = None, chunk: str = "c1", doc: str = CDC) -> Statement:
    return Statement(text=text, refs=refs, chunk_id=chunk, span=(120, 120 + len(text)), grade=grade, doc_id=doc, score=0.8)


def ref(number: int, kind: str, **kw: object) -> Reference:
    fields = {
        "title": f"Document {number}",
        "source": "CDC",
        "year": 2022,
        "doc_id": f"d{number}",
        "locator": f"d{number}.pdf#page=4",
    } | kw
    return Reference(number=number, kind=kind, **fields)  # type: ignore[arg-type]


def evidence(i: int, text: str, title: str | None = "CDC Clinical Practice Guideline") -> Evidence:
    return Evidence(
        chunk_id=f"c{i}",
        doc_id=f"doc{i}",
        kind="guideline",
        title=title,
        locator=f"doc{i}.pdf#page={i}",
        text=text,
        rank=i,
        scores=EvidenceScores(bm25=3.1, dense=0.41, fused=0.016),
    )


def make_answer(**kw: object) -> Answer:
    fields: dict[str, object] = {
        "question": QUESTION,
        "understood_as": QUESTION,
        "guidelines": GuidelineSection(
            lead=[stmt(R1, [1], grade="A; type 2"), stmt(R2, [1, 3], grade="A; type 2", chunk="c2")],
            points=[stmt(R3, [12], chunk="c3")],
        ),
        "research": ResearchSection(
            sections=[
                ResearchGroup(heading="Naloxone and Overdose Prevention", points=[stmt(P1, [2], chunk="p1", doc="pmid1")]),
                ResearchGroup(heading="Naloxone Access in Pharmacies", points=[stmt(P2, [4], chunk="p2", doc="pmid2")]),
            ]
        ),
        "references": [
            ref(
                1,
                "guideline",
                title="CDC Clinical Practice Guideline for Prescribing Opioids for Pain — United States, 2022",
                source="MMWR Recomm Rep",
                locator="cdc-opioids-2022.pdf#page=25",
            ),
            ref(3, "guideline", title="VA/DoD Guideline for Opioid Therapy for Chronic Pain", source="VA/DoD", year=2022),
            ref(12, "guideline", title="WHO Community Management of Opioid Overdose", source="WHO", year=2014),
            ref(
                2,
                "research",
                title="Naloxone co-prescribing and ED visits",
                source="Ann Intern Med",
                year=2016,
                locator="PMID:27366987",
                url="https://pubmed.ncbi.nlm.nih.gov/27366987/",
            ),
            ref(4, "research", title="Pharmacy naloxone dispensing", source="JAMA", year=2019, locator="doi:10.1001/x"),
        ],
        "review": Review(status="under_review", updated_at="2026-11-23T10:00:00Z"),
        "index_version": "v1",
    } | kw
    return Answer(**fields)  # type: ignore[arg-type]


class Tree(HTMLParser):
    """Collects every start tag with its attributes and all text, to check what a browser would see."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]
