"""The review page in a real headless Chromium: an answer walked from submitted to approved."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import expect

from api.auth import TokenStore


def test_editor_judges_evidence_and_approves(page, server, api_settings, tmp_path: Path) -> None:
    token = TokenStore(api_settings.state_dir / "tokens.json").create("rita", "editor")
    answer = httpx.post(
        f"{server}/ask",
        json={"question": "Is there a relationship between rheumatoid arthritis and periodontal disease?"},
        timeout=60,
    ).json()
    page.goto(f"{server}/review")
    page.fill("#token", token)
    page.click("#signin")
    expect(page.locator("#whoami")).to_contain_text("rita (editor)")
    page.select_option("#status-filter", "")  # all statuses: the entry stays listed as it moves on
    item = page.locator(f'#queue li[data-id="{answer["answer_id"]}"]')
    expect(item).to_be_visible(timeout=30_000)
    item.click()
    expect(page.locator("#state")).to_contain_text("submitted")
    expect(page.locator("#answer article.answer")).to_be_visible()
    expect(page.locator("#evidence tbody tr").first).to_be_visible()

    expect(page.locator("#approve")).to_be_hidden()  # editing controls only once claimed
    page.click("#claim")
    expect(page.locator("#state")).to_contain_text("under review (rita)")
    expect(item).to_contain_text("under review (rita)")  # the queue is read again after every action
    expect(page.locator("#claim")).to_be_hidden()
    first = page.locator("#evidence tbody tr").first
    first.locator("button[data-label=relevant]").click()
    expect(page.locator("#evidence tbody tr").first).to_have_class("judged-relevant")
    page.locator("#evidence tbody tr").nth(1).locator("button[data-label=not_relevant]").click()
    expect(page.locator("#evidence tbody tr").nth(1)).to_have_class("judged-not_relevant")
    page.locator("#evidence tbody tr").first.locator("button", has_text="Passage").click()
    expect(page.locator("#passage-text")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#review-passage")).to_be_hidden()

    page.fill("#comment", "evidence checked")
    page.click("#approve")
    expect(page.locator("#state")).to_contain_text("approved")
    expect(page.locator("#answer footer")).to_contain_text("Approved by rita on ")
    expect(item).to_contain_text("approved")  # no stale "submitted" entry after approving
    expect(page.locator("#claim")).to_have_text("Reopen for review")
    page.screenshot(path=str(tmp_path / "review-page.png"), full_page=True)

    stored = httpx.get(f"{server}/answers/{answer['answer_id']}").json()  # approved: readable without a token
    assert stored["review"]["status"] == "approved" and stored["review"]["comment"] == "evidence checked"
    judged = [e["judgment"] for e in stored["evidence"][:2]]
    assert judged == ["relevant", "not_relevant"]
    history = httpx.get(f"{server}/answers/{answer['answer_id']}/history", headers={"Authorization": f"Bearer {token}"}).json()
    assert [e["action"] for e in history] == ["submitted", "claimed", "judged", "judged", "approved"]


def test_review_page_reports_a_wrong_token(page, server) -> None:
    page.goto(f"{server}/review")
    page.evaluate("sessionStorage.clear()")
    page.reload()
    page.fill("#token", "mc_wrong")
    page.click("#signin")
    expect(page.locator("#signin-status.error")).to_contain_text("invalid or revoked token")
    expect(page.locator("#editor-area")).to_be_hidden()  # no editor controls without a valid editor token
