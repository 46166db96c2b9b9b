"""Rendering of one Answer to an HTML fragment: structure, links that resolve, escaping, review status."""

from __future__ import annotations

import pytest

from present.render import to_html, to_markdown
from qa.models import GuidelineSection, ResearchSection, Review
from tests.present.answers import HOSTILE, R1, Tree, evidence, make_answer


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
