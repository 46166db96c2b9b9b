"""The clinician page in a real headless Chromium (Debian's), against a real uvicorn server."""

from __future__ import annotations

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
    expect(answer.locator("ol.references li.active")).to_have_count(1)

    page.fill("#followup", "and in children?")
    page.click("#followup-form button[type=submit]")
    expect(page.locator("article.answer")).to_have_count(2, timeout=60_000)
    expect(page.locator("article.answer").nth(1)).to_contain_text(
        "When should clinicians offer naloxone in children?"
    )
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
