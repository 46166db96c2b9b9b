"""The review page in a real headless Chromium: an answer walked from submitted to approved."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import expect

from api.auth import TokenStore


def test_editor_judges_evidence_and_approves(page, server, api_settings, tmp_path: Path) -> None:
    token = TokenStore(api_settings.state_dir / "tokens.json").create("rita", "editor")
    answer = httpx.post(f"{server}/ask", json={"question": "Is there a relationship between rheumatoid arthritis and periodontal disease?"}, timeout=60).json()
    page.goto(f"{server}/review")
    page.fill("#token", token)
    page.click("#queue-form button[type=submit]")
    item = page.locator(f'#queue li[data-id="{answer["answer_id"]}"]')
    expect(item).to_be_visible(timeout=30_000)
    item.click()
    expect(page.locator("#state")).to_contain_text("submitted")
    expect(page.locator("#answer article.answer")).to_be_visible()
    expect(page.locator("#evidence tbody tr").first).to_be_visible()

    page.click("#claim")
    expect(page.locator("#state")).to_contain_text("under review (rita)")
    first = page.locator("#evidence tbody tr").first
    first.locator("button[data-label=relevant]").click()
    expect(page.locator("#evidence tbody tr").first).to_have_class("judged-relevant")
    page.locator("#evidence tbody tr").nth(1).locator("button[data-label=not_relevant]").click()
    expect(page.locator("#evidence tbody tr").nth(1)).to_have_class("judged-not_relevant")
    page.locator("#evidence tbody tr").first.locator("button", has_text="Passage").click()
    expect(page.locator("#passage-text")).to_be_visible()

    page.fill("#comment", "evidence checked")
    page.click("#approve")
    expect(page.locator("#state")).to_contain_text("approved")
    expect(page.locator("#answer footer")).to_contain_text("Approved by rita on ")
    page.screenshot(path=str(tmp_path / "review-page.png"), full_page=True)

    stored = httpx.get(f"{server}/answers/{answer['answer_id']}").json()  # approved: readable without a token
    assert stored["review"]["status"] == "approved" and stored["review"]["comment"] == "evidence checked"
    judged = [e["judgment"] for e in stored["evidence"][:2]]
    assert judged == ["relevant", "not_relevant"]
    history = httpx.get(f"{server}/answers/{answer['answer_id']}/history", headers={"Authorization": f"Bearer {token}"}).json()
    assert [e["action"] for e in history] == ["submitted", "claimed", "judged", "judged", "approved"]


def test_review_page_reports_a_wrong_token(page, server) -> None:
    page.goto(f"{server}/review")
    page.fill("#token", "mc_wrong")
    page.click("#queue-form button[type=submit]")
    expect(page.locator("#status.error")).to_contain_text("invalid or revoked token")
