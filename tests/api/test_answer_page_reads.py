"""An answer as a clinician and a patient read it in a real Chromium: the lead, clean statements, one
reference per document, a follow-up that reads as a question and says what the guideline leaves out,
and a patient answer that is visibly one."""

from __future__ import annotations

from playwright.sync_api import expect

from evaluation.answer_checks import duplicates, is_debris
from qa.scope import may_exclude

# Each statement as read: a graded one ends after its grade label ("… with patients [Category A, …].").
_READ = """els => els.map(e => {
  const next = e.nextElementSibling;
  return e.textContent + (next && next.classList.contains('grade') ? ' ' + next.textContent + '.' : '');
})"""


def _check_reads_clean(answer) -> None:  # noqa: ANN001 - a Playwright locator
    texts = answer.locator(".statement").evaluate_all(_READ)
    assert texts, "the answer states something"
    assert not [t for t in texts if is_debris(t)], texts
    assert duplicates(texts) == 0, texts
    entries = answer.locator("ol.references li").all_inner_texts()
    assert entries and len(set(entries)) == len(entries), entries


def test_question_follow_up_and_patient_answer(page, server) -> None:
    page.goto(server)
    page.fill("#question", "How should opioids be tapered for patients on long-term therapy?")
    page.click("#ask-form button[type=submit]")
    first = page.locator("article.answer").first
    expect(first).to_be_visible(timeout=60_000)
    expect(first.locator("p.lead .statement").first).to_be_visible()
    _check_reads_clean(first)

    page.fill("#followup", "what about patients with sickle cell disease?")
    page.click("#followup-form button[type=submit]")
    expect(page.locator("article.answer")).to_have_count(2, timeout=60_000)
    second = page.locator("article.answer").nth(1)
    understood = second.locator(".understood-as").inner_text()
    assert understood == "Follow-up to: How should opioids be tapered for patients on long-term therapy?", understood
    # The guideline excludes pain related to sickle cell disease: the follow-up's lead says so first.
    scope = second.locator("p.lead .statement").first.inner_text()
    assert may_exclude(scope) and "sickle cell disease" in scope, scope
    _check_reads_clean(second)

    page.select_option("#audience", "patient")
    page.fill("#question", "What is adult acute lymphoblastic leukemia?")
    page.click("#ask-form button[type=submit]")
    patient = page.locator("article.answer.patient").first
    expect(patient).to_be_visible(timeout=60_000)
    expect(patient.locator(".disclaimer")).to_contain_text("not medical advice")
    sections = patient.locator("section > h3").all_inner_texts()
    assert sections[0] == "From Reference Pages", sections
    _check_reads_clean(patient)
