"""The review page in a real headless Chromium at 390 and 1,400 px: an editor pins a passage and places one of
its sentences into the answer (seen in the rendered answer with its reference), the passage panel sits beside
the evidence table at 1,400 px, and the queue's search and filters are answered by the server beyond its first
page. Screenshots go to $MEDCITE_SCREENSHOTS (or a pytest temporary directory)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from api.app import create_app
from api.auth import TokenStore
from qa.models import Answer, GuidelineSection, ResearchSection, Review
from review import workflow
from review.store import ReviewStore
from tests.api.conftest import serve
from tests.api.test_pages_responsive import axe_serious, focused_inside, no_overflow, on_screen, pin_passage


def sign_in(page: Page, url: str, token: str, name: str) -> None:
    page.goto(f"{url}/review")
    page.fill("#token", token)
    page.click("#signin")
    expect(page.locator("#whoami")).to_contain_text(f"{name} (editor)")


def test_editor_places_a_pinned_sentence_into_the_answer(sized, server, api_settings, shots: Path) -> None:
    page, width = sized
    name = f"placer{width}"
    token = TokenStore(api_settings.state_dir / "tokens.json").create(name, "editor")
    asked = httpx.post(
        f"{server}/ask", json={"question": "When should clinicians offer naloxone to patients on opioids?"}, timeout=90
    ).json()
    answer_id = asked["answer_id"]
    sign_in(page, server, token, name)
    page.fill("#queue-search", "naloxone to patients on opioids")
    item = page.locator(f'#queue li[data-id="{answer_id}"]')
    expect(item).to_have_count(1, timeout=30_000)
    item.locator("button").click()
    expect(page.locator("#answer article.answer")).to_be_visible()
    page.click("#claim")
    expect(page.locator("#state")).to_contain_text(f"under review ({name})")

    row = pin_passage(page, "helicopter intubation flight nurses")
    chunk_id = row.get_attribute("data-chunk-id")
    expect(row.locator(".title")).not_to_have_text(row.locator(".locator").inner_text())  # no id standing in for a title
    expect(row.locator(".rank-note")).to_contain_text("pinned")
    scores = row.locator(".scores").inner_text()
    assert scores != "0.000 · 0.00 · 0.000", scores  # scored for the answer's question when pinned

    row.locator("button.place-open").click()
    panel = page.locator("#review-passage")
    expect(panel).to_be_visible()
    assert focused_inside(page, "#review-passage")
    sentence_buttons = page.locator("#sentence-list button.place-sentence")
    expect(sentence_buttons.first).to_be_visible()
    on_screen(page, "#review-passage")
    no_overflow(page)
    if width == 1400:  # the panel sits beside the evidence table, covering none of it
        table, box = page.locator("#evidence").bounding_box(), panel.bounding_box()
        wrap = page.locator(".table-wrap").bounding_box()
        assert table["x"] + table["width"] <= box["x"], (table, box)
        assert wrap["x"] + wrap["width"] <= box["x"], (wrap, box)
    page.screenshot(path=str(shots / f"review-place-panel-{width}.png"))
    assert axe_serious(page) == []

    first = sentence_buttons.first
    span = first.get_attribute("data-span")
    text = page.locator("#sentence-list li .sentence").first.inner_text()
    first.click()
    expect(page.locator("#status")).to_contain_text("Sentence placed in the answer")
    placed = page.locator(f'#answer .statement[data-chunk-id="{chunk_id}"][data-span="{span}"]')
    expect(placed).to_have_count(1)
    assert placed.inner_text() == text  # verbatim, as the passage's statement reads
    assert page.evaluate("document.activeElement.id") == "answer"  # focus goes on from the re-rendered answer
    retrieved = page.locator("#evidence tbody tr:not(.pinned)").first
    retrieved.locator("button.view-passage").click()  # a retrieved passage's sentences can be placed too
    expect(page.locator("#sentence-list button.place-sentence").first).to_be_visible()
    page.keyboard.press("Escape")
    ref = placed.locator("xpath=following-sibling::sup[1]//a[@class='ref']").first
    target = ref.get_attribute("href")
    reference = page.locator(f"#answer {target}")
    expect(reference).to_have_count(1)
    expect(reference).to_contain_text("PMID:")  # the abstract's reference, added to the list
    expect(row.locator("td").nth(3)).to_have_text("yes")  # the pinned passage is cited now
    no_overflow(page)
    page.screenshot(path=str(shots / f"review-placed-{width}.png"), full_page=True)

    stored = httpx.get(f"{server}/answers/{answer_id}/history", headers={"Authorization": f"Bearer {token}"}).json()
    assert [e["action"] for e in stored][-2:] == ["evidence pinned", "statement placed"]


@pytest.fixture(scope="module")
def crowded(api_settings, embedder, tmp_path_factory: pytest.TempPathFactory):
    """A server whose queue holds 120 answers; the ones the filters look for are the oldest (not on page one)."""
    settings = api_settings.model_copy(update={"state_dir": tmp_path_factory.mktemp("crowded-state")})
    store = ReviewStore(settings.state_dir / "reviews.sqlite")
    ids, start = {}, datetime.now(UTC) - timedelta(hours=2)  # recent: retention keeps them
    try:
        for i in range(120):
            topic = "zebra fever" if i == 0 else "warfarin dosing"
            question = f"Question {i}: what about {topic}?"
            answer = Answer(
                question=question,
                understood_as=question,
                guidelines=GuidelineSection(),
                research=ResearchSection(),
                review=Review(updated_at=(start + timedelta(seconds=i)).isoformat(timespec="seconds")),
                index_version="test",
                audience="patient" if i == 1 else "clinician",
            )
            ids[i] = store.submit(answer, {}).answer_id
        claimed = workflow.claim(store, ids[1], 1, "ann")
        workflow.decide(store, ids[1], claimed.review.version, "ann", True, "fine")
    finally:
        store.close()
    token = TokenStore(settings.state_dir / "tokens.json").create("filterer", "editor")
    with serve(create_app(settings, embedder)) as url:
        yield url, token, ids


def settled(page: Page) -> None:
    """The queue has been read again for the filters as they are now."""
    expect(page.locator("#queue")).to_have_attribute("aria-busy", "false")


def test_queue_search_and_filters_are_answered_by_the_server(sized, crowded, shots: Path) -> None:
    page, width = sized
    url, token, ids = crowded
    sign_in(page, url, token, "filterer")
    entries = page.locator("#queue li")
    settled(page)
    expect(entries).to_have_count(50)  # one page of the 119 submitted
    expect(page.locator("#queue-more")).to_be_visible()
    expect(page.locator(f'#queue li[data-id="{ids[0]}"]')).to_have_count(0)

    page.fill("#queue-search", "zebra")  # the oldest answer: found by the server, not among the loaded page
    settled(page)
    expect(entries).to_have_count(1)
    expect(page.locator(f'#queue li[data-id="{ids[0]}"]')).to_have_count(1)
    expect(page.locator("#queue-more")).to_be_hidden()

    page.fill("#queue-search", "")
    page.select_option("#status-filter", "approved")
    settled(page)
    expect(entries).to_have_count(1)
    expect(page.locator(f'#queue li[data-id="{ids[1]}"]')).to_contain_text("approved")
    page.select_option("#status-filter", "")
    page.select_option("#audience-filter", "patient")
    settled(page)
    expect(entries).to_have_count(1)
    expect(page.locator(f'#queue li[data-id="{ids[1]}"]')).to_contain_text("patient")

    page.select_option("#audience-filter", "")
    page.select_option("#status-filter", "submitted")
    page.fill("#queue-search", "WARFARIN dosing")
    settled(page)
    expect(entries).to_have_count(50)
    page.click("#queue-more")  # the next page of the same filtered queue
    settled(page)
    expect(entries).to_have_count(100)
    page.click("#queue-more")
    settled(page)
    expect(entries).to_have_count(118)  # 120, less the zebra one and the approved one
    expect(page.locator("#queue-more")).to_be_hidden()
    assert all("warfarin" in t for t in entries.locator(".question").all_inner_texts())
    no_overflow(page)
    page.screenshot(path=str(shots / f"review-queue-{width}.png"))
    assert axe_serious(page) == []
