"""Tables answered as tables, through the API as an editor and a clinician use it: a dosing table in a PDF and
in an HTML page made here and uploaded, the shipped guideline's conversion-factor page; the whole table by its
link; the rendered table in a real Chromium at a phone's and a desktop's width (the page never scrolls sideways)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import matplotlib
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from api.app import create_app
from tests.api.conftest import serve
from tests.api.test_pages_responsive import axe_serious, no_overflow
from tests.utils.corpus import OPIOID_PDF, write_pdf_pages

matplotlib.use("pdf")

ROWS = [
    ("Children 2-5 years", "2 mg/kg", "20 mg"),
    ("Children 6-11 years", "5 mg", "40 mg"),
    ("Adolescents 12-17 years", "10 mg", "60 mg"),
    ("Adults", "20 mg", "120 mg"),
]


def dosing_pdf() -> bytes:
    """A one-page guideline with a captioned, unruled dosing table, laid out as a word processor would."""
    import matplotlib.pyplot as plt

    matplotlib.rcParams["pdf.fonttype"] = 42
    figure = plt.figure(figsize=(8.27, 11.69))
    figure.text(0.08, 0.95, "Zentaprofen dosing guide for clinicians", fontsize=10)
    figure.text(
        0.08,
        0.91,
        "Clinicians should choose the dose of zentaprofen by the patient's age group, as the table below sets out.",
        fontsize=9,
    )
    y = 0.86
    figure.text(0.08, y, "Table 1. Recommended oral dose of zentaprofen by age group", fontsize=9, weight="bold")
    y -= 0.025
    for x, heading in zip((0.08, 0.45, 0.7), ("Age group", "Dose", "Maximum per day")):
        figure.text(x, y, heading, fontsize=9, weight="bold")
    for row in ROWS:
        y -= 0.02
        for x, cell in zip((0.08, 0.45, 0.7), row):
            figure.text(x, y, cell, fontsize=9)
    figure.text(0.08, y - 0.03, "* Doses are for the oral suspension.", fontsize=8)
    out = io.BytesIO()
    figure.savefig(out, format="pdf")
    plt.close(figure)
    return out.getvalue()


def dosing_html() -> bytes:
    rows = "".join(
        f"<tr><td>{a}</td><td>{b}</td></tr>"
        for a, b in [
            ("Weeks 1-2", "one 50 mg tablet daily"),
            ("Weeks 3-4", "two 50 mg tablets daily"),
            ("Week 5 onward", "three 50 mg tablets daily"),
        ]
    )
    return (
        "<html><head><title>Corvalimab titration</title></head><body><main><h1>Corvalimab titration</h1>"
        "<p>Clinicians should raise the corvalimab dose stepwise over the first month of treatment.</p>"
        "<table><caption>Table 2. Corvalimab titration schedule for adults</caption>"
        "<thead><tr><th>Week of treatment</th><th>Daily dose</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></main></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def tables_app(api_settings, embedder, shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The mini index plus three uploads; yields (client, clinician headers, {name: doc_id})."""
    where = tmp_path_factory.mktemp("tables")
    shutil.copytree(api_settings.index_dir, where / "index", ignore=shutil.ignore_patterns("cache"))
    settings = api_settings.model_copy(update={"index_dir": where / "index", "state_dir": where / "state"})
    write_pdf_pages(shared_data / OPIOID_PDF, where / "page33.pdf", [32])
    uploads = {
        "dosing.pdf": (dosing_pdf(), "application/pdf"),
        "titration.html": (dosing_html(), "text/html"),
        "opioids-page-33.pdf": ((where / "page33.pdf").read_bytes(), "application/pdf"),
    }
    with TestClient(create_app(settings, embedder)) as client:
        tokens = client.app.state.tokens
        editor = {"Authorization": f"Bearer {tokens.create('ed', 'editor')}"}
        ids = {}
        for name, (data, media) in uploads.items():
            response = client.post("/documents", headers=editor, data={"kind": "guideline"}, files={"file": (name, data, media)})
            assert response.status_code == 201, response.text
            ids[name] = response.json()["doc_ids"][0]
        yield client, {"Authorization": f"Bearer {tokens.create('doc', 'clinician')}"}, ids, settings, embedder


