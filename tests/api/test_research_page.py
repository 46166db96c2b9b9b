"""Issue #32 on the clinician's page, in a real headless Chromium against a real uvicorn server on the mini
index, at a phone's width (390 px) and a desktop's (1,400 px): each research point's study line under it,
nothing wider than the window, the study-design filter in the ask form, and axe-core clean."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.api.test_pages_responsive import axe_serious, no_overflow, on_screen

APPENDICITIS = "Is there a role for leukocyte and CRP measurements in the diagnosis of acute appendicitis in the elderly?"


def test_research_points_show_their_study_and_the_form_filters_by_design(sized, server, shots: Path) -> None:
    page, width = sized
    page.goto(server)
    page.fill("#question", APPENDICITIS)
    page.click("#ask-form button[type=submit]")
    answer = page.locator("article.answer").first
    expect(answer).to_be_visible(timeout=90_000)
    lines = answer.locator("section.research li .study")
    expect(lines.first).to_have_text("Case-control · 1999")
    assert lines.count() == answer.locator("section.research li").count() > 0
    assert set(lines.all_inner_texts()) == {"Case-control · 1999"}
    assert answer.locator("section.guidelines .study").count() == 0
    lines.first.scroll_into_view_if_needed()
    on_screen(page, "section.research li .study >> nth=0")
    # on its own line under the point, in smaller type
    point = answer.locator("section.research li .statement").first.bounding_box()
    line = lines.first.bounding_box()
    assert line["y"] >= point["y"] + point["height"] - 1, (point, line)
    no_overflow(page)
    page.screenshot(path=str(shots / f"research-study-{width}.png"), full_page=True)
    assert axe_serious(page) == []

    page.click("details.designs summary")
    page.get_by_label("Randomised trial").check()
    expect(page.locator("#designs-chosen")).to_have_text("(1 chosen)")
    no_overflow(page)
    on_screen(page, "details.designs fieldset")
    assert axe_serious(page) == []
    page.click("#ask-form button[type=submit]")
    expect(page.locator("article.answer section.research li .study", has_text="Case-control")).to_have_count(0, timeout=90_000)
    again = page.locator("article.answer").first
    expect(again).to_be_visible()
    assert all(text.startswith("Randomised trial") for text in again.locator("section.research .study").all_inner_texts())
    no_overflow(page)
    page.screenshot(path=str(shots / f"research-filtered-{width}.png"), full_page=True)


def test_the_design_filter_works_from_the_keyboard(page, server) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server)
    page.focus("details.designs summary")
    page.keyboard.press("Enter")  # opens the control
    expect(page.locator("details.designs fieldset")).to_be_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name + '=' + document.activeElement.value")
    assert focused == "designs=systematic_review", focused  # the strongest design first, in reading order
    page.keyboard.press("Space")
    expect(page.locator("#designs-chosen")).to_have_text("(1 chosen)")
    page.keyboard.press("Space")
    expect(page.locator("#designs-chosen")).to_have_text("(all)")
