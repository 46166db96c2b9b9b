"""Rendering of one Answer to terminal Markdown and to an HTML fragment: layout, citations, escaping."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from present.render import to_html, to_markdown
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


# ---------------------------------------------------------------- Markdown


def test_markdown_superscripts_match_refs_and_grades_only_when_stated() -> None:
    md = to_markdown(make_answer())
    assert f"{R1} [A; type 2] ¹" in md
    assert f"{R2} [A; type 2] ¹,³" in md  # two refs on one statement
    assert f"- {R3} ¹²\n" in md  # multi-digit number, no grade stated so none shown
    assert f"- {P1} ²\n" in md and f"- {P2} ⁴\n" in md
    assert md.count("[") == 2  # only the two graded statements carry brackets


def test_markdown_layout_top_to_bottom() -> None:
    md = to_markdown(make_answer())
    lines = md.splitlines()
    assert lines[0] == f"## {QUESTION}" and "Understood as" not in md
    lead = next(line for line in lines if line.startswith(R1))
    assert R2 in lead  # the lead is one paragraph
    order = [
        "### From the Guidelines",
        "### From the Research",
        "#### Naloxone and Overdose Prevention",
        "#### Naloxone Access in Pharmacies",
        "### References",
        "Review status:",
    ]
    positions = [md.index(h) for h in order]
    assert positions == sorted(positions)
    assert "From Reference Pages" not in md
    assert "Review status: Under Review · Last updated: 2026-11-23" in md
    assert lines[-1] == f"_{make_answer().disclaimer}_"


def test_markdown_references_grouped_in_order_and_numbered_as_given() -> None:
    answer = make_answer()
    answer.references.append(ref(5, "reference", title="Naloxone monograph", source=None, year=None, locator="naloxone.html"))
    answer.reference_pages = ResearchSection(
        sections=[
            ResearchGroup(
                heading="Drug Monographs", points=[stmt("Naloxone is an opioid antagonist.", [5], chunk="r1", doc="monograph")]
            )
        ]
    )
    md = to_markdown(answer)
    refs = md[md.index("### References") :]
    labels = [refs.index(f"**{label}**") for label in ("Guideline", "Research", "Reference")]
    assert labels == sorted(labels)
    assert refs.index("\n1. ") < refs.index("\n3. ") < refs.index("\n12. ") < refs.index("\n2. ") < refs.index("\n5. ")
    assert (
        "1. CDC Clinical Practice Guideline for Prescribing Opioids for Pain — United States, 2022 — MMWR Recomm Rep, 2022.\n"
    ) in refs  # its locator is a file path: never shown
    assert "2. Naloxone co-prescribing and ED visits — Ann Intern Med, 2016. PMID:27366987 https://pubmed" in refs
    assert "5. Naloxone monograph.\n" in refs
    assert "### From Reference Pages" in md and "#### Drug Monographs" in md


def test_markdown_understood_as_only_when_different() -> None:
    md = to_markdown(make_answer(question="And for children?", understood_as="When should naloxone be offered to children?"))
    assert md.splitlines()[:2] == ["## And for children?", "_Understood as: When should naloxone be offered to children?_"]


def test_a_follow_up_says_which_question_it_follows() -> None:
    answer = make_answer(question="And for children?", understood_as="When is naloxone offered? And for children?")
    answer.follow_up_to = "When is naloxone offered?"
    assert to_markdown(answer).splitlines()[:2] == ["## And for children?", "_Follow-up to: When is naloxone offered?_"]
    assert "<em>Follow-up to: When is naloxone offered?</em>" in to_html(answer)
    assert "Understood as" not in to_html(answer)


def test_note_replaces_empty_guideline_section() -> None:
    note = "No guideline in the index addresses naloxone for this population."
    answer = make_answer(guidelines=GuidelineSection(note=note))
    md = to_markdown(answer)
    assert f"### From the Guidelines\n\n{note}\n" in md
    assert "Closest passages" not in md
    assert f'<h3>From the Guidelines</h3><p class="note">{note}</p>' in to_html(answer)


def test_abstained_answer_lists_closest_passages() -> None:
    long = "Opioid tapering should be individualized. " * 10
    answer = make_answer(
        abstained=True,
        guidelines=GuidelineSection(),
        research=ResearchSection(),
        references=[],
        evidence=[
            evidence(i, long if i == 1 else f"Passage {i}\nabout tapering.", title=None if i == 2 else "Taper guide")
            for i in range(1, 8)
        ],
    )
    md = to_markdown(answer)
    assert "no sufficiently relevant evidence" in md and "### From the Guidelines" not in md
    closest = md[md.index("Closest passages (for an editor):") :].splitlines()
    items = [line for line in closest if line.startswith("- ")]
    assert len(items) == 5
    assert items[0].startswith('- Taper guide (doc1.pdf#page=1): "Opioid tapering')
    assert items[0].endswith('…"') and len(items[0].split('"')[1]) <= 161
    assert items[1] == '- doc2 (doc2.pdf#page=2): "Passage 2 about tapering."'
    html = to_html(answer)
    assert html.count("<li>") == 5 and "no sufficiently relevant evidence" in html


def test_abstained_answer_uses_section_notes() -> None:
    note = "The indexed guidelines do not cover this drug."
    answer = make_answer(abstained=True, guidelines=GuidelineSection(note=note), research=ResearchSection(), references=[])
    assert note in to_markdown(answer) and note in to_html(answer)


def test_no_none_anywhere_and_newlines_collapsed() -> None:
    answer = make_answer(
        guidelines=GuidelineSection(lead=[stmt(R1, [1]), stmt(R2, [1], chunk="c2")], points=[stmt(R3, [1], chunk="c3")]),
        research=ResearchSection(
            sections=[
                ResearchGroup(
                    heading="Naloxone\nUptake",
                    points=[stmt("Naloxone uptake\nrose after\r\n  the law changed.", [2], chunk="p1")],
                )
            ]
        ),
        references=[
            ref(1, "guideline", title=None, source=None, year=None, locator="notes.txt"),
            ref(2, "research", title=None, source="BMJ", year=None, locator="PMID:1", url=None),
        ],
        review=Review(status="submitted", updated_at="2026-01-05T08:00:00+00:00", reviewer=None),
    )
    md, html = to_markdown(answer), to_html(answer)
    assert "None" not in md and "None" not in html
    assert "1. Untitled.\n" in md and "notes.txt" not in md and "2. Untitled — BMJ. PMID:1" in md
    assert "- Naloxone uptake rose after the law changed. ²" in md and "#### Naloxone Uptake" in md
    assert "Review status: Submitted · Last updated: 2026-01-05" in md


def test_markdown_strips_terminal_escape_codes() -> None:
    answer = make_answer()
    answer.guidelines.points[0].text = "Offer naloxone\x1b[2J\x1b]0;pwned\x07 to all."
    md = to_markdown(answer)
    assert "\x1b" not in md and "\x07" not in md


# ---------------------------------------------------------------- HTML


def test_html_structure() -> None:
    html = to_html(make_answer())
    tree = Tree(html)
    assert html.startswith('<article class="answer">') and html.endswith("</article>")
    assert "<html" not in html and "<body" not in html
    assert [t for t, _ in tree.tags if t in {"h2", "h3"}] == ["h2", "h3", "h3", "h3"]
    assert len(tree.find("p", **{"class": "lead"})) == 1
    spans = tree.find("span", **{"class": "statement"})
    assert [s["data-chunk-id"] for s in spans] == ["c1", "c2", "c3", "p1", "p2"]
    assert spans[0]["data-span"] == f"120,{120 + len(R1)}"
    assert html.count('<span class="grade">[A; type 2]</span>') == 2
    assert (
        '<sup class="refs"><a href="#ref-1" class="ref" data-ref="1">1</a>,<a href="#ref-3" class="ref" data-ref="3">3</a></sup>'
    ) in html
    assert '<a href="#ref-12" class="ref" data-ref="12">12</a>' in html
    assert [a["id"] for a in tree.find("li") if a.get("id")] == ["ref-1", "ref-3", "ref-12", "ref-2", "ref-4"]
    assert len(tree.find("ol", **{"class": "references"})) == 2
    assert "<h4>Guideline</h4>" in html and html.index("<h4>Guideline</h4>") < html.index("<h4>Research</h4>")
    assert tree.find("a", href="https://pubmed.ncbi.nlm.nih.gov/27366987/", rel="noopener noreferrer", target="_blank")
    footer = html[html.index("<footer>") :]
    assert "Under Review" in footer and "2026-11-23" in footer and "does not replace clinical judgement" in footer


def test_an_answer_citing_a_missing_reference_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="cites"):
        make_answer(references=[])


def test_every_ref_link_has_a_target() -> None:
    answer = make_answer()
    answer.research.sections[0].points[0].refs = [2, 99]  # 99 is not in the list: must not dangle
    tree = Tree(to_html(answer))
    targets = {a["href"] for a in tree.find("a") if (a.get("href") or "").startswith("#ref-")}
    ids = {f"#{li['id']}" for li in tree.find("li") if li.get("id")}
    assert targets and targets <= ids and "#ref-99" not in targets
    for li in tree.find("li"):
        if li.get("id"):
            assert li["id"] == f"ref-{li['value']}"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://x\n.evil",
    ],
)
def test_unsafe_url_is_text_not_link(url: str) -> None:
    answer = make_answer()
    answer.references[3].url = url
    html = to_html(answer)
    tree = Tree(html)
    assert not [a for a in tree.find("a") if "alert" in (a.get("href") or "") or "evil" in (a.get("href") or "")]
    assert not tree.find("script")
    assert url.strip() in "".join(tree.text)


def test_document_text_is_escaped_everywhere() -> None:
    answer = make_answer(question=HOSTILE, understood_as=HOSTILE + " (follow-up)")
    answer.guidelines.lead[0].text = HOSTILE
    answer.guidelines.lead[0].chunk_id = 'c1" onmouseover="alert(3)'
    answer.guidelines.lead[0].grade = "<b>A</b>"
    answer.research.sections[0].heading = HOSTILE
    answer.references[0].title = HOSTILE
    answer.references[0].source = "<img src=x onerror=alert(4)>"
    answer.references[0].locator = 'doi:"><script>alert(5)</script>'
    html = to_html(answer)
    tree = Tree(html)
    assert not tree.find("script") and not tree.find("img") and not tree.find("b")
    assert not [a for _, a in tree.tags if any(k.startswith("on") for k in a)]
    text = "".join(tree.text)
    assert text.count(HOSTILE) == 5  # question, understood-as, statement, heading, title all round-trip
    assert "<img src=x onerror=alert(4)>" in text and '"><script>alert(5)</script>' in text
    assert tree.find("span", **{"class": "statement"})[0]["data-chunk-id"] == 'c1" onmouseover="alert(3)'
    assert "&amp;" in html and "&lt;script&gt;" in html


def test_abstained_evidence_is_escaped() -> None:
    answer = make_answer(
        abstained=True,
        guidelines=GuidelineSection(),
        research=ResearchSection(),
        references=[],
        evidence=[evidence(1, HOSTILE, title="<script>alert(6)</script>")],
    )
    tree = Tree(to_html(answer))
    assert not tree.find("script")
    assert "<script>alert(6)</script>" in "".join(tree.text)


def test_approved_answer_names_approver_and_marks_newer_evidence() -> None:
    answer = make_answer(
        review=Review(
            status="approved", updated_at="2026-11-20T09:00:00Z", approved_by="erin", approved_at="2026-11-20T09:00:00Z"
        )
    )
    answer.newer_evidence_available = True
    md, html = to_markdown(answer), to_html(answer)
    assert "Review status: Approved by erin on 2026-11-20" in md and "Newer evidence is available" in md
    assert "Approved</span> by erin on 2026-11-20" in html and 'class="newer"' in html