def table_statements(answer: dict) -> list[dict]:
    statements = answer["guidelines"]["lead"] + answer["guidelines"]["points"]
    statements += [s for g in answer["guidelines"]["sections"] for s in g["points"]]
    return [s for s in statements if s.get("table")]


def answer_rows(statement: dict) -> list[list[str]]:
    return [[c["text"] for c in row["cells"]] for row in statement["table"]["rows"]]


@pytest.mark.parametrize(
    "question, upload, row",
    [
        ("What is the MME conversion factor for methadone?", "opioids-page-33.pdf", ["Methadone", "4.7"]),
        (
            "What oral dose of zentaprofen is recommended for children aged 6-11 years?",
            "dosing.pdf",
            ["Children 6-11 years", "5 mg", "40 mg"],
        ),
        (
            "What daily dose of corvalimab is given in weeks 3-4 of treatment?",
            "titration.html",
            ["Weeks 3-4", "two 50 mg tablets daily"],
        ),
    ],
)
def test_a_question_a_table_row_answers_is_answered_with_the_table(tables_app, question, upload, row) -> None:
    client, clinician, ids, _, _ = tables_app
    answer = client.post("/ask", headers=clinician, json={"question": question})
    assert answer.status_code == 200, answer.text
    answer = answer.json()
    found = [s for s in table_statements(answer) if s["table"]["doc_id"] == ids[upload]]
    assert found, [s["text"] for s in answer["guidelines"]["lead"] + answer["guidelines"]["points"]]
    [statement] = found  # the answering rows of one table are shown together
    assert row in answer_rows(statement)
    table = statement["table"]
    assert table["header"] and table["caption"] and table["total_rows"] >= len(table["rows"])
    # each row is traceable like a sentence: its cells are exact spans of its own chunk
    for answering in table["rows"]:
        chunk = client.get(f"/chunks/{answering['chunk_id']}", headers=clinician).json()
        assert [chunk["text"][a:b] for a, b in (c["span"] for c in answering["cells"])] == [c["text"] for c in answering["cells"]]
    reference = next(r for r in answer["references"] if r["number"] == statement["refs"][0])
    assert reference["doc_id"] == ids[upload] and reference["pages"] == ([1] if upload.endswith(".pdf") else [])

    whole = client.get("/tables", headers=clinician, params={"doc_id": ids[upload], "number": table["number"]})
    assert whole.status_code == 200
    whole = whole.json()
    assert row in whole["rows"] and len(whole["rows"]) == table["total_rows"] == len(whole["row_chunks"])
    assert whole["header"][-1] == table["header"][-1]


def test_the_cli_and_the_page_show_a_table_as_a_table(tables_app) -> None:
    from present.render import to_html, to_markdown
    from qa.models import Answer

    client, clinician, _, _, _ = tables_app
    answer = Answer.model_validate(
        client.post(
            "/ask",
            headers=clinician,
            json={"question": "What oral dose of zentaprofen is recommended for children aged 6-11 years?"},
        ).json()
    )
    markdown = to_markdown(answer)
    assert "| Age group | Dose | Maximum per day |" in markdown and "| Children 6-11 years | 5 mg | 40 mg |" in markdown
    assert "whole table: /tables?doc_id=" in markdown
    html = to_html(answer)
    assert '<th scope="col">Age group</th>' in html and "<td>Children 6-11 years</td>" in html


def test_a_missing_table_is_a_404_and_a_bad_number_a_422(tables_app) -> None:
    client, clinician, ids, _, _ = tables_app
    assert client.get("/tables", headers=clinician, params={"doc_id": ids["dosing.pdf"], "number": 9}).status_code == 404
    assert client.get("/tables", headers=clinician, params={"doc_id": "no/such.pdf", "number": 1}).status_code == 404
    assert client.get("/tables", headers=clinician, params={"doc_id": ids["dosing.pdf"], "number": 0}).status_code == 422


