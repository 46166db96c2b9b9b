"""Rendering of one Answer to terminal Markdown: layout, citations, notes, escaping."""

from __future__ import annotations

from present.render import to_html, to_markdown
from qa.models import GuidelineSection, ResearchGroup, ResearchSection, Review
from tests.present.answers import P1, P2, QUESTION, R1, R2, R3, evidence, make_answer, ref, stmt


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
