"""The clinician page in a real headless Chromium (Debian's), against a real uvicorn server."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect


def test_ask_read_open_passage_and_follow_up(page, server, tmp_path: Path) -> None:
    page.goto(server)
    page.fill("#question", "When should clinicians offer naloxone?")
    page.click("#ask-form button[type=submit]")
    answer = page.locator("article.answer").first
    expect(answer).to_be_visible(timeout=60_000)
    expect(answer.locator("h3", has_text="From the Guidelines")).to_be_visible()
    expect(answer.locator("h3", has_text="From the Research")).to_be_visible()
    expect(answer.locator("ol.references li").first).to_be_visible()
    assert answer.locator(".grade").count() >= 1

    statement = answer.locator("p.lead .statement").first
    cited = statement.inner_text()
    answer.locator("p.lead a.ref").first.click()
    panel = page.locator("#passage")
    expect(panel).to_be_visible()
    expect(panel.locator("mark")).to_have_text(cited)
    assert "CDC Clinical Practice Guideline" in panel.locator("#passage-title").inner_text()
    meta = panel.locator("#passage-meta").inner_text()  # the page, never a path inside the data dir
    assert "guidelines/" not in meta and re.search(r"\bp\. \d+", meta), meta
    expect(answer.locator("ol.references li.active")).to_have_count(1)

    page.fill("#followup", "and in children?")
    page.click("#followup-form button[type=submit]")
    expect(page.locator("article.answer")).to_have_count(2, timeout=60_000)
    follow_up = page.locator("article.answer").nth(1)
    expect(follow_up).to_contain_text("and in children?")
    expect(follow_up.locator(".understood-as")).to_have_text("Follow-up to: When should clinicians offer naloxone?")
    page.screenshot(path=str(tmp_path / "clinician-page.png"), full_page=True)
    assert (tmp_path / "clinician-page.png").stat().st_size > 10_000


def test_a_refused_follow_up_shows_the_reason(page, server) -> None:
    page.goto(server)
    page.fill("#question", "What is adult acute lymphoblastic leukemia?")
    page.click("#ask-form button[type=submit]")
    expect(page.locator("article.answer")).to_have_count(1, timeout=60_000)
    page.evaluate("conversationId = 'c_000000000000'")  # as after the server lost its conversation store
    page.fill("#followup", "and in children?")
    page.click("#followup-form button[type=submit]")
    expect(page.locator("#status.error")).to_contain_text("no conversation c_000000000000")
    expect(page.locator("article.answer")).to_have_count(1)


def test_a_reference_lists_its_pages_and_a_page_opens_its_passage(page, server) -> None:
    page.goto(server)
    page.fill("#question", "When should clinicians offer naloxone?")
    page.click("#ask-form button[type=submit]")
    answer = page.locator("article.answer").first
    expect(answer).to_be_visible(timeout=60_000)
    references = answer.locator("section.references")
    assert "guidelines/" not in references.inner_text() and ".pdf" not in references.inner_html()
    guideline = references.locator("ol.references li", has_text="CDC Clinical Practice Guideline")
    expect(guideline).to_have_count(1)  # one entry for the PDF, however many pages are cited
    links = guideline.locator("span.pages a.page")
    numbers = [int(t) for t in links.all_inner_texts()]
    assert len(numbers) >= 2 and numbers == sorted(numbers)
    expect(guideline.locator("span.pages")).to_contain_text("pp. " + ", ".join(map(str, numbers)))

    last = links.last
    href = last.get_attribute("href")
    chunk = page.request.get(server.rstrip("/") + href).json()
    assert chunk["page"] == numbers[-1]
    start, end = chunk["highlight"]
    last.click()
    panel = page.locator("#passage")
    expect(panel).to_be_visible()
    expect(panel.locator("mark")).to_have_text(chunk["text"][start:end])
    expect(guideline).to_have_class("active")
    assert page.url.rstrip("/") == server.rstrip("/")  # opened in the panel, not by leaving the page
