"""Both pages in a real headless Chromium at a phone's width (390 px) and a desktop's (1,400 px): nothing wider
than the window, the Ask button and the passage panel on screen, the keyboard flow of a citation, an editor
removing a statement and pinning a passage, and an axe-core scan with no serious or critical violations.
Screenshots go to $MEDCITE_SCREENSHOTS (or a pytest temporary directory)."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from api.auth import TokenStore


def pin_passage(page: Page, query: str):
    """Search for passages from the review page, pin the first one not yet pinned; its evidence row."""
    page.fill("#pin-query", query)
    page.click("#pin-form button[type=submit]")
    pin = page.locator("#pin-results button.pin-passage:not([disabled])").first
    expect(pin).to_be_visible()
    chunk_id = pin.get_attribute("data-chunk-id")
    pin.click()
    row = page.locator(f'#evidence tbody tr.pinned[data-chunk-id="{chunk_id}"]')
    expect(row).to_have_count(1)
    return row


def no_overflow(page: Page) -> None:
    wide, window = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide <= window, f"page is {wide} px wide in a {window} px window"


def on_screen(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    width, height = page.evaluate("[window.innerWidth, window.innerHeight]")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box, width)
    assert box["y"] < height and box["y"] + box["height"] > 0, (selector, box, height)


def focused_inside(page: Page, selector: str) -> bool:
    return page.evaluate(f"!!document.activeElement && !!document.activeElement.closest({selector!r})")


def axe_serious(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_clinician_page_fits_and_works_from_the_keyboard(sized, server, shots: Path) -> None:
    page, width = sized
    page.goto(server)
    no_overflow(page)
    on_screen(page, "#ask-form button[type=submit]")
    page.fill("#question", "When should clinicians offer naloxone?")
    page.keyboard.press("Tab")  # keyboard focus is visible
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.click("#ask-form button[type=submit]")
    answer = page.locator("article.answer").first
    expect(answer).to_be_visible(timeout=90_000)
    banner = answer.locator(".review-banner")  # status, date and the pending-review notice up front
    expect(banner).to_contain_text("Review status: Submitted")
    expect(banner).to_contain_text("Last updated: ")
    expect(banner).to_contain_text("Pending human review")
    expect(banner.locator('a[href="/policy"]')).to_be_visible()
    no_overflow(page)

    citation = answer.locator("p.lead a.ref").first
    citation.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#passage")).to_be_visible()
    expect(page.locator("#passage mark")).not_to_be_empty()
    assert focused_inside(page, "#passage")
    on_screen(page, "#passage")
    no_overflow(page)
    page.screenshot(path=str(shots / f"clinician-{width}.png"))
    assert axe_serious(page) == []
    page.keyboard.press("Escape")
    expect(page.locator("#passage")).to_be_hidden()
    assert page.evaluate("document.activeElement === document.querySelector('article.answer p.lead a.ref')")

    if width == 1400:  # a follow-up's citations open its own references
        page.fill("#followup", "and in children?")
        page.click("#followup-form button[type=submit]")
        expect(page.locator("article.answer")).to_have_count(2, timeout=90_000)
        ids = page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
        assert len(ids) == len(set(ids)), "ids repeat on the page"
        second = page.locator("article.answer").nth(1)
        ref = second.locator("a.ref").first
        target = ref.get_attribute("href")
        assert second.locator(target).count() == 1
        ref.click()
        expect(second.locator("ol.references li.active")).to_have_count(1)
        expect(page.locator("article.answer").first.locator("ol.references li.active")).to_have_count(0)
        page.screenshot(path=str(shots / f"clinician-followup-{width}.png"), full_page=True)


def test_policy_page(sized, server) -> None:
    page, _ = sized
    page.goto(server)
    page.click('a[href="/policy"]')
    expect(page.locator("h1")).to_contain_text("editorial policy")
    expect(page.locator("main")).to_contain_text("Under Review")
    no_overflow(page)
    assert axe_serious(page) == []


def test_editor_removes_a_statement_and_pins_a_passage(sized, server, api_settings, shots: Path) -> None:
    page, width = sized
    token = TokenStore(api_settings.state_dir / "tokens.json").create(f"ed{width}", "editor")
    asked = httpx.post(f"{server}/ask", json={"question": "When should clinicians offer naloxone?"}, timeout=90).json()
    answer_id = asked["answer_id"]
    page.goto(f"{server}/review")
    expect(page.locator("#editor-area")).to_be_hidden()  # no editor controls before signing in
    page.fill("#token", token)
    page.click("#signin")
    expect(page.locator("#whoami")).to_contain_text(f"ed{width} (editor)")
    page.fill("#queue-search", "naloxone")
    item = page.locator(f'#queue li[data-id="{answer_id}"]')
    expect(item).to_have_count(1, timeout=30_000)  # one entry per stored answer
    item.locator("button").click()
    expect(page.locator("#answer article.answer")).to_be_visible()
    no_overflow(page)

    page.click("#claim")
    expect(item).to_have_count(0)  # claimed: it left the submitted queue, read again from the server
    statements = page.locator("#answer .statement")
    before = statements.count()
    removed = statements.first.inner_text()
    page.locator("#answer button.remove-statement").first.click()
    expect(page.locator("#status")).to_contain_text("Statement removed")
    expect(statements).to_have_count(before - 1)
    assert removed not in [s for s in statements.all_inner_texts()]

    pinned = pin_passage(page, "helicopter intubation")
    chunk_id = pinned.get_attribute("data-chunk-id")
    expect(pinned.locator(".title")).not_to_be_empty()
    no_overflow(page)

    pinned.locator("button.view-passage").click()
    expect(page.locator("#review-passage")).to_be_visible()
    assert focused_inside(page, "#review-passage")
    on_screen(page, "#review-passage")
    page.screenshot(path=str(shots / f"review-{width}.png"))
    assert axe_serious(page) == []
    page.keyboard.press("Escape")
    expect(page.locator("#review-passage")).to_be_hidden()
    assert focused_inside(page, f'tr[data-chunk-id="{chunk_id}"]')

    history = httpx.get(f"{server}/answers/{answer_id}/history", headers={"Authorization": f"Bearer {token}"}).json()
    assert [e["action"] for e in history] == ["submitted", "claimed", "statement removed", "evidence pinned"]
