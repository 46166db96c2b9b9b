"""The reference list: one reference per document with the pages still cited, never an internal path."""

from __future__ import annotations

import pytest

from present.render import to_html, to_markdown
from qa.models import Answer, CitedPage, GuidelineSection, ResearchSection
from review.workflow import _remove, renumber
from tests.present.answers import R1, Tree, make_answer, ref, stmt

# ---------------------------------------------------------------- cited pages


GUIDE_PDF = "guidelines/cdc-opioid-prescribing-guideline-2022-rr7103a1.pdf"


def paged(url: str | None = None, pages: tuple[int, ...] = (33, 11, 26), **kw: object) -> Answer:
    """Three guideline statements from three pages of one PDF (cited out of page order), one reference."""
    lead = [stmt(R1, [1], chunk=f"c{p}") for p in pages]
    span = (120, 120 + len(R1))
    cited = [CitedPage(page=p, chunk_id=f"c{p}", span=span, cited_by=[(f"c{p}", *span)]) for p in sorted(pages)]
    reference = ref(
        1,
        "guideline",
        title="CDC Clinical Practice Guideline for Prescribing Opioids for Pain",
        source="CDC",
        year=2022,
        doc_id=GUIDE_PDF,
        locator=GUIDE_PDF,
        url=url,
        pages=sorted(pages),
        cited_pages=cited,
    )
    return make_answer(guidelines=GuidelineSection(lead=lead), research=ResearchSection(), references=[reference], **kw)


def test_one_reference_lists_its_pages_in_order_and_no_local_path() -> None:
    answer = paged()
    md, html = to_markdown(answer), to_html(answer)
    assert "1. CDC Clinical Practice Guideline for Prescribing Opioids for Pain — CDC, 2022. pp. 11, 26, 33\n" in md
    for rendered in (md, html):
        assert "guidelines/" not in rendered and ".pdf#page" not in rendered and ".pdf" not in rendered
    tree = Tree(html)
    pages = tree.find("a", **{"class": "page"})
    assert [a["data-chunk-id"] for a in pages] == ["c11", "c26", "c33"]
    # without a public PDF, a page opens its cited passage here (the page's passage panel)
    assert [a["href"] for a in pages] == [f"/chunks/c{p}?span=120,{120 + len(R1)}" for p in (11, 26, 33)]
    assert all(a["data-ref"] == "1" and a["data-span"] == f"120,{120 + len(R1)}" for a in pages)
    assert '<span class="pages">pp. <a' in html


def test_one_page_reads_p() -> None:
    md = to_markdown(paged(pages=(12,)))
    assert "CDC, 2022. p. 12\n" in md


def test_a_web_pdf_links_each_page_at_its_page() -> None:
    url = "https://www.cdc.gov/mmwr/volumes/71/rr/pdfs/rr7103a1-H.pdf"
    answer = paged(url=url)
    md, html = to_markdown(answer), to_html(answer)
    assert f"pp. [11]({url}#page=11), [26]({url}#page=26), [33]({url}#page=33) {url}\n" in md
    pages = Tree(html).find("a", **{"class": "page"})
    assert [a["href"] for a in pages] == [f"{url}#page={p}" for p in (11, 26, 33)]
    assert all(a["target"] == "_blank" and a["rel"] == "noopener noreferrer" for a in pages)
    assert "guidelines/" not in md + html


def test_an_html_page_url_is_not_given_a_page_fragment() -> None:
    url = "https://www.cdc.gov/mmwr/volumes/71/rr/rr7103a1.htm"
    answer = paged(url=url)
    md, html = to_markdown(answer), to_html(answer)
    assert "#page=" not in md + html and f"pp. 11, 26, 33 {url}\n" in md
    assert [a["href"] for a in Tree(html).find("a", **{"class": "page"})][0].startswith("/chunks/c11")


def test_a_page_no_statement_cites_any_more_is_not_listed() -> None:
    answer = paged()
    answer.guidelines.lead = [s for s in answer.guidelines.lead if s.chunk_id != "c26"]  # removed by an editor
    md, html = to_markdown(answer), to_html(answer)
    assert "pp. 11, 33\n" in md
    assert [a["data-chunk-id"] for a in Tree(html).find("a", **{"class": "page"})] == ["c11", "c33"]


def test_pmid_and_doi_locators_are_shown_paths_and_own_ids_are_not() -> None:
    answer = make_answer()
    answer.references[2].locator = "own-record-17"  # a record's in-house id: not a public identifier
    md, html = to_markdown(answer), to_html(answer)
    for rendered in (md, html):
        assert "PMID:27366987" in rendered and "doi:10.1001/x" in rendered
        assert "cdc-opioids-2022.pdf" not in rendered and "d3.pdf" not in rendered and "own-record-17" not in rendered
    assert "3. VA/DoD Guideline for Opioid Therapy for Chronic Pain — VA/DoD, 2022.\n" in md


def test_cited_page_passage_ids_are_escaped() -> None:
    answer = paged(pages=(4,))
    answer.references[0].cited_pages[0].chunk_id = 'c4" onclick="alert(7)'
    html = to_html(answer)
    tree = Tree(html)
    assert not [a for _, a in tree.tags if any(k.startswith("on") for k in a)]
    link = tree.find("a", **{"class": "page"})[0]
    assert link["data-chunk-id"] == 'c4" onclick="alert(7)' and link["href"].startswith("/chunks/c4%22%20onclick")


def test_reference_pages_must_ascend_and_match_their_passages() -> None:
    with pytest.raises(ValueError, match="ascending"):
        ref(1, "guideline", pages=[26, 11])
    with pytest.raises(ValueError, match="do not match"):
        ref(1, "guideline", pages=[11, 26], cited_pages=[CitedPage(page=11, chunk_id="c", span=(0, 1))])


def test_removing_a_statement_drops_its_page_from_the_stored_reference() -> None:
    answer = paged()
    _remove(answer, "c26", (120, 120 + len(R1)))  # what remove_statement does before it renumbers
    renumber(answer)
    stored = answer.references[0]
    assert stored.pages == [11, 33] and [c.page for c in stored.cited_pages] == [11, 33]
    assert "pp. 11, 33\n" in to_markdown(Answer.model_validate(answer.model_dump()))
