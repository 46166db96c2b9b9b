"""Tables a page shows only as images: never read, but a quoted sentence that names one ("(Table 3)") links to
it in the source page. The shipped hepatitis B report's dose tables, and a page made here and uploaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ingest.manifest import ManifestEntry, read_manifest
from ingest.models import SourceImage
from ingest.readers.html import read_html
from qa.models import Answer

HEPATITIS = "guidelines/mmwr_preview_mmwrhtml_rr5416a1.htm"
PAGE = "https://guides.example.org/zentavir/schedule.html"


def _read(path: Path, name: str):
    return read_html(path, ManifestEntry(id=name, path=name, kind="guideline", format="html", sha256="0" * 64))[0]


def schedule_html(*, image_alt: str = "Table 3. Zentavir schedule by weight") -> bytes:
    return (
        "<html><head><title>Zentavir in infants</title>"
        f'<link rel="canonical" href="{PAGE}"></head><body><main><h1>Zentavir in infants</h1>'
        "<p>Infants weighing less than 2,000 g should complete the zentavir series on the schedule for small "
        "infants (Table 3).</p>"
        "<p>Clinicians should record every zentavir dose in the infant's immunisation record.</p>"
        '<p><b><a name="tab3">Table 3</a></b><br><br>'
        f'<img src="figures/t3.gif" alt="{image_alt}" width="480" height="600"></p>'
        '<p><b><a name="tab9">Table 9</a></b><br>Table 9 is described in the appendix.</p>'
        "</main></body></html>"
    ).encode()


def test_the_shipped_report_lists_its_image_tables_with_their_anchors(shared_data: Path) -> None:
    [entry] = [e for e in read_manifest(Path("corpus/manifest.jsonl")) if e.path == HEPATITIS]
    [report] = read_html(shared_data / HEPATITIS, entry)
    tables = [image for image in report.images if image.label.startswith("Table")]
    assert tables == [SourceImage(f"Table {n}", f"tab{n}") for n in range(1, 6)]
    assert report.url == "https://www.cdc.gov/mmwr/preview/mmwrhtml/rr5416a1.htm"


def test_a_label_without_its_image_is_not_listed(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(schedule_html())
    assert _read(tmp_path / "page.html", "page.html").images == (SourceImage("Table 3", "tab3"),)  # not Table 9
    (tmp_path / "other.html").write_bytes(schedule_html(image_alt="Figure 1"))  # the image is of something else
    assert _read(tmp_path / "other.html", "other.html").images == ()


@pytest.fixture(scope="module")
def uploaded(api_settings, embedder, tmp_path_factory: pytest.TempPathFactory):
    where = tmp_path_factory.mktemp("images")
    shutil.copytree(api_settings.index_dir, where / "index", ignore=shutil.ignore_patterns("cache"))
    settings = api_settings.model_copy(update={"index_dir": where / "index", "state_dir": where / "state"})
    with TestClient(create_app(settings, embedder)) as client:
        tokens = client.app.state.tokens
        editor = {"Authorization": f"Bearer {tokens.create('ed', 'editor')}"}
        files = {"file": ("schedule.html", schedule_html(), "text/html")}
        response = client.post("/documents", headers=editor, data={"kind": "guideline"}, files=files)
        assert response.status_code == 201, response.text
        yield client, {"Authorization": f"Bearer {tokens.create('doc', 'clinician')}"}


# The quoted sentence has its "(Table 3)" taken out, as every citation mark is; the link says where it pointed.
NAMING = "Infants weighing less than 2,000 g should complete the zentavir series"
QUESTION = "What zentavir schedule should infants weighing less than 2,000 g complete?"


def _naming(answer: dict) -> dict:
    guidelines = answer["guidelines"]
    statements = guidelines["lead"] + guidelines["points"] + [s for g in guidelines["sections"] for s in g["points"]]
    naming = [s for s in statements if s["text"].startswith(NAMING)]
    assert naming, [s["text"] for s in statements]
    return naming[0]


def test_a_sentence_naming_an_image_table_links_to_it_in_the_source(uploaded) -> None:
    client, clinician = uploaded
    answer = client.post("/ask", headers=clinician, json={"question": QUESTION})
    assert answer.status_code == 200, answer.text
    statement = _naming(answer.json())
    assert statement["source_links"] == [{"label": "Table 3", "href": f"{PAGE}#tab3"}]
    others = [s for s in answer.json()["guidelines"]["lead"] if not s["text"].startswith(NAMING)]
    assert all(s["source_links"] == [] for s in others)

    from present.render import to_html, to_markdown

    shown = Answer.model_validate(answer.json())
    assert f"([Table 3 in the source]({PAGE}#tab3))" in to_markdown(shown)
    assert f'<a class="source-image" href="{PAGE}#tab3"' in to_html(shown)


def test_openapi_describes_the_source_links(uploaded) -> None:
    client, _ = uploaded
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["SourceLink"]["properties"]) == {"label", "href"}
    assert "source_links" in schemas["Statement"]["properties"]