@pytest.mark.parametrize("width", [390, 1400])
def test_the_rendered_table_fits_a_phone_and_a_desktop(tables_app, page, width, tmp_path: Path) -> None:
    _, _, _, settings, embedder = tables_app
    with serve(create_app(settings, embedder)) as url:
        context = page.context.browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        try:
            tab.goto(url)
            tab.fill("#question", "What oral dose of zentaprofen is recommended for children aged 6-11 years?")
            tab.click("#ask-form button[type=submit]")
            table = tab.locator("article.answer figure.table-statement table").first
            expect(table).to_be_visible(timeout=90_000)
            expect(table.locator("thead th").first).to_have_text("Age group")
            expect(tab.locator("figure.table-statement a", has_text="Show whole table").first).to_be_visible()
            no_overflow(tab)
            box = tab.locator("figure.table-statement .table-scroll").first.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            tab.screenshot(path=str(tmp_path / f"table-{width}.png"))
            assert axe_serious(tab) == []
            # from the keyboard: the table's reference opens its row's passage; the table box takes focus to scroll
            tab.locator("figure.table-statement figcaption a.ref").first.focus()
            tab.keyboard.press("Enter")
            expect(tab.locator("#passage")).to_be_visible()
            expect(tab.locator("#passage mark")).to_contain_text("Children")
            tab.keyboard.press("Escape")
            tab.locator("figure.table-statement .table-scroll").first.focus()
            assert tab.evaluate("document.activeElement.classList.contains('table-scroll')")
        finally:
            context.close()


def test_an_editor_places_a_table_row_and_removes_it_like_a_statement(tables_app) -> None:
    client, clinician, ids, _, _ = tables_app
    editor = {"Authorization": f"Bearer {client.app.state.tokens.create('erin', 'editor')}"}
    asked = client.post(
        "/ask", headers=clinician, json={"question": "What oral dose of zentaprofen is recommended for adults?"}
    ).json()
    answer = client.post(
        f"/answers/{asked['answer_id']}/claim", headers=editor, json={"version": asked["review"]["version"]}
    ).json()
    shown = {r["chunk_id"] for s in table_statements(answer) for r in s["table"]["rows"]}
    whole = client.get("/tables", headers=clinician, params={"doc_id": ids["dosing.pdf"], "number": 1}).json()
    chunk_id = next(c for c in whole["row_chunks"] if c not in shown)
    if chunk_id not in {e["chunk_id"] for e in answer["evidence"]}:
        answer = client.post(
            f"/answers/{answer['answer_id']}/evidence",
            headers=editor,
            json={"version": answer["review"]["version"], "chunk_id": chunk_id},
        ).json()
    chunk = client.get(f"/chunks/{chunk_id}", headers=clinician).json()
    [sentence] = chunk["statements"]  # a row is one statement: the whole row
    placed = client.post(
        f"/answers/{answer['answer_id']}/statements/place",
        headers=editor,
        json={"version": answer["review"]["version"], "chunk_id": chunk_id, "span": sentence["span"]},
    )
    assert placed.status_code == 200, placed.text
    placed = placed.json()
    [statement] = [s for s in placed["guidelines"]["points"] if s["chunk_id"] == chunk_id]
    assert statement["table"]["caption"] == whole["caption"] and statement["table"]["header"] == whole["header"]
    assert [[c["text"] for c in r["cells"]] for r in statement["table"]["rows"]] == [
        whole["rows"][whole["row_chunks"].index(chunk_id)]
    ]

    removed = client.post(
        f"/answers/{answer['answer_id']}/statements/remove",
        headers=editor,
        json={"version": placed["review"]["version"], "chunk_id": chunk_id, "span": sentence["span"]},
    )
    assert removed.status_code == 200, removed.text
    assert chunk_id not in {r["chunk_id"] for s in table_statements(removed.json()) for r in s["table"]["rows"]}
