"""A first run that serves in minutes (`make run` = `medcite serve --ingest`): a keyword-only index serves
with an honest notice and note, /health shows the build's phase, a killed server resumes its build."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

import index.build
from api.app import create_app
from index.build import build_index
from index.layout import IndexLayout
from index.search import Searcher
from ingest.manifest import read_manifest
from qa.service import INDEX_NOTES
from tests.api.conftest import _free_port, medcite_serve, serve
from tests.conftest import settings_for

QUESTION = "When should clinicians offer naloxone?"
PATIENCE_S = 600  # a bound on waiting for a real server and build on a loaded machine, never a figure asserted


@pytest.fixture()
def keyword_only(tmp_path: Path, mini_corpus: Path, embedding_cache: Path, embedder, monkeypatch):
    """The mini corpus with only its keyword-search version published: its build stopped at the chunk vectors."""
    settings = settings_for(mini_corpus, tmp_path / "index", embedding_cache, state_dir=tmp_path / "state")

    def stopped(plan, vectors, report):
        raise KeyboardInterrupt

    monkeypatch.setattr(index.build, "chunks_ready", stopped)
    with pytest.raises(KeyboardInterrupt):
        build_index(settings, read_manifest(settings.manifest), lambda: embedder, show_progress=False, progressive=True)
    monkeypatch.undo()
    return settings


def test_a_keyword_only_index_serves_and_says_so(keyword_only, embedder) -> None:
    with serve(create_app(keyword_only, embedder)) as url:
        health = httpx.get(f"{url}/health").json()
        assert health["index"]["vectors"] == "pending" and health["index"]["version"] == health["version"]
        assert health["index"]["progress"]["phase"] == "failed" and not health["index"]["progress"]["running"]
        page = httpx.get(f"{url}/").text
        assert "Still preparing the full index: answers use keyword search only" in page and "make run" in page
        answer = httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=120).json()
        assert answer["index_note"] == INDEX_NOTES["pending"] and answer["guidelines"]["lead"]
        assert all(e["scores"]["dense"] == 0 for e in answer["evidence"])
        fragment = httpx.post(f"{url}/ui/answer", json={"question": QUESTION}, timeout=120).json()
        assert '<p class="index-note" role="note">The index is still being prepared' in fragment["html"]


def test_an_open_page_drops_the_notice_once_the_full_index_is_published(keyword_only, embedder, page) -> None:
    with serve(create_app(keyword_only, embedder)) as url:
        page.goto(f"{url}/")
        notice = page.locator(".index-building")
        assert "answers use keyword search only" in notice.inner_text()
        assert httpx.get(f"{url}/ui/index-notice").json()["notice"] == notice.inner_text()
        # the stopped build finishes, as `make run` again would: the page, left open, follows
        build_index(keyword_only, read_manifest(keyword_only.manifest), lambda: embedder, show_progress=False)
        assert httpx.get(f"{url}/ui/index-notice").json() == {"notice": None}
        notice.wait_for(state="detached", timeout=30_000)
        page.fill("#question", QUESTION)
        page.click("#ask-form button[type=submit]")
        page.wait_for_selector("article.answer")
        assert "The index is still being prepared" not in page.inner_text("#answers")


def _health(process: subprocess.Popen, port: int, until=lambda health: True) -> dict:
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
            if until(health):
                return health
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("the server did not reach the expected state")


def test_serve_ingest_builds_beside_the_server_and_a_restart_resumes(tmp_path: Path, mini_corpus: Path, embedder) -> None:
    """The real CLI (`make run`'s command) on a fresh index and an empty embedding cache, killed once it serves."""
    settings = settings_for(mini_corpus, tmp_path / "index", tmp_path / "cache", state_dir=tmp_path / "state")
    layout, port = IndexLayout(settings.index_dir), _free_port()
    process = medcite_serve(settings, port, "--ingest")
    try:
        first = _health(process, port)  # it serves as soon as a version is published, whatever its vectors
        assert first["index"]["vectors"] in ("pending", "chunks", "complete") and first["index"]["progress"]
    finally:
        process.send_signal(signal.SIGKILL)  # the hardest stop, mid-build on any machine slower than the mini corpus
        process.wait()
    assert layout.current_manifest() is not None  # the killed build's last published version stays in service
    searcher = Searcher.open(settings, embedder)
    assert searcher.search("naloxone", k=3)  # what the killed build left in service works
    searcher.close()

    process = medcite_serve(settings, port, "--ingest")
    try:
        done = _health(process, port, lambda health: health["index"]["vectors"] == "complete")
        assert (
            done["index"]["progress"]["phase"] == "complete"
            and "Still preparing" not in httpx.get(f"http://127.0.0.1:{port}/").text
        )
        answer = httpx.post(f"http://127.0.0.1:{port}/ask", json={"question": QUESTION}, timeout=120).json()
        assert answer["index_note"] is None and answer["guidelines"]["lead"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert not [p for p in layout.versions.iterdir() if p.name.startswith(".building-")]

    versions = sorted(p.name for p in layout.versions.iterdir())
    process = medcite_serve(settings, port, "--ingest")  # an unchanged corpus: serves the same version, publishes nothing
    try:
        again = _health(process, port)
        assert again["index"]["version"] == done["index"]["version"]
        job_done = _health(process, port, lambda health: not health["index"]["progress"]["running"])
        assert job_done["index"]["version"] == done["index"]["version"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert sorted(p.name for p in layout.versions.iterdir()) == versions
